"""The GeoJSON store: atomic saves, version check and merge, change log, history and restore."""

from __future__ import annotations

import copy
import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from geo.errors import ProjectDataError
from geo.history import ChangeLog
from geo.store import GeoJSONFileStore, VersionConflict, dump_collection, version_of

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def data_file(tmp_path, collection) -> Path:
    path = tmp_path / "projects.geojson"
    path.write_bytes(dump_collection(collection))
    path.chmod(0o640)
    return path


def feature(collection, fid):
    return next(f for f in collection["features"] if f["properties"]["id"] == fid)


def edit(snapshot, fid, **props):
    new = copy.deepcopy(snapshot.collection)
    feature(new, fid)["properties"].update(props)
    return new


def test_save_writes_atomically_keeps_mode_and_logs_each_field(data_file):
    store = GeoJSONFileStore(data_file)
    base = store.load()
    result = store.save(
        edit(base, "zhanshan-plaza", name_en="Zhanshan Square"), base=base, who="li"
    )
    assert data_file.stat().st_mode & 0o777 == 0o640
    assert version_of(data_file.read_bytes()) == result.version
    [change] = store.history()
    assert (change.who, change.feature, change.field) == ("li", "zhanshan-plaza", "name_en")
    assert (change.old, change.new) == ("Zhanshan Plaza", "Zhanshan Square")
    assert change.before == base.version and change.after == result.version
    assert not list(data_file.parent.glob(".projects.geojson.tmp-*"))


def test_invalid_edit_is_refused_and_file_untouched(data_file):
    store = GeoJSONFileStore(data_file)
    before = data_file.read_bytes()
    base = store.load()
    with pytest.raises(ProjectDataError, match="status"):
        store.save(edit(base, "zhanshan-plaza", status="finished"), base=base, who="li")
    assert data_file.read_bytes() == before
    assert store.history() == []


def test_second_editor_on_the_same_field_is_refused_naming_feature_and_field(data_file):
    store = GeoJSONFileStore(data_file)
    alice, bob = store.load(), store.load()
    store.save(edit(alice, "zhanshan-plaza", name_en="Alice's name"), base=alice, who="alice")
    saved = data_file.read_bytes()
    with pytest.raises(VersionConflict) as caught:
        store.save(edit(bob, "zhanshan-plaza", name_en="Bob's name"), base=bob, who="bob")
    assert caught.value.conflicts == [("zhanshan-plaza", "name_en")]
    assert "zhanshan-plaza" in str(caught.value) and "name_en" in str(caught.value)
    assert "alice" in str(caught.value)
    assert data_file.read_bytes() == saved


def test_second_editor_on_other_fields_is_merged(data_file):
    store = GeoJSONFileStore(data_file)
    alice, bob = store.load(), store.load()
    store.save(edit(alice, "zhanshan-plaza", name_en="Alice's name"), base=alice, who="alice")
    result = store.save(edit(bob, "greenway-2021", name_en="Bob's greenway"), base=bob, who="bob")
    now = store.load().collection
    assert feature(now, "zhanshan-plaza")["properties"]["name_en"] == "Alice's name"
    assert feature(now, "greenway-2021")["properties"]["name_en"] == "Bob's greenway"
    assert ("zhanshan-plaza", "name_en") in result.merged


def test_delete_against_an_edit_conflicts(data_file):
    store = GeoJSONFileStore(data_file)
    alice, bob = store.load(), store.load()
    store.save(edit(alice, "zhanshan-plaza", name_en="Edited"), base=alice, who="alice")
    gone = copy.deepcopy(bob.collection)
    gone["features"] = [f for f in gone["features"] if f["properties"]["id"] != "zhanshan-plaza"]
    with pytest.raises(VersionConflict, match="zhanshan-plaza"):
        store.save(gone, base=bob, who="bob")


def test_restore_a_feature_and_the_whole_file(data_file):
    store = GeoJSONFileStore(data_file)
    original = data_file.read_bytes()
    base = store.load()
    first = store.save(
        edit(base, "zhanshan-plaza", name_en="One", location_note="Moved."), base=base, who="a"
    )
    second = store.save(
        edit(store.load(), "greenway-2021", name_en="Two"), base=store.load(), who="b"
    )
    # One feature back to the original version; the other edit stays.
    store.restore(base.version, base=store.load(), who="c", feature="zhanshan-plaza")
    now = store.load().collection
    assert feature(now, "zhanshan-plaza")["properties"]["name_en"] == "Zhanshan Plaza"
    assert feature(now, "greenway-2021")["properties"]["name_en"] == "Two"
    # The whole file back, byte for byte, by a unique prefix of the version.
    store.restore(base.version[:10], base=store.load(), who="c")
    assert data_file.read_bytes() == original
    assert store.collection_at(first.version) != store.collection_at(second.version)
    sources = [c.source for c in store.history()]
    assert any(s and s.startswith("restore") for s in sources)
    history = store.history(feature="zhanshan-plaza")
    assert [c.who for c in history] == ["a", "a", "c", "c"][: len(history)]


def test_unknown_version_is_a_clear_message(data_file):
    store = GeoJSONFileStore(data_file)
    with pytest.raises(ProjectDataError, match="no such version"):
        store.restore("0000000000", base=store.load(), who="x")


def test_torn_log_line_and_unfinished_save_are_settled(data_file):
    store = GeoJSONFileStore(data_file)
    base = store.load()
    store.save(edit(base, "zhanshan-plaza", name_en="One"), base=base, who="a")
    log = ChangeLog(store.folder / "changes.jsonl")
    # A crash after the change lines but before the rename, then one mid-line.
    log.append([{"save": "dead", "after": "f" * 64, "feature": "x", "field": "y"}])
    with log.path.open("a") as out:
        out.write('{"save": "torn", "feat')
    assert len(store.history()) == 1
    records = log.records()
    assert {"abort": "dead"} in records
    assert log.path.read_text().endswith("\n")


WRITER = """
import copy, sys
from geo.store import GeoJSONFileStore
store = GeoJSONFileStore(sys.argv[1], check_quotes=False)
i = 0
print("ready", flush=True)
while True:
    base = store.load()
    new = copy.deepcopy(base.collection)
    new["features"][0]["properties"]["name_en"] = f"Edit {i}"
    store.save(new, base=base, who="writer")
    i += 1
"""


def test_killed_writer_leaves_old_or_new_file_and_a_consistent_log(data_file):
    """SIGKILL a writer at random moments, many times: the file is always a whole version
    that was written, and the committed log ends at exactly the file's version."""
    rng = random.Random(11)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    store = GeoJSONFileStore(data_file, check_quotes=False)
    kills = 0
    for _ in range(40):
        proc = subprocess.Popen(
            [sys.executable, "-c", WRITER, str(data_file)], env=env, stdout=subprocess.PIPE
        )
        assert proc.stdout.readline() == b"ready\n"
        time.sleep(rng.random() * 0.05)  # saves take a few ms: land anywhere in one
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        kills += 1
        data = data_file.read_bytes()
        json.loads(data)  # whole, parseable
        version = version_of(data)
        changes = store.history()  # settles an unfinished save
        assert (store.folder / "versions" / f"{version}.geojson").is_file() or not changes
        if changes:
            assert changes[-1].after == version
        saves = [c for c in changes]
        for earlier, later in zip(saves, saves[1:], strict=False):
            if earlier.save != later.save:
                assert later.before == earlier.after, "the log skips a version"
    assert kills == 40
    store.save(store.load().collection, base=store.load(), who="check")  # cleans up
    assert not list(data_file.parent.glob(".projects.geojson.tmp-*"))
    saves = {c.save for c in store.history()}
    assert len(saves) > 40, "the writer must have saved between kills"
