"""The insight panel: charts follow the filters, bars pick a filter, table and targets as shown."""

from __future__ import annotations

import re
import textwrap

import folium
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from geo import analysis, filter_projects, load_boundary, load_projects
from geo.settings import DEFAULT_DATA_PATH, PROJECT_ROOT
from geo.targets import load_targets
from ui.insight_panel import (
    PERIOD_PICK,
    PICK,
    ChartPick,
    apply_pick,
    coverage_lines,
    gap_lines,
    period_chart,
    pick_from_selection,
    service_area_group,
    shown_table,
    status_chart,
    target_rows,
)


@pytest.fixture(scope="module")
def projects():
    return load_projects(DEFAULT_DATA_PATH)


def _values(chart) -> list[dict]:
    spec = chart.to_dict()
    return next(iter(spec["datasets"].values()))


def test_status_chart_counts_what_the_filter_keeps(projects):
    shown = filter_projects(projects, layers=["renewal", "parking"], statuses=["completed"])
    rows = _values(status_chart(shown, lang="en"))
    assert sum(r["count"] for r in rows) == len(shown)
    assert {r["layer"] for r in rows} == {"renewal", "parking"}
    assert {r["status_label"] for r in rows} == {"Completed"}


def test_status_chart_lets_a_click_pick_layer_and_status(projects):
    params = status_chart(projects).to_dict()["params"]
    assert params[0]["name"] == PICK
    assert params[0]["select"]["fields"] == ["layer", "status"]


def test_period_chart_keeps_2016_2020_as_one_period(projects):
    rows = _values(period_chart(projects, lang="zh"))
    periods = {r["period"] for r in rows}
    assert "2016–2020" in periods and not {"2016", "2017", "2018", "2019"} & periods
    targets = {r["kind_label"] for r in rows if r["period"] == "2021"}
    assert targets == {"2021年目标"}


def test_a_clicked_bar_becomes_a_filter(projects):
    pick = pick_from_selection(
        {
            PICK: [{"layer": "renewal", "status": "completed"}, {"layer": "bogus", "status": "x"}],
            PERIOD_PICK: [{"layer": "parking"}],
        }
    )
    assert pick.pairs == (("renewal", "completed"),)
    assert pick.all_layers == ("renewal", "parking") and pick.statuses == ("completed",)
    kept = apply_pick(projects, pick)
    expected = ((projects["layer"] == "renewal") & (projects["status"] == "completed")) | (
        projects["layer"] == "parking"
    )
    assert len(kept) == int(expected.sum()) > 0


def test_no_click_keeps_everything(projects):
    assert not pick_from_selection({})
    assert len(apply_pick(projects, ChartPick())) == len(projects)


def test_table_sorts_by_any_column_and_labels_headers(projects):
    shown = filter_projects(projects, layers=["construction"])
    table = shown_table(shown, lang="en", sort_by="area_m2", descending=True)
    areas = table["Area (m²)"].dropna().tolist()
    assert areas == sorted(areas, reverse=True) and len(table) == len(shown)
    assert table["Area (m²)"].isna().tolist()[-1]  # unmeasured rows last
    with pytest.raises(ValueError, match="cannot sort by 'bogus'"):
        shown_table(shown, lang="en", sort_by="bogus")


def test_download_is_the_table_as_shown(projects):
    table = shown_table(projects, lang="zh", sort_by="name_zh")
    csv = pd.read_csv(pd.io.common.BytesIO(analysis.table_csv(table)), encoding="utf-8-sig")
    assert list(csv.columns) == list(table.columns)
    assert list(csv["编号"]) == list(table["编号"])


def test_every_target_is_in_the_targets_table_with_its_sentence(projects):
    table = target_rows(projects, lang="zh")
    targets = load_targets()
    assert len(table) == len(targets)
    assert list(table["报告原文"]) == [target.quote for target in targets]


def test_gap_line_says_report_figure_and_located_count(projects):
    lines = gap_lines(projects, lang="zh")
    assert "口袋公园（2016–2020）：报告 33处，图上 0 处有位置、1 个示意" in lines


def test_coverage_says_no_pocket_park_is_located(projects):
    lines = coverage_lines(projects, load_boundary(), lang="en")
    assert "places no pocket park" in lines[0]
    assert "0 located pocket parks; 2 schematic symbols left out" in lines[1]
    assert service_area_group(projects, load_boundary()) is None


def test_service_area_layer_draws_both_distances_for_located_parks(projects):
    parks = projects[projects["id"] == "fushan-bay-business-district-greening"].copy()
    parks["name_zh"] = "口袋公园（测试）"
    m = folium.Map()
    service_area_group(parks, load_boundary(), lang="en").add_to(m)
    html = m.get_root().render()
    assert "Pocket park 300 m service area (straight line)" in html
    assert "Pocket park 500 m service area (straight line)" in html


APP = textwrap.dedent(
    f"""
    import sys
    sys.path.insert(0, {str(PROJECT_ROOT)!r})
    import streamlit as st
    from geo import filter_projects, load_boundary, load_projects
    from ui.insight_panel import insight_panel

    gdf = load_projects({str(DEFAULT_DATA_PATH)!r})
    layers = st.multiselect("layers", list(dict.fromkeys(gdf["layer"])), key="layers",
                            default=list(dict.fromkeys(gdf["layer"])))
    shown = filter_projects(gdf, layers=layers)
    insight_panel(shown, boundary=load_boundary(), gdf_all=gdf, lang="en")
    """
)


def test_panel_follows_a_filter_change(tmp_path, projects):
    script = tmp_path / "app.py"
    script.write_text(APP, encoding="utf-8")
    at = AppTest.from_file(str(script), default_timeout=60).run()
    assert not at.exception and not at.error
    assert f"{len(projects)} projects shown" in at.caption[0].value
    table_rows = [d.value.shape[0] for d in at.dataframe]
    assert len(projects) in table_rows and len(load_targets()) in table_rows
    at.multiselect(key="layers").set_value(["parking"]).run()
    assert "2 projects shown: 0 located, 2 schematic" in at.caption[0].value
    table_rows = [d.value.shape[0] for d in at.dataframe]
    assert 2 in table_rows and len(load_targets()) in table_rows  # targets: all map data
    at.multiselect(key="layers").set_value([]).run()
    assert not at.exception and "0 projects shown" in at.caption[0].value
    assert at.info[0].value == "No project matches the filters."


PICK_APP = textwrap.dedent(
    f"""
    import sys
    sys.path.insert(0, {str(PROJECT_ROOT)!r})
    import streamlit as st
    from geo import load_boundary, load_projects
    from ui.insight_panel import apply_pick, current_pick, insight_panel

    gdf = load_projects({str(DEFAULT_DATA_PATH)!r})
    st.write(f"map shows {{len(apply_pick(gdf, current_pick()))}}")
    insight_panel(gdf, boundary=load_boundary(), lang="en")
    """
)


def test_a_clicked_bar_filters_what_the_map_draws(tmp_path, projects):
    # Streamlit keeps a chart's selection under its key: set it as a click would.
    script = tmp_path / "app.py"
    script.write_text(PICK_APP, encoding="utf-8")
    at = AppTest.from_file(str(script), default_timeout=60).run()
    assert at.markdown[0].value == f"map shows {len(projects)}"
    clicked = {"selection": {PICK: [{"layer": "parking", "status": "completed"}]}}
    at.session_state["insight_status_chart"] = clicked
    at.run()
    assert not at.exception
    parking_done = (projects["layer"] == "parking") & (projects["status"] == "completed")
    assert at.markdown[0].value == f"map shows {int(parking_done.sum())}"


POINT_APP = textwrap.dedent(
    f"""
    import sys
    sys.path.insert(0, {str(PROJECT_ROOT)!r})
    import streamlit as st
    from geo import load_boundary, load_projects
    from ui.insight_panel import insight_panel

    gdf = load_projects({str(DEFAULT_DATA_PATH)!r})
    insight_panel(gdf, boundary=load_boundary(), lang="en", point=st.session_state.get("clicked"))
    """
)


def test_a_clicked_point_moves_the_radius_search(tmp_path, projects):
    script = tmp_path / "app.py"
    script.write_text(POINT_APP, encoding="utf-8")
    at = AppTest.from_file(str(script), default_timeout=60).run()

    def radius_caption() -> str:
        return next(c.value for c in at.caption if "within" in c.value and "m;" in c.value)

    cathedral = (36.067972, 120.315611)  # St. Michael's, by 中山路 (FIELD_NOTES)
    expected = analysis.within_radius(projects, cathedral[1], cathedral[0], 500)
    assert len(expected) >= 3
    at.session_state["clicked"] = cathedral
    at.run()
    assert not at.exception and not at.warning
    assert radius_caption().startswith(f"{len(expected)} located projects within 500 m")
    at.slider(key="insight_r").set_value(100).run()
    assert radius_caption().startswith("0 located projects within 100 m")


def test_english_targets_table_gives_amounts_in_english_measures(projects):
    """A planner reading the English table sees '54,100 m²', not '5.41' beside '万平方米'."""
    table = target_rows(projects, lang="en")
    amounts = list(table["Amount"])
    assert "54,100 m²" in amounts and "262,000 million yuan" in amounts
    assert not any(re.search(r"[\u4e00-\u9fff]", a) for a in amounts)
    assert "Unit" not in table.columns
    chinese = target_rows(projects, lang="zh")
    assert "5.41万平方米" in list(chinese["数量"]) and "2.01万个" in list(chinese["数量"])
