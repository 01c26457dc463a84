"""A GeoJSON feature <-> a ``projects`` row, with nothing lost either way.

Plain text properties become columns QGIS shows and edits; milestones, figures, source and
location evidence become JSONB; any other property goes to ``extra``. JSONB keeps no key
order, so the order of the properties is kept in ``property_order`` and the keys of nested
objects are put back in the order the data format uses (unknown keys after them): a dump of
loaded data is the same file, byte for byte.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, Final

TEXT_COLUMNS: Final = (
    "layer", "name_zh", "name_en", "status", "location_precision", "location_note",
    "location_note_zh", "map_placement", "owner",
)  # fmt: skip
JSON_COLUMNS: Final = ("milestones", "figures", "source", "location_evidence")
#: What a SELECT of a row for :func:`row_to_feature` names.
SELECT_COLUMNS: Final = ", ".join(
    ["id", "position", *TEXT_COLUMNS, *JSON_COLUMNS, "extra", "property_order",
     "ST_AsGeoJSON(geom, 15)::jsonb AS geojson"]
)  # fmt: skip
#: Key order of the objects inside each JSON column (docs/data-format.md).
_ITEM_ORDER: Final = {
    "milestones": ("year", "year_end", "kind", "status", "note_zh", "quote", "document",
                   "recorded_by"),
    "figures": ("label_zh", "label_en", "value", "unit", "quote", "document", "recorded_by"),
    "source": ("document", "quote", "recorded_by"),
    "location_evidence": ("references", "unverified"),
    "references": ("ref", "relation", "independent", "note"),
}  # fmt: skip


def feature_to_row(feature: Mapping[str, Any], position: int) -> dict[str, Any]:
    """The row values of ``feature`` as plain JSON values (``geojson``: the geometry)."""
    props = dict(feature.get("properties") or {})
    row: dict[str, Any] = {"id": props.get("id"), "position": position}
    extra: dict[str, Any] = {}
    for name in TEXT_COLUMNS:
        value = props.get(name)
        if value is None or isinstance(value, str):
            row[name] = value
        else:  # a number where text belongs is bad data, but it is kept as it was
            row[name] = None
            extra[name] = value
    for name in JSON_COLUMNS:
        value = props.get(name)
        row[name] = value
    known = {"id", *TEXT_COLUMNS, *JSON_COLUMNS}
    extra.update({k: v for k, v in props.items() if k not in known})
    row["extra"] = extra or None
    row["property_order"] = list(props)
    row["geojson"] = feature.get("geometry")
    return row


def row_to_feature(row: Mapping[str, Any]) -> dict[str, Any]:
    """A feature from a row (a live SELECT of :data:`SELECT_COLUMNS`, or a change-log image)."""
    values = {"id": row.get("id")}
    values.update({name: row.get(name) for name in (*TEXT_COLUMNS, *JSON_COLUMNS)})
    extra = row.get("extra") or {}
    order = row.get("property_order") or []
    props: dict[str, Any] = {}
    for key in order:
        if key in extra:
            props[key] = extra[key]
        elif key in values:
            props[key] = values[key]
    # Columns filled in outside the app (QGIS, psql) that the stored order does not name yet.
    for key, value in values.items():
        if key not in props and value is not None:
            props[key] = value
    for key, value in extra.items():
        props.setdefault(key, value)
    for name in JSON_COLUMNS:
        if props.get(name) is not None:
            props[name] = _ordered(props[name], name)
    geometry = row.get("geojson")
    if isinstance(geometry, str):
        geometry = json.loads(geometry)
    return {"type": "Feature", "properties": props, "geometry": geometry}


def _ordered(value: Any, context: str) -> Any:
    """``value`` with the keys of its objects in the data format's order."""
    if isinstance(value, list):
        return [_ordered(item, context) for item in value]
    if not isinstance(value, dict):
        return value
    order = _ITEM_ORDER.get(context, ())
    keys = [k for k in order if k in value] + [k for k in value if k not in order]
    return {k: _ordered(value[k], k if k in _ITEM_ORDER else context) for k in keys}
