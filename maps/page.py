"""Output sizes: the slide and paper presets, custom pages, and the pixel budget."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Final

from geo import settings


@dataclass(frozen=True)
class PageSize:
    """An output size in pixels at a resolution; inches follow (``width_px / dpi``)."""

    id: str
    label: str
    width_px: int
    height_px: int
    dpi: int

    def __post_init__(self) -> None:
        problems = []
        if not 200 <= self.width_px <= 20000 or not 200 <= self.height_px <= 20000:
            problems.append(f"size {self.width_px}x{self.height_px} px (give 200-20000 each)")
        if not 50 <= self.dpi <= 1200:
            problems.append(f"dpi {self.dpi} (give 50-1200)")
        if self.width_px * self.height_px > settings.MAX_IMAGE_PIXELS:
            pixels, limit = self.width_px * self.height_px, settings.MAX_IMAGE_PIXELS / 1e6
            problems.append(f"{pixels:,} pixels (at most {limit:g} million)")
        if not problems and min(self.size_in) < settings.MIN_PAGE_INCHES:
            # Title, legend and caption need room: a tiny page at a high dpi has no map left.
            most = math.floor(min(self.width_px, self.height_px) / settings.MIN_PAGE_INCHES)
            problems.append(
                f"{self.width_px}x{self.height_px} px at {self.dpi} dpi is only "
                f"{self.size_in[0]:.1f}x{self.size_in[1]:.1f} inches (give at least "
                f"{settings.MIN_PAGE_INCHES:g} inches a side: dpi up to {most}, or more pixels)"
            )
        if problems:
            raise ValueError(f"page '{self.id}': invalid {'; '.join(problems)}")

    @property
    def size_in(self) -> tuple[float, float]:
        return self.width_px / self.dpi, self.height_px / self.dpi

    @property
    def landscape(self) -> bool:
        return self.width_px >= self.height_px


#: Output presets. Paper sizes are at 300 dpi (A4 = 210 x 297 mm = 2480 x 3508 px).
PRESETS: Final[dict[str, PageSize]] = {
    p.id: p
    for p in (
        PageSize("slide-16x9", "16:9 幻灯片 slide (1920×1080)", 1920, 1080, 150),
        PageSize("slide-4x3", "4:3 幻灯片 slide (1440×1080)", 1440, 1080, 150),
        PageSize("a4-portrait", "A4 纵向 portrait, 300 dpi", 2480, 3508, 300),
        PageSize("a4-landscape", "A4 横向 landscape, 300 dpi", 3508, 2480, 300),
        PageSize("a3-portrait", "A3 纵向 portrait, 300 dpi", 3508, 4961, 300),
        PageSize("a3-landscape", "A3 横向 landscape, 300 dpi", 4961, 3508, 300),
    )
}


DEFAULT_PRESET: Final = "slide-16x9"


def custom_page(width_px: int, height_px: int, dpi: int = 150) -> PageSize:
    """A page of any size; raises ``ValueError`` naming what is out of range."""
    return PageSize("custom", f"{width_px}×{height_px}, {dpi} dpi", width_px, height_px, dpi)


def request_pixels(page: PageSize, images: int = 1) -> None:
    """Refuse a request that would draw more than ``settings.MAX_REQUEST_PIXELS`` in all.

    Raises
    ------
    ValueError
        Naming the total and how to bring it down.
    """
    total = page.width_px * page.height_px * images
    if total > settings.MAX_REQUEST_PIXELS:
        limit = settings.MAX_REQUEST_PIXELS / 1e6
        raise ValueError(
            f"{images} images of {page.width_px}x{page.height_px} px are {total / 1e6:.0f} "
            f"million pixels (at most {limit:g} million per request); choose a smaller size "
            "or fewer layers"
        )
