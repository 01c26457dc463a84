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
  // Tiles painted and milliseconds spent since the last filter change (benchmarks read them).
  T.paints = T.paintMs = T.longestPaint = 0;

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
  function view(p, layer) {
    if (p._g !== T.generation) {
      p._g = T.generation;
      p._v = shown(p, layer);
    }
    return p._v;
  }
  function symbolOf(props, layer, v) {
    return SYMBOLS.layers[layer][v[0] + "|" + (v[1] ? 1 : 0) + "|" + (props.sc ? 1 : 0)];
  }

  // Drawing. protomaps-leaflet fetches, decodes and caches the tiles; the tiles are drawn here
  // instead of by its paint rules: its painter walks every feature once per rule (three kinds
  // times every layer), copies each feature's geometry when a data tile is drawn over four
  // screen tiles, and sets a canvas colour per feature. At 10^6 projects a filter change then
  // redrew the screen in 15-20 s. Here each data tile's features are sorted by kind once, a
  // feature's screen position is computed in place, the dots of a colour are one path, and
  // tiles are drawn nearest the centre first in slices of a few milliseconds, so the page keeps
  // answering while a filter change is drawn.
  var KINDS = [3, 2, 1]; // areas under lines under points

  // A data tile's layer as flat arrays (made where it was decoded: in a worker when one can be
  // started): what drawing reads, and one small object per feature for its properties. Pieces
  // of feature i: rings first[i] .. first[i + 1], points of ring r ringAt[r] .. ringAt[r + 1].
  function flatten(features) {
    var n = features.length, rings = 0, points = 0, i, r, k;
    for (i = 0; i < n; i++) {
      rings += features[i].geom.length;
      for (r = 0; r < features[i].geom.length; r++) points += features[i].geom[r].length;
    }
    var out = {
      n: n, kind: new Uint8Array(n), bbox: new Float32Array(4 * n), first: new Uint32Array(n + 1),
      ringAt: new Uint32Array(rings + 1), xy: new Float32Array(2 * points), props: new Array(n),
    };
    rings = points = 0;
    for (i = 0; i < n; i++) {
      var f = features[i], b = f.bbox;
      out.kind[i] = f.geomType;
      out.bbox.set([b.minX, b.minY, b.maxX, b.maxY], 4 * i);
      out.props[i] = f.props;
      out.first[i] = rings;
      for (r = 0; r < f.geom.length; r++) {
        out.ringAt[rings++] = points;
        for (k = 0; k < f.geom[r].length; k++) {
          out.xy[2 * points] = f.geom[r][k].x;
          out.xy[2 * points++ + 1] = f.geom[r][k].y;
        }
      }
    }
    out.first[n] = rings;
    out.ringAt[rings] = points;
    return out;
  }
  // The arrays to hand over without copying.
  function buffers(flat) {
    return [flat.kind.buffer, flat.bbox.buffer, flat.first.buffer, flat.ringAt.buffer, flat.xy.buffer];
  }
  // protomaps-leaflet's click query walks a layer as features with point rings: made only then.
  function FlatLayer(flat) {
    for (var key in flat) this[key] = flat[key];
    var lists = { 1: [], 2: [], 3: [] };
    for (var i = 0; i < flat.n; i++) (lists[flat.kind[i]] || lists[3]).push(i);
    this.byKind = { 1: Uint32Array.from(lists[1]), 2: Uint32Array.from(lists[2]), 3: Uint32Array.from(lists[3]) };
  }
  FlatLayer.prototype.geom = function (i) {
    var rings = [];
    for (var r = this.first[i]; r < this.first[i + 1]; r++) {
      var ring = [];
      for (var k = this.ringAt[r]; k < this.ringAt[r + 1]; k++) ring.push({ x: this.xy[2 * k], y: this.xy[2 * k + 1] });
      rings.push(ring);
    }
    return rings;
  };
  FlatLayer.prototype[Symbol.iterator] = function () {
    var self = this, i = 0;
    return { next: function () {
      if (i >= self.n) return { done: true };
      var item = { geomType: self.kind[i], props: self.props[i], geom: self.geom(i) };
      i++;
      return { done: false, value: item };
    } };
  };
  function flatTile(layers) {
    var out = new Map();
    Object.keys(layers).forEach(function (name) { out.set(name, new FlatLayer(layers[name])); });
    return out;
  }

  // Fetching and decoding a tile of 20,000 projects holds a thread for 0.1-0.5 s: done in a
  // worker (the vendored bundle, loaded there too) so pans keep their frames. Each archive's
  // source in protomaps-leaflet's tile cache is replaced by one that asks the worker.
  function workerMain(plugin) {
    /* global importScripts, protomapsL */
    importScripts(plugin);
    var sources = {};
    self.onmessage = function (e) {
      var m = e.data, source = sources[m.url];
      if (!source) source = sources[m.url] = new protomapsL.PmtilesSource(m.url, false);
      source.get(m.tile, m.size).then(function (layers) {
        var out = {}, transfer = [];
        layers.forEach(function (features, name) {
          out[name] = FLATTEN(features);
          transfer = transfer.concat(BUFFERS(out[name]));
        });
        self.postMessage({ id: m.id, layers: out }, transfer);
      }, function (err) {
        self.postMessage({ id: m.id, error: String((err && err.message) || err), abort: !!(err && err.name === "AbortError") });
      });
    };
  }
  var worker = null, waiting = {}, asked = 0;
  function startWorker() {
    var script = document.querySelector('script[src*="protomaps-leaflet"]');
    if (!script || !window.Worker || !window.Blob) return null;
    try {
      var text = "var FLATTEN = " + flatten.toString() + ";\nvar BUFFERS = " + buffers.toString() +
        ";\n(" + workerMain.toString() + ")(" + JSON.stringify(script.src) + ");";
      var made = new Worker(URL.createObjectURL(new Blob([text], { type: "text/javascript" })));
      made.onmessage = function (e) {
        var m = e.data, job = waiting[m.id];
        delete waiting[m.id];
        if (!job) return;
        if (m.error) {
          var err = new Error(m.error);
          if (m.abort) err.name = "AbortError";
          job.reject(err);
        } else {
          job.resolve(flatTile(m.layers));
        }
      };
      made.onerror = function () { T.workerFailed = true; };
      return made;
    } catch (e) {
      return null;
    }
  }
  function WorkerSource(url, fallback) {
    this.url = new URL(url, location.href).href; // a worker made from a blob has no base URL
    this.fallback = fallback;
  }
  WorkerSource.prototype.get = function (tile, size) {
    if (!worker || T.workerFailed) {
      return this.fallback.get(tile, size).then(function (layers) {
        var out = {};
        layers.forEach(function (features, name) { out[name] = flatten(features); });
        return flatTile(out);
      });
    }
    var id = ++asked, url = this.url;
    return new Promise(function (resolve, reject) {
      waiting[id] = { resolve: resolve, reject: reject };
      worker.postMessage({ id: id, url: url, tile: { z: tile.z, x: tile.x, y: tile.y }, size: size });
    });
  };
  // Canvas state is set only when it changes: thousands of features share a few styles.
  function setDash(ctx, dash) {
    if (ctx._shinanDash === dash) return;
    ctx._shinanDash = dash;
    ctx.setLineDash(dash ? dash.split(/[ ,]+/).map(Number) : []);
  }
  // Below this size (pixels) an area or line is a dot of its status colour: its outline,
  // dash and pattern could not be told apart, and a dot costs a tenth of a path.
  var DOT = 3;
  // The dots of one kind and layer, a colour at a time (one path of thousands of rectangles
  // costs more to fill than the rectangles one by one).
  function drawDots(ctx, dots) {
    Object.keys(dots).forEach(function (key) {
      var d = dots[key];
      ctx.globalAlpha = d.opacity;
      ctx.fillStyle = d.color;
      for (var i = 0; i < d.xy.length; i += 3) ctx.fillRect(d.xy[i], d.xy[i + 1], d.xy[i + 2], d.xy[i + 2]);
    });
  }
  // A feature's rings as a path on the screen tile (scale s, offset dx, dy).
  function traceFlat(ctx, flat, i, close, s, dx, dy) {
    var xy = flat.xy;
    ctx.beginPath();
    for (var r = flat.first[i]; r < flat.first[i + 1]; r++) {
      var k = flat.ringAt[r], end = flat.ringAt[r + 1];
      ctx.moveTo(xy[2 * k] * s + dx, xy[2 * k + 1] * s + dy);
      for (k++; k < end; k++) ctx.lineTo(xy[2 * k] * s + dx, xy[2 * k + 1] * s + dy);
      if (close) ctx.closePath();
    }
  }
  function drawShape(ctx, flat, i, sym, kind, s, dx, dy) {
    var style = sym.style;
    traceFlat(ctx, flat, i, kind === 3, s, dx, dy);
    if (kind === 3 && style.fillOpacity > 0) {
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
  }
  // The features of one layer and kind in one data tile, in a screen tile at ``box``.
  function drawFeatures(ctx, flat, layer, kind, tile, box) {
    var s = tile.scale, dx = tile.origin.x - box.x, dy = tile.origin.y - box.y, dots = {};
    var drawn = T.drawn, list = flat.byKind[kind], bb = flat.bbox, xy = flat.xy;
    var lo = -box.pad, hi = 256 + box.pad;
    for (var j = 0; j < list.length; j++) {
      var i = list[j], x0 = bb[4 * i] * s + dx, y0 = bb[4 * i + 1] * s + dy;
      var x1 = bb[4 * i + 2] * s + dx, y1 = bb[4 * i + 3] * s + dy;
      if (x1 < lo || x0 > hi || y1 < lo || y0 > hi) continue;
      var props = flat.props[i], v = view(props, layer), sym = v && symbolOf(props, layer, v);
      if (!sym) continue;
      drawn[props.id] = v[0];
      if (kind === 1) {
        var img = image(sym.svg, sym.size), half = sym.size / 2;
        if (!img) continue;
        for (var k = flat.ringAt[flat.first[i]]; k < flat.ringAt[flat.first[i + 1]]; k++) {
          ctx.drawImage(img, xy[2 * k] * s + dx - half, xy[2 * k + 1] * s + dy - half, sym.size, sym.size);
        }
      } else if (x1 - x0 < DOT && y1 - y0 < DOT) {
        var st = sym.style, key = st.color + st.opacity, dot = dots[key];
        if (!dot) dot = dots[key] = { color: st.color, opacity: st.opacity, xy: [] };
        var size = Math.max(1.5, x1 - x0, y1 - y0);
        dot.xy.push((x0 + x1 - size) / 2, (y0 + y1 - size) / 2, size);
      } else {
        drawShape(ctx, flat, i, sym, kind, s, dx, dy);
      }
    }
    drawDots(ctx, dots);
  }
  // One screen tile from the data tiles of every archive (``tiles``: [[file, display tile]]).
  function paint(canvas, coords, tiles, tileSize) {
    canvas.width = canvas.height = tileSize;
    var ctx = canvas.getContext("2d");
    ctx.setTransform(tileSize / 256, 0, 0, tileSize / 256, 0, 0);
    ctx.clearRect(0, 0, 256, 256);
    ctx.lineJoin = ctx.lineCap = "round";
    ctx.miterLimit = 2;
    ctx.globalAlpha = 1;
    ctx._shinanDash = undefined;
    var box = { x: 256 * coords.x, y: 256 * coords.y, pad: 16 };
    // Below the top zoom a tile keeps at most a cap of each layer's projects (the builder's
    // MAX_FEATURES): one that holds the cap has left some out, which the map then says.
    canvas._thinned = tiles.some(function (pair) {
      var flat = pair[1].data.get(pair[0].layer), cap = pair[0].max_features;
      return cap < pair[0].features && flat && pair[1].dataTile.z < T.config.maxzoom &&
        flat.n >= cap;
    });
    KINDS.forEach(function (kind) {
      ORDER.forEach(function (layer) {
        tiles.forEach(function (pair) {
          var features = pair[0].layer === layer && pair[1].data.get(layer);
          if (features) drawFeatures(ctx, features, layer, kind, pair[1], box);
        });
      });
    });
  }

  // Screen tiles waiting to be drawn, nearest the map's centre first, a few ms at a time.
  var SLICE_MS = 12;
  var queue = [];
  function nearCentre(a, b) { return a.distance - b.distance; }
  function pump() {
    T._pumping = null;
    if (!T.layer || !T.layer._map) return;
    var layer = T.layer, centre = layer._pxBoundsToTileRange(
      layer._getTiledPixelBounds(layer._map.getCenter())).getCenter();
    queue.forEach(function (job) { job.distance = job.coords.distanceTo(centre); });
    queue.sort(nearCentre);
    // A filter change is drawn in one go: yielding between tiles lets the page's rerun in
    // (restyling the page takes seconds on a busy machine) and the toggle then waits for it
    // (measured: 6.0 s against 0.24 s at 10^5). Tiles that arrive after a pan yield every few
    // milliseconds, keeping frames short.
    var until = T.repainting ? Infinity : performance.now() + SLICE_MS;
    while (queue.length && performance.now() < until) {
      var job = queue.shift();
      if (job.canvas.key === job.key && job.generation === T.generation) {
        var began = performance.now();
        paint(job.canvas, job.coords, job.tiles, layer.tileSize);
        T.lastRender = performance.now();
        T.paints++;
        T.paintMs += T.lastRender - began;
        T.longestPaint = Math.max(T.longestPaint, T.lastRender - began);
      }
      finish(job);
    }
    if (queue.length) {
      T._pumping = setTimeout(pump, 0);
    } else {
      T.repainting = false;
      showNote(layer);
    }
  }
  // The note that some projects are left out at this zoom, while a tile on screen left some.
  function showNote(layer) {
    var thinned = Object.keys(layer._tiles).some(function (key) {
      var tile = layer._tiles[key];
      return tile.current && tile.el._thinned;
    });
    if (!T.note) {
      T.note = L.control({ position: "bottomright" });
      T.note.onAdd = function () {
        var div = L.DomUtil.create("div", "shinan-tiles-note");
        div.style.cssText = "background:rgba(255,255,255,.85);padding:2px 6px;font-size:12px;" +
          "border-radius:3px;max-width:360px;color:#333";
        return div;
      };
      T.note.addTo(map);
    }
    var div = T.note.getContainer();
    div.textContent = T.config.note || "";
    div.style.display = thinned && T.config.note ? "" : "none";
    T.thinned = thinned;
  }
  function finish(job) {
    if (--T.pending === 0) T.settledAt = performance.now();
    T.rendered++;
    job.done();
  }
  // protomaps-leaflet's renderTile, replaced: fetch (cached) and queue.
  function renderTile(coords, canvas, key, done) {
    var layer = this, generation = T.generation;
    T.pending++;
    var jobs = [];
    layer.views.forEach(function (view, source) {
      var file = T.config.files[+source.slice(1)];
      jobs.push(view.getDisplayTile(coords).then(function (tile) { return [file, tile]; },
        function (err) {
          if (err && err.name !== "AbortError") console.error(err);
          return null;
        }));
    });
    return Promise.all(jobs).then(function (tiles) {
      var job = { coords: coords, canvas: canvas, key: key, done: done || function () {} };
      job.tiles = tiles.filter(Boolean);
      // A filter changed while the tile was on its way: it is queued again by the change.
      job.generation = generation === T.generation ? generation : -1;
      queue.push(job);
      if (!T._pumping) T._pumping = setTimeout(pump, 0);
    });
  }
  // Every tile on the map again (a filter changed): the tiles' data are in the cache.
  function rerender(layer) {
    T.repainting = true;
    queue.forEach(function (job) { job.generation = -1; });
    Object.keys(layer._tiles).forEach(function (key) {
      var coords = layer._wrapCoords(layer._keyToTileCoords(key));
      layer.renderTile(coords, layer._tiles[key].el, layer._tileCoordsToKey(coords));
    });
  }

  function makeLayer(config) {
    var sources = {};
    config.files.forEach(function (file, i) {
      sources["f" + i] = { url: file.url, maxDataZoom: config.maxzoom };
    });
    var layer = protomapsL.leafletLayer({
      sources: sources,
      paintRules: [],
      labelRules: [],
      attribution: "",
      pane: map.getPane("shinanProjects") ? "shinanProjects" : "overlayPane",
      interactive: false,
    });
    layer.renderTile = renderTile;
    if (worker === null) worker = startWorker() || false;
    T.worker = !!worker;
    layer.views.forEach(function (view, source) {
      var cache = view.tileCache, file = config.files[+source.slice(1)];
      cache.source = new WorkerSource(file.url, cache.source);
    });
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
        if (file && view(f.props, file.layer) && rank >= best) {
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
      if (T.layer && T.layer._map) rerender(T.layer);
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
    T.config.note = config.note; // the language may have changed
    if (T.note && !T._pumping) showNote(T.layer);
    apply(filter);
  };
  // The same filter whatever the order of its lists (the page and Python may list them apart).
  function signature(filter) {
    if (!filter) return "";
    return JSON.stringify([filter.layers.slice().sort(), filter.statuses.slice().sort(),
      filter.years || null, filter.asOf === undefined ? null : filter.asOf]);
  }
  function apply(filter) {
    var changed = signature(filter) !== signature(T.filter);
    T.filter = filter;
    if (changed) {
      T.generation++;
      T.drawn = {};
      T.paints = T.paintMs = T.longestPaint = 0;
      T.changedAt = performance.now();
      rerender(T.layer);
    }
    return changed;
  }
  // The sidebar's filter as the page reads it from the widgets at a click (ui/instant_filter.js),
  // before the rerun: the tiles are re-drawn at once, and the rerun's same filter changes
  // nothing. ``spec`` as geo.view.ViewState: mode, layers, statuses, years, as_of.
  T.follow = function (spec) {
    if (!T.layer || !T.filter) return;
    var tiled = {};
    T.config.files.forEach(function (file) { tiled[file.layer] = true; });
    var changed = apply({
      layers: spec.layers.filter(function (layer) { return tiled[layer]; }),
      statuses: spec.statuses.slice(),
      years: spec.mode === "period" ? spec.years.slice() : null,
      asOf: spec.mode === "as_of" ? spec.as_of : null,
    });
    if (changed) T.followed = (T.followed || 0) + 1;
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
