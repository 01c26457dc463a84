"""GeoParquet beside GeoJSON: write validated projects, read them back with the same checks.

The file is what ``python -m geo parquet`` writes: one row per project, the geometry as WKB in
WGS84, a ``bbox`` covering column (xmin, ymin, xmax, ymax) that lets a reader such as DuckDB
(``geo/engine.py``) skip whole row groups outside a viewport, and every nested property
(milestones, source, figures, evidence) as its JSON text. Nested values are stored as text
because Parquet structs would unify their keys (a milestone without ``year_end`` would come
back with ``year_end: null``), and the validator must see exactly what was written.
"""

from __future__ import annotations

import json
import math
import os
from pathlib import Path
from typing import Any, Final

import geopandas as gpd
import numpy as np
import pyarrow.parquet as pq
import shapely

from geo import schema, settings
from geo.errors import Problem, ProjectDataError
from geo.load import (
    _to_frame,
    _unreadable_kind,
    geometries_clean,
    part_is_clean,
    read_report_text,
    validate_collection,
)

#: Parquet key-value metadata naming the columns that hold JSON text.
JSON_COLUMNS_KEY: Final = b"shinan:json_columns"
SUFFIX: Final = ".parquet"


def is_parquet_path(path: str | os.PathLike[str]) -> bool:
    """Whether ``path`` names a GeoParquet projects file (by its suffix)."""
    return Path(path).suffix.lower() == SUFFIX


def write_projects_parquet(gdf: gpd.GeoDataFrame, out: str | os.PathLike[str]) -> Path:
    """Write validated projects (a frame from :func:`geo.load.load_projects`) as GeoParquet,
    in the frame's row order (reading it back gives the same frame)."""
    frame = gdf.copy()
    frame.attrs = {}  # the source path of this machine is not part of the data
    nested = [c for c in frame.columns if c != "geometry" and _holds_nested(frame[c])]
    for column in nested:
        frame[column] = [_dump(v) for v in frame[column]]
    out = Path(out)
    frame.to_parquet(out, index=False, write_covering_bbox=True, schema_version="1.1.0")
    _add_metadata(out, {JSON_COLUMNS_KEY: json.dumps(nested).encode()})
    return out


def _holds_nested(column: Any) -> bool:
    return any(isinstance(v, (dict, list)) for v in column)


def _dump(value: Any) -> Any:
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return None if _missing(value) else value


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _add_metadata(path: Path, extra: dict[bytes, bytes]) -> None:
    # geopandas writes its "geo" metadata; ours is added to the schema without re-encoding
    # the columns' meaning (the table is read and written once, at build time only).
    table = pq.read_table(path)
    table = table.replace_schema_metadata({**(table.schema.metadata or {}), **extra})
    pq.write_table(table, path)


def read_projects_parquet(
    path: str | os.PathLike[str], *, check_quotes: bool = True
) -> gpd.GeoDataFrame:
    """Read and validate a GeoParquet projects file into the frame ``load_projects`` gives.

    Raises
    ------
    ProjectDataError
        One problem for an unusable file (not Parquet, no geometry, wrong CRS, missing
        columns), else every problem the GeoJSON validator finds, by feature and field.
    """
    path = Path(path)
    _check_file(path)
    try:
        meta = pq.read_schema(path).metadata or {}
    except (OSError, ValueError) as exc:  # pyarrow.ArrowInvalid is a ValueError
        raise _file_error(path, path.name, _not_parquet(exc)) from None
    if b"geo" not in meta:
        fix = "a Parquet file without GeoParquet metadata; write it with python -m geo parquet"
        raise _file_error(path, path.name, fix)
    try:
        gdf = gpd.read_parquet(path)
    except (OSError, ValueError, TypeError, shapely.errors.ShapelyError) as exc:
        # A damaged file, or "geo" metadata another tool wrote wrongly; never a traceback.
        first = str(exc).splitlines()[0][:120] if str(exc) else type(exc).__name__
        fix = f"the GeoParquet cannot be read ({first}); write it again with python -m geo parquet"
        raise _file_error(path, path.name, fix) from None
    _check_crs(path, gdf)
    missing = [c for c in schema.REQUIRED_PROPERTIES if c not in gdf.columns]
    if missing:
        fix = f"missing column{'s' if len(missing) > 1 else ''} {', '.join(missing)}"
        raise _file_error(path, path.name, fix + "; write the file with python -m geo parquet")
    nested = json.loads(meta.get(JSON_COLUMNS_KEY, b"[]"))
    report_text = read_report_text() if check_quotes else None
    columns, texts = _property_columns(gdf, nested)
    geometries = np.asarray(gdf.geometry.values, dtype=object)
    # Each step's inputs are let go as soon as they are used: at 100,000 projects the read
    # frame, the JSON texts and the feature dicts each weigh a hundred MB or more.
    del gdf
    proven = _proven_parts(columns, texts, geometries, report_text)
    del texts
    collection = _collection(columns, geometries, proven)
    problems = validate_collection(collection, report_text=report_text, proven=proven)
    del collection, proven
    if problems:
        raise ProjectDataError(str(path), problems)
    frame = _frame(columns, geometries)
    frame.attrs["source_path"] = str(path)
    return frame


def _check_file(path: Path) -> None:
    try:
        info = path.stat()
    except FileNotFoundError:
        fix = f"no such file; check the path or set {settings.DATA_PATH_ENV}"
        raise _file_error(path, str(path), fix) from None
    except OSError as exc:
        raise _file_error(path, str(path), f"cannot be opened: {exc.strerror}") from None
    problem = _unreadable_kind(info, settings.MAX_PARQUET_BYTES)
    if problem:
        raise _file_error(path, str(path), problem)


def _not_parquet(exc: Exception) -> str:
    if isinstance(exc, PermissionError):
        return "cannot be read (permission denied); let the app's user read it (chmod a+r)"
    return "not a Parquet file; give a .parquet written by python -m geo parquet, or a .geojson"


def _check_crs(path: Path, gdf: gpd.GeoDataFrame) -> None:
    crs = gdf.crs
    if crs is None or not crs.equals(settings.STORAGE_CRS):
        name = crs.to_string() if crs is not None else None
        fix = f"coordinates must be WGS84 ({settings.STORAGE_CRS}); reproject, then write again"
        raise ProjectDataError(str(path), [Problem("", "crs", name, fix)])


def _property_columns(
    gdf: gpd.GeoDataFrame, nested: list[str]
) -> tuple[dict[str, list[Any]], dict[str, list[Any]]]:
    """Each property column as Python values, nested ones decoded from their JSON text (a
    missing value is ``_MISSING``), and the nested columns' texts as stored. An optional
    column nobody fills is left out, as a GeoJSON file without that property gives none."""
    columns, texts = {}, {}
    for name in gdf.columns:
        if name == gdf.geometry.name:
            continue
        values = [_MISSING if _missing(v) else v for v in gdf[name].tolist()]
        if name not in schema.REQUIRED_PROPERTIES and all(v is _MISSING for v in values):
            continue
        if name in nested:
            texts[name] = values
            values = _load_shared(values)
        columns[name] = values
    return columns, texts


def _proven_parts(
    columns: dict[str, list[Any]],
    texts: dict[str, list[Any]],
    geometries: np.ndarray,
    report_text: str | None,
) -> list[frozenset[str]]:
    """Per row, the parts shown clean in bulk: geometry by column-wise shapely checks, each
    nested part once per distinct stored text (large files repeat a few sources and
    histories); a part that cannot be keyed so is left to the row-by-row check."""
    n = len(geometries)
    cleared: list[set[str]] = [{"geometry"} if ok else set() for ok in geometries_clean(geometries)]
    for part, context in _NESTED_PARTS.items():
        if part not in columns:
            continue
        keys = texts.get(part, columns[part])
        around = columns.get(context, [_MISSING] * n) if context else [_MISSING] * n
        memo: dict[tuple[Any, Any], bool] = {}
        for row, (value, key, near) in enumerate(zip(columns[part], keys, around, strict=True)):
            pair = (key, near)
            if not isinstance(key, (str, _Missing)) or not isinstance(near, (str, _Missing)):
                continue
            if pair not in memo:
                memo[pair] = part_is_clean(
                    part, _part_props(part, value, context, near), report_text=report_text
                )
            if memo[pair]:
                cleared[row].add(part)
    return [frozenset(parts) for parts in cleared]


def _part_props(part: str, value: Any, context: str | None, near: Any) -> dict[str, Any]:
    """The properties one part's check reads, as :func:`_collection` gives them."""
    props = {}
    if value is not _MISSING or part in schema.REQUIRED_PROPERTIES:
        props[part] = None if value is _MISSING else value
    if context and (near is not _MISSING or context in schema.REQUIRED_PROPERTIES):
        props[context] = None if near is _MISSING else near
    return props


#: Nested parts checked once per distinct value, and the property each check also reads.
_NESTED_PARTS: Final = {
    "milestones": "status",
    "source": None,
    "figures": None,
    "location_evidence": "location_precision",
}


def _collection(
    columns: dict[str, list[Any]], geometries: np.ndarray, proven: list[frozenset[str]]
) -> dict[str, Any]:
    """The rows as the GeoJSON FeatureCollection they were written from; a geometry already
    proven clean is not converted back to GeoJSON (nobody reads it)."""
    names = list(columns)
    unproven = np.array(["geometry" not in parts for parts in proven], dtype=bool)
    shapes: list[Any] = [None] * len(geometries)
    for row, text in zip(
        np.flatnonzero(unproven), shapely.to_geojson(geometries[unproven]), strict=True
    ):
        shapes[row] = json.loads(text) if text is not None else None
    features = []
    for row, values in enumerate(zip(*columns.values(), strict=True)):
        props = {
            name: value
            for name, value in zip(names, values, strict=True)
            if value is not _MISSING or name in schema.REQUIRED_PROPERTIES
        }
        props = {k: (None if v is _MISSING else v) for k, v in props.items()}
        features.append({"type": "Feature", "properties": props, "geometry": shapes[row]})
    return {"type": "FeatureCollection", "features": features}


def _frame(columns: dict[str, list[Any]], geometries: np.ndarray) -> gpd.GeoDataFrame:
    """The validated rows as the frame :func:`geo.load._to_frame` gives for the same
    features: required properties first, a property a feature lacks as NaN."""
    if not geometries.size:
        return _to_frame([])
    order = [*schema.REQUIRED_PROPERTIES]
    order += [c for c in columns if c not in order]
    data = {name: [math.nan if v is _MISSING else v for v in columns[name]] for name in order}
    return gpd.GeoDataFrame(data, geometry=list(geometries), crs=settings.STORAGE_CRS)


class _Missing:
    """A value the file does not have (told apart from a JSON null inside nested text)."""

    def __repr__(self) -> str:
        return "<missing>"


_MISSING: Final = _Missing()


def _load_shared(texts: list[Any]) -> list[Any]:
    """Each stored JSON text decoded once: rows holding the same text share one value.

    A large import repeats a few sources, histories and figures; decoding each row's copy
    held ~200 MB of equal dicts and lists at 100,000 projects. Sharing is safe because nothing
    changes a frame's nested values in place (``geo`` functions and edits build new ones).
    """
    decoded: dict[str, Any] = {}
    out = []
    for value in texts:
        if isinstance(value, str):
            if value not in decoded:
                decoded[value] = _load(value)
            value = decoded[value]
        out.append(value)
    return out


def _load(value: Any) -> Any:
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return value  # the validator names the field and says what it should be
    return value


def _file_error(path: Path, value: object, fix: str) -> ProjectDataError:
    return ProjectDataError(str(path), [Problem("", "", value, fix)])


# python -m geo parquet -------------------------------------------------------------------
def add_parser(commands) -> None:
    """The ``parquet`` subcommand: validate a projects GeoJSON and write it as GeoParquet."""
    command = commands.add_parser(
        "parquet",
        help="write the validated projects as GeoParquet (with a bbox covering)",
        description="Validate a projects file and write it as GeoParquet for the query engine.",
    )
    command.add_argument(
        "path",
        nargs="?",
        help=f"projects GeoJSON (default: ${settings.DATA_PATH_ENV} or data/projects.geojson)",
    )
    command.add_argument("--out", required=True, help="the .parquet file to write")
    command.add_argument("--force", action="store_true", help="overwrite an existing file")
    command.set_defaults(run=_run)


def _run(args) -> int:
    import sys

    from geo.load import load_projects

    out = Path(args.out)
    usage = _out_problem(out, force=args.force)
    if usage:
        print(f"python -m geo parquet: error: --out {out}: {usage}", file=sys.stderr)
        return 2
    try:
        gdf = load_projects(args.path)
    except ProjectDataError as exc:
        exc.print_problems()
        return 1
    try:
        write_projects_parquet(gdf, out)
    except OSError as exc:
        print(f"python -m geo parquet: cannot write {out}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    print(out)
    print(f"{len(gdf)} features, {out.stat().st_size:,} bytes", file=sys.stderr)
    return 0


def _out_problem(out: Path, *, force: bool) -> str | None:
    if not is_parquet_path(out):
        return "give a file name ending in .parquet"
    parent = out.parent if str(out.parent) else Path(".")
    if not parent.is_dir():
        return f"folder {parent} does not exist; create it first"
    if out.is_dir():
        return "is a folder; give a file name"
    if out.exists() and not force:
        return "exists; add --force to overwrite it"
    return None
