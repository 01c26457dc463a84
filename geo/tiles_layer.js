// Tiled projects: PMTiles archives (geo/vectortiles.py) drawn by the vendored protomaps-leaflet.
// Loaded by the base map only when tiles are configured; each rerun sends only the filter
// (Shinan.TiledView). One protomaps layer persists across reruns (streamlit-folium removes
// and re-adds the feature groups, not layers added to the map itself), so its tile cache
// survives and a filter change re-renders the tiles on screen without fetching them again.
// __MAP__ and __SYMBOLS__ are filled in by geo/webmap.py.
(function (map) {
  "use strict";
  var S = (window.Shinan = window.Shinan || {});
  var T = (S.tiles = S.tiles || {});
  // Per layer: "status|target|schematic" -> {style, svg, size, areaSvg, area, pattern}, and
  // the layers in drawing order (layers/symbols.py, as the live map and legend use them).
  var SYMBOLS = __SYMBOLS__;
  var ORDER = SYMBOLS.order;
  T.pending = 0;
  T.rendered = 0;
  T.generation = 0;
  T.drawn = {};

  // Each SVG is rasterised once into a canvas (at the screen's pixel ratio) and then copied:
  // drawing an SVG image rasterises it again every time, about 0.1 ms a marker.
  var images = {};
  var ratio = window.devicePixelRatio || 1;
  function image(svg, size) {
    var key = size + svg, img = images[key];
    if (!img) {
      img = images[key] = { ready: false };
      var source = new Image();
      T.loading = (T.loading || 0) + 1;
      source.onload = source.onerror = function () {
        var canvas = document.createElement("canvas");
        canvas.width = canvas.height = Math.ceil(size * ratio);
        if (source.naturalWidth) {  // a symbol that failed to load stays blank
          canvas.getContext("2d").drawImage(source, 0, 0, canvas.width, canvas.height);
        }
        img.canvas = canvas;
        img.ready = true;
        // One redraw once every symbol is in, and only if a tile was drawn without some:
        // at 10^6 projects each redraw of the screen costs seconds.
        if (--T.loading === 0 && T.drawnEarly) T.redraw();
      };
      source.src = "data:image/svg+xml;charset=utf-8," + encodeURIComponent(svg);
    }
    if (!img.ready) T.drawnEarly = true;
    return img.ready ? img.canvas : null;
  }
  var patterns = {};
  function pattern(ctx, svg) {
    if (patterns[svg]) return patterns[svg];
    var tile = image(svg, 8);
    if (!tile) return null;
    // The tile was drawn at the pixel ratio; the tile canvases are scaled by it too.
    var made = ctx.createPattern(tile, "repeat");
    if (made.setTransform) made.setTransform(new DOMMatrix().scale(1 / ratio));
    return (patterns[svg] = made);
  }

  // Every symbol and pattern is rasterised as soon as the map starts, before any tile arrives.
  Object.keys(SYMBOLS.layers).forEach(function (layer) {
    Object.keys(SYMBOLS.layers[layer]).forEach(function (key) {
      var sym = SYMBOLS.layers[layer][key];
      image(sym.svg, sym.size);
      if (sym.pattern) image(sym.pattern, 8);
    });
  });
  T.drawnEarly = false;

  function milestones(props) {
    if (props._m) return props._m;
    var out = [];
    String(props.ms || "").split(";").forEach(function (part) {
      var f = part.split(",");
      if (f.length === 4) out.push({ start: +f[0], end: +f[1], target: f[2] === "t", status: f[3] });
    });
    return (props._m = out);
  }
  // [status, target] to show under the filter, or null when hidden (geo.filter.apply_filter).
  function shown(props, layer) {
    var f = T.filter;
    if (!f || f.layers.indexOf(layer) < 0) return null;
    var status = props.status, target = false, ms;
    if (f.asOf !== null && f.asOf !== undefined) {
      ms = milestones(props);
      var now = null;
      for (var i = 0; i < ms.length; i++) if (ms[i].end <= f.asOf) now = ms[i];
      if (!now) return null;
      status = now.status;
      target = now.target;
    } else if (f.years) {
      ms = milestones(props);
      var inside = ms.some(function (m) { return f.years[0] <= m.start && m.end <= f.years[1]; });
      if (!inside) return null;
    }
    return f.statuses.indexOf(status) < 0 ? null : [status, target];
  }
  // The same answer for every rule and tile until the filter changes.
  function view(feature, layer) {
    var p = feature.props;
    if (p._g !== T.generation) {
      p._g = T.generation;
      p._v = shown(p, layer);
    }
    return p._v;
  }
  function symbolOf(feature, layer, v) {
    return SYMBOLS.layers[layer][v[0] + "|" + (v[1] ? 1 : 0) + "|" + (feature.props.sc ? 1 : 0)];
  }

  function tracePath(ctx, geom, close) {
    ctx.beginPath();
    for (var r = 0; r < geom.length; r++) {
      var ring = geom[r];
      ctx.moveTo(ring[0].x, ring[0].y);
      for (var i = 1; i < ring.length; i++) ctx.lineTo(ring[i].x, ring[i].y);
      if (close) ctx.closePath();
    }
  }
  // Canvas state is set only when it changes: thousands of features share a few styles.
  function setDash(ctx, dash) {
    if (ctx._shinanDash === dash) return;
    ctx._shinanDash = dash;
    ctx.setLineDash(dash ? dash.split(/[ ,]+/).map(Number) : []);
  }
  // How many screen pixels a feature spans (its first ring or line).
  function span(geom) {
    var ring = geom[0], x0 = ring[0].x, x1 = x0, y0 = ring[0].y, y1 = y0;
    for (var i = 1; i < ring.length; i++) {
      var p = ring[i];
      if (p.x < x0) x0 = p.x; else if (p.x > x1) x1 = p.x;
      if (p.y < y0) y0 = p.y; else if (p.y > y1) y1 = p.y;
    }
    return { x: x0, y: y0, w: x1 - x0, h: y1 - y0 };
  }
  // Below this size (pixels) an area or line is a dot of its status colour: its outline,
  // dash and pattern could not be told apart, and a dot costs a tenth of a path.
  var DOT = 3;
  function marker(ctx, svg, size, x, y) {
    var img = image(svg, size);
    if (img) ctx.drawImage(img, x - size / 2, y - size / 2, size, size);
  }
  // A protomaps symbolizer: areas (kind 3), lines (2) or points (1) of one layer.
  function Symbolizer(layer, kind) {
    this.layer = layer;
    this.kind = kind;
  }
  Symbolizer.prototype.draw = function (ctx, geom, z, feature) {
    var v = view(feature, this.layer), sym = v && symbolOf(feature, this.layer, v);
    if (!sym) return;
    T.drawn[feature.props.id] = v[0];
    if (this.kind === 1) {
      ctx.globalAlpha = 1;
      for (var r = 0; r < geom.length; r++) {
        for (var i = 0; i < geom[r].length; i++) {
          marker(ctx, sym.svg, sym.size, geom[r][i].x, geom[r][i].y);
        }
      }
      return;
    }
    var style = sym.style, box = span(geom);
    if (box.w < DOT && box.h < DOT) {
      ctx.globalAlpha = style.opacity;
      ctx.fillStyle = style.color;
      var d = Math.max(1.5, box.w, box.h);
      ctx.fillRect(box.x + box.w / 2 - d / 2, box.y + box.h / 2 - d / 2, d, d);
      return;
    }
    tracePath(ctx, geom, this.kind === 3);
    if (this.kind === 3 && style.fillOpacity > 0) {
      var fill = sym.pattern ? pattern(ctx, sym.pattern) : style.fillColor;
      ctx.globalAlpha = fill ? style.fillOpacity : style.fillOpacity * 0.4; // pattern not ready
      ctx.fillStyle = fill || style.color;
      ctx.fill("evenodd");
    }
    ctx.globalAlpha = style.opacity;
    ctx.strokeStyle = style.color;
    ctx.lineWidth = style.weight;
    setDash(ctx, style.dashArray);
    ctx.stroke();
  };
  // Round joins once per tile and rule (protomaps calls this before a rule's features).
  Symbolizer.prototype.before = function (ctx) {
    ctx.lineJoin = ctx.lineCap = "round";
    ctx._shinanDash = undefined;
  };

  function paintRules(files) {
    var rules = [];
    // Areas under lines under points, each by the layer order of the legend.
    [3, 2, 1].forEach(function (kind) {
      ORDER.forEach(function (layer) {
        files.forEach(function (file, i) {
          if (file.layer !== layer) return;
          rules.push({
            dataSource: "f" + i,
            dataLayer: layer,
            symbolizer: new Symbolizer(layer, kind),
            filter: function (z, feature) {
              return feature.geomType === kind && view(feature, layer) !== null;
            },
          });
        });
      });
    });
    return rules;
  }

  function makeLayer(config) {
    var sources = {};
    config.files.forEach(function (file, i) {
      sources["f" + i] = { url: file.url, maxDataZoom: config.maxzoom };
    });
    var layer = protomapsL.leafletLayer({
      sources: sources,
      paintRules: paintRules(config.files),
      labelRules: [],
      attribution: "",
      pane: map.getPane("shinanProjects") ? "shinanProjects" : "overlayPane",
      tileDelay: 0.01, // protomaps waits 3 ms per tile of distance from the centre by default
      interactive: false,
    });
    // Count tiles being drawn: the page is settled when none is (tests, benchmarks).
    var render = layer.renderTile.bind(layer);
    layer.renderTile = function (coords, element, key, done) {
      T.pending++;
      return Promise.resolve(render(coords, element, key, done)).finally(function () {
        T.pending--;
        T.rendered++;
        T.lastRender = performance.now();
      });
    };
    layer.on("click", function () {}); // streamlit-folium binds its click handler to it
    return layer;
  }

  // The project under a click: points first, then lines, then areas; the last drawn wins.
  function pick(latlng) {
    if (!T.layer) return null;
    var found = null, best = 0;
    T.layer.queryTileFeaturesDebug(latlng.lng, latlng.lat, 12).forEach(function (picked, source) {
      var file = T.config.files[+source.slice(1)];
      picked.forEach(function (hit) {
        var f = hit.feature, rank = 4 - f.geomType;
        if (file && view(f, file.layer) && rank >= best) {
          best = rank;
          found = f.props.id;
        }
      });
    });
    return found;
  }
  function onClick(e) {
    var id = pick(e.latlng);
    if (!id) return;
    T.clicked = id;
    // What streamlit-folium sends to Python as last_active_drawing / last_object_clicked.
    var feature = {
      type: "Feature",
      properties: { id: id },
      geometry: { type: "Point", coordinates: [e.latlng.lng, e.latlng.lat] },
    };
    T.layer.fire("click", { latlng: e.latlng, layer: { toGeoJSON: function () { return feature; } } });
  }

  T.redraw = function () {
    if (T._redrawing) return;
    T._redrawing = setTimeout(function () {
      T._redrawing = null;
      if (T.layer && T.layer._map) T.layer.rerenderTiles();
    }, 30);
  };
  T.show = function (config, filter) {
    if (!T.layer || T.config.version !== config.version) {
      if (T.layer) map.removeLayer(T.layer);
      T.config = config;
      T.layer = makeLayer(config);
      map.addLayer(T.layer);
      if (!T._clicks) T._clicks = map.on("click", onClick);
    }
    var changed = JSON.stringify(filter) !== JSON.stringify(T.filter);
    T.filter = filter;
    if (changed) {
      T.generation++;
      T.drawn = {};
      T.changedAt = performance.now();
      T.layer.rerenderTiles();
    }
  };
  // One rerun's filter for the tiled layers (geo.webmap.tiles_group).
  S.TiledView = L.Layer.extend({
    initialize: function (config, filter) {
      this._config = config;
      this._filter = filter;
    },
    onAdd: function () {
      T.show(this._config, this._filter);
    },
    onRemove: function () {}, // the next view replaces this one
  });
})(__MAP__);
