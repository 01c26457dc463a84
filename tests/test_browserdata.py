"""The live map's projects sent once, then one character per project per filter state."""

from __future__ import annotations

import json

import geopandas as gpd
import pytest
import shapely
from shapely.geometry import LineString, MultiLineString, MultiPoint, MultiPolygon, Point, box

from geo import filter_projects
from geo.coords import to_gcj02
from geo.filter import ProjectFilter, apply_filter, split_by_placement
from maps.browserdata import (
    BROWSER_GRID,
    HIDDEN,
    browser_data,
    decode_geometries,
    read_element,
    read_views,
    shown_codes,
    view_codes,
)
from maps.webmap import projects_group, stable_names
from tests.test_webmap import HOSTILE, _render

SHAPES = {
    "Point": Point(120.31, 36.06),
    "MultiPoint": MultiPoint([(120.31, 36.06), (120.32, 36.061)]),
    "LineString": LineString([(120.30, 36.05), (120.3012345, 36.0512345), (120.303, 36.052)]),
    "MultiLineString": MultiLineString([[(120.30, 36.05), (120.31, 36.05)], [(120.4, 36.08)] * 2]),
    "Polygon": box(120.33, 36.06, 120.334, 36.063).difference(
        box(120.331, 36.061, 120.332, 36.062)
    ),
    "MultiPolygon": MultiPolygon(
        [box(120.35, 36.07, 120.351, 36.071), box(120.36, 36.07, 120.361, 36.072)]
    ),
}


def _with_shapes(mini_gdf) -> gpd.GeoDataFrame:
    gdf = mini_gdf.iloc[[0] * len(SHAPES)].reset_index(drop=True)
    gdf = gdf.assign(id=[f"shape-{i}" for i in range(len(SHAPES))], map_placement="site")
    return gdf.set_geometry(gpd.GeoSeries(list(SHAPES.values()), crs=4326))


@pytest.mark.parametrize("gcj02", [False, True])
def test_every_geometry_kind_reaches_the_browser_within_the_grid(mini_gdf, gcj02):
    gdf = _with_shapes(mini_gdf)
    payload = read_element(browser_data(gdf, gcj02=gcj02).element)
    expected = to_gcj02(gdf).geometry if gcj02 else gdf.geometry
    for kind, decoded, original in zip(SHAPES, decode_geometries(payload), expected, strict=True):
        assert decoded.geom_type == kind
        # Rounded to the ~1 m grid, never further.
        assert shapely.hausdorff_distance(decoded, original) <= BROWSER_GRID
        assert shapely.get_num_coordinates(decoded) == shapely.get_num_coordinates(original)


def test_district_totals_and_unlocated_projects_are_not_sent(mini_gdf):
    placement = ["district_total", "unlocated"] + ["site"] * (len(mini_gdf) - 2)
    gdf = mini_gdf.assign(map_placement=placement)
    _, totals, unlocated = split_by_placement(gdf)
    off_map = set(totals["id"]) | set(unlocated["id"])
    assert len(off_map) == 2
    data = browser_data(gdf)
    assert set(data.ids) == set(gdf["id"]) - off_map


def test_a_view_hides_what_the_filter_drops_and_marks_targets(mini_gdf):
    data = browser_data(mini_gdf)
    payload = read_element(data.element)
    shown = apply_filter(mini_gdf, ProjectFilter(statuses=("preparation", "under_construction")))
    codes = view_codes(data, shown)
    assert len(codes) == len(data.ids)
    assert set(shown_codes(payload, codes)) == set(shown["id"]) & set(data.ids)
    assert {status for status, _ in shown_codes(payload, codes).values()} <= {
        "preparation",
        "under_construction",
    }
    targets = apply_filter(mini_gdf, ProjectFilter(as_of=2021))
    seen = shown_codes(payload, view_codes(data, targets))
    assert seen and all(target for _, target in seen.values())
    # Turning a layer off hides its projects.
    no_renewal = view_codes(data, targets, layers=("construction",))
    kept = shown_codes(payload, no_renewal)
    assert kept and all(mini_gdf.set_index("id").loc[i, "layer"] == "construction" for i in kept)
    assert view_codes(data, targets.iloc[0:0]) == HIDDEN * len(data.ids)


def test_a_filter_change_sends_no_geometry_and_the_same_data(mini_gdf):
    data = browser_data(mini_gdf)
    before = stable_names([projects_group(data, filter_projects(mini_gdf))])
    after_gdf = apply_filter(mini_gdf, ProjectFilter(statuses=("completed",)))
    after = stable_names([projects_group(data, after_gdf)])
    html_before, html_after = _render(before), _render(after)
    assert html_before != html_after
    for html in (html_before, html_after):
        assert "120.3" not in html and "coordinates" not in html
        ((key, codes),) = read_views(html)
        assert key == data.key and len(codes) == len(data.ids)
    # The data is the same text for every filter: Streamlit sends it once, then a reference.
    assert browser_data(mini_gdf).element == data.element


@pytest.mark.parametrize("payload", HOSTILE)
def test_hostile_names_are_inert_in_the_data(mini_gdf, payload):
    gdf = mini_gdf.copy()
    gdf.loc[0, "name_zh"] = payload
    gdf.loc[0, "name_en"] = payload
    element = browser_data(gdf).element
    body = element[len("<script>") : -len("</script>")]
    # No "<" at all inside the script: it cannot be closed, and the page's sanitiser keeps it.
    assert "<" not in body and "\u2028" not in body
    names = json.loads(body[body.index("] = ") + 4 : body.rindex(";})();")])["name"]
    assert not any(payload in name for name in names if len(payload) > 1)


def test_the_payload_is_compact(mini_gdf):
    """About one byte per project per view, and integer coordinates in the data."""
    from bench.synthetic import synthetic_collection

    features = synthetic_collection(2000)["features"]
    gdf = gpd.GeoDataFrame.from_features(features, crs=4326)
    data = browser_data(gdf)
    geojson_bytes = len(json.dumps(gdf[["id", "geometry"]].to_geo_dict()).encode())
    assert data.size < geojson_bytes  # names, labels and symbols included
    group = projects_group(data, filter_projects(gdf))
    script = _render(stable_names([group]))
    ((_, codes),) = read_views(script)
    assert len(codes) == 2000
