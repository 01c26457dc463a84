"""Filters applied in the page at once: the script that does it, and what the server tells it.

A filter click used to wait for the rerun, the websocket and streamlit-folium (0.8 s at 10,000
projects). The page script (``maps/viewcodes.js`` + ``ui/instant_filter.js``) computes the
map's view itself from the data the page already holds and shows it before the rerun; the
rerun then sends the same view. Its text never changes, so Streamlit sends it once.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from geo.view import ViewState
from maps.browserdata import BrowserData
from ui.state import MODES

_ROOT = Path(__file__).resolve().parents[1]
_SOURCES = (_ROOT / "maps" / "viewcodes.js", _ROOT / "ui" / "instant_filter.js")
#: Streamlit's sanitizer (DOMPurify) drops a script with "<" before a letter, "/" or "!".
_UNSAFE = re.compile(r"<[A-Za-z/!]")


def _page_script() -> str:
    code = "\n".join(path.read_text(encoding="utf-8") for path in _SOURCES)
    found = _UNSAFE.search(code)
    if found:  # a developer's slip, caught when the app starts rather than silently dropped
        raise RuntimeError(f"page script holds {found.group()!r}: the sanitizer would drop it")
    return f"<script>{code}</script>"


#: HTML for ``st.html(..., unsafe_allow_javascript=True)``: the same text on every rerun.
PAGE_SCRIPT = _page_script()


def filter_state(view: ViewState, data: BrowserData, *, instant: bool) -> dict[str, Any]:
    """The filter the map shows after this rerun, for the page script (``Shinan.state.filter``).

    ``instant`` is False when the map shows something the page cannot compute (playback
    frames, a radius, chart picks): clicks then wait for the server as before.
    """
    return {
        "key": data.key,
        "instant": instant,
        "modes": list(MODES),
        "mode": view.mode,
        "layers": list(view.layers),
        "statuses": list(view.statuses),
        "as_of": int(view.as_of),
        "years": [int(view.years[0]), int(view.years[1])],
    }
