"""Two times side by side in the app (AppTest): both panes follow the filters, never remount."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from geo.view import ViewState
from tests.conftest import TEST_DATA
from ui.compare_view import SIDE_IDS, pane_view

APP = str(Path(__file__).resolve().parents[1] / "app.py")
RIGHT_PANE = "pane.addTo(window.map_div2)"


@pytest.fixture
def app(monkeypatch):
    monkeypatch.setenv("PROJECT_MAP_DATA", str(TEST_DATA))
    monkeypatch.setenv("PROJECT_MAP_BASEMAP", "none")
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    at.toggle(key="compare_on").set_value(True).run()
    assert not at.exception, at.exception
    return at


def compare_args(at) -> dict:
    maps = [
        json.loads(e.proto.json_args)
        for e in at.main
        if type(e).__name__ == "UnknownElement" and "map_div2" in getattr(e.proto, "json_args", "")
    ]
    assert len(maps) == 1, "expected one comparison map"
    return maps[0]


def _main_map(at) -> dict:
    (args,) = [
        json.loads(e.proto.json_args)
        for e in at.main
        if type(e).__name__ == "UnknownElement"
        and "feature_group" in getattr(e.proto, "json_args", "")
        and "map_div2" not in e.proto.json_args
    ]
    return args


def test_off_by_default_and_switching_it_on_leaves_the_main_map_alone(monkeypatch):
    monkeypatch.setenv("PROJECT_MAP_DATA", str(TEST_DATA))
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not any("map_div2" in getattr(e.proto, "json_args", "") for e in at.main)
    before = _main_map(at)
    at.toggle(key="compare_on").set_value(True).run()
    after = _main_map(at)
    assert after["script"] == before["script"] and after["feature_group"] == before["feature_group"]


def test_two_synchronised_panes_load_only_local_scripts(app):
    args = compare_args(app)
    assert "map_div.sync(map_div2)" in args["script"] and "map_div2.sync(map_div)" in args["script"]
    assert args["js_links"] and all(link.startswith("/app/static/") for link in args["js_links"])
    assert args["js_links"][-1].endswith("leaflet-sync/L.Map.Sync.js")
    assert all(link.startswith("/app/static/") for link in args["css_links"])
    # Half of the groups go to the right pane: background, basemap, boundary, five layers,
    # overlay.
    assert args["feature_group"].count(RIGHT_PANE) == 9


def test_a_filter_changes_both_panes_but_never_remounts_them(app):
    before = compare_args(app)
    app.checkbox(key="layer_renewal").uncheck().run()
    after = compare_args(app)
    assert after["script"] == before["script"], "the pair of maps would remount"
    assert after["feature_group"] != before["feature_group"]
    assert after["feature_group"].count(RIGHT_PANE) == 8  # one layer fewer on the right too


def test_both_panes_follow_the_pages_basemap(app):
    app.selectbox(key="basemap").set_value("gaode").run()
    groups = compare_args(app)["feature_group"]
    assert groups.count("autonavi") >= 2  # the tiles, in each pane
    assert "120.374" in groups  # the projects shifted onto the GCJ-02 grid with them


def test_choosing_the_times_changes_the_year_boxes(app):
    app.selectbox(key="compare_left").set_value("2020").run()
    groups = compare_args(app)["feature_group"]
    assert "截至2020年底" in groups and "2021年目标" in groups
    assert "2016–2020年" not in groups


@pytest.mark.parametrize("side", SIDE_IDS)
def test_every_side_keeps_the_pages_layers(side):
    view = ViewState(layers=("renewal",), statuses=("completed",), lang="en")
    pane = pane_view(side, view)
    assert pane.project_filter.layers == ("renewal",)
    assert pane.project_filter.statuses == ("completed",)


def test_sides_are_the_reports_times():
    assert pane_view("2016-2020", ViewState()).project_filter.years == (2016, 2020)
    assert pane_view("2021", ViewState()).project_filter.as_of == 2021
    with pytest.raises(ValueError, match="unknown comparison side '2018'; choose one of"):
        pane_view("2018", ViewState())


def test_the_radius_filter_narrows_both_panes(app):
    def ids() -> set[str]:
        found = re.findall(r'"id": "([a-z0-9-]+)"', compare_args(app)["feature_group"])
        return {i for i in found if not i.isdigit()}

    assert "zhanshan-plaza" in ids()
    app.toggle(key="radius_on").set_value(True).run()
    app.session_state["radius_centre"] = (36.0690, 120.3187)  # by 劈柴院, far from 湛山
    app.run()
    assert "zhanshan-plaza" not in ids() and "pichaiyuan-phase-2" in ids()
