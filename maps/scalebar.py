"""A segmented scale bar (0–1–2 km): alternating black and white blocks in true metres.

The map axes are in EPSG:4549, where one data unit is one metre, so a block of ``n`` metres is
``n`` data units long. The bar is drawn in pixels inside a white box; the corner it takes is
chosen by the caller (the one that hides no symbol).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Final

import numpy as np
from matplotlib.axes import Axes
from matplotlib.font_manager import FontProperties
from matplotlib.patches import Rectangle

#: Block lengths a reader can add up in their head (metres).
_NICE_BLOCKS: Final = (10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 2500, 5000, 10000, 20000)
#: Share of the frame's width the whole bar aims at.
_TARGET_SHARE: Final = 0.2
TEXT_COLOR: Final = "#1a1a1a"


@dataclass(frozen=True)
class ScaleBar:
    """What was drawn: block length (m), block count, and the pixel boxes of bar and box."""

    block_m: float
    blocks: int
    #: Pixels per metre the bar was drawn at.
    px_per_m: float
    #: The bar itself (x0, y0, x1, y1), display pixels.
    bar: tuple[float, float, float, float]
    #: The white box around bar and numbers (x0, y0, x1, y1), display pixels.
    box: tuple[float, float, float, float]
    labels: tuple[str, ...]

    @property
    def length_m(self) -> float:
        return self.block_m * self.blocks


def choose_blocks(
    frame_m: float, *, share: float = _TARGET_SHARE, min_block_m: float = 0.0
) -> tuple[float, int]:
    """Block length (m) and count (2–4) whose total is nearest ``share`` of ``frame_m``;
    blocks at least ``min_block_m`` long, so that their numbers do not run together.

    >>> choose_blocks(12000)
    (1000, 2)
    >>> choose_blocks(2400)
    (250, 2)
    """
    target = frame_m * share
    best = None
    for block in (b for b in _NICE_BLOCKS if b >= min_block_m or b == _NICE_BLOCKS[-1]):
        for count in (2, 3, 4):
            miss = abs(block * count - target) / target
            # Prefer two blocks (0–1–2) unless more blocks get clearly closer to the aim.
            cost = miss + 0.04 * (count - 2)
            if best is None or cost < best[0]:
                best = (cost, block, count)
    return best[1], best[2]


def _tick_labels(block_m: float, blocks: int) -> tuple[str, ...]:
    in_km = block_m * blocks >= 1000
    values = [block_m * i / (1000 if in_km else 1) for i in range(blocks + 1)]
    texts = [f"{v:g}" for v in values]
    texts[-1] += " km" if in_km else " m"
    return tuple(texts)


def measure(
    ax: Axes,
    *,
    font: FontProperties,
    text_size: Callable[[str], tuple[float, float]],
    px_per_pt: float,
) -> tuple[float, float, tuple[float, int], float]:
    """Width and height (pixels) of the scale bar's box, its blocks and pixels per metre."""
    frame = ax.get_window_extent()
    px_per_m = frame.width / float(np.ptp(ax.get_xlim()))
    # Room for a four-digit number and a space under each block.
    min_block_m = text_size("0000")[0] * 1.2 / px_per_m
    block_m, blocks = choose_blocks(float(np.ptp(ax.get_xlim())), min_block_m=min_block_m)
    labels = _tick_labels(block_m, blocks)
    first_w = text_size(labels[0])[0]
    last_w, text_h = text_size(labels[-1])
    last_number_w = text_size(labels[-1].split(" ")[0])[0]
    pad = font.get_size_in_points() * 0.6 * px_per_pt
    bar_w = block_m * blocks * px_per_m
    width = pad * 2 + first_w / 2 + bar_w + last_w - last_number_w / 2
    height = pad * 2 + text_h + font.get_size_in_points() * 0.9 * px_per_pt
    return width, height, (block_m, blocks), px_per_m


def draw_scale_bar(
    ax: Axes,
    origin: tuple[float, float],
    *,
    font: FontProperties,
    text_size: Callable[[str], tuple[float, float]],
    px_per_pt: float,
    zorder: float = 10.5,
) -> ScaleBar:
    """Draw the bar in a white box whose lower-left corner is ``origin`` (display pixels)."""
    width, height, (block_m, blocks), px_per_m = measure(
        ax, font=font, text_size=text_size, px_per_pt=px_per_pt
    )
    labels = _tick_labels(block_m, blocks)
    size_pt = font.get_size_in_points()
    pad = size_pt * 0.6 * px_per_pt
    bar_h = size_pt * 0.45 * px_per_pt
    x0, y0 = origin
    to_axes = ax.transAxes.inverted()

    def rect(px0, py0, px1, py1, **style):
        (ax0, ay0), (ax1, ay1) = to_axes.transform([(px0, py0), (px1, py1)])
        ax.add_patch(
            Rectangle(
                (ax0, ay0), ax1 - ax0, ay1 - ay0, transform=ax.transAxes, zorder=zorder, **style
            )
        )

    rect(x0, y0, x0 + width, y0 + height, facecolor="white", alpha=0.88, edgecolor="none")
    bar_x0 = x0 + pad + text_size(labels[0])[0] / 2
    bar_y0 = y0 + pad
    block_px = block_m * px_per_m
    line = max(0.6 * px_per_pt * size_pt / 9, 1.0)
    for i in range(blocks):
        rect(
            bar_x0 + i * block_px,
            bar_y0,
            bar_x0 + (i + 1) * block_px,
            bar_y0 + bar_h,
            facecolor=TEXT_COLOR if i % 2 == 0 else "white",
            edgecolor=TEXT_COLOR,
            linewidth=line / px_per_pt,
        )
    for i, text in enumerate(labels):
        # The unit hangs right of the last number, so "2 km" is centred on its number.
        number_w = text_size(text.split(" ")[0])[0]
        tick_x = bar_x0 + i * block_px
        ax_x, ax_y = to_axes.transform((tick_x - number_w / 2, bar_y0 + bar_h + pad * 0.4))
        ax.text(
            ax_x,
            ax_y,
            text,
            transform=ax.transAxes,
            fontproperties=font,
            ha="left",
            va="bottom",
            color=TEXT_COLOR,
            zorder=zorder + 0.1,
            parse_math=False,
        )
    bar = (bar_x0, bar_y0, bar_x0 + blocks * block_px, bar_y0 + bar_h)
    return ScaleBar(block_m, blocks, px_per_m, bar, (x0, y0, x0 + width, y0 + height), labels)
