"""Vector tiles at 10^5 and 10^6 projects: build, archive sizes, and the map in Chromium.

Run from the repository root: ``python bench/bench_tiles.py`` (``--sizes 100000 1000000``,
``--pans 20``, ``--naive-timeout 600``; ``--help``). Prints figures; asserts nothing.

For each size the synthetic projects of ``bench/bench_engine.py`` (10^5 from
``bench/synthetic.py``; 10^6 the 10^5 set copied ten times, each copy shifted by up to 300 m)
are tiled with ``geo.vectortiles.build_tiles`` into ``static/.bench-tiles-N/`` (removed
afterwards) and served by the app itself (``PROJECT_MAP_TILES``; its own data is the small
test file, so the page around the map stays the same at every size: the server never reads
the tiled features, a click looks a project up by id). In Chromium, network cut, presenter
mode, default view:

- **first paint**: navigation until every tile on screen is drawn, plus two animation frames;
- **pans**: ``--pans`` pans of 400 px in a square walk; per pan, time until every new tile is
  drawn; over all pans, the gaps between animation frames (median, max: jank);
- **filter**: a status pill clicked off and on for four statuses; click until the browser has
  re-drawn the tiles on screen (the rerun sends the filter only);
- **bytes**: archive bytes the page fetched (HTTP range requests) for the first paint, the
  pans and the filters;
- **server peak RSS**: the Streamlit process's high-water mark (``VmHWM``).

At 10^5 the naive folium map (``bench/naive_app.py``: every feature in one GeoJson) is tried
on the same projects as GeoJSON with ``--naive-timeout`` seconds for its first paint; it is not
tried at 10^6 (a GeoJSON of 1.3 GB, beyond what folium can put in one page).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[1]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from bench.bench_engine import scale  # noqa: E402
from bench.bench_scale import (  # noqa: E402
    _NAIVE_READY,
    PILL_TEXT,
    TOGGLE,
    _click_pill,
    _naive_app_dir,
    _peak_rss,
    _wait,
)
from bench.synthetic import synthetic_collection  # noqa: E402
from geo.load import _to_frame  # noqa: E402
from geo.vectortiles import build_tiles, read_manifest  # noqa: E402
from tests.browser_support import find_chromium, launch_chromium, serve_app  # noqa: E402
from tests.conftest import TEST_DATA  # noqa: E402

BASE_SIZE = 100_000
_TILES_READY = """() => !!(window.Shinan && Shinan.tiles && Shinan.tiles.layer
    && Shinan.tiles.generation > 0 && Shinan.tiles.pending === 0 && Shinan.tiles.rendered > 0)"""
_PANS_JS = """async (n) => {
  const T = Shinan.tiles, gaps = [], settles = [];
  let last = performance.now(), run = true;
  const tick = (t) => { gaps.push(t - last); last = t; if (run) requestAnimationFrame(tick); };
  requestAnimationFrame(tick);
  const walk = [[400, 0], [0, 300], [-400, 0], [0, -300]];
  const frames = () => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
  for (let i = 0; i < n; i++) {
    const start = performance.now();
    const moved = new Promise(r => map.once('moveend', r));
    map.panBy(walk[Math.floor(i / Math.max(1, Math.floor(n / 4))) % 4], {duration: 0.25});
    await moved;
    while (T.pending > 0) await new Promise(r => setTimeout(r, 2));
    await frames();
    settles.push(performance.now() - start);
  }
  run = false;
  return {gaps: gaps.slice(1), settles: settles};
}"""


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--pans", type=int, default=20)
    parser.add_argument(
        "--no-prepaint",
        action="store_true",
        dest="no_prepaint",
        help="the map paints no time view ahead (to see what painting ahead costs the page)",
    )
    parser.add_argument(
        "--prebuilt",
        nargs="+",
        default=[],
        metavar="DIR",
        help="tiles already built for each size, in the order of --sizes (a build of 10^6 "
        "takes 20 minutes): copied under static/ instead of building",
    )
    parser.add_argument(
        "--naive-timeout",
        type=float,
        default=600,
        dest="naive_timeout",
        help="seconds the naive map at 10^5 gets for its first paint (0: not tried)",
    )
    args = parser.parse_args(argv)
    if find_chromium() is None:
        sys.exit("Chromium not found: apt-get install chromium")
    if args.prebuilt:
        if len(args.prebuilt) != len(args.sizes):
            sys.exit("--prebuilt: give one folder per size of --sizes")
        for n, folder in zip(args.sizes, args.prebuilt, strict=True):
            bench_size(n, None, args.pans, prebuilt=Path(folder), ahead=not args.no_prepaint)
        return
    started = time.perf_counter()
    base_n = min(max(args.sizes), BASE_SIZE)
    collection = synthetic_collection(base_n)
    base = _to_frame(collection["features"])
    print(f"synthetic {base_n:,} projects in {time.perf_counter() - started:.1f} s", flush=True)
    with tempfile.TemporaryDirectory(prefix="bench-tiles-") as tmp:
        if BASE_SIZE in args.sizes and args.naive_timeout > 0:
            geojson = Path(tmp) / "synthetic.geojson"
            geojson.write_text(json.dumps(collection, ensure_ascii=False), encoding="utf-8")
            naive = naive_attempt(Path(tmp), geojson, args.naive_timeout)
        else:
            naive = None
        del collection
        for n in args.sizes:
            bench_size(n, base, args.pans, ahead=not args.no_prepaint)
            if n == BASE_SIZE and naive is not None:
                print(f"   naive folium map, same projects: {naive}", flush=True)


def bench_size(
    n: int, base, pans: int, *, prebuilt: Path | None = None, ahead: bool = True
) -> None:
    out = REPO_ROOT / "static" / f".bench-tiles-{n}"
    try:
        started = time.perf_counter()
        if prebuilt is None:
            frame = scale(base, n)
            manifest = build_tiles(frame, out, version=f"bench-{n}", force=True)
            del frame
            how = f"built in {time.perf_counter() - started:.1f} s"
        else:
            shutil.rmtree(out, ignore_errors=True)
            shutil.copytree(prebuilt, out)
            manifest = read_manifest(out)
            how = f"prebuilt in {prebuilt} ({manifest.built})"
        sizes = ", ".join(f"{f.file} {f.bytes / 1e6:.1f} MB" for f in manifest.files)
        total = sum(f.bytes for f in manifest.files) / 1e6
        print(f"\n== {n:,} projects: tiles {how}, {total:.1f} MB: {sizes}", flush=True)
        figures = browse(out, pans, ahead=ahead)
        _print(figures)
    finally:
        shutil.rmtree(out, ignore_errors=True)


def browse(tiles: Path, pans: int, *, ahead: bool = True) -> dict[str, Any]:
    """First paint, pans, filter changes and bytes in Chromium, network cut; server peak."""
    from playwright.sync_api import sync_playwright

    env = {
        "PROJECT_MAP_DATA": str(TEST_DATA),
        "PROJECT_MAP_BASEMAP": "none",
        "PROJECT_MAP_TILES": str(tiles.relative_to(REPO_ROOT)),
    }
    out: dict[str, Any] = {"filter": [], "paint": [], "filter_gaps": []}
    with serve_app(REPO_ROOT / "app.py", env=env, timeout=120) as url, sync_playwright() as pw:
        browser = launch_chromium(pw)
        context = browser.new_context(viewport={"width": 1400, "height": 900})
        context.route(
            "**/*",
            lambda r: r.continue_() if r.request.url.startswith(url) else r.abort("failed"),
        )
        fetched = {"bytes": 0, "requests": 0}
        context.on("requestfinished", lambda request: _add_fetch(fetched, request))
        warm = context.new_page()  # the server's caches; the timed page starts a cold browser
        warm.goto(url + "/?presenter=1")
        _wait(warm, _TILES_READY, timeout=900)
        warm.close()
        context.clear_cookies()
        fetched.update(bytes=0, requests=0)
        page = context.new_page()
        start = time.perf_counter()
        page.goto(url + "/?presenter=1")
        _wait(page, _TILES_READY, timeout=900)
        out["first_paint"] = time.perf_counter() - start
        out["first_bytes"] = dict(fetched)
        frame = _tiles_frame(page)
        if not ahead:
            frame.evaluate("() => { Shinan.tiles.prepaintShare = 0; }")
        out["drawn"] = frame.evaluate("() => Object.keys(Shinan.tiles.drawn).length")
        out["worker"] = frame.evaluate("() => !!Shinan.tiles.worker")
        out["paint_worker"] = frame.evaluate("() => !!Shinan.tiles.paintWorker")
        page.wait_for_timeout(2000)  # the map reports its view once: let that rerun pass
        fetched.update(bytes=0, requests=0)
        page.add_style_tag(content=_REACHABLE_CSS)
        for kind, actions in _filter_actions():
            frame.evaluate(_GAPS_START_JS)
            for action in actions:
                out["filter"].append((kind, _timed_click(page, frame, action, out)))
            out["filter_gaps"].append((kind, frame.evaluate(_GAPS_STOP_JS)))
        out["filter_bytes"] = dict(fetched)
        fetched.update(bytes=0, requests=0)
        out["pans"] = frame.evaluate(_PANS_JS, pans)
        out["pan_bytes"] = dict(fetched)
        out["cache"] = frame.evaluate(
            "() => [Shinan.tiles.cacheBytes, Shinan.tiles.cacheBudget, Shinan.tiles.longestPaint]"
        )
        browser.close()
        out["peak_rss"] = _peak_rss(url)
    return out


def _filter_actions() -> list[tuple[str, list[Any]]]:
    """What a presenter clicks, by kind: each action a function of the page. Presenter mode
    hides the sidebar that holds the widgets; the bench moves it off screen instead
    (``_REACHABLE_CSS``), so they take clicks (sent to the element: off screen a pointer
    cannot reach it) and keys."""

    def pill(status):
        return lambda page: _click_pill(page, PILL_TEXT[status])

    def layer(name):
        return lambda page: page.locator(f".st-key-layer_{name} input").dispatch_event("click")

    def mode(index):
        return lambda page: (
            page.locator(".st-key-mode label[data-testid=stRadioOption]")
            .nth(index)
            .dispatch_event("click")
        )

    def step(key):
        def press(page):
            page.locator(".st-key-as_of input[type=range]").focus()
            page.keyboard.press(key)

        return press

    statuses = [pill(status) for status in TOGGLE for _ in range(2)]  # off, then on again
    layers = [layer(name) for name in ("renewal", "construction", "pocket_park") for _ in range(2)]
    # All years -> as of the last year, a step back, forward, back, forward, then all again.
    years = [mode(1), step("ArrowLeft"), step("ArrowRight"), step("ArrowLeft")]
    years += [step("ArrowRight"), mode(0)]
    return [("status", statuses), ("layer", layers), ("year", years)]


#: The sidebar off screen but laid out (presenter mode hides it: its widgets take no input).
_REACHABLE_CSS = """section[data-testid="stSidebar"] {display: block !important;
    position: fixed !important; left: -4000px !important; top: 0 !important;}"""
_SLIDER_JS = "() => !!document.querySelector('.st-key-as_of input[type=range]')"


def _timed_click(page, frame, action, out: dict[str, Any]) -> float:
    """One click: seconds until the map has drawn it (the bench's clock); the map frame's
    own figures for it go to ``out["paint"]``."""
    generation = frame.evaluate("() => Shinan.tiles.generation")
    followed = frame.evaluate("() => Shinan.tiles.followed || 0")
    clicked = frame.evaluate("() => performance.now()")
    start = time.perf_counter()
    action(page)
    _wait(page, _changed(generation), timeout=120)
    took = time.perf_counter() - start
    paint = frame.evaluate(_PAINT_JS, clicked)
    paint["applied"] = paint["followed"] > followed  # by the page, this click
    out["paint"].append(paint)
    # The rerun of the click passes (and the year slider appears) before the next click.
    page.wait_for_timeout(1500)
    for _ in range(100):  # after "as of", its slider
        if page.evaluate(_SLIDER_JS) or "mode" not in action.__qualname__:
            break
        page.wait_for_timeout(100)
    return took


# Gaps between the map frame's animation frames while the filters are clicked (its main
# thread is the page's: a long one is a frozen page).
_GAPS_START_JS = """() => { const gaps = window.__filterGaps = []; let last = performance.now();
  window.__filterRun = true;
  const tick = (t) => {
    gaps.push(t - last); last = t; if (window.__filterRun) requestAnimationFrame(tick); };
  requestAnimationFrame(tick); }"""
_GAPS_STOP_JS = "() => { window.__filterRun = false; return window.__filterGaps.slice(1); }"
_PAINT_JS = """(clicked) => ({tiles: Shinan.tiles.paints, ms: Shinan.tiles.paintMs,
    composites: Shinan.tiles.composites, kept: Shinan.tiles.cacheBytes,
    prepainted: Shinan.tiles.prepainted || 0,
    longest: Shinan.tiles.longestPaint, drawn: Object.keys(Shinan.tiles.drawn).length,
    arrived: Shinan.tiles.changedAt - clicked, painted: Shinan.tiles.settledAt - clicked,
    followed: Shinan.tiles.followed || 0})"""


def _changed(generation: int) -> str:
    return f"""() => !!(window.Shinan && Shinan.tiles && Shinan.tiles.generation > {generation}
        && Shinan.tiles.pending === 0)"""


def _add_fetch(fetched: dict[str, int], request) -> None:
    if request.url.split("?")[0].endswith(".pmtiles"):
        fetched["requests"] += 1
        fetched["bytes"] += request.sizes().get("responseBodySize", 0)


def _tiles_frame(page):
    for frame in page.frames:
        if "streamlit_folium" in frame.url:
            return frame
    raise RuntimeError("no map frame")


def _print(f: dict[str, Any]) -> None:
    fb, pb, ffb = f["first_bytes"], f["pan_bytes"], f["filter_bytes"]
    gaps, settles = f["pans"]["gaps"], f["pans"]["settles"]
    print(f"   first paint {f['first_paint']:.2f} s ({f['drawn']:,} projects drawn), "
          f"{fb['bytes'] / 1e6:.2f} MB in {fb['requests']} range requests, decoded "
          f"{'in a worker' if f['worker'] else 'on the main thread'}, painted "
          f"{'in a worker' if f['paint_worker'] else 'on the main thread'}")  # fmt: skip
    print(f"   pans: {len(settles)} pans, tiles drawn after each: median "
          f"{statistics.median(settles):.0f} ms, max {max(settles):.0f} ms; animation frame gaps "
          f"median {statistics.median(gaps):.1f} ms, max {max(gaps):.0f} ms; "
          f"{pb['bytes'] / 1e6:.2f} MB in {pb['requests']} requests")  # fmt: skip
    median = statistics.median
    print(f"   archive bytes fetched while filtering: {ffb['bytes'] / 1e6:.2f} MB")
    for kind, gaps in f["filter_gaps"]:
        took = [t for k, t in f["filter"] if k == kind]
        paint = [p for (k, _), p in zip(f["filter"], f["paint"], strict=True) if k == kind]
        arrived = [p["arrived"] for p in paint]
        drawn = [p["painted"] for p in paint]
        print(f"   {kind} clicks ({len(took)}): click -> tiles redrawn (bench) median "
              f"{median(took):.2f} s, max {max(took):.2f} s; map frame's clock: filter there "
              f"median {median(arrived):.0f} ms (max {max(arrived):.0f}), every tile drawn "
              f"median {median(drawn):.0f} ms (max {max(drawn):.0f}); "
              f"{sum(p['applied'] for p in paint)} applied before the rerun")  # fmt: skip
        print(f"      frames: median {median(gaps):.1f} ms, max {max(gaps):.0f} ms "
              f"({len(gaps)}); per click tiles composited {[p['composites'] for p in paint]}, "
              f"painted {[p['tiles'] for p in paint]} (longest "
              f"{max(p['longest'] for p in paint):.0f} ms); projects drawn "
              f"{[p['drawn'] for p in paint]}; kept "
              f"{max(p['kept'] for p in paint) / 1e6:.0f} MB at most; painted ahead "
              f"{paint[-1]['prepainted']} so far")  # fmt: skip
    used, budget, longest = f["cache"]
    print(f"   painted tiles kept: {used / 1e6:.0f} MB of {budget / 1e6:.0f} MB; longest tile "
          f"paint after the pans {longest:.0f} ms")  # fmt: skip
    print(f"   server peak RSS {f['peak_rss'] / 1e6:.0f} MB", flush=True)


def naive_attempt(tmp: Path, geojson: Path, timeout: float) -> str:
    """The naive map's first paint at 10^5, or how far it got in ``timeout`` seconds.

    Run in its own process group, killed at the deadline: a page busy with a huge map does
    not answer the browser driver, so a wait inside this process could hang for good.
    """
    cmd = [sys.executable, __file__, "--naive-only", str(geojson), str(tmp), str(timeout)]
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True, start_new_session=True)
    try:
        out, _ = proc.communicate(timeout=timeout + 180)  # + the naive server's start
        lines = out.strip().splitlines()
        return lines[-1] if lines else f"failed (exit {proc.returncode})"
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)  # the server and Chromium it started, too
        proc.wait()
        size = geojson.stat().st_size / 1e6
        spent = time.perf_counter() - started
        return f"no map drawn: stopped after {spent:.0f} s (GeoJSON {size:.0f} MB)"


def _naive_only(geojson: Path, tmp: Path, timeout: float) -> None:
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright

    app = _naive_app_dir(tmp)
    env = {"PROJECT_MAP_DATA": str(geojson), "PROJECT_MAP_BASEMAP": "none"}
    env["PYTHONPATH"] = str(REPO_ROOT)
    size = geojson.stat().st_size / 1e6
    with serve_app(app, env=env, timeout=120) as url, sync_playwright() as pw:
        browser = launch_chromium(pw)
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        page.route(
            "**/*",
            lambda r: r.continue_() if r.request.url.startswith(url) else r.abort("failed"),
        )
        start = time.perf_counter()
        try:
            page.goto(url, timeout=timeout * 1000)
            _wait(page, _NAIVE_READY, timeout=timeout)
            result = f"first paint {time.perf_counter() - start:.1f} s"
        except (TimeoutError, PlaywrightError) as exc:
            result = (
                f"no map drawn after {time.perf_counter() - start:.0f} s ({type(exc).__name__})"
            )
        rss = _peak_rss(url)
    print(f"{result} (GeoJSON {size:.0f} MB), server peak RSS {rss / 1e6:.0f} MB", flush=True)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--naive-only"]:
        _naive_only(Path(sys.argv[2]), Path(sys.argv[3]), float(sys.argv[4]))
    else:
        main()
