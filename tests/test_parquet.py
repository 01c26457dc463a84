"""GeoParquet beside GeoJSON: what is written reads back as the same frame, and a bad
.parquet file gets the same kind of one-line message as a bad GeoJSON file."""

from __future__ import annotations

import subprocess
import sys

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import Point

from geo import ProjectDataError, load_projects, settings
from geo.parquet import write_projects_parquet
from tests.conftest import TEST_DATA


def _one_problem(path) -> str:
    with pytest.raises(ProjectDataError) as caught:
        load_projects(path)
    assert len(caught.value.problems) == 1
    return str(caught.value.problems[0])


def test_geojson_to_parquet_to_load_gives_the_same_frame(mini_gdf, tmp_path):
    path = write_projects_parquet(mini_gdf, tmp_path / "projects.parquet")
    back = load_projects(path)
    pd.testing.assert_frame_equal(
        pd.DataFrame(back.drop(columns="geometry")),
        pd.DataFrame(mini_gdf.drop(columns="geometry")),
    )
    assert back.geometry.geom_equals_exact(mini_gdf.geometry, tolerance=0).all()
    assert back.crs == mini_gdf.crs
    assert back.attrs["source_path"] == str(path)


def test_nested_properties_come_back_exactly(mini_gdf, tmp_path):
    # Parquet structs would add "year_end": None to milestones without one; JSON text does not.
    back = load_projects(write_projects_parquet(mini_gdf, tmp_path / "p.parquet"))
    assert back["milestones"].tolist() == mini_gdf["milestones"].tolist()
    assert back["figures"].tolist() == mini_gdf["figures"].tolist()


def test_the_file_has_a_bbox_covering(mini_gdf, tmp_path):
    import pyarrow.parquet as pq

    path = write_projects_parquet(mini_gdf, tmp_path / "p.parquet")
    table = pq.read_table(path, columns=["bbox"]).to_pylist()
    first = mini_gdf.geometry.iloc[0].bounds
    assert tuple(table[0]["bbox"].values()) == pytest.approx(first)


def test_data_path_setting_reads_parquet(mini_gdf, tmp_path, monkeypatch):
    path = write_projects_parquet(mini_gdf, tmp_path / "p.parquet")
    monkeypatch.setenv(settings.DATA_PATH_ENV, str(path))
    assert load_projects()["id"].tolist() == mini_gdf["id"].tolist()


def test_a_file_that_is_not_parquet_is_one_clear_problem(tmp_path):
    path = tmp_path / "projects.parquet"
    path.write_text('{"type": "FeatureCollection", "features": []}', encoding="utf-8")
    assert "not a Parquet file" in _one_problem(path)


def test_a_missing_parquet_file_names_the_setting(tmp_path):
    assert settings.DATA_PATH_ENV in _one_problem(tmp_path / "absent.parquet")


def test_plain_parquet_without_geometry_metadata_is_refused(mini_gdf, tmp_path):
    path = tmp_path / "plain.parquet"
    pd.DataFrame({"id": mini_gdf["id"]}).to_parquet(path)
    assert "without GeoParquet metadata" in _one_problem(path)


def test_wrong_crs_is_named_with_the_fix(mini_gdf, tmp_path):
    path = write_projects_parquet(mini_gdf.to_crs(settings.METRIC_CRS), tmp_path / "m.parquet")
    message = _one_problem(path)
    assert "'crs'" in message and "EPSG:4549" in message and "EPSG:4326" in message


def test_missing_columns_are_named(mini_gdf, tmp_path):
    thin = mini_gdf.drop(columns=["status", "figures"])
    message = _one_problem(write_projects_parquet(thin, tmp_path / "thin.parquet"))
    assert "missing columns status, figures" in message


def test_bad_values_get_the_geojson_validation(mini_gdf, tmp_path):
    bad = mini_gdf.copy()
    bad.loc[0, "status"] = "finished"
    bad.loc[1, "geometry"] = Point(2.35, 48.85)  # Paris: outside the district's extent
    path = write_projects_parquet(bad, tmp_path / "bad.parquet")
    with pytest.raises(ProjectDataError) as caught:
        load_projects(path)
    fields = {(p.feature, p.field) for p in caught.value.problems}
    first, second = (f"'{i}'" for i in mini_gdf["id"][:2])
    assert (first, "status") in fields
    assert any(feature == second for feature, _ in fields)


def _cli(*args, cwd):
    return subprocess.run(
        [sys.executable, "-m", "geo", "parquet", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env={**__import__("os").environ, "PYTHONPATH": str(TEST_DATA.parents[2])},
    )


def test_cli_writes_parquet_and_refuses_to_overwrite(tmp_path, mini_gdf):
    out = tmp_path / "mini.parquet"
    done = _cli(str(TEST_DATA), "--out", str(out), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "6 features" in done.stderr
    assert gpd.read_parquet(out)["id"].tolist() == mini_gdf["id"].tolist()
    again = _cli(str(TEST_DATA), "--out", str(out), cwd=tmp_path)
    assert again.returncode == 2 and "--force" in again.stderr
    assert "Traceback" not in again.stderr


def test_cli_reports_bad_input_without_traceback(tmp_path):
    bad = tmp_path / "bad.geojson"
    bad.write_text("{not json", encoding="utf-8")
    done = _cli(str(bad), "--out", str(tmp_path / "x.parquet"), cwd=tmp_path)
    assert done.returncode == 1
    assert "invalid JSON" in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "x.parquet").exists()
    wrong = _cli(str(TEST_DATA), "--out", str(tmp_path / "x.geojson"), cwd=tmp_path)
    assert wrong.returncode == 2 and ".parquet" in wrong.stderr


def test_a_parquet_data_file_is_never_overwritten_by_an_edit(mini_gdf, tmp_path):
    from geo.store import GeoJSONFileStore

    path = write_projects_parquet(mini_gdf, tmp_path / "p.parquet")
    before = path.read_bytes()
    store = GeoJSONFileStore(path)
    with pytest.raises(ProjectDataError, match="cannot be edited here"):
        store.load()
    empty = {"type": "FeatureCollection", "features": []}
    snapshot = type("Base", (), {"collection": empty, "version": "absent"})()
    with pytest.raises(ProjectDataError, match="python -m geo parquet"):
        store.save(empty, base=snapshot, who="test")
    assert path.read_bytes() == before


def test_broken_geoparquet_metadata_is_one_clear_problem(mini_gdf, tmp_path):
    import pyarrow.parquet as pq

    path = write_projects_parquet(mini_gdf, tmp_path / "p.parquet")
    table = pq.read_table(path)
    meta = {**table.schema.metadata, b"geo": b'{"primary_column": "nowhere", "columns": {}}'}
    pq.write_table(table.replace_schema_metadata(meta), path)
    assert "cannot be read" in _one_problem(path)
