"""The data panel in a real browser, offline: upload an Amap (GCJ-02) spreadsheet, preview it,
import it, and find the drawing tools served by the app itself (no CDN)."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urlparse

import pytest
from shapely.geometry import Point, shape

from tests.browser_support import find_chromium, launch_chromium, serve_app
from tests.conftest import TEST_DATA
from tests.import_corpus import POINTS, lonlat_table, write_table
from tests.test_import import metres_apart

pytestmark = pytest.mark.browser
APP = Path(__file__).resolve().parents[1] / "app.py"
LOCAL_HOSTS = {"127.0.0.1", "localhost", "[::1]", "::1"}

sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
if find_chromium() is None:
    pytest.skip("Chromium not found: `apt-get install chromium`", allow_module_level=True)


#: The main map has drawn its projects (on a canvas: issue 14).
MAIN_MAP_DRAWN = ".leaflet-shinanProjects-pane canvas"


def _frame_with(page, selector: str):
    for _ in range(240):
        for frame in page.frames:
            try:
                if frame.locator(selector).count():
                    return frame
            except sync_api.Error:
                continue
        page.wait_for_timeout(250)
    raise AssertionError(f"no frame ever showed {selector}")


def _wait_for_count(page, selector: str, expected: int) -> None:
    """Wait until some frame shows ``expected`` matches (frames are replaced on reruns)."""
    seen = 0
    for _ in range(240):
        for frame in page.frames:
            try:
                seen = frame.locator(selector).count()
            except sync_api.Error:
                continue
            if seen == expected:
                return
        page.wait_for_timeout(250)
    raise AssertionError(f"expected {expected} of {selector}, last saw {seen}")


def _choose(page, label: str, option: str) -> None:
    """Pick ``option`` in a Streamlit selectbox (retrying while a rerun redraws the page)."""
    for _ in range(10):
        page.get_by_role("combobox", name=label).first.click()
        choice = page.get_by_role("option", name=option)
        try:
            choice.first.click(timeout=3000)
            return
        except sync_api.TimeoutError:
            page.keyboard.press("Escape")
    raise AssertionError(f"could not choose {option} in {label}")


def test_upload_preview_import_and_draw_tools_offline(tmp_path):
    data = tmp_path / "projects.geojson"
    data.write_bytes(TEST_DATA.read_bytes())
    sheet = write_table(lonlat_table("gcj02"), tmp_path / "停车场高德坐标.csv", encoding="GB18030")
    env = {"PROJECT_MAP_DATA": str(data), "PROJECT_MAP_BASEMAP": "none"}
    with sync_api.sync_playwright() as pw, serve_app(APP, env=env) as url:
        browser = launch_chromium(pw)
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        requests: list[str] = []
        context.on("request", lambda request: requests.append(request.url))
        page = context.new_page()
        page.goto(url.rstrip("/") + "/?lang=both")  # labels are found by their words
        _frame_with(page, MAIN_MAP_DRAWN)
        main_map = page.locator('iframe[title="streamlit_folium.st_folium"]').first
        page.wait_for_timeout(500)  # the page sizes the map to the window
        map_height = main_map.bounding_box()["height"]
        page.get_by_text("Manage data: import, edit, history").click()
        page.get_by_label("Your name").fill("停车办")
        page.get_by_label("Your name").press("Enter")

        _choose(page, "图层 Layer", "parking")
        page.wait_for_timeout(1000)  # let the rerun the choice started finish
        page.locator('input[type="file"]').set_input_files(str(sheet))
        page.get_by_text(sheet.name).first.wait_for(timeout=30_000)
        page.get_by_text("added 4, changed 0, unchanged 0, rejected 0").wait_for(timeout=60_000)
        # The planner must say the sheet is GCJ-02: choose it, and the preview follows.
        _choose(page, "Coordinate system", "Amap GCJ-02 lon/lat")
        page.get_by_text("converted from GCJ-02").wait_for(timeout=60_000)
        _wait_for_count(page, "path.leaflet-interactive[stroke='#009E73']", 4)
        page.screenshot(path=str(tmp_path / "import-preview.png"), full_page=True)

        page.get_by_role("button", name="Import 4 features").click()
        page.get_by_text("written to projects.geojson").wait_for(timeout=60_000)
        page.wait_for_timeout(1000)
        page.screenshot(path=str(tmp_path / "after-import.png"), full_page=True)
        # Scrolled down to the panel, the map above keeps its height (it once grew without end,
        # carrying the import button away from under the pointer).
        assert main_map.bounding_box()["height"] == map_height
        saved = json.loads(data.read_text(encoding="utf-8"))
        got = {
            f["properties"]["name_zh"]: shape(f["geometry"])
            for f in saved["features"]
            if f["properties"]["layer"] == "parking"
        }
        for name, lat, lon in POINTS:
            assert metres_apart(got[f"{name}停车场"], Point(lon, lat)) < 1.0

        page.get_by_role("tab", name="Edit a project").click()
        _wait_for_count(page, ".leaflet-draw-draw-polygon", 1)
        _wait_for_count(page, ".leaflet-draw-draw-marker", 1)
        page.screenshot(path=str(tmp_path / "edit.png"), full_page=True)
        outside = {urlparse(u).hostname for u in requests if u.startswith("http")} - LOCAL_HOSTS
        assert not outside, f"requests left the machine: {sorted(outside)}"
        assert any("/app/static/vendor/leaflet-draw/leaflet.draw.js" in u for u in requests)
        context.close()
        browser.close()


def test_redraw_a_feature_on_the_map_and_save(tmp_path):
    """Draw a polygon with Leaflet.draw in the browser; the saved geometry is that polygon."""
    data = tmp_path / "projects.geojson"
    data.write_bytes(TEST_DATA.read_bytes())
    env = {"PROJECT_MAP_DATA": str(data), "PROJECT_MAP_BASEMAP": "none"}
    with sync_api.sync_playwright() as pw, serve_app(APP, env=env) as url:
        browser = launch_chromium(pw)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(url.rstrip("/") + "/?lang=both")  # labels are found by their words
        _frame_with(page, MAIN_MAP_DRAWN)
        page.get_by_text("Manage data: import, edit, history").click()
        page.get_by_label("Your name").fill("规划科")
        page.get_by_label("Your name").press("Enter")
        page.get_by_role("tab", name="Edit a project").click()
        _choose(page, "项目 Project", "湛山广场 · zhanshan-plaza")
        page.wait_for_timeout(1500)
        draw = _frame_with(page, ".leaflet-draw-draw-polygon")
        draw.locator(".leaflet-container").scroll_into_view_if_needed()
        draw.locator(".leaflet-draw-draw-polygon").click()
        box = draw.locator(".leaflet-container").bounding_box()  # in page coordinates
        cx, cy = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
        # A triangle around the map's centre, closed on its first vertex.
        for dx, dy in ((-60, 40), (60, 40), (0, -50), (-60, 40)):
            page.mouse.move(cx + dx, cy + dy)
            page.wait_for_timeout(100)
            page.mouse.down()
            page.mouse.up()
            page.wait_for_timeout(400)
        use = page.get_by_label("Use the shape drawn on the map")
        # While the rerun that received the drawing runs, Streamlit shows the old (disabled)
        # box beside the new one, and may show it again between two looks: wait until only
        # the new one is left, twice in a row.
        steady = 0
        for _ in range(60):
            try:
                ready = use.count() == 1 and use.is_enabled() and use.is_checked()
            except sync_api.Error:  # two boxes again between the count and the look
                ready = False
            steady = steady + 1 if ready else 0
            if steady == 2:
                break
            page.wait_for_timeout(500)
        page.screenshot(path=str(tmp_path / "drawn.png"), full_page=True)
        assert use.count() == 1 and use.is_checked(), "the drawn shape never reached the app"
        page.get_by_role("button", name="保存 Save").click()
        page.get_by_text("saved zhanshan-plaza").wait_for(timeout=60_000)
        saved = json.loads(data.read_text(encoding="utf-8"))
        geometry = next(
            f["geometry"] for f in saved["features"] if f["properties"]["id"] == "zhanshan-plaza"
        )
        assert geometry["type"] == "Polygon" and len(geometry["coordinates"][0]) == 4
        page.screenshot(path=str(tmp_path / "redrawn.png"), full_page=True)
        browser.close()
