"""The naive Streamlit + folium map that ``bench/bench_scale.py`` measures ours against.

What many Streamlit apps do: load the GeoJSON (cached), filter by the status pills, put every
shown project into one ``folium.GeoJson`` on the ``folium.Map`` itself (full precision, a
tooltip of every scalar property, a style by status) and hand the map to ``st_folium``. The
data is part of the map's script, so each filter change remounts the map and sends every
shown geometry again. Uses the vendored Leaflet (the network is cut in the benchmark).

Run only by the benchmark (it copies this file next to a link to ``static/``); reads
``PROJECT_MAP_DATA``.
"""

from __future__ import annotations

import os

import folium
import geopandas as gpd
import streamlit as st
from streamlit_folium import st_folium

from geo import schema, settings
from layers import STATUS_STYLES
from ui.assets import use_local_assets


@st.cache_resource
def projects(path: str) -> gpd.GeoDataFrame:
    return gpd.read_file(path)


def naive_map(gdf: gpd.GeoDataFrame, statuses: list[str]) -> folium.Map:
    """The whole map with the shown projects in one GeoJson (also timed by the benchmark)."""
    shown = gdf[gdf["status"].isin(statuses)]
    scalar = [c for c in shown.columns if c != "geometry" and shown[c].map(_scalar).all()]
    m = folium.Map(location=settings.DEFAULT_CENTER, zoom_start=settings.DEFAULT_ZOOM, tiles=None)
    if len(shown):
        folium.GeoJson(
            shown[[*scalar, "geometry"]],
            style_function=lambda f: {
                "color": STATUS_STYLES[f["properties"].get("status", "planned")].color,
                "fillOpacity": 0.5,
            },
            tooltip=folium.GeoJsonTooltip(fields=scalar),
        ).add_to(m)
    return m


def main() -> None:
    st.set_page_config(layout="wide")
    use_local_assets()
    gdf = projects(os.environ["PROJECT_MAP_DATA"])
    statuses = st.pills(
        "status",
        list(schema.STATUSES),
        selection_mode="multi",
        default=list(schema.STATUSES),
        key="statuses",
    )
    m = naive_map(gdf, list(statuses or []))
    st_folium(m, key="naive", height=560, use_container_width=True, returned_objects=[])


def _scalar(value: object) -> bool:
    return not isinstance(value, (list, dict))


if __name__ == "__main__":  # streamlit runs the file as __main__; the benchmark imports it
    main()
