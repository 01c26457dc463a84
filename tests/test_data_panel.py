"""The data panel in the app (AppTest): edit with validation next to the field, draw, delete,
history and restore, on a copy of the small data file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from geo.store import GeoJSONFileStore
from tests.conftest import TEST_DATA

APP = str(Path(__file__).resolve().parents[1] / "app.py")
FID = "zhanshan-plaza"


@pytest.fixture
def data_file(tmp_path) -> Path:
    path = tmp_path / "projects.geojson"
    path.write_bytes(TEST_DATA.read_bytes())
    return path


@pytest.fixture
def app(monkeypatch, data_file):
    monkeypatch.setenv("PROJECT_MAP_DATA", str(data_file))
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["lang"] = "both"  # labels are looked up by their English words
    at.run()
    assert not at.exception, at.exception
    at.toggle(key="data_panel_open").set_value(True).run()
    assert not at.exception, at.exception
    return at


def props(path: Path, fid: str = FID) -> dict:
    data = json.loads(path.read_text(encoding="utf-8"))
    return next(f["properties"] for f in data["features"] if f["properties"]["id"] == fid)


def widget(at, kind: str, label_start: str):
    # The fixture opens the page in both languages: find the widget by its English words.
    return next(w for w in getattr(at, kind) if label_start in w.label)


def errors(at) -> list[str]:
    # Markdown characters in messages are backslash-escaped; the reader sees them plain.
    return [e.value.replace("\\", "") for e in at.error]


def choose(at, fid: str = FID):
    at.selectbox(key="edit_feature").set_value(fid).run()
    assert not at.exception, at.exception


def test_panel_is_off_by_default_and_costs_no_second_map(monkeypatch, data_file):
    monkeypatch.setenv("PROJECT_MAP_DATA", str(data_file))
    at = AppTest.from_file(APP, default_timeout=60).run()
    maps = [
        e
        for e in at.main
        if type(e).__name__ == "UnknownElement"
        and "feature_group" in getattr(e.proto, "json_args", "")
    ]
    assert len(maps) == 1


def test_status_after_a_meeting_becomes_a_milestone_and_is_logged(app, data_file):
    choose(app)
    app.text_input(key="editor_name").set_value("王规划").run()
    widget(app, "selectbox", "Status").set_value("under_construction")
    widget(app, "number_input", "Year").set_value(2026)
    widget(app, "text_input", "Note").set_value("例会确认开工")
    widget(app, "text_input", "Document").set_value("2026年3月规划例会纪要")
    widget(app, "text_area", "Its words").set_value("湛山广场项目已开工建设")
    widget(app, "button", "Save").click().run()
    assert not app.exception, app.exception
    saved = props(data_file)
    assert saved["status"] == "under_construction"
    last = saved["milestones"][-1]
    assert last == {
        "year": 2026,
        "kind": "reported",
        "status": "under_construction",
        "note_zh": "例会确认开工",
        "quote": "湛山广场项目已开工建设",
        "document": "2026年3月规划例会纪要",
        "recorded_by": "王规划",
    }
    fields = {(c.who, c.field) for c in GeoJSONFileStore(data_file).history(feature=FID)}
    assert {("王规划", "status"), ("王规划", "milestones")} <= fields
    assert any("saved zhanshan-plaza" in s.value for s in app.success)


def test_invalid_edit_shows_the_problem_next_to_the_field_and_saves_nothing(app, data_file):
    before = data_file.read_bytes()
    choose(app)
    app.text_input(key="editor_name").set_value("li").run()
    widget(app, "selectbox", "Status").set_value("completed")
    widget(app, "text_input", "Chinese name").set_value("   ")
    widget(app, "button", "Save").click().run()
    assert data_file.read_bytes() == before
    shown = errors(app)
    assert any("non-empty" in e for e in shown), shown  # next to the name
    assert any("verbatim" in e or "short note" in e for e in shown), shown  # next to the quote


def test_saving_needs_a_name(app, data_file):
    before = data_file.read_bytes()
    choose(app)
    widget(app, "text_input", "English name").set_value("Zhanshan Square")
    widget(app, "button", "Save").click().run()
    assert data_file.read_bytes() == before
    assert any("enter your name" in e for e in errors(app))


def test_redraw_uses_the_shape_drawn_on_the_map(app, data_file, monkeypatch):
    import streamlit_folium

    choose(app)
    app.text_input(key="editor_name").set_value("zhao").run()
    drawn = {"type": "Point", "coordinates": [120.3701, 36.0612]}

    # What streamlit-folium returns once a shape is drawn (no JavaScript runs in AppTest);
    # only the drawing map asks for "all_drawings".
    def component(**kwargs):
        if "all_drawings" in kwargs["returned_objects"]:
            return {"all_drawings": [{"type": "Feature", "geometry": drawn}]}
        return kwargs["default"]

    monkeypatch.setattr(streamlit_folium, "_component_func", component)
    app.run()
    assert widget(app, "checkbox", "Use the shape drawn").value is True
    widget(app, "button", "Save").click().run()
    data = json.loads(data_file.read_text(encoding="utf-8"))
    geometry = next(f["geometry"] for f in data["features"] if f["properties"]["id"] == FID)
    assert geometry == drawn


def test_delete_needs_confirmation_and_can_be_restored(app, data_file):
    original = data_file.read_bytes()
    choose(app)
    app.text_input(key="editor_name").set_value("sun").run()
    delete = widget(app, "button", "Delete project")
    assert delete.disabled
    app.checkbox(key=f"delete_sure_{FID}").check().run()
    widget(app, "button", "Delete project").click().run()
    ids = [f["properties"]["id"] for f in json.loads(data_file.read_text())["features"]]
    assert FID not in ids
    # History: restore the whole file to the version before the delete.
    app.checkbox(key="restore_sure").check().run()
    widget(app, "button", "Restore the whole file").click().run()
    assert not app.exception, app.exception
    assert data_file.read_bytes() == original
