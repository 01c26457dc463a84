"""Planning insight beside the map: charts, figures, the project table, targets and coverage.

Everything here draws what it is given: the caller passes the projects the filters keep
(``geo.apply_filter``), so the figures follow every filter change. Clicking a bar returns a
:class:`ChartPick` the caller turns into a filter (see :func:`apply_pick`). The numbers come
from :mod:`geo.analysis` and :mod:`geo.targets`; this module only lays them out.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Final

import altair as alt
import folium
import geopandas as gpd
import pandas as pd
import streamlit as st

from geo import analysis, settings
from geo.coords import gcj02_latlon, to_gcj02
from geo.engine_insight import InsightEngine
from geo.errors import ProjectDataError
from geo.filter import ProjectFilter
from geo.html import escape_html
from geo.targets import amount, compare_targets, gap_line, load_targets
from i18n import t
from layers import LAYERS, STATUS_STYLES
from ui.project_list import page_picker

#: Name of the chart selection parameter that picks layer × status bars.
PICK: Final = "pick"
#: Name of the period chart's selection parameter (picks layers).
PERIOD_PICK: Final = "period_pick"
RADIUS_CHOICES_M: Final = (100, 2000)
SERVICE_STYLE: Final = {"color": "#2b8a3e", "weight": 1.5, "dashArray": "4 4", "fillOpacity": 0.08}


@dataclass(frozen=True)
class ChartPick:
    """Bars the user clicked: (layer, status) pairs, or whole layers from the period chart."""

    pairs: tuple[tuple[str, str], ...] = ()
    layers: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.pairs or self.layers)

    @property
    def statuses(self) -> tuple[str, ...]:
        """The statuses picked (for a status filter), in the palette's order."""
        picked = {status for _, status in self.pairs}
        return tuple(s for s in STATUS_STYLES if s in picked)

    @property
    def all_layers(self) -> tuple[str, ...]:
        """Every layer picked by either chart, in the map's order."""
        picked = set(self.layers) | {layer for layer, _ in self.pairs}
        return tuple(layer for layer in LAYERS if layer in picked)


def pick_from_selection(selection: Mapping[str, Any] | None) -> ChartPick:
    """Read Streamlit's chart event (``event.selection``) into a :class:`ChartPick`.

    Unknown layers or statuses (a stale or forged event) are dropped.
    """
    selection = selection or {}
    pairs = []
    for point in selection.get(PICK) or []:
        layer, status = point.get("layer"), point.get("status")
        if layer in LAYERS and status in STATUS_STYLES:
            pairs.append((layer, status))
    layers = [p.get("layer") for p in selection.get(PERIOD_PICK) or [] if p.get("layer") in LAYERS]
    return ChartPick(tuple(dict.fromkeys(pairs)), tuple(dict.fromkeys(layers)))


def apply_pick(gdf: gpd.GeoDataFrame, pick: ChartPick) -> gpd.GeoDataFrame:
    """The rows of ``gdf`` in the picked bars (all rows when nothing is picked)."""
    if not pick:
        return gdf
    keep = pd.Series(False, index=gdf.index)
    for layer, status in pick.pairs:
        keep |= (gdf["layer"] == layer) & (gdf["status"] == status)
    keep |= gdf["layer"].isin(pick.layers)
    return gdf[keep]


def current_pick(key: str = "insight") -> ChartPick:
    """The bars clicked in the panel's charts, readable before the panel is drawn.

    Streamlit keeps each chart's selection in session state under its key, so the page can
    filter the map with it first and draw the panel (with every bar) afterwards.
    """
    selection: dict[str, Any] = {}
    for chart in (f"{key}_status_chart", f"{key}_period_chart"):
        state = st.session_state.get(chart) or {}
        selection.update(dict(state.get("selection") or {}))
    return pick_from_selection(selection)


# The panel --------------------------------------------------------------------------------------
def insight_panel(
    gdf_shown: gpd.GeoDataFrame,
    *,
    boundary: gpd.GeoDataFrame,
    gdf_all: gpd.GeoDataFrame | None = None,
    view: ProjectFilter | None = None,
    lang: str = "zh",
    point: tuple[float, float] | None = None,
    key: str = "insight",
    engine: InsightEngine | None = None,
) -> ChartPick:
    """Draw the insight panel for the projects shown; return the bars the user clicked.

    Parameters
    ----------
    gdf_shown
        Projects as the filters keep them (``geo.apply_filter``).
    boundary
        The district boundary (its polygon is the land for coverage shares).
    gdf_all
        Every project, for the report-targets comparison (default: ``gdf_shown``).
    view
        The filter that made ``gdf_shown``: its years (or as-of year) also limit the period
        bars and the figures to those periods.
    lang
        "zh", "en" or "both".
    point
        (lat, lon) of a point clicked on the map, the centre of the radius search.
    key
        Prefix of the widget keys, so the panel can appear once per page.
    engine
        The DuckDB engine over every project (:func:`cached_engine`), which answers the
        charts, figures and targets; made here for ``gdf_all`` when not given.
    """
    everything = gdf_all if gdf_all is not None else gdf_shown
    engine = engine or InsightEngine(everything)
    located = int(analysis.is_located(gdf_shown).sum())
    st.subheader(t("insight.heading", lang))
    st.caption(
        t(
            "insight.shown",
            lang,
            shown=len(gdf_shown),
            located=located,
            schematic=len(gdf_shown) - located,
        )
    )
    tabs = st.tabs(
        [
            t("insight.tab.charts", lang),
            t("insight.tab.table", lang),
            t("insight.tab.targets", lang),
            t("insight.tab.coverage", lang),
        ]
    )
    with tabs[0]:
        pick = _charts(gdf_shown, view=view or ProjectFilter(), lang=lang, key=key, engine=engine)
    with tabs[1]:
        _table(gdf_shown, lang=lang, key=key, engine=engine)
    with tabs[2]:
        _targets(everything, lang=lang, engine=engine)
    with tabs[3]:
        _coverage(gdf_shown, boundary, lang=lang, point=point, key=key, engine=engine)
    return pick


def _layer_label(layer: str, lang: str) -> str:
    spec = LAYERS[layer]
    return _pick_lang(spec.label_zh, spec.label_en, lang)


def _status_label(status: str, lang: str) -> str:
    style = STATUS_STYLES[status]
    return _pick_lang(style.label_zh, style.label_en, lang)


def _pick_lang(zh: str, en: str, lang: str) -> str:
    if lang == "en":
        return en
    return f"{zh} {en}" if lang == "both" else zh


@st.cache_resource(show_spinner=False, max_entries=2)
def cached_engine(data_key: str, _gdf: gpd.GeoDataFrame) -> InsightEngine:
    """The panel's DuckDB engine, made once per version of the data (``data_key``, as the
    map's browser-data cache uses) and shared by every session."""
    return InsightEngine(_gdf)


# Charts -----------------------------------------------------------------------------------------
def status_chart(
    gdf_shown: gpd.GeoDataFrame, *, lang: str = "zh", engine: InsightEngine | None = None
) -> alt.Chart:
    """Stacked bars: projects per layer, coloured by status; clicking picks layer × status."""
    counts = (engine or InsightEngine(gdf_shown)).count_by_layer_status(gdf_shown)
    counts["layer_label"] = counts["layer"].map(lambda i: _layer_label(i, lang))
    counts["status_label"] = counts["status"].map(lambda s: _status_label(s, lang))
    counts["order"] = counts["status"].map(list(STATUS_STYLES).index)
    shown = [s for s in STATUS_STYLES if s in set(counts["status"])]
    pick = alt.selection_point(name=PICK, fields=["layer", "status"])
    field = lambda k: t(f"insight.field.{k}", lang)  # noqa: E731 - a short label lookup
    return (
        alt.Chart(counts)
        .mark_bar()
        .encode(
            x=alt.X("count:Q", title=field("count"), axis=alt.Axis(tickMinStep=1, format="d")),
            y=alt.Y(
                "layer_label:N",
                title=field("layer"),
                sort=[_layer_label(i, lang) for i in LAYERS],
                axis=alt.Axis(labelLimit=220),
            ),
            color=alt.Color(
                "status_label:N",
                title=field("status"),
                scale=alt.Scale(
                    domain=[_status_label(s, lang) for s in shown],
                    range=[STATUS_STYLES[s].color for s in shown],
                ),
            ),
            order=alt.Order("order:Q"),
            opacity=alt.condition(pick, alt.value(1.0), alt.value(0.35)),
            tooltip=[
                alt.Tooltip("layer_label:N", title=field("layer")),
                alt.Tooltip("status_label:N", title=field("status")),
                alt.Tooltip("count:Q", title=field("count")),
                alt.Tooltip("located:Q", title=field("located")),
                alt.Tooltip("schematic:Q", title=field("schematic")),
            ],
        )
        .add_params(pick)
        .properties(title=t("insight.chart.by_status", lang), height=220)
    )


def period_chart(
    gdf_shown: gpd.GeoDataFrame,
    *,
    lang: str = "zh",
    years: tuple[int, int] | None = None,
    as_of: int | None = None,
    engine: InsightEngine | None = None,
) -> alt.Chart:
    """Bars per year or period (2016–2020 as one period), by layer; 2021 targets paler."""
    engine = engine or InsightEngine(gdf_shown)
    counts = engine.count_by_period(gdf_shown, years=years, as_of=as_of)
    counts["layer_label"] = counts["layer"].map(lambda i: _layer_label(i, lang))
    counts["kind_label"] = counts["kind"].map(lambda k: t(f"insight.kind.{k}", lang))
    periods = list(dict.fromkeys(counts["period"]))
    pick = alt.selection_point(name=PERIOD_PICK, fields=["layer"])
    field = lambda k: t(f"insight.field.{k}", lang)  # noqa: E731 - a short label lookup
    layers_shown = [i for i in LAYERS if i in set(counts["layer"])]
    return (
        alt.Chart(counts)
        .mark_bar()
        .encode(
            x=alt.X("period:N", title=field("period"), sort=periods, axis=alt.Axis(labelAngle=0)),
            xOffset=alt.XOffset("layer_label:N", sort=[_layer_label(i, lang) for i in LAYERS]),
            y=alt.Y("count:Q", title=field("count"), axis=alt.Axis(tickMinStep=1, format="d")),
            fillOpacity=alt.FillOpacity(
                "kind_label:N",
                legend=None,
                scale=alt.Scale(
                    domain=[t("insight.kind.reported", lang), t("insight.kind.target", lang)],
                    range=[0.9, 0.4],
                ),
            ),
            color=alt.Color(
                "layer_label:N",
                title=field("layer"),
                sort=[_layer_label(i, lang) for i in layers_shown],
            ),
            opacity=alt.condition(pick, alt.value(1.0), alt.value(0.35)),
            # A 2021 target is outlined dashed, a reported fact solid, as the map draws them.
            strokeDash=alt.StrokeDash(
                "kind_label:N",
                title=field("kind"),
                scale=alt.Scale(
                    domain=[t("insight.kind.reported", lang), t("insight.kind.target", lang)],
                    range=[[1, 0], [5, 3]],
                ),
            ),
            stroke=alt.value("#333333"),
            tooltip=[
                alt.Tooltip("period:N", title=field("period")),
                alt.Tooltip("kind_label:N", title=field("kind")),
                alt.Tooltip("layer_label:N", title=field("layer")),
                alt.Tooltip("count:Q", title=field("count")),
                alt.Tooltip("located:Q", title=field("located")),
                alt.Tooltip("schematic:Q", title=field("schematic")),
            ],
        )
        .add_params(pick)
        .properties(title=t("insight.chart.by_period", lang), height=220)
    )


def _charts(
    gdf_shown: gpd.GeoDataFrame,
    *,
    view: ProjectFilter,
    lang: str,
    key: str,
    engine: InsightEngine,
) -> ChartPick:
    if not len(gdf_shown):
        st.info(t("insight.empty", lang))
        return ChartPick()
    st.caption(t("insight.chart.click_hint", lang))
    left, right = st.columns(2)
    with left:
        event = st.altair_chart(
            status_chart(gdf_shown, lang=lang, engine=engine),
            on_select="rerun",
            key=f"{key}_status_chart",
        )
    with right:
        period_event = st.altair_chart(
            period_chart(gdf_shown, lang=lang, years=view.years, as_of=view.as_of, engine=engine),
            on_select="rerun",
            key=f"{key}_period_chart",
        )
        st.caption(t("insight.chart.period_note", lang))
    selection = {**_selection(event), **_selection(period_event)}
    _figures(gdf_shown, view=view, lang=lang, engine=engine)
    return pick_from_selection(selection)


def _selection(event: Mapping[str, Any] | None) -> dict[str, Any]:
    # Streamlit's VegaLiteState reads like a dict, as does a state set by a test or a caller.
    return dict((event or {}).get("selection") or {})


def _figures(
    gdf_shown: gpd.GeoDataFrame, *, view: ProjectFilter, lang: str, engine: InsightEngine
) -> None:
    left, right = st.columns(2)
    with left:
        st.markdown(f"**{t('insight.figures.heading', lang)}**")
        figures = engine.figure_table(gdf_shown, years=view.years, as_of=view.as_of)
        if figures.empty:
            st.caption(t("insight.figures.none", lang))
        else:
            figures["label"] = [
                _pick_lang(zh, en, lang)
                for zh, en in zip(figures["label_zh"], figures["label_en"], strict=True)
            ]
            # No kind when a figure's sentence is not in the bundled report (another data file).
            figures["kind"] = figures["kind"].map(
                lambda k: t(f"insight.kind.{k}", lang) if k else ""
            )
            figures["amount"] = _amounts(figures["value"], figures["unit"], lang)
            columns = ["label", "amount", "period", "kind", "features", "quote"]
            st.dataframe(_headed(figures[columns], lang), hide_index=True, width="stretch")
            st.caption(t("insight.figures.note", lang))
    with right:
        st.markdown(f"**{t('insight.measures.heading', lang)}**")
        measures = engine.measure_totals(gdf_shown)
        measures["layer"] = measures["layer"].map(lambda i: _layer_label(i, lang))
        columns = ["layer", "located", "schematic", "area_ha", "length_km"]
        st.dataframe(_headed(measures[columns], lang), hide_index=True, width="stretch")
        st.caption(t("insight.measures.note", lang))


def _amounts(values: Iterable[float], units: Iterable[str], lang: str) -> list[str]:
    """Each figure with its measure as ``lang`` writes it (``10 km``, ``262,000 million
    yuan``): one column, so an English table never shows a Chinese unit beside a number
    in another scale."""
    return [amount(v, u, lang) for v, u in zip(values, units, strict=True)]


def _headed(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The frame with column headers from the catalogue (``insight.field.<column>``)."""
    names = {c: t(f"insight.field.{c}", lang) for c in frame.columns}
    return frame.rename(columns=names)


# The project table ------------------------------------------------------------------------------
#: Rows of the table sent to the browser at once (the downloads hold all of them).
TABLE_PAGE_ROWS: Final = 100


def shown_table(
    gdf_shown: gpd.GeoDataFrame,
    *,
    lang: str,
    sort_by: str = "layer",
    descending: bool = False,
    engine: InsightEngine | None = None,
) -> pd.DataFrame:
    """The table as displayed and downloaded: labelled, sorted, headers in ``lang``."""
    table = (engine or InsightEngine(gdf_shown)).project_table(gdf_shown)
    # One label per distinct value, not one call per row (100,000 rows: ~1 s per rerun).
    for column, label in (("layer", _layer_label), ("status", _status_label)):
        table[column] = table[column].map({v: label(v, lang) for v in table[column].unique()})
    if sort_by not in table.columns:
        raise ValueError(f"cannot sort by '{sort_by}'; choose one of: {', '.join(table.columns)}")
    table = table.sort_values(sort_by, ascending=not descending, kind="stable", na_position="last")
    return _headed(table.reset_index(drop=True), lang)


def paged_dataframe(
    table: pd.DataFrame, *, key: str, lang: str, rows: int = TABLE_PAGE_ROWS
) -> tuple[int, int]:
    """Show one page of ``table`` (a page picker above it when there are several); return
    the first and last row shown (0-based start, end exclusive).

    Only that page reaches the browser: at 10,000 projects the whole tables under the map
    were megabytes per filter state.
    """
    pages = max(1, math.ceil(len(table) / rows))
    page = page_picker(pages, key, lang) if pages > 1 else 1
    first = (page - 1) * rows
    st.dataframe(table.iloc[first : first + rows], hide_index=True, width="stretch")
    return first, min(first + rows, len(table))


def _table(gdf_shown: gpd.GeoDataFrame, *, lang: str, key: str, engine: InsightEngine) -> None:
    if not len(gdf_shown):
        st.info(t("insight.empty", lang))
        return
    columns = list(analysis.TABLE_COLUMNS)
    left, right = st.columns([3, 1], vertical_alignment="bottom")
    sort_by = left.selectbox(
        t("insight.table.sort", lang),
        columns,
        format_func=lambda c: t(f"insight.field.{c}", lang),
        key=f"{key}_sort",
        on_change=st.session_state.update,
        kwargs={f"{key}_table_page": 1},  # a new order starts at the top
    )
    descending = right.toggle(
        t("insight.table.descending", lang),
        key=f"{key}_descending",
        on_change=st.session_state.update,
        kwargs={f"{key}_table_page": 1},
    )
    table = shown_table(gdf_shown, lang=lang, sort_by=sort_by, descending=descending, engine=engine)
    first, last = paged_dataframe(table, key=f"{key}_table_page", lang=lang)
    st.caption(t("listing.table_rows", lang, first=first + 1, last=last, total=len(table)))
    csv_col, xlsx_col = st.columns(2)
    csv_col.download_button(
        t("insight.table.csv", lang),
        lambda: analysis.table_csv(table),
        file_name="shinan_projects.csv",
        mime="text/csv",
        key=f"{key}_csv",
    )
    xlsx_col.download_button(
        t("insight.table.xlsx", lang),
        lambda: analysis.table_xlsx(table),  # made only when clicked
        file_name="shinan_projects.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key=f"{key}_xlsx",
    )


# Targets against the map ------------------------------------------------------------------------
def target_rows(
    gdf: gpd.GeoDataFrame, *, lang: str, engine: InsightEngine | None = None
) -> pd.DataFrame:
    """The report's targets beside what the map holds, labelled for display."""
    engine = engine or InsightEngine(gdf)
    targets = load_targets()
    # Against every project: the same answer on each rerun until the data or targets change.
    rows = engine.remember(
        f"targets:{hash(tuple(targets))}", [gdf], lambda: engine.compare_targets(targets, gdf)
    ).copy()
    rows["label"] = [
        _pick_lang(zh, en, lang) for zh, en in zip(rows["label_zh"], rows["label_en"], strict=True)
    ]
    rows["kind"] = rows["kind"].map(lambda k: t(f"insight.kind.{k}", lang))
    at_least = t("insight.targets.at_least", lang)
    rows["mapped_value"] = [
        "" if pd.isna(v) else amount(round(v, 2), unit, lang)
        for v, unit in zip(rows["mapped_value"], rows["unit"], strict=True)
    ]
    rows["amount"] = [
        shown + (at_least if more else "")
        for shown, more in zip(
            _amounts(rows["value"], rows["unit"], lang), rows["at_least"], strict=True
        )
    ]
    rows["layer"] = rows["layer"].map(lambda i: _layer_label(i, lang))
    columns = [
        "period",
        "kind",
        "layer",
        "label",
        "amount",
        "located",
        "schematic",
        "mapped_value",
        "quote",
    ]
    return _headed(rows[columns], lang)


def gap_lines(gdf: gpd.GeoDataFrame, *, lang: str) -> list[str]:
    """One line per target: "口袋公园（2016–2020）：报告 33处，图上 0 处有位置、1 个示意"."""
    rows = compare_targets(load_targets(), gdf)
    return [gap_line(row, lang) for row in rows.itertuples()]


def _targets(gdf: gpd.GeoDataFrame, *, lang: str, engine: InsightEngine) -> None:
    st.caption(t("insight.targets.note", lang))
    st.caption(t("insight.targets.scope", lang))
    try:
        table = target_rows(gdf, lang=lang, engine=engine)
    except ProjectDataError as exc:
        st.error(str(exc))
        return
    st.dataframe(table, hide_index=True, width="stretch")


# Coverage ---------------------------------------------------------------------------------------
def _coverage(
    gdf_shown: gpd.GeoDataFrame,
    boundary: gpd.GeoDataFrame,
    *,
    lang: str,
    point: tuple[float, float] | None,
    key: str,
    engine: InsightEngine,
) -> None:
    questions = _coverage_questions(gdf_shown, boundary)
    if _coverage_wanted(gdf_shown, questions, engine=engine, lang=lang, key=key):
        distances = analysis.SERVICE_DISTANCES_M
        heading = t("insight.coverage.parks", lang, distances="/".join(map(str, distances)))
        st.markdown(f"**{heading}**")
        for line in coverage_lines(gdf_shown, boundary, lang=lang, engine=engine):
            st.write(line)
        st.caption(t("insight.coverage.sea", lang))
        _parking_near_renewal(gdf_shown, lang=lang, engine=engine, key=key)
        _fiveg_cover(gdf_shown, lang=lang, engine=engine, key=key)
    _radius(gdf_shown, lang=lang, point=point, key=key)


#: Above this many projects shown, coverage (buffers and pairs of every site: ~40 s at
#: 100,000 on this machine) is worked out when the user asks, not on every rerun.
COVERAGE_AUTO_ROWS: Final = 20_000


def _coverage_questions(
    gdf_shown: gpd.GeoDataFrame, boundary: gpd.GeoDataFrame
) -> list[tuple[str, list[gpd.GeoDataFrame]]]:
    """What the coverage tab asks the engine to remember: a name and the rows it reads."""
    layer = gdf_shown["layer"]
    land = hashlib.sha1(b"".join(boundary.geometry.to_wkb())).hexdigest()
    return [
        (f"coverage:{land}", [analysis.pocket_parks(gdf_shown)]),
        ("parking_near_renewal", [gdf_shown[layer == "renewal"], gdf_shown[layer == "parking"]]),
        ("fiveg_cover", [gdf_shown[layer == "fiveg"], gdf_shown[layer == "construction"]]),
    ]


def _coverage_wanted(
    gdf_shown: gpd.GeoDataFrame,
    questions: list[tuple[str, list[gpd.GeoDataFrame]]],
    *,
    engine: InsightEngine,
    lang: str,
    key: str,
) -> bool:
    """Whether to show coverage now: always for a few projects or answers already kept,
    else when the user clicks for it (a button, so a filter click never waits for it)."""
    if len(gdf_shown) <= COVERAGE_AUTO_ROWS:
        return True
    if all(engine.knows(name, parts) for name, parts in questions):
        return True
    st.caption(t("scale.coverage.deferred", lang, count=len(gdf_shown)))
    return st.button(t("scale.coverage.run", lang), key=f"{key}_coverage_run")


def coverage_lines(
    gdf_shown: gpd.GeoDataFrame,
    boundary: gpd.GeoDataFrame,
    *,
    lang: str,
    engine: InsightEngine | None = None,
) -> list[str]:
    """Pocket-park coverage as sentences, saying how many parks were located and left out."""
    parks = analysis.pocket_parks(gdf_shown)
    if engine is None:
        shares = analysis.coverage(parks, boundary)
    else:  # the same parks as a state seen before: their service areas are not drawn again
        name, parts = _coverage_questions(gdf_shown, boundary)[0]
        shares = engine.remember(name, parts, lambda: analysis.coverage(parks, boundary))
    excluded = int(shares["schematic_excluded"].iloc[0]) if len(shares) else len(parks)
    sites = int(shares["sites"].iloc[0]) if len(shares) else 0
    if sites == 0:
        return [t("insight.coverage.no_sites", lang), _sites_line(0, excluded, lang)]
    lines = [
        t(
            "insight.coverage.share",
            lang,
            distance=row.distance_m,
            share=f"{row.share:.1%}",
            covered=f"{row.covered_m2 / 1e6:.2f}",
            land=f"{row.land_m2 / 1e6:.2f}",
        )
        for row in shares.itertuples()
    ]
    return [*lines, _sites_line(sites, excluded, lang)]


def _sites_line(sites: int, excluded: int, lang: str) -> str:
    return t("insight.coverage.sites", lang, sites=sites, excluded=excluded)


def _parking_near_renewal(
    gdf_shown: gpd.GeoDataFrame, *, lang: str, engine: InsightEngine, key: str
) -> None:
    st.markdown(f"**{t('insight.coverage.parking', lang)}**")
    renewal = gdf_shown[gdf_shown["layer"] == "renewal"]
    parking = gdf_shown[gdf_shown["layer"] == "parking"]
    near = engine.remember(
        "parking_near_renewal",
        [renewal, parking],
        lambda: analysis.within_distance(renewal, parking, 500, figure_label="停车位"),
    )
    if not analysis.is_located(parking).any():
        st.caption(
            t("insight.coverage.parking_none", lang, excluded=near.attrs["schematic_excluded"])
        )
        return
    near = near.rename(columns={"count": "near_count", "ids": "ids"})
    table = _headed(near[["name_zh", "near_count", "figure_sum", "ids"]], lang)
    paged_dataframe(table, key=f"{key}_parking_page", lang=lang)


def _fiveg_cover(
    gdf_shown: gpd.GeoDataFrame, *, lang: str, engine: InsightEngine, key: str
) -> None:
    st.markdown(f"**{t('insight.coverage.fiveg', lang)}**")
    zones = gdf_shown[gdf_shown["layer"] == "fiveg"]
    sites = gdf_shown[gdf_shown["layer"] == "construction"]
    cover = engine.remember(
        "fiveg_cover", [zones, sites], lambda: analysis.zones_covering(zones, sites)
    ).copy()  # the kept answer is shared: label a copy
    cover["cover"] = cover["cover"].map(lambda c: t(f"insight.cover.{c}", lang))
    paged_dataframe(
        _headed(cover[["name_zh", "cover", "zone_ids"]], lang), key=f"{key}_fiveg_page", lang=lang
    )
    excluded = cover.attrs["schematic_excluded"]
    st.caption(t("insight.coverage.fiveg_sites", lang, sites=len(cover), excluded=excluded))


def _radius(
    gdf_shown: gpd.GeoDataFrame, *, lang: str, point: tuple[float, float] | None, key: str
) -> None:
    st.markdown(f"**{t('insight.radius.heading', lang)}**")
    state = st.session_state
    if f"{key}_lat" not in state:
        state[f"{key}_lat"], state[f"{key}_lon"] = map(float, point or settings.DEFAULT_CENTER)
    if point is not None and state.get(f"{key}_point") != point:
        # A new click on the map moves the centre; typed coordinates stay until the next one.
        state[f"{key}_point"] = point
        state[f"{key}_lat"], state[f"{key}_lon"] = map(float, point)
    lat_col, lon_col, radius_col = st.columns(3)
    lat = lat_col.number_input(t("insight.radius.lat", lang), format="%.5f", key=f"{key}_lat")
    lon = lon_col.number_input(t("insight.radius.lon", lang), format="%.5f", key=f"{key}_lon")
    radius = radius_col.slider(
        t("insight.radius.metres", lang), *RADIUS_CHOICES_M, value=500, step=50, key=f"{key}_r"
    )
    near = analysis.within_radius(gdf_shown, lon, lat, radius)
    st.caption(
        t(
            "insight.radius.result",
            lang,
            count=len(near),
            radius=radius,
            excluded=near.attrs["schematic_excluded"],
        )
    )
    if len(near):
        table = pd.DataFrame(near[["name_zh", "distance_m"]])
        paged_dataframe(_headed(table, lang), key=f"{key}_radius_page", lang=lang)


# Beside the map: service areas and the radius filter ----------------------------------------------
#: Radii offered for the radius filter (metres, straight line).
RADIUS_OPTIONS_M: Final = (100, 200, 300, 500, 800, 1000, 1500, 2000)
#: Session keys: the service-area switch, the radius switch and size, the radius centre.
SERVICE_ON: Final = "service_areas_on"
RADIUS_ON: Final = "radius_on"
RADIUS_SIZE: Final = "radius_m"
RADIUS_CENTRE: Final = "radius_centre"
#: A click on a project's area is also a click on the map at the same spot: within this many
#: degrees (~1 cm) the two are one click, and it selects the project.
_SAME_CLICK: Final = 1e-7
RADIUS_STYLE: Final = {"color": "#CC79A7", "weight": 2, "dashArray": "6 4", "fillOpacity": 0.04}


@dataclass(frozen=True)
class RadiusFilter:
    """Projects within ``radius_m`` (straight line) of a point clicked on the map (WGS84)."""

    lat: float
    lon: float
    radius_m: float


def current_radius() -> RadiusFilter | None:
    """The radius filter in force, readable before the map is drawn (None when off or unset)."""
    state = st.session_state
    centre = state.get(RADIUS_CENTRE)
    if not state.get(RADIUS_ON) or centre is None:
        return None
    return RadiusFilter(float(centre[0]), float(centre[1]), float(state.get(RADIUS_SIZE, 500)))


def apply_radius(gdf: gpd.GeoDataFrame, radius: RadiusFilter | None) -> gpd.GeoDataFrame:
    """The located rows of ``gdf`` within the radius, nearest first (all rows when None)."""
    if radius is None:
        return gdf
    return analysis.within_radius(gdf, radius.lon, radius.lat, radius.radius_m)


def take_map_click(result: Mapping[str, Any], *, gcj02: bool = False) -> bool:
    """A click on the map outside any project sets the radius centre (when the filter is on).

    ``result`` is what ``st_folium`` returns (``last_clicked``, ``last_object_clicked``). A
    click on a project is left to select that project: Leaflet reports a click on an area as a
    click on the map at the same spot, and a click on a marker not at all. Over Gaode tiles the
    click is on the GCJ-02 grid and is brought back to WGS84. Returns True when the centre moved.
    """
    state = st.session_state
    where = result.get("last_clicked") or {}
    try:
        lat, lon = float(where["lat"]), float(where["lng"])
    except (KeyError, TypeError, ValueError):
        return False
    if (lat, lon) == state.get("radius_click_seen") or not state.get(RADIUS_ON):
        state["radius_click_seen"] = (lat, lon)
        return False
    state["radius_click_seen"] = (lat, lon)
    feature = result.get("last_object_clicked") or {}
    on_feature = abs(feature.get("lat", 999) - lat) + abs(feature.get("lng", 999) - lon)
    if on_feature < _SAME_CLICK:
        return False
    if gcj02:  # one step of the inverse: ~1 m, as the map's own position (ui.app)
        shifted = gcj02_latlon(lat, lon)
        lat, lon = 2 * lat - shifted[0], 2 * lon - shifted[1]
    state[RADIUS_CENTRE] = (round(lat, 6), round(lon, 6))
    return True


def map_groups(
    on_map: gpd.GeoDataFrame,
    boundary: gpd.GeoDataFrame,
    *,
    lang: str = "zh",
    gcj02: bool = False,
) -> list[folium.FeatureGroup]:
    """The panel's layers for the main map: service areas and the radius circle, when on."""
    groups = []
    if st.session_state.get(SERVICE_ON):
        group = service_area_group(on_map, boundary, lang=lang, gcj02=gcj02)
        groups += [group] if group is not None else []
    radius = current_radius()
    if radius is not None:
        groups.append(radius_group(radius, lang=lang, gcj02=gcj02))
    return groups


def radius_group(
    radius: RadiusFilter, *, lang: str = "zh", gcj02: bool = False
) -> folium.FeatureGroup:
    """The radius filter's circle and centre; not clickable, so clicks reach the map."""
    lat, lon = gcj02_latlon(radius.lat, radius.lon) if gcj02 else (radius.lat, radius.lon)
    group = folium.FeatureGroup(name="radius-filter", control=False)
    folium.Circle(
        (lat, lon), radius=float(radius.radius_m), interactive=False, **RADIUS_STYLE
    ).add_to(group)
    folium.CircleMarker(
        (lat, lon), radius=4, color="#CC79A7", fill=True, fill_opacity=1, interactive=False
    ).add_to(group)
    return group


def map_tools(
    gdf_shown: gpd.GeoDataFrame,
    boundary: gpd.GeoDataFrame,
    *,
    lang: str = "zh",
) -> None:
    """Beside the map: the service-area switch with the land it covers, and the radius filter.

    ``gdf_shown`` is what the filters keep, before the radius narrows it.
    """
    st.toggle(t("insight.service.toggle", lang), key=SERVICE_ON)
    if st.session_state.get(SERVICE_ON):
        for line in coverage_lines(gdf_shown, boundary, lang=lang):
            st.caption(line)
    st.toggle(t("insight.radius.toggle", lang), key=RADIUS_ON)
    if not st.session_state.get(RADIUS_ON):
        return
    st.selectbox(
        t("insight.radius.metres", lang),
        RADIUS_OPTIONS_M,
        index=RADIUS_OPTIONS_M.index(500),
        key=RADIUS_SIZE,
    )
    radius = current_radius()
    if radius is None:
        st.caption(t("insight.radius.click", lang))
        return
    near = apply_radius(gdf_shown, radius)
    st.caption(
        t(
            "insight.radius.filtering",
            lang,
            count=len(near),
            radius=int(radius.radius_m),
            lat=f"{radius.lat:.5f}",
            lon=f"{radius.lon:.5f}",
            excluded=near.attrs["schematic_excluded"],
        )
    )
    if len(near):
        names = near["name_en"] if lang == "en" else near["name_zh"]
        table = pd.DataFrame({"name_zh": names, "distance_m": near["distance_m"]})
        st.dataframe(_headed(table, lang), hide_index=True, height=min(35 * len(near) + 38, 220))
    st.button(
        t("insight.radius.clear", lang),
        icon=":material/close:",
        on_click=st.session_state.update,
        kwargs={RADIUS_CENTRE: None},
        key="radius_clear",
    )


def service_area_group(
    gdf_shown: gpd.GeoDataFrame,
    boundary: gpd.GeoDataFrame,
    *,
    lang: str = "zh",
    distances: Iterable[float] = analysis.SERVICE_DISTANCES_M,
    gcj02: bool = False,
) -> folium.FeatureGroup | None:
    """Pocket-park service areas (straight line, on land) as a folium layer; None without parks.

    For ``st_folium(..., feature_group_to_add=[...])``; the tooltip says the distance is a
    straight line, not a walk along streets.
    """
    areas = analysis.service_areas(
        analysis.pocket_parks(gdf_shown), distances, land=analysis.land_area(boundary)
    )
    areas = areas[~areas.geometry.is_empty]
    if areas.empty:
        return None
    areas = areas.assign(
        label=[
            escape_html(t("insight.service.tooltip", lang, distance=int(d)))
            for d in areas["distance_m"]
        ]
    ).to_crs(settings.STORAGE_CRS)
    if gcj02:
        areas = to_gcj02(areas)
    group = folium.FeatureGroup(name=escape_html(t("insight.service.layer", lang)), show=True)
    folium.GeoJson(
        areas[["distance_m", "label", "geometry"]].iloc[::-1],
        style_function=lambda _feature: dict(SERVICE_STYLE),
        tooltip=folium.GeoJsonTooltip(fields=["label"], labels=False),
    ).add_to(group)
    return group
