"""Filtering by layer, status and year, and a project's status in a given year."""

from __future__ import annotations

import pytest

from geo import ProjectFilter, filter_projects, project_years, status_in_year
from geo.filter import split_by_placement
from geo.schema import LAYER_IDS, STATUSES
from geo.timeline import explain_status, period_steps, time_steps

REVIEW_AND_PLAN = [
    {"year": 2016, "year_end": 2020, "kind": "reported", "status": "preparation"},
    {"year": 2021, "kind": "target", "status": "open"},
]


@pytest.mark.parametrize(
    ("year", "expected"),
    [
        (2015, None),
        (2016, None),
        (2019, None),
        (2020, "preparation"),
        (2021, "open"),
        (2030, "open"),
    ],
)
def test_status_in_year_follows_milestones(year, expected):
    """A 2016-2020 milestone is known only by the end of 2020: no year inside it is claimed."""
    assert status_in_year(REVIEW_AND_PLAN, year) == expected


def test_no_filter_keeps_everything(mini_gdf):
    shown = filter_projects(mini_gdf)
    assert len(shown) == len(mini_gdf)
    assert not shown["status_is_target"].any()


@pytest.mark.parametrize("layer", LAYER_IDS)
def test_each_layer_filters_alone(mini_gdf, layer):
    shown = filter_projects(mini_gdf, layers=[layer])
    assert set(shown["layer"]) == {layer}
    assert len(shown) == (mini_gdf["layer"] == layer).sum()


def test_status_filter_keeps_only_those_statuses(mini_gdf):
    shown = filter_projects(mini_gdf, statuses=["preparation", "under_construction"])
    assert set(shown["id"]) == {"qingdao-bay-plaza", "pichaiyuan-phase-2"}
    planned = filter_projects(mini_gdf, statuses=["planned"])
    assert set(planned["layer"]) == {"construction", "parking", "pocket_park", "fiveg"}


def test_year_range_keeps_projects_active_in_it(mini_gdf):
    review = filter_projects(mini_gdf, years=(2016, 2020))
    assert set(review["id"]) == {"qingdao-bay-plaza", "pichaiyuan-phase-2"}
    assert len(filter_projects(mini_gdf, years=(2021, 2021))) == len(mini_gdf)
    assert len(filter_projects(mini_gdf, years=(2010, 2015))) == 0
    # 2018 lies inside the 2016-2020 period: the report gives no progress *in* 2018.
    assert len(filter_projects(mini_gdf, years=(2018, 2019))) == 0


def test_as_of_year_shows_status_that_year(mini_gdf):
    assert len(filter_projects(mini_gdf, as_of=2018)) == 0  # nothing is known *by* 2018
    in_2020 = filter_projects(mini_gdf, as_of=2020).set_index("id")
    assert set(in_2020.index) == {"qingdao-bay-plaza", "pichaiyuan-phase-2"}
    assert in_2020.loc["pichaiyuan-phase-2", "status"] == "under_construction"
    assert not in_2020["status_is_target"].any()
    in_2021 = filter_projects(mini_gdf, as_of=2021).set_index("id")
    assert in_2021.loc["pichaiyuan-phase-2", "status"] == "open"
    assert in_2021.loc["pichaiyuan-phase-2", "status_is_target"]


def test_status_filter_applies_to_as_of_status(mini_gdf):
    opened = filter_projects(mini_gdf, as_of=2021, statuses=["open"])
    assert set(opened["id"]) == {"pichaiyuan-phase-2", "greenway-2021"}


def test_filter_does_not_mutate_input(mini_gdf):
    before = mini_gdf.copy()
    filter_projects(mini_gdf, as_of=2021, layers=["renewal"])
    assert mini_gdf.equals(before)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"layers": ("parks",)}, "unknown layers: parks"),
        ({"statuses": ("done",)}, "unknown statuses: done"),
        ({"years": (2016, 2020), "as_of": 2018}, "either years"),
        ({"years": (2021, 2016)}, "must not be later"),
    ],
)
def test_bad_filters_say_what_is_valid(kwargs, message):
    with pytest.raises(ValueError, match=message):
        ProjectFilter(**kwargs)


def test_project_years_cover_the_data(mini_gdf):
    assert project_years(mini_gdf) == (2016, 2021)
    assert project_years(mini_gdf.iloc[0:0]) == (2016, 2021)


def test_statuses_are_ordered_by_stage():
    assert STATUSES.index("planned") < STATUSES.index("under_construction") < STATUSES.index("open")


def test_split_by_placement_keeps_totals_and_unlocated_off_the_map(mini_gdf):
    gdf = mini_gdf.assign(map_placement=None)
    gdf.loc[gdf["id"] == "district-parking-2021", "map_placement"] = "district_total"
    gdf.loc[gdf["id"] == "zhanshan-plaza", "map_placement"] = "unlocated"
    on_map, totals, unlocated = split_by_placement(gdf)
    assert list(totals["id"]) == ["district-parking-2021"]
    assert list(unlocated["id"]) == ["zhanshan-plaza"]
    assert len(on_map) == len(gdf) - 2
    assert len(split_by_placement(mini_gdf)[0]) == len(mini_gdf)  # no property: all drawn


def test_bundled_district_totals_are_not_sites():
    from geo import load_projects

    on_map, totals, unlocated = split_by_placement(load_projects())
    assert "5g-base-stations-2020" in set(totals["id"])
    assert "district-parking-spaces" in set(totals["id"])
    assert not (on_map["name_zh"].str.contains("全区合计")).any()
    assert len(unlocated) >= 1 and (unlocated["location_precision"] == "schematic").all()


@pytest.mark.parametrize(
    ("as_of", "why", "status"),
    [(None, "report", "preparation"), (2018, "unknown", None), (2020, "period", "preparation"),
     (2021, "target", "open")],
)  # fmt: skip
def test_explain_status_says_which_milestone_applies(as_of, why, status):
    reason = explain_status(REVIEW_AND_PLAN, as_of=as_of)
    assert (reason.why, reason.status) == (why, status)


def test_time_steps_are_the_ends_of_milestones(mini_gdf):
    assert time_steps(mini_gdf["milestones"]) == [2020, 2021]
    assert period_steps(mini_gdf["milestones"])[0] == (2016, 2020)
