"""Coordinate transforms: true metres for measuring, GCJ-02 for drawing over Gaode tiles."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import prcoords
import shapely

from geo import settings


def to_gcj02(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Shift WGS84 geometries to GCJ-02, the offset grid of Gaode (Amap) tiles.

    Only for drawing over Gaode tiles: in Shinan GCJ-02 lies about 460 m east of WGS84, so
    WGS84 data on Gaode tiles (or the reverse) is off by a street block. Never store the result.
    """
    out = gdf.copy()
    out["geometry"] = shapely.transform(gdf.geometry.values, _wgs84_to_gcj02)
    return out


def gcj02_latlon(lat: float, lon: float) -> tuple[float, float]:
    """One WGS84 point (lat, lon) shifted to GCJ-02."""
    point = prcoords.wgs_gcj((lat, lon))
    return point.lat, point.lon


def _wgs84_to_gcj02(coords: np.ndarray) -> np.ndarray:
    shifted = np.empty_like(coords)
    for i, (lon, lat) in enumerate(coords):
        point = prcoords.wgs_gcj((lat, lon))
        shifted[i] = (point.lon, point.lat)
    return shifted


def add_measures(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Return a copy with ``area_m2`` (polygons) and ``length_m`` (lines) in true metres.

    Measured in CGCS2000 / Gauss-Kruger CM 120E (EPSG:4549); points get neither.
    """
    metric = gdf.geometry.to_crs(settings.METRIC_CRS)
    kinds = gdf.geometry.geom_type
    out = gdf.copy()
    is_area = kinds.isin(["Polygon", "MultiPolygon"])
    is_line = kinds.isin(["LineString", "MultiLineString"])
    out["area_m2"] = metric.area.where(is_area).round(0)
    out["length_m"] = metric.length.where(is_line).round(0)
    return out
