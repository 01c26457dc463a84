// The sidebar's filters applied in the page at once, before the server's rerun arrives.
// A click on a status pill, a layer checkbox, a time mode or an "as of" step is read back from
// the widgets, the map's codes are computed here (maps/viewcodes.js, exactly as Python would)
// and handed to the map frame's Shinan.show, with the legend and the year box to match. The
// rerun then sends the same codes, which the map finds already applied. Only when the server
// says so (Shinan.state.filter.instant: no playback, radius or chart pick, which only the
// server computes) and only for data the page holds. Loaded once with the page (fixed text).
(function () {
  var F = window.ShinanFilter;
  if (!F || F.installed) return;
  F.installed = true;

  function mapWindow() {
    var frame = document.querySelector(
      '.st-key-map_area iframe[title="streamlit_folium.st_folium"]');
    try {
      var w = frame && frame.contentWindow;
      return w && w.Shinan && w.Shinan.show ? w : null;
    } catch (e) {
      return null;
    }
  }

  function specOf(server) {
    return {
      mode: server.mode, layers: server.layers, statuses: server.statuses,
      as_of: server.as_of, years: server.years,
    };
  }

  // The filter the widgets show now; the server's value for a widget not on the page.
  F.readSpec = function (d, server) {
    var layers = d.layers.filter(function (layer) {
      var box = document.querySelector(".st-key-layer_" + layer + " input[type=checkbox]");
      return box ? box.checked : server.layers.indexOf(layer) >= 0;
    });
    var pills = document.querySelectorAll(".st-key-statuses button[aria-pressed]");
    var statuses = server.statuses;
    if (pills.length === d.statuses.length) {
      statuses = d.statuses.filter(function (s, k) {
        return pills[k].getAttribute("aria-pressed") === "true";
      });
    }
    var mode = server.mode;
    document.querySelectorAll(".st-key-mode input[type=radio]").forEach(function (radio) {
      if (radio.checked) mode = server.modes[Number(radio.value)] || mode;
    });
    var asOf = server.as_of, step = document.querySelector(".st-key-as_of input[type=range]");
    if (mode === "as_of" && step && d.filter.steps[Number(step.value)] !== undefined) {
      asOf = d.filter.steps[Number(step.value)];
    }
    // Layers drawn from vector tiles are not in the page's data, whose years may then be
    // fewer than the slider's: the year as the slider says it ("2020年底", "2021 target").
    if (mode === "as_of" && step && d.filter.steps.length !== Number(step.max) + 1) {
      var said = /(\d{4})/.exec(step.getAttribute("aria-valuetext") || "");
      asOf = said ? Number(said[1]) : server.as_of;
    }
    var years = server.years, ends = document.querySelectorAll(".st-key-years input[type=range]");
    if (mode === "period" && ends.length === 2) {
      years = [Number(ends[0].value), Number(ends[1].value)];
    }
    return { mode: mode, layers: layers, statuses: statuses, as_of: asOf, years: years };
  };

  // The legend and the year box inside the map, as the server draws them for ``spec``.
  F.showBoxes = function (doc, d, spec, codes, label) {
    var box = doc.querySelector(".shinan-legend");
    if (box) {
      var details = box.querySelector("details"), open = !details || details.open;
      box.innerHTML = d.filter.legend; // made and escaped in Python (maps.webmap.legend_html)
      box.querySelector("details").open = open;
      F.showLegend(box, F.legend(d, spec, codes));
    }
    var year = doc.querySelector(".shinan-time [data-testid=map-year]");
    if (year) {
      year.textContent = label[0];
      if (label[1]) {
        var note = doc.createElement("small");
        note.textContent = label[1];
        year.appendChild(note);
      }
    }
  };

  // Show the filter the widgets show, if the map does not already. ``fromServer``: called
  // right after a rerun drew the map; then only to put back what the user last clicked when
  // that rerun was an older one (two quick clicks: the first click's rerun comes in after the
  // second was shown). A change the server made itself (a scene, a link) is left alone.
  F.sync = function (fromServer) {
    var w = mapWindow();
    var S = w && w.Shinan, server = S && S.state && S.state.filter;
    if (!server) return;
    hook(S);
    if (F.serverState !== S.state) { // a rerun has drawn the map: that is what it shows now
      F.serverState = S.state;
      F.shownSig = server.key + JSON.stringify(specOf(server));
      if (F.shownSig === F.userSig) F.userSig = null; // the server has caught up
    }
    var d = (window.__shinanData || {})[server.key];
    if (!server.instant || !d || !d.filter) return;
    var spec = F.readSpec(d, server), sig = server.key + JSON.stringify(spec);
    if (sig === F.shownSig || (fromServer === true && sig !== F.userSig)) return;
    var start = performance.now(), codes = F.codes(d, spec), label = F.timeLabel(d, spec);
    if (codes === null || !label) { // not computable here: the rerun will draw it
      if (S.tiles && S.tiles.follow) S.tiles.follow(spec); // the tiled layers compute their own
      return;
    }
    F.shownSig = F.userSig = sig;
    F.showBoxes(w.document, d, spec, codes, label);
    var computed = performance.now();
    S.show(server.key, codes);
    if (S.tiles && S.tiles.follow) S.tiles.follow(spec); // the tiled layers (maps/tiles_layer.js)
    if (S.lastApply) S.lastApply.instant = true;
    var end = performance.now();
    // For the benchmark: the page's own work apart from the map's drawing.
    F.last = { spec: spec, codes: codes, ms: end - start, computeMs: computed - start, at: end };
    F.applied = (F.applied || 0) + 1;
  };

  // Every view the map shows (a rerun's too) is followed by a look at the widgets.
  function hook(S) {
    if (S.instantHook) return;
    S.instantHook = true;
    var show = S.show;
    S.show = function () {
      var out = show.apply(this, arguments);
      setTimeout(function () { F.sync(true); }, 0);
      return out;
    };
  }

  // The widgets this script reads; anything else (a scene, a link, the language) is the
  // server's to draw.
  var WIDGETS = ".st-key-statuses, .st-key-mode, .st-key-as_of, .st-key-years, " +
    "[class*='st-key-layer_']";
  F.userAt = -1e9;
  // After a click on one of them, as soon as the widget shows its new value: React sets these
  // attributes when it draws it, which on a busy page (a rerun still arriving) can be well
  // after the click; and after the click itself, for a widget that sets no attribute.
  new MutationObserver(function () {
    if (performance.now() - F.userAt < 2000) F.sync();
  }).observe(document.body, {
    subtree: true, attributes: true,
    attributeFilter: ["aria-pressed", "data-selected", "checked", "value"],
  });
  function soon(event) {
    if (!event.target || !event.target.closest || !event.target.closest(WIDGETS)) return;
    F.userAt = performance.now();
    setTimeout(F.sync, 0);
    setTimeout(F.sync, 60);
  }
  ["click", "change", "keyup", "pointerup"].forEach(function (name) {
    window.addEventListener(name, soon, true);
  });
})();
