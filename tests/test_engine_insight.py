"""Known answers: the insight panel's numbers from DuckDB equal the pandas ones, on the
bundled data, the test data and synthetic data, for every filter the page can set."""

from __future__ import annotations

import pandas as pd
import pytest

from bench.synthetic import synthetic_collection
from geo import analysis, settings
from geo.coords import add_measures
from geo.engine_insight import InsightEngine
from geo.filter import ProjectFilter, apply_filter
from geo.load import _to_frame, load_projects
from geo.targets import compare_targets, load_targets
from tests.conftest import TEST_DATA

FILTERS = [
    ProjectFilter(),
    ProjectFilter(statuses=("planned", "preparation", "under_construction")),
    ProjectFilter(layers=("renewal", "parking")),
    ProjectFilter(as_of=2020),
    ProjectFilter(as_of=2021),
    ProjectFilter(years=(2016, 2020)),
    ProjectFilter(years=(2021, 2021), statuses=("open",)),
]


def _bundled():
    return add_measures(load_projects(settings.DATA_DIR / "projects.geojson"))


def _test_data():
    return load_projects(TEST_DATA)  # without measures: the engine measures itself


def _synthetic():
    return add_measures(_to_frame(synthetic_collection(600)["features"]))


@pytest.fixture(scope="module", params=[_bundled, _test_data, _synthetic], ids=lambda f: f.__name__)
def data(request):
    gdf = request.param()
    return gdf, InsightEngine(gdf)


@pytest.mark.parametrize("view", FILTERS, ids=repr)
def test_charts_equal_the_pandas_counts(data, view):
    gdf, engine = data
    shown = apply_filter(gdf, view)
    pd.testing.assert_frame_equal(
        engine.count_by_layer_status(shown), analysis.count_by_layer_status(shown)
    )
    periods = {"years": view.years, "as_of": view.as_of}
    pd.testing.assert_frame_equal(
        engine.count_by_period(shown, **periods),
        analysis.count_by_period(shown, **periods),
        check_dtype=len(shown) > 0,
    )


@pytest.mark.parametrize("view", FILTERS, ids=repr)
def test_figures_and_measures_equal_the_pandas_ones(data, view):
    gdf, engine = data
    shown = apply_filter(gdf, view)
    periods = {"years": view.years, "as_of": view.as_of}
    pd.testing.assert_frame_equal(
        engine.figure_table(shown, **periods), analysis.figure_table(shown, **periods)
    )
    pd.testing.assert_frame_equal(engine.measure_totals(shown), analysis.measure_totals(shown))


@pytest.mark.parametrize("view", FILTERS[:4], ids=repr)
def test_targets_table_equals_the_pandas_one(data, view):
    gdf, engine = data
    shown = apply_filter(gdf, view)
    targets = load_targets()
    pd.testing.assert_frame_equal(
        engine.compare_targets(targets, shown), compare_targets(targets, shown)
    )
    pd.testing.assert_frame_equal(engine.compare_targets(targets), compare_targets(targets, gdf))


def test_the_bundled_targets_find_what_the_report_gives():
    gdf = _bundled()
    table = InsightEngine(gdf).compare_targets(load_targets()).set_index("id")
    # Not an empty answer that happens to agree: targets are found on the bundled data.
    assert table["mapped"].sum() > 0 and table["located"].sum() > 0
    assert (table["mapped_ids"] != "").sum() >= 5


def test_a_frame_without_a_usable_index_is_refused(mini_gdf):
    doubled = pd.concat([mini_gdf, mini_gdf])
    with pytest.raises(ValueError, match="unique index"):
        InsightEngine(doubled)


def test_another_list_of_targets_gets_its_own_answer(data):
    gdf, engine = data
    targets = load_targets()
    fewer = targets[::3]
    pd.testing.assert_frame_equal(engine.compare_targets(fewer), compare_targets(fewer, gdf))
    pd.testing.assert_frame_equal(engine.compare_targets(targets), compare_targets(targets, gdf))


def test_remembered_answers_are_per_set_of_rows(mini_gdf):
    engine = InsightEngine(mini_gdf)
    calls = []

    def work(part):
        calls.append(len(part))
        return len(part)

    some, other = mini_gdf.iloc[:3], mini_gdf.iloc[2:]
    assert engine.remember("n", [some], lambda: work(some)) == 3
    assert engine.remember("n", [some.copy()], lambda: work(some)) == 3  # same rows: kept
    assert engine.remember("n", [other], lambda: work(other)) == len(other)
    assert engine.remember("m", [some], lambda: work(some)) == 3  # another question
    assert calls == [3, len(other), 3]


@pytest.mark.parametrize("view", FILTERS, ids=repr)
def test_project_table_equals_the_pandas_one(data, view):
    gdf, engine = data
    shown = apply_filter(gdf, view)
    pd.testing.assert_frame_equal(engine.project_table(shown), analysis.project_table(shown))
