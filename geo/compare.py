"""Two years or periods side by side: one image with a panel for each view.

Each panel is a full snapshot from :mod:`geo.render` (legend, scale bar, north arrow, caption)
of the same extent, so the two can be compared place by place; the page adds a common title.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, replace
from typing import Final

import geopandas as gpd
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from PIL import Image

from geo import settings
from geo.filter import ProjectFilter, apply_filter
from geo.periods import period_label
from geo.render import (
    IMAGE_FORMATS,
    PRESETS,
    PageSize,
    SnapshotSpec,
    cjk_font,
    custom_page,
    default_title,
    figure_bytes,
    render_snapshot,
    snapshot_extent,
)
from i18n import t

#: Share of the page height kept for the common title.
TITLE_BAND: Final = 0.07
#: The comparison the report itself invites: its 2016–2020 review against its 2021 plan.
DEFAULT_SIDES: Final = ("2016-2020", "2021")


@dataclass(frozen=True)
class Side:
    """One panel: what it shows and its title."""

    view: ProjectFilter
    title: str


def parse_side(
    text: str, *, layers: tuple[str, ...] | None = None, statuses: tuple[str, ...] | None = None
) -> ProjectFilter:
    """A panel's view from ``"2021"`` (each project as of that year) or ``"2016-2020"``
    (projects with a milestone in that period).

    Raises
    ------
    ValueError
        Naming the text and the years the report covers.
    """
    low, high = settings.FIRST_YEAR, settings.LAST_YEAR
    match = re.fullmatch(r"\s*(\d{4})\s*(?:[-–]\s*(\d{4})\s*)?", text or "")
    first = int(match.group(1)) if match else None
    last = int(match.group(2) or match.group(1)) if match else None
    if first is None or not low <= first <= last <= high:
        raise ValueError(
            f"{text!r}: give a year ({low}..{high}, each project as of that year) or a period "
            f"FIRST-LAST, e.g. {low}-2020"
        )
    base = ProjectFilter()
    base = replace(base, layers=layers or base.layers, statuses=statuses or base.statuses)
    if match.group(2) is None:
        return replace(base, as_of=first)
    return replace(base, years=(first, last))


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
) -> bytes:
    """Render two views of ``gdf`` side by side on one page; return the file's bytes.

    Both panels share one extent (the district and every feature either side shows). In SVG
    and PDF the panels are embedded as images at the page's resolution.
    """
    if fmt not in IMAGE_FORMATS:
        raise ValueError(f"unknown image format '{fmt}'; valid: {', '.join(IMAGE_FORMATS)}")
    shown = [apply_filter(gdf, side.view) for side in sides]
    both = gpd.GeoDataFrame(geometry=[g for part in shown for g in part.geometry], crs=gdf.crs)
    extent = snapshot_extent(both, boundary)
    band = round(page.height_px * TITLE_BAND)
    panel_page = custom_page(page.width_px // 2, page.height_px - band, page.dpi)
    panels = []
    for side, part in zip(sides, shown, strict=True):
        spec = SnapshotSpec(
            view=side.view,
            page=panel_page,
            fmt="png",
            title=side.title,
            basemap=basemap,
            extent=extent,
        )
        png = render_snapshot(part, boundary, spec=spec, context=context)
        panels.append(np.asarray(Image.open(io.BytesIO(png)).convert("RGB")))
    heading = title or comparison_title(sides[0].view, sides[1].view)
    fig = Figure(figsize=page.size_in, dpi=page.dpi, facecolor="white")
    FigureCanvasAgg(fig)
    top = 1 - TITLE_BAND
    for index, image in enumerate(panels):
        ax = fig.add_axes((index / 2, 0, 0.5, top), label=f"panel-{index}")
        ax.imshow(image, interpolation="none")
        ax.set_axis_off()
    size = max(10.0, page.height_px / page.dpi * 72 * TITLE_BAND * 0.45)
    fig.text(
        0.5, 1 - TITLE_BAND / 2, heading, ha="center", va="center", fontproperties=cjk_font(size)
    )
    fig.add_artist(_divider())
    return figure_bytes(fig, fmt=fmt, title=heading)


def comparison_title(left: ProjectFilter, right: ProjectFilter, lang: str = "zh") -> str:
    """``市南区项目地图 · 2016–2020年 与 2021年 对比``: the page's title from the two views."""
    return f"{t('app.title', lang)} · " + t(
        "insight.compare.title", lang, left=_when(left, lang), right=_when(right, lang)
    )


def _when(view: ProjectFilter, lang: str) -> str:
    if view.as_of is not None:
        first = last = view.as_of
    elif view.years is not None:
        first, last = view.years
    else:
        return t("insight.compare.now", lang)
    span = period_label(first, last)
    return span if lang == "en" else f"{span}年"


def default_sides(views: tuple[ProjectFilter, ProjectFilter]) -> tuple[Side, Side]:
    """Panels titled from their filters (``市南区重点项目与城市更新 · 2016–2020年``)."""
    return Side(views[0], default_title(views[0])), Side(views[1], default_title(views[1]))


def _divider() -> Line2D:
    return Line2D([0.5, 0.5], [0.02, 1 - TITLE_BAND - 0.01], color="#999999", linewidth=0.8)
