"""The Streamlit page: URL and scenes, sidebar filters, counts, the map and the project detail."""

from __future__ import annotations

import math
from dataclasses import replace

import geopandas as gpd
import streamlit as st
from streamlit_folium import st_folium

from geo import settings
from geo.coords import add_measures, gcj02_latlon
from geo.errors import ProjectDataError
from geo.filter import apply_filter, project_years
from geo.html import escape_html
from geo.load import load_boundary, load_projects
from geo.scenes import Scene, load_scenes, scenes_path
from geo.text import escape_markdown
from geo.view import ViewState
from geo.webmap import (
    base_map,
    basemap_group,
    boundary_group,
    layer_groups,
    selection_group,
    stable_names,
)
from i18n import t
from ui.assets import missing_vendor_files, use_local_assets
from ui.data_panel import data_panel
from ui.export_panel import export_panel
from ui.panels import about_html, counts_html, detail_html
from ui.scenes import EXIT_LABEL, caption_html, playback_controls, save_scene_form, scene_bar
from ui.state import seed_from_url, send_map_to, sidebar, sync_url, with_map_position

MAP_KEY = "map"
MAP_HEIGHT = 680
PRESENTER_MAP_HEIGHT = 740

# Presenter mode: no sidebar, header or toolbar; the map takes the width of the screen.
_PRESENTER_CSS = """
<style>
section[data-testid="stSidebar"], header[data-testid="stHeader"],
div[data-testid="stToolbar"], div[data-testid="stSidebarCollapsedControl"] {display: none;}
.block-container, div[data-testid="stMainBlockContainer"] {
  padding-top: 0.6rem; padding-bottom: 0; max-width: 100%;}
</style>
"""


@st.cache_data(show_spinner=False)
def cached_projects(path: str, mtime_ns: int) -> gpd.GeoDataFrame:
    """The projects file, loaded once per version of the file (``mtime_ns`` is the key)."""
    return add_measures(load_projects(path))


@st.cache_data(show_spinner=False)
def cached_boundary(path: str, mtime_ns: int) -> gpd.GeoDataFrame:
    return load_boundary(path)


@st.cache_data(show_spinner=False)
def cached_scenes(path: str, mtime_ns: int) -> list[Scene]:
    return load_scenes(path)


def _mtime(path) -> int:
    try:
        return path.stat().st_mtime_ns
    except OSError:
        return 0


def main() -> None:
    st.set_page_config(page_title="市南区项目地图 Shinan Project Map", page_icon="🗺️", layout="wide")
    use_local_assets()
    missing = missing_vendor_files()
    if missing:
        st.error(
            "地图脚本缺失 The map's script files are missing from static/vendor/: "
            f"{', '.join(missing)}. Restore them from the repository (git checkout static)."
        )
    for problem in settings.settings_problems():
        st.warning(escape_markdown(problem))
    path = settings.data_path()
    try:
        gdf = cached_projects(str(path), _mtime(path))
    except ProjectDataError as exc:
        count = len(exc.problems)
        st.error(f"项目数据无法加载 The project data cannot be loaded: {count} problem(s)")
        st.code("\n".join(str(p) for p in exc.problems), language=None)
        st.info(
            f"修正文件后刷新页面。Fix the file, then reload. File: {escape_markdown(exc.source)}"
        )
        st.stop()
    boundary = cached_boundary(str(settings.BOUNDARY_PATH), _mtime(settings.BOUNDARY_PATH))
    scenes = _scenes()
    url_view = seed_from_url(scenes)

    st.sidebar.toggle("演示模式 Presenter mode", key="presenter")
    view = sidebar(gdf)
    st.sidebar.html(about_html(gdf))
    if view.presenter:
        st.html(_PRESENTER_CSS)
    else:
        st.markdown("#### 市南区重点项目与城市更新地图 · Shinan District Project Map")
    _notices(url_view)

    widths = [1.1, 2.6, 1.1, 1.2, 0.9, 0.9] + ([0.9] if view.presenter else [])
    columns = st.columns(widths, vertical_alignment="bottom")
    scene = scene_bar(scenes, view, columns[:3])
    play_year = playback_controls(*project_years(gdf), columns[3:6])
    if view.presenter:
        columns[6].button(EXIT_LABEL, on_click=_exit_presenter, use_container_width=True)
    if scene is not None:
        st.html(caption_html(scene, view))
    if play_year is not None:
        view = _playback_view(view, play_year)
    shown = apply_filter(gdf, view.project_filter)
    st.html(counts_html(gdf, shown, view.layers))
    if not view.presenter:
        _search(gdf)

    if view.presenter:
        _draw_map(gdf, shown, boundary, view)
        _detail(gdf, shown, st.session_state.get("selected_id"), expander=True)
    else:
        map_col, detail_col = st.columns([3, 1.15])
        with map_col:
            _draw_map(gdf, shown, boundary, view)
        with detail_col:
            _detail(gdf, shown, st.session_state.get("selected_id"))
        export_panel(shown, boundary, view=view, extent=st.session_state.get("map_extent"))
        save_scene_form(scenes, with_map_position(view))
        data_panel(st.session_state.get("selected_id"))
    sync_url(with_map_position(view))


def _scenes() -> list[Scene]:
    path = scenes_path()
    try:
        return cached_scenes(str(path), _mtime(path))
    except ProjectDataError as exc:
        st.warning(t("admin.scenes_ignored", "both", problem=escape_markdown(str(exc))))
        return []


def _exit_presenter() -> None:
    st.session_state["presenter"] = False


def _notices(view: ViewState) -> None:
    """Say which link parameters were ignored, until the user dismisses it."""
    if not view.notices or st.session_state.get("notices_dismissed"):
        return
    items = "".join(f"<li>{escape_html(n)}</li>" for n in view.notices)
    st.html(
        '<div data-testid="url-notice" style="background:#fff4e5;border-left:4px solid #E69F00;'
        'padding:6px 12px;border-radius:4px">链接中有无法使用的参数，已忽略。'
        f"Some link parameters could not be used and were ignored:<ul>{items}</ul></div>"
    )
    st.button(
        "知道了 Dismiss", on_click=st.session_state.update, kwargs={"notices_dismissed": True}
    )


def _playback_view(view: ViewState, year: int) -> ViewState:
    st.html(
        '<div data-testid="play-year" style="font-size:2.4rem;font-weight:700;'
        f'line-height:1">{year}年</div>'
    )
    if st.session_state.get("play_cumulative", True):
        return replace(view, mode="as_of", as_of=year)
    return replace(view, mode="period", years=(year, year))


def _search(gdf: gpd.GeoDataFrame) -> None:
    """The project search box: choosing a project selects it and frames it on the map."""
    names = dict(zip(gdf["id"], gdf["name_zh"] + " · " + gdf["name_en"], strict=True))
    st.selectbox(
        "搜索项目 Find a project",
        options=list(names),
        index=None,
        format_func=names.__getitem__,
        placeholder="输入名称… Type a name…",
        key="search",
        on_change=_zoom_to_search,
        args=(gdf,),
    )


def _zoom_to_search(gdf: gpd.GeoDataFrame) -> None:
    chosen = st.session_state.get("search")
    if chosen is None:
        return
    st.session_state["selected_id"] = chosen
    xmin, ymin, xmax, ymax = gdf.loc[gdf["id"] == chosen].total_bounds
    send_map_to(((ymin + ymax) / 2, (xmin + xmax) / 2), zoom_for_extent(xmax - xmin, ymax - ymin))


def zoom_for_extent(width_deg: float, height_deg: float, *, pixels: int = 500) -> int:
    """The web-map zoom at which an extent of this size fits in about ``pixels``."""
    span = max(width_deg, height_deg * 1.25, 1e-4)
    zoom = math.log2(360 * pixels / (256 * span))
    return int(max(12, min(18, math.floor(zoom))))


def _draw_map(gdf, shown, boundary, view: ViewState) -> None:
    """Draw the map and take in what the user did on it (a click, a pan)."""
    basemap = settings.available_basemaps().get(view.basemap, settings.BASEMAPS["none"])
    groups = stable_names(
        [
            basemap_group(basemap.id),
            boundary_group(boundary, gcj02=basemap.gcj02),
            *layer_groups(shown, layers=view.layers, gcj02=basemap.gcj02),
            selection_group(gdf, st.session_state.get("selected_id"), gcj02=basemap.gcj02),
        ]
    )
    center, zoom = st.session_state.get("map_target") or (None, None)
    if basemap.gcj02 and center is not None:
        center = gcj02_latlon(*center)
    # In presenter mode pans and zooms do not rerun the app; elsewhere they keep the link
    # in the address bar up to date.
    returned = ["last_active_drawing"] if view.presenter else ["last_active_drawing", "bounds"]
    result = st_folium(
        base_map(presenter=view.presenter),
        key=MAP_KEY,
        height=PRESENTER_MAP_HEIGHT if view.presenter else MAP_HEIGHT,
        use_container_width=True,
        feature_group_to_add=groups,
        returned_objects=returned + (["zoom"] if not view.presenter else []),
        center=center,
        zoom=zoom,
    )
    result = result or {}
    _remember_position(result, gcj02=basemap.gcj02)
    feature = result.get("last_active_drawing") or {}
    clicked = (feature.get("properties") or {}).get("id")
    if clicked and clicked != st.session_state.get("clicked_id"):
        st.session_state["clicked_id"] = clicked
        st.session_state["selected_id"] = clicked


def _remember_position(result: dict, *, gcj02: bool) -> None:
    bounds, zoom = result.get("bounds"), result.get("zoom")
    try:
        south, west = bounds["_southWest"]["lat"], bounds["_southWest"]["lng"]
        north, east = bounds["_northEast"]["lat"], bounds["_northEast"]["lng"]
        lat, lon = (south + north) / 2, (west + east) / 2
        zoom = float(zoom)
    except (KeyError, TypeError, ValueError):
        return
    if not all(map(math.isfinite, (lat, lon, zoom))):
        return
    if gcj02:  # the map is on the GCJ-02 grid: bring it back to WGS84 (error ~1 m)
        shifted_lat, shifted_lon = gcj02_latlon(lat, lon)
        dlat, dlon = shifted_lat - lat, shifted_lon - lon
        lat, lon, south, north, west, east = (
            lat - dlat, lon - dlon, south - dlat, north - dlat, west - dlon, east - dlon
        )  # fmt: skip
    st.session_state["map_seen"] = ((lat, lon), zoom)
    # What the user sees is what an exported snapshot frames.
    st.session_state["map_extent"] = (west, south, east, north)


def _detail(
    gdf: gpd.GeoDataFrame, shown: gpd.GeoDataFrame, selected_id: str | None, *, expander=False
) -> None:
    if not selected_id or selected_id not in set(gdf["id"]):
        if not expander:
            st.caption("点击项目或搜索名称查看详情。Click a project or search to see details.")
        return
    row = gdf.loc[gdf["id"] == selected_id].iloc[0]
    in_view = shown.loc[shown["id"] == selected_id]
    shown_status = in_view["status"].iloc[0] if len(in_view) else None
    label = escape_markdown(f"{row['name_zh']} · {row['name_en']}")
    container = st.expander(label) if expander else st.container()
    with container:
        st.html(detail_html(row.to_dict(), shown_status=shown_status))
        if not len(in_view):
            st.caption("当前筛选未显示此项目。This project is hidden by the current filters.")
