"""The bundled data: valid, quoted verbatim, complete, and in the right place."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from geopandas import GeoDataFrame, GeoSeries
from shapely import LineString
from shapely.geometry import Polygon

from geo import load_boundary, load_projects
from geo.audit import audit_projects, format_report
from geo.evidence import load_references
from geo.load import read_collection
from geo.schema import LAYER_IDS
from geo.settings import CONTEXT_PATH, DEFAULT_DATA_PATH, METRIC_CRS, REPORT_PATH

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

#: Layers whose polygons are real sites: none may lie substantially in the sea.
SITE_LAYERS = ("renewal", "construction", "pocket_park")


def load_context():
    collection = read_collection(CONTEXT_PATH)
    return GeoDataFrame.from_features(collection["features"], crs=4326)


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


@pytest.fixture(scope="module")
def references():
    return load_references()


def _metric_point(reference):
    return GeoSeries([reference.geometry], crs=4326).to_crs(METRIC_CRS).iloc[0]


def test_every_positioned_feature_gives_its_evidence(projects, references):
    placed = projects[projects["location_precision"] != "schematic"]
    for row in placed.itertuples():
        evidence = row.location_evidence
        assert isinstance(evidence, dict), f"{row.id}: no location_evidence"
        links = evidence["references"]
        independent = [link for link in links if link.get("independent", True)]
        assert independent or evidence.get("unverified"), f"{row.id}: only circular evidence"
        if evidence.get("unverified"):
            assert row.location_precision != "exact", row.id
        for link in links:
            ids = link["ref"] if isinstance(link["ref"], list) else [link["ref"]]
            assert set(ids) <= set(references), f"{row.id}: unknown reference {ids}"


def test_audit_of_bundled_data_finds_nothing_wrong(projects, references):
    result = audit_projects(projects, references)
    counts = result.counts()
    assert result.passed, format_report(result)
    assert counts["wrong"] == 0 and sum(counts.values()) == 29
    # The old city is confirmed by sources other than the points it was drawn from.
    ok = {f.id for f in result.features if f.verdict == "ok"}
    assert {"zhongshan-road-pedestrian-street", "qingdao-bay-plaza"} <= ok


def test_footbridge_stands_at_the_jiaozhou_road_junction(projects, references):
    bridge = projects.set_index("id").to_crs(METRIC_CRS).geometry
    junction = _metric_point(references["zhongshan-jiaozhou-junction"])
    assert bridge["zhongshan-road-footbridge-removal"].distance(junction) < 60


def test_old_city_is_on_land_north_of_taiping_road(projects, references):
    """青岛湾广场, the 河南路 block and 中山路 end at 太平路: none reaches the beach or the pier."""
    stop = references["zhanqiao-stop-taiping-road"].geometry  # on 太平路
    by_id = projects.set_index("id").geometry
    for key in ("qingdao-bay-plaza", "henan-guangxi-qufu-shanxi-roads-block"):
        assert by_id[key].bounds[1] > stop.y, f"{key} reaches south of 太平路"
    street = by_id["zhongshan-road-pedestrian-street"]
    south_end = min(street.coords, key=lambda c: c[1])
    assert stop.y < south_end[1] < stop.y + 60 * 1e-5, "中山路 must end at 太平路"


def test_corrected_coast_puts_the_pier_in_the_sea_and_taiping_road_on_land(references):
    coast = load_boundary().to_crs(METRIC_CRS).geometry.union_all()
    pier = _metric_point(references["zhanqiao-pier"])
    stop = _metric_point(references["zhanqiao-stop-taiping-road"])
    assert not coast.contains(pier), "the 栈桥 pier is a structure over the sea"
    assert coast.contains(stop) and coast.exterior.distance(stop) > 30


@pytest.mark.parametrize("layer", SITE_LAYERS)
def test_no_site_lies_substantially_in_the_sea(projects, layer):
    land = load_boundary().geometry.union_all().union(load_context().geometry.union_all())
    sites = projects[(projects["layer"] == layer) & projects.geom_type.str.endswith("Polygon")]
    metric_land = GeoSeries([land], crs=4326).to_crs(METRIC_CRS).iloc[0]
    for row in sites.to_crs(METRIC_CRS).itertuples():
        at_sea = row.geometry.difference(metric_land).area / row.geometry.area
        assert at_sea < 0.05, f"{row.id}: {at_sea:.0%} in the sea"


def test_sea_check_would_catch_the_plaza_where_it_was_first_drawn():
    land = load_boundary().to_crs(METRIC_CRS).geometry.union_all()
    first = Polygon(
        [(120.3153, 36.0603), (120.3172, 36.0603), (120.3174, 36.0621), (120.3153, 36.0622)]
    )
    metric = GeoSeries([first], crs=4326).to_crs(METRIC_CRS).iloc[0]
    assert metric.difference(land).area / metric.area > 0.4


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
