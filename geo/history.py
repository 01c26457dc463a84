"""The append-only change log: who changed which field of which feature, when, from what file.

One JSON object per line in ``changes.jsonl``. A save writes one line per changed field, all
with the same ``save`` id and the file versions before and after (content hashes), and then,
once the new file is in place, a ``commit`` line. A save interrupted by a crash leaves either
no lines, a torn last line (dropped when the log is next opened) or lines without a commit:
they are then marked committed when the file on disk is the save's ``after`` version (the
rename happened) and aborted otherwise, so the log always agrees with the file.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

#: The pseudo-field of a whole feature: added (old None) or deleted (new None).
WHOLE: str = "*"


@dataclass(frozen=True)
class Change:
    """One field of one feature changed by one save."""

    time: str
    who: str
    save: str
    feature: str
    field: str
    old: Any
    new: Any
    #: The imported file (or "restore <version>") the change came from; None for an edit.
    source: str | None
    before: str
    after: str
    #: "committed", or "refused" for a save the database turned down (a stale version).
    outcome: str = "committed"

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def diff_collections(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Field-level differences between two collections: ``{feature, field, old, new}`` each.

    Properties are compared one by one, the geometry as one field; a feature only in ``new``
    is one change of field ``*`` with ``old`` None, one only in ``old`` has ``new`` None.
    """
    before = _by_id(old)
    after = _by_id(new)
    changes: list[dict[str, Any]] = []
    for fid, feature in after.items():
        if fid not in before:
            changes.append({"feature": fid, "field": WHOLE, "old": None, "new": feature})
            continue
        changes += feature_diff(fid, before[fid], feature)
    for fid, feature in before.items():
        if fid not in after:
            changes.append({"feature": fid, "field": WHOLE, "old": feature, "new": None})
    return changes


def feature_diff(fid: str, old: Mapping[str, Any], new: Mapping[str, Any]) -> list[dict]:
    out = []
    old_props, new_props = old.get("properties", {}), new.get("properties", {})
    for name in [*old_props, *(k for k in new_props if k not in old_props)]:
        if old_props.get(name) != new_props.get(name):
            out.append(
                {
                    "feature": fid,
                    "field": name,
                    "old": old_props.get(name),
                    "new": new_props.get(name),
                }
            )
    if old.get("geometry") != new.get("geometry"):
        out.append(
            {
                "feature": fid,
                "field": "geometry",
                "old": old.get("geometry"),
                "new": new.get("geometry"),
            }
        )
    return out


def _by_id(collection: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    out = {}
    for feature in collection.get("features", []):
        fid = feature.get("properties", {}).get("id")
        if isinstance(fid, str):
            out[fid] = feature
    return out


class ChangeLog:
    """``changes.jsonl``: append changes of a save, then its commit; read them back."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)

    def append(self, records: Iterable[Mapping[str, Any]]) -> None:
        """Append records as lines and fsync; the caller holds the store's lock."""
        data = "".join(json.dumps(r, ensure_ascii=False, sort_keys=True) + "\n" for r in records)
        with self.path.open("a", encoding="utf-8") as log:
            log.write(data)
            log.flush()
            os.fsync(log.fileno())

    def records(self) -> list[dict[str, Any]]:
        """Every complete line (a torn last line, from a crash mid-write, is left out)."""
        try:
            text = self.path.read_text(encoding="utf-8", errors="replace")
        except FileNotFoundError:
            return []
        lines = text.split("\n")
        out = []
        for line in lines[:-1]:  # the part after the last newline is torn or empty
            try:
                out.append(json.loads(line))
            except json.JSONDecodeError:
                continue
        return out

    def repair(self, current_version: str) -> None:
        """Make the log agree with the file: drop a torn tail, settle an unfinished save.

        Called under the store's lock before every save and when the history is read.
        """
        self._drop_torn_tail()
        pending = self.pending()
        if pending is None:
            return
        save_id, after = pending
        outcome = "commit" if after == current_version else "abort"
        self.append([{outcome: save_id}])

    def pending(self) -> tuple[str, str] | None:
        """(save id, after version) of a save with changes but no commit or abort line."""
        settled = set()
        last: tuple[str, str] | None = None
        for record in self.records():
            if "commit" in record or "abort" in record:
                settled.add(record.get("commit") or record.get("abort"))
            elif "save" in record:
                last = (record["save"], record["after"])
        if last is not None and last[0] not in settled:
            return last
        return None

    def _drop_torn_tail(self) -> None:
        try:
            with self.path.open("rb+") as log:
                data = log.read()
                if data and not data.endswith(b"\n"):
                    log.truncate(data.rfind(b"\n") + 1)
                    log.flush()
                    os.fsync(log.fileno())
        except FileNotFoundError:
            return

    def changes(self, *, feature: str | None = None) -> list[Change]:
        """Committed changes, oldest first; only those of ``feature`` when given."""
        records = self.records()
        committed = {r["commit"] for r in records if "commit" in r}
        out = []
        for record in records:
            if record.get("save") not in committed:
                continue
            if feature is not None and record.get("feature") != feature:
                continue
            fields = {k: record.get(k) for k in Change.__dataclass_fields__ if k != "outcome"}
            out.append(Change(**fields))
        return out


# Command line ---------------------------------------------------------------------------------
def add_parser(commands) -> None:
    """Add ``python -m geo history [--feature ID] [--show V | --restore V]``."""
    cmd = commands.add_parser(
        "history",
        help="who changed what, any earlier version, restore a feature or the whole file",
        description="List the change log; show or restore an earlier version.",
    )
    cmd.add_argument("--feature", help="only this feature (with --show/--restore: just it)")
    what = cmd.add_mutually_exclusive_group()
    what.add_argument("--show", metavar="VERSION", help="print the data (or feature) at VERSION")
    what.add_argument("--restore", metavar="VERSION", help="bring back VERSION as a new save")
    cmd.add_argument("--who", help="name recorded for a restore (default: login name)")
    cmd.add_argument("--data", help="projects file (default: $PROJECT_MAP_DATA)")
    cmd.set_defaults(run=run)


def run(args) -> int:
    import getpass
    import sys

    from geo.auth import AccessDenied
    from geo.errors import ProjectDataError
    from geo.store import VersionConflict, open_store

    store = open_store(path=args.data)
    try:
        if args.show:
            return _show(store, args.show, args.feature)
        if args.restore:
            result = store.restore(
                args.restore,
                base=store.load(),
                who=args.who or getpass.getuser(),
                feature=args.feature,
            )
            print(
                f"{store.label}: restored {args.restore}; {len(result.changes)} changes, "
                f"now version {result.version[:12]}"
            )
            return 0
        _list(store, args.feature)
        return 0
    except (ProjectDataError, VersionConflict, AccessDenied) as exc:
        print(f"{store.label}: {exc}", file=sys.stderr)
        return 1


def _show(store, version: str, feature: str | None) -> int:
    import sys

    collection = store.collection_at(version)
    if feature is None:
        print(json.dumps(collection, ensure_ascii=False, indent=2))
        return 0
    found = [f for f in collection["features"] if f["properties"].get("id") == feature]
    if not found:
        print(f"{store.label}: feature {feature} not in version {version}", file=sys.stderr)
        return 1
    print(json.dumps(found[0], ensure_ascii=False, indent=2))
    return 0


def _list(store, feature: str | None) -> None:
    changes = store.history(feature=feature)
    if not changes:
        print(f"{store.label}: no changes recorded")
        return
    current = None
    for change in changes:
        if change.save != current:
            current = change.save
            source = f"  from {change.source}" if change.source else ""
            print(f"{change.time}  {change.who}  version {change.after[:12]}{source}")
        old, new = summarise(change.old), summarise(change.new)
        print(f"  {change.feature}  {change.field}: {old} -> {new}")


def summarise(value: Any, width: int = 60) -> str:
    """A change's value in one short line (a geometry as its type and point count)."""
    if isinstance(value, Mapping) and "coordinates" in value:
        count = len(json.dumps(value["coordinates"]).split("],")) if value["coordinates"] else 0
        return f"{value.get('type')} ({count} points)"
    if isinstance(value, Mapping) and value.get("type") == "Feature":
        return f"feature {value.get('properties', {}).get('name_zh', '')}"
    if value is None:
        return "-"
    if isinstance(value, list) and value and isinstance(value[0], Mapping):
        last = value[-1]
        detail = f", last {last.get('year')} {last.get('status')}" if "year" in last else ""
        return f"{len(value)} items{detail}"
    text = json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else value
    return text if len(text) <= width else text[: width - 3] + "..."
