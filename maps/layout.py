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
#: Lines kept for the caption under the map (filters and counts, sources, furniture).
CAPTION_LINES: Final = 3


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


def page_layout(page) -> Layout:
    """Title band on top, caption band at the foot, the map frame everything between."""
    sizes, scale, on_paper = type_sizes(page)
    width, height = page.size_in
    margin = max(min(width, height) * 0.03, 0.12)
    title_band = sizes["title"] * 1.7 / 72
    caption_band = sizes["caption"] * 1.5 * CAPTION_LINES / 72 + margin * 0.4
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


def hidden_by(box: tuple[float, float, float, float], content: FrameContent) -> int:
    """How many symbols ``box`` covers, even partly."""
    if not len(content.anchors):
        return 0
    x, y, r = content.anchors[:, 0], content.anchors[:, 1], content.radii
    hit = (x + r > box[0]) & (x - r < box[2]) & (y + r > box[1]) & (y - r < box[3])
    return int(hit.sum())


def land_grid(district, frame, cell: float) -> np.ndarray:
    """The district (pixels) sampled at cell centres over ``frame``, as an integral image."""
    xs = np.arange(frame[0] + cell / 2, frame[2], cell)
    ys = np.arange(frame[1] + cell / 2, frame[3], cell)
    gx, gy = np.meshgrid(xs, ys)
    inside = shapely.contains_xy(district, gx, gy).astype(float)
    return np.pad(inside.cumsum(0).cumsum(1), ((1, 0), (1, 0)))


def _land_share(box, frame, content: FrameContent) -> float:
    grid, cell = content.land, content.cell
    rows, cols = grid.shape[0] - 1, grid.shape[1] - 1
    c0, c1 = (min(max(int((v - frame[0]) / cell), 0), cols) for v in (box[0], box[2]))
    r0, r1 = (min(max(int((v - frame[1]) / cell), 0), rows) for v in (box[1], box[3]))
    cells = max((c1 - c0) * (r1 - r0), 1)
    return float(grid[r1, c1] - grid[r0, c1] - grid[r1, c0] + grid[r0, c0]) / cells


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
    taken box, and covers the least of the district; and how many symbols it hides. Ties go
    to the first place tried: the lower left, or the upper right (for the north arrow)."""
    width, height = size
    best = None
    blockers = [*content.taken, *taken]
    places = list(_candidates(frame, width, height, margin))
    if top_right_first:
        places.sort(key=lambda p: (-p[1], -p[0]))
    for x0, y0 in places:
        box = (x0, y0, x0 + width, y0 + height)
        clash = any(
            b[0] < box[2] and b[2] > box[0] and b[1] < box[3] and b[3] > box[1] for b in blockers
        )
        hidden = hidden_by(box, content)
        cost = (clash, hidden, round(_land_share(box, frame, content), 2))
        if best is None or cost < best[0]:
            best = (cost, box)
    (clash, hidden, _), box = best
    return box, hidden + 1000 * clash
