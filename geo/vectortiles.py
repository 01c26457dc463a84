"""Vector tiles for large read-mostly layers: validated projects -> PMTiles + a manifest.

``python -m geo tiles [PATH] --out DIR`` writes one PMTiles archive per layer (GDAL's PMTiles
driver, bundled with pyogrio) and ``tiles.json`` beside them. The browser reads the archives
by HTTP range requests from Streamlit's static folder with the vendored protomaps-leaflet
(decoded in a worker), draws them itself (``maps/tiles_layer.js``) and filters them by status
and year; a click
sends the project's id back, and everything else about a project is looked up on the server.

Names are not in the tiles: ``names/N.json`` beside them holds ``{id: [name_zh, name_en]}``
for the projects whose id falls in shard N (:func:`name_shard`), so the map names a project
under the pointer by fetching one small file.

So a tile keeps only what drawing and filtering need: ``id``, the current ``status``, the
milestones as a short text (``ms``: ``start,end,kind,status`` joined by ``;``, enough to find
the status in any year and whether it is a 2021 target) and ``sc`` (1 for a schematic
position, which must look schematic). The layer is the archive's layer name.

Streamlit's static handler refuses files over 200 MB: a layer whose archive is larger is
split into west-to-east bands of its features, each its own archive.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import shutil
import time
import warnings
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import geopandas as gpd
import numpy as np
import pyogrio
import shapely

from geo.filter import split_by_placement
from geo.schema import LAYER_IDS, STATUSES
from geo.timeline import milestone_span

MANIFEST_NAME: Final = "tiles.json"
FORMAT: Final = "shinan-vector-tiles/1"
SUFFIX: Final = ".pmtiles"
#: Streamlit's static file handler refuses bigger files (it answers 404 or 500 over this).
MAX_FILE_BYTES: Final = 200 * 1024 * 1024
#: Data zooms. The browser draws a data tile over 2x2 screen tiles (protomaps-leaflet's
#: ``levelDiff`` 1), so data zoom 9 serves the map's lowest zoom (10); above 15 it overzooms
#: (a zoom-15 tile keeps coordinates to about 0.25 m here).
MIN_ZOOM: Final = 9
MAX_ZOOM: Final = 15
#: Features a tile keeps of one layer below the top zoom (the largest, as GDAL chooses): what
#: the browser draws per tile stays bounded at any data size; the top zoom keeps them all.
MAX_FEATURES: Final = 4000
#: Margin around a tile, in 1/4096 of a tile (GDAL's MVT ``BUFFER``): a 512-pixel data tile
#: then reaches 16 pixels past its edge, so a marker on the edge is drawn whole on both sides.
BUFFER: Final = 128
#: The environment variable naming the manifest the app draws (a file under ``static/``).
TILES_ENV: Final = "PROJECT_MAP_TILES"
KIND_CODES: Final = {"reported": "r", "target": "t"}
#: Properties kept in each tile (see the module docstring).
TILE_FIELDS: Final = ("id", "status", "ms", "sc")
#: The folder of name shards beside the archives, and about how many names a shard holds.
NAMES_DIR: Final = "names"
NAMES_PER_SHARD: Final = 2000


class TilesError(ValueError):
    """Tiles cannot be built or used; the message names what and how to fix it (one line)."""


@dataclass(frozen=True)
class TileFile:
    """One archive: its file name (beside the manifest), layer, feature count, size, bounds."""

    file: str
    layer: str
    features: int
    bytes: int
    bounds: tuple[float, float, float, float]
    #: Features a tile keeps below the top zoom; GDAL said some tiles were coarsened.
    max_features: int = MAX_FEATURES
    coarsened: bool = False


@dataclass(frozen=True)
class Manifest:
    """What ``tiles.json`` says: the archives, their zooms and the data they were built from."""

    files: tuple[TileFile, ...]
    min_zoom: int
    max_zoom: int
    data_version: str
    source: str
    built: str
    #: Files of project names in ``names/`` (0: built without names).
    name_shards: int = 0

    @property
    def layers(self) -> dict[str, int]:
        """Features per layer (in the order of ``geo.schema.LAYER_IDS``)."""
        counts = {layer: 0 for layer in LAYER_IDS}
        for tile_file in self.files:
            counts[tile_file.layer] += tile_file.features
        return {layer: n for layer, n in counts.items() if n}

    def to_json(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "data_version": self.data_version,
            "source": self.source,
            "built": self.built,
            "minzoom": self.min_zoom,
            "maxzoom": self.max_zoom,
            "name_shards": self.name_shards,
            "layers": self.layers,
            "files": [
                {
                    "file": f.file,
                    "layer": f.layer,
                    "features": f.features,
                    "bytes": f.bytes,
                    "bounds": list(f.bounds),
                    "max_features": f.max_features,
                    "coarsened": f.coarsened,
                }
                for f in self.files
            ],
        }


def milestone_code(milestones: Iterable[Mapping[str, Any]]) -> str:
    """The milestones as the tiles carry them: ``start,end,kind,status`` joined by ``;``.

    >>> milestone_code([{"year": 2016, "year_end": 2020, "kind": "reported", "status": "open"}])
    '2016,2020,r,open'
    """
    parts = []
    for milestone in milestones:
        start, end = milestone_span(milestone)
        kind = KIND_CODES.get(str(milestone.get("kind")), "r")
        parts.append(f"{start},{end},{kind},{milestone['status']}")
    return ";".join(parts)


def tile_frame(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """What goes into the tiles: the projects drawn on the map, with :data:`TILE_FIELDS` only.

    District-wide totals and unlocated projects have no site and are left out, as on the map.
    """
    on_map = split_by_placement(gdf)[0]
    on_map = on_map[~on_map.geometry.isna() & ~on_map.geometry.is_empty]
    frame = gpd.GeoDataFrame(
        {
            "id": on_map["id"].astype(str).to_numpy(),
            "layer": on_map["layer"].astype(str).to_numpy(),
            "status": on_map["status"].astype(str).to_numpy(),
            "ms": [milestone_code(ms) for ms in on_map["milestones"]],
            "sc": (on_map["location_precision"] == "schematic").astype("int32").to_numpy(),
        },
        geometry=on_map.geometry.to_numpy(),
        crs=gdf.crs or "EPSG:4326",
    )
    return frame


def data_version(path: str | os.PathLike[str]) -> str:
    """A short fingerprint of a data file's bytes: tiles of another version are stale."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()[:16]


def check_out_dir(out: Path, *, force: bool) -> str | None:
    """Why ``out`` cannot take new tiles (``None`` when it can)."""
    if out.exists() and not out.is_dir():
        return "not a folder; give a folder for the tiles"
    if not out.parent.is_dir():
        return f"its parent folder {out.parent} does not exist"
    if out.is_dir() and not force:
        ours = [p.name for p in out.iterdir() if p.name == MANIFEST_NAME or p.suffix == SUFFIX]
        if ours:
            return f"already holds tiles ({', '.join(sorted(ours)[:3])}); add --force to replace"
    return None


def build_tiles(
    gdf: gpd.GeoDataFrame,
    out: str | os.PathLike[str],
    *,
    version: str,
    source: str = "",
    min_zoom: int = MIN_ZOOM,
    max_zoom: int = MAX_ZOOM,
    max_file_bytes: int = MAX_FILE_BYTES,
    max_features: int = MAX_FEATURES,
    force: bool = False,
) -> Manifest:
    """Write one PMTiles archive per layer of ``gdf`` (split when too big) and the manifest.

    Parameters
    ----------
    gdf
        Validated projects (:func:`geo.load.load_projects`); not modified.
    out
        A folder; created if missing. Old archives and manifest in it are replaced only with
        ``force``.
    version
        The data version the tiles were made from (:func:`data_version`).
    max_file_bytes
        No archive is larger: a layer over it is split into west-to-east bands.
    max_features
        Features of a layer a tile keeps below ``max_zoom`` (GDAL keeps the largest); raised
        for a layer whose densest tile at ``max_zoom`` holds more, so none is lost there.

    Raises
    ------
    TilesError
        Bad zooms, an occupied ``out`` without ``force``, no located project, or GDAL failing.
    """
    if not 0 <= min_zoom <= max_zoom <= 22:
        raise TilesError(f"zooms {min_zoom}-{max_zoom}: give 0 <= min zoom <= max zoom <= 22")
    if max_features < 1:
        raise TilesError(f"max features {max_features}: give at least 1")
    out = Path(out)
    problem = check_out_dir(out, force=force)
    if problem:
        raise TilesError(f"--out {out}: {problem}")
    frame = tile_frame(gdf)
    if not len(frame):
        raise TilesError("no project has a site on the map: nothing to tile")
    out.mkdir(exist_ok=True)
    staging = out / ".building"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir()
    try:
        files = []
        for layer in LAYER_IDS:
            part = frame[frame["layer"] == layer]
            if len(part):
                cap = max(max_features, math.ceil(1.5 * _densest_tile(part, max_zoom)))
                files += _write_layer(
                    part, layer, staging, (min_zoom, max_zoom), max_file_bytes, cap
                )
        manifest = Manifest(
            files=tuple(files),
            min_zoom=min_zoom,
            max_zoom=max_zoom,
            data_version=version,
            source=source,
            built=time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            name_shards=write_names(gdf, staging / NAMES_DIR),
        )
        _replace(out, staging, manifest)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return manifest


def name_shard(project_id: str, shards: int) -> int:
    """The names file a project's id is in: FNV-1a over its UTF-16 code units, as the browser
    computes it (``tiles_layer.js``), modulo ``shards``.

    >>> name_shard("zhanshan-plaza", 1)
    0
    """
    data = project_id.encode("utf-16-le")
    value = 0x811C9DC5
    for k in range(0, len(data), 2):
        value ^= data[k] | data[k + 1] << 8
        value = (value * 0x01000193) & 0xFFFFFFFF
    return value % shards


def write_names(gdf: gpd.GeoDataFrame, folder: Path) -> int:
    """Write the names of the projects on the map as ``folder/N.json`` shards; their count.

    A power of two of them, about :data:`NAMES_PER_SHARD` names each: a pointer over a
    project costs one small fetch, the first time its shard is needed.
    """
    on_map = split_by_placement(gdf)[0]
    shards = 1 << max(0, math.ceil(math.log2(max(1, len(on_map)) / NAMES_PER_SHARD)))
    parts: list[dict[str, list[str]]] = [{} for _ in range(shards)]
    blank = [""] * len(on_map)  # a frame without names (made by hand) gives empty ones
    zh_names = on_map.get("name_zh", blank)
    en_names = on_map.get("name_en", blank)
    for pid, zh, en in zip(on_map["id"].astype(str), zh_names, en_names, strict=True):
        parts[name_shard(pid, shards)][pid] = [str(zh or ""), str(en or "")]
    folder.mkdir(parents=True, exist_ok=True)
    for index, names in enumerate(parts):
        text = json.dumps(names, ensure_ascii=False, separators=(",", ":"))
        (folder / f"{index}.json").write_text(text, encoding="utf-8")
    return shards


def _write_layer(
    part: gpd.GeoDataFrame,
    layer: str,
    folder: Path,
    zooms: tuple[int, int],
    max_bytes: int,
    cap: int,
) -> list[TileFile]:
    """The layer in as few archives as keep each under ``max_bytes``: 1, then more bands."""
    bands = 1
    while True:
        files = [
            _write_archive(band, _file_name(layer, index, bands), layer, folder, zooms, cap)
            for index, band in enumerate(_bands(part, bands))
        ]
        biggest = max(f.bytes for f in files)
        if biggest <= max_bytes:
            return files
        for tile_file in files:
            (folder / tile_file.file).unlink()
        if bands >= len(part):
            raise TilesError(
                f"layer {layer}: one project's tiles alone exceed {max_bytes:,} bytes; "
                "lower --max-zoom"
            )
        # Sizes grow about with the features in a band: aim a fifth under the limit.
        bands = min(len(part), max(bands + 1, math.ceil(bands * biggest * 1.25 / max_bytes)))


def _file_name(layer: str, index: int, bands: int) -> str:
    return f"{layer}{SUFFIX}" if bands == 1 else f"{layer}-{index + 1}{SUFFIX}"


def _bands(part: gpd.GeoDataFrame, count: int) -> list[gpd.GeoDataFrame]:
    """``count`` groups of about equal size, west to east by each project's centre."""
    if count == 1:
        return [part]
    bounds = shapely.bounds(part.geometry.to_numpy())
    order = np.argsort((bounds[:, 0] + bounds[:, 2]) / 2, kind="stable")
    return [part.iloc[chunk] for chunk in np.array_split(order, count)]


def _densest_tile(part: gpd.GeoDataFrame, zoom: int) -> int:
    """Features in the fullest tile at ``zoom``, by their centres (edges add a few)."""
    bounds = shapely.bounds(part.geometry.to_numpy())
    lon = (bounds[:, 0] + bounds[:, 2]) / 2
    lat = np.radians(np.clip((bounds[:, 1] + bounds[:, 3]) / 2, -85, 85))
    x = np.floor((lon + 180) / 360 * 2**zoom)
    y = np.floor((1 - np.log(np.tan(lat) + 1 / np.cos(lat)) / math.pi) / 2 * 2**zoom)
    return int(np.unique(x * 2**zoom + y, return_counts=True)[1].max()) if len(part) else 0


def _write_archive(
    part: gpd.GeoDataFrame,
    name: str,
    layer: str,
    folder: Path,
    zooms: tuple[int, int],
    cap: int,
) -> TileFile:
    path = folder / name
    options = {"MINZOOM": zooms[0], "MAXZOOM": zooms[1], "NAME": layer}
    options |= {"MAX_FEATURES": cap, "BUFFER": BUFFER}
    try:
        with warnings.catch_warnings(record=True) as said:
            warnings.simplefilter("always")
            pyogrio.write_dataframe(
                part[[*TILE_FIELDS, "geometry"]],
                path,
                driver="PMTiles",
                layer=layer,
                dataset_options=options,
            )
    except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError, OSError) as exc:
        first = str(exc).splitlines()[0][:160] if str(exc) else type(exc).__name__
        raise TilesError(f"layer {layer}: GDAL could not write {name} ({first})") from None
    west, south, east, north = (round(float(v), 6) for v in part.total_bounds)
    # GDAL warns when a tile over its 500 KB limit was written with coarser coordinates.
    coarsened = any("lower resolution" in str(w.message) for w in said)
    bounds = (west, south, east, north)
    return TileFile(name, layer, len(part), path.stat().st_size, bounds, cap, coarsened)


def _replace(out: Path, staging: Path, manifest: Manifest) -> None:
    """Put the new archives and manifest in ``out``; old archives of ours go first."""
    for old in out.iterdir():
        if old.is_file() and (old.suffix == SUFFIX or old.name == MANIFEST_NAME):
            old.unlink()
    for tile_file in manifest.files:
        (staging / tile_file.file).replace(out / tile_file.file)
    shutil.rmtree(out / NAMES_DIR, ignore_errors=True)
    if manifest.name_shards:
        (staging / NAMES_DIR).replace(out / NAMES_DIR)
    text = json.dumps(manifest.to_json(), ensure_ascii=False, indent=1)
    (out / MANIFEST_NAME).write_text(text + "\n", encoding="utf-8")


# Reading a manifest back ---------------------------------------------------------------------
def manifest_path(value: str | os.PathLike[str]) -> Path:
    """The manifest a setting names: the file itself, or ``tiles.json`` in a folder."""
    path = Path(value)
    return path / MANIFEST_NAME if path.is_dir() else path


def read_manifest(path: str | os.PathLike[str]) -> Manifest:
    """Read and check ``tiles.json``: every archive it names must be there, of its size.

    Raises
    ------
    TilesError
        One line naming the file, what is wrong and how to fix it.
    """
    path = manifest_path(path)
    rebuild = "rebuild with python -m geo tiles"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise TilesError(f"{path}: no such file; {rebuild} or check ${TILES_ENV}") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise TilesError(f"{path}: not a tiles manifest ({exc}); {rebuild}") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise TilesError(f"{path}: not a tiles manifest of format {FORMAT}; {rebuild}")
    try:
        files = tuple(_tile_file(entry) for entry in data["files"])
        manifest = Manifest(
            files=files,
            min_zoom=int(data["minzoom"]),
            max_zoom=int(data["maxzoom"]),
            data_version=str(data["data_version"]),
            source=str(data.get("source", "")),
            built=str(data.get("built", "")),
            name_shards=int(data.get("name_shards", 0)),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise TilesError(f"{path}: damaged manifest (field {exc}); {rebuild}") from None
    for tile_file in files:
        archive = path.parent / tile_file.file
        size = archive.stat().st_size if archive.is_file() else None
        if size != tile_file.bytes:
            found = "missing" if size is None else f"{size:,} bytes, not {tile_file.bytes:,}"
            raise TilesError(f"{path}: archive {tile_file.file} {found}; {rebuild}")
    last = path.parent / NAMES_DIR / f"{manifest.name_shards - 1}.json"
    if manifest.name_shards and not last.is_file():
        raise TilesError(f"{path}: names file {NAMES_DIR}/{last.name} missing; {rebuild}")
    return manifest


def _tile_file(entry: Mapping[str, Any]) -> TileFile:
    name = str(entry["file"])
    if Path(name).name != name or not name.endswith(SUFFIX):
        raise ValueError("file")
    if entry["layer"] not in LAYER_IDS:
        raise ValueError("layer")
    west, south, east, north = (float(v) for v in entry["bounds"])
    return TileFile(
        name,
        entry["layer"],
        int(entry["features"]),
        int(entry["bytes"]),
        (west, south, east, north),
        int(entry.get("max_features", MAX_FEATURES)),
        bool(entry.get("coarsened", False)),
    )


def read_tile_features(path: str | os.PathLike[str], *, zoom: int) -> gpd.GeoDataFrame:
    """The features of one archive at ``zoom`` as GDAL decodes them (pieces cut at tile edges
    come back once per tile: drop duplicate ids to count projects)."""
    return pyogrio.read_dataframe(path, ZOOM_LEVEL=str(zoom))


def browser_config(manifest: Manifest, base_url: str, *, note: str = "") -> dict[str, Any]:
    """What the browser needs to draw the archives: their URLs, layers, zooms and caps.

    ``note`` is said on the map while a tile on screen holds its layer's cap of features below
    the top zoom (the rest of them are in the tiles of higher zooms only).
    """
    return {
        "version": manifest.data_version,
        "maxzoom": manifest.max_zoom,
        "minzoom": manifest.min_zoom,
        "note": note,
        "names": {"url": f"{base_url.rstrip('/')}/{NAMES_DIR}", "shards": manifest.name_shards}
        if manifest.name_shards
        else None,
        "files": [
            {
                "url": f"{base_url.rstrip('/')}/{f.file}",
                "layer": f.layer,
                "bounds": f.bounds,
                "max_features": f.max_features,
                "features": f.features,
            }
            for f in manifest.files
        ],
    }


def view_filter(
    *,
    layers: Sequence[str],
    statuses: Sequence[str],
    years: tuple[int, int] | None,
    as_of: int | None,
    picked_pairs: Sequence[tuple[str, str]] = (),
    picked_layers: Sequence[str] = (),
) -> dict[str, Any]:
    """The filter the browser applies to tiled features, as ``geo.filter.apply_filter`` does.

    ``picked_pairs`` / ``picked_layers``: bars picked in the insight charts ((layer, status)
    pairs, whole layers); when any is given only those are shown, as the rest of the map does.
    """
    picked = bool(picked_pairs or picked_layers)
    return {
        "layers": [layer for layer in LAYER_IDS if layer in layers],
        "statuses": [status for status in STATUSES if status in statuses],
        "years": list(years) if years is not None else None,
        "asOf": as_of,
        "pick": {"pairs": [list(p) for p in picked_pairs], "layers": list(picked_layers)}
        if picked
        else None,
    }


# Command line --------------------------------------------------------------------------------
def add_parser(commands) -> None:
    """The ``tiles`` subcommand: validate projects and write PMTiles plus the manifest."""
    from geo import settings

    command = commands.add_parser(
        "tiles",
        help="write the validated projects as vector tiles (PMTiles) for the live map",
        description=(
            "Validate a projects file (GeoJSON or GeoParquet) and write one PMTiles archive per "
            f"layer and {MANIFEST_NAME} into a folder; put it under static/ and set "
            f"${TILES_ENV} to draw it."
        ),
    )
    command.add_argument(
        "path",
        nargs="?",
        help=f"projects GeoJSON or GeoParquet (default: ${settings.DATA_PATH_ENV} or "
        "data/projects.geojson)",
    )
    command.add_argument("--out", required=True, help="folder for the archives and manifest")
    command.add_argument("--force", action="store_true", help="replace tiles already there")
    command.add_argument("--min-zoom", type=int, default=MIN_ZOOM, dest="min_zoom")
    command.add_argument("--max-zoom", type=int, default=MAX_ZOOM, dest="max_zoom")
    command.add_argument(
        "--max-features",
        type=int,
        default=MAX_FEATURES,
        dest="max_features",
        help=f"features of a layer a tile keeps below the top zoom (default {MAX_FEATURES}; "
        "the largest are kept, all at the top zoom)",
    )
    command.add_argument(
        "--max-file-mb",
        type=float,
        default=MAX_FILE_BYTES / 1024 / 1024,
        dest="max_file_mb",
        help="split a layer into bands above this size (default 200: Streamlit's limit)",
    )
    command.set_defaults(run=_run)


def _run(args) -> int:
    import sys

    from geo import settings
    from geo.errors import ProjectDataError
    from geo.load import load_projects

    prog = "python -m geo tiles"
    out = Path(args.out)
    problem = check_out_dir(out, force=args.force)
    if problem is None and not (0 <= args.min_zoom <= args.max_zoom <= 22):
        problem = f"zooms {args.min_zoom}-{args.max_zoom}: give 0 <= min <= max <= 22"
    if problem is None and args.max_features < 1:
        problem = f"--max-features {args.max_features}: give at least 1"
    if problem is None and args.max_file_mb <= 0:
        problem = f"--max-file-mb {args.max_file_mb:g}: give a size above 0"
    if problem:
        where = "" if "zoom" in problem or problem.startswith("--") else f"--out {out}: "
        print(f"{prog}: error: {where}{problem}", file=sys.stderr)
        return 2
    path = settings.data_path(args.path)
    started = time.perf_counter()
    try:
        gdf = load_projects(path)
        manifest = build_tiles(
            gdf,
            out,
            version=data_version(path),
            source=path.name,
            min_zoom=args.min_zoom,
            max_zoom=args.max_zoom,
            max_file_bytes=int(args.max_file_mb * 1024 * 1024),
            max_features=args.max_features,
            force=args.force,
        )
    except ProjectDataError as exc:
        exc.print_problems()
        return 1
    except TilesError as exc:
        print(f"{prog}: error: {exc}", file=sys.stderr)
        return 1
    for tile_file in manifest.files:
        note = ", some low-zoom tiles coarsened by GDAL" if tile_file.coarsened else ""
        print(f"{out / tile_file.file}: {tile_file.layer}, {tile_file.features} features, "
              f"{tile_file.bytes / 1e6:.1f} MB, up to {tile_file.max_features} a tile below "
              f"zoom {manifest.max_zoom}{note}")  # fmt: skip
    print(f"{out / MANIFEST_NAME}: {sum(manifest.layers.values())} features in "
          f"{len(manifest.files)} archives, zooms {manifest.min_zoom}-{manifest.max_zoom}, "
          f"{time.perf_counter() - started:.1f} s", file=sys.stderr)  # fmt: skip
    return 0
