"""A district figure is shown only in the views of its time, in the side panel and in print.

The report's parking total for 2016–2020 (2.01万个) and its 2021 target (1500个 new and
networked) belong to one feature; a 2016–2020 view shows the first, never the target, and
"as of 2018" shows neither (the total was known only at the end of the period).
"""

from __future__ import annotations

import pytest

from geo import ProjectFilter, apply_filter, settings
from geo.analysis import figure_table
from geo.compare import default_sides
from geo.filter import split_by_placement
from geo.load import load_projects, read_report_text
from geo.timeline import figure_time
from maps.figures_box import district_figures
from ui.panels import figures_html

PARKING = "district-parking-spaces"


@pytest.fixture(scope="module")
def projects():
    return load_projects()


def _parking(projects, view: ProjectFilter):
    totals = split_by_placement(apply_filter(projects, view))[1]
    return totals[totals["id"] == PARKING]


def _figures(projects):
    row = projects[projects["id"] == PARKING].iloc[0]
    reported, target = row["figures"]  # the report's order: the 2016–2020 total, the target
    assert "目标" in target["label_zh"] and "目标" not in reported["label_zh"]
    return reported, target


@pytest.mark.parametrize(
    ("view", "reported_shown", "target_shown"),
    [
        (ProjectFilter(years=(2016, 2020)), True, False),
        (ProjectFilter(years=(2021, 2021)), False, True),
        (ProjectFilter(as_of=2020), True, False),
        (ProjectFilter(as_of=2021), True, True),
        (ProjectFilter(), True, True),
    ],
)
def test_the_panel_and_the_print_list_the_figures_of_the_view(
    projects, view, reported_shown, target_shown
):
    reported, target = _figures(projects)
    totals = _parking(projects, view)
    assert len(totals) == 1, "the parking total belongs to each of these views"
    panel = figures_html(totals, "zh", view)
    printed = [f.value for f in district_figures(totals, "zh", view)]
    for figure, wanted in ((reported, reported_shown), (target, target_shown)):
        quote = figure["quote"]
        assert (quote in panel) is wanted, (view, figure["label_zh"])
        value = f"{float(figure['value']) / 10000:g}万" if figure["value"] >= 10000 else None
        if value:
            assert any(v.startswith(value) for v in printed) is wanted
    assert len(printed) == reported_shown + target_shown


def test_a_view_before_the_total_was_known_lists_no_figure(projects):
    """As of 2018 the 2016–2020 parking total is not known yet; the target is not either."""
    totals = split_by_placement(apply_filter(projects, ProjectFilter()))[1]
    view = ProjectFilter(as_of=2018)
    assert district_figures(totals, "zh", view) == []
    assert figures_html(totals, "zh", view) == ""


def test_without_a_view_every_figure_is_listed(projects):
    totals = split_by_placement(apply_filter(projects, ProjectFilter()))[1]
    count = sum(len(f) for f in totals["figures"])
    assert len(district_figures(totals, "zh")) == count


def test_comparison_panes_are_titled_in_the_page_language():
    views = (ProjectFilter(years=(2016, 2020)), ProjectFilter(as_of=2021))
    zh = [side.title for side in default_sides(views)]
    en = [side.title for side in default_sides(views, "en")]
    assert zh == ["市南区重点项目与城市更新 · 2016–2020年", "市南区重点项目与城市更新 · 2021年目标"]
    assert en == [
        "Shinan District: key projects and urban renewal · 2016–2020",
        "Shinan District: key projects and urban renewal · 2021 targets",
    ]


VIEWS = [
    ProjectFilter(years=(2016, 2020)),
    ProjectFilter(years=(2021, 2021)),
    ProjectFilter(years=(2021, 2025)),
    ProjectFilter(as_of=2018),
    ProjectFilter(as_of=2020),
    ProjectFilter(as_of=2021),
]


@pytest.mark.parametrize("view", VIEWS, ids=str)
def test_insight_table_and_side_panel_follow_one_rule(projects, view):
    """The insight figures table, the side panel and print decide "does this figure belong
    to the view" the same way, for every figure in the bundled data."""
    report = read_report_text()
    table = figure_table(projects, years=view.years, as_of=view.as_of, report_text=report)
    listed = set(table["quote"])
    for record in projects[["milestones", "figures"]].itertuples():
        for figure in record.figures:
            time = figure_time(record.milestones, figure, settings.LAST_YEAR, report)
            wanted = time.in_view(years=view.years, as_of=view.as_of)
            assert (figure["quote"] in listed) is wanted, (view, figure["label_zh"])


def test_a_figure_from_the_2021_plan_is_a_2021_target(projects):
    """The 1,699 resettlement flats sit in the report's 2021 plan ("全部交付入住"): a 2021
    target, whatever its project's last reported milestone (2020) says. It is not listed as a
    2016–2020 or an "as of 2020" result."""
    report = read_report_text()
    row = projects[projects["id"] == "zhongdao-cluster"].iloc[0]
    (flats,) = [f for f in row["figures"] if f["value"] == 1699]
    time = figure_time(row["milestones"], flats, settings.LAST_YEAR, report)
    assert (time.first, time.last, time.target) == (2021, 2021, True)
    assert time.label("zh") == "2021年目标"
    assert not time.in_view(years=(2016, 2020)) and not time.in_view(as_of=2020)
    assert time.in_view(as_of=2021)
    # Without the report the milestones are all there is: the last reported one (2020).
    assert not figure_time(row["milestones"], flats, settings.LAST_YEAR).target


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_figure_card_states_its_period_once(projects, lang):
    """The label "新建及联网停车位（2016–2020年）" beside "2016–2020年期间" said the period
    twice; the card keeps the label without it (English alike: "... spaces 2016–2020")."""
    totals = split_by_placement(apply_filter(projects, ProjectFilter()))[1]
    panel = figures_html(totals[totals["id"] == PARKING], lang)
    assert "新建及联网停车位（2016–2020年）" not in panel
    assert "New and networked parking spaces 2016–2020" not in panel
    assert panel.count("2016–2020") == 1  # the period, once


def test_an_english_figure_keeps_its_measure_and_drops_the_chinese_counting_word(projects):
    """The greenway target is 10 公里: in English print and the side panel it reads "10 km"
    (not "10 Greenway to be built", as if ten greenways); counts read "20,100", not "20,100 个"."""
    totals = split_by_placement(apply_filter(projects, ProjectFilter(as_of=2021)))[1]
    printed = [f.text() for f in district_figures(totals, "en", ProjectFilter(as_of=2021))]
    assert any(line.startswith("10 km ") and "reenway" in line for line in printed), printed
    assert any(line.startswith("20,100 ") for line in printed), printed
    panel = figures_html(totals, "en", ProjectFilter(as_of=2021))
    assert "10 km" in panel
    assert not any(f">{unit}</span>" in panel for unit in ("个", "处", "套", "公里"))
    chinese = [f.text() for f in district_figures(totals, "zh", ProjectFilter(as_of=2021))]
    assert any(line.startswith("10公里") for line in chinese), chinese
    assert any(line.startswith("2.01万个") for line in chinese), chinese
