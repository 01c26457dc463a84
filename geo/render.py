"""Moved to the ``maps`` package (drawing lives beside the data core in ``geo/``).

The snapshot is :mod:`maps.snapshot`, split by concern into ``maps.page``, ``maps.extent``,
``maps.layout``, ``maps.frame``, ``maps.background``, ``maps.features``, ``maps.labels``,
``maps.legend``, ``maps.figures_box``, ``maps.inset``, ``maps.furniture``, ``maps.scalebar``,
``maps.caption`` and ``maps.vectors``. This module re-exports the names other code imported
from here, so that ``geo.render`` keeps working.
"""

from maps.background import DISTRICT_COLOR, LAND_COLOR, SEA_COLOR
from maps.caption import default_title, describe_filters
from maps.extent import clamp_extent, data_extent, snapshot_extent
from maps.features import feature_anchor as _anchor
from maps.fonts import FONT_FILE, FONT_LICENCE, cjk_font, font_path
from maps.formats import IMAGE_FORMATS
from maps.furniture import grid_convergence, numeric_scale
from maps.layout import CAPTION_LINES
from maps.legend import LegendRow, legend_rows
from maps.page import DEFAULT_PRESET, PRESETS, PageSize, custom_page, request_pixels
from maps.snapshot import (
    DrawnSnapshot,
    Inset,
    SnapshotSpec,
    draw_snapshot,
    render_layer_snapshots,
    render_snapshot,
)
from maps.vectors import CJK_FONT_FAMILIES, VECTOR_TEXT_RC, figure_bytes

__all__ = [
    "CAPTION_LINES",
    "CJK_FONT_FAMILIES",
    "DEFAULT_PRESET",
    "DISTRICT_COLOR",
    "DrawnSnapshot",
    "FONT_FILE",
    "FONT_LICENCE",
    "IMAGE_FORMATS",
    "Inset",
    "LAND_COLOR",
    "LegendRow",
    "PRESETS",
    "PageSize",
    "SEA_COLOR",
    "SnapshotSpec",
    "VECTOR_TEXT_RC",
    "_anchor",
    "cjk_font",
    "clamp_extent",
    "custom_page",
    "data_extent",
    "default_title",
    "describe_filters",
    "draw_snapshot",
    "figure_bytes",
    "font_path",
    "grid_convergence",
    "legend_rows",
    "numeric_scale",
    "render_layer_snapshots",
    "render_snapshot",
    "request_pixels",
    "snapshot_extent",
]
