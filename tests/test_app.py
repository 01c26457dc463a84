"""The Streamlit app, run headless with AppTest: filters change what the map gets, never the map.

No JavaScript runs here: the map is the streamlit-folium component, whose arguments hold the
base map's script and the feature groups sent to the browser.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import TEST_DATA

APP = str(Path(__file__).resolve().parents[1] / "app.py")


@pytest.fixture
def app(monkeypatch):
    monkeypatch.setenv("PROJECT_MAP_DATA", str(TEST_DATA))
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    assert not at.exception, at.exception
    return at


def map_args(at) -> dict:
    maps = [e for e in at.main if type(e).__name__ == "UnknownElement"]
    assert len(maps) == 1, "expected exactly one map"
    return json.loads(maps[0].proto.json_args)


def shown_ids(at) -> set[str]:
    groups = map_args(at)["feature_group"] or ""
    ids = set(re.findall(r'"id": "([a-z0-9-]+)"', groups))
    return {i for i in ids if not i.isdigit()}  # folium numbers features without an id


def html_text(at, testid: str) -> str:
    bodies = [e.proto.body for e in at.main if type(e).__name__ == "Html"]
    return next((b for b in bodies if f'data-testid="{testid}"' in b), "")


def test_starts_with_every_project_on_the_map(app):
    assert len(shown_ids(app)) == 6
    assert "<b>6</b> / 6" in html_text(app, "project-counts")


def test_layer_toggle_changes_features_not_the_map(app):
    before = map_args(app)
    app.checkbox(key="layer_renewal").uncheck().run()
    after = map_args(app)
    assert shown_ids(app) == {
        "zhanshan-plaza",
        "district-parking-2021",
        "greenway-2021",
        "hong-kong-road-5g",
    }
    assert after["script"] == before["script"], "the base map changed: it would remount"
    assert after["key"] == before["key"]
    assert "已隐藏 hidden" in html_text(app, "project-counts")


def test_status_filter(app):
    before = map_args(app)["script"]
    app.multiselect(key="statuses").set_value(["preparation", "under_construction"]).run()
    assert shown_ids(app) == {"qingdao-bay-plaza", "pichaiyuan-phase-2"}
    assert "<b>2</b> / 6" in html_text(app, "project-counts")
    assert map_args(app)["script"] == before


def test_as_of_year_shows_status_in_that_year(app):
    app.radio(key="mode").set_value("as_of").run()
    app.slider(key="as_of").set_value(2018).run()
    assert shown_ids(app) == {"qingdao-bay-plaza", "pichaiyuan-phase-2"}
    app.slider(key="as_of").set_value(2021).run()
    groups = map_args(app)["feature_group"]
    assert len(shown_ids(app)) == 6
    assert "2021 target" in groups  # the tooltip says it is a plan, not a fact


def test_period_filter(app):
    app.radio(key="mode").set_value("period").run()
    app.slider(key="years").set_value((2016, 2020)).run()
    assert shown_ids(app) == {"qingdao-bay-plaza", "pichaiyuan-phase-2"}


def test_search_selects_and_zooms_to_a_project(app):
    app.selectbox(key="search").set_value("pichaiyuan-phase-2").run()
    args = map_args(app)
    assert args["zoom"] >= 15
    assert args["center"] == pytest.approx([36.0694, 120.3187], abs=1e-3)
    detail = html_text(app, "project-detail")
    assert "劈柴院二期" in detail and "北京路5号" in detail and "位置近似" in detail


def test_click_opens_the_detail_panel(monkeypatch, app):
    import streamlit_folium

    clicked = {"last_active_drawing": {"properties": {"id": "district-parking-2021"}}}
    monkeypatch.setattr(streamlit_folium, "_component_func", lambda **kwargs: clicked)
    app.run()
    detail = html_text(app, "project-detail")
    assert "全区新建及联网停车位" in detail
    assert "10,400" in detail and "示意位置" in detail


def test_basemap_choice_keeps_the_map(app):
    before = map_args(app)
    app.selectbox(key="basemap").set_value("gaode").run()
    after = map_args(app)
    assert after["script"] == before["script"]
    assert "autonavi" in after["feature_group"]
    assert "120.374" in after["feature_group"]  # shifted onto the GCJ-02 grid


def test_bad_data_gets_a_message_not_a_traceback(monkeypatch, tmp_path):
    broken = json.loads(TEST_DATA.read_text(encoding="utf-8"))
    broken["features"][0]["properties"]["status"] = "finished"
    path = tmp_path / "broken.geojson"
    path.write_text(json.dumps(broken, ensure_ascii=False), encoding="utf-8")
    monkeypatch.setenv("PROJECT_MAP_DATA", str(path))
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    assert "cannot be loaded" in at.error[0].value
    assert "qingdao-bay-plaza" in at.code[0].value and "'status'" in at.code[0].value


def test_hostile_name_is_escaped_in_the_detail_panel(monkeypatch, tmp_path):
    data = json.loads(TEST_DATA.read_text(encoding="utf-8"))
    data["features"][0]["properties"]["name_zh"] = "<img src=x onerror=alert(1)>${x}"
    path = tmp_path / "hostile.geojson"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    monkeypatch.setenv("PROJECT_MAP_DATA", str(path))
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.selectbox(key="search").set_value("qingdao-bay-plaza").run()
    detail = html_text(at, "project-detail")
    assert "<img" not in detail and "${x}" not in detail
    assert "&lt;img src=x onerror=alert(1)&gt;&#36;{x}" in detail
    assert "<img" not in map_args(at)["feature_group"]
