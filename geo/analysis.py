"""Figures that follow the filters, and straight-line walking-distance coverage.

Pure functions on GeoDataFrames as :func:`geo.apply_filter` returns them; inputs are never
changed. Lengths and areas are measured in EPSG:4549 (true metres). A schematic feature (a
district total drawn as one symbol, or an unplaced project) is never counted as a located site:
every function that measures or covers places leaves them out and says how many it left out.
"""

from __future__ import annotations

import functools
import io
import math
from collections.abc import Iterable, Sequence
from typing import Final

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import Transformer

from geo import schema, settings
from geo.load import read_report_text
from geo.periods import period_label
from geo.timeline import FigureTime, milestone_span, report_figure_time

LOCATED: Final = ("exact", "approximate")
#: Pocket-park service distances (straight line, not along streets).
SERVICE_DISTANCES_M: Final = (300, 500)
#: Segments per quarter circle of a buffer: 32 puts a circle's area within 0.1 % of πr².
QUAD_SEGS: Final = 32
AREA_KINDS: Final = ("Polygon", "MultiPolygon")
LINE_KINDS: Final = ("LineString", "MultiLineString")


def is_located(gdf: gpd.GeoDataFrame) -> pd.Series:
    """True for features with a real place (exact or approximate), False for schematic ones."""
    return gdf["location_precision"].isin(LOCATED)


#: The report's pocket parks, told from the greenways and greening in the same layer.
POCKET_PARK_WORD: Final = "口袋公园"


def pocket_parks(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The pocket parks: features of the ``pocket_park`` layer named as such (not greenways)."""
    named = gdf["name_zh"].str.contains(POCKET_PARK_WORD, regex=False)
    return gdf[(gdf["layer"] == "pocket_park") & named]


def _metric(gdf: gpd.GeoDataFrame | gpd.GeoSeries) -> gpd.GeoSeries:
    if gdf.crs is None:
        raise ValueError(
            "the GeoDataFrame has no CRS; set it (GeoJSON is EPSG:4326) with set_crs() before "
            "measuring"
        )
    return gdf.geometry.to_crs(settings.METRIC_CRS)


# Counts ---------------------------------------------------------------------------------------
def count_by_layer_status(gdf: gpd.GeoDataFrame) -> pd.DataFrame:
    """Features by layer and status shown, split into located and schematic.

    Returns columns ``layer, status, count, located, schematic``, in the order of
    :mod:`geo.schema`; only combinations present are listed.
    """
    located = is_located(gdf)
    frame = pd.DataFrame(
        {"layer": gdf["layer"], "status": gdf["status"], "located": located, "count": 1}
    )
    frame["schematic"] = ~frame["located"]
    grouped = frame.groupby(["layer", "status"], sort=False)[["count", "located", "schematic"]]
    out = grouped.sum().reset_index()
    out[["count", "located", "schematic"]] = out[["count", "located", "schematic"]].astype(int)
    out["_l"] = out["layer"].map(schema.LAYER_IDS.index)
    out["_s"] = out["status"].map(schema.STATUSES.index)
    return out.sort_values(["_l", "_s"]).drop(columns=["_l", "_s"]).reset_index(drop=True)


def count_by_period(
    gdf: gpd.GeoDataFrame,
    *,
    years: tuple[int, int] | None = None,
    as_of: int | None = None,
) -> pd.DataFrame:
    """Projects with a milestone in each year or period the report gives, per layer and kind.

    A milestone for 2016–2020 counts in a "2016–2020" bucket, never in single years: the report
    does not say which year it happened. A project counts once per bucket even with several
    milestones there. ``years`` keeps only buckets overlapping that range, ``as_of`` only those
    starting by that year (as the map's filters do).

    Returns columns ``period, year, year_end, kind, layer, count, located, schematic``, by
    period then layer.
    """
    rows = []
    for record in gdf[["id", "layer", "milestones", "location_precision"]].itertuples():
        buckets = {(*milestone_span(m), m.get("kind", "reported")) for m in record.milestones}
        for start, end, kind in buckets:
            if years is not None and not (start <= years[1] and end >= years[0]):
                continue
            if as_of is not None and start > as_of:
                continue
            rows.append(
                {
                    "year": start,
                    "year_end": end,
                    "kind": kind,
                    "layer": record.layer,
                    "located": record.location_precision in LOCATED,
                }
            )
    columns = ["period", "year", "year_end", "kind", "layer", "count", "located", "schematic"]
    if not rows:
        return pd.DataFrame(columns=columns)
    frame = pd.DataFrame(rows)
    frame["count"] = 1
    frame["schematic"] = ~frame["located"]
    keys = ["year", "year_end", "kind", "layer"]
    out = frame.groupby(keys)[["count", "located", "schematic"]].sum().reset_index()
    out[["count", "located", "schematic"]] = out[["count", "located", "schematic"]].astype(int)
    out["period"] = [period_label(a, b) for a, b in zip(out["year"], out["year_end"], strict=True)]
    out["_l"] = out["layer"].map(schema.LAYER_IDS.index)
    out = out.sort_values(["year", "year_end", "kind", "_l"]).drop(columns="_l")
    return out[columns].reset_index(drop=True)


# Figures the data carries -----------------------------------------------------------------------
#: The columns of :func:`figure_table` (and of the engine's answer to the same question).
FIGURE_COLUMNS: Final = (
    "label_zh",
    "label_en",
    "value",
    "unit",
    "period",
    "kind",
    "features",
    "ids",
    "quote",
)


def figure_table(
    gdf: gpd.GeoDataFrame,
    *,
    years: tuple[int, int] | None = None,
    as_of: int | None = None,
    report_text: str | None = None,
) -> pd.DataFrame:
    """Every figure the shown features carry, once each, with its period from the report.

    One figure shared by several features (the 1699 resettlement flats of three clusters) is
    listed once with all their ids: adding it per feature would count it three times.
    ``period`` and ``kind`` come from where the sentence sits in the report (the 2021 plan
    gives targets, the review gives results). ``years`` keeps figures whose period overlaps
    that range; ``as_of`` keeps what was known by that year: a result once its period has ended,
    a target once set (:meth:`geo.timeline.FigureTime.in_view`, as the side panel and print).

    Returns columns ``label_zh, label_en, value, unit, period, kind, features, ids, quote``.
    """
    report_text = report_text if report_text is not None else (read_report_text() or "")
    figures: dict[tuple, dict] = {}
    for record in gdf[["id", "figures"]].itertuples():
        for figure in record.figures:
            key = (figure["quote"], figure["value"], figure["unit"], figure["label_zh"])
            row = figures.setdefault(key, {**figure_row(figure, report_text), "ids": []})
            row["ids"].append(record.id)
    rows = [
        {**row, "features": len(row["ids"]), "ids": ", ".join(row["ids"])}
        for row in figures.values()
        if figure_in_view(row["span"], years, as_of)
    ]
    return pd.DataFrame(rows, columns=FIGURE_COLUMNS)


def figure_in_view(
    span: tuple[int, int] | None, years: tuple[int, int] | None, as_of: int | None
) -> bool:
    """Whether a figure of the report's ``span`` belongs to the view (the rule of the side
    panel and of print, :meth:`geo.timeline.FigureTime.in_view`); a figure whose sentence
    the report does not date is shown only when no time is chosen."""
    if span is None:
        return years is None and as_of is None
    time = FigureTime(span[0], span[1], target=span[0] >= settings.LAST_YEAR)
    return time.in_view(years=years, as_of=as_of)


def figure_row(figure: dict, report_text: str) -> dict:
    """One row of :func:`figure_table` (without ``features`` and ``ids``), with its ``span``."""
    time = report_figure_time(figure, report_text, settings.LAST_YEAR)
    span = (time.first, time.last) if time else None
    return {
        "span": span,
        "label_zh": figure["label_zh"],
        "label_en": figure.get("label_en", ""),
        "value": figure["value"],
        "unit": figure["unit"],
        "period": period_label(*span) if span else "",
        "kind": "" if time is None else ("target" if time.target else "result"),
        "quote": figure["quote"],
    }


def feature_measures(gdf: gpd.GeoDataFrame) -> tuple[pd.Series, pd.Series]:
    """Area (m², polygons) and length (m, lines) of every feature in EPSG:4549, NaN otherwise.

    Reuses the ``area_m2`` / ``length_m`` columns of :func:`geo.coords.add_measures` when the
    frame has them (the app loads its data that way), so a filter change reprojects nothing.
    """
    if {"area_m2", "length_m"} <= set(gdf.columns):
        return gdf["area_m2"].astype(float), gdf["length_m"].astype(float)
    if not len(gdf):
        return pd.Series([], dtype=float), pd.Series([], dtype=float)
    metric = _metric(gdf)
    kinds = gdf.geometry.geom_type
    area = metric.area.where(kinds.isin(AREA_KINDS))
    length = metric.length.where(kinds.isin(LINE_KINDS))
    return pd.Series(area.to_numpy(), gdf.index), pd.Series(length.to_numpy(), gdf.index)


def measure_totals(gdf: gpd.GeoDataFrame) -> pd.DataFrame:
    """Area and length of the located features per layer, in EPSG:4549.

    Returns columns ``layer, features, located, schematic, area_m2, area_ha, length_km``;
    schematic features are counted but never measured.
    """
    rows = []
    located = is_located(gdf).to_numpy()
    areas, lengths = (m.fillna(0).to_numpy() for m in feature_measures(gdf))
    for layer in (i for i in schema.LAYER_IDS if i in set(gdf["layer"])):
        in_layer = (gdf["layer"] == layer).to_numpy()
        area = float(areas[in_layer & located].sum())
        length = float(lengths[in_layer & located].sum())
        rows.append(
            {
                "layer": layer,
                "features": int(in_layer.sum()),
                "located": int((in_layer & located).sum()),
                "schematic": int((in_layer & ~located).sum()),
                "area_m2": round(area, 1),
                "area_ha": round(area / 10_000, 3),
                "length_km": round(length / 1000, 3),
            }
        )
    columns = ["layer", "features", "located", "schematic", "area_m2", "area_ha", "length_km"]
    return pd.DataFrame(rows, columns=columns)


# The project table --------------------------------------------------------------------------------
TABLE_COLUMNS: Final = (
    "id",
    "layer",
    "name_zh",
    "name_en",
    "status",
    "status_is_target",
    "location_precision",
    "periods",
    "figures",
    "area_m2",
    "length_km",
    "quote",
)


def project_table(gdf: gpd.GeoDataFrame) -> pd.DataFrame:
    """One plain row per shown project (no geometry), ready to sort, show and download.

    ``periods`` lists the years and periods of its milestones (``2016–2020; 2021 target``),
    ``figures`` its figures as text; area and length are measured for located features only.
    """
    located = is_located(gdf)
    areas, lengths = feature_measures(gdf)
    area = areas.where(located).round(1).astype(object)
    length = (lengths.where(located) / 1000).round(3).astype(object)
    area, length = (v.where(v.notna(), None).tolist() for v in (area, length))
    target = gdf["status_is_target"] if "status_is_target" in gdf else pd.Series(False, gdf.index)
    table = pd.DataFrame(
        {
            "id": gdf["id"],
            "layer": gdf["layer"],
            "name_zh": gdf["name_zh"],
            "name_en": gdf["name_en"],
            "status": gdf["status"],
            "status_is_target": target.astype(bool),
            "location_precision": gdf["location_precision"],
            "periods": gdf["milestones"].map(_periods_text),
            "figures": gdf["figures"].map(_figures_text),
            "area_m2": area,
            "length_km": length,
            "quote": gdf["source"].map(lambda s: s.get("quote", "") if isinstance(s, dict) else ""),
        }
    )
    return table.reset_index(drop=True)


def _periods_text(milestones: Sequence[dict]) -> str:
    parts = []
    for milestone in milestones:
        text = period_label(*milestone_span(milestone))
        text += " target" if milestone.get("kind") == "target" else ""
        if text not in parts:
            parts.append(text)
    return "; ".join(parts)


def _figures_text(figures: Sequence[dict]) -> str:
    return "; ".join(f"{f['label_zh']} {f['value']:g} {f['unit']}" for f in figures)


def table_csv(table: pd.DataFrame) -> bytes:
    """The rows given as UTF-8 CSV with a BOM (Excel opens Chinese correctly), formulas defused."""
    return _defused(table).to_csv(index=False).encode("utf-8-sig")


def table_xlsx(table: pd.DataFrame, *, sheet: str = "projects") -> bytes:
    """The rows given as an Excel workbook (one sheet), formulas defused."""
    buffer = io.BytesIO()
    _defused(table).to_excel(buffer, index=False, sheet_name=sheet[:31], engine="openpyxl")
    return buffer.getvalue()


def _defused(table: pd.DataFrame) -> pd.DataFrame:
    # A cell starting with = + - @ runs as a formula in Excel: a quote from user-edited data
    # must never do that (CSV injection).
    out = table.copy()
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
            out[column] = out[column].map(
                lambda v: "'" + v if isinstance(v, str) and v[:1] in ("=", "+", "-", "@") else v
            )
    return out


# Walking distance (straight line) ----------------------------------------------------------------
def land_area(boundary: gpd.GeoDataFrame) -> shapely.Geometry:
    """The district's land as one polygon in EPSG:4549 (the boundary polygon has no sea)."""
    return shapely.union_all(_metric(boundary).to_numpy())


def service_areas(
    sites: gpd.GeoDataFrame,
    distances: Iterable[float] = SERVICE_DISTANCES_M,
    *,
    land: shapely.Geometry | None = None,
) -> gpd.GeoDataFrame:
    """Straight-line service areas: all ground within each distance of a located site.

    Parameters
    ----------
    sites
        Features (any CRS); schematic ones are left out (``attrs["schematic_excluded"]``).
    distances
        Radii in metres, e.g. 300 and 500 for pocket parks.
    land
        When given (EPSG:4549, see :func:`land_area`), areas are clipped to it: no sea.

    Returns
    -------
    GeoDataFrame
        One row per distance, in EPSG:4549: ``distance_m, sites, area_m2, geometry``.
    """
    located = sites[is_located(sites)]
    geoms = _metric(located).to_numpy() if len(located) else []
    rows = []
    for distance in distances:
        if distance <= 0:
            raise ValueError(f"service distance {distance} m: give a positive number of metres")
        area = shapely.union_all(shapely.buffer(geoms, distance, quad_segs=QUAD_SEGS))
        if land is not None:
            area = shapely.intersection(area, land)
        rows.append({"distance_m": distance, "sites": len(located), "geometry": area})
    out = gpd.GeoDataFrame(rows, geometry="geometry", crs=settings.METRIC_CRS)
    out["area_m2"] = out.geometry.area
    out.attrs["schematic_excluded"] = int(len(sites) - len(located))
    return out[["distance_m", "sites", "area_m2", "geometry"]]


def coverage(
    sites: gpd.GeoDataFrame,
    boundary: gpd.GeoDataFrame,
    distances: Iterable[float] = SERVICE_DISTANCES_M,
) -> pd.DataFrame:
    """Share of the district's land within each straight-line distance of a located site.

    Returns columns ``distance_m, sites, schematic_excluded, land_m2, covered_m2, share``
    (share from 0 to 1). Sea is never counted: both areas are clipped to the boundary polygon.
    """
    land = land_area(boundary)
    areas = service_areas(sites, distances, land=land)
    out = pd.DataFrame(
        {
            "distance_m": areas["distance_m"],
            "sites": areas["sites"],
            "schematic_excluded": areas.attrs["schematic_excluded"],
            "land_m2": land.area,
            "covered_m2": areas["area_m2"],
        }
    )
    out["share"] = out["covered_m2"] / out["land_m2"] if land.area else math.nan
    return out


def within_distance(
    sites: gpd.GeoDataFrame,
    others: gpd.GeoDataFrame,
    distance_m: float,
    *,
    figure_label: str | None = None,
) -> pd.DataFrame:
    """For each located site, the located ``others`` within ``distance_m`` (straight line).

    ``figure_label`` sums the figures of those others whose Chinese label holds it (e.g.
    "停车位" for parking spaces near each renewal site). Schematic features on either side are
    left out: a district total has no place to be near.

    Returns columns ``id, name_zh, count, ids, figure_sum`` (figure_sum None without a label),
    with ``attrs["schematic_excluded"]`` the number of others left out.
    """
    if distance_m < 0:
        raise ValueError(f"distance {distance_m} m: give zero or more metres")
    near_sites = sites[is_located(sites)]
    near_others = others[is_located(others)]
    # One spatial-index query for all pairs: a loop over sites is O(sites x others).
    site_idx, other_idx = _pairs(near_sites, near_others, "dwithin", distance=distance_m)
    values = near_others["figures"].map(
        lambda figures: (
            sum(float(f["value"]) for f in figures if figure_label in f["label_zh"])
            if figure_label is not None
            else 0.0
        )
    )
    found: dict[int, list[int]] = {}
    for site, other in zip(site_idx, other_idx, strict=True):
        found.setdefault(int(site), []).append(int(other))
    other_ids, other_values = list(near_others["id"]), values.to_numpy(dtype=float)
    rows = []
    names = zip(near_sites["id"], near_sites["name_zh"], strict=True)
    for position, (site_id, name) in enumerate(names):
        chosen = sorted(found.get(position, []))
        rows.append(
            {
                "id": site_id,
                "name_zh": name,
                "count": len(chosen),
                "ids": ", ".join(other_ids[i] for i in chosen),
                "figure_sum": float(other_values[chosen].sum()) if figure_label else None,
            }
        )
    out = pd.DataFrame(rows, columns=["id", "name_zh", "count", "ids", "figure_sum"])
    out.attrs["schematic_excluded"] = int(len(others) - len(near_others))
    out.attrs["sites_excluded"] = int(len(sites) - len(near_sites))
    return out


def _pairs(
    left: gpd.GeoDataFrame,
    right: gpd.GeoDataFrame,
    predicate: str,
    *,
    distance: float | None = None,
):
    """Positions (left, right) of every pair meeting ``predicate``, measured in EPSG:4549."""
    if not len(left) or not len(right):
        return [], []
    tree = shapely.STRtree(_metric(right).to_numpy())
    pairs = tree.query(_metric(left).to_numpy(), predicate=predicate, distance=distance)
    return pairs[0], pairs[1]


def zones_covering(zones: gpd.GeoDataFrame, sites: gpd.GeoDataFrame) -> pd.DataFrame:
    """For each located site, the located zones (polygons) covering it fully or in part.

    A point on a zone's edge is covered. ``cover`` is ``"full"`` when one zone holds the whole
    site, ``"partial"`` when zones only overlap it, ``"none"`` otherwise.

    Returns columns ``id, name_zh, cover, zone_ids``.
    """
    zone_part = zones[is_located(zones)]
    zone_part = zone_part[zone_part.geometry.geom_type.isin(AREA_KINDS)]
    site_part = sites[is_located(sites)]
    touching: dict[int, list[int]] = {}
    for site, zone in zip(*_pairs(site_part, zone_part, "intersects"), strict=True):
        touching.setdefault(int(site), []).append(int(zone))
    # "covered_by", not "within": a point on a zone's edge is inside the zone.
    held = {int(site) for site in _pairs(site_part, zone_part, "covered_by")[0]}
    zone_ids = list(zone_part["id"])
    rows = []
    names = zip(site_part["id"], site_part["name_zh"], strict=True)
    for position, (site_id, name) in enumerate(names):
        ids = [zone_ids[i] for i in sorted(touching.get(position, []))]
        cover = "full" if position in held else ("partial" if ids else "none")
        rows.append({"id": site_id, "name_zh": name, "cover": cover, "zone_ids": ", ".join(ids)})
    out = pd.DataFrame(rows, columns=["id", "name_zh", "cover", "zone_ids"])
    out.attrs["schematic_excluded"] = int(len(sites) - len(site_part))
    return out


@functools.cache
def _to_metric() -> Transformer:
    # Building a transformer takes ~0.1 s: once per process, not once per click.
    return Transformer.from_crs(settings.STORAGE_CRS, settings.METRIC_CRS, always_xy=True)


def within_radius(
    gdf: gpd.GeoDataFrame,
    lon: float,
    lat: float,
    radius_m: float,
) -> gpd.GeoDataFrame:
    """Located features within ``radius_m`` of a WGS84 point, nearest first.

    Distance is to the nearest part of each geometry (a street crossing the circle counts).
    Returns the rows kept with a ``distance_m`` column; ``attrs["schematic_excluded"]`` says
    how many schematic features were not considered.
    """
    if radius_m < 0:
        raise ValueError(f"radius {radius_m} m: give zero or more metres")
    centre = shapely.Point(_to_metric().transform(lon, lat))
    located = is_located(gdf).to_numpy()
    # Only features whose bounds reach a box around the circle are projected and measured
    # (re-projecting 100,000 features took seconds of every rerun); the box is twice the
    # radius in degrees, wider than any scale difference of the metric CRS in the district.
    # One selection of the near rows: a copy of every located row first was the full page's
    # largest transient at 100,000 projects.
    # Only the geometry of the near rows is measured, and the rows kept are taken once, in
    # their final order (each whole-frame copy of the near rows was the full page's largest
    # transient at 100,000 projects).
    near = np.flatnonzero(located & _bounds_near(gdf, lon, lat, radius_m))
    distance = np.zeros(0)
    if len(near):
        distance = _metric(gdf.geometry.iloc[near]).distance(centre).to_numpy()
    inside = distance <= radius_m + 1e-6
    rounded = np.round(distance[inside], 1)
    order = np.argsort(rounded, kind="stable")
    out = gdf.iloc[near[inside][order]].assign(distance_m=rounded[order])
    out.attrs["schematic_excluded"] = int(len(gdf) - located.sum())
    return out


def _bounds_near(gdf: gpd.GeoDataFrame, lon: float, lat: float, radius_m: float) -> np.ndarray:
    """Which rows' bounding boxes meet the box of twice ``radius_m`` (plus 100 m) around the
    point, in degrees: a superset of the rows within ``radius_m`` of it."""
    reach = 2 * radius_m + 100
    dlat = reach / 110_000
    dlon = reach / (111_320 * max(math.cos(math.radians(lat)), 0.1))
    bounds = shapely.bounds(np.asarray(gdf.geometry.values, dtype=object))
    return (
        (bounds[:, 0] <= lon + dlon)
        & (bounds[:, 2] >= lon - dlon)
        & (bounds[:, 1] <= lat + dlat)
        & (bounds[:, 3] >= lat - dlat)
    )
