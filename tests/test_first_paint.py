"""The map's first paint in Chromium: drawn once, with every symbol, offline.

The first view used to be drawn before its marker images and area patterns were rasterised,
then drawn again as each image became ready (a full draw of every project each time: ~6
draws and 2-4 s more at 10,000 projects before the map stopped changing).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from geo import settings
from tests.browser_support import find_chromium, launch_chromium, map_frame, serve_app
from tests.conftest import TEST_DATA

pytestmark = pytest.mark.browser
APP = Path(__file__).resolve().parents[1] / "app.py"

sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
if find_chromium() is None:
    pytest.skip("Chromium not found: `apt-get install chromium`", allow_module_level=True)

#: In the map's frame (a child frame; its first blank document's window is kept when it
#: navigates), log every draw of the projects: the symbol images still being rasterised, and
#: the view drawn (zoom, pixel origin, size, the codes shown).
DRAW_LOG = """(() => { if (window === window.top || window.Shinan) return;
    const S = (window.Shinan = {}); let value; S.drawLog = [];
    Object.defineProperty(S, "lastDraw", {configurable: true, get: () => value, set: (v) => {
        value = v; S.drawLog.push({at: performance.now(),
            pending: S.images ? S.images.pending : null,
            view: [map.getZoom(), map.getPixelOrigin(), map.getSize(),
                S.projects && S.projects.text].join(" ")}); }});
})();"""


@pytest.mark.parametrize("query", ["/?presenter=1", "/"])
def test_the_first_paint_draws_every_project_once_with_its_symbols(query):
    env = {"PROJECT_MAP_DATA": str(TEST_DATA), "PROJECT_MAP_BASEMAP": "none"}
    with serve_app(APP, env=env) as url, sync_api.sync_playwright() as pw:
        browser = launch_chromium(pw)
        context = browser.new_context(viewport={"width": 1400, "height": 900})
        context.route(
            "**/*",
            lambda r: r.continue_() if r.request.url.startswith(url) else r.abort("failed"),
        )
        page = context.new_page()
        page.add_init_script(DRAW_LOG)
        page.goto(url + query)
        frame = map_frame(page)
        page.wait_for_timeout(1500)  # anything the images being ready would draw again
        marks, log, pending, shown = frame.evaluate(
            """() => [Shinan.marks, Shinan.drawLog, Shinan.images.pending,
                Shinan.drawn().length]"""
        )
        # A point project's marker is on the canvas (its centre pixel is not blank).
        alpha = frame.evaluate(
            """() => { const P = Shinan.projects, L = Shinan.layer;
                for (let i = 0; i < P.n; i++) {
                    if (P.codes[i] === 46 || P.ringsOf[i + 1] > P.ringsOf[i]) continue;
                    const at = map.latLngToLayerPoint(P.anchor(i)).subtract(L._bounds.min);
                    const r = window.devicePixelRatio || 1;
                    return L._ctx.getImageData(Math.round(at.x * r), Math.round(at.y * r),
                        1, 1).data[3]; }
                return -1; }"""
        )
        browser.close()
    assert shown == 6
    assert pending == 0
    assert log, "nothing was drawn"
    assert [d["pending"] for d in log] == [0] * len(log), "drawn before the symbols were ready"
    if "presenter" in query:
        # Drawn again only for a new view (the page sizing the map, a zoom, another filter),
        # never for the same one. (The full page may redraw its canvas once more when Leaflet
        # updates it at the end of a move; that is the canvas layer's, not the symbols'.)
        views = [d["view"] for d in log]
        assert len(set(views)) == len(views), f"the same view drawn more than once: {views}"
    assert marks["client"] <= marks["complete"] <= marks["painted"]
    assert alpha > 0, "a point project's marker is missing from the canvas"


#: The page as the race left it: the frame at its first height (320 px) when the map starts,
#: sized only when asked (the page's 250 ms timer is held back by a long first draw).
LATE_FIT = """(() => { if (window !== window.top) return;
    window.__shinanFit = true;  // the page's own sizing script stands down
    const set = (h) => document.documentElement.style.setProperty("--shinan-map-h", h);
    document.addEventListener("DOMContentLoaded", () => set("320px"));
    window.__shinanFitNow = () => set("600px");
})();"""


def test_the_first_draw_is_at_the_frames_final_size_and_the_view_stays():
    """Before, the map was drawn at 320 px, resized and drawn again, and a fit to the district
    begun at 320 px finished after the page's view was set: zoom 12.5 instead of 13."""
    env = {"PROJECT_MAP_DATA": str(TEST_DATA), "PROJECT_MAP_BASEMAP": "none"}
    with serve_app(APP, env=env) as url, sync_api.sync_playwright() as pw:
        browser = launch_chromium(pw)
        context = browser.new_context(viewport={"width": 1400, "height": 900})
        context.route(
            "**/*",
            lambda r: r.continue_() if r.request.url.startswith(url) else r.abort("failed"),
        )
        page = context.new_page()
        page.add_init_script(LATE_FIT)
        page.add_init_script(DRAW_LOG)
        page.goto(url + "/?presenter=1")
        frame = map_frame(page)
        page.wait_for_timeout(1500)  # a late zoom or resize would have happened by now
        west, south, east, north = settings.DISTRICT_BOUNDS
        log, zoom, height, fitted = frame.evaluate(
            """([s, w, n, e]) => [Shinan.drawLog, map.getZoom(), map.getSize().y,
                map.getBoundsZoom(L.latLngBounds([[s, w], [n, e]]), false, L.point(24, 24))]""",
            [south, west, north, east],
        )
        browser.close()
    assert log, "nothing was drawn"
    # The whole district, fitted to the frame's final size, from the first draw on.
    assert height == 600 and zoom == fitted, (height, zoom, fitted)
    assert all(d["view"].split(" ")[0] == str(fitted) for d in log), [d["view"] for d in log]
    assert "600" in log[0]["view"], f"first drawn at another height: {log[0]['view']}"
