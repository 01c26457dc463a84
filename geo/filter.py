"""Filter projects by layer, status and year; all functions return new frames."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import geopandas as gpd

from geo import schema, settings
from geo.timeline import active_in_years, milestone_in_year, milestone_span, status_in_year

__all__ = [
    "ProjectFilter",
    "filter_projects",
    "project_years",
    "split_by_placement",
    "status_in_year",
]

#: ``map_placement`` values that keep a project off the map: a district-wide total (shown in
#: the figures strip) and a project the report names without any site (listed as unlocated).
PLACEMENTS_OFF_MAP = ("district_total", "unlocated")


@dataclass(frozen=True)
class ProjectFilter:
    """What the user asked to see. ``as_of`` (one year) and ``years`` (a range) exclude each other.

    ``statuses`` apply to the status shown: the current one, or the one in ``as_of``.
    """

    layers: tuple[str, ...] = schema.LAYER_IDS
    statuses: tuple[str, ...] = schema.STATUSES
    years: tuple[int, int] | None = None
    as_of: int | None = None

    def __post_init__(self) -> None:
        _check_choices("layers", self.layers, schema.LAYER_IDS)
        _check_choices("statuses", self.statuses, schema.STATUSES)
        if self.years is not None and self.as_of is not None:
            raise ValueError("give either years (a range) or as_of (one year), not both")
        if self.years is not None and self.years[0] > self.years[1]:
            raise ValueError(f"years {self.years[0]}-{self.years[1]}: the first must not be later")


def filter_projects(
    gdf: gpd.GeoDataFrame,
    *,
    layers: Iterable[str] | None = None,
    statuses: Iterable[str] | None = None,
    years: tuple[int, int] | None = None,
    as_of: int | None = None,
) -> gpd.GeoDataFrame:
    """Return the projects the filter keeps, with the status to show for each.

    Parameters
    ----------
    gdf
        Projects as returned by :func:`geo.load_projects`; not modified.
    layers, statuses
        Keep these layers / statuses (default: all).
    years
        Keep projects with a milestone in this inclusive range of years.
    as_of
        Show each project in its status in this year; projects not yet in the report that
        year are dropped. ``status_is_target`` then tells a 2021 plan target from a fact.

    Returns
    -------
    GeoDataFrame
        A copy with ``status`` set to the status shown and a boolean ``status_is_target``.
    """
    spec = ProjectFilter(
        layers=tuple(layers) if layers is not None else schema.LAYER_IDS,
        statuses=tuple(statuses) if statuses is not None else schema.STATUSES,
        years=years,
        as_of=as_of,
    )
    return apply_filter(gdf, spec)


def apply_filter(gdf: gpd.GeoDataFrame, spec: ProjectFilter) -> gpd.GeoDataFrame:
    """:func:`filter_projects` with the filter given as a :class:`ProjectFilter`."""
    out = gdf[gdf["layer"].isin(spec.layers)].copy()
    if spec.as_of is not None:
        in_force = out["milestones"].map(lambda ms: milestone_in_year(ms, spec.as_of))
        out = out[in_force.notna()].copy()
        in_force = in_force[in_force.notna()]
        out["status"] = in_force.map(lambda m: m["status"])
        out["status_is_target"] = in_force.map(lambda m: m.get("kind") == "target")
    else:
        out["status_is_target"] = False
        if spec.years is not None:
            first, last = spec.years
            keep = out["milestones"].map(lambda ms: active_in_years(ms, first, last))
            out = out[keep.astype(bool)]
    out = out[out["status"].isin(spec.statuses)]
    return out


def project_years(gdf: gpd.GeoDataFrame) -> tuple[int, int]:
    """The first and last year any milestone covers (the report's range when empty)."""
    spans = [milestone_span(m) for ms in gdf["milestones"] for m in ms]
    if not spans:
        return settings.FIRST_YEAR, settings.LAST_YEAR
    return min(s for s, _ in spans), max(e for _, e in spans)


def split_by_placement(
    gdf: gpd.GeoDataFrame,
) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """Split projects into (drawn on the map, district-wide totals, unlocated).

    A district-wide total (``map_placement: "district_total"``) is not a site, and a project
    the report names with no site at all (``"unlocated"``) has no place to draw: neither is
    put on the map at an invented spot. Projects without the property are drawn.
    """
    if "map_placement" not in gdf:
        return gdf, gdf.iloc[0:0], gdf.iloc[0:0]
    placement = gdf["map_placement"].fillna("")
    totals = gdf[placement == "district_total"]
    unlocated = gdf[placement == "unlocated"]
    return gdf[~placement.isin(PLACEMENTS_OFF_MAP)], totals, unlocated


def _check_choices(name: str, given: tuple[str, ...], valid: tuple[str, ...]) -> None:
    unknown = [value for value in given if value not in valid]
    if unknown:
        raise ValueError(f"unknown {name}: {', '.join(unknown)}; valid: {', '.join(valid)}")
