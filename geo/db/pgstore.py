"""The projects in PostGIS: the same :class:`~geo.store.ProjectStore` as the GeoJSON file.

- A *version* is the number in ``data_version``, bumped once per committed change by trigger
  (from the app, ``geo import``, QGIS or psql alike); ``load`` reads it and every row in one
  snapshot, with each row's ``row_version``.
- A save names the row versions it read (:attr:`Snapshot.rows`). It locks the rows it changes
  (in id order, so two saves never deadlock); a row someone changed since is merged field by
  field, and the same field changed by both refuses the save with :class:`VersionConflict`
  naming feature, field, who and when. The refused attempt is written to the change log too.
- The change log (``project_changes``) is written by triggers, never by this module, so edits
  made outside the app are recorded the same way. Who: ``project_map.user`` set here for the
  transaction (``SET LOCAL`` via ``set_config``), else the database role.
- SQL is parameterised throughout: names, quotes and values from users are data, never SQL.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import uuid
from collections.abc import Iterable, Mapping
from typing import Any

import psycopg
from psycopg.rows import dict_row
from psycopg.types.json import Jsonb

from geo import auth
from geo.db import migrate
from geo.db.connect import connect, describe
from geo.db.rows import JSON_COLUMNS, SELECT_COLUMNS, TEXT_COLUMNS, feature_to_row, row_to_feature
from geo.errors import Problem, ProjectDataError
from geo.history import WHOLE, Change, diff_collections, feature_diff
from geo.load import read_report_text, validate_collection
from geo.store import SaveResult, Snapshot, VersionConflict, merge, restore_feature

_WRITE_COLUMNS = (*TEXT_COLUMNS, *JSON_COLUMNS, "extra", "property_order")
_UPDATE_SQL = (
    "UPDATE projects SET "
    + ", ".join(f"{c} = %({c})s" for c in _WRITE_COLUMNS)
    + ", geom = ST_GeomFromGeoJSON(%(geojson)s) WHERE id = %(id)s"
)
_INSERT_SQL = (
    "INSERT INTO projects (id, "
    + ", ".join(_WRITE_COLUMNS)
    + ", geom) VALUES (%(id)s, "
    + ", ".join(f"%({c})s" for c in _WRITE_COLUMNS)
    + ", ST_GeomFromGeoJSON(%(geojson)s))"
)
_TOP_LEVEL = ("type", "features")
_SCHEMA_CHECKED: set[str] = set()


class PostGISStore:
    """The projects in the ``projects`` table of the database at ``url``.

    ``actor`` is who is signed in (:mod:`geo.auth`); every write checks that they may make
    it, so a page that forgot to hide a button still cannot write.
    """

    def __init__(
        self, url: str, *, actor: auth.Actor | None = None, check_quotes: bool = True
    ) -> None:
        self.url = url
        self.label = describe(url)
        self.actor = actor
        self.check_quotes = check_quotes

    # Reading ---------------------------------------------------------------------------------
    def _connect(self):
        return connect(self.url)

    def _check_schema(self, conn: psycopg.Connection) -> None:
        # Once per database per process: the app opens a store on every rerun.
        if self.url not in _SCHEMA_CHECKED:
            migrate.require_current(conn, self.label)
            conn.commit()
            _SCHEMA_CHECKED.add(self.url)

    def data_version(self) -> str:
        """The database's change counter: one cheap query, changes with any committed edit."""
        with self._connect() as conn:
            self._check_schema(conn)
            return str(conn.execute("SELECT version FROM data_version").fetchone()[0])

    def load(self) -> Snapshot:
        """Every project, the version and each row's version, read in one snapshot."""
        with self._connect() as conn:
            self._check_schema(conn)
            with conn.transaction():
                conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                version, rows, meta = self._read_all(conn)
        collection = _collection(meta, [row_to_feature(r) for r in rows])
        row_versions = {r["id"]: r["row_version"] for r in rows}
        return Snapshot(collection, str(version), row_versions)

    def _read_all(self, conn: psycopg.Connection):
        version = conn.execute("SELECT version FROM data_version").fetchone()[0]
        with conn.cursor(row_factory=dict_row) as cur:
            rows = cur.execute(
                f"SELECT {SELECT_COLUMNS}, row_version FROM projects ORDER BY position, id"
            ).fetchall()
            meta = cur.execute("SELECT key, value FROM collection_meta ORDER BY key").fetchall()
        return version, rows, {m["key"]: m["value"] for m in meta}

    def history(self, *, feature: str | None = None, refused: bool = False) -> list[Change]:
        """Changes from every client, oldest first; with ``refused``, turned-down saves too."""
        outcomes = ["committed", "refused"] if refused else ["committed"]
        with self._connect() as conn, conn.cursor(row_factory=dict_row) as cur:
            self._check_schema(conn)
            rows = cur.execute(
                "SELECT version, save_id, time, who, source, feature, op, old_row, new_row,"
                " outcome FROM project_changes WHERE outcome = ANY(%s)"
                " AND (%s::text IS NULL OR feature = %s OR old_row->>'id' = %s) ORDER BY id",
                (outcomes, feature, feature, feature),
            ).fetchall()
        return [change for row in rows for change in _changes_of(row)]

    def versions(self) -> list[tuple[str, str, str, str | None]]:
        """(version, time, who, source) of every committed change, oldest first."""
        seen: dict[str, tuple[str, str, str, str | None]] = {}
        for change in self.history():
            seen.setdefault(change.save, (change.after, change.time, change.who, change.source))
        return list(seen.values())

    def collection_at(self, version: str) -> dict[str, Any]:
        """The data as it was at ``version``: today's rows with every later change undone."""
        with self._connect() as conn:
            self._check_schema(conn)
            with conn.transaction():
                conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                current, rows, meta = self._read_all(conn)
                wanted = self._version_number(version, current)
                with conn.cursor(row_factory=dict_row) as cur:
                    later = cur.execute(
                        "SELECT old_row, new_row FROM project_changes"
                        " WHERE outcome = 'committed' AND version > %s ORDER BY id DESC",
                        (wanted,),
                    ).fetchall()
        features = {r["id"]: (r["position"], r) for r in rows}
        for change in later:
            if change["new_row"] is not None:
                features.pop(change["new_row"].get("id"), None)
            old = change["old_row"]
            if old is not None:
                features[old.get("id")] = (old.get("position", 0), old)
        ordered = sorted(features.values(), key=lambda item: (item[0], str(item[1].get("id"))))
        return _collection(meta, [row_to_feature(row) for _, row in ordered])

    def _version_number(self, version: str, current: int) -> int:
        text = str(version).strip().removeprefix("v")
        if not re.fullmatch(r"[0-9]{1,18}", text) or int(text) > current:
            fix = f"no such version (0 to {current}); list them with python -m geo history"
            raise ProjectDataError(self.label, [Problem("", "version", version, fix)])
        return int(text)

    # Writing ---------------------------------------------------------------------------------
    def save(
        self,
        collection: Mapping[str, Any],
        *,
        base: Snapshot,
        who: str,
        source: str | None = None,
    ) -> SaveResult:
        """Write the changes from ``base`` to ``collection``; see the module docstring.

        Raises
        ------
        AccessDenied
            The signed-in user may not edit.
        VersionConflict
            Someone changed the same field of the same feature since ``base`` was read.
        ProjectDataError
            The result breaks a data rule (nothing is written).
        """
        auth.require(self.actor, "edit")
        mine = diff_collections(base.collection, collection)
        touched = sorted({c["feature"] for c in mine})
        meta = _meta(collection)
        if not touched and meta == _meta(base.collection):
            return SaveResult(base.version, ())
        save_id = uuid.uuid4().hex[:12]
        with self._connect() as conn:
            self._check_schema(conn)
            try:
                with conn.transaction():
                    version, merged = self._save_in(conn, collection, base, touched, meta, who,
                                                    source, save_id)  # fmt: skip
            except VersionConflict as conflict:
                self._record_refused(conn, collection, base, conflict, who, source, save_id)
                raise
            except psycopg.errors.DataException as exc:
                fix = f"the database refused a value: {exc.diag.message_primary}"
                raise ProjectDataError(self.label, [Problem("", "", "", fix)]) from None
            changes = self._changes_of_save(conn, save_id)
        return SaveResult(str(version), tuple(changes), merged)

    def _save_in(self, conn, collection, base, touched, meta, who, source, save_id):
        _session(conn, user=who, source=source, save=save_id)
        current = self._lock_rows(conn, touched)
        wanted, merged = self._resolve(base, collection, touched, current)
        _, rows, _ = self._read_all(conn)
        features = {r["id"]: row_to_feature(r) for r in rows}
        for fid, feature in wanted.items():
            if feature is None:
                features.pop(fid, None)
            else:
                features[fid] = feature
        self._validate(_collection(meta, list(features.values())))
        # New rows take their place in the order of the collection saved.
        order = {fid: i for i, fid in enumerate(_by_id(collection))}
        self._write(
            conn, dict(sorted(wanted.items(), key=lambda kv: order.get(kv[0], -1))), current
        )
        conn.execute("DELETE FROM collection_meta WHERE NOT (key = ANY(%s))", (list(meta),))
        for key, value in meta.items():
            conn.execute(
                "INSERT INTO collection_meta (key, value) VALUES (%s, %s)"
                " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (key, Jsonb(value)),
            )
        version = conn.execute("SELECT version FROM data_version").fetchone()[0]
        return version, merged

    def _lock_rows(self, conn, ids: list[str]) -> dict[str, dict[str, Any]]:
        with conn.cursor(row_factory=dict_row) as cur:
            rows = cur.execute(
                f"SELECT {SELECT_COLUMNS}, row_version, updated_by, updated_at FROM projects"
                " WHERE id = ANY(%s) ORDER BY id FOR UPDATE",
                (ids,),
            ).fetchall()
        return {r["id"]: r for r in rows}

    def _resolve(self, base: Snapshot, collection, touched, current):
        """The feature each touched id should become (None: deleted), and what was merged."""
        base_features = _by_id(base.collection)
        my_features = _by_id(collection)
        wanted: dict[str, dict[str, Any] | None] = {}
        merged: list[tuple[str, str]] = []
        conflicts: list[tuple[str, str]] = []
        others: list[dict[str, Any]] = []
        for fid in touched:
            row = current.get(fid)
            if (row or {}).get("row_version") == base.rows.get(fid):
                wanted[fid] = my_features.get(fid)
                continue
            theirs = row_to_feature(row) if row else None
            try:
                result, kept = merge(
                    _one(base_features.get(fid)), _one(my_features.get(fid)), _one(theirs)
                )
            except VersionConflict as exc:
                conflicts += exc.conflicts
                if row:
                    others.append(row)
                continue
            wanted[fid] = result["features"][0] if result["features"] else None
            merged += kept
        if conflicts:
            latest = max(others, key=lambda r: r["updated_at"]) if others else None
            who = latest["updated_by"] if latest else None
            when = _iso(latest["updated_at"]) if latest else None
            raise VersionConflict(conflicts, who, when)
        return wanted, tuple(merged)

    def _write(self, conn, wanted, current) -> None:
        for fid, feature in wanted.items():
            if feature is None:
                conn.execute("DELETE FROM projects WHERE id = %s", (fid,))
                continue
            row = feature_to_row(feature, 0)
            params = {k: Jsonb(v) if k in (*JSON_COLUMNS, "extra") and v is not None else v
                      for k, v in row.items()}  # fmt: skip
            params["geojson"] = None if row["geojson"] is None else json.dumps(row["geojson"])
            conn.execute(_UPDATE_SQL if fid in current else _INSERT_SQL, params)

    def _record_refused(self, conn, collection, base, conflict, who, source, save_id) -> None:
        """Keep the turned-down attempt in the log: what was tried, against which version."""
        mine, before = _by_id(collection), _by_id(base.collection)
        detail = str(conflict)
        with conn.transaction():
            for fid in dict.fromkeys(f for f, _ in conflict.conflicts):
                old, new = before.get(fid), mine.get(fid)
                op = "insert" if old is None else "delete" if new is None else "update"
                conn.execute(
                    "INSERT INTO project_changes (version, save_id, who, source, feature, op,"
                    " old_row, new_row, outcome, detail)"
                    " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, 'refused', %s)",
                    (int(base.version or 0), save_id, who, source, fid, op, _image(old),
                     _image(new), detail),
                )  # fmt: skip

    def _changes_of_save(self, conn, save_id: str) -> list[Change]:
        with conn.cursor(row_factory=dict_row) as cur:
            rows = cur.execute(
                "SELECT version, save_id, time, who, source, feature, op, old_row, new_row,"
                " outcome FROM project_changes WHERE save_id = %s ORDER BY id",
                (save_id,),
            ).fetchall()
        conn.commit()
        return [change for row in rows for change in _changes_of(row)]

    def restore(
        self, version: str, *, base: Snapshot, who: str, feature: str | None = None
    ) -> SaveResult:
        """Bring back the whole data, or one feature, as it was at ``version`` (a new save)."""
        auth.require(self.actor, "restore")
        then = self.collection_at(version)
        label = f"v{self._version_number(version, 10**18)}"
        if feature is None:
            return self.save(then, base=base, who=who, source=f"restore {label}")
        restored = restore_feature(base.collection, then, feature)
        if restored is None:
            fix = "this feature did not exist then or now; see python -m geo history --feature ID"
            raise ProjectDataError(self.label, [Problem(feature, "id", version, fix)])
        return self.save(restored, base=base, who=who, source=f"restore {label} {feature}")

    def _validate(self, collection: Mapping[str, Any]) -> None:
        report = read_report_text() if self.check_quotes else None
        problems = validate_collection(collection, report_text=report)
        if problems:
            raise ProjectDataError(self.label, problems)


# Helpers ---------------------------------------------------------------------------------------
def _session(conn: psycopg.Connection, **values: str | None) -> None:
    """Settings the triggers read, for this transaction only (``SET LOCAL``)."""
    for name, value in values.items():
        conn.execute("SELECT set_config(%s, %s, true)", (f"project_map.{name}", value or ""))


def _collection(meta: Mapping[str, Any], features: list[dict[str, Any]]) -> dict[str, Any]:
    return {"type": "FeatureCollection", **meta, "features": features}


def _meta(collection: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in collection.items() if k not in _TOP_LEVEL}


def _by_id(collection: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        f["properties"]["id"]: f
        for f in collection.get("features", [])
        if isinstance((f.get("properties") or {}).get("id"), str)
    }


def _one(feature: Mapping[str, Any] | None) -> dict[str, Any]:
    return {"type": "FeatureCollection", "features": [feature] if feature else []}


def _image(feature: Mapping[str, Any] | None) -> Jsonb | None:
    return None if feature is None else Jsonb(feature_to_row(feature, 0))


def _iso(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).isoformat(timespec="seconds")


def _changes_of(row: Mapping[str, Any]) -> Iterable[Change]:
    """One log row (a whole row before and after) as field changes."""
    old = row_to_feature(row["old_row"]) if row["old_row"] is not None else None
    new = row_to_feature(row["new_row"]) if row["new_row"] is not None else None
    if row["outcome"] == "refused":
        before = after = str(row["version"])
    else:
        before, after = str(row["version"] - 1), str(row["version"])
    common = {
        "time": _iso(row["time"]),
        "who": row["who"],
        "save": row["save_id"],
        "source": row["source"],
        "before": before,
        "after": after,
        "outcome": row["outcome"],
    }
    old_id = old["properties"].get("id") if old else None
    new_id = new["properties"].get("id") if new else None
    if old is None or new is None or old_id != new_id:
        if old is not None:
            yield Change(feature=old_id, field=WHOLE, old=old, new=None, **common)
        if new is not None:
            yield Change(feature=new_id, field=WHOLE, old=None, new=new, **common)
        return
    for diff in feature_diff(row["feature"], old, new):
        yield Change(**diff, **common)
