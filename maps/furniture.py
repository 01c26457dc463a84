"""Map furniture: the segmented scale bar in true metres, the north arrow turned by the
grid convergence, the numeric scale 1:n.
"""

from __future__ import annotations

import functools
import math

from matplotlib.axes import Axes
from matplotlib.patches import Polygon, Rectangle
from matplotlib.transforms import Affine2D, ScaledTranslation

from geo import settings
from maps import scalebar
from maps.extent import transformer
from maps.fonts import (
    TEXT_COLOR,
    cjk_font,
    text_size_px,
)


def draw_scalebar(ax: Axes, origin, *, size: float, renderer) -> scalebar.ScaleBar:
    """The segmented bar (0–1–2 km) in true metres: the axes are EPSG:4549 (1 unit = 1 m)."""
    return scalebar.draw_scale_bar(
        ax,
        origin,
        font=cjk_font(size),
        text_size=functools.partial(text_px, size=size, renderer=renderer),
        px_per_pt=renderer.points_to_pixels(1.0),
    )


def text_px(text: str, *, size: float, renderer) -> tuple[float, float]:
    return text_size_px(text, size, renderer)


def grid_convergence(xlim, ylim) -> float:
    """Angle in degrees from grid north to true north at the map's centre, clockwise.

    East of the grid's central meridian (120°E) true north points a little west of grid
    north, so the angle is negative (about -0.2° in Shinan).
    """
    to_lonlat = transformer(settings.METRIC_CRS, settings.STORAGE_CRS)
    to_metric = transformer(settings.STORAGE_CRS, settings.METRIC_CRS)
    cx, cy = sum(xlim) / 2, sum(ylim) / 2
    lon, lat = to_lonlat.transform(cx, cy)
    nx, ny = to_metric.transform(lon, lat + 0.01)
    return math.degrees(math.atan2(nx - cx, ny - cy))


def draw_north_arrow(ax: Axes, xlim, ylim, *, size: float, at=(0.955, 0.9)) -> None:
    """A two-tone arrow pointing to true north, its foot at ``at`` (axes fraction)."""
    # Shape in units of ``size`` points, placed at a fixed spot of the axes.
    place = (
        Affine2D().rotate_deg(grid_convergence(xlim, ylim)).scale(size / 72.0)
        + ax.figure.dpi_scale_trans
        + ScaledTranslation(*at, ax.transAxes)
    )
    ax.add_patch(
        Rectangle(
            (-1.1, -1.4),
            2.2,
            4.6,
            transform=place,
            facecolor="white",
            alpha=0.85,
            edgecolor="none",
            zorder=9.5,
            clip_on=False,
        )
    )
    halves = (
        ([(0, 1.6), (-0.6, -0.9), (0, -0.4)], TEXT_COLOR),
        ([(0, 1.6), (0.6, -0.9), (0, -0.4)], "white"),
    )
    for points, color in halves:
        ax.add_patch(
            Polygon(
                points,
                closed=True,
                facecolor=color,
                edgecolor=TEXT_COLOR,
                linewidth=0.8,
                transform=place,
                zorder=10,
                clip_on=False,
            )
        )
    ax.text(
        0,
        2.4,
        "N",
        transform=place,
        ha="center",
        va="center",
        fontproperties=cjk_font(size * 1.1),
        color=TEXT_COLOR,
        zorder=10,
        parse_math=False,
    )


def numeric_scale(ax: Axes, renderer) -> int:
    """The printed map's scale denominator (1:n): ground metres per metre of paper, rounded to
    three significant figures. Only paper has a size; slides get a scale bar alone."""
    frame = ax.get_window_extent(renderer)
    paper_m = frame.width / ax.figure.dpi * 0.0254
    ground_m = abs(ax.get_xlim()[1] - ax.get_xlim()[0])
    n = ground_m / paper_m
    step = 10 ** max(int(math.log10(n)) - 2, 0)
    return int(round(n / step) * step)
