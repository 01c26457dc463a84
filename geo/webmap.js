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
      // Every frame's view was applied as it arrived: show the first one's again.
      if (frames[0] && m.hasLayer(frames[0])) {
        m.removeLayer(frames[0]);
        m.addLayer(frames[0]);
      }
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

  // Projects at scale. Every located project reaches the browser once per data version (a
  // script in the page stores it in the parent window's __shinanData[key], or S.inline for a
  // map without a page); each rerun sends only one character per project (S.View): "." hidden,
  // else its status and target. Features are drawn on one canvas, made the first time they
  // are shown, and kept: a filter change shows, hides or restyles them, and the map (zoom,
  // position) is never rebuilt. The group persists across reruns so that streamlit-folium's
  // click handler, attached to every layer of the map after each update, reaches it.
  S.group = S.group || null;
  S.projects = S.projects || null;
  pane("shinanProjects", 450, true);

  function dataFor(key) {
    if (S.inline && S.inline[key]) return S.inline[key];
    try {
      var stored = window.parent.__shinanData;
      return stored && stored[key];
    } catch (e) {
      return null; // a map outside the app: only inline data
    }
  }

  // Each symbol is rasterised once (at the screen's pixel ratio) and then copied: drawing an
  // SVG image re-rasterises it every time, about 0.1 ms a marker.
  var images = {};
  function image(svg, size) {
    var key = size + svg, img = images[key];
    if (img) return img;
    var ratio = window.devicePixelRatio || 1;
    img = images[key] = document.createElement("canvas");
    img.width = img.height = Math.ceil(size * ratio);
    var source = new Image();
    source.onload = function () {
      img.getContext("2d").drawImage(source, 0, 0, img.width, img.height);
      // An ImageBitmap copies fast; a canvas source is snapshotted on every draw.
      createImageBitmap(img).then(function (bitmap) {
        img._bitmap = bitmap;
        img._ready = true;
        S.redraw();
      });
    };
    source.src = "data:image/svg+xml;charset=utf-8," + encodeURIComponent(svg);
    return img;
  }
  S.redraw = function () {
    if (S._redrawing) return;
    S._redrawing = requestAnimationFrame(function () {
      S._redrawing = null;
      if (S.renderer && S.renderer._map) S.renderer._redraw();
    });
  };

  // Area patterns (hatch, dots...) as canvas patterns, from the same <pattern> definitions.
  var patterns = {};
  function fillStyle(ctx, fill, fallback) {
    if (fill.indexOf("url(#") !== 0) return fill;
    var id = fill.slice(5, -1);
    if (patterns[id] === undefined) {
      patterns[id] = null;
      var def = document.getElementById(id);
      if (def) {
        var img = image('<svg xmlns="http://www.w3.org/2000/svg" width="8" height="8">' +
          def.innerHTML + "</svg>", 8);
        var wait = function () {
          if (!img._ready) return setTimeout(wait, 30);
          // The tile is rasterised at the pixel ratio; the canvas is scaled by it.
          var tile = ctx.createPattern(img, "repeat"), ratio = img.width / 8;
          if (tile.setTransform && ratio !== 1) {
            tile.setTransform(new DOMMatrix().scale(1 / ratio));
          }
          patterns[id] = tile;
          S.redraw();
        };
        wait();
      }
    }
    return patterns[id] || fallback;
  }

  // One canvas for every project: paths filled with patterns, markers drawn as images of the
  // same SVG symbols the legend shows.
  S.Canvas = L.Canvas.extend({
    _fillStroke: function (ctx, layer) {
      var o = layer.options;
      if (o.fill) {
        ctx.globalAlpha = o.fillOpacity;
        ctx.fillStyle = fillStyle(ctx, o.fillColor || o.color, o.color);
        ctx.fill(o.fillRule || "evenodd");
      }
      if (o.stroke && o.weight !== 0) {
        if (ctx.setLineDash) ctx.setLineDash(o._dashArray || []);
        ctx.globalAlpha = o.opacity;
        ctx.lineWidth = o.weight;
        ctx.strokeStyle = o.color;
        ctx.lineCap = o.lineCap;
        ctx.lineJoin = o.lineJoin;
        ctx.stroke();
      }
    },
    _drawSymbol: function (layer) {
      if (!this._drawing || layer._empty()) return;
      var s = layer._shinanSize, img = image(layer._svg, s), p = layer._point;
      if (!img._ready) return;
      this._ctx.globalAlpha = 1;
      // Whole pixels and the image's own size: a plain copy, no resampling (5x faster).
      this._ctx.drawImage(img._bitmap, Math.round(p.x - s / 2), Math.round(p.y - s / 2), s, s);
    },
  });
  S.Symbol = L.CircleMarker.extend({
    _updatePath: function () {
      this._renderer._drawSymbol(this);
    },
  });

  function Projects(d) {
    var ox = d.origin[0], oy = d.origin[1], g = d.grid;
    this.d = d;
    this.n = d.id.length;
    this.codes = new Uint8Array(this.n).fill(46);
    this.items = new Array(this.n);
    this.ll = function (x, y) { return [oy + y * g, ox + x * g]; };
    var ll = this.ll;
    this.ring = function (r) {
      var out = new Array(r.length / 2), x = 0, y = 0;
      for (var i = 0; i < r.length; i += 2) {
        x += r[i];
        y += r[i + 1];
        out[i / 2] = ll(x, y);
      }
      return out;
    };
  }
  Projects.prototype.symbol = function (i, code) {
    var d = this.d, k = code - 97, status = d.statuses[k >> 1];
    var key = status + "|" + (k & 1) + "|" + (d.prec[i] === 2 ? 1 : 0);
    return d.symbols[d.layers[d.layer[i]]][key];
  };
  Projects.prototype.make = function (i, sym) {
    var d = this.d, kind = d.geom[i][0], parts = d.geom[i][1], ring = this.ring, ll = this.ll;
    var schematic = d.prec[i] === 2;
    var feature = { type: "Feature", properties: {
      id: d.id[i], layer: d.layers[d.layer[i]], lbl: d.lbl[i], s: schematic,
      rank: schematic ? 2 : (d.la[i] ? 0 : 1) } };
    var opts = L.extend({ renderer: S.renderer }, sym.style);
    var made = [], points = [];
    if (kind === 1) points.push(ll(parts[0], parts[1]));
    else if (kind === 4) parts.forEach(function (p) { points.push(ll(p[0], p[1])); });
    else if (kind === 2) made.push(L.polyline(ring(parts), opts));
    else if (kind === 5) made.push(L.polyline(parts.map(ring), opts));
    else if (kind === 3) made.push(L.polygon(parts.map(ring), opts));
    else if (kind === 6) made.push(L.polygon(parts.map(function (p) { return p.map(ring); }), opts));
    var anchorOnly = made.length > 0;
    if (anchorOnly && d.la[i]) points.push(ll(d.la[i][0], d.la[i][1]));
    points.forEach(function (at) {
      var m = new S.Symbol(at, { renderer: S.renderer, radius: 8, stroke: false, fill: false });
      m._shinanAnchor = true;
      m._anchorOnly = anchorOnly;
      made.push(m);
    });
    made.forEach(function (layer) {
      layer.feature = feature;
      layer._shinanIndex = i;
    });
    return made;
  };
  Projects.prototype.restyle = function (layers, sym) {
    layers.forEach(function (layer) {
      if (layer._shinanAnchor) {
        layer._svg = layer._anchorOnly ? sym.areaSvg : sym.svg;
        layer._shinanSize = layer._anchorOnly ? sym.area : sym.size;
        layer.setRadius(layer._shinanSize / 2);
      } else {
        layer._shinanStyle = sym.style;
        layer.setStyle(sym.style);
      }
    });
  };
  // Show what ``codes`` says; returns the milliseconds it took.
  Projects.prototype.apply = function (codes) {
    var start = performance.now(), added = false, group = S.group;
    for (var i = 0; i < this.n; i++) {
      var code = codes.charCodeAt(i) || 46, was = this.codes[i];
      if (code === was) continue;
      this.codes[i] = code;
      var layers = this.items[i];
      if (code === 46) {
        layers.forEach(function (l) { group.removeLayer(l); });
        continue;
      }
      var sym = this.symbol(i, code);
      if (!layers) layers = this.items[i] = this.make(i, sym);
      this.restyle(layers, sym);
      if (was === 46) {
        layers.forEach(function (l) { group.addLayer(l); });
        added = true;
      }
    }
    if (added) this.order();
    S.relabel();
    return performance.now() - start;
  };
  // Canvas draws in the order layers were added: put areas and lines under markers, and
  // each by its layer's z order, as the legend reads.
  Projects.prototype.order = function () {
    var d = this.d, buckets = {};
    for (var i = 0; i < this.n; i++) {
      if (this.codes[i] === 46) continue;
      var z = d.z[d.layers[d.layer[i]]];
      this.items[i].forEach(function (l) {
        var b = (l._shinanAnchor ? 1000 : 0) + z;
        (buckets[b] = buckets[b] || []).push(l);
      });
    }
    Object.keys(buckets).map(Number).sort(function (a, b) { return a - b; }).forEach(function (b) {
      buckets[b].forEach(function (l) { if (l._map) l.bringToFront(); });
    });
  };
  Projects.prototype.tip = function (layer) {
    var d = this.d, i = layer._shinanIndex, k = this.codes[i] - 97;
    var status = d.statuses[k >> 1], text = d.text.status[status];
    if (k & 1) text = d.text.target[0] + text + d.text.target[1];
    return "<b>" + d.name[i] + "</b><br>" + d.text.layer[d.layers[d.layer[i]]] + "<br>" +
      '<span style="color:' + d.colors[status] + '">\u25a0</span> ' + text + "<br>" +
      d.text.precision[d.precisions[d.prec[i]]];
  };

  function projectGroup() {
    if (S.group) return S.group;
    S.renderer = new S.Canvas({ pane: "shinanProjects", padding: 0.2, tolerance: 3 });
    var group = (S.group = L.featureGroup().addTo(map));
    group.bindTooltip(function (layer) { return S.projects ? S.projects.tip(layer) : ""; },
      { sticky: true });
    group.on("mouseover", function (e) {
      if (e.layer && !e.layer._shinanAnchor && S.projects) e.layer.setStyle(S.projects.d.highlight);
    });
    group.on("mouseout", function (e) {
      if (e.layer && !e.layer._shinanAnchor && e.layer._shinanStyle) {
        e.layer.setStyle(e.layer._shinanStyle);
      }
    });
    return group;
  }

  // Show projects of data ``key`` as ``codes`` says, once the data is in the page.
  S.show = function (key, codes) {
    projectGroup();
    S.wanted = { key: key, codes: codes };
    var d = dataFor(key);
    if (!d) {
      if (!S._waiting) {
        S._waiting = setTimeout(function () {
          S._waiting = null;
          S.show(S.wanted.key, S.wanted.codes);
        }, 50);
      }
      return;
    }
    if (!S.projects || S.projects.key !== key) {
      S.group.clearLayers();
      S.projects = new Projects(d);
      S.projects.key = key;
    }
    S.lastApply = { ms: S.projects.apply(codes), at: performance.now(), key: key };
  };
  S.View = L.Layer.extend({
    initialize: function (key, codes) {
      this._key = key;
      this._codes = codes;
    },
    onAdd: function () {
      S.show(this._key, this._codes);
    },
    onRemove: function () {}, // the next view replaces this one
  });

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
      var r = layer._shinanSize
        ? layer._shinanSize / 2
        : (layer.options.icon.options.iconSize || [16, 16])[0] / 2;
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
    // Only the first few hundred by rank try a label: no more fit on a screen, and each try
    // is checked against every marker.
    items.slice(0, 400).forEach(function (it) {
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
