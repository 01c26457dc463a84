"""The bundled data: valid, quoted verbatim, complete, and in the right place."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from geopandas import GeoSeries
from shapely import LineString
from shapely.geometry import Point

from geo import load_boundary, load_projects
from geo.schema import LAYER_IDS
from geo.settings import DEFAULT_DATA_PATH, METRIC_CRS, REPORT_PATH

SHARED_REPORT = (
    Path(__file__).resolve().parents[2] / "shared" / "seeds" / "000_11e14b80b2d9f8c2.txt"
)

#: Projects the report names that the map must carry (matched in ``name_zh``).
NAMED = [
    "中山路", "青岛湾广场", "黄岛路", "劈柴院", "宁阳路", "济南路", "中岛组团", "南岛组团",
    "北岛组团", "中苑码头", "广西路", "东平路", "吉祥里", "江苏路站", "海天中心",
    "海天跨国公司区域总部基地", "中铁青岛国际中心", "湛山广场", "延吉路5号", "延吉路8号",
    "贵州路5号", "鲁商中心", "香港西路52号", "远洋船员学院", "华夏基石", "隆德路", "瑞吉酒店",
    "金门路小学", "澳门路小学", "宁德路小学", "镇江路小学", "滨海步行道", "口袋公园", "绿道",
    "浮山湾", "5G数字街区", "软件及动漫产业园", "海信5G", "停车位",
]  # fmt: skip

#: Reference points (FIELD_NOTES, WGS84) and the exact features that stand on them.
REFERENCE = {"navy-museum-opening": (120.321500, 36.054833)}


@pytest.fixture(scope="module")
def projects():
    return load_projects(DEFAULT_DATA_PATH)


@pytest.fixture(scope="module")
def raw():
    return json.loads(DEFAULT_DATA_PATH.read_text(encoding="utf-8"))


def test_bundled_report_is_the_source_document():
    if not SHARED_REPORT.exists():
        pytest.skip("the shared seed document is not beside this checkout")
    assert REPORT_PATH.read_text(encoding="utf-8") == SHARED_REPORT.read_text(encoding="utf-8")


def test_every_quote_is_verbatim_in_the_report(raw):
    report = REPORT_PATH.read_text(encoding="utf-8")
    quotes = []
    for feature in raw["features"]:
        props = feature["properties"]
        quotes.append(props["source"]["quote"])
        quotes += [m["quote"] for m in props["milestones"]]
        quotes += [f["quote"] for f in props["figures"]]
    missing = [q for q in quotes if q not in report]
    assert not missing and len(quotes) > 100


def test_file_is_pretty_printed_utf8(raw):
    text = DEFAULT_DATA_PATH.read_text(encoding="utf-8")
    assert "\\u" not in text, "Chinese must be stored as UTF-8, not \\u escapes"
    assert text.startswith('{\n  "type": "FeatureCollection"')
    assert raw["type"] == "FeatureCollection"


@pytest.mark.parametrize("layer", LAYER_IDS)
def test_every_layer_has_projects(projects, layer):
    assert (projects["layer"] == layer).sum() >= 2


@pytest.mark.parametrize("name", NAMED)
def test_named_project_is_on_the_map(projects, name):
    assert projects["name_zh"].str.contains(name, regex=False).any()


def test_every_feature_is_in_the_district(projects):
    boundary = load_boundary().to_crs(METRIC_CRS).geometry.union_all()
    metric = projects.to_crs(METRIC_CRS)
    far = {
        row.id: round(boundary.distance(row.geometry))
        for row in metric.itertuples()
        if boundary.distance(row.geometry) > 500
    }
    assert not far, f"more than 500 m outside the district: {far}"


def test_exact_features_stand_on_their_reference_points(projects):
    metric = projects.set_index("id").to_crs(METRIC_CRS)
    for feature_id, (lon, lat) in REFERENCE.items():
        ref = GeoSeries([Point(lon, lat)], crs=4326).to_crs(METRIC_CRS).iloc[0]
        assert metric.geometry[feature_id].distance(ref) < 100


def test_streets_are_lines_and_sites_are_areas(projects):
    kinds = projects.set_index("id").geometry.geom_type
    assert kinds["zhongshan-road-pedestrian-street"] == "LineString"
    assert kinds["seaside-promenade-upgrade-phase-1"] == "LineString"
    assert kinds["qingdao-bay-plaza"] == "Polygon"
    assert kinds["pichaiyuan-phase-2"] == "Polygon"


def test_schematic_features_say_so(projects):
    schematic = projects[projects["location_precision"] == "schematic"]
    assert len(schematic) >= 1
    assert schematic["location_note"].str.len().min() > 30
    totals = projects[projects["layer"] == "parking"]
    assert (totals["location_precision"] == "schematic").all()
    assert totals["name_zh"].str.contains("示意").all()


def test_old_city_sits_where_the_reference_points_put_it(projects):
    """The cathedral stands on the east side of 中山路; 劈柴院 is on its west side."""
    by_id = projects.set_index("id").geometry
    street = by_id["zhongshan-road-pedestrian-street"]
    cathedral_lat, cathedral_lon = 36.067972, 120.315611
    across = LineString([(120.30, cathedral_lat), (120.33, cathedral_lat)])
    street_lon = street.intersection(across).x
    assert street_lon < cathedral_lon, "中山路 must run west of the cathedral"
    assert cathedral_lon - street_lon < 0.004  # and within about 350 m of it
    pichaiyuan = by_id["pichaiyuan-phase-2"].centroid
    assert pichaiyuan.x < street.interpolate(street.project(pichaiyuan)).x
