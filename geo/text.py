"""Text from data and users made safe to show: hidden characters out, Markdown defused."""

from __future__ import annotations

import re
from typing import Final

# C0/C1 controls (but tab and newline) and the bidi embeddings, overrides and isolates
# (U+202A-U+202E, U+2066-U+2069): an override reverses what follows it on screen and in
# exported images, so a title could read differently from what was typed.
HIDDEN_CHARS: Final = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
# Every character Markdown (CommonMark + Streamlit's extensions) gives a meaning to.
_MARKDOWN_SPECIAL: Final = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~:$=^])")


def strip_hidden(text: str) -> str:
    """``text`` without control and text-direction characters.

    >>> strip_hidden("title\\u202egnp.exe")
    'titlegnp.exe'
    """
    return HIDDEN_CHARS.sub("", text)


def escape_markdown(text: str) -> str:
    """``text`` shown literally by ``st.markdown`` and widget labels: no link, image or format.

    Every Markdown character gets a backslash, e.g. ``![x](u)`` becomes ``\\!\\[x\\]\\(u\\)``.
    """
    return _MARKDOWN_SPECIAL.sub(r"\\\1", strip_hidden(text))
