"""Edits a planner makes in the app, as pure functions on a projects collection.

A status change is never written over the old one: it becomes a new milestone that names the
document it comes from (minutes of a meeting, a notice) and who recorded it, so the map keeps
telling what the report said and what was learnt since. Every result is checked by the same
rules as ``python -m geo validate`` (:func:`check_edit`) before a store saves it.
"""

from __future__ import annotations

import copy
import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from geo import settings
from geo.errors import Problem
from geo.load import read_report_text, validate_collection
from geo.timeline import current_status


@dataclass(frozen=True)
class FeatureEdit:
    """What the edit form gives; None leaves a field as it is."""

    name_zh: str | None = None
    name_en: str | None = None
    location_precision: str | None = None
    location_note: str | None = None
    owner: str | None = None
    #: A GeoJSON geometry drawn on the map.
    geometry: Mapping[str, Any] | None = None
    #: The milestones and figures as edited in their tables (None: unchanged).
    milestones: list[dict[str, Any]] | None = None
    figures: list[dict[str, Any]] | None = None
    #: A new status, with the year, note and the document and words it comes from.
    status: str | None = None
    year: int | None = None
    note_zh: str | None = None
    document: str | None = None
    quote: str | None = None


def _milestone(edit: FeatureEdit, who: str, today: dt.date) -> dict[str, Any]:
    year = edit.year if edit.year is not None else today.year
    milestone = {
        "year": year,
        "kind": "target" if year > today.year else "reported",
        "status": edit.status,
        "note_zh": (edit.note_zh or "").strip(),
        "quote": (edit.quote or "").strip(),
    }
    document = (edit.document or "").strip()
    if document:  # without one, the quote must be the report's own words
        milestone.update(document=document, recorded_by=who)
    return milestone


def edit_feature(
    collection: Mapping[str, Any],
    feature_id: str,
    edit: FeatureEdit,
    *,
    who: str,
    today: dt.date | None = None,
) -> dict[str, Any]:
    """A copy of ``collection`` with the edit applied to ``feature_id`` (KeyError if absent)."""
    out = copy.deepcopy(dict(collection))
    feature = _find(out, feature_id)
    props = feature["properties"]
    for name in ("name_zh", "name_en", "location_precision", "location_note", "owner"):
        value = getattr(edit, name)
        if value is not None and value != props.get(name):
            props[name] = value.strip() if isinstance(value, str) else value
    if edit.geometry is not None:
        feature["geometry"] = copy.deepcopy(dict(edit.geometry))
    if edit.figures is not None:
        props["figures"] = table_rows(edit.figures, who=who)
    if edit.milestones is not None:
        props["milestones"] = table_rows(edit.milestones, who=who)
    if edit.status is not None and edit.status != current_status(props.get("milestones", [])):
        new = _milestone(edit, who, today or dt.date.today())
        props["milestones"] = [*props.get("milestones", []), new]
    # The status is what the milestones say, whichever way they were edited.
    props["status"] = current_status(props.get("milestones", [])) or props.get("status")
    return out


def table_rows(rows: list[Mapping[str, Any]], *, who: str) -> list[dict[str, Any]]:
    """Rows of an edited table (milestones, figures) as stored objects.

    Empty cells are dropped (an optional ``year_end`` left blank), whole numbers stay ints,
    and a row citing a document other than the report is marked with who recorded it.
    """
    out = []
    for row in rows:
        item = {k: _plain(v) for k, v in row.items() if not _blank(v)}
        if not item:
            continue
        document = item.get("document")
        if document and document != settings.REPORT_TITLE:
            item.setdefault("recorded_by", who)
        else:
            item.pop("recorded_by", None)
        out.append(item)
    return out


def _blank(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and not value.strip()


def _plain(value: Any) -> Any:
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value.strip() if isinstance(value, str) else value


def add_feature(
    collection: Mapping[str, Any],
    feature_id: str,
    layer: str,
    edit: FeatureEdit,
    *,
    who: str,
    today: dt.date | None = None,
) -> dict[str, Any]:
    """A copy of ``collection`` with a new feature built from the form."""
    milestone = _milestone(edit, who, today or dt.date.today())
    source = {"document": milestone.get("document", settings.REPORT_TITLE)}
    source.update(quote=milestone["quote"], recorded_by=who)
    if source["document"] == settings.REPORT_TITLE:
        source.pop("recorded_by")
    props = {
        "id": feature_id.strip(),
        "layer": layer,
        "name_zh": (edit.name_zh or "").strip(),
        "name_en": (edit.name_en or edit.name_zh or "").strip(),
        "status": current_status([milestone]),
        "milestones": [milestone],
        "source": source,
        "location_precision": edit.location_precision or "exact",
        "location_note": (edit.location_note or "").strip(),
        "figures": [],
    }
    if edit.owner:
        props["owner"] = edit.owner.strip()
    out = copy.deepcopy(dict(collection))
    geometry = copy.deepcopy(dict(edit.geometry)) if edit.geometry else None
    out["features"] = [
        *out["features"],
        {"type": "Feature", "properties": props, "geometry": geometry},
    ]
    return out


def delete_feature(collection: Mapping[str, Any], feature_id: str) -> dict[str, Any]:
    """A copy of ``collection`` without ``feature_id`` (KeyError if absent)."""
    _find(collection, feature_id)
    out = copy.deepcopy(dict(collection))
    out["features"] = [f for f in out["features"] if f["properties"].get("id") != feature_id]
    return out


def check_edit(
    collection: Mapping[str, Any], feature_id: str, *, new_milestone: int | None = None
) -> dict[str, list[str]]:
    """Problems of ``feature_id`` in ``collection`` by form field (empty when valid).

    The same rules as ``python -m geo validate``; a milestone's problem is shown next to the
    status fields (year, note, document, quote), a geometry's next to the map.
    """
    problems = validate_collection(collection, report_text=read_report_text())
    ids = [f.get("properties", {}).get("id") for f in collection["features"]]
    # A feature whose id is itself invalid is named by its position (#n) instead.
    labels = {f"'{feature_id}'"} | {f"#{i + 1}" for i, v in enumerate(ids) if v == feature_id}
    out: dict[str, list[str]] = {}
    for problem in problems:
        if problem.feature not in labels:
            continue
        out.setdefault(form_field(problem, new_milestone), []).append(problem.fix)
    return out


def form_field(problem: Problem, new_milestone: int | None = None) -> str:
    """The form field a problem belongs to.

    The milestone a status change adds is filled in by the status fields, so its problems go
    there (``milestones[3].quote`` -> ``quote``); other milestones and figures are tables.
    """
    field = problem.field
    if new_milestone is not None and field.startswith(f"milestones[{new_milestone}]"):
        tail = field.split(".", 1)[1] if "." in field else "status"
        return {"note_zh": "note_zh", "year": "year", "quote": "quote"}.get(tail, "status")
    if field.startswith(("milestones", "figures")):
        return field.split("[", 1)[0]
    if field.startswith("source."):
        return "document" if field == "source.document" else "quote"
    if field.startswith("geometry"):
        return "geometry"
    return field


def _find(collection: Mapping[str, Any], feature_id: str) -> dict[str, Any]:
    for feature in collection["features"]:
        if feature.get("properties", {}).get("id") == feature_id:
            return feature
    raise KeyError(feature_id)
