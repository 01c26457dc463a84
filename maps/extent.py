"""What the snapshot frames: the district, the bulk of the shown features, or a given
extent made safe; limits in EPSG:4549 metres.
"""

from __future__ import annotations

import functools
import math

import geopandas as gpd
import numpy as np
from pyproj import Transformer

from geo import settings


def snapshot_extent(
    gdf_shown: gpd.GeoDataFrame, boundary: gpd.GeoDataFrame, *, pad: float = 0.04
) -> tuple[float, float, float, float]:
    """The default extent (lon/lat): the district and every shown feature, with a margin."""
    frames = [boundary.geometry]
    if len(gdf_shown):
        frames.append(gdf_shown.geometry)
    xmin, ymin, xmax, ymax = np.array([f.total_bounds for f in frames]).T
    west, south, east, north = xmin.min(), ymin.min(), xmax.max(), ymax.max()
    dx, dy = (east - west) * pad, (north - south) * pad
    return west - dx, south - dy, east + dx, north + dy


def data_extent(
    gdf_shown: gpd.GeoDataFrame,
    *,
    pad: float = 0.12,
    min_span: float = 0.012,
    reach: float = 2.5,
) -> tuple[float, float, float, float] | None:
    """The extent (lon/lat) of the bulk of the shown features, with a margin, at least
    ``min_span`` degrees (about 1 km) across; None when nothing is shown.

    A feature far from the others (farther from their median than ``reach`` times the 80th
    percentile of all distances, and more than 800 m) does not drag the frame: two renewal
    sites 6 km east of the old city would otherwise leave the old city in a sixth of the page.
    Such features fall outside the frame and the caption counts them.
    """
    if not len(gdf_shown):
        return None
    bulk = _bulk(gdf_shown, reach=reach)
    west, south, east, north = bulk.total_bounds
    cx, cy = (west + east) / 2, (south + north) / 2
    half_w = max((east - west) * (1 + 2 * pad), min_span) / 2
    half_h = max((north - south) * (1 + 2 * pad), min_span * 0.8) / 2
    return cx - half_w, cy - half_h, cx + half_w, cy + half_h


def _bulk(gdf: gpd.GeoDataFrame, *, reach: float) -> gpd.GeoDataFrame:
    """The features near the others (see :func:`data_extent`)."""
    if len(gdf) < 4:
        return gdf
    points = gdf.geometry.representative_point()
    lat = float(points.y.median())
    # Metres, near enough over a district: a degree of longitude shrinks with the latitude.
    x = (points.x - points.x.median()) * 111_320.0 * math.cos(math.radians(lat))
    y = (points.y - lat) * 111_320.0
    distance = np.hypot(x, y)
    limit = max(reach * float(np.quantile(distance, 0.8)), 800.0)
    return gdf[np.asarray(distance <= limit)]


def clamp_extent(extent) -> tuple[float, float, float, float] | None:
    """``extent`` (west, south, east, north) made safe to draw, or None (the default frame).

    Kept inside ``settings.EXPORT_FRAME`` and widened to at least ``settings.MIN_EXTENT_M``
    metres each way: a forged extent of a centimetre would otherwise take minutes of CPU.
    Anything not four finite numbers overlapping the frame gives None.
    """
    if extent is None:
        return None
    try:
        west, south, east, north = (float(v) for v in extent)
    except (TypeError, ValueError):
        return None
    if not all(math.isfinite(v) for v in (west, south, east, north)):
        return None
    west, east = sorted((west, east))
    south, north = sorted((south, north))
    f_west, f_south, f_east, f_north = settings.EXPORT_FRAME
    if east < f_west or west > f_east or north < f_south or south > f_north:
        return None
    west, east = max(west, f_west), min(east, f_east)
    south, north = max(south, f_south), min(north, f_north)
    metres_lat = 111_320.0
    metres_lon = metres_lat * math.cos(math.radians((south + north) / 2))
    half_w = max(east - west, settings.MIN_EXTENT_M / metres_lon) / 2
    half_h = max(north - south, settings.MIN_EXTENT_M / metres_lat) / 2
    cx = min(max((west + east) / 2, f_west + half_w), f_east - half_w)
    cy = min(max((south + north) / 2, f_south + half_h), f_north - half_h)
    return cx - half_w, cy - half_h, cx + half_w, cy + half_h


def metric_limits(
    extent: tuple[float, float, float, float], aspect: float
) -> tuple[tuple[float, float], tuple[float, float]]:
    """Axis limits in EPSG:4549 that hold ``extent`` with width/height = ``aspect`` (0: as is)."""
    west, south, east, north = extent
    to_metric = transformer(settings.STORAGE_CRS, settings.METRIC_CRS)
    xs, ys = to_metric.transform([west, east, west, east], [south, south, north, north])
    xmin, xmax, ymin, ymax = min(xs), max(xs), min(ys), max(ys)
    cx, cy = (xmin + xmax) / 2, (ymin + ymax) / 2
    w, h = xmax - xmin, ymax - ymin
    if aspect <= 0:
        return (xmin, xmax), (ymin, ymax)
    if w / h < aspect:
        w = h * aspect
    else:
        h = w / aspect
    return (cx - w / 2, cx + w / 2), (cy - h / 2, cy + h / 2)


@functools.cache
def transformer(source: str, target: str) -> Transformer:
    return Transformer.from_crs(source, target, always_xy=True)


def lonlat_bounds(xlim, ylim) -> tuple[float, float, float, float]:
    to_lonlat = transformer(settings.METRIC_CRS, settings.STORAGE_CRS)
    lons, lats = to_lonlat.transform(
        [xlim[0], xlim[1], xlim[0], xlim[1]], [ylim[0], ylim[0], ylim[1], ylim[1]]
    )
    return min(lons), min(lats), max(lons), max(lats)


def zoomed(xlim, ylim, zoom: float, shift=(0, 0)):
    """Limits ``zoom`` times as wide; ``shift`` (-1, 0, 1 per axis) puts the gained room on
    one side (the original extent then touches the other)."""
    hw, hh = (xlim[1] - xlim[0]) * zoom / 2, (ylim[1] - ylim[0]) * zoom / 2
    cx = sum(xlim) / 2 + shift[0] * (hw - (xlim[1] - xlim[0]) / 2)
    cy = sum(ylim) / 2 + shift[1] * (hh - (ylim[1] - ylim[0]) / 2)
    return (cx - hw, cx + hw), (cy - hh, cy + hh)


def shrink_bounds(bounds, fraction: float) -> tuple[float, float, float, float]:
    xmin, ymin, xmax, ymax = bounds
    dx, dy = (xmax - xmin) * fraction, (ymax - ymin) * fraction
    return xmin + dx, ymin + dy, xmax - dx, ymax - dy
