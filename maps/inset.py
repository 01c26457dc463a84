"""When the west old city needs an inset, and which ground the inset shows.

About twenty projects sit in ~1.5 × 1 km of the old city (中山路, 劈柴院, 黄岛路, 青岛湾 …):
at district scale their symbols cover 300 m of ground each and their labels cannot all sit
beside them. The inset shows that ground at a larger scale, with its own scale bar, and the
main map draws its frame.
"""

from __future__ import annotations

import functools
from typing import Final

import geopandas as gpd
import shapely
from pyproj import Transformer

from geo import settings

#: The west old city (lon/lat): 团岛 to 观象山, 青岛湾 to 大港; features inside it go to the inset.
OLD_CITY: Final = (120.296, 36.058, 120.326, 36.076)
#: Room one label needs around its symbol, in label heights (a label is ~5 heights wide).
_LABEL_ROOM: Final = 2.2 * 6.0
#: At most this share of the window's page area may be taken by label room.
_CROWDED: Final = 0.35
#: The inset's ground: the old-city features' bounds plus this share on each side.
_PAD: Final = 0.12


@functools.cache
def old_city_window_m() -> shapely.Polygon:
    """The old-city window in the map's metric CRS."""
    to_metric = Transformer.from_crs(settings.STORAGE_CRS, settings.METRIC_CRS, always_xy=True)
    west, south, east, north = OLD_CITY
    xs, ys = to_metric.transform([west, east, east, west], [south, south, north, north])
    return shapely.Polygon(zip(xs, ys, strict=True))


def in_old_city(shown_m: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The shown features (metric CRS) whose anchor lies in the old city."""
    window = old_city_window_m()
    keep = shown_m.geometry.representative_point().within(window)
    return shown_m[keep]


def inset_ground(
    shown_m: gpd.GeoDataFrame, *, window_px_area: float, label_height_px: float
) -> tuple[float, float, float, float] | None:
    """The metric bounds the inset shows, or None when the old city's labels fit as they are.

    ``window_px_area`` is the old-city features' bounding box on the page, in pixels;
    ``label_height_px`` the height of one label.
    """
    inside = in_old_city(shown_m)
    if len(inside) < 4:
        return None
    need = len(inside) * _LABEL_ROOM * label_height_px**2
    if need <= _CROWDED * window_px_area:
        return None
    x0, y0, x1, y1 = inside.total_bounds
    dx, dy = max(x1 - x0, 300.0) * _PAD, max(y1 - y0, 300.0) * _PAD
    return x0 - dx, y0 - dy, x1 + dx, y1 + dy
