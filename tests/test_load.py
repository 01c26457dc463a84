"""Loading and validating project data: every rule rejects what it should, all at once."""

from __future__ import annotations

import subprocess
import sys

import pytest

from geo import ProjectDataError, load_projects, validate_collection
from geo.schema import REQUIRED_PROPERTIES


def _props(collection, i=0):
    return collection["features"][i]["properties"]


def test_small_file_loads_in_wgs84(mini_gdf):
    assert mini_gdf.crs.to_epsg() == 4326
    assert list(mini_gdf.columns[: len(REQUIRED_PROPERTIES)]) == list(REQUIRED_PROPERTIES)
    assert mini_gdf["id"].is_unique and len(mini_gdf) == 6


def test_valid_collection_has_no_problems(collection, report_text):
    assert validate_collection(collection, report_text=report_text) == []


def set_prop(name, value):
    def mutate(c):
        _props(c)[name] = value

    return mutate


def drop_prop(name):
    def mutate(c):
        del _props(c)[name]

    return mutate


def set_milestone(field, value, index=0):
    def mutate(c):
        _props(c)["milestones"][index][field] = value

    return mutate


def set_geometry(geometry):
    def mutate(c):
        c["features"][0]["geometry"] = geometry

    return mutate


def swap_milestones(c):
    ms = _props(c)["milestones"]
    ms.reverse()


def duplicate_id(c):
    _props(c, 1)["id"] = _props(c, 0)["id"]


def bad_figure(c):
    _props(c, 3)["figures"][0]["value"] = "many"


def bad_figure_unit(c):
    _props(c, 3)["figures"][0]["unit"] = "cars"


BOWTIE = [[[120.31, 36.06], [120.32, 36.07], [120.32, 36.06], [120.31, 36.07], [120.31, 36.06]]]

RULES = {
    "id-slug": (set_prop("id", "Qingdao Bay!"), "id", "ASCII slug"),
    "id-unique": (duplicate_id, "id", "duplicate"),
    "layer": (set_prop("layer", "parks"), "layer", "use one of renewal"),
    "status": (set_prop("status", "done"), "status", "use one of planned"),
    "status-vs-milestones": (set_prop("status", "open"), "status", "disagrees"),
    "precision": (set_prop("location_precision", "surveyed"), "location_precision", "exact"),
    "name-empty": (set_prop("name_zh", "  "), "name_zh", "non-empty"),
    "missing-property": (drop_prop("location_note"), "location_note", "missing"),
    "source-shape": (set_prop("source", "the report"), "source", "document"),
    "quote-verbatim": (
        set_prop("source", {"document": "x", "quote": "青岛湾广场建成开放"}),
        "source.quote",
        "not found verbatim",
    ),
    "milestones-empty": (set_prop("milestones", []), "milestones", "non-empty list"),
    "milestone-year": (set_milestone("year", "2019"), "milestones[0].year", "whole year"),
    "milestone-year-end": (set_milestone("year_end", 2010), "milestones[0].year_end", "from"),
    "milestone-kind": (set_milestone("kind", "rumour"), "milestones[0].kind", "reported"),
    "milestone-status": (set_milestone("status", "built"), "milestones[0].status", "one of"),
    "milestone-order": (swap_milestones, "milestones[1].year", "oldest first"),
    "figure-value": (bad_figure, "figures[0].value", "non-negative number"),
    "figure-unit": (bad_figure_unit, "figures[0].unit", "use one of"),
    "geometry-missing": (set_geometry(None), "geometry", "GeoJSON geometry"),
    "geometry-type": (set_geometry({"type": "Circle", "coordinates": [1, 2]}), "geometry", ""),
    "geometry-latlon": (
        set_geometry({"type": "Point", "coordinates": [36.06, 120.32]}),
        "geometry.coordinates",
        "swap each pair",
    ),
    "geometry-projected": (
        set_geometry({"type": "Point", "coordinates": [531000.0, 3990000.0]}),
        "geometry.coordinates",
        "reproject to WGS84",
    ),
    "geometry-elsewhere": (
        set_geometry({"type": "Point", "coordinates": [116.39, 39.9]}),
        "geometry.coordinates",
        "outside Shinan",
    ),
    "geometry-invalid": (
        set_geometry({"type": "Polygon", "coordinates": BOWTIE}),
        "geometry",
        "self-intersections",
    ),
    "geometry-malformed": (
        set_geometry({"type": "Polygon", "coordinates": [120.3, 36.0]}),
        "geometry.coordinates",
        "nesting",
    ),
}


@pytest.mark.parametrize("rule", list(RULES))
def test_each_rule_names_feature_field_and_fix(rule, collection, report_text):
    mutate, field, fix = RULES[rule]
    mutate(collection)
    problems = validate_collection(collection, report_text=report_text)
    assert problems, f"rule {rule} accepted bad data"
    problem = problems[0]
    assert problem.field == field
    assert fix in problem.fix
    assert problem.feature, "the problem must say which feature"


def test_all_problems_reported_at_once(collection, write_geojson):
    _props(collection, 0)["layer"] = "parks"
    _props(collection, 2)["status"] = "finished"
    collection["features"][4]["geometry"] = None
    path = write_geojson(collection)
    with pytest.raises(ProjectDataError) as info:
        load_projects(path)
    problems = info.value.problems
    assert {p.field for p in problems} >= {"layer", "status", "geometry"}
    assert "3 problems" in str(info.value) or len(problems) >= 3
    assert "'qingdao-bay-plaza'" in str(info.value)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"{not json", "invalid JSON at line 1"),
        (b'\xff\xfe{"type": 1}', "not UTF-8"),
        (b'{"type": "Feature"}', "FeatureCollection"),
        (b'{"type": "FeatureCollection", "features": {}}', "features"),
        (b"[1, 2]", "FeatureCollection"),
    ],
)
def test_malformed_files_get_a_message(tmp_path, content, message):
    path = tmp_path / "broken.geojson"
    path.write_bytes(content)
    with pytest.raises(ProjectDataError, match=message):
        load_projects(path)


def test_missing_file_names_the_env_variable(tmp_path):
    with pytest.raises(ProjectDataError, match="PROJECT_MAP_DATA"):
        load_projects(tmp_path / "nope.geojson")


def test_env_variable_selects_the_file(monkeypatch, write_geojson, collection):
    collection["features"] = collection["features"][:2]
    monkeypatch.setenv("PROJECT_MAP_DATA", str(write_geojson(collection)))
    assert len(load_projects()) == 2


def test_loading_does_not_touch_the_file(write_geojson, collection):
    path = write_geojson(collection)
    before = path.read_bytes()
    _props(collection)["layer"] = "bad"
    load_projects(path)
    assert path.read_bytes() == before


def _cli(*args, env=None):
    return subprocess.run(
        [sys.executable, "-m", "geo", *args], capture_output=True, text=True, env=env, timeout=120
    )


def test_cli_validate_summarises_valid_file():
    from tests.conftest import TEST_DATA

    result = _cli("validate", str(TEST_DATA))
    assert result.returncode == 0, result.stderr
    assert "renewal: 2 features" in result.stdout
    assert "valid, 6 features" in result.stdout


def test_cli_validate_reports_each_problem_without_traceback(collection, write_geojson):
    _props(collection, 0)["layer"] = "parks"
    collection["features"][1]["geometry"] = {"type": "Point", "coordinates": [36.06, 120.32]}
    result = _cli("validate", str(write_geojson(collection)))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if "field" in line]
    assert len(lines) == 2
    assert "'layer'" in lines[0] and "swap each pair" in lines[1]


def test_cli_validate_honours_env_variable(collection, write_geojson):
    import os

    path = write_geojson({"type": "FeatureCollection", "features": []}, "empty.geojson")
    result = _cli("validate", env={**os.environ, "PROJECT_MAP_DATA": str(path)})
    assert result.returncode == 0, result.stderr
    assert "valid, 0 features" in result.stdout
