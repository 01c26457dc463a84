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
      if (S._atHome && HOME) fitHome(); // the whole district still, on a resized window
      S.relabel();
    }).observe(map.getContainer());
  }
  // The page sizes this frame to the window (ui/layout.py) on a timer, which a long first
  // draw holds back: the map was drawn at the frame's first height (often 320 px), then
  // resized and drawn again. The page is asked to size it now, before the first draw.
  S.fitFrame = function () {
    try {
      if (window.parent !== window && window.parent.__shinanFitNow) window.parent.__shinanFitNow();
    } catch (e) { /* a page of another origin: keep the frame as it is */ }
    map.invalidateSize(false);
    if (S._atHome) fitHome();
  };
  // The district's view (the map's opening view, and what the page sends for "the whole
  // district") is the district fitted to the frame as it is, not a fixed zoom: zoom 13 cut
  // off the west old city on a 1366-px screen. Fitted without animation, so nothing finishes
  // later at another zoom.
  var HOME = __HOME__;
  function isHome(center, zoom) {
    var c = L.latLng(center);
    return zoom === HOME.zoom && Math.abs(c.lat - HOME.center[0]) < 1e-5 &&
      Math.abs(c.lng - HOME.center[1]) < 1e-5;
  }
  function fitHome() {
    var size = map.getSize();
    if (!size.x || !size.y) return null; // not laid out yet: a fit would give NaN
    S._fitting = true;
    try {
      map.fitBounds(HOME.bounds, { padding: [12, 12], animate: false });
    } finally {
      S._fitting = false;
    }
    S._atHome = true;
    return map;
  }
  var setView = map.setView;
  map.setView = function (center, zoom) {
    if (!S._fitting && isHome(center, zoom) && fitHome()) return map;
    return setView.apply(this, arguments); // all of them: Leaflet.Sync passes a fourth
  };
  map.on("movestart", function () { // a pan or zoom of the user's or another view
    if (!S._fitting) S._atHome = false;
  });
  S._atHome = isHome(map.getCenter(), map.getZoom()); // the live map opens there
  S.fitFrame();

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
      S.stateAt = performance.now(); // when the rerun reached the map (benchmarks)
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

  // What does not change with a filter stays on the map across reruns, outside the feature
  // groups streamlit-folium removes and re-runs on every update: the offline background
  // (sent once beside the map, like the projects) and the basemap's tiles. Each is rebuilt
  // only when its key changes (another language or basemap).
  S.kept = S.kept || {};
  function keep(slot, key, build) {
    var old = S.kept[slot];
    if (old && old.key === key) return;
    if (old) map.removeLayer(old.layer);
    S.kept[slot] = { key: key, layer: build().addTo(map) };
  }
  S.background = function (key) {
    if (S.kept.background && S.kept.background.key === key) return;
    var d = dataFor(key);
    if (!d) {
      clearTimeout(S._waitingBackground);
      S._waitingBackground = setTimeout(function () { S.background(key); }, 50);
      return;
    }
    keep("background", key, function () {
      var group = L.layerGroup();
      d.land.forEach(function (part) {
        L.geoJson(part.data, { pane: "shinanLand", interactive: false,
          style: function () { return part.style; } }).addTo(group);
      });
      d.places.forEach(function (p) {
        L.marker(p.at, { pane: "shinanPlaces", interactive: false, keyboard: false,
          icon: L.divIcon({ className: "", iconSize: null,
            html: '<span class="shinan-place ' + p.kind + '">' + p.html + "</span>" }) })
          .addTo(group);
      });
      L.geoJson(d.boundary.data, { interactive: false,
        style: function () { return d.boundary.style; } }).addTo(group);
      return group;
    });
  };
  S.tiles = function (key, tiles, notice) {
    keep("tiles", key, function () {
      var group = L.layerGroup();
      tiles.forEach(function (t) {
        var layer = L.tileLayer(t.url, t.options).addTo(group);
        S.watchTiles(layer, notice);
      });
      return group;
    });
  };
  // A feature-group layer that calls ``run`` when added (the rerun's group script).
  S.Run = L.Layer.extend({
    initialize: function (run) {
      this._run = run;
    },
    onAdd: function () {
      this._run();
    },
    onRemove: function () {},
  });

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
  // else its status and target. All of them are drawn by ONE layer (S.ProjectCanvas) straight
  // from typed arrays decoded once: no Leaflet layer per feature (17,500 of them took ~1 s to
  // make at 10,000 projects). The layer persists across reruns so that streamlit-folium's
  // click handler, attached to every layer of the map after each update, reaches it.
  S.projects = S.projects || null;
  S.marks = S.marks || { client: Date.now() };
  // How often the projects were drawn and the labels placed (tests: a click draws once).
  S.counts = S.counts || { draws: 0, labels: 0, ahead: 0 };
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

  // The reason the data file of ``key`` could not be read (ui/app.py), or null.
  function dataFailed(key) {
    try {
      var failed = window.parent.__shinanDataFailed;
      return (failed && failed[key]) || null;
    } catch (e) {
      return null;
    }
  }
  // A plain notice inside the map while its projects cannot be shown (null removes it).
  S.dataNotice = function (text) {
    var el = S._dataNotice;
    if (!text) {
      if (el) L.DomUtil.remove(el);
      S._dataNotice = null;
      return;
    }
    if (!el) {
      el = S._dataNotice = L.DomUtil.create("div", "shinan-tile-notice shinan-data-notice",
        map.getContainer());
      el.setAttribute("data-testid", "data-notice");
    }
    el.textContent = text; // the page's words and the browser's reason: text, never markup
  };

  // Each symbol is rasterised once (at the screen's pixel ratio) and then copied: drawing an
  // SVG image re-rasterises it every time, about 0.1 ms a marker. The symbols are a few paths,
  // circles and rects in plain colours (layers/symbols.py), so they are painted onto their
  // canvas at once (paintSvg); only an SVG it cannot paint goes through the browser's image
  // decoder, which is asynchronous and took most of a second for the ~95 symbols of a first
  // paint. Either way the copy the map draws from (an ImageBitmap) comes asynchronously, in a
  // few ms: the map is drawn once, when every image asked for is ready (``S.images.pending``
  // back to 0), not once per image. ``then(img)`` runs when this image is ready.
  var images = {};
  // Bumped when a symbol or pattern has loaded: groups cached without it are drawn again.
  var generation = 0;
  // Symbols asked for while painting ahead (quiet): nothing was drawn without them (a view is
  // painted ahead only once all its symbols are ready), so when they are ready the map keeps
  // its groups and is not drawn again (at 100,000 projects that would be seconds).
  var quietImages = false;
  S.images = S.images || { pending: 0, readyAt: 0, painted: 0, decoded: 0 };
  function image(svg, size, then) {
    var key = size + svg, img = images[key];
    if (img) {
      if (then && img._ready) then(img);
      else if (then) img._then.push(then);
      return img;
    }
    var ratio = window.devicePixelRatio || 1;
    img = images[key] = document.createElement("canvas");
    img.width = img.height = Math.ceil(size * ratio);
    img._then = then ? [then] : [];
    img._quiet = quietImages;
    S.images.pending += 1;
    var settled = function () { imageSettled(img); };
    var copy = function () {
      // An ImageBitmap copies fast; a canvas source is snapshotted on every draw.
      createImageBitmap(img).then(function (bitmap) {
        img._bitmap = bitmap;
        img._ready = true;
        if (!img._quiet) generation += 1;
        img._then.forEach(function (f) { f(img); });
        settled();
      }, settled);
    };
    if (paintSvg(svg, img)) {
      S.images.painted += 1;
      copy();
      return img;
    }
    S.images.decoded += 1;
    var source = new Image();
    source.onload = function () {
      img.getContext("2d").drawImage(source, 0, 0, img.width, img.height);
      copy();
    };
    source.onerror = settled; // never drawn, but it must not hold the map back
    source.src = "data:image/svg+xml;charset=utf-8," + encodeURIComponent(svg);
    return img;
  }
  // Paint ``svg`` onto ``canvas`` (stretched to it, as drawImage does) at once; false, with
  // nothing painted, when it holds anything but <g>, <path>, <circle> and <rect> with the
  // paint attributes below, or a viewBox of another shape than the canvas.
  var SVG_PAINT = { fill: 1, "fill-opacity": 1, stroke: 1, "stroke-width": 1,
    "stroke-dasharray": 1, "stroke-linejoin": 1, "stroke-linecap": 1, "stroke-opacity": 1 };
  var SVG_SHAPE = { path: { d: 1 }, circle: { cx: 1, cy: 1, r: 1 },
    rect: { x: 1, y: 1, width: 1, height: 1 }, g: {} };
  function paintSvg(svg, canvas) {
    var root;
    try {
      root = new DOMParser().parseFromString(svg, "image/svg+xml").documentElement;
    } catch (e) {
      return false;
    }
    if (!root || root.nodeName !== "svg") return false;
    var w = +root.getAttribute("width"), h = +root.getAttribute("height");
    var box = (root.getAttribute("viewBox") || "0 0 " + w + " " + h).trim().split(/[\s,]+/)
      .map(Number);
    if (!(w > 0 && h > 0) || box.length !== 4 || !(box[2] > 0 && box[3] > 0) ||
        Math.abs(box[2] / box[3] - w / h) > 1e-9) return false;
    var shapes = [];
    var walk = function (el, paint) {
      for (var c = el.firstElementChild; c; c = c.nextElementSibling) {
        var allowed = SVG_SHAPE[c.nodeName], own = L.extend({}, paint), geom = {};
        if (!allowed) return false;
        for (var a = 0; a < c.attributes.length; a++) {
          var name = c.attributes[a].name, value = c.attributes[a].value;
          if (SVG_PAINT[name] && value.indexOf("url(") < 0) own[name] = value;
          else if (allowed[name]) geom[name] = value;
          else return false; // a pattern or gradient fill, a transform...: the decoder's
        }
        if (c.nodeName === "g") {
          if (!walk(c, own)) return false;
        } else {
          shapes.push({ kind: c.nodeName, geom: geom, paint: own });
        }
      }
      return true;
    };
    var top = { fill: "#000000", stroke: "none", "stroke-width": "1" };
    for (var a = 0; a < root.attributes.length; a++) {
      var name = root.attributes[a].name;
      if (SVG_PAINT[name] && root.attributes[a].value.indexOf("url(") < 0) {
        top[name] = root.attributes[a].value;
      } else if (!{ xmlns: 1, width: 1, height: 1, viewBox: 1, opacity: 1 }[name]) {
        return false;
      }
    }
    if (!walk(root, top)) return false;
    var ctx = canvas.getContext("2d");
    ctx.save();
    ctx.scale(canvas.width / box[2], canvas.height / box[3]);
    ctx.translate(-box[0], -box[1]);
    ctx.miterLimit = 4; // SVG's default (the canvas's is 10)
    shapes.forEach(function (shape) { paintShape(ctx, shape); });
    ctx.restore();
    var opacity = root.hasAttribute("opacity") ? +root.getAttribute("opacity") : 1;
    if (opacity < 1) { // the whole image's opacity, as a group: every pixel's alpha scaled
      ctx.save();
      ctx.globalCompositeOperation = "destination-in";
      ctx.fillStyle = "rgba(0,0,0," + opacity + ")";
      ctx.fillRect(0, 0, canvas.width, canvas.height);
      ctx.restore();
    }
    return true;
  }
  function paintShape(ctx, shape) {
    var g = shape.geom, p = shape.paint, path;
    if (shape.kind === "path") path = new Path2D(g.d || "");
    else if (shape.kind === "circle") {
      path = new Path2D();
      path.arc(+g.cx || 0, +g.cy || 0, +g.r || 0, 0, 2 * Math.PI);
      path.closePath();
    } else {
      path = new Path2D();
      path.rect(+g.x || 0, +g.y || 0, +g.width || 0, +g.height || 0);
    }
    if (p.fill && p.fill !== "none") {
      ctx.globalAlpha = p["fill-opacity"] === undefined ? 1 : +p["fill-opacity"];
      ctx.fillStyle = p.fill;
      ctx.fill(path);
    }
    var width = +p["stroke-width"];
    if (p.stroke && p.stroke !== "none" && width > 0) {
      ctx.globalAlpha = p["stroke-opacity"] === undefined ? 1 : +p["stroke-opacity"];
      ctx.strokeStyle = p.stroke;
      ctx.lineWidth = width;
      ctx.lineJoin = p["stroke-linejoin"] || "miter";
      ctx.lineCap = p["stroke-linecap"] || "butt";
      ctx.setLineDash(dashes(p["stroke-dasharray"]));
      ctx.stroke(path);
    }
  }
  S.paintSvg = paintSvg; // for tests: the painted symbol beside the browser's own
  // Every symbol and pattern asked for so far has loaded (benchmarks and tests wait for it).
  S.symbolsReady = function () {
    return Object.keys(images).every(function (key) { return images[key]._ready; });
  };
  function imageSettled(img) {
    S.images.pending -= 1;
    if (!img._quiet) S.images.loud = true;
    if (S.images.pending > 0) return;
    S.images.readyAt = performance.now();
    if (S._deferred) finishShow(S._deferred);
    else if (S.images.loud) S.redraw();
    else if (S.layer && S.layer._map) S.layer._aheadLater(); // painting ahead waited for them
    S.images.loud = false;
  }
  S.redraw = function () {
    if (S.layer && S.layer._map) S.layer._requestRedraw();
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
        image('<svg xmlns="http://www.w3.org/2000/svg" width="8" height="8">' +
          def.innerHTML + "</svg>", 8, function (img) {
          // The tile is rasterised at the pixel ratio; the canvas is scaled by it.
          var tile = ctx.createPattern(img, "repeat"), ratio = img.width / 8;
          if (tile.setTransform && ratio !== 1) {
            tile.setTransform(new DOMMatrix().scale(1 / ratio));
          }
          patterns[id] = tile;
          if (!img._quiet) generation += 1;
        });
      }
    }
    return patterns[id] || fallback;
  }

  function dashes(text) {
    if (!text) return [];
    return String(text).split(/[, ]+/).map(Number).filter(function (v) { return !isNaN(v); });
  }

  // Web Mercator as Leaflet computes it, as a fraction of the world (zoom 0 pixels / 256):
  // a pixel at any zoom is then one multiplication away.
  var crs = map.options.crs, mercator = crs === L.CRS.EPSG3857;
  var R2D = Math.PI / 180, MAXLAT = 85.0511287798;
  function unit(lat, lng, out, at) {
    if (mercator) {
      var phi = Math.max(Math.min(lat, MAXLAT), -MAXLAT) * R2D;
      out[at] = 0.5 + lng / 360;
      out[at + 1] = 0.5 - Math.log(Math.tan(Math.PI / 4 + phi / 2)) / (2 * Math.PI);
      return;
    }
    var p = crs.latLngToPoint(L.latLng(lat, lng), 0), s0 = crs.scale(0);
    out[at] = p.x / s0;
    out[at + 1] = p.y / s0;
  }

  // Decode the payload once into flat arrays: vertices (xy), rings of each project, markers of
  // each project (a point's own, or an area's or line's anchor), bounding boxes, draw orders.
  function Projects(d) {
    var n = d.id.length, ox = d.origin[0], oy = d.origin[1], g = d.grid;
    var i, k, kind, parts, vertices = 0, rings = 0, marks = 0;
    var ringsOf = function (kind, parts) {
      if (kind === 2) return [parts];
      if (kind === 5 || kind === 3) return parts;
      if (kind === 6) return [].concat.apply([], parts);
      return [];
    };
    for (i = 0; i < n; i++) {
      kind = d.geom[i][0];
      parts = d.geom[i][1];
      ringsOf(kind, parts).forEach(function (r) { vertices += r.length / 2; rings += 1; });
      marks += kind === 1 ? 1 : kind === 4 ? parts.length : d.la[i] ? 1 : 0;
    }
    this.d = d;
    this.n = n;
    this.codes = new Uint8Array(n).fill(46);
    this.text = null;
    this.xy = new Float64Array(2 * vertices);
    this.ringAt = new Int32Array(rings + 1);
    this.ringsOf = new Int32Array(n + 1);
    this.mk = new Float64Array(2 * marks);
    this.mkLL = new Float64Array(2 * marks);
    this.mkOf = new Int32Array(n + 1);
    this.box = new Float64Array(4 * n);
    this.closed = new Uint8Array(n);
    var v = 0, r = 0, m = 0, xy = this.xy, box = this.box, self = this;
    var grow = function (ux, uy) {
      var b = 4 * i;
      if (ux < box[b]) box[b] = ux;
      if (uy < box[b + 1]) box[b + 1] = uy;
      if (ux > box[b + 2]) box[b + 2] = ux;
      if (uy > box[b + 3]) box[b + 3] = uy;
    };
    var mark = function (x, y) {
      var lat = oy + y * g, lng = ox + x * g;
      self.mkLL[2 * m] = lat;
      self.mkLL[2 * m + 1] = lng;
      unit(lat, lng, self.mk, 2 * m);
      grow(self.mk[2 * m], self.mk[2 * m + 1]);
      m += 1;
    };
    for (i = 0; i < n; i++) {
      kind = d.geom[i][0];
      parts = d.geom[i][1];
      box[4 * i] = box[4 * i + 1] = Infinity;
      box[4 * i + 2] = box[4 * i + 3] = -Infinity;
      this.ringsOf[i] = r;
      this.closed[i] = kind === 3 || kind === 6 ? 1 : 0;
      ringsOf(kind, parts).forEach(function (ring) {
        var x = 0, y = 0;
        self.ringAt[r] = v;
        for (k = 0; k < ring.length; k += 2) {
          x += ring[k];
          y += ring[k + 1];
          unit(oy + y * g, ox + x * g, xy, 2 * v);
          grow(xy[2 * v], xy[2 * v + 1]);
          v += 1;
        }
        r += 1;
      });
      this.mkOf[i] = m;
      if (kind === 1) mark(parts[0], parts[1]);
      else if (kind === 4) parts.forEach(function (p) { mark(p[0], p[1]); });
      else if (d.la[i]) mark(d.la[i][0], d.la[i][1]);
    }
    this.ringAt[r] = v;
    this.ringsOf[n] = r;
    this.mkOf[n] = m;
    // Areas and lines under markers, each by its layer's z order, as the legend reads.
    this.zOf = new Int32Array(n);
    for (i = 0; i < n; i++) this.zOf[i] = d.z[d.layers[d.layer[i]]];
    var zOf = this.zOf, z = function (j) { return zOf[j]; };
    var byZ = function (a, b) { return z(a) - z(b) || a - b; };
    var paths = [], points = [];
    for (i = 0; i < n; i++) {
      if (this.ringsOf[i + 1] > this.ringsOf[i]) paths.push(i);
      if (this.mkOf[i + 1] > this.mkOf[i]) points.push(i);
    }
    this.pathOrder = Int32Array.from(paths.sort(byZ));
    this.markOrder = Int32Array.from(points.sort(byZ));
  }
  Projects.prototype.symbol = function (i, code) {
    var d = this.d, k = code - 97, status = d.statuses[k >> 1];
    var key = status + "|" + (k & 1) + "|" + (d.prec[i] === 2 ? 1 : 0);
    return d.symbols[d.layers[d.layer[i]]][key];
  };
  // The marker image of a project (an area's or a line's is the smaller anchor symbol).
  Projects.prototype.markImage = function (i, sym) {
    var anchorOnly = this.ringsOf[i + 1] > this.ringsOf[i];
    var slot = anchorOnly ? "_areaImage" : "_image";
    if (!sym[slot]) {
      sym[slot] = anchorOnly ? image(sym.areaSvg, sym.area) : image(sym.svg, sym.size);
      sym[slot]._size = anchorOnly ? sym.area : sym.size;
      sym[slot]._anchor = anchorOnly;
    }
    return sym[slot];
  };
  // Ask for the marker images and area patterns the shown projects use (one look-up per
  // kind of symbol); true while any of them is still being rasterised.
  Projects.prototype.prepare = function (ctx) {
    var seen = {}, codes = this.codes, d = this.d;
    for (var i = 0; i < this.n; i++) {
      var code = codes[i];
      if (code === 46) continue;
      var path = this.ringsOf[i + 1] > this.ringsOf[i], marks = this.mkOf[i + 1] > this.mkOf[i];
      var kind = d.layer[i] * 1024 + code * 4 + (d.prec[i] === 2 ? 2 : 0) + (path ? 1 : 0);
      if (seen[kind]) continue;
      seen[kind] = true;
      var sym = this.symbol(i, code);
      if (marks) this.markImage(i, sym);
      if (path && ctx) {
        var st = this.pathStyle(sym, false);
        if (st.fillOpacity > 0) fillStyle(ctx, st.fillColor || st.color, st.color);
      }
    }
    return S.images.pending > 0;
  };
  Projects.prototype.pathStyle = function (sym, hover) {
    var key = hover ? "_hoverStyle" : "_canvasStyle";
    if (!sym[key]) {
      var o = L.extend({}, sym.style, hover ? this.d.highlight : {});
      o.dash = dashes(o.dashArray);
      sym[key] = o;
    }
    return sym[key];
  };
  // Show what ``codes`` says; returns the milliseconds it took (no layer is made).
  Projects.prototype.apply = function (codes) {
    var start = performance.now();
    for (var i = 0; i < this.n; i++) this.codes[i] = codes.charCodeAt(i) || 46;
    this.text = codes;
    return performance.now() - start;
  };
  // The order projects are drawn in, which hit testing follows: areas and lines under
  // markers, each by its layer's z as the legend reads; within a layer by symbol, in the order
  // the layer lists its symbols (status by status, so that one status's runs lie next to each
  // other and can be cached and left out together); then by project. A symbol's rank is its
  // place in that order.
  Projects.prototype.rank = function (sym) {
    if (sym._rank === undefined) {
      var d = this.d, r = 0;
      d.layers.forEach(function (layer) {
        Object.keys(d.symbols[layer]).forEach(function (key) {
          d.symbols[layer][key]._rank = r++;
          d.symbols[layer][key]._status = key.split("|")[0];
        });
      });
    }
    return sym._rank;
  };
  // What a draw of ``bounds`` (layer pixels) holds, in drawing order: groups (areas and lines,
  // or markers, of one layer and status), each a list of runs (one per symbol; for markers per
  // symbol and image) with their projects in order, and the group's box in layer pixels.
  // ``crowded`` (optional) is the whole view's: a strip of it is drawn as the whole view is.
  Projects.prototype.plan = function (m, bounds, crowded) {
    var s = crs.scale(m.getZoom()), o = m.getPixelOrigin(), pad = 20;
    var x0 = (bounds.min.x - pad + o.x) / s, y0 = (bounds.min.y - pad + o.y) / s;
    var x1 = (bounds.max.x + pad + o.x) / s, y1 = (bounds.max.y + pad + o.y) / s;
    var codes = this.codes, box = this.box, k, i, b, paths = [], marks = [];
    var inView = function (i) {
      b = 4 * i;
      return codes[i] !== 46 && box[b] <= x1 && box[b + 2] >= x0 && box[b + 1] <= y1 &&
        box[b + 3] >= y0;
    };
    for (k = 0; k < this.pathOrder.length; k++) {
      if (inView(this.pathOrder[k])) paths.push(this.pathOrder[k]);
    }
    for (k = 0; k < this.markOrder.length; k++) {
      if (inView(this.markOrder[k])) marks.push(this.markOrder[k]);
    }
    // Tens of thousands of areas in view overlap into one another: the outlines of filled
    // ones (most of the drawing time) are left off until the view holds fewer.
    var plan = { s: s, o: o, crowded: crowded === undefined ? paths.length > CROWDED : crowded,
      groups: [] };
    // Groups by a number (kind, layer, status; a layer has one z), symbols by layer, code and
    // precision: 100,000 string keys made here cost ~100 ms at every new view.
    var groups = new Map(), self = this, syms = [], layerOf = this.d.layer;
    var symbolOf = function (i) {
      var at = (layerOf[i] * 128 + codes[i]) * 2 + (self.d.prec[i] === 2 ? 1 : 0);
      return syms[at] || (syms[at] = self.symbol(i, codes[i]));
    };
    var add = function (kind, i, sym, image) {
      var key = (kind * 256 + layerOf[i]) * 16 + ((codes[i] - 97) >> 1);
      var g = groups.get(key);
      if (!g) {
        g = { key: key, kind: kind, z: self.zOf[i], rank: sym._rank, runs: new Map(), members: [],
          x0: Infinity, y0: Infinity, x1: -Infinity, y1: -Infinity };
        groups.set(key, g);
      }
      var order = 2 * sym._rank + (image && !image._anchor ? 1 : 0), run = g.runs.get(order);
      if (!run) g.runs.set(order, (run = { order: order, sym: sym, image: image, members: [] }));
      run.members.push(i);
      // The project and its code: a project whose symbol changed within its group (a target
      // now) changes the group.
      g.members.push(16 * i + codes[i] - 97);
      return g;
    };
    paths.forEach(function (i) {
      var sym = symbolOf(i), st = self.pathStyle(sym, false), b = 4 * i;
      self.rank(sym);
      var g = add(0, i, sym, null), w = Math.ceil(st.weight / 2) + 2;
      g.x0 = Math.min(g.x0, box[b] * s - o.x - w);
      g.y0 = Math.min(g.y0, box[b + 1] * s - o.y - w);
      g.x1 = Math.max(g.x1, box[b + 2] * s - o.x + w);
      g.y1 = Math.max(g.y1, box[b + 3] * s - o.y + w);
    });
    marks.forEach(function (i) {
      var sym = symbolOf(i), img = self.markImage(i, sym), half = img._size / 2 + 1;
      self.rank(sym);
      var g = add(1, i, sym, img), b = 4 * i;
      g.x0 = Math.min(g.x0, box[b] * s - o.x - half);
      g.y0 = Math.min(g.y0, box[b + 1] * s - o.y - half);
      g.x1 = Math.max(g.x1, box[b + 2] * s - o.x + half);
      g.y1 = Math.max(g.y1, box[b + 3] * s - o.y + half);
    });
    groups.forEach(function (g) {
      g.runs = Array.from(g.runs.values()).sort(function (a, c) { return a.order - c.order; });
      // Whole pixels inside the canvas: a cached group is then copied, not resampled.
      g.x0 = Math.max(Math.floor(g.x0), bounds.min.x);
      g.y0 = Math.max(Math.floor(g.y0), bounds.min.y);
      g.x1 = Math.min(Math.ceil(g.x1), bounds.max.x);
      g.y1 = Math.min(Math.ceil(g.y1), bounds.max.y);
      if (g.x1 > g.x0 && g.y1 > g.y0) plan.groups.push(g);
    });
    plan.groups.sort(function (a, c) { return a.kind - c.kind || a.z - c.z || a.rank - c.rank; });
    return plan;
  };
  // Draw one group's runs on ``ctx`` (its transform maps layer pixels to the canvas).
  Projects.prototype.drawGroup = function (ctx, g, plan) {
    var k, run;
    // Bevelled corners: at the weights used (2-4 px) they look as round ones do, and cost
    // less to outline (the profile's largest part).
    ctx.lineJoin = "bevel";
    for (k = 0; k < g.runs.length; k++) {
      run = g.runs[k];
      if (g.kind === 0) this.drawRun(ctx, run.members, this.pathStyle(run.sym, false), plan);
      else this.drawMarks(ctx, run.members, run.image, plan);
    }
  };
  // Whether a draw of ``bounds`` holds more than CROWDED areas and lines (as plan says).
  Projects.prototype.crowded = function (m, bounds) {
    var s = crs.scale(m.getZoom()), o = m.getPixelOrigin(), pad = 20, codes = this.codes;
    var x0 = (bounds.min.x - pad + o.x) / s, y0 = (bounds.min.y - pad + o.y) / s;
    var x1 = (bounds.max.x + pad + o.x) / s, y1 = (bounds.max.y + pad + o.y) / s;
    var box = this.box, n = 0;
    for (var k = 0; k < this.pathOrder.length; k++) {
      var i = this.pathOrder[k], b = 4 * i;
      if (codes[i] !== 46 && box[b] <= x1 && box[b + 2] >= x0 && box[b + 1] <= y1 &&
          box[b + 3] >= y0 && ++n > CROWDED) return true;
    }
    return false;
  };
  // Draws ``groups`` of ``plan`` onto ``ctx`` a few projects at a time: each call of the
  // function returned draws until ``until`` (a performance.now() time) has passed and says
  // whether everything is drawn. The calls draw exactly what one drawGroup each would, in the
  // same order; ``clip`` (layer pixels) limits them to a strip of the canvas.
  Projects.prototype.painter = function (ctx, groups, plan, clip) {
    var self = this, g = 0, r = 0, k = 0;
    return function (until) {
      ctx.save();
      if (clip) {
        ctx.beginPath();
        ctx.rect(clip.x0, clip.y0, clip.x1 - clip.x0, clip.y1 - clip.y0);
        ctx.clip();
      }
      ctx.lineJoin = "bevel";
      while (g < groups.length) {
        var group = groups[g], run = group.runs[r];
        if (!run) {
          g += 1;
          r = k = 0;
          continue;
        }
        var end = Math.min(k + PAINT_STEP, run.members.length);
        if (group.kind === 0) self.drawRun(ctx, run.members, self.pathStyle(run.sym, false), plan, k, end);
        else self.drawMarks(ctx, run.members, run.image, plan, k, end);
        k = end;
        if (k >= run.members.length) {
          r += 1;
          k = 0;
        }
        if (performance.now() >= until) break;
      }
      ctx.restore();
      return g >= groups.length;
    };
  };
  // Projects a painter draws between two looks at the clock (a large area with its pattern
  // and outline can take a millisecond on a busy machine).
  var PAINT_STEP = 8;
  // ``from``/``to`` (optional) draw only those members: a view drawn a slice at a time.
  Projects.prototype.drawMarks = function (ctx, members, img, plan, from, to) {
    if (!img._ready) return;
    var s = plan.s, o = plan.o, size = img._size, end = to === undefined ? members.length : to;
    ctx.setLineDash([]);
    ctx.globalAlpha = 1;
    for (var k = from || 0; k < end; k++) {
      var i = members[k];
      for (var j = this.mkOf[i]; j < this.mkOf[i + 1]; j++) {
        // Whole pixels and the image's own size: a plain copy, no resampling (5x faster).
        ctx.drawImage(img._bitmap, Math.round(this.mk[2 * j] * s - o.x - size / 2),
          Math.round(this.mk[2 * j + 1] * s - o.y - size / 2), size, size);
      }
    }
  };
  // The cached groups' canvases hold at most this many pixels (4 bytes each: 320 MB, as the
  // vector tiles' pictures), in at most this many canvases; a group beyond that is drawn
  // straight onto the map's canvas. The map's own canvas at 1920x1080 is 2688x1512 with its
  // padding: 16 MB. One view of 10,000 projects with the district filling 1400x900 takes 45
  // canvases, 108 MB: the budget holds the time views a presenter steps between (all years,
  // 2020, 2021: 81 canvases, 196 MB), where 160 MB in 64 canvases held one and a half.
  var CACHE_PIXELS = 80e6, CACHE_COUNT = 192;
  // The parts of bounds ``b`` outside bounds ``a`` as rectangles {x0, y0, x1, y1}.
  function subtract(b, a) {
    var out = [], x0 = b.min.x, y0 = b.min.y, x1 = b.max.x, y1 = b.max.y;
    var ix0 = Math.max(x0, a.min.x), iy0 = Math.max(y0, a.min.y);
    var ix1 = Math.min(x1, a.max.x), iy1 = Math.min(y1, a.max.y);
    if (ix0 >= ix1 || iy0 >= iy1) return [{ x0: x0, y0: y0, x1: x1, y1: y1 }];
    if (iy0 > y0) out.push({ x0: x0, y0: y0, x1: x1, y1: iy0 });
    if (iy1 < y1) out.push({ x0: x0, y0: iy1, x1: x1, y1: y1 });
    if (ix0 > x0) out.push({ x0: x0, y0: iy0, x1: ix0, y1: iy1 });
    if (ix1 < x1) out.push({ x0: ix1, y0: iy0, x1: x1, y1: iy1 });
    return out;
  }
  // Drawing ``plan`` for rectangle ``r`` (layer pixels) on a canvas of its own, a slice at a
  // time: {rect, canvas, paint(until) -> done, flush()}.
  function offscreenTask(r, ratio, plan) {
    var canvas = document.createElement("canvas");
    canvas.width = ratio * (r.x1 - r.x0);
    canvas.height = ratio * (r.y1 - r.y0);
    // Read back once a slice: kept in memory, not on the GPU.
    var ctx = canvas.getContext("2d", { willReadFrequently: true });
    ctx.setTransform(ratio, 0, 0, ratio, -ratio * r.x0, -ratio * r.y0);
    return { rect: r, canvas: canvas, paint: S.projects.painter(ctx, plan.groups, plan),
      flush: flusher(ctx) };
  }
  // Reading one pixel back makes the canvas draw what it was told now, not at a later copy.
  function flusher(ctx) {
    return function () { ctx.getImageData(0, 0, 1, 1); };
  }
  // Whether a click or key press waits for the page (Chromium; elsewhere: assume one does).
  function inputPending() {
    var sc = navigator.scheduling;
    return !(sc && sc.isInputPending) || sc.isInputPending();
  }
  // Run ``fn`` as the page's next task: the page renders and answers input before it, but
  // without setTimeout's 4 ms wait (after five nested calls), ~15 % of a sliced draw.
  var soonQueue = [], soonChannel = new MessageChannel();
  soonChannel.port1.onmessage = function () { soonQueue.shift()(); };
  function soon(fn) {
    soonQueue.push(fn);
    soonChannel.port2.postMessage(0);
  }
  // ``rects`` cut to bounds ``b`` (the empty ones left out).
  function clipRects(rects, b) {
    return rects.map(function (r) {
      return { x0: Math.max(r.x0, b.min.x), y0: Math.max(r.y0, b.min.y),
        x1: Math.min(r.x1, b.max.x), y1: Math.min(r.y1, b.max.y) };
    }).filter(function (r) { return r.x1 > r.x0 && r.y1 > r.y0; });
  }
  // Below this size (screen pixels) an area or line is drawn as a dot; an area filled in its
  // status colour below SMALL is drawn without its outline (which would cover it anyway).
  var TINY = 4, SMALL = 10;
  // Above this many areas and lines in view, filled areas are drawn without outlines.
  var CROWDED = 20000;
  // Projects of one style, each filled (even-odd, for holes) and stroked in turn.
  Projects.prototype.drawRun = function (ctx, run, st, plan, from, to) {
    var xy = this.xy, ringAt = this.ringAt, s = plan.s, o = plan.o;
    var fill = st.fillOpacity > 0 && fillStyle(ctx, st.fillColor || st.color, st.color);
    if (fill) ctx.fillStyle = fill;
    ctx.setLineDash(st.dash);
    ctx.lineWidth = st.weight;
    ctx.strokeStyle = st.color;
    for (var k = from || 0, end = to === undefined ? run.length : to; k < end; k++) {
      var i = run[k], b = 4 * i;
      var bw = (this.box[b + 2] - this.box[b]) * s, bh = (this.box[b + 3] - this.box[b + 1]) * s;
      if (bw < TINY && bh < TINY) {
        // A project a few pixels across is a dot of its outline colour: its pattern and dash
        // cannot show at that size, and a path each costs ~50x more (100,000 at a glance).
        ctx.globalAlpha = st.opacity;
        ctx.fillStyle = st.color;
        ctx.fillRect(this.box[b] * s - o.x, this.box[b + 1] * s - o.y, Math.max(bw, 2),
          Math.max(bh, 2));
        if (fill) ctx.fillStyle = fill;
        continue;
      }
      ctx.beginPath();
      for (var r = this.ringsOf[i]; r < this.ringsOf[i + 1]; r++) {
        var px = NaN, py = NaN;
        for (var v = ringAt[r]; v < ringAt[r + 1]; v++) {
          var x = xy[2 * v] * s - o.x, y = xy[2 * v + 1] * s - o.y;
          if (v === ringAt[r]) ctx.moveTo(x, y);
          // Vertices within a pixel of the last one drawn add nothing (Leaflet simplifies too).
          else if (v === ringAt[r + 1] - 1 || Math.abs(x - px) + Math.abs(y - py) >= 1) {
            ctx.lineTo(x, y);
          } else continue;
          px = x;
          py = y;
        }
        if (this.closed[i]) ctx.closePath();
      }
      if (fill && this.closed[i]) {
        ctx.globalAlpha = st.fillOpacity;
        ctx.fill("evenodd");
      }
      // An area's outline is left off where its fill carries its colour and the view is
      // crowded or the area small: a hollow (target, planned) or schematic area keeps its
      // outline, or it would vanish.
      var plain = (plan.crowded || (bw < SMALL && bh < SMALL)) && st.fillOpacity >= 0.5;
      if (st.weight > 0 && !(plain && this.closed[i])) {
        // A dash's ends are round (a dotted outline's dots), a line's too; a solid ring has
        // no ends to show.
        var cap = st.dash.length || !this.closed[i] ? "round" : "butt";
        if (ctx.lineCap !== cap) ctx.lineCap = cap;
        ctx.globalAlpha = st.opacity;
        ctx.stroke();
      }
    }
  };

  // Where project ``i`` (or its marker ``image``) lies in the drawing order: higher is on top.
  Projects.prototype.drawnAt = function (i, sym, image) {
    var run = 2 * this.rank(sym) + (image && !image._anchor ? 1 : 0);
    return (this.zOf[i] * 1e4 + run) * 1e7 + i;
  };
  // The project under a layer point: the topmost marker within its radius (+ tolerance), else
  // the topmost area containing it or line near it, as drawn. {i, mark: index or -1} or null.
  Projects.prototype.hit = function (m, point, tolerance) {
    var s = crs.scale(m.getZoom()), o = m.getPixelOrigin();
    var ux = (point.x + o.x) / s, uy = (point.y + o.y) / s, codes = this.codes, box = this.box;
    var k, i, b, code, reach, sym, img, at, best = null, top = -Infinity;
    for (k = 0; k < this.markOrder.length; k++) {
      i = this.markOrder[k];
      code = codes[i];
      if (code === 46) continue;
      sym = this.symbol(i, code);
      img = this.markImage(i, sym);
      reach = (img._size / 2 + tolerance) / s;
      b = 4 * i;
      if (ux < box[b] - reach || ux > box[b + 2] + reach || uy < box[b + 1] - reach ||
          uy > box[b + 3] + reach) continue;
      for (var j = this.mkOf[i + 1] - 1; j >= this.mkOf[i]; j--) {
        var dx = ux - this.mk[2 * j], dy = uy - this.mk[2 * j + 1];
        if (dx * dx + dy * dy <= reach * reach) {
          at = this.drawnAt(i, sym, img);
          if (at > top) {
            top = at;
            best = { i: i, mark: j };
          }
          break;
        }
      }
    }
    if (best) return best;
    for (k = 0; k < this.pathOrder.length; k++) {
      i = this.pathOrder[k];
      code = codes[i];
      if (code === 46) continue;
      sym = this.symbol(i, code);
      reach = (this.pathStyle(sym, false).weight / 2 + tolerance) / s;
      b = 4 * i;
      if (ux < box[b] - reach || ux > box[b + 2] + reach || uy < box[b + 1] - reach ||
          uy > box[b + 3] + reach) continue;
      at = this.drawnAt(i, sym, null);
      if (at > top && ((this.closed[i] && this.inside(i, ux, uy)) || this.near(i, ux, uy, reach))) {
        top = at;
        best = { i: i, mark: -1 };
      }
    }
    return best;
  };
  Projects.prototype.inside = function (i, x, y) {
    var xy = this.xy, ringAt = this.ringAt, inside = false;
    for (var r = this.ringsOf[i]; r < this.ringsOf[i + 1]; r++) {
      for (var v = ringAt[r], w = ringAt[r + 1] - 1; v < ringAt[r + 1]; w = v++) {
        var ax = xy[2 * v], ay = xy[2 * v + 1], bx = xy[2 * w], by = xy[2 * w + 1];
        if ((ay > y) !== (by > y) && x < ((bx - ax) * (y - ay)) / (by - ay) + ax) {
          inside = !inside;
        }
      }
    }
    return inside;
  };
  Projects.prototype.near = function (i, x, y, reach) {
    var xy = this.xy, ringAt = this.ringAt, closed = this.closed[i];
    for (var r = this.ringsOf[i]; r < this.ringsOf[i + 1]; r++) {
      var first = ringAt[r], end = ringAt[r + 1];
      for (var v = closed ? first : first + 1; v < end; v++) {
        var w = v === first ? end - 1 : v - 1;
        if (segmentDistance(x, y, xy[2 * w], xy[2 * w + 1], xy[2 * v], xy[2 * v + 1]) <= reach) {
          return true;
        }
      }
    }
    return false;
  };
  function segmentDistance(x, y, ax, ay, bx, by) {
    var dx = bx - ax, dy = by - ay, len = dx * dx + dy * dy;
    var t = len ? Math.max(0, Math.min(1, ((x - ax) * dx + (y - ay) * dy) / len)) : 0;
    var ex = ax + t * dx - x, ey = ay + t * dy - y;
    return Math.sqrt(ex * ex + ey * ey);
  }
  Projects.prototype.tip = function (i) {
    var d = this.d, k = this.codes[i] - 97;
    var status = d.statuses[k >> 1], text = d.text.status[status];
    if (k & 1) text = d.text.target[0] + text + d.text.target[1];
    return "<b>" + d.name[i] + "</b><br>" + d.text.layer[d.layers[d.layer[i]]] + "<br>" +
      '<span style="color:' + d.colors[status] + '">\u25a0</span> ' + text + "<br>" +
      d.text.precision[d.precisions[d.prec[i]]];
  };
  Projects.prototype.properties = function (i) {
    var d = this.d, schematic = d.prec[i] === 2, k = this.codes[i] - 97;
    return {
      id: d.id[i], layer: d.layers[d.layer[i]], lbl: d.lbl[i], s: schematic,
      status: d.statuses[k >> 1], target: !!(k & 1),
      rank: schematic ? 2 : this.ringsOf[i + 1] > this.ringsOf[i] ? 0 : 1,
    };
  };
  // A project's rings as LatLngs (for its hover outline).
  Projects.prototype.latlngs = function (i) {
    var out = [], s0 = crs.scale(0);
    for (var r = this.ringsOf[i]; r < this.ringsOf[i + 1]; r++) {
      var ring = [];
      for (var v = this.ringAt[r]; v < this.ringAt[r + 1]; v++) {
        ring.push(crs.pointToLatLng(L.point(this.xy[2 * v] * s0, this.xy[2 * v + 1] * s0), 0));
      }
      out.push(ring);
    }
    return out;
  };
  // Where a project's marker (its first) is, as a LatLng.
  Projects.prototype.anchor = function (i) {
    var j = this.mkOf[i];
    return j < this.mkOf[i + 1] ? L.latLng(this.mkLL[2 * j], this.mkLL[2 * j + 1]) : null;
  };

  // What a click on a project hands to Leaflet's event chain: streamlit-folium reads
  // ``layer.toGeoJSON()`` (its id) as ``last_active_drawing`` and the latlng, a point's own
  // position as ``last_object_clicked`` (Leaflet gives a marker's latlng for a small marker).
  var Hit = L.Evented.extend({
    initialize: function (layer, projects, found) {
      var at = found.mark >= 0 && found.mark;
      this.options = { interactive: true, bubblingMouseEvents: true };
      this._map = layer._map;
      this._eventParents = {};
      this._eventParents[L.stamp(layer)] = layer;
      this.index = found.i;
      this.feature = { type: "Feature", properties: projects.properties(found.i) };
      this._anchor = projects.anchor(found.i);
      if (at !== false) {
        this._latlng = L.latLng(projects.mkLL[2 * at], projects.mkLL[2 * at + 1]);
        this._radius = 8;
        this.getLatLng = function () { return this._latlng; };
      }
    },
    toGeoJSON: function () {
      var at = this._latlng || this._anchor;
      var geometry = at ? { type: "Point", coordinates: [at.lng, at.lat] } : null;
      return L.extend({}, this.feature, { geometry: geometry });
    },
  });

  // The time views to paint ahead, nearest the one shown first (by the rerun's filter): as
  // the data's own codes for them (every layer and status: a filter of layers or statuses
  // shows a subset of the same groups).
  function aheadViews(P) {
    var f = P.d.filter, state = (S.state || {}).filter;
    if (!f || !state) return [];
    var steps = f.steps.map(String), at = steps.length, out = [];
    if (state.mode === "as_of") at = steps.indexOf(String(state.as_of));
    if (at < 0) return [];
    steps.forEach(function (year, k) {
      if (k !== at || state.mode !== "as_of") out.push([Math.abs(k - at), f.asOf[year]]);
    });
    if (state.mode !== "all") out.push([1.5, f.all]);
    out.sort(function (a, b) { return a[0] - b[0]; });
    return out.map(function (v) { return v[1]; }).filter(function (codes) {
      return codes && codes.length === P.n;
    });
  }
  // The plan of ``text``'s codes for ``bounds`` (P keeps showing its own), or null while a
  // symbol or pattern it needs is still being made.
  function planFor(P, text, m, bounds, crowded, ctx) {
    var shown = P.codes, codes = new Uint8Array(P.n);
    for (var i = 0; i < P.n; i++) codes[i] = text.charCodeAt(i) || 46;
    P.codes = codes;
    quietImages = true;
    try {
      return P.prepare(ctx) ? null : P.plan(m, bounds, crowded);
    } finally {
      P.codes = shown;
      quietImages = false;
    }
  }

  // One layer draws every project: a canvas (Leaflet's renderer, for its positioning, padding
  // and zoom animation) whose drawing and hit testing read the decoded arrays.
  S.ProjectCanvas = L.Canvas.extend({
    // frameMs: a new view is drawn in slices of about this many milliseconds (the page
    // answers between them). cacheAtOnce: a new view drawn at once (the first paint) holding
    // more projects than this is drawn into the groups' canvases, then copied, instead of
    // straight onto the map's canvas: ~10 % more for that draw (3.36 s against 3.08 s at
    // 100,000 on a busy machine) and no second draw of every group afterwards.
    options: { pane: "shinanProjects", padding: 0.2, tolerance: 3, cache: true, frameMs: 25,
      cacheAtOnce: 20000, aheadShare: 0.75, aheadMs: 150 },
    // A view reset (a zoom without animation) draws once, when Leaflet ends it (_reset).
    _updatePaths: function () {
      if (!this._postponeUpdatePaths) this._redraw();
    },
    _reset: function () {
      L.Canvas.prototype._reset.call(this);
      this._kept = null;
    },
    // After a pan that stays inside the canvas drawn last (it reaches ``padding`` beyond the
    // view on every side), nothing needs drawing again: Leaflet has moved it with the map.
    _update: function () {
      var m = this._map, size = m.getSize(), b = this._bounds;
      if (b && !m._animatingZoom && this._zoom === m.getZoom() && this._size &&
          this._size.equals(size) && b.contains(m.containerPointToLayerPoint([0, 0])) &&
          b.contains(m.containerPointToLayerPoint(size))) {
        return;
      }
      // What the canvas shows now is kept for the new view's draw (Leaflet clears the canvas).
      // (Drawn on "update", or at the end of a view reset, which then forgets it.)
      this._kept = m._animatingZoom ? null : this._keep();
      this._size = size;
      L.Canvas.prototype._update.call(this);
      if (!this._postponeUpdatePaths) this._kept = null;
    },
    // A copy of the canvas and of what it was drawn for, or null before the first full draw.
    _keep: function () {
      var c = this._container;
      if (!this._look || !this._bounds || !c.width || !c.height) return null;
      var copy = this._keptCanvas || (this._keptCanvas = document.createElement("canvas"));
      copy.width = c.width;
      copy.height = c.height;
      copy.getContext("2d").drawImage(c, 0, 0);
      return { look: this._look, bounds: this._bounds, canvas: copy, pending: this._pending };
    },
    // Each group of the plan (a layer's areas and lines, or markers, of one status) is drawn
    // once into a canvas of its own box and then copied: a filter that leaves a group as it
    // was copies it again instead of drawing it (source-over composes: the copy looks the same
    // as drawing it here). Cached canvases hold for one data version, zoom, origin and canvas
    // size.
    _draw: function () {
      if (!S.projects || !this._map || !this._bounds) return;
      S.counts.draws += 1;
      var start = performance.now(), P = S.projects, b = this._bounds, ctx = this._ctx;
      var ratio = L.Browser.retina ? 2 : 1, self = this, kept = this._kept;
      this._kept = null;
      this._stopPainting();
      this._entries().forEach(function (e) { // a group's canvas half drawn by _fillLater
        if (e.partial) self._drop(e);
      });
      if (kept && kept.look.key === P.key && kept.look.text === P.text) {
        this._drawView(kept, start, ratio);
        return;
      }
      var plan = P.plan(this._map, b);
      var view = [P.key, this._map.getZoom(), plan.o.x, plan.o.y, b.min.x, b.min.y, b.max.x,
        b.max.y, plan.crowded, generation, ratio].join();
      // A new view drawn here (the first paint, a reset) holding few projects is drawn straight
      // onto the map's canvas, as fast as without a cache; the groups' canvases are made
      // afterwards, a few at a time while the page is idle, for the filter clicks that follow.
      // One holding many is drawn into the groups' canvases at once: filling them afterwards
      // would take seconds, and a filter click meanwhile would draw every missing group.
      var moved = view !== this._cacheView;
      // A filter click while a new view is being completed (drawn in slices, or its groups
      // filled afterwards): the old view stays shown, from its own groups' canvases, without
      // those the filter changed (no hidden project appears in any frame); the new view's
      // groups still missing are drawn in slices.
      var interim = this._interim;
      if (!moved && interim && this._groupJob(plan, start, ratio)) {
        if (this._job) this._showInterim(interim); // (else every group was made already)
        return;
      }
      if (moved) this.dropCache();
      var straight = moved && plan.groups.reduce(function (n, g) {
        return n + g.members.length;
      }, 0) <= this.options.cacheAtOnce;
      this._cacheView = view;
      this._tick = (this._tick || 0) + 1;
      var counts = { groups: plan.groups.length, drawn: 0, runs: 0, runsDrawn: 0 };
      plan.groups.forEach(function (g) {
        g.entry = self._cached(g);
        if (g.entry) g.entry.used = self._tick;
      });
      plan.groups.forEach(function (g) {
        var entry = g.entry;
        counts.runs += g.runs.length;
        if (!entry) {
          counts.drawn += 1;
          counts.runsDrawn += g.runs.length;
          entry = g.entry = straight ? null : self._store(g, ratio);
          if (!entry) { // over the cache's budget: drawn straight onto the map's canvas
            ctx.save();
            P.drawGroup(ctx, g, plan);
            ctx.restore();
            return;
          }
          P.drawGroup(entry.ctx, g, plan);
        }
        ctx.save();
        ctx.setTransform(1, 0, 0, 1, 0, 0);
        ctx.drawImage(entry.canvas, ratio * (entry.x - b.min.x), ratio * (entry.y - b.min.y));
        ctx.restore();
      });
      this._look = this._lookOf(plan.crowded, ratio);
      this._pending = null;
      this._freeInterim();
      // The canvas is exactly these groups' copies (kept for a zoom's interim picture).
      this._shown = plan.groups.every(function (g) { return g.entry; }) ? plan.groups.map(
        function (g) { return g.entry; }) : null;
      S.lastDraw = L.extend(counts, { ms: performance.now() - start, at: performance.now() });
      if (!S.marks.drawn) S.marks.drawn = Date.now();
      if (moved && straight) this._fillLater(plan, view, ratio);
      else if (moved) this._cachedAt();
      else this._aheadLater();
    },
    // Note when the groups' canvases of the view are all made (benchmarks report it); then
    // paint ahead.
    _cachedAt: function () {
      if (!S.marks.cached) S.marks.cached = Date.now();
      this.cacheFullAt = Date.now();
      this._aheadLater();
    },
    // Painting ahead: once the view's own groups are made and the page has been idle for
    // ``aheadMs``, the groups of the time views a presenter steps to next (the next and the
    // previous "as of" step, all years, then the other steps; every layer and status, as the
    // data's own codes for that view give them) are drawn into the cache, a slice at a time,
    // up to ``aheadShare`` of its budget and never pushing out a group the map shows. A year
    // step then copies them instead of drawing every project whose status the year changes
    // (at 10,000 projects 8 to 36 of 36 groups, 0.5-2 s on the shared test machine). Any draw
    // stops it; the next idle moment carries on.
    _aheadLater: function () {
      var self = this;
      clearTimeout(this._aheadTimer);
      if (!this.options.cache || !this.options.aheadShare) return;
      this._aheadTimer = setTimeout(function () { self._ahead(); }, this.options.aheadMs);
    },
    _ahead: function () {
      var self = this, P = S.projects, m = this._map, look = this._look;
      if (!m || !P || !look || this._job || this._pending || !this._cache) return;
      var view = this._cacheView, tick = this._tick, text = P.text, ratio = look.ratio;
      var views = aheadViews(P), k = 0, plan = null, queue = [], paint = null, entry = null;
      var step = function () {
        if (self._map !== m || S.projects !== P || P.text !== text || self._job ||
            self._cacheView !== view || self._tick !== tick) return; // a draw came in between
        var until = performance.now() + self.options.frameMs;
        while (performance.now() < until && !inputPending()) {
          if (!paint && !queue.length) {
            if (k >= views.length) {
              self.aheadDoneAt = performance.now();
              return;
            }
            plan = planFor(P, views[k++], m, self._bounds, look.crowded, self._ctx);
            if (!plan) return; // symbols still loading: when ready they redraw, then again
            queue = plan.groups.filter(function (g) { return !self._cached(g); });
            continue;
          }
          if (!paint) {
            var g = queue.shift();
            entry = self._fits(g, ratio, self.options.aheadShare) && self._store(g, ratio);
            if (!entry) { // its share of the budget is full: done
              self.aheadDoneAt = performance.now();
              return;
            }
            entry.used = tick - 0.5; // pushed out before what the map shows
            entry.partial = true; // not copied until it is drawn
            paint = P.painter(entry.ctx, [g], plan);
          }
          if (paint(until)) {
            entry.ctx.getImageData(0, 0, 1, 1); // rasterised now, not at the click's copy
            entry.partial = false;
            paint = null;
            S.counts.ahead += 1;
          }
        }
        self._aheadTimer = setTimeout(step, 0);
      };
      step();
    },
    // Whether group ``g`` fits in ``share`` of the cache's budget without pushing anything out.
    _fits: function (g, ratio, share) {
      var need = ratio * ratio * (g.x1 - g.x0) * (g.y1 - g.y0);
      var budget = this.options.cachePixels || CACHE_PIXELS;
      var count = this.options.cacheCount || CACHE_COUNT;
      return (this._pixels || 0) + need <= share * budget &&
        this._entries().length + 1 <= share * count;
    },
    // What a finished drawing shows: data, filter, zoom, pixel origin, outlines, symbols.
    _lookOf: function (crowded, ratio) {
      var P = S.projects, m = this._map, o = m.getPixelOrigin();
      return { key: P.key, text: P.text, zoom: m.getZoom(), ox: o.x, oy: o.y, crowded: crowded,
        generation: generation, ratio: ratio };
    },
    // A new view of what was drawn before (a pan past the padding, a zoom, a resize), drawn so
    // that the page stays responsive: a slice of ``frameMs`` at a time, the old drawing shown
    // meanwhile. At the same zoom the part both views share is copied, not drawn again (a
    // copy at whole pixels: exactly what drawing it gives), and only the strips the pan
    // uncovered are drawn, clipped. After a zoom the old drawing is shown scaled (as during
    // Leaflet's zoom animation) while the new one is drawn on a canvas of its own, then copied.
    _drawView: function (kept, start, ratio) {
      var P = S.projects, m = this._map, b = this._bounds, ctx = this._ctx;
      var crowded = P.crowded(m, b), look = this._lookOf(crowded, ratio), was = kept.look;
      var same = was.zoom === look.zoom && was.ox === look.ox && was.oy === look.oy &&
        was.crowded === crowded && was.generation === generation && was.ratio === ratio;
      var scale = m.getZoomScale(look.zoom, was.zoom);
      var x = (kept.bounds.min.x + was.ox) * scale - look.ox - b.min.x;
      var y = (kept.bounds.min.y + was.oy) * scale - look.oy - b.min.y;
      ctx.save();
      ctx.setTransform(1, 0, 0, 1, 0, 0);
      ctx.drawImage(kept.canvas, ratio * x, ratio * y, kept.canvas.width * scale,
        kept.canvas.height * scale);
      ctx.restore();
      // The old view's groups (when the canvas was their copies) stay until the new view's
      // groups are all made: a filter click meanwhile shows them, scaled after a zoom.
      var old = this._shown && this._shown.every(function (e) { return e.canvas.width; }) &&
        this._shown;
      // A view changed again before it was completed (a resize, then a zoom) carries on the
      // groups of the last completed one, moved as the canvas was.
      var carried = !old && this._interim;
      this._interim = null;
      this._shown = null;
      this.dropCache(old || []);
      var view = [P.key, look.zoom, look.ox, look.oy, b.min.x, b.min.y, b.max.x, b.max.y,
        crowded, generation, ratio].join();
      this._cacheView = view; // as _draw names it: a filter click next is not a new view
      // The canvas is ``look`` but for the rectangles still to draw (``_pending``): a view
      // change meanwhile keeps what is drawn and draws those again.
      this._look = look;
      var rects = same ? subtract(b, kept.bounds).concat(clipRects(kept.pending || [], b))
        : [{ x0: b.min.x, y0: b.min.y, x1: b.max.x, y1: b.max.y }];
      this._pending = rects;
      // A whole new view holding many projects is drawn into its groups' canvases, as the first
      // paint is: when it is finished a filter click finds every group made (else the groups
      // would be filled afterwards, another full draw, seconds at 100,000).
      var whole = !same && P.plan(m, b);
      var interim = old ? { entries: old, x: ratio * x, y: ratio * y, scale: scale, ratio: ratio,
        bx: kept.bounds.min.x, by: kept.bounds.min.y } : carried && { entries: carried.entries,
        x: ratio * x + scale * carried.x, y: ratio * y + scale * carried.y,
        scale: carried.scale * scale, ratio: ratio, bx: carried.bx, by: carried.by };
      if (whole && this._groupJob(whole, start, ratio)) {
        this._interim = interim || null;
        if (!this._job) this._freeInterim(); // (every group made already)
        return;
      }
      this._interim = interim || null; // until the groups are filled (_fillLater)
      var tasks = rects.map(function (r) {
        return offscreenTask(r, ratio, same ? P.plan(m, L.bounds([r.x0, r.y0], [r.x1, r.y1]),
          crowded) : whole);
      });
      var self = this, job = this._newJob(start, ratio);
      this._run(tasks, job, function () {
        S.lastDraw = self._jobDraw(job, start, same ? rects.length : 0);
        self._fillLater(null, view, ratio);
      });
    },
    _newJob: function (start, ratio) {
      return { slices: 0, longest: 0, work: 0, budget: this.options.frameMs / 2, times: [],
        planMs: performance.now() - start, ratio: ratio };
    },
    _jobDraw: function (job, start, strips) {
      var now = performance.now();
      return { groups: 0, drawn: 0, runs: 0, runsDrawn: 0, ms: now - start, at: now,
        strips: strips, slices: job.slices, longest: job.longest, work: job.work,
        times: job.times, planMs: job.planMs };
    },
    // Draw ``plan``'s groups that have no canvas yet into canvases of their own, a slice at a
    // time, then show the view as every group's copy. False (nothing started) when the view
    // holds few projects (filled afterwards in well under a second) or its groups do not all
    // fit the cache's budget.
    _groupJob: function (plan, start, ratio) {
      var n = plan.groups.reduce(function (k, g) { return k + g.members.length; }, 0);
      if (!this.options.cache || n <= this.options.cacheAtOnce) return false;
      var self = this, tasks = [], made = [];
      this._tick = (this._tick || 0) + 1;
      plan.groups.forEach(function (g) {
        g.entry = self._cached(g);
        if (g.entry) g.entry.used = self._tick;
      });
      for (var k = 0; k < plan.groups.length; k++) {
        var g = plan.groups[k], entry = g.entry;
        if (entry) continue;
        entry = g.entry = this._store(g, ratio);
        if (!entry) {
          made.forEach(function (e) { self._drop(e); });
          return false;
        }
        made.push(entry);
        entry.partial = true; // not copied (nor kept by a click) until it is drawn
        tasks.push({ entry: entry, paint: S.projects.painter(entry.ctx, [g], plan),
          flush: flusher(entry.ctx) });
      }
      var job = this._newJob(start, ratio), drawn = tasks.length;
      job.groups = true;
      this._run(tasks, job, function () {
        self._freeInterim();
        S.lastDraw = L.extend(self._jobDraw(job, start, 0), { groups: plan.groups.length,
          drawn: drawn });
        self._composite(plan, ratio);
        self._cachedAt();
      });
      return true;
    },
    // The canvas as the copies of ``plan``'s groups, in drawing order.
    _composite: function (plan, ratio) {
      var ctx = this._ctx, b = this._bounds;
      ctx.save();
      ctx.setTransform(1, 0, 0, 1, 0, 0);
      ctx.clearRect(0, 0, ctx.canvas.width, ctx.canvas.height);
      plan.groups.forEach(function (g) {
        ctx.drawImage(g.entry.canvas, ratio * (g.entry.x - b.min.x), ratio * (g.entry.y - b.min.y));
      });
      ctx.restore();
      this._shown = plan.groups.map(function (g) { return g.entry; });
    },
    // Forget the old view's groups kept for an interim picture (their memory goes now).
    _freeInterim: function () {
      if (this._interim) {
        this._interim.entries.forEach(function (e) { e.canvas.width = e.canvas.height = 0; });
      }
      this._interim = null;
    },
    // The old view's groups, scaled as the old drawing was, leaving out every group with a
    // project the filter now hides or shows otherwise.
    _showInterim: function (it) {
      var ctx = this._ctx, codes = S.projects.codes, k = it.scale;
      ctx.save();
      ctx.setTransform(1, 0, 0, 1, 0, 0);
      ctx.clearRect(0, 0, ctx.canvas.width, ctx.canvas.height);
      it.entries.forEach(function (e) {
        if (!e.canvas.width) return;
        for (var j = 0; j < e.members.length; j++) {
          if (codes[e.members[j] >> 4] !== 97 + (e.members[j] & 15)) return;
        }
        ctx.drawImage(e.canvas, it.x + it.ratio * k * (e.x - it.bx), it.y + it.ratio * k * (e.y - it.by),
          e.canvas.width * k, e.canvas.height * k);
      });
      ctx.restore();
      S.lastDraw = { groups: 0, drawn: 0, runs: 0, runsDrawn: 0, ms: 0, at: performance.now(),
        interim: true };
    },
    // Run ``tasks`` a slice at a time, then ``finish``.
    _run: function (tasks, job, finish) {
      var self = this, ctx = this._ctx, b = this._bounds, ratio = job.ratio;
      // Each slice draws for ``budget`` ms, then makes the canvas really draw what it was told
      // (Chromium records canvas calls and rasterises them later, all at once: a slice that
      // only records would leave the work to one long frame). The budget adapts so that
      // recording and rasterising together take about ``frameMs``.
      var step = function () {
        var t0 = performance.now(), task = tasks[0];
        var done = !task || task.paint(t0 + job.budget), t1 = performance.now();
        if (task) task.flush();
        var t2 = performance.now();
        if (done && task && task.entry) { // a group's canvas, copied when every group is made
          task.entry.partial = false;
          tasks.shift();
        } else if (done && task) { // the finished rectangle replaces what was shown there
          ctx.save();
          ctx.setTransform(1, 0, 0, 1, 0, 0);
          var r = task.rect, x = ratio * (r.x0 - b.min.x), y = ratio * (r.y0 - b.min.y);
          ctx.clearRect(x, y, task.canvas.width, task.canvas.height);
          ctx.drawImage(task.canvas, x, y);
          ctx.restore();
          task.canvas.width = task.canvas.height = 0;
          tasks.shift();
          self._pending = self._pending.slice(1);
        }
        job.slices += 1;
        job.work += t2 - t0;
        job.longest = Math.max(job.longest, performance.now() - t0);
        job.times.push([t1 - t0, t2 - t1]);
        var frame = self.options.frameMs;
        if (t1 > t0) job.budget = Math.max(0.5, Math.min(frame, frame * (t1 - t0) / (t2 - t0)));
        if (!tasks.length) {
          self._job = null;
          self._pending = null;
          finish();
        } else soon(function () { if (self._job === job) step(); });
      };
      this._job = job;
      step();
    },
    // Whether a new view is still being drawn (tests and benchmarks wait for it).
    painting: function () {
      return !!this._job;
    },
    _stopPainting: function () {
      this._job = null; // its next slice sees it is no longer the job and stops
    },
    onRemove: function (map) {
      this._stopPainting();
      clearTimeout(this._fillTimer);
      clearTimeout(this._aheadTimer);
      L.Canvas.prototype.onRemove.call(this, map);
    },
    // Make the canvases of ``plan``'s groups (null: view ``view``'s) a slice of ``frameMs`` at a time
    // once the page is idle, while the view and what is shown stay as they were (a click first
    // draws what is missing).
    _fillLater: function (plan, view, ratio) {
      var self = this, P = S.projects, text = P.text, queue = null, paint = null, entry = null;
      clearTimeout(this._fillTimer);
      if (!this.options.cache) return;
      var step = function () {
        if (!self._map || P !== S.projects || P.text !== text || self._job) return;
        if (!queue) { // the plan of the whole view, made here: not in the pan's own frame
          plan = plan || P.plan(self._map, self._bounds);
          queue = plan.groups.slice();
        }
        if (self._cacheView !== view) return;
        var frame = self.options.frameMs, start = performance.now(), until = start + frame;
        while (paint || queue.length) {
          if (performance.now() >= until) {
            // Up to four frames' worth while no click or key waits (fewer slices, read-backs
            // and timers): a click waits for one at most.
            if (performance.now() - start >= 4 * frame || inputPending()) break;
            until = performance.now() + frame;
          }
          if (!paint) {
            var g = queue.shift();
            entry = self._cached(g) ? null : self._store(g, ratio);
            if (entry) paint = P.painter(entry.ctx, [g], plan);
            if (entry) entry.partial = true; // not copied until it is drawn
          }
          var done = paint && paint(until);
          if (paint) entry.ctx.getImageData(0, 0, 1, 1); // rasterised now, not at a later copy
          if (done) {
            paint = null;
            entry.partial = false;
          }
        }
        if (paint || queue.length) {
          self._fillTimer = setTimeout(step, 0);
          return;
        }
        self._cachedAt();
        self._freeInterim();
        // The canvas shows these groups (strips drawn clipped aside): a zoom next shows
        // them as its interim picture.
        var made = plan.groups.map(function (g) { return self._cached(g); });
        self._shown = made.every(function (e) { return e; }) ? made : null;
      };
      // After the frame that shows the view (not in it), with no wait beyond that.
      this._fillTimer = setTimeout(step, 0);
    },
    // The cached canvas of group ``g`` with the same projects, or null.
    _cached: function (g) {
      var list = (this._cache || {})[g.key] || [];
      for (var k = 0; k < list.length; k++) {
        var e = list[k], same = !e.partial && e.members.length === g.members.length && e.x === g.x0 &&
          e.y === g.y0 && e.w === g.x1 - g.x0 && e.h === g.y1 - g.y0;
        for (var j = 0; same && j < g.members.length; j++) same = e.members[j] === g.members[j];
        if (same) return e;
      }
      return null;
    },
    // A new canvas for group ``g`` within the budget (least recently used ones make room), its
    // context mapping layer pixels onto it as the map's canvas does; null when it cannot fit.
    _store: function (g, ratio) {
      var w = g.x1 - g.x0, h = g.y1 - g.y0, need = ratio * ratio * w * h;
      var budget = this.options.cachePixels || CACHE_PIXELS; // (tests raise it)
      if (!this.options.cache || need > budget) return null;
      var all = this._entries(), count = this.options.cacheCount || CACHE_COUNT;
      all.sort(function (a, c) { return a.used - c.used; });
      while (all.length && (this._pixels + need > budget || all.length >= count)) {
        var old = all.shift();
        if (old.used === this._tick) return null; // everything cached is in this draw
        this._drop(old);
      }
      var canvas = document.createElement("canvas");
      canvas.width = ratio * w;
      canvas.height = ratio * h;
      var e = { key: g.key, members: g.members, x: g.x0, y: g.y0, w: w, h: h, canvas: canvas,
        ctx: canvas.getContext("2d"), used: this._tick, pixels: need };
      e.ctx.setTransform(ratio, 0, 0, ratio, -ratio * g.x0, -ratio * g.y0);
      (this._cache[g.key] = this._cache[g.key] || []).push(e);
      this._pixels += need;
      return e;
    },
    _entries: function () {
      var all = [], cache = this._cache || {};
      Object.keys(cache).forEach(function (key) { all.push.apply(all, cache[key]); });
      return all;
    },
    _drop: function (e) {
      var list = this._cache[e.key];
      list.splice(list.indexOf(e), 1);
      if (!list.length) delete this._cache[e.key];
      this._pixels -= e.pixels;
      e.canvas.width = e.canvas.height = 0; // its memory goes now, not at garbage collection
    },
    // Forget every cached group (the view changed, or a symbol finished loading).
    // ``keep`` (optional): canvases left as they are (the caller keeps them).
    dropCache: function (keep) {
      this.cacheFullAt = null;
      this._shown = null;
      this._entries().forEach(function (e) {
        if (!keep || keep.indexOf(e) < 0) e.canvas.width = e.canvas.height = 0;
      });
      this._cache = {};
      this._pixels = 0;
    },
    // How many canvases are cached and their bytes (4 a pixel).
    cacheStats: function () {
      return { canvases: this._entries().length, bytes: 4 * (this._pixels || 0) };
    },
    _requestRedraw: function () {
      if (this._map) this._redrawRequest = this._redrawRequest || L.Util.requestAnimFrame(this._redraw, this);
    },
    _found: function (e) {
      if (!S.projects || !this._map) return null;
      var point = this._map.mouseEventToLayerPoint(e);
      return S.projects.hit(this._map, point, this.options.tolerance);
    },
    _onClick: function (e) {
      var found = this._found(e), target = found && new Hit(this, S.projects, found);
      if (target && (e.type === "click" || e.type === "preclick") &&
          this._map._draggableMoved(target)) target = null;
      this._fireEvent(target ? [target] : false, e);
    },
    _onMouseMove: function (e) {
      var m = this._map;
      if (!m || m.dragging.moving() || m._animatingZoom) return;
      if (this._tip && this._tip._map) this._tip.setLatLng(m.mouseEventToLatLng(e));
      // One hit test per 32 ms; the last move inside that time is tested when it ends, so a
      // quick move off a project that then stops still closes its tooltip.
      if (this._mouseHoverThrottled) {
        this._pendingMove = e;
        return;
      }
      var found = this._found(e), i = found ? found.i : -1;
      var path = found && found.mark < 0 ? found.i : -1;
      if (path !== this._hoverPath) this._highlight(path);
      if (i !== this._hovered) this._hover(i, m.mouseEventToLatLng(e));
      this._fireEvent(found ? [new Hit(this, S.projects, found)] : false, e);
      this._mouseHoverThrottled = true;
      var self = this;
      setTimeout(function () {
        self._mouseHoverThrottled = false;
        var last = self._pendingMove;
        self._pendingMove = null;
        if (last) self._onMouseMove(last);
      }, 32);
    },
    _handleMouseOut: function () {
      this._pendingMove = null;
      this._highlight(-1);
      this._hover(-1);
    },
    // An area or line under the mouse is outlined heavier: a copy of it on an SVG layer just
    // above the canvas, so the canvas (every project) is not drawn again for a hover.
    _highlight: function (i) {
      this._hoverPath = i;
      if (this._hl) this._map.removeLayer(this._hl);
      this._hl = null;
      if (i < 0 || !S.projects) return;
      var P = S.projects, st = P.pathStyle(P.symbol(i, P.codes[i]), true);
      var make = P.closed[i] ? L.polygon : L.polyline;
      this._hl = make(P.latlngs(i), L.extend({}, st, { interactive: false, fill: !!P.closed[i],
        renderer: S.hoverRenderer })).addTo(this._map);
    },
    _hover: function (i, latlng) {
      this._hovered = i;
      if (i < 0) {
        L.DomUtil.removeClass(this._container, "leaflet-interactive");
        if (this._tip) this._map.closeTooltip(this._tip);
        return;
      }
      L.DomUtil.addClass(this._container, "leaflet-interactive");
      this._tip = this._tip || L.tooltip({ sticky: true });
      this._tip.setContent(S.projects.tip(i)).setLatLng(latlng);
      if (!this._tip._map) this._map.openTooltip(this._tip);
    },
  });

  pane("shinanHover", 455, false);
  S.hoverRenderer = S.hoverRenderer || L.svg({ pane: "shinanHover" });

  function projectLayer() {
    if (!S.layer) {
      S.layer = new S.ProjectCanvas();
      S.layer._hoverPath = S.layer._hovered = -1;
    }
    if (!S.layer._map) S.layer.addTo(map);
    return S.layer;
  }

  // Show projects of data ``key`` as ``codes`` says, once the data is in the page. The same
  // key and codes as shown already change nothing (not even S.lastApply): the page may apply
  // a filter itself and the server's confirmation then arrives with the same codes.
  S.show = function (key, codes) {
    projectLayer();
    if (!S.marks.firstShow) S.marks.firstShow = Date.now();
    S.wanted = { key: key, codes: codes };
    if (S.projects && S.projects.key === key && S.projects.text === codes) return;
    var d = dataFor(key);
    if (!d) {
      var failed = dataFailed(key);
      S.dataNotice(failed);
      // Until the page has the data (its file is fetched while the frame is made); a file
      // that could not be read waits for a reload, with the notice saying so.
      if (!S._waiting && !failed) {
        S._waiting = setTimeout(function () {
          S._waiting = null;
          S.show(S.wanted.key, S.wanted.codes);
        }, 20);
      }
      return;
    }
    S.dataNotice(null);
    if (!S.projects || S.projects.key !== key) {
      if (!S.marks.data) S.marks.data = Date.now();
      var start = performance.now();
      S.projects = new Projects(d);
      S.projects.key = key;
      S.lastDecode = { ms: performance.now() - start, n: S.projects.n };
      S.layer._highlight(-1);
      S.layer._hover(-1);
    }
    var ms = S.projects.apply(codes);
    var hovered = S.layer._hovered;
    if (hovered >= 0) { // what is under the mouse may be gone, or in another status now
      S.layer._highlight(S.projects.codes[hovered] === 46 ? -1 : S.layer._hoverPath);
      if (S.projects.codes[hovered] === 46) S.layer._hover(-1);
      else S.layer._tip.setContent(S.projects.tip(hovered));
    }
    S._deferred = { key: key, ms: ms };
    // The symbols and patterns this view shows are asked for first: when some are still being
    // rasterised (the first paint, a status not shown before), the map is drawn once they are
    // ready (imageSettled), not now and again then.
    if (!S.projects.prepare(S.layer._ctx) || !S.layer._map) finishShow(S._deferred);
  };
  // Draw what S.show applied; S.lastApply includes the draw.
  function finishShow(applied) {
    S._deferred = null;
    if (!S.marks.complete) S.fitFrame(); // drawn once, at the size and view the page gives it
    var drawStart = performance.now();
    if (S.layer._map) S.layer._redraw(); // now, not next frame: S.lastApply includes it
    var drawEnd = performance.now();
    if (S.marks.complete) S.relabel();
    var last = S.lastApply = {
      ms: applied.ms + performance.now() - drawStart, at: performance.now(), key: applied.key,
      drawMs: drawEnd - drawStart, labelMs: performance.now() - drawEnd,
    };
    // When the frame showing it is made (benchmarks time a click until then).
    requestAnimationFrame(function () { last.painted = performance.now(); });
    if (!S.marks.applied) S.marks.applied = Date.now();
    if (!S.marks.complete && !S.images.pending && S.layer._map) {
      // The first paint as a user sees it: every symbol drawn, the next frame on screen. The
      // labels follow once that frame is shown (S.relabel waits for it).
      S.marks.complete = Date.now();
      requestAnimationFrame(function () {
        S.marks.painted = Date.now();
        setTimeout(function () {
          S.relabel();
          S.marks.labelled = Date.now();
        }, 0);
      });
    }
  }
  // Every shown project with its marker's position and properties (tests, debugging).
  S.drawn = function () {
    var P = S.projects, out = [];
    if (!P) return out;
    for (var i = 0; i < P.n; i++) {
      if (P.codes[i] === 46) continue;
      var at = P.anchor(i);
      out.push(L.extend(P.properties(i), { lat: at && at.lat, lng: at && at.lng }));
    }
    return out;
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

  // What the labels depend on, as a string (null when it cannot be told: projects drawn as
  // separate Leaflet markers): the view, what is shown (all shown projects when every project
  // is labelled, else only the selected one's code) and the boxes a label may not cover.
  function labelInputs(all, state, size) {
    var anchors = 0;
    map.eachLayer(function (layer) { if (layer._shinanAnchor) anchors += 1; });
    if (anchors) return null;
    var P = S.projects, shown = "";
    if (P && all) shown = P.text;
    else if (P && state.selected) {
      var k = P.d.id.indexOf(state.selected);
      shown = k >= 0 ? String(P.codes[k]) : "";
    }
    var frame = map.getContainer().getBoundingClientRect(), boxes = [];
    map.getContainer().querySelectorAll(".leaflet-control, .shinan-tile-notice").forEach(
      function (el) {
        var r = el.getBoundingClientRect();
        boxes.push(r.left - frame.left, r.top - frame.top, r.width, r.height);
      }
    );
    var o = map.getPixelOrigin(), pane = map._getMapPanePos();
    return [all, map.getZoom(), o.x, o.y, pane.x, pane.y, size.x, size.y, state.selected,
      P ? P.key : "", shown, boxes.join()].join("|");
  }

  // A project's label rank: areas first, then lines and points, schematic ones last (as
  // Projects.properties says it).
  function labelRank(P, i) {
    return P.d.prec[i] === 2 ? 2 : P.ringsOf[i + 1] > P.ringsOf[i] ? 0 : 1;
  }
  // Every project in the order labels are tried: rank, then the shorter label, then data
  // order; made once per data version.
  function labelOrder(P) {
    if (!P.labelOrder) {
      var lbl = P.d.lbl, rank = new Uint8Array(P.n), order = new Array(P.n);
      for (var i = 0; i < P.n; i++) {
        rank[i] = labelRank(P, i);
        order[i] = i;
      }
      order.sort(function (a, b) {
        return (rank[a] - rank[b]) || (lbl[a].length - lbl[b].length) || (a - b);
      });
      P.labelOrder = order;
    }
    return P.labelOrder;
  }
  // Measured label sizes of data ``P`` (by project, and whether selected); dropped when the
  // presenter style (a larger font) changes or a font finishes loading.
  var sizesOf = { P: null, presenter: null, sizes: null };
  if (document.fonts) {
    document.fonts.addEventListener("loadingdone", function () { sizesOf.sizes = null; });
  }
  function labelSizes(P) {
    var presenter = map.getContainer().classList.contains("shinan-presenter");
    if (sizesOf.P !== P || sizesOf.presenter !== presenter || !sizesOf.sizes) {
      sizesOf = { P: P, presenter: presenter, sizes: new Map() };
    }
    return sizesOf.sizes;
  }
  // Labels tried in order: the selected project first, then rank, then the shorter label.
  function byLabelOrder(a, b) {
    return (b.selected - a.selected) || (a.rank - b.rank) || (a.lbl.length - b.lbl.length);
  }
  function makeLabel(it, labelPane) {
    var el = L.DomUtil.create("div", "shinan-label" + (it.selected ? " selected" : ""), labelPane);
    el.innerHTML = it.lbl; // escaped in Python (geo.html)
    if (it.s) el.className += " schematic";
    return el;
  }

  // Labels: the selected project always; every project at the label zoom or in presenter
  // mode; greedy placement right, left, above, below its marker; a label that would overlap
  // another label or a marker is left out.
  S.relabel = function () {
    var labelPane = map.getPane("shinanLabels");
    if (!labelPane || !map._loaded) return;
    // Until the projects' first paint is on screen, labels wait (finishShow places them
    // then): placing up to 400 of them takes ~0.3 s that the first paint used to wait for.
    if (S.projects && !S.marks.painted) return;
    var state = S.state || {};
    var all = !!state.presenter || map.getZoom() >= (state.labelZoom || 15);
    var size = map.getSize();
    var inputs = labelInputs(all, state, size);
    if (inputs !== null && inputs === S._labelled) return; // the same labels would be placed
    S._labelled = inputs;
    S.counts.labels += 1;
    labelPane.innerHTML = "";
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
      items.push({ lbl: p.lbl, s: p.s, rank: p.rank, pt: pt, r: r, selected: selected,
        key: null });
    });
    items.sort(byLabelOrder);
    var P = S.projects;
    if (P && S.layer && S.layer._map === map) {
      // The one project layer: its markers, read from the arrays (container pixels), taken in
      // label order (made once per data version: sorting every shown project on each filter
      // click took tens of ms at 10,000), the selected project first.
      var s = crs.scale(map.getZoom()), o = map.getPixelOrigin(), pane = map._getMapPanePos();
      var order = labelOrder(P), first = [], rest = [];
      for (var k = 0; k < order.length; k++) {
        var i = order[k];
        if (P.codes[i] === 46) continue;
        var selected = !!state.selected && P.d.id[i] === state.selected;
        if (!all && !selected) continue;
        for (var j = P.mkOf[i]; j < P.mkOf[i + 1]; j++) {
          var x = P.mk[2 * j] * s - o.x + pane.x, y = P.mk[2 * j + 1] * s - o.y + pane.y;
          if (x <= -1 || y <= -1 || x >= size.x || y >= size.y) continue; // (as overlaps)
          var r = P.markImage(i, P.symbol(i, P.codes[i]))._size / 2;
          (selected ? first : rest).push({ i: i, pt: L.point(x, y), r: r, selected: selected,
            key: i + (selected ? "s" : "") });
          break; // one label a project, at its first marker in view
        }
      }
      // Behind the separately drawn markers of equal rank, as the one sort used to leave them.
      items = first.concat(items.filter(function (it) { return it.selected; }),
        items.filter(function (it) { return !it.selected; }), rest);
      if (items.length > first.length + rest.length && rest.length) {
        items.forEach(function (it) {
          if (it.i === undefined) return;
          it.lbl = P.d.lbl[it.i];
          it.rank = labelRank(P, it.i);
        });
        items.sort(byLabelOrder);
      }
    }
    // What a label may not cover, in a grid of 64 px cells: a label is checked against the
    // boxes of its cells only (10,000 markers in view made every check a scan of all).
    var cells = new Map(), CELL = 64;
    var cellKeys = function (b) {
      var keys = [];
      for (var cx = Math.floor(b.x / CELL); cx <= Math.floor((b.x + b.w) / CELL); cx++) {
        for (var cy = Math.floor(b.y / CELL); cy <= Math.floor((b.y + b.h) / CELL); cy++) {
          keys.push(cx * 65536 + cy);
        }
      }
      return keys;
    };
    var take = function (b) {
      cellKeys(b).forEach(function (k) {
        var list = cells.get(k);
        if (list) list.push(b);
        else cells.set(k, [b]);
      });
    };
    var free = function (box, it) {
      return cellKeys(box).every(function (k) {
        return (cells.get(k) || []).every(function (t) { return t.own === it || !overlaps(box, t); });
      });
    };
    items.forEach(function (it) {
      take({ x: it.pt.x - it.r, y: it.pt.y - it.r, w: 2 * it.r, h: 2 * it.r, own: it });
    });
    // Nor under the legend, the year, the zoom buttons, the scale bar or a notice.
    var frame = map.getContainer().getBoundingClientRect();
    map.getContainer().querySelectorAll(".leaflet-control, .shinan-tile-notice").forEach(
      function (el) {
        var r = el.getBoundingClientRect();
        take({ x: r.left - frame.left, y: r.top - frame.top, w: r.width, h: r.height });
      }
    );
    var origin = map.containerPointToLayerPoint([0, 0]);
    // Only the first few hundred by rank try a label: no more fit on a screen. A label's size
    // is measured once and kept (per data version, presenter style and fonts): most of them
    // do not fit, and making and measuring 400 labels on every click took tens of ms. Those
    // not measured yet are made first and measured together, so the page lays out once.
    var sizes = labelSizes(P);
    var tries = items.slice(0, 400);
    tries.forEach(function (it) {
      if (it.i !== undefined) {
        it.lbl = P.d.lbl[it.i];
        it.s = P.d.prec[it.i] === 2;
      }
      var known = it.key !== null && sizes.get(it.key);
      if (known) {
        it.w = known[0];
        it.h = known[1];
      } else it.el = makeLabel(it, labelPane);
    });
    tries.forEach(function (it) {
      if (!it.el) return;
      it.w = it.el.offsetWidth;
      it.h = it.el.offsetHeight;
      if (it.key !== null && it.w) sizes.set(it.key, [it.w, it.h]); // (not while hidden)
    });
    tries.forEach(function (it) {
      var w = it.w, h = it.h, gap = it.r + 3;
      var spots = [
        { x: it.pt.x + gap, y: it.pt.y - h / 2 },
        { x: it.pt.x - gap - w, y: it.pt.y - h / 2 },
        { x: it.pt.x - w / 2, y: it.pt.y - gap - h },
        { x: it.pt.x - w / 2, y: it.pt.y + gap },
      ];
      var spot = null;
      for (var q = 0; q < spots.length && !spot; q++) {
        var box = { x: spots[q].x, y: spots[q].y, w: w, h: h };
        var inside = box.x >= 0 && box.y >= 0 && box.x + w <= size.x && box.y + h <= size.y;
        if ((inside && free(box, it)) || (it.selected && q === spots.length - 1 && !spot)) {
          spot = box;
        }
      }
      if (!spot && it.selected) spot = { x: spots[0].x, y: spots[0].y, w: w, h: h };
      if (!spot) {
        if (it.el) L.DomUtil.remove(it.el);
        return;
      }
      take(spot);
      // Appended again in order: the labels stack as they are tried (the selected one under).
      var el = it.el || makeLabel(it, labelPane);
      labelPane.appendChild(el);
      L.DomUtil.setPosition(el, L.point(spot.x + origin.x, spot.y + origin.y));
    });
    labelPane.setAttribute("data-labels", labelPane.childElementCount);
  };
  map.on("zoomend moveend", S.relabel);
})(__MAP__);
