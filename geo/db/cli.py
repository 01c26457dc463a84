"""``python -m geo db upgrade | status | load PATH | dump PATH`` (needs $PROJECT_MAP_DATABASE_URL).

``load`` saves a GeoJSON file into the database as one recorded change (checked first by the
same rules as ``validate``); ``dump`` writes the database out as the same GeoJSON. Every
problem is one line naming the database without its password; the exit status is then 1.
"""

from __future__ import annotations

import argparse
import getpass
import sys

from geo.db import migrate
from geo.db.connect import DATABASE_URL_ENV, connect, database_url, describe
from geo.errors import ProjectDataError


def add_parser(commands) -> None:
    cmd = commands.add_parser(
        "db",
        help="the PostGIS database: upgrade the schema, load or dump the projects",
        description=__doc__.splitlines()[0],
    )
    actions = cmd.add_subparsers(dest="db_command", required=True)
    actions.add_parser("upgrade", help="apply the numbered migrations the database lacks")
    actions.add_parser("status", help="schema version, projects, data version, changes")
    load = actions.add_parser("load", help="save a GeoJSON file into the database")
    load.add_argument("path", help="projects GeoJSON")
    load.add_argument("--who", help="name recorded in the change log (default: login name)")
    scenes = actions.add_parser("load-scenes", help="add the scenes of a scenes.json file")
    scenes.add_argument("path", help="scenes file (data/scenes.json)")
    dump = actions.add_parser("dump", help="write the projects in the database as GeoJSON")
    dump.add_argument("path", help="output file (replaced atomically)")
    cmd.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    url = database_url()
    if url is None:
        print(
            f"python -m geo db: error: set {DATABASE_URL_ENV}=postgresql://USER@HOST/DB first",
            file=sys.stderr,
        )
        return 2
    try:
        return _ACTIONS[args.db_command](url, args)
    except ProjectDataError as exc:
        exc.print_problems()
        return 1


def _upgrade(url: str, args) -> int:
    with connect(url) as conn:
        done = migrate.upgrade(conn)
    for name in done:
        print(f"{describe(url)}: applied {name}")
    print(f"{describe(url)}: schema at {migrate.latest()}")
    return 0


def _status(url: str, args) -> int:
    with connect(url) as conn:
        schema = migrate.applied(conn)
        print(f"{describe(url)}: schema {schema} of {migrate.latest()}")
        if schema < migrate.latest():
            print("run python -m geo db upgrade", file=sys.stderr)
            return 1
        projects = conn.execute("SELECT count(*) FROM projects").fetchone()[0]
        version = conn.execute("SELECT version FROM data_version").fetchone()[0]
        changes = conn.execute("SELECT count(*) FROM project_changes").fetchone()[0]
    print(f"{projects} projects, data version {version}, {changes} change-log rows")
    return 0


def _load(url: str, args) -> int:
    from pathlib import Path

    from geo.load import read_collection
    from geo.store import VersionConflict, open_store

    store = open_store()
    collection = read_collection(Path(args.path))
    try:
        result = store.save(
            collection, base=store.load(), who=args.who or getpass.getuser(), source=args.path
        )
    except VersionConflict as exc:
        print(f"{store.label}: {exc}", file=sys.stderr)
        return 1
    print(f"{store.label}: loaded {args.path}; {len(result.changes)} changes, "
          f"now version {result.version}")  # fmt: skip
    return 0


def _dump(url: str, args) -> int:
    from pathlib import Path

    from geo.store import dump_collection, open_store, write_atomic

    store = open_store()
    snapshot = store.load()
    try:
        write_atomic(Path(args.path), dump_collection(snapshot.collection))
    except OSError as exc:
        print(f"python -m geo db dump: cannot write {args.path}: {exc.strerror}", file=sys.stderr)
        return 1
    count = len(snapshot.collection["features"])
    print(f"{args.path}: {count} features, version {snapshot.version}")
    return 0


def _load_scenes(url: str, args) -> int:
    from geo.scenes import SceneStoreError, add_scene, load_scenes

    try:
        for scene in load_scenes(args.path):
            stored = add_scene(scene)
            print(f"{describe(url)}: scene {stored.id}")
    except SceneStoreError as exc:
        print(f"python -m geo db load-scenes: {exc}", file=sys.stderr)
        return 1
    return 0


_ACTIONS = {
    "upgrade": _upgrade,
    "status": _status,
    "load": _load,
    "load-scenes": _load_scenes,
    "dump": _dump,
}
