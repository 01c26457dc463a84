"""Features drawn in the live map's visual language (``layers.symbols`` through
``maps.print_symbols``), and the label requests that go with them.
"""

from __future__ import annotations

from typing import Final

import geopandas as gpd
import numpy as np
from matplotlib.axes import Axes
from matplotlib.path import Path as MplPath

from geo import schema
from layers import LAYERS
from layers.symbols import symbol_for
from maps import print_symbols
from maps.labels import LabelRequest

#: Width in points of one Leaflet pixel of line weight, dash or radius, at font scale 1.
POINTS_PER_WEB_PX: Final = 0.6


def draw_features(ax: Axes, shown_m: gpd.GeoDataFrame, *, scale: float) -> None:
    """Each layer in the map's order, one collection per symbol (``layers.symbols``).

    Areas and lines also carry a small marker of their layer's shape, as on the live map.
    """
    if not len(shown_m):
        return
    symbols = _symbols(shown_m)
    # Plain lists, grouped once: pandas indexing per symbol costs more than the drawing.
    groups: dict = {}
    for index, layer, geom in zip(shown_m.index, shown_m["layer"], shown_m.geometry, strict=True):
        groups.setdefault((LAYERS[layer].z_order, layer), {}).setdefault(symbols[index], []).append(
            geom
        )
    for (z_order, _layer), by_symbol in sorted(groups.items()):
        zorder = 3 + z_order * 0.1
        for symbol, geoms in by_symbol.items():
            _draw_symbol(ax, symbol, geoms, scale=scale, zorder=zorder)


def _draw_symbol(ax: Axes, symbol, geoms: list, *, scale: float, zorder: float) -> None:
    """Areas, lines and points of one symbol, and the layer marker on each area and line."""
    kinds = [g.geom_type.replace("Multi", "") for g in geoms]
    areas = [polygon_path(g) for g, k in zip(geoms, kinds, strict=True) if k == "Polygon"]
    print_symbols.draw_areas(
        ax, [p for p in areas if p is not None], symbol, scale=scale, zorder=zorder
    )
    lines = [
        np.asarray(part.coords)
        for g, k in zip(geoms, kinds, strict=True)
        if k == "LineString"
        for part in _parts(g)
    ]
    print_symbols.draw_lines(ax, lines, symbol, scale=scale, zorder=zorder + 1)
    points = np.array(
        [
            np.asarray(p.coords)[0]
            for g, k in zip(geoms, kinds, strict=True)
            if k == "Point"
            for p in _parts(g)
        ]
    ).reshape(-1, 2)
    size = print_symbols.marker_size_pt(symbol, scale)
    print_symbols.draw_markers(ax, points, symbol, size_pt=size, zorder=zorder + 2)
    anchors = np.array(
        [feature_anchor(g) for g, k in zip(geoms, kinds, strict=True) if k != "Point"],
        dtype=float,
    ).reshape(-1, 2)
    small = print_symbols.marker_size_pt(symbol, scale, area_marker=True)
    print_symbols.draw_markers(ax, anchors, symbol, size_pt=small, zorder=zorder + 2)


def _symbols(gdf: gpd.GeoDataFrame) -> dict:
    """Each row's symbol, by index: layer, status, precision and target."""
    precision = (
        gdf["location_precision"]
        if "location_precision" in gdf
        else gdf["status"].map(lambda _s: "approximate")
    )
    target = target_flags(gdf)
    return {
        i: symbol_for(layer, status, precision=str(p), target=bool(tg))
        for i, layer, status, p, tg in zip(
            gdf.index, gdf["layer"], gdf["status"], precision, target, strict=True
        )
    }


def _parts(geom) -> list:
    return list(getattr(geom, "geoms", [geom]))


def feature_anchor(geom) -> tuple[float, float]:
    """Where an area's or a line's layer marker (and its label) sits."""
    if geom.geom_type.endswith("LineString"):
        point = geom.interpolate(0.5, normalized=True)
    else:
        point = geom.point_on_surface()
    return point.x, point.y


def target_flags(gdf: gpd.GeoDataFrame):
    if "status_is_target" in gdf:
        return gdf["status_is_target"].fillna(False).astype(bool)
    return gdf["status"].map(lambda _s: False)


def _rgba(color: str, alpha: float) -> tuple[float, float, float, float]:
    return print_symbols.rgba(color, alpha)


def web_dashes(dash_array: str | None, weight: float):
    """A Leaflet ``dashArray`` (pixels) as a matplotlib dash pattern (in line widths)."""
    if not dash_array:
        return "solid"
    values = [float(v) / weight for v in dash_array.replace(",", " ").split()]
    return 0, tuple(max(v, 0.1) for v in values)


def polygon_path(geom) -> MplPath | None:
    """A shapely (multi)polygon as one matplotlib path, holes included."""
    polygons = [p for p in getattr(geom, "geoms", [geom]) if p.geom_type == "Polygon"]
    rings = [np.asarray(r.coords)[:, :2] for p in polygons for r in (p.exterior, *p.interiors)]
    rings = [r for r in rings if len(r) >= 3]
    if not rings:
        return None
    return MplPath.make_compound_path(*(MplPath(r, closed=True) for r in rings))


def marker_radius_pt(layer: str, schematic: bool, point: bool, scale: float) -> float:
    """Half the drawn marker (a schematic one with its ring): labels keep clear of it."""
    symbol = symbol_for(layer, "completed", precision="schematic" if schematic else "exact")
    size = print_symbols.marker_size_pt(symbol, scale, area_marker=not point)
    return size / 2 * (1.45 if schematic else 1.0)


def label_requests(shown_m: gpd.GeoDataFrame, *, scale: float) -> list[LabelRequest]:
    """One label per feature, most trustworthy and largest first; ``*`` marks schematic."""
    precision_rank = {p: i for i, p in enumerate(schema.PRECISIONS)}
    rank = (
        shown_m["location_precision"].map(precision_rank).fillna(9)
        if "location_precision" in shown_m
        else 0
    )
    size = -shown_m.geometry.area - shown_m.geometry.length
    order = shown_m.assign(_rank=rank, _size=size).sort_values(["_rank", "_size"], kind="stable")
    requests = []
    for row in order.itertuples(index=False):
        geom = row.geometry
        kind = geom.geom_type.replace("Multi", "")
        if kind == "LineString":
            anchor = geom.interpolate(0.5, normalized=True)
            footprint = anchor.buffer(1.0).bounds
        else:
            anchor = geom.point_on_surface()
            footprint = geom.bounds
        schematic = getattr(row, "location_precision", "") == "schematic"
        requests.append(
            LabelRequest(
                key=str(row.id),
                text=f"{row.name_zh}{'*' if schematic else ''}",
                x=anchor.x,
                y=anchor.y,
                footprint=footprint,
                clearance_pt=marker_radius_pt(row.layer, schematic, kind == "Point", scale),
                inside=kind == "Polygon",
            )
        )
    return requests


def precisions_of(gdf: gpd.GeoDataFrame):
    if "location_precision" in gdf:
        return gdf["location_precision"].fillna("approximate")
    return gdf["status"].map(lambda _s: "approximate")
