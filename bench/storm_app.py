"""A Streamlit page that starts worst-case image exports exactly as the export panel does.

Used by ``bench/bench_health.py`` and ``tests/test_server_health.py``: open it once, and it
starts ``$STORM_COUNT`` exports (threads calling ``ui.export_panel.render_image``, the
download button's own function) and writes their progress to ``$STORM_STATUS`` as JSON.
``$STORM_KIND`` is "image" (one 40 Mpx PNG of a forged 1 cm extent) or "zip" (one image per
layer, 120 Mpx in all: the most one request may draw).
"""

from __future__ import annotations

import json
import os
import sys
import threading
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import streamlit as st  # noqa: E402

from geo import settings  # noqa: E402
from geo.jobs import start_workers  # noqa: E402
from geo.load import load_boundary, load_projects  # noqa: E402
from geo.render import SnapshotSpec, custom_page  # noqa: E402
from ui.export_panel import render_image  # noqa: E402

FORGED_EXTENT = (120.35, 36.06, 120.3500001, 36.0600001)


def _worst_spec(kind: str) -> SnapshotSpec:
    if kind == "zip":  # 6 images (all layers + 5) of 20 Mpx: the per-request budget
        page = custom_page(5000, 4000, 300)
    else:  # one image at the per-image budget
        side = int(settings.MAX_IMAGE_PIXELS**0.5)
        page = custom_page(side, side, 150)
    return SnapshotSpec(page=page, fmt="png", extent=FORGED_EXTENT, basemap="none")


start_workers()  # as the export panel does when it is drawn


@st.cache_resource
def start_storm(count: int, kind: str, status_path: str) -> dict:
    """Start the exports once per server; later page loads only show their progress."""
    gdf, boundary = load_projects(), load_boundary()
    spec = _worst_spec(kind)
    status: dict = {"count": count, "kind": kind, "seconds": [], "errors": []}
    lock = threading.Lock()
    started = time.monotonic()

    def one() -> None:
        try:
            render_image(gdf, boundary, spec, kind == "zip", "storm")
        except Exception as exc:  # recorded for the test to show
            status["errors"].append("".join(traceback.format_exception(exc))[-1500:])
        with lock:
            status["seconds"].append(round(time.monotonic() - started, 2))
            Path(status_path).write_text(json.dumps(status), encoding="utf-8")

    Path(status_path).write_text(json.dumps(status), encoding="utf-8")
    for _ in range(count):
        threading.Thread(target=one, daemon=True).start()
    return status


status = start_storm(
    int(os.environ.get("STORM_COUNT", "4")),
    os.environ.get("STORM_KIND", "image"),
    os.environ["STORM_STATUS"],
)
st.write(f"exports started: {status['count']} ({status['kind']})")
