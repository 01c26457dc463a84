"""The ground under the features: basemap tiles warped onto EPSG:4549, or the offline
background (sea, the district, its neighbours and their names), and the district boundary.
"""

from __future__ import annotations

import functools
from typing import Final

import geopandas as gpd
import numpy as np
import shapely
import shapely.affinity
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection, PatchCollection
from matplotlib.patches import PathPatch
from matplotlib.transforms import Affine2D
from shapely.ops import polylabel

from geo import settings
from layers.palette import BOUNDARY_STYLE
from maps import tiles
from maps.extent import lonlat_bounds, shrink_bounds, transformer
from maps.features import POINTS_PER_WEB_PX, polygon_path, web_dashes
from maps.fonts import (
    cjk_font,
)

SEA_COLOR: Final = "#d6e6f0"


LAND_COLOR: Final = "#e9e7e1"


DISTRICT_COLOR: Final = "#fbfaf7"


@functools.cache
def _context_cached(path: str, mtime_ns: int) -> gpd.GeoDataFrame:
    return gpd.read_file(path).to_crs(settings.STORAGE_CRS)


def read_context() -> gpd.GeoDataFrame:
    """The bundled neighbouring districts; an empty frame if the file is missing."""
    path = settings.CONTEXT_PATH
    try:
        mtime = path.stat().st_mtime_ns
    except OSError:
        return gpd.GeoDataFrame({"name_zh": []}, geometry=[], crs=settings.STORAGE_CRS)
    return _context_cached(str(path), mtime)


def setup_map_axes(ax: Axes, xlim, ylim) -> None:
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    ax.set_aspect("equal", adjustable="box")
    ax.set_autoscale_on(False)
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_facecolor(SEA_COLOR)
    for spine in ax.spines.values():
        spine.set_edgecolor("#4d4d4d")
        spine.set_linewidth(0.8)


def draw_tiles(ax: Axes, image: tiles.TileImage) -> None:
    """The Web Mercator mosaic warped onto EPSG:4549 by a least-squares affine fit."""
    xmin, ymin, xmax, ymax = image.bounds
    gx, gy = np.meshgrid(np.linspace(xmin, xmax, 7), np.linspace(ymin, ymax, 7))
    to_metric = transformer("EPSG:3857", settings.METRIC_CRS)
    mx, my = to_metric.transform(gx.ravel(), gy.ravel())
    source = np.column_stack([gx.ravel(), gy.ravel(), np.ones(gx.size)])
    coeffs, *_ = np.linalg.lstsq(source, np.column_stack([mx, my]), rcond=None)
    matrix = np.vstack([coeffs.T, [0.0, 0.0, 1.0]])
    ax.imshow(
        image.image,
        extent=(xmin, xmax, ymin, ymax),
        origin="upper",
        transform=Affine2D(matrix) + ax.transData,
        interpolation="antialiased",
        zorder=0,
    )


def draw_offline_context(
    ax: Axes, boundary_m: gpd.GeoDataFrame, context_m: gpd.GeoDataFrame
) -> None:
    """Sea (the axes colour), neighbouring land in grey and the district a shade lighter."""
    for gdf, color in ((context_m, LAND_COLOR), (boundary_m, DISTRICT_COLOR)):
        paths = [polygon_path(g) for g in gdf.geometry if g is not None and not g.is_empty]
        paths = [p for p in paths if p is not None]
        if paths:
            ax.add_collection(
                PatchCollection(
                    [PathPatch(p) for p in paths],
                    facecolor=color,
                    edgecolor="#c9c6bd",
                    linewidth=0.4,
                    zorder=1,
                )
            )


def draw_context_labels(ax, context, xlim, ylim, renderer, size, obstacles=()) -> list:
    """Names of the neighbouring districts, where they show and clear of ``obstacles`` (pixel
    boxes: legend, figures box, inset); returns their pixel boxes. A name with no clear spot
    in its district's visible part is left off rather than drawn half under a box."""
    if not len(context) or "name_zh" not in context:
        return []
    shrunk = shapely.box(*shrink_bounds(lonlat_bounds(xlim, ylim), 0.08))
    to_metric = transformer(settings.STORAGE_CRS, settings.METRIC_CRS)
    font = cjk_font(size)
    boxes = []
    for name, geom in zip(context["name_zh"], context.geometry, strict=True):
        part = geom.intersection(shrunk) if geom is not None else None
        if part is None or part.is_empty or part.area < 0.02 * shrunk.area:
            continue
        # In screen pixels, where the boxes are.
        part_px = shapely.transform(
            part, lambda xy: ax.transData.transform(np.column_stack(to_metric.transform(*xy.T)))
        )
        text = ax.text(
            0,
            0,
            name,
            fontproperties=font,
            color="#8a877f",
            ha="center",
            va="center",
            zorder=2,
            parse_math=False,
        )
        extent = text.get_window_extent(renderer)
        spot = _clear_spot(part_px, obstacles, extent.width / 2 + 2, extent.height / 2 + 2)
        if spot is None:
            text.remove()
            continue
        x, y = ax.transData.inverted().transform((spot.x, spot.y))
        text.set_position((x, y))
        extent = text.get_window_extent(renderer)
        boxes.append((extent.x0, extent.y0, extent.x1, extent.y1))
    return boxes


def _clear_spot(area, obstacles, half_w: float, half_h: float) -> shapely.Point | None:
    """A point of ``area`` (pixels) where a text box of half size ``half_w`` × ``half_h``
    centred on it stays clear of every obstacle box: the visible part's own centre if that is
    clear, else the middle of the largest clear piece."""
    grown = [(x0 - half_w, y0 - half_h, x1 + half_w, y1 + half_h) for x0, y0, x1, y1 in obstacles]
    blocked = shapely.union_all([shapely.box(*box) for box in grown])
    spot = area.point_on_surface()
    if blocked.is_empty or not blocked.contains(spot):
        return spot
    free = area.difference(blocked)
    if free.is_empty:
        return None
    pieces = getattr(free, "geoms", [free])
    largest = max((p for p in pieces if p.area > 0), key=lambda p: p.area, default=None)
    return None if largest is None else polylabel(largest, tolerance=2.0)


def draw_boundary(ax: Axes, boundary_m: gpd.GeoDataFrame, *, scale: float) -> None:
    lines = [np.asarray(ring.coords) for g in boundary_m.geometry for ring in rings_of(g)]
    weight = float(BOUNDARY_STYLE["weight"])
    ax.add_collection(
        LineCollection(
            lines,
            colors=BOUNDARY_STYLE["color"],
            linewidths=weight * POINTS_PER_WEB_PX * scale,
            linestyles=[web_dashes(str(BOUNDARY_STYLE["dashArray"]), weight)],
            zorder=5,
        )
    )


def rings_of(geom) -> list:
    polygons = getattr(geom, "geoms", [geom])
    return [ring for p in polygons for ring in (p.exterior, *p.interiors)]
