"""PostGIS store on a real PostgreSQL: the same behaviour as the file, plus what a bureau needs.

Every test gets a fresh migrated database (``pg_url`` in conftest). Tests that describe the
store's contract run on both stores.
"""

from __future__ import annotations

import copy
import json
import re
import threading
from pathlib import Path

import psycopg
import pytest

from geo import auth
from geo.cli import main
from geo.db.pgstore import PostGISStore
from geo.errors import ProjectDataError
from geo.store import GeoJSONFileStore, VersionConflict, dump_collection, open_store

ROOT = Path(__file__).resolve().parents[1]
BUNDLED = ROOT / "data" / "projects.geojson"


def feature(collection, fid):
    return next(f for f in collection["features"] if f["properties"]["id"] == fid)


def edit(snapshot, fid, **props):
    new = copy.deepcopy(snapshot.collection)
    feature(new, fid)["properties"].update(props)
    return new


@pytest.fixture
def pg_store(pg_url, collection) -> PostGISStore:
    """The small test collection loaded into a fresh database."""
    store = PostGISStore(pg_url)
    store.save(collection, base=store.load(), who="loader", source="mini_projects.geojson")
    return store


@pytest.fixture(params=["file", "postgis"])
def store(request, tmp_path, collection):
    """Each store holding the small test collection (for contract tests)."""
    if request.param == "file":
        path = tmp_path / "projects.geojson"
        path.write_bytes(dump_collection(collection))
        return GeoJSONFileStore(path)
    return request.getfixturevalue("pg_store")


# The contract: both stores ----------------------------------------------------------------------
def test_save_is_loaded_back_and_logged_field_by_field(store):
    base = store.load()
    new = edit(base, "zhanshan-plaza", name_en="Zhanshan Square")
    result = store.save(new, base=base, who="li")
    now = store.load()
    assert now.version == result.version != base.version
    assert feature(now.collection, "zhanshan-plaza")["properties"]["name_en"] == "Zhanshan Square"
    change = store.history(feature="zhanshan-plaza")[-1]
    assert (change.who, change.field) == ("li", "name_en")
    assert (change.old, change.new) == ("Zhanshan Plaza", "Zhanshan Square")


def test_invalid_edit_writes_nothing(store):
    base = store.load()
    before = len(store.history())
    with pytest.raises(ProjectDataError, match="status"):
        store.save(edit(base, "zhanshan-plaza", status="finished"), base=base, who="li")
    assert store.load().version == base.version
    assert len(store.history()) == before


def test_same_field_refused_other_fields_merged(store):
    alice, bob = store.load(), store.load()
    store.save(edit(alice, "zhanshan-plaza", name_en="Alice's"), base=alice, who="alice")
    with pytest.raises(VersionConflict) as caught:
        store.save(edit(bob, "zhanshan-plaza", name_en="Bob's"), base=bob, who="bob")
    assert caught.value.conflicts == [("zhanshan-plaza", "name_en")]
    assert "alice" in str(caught.value)
    carol = store.save(edit(bob, "zhanshan-plaza", name_zh="湛山广场（东）"), base=bob, who="carol")
    props = feature(store.load().collection, "zhanshan-plaza")["properties"]
    assert (props["name_en"], props["name_zh"]) == ("Alice's", "湛山广场（东）")
    assert ("zhanshan-plaza", "name_en") in carol.merged


def test_restore_one_feature_then_everything(store):
    base = store.load()
    store.save(edit(base, "zhanshan-plaza", name_en="One"), base=base, who="a")
    store.save(edit(store.load(), "greenway-2021", name_en="Two"), base=store.load(), who="b")
    store.restore(base.version, base=store.load(), who="c", feature="zhanshan-plaza")
    now = store.load().collection
    assert feature(now, "zhanshan-plaza")["properties"]["name_en"] == "Zhanshan Plaza"
    assert feature(now, "greenway-2021")["properties"]["name_en"] == "Two"
    store.restore(base.version, base=store.load(), who="c")
    assert store.load().collection == base.collection
    assert any((c.source or "").startswith("restore") for c in store.history())


def test_viewer_and_anonymous_cannot_write_through_the_store(store):
    base = store.load()
    new = edit(base, "zhanshan-plaza", name_en="Vandal")
    for actor in (auth.ANONYMOUS, auth.Actor("vera", "viewer")):
        store.actor = actor
        with pytest.raises(auth.AccessDenied, match="needs role editor"):
            store.save(new, base=base, who=actor.name or "?")
        with pytest.raises(auth.AccessDenied):
            store.restore(base.version, base=base, who="x", feature="zhanshan-plaza")
    store.actor = auth.Actor("ed", "editor")
    store.save(new, base=base, who="ed")
    assert [c.who for c in store.history(feature="zhanshan-plaza")][-1] == "ed"


# The database ------------------------------------------------------------------------------------
def test_load_then_dump_gives_the_bundled_file_byte_for_byte(pg_url, tmp_path, capsys):
    assert main(["db", "load", str(BUNDLED), "--who", "loader"]) == 0
    out = tmp_path / "dump.geojson"
    assert main(["db", "dump", str(out)]) == 0
    assert out.read_bytes() == BUNDLED.read_bytes()
    assert "54 features" in capsys.readouterr().out


def test_open_store_follows_the_environment(pg_url, monkeypatch, tmp_path):
    assert isinstance(open_store(), PostGISStore)
    monkeypatch.delenv("PROJECT_MAP_DATABASE_URL")
    assert isinstance(open_store(), GeoJSONFileStore)


def test_qgis_opens_it_primary_key_geometry_4326_gist_index(pg_store, pg_url):
    with psycopg.connect(pg_url) as conn:
        geom = conn.execute(
            "SELECT type, srid FROM geometry_columns WHERE f_table_name = 'projects'"
        ).fetchone()
        pkey = conn.execute(
            "SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid"
            " AND a.attnum = ANY(i.indkey) WHERE i.indrelid = 'projects'::regclass"
            " AND i.indisprimary"
        ).fetchone()
        gist = conn.execute(
            "SELECT count(*) FROM pg_indexes WHERE tablename = 'projects'"
            " AND indexdef ILIKE '%USING gist (geom)%'"
        ).fetchone()
    assert geom == ("GEOMETRY", 4326)
    assert pkey == ("id",)
    assert gist == (1,)


def test_plain_sql_edit_is_recorded_with_the_role_and_can_be_undone(pg_store, pg_url):
    before = pg_store.load()
    with psycopg.connect(pg_url) as conn:  # as QGIS or psql would, no app setting
        conn.execute("CREATE ROLE gis_staff LOGIN")  # rights on the projects only
        conn.execute("GRANT SELECT, INSERT, UPDATE, DELETE ON projects TO gis_staff")
        conn.execute("GRANT USAGE ON SEQUENCE projects_position_seq TO gis_staff")
    staff = pg_url.replace("postgres@", "gis_staff@")
    with psycopg.connect(staff) as conn:
        conn.execute(
            "UPDATE projects SET name_en = 'Edited in QGIS',"
            " geom = ST_Translate(geom, 0.001, 0) WHERE id = 'zhanshan-plaza'"
        )
        conn.commit()
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("DELETE FROM project_changes")  # the log cannot be tampered with
    changes = pg_store.history(feature="zhanshan-plaza")
    fields = {c.field: c for c in changes if c.who == "gis_staff"}
    assert fields["name_en"].new == "Edited in QGIS"
    assert fields["name_en"].old == "Zhanshan Plaza"
    assert "geometry" in fields
    pg_store.restore(before.version, base=pg_store.load(), who="ann", feature="zhanshan-plaza")
    assert pg_store.load().collection == before.collection


def test_two_writers_racing_one_wins_the_other_is_told_who_and_when(pg_store):
    bases = [pg_store.load(), pg_store.load()]
    start = threading.Barrier(2)
    outcome: dict[str, object] = {}

    def write(name: str, base) -> None:
        mine = PostGISStore(pg_store.url)
        start.wait()
        try:
            mine.save(edit(base, "zhanshan-plaza", name_en=f"{name}'s"), base=base, who=name)
            outcome[name] = "saved"
        except VersionConflict as exc:
            outcome[name] = exc

    threads = [
        threading.Thread(target=write, args=(n, b)) for n, b in zip("AB", bases, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    [winner] = [n for n, v in outcome.items() if v == "saved"]
    [loser] = [n for n, v in outcome.items() if isinstance(v, VersionConflict)]
    conflict = outcome[loser]
    assert conflict.conflicts == [("zhanshan-plaza", "name_en")]
    assert conflict.who == winner and conflict.when
    assert winner in str(conflict) and conflict.when in str(conflict)
    props = feature(pg_store.load().collection, "zhanshan-plaza")["properties"]
    assert props["name_en"] == f"{winner}'s"
    log = [c for c in pg_store.history(feature="zhanshan-plaza", refused=True) if c.field != "*"]
    assert [(c.who, c.outcome, c.new) for c in log] == [
        (winner, "committed", f"{winner}'s"),
        (loser, "refused", f"{loser}'s"),
    ]


HOSTILE = [
    "'; DROP TABLE projects; --",
    "$$ LANGUAGE plpgsql; SELECT 1; $$",
    "\\x00 \\' %s %(id)s {0} ${x}",
    "Robert'); DELETE FROM project_changes;--",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_strings_stay_data(pg_store, pg_url, text):
    base = pg_store.load()
    pg_store.save(edit(base, "zhanshan-plaza", name_en=text), base=base, who=text)
    assert feature(pg_store.load().collection, "zhanshan-plaza")["properties"]["name_en"] == text
    assert pg_store.history(feature="zhanshan-plaza")[-1].who == text
    with psycopg.connect(pg_url) as conn:
        assert conn.execute("SELECT count(*) FROM projects").fetchone()[0] == len(
            base.collection["features"]
        )


def test_truncate_is_refused_so_nothing_leaves_unrecorded(pg_store, pg_url):
    with psycopg.connect(pg_url) as conn, pytest.raises(psycopg.Error, match="change log"):
        conn.execute("TRUNCATE projects")


def test_database_behind_the_code_names_the_upgrade_command(pg_url):
    with psycopg.connect(pg_url) as conn:
        conn.execute("DELETE FROM schema_migrations WHERE number = 3")
    with pytest.raises(ProjectDataError, match="python -m geo db upgrade"):
        PostGISStore(pg_url).load()


def test_unreachable_database_message_has_no_password(monkeypatch):
    url = "postgresql://planner:s3cret-pw@127.0.0.1:1/shinan?connect_timeout=1"
    monkeypatch.setattr("geo.db.connect.CONNECT_TIMEOUT_S", 2.0)
    with pytest.raises(ProjectDataError) as caught:
        PostGISStore(url).load()
    text = str(caught.value)
    assert "s3cret" not in text and "planner" not in text
    assert "PROJECT_MAP_DATABASE_URL" in text and "127.0.0.1:1/shinan" in text


def test_unknown_version_is_a_clear_message(pg_store):
    with pytest.raises(ProjectDataError, match="no such version"):
        pg_store.collection_at("999")
    with pytest.raises(ProjectDataError, match="no such version"):
        pg_store.collection_at("1; DROP TABLE projects")


# The commands on the database ------------------------------------------------------------------
def test_import_validate_history_and_restore_commands_use_the_database(pg_store, tmp_path, capsys):
    source = tmp_path / "parking.geojson"
    row = {
        "type": "Feature",
        "properties": {"名称": "测试停车场", "状态": "在建", "年份": 2020},
        "geometry": {"type": "Point", "coordinates": [120.3156, 36.0679]},
    }
    source.write_text(
        json.dumps({"type": "FeatureCollection", "features": [row]}, ensure_ascii=False),
        encoding="utf-8",
    )
    before = pg_store.load()
    assert main(["import", str(source), "--layer", "parking", "--who", "停车办"]) == 0
    added = {f["properties"]["name_zh"] for f in pg_store.load().collection["features"]}
    assert "测试停车场" in added
    [change] = [c for c in pg_store.history() if c.who == "停车办"]
    assert change.field == "*" and change.source == source.name
    capsys.readouterr()
    assert main(["validate"]) == 0
    assert "PostGIS" in capsys.readouterr().out
    assert main(["history"]) == 0
    assert "停车办" in capsys.readouterr().out
    assert main(["history", "--restore", before.version, "--who", "ann"]) == 0
    assert pg_store.load().collection == before.collection


def test_scenes_live_in_the_database_and_move_the_change_counter(pg_store, capsys):
    from geo.scenes import add_scene, delete_scene, load_scenes

    before = pg_store.data_version()
    assert main(["db", "load-scenes", str(ROOT / "data" / "scenes.json")]) == 0
    bundled = load_scenes(ROOT / "data" / "scenes.json")
    assert [s.id for s in load_scenes()] == [s.id for s in bundled]
    assert pg_store.data_version() != before
    again = add_scene(bundled[0], actor=auth.Actor("ed", "editor"))
    assert again.id != bundled[0].id  # made unique, not written over
    with pytest.raises(auth.AccessDenied):
        delete_scene(again.id, actor=auth.Actor("vic", "viewer"))
    delete_scene(again.id, actor=auth.Actor("ed", "editor"))
    assert [s.id for s in load_scenes()] == [s.id for s in bundled]


def test_the_statistics_commands_read_the_database(pg_store, tmp_path, capsys):
    """`stats` and `targets` count what is in the database, not the bundled file."""
    source = tmp_path / "parking.geojson"
    row = {
        "type": "Feature",
        "properties": {"名称": "统计停车场", "状态": "在建", "年份": 2020},
        "geometry": {"type": "Point", "coordinates": [120.3156, 36.0679]},
    }
    source.write_text(
        json.dumps({"type": "FeatureCollection", "features": [row]}, ensure_ascii=False),
        encoding="utf-8",
    )

    def shown() -> int:
        capsys.readouterr()
        assert main(["stats", "--lang", "en"]) == 0
        return int(re.search(r"(\d+) projects shown", capsys.readouterr().out).group(1))

    before = shown()
    assert main(["import", str(source), "--layer", "parking", "--who", "停车办"]) == 0
    assert shown() == before + 1
    assert main(["targets"]) == 0
