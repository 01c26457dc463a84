"""The Streamlit page: URL and scenes, sidebar filters, the map with its side panel, the list.

The page has the same structure in every mode (the map is always the first of two columns),
so entering or leaving presenter mode, filtering or playing years never remounts the map.
The map's height comes from the browser window (``ui.layout``).
"""

from __future__ import annotations

import math
from dataclasses import replace

import geopandas as gpd
import streamlit as st
from streamlit_folium import st_folium

from geo import memory, settings
from geo.accounts import view_needs_sign_in
from geo.auth import ANONYMOUS
from geo.coords import gcj02_latlon
from geo.db.connect import database_url, describe
from geo.errors import ProjectDataError
from geo.filter import apply_filter, split_by_placement
from geo.html import escape_html as _esc
from geo.load import load_boundary
from geo.scenes import Scene, load_scenes, scenes_path
from geo.store import open_store
from geo.text import escape_markdown
from geo.view import ViewState, time_label
from i18n import t
from maps.browserdata import BrowserData, loader_script, write_data_file
from maps.webmap import (
    base_map,
    fixed_group,
    frame_group,
    legend_html,
    load_context,
    load_landmarks,
    overlay_group,
    projects_group,
    selection_group,
    stable_names,
    write_client_file,
)
from ui.assets import _static_prefix, missing_vendor_files, use_local_assets
from ui.caches import (
    CLIENT_FILES,
    DATA_FILES,
    cached_browser_data,
    cached_fixed_data,
    cached_projects,
    cached_store_projects,
)
from ui.caches import data_key as _data_key
from ui.caches import mtime as _mtime
from ui.compare_view import compare_view
from ui.data_panel import data_panel
from ui.export_panel import export_panel
from ui.insight_panel import (
    apply_pick,
    apply_radius,
    cached_engine,
    current_pick,
    current_radius,
    insight_panel,
    map_groups,
    map_tools,
    take_map_click,
)
from ui.instant_filter import PAGE_SCRIPT, filter_state
from ui.layout import page_css, presenter_heading
from ui.login import current_actor, sign_in_box
from ui.panels import about_html, counts_html, detail_html, figures_html, unlocated_html
from ui.project_list import project_list
from ui.scenes import (
    control_row,
    current_frame,
    playback_frames,
    player_options,
    save_scene_form,
)
from ui.search import search_box
from ui.state import (
    current_lang,
    seed_from_url,
    send_map_to,
    sidebar,
    sync_url,
    with_map_position,
    zoom_for_extent,
)
from ui.tiles import configured_tiles

MAP_KEY = "map"
#: streamlit-folium's own height for the map; the page's CSS sizes it to the window.
MAP_HEIGHT = 560


@st.cache_data(show_spinner=False)
def cached_boundary(path: str, mtime_ns: int) -> gpd.GeoDataFrame:
    return load_boundary(path)


@st.cache_data(show_spinner=False)
def cached_context(path: str, mtime_ns: int) -> gpd.GeoDataFrame:
    return load_context(path)


@st.cache_data(show_spinner=False)
def cached_landmarks(path: str, mtime_ns: int) -> gpd.GeoDataFrame:
    return load_landmarks(path)


@st.cache_data(show_spinner=False)
def cached_scenes(path: str, mtime_ns: int | str, database: str = "") -> list[Scene]:
    return load_scenes(path or None)


def _page_checks(lang: str) -> None:
    """Local assets, settings problems and sign-in, before any data is read."""
    use_local_assets()
    missing = missing_vendor_files()
    if missing:
        st.error(t("error.vendor_missing", lang, files=", ".join(missing)))
    for problem in settings.settings_problems(lang):
        st.warning(escape_markdown(problem))
    sign_in_box(lang)
    if view_needs_sign_in() and not (current_actor() or ANONYMOUS).signed_in:
        st.info(t("access.view_needs_sign_in", lang))
        st.stop()


def main() -> None:
    lang = current_lang()
    st.set_page_config(page_title=t("app.title", lang), page_icon="🗺️", layout="wide")
    _page_checks(lang)
    gdf, data_key = _projects(lang)
    boundary = cached_boundary(str(settings.BOUNDARY_PATH), _mtime(settings.BOUNDARY_PATH))
    scenes = _scenes(lang, data_key)
    url_view = seed_from_url(scenes, gdf)

    view = sidebar(gdf)
    lang = view.lang
    st.sidebar.html(about_html(gdf, lang))
    st.html(page_css(presenter=view.presenter), unsafe_allow_javascript=True)
    # Every block above the map is always there, filled or not: the map keeps its place in
    # the page, so switching presenter mode or dismissing a notice never remounts it.
    with st.container(key="heading_area"):
        if not view.presenter:
            st.markdown(f"#### {t('app.heading', lang)}")
    with st.container(key="notice_area"):
        _notices(url_view, lang)
    scene = control_row(scenes, view, gdf)
    with st.container(key="caption_area"):
        if view.presenter or scene is not None:
            st.html(presenter_heading(scene, view))
    frames = playback_frames(view, gdf)
    if frames:  # the side panel follows the frame on screen when the page was drawn
        view = frames[min(current_frame(), len(frames) - 1)][0]
    filtered = apply_filter(gdf, view.project_filter)
    # A radius around a point clicked on the map narrows the map, the figures and the table.
    shown = apply_radius(filtered, current_radius())
    # Bars clicked in the insight charts narrow the map further (read before drawing it).
    on_map, totals, unlocated = split_by_placement(apply_pick(shown, current_pick()))
    with st.container(key="counts_area"):
        if not view.presenter:
            st.html(counts_html(gdf, shown, view.layers, lang))

    map_col, side_col = st.columns([3, 1.1], gap="small")
    with map_col, st.container(key="map_area"):  # ui.layout sizes the map in it
        _draw_map(gdf, data_key, on_map, boundary, view, frames)
    with side_col, st.container(key="side_panel"):
        if not view.presenter:
            search_box(gdf, lang)
        _detail(gdf, shown, view)
        for html in (
            figures_html(totals, lang, view.project_filter),
            unlocated_html(unlocated, lang),
        ):
            if html:
                st.html(html)
        if not view.presenter:
            map_tools(filtered, boundary, lang=lang)
    if not view.presenter:
        project_list(shown, lang)
        _compare(gdf, boundary, view)
        radius = current_radius()
        point = (radius.lat, radius.lon) if radius else None
        insight_panel(
            shown,
            boundary=boundary,
            gdf_all=gdf,
            view=view.project_filter,
            lang=lang,
            point=point,
            engine=cached_engine(data_key, gdf),
        )
        export_panel(shown, boundary, view=view, extent=st.session_state.get("map_extent"))
        save_scene_form(scenes, with_map_position(view))
        data_panel(st.session_state.get("selected_id"))
    sync_url(with_map_position(replace(view, project=st.session_state.get("selected_id"))))
    memory.tidy_after_rerun(len(gdf))  # at 100,000 projects the page grew 60-90 MB a rerun


def _projects(lang: str) -> tuple[gpd.GeoDataFrame, str]:
    """The projects this rerun shows, and the key of their version (:func:`data_key`)."""
    path = settings.data_path()
    try:
        url = database_url()
        if url:  # PostGIS: one cheap query per rerun says whether anything changed
            version = open_store().data_version()
            return cached_store_projects(describe(url), version), _data_key(url, version)
        mtime = _mtime(path)
        return cached_projects(str(path), mtime), _data_key(None, mtime)
    except ProjectDataError as exc:
        st.error(t("error.data", lang, count=len(exc.problems)))
        st.code("\n".join(str(p) for p in exc.problems), language=None)
        st.info(t("error.data_fix", lang, source=escape_markdown(str(exc.source))))
        st.stop()


def _scenes(lang: str, data_key: str) -> list[Scene]:
    """The saved scenes; ``data_key`` (:func:`_projects`) names the database's change counter,
    which covers the scenes too, so the rerun asks the database for its version once."""
    path = scenes_path()
    try:
        url = database_url()
        if url:
            return cached_scenes("", data_key, describe(url))
        return cached_scenes(str(path), _mtime(path))
    except ProjectDataError as exc:
        st.warning(t("admin.scenes_ignored", lang, problem=escape_markdown(str(exc))))
        return []


def _notices(view: ViewState, lang: str) -> None:
    """Say which link parameters were ignored, until the user dismisses it."""
    if not view.notices or st.session_state.get("notices_dismissed"):
        return
    with st.container():
        items = "".join(f"<li>{_esc(n.text(lang))}</li>" for n in view.notices)
        st.html(
            '<div data-testid="url-notice" style="background:#fff4e5;'
            'border-left:4px solid #E69F00;padding:4px 12px;border-radius:4px">'
            f"{_esc(t('notice.heading', lang))}<ul style='margin:0'>{items}</ul></div>"
        )
        st.button(
            t("notice.dismiss", lang),
            on_click=st.session_state.update,
            kwargs={"notices_dismissed": True},
        )


def _draw_map(gdf, data_key: str, on_map, boundary, view: ViewState, frames: list) -> None:
    """Draw the map and take in what the user did on it (a click, a pan)."""
    basemap = settings.available_basemaps().get(view.basemap, settings.BASEMAPS["none"])
    lang = view.lang
    selected = st.session_state.get("selected_id")
    context = cached_context(str(settings.CONTEXT_PATH), _mtime(settings.CONTEXT_PATH))
    landmarks_path = settings.DATA_DIR / "landmarks.geojson"
    landmarks = cached_landmarks(str(landmarks_path), _mtime(landmarks_path))
    fixed = cached_fixed_data(
        (_mtime(settings.BOUNDARY_PATH), _mtime(settings.CONTEXT_PATH), _mtime(landmarks_path)),
        lang,
        basemap.gcj02,
        boundary,
        context,
        landmarks,
    )
    groups = [
        # Background, boundary and tiles stay on the map across reruns (sent once, below).
        fixed_group(fixed, basemap.id, lang=lang),
        # Under the projects: service areas and the radius circle, when switched on.
        *map_groups(on_map, boundary, lang=lang, gcj02=basemap.gcj02),
    ]
    # Vector tiles, when configured (ui/tiles.py), draw their layers; the rest come as before.
    tiles = None if basemap.gcj02 else configured_tiles(lang)
    tiled = tiles.layers if tiles else ()
    every_layer = gdf  # the legend of a playback frame names the tiled layers too
    if tiled:
        data_key, gdf = f"{data_key}|untiled", gdf[~gdf["layer"].isin(tiled)]
        if not frames:  # each playback frame carries its own filter for the tiles
            groups += [tiles.group(view)]
    data = cached_browser_data(data_key, basemap.gcj02, lang, gdf)
    # The page can compute the next view itself unless the map shows what only the server
    # computes: playback frames, a radius around a clicked point, bars picked in a chart.
    instant = not frames and current_radius() is None and not current_pick()
    if frames:
        groups += _frame_groups(every_layer, frames, view, data, tiles)
        label = note = legend = ""
    else:
        groups += [projects_group(data, on_map, layers=view.layers)]
        label, note = time_label(view, lang)
        legend = legend_html(on_map, layers=view.layers, lang=lang)
    groups += [
        # A selected total or unlocated project has no site: nothing to ring.
        selection_group(on_map, selected, gcj02=basemap.gcj02),
        overlay_group(
            legend=legend,
            time_label=label,
            time_note=note,
            presenter=view.presenter,
            selected_id=selected,
            player=player_options(len(frames)) if frames else None,
            view_filter=filter_state(view, data, instant=instant),
        ),
    ]
    groups = stable_names(groups)
    center, zoom = st.session_state.get("map_target") or (None, None)
    if basemap.gcj02 and center is not None:
        center = gcj02_latlon(*center)
    # Pans and zooms rerun the app only outside presenter mode, to keep the link up to date.
    returned = ["last_active_drawing", "last_object_clicked"]
    if not view.presenter:
        returned += ["bounds", "zoom", "last_clicked"]  # last_clicked: the radius filter
    st.session_state["map_gcj02"] = basemap.gcj02
    result = st_folium(
        base_map(
            tiles_plugin=tiles.plugin_url if tiles else None,
            client_url=_client_url(lang),
            client_failed=t("scale.client_file_failed", lang),
        ),
        key=MAP_KEY,
        height=MAP_HEIGHT,
        use_container_width=True,
        feature_group_to_add=groups,
        returned_objects=returned,
        center=center,
        zoom=zoom,
        on_change=_take_click_callback,
    )
    # The projects, right after the map: the page fetches them while it makes the map's frame
    # (~0.4 s before its script runs), and the fetch does not hold the map's element back.
    _send_data(data, lang)
    st.html(fixed, unsafe_allow_javascript=True)
    # The next filter click is shown by the page at once (fixed text: sent once).
    st.html(PAGE_SCRIPT, unsafe_allow_javascript=True)
    _remember_position(result or {}, gcj02=basemap.gcj02)
    if _take_click(result or {}):
        # The click was not seen by the callback (AppTest drives the component directly):
        # draw again so that the highlight follows the click.
        st.rerun()


def _client_url(lang: str) -> str | None:
    """Where the page loads the map's browser side from (a content-named file), or None to
    send it inside the map's script when the file cannot be written (said in the sidebar)."""
    try:
        path = write_client_file(CLIENT_FILES)
    except OSError as exc:
        problem = t("scale.client_file_unwritable", lang, folder=CLIENT_FILES, reason=exc.strerror)
        st.sidebar.warning(escape_markdown(problem))
        return None
    return f"{_static_prefix().removesuffix('/vendor')}/{CLIENT_FILES.name}/{path.name}"


def _send_data(data: BrowserData, lang: str) -> None:
    """Every located project for the map: a file the page fetches (its name changes with the
    data version, so a rerun sends the same ~1 KB script and the page fetches nothing again),
    or, when the file cannot be written, the payload itself in the page."""
    try:
        write_data_file(data, DATA_FILES)
    except OSError as exc:
        problem = t("scale.data_file_unwritable", lang, folder=DATA_FILES, reason=exc.strerror)
        st.sidebar.warning(escape_markdown(problem))
        # The same text on every rerun, so Streamlit sends it once and then a reference.
        st.html(data, unsafe_allow_javascript=True)  # its _repr_html_: not dedented again
        return
    url = f"{_static_prefix().removesuffix('/vendor')}/{DATA_FILES.name}/{data.key}.json"
    failed = t("scale.data_file_failed", lang)
    st.html(loader_script(data.key, url, failed=failed), unsafe_allow_javascript=True)


def _take_click(result: dict | None = None) -> bool:
    """Callback: a click on the map selects its project *before* the page is drawn again.

    Read after drawing, the click would reach the panel but the highlight would be drawn for
    the project clicked before.
    """
    if result is None:
        result = st.session_state.get(MAP_KEY) or {}
    feature = result.get("last_active_drawing") or {}
    clicked = (feature.get("properties") or {}).get("id")
    where = result.get("last_object_clicked")
    key = (clicked, str(where))
    if clicked and key != st.session_state.get("clicked_key"):
        st.session_state["clicked_key"] = key
        st.session_state["selected_id"] = clicked
        return True
    return take_map_click(result, gcj02=bool(st.session_state.get("map_gcj02")))


def _frame_groups(gdf, frames: list, view: ViewState, data: BrowserData, tiles=None) -> list:
    """Every playback frame as its own group: what it shows, its legend and year label.

    With vector tiles, a frame also carries the tiles' filter for its year: the player shows
    one frame at a time, and the tiled layers step with it (they kept the page's year before).
    """
    tiled = tiles.layers if tiles else ()
    out = []
    for index, (frame_view, label, note) in enumerate(frames):
        on_map = split_by_placement(apply_filter(gdf, frame_view.project_filter))[0]
        layers = [projects_group(data, on_map[~on_map["layer"].isin(tiled)], layers=view.layers)]
        if tiles:
            layers.append(tiles.group(frame_view))
        legend = legend_html(on_map, layers=view.layers, lang=view.lang)
        out.append(frame_group(index, layers, legend=legend, time_label=label, time_note=note))
    return out


def _compare(gdf, boundary, view: ViewState) -> None:
    """The two-times comparison under the list, narrowed as the main map is."""
    context = cached_context(str(settings.CONTEXT_PATH), _mtime(settings.CONTEXT_PATH))
    landmarks_path = settings.DATA_DIR / "landmarks.geojson"
    landmarks = cached_landmarks(str(landmarks_path), _mtime(landmarks_path))
    pick, radius = current_pick(), current_radius()
    compare_view(
        gdf,
        boundary,
        view,
        context=context,
        landmarks=landmarks,
        narrow=lambda part: apply_pick(apply_radius(part, radius), pick),
    )


def _take_click_callback() -> None:
    _take_click()


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


def _detail(gdf: gpd.GeoDataFrame, shown: gpd.GeoDataFrame, view: ViewState) -> None:
    selected_id = st.session_state.get("selected_id")
    lang = view.lang
    if not selected_id or not (gdf["id"] == selected_id).any():
        st.caption(t("detail.hint", lang))
        return
    row = gdf.loc[gdf["id"] == selected_id].iloc[0]
    in_view = shown.loc[shown["id"] == selected_id]
    st.html(detail_html(row.to_dict(), view=view, lang=lang))
    if not len(in_view):
        st.caption(t("detail.hidden", lang))
    st.button(
        t("detail.clear", lang),
        icon=":material/close:",
        on_click=st.session_state.update,
        kwargs={"selected_id": None, "search": None},
        key="clear_selection",
    )


__all__ = ["main", "send_map_to", "zoom_for_extent"]
