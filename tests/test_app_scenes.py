"""Saving and deleting scenes in the app (AppTest): two presenters at once, read-only files."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from geo import settings
from tests.conftest import TEST_DATA

APP = str(Path(__file__).resolve().parents[1] / "app.py")


@pytest.fixture
def scenes_file(monkeypatch, tmp_path) -> Path:
    path = tmp_path / "scenes.json"
    shutil.copy(settings.DATA_DIR / "scenes.json", path)
    monkeypatch.setenv("PROJECT_MAP_SCENES", str(path))
    monkeypatch.setenv("PROJECT_MAP_DATA", str(TEST_DATA))
    return path


def _open() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception, at.exception
    return at


def _fill(at: AppTest, title: str) -> None:
    at.text_input(key="new_title_zh").input(f"{title}中文")
    at.text_input(key="new_title_en").input(title)
    at.text_area(key="new_caption_zh").input("说明")
    at.text_area(key="new_caption_en").input("Caption")


def _click(at: AppTest, key: str) -> None:
    next(b for b in at.button if b.key == key).click().run()


def _save_button(at: AppTest):
    return next(b for b in at.button if b.label == "保存 Save")


def _stored_ids(path: Path) -> list[str]:
    return [s["id"] for s in json.loads(path.read_text(encoding="utf-8"))["scenes"]]


def test_two_sessions_saving_in_turn_keep_both_scenes(scenes_file):
    first, second = _open(), _open()  # both loaded the file before either saved
    _fill(first, "First presenter")
    _fill(second, "Second presenter")
    _save_button(first).click().run()
    _save_button(second).click().run()
    assert not first.exception and not second.exception
    ids = _stored_ids(scenes_file)
    assert "first-presenter" in ids and "second-presenter" in ids
    assert "Saved scene" in first.sidebar.success[0].value
    assert "Saved scene" in second.sidebar.success[0].value


def test_read_only_scenes_file_turns_saving_off_and_says_so(scenes_file):
    os.chmod(scenes_file, 0o444)
    at = _open()
    assert not any(b.label == "保存 Save" for b in at.button)
    notes = " ".join(i.value for i in at.sidebar.info)
    assert "read-only" in notes and "只读" in notes
    assert oct(scenes_file.stat().st_mode & 0o777) == oct(0o444)


def test_delete_needs_a_confirmation(scenes_file):
    at = _open()
    at.selectbox(key="delete_scene_choice").set_value("parking-and-parks").run()
    _click(at, "delete_scene_ask")
    assert "parking-and-parks" in _stored_ids(scenes_file)  # not yet
    assert "cannot be undone" in at.sidebar.warning[0].value
    _click(at, "delete_scene_cancel")
    assert "parking-and-parks" in _stored_ids(scenes_file)
    _click(at, "delete_scene_ask")
    _click(at, "delete_scene_yes")
    assert not at.exception
    assert "parking-and-parks" not in _stored_ids(scenes_file)
    assert len(_stored_ids(scenes_file)) == 4


@pytest.mark.parametrize(
    "content",
    [b'{"scenes": [', b"\xff\xfe", b'{"scenes": "all"}', b'{"scenes": [' + b"[" * 3000],
)
def test_bad_scenes_file_gives_a_warning_and_the_map_runs(scenes_file, content):
    scenes_file.write_bytes(content)
    at = _open()
    assert any("scenes file has problems" in w.value for w in at.warning)
    maps = [e for e in at.main if type(e).__name__ == "UnknownElement"]
    assert len(maps) == 1
