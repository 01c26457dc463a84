"""The app with vector tiles configured (AppTest, no JavaScript): the tiled layers reach the
map as a filter, never as features; the base map stays the same; a bad setting is one message
and the map draws the projects itself."""

from __future__ import annotations

import json
import shutil
import uuid
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from geo.load import load_projects
from geo.vectortiles import MANIFEST_NAME, build_tiles, data_version
from tests.conftest import TEST_DATA
from tests.map_reading import map_args, map_data

REPO = Path(__file__).resolve().parents[1]
APP = str(REPO / "app.py")


@pytest.fixture
def tiles(tmp_path):
    folder = REPO / "static" / f".test-tiles-{uuid.uuid4().hex[:8]}"
    gdf = load_projects(TEST_DATA)
    build_tiles(gdf[gdf["layer"] != "renewal"], folder, version=data_version(TEST_DATA))
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def _run(monkeypatch, tiles_setting: str | None) -> AppTest:
    monkeypatch.setenv("PROJECT_MAP_DATA", str(TEST_DATA))
    if tiles_setting is not None:
        monkeypatch.setenv("PROJECT_MAP_TILES", tiles_setting)
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    assert not at.exception, at.exception
    return at


def _tiled_view(at) -> tuple[dict, dict]:
    groups = map_args(at)["feature_group"]
    marker = "new Shinan.TiledView("
    assert groups.count(marker) == 1, "expected one tiled view in the map's groups"
    text = groups[groups.index(marker) + len(marker) :]
    decoder = json.JSONDecoder()
    config, end = decoder.raw_decode(text)
    shown, _ = decoder.raw_decode(text[end + 2 :])  # after ", "
    return config, shown


def test_tiled_layers_are_sent_as_a_filter_and_the_rest_as_features(monkeypatch, tiles):
    at = _run(monkeypatch, str(tiles.relative_to(REPO)))
    config, shown = _tiled_view(at)
    prefix = f"/app/static/{tiles.name}/"
    assert [f["url"] for f in config["files"]] == [
        prefix + name
        for name in (
            "construction.pmtiles",
            "parking.pmtiles",
            "pocket_park.pmtiles",
            "fiveg.pmtiles",
        )  # fmt: skip
    ]
    assert shown["layers"] == ["construction", "parking", "pocket_park", "fiveg"]
    assert shown["statuses"] == ["planned", "preparation", "under_construction", "completed",
                                 "open"]  # fmt: skip
    # Only the untiled layer's projects are sent as features.
    assert set(map_data(at)["id"]) == {"qingdao-bay-plaza", "pichaiyuan-phase-2"}
    args = map_args(at)
    assert "protomaps-leaflet/protomaps-leaflet.js" in json.dumps(args["js_links"])
    assert not [e for e in at.main if type(e).__name__ in ("Alert", "Warning", "Error")]


def test_a_filter_changes_the_tiled_view_not_the_map(monkeypatch, tiles):
    at = _run(monkeypatch, str(tiles.relative_to(REPO)))
    before = map_args(at)["script"]
    at.pills(key="statuses").set_value(["preparation", "planned"]).run()
    assert _tiled_view(at)[1]["statuses"] == ["planned", "preparation"]
    at.checkbox(key="layer_fiveg").uncheck().run()
    assert _tiled_view(at)[1]["layers"] == ["construction", "parking", "pocket_park"]
    at.radio(key="mode").set_value("as_of").run()
    at.select_slider(key="as_of").set_value(2020).run()
    assert _tiled_view(at)[1]["asOf"] == 2020
    assert map_args(at)["script"] == before, "the base map changed: it would remount"


def test_without_tiles_the_base_map_loads_no_tile_plugin(monkeypatch):
    at = _run(monkeypatch, None)
    assert "protomaps" not in json.dumps(map_args(at)["js_links"])
    assert "TiledView" not in map_args(at)["feature_group"]


@pytest.mark.parametrize(
    ("setting", "damage", "expected"),
    [
        ("/tmp", None, "not under"),
        ("static/.no-such-tiles/tiles.json", None, "no such file"),
        (None, lambda d: (d / "fiveg.pmtiles").unlink(), "fiveg.pmtiles missing"),
        (None, lambda d: (d / MANIFEST_NAME).write_text("[]"), "not a tiles manifest"),
    ],
)
def test_unusable_tiles_are_one_message_and_the_map_draws_every_project(
    monkeypatch, tiles, setting, damage, expected
):
    if damage:
        damage(tiles)
    at = _run(monkeypatch, setting or str(tiles.relative_to(REPO)))
    errors = [e.value for e in at.error]
    assert len(errors) == 1 and expected in errors[0] and "Traceback" not in errors[0]
    assert "TiledView" not in map_args(at)["feature_group"]
    assert len(map_data(at)["id"]) == 6


def test_tiles_of_another_data_version_say_so(monkeypatch, tiles):
    manifest = json.loads((tiles / MANIFEST_NAME).read_text())
    manifest["data_version"] = "0123456789abcdef"
    (tiles / MANIFEST_NAME).write_text(json.dumps(manifest))
    at = _run(monkeypatch, str(tiles.relative_to(REPO)))
    warnings = [w.value for w in at.warning]
    assert any("0123456789abcdef" in w and "python -m geo tiles" in w for w in warnings)
    assert _tiled_view(at)  # still drawn: the page says the tiles may be out of date


def test_picked_bars_narrow_the_tiles_and_the_radius_question_is_said_not_ignored(
    monkeypatch, tiles
):
    at = _run(monkeypatch, str(tiles.relative_to(REPO)))
    config, shown = _tiled_view(at)
    assert shown["pick"] is None and not config.get("notice")
    # A bar of the status chart picked: the tiles show only that layer and status.
    at.session_state["insight_status_chart"] = {
        "selection": {"pick": [{"layer": "fiveg", "status": "planned"}]}
    }
    at.run()
    assert _tiled_view(at)[1]["pick"] == {"pairs": [["fiveg", "planned"]], "layers": []}
    # The radius question on: the tiles cannot answer it, and the map says so by name.
    at.session_state["insight_status_chart"] = {}
    at.session_state["radius_on"] = True
    at.session_state["radius_centre"] = (36.06, 120.33)
    at.run()
    config, shown = _tiled_view(at)
    assert shown["pick"] is None
    assert "半径" in config["notice"] and "5G与智慧城市" in config["notice"]
