"""Where the projects live: load, save with a version check, history, restore.

:class:`ProjectStore` is the interface every caller uses (the app, ``geo import``, ``geo
history``); :class:`GeoJSONFileStore` keeps the data in the GeoJSON file, a PostGIS store can
implement the same methods. A *version* is an opaque string naming one state of the whole
data (here the SHA-256 of the file's bytes).

The file store never loses a byte:

- the new file is written to a temporary file in the same folder, fsynced, given the old
  file's mode and renamed over it (atomic on POSIX); the folder is fsynced too;
- every saved version is kept, content-addressed, in ``<name>.history/versions/``, and every
  field change is appended to ``<name>.history/changes.jsonl`` (:mod:`geo.history`) before the
  rename, with a commit line after it;
- a save names the version it started from; when the file has changed since (a second
  editor), changes to different features or fields are merged, and the same field changed
  by both refuses the save with :class:`VersionConflict`, naming feature and field;
- one lock (``flock``) serialises writers across processes.
"""

from __future__ import annotations

import contextlib
import copy
import datetime as dt
import fcntl
import hashlib
import json
import os
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from geo import auth, settings
from geo.errors import Problem, ProjectDataError
from geo.history import WHOLE, Change, ChangeLog, diff_collections
from geo.load import read_report_text, validate_collection

#: The version of a file that does not exist yet.
ABSENT = "absent"


@dataclass(frozen=True)
class Snapshot:
    """The data as loaded, and the version it was loaded at (what a save checks against)."""

    collection: dict[str, Any]
    version: str
    #: Feature id -> the row version read (a database store; a save names them).
    rows: Mapping[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class SaveResult:
    """What a save did: the new version, the changes written, changes merged from others."""

    version: str
    changes: tuple[Change, ...]
    #: (feature, field) pairs another editor changed since ``base`` and that were kept.
    merged: tuple[tuple[str, str], ...] = ()


@dataclass
class VersionConflict(Exception):
    """The same field of the same feature was changed by someone else since it was loaded."""

    conflicts: list[tuple[str, str]] = field(default_factory=list)
    who: str | None = None
    #: When the other change was made (ISO 8601, UTC), where the store knows it.
    when: str | None = None

    def __str__(self) -> str:
        pairs = "; ".join(f"feature {f}, field {n}" for f, n in self.conflicts)
        by = f" by {self.who}" if self.who else ""
        at = f" at {self.when}" if self.when else ""
        return f"changed{by}{at} since you loaded it: {pairs}; reload and apply your edit again"


class ProjectStore(Protocol):
    """The projects' storage: the GeoJSON file, or PostGIS (:mod:`geo.db`)."""

    #: What to call the store in messages (a path, or the database without credentials).
    label: str

    def load(self) -> Snapshot: ...

    def data_version(self) -> str: ...

    def save(
        self,
        collection: Mapping[str, Any],
        *,
        base: Snapshot,
        who: str,
        source: str | None = None,
    ) -> SaveResult: ...

    def history(self, *, feature: str | None = None) -> list[Change]: ...

    def collection_at(self, version: str) -> dict[str, Any]: ...

    def restore(
        self, version: str, *, base: Snapshot, who: str, feature: str | None = None
    ) -> SaveResult: ...


def dump_collection(collection: Mapping[str, Any]) -> bytes:
    """The file's bytes: pretty-printed UTF-8 as docs/data-format.md asks (diffs stay readable)."""
    return (json.dumps(collection, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def version_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def write_atomic(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` so that a crash leaves the old or the new file, whole."""
    path = Path(path)
    try:
        mode = path.stat().st_mode & 0o7777
    except FileNotFoundError:
        mode = 0o644
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}-{uuid.uuid4().hex[:8]}")
    try:
        with tmp.open("wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
    _fsync_dir(path.parent)


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class GeoJSONFileStore:
    """The projects in one GeoJSON file, with its history in ``<stem>.history/`` beside it."""

    def __init__(
        self, path: str | os.PathLike[str] | None = None, *, check_quotes=True, actor=None
    ) -> None:
        self.path = settings.data_path(path)
        self.actor = actor
        self.folder = self.path.with_name(f"{self.path.stem}.history")
        self.log = ChangeLog(self.folder / "changes.jsonl")
        self.check_quotes = check_quotes
        self.label = str(self.path)

    # Reading ---------------------------------------------------------------------------------
    def load(self) -> Snapshot:
        """The collection and its version; a missing file is an empty collection."""
        self._refuse_parquet()
        data = self._read_bytes()
        if data is None:
            return Snapshot({"type": "FeatureCollection", "features": []}, ABSENT)
        return Snapshot(self._parse(data), version_of(data))

    def data_version(self) -> str:
        """A key that changes whenever the file does (cheap: no read of the data)."""
        try:
            stat = self.path.stat()
        except OSError:
            return ABSENT
        return f"{stat.st_mtime_ns}-{stat.st_size}"

    def _refuse_parquet(self) -> None:
        # A GeoParquet data file (geo/parquet.py) is built from GeoJSON; editing it here
        # would write GeoJSON text over it.
        if self.path.suffix.lower() == ".parquet":
            fix = (
                "a GeoParquet file cannot be edited here; edit the GeoJSON it was built from, "
                "then run python -m geo parquet again"
            )
            raise ProjectDataError(str(self.path), [Problem("", "", self.path.name, fix)])

    def _read_bytes(self) -> bytes | None:
        try:
            return self.path.read_bytes()
        except FileNotFoundError:
            return None

    def _parse(self, data: bytes) -> dict[str, Any]:
        try:
            return json.loads(data.decode("utf-8-sig"))
        except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
            fix = f"cannot read the data file ({type(exc).__name__}); run python -m geo validate"
            raise ProjectDataError(str(self.path), [Problem("", "", self.path.name, fix)]) from None

    def history(self, *, feature: str | None = None) -> list[Change]:
        """Committed changes, oldest first (settling a save a crash left unfinished)."""
        if self.folder.is_dir():
            with self._locked():
                self.log.repair(self._current_version())
        return self.log.changes(feature=feature)

    def collection_at(self, version: str) -> dict[str, Any]:
        """The whole data as it was at ``version`` (a version hash, or a unique prefix of one)."""
        path = self._version_path(version)
        return self._parse(path.read_bytes())

    def versions(self) -> list[tuple[str, str, str, str | None]]:
        """(version, time, who, source) of every committed save, oldest first."""
        seen: dict[str, tuple[str, str, str, str | None]] = {}
        for change in self.history():
            seen.setdefault(change.save, (change.after, change.time, change.who, change.source))
        return list(seen.values())

    def _version_path(self, version: str) -> Path:
        folder = self.folder / "versions"
        exact = folder / f"{version}.geojson"
        if exact.is_file():
            return exact
        matches = sorted(folder.glob(f"{version}*.geojson")) if len(version) >= 6 else []
        if len(matches) != 1:
            fix = "no such version; list them with python -m geo history"
            raise ProjectDataError(str(self.path), [Problem("", "version", version, fix)])
        return matches[0]

    # Writing ---------------------------------------------------------------------------------
    def save(
        self,
        collection: Mapping[str, Any],
        *,
        base: Snapshot,
        who: str,
        source: str | None = None,
    ) -> SaveResult:
        """Validate and write ``collection``, which was edited from ``base``.

        Raises
        ------
        VersionConflict
            Someone changed the same field of the same feature since ``base`` was loaded.
        ProjectDataError
            The result breaks a data rule (nothing is written).
        AccessDenied
            The signed-in user may not edit.
        """
        auth.require(self.actor, "edit")
        self._refuse_parquet()
        self.folder.mkdir(parents=True, exist_ok=True)
        with self._locked():
            current_data = self._read_bytes()
            current = version_of(current_data) if current_data is not None else ABSENT
            self.log.repair(current)
            self._remove_stale_temp_files()
            merged: tuple[tuple[str, str], ...] = ()
            if current != base.version:
                theirs = self._parse(current_data) if current_data else _empty()
                collection, merged = merge(
                    base.collection, collection, theirs, who=self._who_since(base)
                )
            self._validate(collection)
            data = dump_collection(collection)
            version = version_of(data)
            if version == current:
                return SaveResult(version, (), merged)
            old = self._parse(current_data) if current_data else _empty()
            changes = self._write(old, collection, data, current, version, who, source)
            return SaveResult(version, changes, merged)

    def restore(
        self, version: str, *, base: Snapshot, who: str, feature: str | None = None
    ) -> SaveResult:
        """Bring back the whole data, or one feature, as it was at ``version`` (a new save)."""
        auth.require(self.actor, "restore")
        then = self.collection_at(version)
        label = self._version_path(version).stem[:12]
        if feature is None:
            return self.save(then, base=base, who=who, source=f"restore {label}")
        restored = restore_feature(base.collection, then, feature)
        if restored is None:
            fix = "this feature did not exist then or now; see python -m geo history --feature ID"
            raise ProjectDataError(str(self.path), [Problem(feature, "id", version, fix)])
        return self.save(restored, base=base, who=who, source=f"restore {label} {feature}")

    def _write(self, old, new, data, current, version, who, source) -> tuple[Change, ...]:
        if current != ABSENT:
            self._keep_version(current, dump_collection(old) if old else b"")
        self._keep_version(version, data)
        time = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        save_id = uuid.uuid4().hex[:12]
        records = [
            {
                **c,
                "time": time,
                "who": who,
                "save": save_id,
                "source": source,
                "before": current,
                "after": version,
            }
            for c in diff_collections(old, new)
        ]
        self.log.append(records)
        write_atomic(self.path, data)
        self.log.append([{"commit": save_id}])
        fields = Change.__dataclass_fields__
        return tuple(Change(**{k: r[k] for k in fields if k in r}) for r in records)

    def _keep_version(self, version: str, data: bytes) -> None:
        folder = self.folder / "versions"
        folder.mkdir(exist_ok=True)
        path = folder / f"{version}.geojson"
        if path.is_file():
            return
        # The bytes on disk are the version's own bytes; re-dumping could differ in layout.
        current = self._read_bytes()
        if current is not None and version_of(current) == version:
            data = current
        write_atomic(path, data)

    def _remove_stale_temp_files(self) -> None:
        """Temporary files of a writer killed mid-save (only lock holders write them)."""
        for folder, name in ((self.path.parent, self.path.name), (self.folder / "versions", "*")):
            for tmp in folder.glob(f".{name}.tmp-*"):
                with contextlib.suppress(OSError):
                    tmp.unlink()

    def _validate(self, collection: Mapping[str, Any]) -> None:
        report = read_report_text() if self.check_quotes else None
        problems = validate_collection(collection, report_text=report)
        if problems:
            raise ProjectDataError(str(self.path), problems)

    def _current_version(self) -> str:
        data = self._read_bytes()
        return version_of(data) if data is not None else ABSENT

    def _who_since(self, base: Snapshot) -> str | None:
        names = []
        for change in self.log.changes():
            if change.before == base.version or names:
                names.append(change.who)
        return ", ".join(dict.fromkeys(names)) or None

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        self.folder.mkdir(parents=True, exist_ok=True)
        with (self.folder / "lock").open("a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)


def _empty() -> dict[str, Any]:
    return {"type": "FeatureCollection", "features": []}


def merge(
    base: Mapping[str, Any], mine: Mapping[str, Any], theirs: Mapping[str, Any], *, who=None
) -> tuple[dict[str, Any], tuple[tuple[str, str], ...]]:
    """Apply my changes (base → mine) onto theirs; the same field changed both ways conflicts.

    Returns the merged collection and the (feature, field) pairs kept from theirs.
    """
    my_changes = diff_collections(base, mine)
    theirs_by_key = {(c["feature"], c["field"]): c for c in diff_collections(base, theirs)}
    conflicts = [(c["feature"], c["field"]) for c in my_changes if _conflicts(c, theirs_by_key)]
    if conflicts:
        raise VersionConflict(conflicts, who)
    merged = copy.deepcopy(dict(theirs))
    for change in my_changes:
        _apply(merged, change)
    return merged, tuple(theirs_by_key)


def _conflicts(change: Mapping[str, Any], theirs: Mapping[tuple[str, str], Any]) -> bool:
    """Same field changed differently, or a feature edited on one side and removed/added on
    the other."""
    fid, name = change["feature"], change["field"]
    other = theirs.get((fid, name))
    if other is not None:
        return other["new"] != change["new"]
    if name == WHOLE:
        return any(key[0] == fid for key in theirs)
    return (fid, WHOLE) in theirs


def _apply(collection: dict[str, Any], change: Mapping[str, Any]) -> None:
    features = collection["features"]
    index = next(
        (i for i, f in enumerate(features) if f["properties"].get("id") == change["feature"]), None
    )
    if change["field"] == WHOLE:
        if change["new"] is None and index is not None:
            del features[index]
        elif change["new"] is not None and index is None:
            features.append(copy.deepcopy(change["new"]))
        return
    if index is None:
        return
    feature = features[index]
    if change["field"] == "geometry":
        feature["geometry"] = copy.deepcopy(change["new"])
    elif change["new"] is None:
        feature["properties"].pop(change["field"], None)
    else:
        feature["properties"][change["field"]] = copy.deepcopy(change["new"])


def restore_feature(
    now: Mapping[str, Any], then: Mapping[str, Any], feature: str
) -> dict[str, Any] | None:
    """``now`` with ``feature`` as it was in ``then`` (re-added, or deleted if it did not exist)."""
    old = next((f for f in then["features"] if f["properties"].get("id") == feature), None)
    out = copy.deepcopy(dict(now))
    index = next(
        (i for i, f in enumerate(out["features"]) if f["properties"].get("id") == feature), None
    )
    if old is None and index is None:
        return None
    if old is None:
        del out["features"][index]
    elif index is None:
        out["features"].append(copy.deepcopy(old))
    else:
        out["features"][index] = copy.deepcopy(old)
    return out


def open_store(*, actor=None, path: str | os.PathLike[str] | None = None) -> ProjectStore:
    """The store to use: PostGIS when ``$PROJECT_MAP_DATABASE_URL`` is set, else the file.

    ``actor`` is who is signed in (:class:`geo.auth.Actor`); the store checks their role on
    every write. None is the command line (trusted: it holds the file or the database login).
    """
    from geo.db.connect import database_url

    url = database_url()
    if url and path is None:
        from geo.db.pgstore import PostGISStore

        return PostGISStore(url, actor=actor)
    return GeoJSONFileStore(path, actor=actor)


def load_projects_from(store: ProjectStore):
    """The store's projects as a validated GeoDataFrame (what :func:`geo.load.load_projects`
    gives for a file)."""
    from geo.load import projects_frame

    return projects_frame(store.load().collection, store.label)


def load_current_projects(path: str | os.PathLike[str] | None = None):
    """The projects the app and the commands use: ``path`` when given, else the database when
    ``$PROJECT_MAP_DATABASE_URL`` is set, else the data file."""
    from geo.db.connect import database_url
    from geo.load import load_projects

    if path is None and database_url():
        return load_projects_from(open_store())
    return load_projects(path)
