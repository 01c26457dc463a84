// The sidebar's filters applied in the page at once, before the server's rerun arrives.
// A click on a status pill, a layer checkbox, a time mode or an "as of" step is read back from
// the widgets, the map's codes are computed here (geo/viewcodes.js, exactly as Python would)
// and handed to the map frame's Shinan.show, with the legend and the year box to match. The
// rerun then sends the same codes, which the map finds already applied. Only when the server
// says so (Shinan.state.filter.instant: no playback, radius or chart pick, which only the
// server computes) and only for data the page holds. Loaded once with the page (fixed text).
(function () {
  var F = window.ShinanFilter;
  if (!F || F.installed) return;
  F.installed = true;

  function mapWindow() {
    var frame = document.querySelector('iframe[title="streamlit_folium.st_folium"]');
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
      box.innerHTML = d.filter.legend; // made and escaped in Python (geo.webmap.legend_html)
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

  F.sync = function () {
    var w = mapWindow();
    var S = w && w.Shinan, server = S && S.state && S.state.filter;
    if (!server) return;
    if (F.serverState !== S.state) { // a rerun has drawn the map: that is what it shows now
      F.serverState = S.state;
      F.shownSig = server.key + JSON.stringify(specOf(server));
    }
    var d = (window.__shinanData || {})[server.key];
    if (!server.instant || !d || !d.filter) return;
    var spec = F.readSpec(d, server), sig = server.key + JSON.stringify(spec);
    if (sig === F.shownSig) return;
    var start = performance.now(), codes = F.codes(d, spec), label = F.timeLabel(d, spec);
    if (codes === null || !label) return; // not computable here: the rerun will draw it
    F.shownSig = sig;
    S.show(server.key, codes);
    if (S.lastApply) S.lastApply.instant = true;
    F.showBoxes(w.document, d, spec, codes, label);
    F.last = { spec: spec, codes: codes, ms: performance.now() - start, at: performance.now() };
  };

  // After the widget has taken the click (React updates it in the same task or the next).
  function soon() {
    setTimeout(F.sync, 0);
    setTimeout(F.sync, 60);
  }
  ["click", "change", "keyup", "pointerup"].forEach(function (name) {
    window.addEventListener(name, soon, true);
  });
})();
