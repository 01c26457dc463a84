"""Benchmark snapshot export: prints median seconds; not a test, it asserts nothing.

    .venv/bin/python bench/bench_export.py [--runs 5] [--data PATH]

Measures, pinned to one CPU core where the OS allows it, with the offline context (no tiles):
a 1920x1080 PNG of all layers, and an A4 landscape PDF at 300 dpi. Aims: 1.5 s and 4 s.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from geo import ProjectFilter, apply_filter, load_boundary, load_projects, settings
from geo.render import PRESETS, SnapshotSpec, render_snapshot

CASES = (
    ("1920x1080 PNG, all layers, offline", PRESETS["slide-16x9"], "png", 1.5),
    ("A4 landscape 300 dpi PDF, all layers, offline", PRESETS["a4-landscape"], "pdf", 4.0),
    ("A4 landscape 300 dpi PNG, all layers, offline", PRESETS["a4-landscape"], "png", None),
)


def pin_to_one_core() -> str:
    """Run on one core, as the aims are stated for one core."""
    if not hasattr(os, "sched_setaffinity"):
        return "not pinned (no sched_setaffinity here)"
    core = min(os.sched_getaffinity(0))
    os.sched_setaffinity(0, {core})
    return f"pinned to core {core}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--data", help="projects file (default: the app's)")
    args = parser.parse_args()
    print(pin_to_one_core())
    path = settings.data_path(args.data)
    if not path.exists():
        path = Path(__file__).resolve().parents[1] / "tests" / "data" / "mini_projects.geojson"
    started = time.perf_counter()
    gdf = load_projects(path, check_quotes=False)
    boundary = load_boundary()
    shown = apply_filter(gdf, ProjectFilter())
    print(f"data: {path} ({len(shown)} features), loaded in {time.perf_counter() - started:.2f} s")
    for label, page, fmt, aim in CASES:
        spec = SnapshotSpec(page=page, fmt=fmt, basemap="none")
        first = time.perf_counter()
        size = len(render_snapshot(shown, boundary, spec=spec))
        cold = time.perf_counter() - first
        times = []
        for _ in range(args.runs):
            start = time.perf_counter()
            render_snapshot(shown, boundary, spec=spec)
            times.append(time.perf_counter() - start)
        target = f" (aim < {aim:.1f} s)" if aim else ""
        print(
            f"{label}: median {statistics.median(times):.2f} s over {args.runs} runs{target}; "
            f"min {min(times):.2f} s, first run {cold:.2f} s, {size / 1e6:.2f} MB"
        )


if __name__ == "__main__":
    main()
