// The tiles' painter and the decoded tiles' form (maps/tiles_layer.js draws the map with them):
// pure functions of their arguments, shared by the page and the paint workers, which are made
// from their source text (so none reads anything from outside but its arguments).
(function () {
  "use strict";
  var S = (window.Shinan = window.Shinan || {});
  // The painter: one screen tile's projects as a picture per group (layer x status, a layer's
  // markers apart from its areas and lines), shared by the page and the paint worker. A layer
  // or status toggle then only composites the groups shown (tiles_layer.js, composite); a
  // time view not painted before paints again.
  // ``env``: image(svg, size) -> the symbol rasterised at ``ratio`` or null; surface(size) -> a
  // canvas (a page canvas, or an OffscreenCanvas in the worker); ratio.
  function Painter(SYMBOLS, env) {
    var ORDER = SYMBOLS.order;
    // Group classes: areas under lines (one class), then points.
    var CLASSES = [[3, 2], [1]];
    // Below this size (pixels) an area or line is a dot of its status colour: its outline,
    // dash and pattern could not be told apart, and a dot costs a tenth of a path.
    var DOT = 3;
    var patterns = {};

    function milestones(props) {
      if (props._m) return props._m;
      var out = [];
      String(props.ms || "").split(";").forEach(function (part) {
        var f = part.split(",");
        if (f.length === 4) out.push({ start: +f[0], end: +f[1], target: f[2] === "t", status: f[3] });
      });
      return (props._m = out);
    }
    // [status, target] in the filter's time view (``asOf`` a year, or ``years`` a period), or
    // null when the project has no status there (geo.filter.apply_filter).
    function statusAt(props, time) {
      var status = props.status, target = false, ms;
      if (time.asOf !== null && time.asOf !== undefined) {
        ms = milestones(props);
        var now = null;
        for (var i = 0; i < ms.length; i++) if (ms[i].end <= time.asOf) now = ms[i];
        if (!now) return null;
        status = now.status;
        target = now.target;
      } else if (time.years) {
        ms = milestones(props);
        var inside = ms.some(function (m) { return time.years[0] <= m.start && m.end <= time.years[1]; });
        if (!inside) return null;
      }
      return [status, target];
    }
    function symbolOf(props, layer, v) {
      return SYMBOLS.layers[layer][v[0] + "|" + (v[1] ? 1 : 0) + "|" + (props.sc ? 1 : 0)];
    }
    function pattern(ctx, svg) {
      if (patterns[svg]) return patterns[svg];
      var tile = env.image(svg, 8);
      if (!tile) return null;
      // The tile was rasterised at the pixel ratio; the tile canvases are scaled by it too.
      var made = ctx.createPattern(tile, "repeat");
      if (made.setTransform) made.setTransform(new DOMMatrix().scale(1 / env.ratio));
      return (patterns[svg] = made);
    }
    // Canvas state is set only when it changes: thousands of features share a few styles.
    function setDash(ctx, dash) {
      if (ctx._shinanDash === dash) return;
      ctx._shinanDash = dash;
      ctx.setLineDash(dash ? dash.split(/[ ,]+/).map(Number) : []);
    }
    // A feature's rings as a path on the screen tile (scale s, offset dx, dy).
    function trace(ctx, flat, i, close, s, dx, dy) {
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
      trace(ctx, flat, i, kind === 3, s, dx, dy);
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
    // The dots of a group, a colour at a time (one path of thousands of rectangles costs more
    // to fill than the rectangles one by one).
    function drawDots(group) {
      var ctx = group.ctx;
      Object.keys(group.dots).forEach(function (key) {
        var d = group.dots[key];
        ctx.globalAlpha = d.opacity;
        ctx.fillStyle = d.color;
        for (var i = 0; i < d.xy.length; i += 3) ctx.fillRect(d.xy[i], d.xy[i + 1], d.xy[i + 2], d.xy[i + 2]);
      });
      group.dots = {};
    }
    // The features of one layer and kind in one data tile, each in its status's group.
    function drawFeatures(tile, layer, kind, box, time, groupOf) {
      var flat = tile.flat, s = tile.scale, dx = tile.origin.x - box.x, dy = tile.origin.y - box.y;
      var list = flat.byKind[kind], bb = flat.bbox, xy = flat.xy, touched = [];
      var lo = -box.pad, hi = 256 + box.pad;
      for (var j = 0; j < list.length; j++) {
        var i = list[j], x0 = bb[4 * i] * s + dx, y0 = bb[4 * i + 1] * s + dy;
        var x1 = bb[4 * i + 2] * s + dx, y1 = bb[4 * i + 3] * s + dy;
        if (x1 < lo || x0 > hi || y1 < lo || y0 > hi) continue;
        var props = flat.props[i], v = statusAt(props, time), sym = v && symbolOf(props, layer, v);
        if (!sym) continue;
        var group = groupOf(kind, v[0]), ctx = group.ctx;
        group.ids.push(props.id);
        if (kind === 1) {
          var img = env.image(sym.svg, sym.size), half = sym.size / 2;
          if (!img) continue;
          ctx.globalAlpha = 1;
          for (var k = flat.ringAt[flat.first[i]]; k < flat.ringAt[flat.first[i + 1]]; k++) {
            ctx.drawImage(img, xy[2 * k] * s + dx - half, xy[2 * k + 1] * s + dy - half, sym.size, sym.size);
          }
        } else if (x1 - x0 < DOT && y1 - y0 < DOT) {
          var st = sym.style, key = st.color + st.opacity, dot = group.dots[key];
          if (!dot) dot = group.dots[key] = { color: st.color, opacity: st.opacity, xy: [] };
          if (touched.indexOf(group) < 0) touched.push(group);
          var size = Math.max(1.5, x1 - x0, y1 - y0);
          dot.xy.push((x0 + x1 - size) / 2, (y0 + y1 - size) / 2, size);
        } else {
          drawShape(ctx, flat, i, sym, kind, s, dx, dy);
        }
      }
      touched.forEach(drawDots);
    }
    // One screen tile at ``coords`` from its data tiles (``tiles``: {flat, layer, scale,
    // origin, z, cap, features}), every layer and status in its own group, whatever the filter
    // shows: a layer or status toggle then only composites (``filter`` gives the time view).
    // A layer's areas and lines are one group class, its markers another; markers go above
    // every area and line, and within a class the layers go by their z, as on the live map.
    // Returns {groups: [{cls, layer, status, order, canvas, ids}] in drawing order, thinned:
    // the layers of which a tile left some projects out}.
    function paint(tiles, coords, tileSize, filter, maxzoom) {
      var groups = {}, box = { x: 256 * coords.x, y: 256 * coords.y, pad: 16 }, cls, layer;
      function groupOf(kind, status) {
        var key = cls + "|" + layer + "|" + status, group = groups[key];
        if (!group) {
          var canvas = env.surface(tileSize), ctx = canvas.getContext("2d");
          ctx.setTransform(tileSize / 256, 0, 0, tileSize / 256, 0, 0);
          ctx.lineJoin = ctx.lineCap = "round";
          ctx.miterLimit = 2;
          group = groups[key] = {
            cls: cls, layer: layer, status: status, order: 2 * ORDER.indexOf(layer) + cls * 1000,
            canvas: canvas, ctx: ctx, ids: [], dots: {},
          };
        }
        return group;
      }
      CLASSES.forEach(function (kinds, c) {
        cls = c;
        ORDER.forEach(function (name) {
          layer = name;
          kinds.forEach(function (kind) {
            tiles.forEach(function (tile) {
              if (tile.layer === layer && tile.flat) drawFeatures(tile, layer, kind, box, filter, groupOf);
            });
          });
        });
      });
      // Below the top zoom a tile keeps at most a cap of each layer's projects (the builder's
      // MAX_FEATURES): one that holds the cap has left some out, which the map then says.
      var thinned = [];
      tiles.forEach(function (tile) {
        if (tile.cap < tile.features && tile.flat && tile.z < maxzoom && tile.flat.n >= tile.cap &&
          thinned.indexOf(tile.layer) < 0) thinned.push(tile.layer);
      });
      var out = Object.keys(groups).map(function (key) {
        var g = groups[key];
        return { cls: g.cls, layer: g.layer, status: g.status, order: g.order, canvas: g.canvas, ids: g.ids };
      });
      // Within a class and layer, the statuses in a fixed order.
      out.sort(function (a, b) { return a.order - b.order || (a.status < b.status ? -1 : a.status > b.status ? 1 : 0); });
      return { groups: out, thinned: thinned };
    }
    return { paint: paint, statusAt: statusAt };
  }

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
  // protomaps-leaflet's click query walks a layer as features with point rings: made only then.
  function FlatLayer(flat) {
    for (var key in flat) this[key] = flat[key];
    if (this.byKind) return; // made in the worker
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

  // Fetching and decoding a tile of 20,000 projects holds a thread for 0.1-0.5 s, painting a
  // screen tile at 10^6 up to seconds: both are done in a worker (the vendored bundle, loaded
  // there too) so pans and filter clicks keep their frames. Each archive's source in
  // protomaps-leaflet's tile cache is replaced by one that asks the worker; the worker keeps
  // the tiles it decoded (the page gets a copy, for clicks) and paints screen tiles from them
  // into OffscreenCanvases, handed back as ImageBitmaps, one a group (see Painter).
  function workerMain(plugin) {
    /* global importScripts, protomapsL, OffscreenCanvas */
    importScripts(plugin);
    var sources = {}, kept = new Map(), painter = null;
    var KEEP = 64; // decoded data tiles kept for painting (least recently used go first)
    function keep(key, layers) {
      kept.delete(key);
      kept.set(key, layers);
      while (kept.size > KEEP) kept.delete(kept.keys().next().value);
    }
    function load(url, tile, size) {
      var key = url + " " + tile.z + "/" + tile.x + "/" + tile.y, hit = kept.get(key);
      if (hit) {
        keep(key, hit);
        return Promise.resolve(hit);
      }
      var source = sources[url];
      if (!source) source = sources[url] = new protomapsL.PmtilesSource(url, false);
      var began = performance.now();
      return source.get(tile, size).then(function (layers) {
        var out = {};
        layers.forEach(function (features, name) { out[name] = new FLATLAYER(FLATTEN(features)); });
        keep(key, out);
        out._ms = performance.now() - began; // fetching and decoding
        return out;
      });
    }
    function paintJob(m) {
      return Promise.all(m.tiles.map(function (t) {
        return load(t.url, { z: t.z, x: t.x, y: t.y }, t.size).then(function (layers) {
          t.flat = layers[t.layer] || null;
          return t;
        }, function () {
          t.flat = null;
          return t;
        });
      })).then(function (tiles) {
        var began = performance.now();
        var made = painter.paint(tiles, m.coords, m.tileSize, m.filter, m.maxzoom), transfer = [];
        made.groups.forEach(function (g) {
          g.image = g.canvas.transferToImageBitmap();
          delete g.canvas;
          transfer.push(g.image);
        });
        made.ms = performance.now() - began;
        self.postMessage({ id: m.id, painted: made }, transfer);
      });
    }
    self.onmessage = function (e) {
      var m = e.data;
      if (m.type === "reset") {  // tiles of another version of the data, at the same URLs
        sources = {};
        kept.clear();
        return;
      }
      if (m.type === "symbols") {
        painter = PAINTER(m.symbols, {
          ratio: m.ratio,
          image: function (svg, size) { return m.images[size + svg] || null; },
          surface: function (size) { return new OffscreenCanvas(size, size); },
        });
        return;
      }
      var done = m.type === "paint" ? paintJob(m) : load(m.url, m.tile, m.size).then(function (layers) {
        self.postMessage({ id: m.id, layers: layers });
      });
      done.catch(function (err) {
        self.postMessage({ id: m.id, error: String((err && err.message) || err), abort: !!(err && err.name === "AbortError") });
      });
    };
  }

  S.tilesPainter = {
    Painter: Painter, flatten: flatten, FlatLayer: FlatLayer, flatTile: flatTile, workerMain: workerMain,
  };
})();
