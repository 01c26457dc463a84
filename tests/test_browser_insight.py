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
