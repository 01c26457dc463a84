"""The app on PostGIS (AppTest): outside edits show without a restart; only editors write."""

from __future__ import annotations

import json
from pathlib import Path

import psycopg
import pytest
from streamlit.testing.v1 import AppTest

from geo import accounts
from geo.db.pgstore import PostGISStore
from tests.conftest import TEST_DATA
from tests.map_reading import map_data, shown_ids

APP = str(Path(__file__).resolve().parents[1] / "app.py")
FID = "zhanshan-plaza"
PASSWORD = "correct horse battery"


@pytest.fixture
def db(pg_url, monkeypatch, tmp_path) -> PostGISStore:
    monkeypatch.setenv(accounts.USERS_ENV, str(tmp_path / "no-users.json"))
    monkeypatch.delenv(accounts.SIGN_IN_ENV, raising=False)
    store = PostGISStore(pg_url)
    collection = json.loads(TEST_DATA.read_text(encoding="utf-8"))
    store.save(collection, base=store.load(), who="loader")
    accounts.AccountStore().add("ed", "editor", PASSWORD)
    accounts.AccountStore().add("vic", "viewer", PASSWORD)
    return store


@pytest.fixture
def app(db):
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["lang"] = "both"
    at.run()
    assert not at.exception, at.exception
    return at


def map_json(at) -> str:
    """The projects the map shows now, as sent to the browser (their names and tooltips)."""
    payload = map_data(at)
    shown = shown_ids(at)
    return json.dumps(
        [
            {
                key: values[i]
                for key, values in payload.items()
                if isinstance(values, list) and len(values) == len(payload["id"])
            }
            for i, project_id in enumerate(payload["id"])
            if project_id in shown
        ],
        ensure_ascii=False,
    )


def sign_in(at, name: str) -> None:
    at.text_input(key="sign_in_name").set_value(name)
    at.text_input(key="sign_in_password").set_value(PASSWORD)
    next(b for b in at.button if "Sign in" in b.label).click().run()
    assert not at.exception, at.exception


def save_english_name(at, value: str) -> None:
    at.toggle(key="data_panel_open").set_value(True).run()
    at.selectbox(key="edit_feature").set_value(FID).run()
    next(w for w in at.text_input if "English name" in w.label).set_value(value)
    next(b for b in at.button if "Save" in b.label and "scene" not in b.label).click().run()
    assert not at.exception, at.exception


def english_name(db: PostGISStore) -> str:
    collection = db.load().collection
    return next(f for f in collection["features"] if f["properties"]["id"] == FID)["properties"][
        "name_en"
    ]


def test_a_plain_sql_edit_shows_in_the_running_app_without_restart(app, db):
    assert "Zhanshan Plaza" in map_json(app)
    with psycopg.connect(db.url) as conn:
        conn.execute("UPDATE projects SET name_en = 'Edited in QGIS' WHERE id = %s", (FID,))
        conn.execute("DELETE FROM projects WHERE id = 'greenway-2021'")
    app.run()
    shown = map_json(app)
    assert "Edited in QGIS" in shown and "Zhanshan Plaza" not in shown
    assert "greenway-2021" not in shown


def test_a_visitor_who_has_not_signed_in_cannot_save(app, db):
    save_english_name(app, "Vandalised")
    assert english_name(db) == "Zhanshan Plaza"
    texts = [e.value for e in app.error] + [i.value for i in app.info]
    assert any("editor" in t for t in texts), texts


def test_a_viewer_cannot_save_an_editor_can_and_is_named_in_the_log(app, db):
    sign_in(app, "vic")
    save_english_name(app, "By a viewer")
    assert english_name(db) == "Zhanshan Plaza"
    assert any("may not edit" in e.value for e in app.error)
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["lang"] = "both"
    at.run()
    sign_in(at, "ed")
    save_english_name(at, "Zhanshan Square")
    assert english_name(db) == "Zhanshan Square"
    assert db.history(feature=FID)[-1].who == "ed"


def test_a_stale_save_names_who_changed_it_and_when(app, db):
    sign_in(app, "ed")
    app.toggle(key="data_panel_open").set_value(True).run()
    app.selectbox(key="edit_feature").set_value(FID).run()
    # Someone edits the same field in QGIS while the form is open.
    with psycopg.connect(db.url) as conn:
        conn.execute("UPDATE projects SET name_en = 'From QGIS' WHERE id = %s", (FID,))
    next(w for w in app.text_input if "English name" in w.label).set_value("From the app")
    next(b for b in app.button if "Save" in b.label and "scene" not in b.label).click().run()
    assert not app.exception, app.exception
    assert english_name(db) == "From QGIS"
    [message] = [e.value.replace("\\", "") for e in app.error]
    when = db.history(feature=FID)[-1].time  # QGIS's change (refused saves are not listed)
    assert "postgres" in message and FID in message and "name_en" in message
    assert when in message
    refused = db.history(feature=FID, refused=True)[-1]
    assert (refused.who, refused.outcome, refused.new) == ("ed", "refused", "From the app")
    # Reopening the panel reads afresh; the same edit then saves over QGIS's, on purpose.
    app.toggle(key="data_panel_open").set_value(False).run()
    save_english_name(app, "From the app")
    assert english_name(db) == "From the app"
