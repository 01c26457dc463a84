"""The insight charts in a real browser: drawn offline, and a click on a bar filters the map."""

from __future__ import annotations

import textwrap
from pathlib import Path
from urllib.parse import urlparse

import pytest

from tests.browser_support import find_chromium, launch_chromium, serve_app

pytestmark = pytest.mark.browser
ROOT = Path(__file__).resolve().parents[1]
LOCAL_HOSTS = {"127.0.0.1", "localhost", "[::1]", "::1"}

sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
if find_chromium() is None:
    pytest.skip(
        "Chromium not found: `apt-get install chromium` (make test does it as root)",
        allow_module_level=True,
    )

# The page a caller builds: the map's projects follow the bars picked in the panel's charts.
HARNESS = textwrap.dedent(
    f"""
    import sys
    sys.path.insert(0, {str(ROOT)!r})
    import streamlit as st
    from geo import filter_projects, load_boundary, load_projects
    from ui.insight_panel import apply_pick, current_pick, insight_panel

    gdf = load_projects({str(ROOT / "data" / "projects.geojson")!r})
    shown = filter_projects(gdf, layers=["parking"])
    on_map = apply_pick(gdf, current_pick())
    st.markdown(f"map shows **{{len(on_map)}}**")
    insight_panel(shown, boundary=load_boundary(), gdf_all=gdf, lang="en")
    """
)


def test_clicking_a_bar_filters_the_map_offline(tmp_path):
    app = tmp_path / "harness.py"
    app.write_text(HARNESS, encoding="utf-8")
    with serve_app(app) as url, sync_api.sync_playwright() as pw:
        browser = launch_chromium(pw)
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        requests: list[str] = []
        context.on("request", lambda request: requests.append(request.url))
        page = context.new_page()
        page.goto(url)
        page.get_by_text("map shows 54").wait_for(timeout=60_000)
        chart = page.locator('[data-testid="stVegaLiteChart"]').first
        chart.locator("canvas, svg").first.wait_for(timeout=60_000)
        page.wait_for_timeout(1000)
        chart.locator("g.mark-rect path").first.click()  # a real mouse click on the bar
        page.get_by_text("map shows 2").wait_for(timeout=30_000)
        page.screenshot(path=str(tmp_path / "insight.png"), full_page=True)
        outside = {urlparse(u).hostname for u in requests if u.startswith("http")} - LOCAL_HOSTS
        context.close()
        browser.close()
    assert not outside, f"requests left the machine: {sorted(outside)}"


def _main_map(page):
    """The main map's frame once Leaflet has drawn the projects."""
    page.wait_for_selector('iframe[title="streamlit_folium.st_folium"]', timeout=60_000)
    for _ in range(240):
        for frame in page.frames:
            try:
                if frame.evaluate(
                    "() => !!window.map && !!window.Shinan && !window.map_div2.sync"
                    " && Shinan.drawn().length > 0"
                ):
                    return frame
            except sync_api.Error:
                continue
        page.wait_for_timeout(250)
    raise AssertionError("the map never drew a project")


def test_radius_filter_from_a_real_click_and_a_project_click_still_selects(tmp_path):
    app = ROOT / "app.py"
    with (
        serve_app(app, env={"PROJECT_MAP_BASEMAP": "none"}) as url,
        sync_api.sync_playwright() as pw,
    ):
        browser = launch_chromium(pw)
        context = browser.new_context(viewport={"width": 1280, "height": 720})
        page = context.new_page()
        page.goto(url + "/?lang=en&lat=36.0665&lon=120.3200&z=15")
        frame = _main_map(page)
        page.get_by_text("Radius filter: click the map").click()
        page.get_by_text("Click the map away from any project").wait_for(timeout=30_000)
        # Click the map where no project is: a point of land north-east of the old city.
        point = frame.evaluate(
            "() => { const p = map.latLngToContainerPoint([36.0700, 120.3300]);"
            " const r = map.getContainer().getBoundingClientRect();"
            " return [r.left + p.x, r.top + p.y]; }"
        )
        box = page.locator('iframe[title="streamlit_folium.st_folium"]').first.bounding_box()
        page.mouse.click(box["x"] + point[0], box["y"] + point[1])
        narrowed = page.get_by_text("The map, figures and table show only")
        narrowed.wait_for(timeout=30_000)
        text = narrowed.inner_text()
        lat, lon = map(float, text.split(") of (")[1].split(")")[0].split(", "))
        assert lat == pytest.approx(36.07, abs=1e-4) and lon == pytest.approx(120.33, abs=1e-4)
        count = int(narrowed.inner_text().split("only the ")[1].split()[0])
        anchors = "() => Shinan.drawn()"
        for _ in range(40):
            if frame.evaluate(anchors + ".length") == count:
                break
            page.wait_for_timeout(250)
        assert frame.evaluate(anchors + ".length") == count, "the map was not narrowed"
        # A click on a project inside the circle selects it; the centre stays where it was.
        marker = frame.evaluate(
            "() => { const l = Shinan.drawn()[0];"
            " const p = map.latLngToContainerPoint([l.lat, l.lng]);"
            " const r = map.getContainer().getBoundingClientRect();"
            " return [r.left + p.x, r.top + p.y, l.id]; }"
        )
        page.mouse.click(box["x"] + marker[0], box["y"] + marker[1])
        page.locator('[data-testid="project-detail"]').wait_for(timeout=30_000)
        assert narrowed.inner_text() == text, "a click on a project moved the radius centre"
        page.screenshot(path=str(tmp_path / "radius.png"))
        page.get_by_role("button", name="Clear the radius filter").click()
        page.get_by_text("Click the map away from any project").wait_for(timeout=30_000)
        context.close()
        browser.close()
