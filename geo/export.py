"""Export what the map shows as data files (GeoJSON, GeoPackage, CSV, KML).

The standalone HTML map and the zip of snapshots are drawings: ``maps.file_exports`` (they
are re-exported here, and ``export_data`` dispatches ``html`` to it).

Every function takes the frame as shown (``geo.apply_filter``: ``status`` is the status shown,
``status_is_target`` marks a 2021 plan target), never changes it, and returns bytes.
Nested properties (``milestones``, ``source``, ``figures``) stay nested in GeoJSON and become
JSON text columns where a format has only flat fields (GeoPackage, CSV, KML).
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
from collections.abc import Iterable, Mapping
from typing import Any, Final
from xml.etree import ElementTree as ET

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely

from geo import settings
from geo.html import escape_html
from layers import LAYERS, STATUS_STYLES
from layers.palette import PRECISION_LABELS, TARGET_FILL_FACTOR
from maps.file_exports import export_html, export_snapshot_zip, zip_files
from maps.formats import DATA_FORMATS, FORMAT_FILES

__all__ = ["DATA_FORMATS", "FORMAT_FILES", "export_html", "export_snapshot_zip", "zip_files"]

NESTED_COLUMNS: Final = ("milestones", "source", "figures")
GPKG_LAYER: Final = "projects"
KML_NS: Final = "http://www.opengis.net/kml/2.2"
#: Spreadsheets run a cell that starts with one of these as a formula (CSV injection): at
#: the start of the text or after any line break in it.
_FORMULA_AT_LINE_START: Final = re.compile(r"(?:^|(?<=[\r\n]))([=+\-@\t\r])")
#: Characters XML 1.0 forbids (a KML file holding one is not well-formed).
_XML_FORBIDDEN: Final = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def export_data(
    gdf_shown: gpd.GeoDataFrame,
    fmt: str,
    *,
    boundary: gpd.GeoDataFrame | None = None,
    layers: Iterable[str] | None = None,
    basemap: str = "none",
    title: str | None = None,
) -> bytes:
    """The shown features in one data format (``DATA_FORMATS``); html also needs ``boundary``."""
    if fmt == "html":
        if boundary is None:
            raise ValueError("the html export needs the district boundary (geo.load_boundary())")
        return export_html(gdf_shown, boundary, layers=layers, basemap=basemap, title=title)
    writers = {"geojson": export_geojson, "gpkg": export_gpkg, "csv": export_csv, "kml": export_kml}
    if fmt not in writers:
        raise ValueError(f"unknown data format '{fmt}'; valid: {', '.join(DATA_FORMATS)}")
    return writers[fmt](gdf_shown)


# GeoJSON --------------------------------------------------------------------------------------
def export_geojson(gdf_shown: gpd.GeoDataFrame) -> bytes:
    """An RFC 7946 FeatureCollection in WGS84 (no ``crs`` member), UTF-8, nested fields kept."""
    gdf = _wgs84(gdf_shown)
    properties = [_json_ready(record) for record in _records(gdf)]
    geometries = shapely.to_geojson(gdf.geometry.values)
    features = [
        {"type": "Feature", "properties": props, "geometry": json.loads(geom)}
        for props, geom in zip(properties, geometries, strict=True)
    ]
    collection = {"type": "FeatureCollection", "features": features}
    # allow_nan=False: "NaN" and "Infinity" are not JSON; _plain has made them null.
    return json.dumps(collection, ensure_ascii=False, indent=1, allow_nan=False).encode("utf-8")


# GeoPackage -----------------------------------------------------------------------------------
def export_gpkg(gdf_shown: gpd.GeoDataFrame, *, layer: str = GPKG_LAYER) -> bytes:
    """A GeoPackage with one layer in EPSG:4326; nested fields as JSON text."""
    flat = _flatten(_wgs84(gdf_shown))
    buffer = io.BytesIO()
    pyogrio.write_dataframe(flat, buffer, driver="GPKG", layer=layer, promote_to_multi=False)
    return buffer.getvalue()


# CSV ------------------------------------------------------------------------------------------
def export_csv(gdf_shown: gpd.GeoDataFrame, *, wkt: bool = True, lonlat: bool = True) -> bytes:
    """CSV (UTF-8 with a BOM, so spreadsheets read the Chinese) with geometry as text.

    Every field is quoted, and every text cell and header that a spreadsheet would run as a
    formula (at its start or after any line break inside it) gets a leading apostrophe.

    Parameters
    ----------
    wkt
        Add a ``wkt`` column with the whole geometry (WGS84).
    lonlat
        Add ``lon`` and ``lat`` of a point on each feature (its representative point).
    """
    gdf = _wgs84(gdf_shown)
    table = pd.DataFrame(_flatten(gdf).drop(columns="geometry"))
    text_columns = [c for c in table.columns if table[c].dtype == object or _is_text(table[c])]
    for column in text_columns:
        table[column] = table[column].map(_defuse_formula)
    table.columns = [_defuse_formula(str(name)) for name in table.columns]
    if lonlat:
        points = gdf.geometry.representative_point()
        table["lon"] = points.x.round(6).to_numpy()
        table["lat"] = points.y.round(6).to_numpy()
    if wkt:
        table["wkt"] = shapely.to_wkt(gdf.geometry.values, rounding_precision=6)
    return table.to_csv(index=False, quoting=csv.QUOTE_ALL).encode("utf-8-sig")


def _is_text(series: pd.Series) -> bool:
    return pd.api.types.is_string_dtype(series)


def _defuse_formula(value: Any) -> Any:
    """Put an apostrophe before text a spreadsheet would run as a formula: at the start of
    the cell and after every line break in it (some importers split rows at a bare CR)."""
    if isinstance(value, str):
        return _FORMULA_AT_LINE_START.sub(r"'\1", value)
    return value


# KML ------------------------------------------------------------------------------------------
def export_kml(gdf_shown: gpd.GeoDataFrame, *, name: str = "市南区项目 Shinan projects") -> bytes:
    """KML 2.2: one folder per layer, styled by status; every text is XML-escaped, and the
    HTML descriptions are HTML-escaped first (Google Earth renders them as HTML)."""
    gdf = _wgs84(gdf_shown)
    ET.register_namespace("", KML_NS)
    root = ET.Element(_kml("kml"))
    document = ET.SubElement(root, _kml("Document"))
    ET.SubElement(document, _kml("name")).text = name
    for status in STATUS_STYLES:
        for target in (False, True):
            document.append(_kml_style(status, target))
    targets = _targets(gdf)
    for layer_id, spec in LAYERS.items():
        part = gdf[gdf["layer"] == layer_id]
        if not len(part):
            continue
        folder = ET.SubElement(document, _kml("Folder"))
        ET.SubElement(folder, _kml("name")).text = f"{spec.label_zh} {spec.label_en}"
        for record, geom, target in zip(
            _records(part), part.geometry, targets[part.index], strict=True
        ):
            folder.append(_placemark(record, geom, bool(target)))
    _xml_safe(root)
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def _xml_safe(root: ET.Element) -> None:
    """Drop characters XML 1.0 forbids from every text and attribute (control characters)."""
    for element in root.iter():
        if element.text:
            element.text = _XML_FORBIDDEN.sub("", element.text)
        for key, value in element.attrib.items():
            element.attrib[key] = _XML_FORBIDDEN.sub("", value)


def _kml(tag: str) -> str:
    return f"{{{KML_NS}}}{tag}"


def _kml_color(hex_color: str, opacity: float) -> str:
    """``#RRGGBB`` and an opacity as KML's ``aabbggrr``."""
    r, g, b = hex_color[1:3], hex_color[3:5], hex_color[5:7]
    return f"{round(opacity * 255):02x}{b}{g}{r}".lower()


def _kml_style(status: str, target: bool) -> ET.Element:
    palette = STATUS_STYLES[status]
    fill = palette.fill_opacity * (TARGET_FILL_FACTOR if target else 1.0)
    style = ET.Element(_kml("Style"), id=_style_id(status, target))
    line = ET.SubElement(style, _kml("LineStyle"))
    ET.SubElement(line, _kml("color")).text = _kml_color(palette.color, 0.95)
    ET.SubElement(line, _kml("width")).text = f"{palette.weight:g}"
    poly = ET.SubElement(style, _kml("PolyStyle"))
    ET.SubElement(poly, _kml("color")).text = _kml_color(palette.color, max(fill, 0.1))
    icon = ET.SubElement(style, _kml("IconStyle"))
    ET.SubElement(icon, _kml("color")).text = _kml_color(palette.color, 1.0)
    return style


def _style_id(status: str, target: bool) -> str:
    return f"{status}-target" if target else status


def _placemark(record: Mapping[str, Any], geom, target: bool) -> ET.Element:
    placemark = ET.Element(_kml("Placemark"), id=str(record["id"]))
    ET.SubElement(placemark, _kml("name")).text = str(record["name_zh"])
    ET.SubElement(placemark, _kml("description")).text = _kml_description(record, target)
    ET.SubElement(placemark, _kml("styleUrl")).text = f"#{_style_id(record['status'], target)}"
    extended = ET.SubElement(placemark, _kml("ExtendedData"))
    for key, value in _json_ready(record).items():
        data = ET.SubElement(extended, _kml("Data"), name=str(key))
        text = json.dumps(value, ensure_ascii=False) if isinstance(value, list | dict) else value
        ET.SubElement(data, _kml("value")).text = "" if text is None else str(text)
    placemark.append(_kml_geometry(geom))
    return placemark


def _kml_description(record: Mapping[str, Any], target: bool) -> str:
    status = STATUS_STYLES[record["status"]]
    status_text = f"{status.label_zh} {status.label_en}"
    if target:
        status_text = f"{settings.LAST_YEAR}年目标 target: {status_text}"
    precision = PRECISION_LABELS.get(str(record.get("location_precision")), ("", ""))
    source = record.get("source") or {}
    parts = [
        f"<b>{escape_html(record['name_zh'])}</b> {escape_html(record.get('name_en', ''))}",
        f"{escape_html(LAYERS[record['layer']].label_zh)} · {escape_html(status_text)}",
        f"{escape_html(precision[0])} {escape_html(precision[1])}",
        f"{escape_html(source.get('document', ''))}: {escape_html(source.get('quote', ''))}",
    ]
    return "<br>".join(parts)


def _kml_geometry(geom) -> ET.Element:
    kind = geom.geom_type
    if kind.startswith("Multi"):
        multi = ET.Element(_kml("MultiGeometry"))
        for part in geom.geoms:
            multi.append(_kml_geometry(part))
        return multi
    if kind == "Point":
        element = ET.Element(_kml("Point"))
        ET.SubElement(element, _kml("coordinates")).text = _kml_coords(geom.coords)
        return element
    if kind == "LineString":
        element = ET.Element(_kml("LineString"))
        ET.SubElement(element, _kml("tessellate")).text = "1"
        ET.SubElement(element, _kml("coordinates")).text = _kml_coords(geom.coords)
        return element
    element = ET.Element(_kml("Polygon"))
    rings = [("outerBoundaryIs", geom.exterior)]
    rings += [("innerBoundaryIs", ring) for ring in geom.interiors]
    for tag, ring in rings:
        boundary = ET.SubElement(element, _kml(tag))
        linear = ET.SubElement(boundary, _kml("LinearRing"))
        ET.SubElement(linear, _kml("coordinates")).text = _kml_coords(ring.coords)
    return element


def _kml_coords(coords) -> str:
    return " ".join(f"{x:.6f},{y:.6f}" for x, y, *_ in coords)


# Shared ---------------------------------------------------------------------------------------
def _wgs84(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    if gdf.crs is None:
        raise ValueError("the frame has no CRS; projects are WGS84: set_crs('EPSG:4326')")
    return gdf if gdf.crs.equals(settings.STORAGE_CRS) else gdf.to_crs(settings.STORAGE_CRS)


def _targets(gdf: gpd.GeoDataFrame) -> pd.Series:
    if "status_is_target" in gdf:
        return gdf["status_is_target"].fillna(False).astype(bool)
    return pd.Series(False, index=gdf.index)


def _records(gdf: gpd.GeoDataFrame) -> list[dict[str, Any]]:
    return gdf.drop(columns=gdf.geometry.name).to_dict("records")


def _json_ready(record: Mapping[str, Any]) -> dict[str, Any]:
    """Numpy scalars to Python, NaN to None, so that ``json.dumps`` takes the record."""
    return {key: _plain(value) for key, value in record.items()}


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if value is pd.NA or value is pd.NaT:
        return None
    return value


def _flatten(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """A copy with nested columns as JSON text and booleans kept as booleans."""
    out = gdf.copy()
    for column in out.columns:
        if column == out.geometry.name:
            continue
        if column in NESTED_COLUMNS or out[column].map(_is_nested).any():
            out[column] = out[column].map(
                lambda v: json.dumps(_plain(v), ensure_ascii=False) if _is_nested(v) else v
            )
    if "status_is_target" in out:
        out["status_is_target"] = out["status_is_target"].fillna(False).astype(bool)
    return out


def _is_nested(value: Any) -> bool:
    return isinstance(value, list | dict | tuple)
