"""Read and validate ``projects.geojson``; every problem is collected and reported at once."""

from __future__ import annotations

import json
import math
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import geopandas as gpd
import shapely
from shapely.geometry import shape

from geo import evidence, schema, settings
from geo.errors import Problem, ProjectDataError
from geo.timeline import current_status

Feature = Mapping[str, Any]


def read_collection(path: str | os.PathLike[str]) -> dict[str, Any]:
    """Read a GeoJSON file into a dict; a missing, undecodable or malformed file raises.

    Raises
    ------
    ProjectDataError
        With the path, the line and column of a JSON syntax error, and how to fix it.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        fix = f"no such file; check the path or set {settings.DATA_PATH_ENV}"
        raise ProjectDataError(str(path), [Problem("", "", str(path), fix)]) from None
    except IsADirectoryError:
        fix = "this is a folder; give the path of a .geojson file"
        raise ProjectDataError(str(path), [Problem("", "", str(path), fix)]) from None
    except UnicodeDecodeError as exc:
        fix = f"the file is not UTF-8 (byte {exc.start}); save it as UTF-8"
        raise ProjectDataError(str(path), [Problem("", "", path.name, fix)]) from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        fix = f"invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}"
        raise ProjectDataError(str(path), [Problem("", "", path.name, fix)]) from None


def read_report_text() -> str | None:
    """The bundled source report, against which every quote is checked; None if absent."""
    try:
        return settings.REPORT_PATH.read_text(encoding="utf-8")
    except OSError:
        return None


def validate_collection(collection: Any, *, report_text: str | None = None) -> list[Problem]:
    """Return every problem in a projects FeatureCollection (an empty list when it is valid).

    Parameters
    ----------
    collection
        The parsed GeoJSON.
    report_text
        The source report; when given, every quote must appear in it verbatim.
    """
    if not isinstance(collection, Mapping) or collection.get("type") != "FeatureCollection":
        kind = collection.get("type") if isinstance(collection, Mapping) else type(collection)
        fix = 'the file must be a GeoJSON object with "type": "FeatureCollection"'
        return [Problem("", "type", kind, fix)]
    features = collection.get("features")
    if not isinstance(features, list):
        return [Problem("", "features", features, 'give "features" as a list of Feature objects')]
    checker = _Checker(report_text)
    for index, feature in enumerate(features):
        checker.check_feature(index, feature)
    return checker.problems


def load_projects(
    path: str | os.PathLike[str] | None = None, *, check_quotes: bool = True
) -> gpd.GeoDataFrame:
    """Load and validate the projects file into a GeoDataFrame in WGS84.

    Parameters
    ----------
    path
        The file; default ``$PROJECT_MAP_DATA`` or ``data/projects.geojson``.
    check_quotes
        Check every quote against the bundled report (skipped if the report is absent).

    Raises
    ------
    ProjectDataError
        Listing every problem: feature id, field, value and fix.
    """
    path = settings.data_path(path)
    collection = read_collection(path)
    report_text = read_report_text() if check_quotes else None
    problems = validate_collection(collection, report_text=report_text)
    if problems:
        raise ProjectDataError(str(path), problems)
    gdf = _to_frame(collection["features"])
    gdf.attrs["source_path"] = str(path)
    return gdf


def _to_frame(features: list[Feature]) -> gpd.GeoDataFrame:
    """Features to a frame whose first columns are the required properties, in order."""
    if not features:
        columns = [*schema.REQUIRED_PROPERTIES]
        return gpd.GeoDataFrame(columns=columns, geometry=[], crs=settings.STORAGE_CRS)
    gdf = gpd.GeoDataFrame.from_features(features, crs=settings.STORAGE_CRS)
    columns = [*schema.REQUIRED_PROPERTIES]
    columns += [c for c in gdf.columns if c not in columns and c != "geometry"]
    return gdf[[*columns, "geometry"]]


def load_boundary(path: str | os.PathLike[str] | None = None) -> gpd.GeoDataFrame:
    """Load the district boundary (WGS84)."""
    path = Path(path) if path else settings.BOUNDARY_PATH
    collection = read_collection(path)
    return gpd.GeoDataFrame.from_features(collection["features"], crs=settings.STORAGE_CRS)


class _Checker:
    """Collects problems feature by feature, so that one run reports them all."""

    def __init__(self, report_text: str | None) -> None:
        self.report_text = report_text
        self.problems: list[Problem] = []
        self.seen_ids: dict[str, int] = {}

    def add(self, feature: str, field: str, value: object, fix: str) -> None:
        self.problems.append(Problem(feature, field, value, fix))

    def check_feature(self, index: int, feature: Any) -> None:
        label = f"#{index + 1}"
        if not isinstance(feature, Mapping) or feature.get("type") != "Feature":
            self.add(label, "type", _kind(feature), 'each item of "features" must be a Feature')
            return
        props = feature.get("properties")
        if not isinstance(props, Mapping):
            self.add(label, "properties", props, "give the feature a properties object")
            return
        label = self._check_id(label, props.get("id"))
        self._check_properties(label, props)
        self._check_geometry(label, feature.get("geometry"))

    def _check_id(self, label: str, value: Any) -> str:
        if not isinstance(value, str) or not schema.ID_PATTERN.match(value):
            fix = "give a unique ASCII slug of lower-case letters, digits and hyphens"
            self.add(label, "id", value, fix)
            return label
        named = f"'{value}'"
        if value in self.seen_ids:
            first = self.seen_ids[value]
            self.add(named, "id", value, f"duplicate of feature #{first}; ids must be unique")
        else:
            self.seen_ids[value] = int(label[1:])
        return named

    def _check_properties(self, label: str, props: Mapping[str, Any]) -> None:
        missing = [name for name in schema.REQUIRED_PROPERTIES if name not in props]
        for name in missing:
            self.add(label, name, None, "missing; see docs/data-format.md")
        self._check_choice(label, props, "layer", schema.LAYER_IDS)
        self._check_choice(label, props, "status", schema.STATUSES)
        self._check_choice(label, props, "location_precision", schema.PRECISIONS)
        for name in ("name_zh", "name_en", "location_note"):
            if name in props and not _text(props[name]):
                self.add(label, name, props[name], "give a non-empty string")
        if "source" in props:
            self._check_source(label, props["source"])
        if "milestones" in props:
            self._check_milestones(label, props["milestones"], props.get("status"))
        if "figures" in props:
            self._check_figures(label, props["figures"])
        self.problems += evidence.check_location_evidence(label, props)

    def _check_choice(
        self, label: str, props: Mapping[str, Any], name: str, choices: tuple[str, ...]
    ) -> None:
        if name in props and props[name] not in choices:
            self.add(label, name, props[name], f"use one of {', '.join(choices)}")

    def _check_quote(self, label: str, field: str, quote: Any, cited: Any = None) -> None:
        # A fact from another document (an imported file, minutes of a meeting) names that
        # document and who recorded it, and quotes it; only the report's quotes are checkable.
        cited = cited if isinstance(cited, Mapping) else {}
        document = cited.get("document")
        other = (
            _text(document)
            and document != settings.REPORT_TITLE
            and _text(cited.get("recorded_by"))
        )
        if not _text(quote):
            self.add(label, field, quote, "give the verbatim clause of the report")
        elif self.report_text is not None and not other and quote not in self.report_text:
            fix = "not found verbatim in the report; copy the clause exactly"
            self.add(label, field, quote, fix)

    def _check_source(self, label: str, source: Any) -> None:
        if not isinstance(source, Mapping):
            self.add(label, "source", source, 'give {"document": ..., "quote": ...}')
            return
        if not _text(source.get("document")):
            self.add(label, "source.document", source.get("document"), "name the document")
        self._check_quote(label, "source.quote", source.get("quote"), source)

    def _check_milestones(self, label: str, milestones: Any, status: Any) -> None:
        if not isinstance(milestones, list) or not milestones:
            self.add(label, "milestones", milestones, "give a non-empty list of milestones")
            return
        previous = None
        for i, milestone in enumerate(milestones):
            field = f"milestones[{i}]"
            if not isinstance(milestone, Mapping):
                self.add(label, field, milestone, "give an object with year, kind, status")
                return
            year = self._check_milestone(label, field, milestone)
            if year is None:
                return
            if previous is not None and year < previous:
                self.add(label, f"{field}.year", year, "list milestones oldest first")
            previous = year
        derived = current_status(milestones)
        if status in schema.STATUSES and derived != status:
            fix = f"disagrees with the milestones, which give '{derived}'"
            self.add(label, "status", status, fix)

    def _check_milestone(self, label: str, field: str, milestone: Mapping[str, Any]) -> int | None:
        low, high = schema.YEAR_BOUNDS
        year = milestone.get("year")
        if not _is_int(year) or not low <= year <= high:
            self.add(label, f"{field}.year", year, f"give a whole year from {low} to {high}")
            return None
        end = milestone.get("year_end")
        if end is not None and (not _is_int(end) or end < year or end > high):
            self.add(label, f"{field}.year_end", end, f"give a year from {year} to {high}")
        if milestone.get("kind") not in schema.MILESTONE_KINDS:
            fix = f"use one of {', '.join(schema.MILESTONE_KINDS)}"
            self.add(label, f"{field}.kind", milestone.get("kind"), fix)
        if milestone.get("status") not in schema.STATUSES:
            fix = f"use one of {', '.join(schema.STATUSES)}"
            self.add(label, f"{field}.status", milestone.get("status"), fix)
            return None
        if not _text(milestone.get("note_zh")):
            self.add(label, f"{field}.note_zh", milestone.get("note_zh"), "give a short note")
        self._check_quote(label, f"{field}.quote", milestone.get("quote"), milestone)
        return year

    def _check_figures(self, label: str, figures: Any) -> None:
        if not isinstance(figures, list):
            self.add(label, "figures", figures, "give a list (empty when the report gives none)")
            return
        for i, figure in enumerate(figures):
            field = f"figures[{i}]"
            if not isinstance(figure, Mapping):
                self.add(label, field, figure, "give an object with label_zh, value, unit, quote")
                continue
            value = figure.get("value")
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
                self.add(label, f"{field}.value", value, "give a non-negative number")
            if figure.get("unit") not in schema.FIGURE_UNITS:
                fix = f"use one of {', '.join(schema.FIGURE_UNITS)}"
                self.add(label, f"{field}.unit", figure.get("unit"), fix)
            for name in ("label_zh", "label_en"):
                if not _text(figure.get(name)):
                    self.add(label, f"{field}.{name}", figure.get(name), "give a label")
            self._check_quote(label, f"{field}.quote", figure.get("quote"), figure)

    def _check_geometry(self, label: str, geometry: Any) -> None:
        if not isinstance(geometry, Mapping) or geometry.get("type") not in schema.GEOMETRY_TYPES:
            kind = geometry.get("type") if isinstance(geometry, Mapping) else geometry
            fix = f"give a GeoJSON geometry: one of {', '.join(schema.GEOMETRY_TYPES)}"
            self.add(label, "geometry", kind, fix)
            return
        try:
            geom = shape(geometry)
        except (ValueError, TypeError, IndexError, AttributeError, shapely.errors.ShapelyError):
            fix = "coordinates do not form this geometry type; check nesting and pairs"
            self.add(label, "geometry.coordinates", geometry.get("type"), fix)
            return
        if geom.is_empty:
            self.add(label, "geometry", geometry.get("type"), "the geometry is empty")
            return
        self._check_extent(label, geom)
        if not geom.is_valid:
            reason = shapely.is_valid_reason(geom)
            fix = "invalid geometry; fix self-intersections (e.g. shapely.make_valid)"
            self.add(label, "geometry", reason, fix)

    def _check_extent(self, label: str, geom: Any) -> None:
        xmin, ymin, xmax, ymax = settings.EXTENT
        gxmin, gymin, gxmax, gymax = geom.bounds
        if not all(math.isfinite(v) for v in geom.bounds):
            self.add(label, "geometry.coordinates", geom.bounds, "coordinates must be numbers")
        elif xmin <= gxmin and gxmax <= xmax and ymin <= gymin and gymax <= ymax:
            return
        elif xmin <= gymin and gymax <= xmax and ymin <= gxmin and gxmax <= ymax:
            fix = "looks like (lat, lon); GeoJSON wants (lon, lat): swap each pair"
            self.add(label, "geometry.coordinates", geom.bounds, fix)
        elif max(abs(gxmax), abs(gymax)) > 180:
            fix = "looks like projected metres; reproject to WGS84 (EPSG:4326) first"
            self.add(label, "geometry.coordinates", geom.bounds, fix)
        else:
            fix = f"outside Shinan (lon {xmin}..{xmax}, lat {ymin}..{ymax}); check the CRS"
            self.add(label, "geometry.coordinates", geom.bounds, fix)


def _text(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _kind(value: Any) -> object:
    return value.get("type") if isinstance(value, Mapping) else type(value).__name__
