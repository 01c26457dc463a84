"""The view in the session: seeded from the URL, set by the sidebar, written back to the URL.

Widget keys hold the filters. The map's position is kept apart: ``map_target`` is where the app
last *sent* the map (a scene, a search, a link) and is passed to st_folium unchanged on every
rerun, so the map never jumps back while the user pans; ``map_seen`` is where the user has the
map now, used for links and for saving scenes.

The widgets' values live in Streamlit's widget state, on the server and in the browser. A
race of reruns in a new session's first runs (a click while the map's first report reruns the
app, on a slow, cold server) once left every filter at its widget default -- no layer, no
status, the first basemap, Chinese -- while the link's seed (``url_view``) stayed, so it was
never sown again. The basemap "light" (the list's first entry; the server's default was
"none") says it came from the browser: a browser drawing a widget it holds no value for takes
the default in the widget's message, and sends that back as the user's choice. So every view
widget is drawn with its current value as its default, and ``view_kept``, the view the page
last showed, in a key that is no widget's, puts back any view widget value the server dropped
(:func:`restore_widgets`) at the start of each run.
"""

from __future__ import annotations

import math
import weakref
from collections.abc import Callable, Iterable
from dataclasses import replace
from typing import Any

import geopandas as gpd
import streamlit as st

from geo import settings
from geo.filter import PLACEMENTS_OFF_MAP, project_years
from geo.scenes import Scene
from geo.schema import LAYER_IDS, STATUSES
from geo.timeline import time_steps
from geo.view import LANGUAGES, Notice, ViewState, from_query, to_query
from i18n import DEFAULT_LANG, t
from layers import LAYERS

MODES = ("all", "as_of", "period")
#: Whole-district framing, for scenes that give no extent.
DISTRICT_VIEW = (settings.DEFAULT_CENTER, float(settings.DEFAULT_ZOOM))
#: The view the page last showed (or was sent to), kept apart from the widgets' own state.
KEPT_KEY = "view_kept"
#: The keys of the widgets that hold the view (:func:`widget_values`).
VIEW_WIDGETS = (
    *(f"layer_{layer_id}" for layer_id in LAYER_IDS),
    *("statuses", "mode", "years", "as_of", "basemap", "presenter", "lang"),
)


def current_lang() -> str:
    """The interface language: the widget's, else the link's, else Chinese."""
    lang = st.session_state.get("lang") or st.query_params.get("lang") or DEFAULT_LANG
    return lang if lang in LANGUAGES else DEFAULT_LANG


def steps_of(gdf: gpd.GeoDataFrame) -> list[int]:
    """The years an "as of" view can honestly stand on (ends of milestones), e.g. 2020, 2021."""
    steps = _per_frame(gdf, "steps", lambda: time_steps(gdf["milestones"]) or [settings.LAST_YEAR])
    return list(steps)


def years_of(gdf: gpd.GeoDataFrame) -> tuple[int, int]:
    """The first and last year any milestone covers (:func:`geo.filter.project_years`)."""
    return _per_frame(gdf, "years", lambda: project_years(gdf))


#: Values derived from a frame, by ``id`` of the frame, while the frame lives.
_DERIVED: dict[int, tuple[weakref.ref, dict[str, Any]]] = {}


def _per_frame(gdf: gpd.GeoDataFrame, name: str, compute: Callable[[], Any]) -> Any:
    """``compute()`` once per frame object. The app's frame is one object per data version
    (``st.cache_resource``) and never changed in place, so its years are read from every
    milestone once, not on every rerun (~1 s at 100,000 projects)."""
    ref, values = _DERIVED.get(id(gdf), (None, None))
    if ref is None or ref() is not gdf:
        key = id(gdf)
        ref, values = weakref.ref(gdf, lambda _: _DERIVED.pop(key, None)), {}
        _DERIVED[key] = (ref, values)
    if name not in values:
        values[name] = compute()
    return values[name]


def seed_from_url(scenes: list[Scene], gdf: gpd.GeoDataFrame) -> ViewState:
    """On a session's first run, put the URL's view into the widgets; return it once parsed.

    A link naming a scene starts from that scene's view; its other parameters override it.
    A link naming a project selects and frames it.
    """
    if "url_view" in st.session_state:
        restore_widgets()
        return st.session_state["url_view"]
    params = dict(st.query_params)
    by_id = {scene.id: scene for scene in scenes}
    ids = tuple(gdf["id"])
    view = from_query(params, scene_ids=tuple(by_id), project_ids=ids)
    if view.scene in by_id:
        scene_view = replace(by_id[view.scene].view, scene=view.scene)
        view = replace(
            from_query(params, scene_ids=tuple(by_id), base=scene_view, project_ids=ids),
            notices=view.notices,
        )
    view = honest_year(view, steps_of(gdf))
    apply_view(view)
    if view.project:
        frame_project(gdf, view.project, move_map="lat" not in params)
    st.session_state["url_view"] = view
    return view


def honest_year(view: ViewState, steps: list[int]) -> ViewState:
    """An "as of" year the report cannot speak for moves to the next year it can, with a notice.

    The report gives 2016–2020 as one period: "as of 2018" would claim a fact it does not hold.
    """
    if view.mode != "as_of" or view.as_of in steps:
        return view
    later = [s for s in steps if s >= view.as_of] or steps[-1:]
    notice = Notice("notice.year_grain", (("value", str(view.as_of)), ("step", str(later[0]))))
    return replace(view, as_of=later[0], notices=(*view.notices, notice))


def widget_values(view: ViewState) -> dict[str, Any]:
    """The value of each view widget (by its key) that shows ``view``."""
    values: dict[str, Any] = {f"layer_{lid}": lid in view.layers for lid in LAYER_IDS}
    values.update(
        statuses=list(view.statuses),
        mode=view.mode,
        years=tuple(view.years),
        as_of=view.as_of,
        basemap=view.basemap,
        presenter=view.presenter,
        lang=view.lang,
    )
    return values


def restore_widgets() -> list[str]:
    """Put back every view widget value the session lost since the last run; return their keys.

    Streamlit drops a widget's value when a run ends without drawing it; in a race of reruns
    it dropped them all while the page still showed them. A value the user or a callback set
    is never touched: only missing keys are filled, from the view the page last showed.
    """
    kept = st.session_state.get(KEPT_KEY)
    if kept is None:
        return []
    missing = {k: v for k, v in widget_values(kept).items() if k not in st.session_state}
    for key, value in missing.items():
        st.session_state[key] = value
    return list(missing)


def apply_view(view: ViewState, *, move_map: bool = True) -> None:
    """Set every widget to ``view`` (call before the widgets are drawn, or from a callback)."""
    for key, value in widget_values(view).items():
        st.session_state[key] = value
    st.session_state["scene"] = view.scene
    st.session_state[KEPT_KEY] = view
    if move_map:
        center, zoom = (view.center, view.zoom) if view.center else DISTRICT_VIEW
        send_map_to(center, zoom)


def send_map_to(center: tuple[float, float], zoom: float) -> None:
    """Move the map once. A tiny per-move offset makes a repeated move to the same place count."""
    seq = st.session_state.get("map_seq", 0) + 1
    st.session_state["map_seq"] = seq
    st.session_state["map_target"] = ((center[0] + seq * 1e-9, center[1]), zoom)


def zoom_for_extent(width_deg: float, height_deg: float, *, pixels: int = 500) -> int:
    """The web-map zoom at which an extent of this size fits in about ``pixels``."""
    span = max(width_deg, height_deg * 1.25, 1e-4)
    zoom = math.log2(360 * pixels / (256 * span))
    # 17 at most: a one-building project still shows its street (and streamlit-folium 0.27
    # did not apply a zoom of 18 sent on the first draw, measured in Chromium).
    return int(max(12, min(17, math.floor(zoom))))


def frame_project(gdf: gpd.GeoDataFrame, project_id: str, *, move_map: bool = True) -> None:
    """Select a project and (unless told not to) move the map to it."""
    part = gdf.loc[gdf["id"] == project_id]
    if not len(part):
        return
    st.session_state["selected_id"] = project_id
    off_map = "map_placement" in part and part["map_placement"].isin(PLACEMENTS_OFF_MAP).any()
    if off_map:  # a district total or an unlocated project: its point is not a site
        return
    if move_map and part.geometry.notna().all() and not part.geometry.is_empty.any():
        xmin, ymin, xmax, ymax = part.total_bounds
        send_map_to(
            ((ymin + ymax) / 2, (xmin + xmax) / 2), zoom_for_extent(xmax - xmin, ymax - ymin)
        )


def sidebar(gdf: gpd.GeoDataFrame) -> ViewState:
    """Draw the filter controls and return the view they describe.

    Each widget's default is its value now: a browser that draws a widget without holding its
    value (its widget state cleared in a race of reruns) shows and sends back the page's view,
    not the widget's own default.
    """
    lang = current_lang()
    side = st.sidebar
    now = _values_now()
    side.radio(
        t("lang.label", lang),
        options=list(LANGUAGES),
        index=_index_of(LANGUAGES, now.get("lang")),
        format_func=lambda code: t(f"lang.{code}", lang),
        key="lang",
        horizontal=True,
    )
    lang = current_lang()
    side.toggle(
        t("presenter.toggle", lang),
        value=bool(now.get("presenter")),
        key="presenter",
        help=t("presenter.help", lang),
    )
    side.subheader(t("filters.layers", lang))
    totals = gdf["layer"].value_counts()
    layers = tuple(
        layer_id
        for layer_id in LAYERS
        if side.checkbox(
            f"{t('layer.' + layer_id, lang)} ({int(totals.get(layer_id, 0))})",
            value=bool(now.get(f"layer_{layer_id}")),
            key=f"layer_{layer_id}",
            help=t(f"layer.{layer_id}.help", lang),
        )
    )
    statuses = side.pills(
        t("filters.statuses", lang),
        options=list(STATUSES),
        selection_mode="multi",
        default=[s for s in now.get("statuses") or () if s in STATUSES],
        format_func=lambda s: t(f"status.{s}", lang),
        key="statuses",
    )
    mode, years, as_of = _year_controls(gdf, lang, now)
    basemap = _basemap_control(lang)
    view = ViewState(
        layers=layers,
        statuses=tuple(s for s in STATUSES if s in (statuses or ())),
        mode=mode,
        years=years,
        as_of=as_of,
        basemap=basemap,
        scene=st.session_state.get("scene"),
        presenter=bool(st.session_state.get("presenter")),
        lang=lang,
    )
    st.session_state[KEPT_KEY] = view
    return view


def _values_now() -> dict[str, Any]:
    """Each view widget's value before it is drawn: the session's (the browser's, a callback's,
    or one put back by :func:`restore_widgets`), else the kept view's."""
    kept = st.session_state.get(KEPT_KEY)
    values = widget_values(kept) if kept is not None else {}
    values.update({key: st.session_state[key] for key in VIEW_WIDGETS if key in st.session_state})
    return values


def _index_of(options: Iterable[str], value: Any) -> int:
    """The position of ``value`` in ``options``, else the first (the widget's own default)."""
    options = list(options)
    return options.index(value) if value in options else 0


def _year_controls(
    gdf: gpd.GeoDataFrame, lang: str, now: dict[str, Any]
) -> tuple[str, tuple[int, int], int]:
    side = st.sidebar
    side.subheader(t("filters.time", lang))
    first, last = years_of(gdf)
    steps = steps_of(gdf)
    _clamp_years(first, last, steps)
    mode = side.radio(
        t("time.mode", lang),
        options=list(MODES),
        index=_index_of(MODES, now.get("mode")),
        format_func=lambda m: t(f"time.mode.{m}", lang),
        key="mode",
        help="\n\n".join(t(k, lang) for k in ("time.help", "play.help", "play.cumulative.help")),
    )
    years = st.session_state.get("years", (first, last))
    as_of = st.session_state.get("as_of", last)
    if mode == "period":
        years = side.slider(t("time.years", lang), first, last, value=tuple(years), key="years")
        side.caption(t("time.period_caption", lang))
    elif mode == "as_of" and not st.session_state.get("playing"):
        as_of = side.select_slider(
            t("time.as_of", lang),
            options=steps,
            value=as_of if as_of in steps else None,
            format_func=lambda y: (
                t("time.step", lang, year=y)
                if y < settings.LAST_YEAR
                else t("time.target_year", lang, year=y)
            ),
            key="as_of",
        )
    if mode == "as_of" and as_of >= settings.LAST_YEAR:
        side.caption(t("time.target_caption", lang))
    return mode, (int(years[0]), int(years[1])), int(as_of)


def _clamp_years(first: int, last: int, steps: list[int]) -> None:
    """Keep the year widgets inside the data's years (a link or scene may ask for others)."""
    low, high = st.session_state.get("years", (first, last))
    low, high = min(max(low, first), last), min(max(high, first), last)
    st.session_state["years"] = (min(low, high), max(low, high))
    as_of = st.session_state.get("as_of", last)
    if as_of not in steps:
        later = [s for s in steps if s >= as_of] or steps[-1:]
        st.session_state["as_of"] = later[0]


def _basemap_control(lang: str) -> str:
    basemaps = settings.available_basemaps()
    if st.session_state.get("basemap") not in basemaps:
        st.session_state["basemap"] = settings.default_basemap()
    return st.sidebar.selectbox(
        t("basemap.label", lang),
        options=list(basemaps),
        index=_index_of(basemaps, st.session_state["basemap"]),
        format_func=lambda b: t(f"basemap.{b}", lang),
        key="basemap",
        help=t("basemap.help", lang),
    )


def with_map_position(view: ViewState) -> ViewState:
    """The view with the map's current position (as the browser last reported it)."""
    seen = st.session_state.get("map_seen") or st.session_state.get("map_target")
    if not seen:
        return view
    (lat, lon), zoom = seen
    return replace(view, center=(round(lat, 5), round(lon, 5)), zoom=round(float(zoom), 2))


def sync_url(view: ViewState) -> None:
    """Write the view into the address bar, so the link reproduces it."""
    wanted = to_query(view)
    if dict(st.query_params) != wanted:
        st.query_params.from_dict(wanted)
