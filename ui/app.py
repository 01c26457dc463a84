"""The Streamlit page: sidebar filters, counts, the map and the project detail."""

from __future__ import annotations

import math

import geopandas as gpd
import streamlit as st
from streamlit_folium import st_folium

from geo import settings
from geo.coords import add_measures, gcj02_latlon
from geo.errors import ProjectDataError
from geo.filter import apply_filter
from geo.load import load_boundary, load_projects
from geo.webmap import base_map, basemap_group, boundary_group, layer_groups, selection_group
from ui.assets import use_local_assets
from ui.panels import about_html, counts_html, detail_html
from ui.state import ViewState, sidebar

MAP_KEY = "map"
MAP_HEIGHT = 680


@st.cache_data(show_spinner=False)
def cached_projects(path: str, mtime_ns: int) -> gpd.GeoDataFrame:
    """The projects file, loaded once per version of the file (``mtime_ns`` is the key)."""
    return add_measures(load_projects(path))


@st.cache_data(show_spinner=False)
def cached_boundary(path: str, mtime_ns: int) -> gpd.GeoDataFrame:
    return load_boundary(path)


def _mtime(path) -> int:
    try:
        return path.stat().st_mtime_ns
    except OSError:
        return 0


def main() -> None:
    st.set_page_config(page_title="市南区项目地图 Shinan Project Map", page_icon="🗺️", layout="wide")
    use_local_assets()
    path = settings.data_path()
    try:
        gdf = cached_projects(str(path), _mtime(path))
    except ProjectDataError as exc:
        count = len(exc.problems)
        st.error(f"项目数据无法加载 The project data cannot be loaded: {count} problem(s)")
        st.code("\n".join(str(p) for p in exc.problems), language=None)
        st.info(f"修正文件后刷新页面。Fix the file, then reload. File: {exc.source}")
        st.stop()
    boundary = cached_boundary(str(settings.BOUNDARY_PATH), _mtime(settings.BOUNDARY_PATH))

    view = sidebar(gdf)
    st.sidebar.html(about_html(gdf))
    shown = apply_filter(gdf, view.project_filter)

    st.markdown("#### 市南区重点项目与城市更新地图 · Shinan District Project Map")
    st.html(counts_html(gdf, shown, view.layers))
    selected_id, center, zoom = _search(gdf)
    map_col, detail_col = st.columns([3, 1.15])
    with map_col:
        clicked = _draw_map(gdf, shown, boundary, view, selected_id, center, zoom)
    if clicked:
        selected_id = clicked
    with detail_col:
        _detail(gdf, shown, selected_id)


def _search(gdf: gpd.GeoDataFrame) -> tuple[str | None, tuple[float, float] | None, int | None]:
    """The project search box: the chosen project, and the view that frames it."""
    names = dict(zip(gdf["id"], gdf["name_zh"] + " · " + gdf["name_en"], strict=True))
    chosen = st.selectbox(
        "搜索项目 Find a project",
        options=list(names),
        index=None,
        format_func=names.__getitem__,
        placeholder="输入名称… Type a name…",
        key="search",
    )
    if chosen is None:
        return st.session_state.get("clicked_id"), None, None
    xmin, ymin, xmax, ymax = gdf.loc[gdf["id"] == chosen].total_bounds
    center = ((ymin + ymax) / 2, (xmin + xmax) / 2)
    return chosen, center, zoom_for_extent(xmax - xmin, ymax - ymin)


def zoom_for_extent(width_deg: float, height_deg: float, *, pixels: int = 500) -> int:
    """The web-map zoom at which an extent of this size fits in about ``pixels``."""
    span = max(width_deg, height_deg * 1.25, 1e-4)
    zoom = math.log2(360 * pixels / (256 * span))
    return int(max(12, min(18, math.floor(zoom))))


def _draw_map(gdf, shown, boundary, view: ViewState, selected_id, center, zoom) -> str | None:
    """Draw the map; return the id of a project the user just clicked, if any."""
    basemap = settings.available_basemaps().get(view.basemap, settings.BASEMAPS["none"])
    groups = [
        basemap_group(basemap.id),
        boundary_group(boundary, gcj02=basemap.gcj02),
        *layer_groups(shown, layers=view.layers, gcj02=basemap.gcj02),
        selection_group(gdf, selected_id, gcj02=basemap.gcj02),
    ]
    if basemap.gcj02 and center is not None:
        center = gcj02_latlon(*center)
    result = st_folium(
        base_map(),
        key=MAP_KEY,
        height=MAP_HEIGHT,
        use_container_width=True,
        feature_group_to_add=groups,
        returned_objects=["last_active_drawing"],
        center=center,
        zoom=zoom,
    )
    feature = (result or {}).get("last_active_drawing") or {}
    clicked = (feature.get("properties") or {}).get("id")
    if clicked and clicked != st.session_state.get("clicked_id"):
        st.session_state["clicked_id"] = clicked
        return clicked
    return None


def _detail(gdf: gpd.GeoDataFrame, shown: gpd.GeoDataFrame, selected_id: str | None) -> None:
    if not selected_id or selected_id not in set(gdf["id"]):
        st.caption("点击地图上的项目或搜索名称查看详情。Click a project or search to see details.")
        return
    row = gdf.loc[gdf["id"] == selected_id].iloc[0]
    in_view = shown.loc[shown["id"] == selected_id]
    shown_status = in_view["status"].iloc[0] if len(in_view) else None
    st.html(detail_html(row.to_dict(), shown_status=shown_status))
    if not len(in_view):
        st.caption("当前筛选未显示此项目。This project is hidden by the current filters.")
