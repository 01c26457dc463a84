"""The Leaflet map pieces: escaping, GCJ-02 shift, slim payload, a base map that never changes."""

from __future__ import annotations

import json
import re

import folium
import pytest
from pyproj import Geod

from geo import filter_projects, load_boundary
from geo.coords import add_measures, to_gcj02
from geo.html import escape_html
from maps.webmap import base_map, boundary_group, layer_groups, selection_group, standalone_map


@pytest.fixture(scope="module")
def boundary_gdf():
    return load_boundary()


HOSTILE = [
    "<img src=x onerror=alert(1)>",
    "${document.title=1}",
    "`",
    "</script><script>alert(2)</script>",
    "\\u003cscript\\u003e",
]


def _render(groups) -> str:
    m = folium.Map(tiles=None)
    for group in groups:
        group.add_to(m)
    return m.get_root().render()


def _features(groups):
    return [
        feature
        for group in groups
        for child in group._children.values()
        if isinstance(child, folium.GeoJson)
        for feature in child.data["features"]
    ]


@pytest.mark.parametrize("payload", HOSTILE)
def test_escape_leaves_nothing_active(payload):
    out = escape_html(payload)
    assert not set(out) & set("<>`$\\\"'")


@pytest.mark.parametrize("payload", HOSTILE)
def test_hostile_names_are_inert_in_the_map(mini_gdf, payload):
    gdf = mini_gdf.copy()
    gdf.loc[0, "name_zh"] = payload
    gdf.loc[0, "name_en"] = payload
    groups = layer_groups(filter_projects(gdf))
    if len(payload) > 1:  # folium's own template uses backticks
        assert payload not in _render(groups)
    tips = [f["properties"]["tip"] for f in _features(groups)]
    assert any(escape_html(payload) in tip for tip in tips)
    assert not any(payload in tip for tip in tips)


def test_one_group_per_visible_layer(mini_gdf):
    groups = layer_groups(filter_projects(mini_gdf), layers=["renewal", "parking"])
    names = [g.layer_name for g in groups]
    assert len(groups) == 2 and any("西部老城区" in n for n in names)


def test_payload_is_slim_and_rounded(mini_gdf):
    html = _render(layer_groups(filter_projects(mini_gdf)))
    assert "milestones" not in html and "location_note" not in html
    decimals = [len(d) for d in re.findall(r"\d+\.(\d+)", html[html.find("120.3") :][:5000])]
    assert decimals and max(decimals) <= 6


def test_gcj02_shift_is_about_460_m_east(mini_gdf):
    point = mini_gdf[mini_gdf["id"] == "zhanshan-plaza"]
    shifted = to_gcj02(point).geometry.iloc[0]
    original = point.geometry.iloc[0]
    _, _, metres = Geod(ellps="WGS84").inv(original.x, original.y, shifted.x, shifted.y)
    assert 400 < metres < 560
    assert shifted.x > original.x


def test_gaode_groups_are_shifted(mini_gdf):
    shown = filter_projects(mini_gdf, layers=["construction"])
    plain = _render(layer_groups(shown, layers=["construction"]))
    shifted = _render(layer_groups(shown, layers=["construction"], gcj02=True))
    assert "120.369" in plain and "120.369" not in shifted and "120.374" in shifted


def test_base_map_is_identical_across_filters(mini_gdf):
    """The base map must not depend on the filter, or streamlit-folium remounts it."""

    def script():
        m = base_map()
        return re.sub(r"_[0-9a-f]{32}", "_ID", m.get_root().render())

    first = script()
    layer_groups(filter_projects(mini_gdf, statuses=["open"]))
    assert script() == first


def test_base_map_loads_no_public_cdn_after_local_assets():
    from ui.assets import missing_vendor_files, use_local_assets

    assert missing_vendor_files() == []
    use_local_assets()
    html = base_map().get_root().render()
    assert "/app/static/vendor/leaflet/leaflet.js" in html
    for host in ("jsdelivr", "cdnjs", "code.jquery.com", "bootstrapcdn", "unpkg", "d3js"):
        assert host not in html


def test_selection_group_outlines_only_the_selected(mini_gdf):
    html = _render([selection_group(mini_gdf, "zhanshan-plaza")])
    assert "120.369" in html and "120.3155" not in html
    assert "120.3" not in _render([selection_group(mini_gdf, None)])


def test_boundary_is_drawn_as_a_line():
    html = _render([boundary_group(load_boundary())])
    assert '"LineString"' in html or '"MultiLineString"' in html


def test_standalone_map_has_data_title_and_control(mini_gdf):
    html = (
        standalone_map(filter_projects(mini_gdf), load_boundary(), title="<b>市南</b>")
        .get_root()
        .render()
    )
    assert "&lt;b&gt;市南&lt;/b&gt;" in html
    assert "qingdao-bay-plaza" in html and "L.control.layers" in html


def test_measures_are_true_metres(mini_gdf):
    measured = add_measures(mini_gdf).set_index("id")
    # A 0.003 x 0.002 degree box at 36.06N: 270 m x 222 m by the geodesic.
    geod = Geod(ellps="WGS84")
    box = mini_gdf.set_index("id").geometry["qingdao-bay-plaza"]
    geodesic_area = abs(geod.geometry_area_perimeter(box)[0])
    assert measured.loc["qingdao-bay-plaza", "area_m2"] == pytest.approx(geodesic_area, rel=0.01)
    assert measured.loc["greenway-2021", "length_m"] > 1800
    assert json.dumps(measured["area_m2"].isna().tolist())  # points and lines have no area


@pytest.mark.parametrize("payload", ["{{ 7 * 191 }}", "{% for x in range(3) %}x{% endfor %}"])
def test_template_syntax_in_names_is_inert(mini_gdf, boundary_gdf, payload):
    gdf = mini_gdf.copy()
    gdf.loc[0, "name_zh"] = payload
    html = _render(layer_groups(filter_projects(gdf)))
    assert "1337" not in html and "xxx" not in html
    page = standalone_map(filter_projects(gdf), boundary_gdf, title=payload).get_root().render()
    assert "1337" not in page and "xxx" not in page


def test_whole_payload_is_rounded(mini_gdf):
    html = _render(layer_groups(filter_projects(mini_gdf)))
    coordinates = re.findall(r"\[(1[12]\d\.\d+),\s*(3\d\.\d+)\]", html)
    assert coordinates
    assert max(len(n.split(".")[1]) for pair in coordinates for n in pair) <= 5


def test_offline_background_has_land_neighbours_and_place_names(boundary_gdf):
    from maps.webmap import background_group, load_context, load_landmarks

    html = _render([background_group(boundary_gdf, load_context(), load_landmarks())])
    assert html.count("shinanLand") >= 2  # neighbours, then Shinan, under the tiles
    for name in ("市北区", "崂山区", "栈桥", "五四广场", "青岛站", "八大关", "浮山湾"):
        assert name in html, name
    english = _render([background_group(boundary_gdf, load_context(), load_landmarks(), lang="en")])
    assert "Zhanqiao Pier" in english and "栈桥" not in english


def test_landmarks_come_with_their_source():
    from maps.webmap import load_landmarks

    landmarks = load_landmarks()
    assert landmarks["source"].str.len().min() > 10
    station = landmarks.set_index("id").geometry["qingdao-station"]
    assert (round(station.y, 6), round(station.x, 6)) == (36.065375, 120.307694)


def test_failed_tiles_raise_a_notice_in_the_map():
    from maps.webmap import basemap_group

    html = _render([basemap_group("light")])
    assert "Shinan.watchTiles" in html and "底图瓦片无法加载，已显示离线底图" in html
    assert "Shinan.watchTiles" not in _render([basemap_group("none")])


def test_overlay_holds_year_legend_and_view_state(mini_gdf):
    from maps.webmap import legend_html, overlay_group

    group = overlay_group(
        legend=legend_html(filter_projects(mini_gdf)),
        time_label="2021年目标",
        time_note="<b>x</b>",
        presenter=True,
        selected_id="zhanshan-plaza",
    )
    html = _render([group])
    assert "2021年目标" in html and "&lt;b&gt;x&lt;/b&gt;" in html and "<b>x</b>" not in html
    assert '"presenter": true' in html and '"selected": "zhanshan-plaza"' in html


def test_standalone_map_leaves_district_totals_off(mini_gdf, boundary_gdf):
    gdf = mini_gdf.assign(map_placement=None)
    gdf.loc[gdf["id"] == "district-parking-2021", "map_placement"] = "district_total"
    html = standalone_map(filter_projects(gdf), boundary_gdf).get_root().render()
    assert "zhanshan-plaza" in html and "district-parking-2021" not in html


def test_every_vendored_file_the_page_uses_is_checked_at_start():
    """The start-up check (``missing_vendor_files``) covers each file under static/vendor/."""
    from ui.assets import REPO_ROOT, VENDOR_FILES

    vendor = REPO_ROOT / "static" / "vendor"
    on_disk = {str(p.relative_to(vendor)) for p in vendor.rglob("*") if p.is_file()}
    assert on_disk <= set(VENDOR_FILES), sorted(on_disk - set(VENDOR_FILES))
