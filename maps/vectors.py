"""Saving a figure: PNG, or SVG and PDF whose text stays text (editable, searchable)."""

from __future__ import annotations

import io
import threading
from typing import Final

from matplotlib import rc_context
from matplotlib.figure import Figure
from matplotlib.text import Text

from maps.fonts import (
    FauxBold,
)


def figure_bytes(fig: Figure, *, fmt: str, title: str) -> bytes:
    """Save a figure to bytes, with the title in the file's metadata.

    SVG and PDF keep text as text, so a designer can fix a typo in Inkscape, Illustrator or
    CorelDRAW and a reader can search it: SVG ``<text>`` with a CJK font-family fallback list
    (``svg.fonttype: none``), PDF with the font embedded as a TrueType CID font (Type 0 /
    CIDFontType2, ``pdf.fonttype: 42``) instead of Type 3 outlines.
    """
    metadata = {"Title": title}
    if fmt in ("png", "pdf"):
        metadata["Author"] = "市南区项目地图 Shinan project map"
    buffer = io.BytesIO()
    if fmt == "png":
        # zlib level 3: a third of the default level's time for a file about 10 % larger.
        fig.savefig(
            buffer,
            format=fmt,
            dpi=fig.dpi,
            metadata=metadata,
            facecolor="white",
            pil_kwargs={"compress_level": 3},
        )
        return buffer.getvalue()
    # matplotlib draws any text with a path effect as outlines, never as text.
    for text in fig.findobj(Text):
        _plain_for_vectors(text)
    # rcParams are process-wide and read only while saving: hold them under a lock.
    with _SAVE_LOCK, rc_context(VECTOR_TEXT_RC):
        fig.savefig(buffer, format=fmt, dpi=fig.dpi, metadata=metadata, facecolor="white")
    return buffer.getvalue()


def _plain_for_vectors(text: Text) -> None:
    """Drop path effects so ``text`` stays text: the faux bold goes; a label's white halo
    becomes a pale box behind it, which an editor moves along with the text."""
    effects = text.get_path_effects() or []
    if not effects:
        return
    halo = next((e for e in effects if not isinstance(e, FauxBold)), None)
    text.set_path_effects([])
    if halo is not None and text.get_bbox_patch() is None:
        text.set_bbox(
            {"boxstyle": "round,pad=0.12", "facecolor": "white", "alpha": 0.75, "edgecolor": "none"}
        )


#: Font names an editor tries in turn for SVG text: the embedded font's own name first, then
#: the usual CJK system fonts on Windows, macOS and Linux.
CJK_FONT_FAMILIES: Final = (
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "Microsoft YaHei",
    "PingFang SC",
    "WenQuanYi Micro Hei",
    "sans-serif",
)


VECTOR_TEXT_RC: Final = {
    "svg.fonttype": "none",
    "pdf.fonttype": 42,
    "font.family": "sans-serif",
    "font.sans-serif": list(CJK_FONT_FAMILIES),
}


_SAVE_LOCK: Final = threading.Lock()
