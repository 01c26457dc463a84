"""Benchmark snapshot export: prints median seconds; not a test, it asserts nothing.

    .venv/bin/python bench/bench_export.py [--runs 5] [--data PATH]

With tiles unreachable (the tile fetcher refuses at once in this process; the command line runs
with no route to the tile servers, as on an offline network):

- the whole command ``python -m geo export --out x.png`` (16:9 PNG, the app's default basemap),
  first run (it tries the tiles and remembers they failed) and the runs after it; aim < 2.5 s;
- the in-app export: ``run_job(render_snapshot, …)`` in the export worker processes, as the
  export panel calls it, after the workers have started; aim < 1 s;
- the drawing alone in a warm process, per preset, and an A4 PDF.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from geo import ProjectFilter, apply_filter, load_boundary, load_projects, settings  # noqa: E402
from geo.jobs import run_job, start_workers  # noqa: E402
from maps import tiles  # noqa: E402
from maps.page import PRESETS  # noqa: E402
from maps.snapshot import SnapshotSpec, render_snapshot  # noqa: E402


def _refuse(url: str, timeout: float) -> bytes:
    raise urllib.error.URLError("benchmark: offline")


def _median(times: list[float]) -> str:
    return (
        f"median {statistics.median(times):.2f} s, min {min(times):.2f} s, max {max(times):.2f} s"
    )


def bench_command(runs: int, cache: str) -> None:
    """The whole command in a fresh process each time (imports included)."""
    env = {**os.environ, tiles.CACHE_ENV: cache, "PROJECT_MAP_BASEMAP": "light"}
    # No route to any tile server: the proxy variables point at a closed local port.
    env.update({"http_proxy": "http://127.0.0.1:9", "https_proxy": "http://127.0.0.1:9"})
    times, cpu = [], []
    with tempfile.TemporaryDirectory() as folder:
        for _ in range(runs + 1):
            out = Path(folder) / "x.png"
            used = resource.getrusage(resource.RUSAGE_CHILDREN)
            start = time.perf_counter()
            subprocess.run(
                [sys.executable, "-m", "geo", "export", "--out", str(out), "--force"],
                cwd=ROOT,
                env=env,
                check=True,
                capture_output=True,
            )
            times.append(time.perf_counter() - start)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu.append(after.ru_utime + after.ru_stime - used.ru_utime - used.ru_stime)
    print(f"python -m geo export 16:9 PNG, offline: first run {times[0]:.2f} s (tries the tiles)")
    print(f"python -m geo export 16:9 PNG, offline, runs after: {_median(times[1:])} (aim < 2.5 s)")
    # CPU time does not grow when other processes share the cores; wall time does.
    print(f"  the same, CPU time of the process: {_median(cpu[1:])}")


def bench_in_app(shown, boundary, runs: int) -> None:
    spec = SnapshotSpec(page=PRESETS["slide-16x9"], basemap=settings.default_basemap())
    start_workers()
    first = time.perf_counter()
    run_job(render_snapshot, shown, boundary, spec=spec)
    cold = time.perf_counter() - first
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        run_job(render_snapshot, shown, boundary, spec=spec)
        times.append(time.perf_counter() - start)
    print(
        f"in-app export (worker process) 16:9 PNG, offline: first {cold:.2f} s; "
        f"{_median(times)} (aim < 1 s)"
    )


def bench_drawing(shown, boundary, runs: int) -> None:
    cases = [(name, page, "png") for name, page in PRESETS.items()]
    cases.append(("a4-landscape", PRESETS["a4-landscape"], "pdf"))
    for name, page, fmt in cases:
        spec = SnapshotSpec(page=page, fmt=fmt, basemap="none")
        render_snapshot(shown, boundary, spec=spec)
        times, cpu = [], []
        for _ in range(runs):
            start, start_cpu = time.perf_counter(), time.process_time()
            size = len(render_snapshot(shown, boundary, spec=spec))
            times.append(time.perf_counter() - start)
            cpu.append(time.process_time() - start_cpu)
        print(
            f"drawing {name} {fmt.upper()} (warm process): {_median(times)}; "
            f"CPU median {statistics.median(cpu):.2f} s; {size / 1e6:.2f} MB"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--data", help="projects file (default: the app's)")
    args = parser.parse_args()
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    with tempfile.TemporaryDirectory() as cache:
        os.environ[tiles.CACHE_ENV] = cache
        tiles.fetch_url = _refuse
        bench_command(args.runs, cache)
        gdf = load_projects(settings.data_path(args.data), check_quotes=False)
        boundary = load_boundary()
        shown = apply_filter(gdf, ProjectFilter())
        bench_in_app(shown, boundary, args.runs)
        bench_drawing(shown, boundary, args.runs)


if __name__ == "__main__":
    main()
