"""Remember, across processes, that a basemap's tiles could not be had.

Every export runs in a fresh process (the command line, the app's export workers), so the
tile module's in-process memory is lost each time and each export would wait the whole tile
budget (2 s) again. A small file in the cache folder says until when a basemap counts as
unreachable; exports skip it meanwhile and draw the offline background at once.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Final

from maps import tiles

#: How long a failed basemap is not asked again (seconds).
OFFLINE_FOR_S: Final = 600.0


def _path() -> Path:
    return tiles.cache_dir().parent / "offline.json"


def _read() -> dict[str, float]:
    try:
        data = json.loads(_path().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict):
        return {}
    return {str(k): float(v) for k, v in data.items() if isinstance(v, (int, float))}


def known_offline(basemap_id: str) -> bool:
    """True while ``basemap_id`` failed less than ``OFFLINE_FOR_S`` seconds ago."""
    return _read().get(basemap_id, 0.0) > time.time()


def remember(basemap_id: str, *, reachable: bool) -> None:
    """Record that ``basemap_id`` failed (or forget it, when it worked). Never raises: a
    read-only cache only costs the wait."""
    state = _read()
    if reachable:
        if basemap_id not in state:
            return
        state.pop(basemap_id)
    else:
        state[basemap_id] = time.time() + OFFLINE_FOR_S
    path = _path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(f".{os.getpid()}.tmp")
        temporary.write_text(json.dumps(state), encoding="utf-8")
        temporary.replace(path)
    except OSError:
        pass
