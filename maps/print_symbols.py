"""``layers.symbols`` drawn with matplotlib: the printed map speaks the live map's language.

Shape (point marker, small marker on areas and lines) and hatch say the layer; colour says the
status, with a white bar inside "under construction" and a white dot inside "open" so statuses
stay apart in greyscale; hollow with a dashed outline says "target or planned, not achieved";
a smaller symbol inside a dotted grey ring says "schematic position". Sizes are in points,
scaled by the page's ``scale``.
"""

from __future__ import annotations

from typing import Final

import numpy as np
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection, PatchCollection
from matplotlib.patches import PathPatch
from matplotlib.path import Path as MplPath

from layers import LAYERS
from layers.symbols import (
    AREA_MARKER_SIZE,
    HOLLOW_DASH,
    MARKER_SIZE,
    SCHEMATIC_DASH,
    SCHEMATIC_MARKER_SIZE,
    SCHEMATIC_RING,
    Symbol,
)

#: ``layers.symbols`` marker shapes as matplotlib markers.
MPL_MARKERS: Final[dict[str, str]] = {
    "circle": "o",
    "square": "s",
    "triangle": "^",
    "diamond": "D",
    "hexagon": "h",
}
#: Points per web pixel of the live map's sizes at page scale 1 (as ``geo.render``).
POINTS_PER_WEB_PX: Final = 0.6
#: matplotlib draws a square/diamond marker larger than a circle of the same size: even out.
_SHAPE_FACTOR: Final = {
    "circle": 1.0,
    "square": 0.86,
    "triangle": 1.05,
    "diamond": 0.8,
    "hexagon": 1.0,
}
OUTLINE: Final = "#1a1a1a"


def marker_size_pt(symbol: Symbol, scale: float, *, area_marker: bool = False) -> float:
    """Marker diameter in points: located, schematic, or the small marker on an area/line."""
    if area_marker:
        web = AREA_MARKER_SIZE
    else:
        web = SCHEMATIC_MARKER_SIZE if symbol.schematic else MARKER_SIZE
    return web * POINTS_PER_WEB_PX * scale * _SHAPE_FACTOR[symbol.shape]


def dashes(dash_array: str | None, width: float):
    """A dash array in points as a matplotlib line style (matplotlib scales it by ``width``)."""
    if not dash_array:
        return "solid"
    values = [float(v) / max(width, 0.1) for v in dash_array.replace(",", " ").split()]
    return 0, tuple(max(v, 0.1) for v in values)


def rgba(color: str, alpha: float = 1.0) -> tuple[float, float, float, float]:
    color = color.lstrip("#")
    r, g, b = (int(color[i : i + 2], 16) / 255 for i in (0, 2, 4))
    return r, g, b, alpha


def draw_markers(
    ax: Axes, xy: np.ndarray, symbol: Symbol, *, size_pt: float, zorder: float, **kwargs
) -> None:
    """Markers of ``symbol`` at ``xy`` (n × 2, data units), ``size_pt`` across.

    ``kwargs`` go to ``scatter`` (e.g. ``transform``, ``clip_on`` for a legend swatch).
    """
    if not len(xy):
        return
    marker = MPL_MARKERS[symbol.shape]
    area = size_pt**2
    alpha = 0.85 if symbol.schematic else 1.0
    if symbol.schematic:
        ring_d = size_pt * 1.45
        ax.scatter(
            xy[:, 0],
            xy[:, 1],
            s=ring_d**2,
            marker="o",
            facecolors="none",
            edgecolors=[rgba(SCHEMATIC_RING, 0.9)],
            linewidths=size_pt * 0.09,
            linestyles=[(0, (1.0, 1.4))],
            zorder=zorder,
            **kwargs,
        )
    if symbol.hollow:
        width = size_pt * 0.14
        ax.scatter(
            xy[:, 0],
            xy[:, 1],
            s=area,
            marker=marker,
            facecolors=["white"],
            edgecolors=[rgba(symbol.color, alpha)],
            linewidths=width,
            linestyles=[(0, (1.6, 1.0))],
            zorder=zorder + 0.01,
            **kwargs,
        )
        # The status mark in the status colour: hollow statuses still differ in greyscale.
        _draw_status_mark(
            ax, xy, symbol, size_pt=size_pt, zorder=zorder + 0.02, color=symbol.color, **kwargs
        )
        return
    ax.scatter(
        xy[:, 0],
        xy[:, 1],
        s=area,
        marker=marker,
        facecolors=[rgba(symbol.color, alpha)],
        edgecolors=[rgba(OUTLINE, alpha)],
        linewidths=size_pt * 0.065,
        zorder=zorder + 0.01,
        **kwargs,
    )
    _draw_status_mark(ax, xy, symbol, size_pt=size_pt, zorder=zorder + 0.02, **kwargs)


def _draw_status_mark(
    ax: Axes, xy, symbol: Symbol, *, size_pt: float, zorder: float, color="white", **kwargs
):
    """The white bar ("under construction") or dot ("open") that reads in greyscale."""
    if symbol.status == "under_construction":
        ax.scatter(
            xy[:, 0],
            xy[:, 1],
            s=(size_pt * 0.5) ** 2,
            marker="_",
            color=color,
            linewidths=size_pt * 0.13,
            zorder=zorder,
            **kwargs,
        )
    elif symbol.status == "open":
        ax.scatter(
            xy[:, 0],
            xy[:, 1],
            s=(size_pt * 0.3) ** 2,
            marker="o",
            facecolors=color,
            edgecolors="none",
            zorder=zorder,
            **kwargs,
        )


def area_style(symbol: Symbol, scale: float) -> dict:
    """Patch options for an area of ``symbol``: layer hatch in the status colour."""
    width = symbol.weight * POINTS_PER_WEB_PX * scale
    hatch = LAYERS[symbol.layer].hatch or None
    if symbol.schematic:
        return {
            "facecolor": (1, 1, 1, 0.0),
            "edgecolor": rgba(symbol.color, 0.7),
            "linewidth": 2.0 * POINTS_PER_WEB_PX * scale,
            "linestyle": dashes(SCHEMATIC_DASH, 2.0 * POINTS_PER_WEB_PX * scale),
            "hatch": None,
        }
    if symbol.hollow:
        return {
            "facecolor": (1, 1, 1, 0.35),
            "edgecolor": rgba(symbol.color, 0.95),
            "linewidth": width,
            "linestyle": dashes(symbol.dash_array or HOLLOW_DASH, width),
            "hatch": None,
        }
    return {
        "facecolor": rgba(symbol.color, symbol.fill_opacity * 0.8),
        "edgecolor": rgba(symbol.color, 0.95),
        "linewidth": width,
        "linestyle": dashes(symbol.dash_array, width),
        "hatch": hatch,
    }


def draw_areas(ax: Axes, paths: list[MplPath], symbol: Symbol, *, scale: float, zorder: float):
    """Areas of one symbol; the hatch is drawn in the status colour, the outline over it."""
    if not paths:
        return
    style = area_style(symbol, scale)
    hatch = style.pop("hatch")
    patches = [PathPatch(p) for p in paths]
    collection = PatchCollection(
        patches, capstyle="round", joinstyle="round", zorder=zorder, **style
    )
    if hatch:
        collection.set_hatch(hatch)
        collection.set_hatch_linewidth(0.9 * scale)
        collection.set_hatchcolor(rgba(symbol.color, 0.9))
    ax.add_collection(collection)


def line_style(symbol: Symbol, scale: float) -> dict:
    width = symbol.weight * POINTS_PER_WEB_PX * scale * 1.3
    if symbol.schematic:
        dash = SCHEMATIC_DASH
    elif symbol.hollow:
        dash = symbol.dash_array or HOLLOW_DASH
    else:
        dash = symbol.dash_array
    return {
        "colors": [rgba(symbol.color, 0.7 if symbol.schematic else 0.95)],
        "linewidths": width,
        "linestyles": [dashes(dash, width)],
    }


def draw_lines(ax: Axes, lines: list[np.ndarray], symbol: Symbol, *, scale: float, zorder: float):
    if not lines:
        return
    collection = LineCollection(lines, zorder=zorder, **line_style(symbol, scale))
    collection.set_capstyle("round")
    ax.add_collection(collection)
