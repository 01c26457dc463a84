"""The app in a real browser (Debian Chromium driven by Playwright), with no internet.

Skipped, with the reason, only where Chromium or Playwright cannot be installed.
"""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlparse

import pytest

from tests.browser_support import find_chromium, launch_chromium, serve_app
from tests.conftest import TEST_DATA

pytestmark = pytest.mark.browser
APP = Path(__file__).resolve().parents[1] / "app.py"
LOCAL_HOSTS = {"127.0.0.1", "localhost", "[::1]", "::1"}

sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
if find_chromium() is None:
    pytest.skip(
        "Chromium not found: `apt-get install chromium` (make test does it as root)",
        allow_module_level=True,
    )


def _map_frame(page):
    """The streamlit-folium iframe once Leaflet has drawn the project layers."""
    page.wait_for_selector("iframe", timeout=60_000)
    for _ in range(240):
        for frame in page.frames:
            try:
                if frame.locator("path.leaflet-interactive").count():
                    return frame
            except sync_api.Error:
                continue
        page.wait_for_timeout(250)
    raise AssertionError("the Leaflet map never drew a feature")


def _wait_for_count(frame, expected, page):
    for _ in range(120):
        if frame.locator("path.leaflet-interactive").count() == expected:
            return
        page.wait_for_timeout(250)
    got = frame.locator("path.leaflet-interactive").count()
    raise AssertionError(f"expected {expected} features on the map, saw {got}")


def _wait_for(page, predicate, message, *, tries=120):
    for _ in range(tries):
        if predicate():
            return
        page.wait_for_timeout(250)
    raise AssertionError(message)


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as pw:
        browser = launch_chromium(pw)
        yield browser
        browser.close()


@contextmanager
def offline_app(browser, path="/", *, width=1400, height=900):
    """Serve the app on the small test file with no basemap; yield the page and its frame.

    On the way out, check that no request of the page left this machine.
    """
    env = {"PROJECT_MAP_DATA": str(TEST_DATA), "PROJECT_MAP_BASEMAP": "none"}
    with serve_app(APP, env=env) as url:
        context = browser.new_context(viewport={"width": width, "height": height})
        requests: list[str] = []
        context.on("request", lambda request: requests.append(request.url))
        page = context.new_page()
        page.goto(url + path)
        yield page, _map_frame(page)
        outside = {urlparse(u).hostname for u in requests if u.startswith("http")} - LOCAL_HOSTS
        context.close()
        assert not outside, f"requests left the machine: {sorted(outside)}"


def test_offline_map_filters_without_jumping(browser, tmp_path):
    with offline_app(browser) as (page, frame):
        _wait_for_count(frame, 6, page)
        drawn = (
            "() => [...document.querySelectorAll('path.leaflet-interactive')]"
            ".every(p => p.getAttribute('d') !== 'M0 0')"
        )
        _wait_for(page, lambda: frame.evaluate(drawn), "features never drawn")
        page.wait_for_timeout(1500)  # let the first rerun (the map reporting its view) settle
        frame.locator("path.leaflet-interactive").last.click()  # a real mouse click
        page.locator('[data-testid="project-detail"]').wait_for(timeout=20_000)
        assert (
            "2021年市南区政府工作报告"
            in page.locator('[data-testid="project-detail"]').inner_text()
        )

        frame.evaluate("window.map.setView([36.0690, 120.3185], 16)")
        page.wait_for_timeout(500)
        page.get_by_text("西部老城区更新 · West old-city renewal").click()
        _wait_for_count(frame, 4, page)
        page.wait_for_timeout(500)
        assert frame.evaluate("window.map.getZoom()") == 16, "the filter reset the zoom"
        center = frame.evaluate("window.map.getCenter()")
        assert center["lat"] == pytest.approx(36.0690, abs=1e-3)

        page.screenshot(path=str(tmp_path / "app.png"))


def test_presenter_clicks_through_scenes_offline(browser, tmp_path):
    """A prepared presenter link, a clicker's PageDown, year playback: no jump, no internet."""
    path = "/?presenter=1&scene=parking-and-parks"
    with offline_app(browser, path, width=1600, height=1000) as (page, frame):
        _wait_for_count(frame, 2, page)  # parking + pocket parks of the small file
        assert page.locator('section[data-testid="stSidebar"]').is_hidden()

        page.keyboard.press("PageDown")  # next scene: key projects as of 2021
        _wait_for_count(frame, 3, page)
        page.locator('[data-testid="scene-caption"]').get_by_text("2021年重点项目目标").wait_for()
        page.keyboard.press("PageDown")  # review of 2016-2020, all layers, district view
        _wait_for_count(frame, 2, page)
        zoom_before = frame.evaluate("window.map.getZoom()")
        page.keyboard.press("PageUp")
        _wait_for_count(frame, 3, page)
        assert frame.evaluate("window.map.getZoom()") == zoom_before, "the map jumped"

        page.get_by_role("button", name="▶ 播放年份 Play years").click()
        year = page.locator('[data-testid="play-year"]')
        year.get_by_text("2016年").wait_for(timeout=20_000)
        _wait_for(page, lambda: "2017年" in (year.inner_text() or ""), "playback did not advance")
        page.get_by_role("button", name="⏸ 暂停 Pause").click()

        page.screenshot(path=str(tmp_path / "presenter.png"))
