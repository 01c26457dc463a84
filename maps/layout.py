"""Page layout of a snapshot: type sizes per preset, the map frame, and boxes inside it.

Sizes are physical per kind of page: on slides they are pixels at 1920×1080 (labels 22 px,
title 52 px, legible from the back of a meeting room); on paper they are points at the final
size (labels 7.5 pt), the same on A4 and A3, so a larger sheet shows more map, not bigger type.
The map frame takes the whole page between the title and the caption; legend, figures box,
old-city inset and scale bar sit inside it where they hide no symbol, over sea or the
neighbouring districts when they can.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Final

import numpy as np
import shapely

#: Slide type sizes in pixels of a 1080-pixel-high slide.
SLIDE_PX: Final[Mapping[str, float]] = {
    "title": 52.0,
    "label": 22.0,
    "legend": 18.0,
    "figures": 17.0,
    "caption": 16.0,
    "scalebar": 19.0,
    "context": 20.0,
    "north": 22.0,
}
#: Paper type sizes in points at the printed size (A4 and A3 alike).
PAPER_PT: Final[Mapping[str, float]] = {
    "title": 20.0,
    "label": 7.5,
    "legend": 8.0,
    "figures": 7.5,
    "caption": 6.5,
    "scalebar": 7.0,
    "context": 8.0,
    "north": 9.0,
}
#: Symbol scale (``maps.print_symbols``: 1 = a 12 pt marker) on slides at 150 dpi and on paper.
SLIDE_SYMBOL_SCALE: Final = 1.0
PAPER_SYMBOL_SCALE: Final = 0.75
#: Lines kept for the caption under the map (filters and counts, sources, furniture); a
#: narrow page with a long (English) caption gets up to ``MAX_CAPTION_LINES`` rather than type
#: too small to read.
CAPTION_LINES: Final = 3
MAX_CAPTION_LINES: Final = 6


@dataclass(frozen=True)
class Layout:
    """Where things go (figure fractions) and the type sizes (points) of one page."""

    map_rect: tuple[float, float, float, float]
    title_xy: tuple[float, float]
    text_width: float
    caption_y: float
    sizes: Mapping[str, float]
    #: Multiplies symbol sizes, line widths and halos (``maps.print_symbols``).
    scale: float
    on_paper: bool
    caption_lines: int = CAPTION_LINES


def type_sizes(page) -> tuple[dict[str, float], float, bool]:
    """Type sizes in points, the symbol scale, and whether the page is paper.

    Slides and custom sizes are sized in pixels (custom ones in proportion to their short
    side against a 1080-pixel slide); the A-series presets in points.
    """
    if page.id.startswith("a"):
        return dict(PAPER_PT), PAPER_SYMBOL_SCALE, True
    factor = 1.0
    if not page.id.startswith("slide"):
        factor = min(max(min(page.width_px, page.height_px) / 1080, 0.45), 2.0)
    pt_per_px = 72.0 / page.dpi
    sizes = {name: px * factor * pt_per_px for name, px in SLIDE_PX.items()}
    return sizes, SLIDE_SYMBOL_SCALE * factor * 150.0 / page.dpi, False


def page_layout(page, caption_lines: int = CAPTION_LINES) -> Layout:
    """Title band on top, caption band at the foot (``caption_lines`` high), the map frame
    everything between."""
    sizes, scale, on_paper = type_sizes(page)
    width, height = page.size_in
    margin = max(min(width, height) * 0.03, 0.12)
    title_band = sizes["title"] * 1.7 / 72
    caption_band = sizes["caption"] * 1.55 * caption_lines / 72 + margin * 0.4
    top = height - margin - title_band
    bottom = margin + caption_band
    map_box = (margin, bottom, width - 2 * margin, top - bottom)
    return Layout(
        map_rect=(
            map_box[0] / width,
            map_box[1] / height,
            map_box[2] / width,
            map_box[3] / height,
        ),
        title_xy=(margin / width, (height - margin - title_band * 0.5) / height),
        text_width=(width - 2 * margin) / width,
        caption_y=(bottom - margin * 0.35) / height,
        sizes=sizes,
        scale=scale,
        on_paper=on_paper,
        caption_lines=caption_lines,
    )


# Boxes inside the frame -----------------------------------------------------------------------
@dataclass(frozen=True)
class FrameContent:
    """What boxes in the frame must not hide, in display pixels."""

    #: Symbol centres and their radii (pixels).
    anchors: np.ndarray
    radii: np.ndarray
    #: The district's land on a grid of ``cell`` pixels, summed (an integral image): covering
    #: land is allowed but costs.
    land: np.ndarray
    cell: float
    #: Boxes already taken (north arrow, the old city's ground on the main map).
    taken: Sequence[tuple[float, float, float, float]] = ()
    #: Per anchor, the drawn outline of an area or the line itself (pixels; None for a point):
    #: a box over part of a 5G zone's edge hides that zone even where its marker is clear.
    outlines: np.ndarray | None = None


def _candidates(frame, width: float, height: float, margin: float):
    """Positions (lower-left corners) along the frame's edges, corners first."""
    free_w = max(frame[2] - frame[0] - 2 * margin - width, 0.0)
    free_h = max(frame[3] - frame[1] - 2 * margin - height, 0.0)
    left, bottom = frame[0] + margin, frame[1] + margin
    steps = (0.0, 1.0, 0.5, 0.25, 0.75, 0.125, 0.375, 0.625, 0.875)
    for fy in (0.0, 1.0):
        for fx in steps:
            yield left + free_w * fx, bottom + free_h * fy
    for fx in (0.0, 1.0):
        for fy in steps[2:]:
            yield left + free_w * fx, bottom + free_h * fy


def _symbols_hit(boxes: np.ndarray, content: FrameContent) -> np.ndarray:
    """(boxes × anchors) True where a box covers a symbol, even partly: its marker disc or
    any part of its outline."""
    x, y, r = content.anchors[:, 0], content.anchors[:, 1], content.radii
    hit = (
        (x[None, :] + r[None, :] > boxes[:, None, 0])
        & (x[None, :] - r[None, :] < boxes[:, None, 2])
        & (y[None, :] + r[None, :] > boxes[:, None, 1])
        & (y[None, :] - r[None, :] < boxes[:, None, 3])
    )
    if content.outlines is not None:
        drawn = np.flatnonzero(~shapely.is_missing(content.outlines))
        if len(drawn):
            tree = shapely.STRtree(content.outlines[drawn])
            box_index, outline_index = tree.query(
                shapely.box(boxes[:, 0], boxes[:, 1], boxes[:, 2], boxes[:, 3]),
                predicate="intersects",
            )
            hit[box_index, drawn[outline_index]] = True
    return hit


def land_grid(district, frame, cell: float) -> np.ndarray:
    """The district (pixels) sampled at cell centres over ``frame``, as an integral image."""
    xs = np.arange(frame[0] + cell / 2, frame[2], cell)
    ys = np.arange(frame[1] + cell / 2, frame[3], cell)
    gx, gy = np.meshgrid(xs, ys)
    inside = shapely.contains_xy(district, gx, gy).astype(float)
    return np.pad(inside.cumsum(0).cumsum(1), ((1, 0), (1, 0)))


def _land_shares(boxes: np.ndarray, frame, content: FrameContent) -> np.ndarray:
    """Share of each box (n × 4, pixels) over the district's land, from the integral image."""
    grid, cell = content.land, content.cell
    rows, cols = grid.shape[0] - 1, grid.shape[1] - 1
    c0, c1 = (np.clip(((boxes[:, i] - frame[0]) / cell).astype(int), 0, cols) for i in (0, 2))
    r0, r1 = (np.clip(((boxes[:, i] - frame[1]) / cell).astype(int), 0, rows) for i in (1, 3))
    cells = np.maximum((c1 - c0) * (r1 - r0), 1)
    return (grid[r1, c1] - grid[r0, c1] - grid[r1, c0] + grid[r0, c0]) / cells


def place_box(
    frame: tuple[float, float, float, float],
    size: tuple[float, float],
    content: FrameContent,
    *,
    margin: float,
    taken: Sequence[tuple[float, float, float, float]] = (),
    top_right_first: bool = False,
) -> tuple[tuple[float, float, float, float], int]:
    """The box of ``size`` along the frame's edges that hides the fewest symbols, overlaps no
    taken box, and covers the least of the district; and how many symbols it hides (plus
    1000 when every place overlaps a taken box). Ties go to the first place tried: the lower
    left, or the upper right (for the north arrow)."""
    width, height = size
    places = np.array(list(_candidates(frame, width, height, margin)), dtype=float)
    if top_right_first:
        places = places[np.lexsort((-places[:, 0], -places[:, 1]))]
    boxes = np.column_stack([places, places + (width, height)])
    blockers = np.array([*content.taken, *taken], dtype=float).reshape(-1, 4)
    clash = (
        (blockers[None, :, 0] < boxes[:, None, 2])
        & (blockers[None, :, 2] > boxes[:, None, 0])
        & (blockers[None, :, 1] < boxes[:, None, 3])
        & (blockers[None, :, 3] > boxes[:, None, 1])
    ).any(axis=1)
    hidden = np.zeros(len(boxes), dtype=int)
    if len(content.anchors):
        hidden = _symbols_hit(boxes, content).sum(axis=1)
    land = np.round(_land_shares(boxes, frame, content), 2)
    # Lexicographic: no clash, then fewest hidden, then least land; stable, so ties keep order.
    best = np.lexsort((land, hidden, clash))[0]
    return tuple(float(v) for v in boxes[best]), int(hidden[best] + 1000 * clash[best])
