// The project map's browser side, installed once with the base map (its text never changes, so
// streamlit-folium never remounts the map). Feature groups sent on each rerun call into
// window.Shinan: boxes in the map's corners (legend, year), the view state (presenter mode,
// selected project) and the tile-failure notice. Labels are placed here, without collisions.
(function (map) {
  var S = (window.Shinan = window.Shinan || {});
  S.map = map;
  S.state = S.state || { presenter: false, selected: null, labelZoom: 15 };

  function pane(name, z, interactive) {
    var p = map.getPane(name) || map.createPane(name);
    p.style.zIndex = z;
    if (!interactive) p.style.pointerEvents = "none";
  }
  // Offline background under the tiles (tilePane is 200): failed tiles reveal it, not grey.
  pane("shinanLand", 150);
  pane("shinanPlaces", 160);
  pane("shinanLabels", 620); // above markers (600), below tooltips (650)

  if (!document.getElementById("shinan-defs")) {
    var holder = document.createElement("div");
    holder.id = "shinan-defs";
    holder.innerHTML = __DEFS__;
    document.body.appendChild(holder);
  }
  if (window.ResizeObserver) {
    new ResizeObserver(function () {
      map.invalidateSize();
      S.relabel();
    }).observe(map.getContainer());
  }

  // An HTML box in a corner of the map, removed with the feature group that holds it.
  S.Box = L.Layer.extend({
    initialize: function (html, position, cls) {
      this._html = html;
      this._position = position;
      this._cls = cls;
    },
    onAdd: function (m) {
      var self = this;
      var control = L.control({ position: this._position });
      control.onAdd = function () {
        var div = L.DomUtil.create("div", "shinan-box " + self._cls);
        div.innerHTML = self._html;
        L.DomEvent.disableClickPropagation(div);
        L.DomEvent.disableScrollPropagation(div);
        return div;
      };
      this._control = control.addTo(m);
    },
    onRemove: function (m) {
      m.removeControl(this._control);
    },
  });

  // What the rerun says about the view: presenter mode, the selected project, label zoom.
  S.State = L.Layer.extend({
    initialize: function (state) {
      this._state = state;
    },
    onAdd: function (m) {
      S.state = this._state;
      m.getContainer().classList.toggle("shinan-presenter", !!this._state.presenter);
      setTimeout(S.relabel, 0);
    },
    onRemove: function () {}, // the next state replaces this one
  });

  // Year playback runs here, not by reruns, so its steps are even: every frame (its layers,
  // legend and year) arrives at once in its own group, tagged with its number; the player
  // shows one at a time and, at the end, presses the page's play button to say so.
  S.frames = S.frames || [];
  S.FrameTag = L.Layer.extend({
    initialize: function (index, group) {
      if (index === 0) S.frames = [];
      S.frames[index] = group;
    },
    onAdd: function () {},
    onRemove: function () {},
  });
  S.Player = L.Layer.extend({
    initialize: function (options) {
      this._o = options;
    },
    onAdd: function (m) {
      var self = this;
      setTimeout(function () { self._start(m); }, 0);
    },
    _start: function (m) {
      var self = this, o = this._o, frames = S.frames.slice(0, o.count), at = 0;
      frames.forEach(function (g, k) { if (k > 0 && m.hasLayer(g)) m.removeLayer(g); });
      S.relabel();
      S.stepTimes = [performance.now()];
      this._timer = setInterval(function () {
        var next = at + 1;
        if (next >= o.count) {
          if (!o.loop) {
            clearInterval(self._timer);
            S.playbackEnded();
            return;
          }
          next = 0;
        }
        m.removeLayer(frames[at]);
        m.addLayer(frames[next]);
        at = next;
        S.relabel();
        S.stepTimes.push(performance.now()); // when each step showed, for the curious
      }, o.ms);
    },
    onRemove: function () {
      clearInterval(this._timer);
    },
  });
  S.playbackEnded = function () {
    try {
      var button = window.parent.document.querySelector(".st-key-play_button button");
      if (button) button.click();
    } catch (e) {} // a map outside the app (an exported file) has no button to press
  };

  // A plain notice inside the map when the chosen tiles cannot be loaded.
  S.watchTiles = function (layer, text) {
    var notice = null;
    layer.on("tileerror", function () {
      if (notice) return;
      notice = L.DomUtil.create("div", "shinan-tile-notice", map.getContainer());
      notice.setAttribute("data-testid", "tile-notice");
      notice.textContent = text;
    });
    layer.on("remove", function () {
      if (notice) L.DomUtil.remove(notice);
      notice = null;
    });
  };

  // A project's marker: its layer's shape in its status colour (symbols made in Python).
  S.marker = function (latlng, symbol, anchorOnly) {
    var size = anchorOnly ? symbol.area : symbol.size;
    var html = anchorOnly ? symbol.areaSvg : symbol.svg;
    var marker = L.marker(latlng, {
      icon: L.divIcon({ html: html, className: "shinan-marker", iconSize: [size, size] }),
      riseOnHover: true,
      keyboard: false,
    });
    marker._shinanAnchor = true;
    return marker;
  };

  function overlaps(a, b) {
    return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
  }

  // Labels: the selected project always; every project at the label zoom or in presenter
  // mode; greedy placement right, left, above, below its marker; a label that would overlap
  // another label or a marker is left out.
  S.relabel = function () {
    var labelPane = map.getPane("shinanLabels");
    if (!labelPane || !map._loaded) return;
    labelPane.innerHTML = "";
    var state = S.state || {};
    var all = !!state.presenter || map.getZoom() >= (state.labelZoom || 15);
    var size = map.getSize();
    var view = { x: 0, y: 0, w: size.x, h: size.y };
    var items = [];
    map.eachLayer(function (layer) {
      if (!layer._shinanAnchor || !layer.feature) return;
      var p = layer.feature.properties;
      var selected = state.selected && p.id === state.selected;
      if (!all && !selected) return;
      var pt = map.latLngToContainerPoint(layer.getLatLng());
      if (!overlaps({ x: pt.x, y: pt.y, w: 1, h: 1 }, view)) return;
      var r = (layer.options.icon.options.iconSize || [16, 16])[0] / 2;
      items.push({ p: p, pt: pt, r: r, selected: selected });
    });
    items.sort(function (a, b) {
      return (b.selected - a.selected) || (a.p.rank - b.p.rank) || (a.p.lbl.length - b.p.lbl.length);
    });
    var taken = items.map(function (it) {
      return { x: it.pt.x - it.r, y: it.pt.y - it.r, w: 2 * it.r, h: 2 * it.r, own: it };
    });
    // Nor under the legend, the year, the zoom buttons, the scale bar or a notice.
    var frame = map.getContainer().getBoundingClientRect();
    map.getContainer().querySelectorAll(".leaflet-control, .shinan-tile-notice").forEach(
      function (el) {
        var r = el.getBoundingClientRect();
        taken.push({ x: r.left - frame.left, y: r.top - frame.top, w: r.width, h: r.height });
      }
    );
    var origin = map.containerPointToLayerPoint([0, 0]);
    items.forEach(function (it) {
      var el = L.DomUtil.create("div", "shinan-label" + (it.selected ? " selected" : ""), labelPane);
      el.innerHTML = it.p.lbl; // escaped in Python (geo.html)
      if (it.p.s) el.className += " schematic";
      var w = el.offsetWidth, h = el.offsetHeight, gap = it.r + 3;
      var spots = [
        { x: it.pt.x + gap, y: it.pt.y - h / 2 },
        { x: it.pt.x - gap - w, y: it.pt.y - h / 2 },
        { x: it.pt.x - w / 2, y: it.pt.y - gap - h },
        { x: it.pt.x - w / 2, y: it.pt.y + gap },
      ];
      var spot = null;
      for (var i = 0; i < spots.length && !spot; i++) {
        var box = { x: spots[i].x, y: spots[i].y, w: w, h: h };
        var inside = box.x >= 0 && box.y >= 0 && box.x + w <= size.x && box.y + h <= size.y;
        var free = taken.every(function (t) { return t.own === it || !overlaps(box, t); });
        if ((inside && free) || (it.selected && i === spots.length - 1 && !spot)) spot = box;
      }
      if (!spot && it.selected) spot = { x: spots[0].x, y: spots[0].y, w: w, h: h };
      if (!spot) {
        L.DomUtil.remove(el);
        return;
      }
      taken.push(spot);
      L.DomUtil.setPosition(el, L.point(spot.x + origin.x, spot.y + origin.y));
    });
    labelPane.setAttribute("data-labels", labelPane.childElementCount);
  };
  map.on("zoomend moveend", S.relabel);
})(__MAP__);
