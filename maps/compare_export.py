"""The two-panel comparison image: two snapshots of one extent on one page, one title.

Each panel is a full snapshot from :mod:`geo.render` (the live map's symbols, legend, scale
bar, north arrow, caption) of the same extent, so the two can be compared place by place.
What each panel shows and how it is titled is :mod:`geo.compare`'s; this module only draws.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from typing import Final

import geopandas as gpd
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from PIL import Image

from geo.compare import Side, comparison_title, default_sides
from geo.filter import ProjectFilter, apply_filter
from geo.render import (
    IMAGE_FORMATS,
    PRESETS,
    PageSize,
    SnapshotSpec,
    cjk_font,
    custom_page,
    figure_bytes,
    render_snapshot,
    snapshot_extent,
)
from maps.caption import caption_lines, credit_paragraphs, draw_caption
from maps.layout import Layout, page_layout
from maps.snapshot import shared_frame

#: Share of the page height kept for the common title.
TITLE_BAND: Final = 0.07
#: The page the app's download button uses: a 16:9 slide.
APP_PAGE: Final = "slide-16x9"

Narrow = Callable[[gpd.GeoDataFrame], gpd.GeoDataFrame]


def render_comparison(
    gdf: gpd.GeoDataFrame,
    boundary: gpd.GeoDataFrame,
    sides: tuple[Side, Side],
    *,
    page: PageSize = PRESETS["a4-landscape"],
    fmt: str = "png",
    title: str | None = None,
    basemap: str = "none",
    context: gpd.GeoDataFrame | None = None,
    narrow: Narrow | None = None,
    lang: str = "zh",
) -> bytes:
    """Render two views of ``gdf`` side by side on one page; return the file's bytes.

    Both panels share one extent (the district and every feature either side shows). In SVG
    and PDF the panels are embedded as images at the page's resolution. ``narrow`` narrows
    each side further, as the page narrows its map (chart bars, a radius). ``lang`` is the
    panels' legend, figures and caption language (titles come with ``sides``).
    """
    if fmt not in IMAGE_FORMATS:
        raise ValueError(f"unknown image format '{fmt}'; valid: {', '.join(IMAGE_FORMATS)}")
    fig = Figure(figsize=page.size_in, dpi=page.dpi, facecolor="white")
    FigureCanvasAgg(fig)
    # Sources and furniture once across the foot of the page; each panel keeps its filters
    # and counts (the same lines twice at half width took room from both maps).
    footer, footer_layout = _footer(fig, page, lang)
    foot = footer_layout.map_rect[1]  # the footer's top, as a share of the page height
    specs = panel_specs(
        gdf, boundary, sides, page=page, foot=foot, basemap=basemap, narrow=narrow, lang=lang
    )
    # One frame for both: the same scale, limits, inset and scale bar left and right.
    frame = shared_frame(specs, boundary)
    panels = [
        np.asarray(
            Image.open(
                io.BytesIO(render_snapshot(part, boundary, spec=spec, context=context, frame=frame))
            ).convert("RGB")
        )
        for part, spec in specs
    ]
    heading = title or comparison_title(sides[0].view, sides[1].view, lang)
    top = 1 - TITLE_BAND
    for index, image in enumerate(panels):
        ax = fig.add_axes((index / 2, foot, 0.5, top - foot), label=f"panel-{index}")
        ax.imshow(image, interpolation="none")
        ax.set_axis_off()
    size = max(10.0, page.height_px / page.dpi * 72 * TITLE_BAND * 0.45)
    fig.text(
        0.5, 1 - TITLE_BAND / 2, heading, ha="center", va="center", fontproperties=cjk_font(size)
    )
    fig.add_artist(_divider(foot))
    draw_caption(fig, footer_layout, footer, fig.canvas.get_renderer(), lang)
    return figure_bytes(fig, fmt=fmt, title=heading)


def panel_specs(
    gdf: gpd.GeoDataFrame,
    boundary: gpd.GeoDataFrame,
    sides: tuple[Side, Side],
    *,
    page: PageSize,
    foot: float | None = None,
    basemap: str = "none",
    narrow: Narrow | None = None,
    lang: str = "zh",
) -> list[tuple[gpd.GeoDataFrame, SnapshotSpec]]:
    """Each panel's projects and snapshot spec: half the page above the footer (``foot``, a
    share of the page height), both framing one extent (the district and every feature either
    side shows)."""
    if foot is None:
        fig = Figure(figsize=page.size_in, dpi=page.dpi)
        FigureCanvasAgg(fig)
        foot = _footer(fig, page, lang)[1].map_rect[1]
    shown = [apply_filter(gdf, side.view) for side in sides]
    if narrow is not None:
        shown = [narrow(part) for part in shown]
    both = gpd.GeoDataFrame(geometry=[g for part in shown for g in part.geometry], crs=gdf.crs)
    extent = snapshot_extent(both, boundary)
    band = round(page.height_px * TITLE_BAND)
    panel_page = custom_page(
        page.width_px // 2, page.height_px - band - round(page.height_px * foot), page.dpi
    )
    return [
        (
            part,
            SnapshotSpec(
                view=side.view,
                page=panel_page,
                fmt="png",
                title=side.title,
                basemap=basemap,
                extent=extent,
                lang=lang,
                furniture=False,
            ),
        )
        for side, part in zip(sides, shown, strict=True)
    ]


def _footer(fig: Figure, page: PageSize, lang: str) -> tuple[list, Layout]:
    """The shared footer's paragraphs and a page layout whose caption band holds them."""
    paragraphs = [[], *credit_paragraphs(lang)]  # no filters line: each panel has its own
    layout = page_layout(page)
    lines = caption_lines(fig, layout, paragraphs, fig.canvas.get_renderer(), lang)
    return paragraphs, page_layout(page, lines)


def comparison_png(
    gdf: gpd.GeoDataFrame,
    boundary: gpd.GeoDataFrame,
    views: Sequence[ProjectFilter],
    *,
    context: gpd.GeoDataFrame | None = None,
    narrow: Narrow | None = None,
    lang: str = "zh",
) -> bytes:
    """The app's download: the two panes as a 16:9 PNG, titled from their times."""
    left, right = views
    return render_comparison(
        gdf,
        boundary,
        default_sides((left, right), "en" if lang == "en" else "zh"),
        page=PRESETS[APP_PAGE],
        title=comparison_title(left, right, lang),
        context=context,
        narrow=narrow,
        lang="en" if lang == "en" else "zh",
    )


def _divider(foot: float) -> Line2D:
    return Line2D([0.5, 0.5], [foot, 1 - TITLE_BAND - 0.01], color="#999999", linewidth=0.8)
