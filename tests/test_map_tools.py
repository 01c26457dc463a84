"""Beside the map (AppTest): the radius filter from a map click, and pocket-park service areas."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import streamlit_folium
from streamlit.testing.v1 import AppTest

from geo import analysis, load_boundary, load_projects
from tests.conftest import TEST_DATA
from tests.map_reading import map_args as main_map
from tests.map_reading import shown_ids

APP = str(Path(__file__).resolve().parents[1] / "app.py")
NEAR_PICHAIYUAN = {"lat": 36.0690, "lng": 120.3187}


def _app(monkeypatch, data=TEST_DATA) -> AppTest:
    monkeypatch.setenv("PROJECT_MAP_DATA", str(data))
    monkeypatch.setenv("PROJECT_MAP_BASEMAP", "none")
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["lang"] = "en"
    at.run()
    assert not at.exception
    return at


def _click(monkeypatch, result: dict) -> None:
    """Every map on the page reports ``result`` (the map is still drawn, to be inspected)."""
    draw = streamlit_folium._component_func

    def component(**kwargs):
        draw(**kwargs)
        return result

    monkeypatch.setattr(streamlit_folium, "_component_func", component)


def test_a_map_click_narrows_map_figures_and_table_and_clearing_restores(monkeypatch):
    at = _app(monkeypatch)
    assert len(shown_ids(at)) == 6
    at.toggle(key="radius_on").set_value(True).run()
    assert any("Click the map away from any project" in c.value for c in at.caption)
    _click(monkeypatch, {"last_clicked": NEAR_PICHAIYUAN, "last_object_clicked": None})
    at.run()
    gdf = load_projects(TEST_DATA)
    expected = analysis.within_radius(gdf, NEAR_PICHAIYUAN["lng"], NEAR_PICHAIYUAN["lat"], 500)
    assert 0 < len(expected) < 6
    assert shown_ids(at) == set(expected["id"])
    assert "L.circle" in main_map(at)["feature_group"]  # the radius is drawn
    # The insight panel (figures, charts, table) follows: the same projects.
    assert any(f"{len(expected)} projects shown" in c.value for c in at.caption)
    assert any(
        f"only the {len(expected)} located projects within 500 m" in c.value for c in at.caption
    )
    # A smaller radius narrows further.
    at.selectbox(key="radius_m").set_value(100).run()
    small = analysis.within_radius(gdf, NEAR_PICHAIYUAN["lng"], NEAR_PICHAIYUAN["lat"], 100)
    assert shown_ids(at) == set(small["id"]) and len(small) < len(expected)
    at.button(key="radius_clear").click().run()
    assert len(shown_ids(at)) == 6
    assert "L.circle" not in main_map(at)["feature_group"]


def test_a_click_on_a_project_still_selects_it(monkeypatch):
    at = _app(monkeypatch)
    at.toggle(key="radius_on").set_value(True).run()
    # An area reports the click twice: as the project's and as the map's, at one spot.
    _click(
        monkeypatch,
        {
            "last_clicked": NEAR_PICHAIYUAN,
            "last_object_clicked": NEAR_PICHAIYUAN,
            "last_active_drawing": {"properties": {"id": "pichaiyuan-phase-2"}},
        },
    )
    at.run()
    assert at.session_state["selected_id"] == "pichaiyuan-phase-2"
    assert (
        at.session_state["radius_centre"] is None if "radius_centre" in at.session_state else True
    )
    assert len(shown_ids(at)) == 6


def test_clicks_do_nothing_while_the_radius_filter_is_off(monkeypatch):
    at = _app(monkeypatch)
    _click(monkeypatch, {"last_clicked": NEAR_PICHAIYUAN, "last_object_clicked": None})
    at.run()
    assert len(shown_ids(at)) == 6


def test_service_areas_say_why_there_are_none_for_the_reports_data(monkeypatch):
    at = _app(monkeypatch)
    at.toggle(key="service_areas_on").set_value(True).run()
    assert any("places no pocket park" in c.value for c in at.caption)
    assert "service area" not in main_map(at)["feature_group"]


@pytest.fixture
def data_with_a_park(tmp_path, collection):
    """The test file with its greenway turned into a located pocket park (a point)."""
    feature = next(f for f in collection["features"] if f["properties"]["id"] == "greenway-2021")
    feature["properties"]["name_zh"] = "口袋公园（测试）"
    feature["properties"]["location_precision"] = "approximate"
    feature["properties"].pop("map_placement", None)
    feature["geometry"] = {"type": "Point", "coordinates": [120.35, 36.066]}
    path = tmp_path / "projects.geojson"
    path.write_text(json.dumps(collection, ensure_ascii=False), encoding="utf-8")
    return path


def test_service_areas_on_the_map_with_the_land_they_cover(monkeypatch, data_with_a_park):
    at = _app(monkeypatch, data_with_a_park)
    assert "service area" not in main_map(at)["feature_group"]
    script = main_map(at)["script"]
    at.toggle(key="service_areas_on").set_value(True).run()
    assert not at.exception
    groups = main_map(at)["feature_group"]
    assert "Pocket park 300 m service area (straight line)" in groups
    assert "Pocket park 500 m service area (straight line)" in groups
    assert main_map(at)["script"] == script, "switching the layer on would remount the map"
    shares = analysis.coverage(
        analysis.pocket_parks(load_projects(data_with_a_park)), load_boundary()
    )
    for row in shares.itertuples():
        assert any(f"Within {row.distance_m} m: {row.share:.1%}" in c.value for c in at.caption)
