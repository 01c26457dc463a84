"""Location evidence and the position audit: conversions, relations, verdicts, the command."""

from __future__ import annotations

import json
import subprocess
import sys

import geopandas as gpd
import pytest
from shapely.geometry import LineString, Point, Polygon

from geo import ProjectDataError, validate_collection
from geo.audit import audit_projects, format_report, main
from geo.evidence import (
    CONVERSIONS,
    Reference,
    from_wgs84,
    load_references,
    to_wgs84,
    validate_references,
)
from geo.settings import PROJECT_ROOT

# Points across Shinan, west (团岛) to east (浮山湾) and south to north (lon, lat, WGS84).
SHINAN_POINTS = [(120.2948, 36.0570), (120.3156, 36.0680), (120.3861, 36.0569), (120.41, 36.09)]


@pytest.mark.parametrize("crs", ["GCJ-02", "BD-09"])
@pytest.mark.parametrize("point", SHINAN_POINTS)
def test_shifted_systems_round_trip_to_a_centimetre(crs, point):
    published = from_wgs84(*point, crs)
    lon, lat = to_wgs84(*published, crs)
    assert abs(lon - point[0]) < 1e-7 and abs(lat - point[1]) < 1e-7


def test_gcj02_lies_about_460_m_east_of_wgs84_in_shinan():
    lon, lat = 120.3156, 36.0680
    g_lon, g_lat = from_wgs84(lon, lat, "GCJ-02")
    assert 0.0049 < g_lon - lon < 0.0053 and 0.0001 < g_lat - lat < 0.0003
    b_lon, _ = from_wgs84(lon, lat, "BD-09")
    assert b_lon - lon > 0.010  # Baidu adds its own offset on top: about 1 km


@pytest.mark.parametrize("crs", ["WGS84", "CGCS2000"])
def test_unshifted_systems_pass_through(crs):
    assert to_wgs84(120.3, 36.06, crs) == (120.3, 36.06)


def test_unknown_system_is_refused():
    with pytest.raises(ValueError, match="unknown coordinate system 'Mars'"):
        to_wgs84(120.3, 36.06, "Mars")


def _ref_feature(published, crs, stored, **extra):
    props = {
        "id": "pin",
        "name_zh": "某点",
        "name_en": "a pin",
        "kind": "web_map_pin",
        "published": {"crs": crs, "coordinates": published, "conversion": CONVERSIONS[crs]},
        "source": {"title": "a map", "url": "https://example.org", "date": "2026-11-28"},
        **extra,
    }
    return {
        "type": "Feature",
        "properties": props,
        "geometry": {"type": "Point", "coordinates": stored},
    }


def test_catalogue_checks_stored_point_is_the_published_one_converted():
    gcj = list(from_wgs84(120.31, 36.06, "GCJ-02"))
    good = _ref_feature(gcj, "GCJ-02", [120.31, 36.06])
    pasted = _ref_feature(gcj, "GCJ-02", gcj)  # GCJ-02 pasted in unconverted: ~460 m off
    assert validate_references({"features": [good]}) == []
    problems = validate_references({"features": [pasted]})
    assert len(problems) == 1 and "not the published point converted" in str(problems[0])


def test_catalogue_requires_kind_source_and_conversion():
    bad = _ref_feature([120.31, 36.06], "WGS84", [120.31, 36.06], kind="rumour")
    bad["properties"]["source"] = {"title": "a map"}
    bad["properties"]["published"]["conversion"] = "shifted by hand"
    fields = {p.field for p in validate_references({"features": [bad]})}
    assert fields == {"kind", "source.url", "published.conversion"}


def test_bundled_catalogue_is_valid_and_says_where_each_point_came_from():
    references = load_references()
    assert len(references) >= 15
    assert {r.kind for r in references.values()} >= {"encyclopedia", "osm", "news_address"}
    assert all(r.source.get("date") for r in references.values())


# The audit on tiny inline data -------------------------------------------------------------
REFS = {
    "stop": Reference("stop", "站", "stop", "osm", "WGS84", {}, Point(120.318, 36.0618)),
    "a": Reference("a", "甲", "a", "encyclopedia", "WGS84", {}, Point(120.30, 36.06)),
    "b": Reference("b", "乙", "b", "encyclopedia", "WGS84", {}, Point(120.32, 36.06)),
}
#: One metre of latitude, in degrees.
M = 1 / 111_000


def _frame(geometry, precision, *links, unverified=None):
    evidence = {"references": list(links)}
    if unverified:
        evidence["unverified"] = unverified
    row = {
        "id": "f",
        "name_zh": "项目",
        "location_precision": precision,
        "location_evidence": evidence,
    }
    return gpd.GeoDataFrame([row], geometry=[geometry], crs=4326)


def _verdict(*args, **kwargs):
    return audit_projects(_frame(*args, **kwargs), REFS).features[0]


@pytest.mark.parametrize(
    ("precision", "metres", "verdict"),
    [
        ("exact", 30, "ok"),
        ("exact", 45, "doubtful"),  # beyond 80 % of the 50 m limit
        ("exact", 60, "wrong"),
        ("approximate", 120, "ok"),
        ("approximate", 240, "doubtful"),
        ("approximate", 300, "wrong"),
    ],
)
def test_at_limits_depend_on_precision(precision, metres, verdict):
    point = Point(120.318, 36.0618 + metres * M)
    result = _verdict(point, precision, {"ref": "stop", "relation": "at"})
    assert result.verdict == verdict
    assert result.checks[0].metres == pytest.approx(metres, rel=0.02)


def test_a_block_on_the_beach_is_wrong_and_on_land_it_is_not():
    def block(south):
        return Polygon(
            [(120.3153, south), (120.3172, south), (120.3172, 36.064), (120.3153, 36.064)]
        )

    links = ({"ref": "stop", "relation": "north_of"}, {"ref": "stop", "relation": "at"})
    beach = _verdict(block(36.0603), "approximate", *links)
    land = _verdict(block(36.0622), "approximate", *links)
    assert beach.verdict == "wrong" and beach.checks[0].metres < -150
    assert land.verdict == "ok" and land.checks[0].metres > 0


def test_only_the_point_it_was_drawn_from_is_unverified():
    link = {"ref": "stop", "relation": "at", "independent": False}
    result = _verdict(Point(120.318, 36.0618), "exact", link)
    assert result.verdict == "unverified" and "drawn from" in result.reason


def test_side_relations_alone_are_doubtful():
    result = _verdict(Point(120.318, 36.07), "approximate", {"ref": "stop", "relation": "north_of"})
    assert result.verdict == "doubtful"


def test_between_needs_the_feature_between_the_two_references():
    link = {"ref": ["a", "b"], "relation": "between"}
    assert _verdict(Point(120.31, 36.0605), "approximate", link).verdict == "ok"
    assert _verdict(Point(120.33, 36.06), "approximate", link).verdict == "wrong"


def test_along_a_street_checks_every_vertex():
    street = {"ref": ["a"], "relation": "at"}
    line = LineString([(120.30, 36.06), (120.30, 36.07)])  # runs 1.1 km north of 'a'
    along = {"ref": "a", "relation": "along"}
    assert _verdict(line, "approximate", street).verdict == "ok"  # touches it
    assert _verdict(line, "approximate", along).verdict == "wrong"


def test_explicit_reason_makes_it_unverified_and_no_evidence_too():
    frame = _frame(Point(120.31, 36.06), "approximate", unverified="no address known")
    assert audit_projects(frame, REFS).features[0].reason == "no address known"
    frame["location_evidence"] = [None]
    assert audit_projects(frame, REFS).features[0].verdict == "unverified"


def test_unknown_reference_and_unverified_exact_fail_the_audit():
    unknown = _frame(Point(120.31, 36.06), "approximate", {"ref": "nowhere", "relation": "at"})
    result = audit_projects(unknown, REFS)
    assert not result.passed and "unknown reference nowhere" in result.problems[0]
    drawn = {"ref": "stop", "relation": "at", "independent": False}
    exact = audit_projects(_frame(Point(120.318, 36.0618), "exact", drawn), REFS)
    assert not exact.passed
    assert "'exact' with no independent reference" in format_report(exact)


def test_report_table_lists_each_feature_and_the_counts():
    frame = _frame(Point(120.318, 36.0618), "approximate", {"ref": "stop", "relation": "at"})
    text = format_report(audit_projects(frame, REFS), "en")
    assert "f " in text and "at stop 0 m ✓" in text
    assert "1 exact/approximate positions: ok 1, doubtful 0, wrong 0, unverified 0" in text
    assert "可信" in format_report(audit_projects(frame, REFS), "zh")


# Validation of the property in projects files ----------------------------------------------
def test_unverified_exact_feature_is_refused_on_load(collection):
    props = collection["features"][0]["properties"]
    props["location_precision"] = "exact"
    props["location_evidence"] = {"references": [], "unverified": "no source"}
    problems = validate_collection(collection)
    assert [(p.field, p.value) for p in problems] == [("location_precision", "exact")]


LINK = "location_evidence.references[0]"


@pytest.mark.parametrize(
    ("evidence", "field"),
    [
        ({"references": []}, "location_evidence"),
        ({"references": [{"ref": "a", "relation": "near"}]}, f"{LINK}.relation"),
        ({"references": [{"ref": "a", "relation": "between"}]}, f"{LINK}.ref"),
        ({"references": [{"ref": "a", "relation": "at", "independent": 0}]}, f"{LINK}.independent"),
        ({"unverified": "  "}, "location_evidence.unverified"),
    ],
)  # fmt: skip
def test_bad_evidence_is_named(collection, evidence, field):
    collection["features"][0]["properties"]["location_evidence"] = evidence
    assert field in {p.field for p in validate_collection(collection)}


# The command ----------------------------------------------------------------------------------
def test_audit_command_on_bundled_data_passes(capsys):
    assert main([]) == 0
    out = capsys.readouterr().out
    assert "wrong 0" in out and "zhongshan-road-footbridge-removal" in out


def test_audit_command_exits_1_on_a_misplaced_feature(tmp_path, capsys):
    collection = json.loads((PROJECT_ROOT / "data" / "projects.geojson").read_text("utf-8"))
    for feature in collection["features"]:
        if feature["properties"]["id"] == "zhongshan-road-footbridge-removal":
            feature["geometry"]["coordinates"] = [120.315, 36.0622]  # where it was first drawn
    path = tmp_path / "moved.geojson"
    path.write_text(json.dumps(collection, ensure_ascii=False), encoding="utf-8")
    assert main([str(path)]) == 1
    line = next(x for x in capsys.readouterr().out.splitlines() if "footbridge" in x)
    assert "wrong" in line and "876 m ✗" in line


def test_audit_command_bad_file_is_one_message_no_traceback(tmp_path):
    path = tmp_path / "broken.geojson"
    path.write_text("{", encoding="utf-8")
    run = subprocess.run(
        [sys.executable, "-m", "geo", "audit", str(path)],
        capture_output=True,
        text=True,
        cwd=PROJECT_ROOT,
    )
    assert run.returncode == 1 and "invalid JSON" in run.stderr and "Traceback" not in run.stderr


def test_broken_catalogue_is_reported(tmp_path, capsys):
    path = tmp_path / "refs.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [{}]}), encoding="utf-8")
    with pytest.raises(ProjectDataError, match="properties"):
        load_references(path)
    assert main(["--references", str(path)]) == 1
    assert "properties" in capsys.readouterr().err


def test_side_of_a_street_line_is_measured_where_the_street_crosses_the_feature():
    street = LineString([(120.31, 36.0620), (120.32, 36.0600)])  # slopes down to the east
    refs = {**REFS, "road": Reference("road", "路", "road", "osm", "WGS84", {}, street)}
    link = {"ref": "road", "relation": "north_of"}

    def margin(geom):
        return audit_projects(_frame(geom, "approximate", link), refs).features[0].checks[0]

    # At x = 120.319 the street is at 36.0602: a point at 36.0605 is 33 m north of it, although
    # it is south of the street's western end.
    assert margin(Point(120.319, 36.0605)).metres == pytest.approx(33, abs=2)
    crossing = Polygon(
        [(120.311, 36.0615), (120.313, 36.0615), (120.313, 36.063), (120.311, 36.063)]
    )
    assert not margin(crossing).holds
    # Beyond the street's ends its northernmost point counts: 36.0625 is 55 m north of 36.0620
    # (less 3 m of grid convergence: the metric grid's north is not true north 900 m apart).
    assert margin(Point(120.30, 36.0625)).metres == pytest.approx(53, abs=2)


def test_catalogue_takes_a_street_line_published_in_bd09():
    wgs = [(120.31, 36.062), (120.32, 36.06)]
    published = [list(from_wgs84(x, y, "BD-09")) for x, y in wgs]
    feature = _ref_feature(published, "BD-09", None)
    feature["geometry"] = {"type": "LineString", "coordinates": [list(p) for p in wgs]}
    assert validate_references({"features": [feature]}) == []
    feature["geometry"]["coordinates"] = [list(p) for p in wgs[:1]] * 2
    assert validate_references({"features": [feature]})
