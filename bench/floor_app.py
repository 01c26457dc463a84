"""The floor under the live map's first paint: a bare Streamlit page with one streamlit-folium
map (the vendored Leaflet, no data, no sidebar), for ``bench_first_paint.py --floor``.

Its map script notes when it runs (``window.Shinan.marks``, as the real map does), so the
benchmark reads the same timeline: what Streamlit's page and the component's frame take by
themselves before any map script can run.
"""

import folium
import streamlit as st
from branca.element import MacroElement, Template
from streamlit_folium import st_folium

from ui.assets import use_local_assets

st.set_page_config(page_title="floor", layout="wide")
use_local_assets()
m = folium.Map(location=[36.06, 120.35], zoom_start=13, tiles=None)
marks = MacroElement()
marks._template = Template(
    "{% macro script(this, kwargs) %}"
    "window.Shinan = {marks: {client: Date.now()}, lastApply: {ms: 0}, projects: {},"
    " lastDraw: {ms: 0, at: Date.now()}, drawLog: []};"
    "requestAnimationFrame(function () { Shinan.marks.painted = Date.now(); });"
    "{% endmacro %}"
)
marks.add_to(m)
st_folium(m, key="map", height=560, use_container_width=True, returned_objects=[])
