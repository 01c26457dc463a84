"""Open an uploaded GIS file safely and read it into a GeoDataFrame (CRS as declared, if any).

Every format is read by GDAL through pyogrio/geopandas (pandas for CSV text); nothing here
parses a format by hand. What this module adds is the guard around it: size and feature
limits, zip archives unpacked only inside a private temporary folder (no zip-slip, no zip
bomb), and text encodings that Chinese tools write (GBK .dbf without .cpg, GBK CSV from Excel).
"""

from __future__ import annotations

import codecs
import contextlib
import io
import tempfile
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Final

import geopandas as gpd
import pandas as pd
import pyogrio
import pyogrio.errors
import shapely

from geo.imports.message import ImportFailed, Message, msg

#: Largest file accepted (bytes): a district's data is far smaller; this keeps an upload of a
#: whole province from filling memory.
MAX_FILE_BYTES: Final = 50 * 1024 * 1024
#: Most features (rows) in one import.
MAX_FEATURES: Final = 5000
#: Most entries in a zip (a Shapefile is 4-8 files; a KMZ a few icons).
MAX_ZIP_ENTRIES: Final = 200
#: Most bytes a zip may unpack to, counted while unpacking (headers can lie).
MAX_UNZIPPED_BYTES: Final = 200 * 1024 * 1024

VECTOR_SUFFIXES: Final = (".geojson", ".json", ".gpkg", ".shp", ".kml", ".kmz")
TABLE_SUFFIXES: Final = (".csv", ".txt", ".xlsx")
SUFFIXES: Final = (*VECTOR_SUFFIXES, ".zip", *TABLE_SUFFIXES)

_GDAL_ERRORS = (
    pyogrio.errors.DataSourceError,
    pyogrio.errors.DataLayerError,
    pyogrio.errors.FieldError,
    pyogrio.errors.GeometryError,
    pyogrio.errors.FeatureError,
    pyogrio.errors.CRSError,
)


@dataclass
class SourceTable:
    """What a file holds, before any CRS is assumed: geometry (or None for tables) and columns."""

    #: Rows; ``geometry`` is None for CSV/XLSX, whose coordinates are still in columns.
    frame: pd.DataFrame
    #: The file's own name, shown in messages and recorded in the change log.
    name: str
    #: The layer read (GeoPackage, KML folder, Shapefile in a zip), if the file has layers.
    layer: str | None = None
    #: Text encoding used, when the file format leaves it open (.dbf, CSV).
    encoding: str | None = None
    notes: list[Message] = field(default_factory=list)

    @property
    def gdf(self) -> gpd.GeoDataFrame | None:
        return self.frame if isinstance(self.frame, gpd.GeoDataFrame) else None


def read_source(
    path: str | Path, *, source_layer: str | None = None, name: str | None = None
) -> SourceTable:
    """Read ``path`` (any supported format) within the upload limits.

    Parameters
    ----------
    path
        The file on disk (an upload is first written to a temporary file).
    source_layer
        Which layer of a GeoPackage, KML or multi-Shapefile zip to read; required when there
        are several.
    name
        The name to show and log (the uploaded file's name); default ``path``'s name.

    Raises
    ------
    ImportFailed
        One message naming the file and what to do.
    """
    path = Path(path)
    name = name or path.name
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise ImportFailed(name, msg("import.file.format", suffixes=", ".join(SUFFIXES)))
    try:
        size = path.stat().st_size
    except OSError:
        raise ImportFailed(name, msg("import.file.missing")) from None
    if size > MAX_FILE_BYTES:
        raise ImportFailed(name, msg("import.file.too_big", size=size, limit=MAX_FILE_BYTES))
    if size == 0:
        raise ImportFailed(name, msg("import.file.empty"))
    try:
        if suffix in (".zip", ".kmz"):
            with _unzipped(path, name) as folder:
                return _read_unzipped(folder, name, suffix, source_layer)
        if suffix in TABLE_SUFFIXES:
            return _read_table(path, name)
        return _read_vector(path, name, source_layer)
    except UnboundLocalError:
        # pyogrio 0.13 fails this way on a .prj that is not UTF-8 text (a damaged CRS).
        raise ImportFailed(name, msg("import.file.prj")) from None


@contextlib.contextmanager
def _unzipped(path: Path, name: str) -> Iterator[Path]:
    """Unpack a zip into a fresh temporary folder, refusing unsafe or oversized archives."""
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError):
        raise ImportFailed(name, msg("import.zip.bad")) from None
    with archive, tempfile.TemporaryDirectory(prefix="shinan-import-") as tmp:
        root = Path(tmp).resolve()
        entries = [e for e in archive.infolist() if not e.is_dir()]
        if len(entries) > MAX_ZIP_ENTRIES:
            raise ImportFailed(
                name, msg("import.zip.entries", count=len(entries), limit=MAX_ZIP_ENTRIES)
            )
        budget = MAX_UNZIPPED_BYTES
        for entry in entries:
            target = _safe_target(root, entry.filename, name)
            target.parent.mkdir(parents=True, exist_ok=True)
            budget = _copy_limited(archive, entry, target, budget, name)
        yield root


def _safe_target(root: Path, member: str, name: str) -> Path:
    """Where a zip member may be written: strictly inside ``root`` (no ``..``, no absolute)."""
    parts = PurePosixPath(member.replace("\\", "/")).parts
    target = root.joinpath(*parts).resolve() if parts else root
    if member.startswith(("/", "\\")) or ".." in parts or root not in target.parents:
        raise ImportFailed(name, msg("import.zip.slip", member=member))
    return target


def _copy_limited(archive, entry, target: Path, budget: int, name: str) -> int:
    """Copy one member, counting real bytes against ``budget``; return what is left."""
    try:
        with archive.open(entry) as src, target.open("wb") as dst:
            while chunk := src.read(1 << 20):
                budget -= len(chunk)
                if budget < 0:
                    raise ImportFailed(name, msg("import.zip.too_big", limit=MAX_UNZIPPED_BYTES))
                dst.write(chunk)
    except (zipfile.BadZipFile, OSError, RuntimeError, EOFError, NotImplementedError):
        # RuntimeError: encrypted member; NotImplementedError: unknown compression.
        raise ImportFailed(name, msg("import.zip.member", member=entry.filename)) from None
    return budget


def _read_unzipped(folder: Path, name: str, suffix: str, source_layer: str | None):
    if suffix == ".kmz":
        kmls = sorted(folder.rglob("*.kml"))
        if not kmls:
            raise ImportFailed(name, msg("import.zip.no_data", suffixes=".kml"))
        return _read_vector(kmls[0], name, source_layer)
    found = sorted(p for p in folder.rglob("*") if p.suffix.lower() in VECTOR_SUFFIXES)
    found = [p for p in found if p.suffix.lower() != ".kmz"]
    shapefiles = [p for p in found if p.suffix.lower() == ".shp"]
    candidates = shapefiles or found
    if not candidates:
        raise ImportFailed(name, msg("import.zip.no_data", suffixes=", ".join(VECTOR_SUFFIXES)))
    if shapefiles and len(shapefiles) > 1:
        stems = [p.stem for p in shapefiles]
        if source_layer not in stems:
            raise ImportFailed(name, msg("import.layer.choose", layers=", ".join(stems)))
        candidates = [p for p in shapefiles if p.stem == source_layer]
        source_layer = None
    table = _read_vector(candidates[0], name, source_layer)
    if shapefiles:
        table.layer = candidates[0].stem
    return table


def _read_vector(path: Path, name: str, source_layer: str | None) -> SourceTable:
    layer = _choose_layer(path, name, source_layer)
    encoding, notes = _shapefile_encoding(path, name, layer)
    try:
        try:
            info = pyogrio.read_info(path, layer=layer, encoding=encoding)
        except UnicodeDecodeError:
            # Field names cut mid-character (see _read_frame): Latin-1 reads any bytes.
            info = pyogrio.read_info(path, layer=layer, encoding="latin1")
        count = info.get("features", -1)
        if count > MAX_FEATURES:
            raise ImportFailed(name, msg("import.file.features", count=count, limit=MAX_FEATURES))
        gdf = _read_frame(path, layer, encoding)
    except _GDAL_ERRORS as exc:
        key = "import.file.unreadable"
        if path.suffix.lower() == ".shp" and _sibling(path, ".prj"):
            key = "import.file.unreadable_shp"  # a damaged .prj is the usual cause
        raise ImportFailed(name, msg(key, reason=_short(exc, path))) from None
    except (UnicodeDecodeError, ValueError, shapely.errors.GEOSException, OSError) as exc:
        raise ImportFailed(name, msg("import.file.unreadable", reason=_short(exc, path))) from None
    if len(gdf) > MAX_FEATURES:
        raise ImportFailed(name, msg("import.file.features", count=len(gdf), limit=MAX_FEATURES))
    notes += gdf.attrs.pop("repairs", [])
    return SourceTable(gdf, name, layer=layer, encoding=encoding, notes=notes)


def _read_frame(path: Path, layer: str | None, encoding: str | None) -> gpd.GeoDataFrame:
    try:
        return _read_geometries(path, layer, encoding)
    except UnicodeDecodeError:
        if path.suffix.lower() != ".shp":
            raise
    # A .dbf field name holds 10 bytes: writers cut long UTF-8 Chinese names mid-character.
    # Read the raw bytes (Latin-1 is lossless) and decode, replacing only the cut character.
    gdf = gpd.read_file(path, layer=layer, encoding="latin1", engine="pyogrio")
    real = encoding or _cpg_encoding(path)

    def fix(value):
        if not isinstance(value, str):
            return value
        return value.encode("latin1").decode(real, errors="replace").rstrip("\ufffd")

    gdf.columns = [c if c == "geometry" else fix(c) for c in gdf.columns]
    for column in gdf.columns:
        if column != "geometry":
            gdf[column] = gdf[column].map(fix)
    return gdf


def _read_geometries(path: Path, layer: str | None, encoding: str | None) -> gpd.GeoDataFrame:
    """Read; a ring left unclosed (GeoJSON/KML written by hand) is closed and said so."""
    try:
        return gpd.read_file(path, layer=layer, encoding=encoding, engine="pyogrio")
    except shapely.errors.GEOSException:
        gdf = gpd.read_file(
            path, layer=layer, encoding=encoding, engine="pyogrio", on_invalid="fix"
        )
        gdf.attrs["repairs"] = [msg("import.repair.rings")]
        return gdf


def _cpg_encoding(path: Path) -> str:
    cpg = next((p for p in path.parent.glob(f"{path.stem}.*") if p.suffix.lower() == ".cpg"), None)
    text = cpg.read_text(encoding="ascii", errors="ignore").strip() if cpg else ""
    try:
        return codecs.lookup(text).name if text else "utf-8"
    except LookupError:
        return "utf-8"


def _choose_layer(path: Path, name: str, wanted: str | None) -> str | None:
    if path.suffix.lower() == ".shp":
        return None
    try:
        layers = [str(row[0]) for row in pyogrio.list_layers(path)]
    except _GDAL_ERRORS as exc:
        raise ImportFailed(name, msg("import.file.unreadable", reason=_short(exc, path))) from None
    if wanted is not None:
        if wanted not in layers:
            raise ImportFailed(
                name, msg("import.layer.unknown", layer=wanted, layers=", ".join(layers))
            )
        return wanted
    if len(layers) > 1:
        raise ImportFailed(name, msg("import.layer.choose", layers=", ".join(layers)))
    return layers[0] if layers else None


def _shapefile_encoding(path: Path, name: str, layer) -> tuple[str | None, list[Message]]:
    """The .dbf's encoding: its .cpg when present, else UTF-8 or GBK told apart by decoding.

    Chinese institutes often send GBK .dbf files with no .cpg; GDAL then reads them as
    Latin-1 and every name becomes mojibake. Reading as Latin-1 gives back the raw bytes
    losslessly, which tells UTF-8 from GBK (GB18030, its superset) reliably.
    """
    if path.suffix.lower() != ".shp" or _sibling(path, ".cpg"):
        return None, []
    try:
        raw = gpd.read_file(path, encoding="latin1", engine="pyogrio", ignore_geometry=True)
    except _GDAL_ERRORS as exc:
        raise ImportFailed(name, msg("import.file.unreadable", reason=_short(exc, path))) from None
    text = [str(c) for c in raw.columns]
    for column in raw.columns:
        text += [v for v in raw[column].tolist() if isinstance(v, str)]
    raw_texts = [v.encode("latin1", errors="replace") for v in text]
    for encoding, key in (("UTF-8", "import.encoding.utf8"), ("GB18030", "import.encoding.gbk")):
        if all(_decodes(data, encoding) for data in raw_texts):
            return encoding, [msg(key, file=path.with_suffix(".dbf").name)]
    raise ImportFailed(name, msg("import.encoding.unknown"))


def _decodes(data: bytes, encoding: str) -> bool:
    """Whether ``data`` is text in ``encoding``, allowing one character cut at the end (a .dbf
    field is cut at its byte width, sometimes inside a character)."""
    for cut in range(4):
        try:
            data[: len(data) - cut].decode(encoding)
        except UnicodeDecodeError:
            continue
        return True
    return False


def _sibling(path: Path, suffix: str) -> bool:
    return any(p.suffix.lower() == suffix and p.stem == path.stem for p in path.parent.iterdir())


def _read_table(path: Path, name: str) -> SourceTable:
    """CSV or XLSX rows as text, with coordinates still in their columns."""
    if path.suffix.lower() == ".xlsx":
        try:
            frame = pyogrio.read_dataframe(path, read_geometry=False)
        except _GDAL_ERRORS as exc:
            raise ImportFailed(
                name, msg("import.file.unreadable", reason=_short(exc, path))
            ) from None
        encoding = None
    else:
        data = path.read_bytes()
        encoding, text = _decode_text(data, name)
        try:
            frame = pd.read_csv(
                io.StringIO(text), dtype=str, keep_default_na=False, skipinitialspace=True
            )
        except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError) as exc:
            raise ImportFailed(
                name, msg("import.file.unreadable", reason=_short(exc, path))
            ) from None
    if len(frame) > MAX_FEATURES:
        raise ImportFailed(name, msg("import.file.features", count=len(frame), limit=MAX_FEATURES))
    frame.columns = [str(c).strip() for c in frame.columns]
    notes = [msg("import.encoding.gbk", file=name)] if encoding == "GB18030" else []
    return SourceTable(frame, name, encoding=encoding, notes=notes)


def _decode_text(data: bytes, name: str) -> tuple[str, str]:
    """UTF-8 (with or without BOM, as Excel writes it) or GBK (Excel's CSV in Chinese Windows)."""
    for encoding in ("utf-8-sig", "GB18030"):
        try:
            return encoding.upper().replace("-SIG", ""), data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ImportFailed(name, msg("import.encoding.unknown"))


def _short(exc: BaseException, path: Path | None = None) -> str:
    """GDAL's message, without the temporary folder's path and its hint to name a driver."""
    text = " ".join(str(exc).split()) or type(exc).__name__
    if "not recognized as being in a supported file format" in text:
        return "damaged, or not the format its name says"
    if path is not None:
        text = text.replace(f"{path.parent}/", "").replace(str(path.parent), "")
    return text if len(text) <= 160 else text[:157] + "..."
