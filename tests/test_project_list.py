"""The project list under the map is sorted and paged on the server: one page of rows reaches
the browser, sorting orders every row, and a selected row selects its project."""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import pytest
from streamlit.testing.v1 import AppTest

from bench.synthetic import synthetic_collection
from geo import schema
from geo.load import load_projects
from i18n import t
from ui.project_list import PAGE_ROWS, list_frame, sort_order

APP = str(Path(__file__).resolve().parents[1] / "app.py")
N = 250


@pytest.fixture(scope="module")
def many_path(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("list") / "many.geojson"
    path.write_text(json.dumps(synthetic_collection(N), ensure_ascii=False), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def many(many_path) -> gpd.GeoDataFrame:
    return load_projects(many_path)


@pytest.fixture
def app(monkeypatch, many_path):
    monkeypatch.setenv("PROJECT_MAP_DATA", str(many_path))
    at = AppTest.from_file(APP, default_timeout=90).run()
    assert not at.exception, at.exception
    return at


def _table(at):
    tables = [d for d in at.dataframe if (d.key or "").startswith("project_table")]
    assert len(tables) == 1
    return tables[0]


def _rows_caption(at) -> str:
    return next(c.value for c in at.caption if "共" in c.value and "条" in c.value)


def test_one_page_of_rows_reaches_the_browser(app, many):
    table = _table(app)
    assert len(table.value) == PAGE_ROWS
    assert table.value["名称"].tolist() == many["name_zh"].tolist()[:PAGE_ROWS]
    assert _rows_caption(app).startswith(f"第 1–{PAGE_ROWS} 条，共 {N} 条")
    app.number_input(key="project_page").set_value(3).run()
    assert len(_table(app).value) == N - 2 * PAGE_ROWS
    assert _rows_caption(app).startswith(f"第 201–{N} 条")


def test_sorting_orders_every_row_not_one_page(app, many):
    app.number_input(key="project_page").set_value(2).run()
    app.selectbox(key="project_sort").set_value("status").run()
    app.toggle(key="project_descending").set_value(True).run()
    assert app.number_input(key="project_page").value == 1  # a new order starts at the top
    stage = {s: i for i, s in enumerate(schema.STATUSES)}
    latest = max(many["status"], key=stage.__getitem__)
    first_page = _table(app).value["状态"].tolist()
    expected = list_frame(many.iloc[sort_order(many, "status", descending=True)], "zh")
    assert first_page == expected["状态"].tolist()[:PAGE_ROWS]
    assert t(f"status.{latest}", "zh") in first_page[0]


def test_a_narrower_filter_keeps_the_page_within_range(app):
    app.number_input(key="project_page").set_value(3).run()
    for layer in ("renewal", "construction", "parking", "pocket_park"):
        app.checkbox(key=f"layer_{layer}").uncheck()
    app.run()
    assert not app.exception
    page = app.number_input(key="project_page")
    assert page.value <= page.max < 3  # the page it was on is gone: the last one shows
    assert 0 < len(_table(app).value) <= PAGE_ROWS


def test_selecting_a_row_selects_its_project(app, many):
    app.number_input(key="project_page").set_value(2).run()
    table = _table(app)
    chosen = table.value["名称"].tolist()[5]
    app.session_state[table.key] = {"selection": {"rows": [5], "columns": [], "cells": []}}
    app.run()
    assert not app.exception
    assert app.session_state["selected_id"] == many["id"].tolist()[PAGE_ROWS + 5]
    detail = [e.proto.body for e in app.main if type(e).__name__ == "Html"]
    assert any(chosen in body and 'data-testid="project-detail"' in body for body in detail)


def test_sort_order_known_answers(mini_gdf):
    names = mini_gdf["name_zh"].tolist()
    assert [names[i] for i in sort_order(mini_gdf, "name")] == sorted(names)
    by_layer = mini_gdf["layer"].iloc[sort_order(mini_gdf, "layer")].tolist()
    assert by_layer == sorted(by_layer, key=schema.LAYER_IDS.index)
    reverse = sort_order(mini_gdf, "file", descending=True).tolist()
    assert reverse == list(range(len(mini_gdf)))[::-1]
    # Ties keep the data's order in both directions.
    same = mini_gdf.assign(layer="parking")
    assert sort_order(same, "layer", descending=True).tolist() == list(range(len(same)))


def test_the_insight_table_is_paged_too(app):
    page = app.number_input(key="insight_table_page")
    assert page.max == 3
    sizes = [len(d.value) for d in app.dataframe]
    assert N not in sizes and sizes.count(PAGE_ROWS) >= 2  # the list and the insight table
    page.set_value(3).run()
    assert N - 2 * PAGE_ROWS in [len(d.value) for d in app.dataframe]
    assert any(f"共 {N} 行" in c.value for c in app.caption)


def test_coverage_of_many_projects_waits_for_a_click_and_is_kept(monkeypatch, many_path, tmp_path):
    import ui.insight_panel as panel

    monkeypatch.setattr(panel, "COVERAGE_AUTO_ROWS", 100)
    # A file of its own: answers kept for the other tests' file would be shown at once.
    own = tmp_path / "own.geojson"
    own.write_bytes(many_path.read_bytes())
    monkeypatch.setenv("PROJECT_MAP_DATA", str(own))
    at = AppTest.from_file(APP, default_timeout=90).run()
    heading = t("insight.coverage.parking", "zh")

    def coverage_shown() -> bool:
        return any(heading in m.value for m in at.markdown)

    assert not coverage_shown()
    assert any("点击按钮后再计算" in c.value for c in at.caption)
    at.button(key="insight_coverage_run").click().run()
    assert coverage_shown()
    at.checkbox(key="layer_fiveg").uncheck().run()
    assert not coverage_shown()  # a new state: asked for again
    at.checkbox(key="layer_fiveg").check().run()
    assert coverage_shown()  # the state worked out before: shown without a click
