"""The whole page at 10^4 and 10^5 projects from GeoParquet: load, server rerun, Chromium.

Run from the repository root: ``python bench/bench_page.py [--sizes 10000 100000]``. Prints
figures; asserts nothing. ``bench/bench_scale.py`` measures the map alone from GeoJSON (which
refuses files over 64 MB, so 10^5 projects are served from GeoParquet, as here).

For each size, synthetic projects (``bench/synthetic.py``) are written as GeoParquet
(``geo/parquet.py``) and measured:

- **load**: ``load_projects`` on the file, every check included (what a cold server does);
- **server rerun** (AppTest, in this process, no browser): the first run (load, measures,
  browser data, insight engine), then the median of reruns after a status pill is clicked,
  on the full page and in presenter mode;
- **Chromium** (the real app, ``PROJECT_MAP_DATA`` set to the file, network cut, no tiles),
  one server for both modes: time to first page on a cold server (until the projects are on
  the map), then on a fresh page with the server warm, the median and maximum time from a
  status click until the map has settled, the websocket KB per new filter state (the whole
  page's, and the map's part), and the server's peak RSS (``VmHWM``) after everything.
"""

from __future__ import annotations

import argparse
import logging
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[1]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

logging.disable(logging.WARNING)  # Streamlit warns in bare mode while its modules import
from bench.bench_scale import (  # noqa: E402
    _OURS_READY,
    PILL_TEXT,
    TOGGLE,
    _click_pill,
    _count,
    _mark,
    _peak_rss,
    _settled,
    _wait,
)
from bench.synthetic import synthetic_collection  # noqa: E402
from geo import schema  # noqa: E402
from geo.load import _to_frame, load_projects  # noqa: E402
from geo.parquet import write_projects_parquet  # noqa: E402
from tests.browser_support import find_chromium, launch_chromium, serve_app  # noqa: E402

logging.disable(logging.NOTSET)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[10_000, 100_000])
    parser.add_argument("--toggles", type=int, default=len(TOGGLE), help="statuses clicked")
    parser.add_argument("--reruns", type=int, default=4, help="AppTest reruns per mode")
    parser.add_argument("--no-browser", action="store_true", help="skip Chromium")
    parser.add_argument("--data-dir", type=Path, help="keep the synthetic files here, reuse them")
    args = parser.parse_args(argv)
    print(f"load average at start: {os.getloadavg()[0]:.2f}", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.sizes:
            path = write_synthetic(n, args.data_dir or Path(tmp))
            print(f"{n:,} projects: {path.stat().st_size / 1e6:.1f} MB GeoParquet", flush=True)
            start = time.perf_counter()
            load_projects(path)
            print(f"  load_projects, every check: {time.perf_counter() - start:.2f} s", flush=True)
            for presenter in (False, True):
                first, reruns, cpu = server_reruns(path, presenter=presenter, runs=args.reruns)
                print(
                    f"  server ({_mode(presenter)}): first run {first:.2f} s, rerun after a "
                    f"status click median {statistics.median(reruns):.2f} s "
                    f"(max {max(reruns):.2f}; CPU {statistics.median(cpu):.2f} s, which a "
                    f"loaded machine stretches less); peak RSS of this process {_own_peak()} MB",
                    flush=True,
                )
            if not args.no_browser:
                if find_chromium() is None:
                    sys.exit("Chromium not found: apt-get install chromium")
                for line in chromium_figures(path, TOGGLE[: args.toggles]):
                    print(f"  {line}", flush=True)
    print(f"load average at end: {os.getloadavg()[0]:.2f}")


def write_synthetic(n: int, folder: Path) -> Path:
    """``n`` synthetic projects as GeoParquet (written from the frame: the GeoJSON of 10^5
    would be refused by the loader's 64 MB limit)."""
    path = folder / f"synthetic_{n}.parquet"
    if path.exists():  # the same seed gives the same projects: reuse a kept file
        return path
    write_projects_parquet(_to_frame(synthetic_collection(n)["features"]), path)
    return path


def _mode(presenter: bool) -> str:
    return "presenter" if presenter else "full page"


def _own_peak() -> int:
    """This process's peak RSS in MB (VmHWM): the frame, caches and AppTest's session."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) // 1024
    return 0


def server_reruns(
    path: Path, *, presenter: bool, runs: int
) -> tuple[float, list[float], list[float]]:
    """Seconds of the first run and of each rerun after a status pill is clicked (AppTest),
    and each rerun's CPU seconds (the script runs in a thread of this process)."""
    from streamlit.testing.v1 import AppTest

    os.environ["PROJECT_MAP_DATA"] = str(path)
    os.environ["PROJECT_MAP_BASEMAP"] = "none"
    at = AppTest.from_file(str(REPO_ROOT / "app.py"), default_timeout=900)
    if presenter:
        at.query_params["presenter"] = "1"
    start = time.perf_counter()
    at.run()
    first = time.perf_counter() - start
    if at.exception:
        raise RuntimeError(at.exception)
    times, cpu = [], []
    for i in range(runs):
        dropped = TOGGLE[i % len(TOGGLE)]
        statuses = [s for s in schema.STATUSES if s != dropped]
        start, start_cpu = time.perf_counter(), time.process_time()
        at.pills(key="statuses").set_value(statuses).run()
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return first, times, cpu


def chromium_figures(path: Path, toggles: tuple[str, ...]) -> list[str]:
    """Cold first page, then per mode: click to settled and KB per new state; peak RSS."""
    from playwright.sync_api import sync_playwright

    env = {"PROJECT_MAP_DATA": str(path), "PROJECT_MAP_BASEMAP": "none"}
    env["PYTHONPATH"] = str(REPO_ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")
    lines = []
    with serve_app(REPO_ROOT / "app.py", env=env, timeout=120) as url, sync_playwright() as pw:
        browser = launch_chromium(pw)
        context = browser.new_context(viewport={"width": 1400, "height": 900})
        context.route(
            "**/*",
            lambda r: r.continue_() if r.request.url.startswith(url) else r.abort("failed"),
        )
        cold = context.new_page()
        start = time.perf_counter()
        cold.goto(url)
        _wait(cold, _OURS_READY, timeout=900)
        lines.append(f"Chromium: first page on a cold server {time.perf_counter() - start:.1f} s")
        cold.close()
        for query in ("", "/?presenter=1"):
            figures = _clicks(context.new_page(), url + query, toggles)
            lines.append(
                f"Chromium ({_mode(bool(query))}): first page (warm server) "
                f"{figures['first']:.2f} s, {figures['first_kb']:.0f} KB; click to settled "
                f"median {statistics.median(figures['settle']):.2f} s "
                f"(max {max(figures['settle']):.2f}); per new filter state "
                f"{_median_kb(figures['new'])} KB (map {_median_kb(figures['new_map'])} KB)"
            )
        browser.close()
        lines.append(f"server peak RSS (VmHWM): {_peak_rss(url) / 2**20:.0f} MB")
    return lines


def _clicks(page, url: str, toggles: tuple[str, ...]) -> dict[str, Any]:
    received = {"all": 0, "map": 0}
    page.on("websocket", lambda ws: ws.on("framereceived", lambda m: _count(received, m)))
    start = time.perf_counter()
    page.goto(url)
    _wait(page, _OURS_READY, timeout=900)
    out: dict[str, Any] = {"first": time.perf_counter() - start, "settle": [], "new": []}
    out["first_kb"] = received["all"] / 1024
    out["new_map"] = []
    page.wait_for_timeout(3000)  # the map reports its view once: let that rerun pass
    seen = {frozenset(schema.STATUSES)}
    state = set(schema.STATUSES)
    for status in toggles:
        for _ in range(2):  # off, then on again
            state ^= {status}
            mark = _mark(page, False)
            received.update(all=0, map=0)
            start = time.perf_counter()
            _click_pill(page, PILL_TEXT[status])
            _wait(page, _settled(False, mark), timeout=900)
            out["settle"].append(time.perf_counter() - start)
            page.wait_for_timeout(2000)  # the rest of the same rerun (panels under the map)
            if frozenset(state) not in seen:
                out["new"].append(received["all"])
                out["new_map"].append(received["map"])
            seen.add(frozenset(state))
    page.close()
    return out


def _median_kb(values: list[int]) -> str:
    return f"{statistics.median(values) / 1024:.0f}" if values else "-"


if __name__ == "__main__":
    main()
