"""The view in the session: seeded from the URL, set by the sidebar, written back to the URL.

Widget keys hold the filters. The map's position is kept apart: ``map_target`` is where the app
last *sent* the map (a scene, a search, a link) and is passed to st_folium unchanged on every
rerun, so the map never jumps back while the user pans; ``map_seen`` is where the user has the
map now, used for links and for saving scenes.
"""

from __future__ import annotations

from dataclasses import replace

import geopandas as gpd
import streamlit as st

from geo import settings
from geo.filter import project_years
from geo.scenes import Scene
from geo.schema import LAYER_IDS, STATUSES
from geo.view import LANGUAGES, ViewState, from_query, to_query
from layers import LAYERS, STATUS_STYLES

MODE_LABELS = {
    "all": "当前状态 Current status",
    "period": "时期 Period",
    "as_of": "截至某年 As of year",
}
#: Whole-district framing, for scenes that give no extent.
DISTRICT_VIEW = (settings.DEFAULT_CENTER, float(settings.DEFAULT_ZOOM))


def status_label(status: str) -> str:
    style = STATUS_STYLES[status]
    return f"{style.label_zh} {style.label_en}"


def seed_from_url(scenes: list[Scene]) -> ViewState:
    """On a session's first run, put the URL's view into the widgets; return it once parsed.

    A link naming a scene starts from that scene's view; its other parameters override it.
    """
    if "url_view" in st.session_state:
        return st.session_state["url_view"]
    params = dict(st.query_params)
    by_id = {scene.id: scene for scene in scenes}
    view = from_query(params, scene_ids=tuple(by_id))
    if view.scene in by_id:
        scene_view = replace(by_id[view.scene].view, scene=view.scene)
        view = replace(
            from_query(params, scene_ids=tuple(by_id), base=scene_view), notices=view.notices
        )
    apply_view(view)
    st.session_state["url_view"] = view
    return view


def apply_view(view: ViewState, *, move_map: bool = True) -> None:
    """Set every widget to ``view`` (call before the widgets are drawn, or from a callback)."""
    for layer_id in LAYER_IDS:
        st.session_state[f"layer_{layer_id}"] = layer_id in view.layers
    st.session_state["statuses"] = list(view.statuses)
    st.session_state["mode"] = view.mode
    st.session_state["years"] = tuple(view.years)
    st.session_state["as_of"] = view.as_of
    st.session_state["basemap"] = view.basemap
    st.session_state["presenter"] = view.presenter
    st.session_state["lang"] = view.lang
    st.session_state["scene"] = view.scene
    if move_map:
        center, zoom = (view.center, view.zoom) if view.center else DISTRICT_VIEW
        send_map_to(center, zoom)


def send_map_to(center: tuple[float, float], zoom: float) -> None:
    """Move the map once. A tiny per-move offset makes a repeated move to the same place count."""
    seq = st.session_state.get("map_seq", 0) + 1
    st.session_state["map_seq"] = seq
    st.session_state["map_target"] = ((center[0] + seq * 1e-9, center[1]), zoom)


def sidebar(gdf: gpd.GeoDataFrame) -> ViewState:
    """Draw the filter controls and return the view they describe."""
    st.sidebar.header("图层 Layers")
    totals = gdf["layer"].value_counts()
    layers = tuple(
        layer_id
        for layer_id, spec in LAYERS.items()
        if st.sidebar.checkbox(
            f"{spec.label_zh} · {spec.label_en} ({int(totals.get(layer_id, 0))})",
            key=f"layer_{layer_id}",
            help=f"{spec.description_zh}\n\n{spec.description_en}",
        )
    )
    st.sidebar.header("状态 Status")
    statuses = st.sidebar.pills(
        "显示状态 Show statuses",
        options=list(STATUSES),
        selection_mode="multi",
        format_func=status_label,
        key="statuses",
    )
    mode, years, as_of = _year_controls(gdf)
    basemap = _basemap_control()
    st.sidebar.radio(
        "场景语言 Scene language",
        options=list(LANGUAGES),
        format_func={"both": "中英 Both", "zh": "中文", "en": "English"}.__getitem__,
        key="lang",
        horizontal=True,
    )
    return ViewState(
        layers=layers,
        statuses=tuple(s for s in STATUSES if s in statuses),
        mode=mode,
        years=years,
        as_of=as_of,
        basemap=basemap,
        scene=st.session_state.get("scene"),
        presenter=bool(st.session_state.get("presenter")),
        lang=st.session_state.get("lang", "both"),
    )


def _year_controls(gdf: gpd.GeoDataFrame) -> tuple[str, tuple[int, int], int]:
    st.sidebar.header("年份 Years")
    first, last = project_years(gdf)
    _clamp_years(first, last)
    mode = st.sidebar.radio(
        "时间视图 Time view",
        options=list(MODE_LABELS),
        format_func=MODE_LABELS.__getitem__,
        key="mode",
        help=(
            "当前状态：报告发布时（2021年1月）的状态。时期：在所选年份内有进展的项目。"
            "截至某年：每个项目在该年的状态；2021年为报告提出的目标。\n\n"
            "Current: status when the report was given (Jan 2021). Period: projects with a "
            "milestone in the years. As of: each project's status that year; 2021 shows the "
            "report's targets."
        ),
    )
    years = st.session_state.get("years", (first, last))
    as_of = st.session_state.get("as_of", last)
    if mode == "period":
        years = st.sidebar.slider("年份范围 Year range", first, last, key="years")
    elif mode == "as_of" and not st.session_state.get("playing"):
        as_of = st.sidebar.slider("截至年份 As of year", first, last, key="as_of")
    if mode == "as_of" and as_of >= 2021:
        st.sidebar.caption("2021年为报告提出的计划目标，非已完成事实。2021 = planned targets.")
    return mode, (int(years[0]), int(years[1])), int(as_of)


def _clamp_years(first: int, last: int) -> None:
    """Keep the year widgets inside the data's years (a link or scene may ask for others)."""
    low, high = st.session_state.get("years", (first, last))
    low, high = min(max(low, first), last), min(max(high, first), last)
    st.session_state["years"] = (min(low, high), max(low, high))
    st.session_state["as_of"] = min(max(st.session_state.get("as_of", last), first), last)


def _basemap_control() -> str:
    st.sidebar.header("底图 Basemap")
    basemaps = settings.available_basemaps()
    if st.session_state.get("basemap") not in basemaps:
        st.session_state["basemap"] = settings.default_basemap()
    return st.sidebar.selectbox(
        "底图 Basemap",
        options=list(basemaps),
        format_func=lambda b: f"{basemaps[b].label_zh} · {basemaps[b].label_en}",
        key="basemap",
        help=(
            "离线时底图瓦片可能缺失，区界和项目图层始终显示。设置 TIANDITU_KEY 启用天地图。\n\n"
            "Offline, tiles may be missing; the boundary and layers always show. "
            "Set TIANDITU_KEY to enable Tianditu."
        ),
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
