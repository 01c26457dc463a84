"""The caches every page shares: the projects, their browser form and data file, the map's
background. Apart from ``ui.app`` so that ``ui.serve`` can fill them when the server starts:
nothing here imports a module that declares a Streamlit component (streamlit-folium), which
registers itself only when first imported inside a session.
"""

from __future__ import annotations

import os

import geopandas as gpd
import streamlit as st

from geo import memory, settings
from geo.coords import add_measures
from geo.db.connect import database_url, describe
from geo.load import load_projects
from geo.store import load_projects_from, open_store
from geo.vectortiles import TILES_ENV
from i18n import DEFAULT_LANG
from maps.browserdata import BrowserData, browser_data, write_data_file
from maps.webmap import FixedData, fixed_data, write_client_file
from ui.assets import REPO_ROOT
from ui.insight_panel import cached_engine

#: The map's project data files (``maps.browserdata.write_data_file``), under the folder
#: Streamlit serves at ``/app/static/``; made when first needed, never committed.
DATA_FILES = REPO_ROOT / "static" / "projects"
#: The map's browser side as a content-named file (``maps.webmap.write_client_file``), beside.
CLIENT_FILES = REPO_ROOT / "static" / "client"


@st.cache_resource(show_spinner=False, max_entries=2)
def cached_projects(path: str, mtime_ns: int) -> gpd.GeoDataFrame:
    """The projects file, loaded once per version of the file (``mtime_ns`` is the key).

    One copy for every session and rerun (``cache_resource`` hands out the same frame, where
    ``cache_data`` would copy it on each call: 100,000 projects are hundreds of MB). Nothing
    may change it in place; ``geo`` functions return new frames.
    """
    return _frozen(add_measures(load_projects(path)))


def _frozen(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """``gdf``, its objects kept out of later garbage collections when it is large (each
    rerun then ends with a quick collection: ``geo.memory``)."""
    if len(gdf) >= memory.TIDY_ROWS:
        memory.freeze_loaded()
    return gdf


@st.cache_resource(show_spinner=False, max_entries=6)
def cached_browser_data(
    data_key: str, gcj02: bool, lang: str, _gdf: gpd.GeoDataFrame
) -> BrowserData:
    """Every located project in browser form, once per data version, grid and language.

    ``data_key`` (:func:`data_key`, made once per rerun by :func:`_projects`) names the
    version of the data that made ``_gdf``: the file and its mtime, or the database and its
    change counter.
    """
    return browser_data(_gdf, gcj02=gcj02, lang=lang)


@st.cache_resource(show_spinner=False, max_entries=6)
def cached_fixed_data(
    versions: tuple, lang: str, gcj02: bool, _boundary, _context, _landmarks
) -> FixedData:
    """The map's background and boundary in browser form, once per file version, language and
    grid (``versions``: the boundary, context and landmarks files' mtimes)."""
    return fixed_data(_boundary, _context, _landmarks, lang=lang, gcj02=gcj02)


@st.cache_resource(show_spinner=False, max_entries=2)
def cached_store_projects(database: str, data_version: str) -> gpd.GeoDataFrame:
    """The projects in the database, loaded once per change counter (bumped by trigger on any
    edit, from this app, another server or QGIS): an outside edit shows on the next rerun."""
    return _frozen(add_measures(load_projects_from(open_store())))


def data_key(url: str | None, version: object) -> str:
    """The version of the projects this rerun reads: file and mtime, or database and counter."""
    return f"db:{describe(url)}:{version}" if url else f"file:{settings.data_path()}:{version}"


def mtime(path) -> int:
    try:
        return path.stat().st_mtime_ns
    except OSError:
        return 0


def warm_up() -> None:
    """Fill the caches the first page needs, outside any session (``ui.serve`` calls it when
    the server starts): the projects, and in the default basemap's grid and the default
    language their browser form and its data file, the map's client file, and the planning
    panel's engine."""
    lang = DEFAULT_LANG
    write_client_file(CLIENT_FILES)
    url = database_url()
    if url:
        version = open_store().data_version()
        gdf = cached_store_projects(describe(url), version)
    else:
        version = mtime(settings.data_path())
        gdf = cached_projects(str(settings.data_path()), version)
    key = data_key(url, version)
    cached_engine(key, gdf)
    basemap = settings.available_basemaps()[settings.default_basemap()]
    if not basemap.gcj02 and os.environ.get(TILES_ENV, "").strip():
        return  # the map then draws some layers from vector tiles: left to the first page
    write_data_file(cached_browser_data(key, basemap.gcj02, lang, gdf), DATA_FILES)
