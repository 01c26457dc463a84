"""Check and, where it is safe, repair one imported geometry for a layer.

Safe repairs keep what the author drew: dropping Z/M values, closing a ring whose last point
is missing, ``make_valid`` on a self-intersecting polygon when the result is still a polygon
covering (almost) the same area, rounding to 6 decimals (~0.1 m, the data format's precision).
Anything else is rejected with its reason rather than guessed at.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Final

import shapely
from shapely.geometry.base import BaseGeometry

from geo import settings
from geo.imports.message import Message, msg

#: Decimals kept for stored lon/lat (0.1 m): what docs/data-format.md asks for.
DECIMALS: Final = 6
#: A repair may change a polygon's area by at most this fraction; more means it guessed.
_MAX_AREA_CHANGE: Final = 0.02

_FAMILY: Final = {
    "Point": "Point",
    "MultiPoint": "Point",
    "LineString": "LineString",
    "MultiLineString": "LineString",
    "LinearRing": "LineString",
    "Polygon": "Polygon",
    "MultiPolygon": "Polygon",
}


@dataclass(frozen=True)
class GeometryResult:
    """A usable geometry and what was repaired, or the reason it cannot be used."""

    geometry: BaseGeometry | None
    repairs: tuple[Message, ...] = ()
    problem: Message | None = None
    value: object = None


def prepare_raw(geom: BaseGeometry | None) -> GeometryResult:
    """Checks before reprojection: present, finite, 2D; closes rings the reader left open."""
    if geom is None or geom.is_empty:
        return GeometryResult(None, problem=msg("import.geom.empty"))
    coords = shapely.get_coordinates(geom)
    if not all(math.isfinite(v) for v in coords.ravel()) or (abs(coords) > 1e8).any():
        bad = next((tuple(c) for c in coords if not all(map(math.isfinite, c))), None)
        return GeometryResult(None, problem=msg("import.geom.not_finite"), value=bad)
    repairs: list[Message] = []
    if shapely.has_z(geom) or shapely.has_m(geom):
        geom = shapely.force_2d(geom)
        repairs.append(msg("import.repair.z"))
    if geom.geom_type not in _FAMILY:
        return GeometryResult(
            None, problem=msg("import.geom.kind", kind=geom.geom_type), value=geom.geom_type
        )
    return GeometryResult(geom, tuple(repairs))


def finish(geom: BaseGeometry, *, layer_kinds: tuple[str, ...]) -> GeometryResult:
    """Checks after reprojection to WGS84: type for the layer, inside the district, valid."""
    family = _FAMILY[geom.geom_type]
    if family not in layer_kinds:
        kinds = ", ".join(layer_kinds)
        return GeometryResult(
            None,
            problem=msg("import.geom.layer_kind", kind=geom.geom_type, kinds=kinds),
            value=geom.geom_type,
        )
    outside = _outside(geom)
    if outside is not None:
        return GeometryResult(None, problem=outside, value=_rounded_bounds(geom))
    geom = shapely.set_precision(geom, 10**-DECIMALS, mode="pointwise")
    repairs: list[Message] = []
    if not geom.is_valid:
        reason = shapely.is_valid_reason(geom)
        fixed = _make_valid(geom)
        if fixed is None:
            return GeometryResult(None, problem=msg("import.geom.invalid", reason=reason))
        geom = fixed
        repairs.append(msg("import.repair.valid", reason=reason))
    return GeometryResult(geom, tuple(repairs))


def _make_valid(geom: BaseGeometry) -> BaseGeometry | None:
    """A valid geometry of the same family covering nearly the same area, or None."""
    fixed = shapely.make_valid(geom, method="structure", keep_collapsed=False)
    family = _FAMILY[geom.geom_type]
    if fixed.geom_type == "GeometryCollection":
        parts = [g for g in fixed.geoms if _FAMILY.get(g.geom_type) == family]
        fixed = shapely.union_all(parts) if parts else None
    if fixed is None or fixed.is_empty or _FAMILY.get(fixed.geom_type) != family:
        return None
    if family == "Polygon":
        # The drawn outline's own (shoelace) area: a bow-tie's lobes cancel, so make_valid's
        # two lobes differ a lot from it, which means the repair would be a guess.
        before = geom.area
        if not before or abs(fixed.area - before) / before > _MAX_AREA_CHANGE:
            return None
    return fixed if fixed.is_valid else None


def _outside(geom: BaseGeometry) -> Message | None:
    xmin, ymin, xmax, ymax = settings.EXTENT
    gx0, gy0, gx1, gy1 = geom.bounds
    if xmin <= gx0 and gx1 <= xmax and ymin <= gy0 and gy1 <= ymax:
        return None
    if xmin <= gy0 and gy1 <= xmax and ymin <= gx0 and gx1 <= ymax:
        return msg("import.geom.swapped")
    return msg("import.geom.outside", west=xmin, east=xmax, south=ymin, north=ymax)


def _rounded_bounds(geom: BaseGeometry) -> tuple[float, ...]:
    return tuple(round(v, 5) for v in geom.bounds)


def family(geom_type: str) -> str | None:
    """Point, LineString or Polygon for a geometry type (Multi* included); None for others."""
    return _FAMILY.get(geom_type)
