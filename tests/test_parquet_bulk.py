"""The GeoParquet reader checks large files in bulk (geometry column-wise, each repeated
nested value once) and must report exactly what the row-by-row validator reports."""

from __future__ import annotations

import math

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from shapely.geometry import LineString, MultiPolygon, Point, Polygon

from geo import ProjectDataError, load_projects
from geo.load import geometries_clean, read_report_text, validate_collection
from geo.parquet import (
    _collection,
    _property_columns,
    _proven_parts,
    write_projects_parquet,
)

_INSIDE = (120.33, 36.06)


def _many(mini_gdf: gpd.GeoDataFrame, copies: int = 5) -> gpd.GeoDataFrame:
    """The mini data repeated with fresh ids: the same nested values meet many statuses."""
    parts = []
    for k in range(copies):
        part = mini_gdf.copy()
        part["id"] = [f"{i}-c{k}" for i in part["id"]]
        parts.append(part)
    return gpd.GeoDataFrame(pd.concat(parts, ignore_index=True), crs=mini_gdf.crs)


def _bowtie() -> Polygon:
    x, y = _INSIDE
    return Polygon([(x, y), (x + 0.001, y + 0.001), (x + 0.001, y), (x, y + 0.001), (x, y)])


def _spoil(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    bad = gdf.copy()
    x, y = _INSIDE
    bad.loc[0, "status"] = "finished"
    bad.loc[1, "geometry"] = Point(2.35, 48.85)  # Paris
    bad.loc[2, "geometry"] = Point(y, x)  # (lat, lon)
    bad.loc[3, "geometry"] = _bowtie()
    bad.loc[4, "geometry"] = LineString([(x, y), (x + 0.001, math.nan)])
    bad.loc[5, "geometry"] = Polygon()
    bad.loc[6, "geometry"] = MultiPolygon([_bowtie().buffer(0), Polygon()])
    bad.loc[7, "geometry"] = None
    # The same milestones under another status: clean in one row, wrong in this one.
    bad.at[8, "status"] = "planned" if bad.at[8, "status"] != "planned" else "open"
    bad.at[9, "figures"] = [{"label_zh": "x", "value": -1, "unit": "斤", "quote": "无"}]
    bad.at[10, "figures"] = bad.at[9, "figures"]
    bad.at[11, "source"] = None
    bad.at[12, "name_zh"] = " "
    bad.loc[13, "id"] = bad.loc[14, "id"]
    return bad


def _bulk_and_row_by_row(path) -> tuple[list, list]:
    frame = gpd.read_parquet(path)
    import json

    import pyarrow.parquet as pq

    nested = json.loads(pq.read_schema(path).metadata[b"shinan:json_columns"])
    columns, texts = _property_columns(frame, nested)
    geometries = np.asarray(frame.geometry.values, dtype=object)
    report = read_report_text()
    proven = _proven_parts(columns, texts, geometries, report)
    nothing = [frozenset()] * len(geometries)
    row_by_row = validate_collection(_collection(columns, geometries, nothing), report_text=report)
    with pytest.raises(ProjectDataError) as caught:
        load_projects(path)
    assert any(proven), "the bulk checks cleared nothing"
    return caught.value.problems, row_by_row


def test_bulk_checks_report_exactly_the_row_by_row_problems(mini_gdf, tmp_path):
    path = write_projects_parquet(_spoil(_many(mini_gdf)), tmp_path / "bad.parquet")
    bulk, row_by_row = _bulk_and_row_by_row(path)
    assert [str(p) for p in bulk] == [str(p) for p in row_by_row]
    fields = {p.field for p in bulk}
    assert {"status", "geometry", "geometry.coordinates", "id", "name_zh"} <= fields
    assert any(f.startswith("figures[0]") for f in fields)
    assert "source" in fields


def test_a_clean_large_file_reads_as_the_geojson_frame(mini_gdf, tmp_path):
    many = _many(mini_gdf, copies=20)
    back = load_projects(write_projects_parquet(many, tmp_path / "many.parquet"))
    back.attrs = {}
    pd.testing.assert_frame_equal(back, many.set_geometry(many.geometry))


@pytest.mark.parametrize(
    ("geometry", "clean"),
    [
        (Point(*_INSIDE), True),
        (Point(2.35, 48.85), False),
        (Point(_INSIDE[1], _INSIDE[0]), False),
        (_bowtie(), False),
        (LineString([_INSIDE, (_INSIDE[0] + 0.001, math.nan)]), False),
        (Polygon(), False),
        (None, False),
        (shapely.LinearRing([(120.33, 36.06), (120.331, 36.06), (120.331, 36.061)]), False),
        (Point(*_INSIDE, math.inf), False),
        (Point(*_INSIDE, 12.0), True),
    ],
)
def test_geometries_clean_clears_only_what_surely_passes(geometry, clean):
    assert geometries_clean([geometry, Point(*_INSIDE)]).tolist() == [clean, True]
