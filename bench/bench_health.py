"""Benchmark: does the health check answer while visitors export worst-case images?

    .venv/bin/python bench/bench_health.py [--count 4] [--kind image|zip] [--workers 1]

Starts a real ``streamlit run`` of ``bench/storm_app.py`` on a free localhost port, opens it
once in headless Chromium (which starts the exports), then asks ``/_stcore/health`` every
0.1 s until every export is done, and prints the latency figures. ``--workers 0`` draws in
the server's own threads (how exports ran before they had worker processes), for comparison.
Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.browser_support import find_chromium, launch_chromium, serve_app  # noqa: E402

STORM_APP = Path(__file__).with_name("storm_app.py")


def measure_health(
    *, count: int = 4, kind: str = "image", workers: int = 1, limit_s: float = 240.0
) -> dict:
    """Health-check latencies (seconds) while ``count`` worst-case exports run."""
    from playwright.sync_api import sync_playwright

    exe = find_chromium()
    if exe is None:
        raise RuntimeError("no Chromium (apt-get install chromium)")
    with tempfile.TemporaryDirectory() as tmp:
        status_path = Path(tmp) / "status.json"
        env = {
            "STORM_STATUS": str(status_path),
            "STORM_COUNT": str(count),
            "STORM_KIND": kind,
            "PROJECT_MAP_EXPORT_WORKERS": str(workers),
        }
        with serve_app(STORM_APP, env=env) as url, sync_playwright() as pw:
            browser = launch_chromium(pw, exe)
            page = browser.new_page()
            page.goto(url)
            page.get_by_text("exports started").wait_for(timeout=60_000)
            latencies, status = _poll(url, status_path, count, limit_s)
            browser.close()
    return {
        "exports": count,
        "kind": kind,
        "workers": workers,
        "done": len(status.get("seconds", [])),
        "errors": status.get("errors", []),
        "export_seconds": status.get("seconds", []),
        "probes": len(latencies),
        "max_s": max(latencies),
        "median_s": statistics.median(latencies),
        "p95_s": sorted(latencies)[int(0.95 * (len(latencies) - 1))],
    }


def _poll(url: str, status_path: Path, count: int, limit_s: float) -> tuple[list, dict]:
    latencies: list[float] = []
    status: dict = {}
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        start = time.monotonic()
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=30) as response:
                response.read()
        except OSError:
            pass  # counted as slow: the latency below includes the wait
        latencies.append(time.monotonic() - start)
        if status_path.exists():
            status = json.loads(status_path.read_text(encoding="utf-8") or "{}")
            if len(status.get("seconds", [])) >= count:
                break
        time.sleep(0.1)
    return latencies, status


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=4)
    parser.add_argument("--kind", choices=("image", "zip"), default="image")
    parser.add_argument("--workers", type=int, nargs="*", default=[1, 0])
    args = parser.parse_args()
    print(f"health check while {args.count} worst-case '{args.kind}' exports run")
    print("workers | exports done | export finished at (s)     | probes | median | p95 | max")
    for workers in args.workers:
        r = measure_health(count=args.count, kind=args.kind, workers=workers)
        finished = ", ".join(f"{s:.1f}" for s in r["export_seconds"])
        reasons = [e.strip().splitlines()[-1] for e in r["errors"]]
        print(
            f"{workers:7} | {r['done']:12} | {finished:26} | {r['probes']:6} | "
            f"{r['median_s']:.3f} | {r['p95_s']:.3f} | {r['max_s']:.3f} s"
            + (f" | errors: {reasons}" if reasons else "")
        )


if __name__ == "__main__":
    main()
