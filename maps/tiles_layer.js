// Tiled projects: PMTiles archives (geo/vectortiles.py) drawn by the vendored protomaps-leaflet.
// Loaded by the base map only when tiles are configured; each rerun sends only the filter
// (Shinan.TiledView). One protomaps layer persists across reruns (streamlit-folium removes
// and re-adds the feature groups, not layers added to the map itself), so its tile cache
// survives and a filter change re-renders the tiles on screen without fetching them again.
// __MAP__ and __SYMBOLS__ are filled in by maps/webmap.py.
(function (map) {
  "use strict";
  var S = (window.Shinan = window.Shinan || {});
  var T = (S.tiles = S.tiles || {});
  // Per layer: "status|target|schematic" -> {style, svg, size, areaSvg, area, pattern}, and
  // the layers in drawing order (layers/symbols.py, as the live map and legend use them).
  var SYMBOLS = __SYMBOLS__;
  T.pending = 0;
  T.rendered = 0;
  T.generation = 0;
  // Tiles painted (here or in the worker) and milliseconds spent painting them, tiles only
  // composited from their groups, since the last filter change (benchmarks read them).
  T.paints = T.paintMs = T.longestPaint = T.composites = 0;
  // The groups composited since the last filter change: what is drawn is read from them.
  T.shownGroups = [];
  // {id: status} of every project the tiles on screen show now (tests read it every frame).
  T.onScreen = function () {
    var out = {};
    if (!T.layer) return out;
    Object.keys(T.layer._tiles).forEach(function (key) {
      var tile = T.layer._tiles[key];
      if (!tile.current) return;
      (tile.el._shown || []).forEach(function (g) {
        for (var i = 0; i < g.ids.length; i++) out[g.ids[i]] = g.status;
      });
    });
    return out;
  };
  // {id: status} of every project drawn since the last filter change (tests read it).
  Object.defineProperty(T, "drawn", {
    configurable: true,
    get: function () {
      var out = {};
      T.shownGroups.forEach(function (g) {
        for (var i = 0; i < g.ids.length; i++) out[g.ids[i]] = g.status;
      });
      return out;
    },
  });

  // Each SVG is rasterised once into a canvas (at the screen's pixel ratio) and then copied:
  // drawing an SVG image rasterises it again every time, about 0.1 ms a marker. The paint
  // worker gets them as ImageBitmaps (it cannot decode an SVG itself).
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
        if (--T.loading === 0) {
          sendSymbols();
          // One redraw once every symbol is in, and only if a tile was drawn without some:
          // at 10^6 projects each redraw of the screen costs seconds.
          if (T.drawnEarly) T.redraw();
        }
      };
      source.src = "data:image/svg+xml;charset=utf-8," + encodeURIComponent(svg);
    }
    if (!img.ready) T.drawnEarly = true;
    return img.ready ? img.canvas : null;
  }

  // The painter, the decoded tiles' form and the workers' code: maps/tiles_painter.js.
  var P = S.tilesPainter, Painter = P.Painter, flatten = P.flatten, FlatLayer = P.FlatLayer;
  var flatTile = P.flatTile, workerMain = P.workerMain;

  var here = Painter(SYMBOLS, {
    image: image,
    ratio: ratio,
    surface: function (size) {
      var canvas = document.createElement("canvas");
      canvas.width = canvas.height = size;
      return canvas;
    },
  });

  // Every symbol and pattern is rasterised as soon as the map starts, before any tile arrives.
  Object.keys(SYMBOLS.layers).forEach(function (layer) {
    Object.keys(SYMBOLS.layers[layer]).forEach(function (key) {
      var sym = SYMBOLS.layers[layer][key];
      image(sym.svg, sym.size);
      if (sym.pattern) image(sym.pattern, 8);
    });
  });
  T.drawnEarly = false;

  // Whether the filter shows a layer's projects of a status (in its time view): the layers and
  // statuses chosen and, when bars of the insight charts are picked, only those
  // (ui.insight_panel.apply_pick: a picked (layer, status) pair, or a whole picked layer).
  function inFilter(f, layer, status) {
    if (f.layers.indexOf(layer) < 0 || f.statuses.indexOf(status) < 0) return false;
    var pick = f.pick;
    if (!pick) return true;
    return pick.layers.indexOf(layer) >= 0 || pick.pairs.some(function (p) { return p[0] === layer && p[1] === status; });
  }
  // [status, target] to show under the filter, or null when hidden (geo.filter.apply_filter).
  function shown(props, layer) {
    var f = T.filter;
    if (!f || f.layers.indexOf(layer) < 0) return null;
    var v = here.statusAt(props, f);
    return v && inFilter(f, layer, v[0]) ? v : null;
  }
  // The same answer for every click until the filter changes.
  function view(p, layer) {
    if (p._g !== T.generation) {
      p._g = T.generation;
      p._v = shown(p, layer);
    }
    return p._v;
  }


  // Workers: a data tile (of every archive) is decoded, kept and painted from by one of them,
  // chosen by its place, so the screen's tiles are shared out and none is decoded twice. Two
  // at least (the page's own thread is mostly idle meanwhile), at most four.
  var workers = null, waiting = {}, asked = 0;
  var WORKERS = Math.max(2, Math.min(4, (navigator.hardwareConcurrency || 2) - 1));
  function startWorkers() {
    var script = document.querySelector('script[src*="protomaps-leaflet"]');
    if (!script || !window.Worker || !window.Blob) return null;
    try {
      var text = "var FLATTEN = " + flatten.toString() + ";\nvar FLATLAYER = " + FlatLayer.toString() +
        ";\nvar PAINTER = " + Painter.toString() +
        ";\n(" + workerMain.toString() + ")(" + JSON.stringify(script.src) + ");";
      var url = URL.createObjectURL(new Blob([text], { type: "text/javascript" })), made = [];
      for (var i = 0; i < WORKERS; i++) made.push(startWorker(url));
      return made;
    } catch (e) {
      return null;
    }
  }
  function startWorker(url) {
    var made = new Worker(url);
    made.onmessage = function (e) {
      var m = e.data, job = waiting[m.id];
      delete waiting[m.id];
      if (!job) return;
      if (m.error) {
        var err = new Error(m.error);
        if (m.abort) err.name = "AbortError";
        job.reject(err);
      } else if (m.painted) {
        job.resolve(m.painted);
      } else {
        T.decodes = (T.decodes || 0) + 1;
        T.decodeMs = (T.decodeMs || 0) + m.layers._ms;
        delete m.layers._ms;
        job.resolve(flatTile(m.layers));
      }
    };
    made.onerror = function () {
      T.workerFailed = true;
      // Every question waiting is refused: its paint is done by the page, and later tiles
      // are decoded and painted by the page.
      Object.keys(waiting).forEach(function (id) { waiting[id].reject(new Error("worker failed")); });
      waiting = {};
    };
    return made;
  }
  // ``tile``: the data tile ({z, x, y}) the message is about.
  function ask(message, tile) {
    var id = (message.id = ++asked);
    return new Promise(function (resolve, reject) {
      waiting[id] = { resolve: resolve, reject: reject };
      workers[(tile.x + tile.y) % workers.length].postMessage(message);
    });
  }
  function WorkerSource(url, fallback) {
    this.url = new URL(url, location.href).href; // a worker made from a blob has no base URL
    this.fallback = fallback;
  }
  WorkerSource.prototype.get = function (tile, size) {
    this.size = size;
    if (!workers || T.workerFailed) {
      return this.fallback.get(tile, size).then(function (layers) {
        var out = {};
        layers.forEach(function (features, name) { out[name] = flatten(features); });
        return flatTile(out);
      });
    }
    return ask({ type: "get", url: this.url, tile: { z: tile.z, x: tile.x, y: tile.y }, size: size }, tile);
  };
  // Painting in the worker needs an OffscreenCanvas there and its symbols as ImageBitmaps.
  function paintsInWorker() {
    return !!workers && !T.workerFailed && typeof OffscreenCanvas === "function" &&
      typeof createImageBitmap === "function" && !!OffscreenCanvas.prototype.transferToImageBitmap;
  }
  function sendSymbols() {
    if (T.symbolsSent || !workers || T.loading || !paintsInWorker()) return;
    T.symbolsSent = "sending";
    var keys = Object.keys(images);
    Promise.all(keys.map(function (key) { return createImageBitmap(images[key].canvas); })).then(function (bitmaps) {
      var out = {};
      keys.forEach(function (key, i) { out[key] = bitmaps[i]; });
      workers.forEach(function (one) {  // each gets a copy
        one.postMessage({ type: "symbols", symbols: SYMBOLS, ratio: ratio, images: out });
      });
      T.symbolsSent = true;
      schedule();
    });
  }

  // Painted tiles, kept as their groups' pictures: a layer or status toggle composites them
  // again instead of painting (at 10^6 projects a screen of tiles took 3-5 s to paint, a
  // composite takes milliseconds). Keyed by the screen tile and what decides the pictures: the
  // tile size and the time view, as far as it changes anything in that tile (timeKey). Least
  // recently used go first past the budget, never what a tile on screen shows.
  var BUDGET_BYTES = 320 * 1024 * 1024;
  var painted = new Map();
  T.cacheBytes = 0;
  T.cacheBudget = BUDGET_BYTES;
  T.prepainted = 0;
  // The milestone spans of a data tile's layer (read once): [[start, end], ...], and whether a
  // project there has no milestone at all.
  function spansOf(flat) {
    if (flat._spans) return flat._spans;
    var seen = {}, spans = {}, bare = false;
    for (var i = 0; i < flat.n; i++) {
      var ms = String(flat.props[i].ms || "");
      if (seen[ms]) continue;
      seen[ms] = true;
      if (!ms) bare = true;
      ms.split(";").forEach(function (part) {
        var f = part.split(",");
        if (f.length === 4) spans[f[0] + "," + f[1]] = [+f[0], +f[1]];
      });
    }
    return (flat._spans = { spans: Object.keys(spans).map(function (k) { return spans[k]; }), bare: bare });
  }
  function tileSpans(tiles) {
    var out = { spans: [], bare: false }, seen = {};
    tiles.forEach(function (pair) {
      var flat = pair[1].data.get(pair[0].layer);
      if (!flat) return;
      var mine = spansOf(flat);
      out.bare = out.bare || mine.bare;
      mine.spans.forEach(function (span) {
        var k = span[0] + "," + span[1];
        if (!seen[k]) out.spans.push((seen[k] = span));
      });
    });
    out.spans.sort(function (x, y) { return x[1] - y[1] || x[0] - y[0]; });
    return out;
  }
  // The time view as it matters to these tiles (the rule of Painter.statusAt, as
  // geo.filter.apply_filter): "as of" a year shows the milestones ended by then, so any year
  // between two milestone ends draws the same; a period shows the projects with a milestone
  // wholly inside it, so only which of the tiles' spans lie inside counts, and a period
  // holding them all draws as "all years" does when every project has a milestone.
  function timeKey(time, tiles) {
    var asOf = time.asOf === undefined ? null : time.asOf;
    if (asOf === null && !time.years) return "all";
    var info = tileSpans(tiles);
    if (!info.spans.length && !info.bare) return "all"; // no project here: every view is empty
    if (asOf !== null) {
      var known = null;
      info.spans.forEach(function (span) { if (span[1] <= asOf) known = Math.max(known === null ? span[1] : known, span[1]); });
      return "asOf " + known;
    }
    var inside = info.spans.filter(function (span) { return time.years[0] <= span[0] && span[1] <= time.years[1]; });
    if (!info.bare && inside.length === info.spans.length) return "all";
    return "years " + inside.join(";");
  }
  function paintKey(job, time) {
    return job.key + "|" + T.layer.tileSize + "|" + timeKey(time || T.filter, job.tiles);
  }
  function remember(key, made) {
    var size = T.layer.tileSize;
    made.bytes = made.groups.length * size * size * 4;
    forget(key);
    painted.set(key, made);
    T.cacheBytes += made.bytes;
    // Least recently used first, never the pictures a tile on screen shows: a toggle must
    // find those (were one painted again, it would be blank until the new one came).
    var old = Array.from(painted.keys());
    for (var i = 0; i < old.length && T.cacheBytes > BUDGET_BYTES; i++) {
      var tile = T.layer._tiles[old[i].split("|")[0]];
      if (!(tile && tile.current && tile.el._paintKey === old[i])) forget(old[i]);
    }
    return made;
  }
  function forget(key) {
    var made = painted.get(key);
    if (!made) return;
    painted.delete(key);
    T.cacheBytes -= made.bytes;
    made.groups.forEach(function (g) { if (g.image.close) g.image.close(); });
  }
  function forgetAll() {
    Array.from(painted.keys()).forEach(forget);
  }
  // The shown layers' and statuses' pictures onto the tile's canvas, in drawing order.
  function composite(job, made) {
    painted.delete(job.paintKey); // most recently used
    painted.set(job.paintKey, made);
    var canvas = job.canvas, size = T.layer.tileSize, f = T.filter, shown = [];
    canvas.width = canvas.height = size;
    var ctx = canvas.getContext("2d");
    made.groups.forEach(function (g) {
      if (!inFilter(f, g.layer, g.status)) return;
      ctx.drawImage(g.image, 0, 0);
      shown.push(g);
      T.shownGroups.push(g);
    });
    canvas._shown = shown;
    canvas._thinned = made.thinned.some(function (layer) { return f.layers.indexOf(layer) >= 0; });
    canvas._paintKey = job.paintKey;
    canvas._tiles = job.tiles; // its data tiles: the next filter change composites at once
    T.composites++;
  }
  // A tile whose new pictures must be painted shows nothing meanwhile: its old ones may hold
  // a layer, status or year just hidden.
  function blank(canvas) {
    canvas.getContext("2d").clearRect(0, 0, canvas.width, canvas.height);
    canvas._shown = [];
    canvas._paintKey = null;
  }
  function counted(ms) {
    T.paints++;
    T.paintMs += ms;
    T.longestPaint = Math.max(T.longestPaint, ms);
  }
  // One screen tile's data tiles as the painter reads them.
  function paintTiles(job) {
    return job.tiles.map(function (pair) {
      var file = pair[0], tile = pair[1];
      return { layer: file.layer, cap: file.max_features, features: file.features, url: file.source.url,
        size: file.source.size, z: tile.dataTile.z, x: tile.dataTile.x, y: tile.dataTile.y,
        scale: tile.scale, origin: { x: tile.origin.x, y: tile.origin.y }, flat: tile.data.get(file.layer) };
    });
  }
  function timeOf(f) {
    return { years: f.years || null, asOf: f.asOf === undefined ? null : f.asOf };
  }
  function paintHere(job, time) {
    var began = performance.now();
    var made = here.paint(paintTiles(job), job.coords, T.layer.tileSize, time, T.config.maxzoom);
    made.groups.forEach(function (g) {
      g.image = g.canvas;
      delete g.canvas;
    });
    counted(performance.now() - began);
    return made;
  }
  // Screen tiles being painted by the worker: paint key -> the jobs waiting for it (none for a
  // tile painted ahead, see prepaint).
  var inWorker = {}, sent = 0;
  var AT_ONCE = 2; // asked of a worker at a time, so a pan's new tiles are asked next
  function paintInWorker(job, time, key) {
    if (inWorker[key]) {
      if (job.canvas) inWorker[key].push(job);
      return;
    }
    inWorker[key] = job.canvas ? [job] : [];
    sent++;
    var tiles = paintTiles(job).map(function (t) {
      delete t.flat;
      return t;
    });
    ask({ type: "paint", tiles: tiles, coords: { x: job.coords.x, y: job.coords.y }, tileSize: T.layer.tileSize,
      filter: time, maxzoom: T.config.maxzoom }, job.tiles.length ? job.tiles[0][1].dataTile : job.coords).then(function (made) {
      if (job.canvas) counted(made.ms);
      else T.prepainted++;
      return made;
    }, function () {
      return paintHere(job, time); // the worker failed: the page paints
    }).then(function (made) {
      sent--;
      var jobs = inWorker[key];
      delete inWorker[key];
      remember(key, made);
      jobs.forEach(function (waiting) {
        if (current(waiting)) composite(waiting, made);
        finish(waiting);
      });
      T.lastRender = performance.now();
      schedule();
    });
  }
  function current(job) {
    return job.canvas.key === job.key && job.generation === T.generation;
  }
  function workersBusy() {
    return T.symbolsSent !== true || sent >= AT_ONCE * workers.length;
  }

  // Screen tiles waiting to be drawn, nearest the map's centre first, a few ms at a time.
  var SLICE_MS = 12;
  var queue = [];
  function nearCentre(a, b) { return a.distance - b.distance; }
  function schedule() {
    if (!T._pumping) T._pumping = setTimeout(pump, 0);
  }
  function pump() {
    T._pumping = null;
    if (!T.layer || !T.layer._map) return;
    var layer = T.layer, centre = layer._pxBoundsToTileRange(
      layer._getTiledPixelBounds(layer._map.getCenter())).getCenter();
    queue.forEach(function (job) { job.distance = job.coords.distanceTo(centre); });
    queue.sort(nearCentre);
    var toWorker = paintsInWorker();
    // A filter change is drawn in one go: yielding between tiles lets the page's rerun in
    // (restyling the page takes seconds on a busy machine) and the toggle then waits for it
    // (measured: 6.0 s against 0.24 s at 10^5). Tiles that arrive after a pan yield every few
    // milliseconds, keeping frames short.
    var until = T.repainting ? Infinity : performance.now() + SLICE_MS;
    while (queue.length && performance.now() < until) {
      var job = queue[0];
      if (!current(job)) {
        finish(queue.shift());
        continue;
      }
      job.paintKey = paintKey(job);
      var made = painted.get(job.paintKey);
      if (!made && toWorker && workersBusy() && !inWorker[job.paintKey]) break;
      queue.shift();
      if (made) {
        composite(job, made);
        finish(job);
      } else if (toWorker) {
        blank(job.canvas);
        paintInWorker(job, timeOf(T.filter), job.paintKey);
      } else {
        composite(job, remember(job.paintKey, paintHere(job, timeOf(T.filter))));
        T.lastRender = performance.now();
        finish(job);
      }
    }
    if (queue.length && !(toWorker && workersBusy())) {
      schedule();
    } else if (!queue.length && !sent) {
      T.repainting = false;
      showNote(layer);
      prepaintSoon();
    }
  }

  // Once the screen is drawn and the workers are idle, they paint the tiles on screen for the
  // time views a presenter goes to next (the next and previous milestone year, all years, a
  // period's ends moved by a year, then every other year), so a year step composites too.
  // Only while the kept pictures stay within a share of the budget, nearest views first.
  T.prepaintShare = 0.8; // 0: nothing painted ahead (benchmarks compare)
  function prepaintSoon() {
    if (!T._prepaint) T._prepaint = setTimeout(prepaint, 50);
  }
  function nearTimes(f, spans) {
    var out = [], ends = [];
    spans.forEach(function (span) { if (ends.indexOf(span[1]) < 0) ends.push(span[1]); });
    ends.sort(function (x, y) { return x - y; });
    if (!ends.length) return out;
    var last = ends[ends.length - 1], first = Math.min.apply(null, spans.map(function (s) { return s[0]; }));
    function asOf(year) { out.push({ years: null, asOf: year }); }
    function period(a, b) { if (a <= b && a >= first && b <= last) out.push({ years: [a, b], asOf: null }); }
    if (f.asOf !== null && f.asOf !== undefined) {
      var later = ends.filter(function (e) { return e > f.asOf; });
      // The step before: the end before the last one this year shows.
      var known = ends.filter(function (e) { return e <= f.asOf; });
      if (later.length) asOf(later[0]);
      if (known.length > 1) asOf(known[known.length - 2]);
      out.push({ years: null, asOf: null });
    } else if (f.years) {
      var a = f.years[0], b = f.years[1];
      period(a, b - 1);
      period(a + 1, b);
      period(a, b + 1);
      period(a - 1, b);
      out.push({ years: null, asOf: null });
    } else {
      asOf(last); // "as of" opens on the last year
      period(first, last - 1); // a period opens on every year: its ends move first
      period(first + 1, last);
    }
    ends.slice().reverse().forEach(asOf);
    return out;
  }
  function prepaint() {
    T._prepaint = null;
    var layer = T.layer;
    if (!layer || !layer._map || !paintsInWorker() || queue.length || sent || T.repainting) return;
    var jobs = [], spans = [];
    Object.keys(layer._tiles).forEach(function (key) {
      var tile = layer._tiles[key], canvas = tile.el;
      if (!tile.current || !canvas._tiles || !canvas._paintKey) return;
      jobs.push({ coords: layer._keyToTileCoords(key), key: key, tiles: canvas._tiles });
      spans = spans.concat(tileSpans(canvas._tiles).spans);
    });
    // View by view (nearest first), each over the whole screen.
    nearTimes(T.filter, spans).some(function (time) {
      jobs.forEach(function (job) {
        var key = paintKey(job, time);
        if (painted.has(key) || inWorker[key] || workersBusy()) return;
        if (T.cacheBytes >= BUDGET_BYTES * T.prepaintShare) return;
        paintInWorker(job, time, key);
      });
      return workersBusy() || T.cacheBytes >= BUDGET_BYTES * T.prepaintShare;
    });
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
    // And what the tiles cannot answer while it is asked (the radius question), said plainly.
    var said = [thinned && T.config.note, T.config.notice].filter(Boolean), div = T.note.getContainer();
    div.textContent = said.join(" ");
    div.style.display = said.length ? "" : "none";
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
      jobs.push(view.getDisplayTile(coords).then(function (tile) {
        return [Object.assign({ source: view.tileCache.source }, file), tile];
      }, function (err) {
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
      schedule();
    });
  }
  // Every tile on the map again (a filter changed): the tiles' data are in the cache.
  function rerender(layer) {
    T.repainting = true;
    queue.forEach(function (job) { job.generation = -1; });
    Object.keys(layer._tiles).forEach(function (key) {
      var coords = layer._wrapCoords(layer._keyToTileCoords(key)), canvas = layer._tiles[key].el;
      var tileKey = layer._tileCoordsToKey(coords);
      if (!canvas._tiles || canvas.key !== tileKey) {
        layer.renderTile(coords, canvas, tileKey);
        return;
      }
      // Its data tiles are at hand: composited at once when its pictures are kept, so no frame
      // shows the old filter; blank until painted otherwise.
      T.pending++;
      var job = { coords: coords, canvas: canvas, key: tileKey, tiles: canvas._tiles, generation: T.generation,
        done: function () {} };
      job.paintKey = paintKey(job);
      var made = painted.get(job.paintKey);
      if (made) {
        composite(job, made);
        finish(job);
      } else {
        blank(canvas);
        queue.push(job);
      }
    });
    schedule();
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
    if (workers === null) workers = startWorkers() || false;
    T.worker = !!workers;
    T.workers = workers ? workers.length : 0;
    T.paintWorker = paintsInWorker();
    sendSymbols();
    layer.views.forEach(function (view, source) {
      var cache = view.tileCache, file = config.files[+source.slice(1)];
      cache.source = new WorkerSource(file.url, cache.source);
    });
    layer.on("click", function () {}); // streamlit-folium binds its click handler to it
    return layer;
  }

  // The project under a point of the map, read from the page's copy of the data tile there
  // (bounding boxes first: a tile at 10^6 holds tens of thousands): markers above lines above
  // areas, then the layer drawn last, as painted. Points within 10 px, lines within 6 px.
  function squared(px, py, ax, ay, bx, by) {
    var dx = bx - ax, dy = by - ay, len = dx * dx + dy * dy;
    var k = len ? Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / len)) : 0;
    var x = ax + k * dx - px, y = ay + k * dy - py;
    return x * x + y * y;
  }
  function touches(flat, i, kind, x, y, reach) {
    var xy = flat.xy, inside = false;
    for (var r = flat.first[i]; r < flat.first[i + 1]; r++) {
      var start = flat.ringAt[r], end = flat.ringAt[r + 1];
      for (var k = start; k < end; k++) {
        var ax = xy[2 * k], ay = xy[2 * k + 1];
        if (kind === 1) {
          if ((ax - x) * (ax - x) + (ay - y) * (ay - y) <= reach * reach) return true;
          continue;
        }
        if (k + 1 >= end) break;
        var bx = xy[2 * k + 2], by = xy[2 * k + 3];
        if (kind === 2 && squared(x, y, ax, ay, bx, by) <= reach * reach) return true;
        if (kind === 3 && (ay > y) !== (by > y) && x < ax + ((y - ay) * (bx - ax)) / (by - ay)) inside = !inside;
      }
    }
    return inside;
  }
  var REACH = { 1: 10, 2: 6, 3: 0 };
  function pick(latlng) {
    if (!T.layer || !T.layer._map) return null;
    var found = null, best = -1, zoom = map.getZoom();
    T.layer.views.forEach(function (tileView, source) {
      var file = T.config.files[+source.slice(1)], z = Math.min(Math.round(zoom) - tileView.levelDiff, tileView.maxDataLevel);
      if (!file || z < 0) return;
      var p = map.project(latlng, z), tx = Math.floor(p.x / 256), ty = Math.floor(p.y / 256);
      var entry = tileView.tileCache.cache.get(tx + ":" + ty + ":" + z), flat = entry && entry.data.get(file.layer);
      if (!flat) return;
      var unit = tileView.tileCache.tileSize / 256, x = (p.x - 256 * tx) * unit, y = (p.y - 256 * ty) * unit;
      var perPixel = unit * Math.pow(2, z - zoom), layerAt = SYMBOLS.order.indexOf(file.layer), bb = flat.bbox;
      for (var i = 0; i < flat.n; i++) {
        var kind = flat.kind[i] || 3, reach = REACH[kind] * perPixel, rank = (4 - kind) * 100 + layerAt;
        if (rank < best || x < bb[4 * i] - reach || x > bb[4 * i + 2] + reach ||
          y < bb[4 * i + 1] - reach || y > bb[4 * i + 3] + reach) continue;
        if (touches(flat, i, kind, x, y, reach) && view(flat.props[i], file.layer)) {
          best = rank;
          found = flat.props[i].id;
          hover.found = { layer: file.layer, v: view(flat.props[i], file.layer) };
        }
      }
    });
    return found;
  }
  // Hover: the project under the pointer named in a tooltip, as on the live map. Names are not
  // in the tiles: they are looked up by id in the names files beside them
  // (geo.vectortiles.write_names), one small file per shard, fetched once.
  var nameFiles = {};
  function shardOf(id, shards) {
    var h = 0x811c9dc5;
    for (var i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 0x01000193) >>> 0;
    return h % shards;
  }
  T.shardOf = shardOf; // tests compare it with geo.vectortiles.name_shard
  function nameOf(id) {
    var names = T.config.names;
    if (!names) return Promise.resolve(null);
    var shard = shardOf(id, names.shards);
    if (!nameFiles[shard]) {
      nameFiles[shard] = fetch(names.url + "/" + shard + ".json").then(function (r) {
        return r.ok ? r.json() : {};
      }).catch(function () { return {}; });
    }
    return nameFiles[shard].then(function (all) {
      var both = all[id];
      if (!both) return null;
      var lang = (T.config.tip || {}).lang;
      if (lang === "en") return both[1] || both[0];
      if (lang === "both" && both[1] && both[1] !== both[0]) return both[0] + " " + both[1];
      return both[0] || both[1];
    });
  }
  // The tooltip's text, built as text nodes: names come from data and are never read as HTML.
  function tipContent(id, name, layer, v) {
    var tip = T.config.tip || {}, box = document.createElement("div"), status = v ? v[0] : "";
    var line = document.createElement("b");
    line.textContent = name || id;
    box.appendChild(line);
    var words = (tip.statuses || {})[status] || status;
    if (v && v[1] && tip.target) words = tip.target.replace("{status}", words);
    [(tip.layers || {})[layer] || layer, words].forEach(function (text) {
      box.appendChild(document.createElement("br"));
      box.appendChild(document.createTextNode(text));
    });
    return box;
  }
  var hover = { id: null, at: null, queued: false };
  function onMove(e) {
    hover.at = e.latlng;
    if (hover.queued) return;
    hover.queued = true;
    requestAnimationFrame(function () {
      hover.queued = false;
      var id = pick(hover.at), at = hover.at;
      if (id === hover.id) {
        if (id && T.tip) T.tip.setLatLng(at);
        return;
      }
      hover.id = id;
      T.hovered = id;
      if (!id) {
        if (T.tip) map.closeTooltip(T.tip);
        map.getContainer().style.cursor = "";
        return;
      }
      map.getContainer().style.cursor = "pointer";
      var found = hover.found;
      nameOf(id).then(function (name) {
        if (hover.id !== id) return; // the pointer moved on meanwhile
        T.tip = T.tip || L.tooltip({ sticky: true, className: "shinan-tiles-tip" });
        T.tip.setContent(tipContent(id, name, found.layer, found.v)).setLatLng(hover.at);
        if (!T.tip._map) map.openTooltip(T.tip);
        T.tipText = T.tip.getElement() ? T.tip.getElement().textContent : "";
      });
    });
  }
  function onOut() {
    hover.id = T.hovered = null;
    if (T.tip) map.closeTooltip(T.tip);
    map.getContainer().style.cursor = "";
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
      forgetAll(); // painted without some symbols
      if (T.layer && T.layer._map) rerender(T.layer);
    }, 30);
  };
  T.show = function (config, filter) {
    if (!T.layer || T.config.version !== config.version) {
      if (T.layer) map.removeLayer(T.layer);
      forgetAll();
      if (workers) workers.forEach(function (one) { one.postMessage({ type: "reset" }); });
      T.config = config;
      T.layer = makeLayer(config);
      T.madeAt = T.madeAt || performance.now(); // the first rerun added the tiles (benchmarks)
      map.addLayer(T.layer);
      if (!T._clicks) T._clicks = map.on("click", onClick).on("mousemove", onMove).on("mouseout", onOut);
    }
    T.config.note = config.note; // the language may have changed
    T.config.notice = config.notice || "";
    if (T.note && !T._pumping) showNote(T.layer);
    apply(filter);
  };
  // The same filter whatever the order of its lists (the page and Python may list them apart).
  function signature(filter) {
    if (!filter) return "";
    return JSON.stringify([filter.layers.slice().sort(), filter.statuses.slice().sort(),
      filter.years || null, filter.asOf === undefined ? null : filter.asOf, filter.pick || null]);
  }
  function apply(filter) {
    var changed = signature(filter) !== signature(T.filter);
    T.filter = filter;
    if (changed) {
      onOut(); // what is under the pointer may be hidden now
      T.generation++;
      T.shownGroups = [];
      T.paints = T.paintMs = T.longestPaint = T.composites = 0;
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
      pick: T.filter.pick || null, // the page does not read the charts: the rerun says
    });
    if (changed) T.followed = (T.followed || 0) + 1;
  };
  // One rerun's filter for the tiled layers (maps.webmap.tiles_group).
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
