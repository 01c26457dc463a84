"""Turn an imported table into a plan: which features are added, changed or rejected, and why.

Nothing is written here. A row matches an existing feature by id, else by its Chinese name;
a match changes only what the row gives (geometry, status as a new milestone, names, owner);
no match adds a feature, which needs a name, a status and a year. Every proposed feature is
checked by the same rules as ``python -m geo validate`` before it enters the plan.
"""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import shapely
from shapely.geometry import shape

from geo import schema, settings
from geo.imports import columns as cols
from geo.imports.crs import CrsChoice, choose_crs, to_wgs84, unshift
from geo.imports.files import SourceTable
from geo.imports.geometry import GeometryResult, finish, prepare_raw
from geo.imports.message import ImportFailed, Message, msg
from geo.load import validate_collection
from geo.timeline import current_status
from i18n import t
from layers import LAYERS


@dataclass(frozen=True)
class Rejection:
    """One row that will not be imported: where, which field, what value, and why."""

    row: int
    field: str
    value: Any
    reason: Message

    def text(self, lang: str = "en") -> str:
        value = repr(self.value)
        value = value if len(value) <= 60 else value[:57] + "..."
        return t("import.row.line", lang, row=self.row, field=self.field, value=value) + (
            self.reason.text(lang)
        )


@dataclass(frozen=True)
class Proposal:
    """A feature the import adds or changes, with the fields that differ."""

    row: int
    feature: dict[str, Any]
    #: The feature as stored now (None when added).
    before: dict[str, Any] | None
    fields: tuple[str, ...]
    repairs: tuple[Message, ...] = ()

    @property
    def id(self) -> str:
        return self.feature["properties"]["id"]


@dataclass
class ImportPlan:
    """What an import would do; :meth:`apply` makes the new collection."""

    source: str
    layer: str
    mapping: dict[str, str]
    crs: CrsChoice | None
    notes: list[Message] = field(default_factory=list)
    added: list[Proposal] = field(default_factory=list)
    changed: list[Proposal] = field(default_factory=list)
    unchanged: list[int] = field(default_factory=list)
    rejected: list[Rejection] = field(default_factory=list)

    @property
    def rows(self) -> int:
        return len(self.added) + len(self.changed) + len(self.unchanged) + len(self.rejected)

    def apply(self, collection: Mapping[str, Any]) -> dict[str, Any]:
        """A new collection with the changes and additions (the input is not modified)."""
        out = copy.deepcopy(dict(collection))
        by_id = {p.id: p.feature for p in self.changed}
        out["features"] = [
            copy.deepcopy(by_id.get(f.get("properties", {}).get("id"), f)) for f in out["features"]
        ]
        out["features"] += [copy.deepcopy(p.feature) for p in self.added]
        return out

    def preview(self) -> gpd.GeoDataFrame:
        """Added and changed features as a frame (``change`` = added/changed) for a map preview."""
        rows = [(p, "added") for p in self.added] + [(p, "changed") for p in self.changed]
        records = [
            {
                "change": kind,
                "row": p.row,
                "id": p.id,
                "name_zh": p.feature["properties"]["name_zh"],
                "status": p.feature["properties"]["status"],
                "geometry": shape(p.feature["geometry"]),
            }
            for p, kind in rows
        ]
        columns = ["change", "row", "id", "name_zh", "status", "geometry"]
        frame = pd.DataFrame.from_records(records, columns=columns)
        return gpd.GeoDataFrame(frame, geometry="geometry", crs=settings.STORAGE_CRS)


@dataclass(frozen=True)
class ImportOptions:
    """How to read the file: target layer, CRS or shifted grid, and column overrides."""

    layer: str
    crs: str | None = None
    #: "gcj02" or "bd09": the file's lon/lat are in that shifted grid (never detected).
    shift: str | None = None
    overrides: Mapping[str, str] = field(default_factory=dict)
    #: Who imports (recorded with every fact the file gives) and when (default today).
    who: str = "import"
    today: dt.date | None = None


def plan_import(
    table: SourceTable,
    collection: Mapping[str, Any],
    options: ImportOptions,
    *,
    report_text: str | None = None,
) -> ImportPlan:
    """Plan the import of ``table`` into ``collection`` (a valid projects FeatureCollection).

    Raises
    ------
    ImportFailed
        When the file as a whole cannot be used (no coordinates, unknown CRS, bad mapping).
    """
    columns = [c for c in table.frame.columns if c != "geometry"]
    try:
        mapping = cols.apply_overrides(cols.guess_mapping(columns), options.overrides, columns)
    except ValueError as exc:
        raise ImportFailed(
            table.name, msg("import.map.column", column=str(exc), columns=", ".join(columns))
        ) from None
    offset = 1 if table.gdf is not None else 2  # tables: row numbers as a spreadsheet shows
    geoms, rejected = _raw_geometries(table, mapping, offset)
    choice = _choose(table, geoms, options)
    plan = ImportPlan(table.name, options.layer, mapping, choice, notes=[*table.notes])
    plan.notes.append(choice.note)
    if options.shift:
        plan.notes.append(msg(f"import.crs.{options.shift}"))
    try:
        wgs = _to_wgs84(geoms, choice, options.shift)
    except pyproj.exceptions.ProjError:
        raise ImportFailed(table.name, msg("import.crs.unusable")) from None
    builder = _Builder(plan, collection, options, table, report_text)
    records = table.frame.drop(columns="geometry", errors="ignore").to_dict("records")
    for index, record in enumerate(records):
        row = index + offset
        if row in rejected:
            plan.rejected.append(rejected[row])
            continue
        builder.add_row(row, record, wgs[index])
    return plan


def _raw_geometries(
    table: SourceTable, mapping: Mapping[str, str], offset: int
) -> tuple[list[GeometryResult], dict[int, Rejection]]:
    if table.gdf is not None:
        raw = list(table.gdf.geometry.values)
    else:
        raw = _table_geometries(table, mapping)
    results = [g if isinstance(g, GeometryResult) else prepare_raw(g) for g in raw]
    rejected = {
        i + offset: Rejection(i + offset, "geometry", r.value, r.problem)
        for i, r in enumerate(results)
        if r.problem is not None
    }
    return results, rejected


def _table_geometries(table: SourceTable, mapping: Mapping[str, str]) -> list:
    frame = table.frame
    if "wkt" in mapping:
        text = frame[mapping["wkt"]].astype(str).str.strip()
        # "fix" closes unclosed rings; text that is not WKT at all gives None.
        geoms = shapely.from_wkt(text.to_numpy(), on_invalid="fix")
        bad = msg("import.geom.wkt")
        return [
            GeometryResult(None, problem=bad, value=t[:40]) if g is None and t else g
            for g, t in zip(geoms, text, strict=True)
        ]
    if "lon" in mapping and "lat" in mapping:
        lon = pd.to_numeric(frame[mapping["lon"]], errors="coerce").to_numpy(dtype=float)
        lat = pd.to_numeric(frame[mapping["lat"]], errors="coerce").to_numpy(dtype=float)
        return [
            None if np.isnan(x) or np.isnan(y) else shapely.Point(x, y)
            for x, y in zip(lon, lat, strict=True)
        ]
    raise ImportFailed(table.name, msg("import.table.no_coords", columns=", ".join(frame.columns)))


def _choose(table: SourceTable, geoms: list[GeometryResult], options: ImportOptions) -> CrsChoice:
    usable = [g.geometry for g in geoms if g.geometry is not None]
    if not usable:
        raise ImportFailed(table.name, msg("import.file.no_geometry"))
    crs = table.gdf.crs if table.gdf is not None else None
    frame = gpd.GeoDataFrame(geometry=usable, crs=crs)
    given = options.crs or ("EPSG:4326" if options.shift else None)
    choice = choose_crs(frame, given=given)
    if choice is None:
        bounds = tuple(round(v, 3) for v in frame.total_bounds)
        raise ImportFailed(table.name, msg("import.crs.unknown", bounds=bounds))
    return choice


def _to_wgs84(
    geoms: list[GeometryResult], choice: CrsChoice, shift: str | None
) -> list[GeometryResult]:
    present = [i for i, g in enumerate(geoms) if g.geometry is not None]
    array = np.array([geoms[i].geometry for i in present], dtype=object)
    converted = to_wgs84(array, choice) if len(array) else array
    if shift and len(converted):
        converted = unshift(converted, shift)
    out = list(geoms)
    for i, geom in zip(present, converted, strict=True):
        out[i] = GeometryResult(geom, geoms[i].repairs)
    return out


class _Builder:
    """Builds one proposal per row, rejecting what breaks a rule."""

    def __init__(self, plan, collection, options, table, report_text) -> None:
        self.plan = plan
        self.options = options
        self.table = table
        self.report_text = report_text
        self.today = options.today or dt.date.today()
        features = list(collection.get("features", []))
        self.by_id = {f["properties"]["id"]: f for f in features}
        self.by_name: dict[str, list[dict]] = {}
        for feature in features:
            self.by_name.setdefault(feature["properties"]["name_zh"].strip(), []).append(feature)
        self.claimed: dict[str, int] = {}
        self.kinds = _layer_kinds(options.layer)

    def reject(self, row: int, name: str, value: Any, reason: Message) -> None:
        self.plan.rejected.append(Rejection(row, name, value, reason))

    def add_row(self, row: int, record: dict, raw: GeometryResult) -> None:
        mapping = self.plan.mapping
        existing = self._match(row, record)
        if existing is False:
            return
        kinds = _layer_kinds(existing["properties"]["layer"]) if existing else self.kinds
        result = finish(raw.geometry, layer_kinds=kinds)
        if result.problem is not None:
            self.reject(row, "geometry", result.value, result.problem)
            return
        geom = result.geometry
        repairs = raw.repairs + result.repairs
        status_value = cols.cell(record, mapping, "status")
        status = cols.parse_status(status_value) if status_value is not None else None
        if status_value is not None and status is None:
            self.reject(row, _col(mapping, "status"), status_value, msg("import.row.status"))
            return
        if existing is None:
            proposal = self._added(row, record, geom, status, repairs)
        else:
            proposal = self._changed(row, record, geom, status, existing, repairs)
        if proposal is not None:
            self._check(proposal)

    def _match(self, row: int, record: dict) -> dict | None | bool:
        """The existing feature the row is about; None for a new one; False when rejected."""
        mapping = self.plan.mapping
        given_id = cols.cell(record, mapping, "id")
        name = cols.cell(record, mapping, "name_zh")
        feature = self.by_id.get(str(given_id)) if given_id is not None else None
        if feature is None and name is not None:
            same = self.by_name.get(str(name).strip(), [])
            if len(same) > 1:
                ids = ", ".join(f["properties"]["id"] for f in same)
                self.reject(
                    row, _col(mapping, "name_zh"), name, msg("import.row.ambiguous", ids=ids)
                )
                return False
            feature = same[0] if same else None
        if feature is not None:
            keys = [feature["properties"]["id"]]
        else:
            keys = [f"id:{given_id}"] if given_id is not None else []
            keys += [f"name:{name}"] if name is not None else []
        first = next((self.claimed[k] for k in keys if k in self.claimed), None)
        if first is not None:
            field, value = ("id", given_id) if given_id is not None else ("name_zh", name)
            reason = msg("import.row.dup", first=first)
            self.reject(row, _col(mapping, field), value, reason)
            return False
        self.claimed.update(dict.fromkeys(keys, row))
        return feature

    def _location(self, row: int, record: dict, existing: dict | None) -> dict[str, Any]:
        """Precision, note and evidence of an imported geometry.

        The references of the old evidence are kept: they now test the imported geometry, so
        ``python -m geo audit`` says whether the file agrees with them. With none left, the
        position is unverified (named after the file) and therefore approximate unless the
        file itself says exact.
        """
        mapping = self.plan.mapping
        crs_text = self.plan.crs.note.text("en") if self.plan.crs else ""
        values = {"file": self.table.name, "row": row, "crs": crs_text}
        default = t("import.note.location", "en", **values, date=self.today.isoformat())
        old = (existing or {}).get("properties", {}).get("location_evidence") or {}
        references = list(old.get("references") or [])
        given = cols.cell(record, mapping, "location_precision")
        precision = cols.parse_precision(given) if given else None
        out: dict[str, Any] = {
            "location_precision": precision or ("exact" if references else "approximate"),
            "location_note": str(cols.cell(record, mapping, "location_note") or default),
        }
        evidence: dict[str, Any] = {"references": references} if references else {}
        if not references and out["location_precision"] != "exact":
            evidence["unverified"] = t("import.evidence.unverified", "en", **values)
        if evidence:
            out["location_evidence"] = evidence
        return out

    def _milestone(self, row: int, record: dict, status: str, after: int | None) -> dict | None:
        """A milestone for ``status`` from the row's year (or this year for a changed feature)."""
        mapping = self.plan.mapping
        fields = {
            "under_construction": ("start_year", "year"),
            "completed": ("completion_year", "year"),
            "open": ("completion_year", "year"),
        }.get(status, ("year",))
        fields += ("year", "start_year", "completion_year")
        value = next((v for f in fields if (v := cols.cell(record, mapping, f)) is not None), None)
        name = next((mapping[f] for f in fields if cols.cell(record, mapping, f) is not None), "")
        if value is None and after is None:
            self.reject(row, "year", None, msg("import.row.year_missing"))
            return None
        year = cols.parse_year(value) if value is not None else self.today.year
        low, high = schema.YEAR_BOUNDS
        if year is None or not low <= year <= high:
            self.reject(row, name, value, msg("import.row.year_range", low=low, high=high))
            return None
        if after is not None and year < after:
            self.reject(row, name or "year", year, msg("import.row.year_order", last=after))
            return None
        status_column = mapping.get("status", "status")
        quote = f"{status_column}={cols.cell(record, mapping, 'status')}"
        if name:
            quote += f"; {name}={cols.plain(value)}"
        note = cols.cell(record, mapping, "note") or t(f"import.status.{status}", "zh")
        return {
            "year": year,
            "kind": "target" if year > self.today.year else "reported",
            "status": status,
            "note_zh": str(note),
            "quote": quote,
            "document": t("import.document", "zh", file=self.table.name, row=row),
            "recorded_by": self.options.who,
        }

    def _added(self, row, record, geom, status, repairs) -> Proposal | None:
        mapping = self.plan.mapping
        name = cols.cell(record, mapping, "name_zh")
        if name is None:
            self.reject(row, "name_zh", None, msg("import.row.name_missing"))
            return None
        if status is None:
            self.reject(row, "status", None, msg("import.row.status_missing"))
            return None
        milestone = self._milestone(row, record, status, None)
        if milestone is None:
            return None
        feature_id, id_notes = self._new_id(record, str(name))
        props = {
            "id": feature_id,
            "layer": self.options.layer,
            "name_zh": str(name),
            "name_en": str(cols.cell(record, mapping, "name_en") or name),
            "status": current_status([milestone]),
            "milestones": [milestone],
            "source": {
                "document": milestone["document"],
                "quote": _row_quote(record, mapping),
                "recorded_by": self.options.who,
            },
            **self._location(row, record, None),
            "figures": [],
        }
        owner = cols.cell(record, mapping, "owner")
        if owner is not None:
            props["owner"] = str(owner)
        feature = {"type": "Feature", "properties": props, "geometry": to_geojson(geom)}
        return Proposal(row, feature, None, tuple(props) + ("geometry",), repairs + id_notes)

    def _new_id(self, record: dict, name: str) -> tuple[str, tuple[Message, ...]]:
        """The row's id when it is a valid slug, else one derived from layer and name.

        KML placemark ids (``parking.1``) and GIS object ids are not project ids: a new
        feature then gets a generated id, stable across re-imports of the same file.
        """
        given = cols.cell(record, self.plan.mapping, "id")
        if given is not None and schema.ID_PATTERN.match(str(given)):
            return str(given), ()
        digest = hashlib.sha1(name.encode("utf-8")).hexdigest()[:8]
        generated = f"{self.options.layer.replace('_', '-')}-{digest}"
        if given is None:
            return generated, ()
        return generated, (msg("import.row.id_generated", given=str(given), id=generated),)

    def _changed(self, row, record, geom, status, existing, repairs) -> Proposal | None:
        mapping = self.plan.mapping
        feature = copy.deepcopy(existing)
        props = feature["properties"]
        if not shapely.equals_exact(shape(existing["geometry"]), geom, tolerance=1e-7):
            feature["geometry"] = to_geojson(geom)
            props.pop("location_evidence", None)
            props.update(self._location(row, record, existing))
        if status is not None and status != props["status"]:
            last = max(int(m["year"]) for m in props["milestones"])
            milestone = self._milestone(row, record, status, last)
            if milestone is None:
                return None
            props["milestones"] = [*props["milestones"], milestone]
            props["status"] = current_status(props["milestones"])
        for name in ("name_en", "owner"):
            value = cols.cell(record, mapping, name)
            if value is not None:
                props[name] = str(value)
        fields = _differences(existing, feature)
        if not fields:
            self.plan.unchanged.append(row)
            return None
        return Proposal(row, feature, existing, fields, repairs)

    def _check(self, proposal: Proposal) -> None:
        """Same rules as ``geo validate``; the first problem rejects the row."""
        one = {"type": "FeatureCollection", "features": [proposal.feature]}
        problems = validate_collection(one, report_text=self.report_text)
        if problems:
            first = problems[0]
            self.reject(
                proposal.row, first.field, first.value, msg("import.row.invalid", fix=first.fix)
            )
            return
        (self.plan.added if proposal.before is None else self.plan.changed).append(proposal)


def _differences(before: Mapping[str, Any], after: Mapping[str, Any]) -> tuple[str, ...]:
    names = [
        k for k in after["properties"] if before["properties"].get(k) != after["properties"][k]
    ]
    if before.get("geometry") != after.get("geometry"):
        names.append("geometry")
    return tuple(names)


def _row_quote(record: Mapping[str, Any], mapping: Mapping[str, str]) -> str:
    """The row's mapped cells as ``column=value`` pairs: the source text of an imported fact."""
    parts = []
    for name in ("id", "name_zh", "status", "start_year", "completion_year", "year", "owner"):
        value = cols.cell(record, mapping, name)
        if value is not None:
            parts.append(f"{mapping[name]}={cols.plain(value)}")
    return "; ".join(parts)


def to_geojson(geom) -> dict[str, Any]:
    """A geometry as the data file holds it: plain JSON (lists, not tuples)."""
    return json.loads(shapely.to_geojson(geom))


def _col(mapping: Mapping[str, str], name: str) -> str:
    return mapping.get(name, name)


def _layer_kinds(layer: str) -> tuple[str, ...]:
    return tuple(LAYERS[layer].geometry_kinds)
