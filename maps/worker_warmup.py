"""Imported once by the export workers' forkserver: draws one small snapshot, so that each
forked job starts with the CJK font loaded, the coordinate transformers built and the land
context read (a cold job takes about 0.5 s longer)."""

from __future__ import annotations

import geopandas as gpd

from geo import render, settings
from geo.load import load_boundary

try:
    _empty = gpd.GeoDataFrame(
        {"id": [], "layer": [], "status": [], "name_zh": []}, geometry=[], crs=settings.STORAGE_CRS
    )
    render.render_snapshot(
        _empty,
        load_boundary(),
        spec=render.SnapshotSpec(page=render.custom_page(600, 450, 150), fmt="png"),
    )
except (OSError, ValueError):  # a missing boundary file: jobs report it themselves
    pass
