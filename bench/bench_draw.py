"""The project canvas alone: how long the map's drawing takes in Chromium, by what it draws.

Run from the repository root: ``python bench/bench_draw.py`` (``--sizes 10000 100000``,
``--repeat 5``, ``--width 1920 --height 1080``). Prints figures; asserts nothing.

A bare page (no Streamlit: the base map, the browser data and one view, served from a
temporary folder with the vendored Leaflet) shows ``n`` synthetic projects
(``bench/synthetic.py``), all in view. Timed in the page with ``performance.now()`` (the
canvas flushed before and after, so the rasterising is counted), which load on the machine
disturbs less than a click timed from outside:

- **full draw**: every project drawn again (caches dropped), as after a pan or a zoom: median
  and minimum (the least disturbed by other processes);
- **toggle**: a status hidden, then shown again (``Shinan.show`` with the page's codes): what
  a status pill costs the map, and how many runs it drew (the rest are composited from cache);
- **pan / zoom**: a pan beyond the drawn canvas and back, a zoom step in and out: the time
  until the new view is drawn (it is drawn in slices, the old drawing shown meanwhile), the
  drawing's own time, its slices and the longest, and the longest gap between two frames;
- the cache's canvases and their megabytes.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import json
import sys
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

import folium  # noqa: E402
import geopandas as gpd  # noqa: E402

from bench.synthetic import synthetic_collection  # noqa: E402
from geo.coords import add_measures  # noqa: E402
from geo.filter import split_by_placement  # noqa: E402
from maps.browserdata import browser_data  # noqa: E402
from maps.webmap import base_map, projects_group  # noqa: E402
from tests.browser_support import find_chromium, launch_chromium  # noqa: E402
from ui.assets import use_local_assets  # noqa: E402


def synthetic_frame(n: int, *, seed: int = 2021, keep: Path | None = None) -> gpd.GeoDataFrame:
    """``n`` synthetic projects as the app's loader leaves them (read from, or kept as,
    GeoParquet in folder ``keep``: 100,000 take ~40 s to make)."""
    path = keep and keep / f"bench_draw_{n}_{seed}.parquet"
    if path and path.exists():
        return gpd.read_parquet(path)
    features = synthetic_collection(n, seed=seed)["features"]
    gdf = add_measures(gpd.GeoDataFrame.from_features(features, crs=4326))
    if path:
        gdf.to_parquet(path)
    return gdf


def canvas_page(gdf: gpd.GeoDataFrame) -> str:
    """HTML of a bare map showing every located project of ``gdf`` on the project canvas.

    The data script stores the projects in this window (a page without Streamlit is its own
    parent), then the map's view shows them all. Asset URLs are the app's (``/app/static/``):
    serve the page with :func:`serve_page`.
    """
    use_local_assets()
    data = browser_data(gdf)
    m = base_map()
    projects_group(data, split_by_placement(gdf)[0]).add_to(m)
    m.get_root().header.add_child(folium.Element(data.element), name="shinan_data")
    return m.get_root().render()


@contextmanager
def serve_page(html: str) -> Iterator[str]:
    """Serve ``html`` as ``/index.html`` beside the repository's ``static/`` at ``/app/static``;
    yield its URL."""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "index.html").write_text(html, "utf-8")
        (root / "app").mkdir()
        (root / "app" / "static").symlink_to(REPO_ROOT / "static")
        handler = functools.partial(_QuietHandler, directory=str(root))
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield f"http://127.0.0.1:{server.server_address[1]}/index.html"
        finally:
            server.shutdown()
            server.server_close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:  # the bench prints figures, not requests
        pass


#: The page is ready: the projects are decoded, applied and drawn, symbols rasterised.
READY = """() => !!(window.Shinan && Shinan.projects && Shinan.lastDraw
    && (!Shinan.symbolsReady || Shinan.symbolsReady()))"""

# In-page figures. ``flush`` reads one pixel back: the canvas has then really drawn.
_MEASURE = """async ([repeat]) => {
    const S = Shinan, map = S.map, ctx = S.layer._ctx, P = S.projects;
    const flush = () => ctx.getImageData(0, 0, 1, 1);
    const settle = () => new Promise(r => setTimeout(r, 300));
    const median = (xs) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const full = [], on = [], off = [], runsOn = [], runsOff = [];
    const all = P.text;
    for (let k = 0; k < repeat; k++) {
        flush(); if (S.layer.dropCache) S.layer.dropCache(); let t = performance.now();
        S.layer._redraw(); flush(); full.push(performance.now() - t);
    }
    // A new view's draw (the first paint's): the view forgotten, as a pan or zoom leaves it.
    const fresh = [];
    for (let k = 0; k < repeat; k++) {
        flush(); if (S.layer.dropCache) S.layer.dropCache(); S.layer._cacheView = null;
        let t = performance.now(); S.layer._redraw(); flush(); fresh.push(performance.now() - t);
        clearTimeout(S.layer._fillTimer);
    }
    for (let k = 0; k < repeat; k++) {
        for (let s = 0; s < P.d.statuses.length; s++) {
            const hidden = Array.from(all, (c) => {
                const code = c.charCodeAt(0);
                return code !== 46 && ((code - 97) >> 1) === s ? "." : c; }).join("");
            if (hidden === all) continue;
            flush(); let t = performance.now();
            S.show(P.key, hidden); flush(); off.push(performance.now() - t);
            runsOff.push(S.lastDraw.drawn);
            t = performance.now();
            S.show(P.key, all); flush(); on.push(performance.now() - t);
            runsOn.push(S.lastDraw.drawn);
        }
    }
    const out = {full: median(full), fullMin: Math.min(...full), fresh: median(fresh),
        freshMin: Math.min(...fresh), off: median(off),
        offMax: Math.max(...off), on: median(on), onMax: Math.max(...on),
        runsOff: median(runsOff), runsOn: median(runsOn), runs: S.lastDraw.groups,
        shown: S.drawn().length,
        cache: S.layer.cacheStats ? S.layer.cacheStats() : {canvases: 0, bytes: 0}};
    // A view change: until its drawing is finished (it is drawn in slices), and the longest
    // gap between two frames meanwhile (how long the page did not answer).
    const view = async (move) => {
        let last = performance.now(), longest = 0, going = true;
        const tick = () => { const now = performance.now(); longest = Math.max(longest,
            now - last); last = now; if (going) requestAnimationFrame(tick); };
        requestAnimationFrame(tick);
        const t = performance.now(); move(); await new Promise(r => setTimeout(r, 0));
        while (S.layer.painting && S.layer.painting()) await new Promise(r => setTimeout(r, 5));
        const ms = performance.now() - t; flush(); going = false;
        const d = S.lastDraw;
        const times = (d.times || []).map(([a, b]) => a + b).sort((a, b) => a - b);
        return {ms: ms, frame: Math.max(longest, performance.now() - last), work: d.work || d.ms,
            longest: d.longest || d.ms, slices: d.slices || 1, planMs: d.planMs || 0,
            median: times.length ? times[Math.floor(times.length / 2)] : d.ms,
            p95: times.length ? times[Math.floor(times.length * 0.95)] : d.ms};
    };
    const step = Math.round(map.getSize().x / 3);  // beyond the canvas's 20 % padding
    out.pan = await view(() => map.panBy([step, 0], {animate: false})); await settle();
    out.panBack = await view(() => map.panBy([-step, 0], {animate: false})); await settle();
    out.zoomIn = await view(() => map.zoomIn(1, {animate: false})); await settle();
    out.zoomOut = await view(() => map.zoomOut(1, {animate: false})); await settle();
    return out; }"""


def measure(
    n: int, *, repeat: int, width: int, height: int, zoom: float | None, keep: Path | None = None
) -> dict:
    """Figures of the canvas at ``n`` projects, in a ``width`` x ``height`` window."""
    from playwright.sync_api import sync_playwright

    html, out = canvas_page(synthetic_frame(n, keep=keep)), {}
    with serve_page(html) as url, sync_playwright() as pw:
        browser = launch_chromium(pw)
        page = browser.new_page(viewport={"width": width, "height": height})
        page.goto(url)
        page.wait_for_function(READY, timeout=600_000, polling=100)
        if zoom is not None:  # else the app's first view: the district fitted to the window
            page.evaluate(f"Shinan.map.setView({_district_centre()}, {zoom}, {{animate: false}})")
        page.wait_for_timeout(500)
        out["zoom"] = page.evaluate("Shinan.map.getZoom()")
        out |= page.evaluate(_MEASURE, [repeat])
        browser.close()
    return out


def _district_centre() -> str:
    from geo import settings

    xmin, ymin, xmax, ymax = settings.DISTRICT_BOUNDS
    return json.dumps([(ymin + ymax) / 2, (xmin + xmax) / 2])


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[10_000])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--width", type=int, default=1400)
    parser.add_argument("--height", type=int, default=900)
    parser.add_argument("--zoom", type=float, help="zoom at the district's centre (else fitted)")
    parser.add_argument(
        "--data-dir", type=Path, help="keep the synthetic projects here, reuse them"
    )
    parser.add_argument(
        "--client",
        type=Path,
        help="another webmap.js (e.g. `git show main:maps/webmap.js`), to compare in one minute",
    )
    args = parser.parse_args(argv)
    if args.client:
        import maps.webmap

        maps.webmap._CLIENT_JS = args.client.read_text(encoding="utf-8")
    if find_chromium() is None:
        sys.exit("Chromium not found: apt-get install chromium")
    import os

    for n in args.sizes:
        load = os.getloadavg()[0]
        m = measure(
            n,
            repeat=args.repeat,
            width=args.width,
            height=args.height,
            zoom=args.zoom,
            keep=args.data_dir,
        )
        cache = m["cache"]
        print(
            f"{n:,} projects ({m['shown']:,} shown), {args.width}x{args.height} zoom {m['zoom']}, "
            f"load {load:.1f}: "
            f"full draw {m['full']:.0f} ms (min {m['fullMin']:.0f}); a new view's draw "
            f"{m['fresh']:.0f} ms (min {m['freshMin']:.0f}); status off "
            f"{m['off']:.0f} ms (max {m['offMax']:.0f}, {m['runsOff']} groups drawn), on "
            f"{m['on']:.0f} ms (max {m['onMax']:.0f}, {m['runsOn']} groups drawn) of {m['runs']} "
            f"groups; cache {cache['canvases']} canvases, {cache['bytes'] / 2**20:.0f} MB",
            flush=True,
        )
        for name in ("pan", "panBack", "zoomIn", "zoomOut"):
            v = m[name]
            print(
                f"  {name}: new view drawn in {v['ms']:.0f} ms ({v['work']:.0f} ms of drawing "
                f"in {v['slices']} slices: median {v['median']:.0f}, 95 % {v['p95']:.0f}, "
                f"longest {v['longest']:.0f} ms; planned first in {v['planMs']:.0f} ms); "
                f"longest frame {v['frame']:.0f} ms",
                flush=True,
            )


if __name__ == "__main__":
    main()
