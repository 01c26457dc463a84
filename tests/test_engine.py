"""The DuckDB query engine on hand-made data whose answers are known by construction."""

from __future__ import annotations

import geopandas as gpd
import pytest
from shapely.geometry import LineString, Point, box

from geo import engine
from geo.engine import Viewport
from geo.parquet import write_projects_parquet

#: The viewport every case is placed around: lon 120.30-120.32, lat 36.05-36.06.
VIEW = Viewport(120.30, 36.05, 120.32, 36.06)

ROWS = [
    # id, layer, status, geometry
    ("inside", "renewal", "open", Point(120.31, 36.055)),
    ("on-east-edge", "parking", "planned", Point(120.32, 36.055)),
    ("on-north-west-corner", "parking", "open", Point(120.30, 36.06)),
    ("just-outside", "renewal", "open", Point(120.3201, 36.055)),
    ("straddles", "construction", "completed", box(120.315, 36.045, 120.33, 36.052)),
    # Its bounding box meets the viewport's north-east corner; the line itself passes outside.
    ("bbox-only", "fiveg", "planned", LineString([(120.319, 36.07), (120.33, 36.059)])),
    ("far-away", "pocket_park", "open", Point(120.40, 36.08)),
]


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    frame = gpd.GeoDataFrame(
        [{"id": i, "layer": layer, "status": status} for i, layer, status, _ in ROWS],
        geometry=[geometry for *_, geometry in ROWS],
        crs="EPSG:4326",
    )
    path = write_projects_parquet(frame, tmp_path_factory.mktemp("engine") / "hand.parquet")
    return engine.connect(path)


def test_viewport_keeps_what_meets_it_edges_included(con):
    assert engine.viewport_ids(con, VIEW) == sorted(
        ["inside", "on-east-edge", "on-north-west-corner", "straddles", "bbox-only"]
    )


def test_exact_viewport_drops_a_line_whose_box_only_touches(con):
    assert engine.has_spatial(con)
    assert engine.viewport_ids(con, VIEW, exact=True) == sorted(
        ["inside", "on-east-edge", "on-north-west-corner", "straddles"]
    )


def test_an_empty_viewport_gives_nothing_and_zero_counts(con):
    empty = Viewport(120.35, 36.085, 120.36, 36.09)
    assert engine.viewport_ids(con, empty) == []
    assert engine.total(con, empty) == 0
    assert all(
        n == 0 for by_status in engine.counts(con, empty).values() for n in by_status.values()
    )


def test_a_zero_size_viewport_finds_a_point_exactly_there(con):
    assert engine.viewport_ids(con, Viewport(120.40, 36.08, 120.40, 36.08)) == ["far-away"]


def test_layer_and_status_filters_combine_with_the_viewport(con):
    assert engine.viewport_ids(con, VIEW, layers=["parking"]) == [
        "on-east-edge",
        "on-north-west-corner",
    ]
    assert engine.viewport_ids(con, VIEW, layers=["parking"], statuses=["open"]) == [
        "on-north-west-corner"
    ]
    assert engine.viewport_ids(con, None, statuses=["open"]) == [
        "far-away",
        "inside",
        "just-outside",
        "on-north-west-corner",
    ]
    assert engine.viewport_ids(con, VIEW, layers=[]) == []


def test_counts_by_layer_and_status(con):
    counts = engine.counts(con, VIEW, layers=["renewal", "parking"], statuses=["open", "planned"])
    assert counts == {
        "renewal": {"open": 1, "planned": 0},
        "parking": {"open": 1, "planned": 1},
    }
    everywhere = engine.counts(con)
    assert sum(n for s in everywhere.values() for n in s.values()) == len(ROWS)
    assert everywhere["renewal"]["open"] == 2
    assert engine.total(con, VIEW) == 5


def test_an_inverted_viewport_is_refused():
    with pytest.raises(ValueError, match="west <= east"):
        Viewport(120.32, 36.05, 120.30, 36.06)


def test_engine_reads_what_the_cli_wrote_from_real_data(mini_gdf, tmp_path):
    con = engine.connect(write_projects_parquet(mini_gdf, tmp_path / "mini.parquet"))
    assert engine.viewport_ids(con, None) == sorted(mini_gdf["id"])
    west, south, east, north = mini_gdf.total_bounds
    assert engine.total(con, Viewport(west, south, east, north)) == len(mini_gdf)
    by_layer = mini_gdf.groupby("layer").size()
    counts = engine.counts(con)
    assert {k: sum(v.values()) for k, v in counts.items() if sum(v.values())} == by_layer.to_dict()
