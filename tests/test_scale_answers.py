"""Known answers for what was made faster or smaller for 100,000 projects: the nested values
decoded once per distinct text, the legend's cells grouped in bulk, the radius search's
prefilter and the years derived once per frame give what the row-by-row code gave."""

from __future__ import annotations

import copy
import json

import geopandas as gpd
import numpy as np
import pytest

from bench.synthetic import synthetic_collection
from geo import analysis, load_projects
from geo.export import export_geojson
from geo.filter import ProjectFilter, apply_filter, project_years
from geo.load import _to_frame
from geo.parquet import write_projects_parquet
from geo.timeline import time_steps
from maps.browserdata import browser_data
from maps.webmap import legend_html


@pytest.fixture(scope="module")
def synthetic():
    return synthetic_collection(600, seed=14)


@pytest.fixture(scope="module")
def from_parquet(synthetic, tmp_path_factory):
    path = tmp_path_factory.mktemp("scale") / "synthetic.parquet"
    return load_projects(write_projects_parquet(_to_frame(synthetic["features"]), path))


def test_nested_values_read_back_equal_to_each_feature(synthetic, from_parquet):
    for name in ("milestones", "source", "figures"):
        expected = [f["properties"][name] for f in synthetic["features"]]
        assert from_parquet[name].tolist() == expected


def test_readers_leave_the_shared_nested_values_as_they_were(from_parquet):
    # Rows with the same history share one decoded value: no reader may change it in place.
    before = copy.deepcopy(from_parquet[["milestones", "source", "figures"]].to_dict("list"))
    for spec in (ProjectFilter(), ProjectFilter(as_of=2020), ProjectFilter(years=(2016, 2020))):
        apply_filter(from_parquet, spec)
    browser_data(from_parquet)
    json.loads(export_geojson(from_parquet))
    assert from_parquet[["milestones", "source", "figures"]].to_dict("list") == before


def _legend_cells_row_by_row(shown) -> dict:
    combos = {}
    targets = shown.get("status_is_target", [False] * len(shown))
    for layer, status, target in zip(shown["layer"], shown["status"], targets, strict=True):
        hollow_only = bool(target) or status == "planned"
        combos[(layer, status)] = combos.get((layer, status), True) and hollow_only
    return combos


@pytest.mark.parametrize("as_of", [None, 2020, 2021])
def test_legend_cells_are_those_of_the_row_by_row_rule(from_parquet, as_of):
    from maps.webmap import _hollow_only_by_cell

    shown = apply_filter(from_parquet, ProjectFilter(as_of=as_of))
    assert _hollow_only_by_cell(shown) == _legend_cells_row_by_row(shown)
    assert 'data-testid="map-legend"' in legend_html(shown)


@pytest.mark.parametrize(
    ("lon", "lat", "radius"), [(120.35, 36.065, 300), (120.31, 36.05, 1500), (120.40, 36.08, 0)]
)
def test_radius_search_keeps_exactly_the_features_measured_one_by_one(
    from_parquet, lon, lat, radius
):
    got = analysis.within_radius(from_parquet, lon, lat, radius)
    located = from_parquet[analysis.is_located(from_parquet)]
    centre = gpd.GeoSeries.from_xy([lon], [lat], crs=4326).to_crs(analysis.settings.METRIC_CRS)
    distance = located.geometry.to_crs(analysis.settings.METRIC_CRS).distance(centre.iloc[0])
    expected = set(located.loc[distance.to_numpy() <= radius + 1e-6, "id"])
    assert set(got["id"]) == expected
    assert np.all(np.diff(got["distance_m"].to_numpy()) >= 0)  # nearest first


def test_years_and_steps_come_from_every_milestone(from_parquet):
    spans = [
        (m["year"], m.get("year_end") or m["year"]) for ms in from_parquet["milestones"] for m in ms
    ]
    assert project_years(from_parquet) == (min(s for s, _ in spans), max(e for _, e in spans))
    assert time_steps(from_parquet["milestones"]) == sorted({e for _, e in spans})
