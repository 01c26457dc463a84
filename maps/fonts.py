"""The CJK font of every printed map, and text measured and emboldened with it.

Noto Sans CJK SC Regular, as shipped by the ``mplfonts`` package (SIL Open Font License 1.1:
free to use and to embed in images and PDFs). ``mplfonts`` also ships SimHei, whose licence
does not allow this; it is never registered or used.
"""

from __future__ import annotations

import functools
import importlib.util
from pathlib import Path
from typing import Final

from matplotlib import font_manager
from matplotlib.patheffects import withStroke

FONT_FILE: Final = "NotoSansCJKsc-Regular.otf"
FONT_LICENCE: Final = "SIL Open Font License 1.1"
TEXT_COLOR: Final = "#1a1a1a"


@functools.cache
def font_path() -> Path:
    """The Noto Sans CJK SC file shipped by ``mplfonts``, registered with matplotlib once.

    Raises
    ------
    RuntimeError
        When ``mplfonts`` is not installed (``pip install -r requirements.txt``).
    """
    spec = importlib.util.find_spec("mplfonts")
    locations = list(spec.submodule_search_locations or []) if spec else []
    for location in locations:
        path = Path(location) / "fonts" / FONT_FILE
        if path.is_file():
            font_manager.fontManager.addfont(str(path))
            return path
    raise RuntimeError(
        f"the CJK font {FONT_FILE} was not found; install the pinned requirements "
        "(pip install -r requirements.txt, package mplfonts)"
    )


def cjk_font(size: float) -> font_manager.FontProperties:
    """Noto Sans CJK SC at ``size`` points."""
    return font_manager.FontProperties(fname=str(font_path()), size=size)


def text_width_pt(text: str, size: float, renderer) -> float:
    """Width of ``text`` at ``size`` points, in points (independent of the renderer's dpi)."""
    return _width_pt(text, size)


@functools.lru_cache(maxsize=4096)
def _width_pt(text: str, size: float) -> float:
    # Measured at 72 dpi, where one pixel is one point; layouts measure the same strings often.
    renderer = _renderer72()
    return renderer.get_text_width_height_descent(text, cjk_font(size), ismath=False)[0]


@functools.cache
def _renderer72():
    from matplotlib.backends.backend_agg import RendererAgg

    return RendererAgg(10, 10, 72)


def text_size_px(text: str, size: float, renderer) -> tuple[float, float]:
    """Width and height of ``text`` at ``size`` points, in display pixels."""
    width, height, _ = renderer.get_text_width_height_descent(text, cjk_font(size), ismath=False)
    return width, height


class FauxBold(withStroke):
    """The bold stroke of :func:`bold`, told apart from label halos when saving vectors."""


def bold(size: float, color: str = TEXT_COLOR) -> list:
    """A stroke in the text's own colour: a bold face for a font shipped only in Regular."""
    return [FauxBold(linewidth=size * 0.045, foreground=color)]
