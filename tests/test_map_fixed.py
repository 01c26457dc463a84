"""What stays on the live map across reruns is sent once, not with every filter state.

The offline background (land, neighbours, place names), the district boundary and the basemap
tiles do not follow a filter: they reach the page once as a script beside the map, and each
rerun's feature groups only name them by key. Run headless with AppTest (no JavaScript).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import TEST_DATA
from tests.map_reading import map_args

APP = str(Path(__file__).resolve().parents[1] / "app.py")


@pytest.fixture
def app(monkeypatch):
    monkeypatch.setenv("PROJECT_MAP_DATA", str(TEST_DATA))
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    assert not at.exception, at.exception
    return at


def _fixed(at) -> tuple[str, dict]:
    """The background element beside the map: its key and payload."""
    bodies = [
        e.proto.body
        for e in at.main
        if type(e).__name__ == "Html" and "/* shinan-background " in e.proto.body
    ]
    assert len(bodies) == 1, "expected the map's background once beside it"
    body = bodies[0]
    key = body.split("/* shinan-background ", 1)[1].split(" ", 1)[0]
    return key, json.loads(body[body.index("] = ") + 4 : body.rindex(";})();</script>")])


def test_a_filter_change_sends_neither_background_nor_boundary_again(app):
    key, payload = _fixed(app)
    groups = map_args(app)["feature_group"]
    assert f'Shinan.background("{key}")' in groups
    # The background's names and shapes are in the element, not in the rerun's groups.
    names = " ".join(p["html"] for p in payload["places"])
    assert "栈桥" in names and "栈桥" not in groups
    assert len(payload["land"]) == 2 and payload["boundary"]["data"]["features"]
    assert "shinanLand" not in groups
    before = map_args(app)["script"]
    app.checkbox(key="layer_renewal").uncheck().run()
    assert _fixed(app) == (key, payload), "the background changed with a filter"
    assert f'Shinan.background("{key}")' in map_args(app)["feature_group"]
    assert map_args(app)["script"] == before, "the base map changed: it would remount"


def test_another_basemap_shifts_the_background_and_swaps_the_tiles(app):
    key, payload = _fixed(app)
    app.selectbox(key="basemap").set_value("gaode").run()
    shifted_key, shifted = _fixed(app)
    groups = map_args(app)["feature_group"]
    assert shifted_key != key and f'Shinan.background("{shifted_key}")' in groups
    assert "autonavi" in groups and "Shinan.tiles(" in groups
    # Landmarks move onto the GCJ-02 grid with the projects: about 460 m east (a district's
    # name is placed afresh inside its shifted shape).
    pairs = zip(payload["places"], shifted["places"], strict=True)
    moved = [b["at"][1] - a["at"][1] for a, b in pairs if a["kind"] != "district"]
    assert moved and all(0.0045 < d < 0.0056 for d in moved)
