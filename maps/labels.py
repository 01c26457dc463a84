"""Feature labels for static maps that never pile up: greedy placement around each anchor.

Labels are placed in priority order. Each tries positions beside its anchor, then further out
with a thin leader line; a label that fits nowhere (it would overlap another label, a point
symbol, a reserved corner or the frame) is left out and reported, never drawn on top.

Rules a reader relies on, each checked for every candidate: a label without a leader sits
nearer its own feature than any other; a leader never passes through a label, nor crosses
another leader, and no label is put over a leader already drawn.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from matplotlib.axes import Axes
from matplotlib.backend_bases import RendererBase
from matplotlib.font_manager import FontProperties
from matplotlib.patheffects import withStroke

#: Directions tried, in order of preference (right, left, above, below, then diagonals).
_NEAR = ((1, 0), (-1, 0), (0, 1), (0, -1), (1, 1), (-1, 1), (1, -1), (-1, -1))
#: Further rings (multiples of the label height) tried with a leader line.
_RINGS = (2.2, 3.6, 5.5, 8.0)
_FAR_ANGLES = tuple(range(0, 360, 30))


@dataclass(frozen=True)
class LabelRequest:
    """One label: its text, its anchor and the footprint of its symbol (data coordinates)."""

    key: str
    text: str
    x: float
    y: float
    #: Bounds (x0, y0, x1, y1) of the feature's symbol; labels go beside it, never on it,
    #: unless it is an area large enough to hold the label.
    footprint: tuple[float, float, float, float]
    #: Extra room around the footprint in points (a point symbol's radius).
    clearance_pt: float = 0.0
    #: Areas may hold their label on the anchor itself, when large enough.
    inside: bool = False


@dataclass(frozen=True)
class LabelPlacement:
    """The outcome: which labels were drawn and which had no room."""

    placed: tuple[str, ...]
    omitted: tuple[str, ...]
    #: The placed labels joined to their feature by a leader line.
    with_leader: tuple[str, ...] = ()


def place_labels(
    ax: Axes,
    requests: Sequence[LabelRequest],
    *,
    renderer: RendererBase,
    font: FontProperties,
    obstacles: Sequence[tuple[float, float, float, float]] = (),
    color: str = "#1a1a1a",
    halo_pt: float = 2.4,
    margin_pt: float = 3.0,
    neighbours: Sequence[tuple[float, float]] = (),
) -> LabelPlacement:
    """Draw as many labels as fit without overlapping, in the order given.

    Parameters
    ----------
    ax
        The map axes, with its limits already set.
    requests
        Labels in priority order.
    renderer
        Used to measure text; sizes are taken at the figure's dpi.
    font
        The label font (family and size).
    obstacles
        Display-pixel boxes (x0, y0, x1, y1) no label may cover. The footprints of the
        requests themselves are added, except areas that can hold their own label.
    neighbours
        Anchors (data coordinates) of features drawn but labelled elsewhere (in an inset): a
        label without a leader must still sit nearer its own feature than these.
    """
    px_per_pt = ax.figure.dpi / 72.0
    frame = ax.get_window_extent(renderer)
    pad = margin_pt * px_per_pt
    limits = (frame.x0 + pad, frame.y0 + pad, frame.x1 - pad, frame.y1 - pad)
    # A footprint is cut to the frame, so that a leader never points past its edge.
    sized = [
        (r, _measure(renderer, r.text, font), _clip(_footprint_px(ax, r, px_per_pt), frame))
        for r in requests
    ]
    taken = _Boxes([*obstacles, *(box for r, size, box in sized if not _holds(r, box, size))])
    # Leaders may pass over symbols, never through another label or across another leader.
    labels = _Boxes([])
    drawn = _Drawn(
        labels=labels,
        leaders=[],
        anchors=ax.transData.transform(
            [(r.x, r.y) for r in requests] + [tuple(n) for n in neighbours]
        ).reshape(-1, 2),
    )
    to_data = ax.transData.inverted()
    placed, omitted, with_leader = [], [], []
    for index, (request, (width, height), footprint) in enumerate(sized):
        anchor = drawn.anchors[index]
        inside = _holds(request, footprint, (width, height))
        spot = _find_spot(
            anchor, footprint, inside, (width, height), px_per_pt, limits, (taken, drawn, index)
        )
        if spot is None:
            omitted.append(request.key)
            continue
        cx, cy, leader = spot
        box = (cx - width / 2, cy - height / 2, cx + width / 2, cy + height / 2)
        taken.add(box)
        labels.add(box)
        x, y = to_data.transform((cx, cy))
        ax.text(
            x,
            y,
            request.text,
            fontproperties=font,
            color=color,
            ha="center",
            va="center",
            zorder=9,
            path_effects=[withStroke(linewidth=halo_pt, foreground="white")],
            parse_math=False,
        )
        if leader:
            drawn.leaders.append(_leader_ends(footprint, box))
            with_leader.append(request.key)
            _draw_leader(ax, to_data, footprint, box)
        placed.append(request.key)
    return LabelPlacement(tuple(placed), tuple(omitted), tuple(with_leader))


def _measure(renderer: RendererBase, text: str, font: FontProperties) -> tuple[float, float]:
    width, height, _descent = renderer.get_text_width_height_descent(text, font, ismath=False)
    return width + 2.0, height + 2.0


def _footprint_px(ax: Axes, request: LabelRequest, px_per_pt: float):
    (x0, y0), (x1, y1) = ax.transData.transform([request.footprint[:2], request.footprint[2:]])
    grow = request.clearance_pt * px_per_pt
    return min(x0, x1) - grow, min(y0, y1) - grow, max(x0, x1) + grow, max(y0, y1) + grow


def _clip(box, frame) -> tuple[float, float, float, float]:
    x0, y0, x1, y1 = box
    return (
        min(max(x0, frame.x0), frame.x1),
        min(max(y0, frame.y0), frame.y1),
        max(min(x1, frame.x1), frame.x0),
        max(min(y1, frame.y1), frame.y0),
    )


def _holds(request: LabelRequest, box, size: tuple[float, float]) -> bool:
    """True for an area whose footprint is clearly larger than its label."""
    width, height = size
    return request.inside and box[2] - box[0] > 1.2 * width and box[3] - box[1] > 1.6 * height


def _candidates(anchor, box, inside: bool, width: float, height: float, gap: float):
    """Candidate label centres (pixels) around the footprint, and whether a leader shows."""
    if inside:
        yield anchor[0], anchor[1], False
    ax_, ay = anchor
    for dx, dy in _NEAR:
        cx = ax_ if dx == 0 else (box[2] + gap + width / 2 if dx > 0 else box[0] - gap - width / 2)
        cy = ay if dy == 0 else (box[3] + gap + height / 2 if dy > 0 else box[1] - gap - height / 2)
        yield cx, cy, False
    half_w, half_h = (box[2] - box[0]) / 2, (box[3] - box[1]) / 2
    for ring in _RINGS:
        reach = gap + ring * height
        for angle in _FAR_ANGLES:
            ux, uy = math.cos(math.radians(angle)), math.sin(math.radians(angle))
            cx = (box[0] + box[2]) / 2 + ux * (half_w + reach + width / 2)
            cy = (box[1] + box[3]) / 2 + uy * (half_h + reach + height / 2)
            yield cx, cy, True


@dataclass
class _Drawn:
    """What is on the map so far: label boxes, leader segments, every feature's anchor (px)."""

    labels: _Boxes
    leaders: list
    anchors: np.ndarray


def _find_spot(anchor, footprint, inside, size, px_per_pt, limits, state):
    """The first candidate centre whose box and leader keep every rule (module docstring)."""
    (width, height), (taken, drawn, index) = size, state
    x0, y0, x1, y1 = limits
    gap = 2.0 * px_per_pt
    others = np.delete(drawn.anchors, index, axis=0)
    for cx, cy, leader in _candidates(anchor, footprint, inside, width, height, gap):
        box = (cx - width / 2, cy - height / 2, cx + width / 2, cy + height / 2)
        if box[0] < x0 or box[1] < y0 or box[2] > x1 or box[3] > y1:
            continue
        if taken.overlaps(box) or any(_Boxes([box]).crossed(*seg) for seg in drawn.leaders):
            continue
        if leader:
            ends = _leader_ends(footprint, box)
            if drawn.labels.crossed(*ends) or any(_cross(ends, seg) for seg in drawn.leaders):
                continue
        elif len(others) and _box_distance(box, anchor) > _box_distance(box, others).min():
            continue  # it would read as another feature's label
        return cx, cy, leader
    return None


def _box_distance(box, points) -> np.ndarray | float:
    """Distance from a pixel box to each point (0 inside)."""
    pts = np.asarray(points, dtype=float).reshape(-1, 2)
    dx = np.maximum.reduce([box[0] - pts[:, 0], np.zeros(len(pts)), pts[:, 0] - box[2]])
    dy = np.maximum.reduce([box[1] - pts[:, 1], np.zeros(len(pts)), pts[:, 1] - box[3]])
    distance = np.hypot(dx, dy)
    return distance if np.ndim(points) > 1 else float(distance[0])


def _cross(first, second) -> bool:
    """True when two segments properly intersect (touching ends do not count)."""
    (ax_, ay), (bx, by) = first
    (cx, cy), (dx, dy) = second

    def side(px, py, qx, qy, rx, ry) -> float:
        return (qx - px) * (ry - py) - (qy - py) * (rx - px)

    d1, d2 = side(cx, cy, dx, dy, ax_, ay), side(cx, cy, dx, dy, bx, by)
    d3, d4 = side(ax_, ay, bx, by, cx, cy), side(ax_, ay, bx, by, dx, dy)
    return d1 * d2 < 0 and d3 * d4 < 0


def _leader_ends(footprint, box) -> tuple[tuple[float, float], tuple[float, float]]:
    """Where a leader starts (on the footprint's box) and ends (on the label's box)."""
    cx, cy = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
    start = (min(max(cx, footprint[0]), footprint[2]), min(max(cy, footprint[1]), footprint[3]))
    end = (min(max(start[0], box[0]), box[2]), min(max(start[1], box[1]), box[3]))
    return start, end


def _draw_leader(ax: Axes, to_data, footprint, box) -> None:
    """A thin line from the symbol's footprint to the nearest point of the label's box."""
    start, end = _leader_ends(footprint, box)
    if math.dist(start, end) < 1.0:
        return
    (sx, sy), (ex, ey) = to_data.transform([start, end])
    ax.plot([sx, ex], [sy, ey], color="#555555", linewidth=0.6, zorder=8, solid_capstyle="round")


class _Boxes:
    """Taken display boxes, checked for overlap with numpy."""

    def __init__(self, boxes: Sequence[tuple[float, float, float, float]]) -> None:
        self._boxes = np.array(list(boxes), dtype=float).reshape(-1, 4)

    def add(self, box: tuple[float, float, float, float]) -> None:
        self._boxes = np.vstack([self._boxes, np.asarray(box, dtype=float)[None, :]])

    def crossed(self, start: tuple[float, float], end: tuple[float, float]) -> bool:
        """True when the segment passes through a taken box (sampled every few pixels)."""
        steps = max(2, int(math.dist(start, end) // 3))
        t = np.linspace(0.0, 1.0, steps)[1:-1, None]
        points = np.asarray(start) + t * (np.asarray(end) - np.asarray(start))
        b = self._boxes[:, None, :]
        inside = (b[..., 0] < points[:, 0]) & (points[:, 0] < b[..., 2])
        inside &= (b[..., 1] < points[:, 1]) & (points[:, 1] < b[..., 3])
        return bool(inside.any())

    def overlaps(self, box: tuple[float, float, float, float]) -> bool:
        b = self._boxes
        hit = (b[:, 0] < box[2]) & (b[:, 2] > box[0]) & (b[:, 1] < box[3]) & (b[:, 3] > box[1])
        return bool(hit.any())
