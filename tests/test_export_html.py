"""The standalone HTML map, opened from disk in a real browser with no internet: it asks for
nothing, shows land and sea, the title, the legend, labels when zoomed in, points above areas.
"""

from __future__ import annotations

import re

import pytest

from geo import ProjectFilter, apply_filter, load_boundary
from geo.cli import main
from geo.export import export_html
from geo.load import load_projects
from maps.caption import default_title
from tests.browser_support import find_chromium, launch_chromium

TITLE = "市南区重点项目与城市更新 · 2021年1月现状"


@pytest.fixture(scope="module")
def html_file(tmp_path_factory):
    shown = apply_filter(load_projects(), ProjectFilter())
    path = tmp_path_factory.mktemp("html") / "map.html"
    path.write_bytes(export_html(shown, load_boundary(), title=TITLE))
    return path


def test_no_tile_is_asked_for_unless_a_basemap_is_chosen(html_file):
    html = html_file.read_text(encoding="utf-8")
    assert "{z}" not in html and "arcgisonline" not in html and "openstreetmap" not in html
    shown = apply_filter(load_projects(), ProjectFilter())
    with_tiles = export_html(shown, load_boundary(), basemap="osm").decode("utf-8")
    assert "{z}" in with_tiles, "tiles come when asked for"
    # The offline background is there either way: land, sea colour and place names.
    for page in (html, with_tiles):
        assert "shinanLand" in page and "栈桥" in page and "#d6e6f0" in page


def test_the_command_line_html_has_a_title_and_no_tiles(tmp_path):
    out = tmp_path / "map.html"
    assert main(["export", "--out", str(out)]) == 0
    html = out.read_text(encoding="utf-8")
    assert f"<title>{default_title(ProjectFilter())}</title>" in html
    assert "{z}" not in html


@pytest.fixture(scope="module")
def page(html_file):
    exe = find_chromium()
    if exe is None:
        pytest.skip("no Chromium installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = launch_chromium(pw, exe)
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        requests: list[str] = []
        page.on("request", lambda r: requests.append(r.url))
        page.goto(html_file.as_uri())
        page.wait_for_selector(".shinan-marker", state="attached")
        page.wait_for_timeout(800)
        page.requests = requests
        yield page
        browser.close()


def test_it_loads_nothing_from_the_network(page):
    outside = [u for u in page.requests if not u.startswith(("file:", "data:", "blob:"))]
    assert not outside, outside[:5]


def test_title_legend_and_land_show(page):
    assert page.get_by_text(TITLE, exact=True).is_visible()
    assert page.locator("text=图例").first.is_visible()
    land = page.evaluate("document.querySelectorAll('.leaflet-shinanLand-pane path').length")
    assert land, "the offline land is drawn"


def _map_var(page) -> str:
    return page.evaluate(
        "Object.keys(window).find(k => k.startsWith('map_') && window[k] && window[k].setView)"
    )


def test_labels_appear_when_zoomed_in(page):
    name = _map_var(page)
    page.evaluate(f"window['{name}'].setView([36.0665, 120.3125], 13)")
    page.wait_for_timeout(600)
    far = page.locator(".shinan-label").count()
    page.evaluate(f"window['{name}'].setView([36.0665, 120.3125], 16)")
    page.wait_for_timeout(800)
    labels = page.locator(".shinan-label").all_inner_texts()
    assert len(labels) > far and len(labels) >= 8
    assert "中山路步行街" in labels and "青岛湾广场" in labels


def test_points_are_drawn_above_areas(page):
    """At every point symbol's centre, the topmost element is that symbol, never an area."""
    name = _map_var(page)
    page.evaluate(f"window['{name}'].setView([36.0665, 120.3125], 16)")
    page.wait_for_timeout(800)
    covered = page.evaluate(
        """() => {
          const out = [];
          const pane = document.querySelector('.leaflet-marker-pane');
          for (const el of pane.querySelectorAll('.shinan-marker')) {
            const r = el.getBoundingClientRect();
            if (r.width === 0 || r.right < 0 || r.bottom < 0 ||
                r.left > innerWidth || r.top > innerHeight) continue;
            const top = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
            if (top && !pane.contains(top) && !top.closest('.leaflet-control, .shinan-label,'
                + ' .leaflet-tooltip-pane, [class*=shinanLabels]')) out.push(top.tagName);
          }
          return [pane.querySelectorAll('.shinan-marker').length, out];
        }"""
    )
    count, under = covered
    assert count >= 10
    assert not under, f"{len(under)} point symbols under {set(under)}"


def test_hostile_title_stays_text(tmp_path):
    shown = apply_filter(load_projects(), ProjectFilter())
    html = export_html(shown, load_boundary(), title="<img src=x onerror=alert(1)>").decode()
    assert "<img src=x" not in html
    assert re.search(r"&lt;img src=x onerror=alert\(1\)&gt;", html)


def test_the_layer_control_lists_only_layers_with_projects():
    """An export of open projects only: the layer switcher offers the one layer that has any."""
    import json

    from geo.filter import split_by_placement
    from i18n import t

    shown = apply_filter(load_projects(), ProjectFilter(statuses=("open",)))
    having = set(split_by_placement(shown)[0]["layer"])
    html = export_html(shown, load_boundary()).decode("utf-8")
    block = re.search(r"overlays\s*:\s*\{(.*?)\}", html, re.S)
    assert block, "the export has a layer control"
    names = {json.loads(n) for n in re.findall(r'("(?:[^"\\]|\\.)*")\s*:', block.group(1))}
    assert names == {t(f"layer.{layer}", "zh") for layer in having}
    assert 0 < len(having) < 5, "the check needs some layers with projects and some without"
