"""Saving and deleting scenes: concurrent writers, permissions, limits, leftovers."""

from __future__ import annotations

import json
import multiprocessing
import os
import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from geo import settings
from geo.errors import ProjectDataError
from geo.scenes import (
    Scene,
    SceneStoreError,
    add_scene,
    delete_scene,
    load_scenes,
    remove_stale_temp_files,
    saving_disabled,
)
from geo.view import ViewState

BUNDLED = settings.DATA_DIR / "scenes.json"


@pytest.fixture
def scenes_file(tmp_path) -> Path:
    path = tmp_path / "scenes.json"
    shutil.copy(BUNDLED, path)
    return path


def _scene(scene_id: str, title: str = "标题") -> Scene:
    return Scene(scene_id, title, "Title", "说明", "Caption", ViewState(layers=("renewal",)))


def _save_many(path: str, prefix: str, count: int) -> None:
    for i in range(count):
        for _attempt in range(5):  # "busy, try again" is said, never a silent loss: retry
            try:
                add_scene(_scene(f"{prefix}-{i}"), path, max_scenes=10_000)
                break
            except SceneStoreError as exc:
                if exc.key != "admin.scenes_busy":
                    raise


def test_two_processes_saving_300_scenes_each_lose_none(scenes_file):
    before = len(load_scenes(scenes_file))
    context = multiprocessing.get_context("fork")
    writers = [
        context.Process(target=_save_many, args=(str(scenes_file), name, 300))
        for name in ("left", "right")
    ]
    for writer in writers:
        writer.start()
    for writer in writers:
        writer.join(timeout=600)
        assert writer.exitcode == 0
    ids = {s.id for s in load_scenes(scenes_file)}
    lost = {f"{p}-{i}" for p in ("left", "right") for i in range(300)} - ids
    assert not lost, f"{len(lost)} scenes lost"
    assert len(ids) == before + 600


def test_a_save_returns_the_stored_scene_with_a_unique_id(scenes_file):
    first = add_scene(_scene("west-old-city"), scenes_file)
    assert first.id == "west-old-city-2"
    assert load_scenes(scenes_file)[-1] == first


def test_mode_and_owner_are_kept(scenes_file):
    os.chmod(scenes_file, 0o664)
    if os.geteuid() == 0:
        os.chown(scenes_file, 65534, 65534)
    add_scene(_scene("kept"), scenes_file)
    info = scenes_file.stat()
    assert oct(info.st_mode & 0o777) == oct(0o664)
    if os.geteuid() == 0:
        assert (info.st_uid, info.st_gid) == (65534, 65534)


def test_read_only_file_means_saving_is_off(scenes_file):
    os.chmod(scenes_file, 0o444)
    text = scenes_file.read_text(encoding="utf-8")
    assert saving_disabled(scenes_file) == "admin.scenes_read_only"
    with pytest.raises(SceneStoreError, match="read-only"):
        add_scene(_scene("refused"), scenes_file)
    with pytest.raises(SceneStoreError, match="read-only"):
        delete_scene("west-old-city", scenes_file)
    assert scenes_file.read_text(encoding="utf-8") == text
    assert oct(scenes_file.stat().st_mode & 0o777) == oct(0o444)


def test_number_and_size_of_scenes_are_limited(scenes_file):
    count = len(load_scenes(scenes_file))
    with pytest.raises(SceneStoreError, match=f"holds {count} scenes"):
        add_scene(_scene("one-too-many"), scenes_file, max_scenes=count)
    with pytest.raises(SceneStoreError, match="longer than"):
        add_scene(replace(_scene("long"), caption_en="x" * 5000), scenes_file)
    assert len(load_scenes(scenes_file)) == count


def test_delete_removes_only_that_scene(scenes_file):
    ids = [s.id for s in load_scenes(scenes_file)]
    delete_scene(ids[1], scenes_file)
    assert [s.id for s in load_scenes(scenes_file)] == ids[:1] + ids[2:]
    with pytest.raises(SceneStoreError, match="no longer there"):
        delete_scene(ids[1], scenes_file)


def test_a_broken_file_is_never_overwritten(scenes_file):
    scenes_file.write_text('{"scenes": [{"id": "x"', encoding="utf-8")
    with pytest.raises(SceneStoreError, match="not overwritten"):
        add_scene(_scene("new"), scenes_file)
    assert scenes_file.read_text(encoding="utf-8") == '{"scenes": [{"id": "x"'


def test_titles_lose_text_direction_overrides(scenes_file):
    stored = add_scene(replace(_scene("rtl"), title_en="Budget \u202etxt.exe"), scenes_file)
    assert stored.title_en == "Budget txt.exe"


def test_leftover_temp_files_are_removed_at_the_next_start(scenes_file):
    leftovers = [scenes_file.with_name(f".scenes.json.{n}.tmp") for n in ("a1", "b2")]
    for path in leftovers:
        path.write_text("half a save", encoding="utf-8")
    assert remove_stale_temp_files(scenes_file) == 2
    assert not any(path.exists() for path in leftovers)
    assert load_scenes(scenes_file)


def test_bad_scenes_file_raises_a_data_error_not_a_traceback(tmp_path):
    path = tmp_path / "scenes.json"
    path.write_bytes(b'{"scenes": [' + b"[" * 5000 + b"]" * 5000 + b"]}")
    with pytest.raises(ProjectDataError):
        load_scenes(path)


def test_saved_scene_round_trips_through_json(scenes_file):
    add_scene(_scene("round-trip", "往返 $5 <b>"), scenes_file)
    saved = json.loads(scenes_file.read_text(encoding="utf-8"))["scenes"][-1]
    assert saved["title_zh"] == "往返 $5 <b>"
