"""Which coordinate system an imported file is in, and how to bring it to WGS84.

A declared CRS (.prj, GeoPackage, KML) is used as it is. With none, the coordinate ranges tell
the systems used around Qingdao apart (they do not overlap here): degrees, CGCS2000 3-degree
Gauss-Krüger CM 120°E with and without the zone-40 prefix, UTM 51N, Web Mercator, each also
with its axes swapped (Chinese survey tables put northing in "X"). GCJ-02 and BD-09 cannot be
told from WGS84 by their numbers (they differ by ~500 m): they are used only when chosen.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import geopandas as gpd
import numpy as np
import prcoords
import pyproj
import shapely
from pyproj.exceptions import CRSError

from geo import settings
from geo.imports.message import Message, msg

#: Candidate systems when none is declared, in the order they are tried.
CANDIDATES: Final = (
    ("EPSG:4326", "import.crs.name.degrees"),
    ("EPSG:4549", "import.crs.name.gk"),
    ("EPSG:4528", "import.crs.name.gk_zone"),
    ("EPSG:32651", "import.crs.name.utm"),
    ("EPSG:3857", "import.crs.name.mercator"),
)
#: Shifted grids that must be chosen explicitly (``--gcj02``, ``--bd09``).
SHIFTS: Final = ("gcj02", "bd09")
#: Margin (degrees) around the district's plausible extent when recognising a CRS: wide enough
#: for data a little outside Shinan to be recognised and then rejected row by row.
_MARGIN: Final = 0.5


@dataclass(frozen=True)
class CrsChoice:
    """The CRS used for a file and how it was decided."""

    crs: str
    swapped: bool
    note: Message


def parse_crs(text: str) -> str:
    """Check a user-given CRS (``EPSG:4549``, ``4549``); return its canonical ``EPSG:n``.

    Raises ValueError with the reason.
    """
    try:
        crs = pyproj.CRS.from_user_input(text.strip())
    except CRSError:
        raise ValueError(text) from None
    epsg = crs.to_epsg()
    return f"EPSG:{epsg}" if epsg else crs.to_string()


def choose_crs(gdf: gpd.GeoDataFrame, *, given: str | None) -> CrsChoice | None:
    """The CRS to read ``gdf`` in: ``given``, else declared, else recognised; None if unknown."""
    bounds = _finite_bounds(gdf)
    if given:
        return CrsChoice(given, False, msg("import.crs.given", crs=given))
    declared = gdf.crs
    if declared is not None and not _lies_about_degrees(declared, bounds):
        name = f"EPSG:{declared.to_epsg()}" if declared.to_epsg() else declared.name
        swapped = declared.is_geographic and bounds is not None and _swapped_degrees(bounds)
        key = "import.crs.declared_swapped" if swapped else "import.crs.declared"
        return CrsChoice(declared.to_wkt(), swapped, msg(key, crs=name))
    if bounds is None:
        return None
    return recognise_crs(bounds)


def recognise_crs(bounds: tuple[float, float, float, float]) -> CrsChoice | None:
    """Recognise a Qingdao CRS from coordinate ranges (either axis order); None when none fits."""
    for crs, name_key in CANDIDATES:
        window = _window(crs)
        for swapped in (False, True):
            xmin, ymin, xmax, ymax = bounds
            if swapped:
                xmin, ymin, xmax, ymax = ymin, xmin, ymax, xmax
            if window[0] <= xmin and xmax <= window[2] and window[1] <= ymin and ymax <= window[3]:
                key = "import.crs.assumed_swapped" if swapped else "import.crs.assumed"
                return CrsChoice(crs, swapped, msg(key, crs=crs, name=Message(name_key)))
    return None


def _window(crs: str) -> tuple[float, float, float, float]:
    """The district's extent plus a margin, in ``crs``."""
    xmin, ymin, xmax, ymax = settings.EXTENT
    to = pyproj.Transformer.from_crs(settings.STORAGE_CRS, crs, always_xy=True)
    return to.transform_bounds(
        xmin - _MARGIN, ymin - _MARGIN, xmax + _MARGIN, ymax + _MARGIN, densify_pts=21
    )


def _finite_bounds(gdf: gpd.GeoDataFrame) -> tuple[float, float, float, float] | None:
    """Bounds over the rows whose coordinates are all finite and not absurd."""
    geoms = gdf.geometry.values
    ok = ~shapely.is_missing(geoms) & ~shapely.is_empty(geoms)
    coords = shapely.get_coordinates(geoms[ok])
    if not len(coords):
        return None
    coords = coords[np.isfinite(coords).all(axis=1) & (np.abs(coords) < 1e8).all(axis=1)]
    if not len(coords):
        return None
    # The middle of the data decides: a few wild rows (typos, 0,0) are rejected later.
    low = np.percentile(coords, 10, axis=0)
    high = np.percentile(coords, 90, axis=0)
    return float(low[0]), float(low[1]), float(high[0]), float(high[1])


def _lies_about_degrees(declared: pyproj.CRS, bounds) -> bool:
    """A geographic CRS on metre values: GeoJSON and KML always claim WGS84, even when not."""
    if not declared.is_geographic or bounds is None:
        return False
    return max(abs(bounds[0]), abs(bounds[2])) > 180 or max(abs(bounds[1]), abs(bounds[3])) > 90


def _swapped_degrees(bounds) -> bool:
    xmin, ymin, xmax, ymax = settings.EXTENT
    bx0, by0, bx1, by1 = bounds
    return ymin - 1 <= bx0 and bx1 <= ymax + 1 and xmin - 1 <= by0 and by1 <= xmax + 1


def to_wgs84(geoms: np.ndarray, choice: CrsChoice) -> np.ndarray:
    """Reproject geometries from ``choice`` to WGS84 lon/lat (swapping axes first if needed)."""
    if choice.swapped:
        geoms = shapely.transform(geoms, lambda c: c[:, ::-1])
    to = pyproj.Transformer.from_crs(choice.crs, settings.STORAGE_CRS, always_xy=True)
    return shapely.transform(geoms, lambda c: np.column_stack(to.transform(c[:, 0], c[:, 1])))


def unshift(geoms: np.ndarray, shift: str) -> np.ndarray:
    """GCJ-02 or BD-09 lon/lat to WGS84 with prcoords' iterative inverse (round trip < 1e-7°)."""
    inverse = {"gcj02": prcoords.gcj_wgs_bored, "bd09": prcoords.bd_wgs_bored}[shift]

    def convert(coords: np.ndarray) -> np.ndarray:
        out = np.empty_like(coords)
        for i, (lon, lat) in enumerate(coords):
            point = inverse((lat, lon))
            out[i] = (point.lon, point.lat)
        return out

    return shapely.transform(geoms, convert)
