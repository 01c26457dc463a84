"""Read and validate ``projects.geojson``; every problem is collected and reported at once."""

from __future__ import annotations

import json
import math
import os
import re
import stat
from collections.abc import Collection, Mapping, Sequence
from pathlib import Path
from typing import Any, Final

import geopandas as gpd
import numpy as np
import shapely
from shapely.geometry import shape

from geo import evidence, schema, settings
from geo.errors import Problem, ProjectDataError
from geo.timeline import current_status

Feature = Mapping[str, Any]


def read_collection(
    path: str | os.PathLike[str], *, max_bytes: int = settings.MAX_DATA_BYTES
) -> dict[str, Any]:
    """Read a GeoJSON (or scenes) file into a dict; anything unusable raises one clear problem.

    Only a regular file of at most ``max_bytes`` is read (a FIFO or ``/dev/zero`` named as
    the data file would otherwise hang or fill memory). The JSON must be UTF-8 (a BOM is
    accepted), with finite numbers, at most ``settings.MAX_JSON_DEPTH`` levels deep and no
    unpaired surrogate in any text.

    Raises
    ------
    ProjectDataError
        With the path, where the problem is (line and column, or the item), and how to fix it.
    """
    path = Path(path)
    raw = _read_regular_file(path, max_bytes)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        fix = f"the file is not UTF-8 (byte {exc.start}); save it as UTF-8"
        raise _file_error(path, path.name, fix) from None
    try:
        # Numbers are checked afterwards (find_unsafe_value): a parse_float hook would call
        # Python for every coordinate and make large files several times slower to read.
        data = json.loads(text, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        fix = f"invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}"
        raise _file_error(path, path.name, fix) from None
    except _BadNumber as exc:
        raise _file_error(path, exc.text, f"{_line_of(text, exc.text)}{exc.fix}") from None
    except ValueError:  # an integer of thousands of digits (Python's conversion limit)
        raise _file_error(path, path.name, _LONG_NUMBER_FIX) from None
    except RecursionError:
        fix = f"nested too deeply; no GeoJSON needs more than {settings.MAX_JSON_DEPTH} levels"
        raise _file_error(path, path.name, fix) from None
    problem = find_unsafe_value(data)
    if problem is not None:
        raise ProjectDataError(str(path), [problem])
    return data


def _read_regular_file(path: Path, max_bytes: int) -> bytes:
    # O_NONBLOCK: opening a FIFO must not wait for a writer; fstat then says what it is.
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except FileNotFoundError:
        fix = f"no such file; check the path or set {settings.DATA_PATH_ENV}"
        raise _file_error(path, str(path), fix) from None
    except IsADirectoryError:
        raise _file_error(path, str(path), "this is a folder; give the path of a file") from None
    except PermissionError:
        fix = "cannot be read (permission denied); let the app's user read it (chmod a+r)"
        raise _file_error(path, str(path), fix) from None
    except OSError as exc:
        raise _file_error(path, str(path), f"cannot be opened: {exc.strerror}") from None
    info = os.fstat(fd)
    problem = _unreadable_kind(info, max_bytes)
    if problem:
        os.close(fd)
        raise _file_error(path, str(path), problem)
    with os.fdopen(fd, "rb") as handle:
        try:
            raw = handle.read(max_bytes + 1)
        except OSError as exc:
            raise _file_error(path, str(path), f"cannot be read: {exc.strerror}") from None
    if len(raw) > max_bytes:  # the file grew after fstat
        raise _file_error(path, path.name, f"over {max_bytes:,} bytes; files this big are refused")
    return raw


def _unreadable_kind(info: os.stat_result, max_bytes: int) -> str | None:
    """Why a file of this kind and size is not read, or None."""
    if stat.S_ISDIR(info.st_mode):
        return "this is a folder; give the path of a file"
    if not stat.S_ISREG(info.st_mode):
        return "not a regular file (a pipe or a device); give the path of a saved file"
    if info.st_size > max_bytes:
        return f"{info.st_size:,} bytes; files over {max_bytes:,} bytes are refused"
    return None


def _line_of(text: str, token: str) -> str:
    """ "line N: " where ``token`` first appears in ``text`` (a parse hook knows no position)."""
    index = text.find(token)
    return f"line {text.count(chr(10), 0, index) + 1}: " if index >= 0 else ""


def _file_error(path: Path, value: object, fix: str) -> ProjectDataError:
    return ProjectDataError(str(path), [Problem("", "", value, fix)])


class _BadNumber(ValueError):
    def __init__(self, text: str, fix: str) -> None:
        super().__init__(fix)
        self.text, self.fix = text, fix


def _reject_constant(name: str) -> float:
    raise _BadNumber(name, f"{name} is not valid JSON; give a number or leave the field out")


_LONG_NUMBER_FIX: Final = "a number this long cannot be right; give at most 15 digits"
_LARGE_NUMBER_FIX: Final = "a number this large (or infinite) cannot be right; check the value"
#: No number in a projects or scenes file is this large (coordinates, years, figures).
_NUMBER_LIMIT: Final = 1e15


def find_unsafe_value(data: Any) -> Problem | None:
    """The first place in parsed JSON that nests too deeply, holds an unpaired surrogate or a
    number too large (or infinite) to be right.

    Each would crash a later step (copying, drawing, writing UTF-8 or JSON), so files are
    refused here, naming the feature and the field. Geometry coordinates are left to the
    validator, which checks every position.
    """
    stack: list[tuple[Any, tuple[str | int, ...]]] = [(data, ())]
    while stack:
        value, where = stack.pop()
        if len(where) > settings.MAX_JSON_DEPTH:
            fix = f"nested more than {settings.MAX_JSON_DEPTH} levels; flatten this value"
            return _located(data, where[: settings.MAX_JSON_DEPTH], "…", fix)
        problem = _unsafe_scalar(value)
        if problem:
            return _located(data, where, _short_value(value), problem)
        if isinstance(value, dict):
            for key, item in value.items():
                if _has_surrogate(key):
                    return _located(data, where, key, _SURROGATE_FIX)
                if key == "coordinates" and "type" in value:
                    continue
                stack.append((item, (*where, key)))
        elif isinstance(value, list):
            stack.extend((item, (*where, i)) for i, item in enumerate(value))
    return None


def _unsafe_scalar(value: Any) -> str | None:
    if isinstance(value, str):
        return _SURROGATE_FIX if _has_surrogate(value) else None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    if isinstance(value, int):
        return _LONG_NUMBER_FIX if abs(value) >= 10**15 else None
    return None if -_NUMBER_LIMIT <= value <= _NUMBER_LIMIT else _LARGE_NUMBER_FIX


def _short_value(value: Any) -> object:
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 10**24:
        text = str(value)  # json.loads refuses more than 4300 digits, so this is cheap
        return f"{text[:20]}… ({len(text.lstrip('-'))} digits)"
    return value


_SURROGATE_FIX = "holds a broken character (an unpaired UTF-16 surrogate); retype the text"


def _has_surrogate(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _located(data: Any, where: tuple[str | int, ...], value: object, fix: str) -> Problem:
    """A problem at a JSON path, naming the feature (by id if it has a usable one)."""
    feature, rest = "", list(where)
    if len(where) >= 2 and where[0] == "features" and isinstance(where[1], int):
        feature = f"#{where[1] + 1}"
        props = data["features"][where[1]]
        props = props.get("properties") if isinstance(props, dict) else None
        pid = props.get("id") if isinstance(props, dict) else None
        if isinstance(pid, str) and schema.ID_PATTERN.fullmatch(pid):
            feature = f"'{pid}'"
        rest = rest[2:]
    elif len(where) >= 2 and where[0] == "scenes" and isinstance(where[1], int):
        feature, rest = f"#{where[1] + 1}", rest[2:]
    parts = [f"[{p}]" if isinstance(p, int) else f".{_visible(str(p))}" for p in rest]
    field = "".join(parts[:6]).lstrip(".") + ("…" if len(parts) > 6 else "")
    if isinstance(value, str):
        value = _visible(value)
    return Problem(feature, field, value, fix)


def _visible(text: str) -> str:
    """``text`` with each unpaired surrogate written as ``\\udXXX``, so it can be printed."""
    return _SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


_SURROGATE: Final = re.compile("[\ud800-\udfff]")


def read_report_text() -> str | None:
    """The bundled source report, against which every quote is checked; None if absent."""
    try:
        return settings.REPORT_PATH.read_text(encoding="utf-8")
    except OSError:
        return None


def validate_collection(
    collection: Any,
    *,
    report_text: str | None = None,
    proven: Sequence[Collection[str]] | None = None,
) -> list[Problem]:
    """Return every problem in a projects FeatureCollection (an empty list when it is valid).

    Parameters
    ----------
    collection
        The parsed GeoJSON.
    report_text
        The source report; when given, every quote must appear in it verbatim.
    proven
        Per feature, the parts (``"geometry"``, ``"milestones"``, ``"source"``,
        ``"figures"``, ``"location_evidence"``) a bulk check has already found clean; the
        problems reported are the same, found faster.
    """
    if not isinstance(collection, Mapping) or collection.get("type") != "FeatureCollection":
        kind = collection.get("type") if isinstance(collection, Mapping) else type(collection)
        fix = 'the file must be a GeoJSON object with "type": "FeatureCollection"'
        return [Problem("", "type", kind, fix)]
    features = collection.get("features")
    if not isinstance(features, list):
        return [Problem("", "features", features, 'give "features" as a list of Feature objects')]
    checker = _Checker(report_text)
    if proven is None:
        for index, feature in enumerate(features):
            checker.check_feature(index, feature)
    else:
        for index, (feature, parts) in enumerate(zip(features, proven, strict=True)):
            checker.check_feature(index, feature, proven=parts)
    return checker.problems


def part_is_clean(part: str, props: Mapping[str, Any], *, report_text: str | None) -> bool:
    """Whether one nested part of a feature's properties passes its check on its own.

    ``part`` is ``"milestones"`` (read with ``status``), ``"source"``, ``"figures"`` or
    ``"location_evidence"`` (read with ``location_precision``). The check of each depends on
    nothing else, so a reader that meets the same value many times checks it once.
    """
    checker = _Checker(report_text)
    if part == "location_evidence":
        return not evidence.check_location_evidence("", props)
    if part not in props:
        return True
    check = {
        "milestones": lambda v: checker._check_milestones("", v, props.get("status")),
        "source": lambda v: checker._check_source("", v),
        "figures": lambda v: checker._check_figures("", v),
    }[part]
    check(props[part])
    return not checker.problems


def load_projects(
    path: str | os.PathLike[str] | None = None, *, check_quotes: bool = True
) -> gpd.GeoDataFrame:
    """Load and validate the projects file into a GeoDataFrame in WGS84.

    Parameters
    ----------
    path
        The file; default ``$PROJECT_MAP_DATA`` or ``data/projects.geojson``. A ``.parquet``
        file is read as GeoParquet (:mod:`geo.parquet`) with the same checks.
    check_quotes
        Check every quote against the bundled report (skipped if the report is absent).

    Raises
    ------
    ProjectDataError
        Listing every problem: feature id, field, value and fix.
    """
    path = settings.data_path(path)
    if path.suffix.lower() == ".parquet":  # GeoParquet (geo/parquet.py), same validation
        from geo.parquet import read_projects_parquet

        return read_projects_parquet(path, check_quotes=check_quotes)
    collection = read_collection(path)
    report_text = read_report_text() if check_quotes else None
    problems = validate_collection(collection, report_text=report_text)
    if problems:
        raise ProjectDataError(str(path), problems)
    gdf = _to_frame(collection["features"])
    gdf.attrs["source_path"] = str(path)
    return gdf


def projects_frame(
    collection: dict[str, Any], source: str, *, check_quotes: bool = True
) -> gpd.GeoDataFrame:
    """Validate a collection read from any store (e.g. PostGIS) into a frame like
    :func:`load_projects` gives; raises :class:`ProjectDataError` naming ``source``."""
    report_text = read_report_text() if check_quotes else None
    problems = validate_collection(collection, report_text=report_text)
    if problems:
        raise ProjectDataError(source, problems)
    gdf = _to_frame(collection["features"])
    gdf.attrs["source_path"] = source
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

    def check_feature(self, index: int, feature: Any, *, proven: Collection[str] = ()) -> None:
        """Check one feature; ``proven`` names parts already shown clean in bulk (a column
        check of the GeoParquet reader), which are not checked again one by one."""
        label = f"#{index + 1}"
        if not isinstance(feature, Mapping) or feature.get("type") != "Feature":
            self.add(label, "type", _kind(feature), 'each item of "features" must be a Feature')
            return
        props = feature.get("properties")
        if not isinstance(props, Mapping):
            self.add(label, "properties", props, "give the feature a properties object")
            return
        label = self._check_id(label, props.get("id"))
        self._check_properties(label, props, proven)
        if "geometry" not in proven:
            self._check_geometry(label, feature.get("geometry"))

    def _check_id(self, label: str, value: Any) -> str:
        # fullmatch: with match() the pattern's "$" would accept an id ending in a newline.
        if not isinstance(value, str) or not schema.ID_PATTERN.fullmatch(value):
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

    def _check_properties(
        self, label: str, props: Mapping[str, Any], proven: Collection[str] = ()
    ) -> None:
        missing = [name for name in schema.REQUIRED_PROPERTIES if name not in props]
        for name in missing:
            self.add(label, name, None, "missing; see docs/data-format.md")
        for name in RESERVED_PROPERTIES & props.keys():
            fix = "this name is reserved for the feature's shape; rename the property"
            self.add(label, name, props[name], fix)
        self._check_choice(label, props, "layer", schema.LAYER_IDS)
        self._check_choice(label, props, "status", schema.STATUSES)
        self._check_choice(label, props, "location_precision", schema.PRECISIONS)
        for name in ("name_zh", "name_en", "location_note"):
            if name in props and not _text(props[name]):
                self.add(label, name, props[name], "give a non-empty string")
            elif name in props and _HIDDEN_CHARS.search(props[name]):
                fix = "holds invisible control or text-direction characters; retype the text"
                self.add(label, name, props[name], fix)
        if "source" in props and "source" not in proven:
            self._check_source(label, props["source"])
        if "milestones" in props and "milestones" not in proven:
            self._check_milestones(label, props["milestones"], props.get("status"))
        if "figures" in props and "figures" not in proven:
            self._check_figures(label, props["figures"])
        if "location_evidence" not in proven:
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
            if (
                isinstance(value, bool)
                or not isinstance(value, (int, float))
                or not 0 <= value <= MAX_FIGURE
            ):
                fix = f"give a non-negative number up to {MAX_FIGURE:.0e}"
                self.add(label, f"{field}.value", value, fix)
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
        coordinates = geometry.get("coordinates")
        if not _coordinates_ok(coordinates, _POSITION_DEPTH[geometry["type"]]):
            fix = "coordinates do not form this geometry type; check nesting and pairs"
            self.add(label, "geometry.coordinates", _short(coordinates), fix)
            return
        try:
            geom = shape(geometry)
        except (ValueError, TypeError, IndexError, shapely.errors.ShapelyError):
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


#: Property names that would collide with the frame's geometry column.
RESERVED_PROPERTIES: Final = frozenset({"geometry"})
#: Figures are counts, areas and sums of money: anything larger is a typo.
MAX_FIGURE: Final = 1e12
# C0/C1 controls (but tab, newline) and the bidi embeddings, overrides and isolates, which
# reorder what follows them on screen and in exports.
_HIDDEN_CHARS: Final = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
#: How deep the positions sit in each geometry type's coordinates.
_POSITION_DEPTH: Final = {
    "Point": 0,
    "MultiPoint": 1,
    "LineString": 1,
    "MultiLineString": 2,
    "Polygon": 2,
    "MultiPolygon": 3,
}


def geometries_clean(geometries: Any) -> np.ndarray:
    """Which shapely geometries surely pass :meth:`_Checker._check_geometry`, in bulk.

    True only where the type is allowed, the geometry and each of its parts and rings are
    non-empty, every coordinate is finite and inside ``settings.EXTENT``, and the geometry
    is valid. Anything else (also a geometry that might pass) is False and is checked one by
    one, so the problems reported do not change.
    """
    geoms = np.asarray(geometries, dtype=object)
    allowed = np.isin(shapely.get_type_id(geoms), _ALLOWED_TYPE_IDS)
    ok = allowed & ~shapely.is_missing(geoms) & ~shapely.is_empty(geoms)
    with np.errstate(invalid="ignore"):
        bounds = shapely.bounds(geoms)
        xmin, ymin, xmax, ymax = settings.EXTENT
        ok &= (bounds[:, 0] >= xmin) & (bounds[:, 2] <= xmax)
        ok &= (bounds[:, 1] >= ymin) & (bounds[:, 3] <= ymax)
    # Every coordinate, not only the bounds: a NaN beside finite values hides from bounds.
    coords, index = shapely.get_coordinates(geoms, include_z=True, return_index=True)
    has_z = shapely.has_z(geoms)[index]
    finite = np.isfinite(coords[:, :2]).all(axis=1) & (~has_z | np.isfinite(coords[:, 2]))
    ok &= np.bincount(index[~finite], minlength=len(geoms)) == 0
    # Empty parts and rings: only multi-geometries have parts and only polygons with holes
    # have more than one ring (an empty shell already makes the geometry empty), so only
    # those are split, not every geometry of a large file.
    multi = np.flatnonzero(np.isin(shapely.get_type_id(geoms), (4, 5, 6)) & ok)
    parts, index = shapely.get_parts(geoms[multi], return_index=True)
    ok[multi[index[shapely.is_empty(parts)]]] = False
    polygons = np.where(shapely.get_type_id(geoms) == 3, geoms, None)
    holed = np.flatnonzero(shapely.get_num_interior_rings(polygons) > 0)
    with_parts = np.concatenate([multi[index], holed])
    shapes = np.concatenate([parts, geoms[holed]])
    rings, ring_index = shapely.get_rings(shapes, return_index=True)
    ok[with_parts[ring_index[shapely.is_empty(rings)]]] = False
    ok[ok] = shapely.is_valid(geoms[ok])
    return ok


#: shapely type ids of ``schema.GEOMETRY_TYPES`` (Point 0 ... MultiPolygon 6; 2 is a ring).
_ALLOWED_TYPE_IDS: Final = (0, 1, 3, 4, 5, 6)


def _coordinates_ok(coordinates: Any, depth: int) -> bool:
    """Lists nested ``depth`` deep, ending in positions of 2 or 3 finite numbers."""
    if depth == 0:
        return (
            isinstance(coordinates, list)
            and len(coordinates) in (2, 3)
            and all(_is_number(v) and -_NUMBER_LIMIT <= v <= _NUMBER_LIMIT for v in coordinates)
        )
    return (
        isinstance(coordinates, list)
        and bool(coordinates)
        and all(_coordinates_ok(part, depth - 1) for part in coordinates)
    )


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _short(value: Any) -> object:
    text = json.dumps(value, ensure_ascii=False) if value is not None else "null"
    return text if len(text) <= 60 else text[:57] + "..."


def _text(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _kind(value: Any) -> object:
    return value.get("type") if isinstance(value, Mapping) else type(value).__name__
