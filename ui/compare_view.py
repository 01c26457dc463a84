"""Two times side by side on the page: two synchronised maps and a two-panel image.

The pair is folium's ``DualMap`` (two Leaflet maps kept on the same view by Leaflet.Sync,
vendored in ``static/vendor/leaflet-sync/``) handed to ``st_folium``. As with the main map, the
base (both empty maps, their scale bars and browser client) never changes, so a filter change
never remounts the pair: every rerun sends only feature groups. streamlit-folium adds feature
groups to the left map only; each right-hand group carries a small script that hands its
layers to the right map instead, and takes them back when the group is removed.

Both panes use the sidebar's layers and statuses (and any chart bars picked); each pane has its
own time: the report's 2016–2020 review, the end of 2020, the 2021 targets (hollow symbols)
or the report's date.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Final

import folium
import geopandas as gpd
import streamlit as st
from branca.element import Element, MacroElement, Template
from folium.plugins import DualMap
from streamlit_folium import st_folium

from geo import settings
from geo.filter import ProjectFilter, apply_filter, split_by_placement
from geo.view import ViewState, time_label
from i18n import t
from maps.webmap import (
    _MAP_CSS,  # the main map's look, so both panes read the same
    MetricScale,
    _MapClient,  # the browser side that draws the layers' symbols
    background_group,
    basemap_group,
    boundary_group,
    layer_groups,
    legend_html,
    overlay_group,
)

#: Leaflet.Sync 0.2.4 (BSD-3-Clause, npm ``leaflet.sync``), under ``static/vendor/``.
SYNC_JS: Final = "leaflet-sync/L.Map.Sync.js"
#: The times a pane can show: the report's review period, the end of 2020, its 2021 plan, and
#: the status at the report's date (January 2021).
SIDE_IDS: Final = ("2016-2020", "2020", "2021", "now")
DEFAULT_SIDES: Final = ("2016-2020", "2021")
HEIGHT: Final = 460
COMPARE_ZOOM: Final = 12
KEY: Final = "compare_map"


#: Each pane is half the main map's width: the legend and year box are drawn smaller, and the
#: right pane has no zoom buttons (the left pane's drive both).
_PANE_CSS: Final = """<style>
.shinan-box.shinan-legend {zoom: 0.7}
.shinan-box.shinan-time {zoom: 0.8}
#map_div2 .leaflet-control-zoom {display: none}
</style>"""


@dataclass(frozen=True)
class PaneView:
    """What one pane shows: the page's view with this pane's time."""

    side: str
    view: ViewState

    @property
    def project_filter(self) -> ProjectFilter:
        return self.view.project_filter


def pane_view(side: str, view: ViewState) -> PaneView:
    """The page's view (layers, statuses, language) at the time ``side`` names.

    Raises
    ------
    ValueError
        For a side not in :data:`SIDE_IDS`.
    """
    if side == "2016-2020":
        return PaneView(side, replace(view, mode="period", years=(2016, 2020)))
    if side in ("2020", "2021"):
        return PaneView(side, replace(view, mode="as_of", as_of=int(side)))
    if side == "now":
        return PaneView(side, replace(view, mode="all"))
    raise ValueError(f"unknown comparison side {side!r}; choose one of {', '.join(SIDE_IDS)}")


class _ToRightPane(MacroElement):
    """Moves its feature group's layers to the right-hand map while the group is shown."""

    _template = Template(
        """
{% macro script(this, kwargs) %}
(function (group) {
    var pane = L.layerGroup(group.getLayers());
    group.clearLayers();
    group.on("add", function () { if (window.map_div2) pane.addTo(window.map_div2); });
    group.on("remove", function () { if (window.map_div2) window.map_div2.removeLayer(pane); });
})({{ this._parent.get_name() }});
{% endmacro %}
"""
    )


def compare_base() -> DualMap:
    """The pair of maps every rerun starts from: fixed view, scale bars, the browser client."""
    pair = DualMap(
        location=settings.DEFAULT_CENTER,
        # No fit_bounds: the panes are created before their frame has a size, and fitting
        # bounds into a zero-size map gives NaN. At zoom 12 the district fills a ~420 px pane.
        zoom_start=COMPARE_ZOOM,
        tiles=None,
        min_zoom=10,
        max_zoom=19,
        zoom_snap=0.25,
        zoom_delta=0.5,
        keyboard=False,
    )
    # Leaflet first: streamlit-folium loads scripts in the order it meets them, and the pair
    # (with its sync plugin) comes before the maps that bring Leaflet.
    sync = ("Leaflet.Sync", f"{_static_prefix()}/{SYNC_JS}")
    pair.default_js = [*folium.Map.default_js, sync]
    for m in (pair.m1, pair.m2):
        MetricScale().add_to(m)
        _MapClient().add_to(m)
    pair.get_root().header.add_child(Element(_MAP_CSS + _PANE_CSS), name="shinan_css")
    return pair


def _static_prefix() -> str:
    # As ui.assets: Streamlit serves static/ at /app/static/, under baseUrlPath.
    base = str(st.get_option("server.baseUrlPath") or "").strip("/")
    return f"/{base}/app/static/vendor" if base else "/app/static/vendor"


def pane_groups(
    on_map: gpd.GeoDataFrame,
    boundary: gpd.GeoDataFrame,
    pane: PaneView,
    *,
    context: gpd.GeoDataFrame,
    landmarks: gpd.GeoDataFrame,
    right: bool,
) -> list[folium.FeatureGroup]:
    """One pane's groups: land and places, the page's basemap, boundary, the layers, its legend
    and time box."""
    lang = pane.view.lang
    label, note = time_label(pane.view, lang)
    basemap = settings.available_basemaps().get(pane.view.basemap, settings.BASEMAPS["none"])
    gcj02 = basemap.gcj02  # Gaode tiles: everything drawn on the GCJ-02 grid, as the main map
    groups = [
        background_group(boundary, context, landmarks, lang=lang, gcj02=gcj02),
        basemap_group(basemap.id, lang=lang),
        boundary_group(boundary, gcj02=gcj02),
        *layer_groups(on_map, layers=pane.view.layers, lang=lang, gcj02=gcj02),
        overlay_group(
            legend=legend_html(on_map, layers=pane.view.layers, lang=lang),
            time_label=label,
            time_note=note,
        ),
    ]
    if right:
        for group in groups:
            _ToRightPane().add_to(group)
    return groups


def compare_view(
    gdf: gpd.GeoDataFrame,
    boundary: gpd.GeoDataFrame,
    view: ViewState,
    *,
    context: gpd.GeoDataFrame,
    landmarks: gpd.GeoDataFrame,
    narrow=None,
) -> None:
    """Two panes of the page's view at two times, kept on the same view, with an image export.

    ``narrow`` (a function of a GeoDataFrame) narrows each pane as the main map is narrowed
    (bars picked in the charts, a radius around a clicked point).
    """
    lang = view.lang
    # A switch, not an expander: while it is off nothing is computed or sent.
    if not st.toggle(t("insight.compare.heading", lang), key="compare_on"):
        return
    with st.container(key="compare_area"):
        st.caption(t("insight.compare.hint", lang))
        left_col, right_col = st.columns(2)
        sides = [
            col.selectbox(
                t(f"insight.compare.{which}", lang),
                SIDE_IDS,
                index=SIDE_IDS.index(default),
                format_func=lambda s: t(f"insight.compare.side.{s}", lang),
                key=f"compare_{which}",
            )
            for col, which, default in (
                (left_col, "left", DEFAULT_SIDES[0]),
                (right_col, "right", DEFAULT_SIDES[1]),
            )
        ]
        panes = [pane_view(side, view) for side in sides]
        groups = []
        for index, pane in enumerate(panes):
            shown = apply_filter(gdf, pane.project_filter)
            on_map = split_by_placement(narrow(shown) if narrow else shown)[0]
            groups += pane_groups(
                on_map, boundary, pane, context=context, landmarks=landmarks, right=index == 1
            )
        st_folium(
            compare_base(),
            key=KEY,
            height=HEIGHT,
            use_container_width=True,
            feature_group_to_add=groups,
            returned_objects=[],
        )
        _export_button(gdf, boundary, panes, context=context, narrow=narrow)


def _export_button(gdf, boundary, panes: list[PaneView], *, context, narrow) -> None:
    from maps.compare_export import comparison_png  # matplotlib only when the panel is open

    lang = panes[0].view.lang
    st.download_button(
        t("insight.compare.download", lang),
        lambda: comparison_png(
            gdf,
            boundary,
            [pane.project_filter for pane in panes],
            context=context,
            narrow=narrow,
            lang=lang,
        ),
        file_name=f"shinan_{panes[0].side}_vs_{panes[1].side}.png",
        mime="image/png",
        key="compare_png",
    )
