"""The live map at 10^4-10^5 projects in Chromium, beside a naive folium map, in one run.

Run from the repository root: ``make bench-scale`` or ``python bench/bench_scale.py``
(``--sizes 10000 100000``, ``--toggles 6``; ``--help``). Prints figures; asserts nothing.

For each size, synthetic projects (``bench/synthetic.py``: the bundled data's mix of areas,
lines and points, jittered over the district) are written to a GeoJSON file and served twice
with the network cut (every request off 127.0.0.1 is refused, no basemap tiles):

- *ours*: ``app.py`` itself;
- *naive*: ``bench/naive_app.py``, one ``folium.GeoJson`` of the shown projects on the map.

Measured in Chromium (Playwright, one fresh page each):

- **first paint**: from navigation until the projects are on the map as a user sees them
  (ours: the first view drawn with every symbol, to the next animation frame, read from the
  page's own clock, ``Shinan.marks.painted``, so polling adds nothing; naive: Leaflet has
  drawn the GeoJSON, plus one animation frame);
- **click to settled**: a status pill is clicked (off, then on again, for several statuses;
  ours also three layer boxes off and on, and the year controls: all years, "as of" the last
  year, steps back and forth, all years again; ``--kinds``), until the map shows the new
  state (ours: the browser applied the new view; naive: the remounted map has drawn again),
  plus one animation frame; median and maximum. For ours this is timed twice: by the bench's
  probe (it polls the map frame from Python and then waits two animation frames, so on a
  busy page it also waits for the long tasks of Streamlit drawing the click's rerun), and on
  the page's own clock, from the click event until the animation frame that shows the map
  drawn (``Shinan.lastApply.painted``; on screen one frame later), with per kind of click
  where the time went (the page script, the draw, the labels, the rerun reaching the map,
  draws and label placements by the click and by its rerun, the main thread's long tasks);
- **bytes per new / repeated filter state**: websocket bytes the page received from the click
  to settled; a state is *new* the first time it is seen, *repeated* after;
- **server peak RSS**: the Streamlit process's high-water mark (``VmHWM``) after the run.

**Server time per rerun** is timed in this process: the app's map code for one filter change
(filter, groups, ``st_folium``'s own Python work with the component stubbed, and Streamlit's
hashing of the project data element), against the naive map's (filter, GeoJson, st_folium).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import os
import shutil
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
import geopandas as gpd  # noqa: E402
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg  # noqa: E402

from bench.bench_map_update import send_map  # noqa: E402
from bench.naive_app import naive_map  # noqa: E402
from bench.synthetic import synthetic_collection  # noqa: E402
from geo import schema, settings  # noqa: E402
from geo.coords import add_measures  # noqa: E402
from geo.filter import ProjectFilter, apply_filter, split_by_placement  # noqa: E402
from geo.load import load_boundary, load_projects  # noqa: E402
from geo.parquet import write_projects_parquet  # noqa: E402
from maps.browserdata import browser_data  # noqa: E402
from maps.webmap import (  # noqa: E402
    base_map,
    fixed_data,
    fixed_group,
    legend_html,
    load_context,
    load_landmarks,
    overlay_group,
    projects_group,
    selection_group,
    stable_names,
)
from tests.browser_support import (  # noqa: E402
    CHROMIUM_ARGS,
    find_chromium,
    launch_chromium,
    serve_app,
)
from ui.assets import use_local_assets  # noqa: E402

logging.disable(logging.NOTSET)

#: Statuses clicked off and on again, in turn (their pills' Chinese labels on the page).
TOGGLE = ("completed", "open", "preparation", "under_construction")
PILL_TEXT = {"completed": "竣工", "open": "开放运营", "preparation": "前期"}
PILL_TEXT |= {"under_construction": "在建", "planned": "计划"}
#: Kinds of filter click timed (``--kinds``): status pills, layer boxes, the year controls.
KINDS = ("status", "layer", "year")
TARGETS = {10_000: (2.0, 0.3, 100_000), 100_000: (None, 1.0, None)}

# Browser-side probes: has the map drawn, and when did it last apply a view.
_OURS_READY = """() => !!(window.Shinan && Shinan.lastApply && Shinan.projects
    && Shinan.lastDraw && Shinan.marks.painted)"""
_NAIVE_READY = """() => !!window.map && !window.__bench_old
    && document.querySelectorAll('path.leaflet-interactive, .leaflet-marker-icon').length > 0"""
#: How many views the page applied itself, and the last one's milliseconds to compute and show.
_INSTANT = """() => { const F = window.parent.ShinanFilter || {};
    return [F.applied || 0, F.last ? [F.last.computeMs, F.last.ms] : null]; }"""
_LAST_DRAW = "() => [Shinan.lastDraw.drawn, Shinan.lastDraw.groups, Shinan.lastDraw.ms]"
_FRAME = "() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[10_000, 100_000])
    parser.add_argument("--toggles", type=int, default=len(TOGGLE), help="statuses clicked")
    parser.add_argument(
        "--kinds",
        type=lambda text: tuple(text.split(",")),
        default=KINDS,
        help="kinds of click timed, comma-separated (status,layer,year; the naive map: status)",
    )
    parser.add_argument("--no-naive", action="store_true", help="measure ours only")
    parser.add_argument(
        "--warm-browser",
        action="store_true",
        help="time a page the browser has seen twice before (HTTP and code caches kept)",
    )
    parser.add_argument(
        "--unrouted",
        action="store_true",
        help="cold browser without Playwright's routing (a fresh context, the network cut by "
        "a proxy): routing delays each of the page's ~100 requests in the Python driver",
    )
    parser.add_argument(
        "--idle-ms",
        type=_delays,
        default=(3000,),
        help="wait after the first paint before the first click, in ms; several, comma-"
        "separated (500,1000,3000,10000), time each on a fresh page (the map fills its filter "
        "caches meanwhile)",
    )
    parser.add_argument(
        "--data-dir",
        type=Path,
        help="reuse synthetic_N.geojson / synthetic_N.parquet from this folder (as this "
        "benchmark writes them), else write them there",
    )
    parser.add_argument(
        "--server-sizes",
        type=int,
        nargs="*",
        default=[],
        help="sizes measured in this process only (data in browser form, per-state bytes)",
    )
    args = parser.parse_args(argv)
    for n in args.server_sizes:
        server_figures(n)
    if find_chromium() is None:
        sys.exit("Chromium not found: apt-get install chromium")
    use_local_assets()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        naive_app = _naive_app_dir(Path(tmp))
        for n in args.sizes:
            path = _data_file(args.data_dir or Path(tmp), n)
            naive_ok = path.suffix == ".geojson"
            toggles = TOGGLE[: args.toggles]
            server = server_time(path, ours=True)
            runs = {}
            for label, query in (("ours", ""), ("ours, presenter", "/?presenter=1")):
                runs[label] = browse(
                    REPO_ROOT / "app.py",
                    path,
                    toggles,
                    naive=False,
                    query=query,
                    warm_browser=args.warm_browser,
                    unrouted=args.unrouted,
                    idle_ms=args.idle_ms,
                    kinds=args.kinds,
                )
                runs[label]["server"] = server
                print(f"  {label}: {_summary(runs[label])}", flush=True)
                print(_delay_text(runs[label]), flush=True)
                print(_kinds_text(runs[label]), flush=True)
            if not args.no_naive and not naive_ok:
                print("  naive: not served (its GeoJSON is over the loader's limit)", flush=True)
            if not args.no_naive and naive_ok:
                runs["naive"] = browse(naive_app, path, toggles, naive=True)
                runs["naive"]["server"] = server_time(path, ours=False)
                print(f"  naive: {_summary(runs['naive'])}", flush=True)
            rows.append((n, runs))
    print_table(rows)


def _delays(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in text.split(","))


def _data_file(tmp: Path, n: int) -> Path:
    """Synthetic projects as GeoJSON, or as GeoParquet when the GeoJSON would be over the
    app's loader limit (``settings.MAX_DATA_BYTES``: about 50,000 of these projects); a file
    of either name already in ``tmp`` is reused (100,000 take minutes to make)."""
    for kept in (tmp / f"synthetic_{n}.geojson", tmp / f"synthetic_{n}.parquet"):
        if kept.exists():
            print(f"{n:,} projects: {kept} reused", flush=True)
            return kept
    collection = synthetic_collection(n)
    path = tmp / f"synthetic_{n}.geojson"
    path.write_text(json.dumps(collection, ensure_ascii=False), "utf-8")
    size = path.stat().st_size
    if size <= settings.MAX_DATA_BYTES:
        print(f"{n:,} projects: {size / 1e6:.0f} MB GeoJSON", flush=True)
        return path
    gdf = gpd.GeoDataFrame.from_features(collection["features"], crs=4326)
    path.unlink()
    path = write_projects_parquet(gdf, tmp / f"synthetic_{n}.parquet")
    print(f"{n:,} projects: {path.stat().st_size / 1e6:.0f} MB GeoParquet", flush=True)
    return path


def _naive_app_dir(tmp: Path) -> Path:
    """The naive app beside links to the repository's static files and config."""
    where = tmp / "naive"
    (where / ".streamlit").mkdir(parents=True)
    shutil.copy(REPO_ROOT / "bench" / "naive_app.py", where / "naive_app.py")
    shutil.copy(REPO_ROOT / ".streamlit" / "config.toml", where / ".streamlit" / "config.toml")
    (where / "static").symlink_to(REPO_ROOT / "static")
    return where / "naive_app.py"


def browse(
    app: Path,
    data: Path,
    toggles: tuple[str, ...],
    *,
    naive: bool,
    query: str = "",
    warm_browser: bool = False,
    unrouted: bool = False,
    idle_ms: tuple[int, ...] = (3000,),
    kinds: tuple[str, ...] = KINDS,
) -> dict[str, Any]:
    """First paint, click-to-settled and bytes in Chromium, network cut; the server's peak.

    One page loads first to fill the server's caches (reading and checking the file is
    timed by ``make bench`` elsewhere); a fresh page is then timed, warm server, cold browser
    (a first visit: :func:`browser_context`), or with ``warm_browser`` a browser that has
    loaded the page twice before; with ``unrouted`` a fresh context of the proxy-cut browser
    (a first visit without Playwright's routing).
    """
    from playwright.sync_api import sync_playwright

    env = {"PROJECT_MAP_DATA": str(data), "PROJECT_MAP_BASEMAP": "none"}
    env["PYTHONPATH"] = str(REPO_ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")
    ready = _NAIVE_READY if naive else _OURS_READY
    out: dict[str, Any] = {"settle": [], "new": [], "repeated": [], "new_map": [], "rep_map": []}
    out |= {"confirmed": [], "instant": [], "load": [], "by_delay": {}}
    with serve_app(app, env=env, timeout=120) as url, sync_playwright() as pw:
        browser, context = browser_context(pw, url, warm=warm_browser or unrouted)
        for _ in range(2 if warm_browser else 1):
            warm = context.new_page()
            warm.goto(url + query)
            _wait(warm, ready, timeout=900)
            if not naive:  # the page is not clicked: how long its filter caches take to fill
                out["cached_s"] = _cached_after(warm)
            warm.close()
        if unrouted and not warm_browser:  # the server is warm; the timed browser is not
            context.close()
            context = browser.new_context(viewport={"width": 1400, "height": 900})
        for k, delay in enumerate(idle_ms if not naive else idle_ms[:1]):
            page = context.new_page()
            first = _first_paint(page, url + query, ready, naive, out if k == 0 else {}, k == 0)
            page.wait_for_timeout(delay)  # the map reports its view once: let that rerun pass
            if not naive:
                _map_frame(page).evaluate(_WATCH_RENDERS)
                cached = _map_frame(page).evaluate("() => !!Shinan.layer.cacheFullAt")
            mine = out if k == 0 else {}
            settles = _clicks(page, toggles, naive, first, mine, kinds)
            out["settle"].extend(settles)
            out["by_delay"][delay] = {"settle": settles, "first_paint": first["paint"]}
            out["by_delay"][delay]["draws"] = mine.get("draws", [])
            out["by_delay"][delay]["shown"] = mine.get("shown", [])
            if not naive:
                out["by_delay"][delay]["cached"] = cached
            if not naive and k == 0:
                out["view"] = _map_frame(page).evaluate(_PAN_ZOOM)
                print(f"    per state and view: {_state_text(out)}", flush=True)
            page.close()
        browser.close()
        out["peak_rss"] = _peak_rss(url)
    return out


def _cached_after(page, *, timeout: float = 120.0) -> float | None:
    """Seconds from the first paint until the map's filter caches were full for good (the
    view may change after the first paint, which drops them): full, nothing being drawn, and
    the same for 2 s. None: not in ``timeout`` seconds."""
    probe = "() => [Shinan.marks.painted, Shinan.layer.cacheFullAt, Shinan.layer.painting()]"
    deadline, last, since = time.perf_counter() + timeout, None, 0.0
    while time.perf_counter() < deadline:
        painted, full, painting = _map_frame(page).evaluate(probe)
        if full != last or painting:
            last, since = full, time.perf_counter()
        elif full and time.perf_counter() - since >= 2:
            return (full - painted) / 1000
        page.wait_for_timeout(100)
    return None


def _first_paint(
    page, url: str, ready: str, naive: bool, out: dict[str, Any], report: bool
) -> dict:
    """Load ``url`` in ``page`` until the map is drawn; the first paint (and, into ``out``,
    its bytes and breakdown; printed if ``report``) and the byte counter the clicks use."""
    received = {"all": 0, "map": 0}
    page.on("websocket", lambda ws: ws.on("framereceived", lambda m: _count(received, m)))
    start = time.perf_counter()
    page.goto(url)
    _wait(page, ready, timeout=900)
    paint = time.perf_counter() - start
    out["first_paint"] = paint
    out["first_bytes"] = dict(received)
    if not naive:
        breakdown = _first_paint_breakdown(page)
        # What the user sees, on the page's clock: polling the frame (blocked while its
        # main thread works) added up to a few hundred ms to the wall-clock figure.
        out["breakdown"] = breakdown
        out["seen_by_probe"] = paint
        paint = out["first_paint"] = breakdown["at_painted"] / 1000
        if report:
            _print_first_paint(received, start, breakdown, out["seen_by_probe"])
    return {"paint": paint, "received": received}


def _print_first_paint(received: dict, start: float, breakdown: dict, seen: float) -> None:
    arrived = ", ".join(
        f"{label} {received[k] - start:.2f} s"
        for label, k in (
            ("first message", "t_first"),
            ("map", "t_map"),
            ("project data or its loader", "t_data"),
            ("background", "t_background"),
        )
        if k in received
    )
    print(f"    websocket: {arrived}", flush=True)
    print(
        f"    first paint: {_breakdown_text(breakdown, received)}; the bench's "
        f"probe saw it at {seen:.2f} s",
        flush=True,
    )


def _clicks(
    page, toggles: tuple[str, ...], naive: bool, first: dict, out: dict, kinds: tuple[str, ...]
) -> list:
    """Each click of ``_actions``: the settle times in click order; bytes, the server's
    confirmation, the page's own timeline of each click and the map frame's work into ``out``
    (when it is the run's)."""
    received, settles = first["received"], []
    for name in ("new", "repeated", "new_map", "rep_map", "confirmed", "instant", "load"):
        out.setdefault(name, [])
    out.setdefault("kinds", [])
    statuses = set(schema.STATUSES)
    seen = {str(sorted(statuses))}
    if not naive:
        page.evaluate(_PAGE_PROBE)
        if "presenter" in page.url:  # its sidebar is hidden: moved off screen, it takes input
            page.add_style_tag(content=_REACHABLE_CSS)
        seen = {_map_frame(page).evaluate(_SERVER_FILTER)}
    for kind, name, action in _actions(toggles, naive, kinds):
        # Reset in one step: a frame counted between two Playwright calls would find
        # no "all" key (seen at load 20).
        received.clear()
        received.update(all=0, map=0)
        if naive:
            _mark(page, naive=True)
            start = time.perf_counter()
            action(page)
            _wait(page, _NAIVE_READY, timeout=900)
            settles.append(time.perf_counter() - start)
            page.wait_for_timeout(1500)  # the rest of the same rerun
            statuses ^= {name}
            state = str(sorted(statuses))
        else:
            settles.append(_click_ours(page, kind, action, received, out))
            state = _map_frame(page).evaluate(_SERVER_FILTER)
        again = state in seen
        out["repeated" if again else "new"].append(received["all"])
        out["rep_map" if again else "new_map"].append(received["map"])
        seen.add(state)
    return settles


def _click_ours(page, kind: str, action, received: dict, out: dict) -> float:
    """One click on the app: seconds until the bench saw the map settled; the rest into
    ``out``."""
    mark = _mark(page)
    applied = _map_frame(page).evaluate(_INSTANT)[0]
    page.evaluate(_PAGE_RESET)
    counted = _map_frame(page).evaluate(_COUNTS)
    received.update(all=0, map=0)
    start = time.perf_counter()
    action(page)
    # The filter on screen (the view may still be being drawn), then finished.
    _wait(page, _settled(False, mark, drawn=False), timeout=900)
    out.setdefault("shown", []).append(time.perf_counter() - start)
    _wait(page, _settled(False, mark), timeout=900)
    settle = time.perf_counter() - start
    # What the click's draw did: groups drawn of all, milliseconds.
    out.setdefault("draws", []).append(_map_frame(page).evaluate(_LAST_DRAW))
    timeline = _map_frame(page).evaluate(_TIMELINE)
    # The page applied it at once (or not); now the server's rerun.
    _wait(page, _confirmed(mark), timeout=900)
    out["confirmed"].append(time.perf_counter() - start)
    count, last = _map_frame(page).evaluate(_INSTANT)
    out["instant"].append(last if count > applied else None)
    out["load"].append(os.getloadavg()[0])
    page.wait_for_timeout(800)  # the rest of the same rerun
    after = _map_frame(page).evaluate(_TIMELINE)
    timeline |= {f"after_{k}": v for k, v in after.items()}
    timeline |= {"kind": kind, "settle": settle, "confirmed": out["confirmed"][-1]}
    if timeline.get("painted") is not None:  # the page's own clock: click to frame made
        out.setdefault("frame", []).append(timeline["painted"] / 1000)
    for name, before in zip(("draws", "labels"), counted, strict=True):
        timeline[name] -= before  # by the click's own view, and by the whole click
        timeline[f"after_{name}"] -= before
    out["kinds"].append(timeline)
    _wait_for_widgets(page)
    for name, value in _map_frame(page).evaluate(_STATE_WORK).items():
        out.setdefault(name, []).append(value)
    return settle


def _actions(toggles: tuple[str, ...], naive: bool, kinds: tuple[str, ...] = KINDS) -> list:
    """What a user clicks, by kind, as (kind, name, function of the page): each status pill of
    ``toggles`` off then on; (ours) three layer boxes off then on; all years -> "as of" the
    last year, a step back, forward, back, forward, all years again. Widgets are clicked by
    script and the year slider stepped by keys (presenter mode hides the sidebar)."""

    def pill(status):
        return lambda page: _click_pill(page, _pill(status, naive))

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

    out = [("status", status, pill(status)) for status in toggles for _ in range(2)]
    if naive:
        return out
    layers = ("renewal", "construction", "pocket_park")
    out += [("layer", name, layer(name)) for name in layers for _ in range(2)]
    years = [mode(1), step("ArrowLeft"), step("ArrowRight"), step("ArrowLeft")]
    out += [("year", "", action) for action in [*years, step("ArrowRight"), mode(0)]]
    return [click for click in out if click[0] in kinds]


def _wait_for_widgets(page) -> None:
    """After "as of" is chosen its slider appears with the rerun: wait for it."""
    for _ in range(50):
        mode = page.evaluate(_MODE_JS)
        if mode != 1 or page.evaluate(_SLIDER_JS):
            return
        page.wait_for_timeout(100)


#: The sidebar off screen but laid out (presenter mode hides it: its widgets take no input).
_REACHABLE_CSS = """section[data-testid="stSidebar"] {display: block !important;
    position: fixed !important; left: -4000px !important; top: 0 !important;}"""
_SLIDER_JS = "() => !!document.querySelector('.st-key-as_of input[type=range]')"
_MODE_JS = """() => [...document.querySelectorAll('.st-key-mode input[type=radio]')]
    .findIndex((r) => r.checked)"""
# Also: the frame after each view the map applies is stamped (as maps/webmap.js does since
# it counts draws; the bench does it itself to time code from before that alike).
_MARK = """() => { window.__benchState = Shinan.state; const S = Shinan;
    if (!S.__benchShow) { const show = S.__benchShow = S.show;
        S.show = function () { const out = show.apply(this, arguments), a = S.lastApply;
            requestAnimationFrame(() => { if (a && a.painted === undefined)
                a.painted = performance.now(); }); return out; }; }
    return Shinan.lastApply.at; }"""
_COUNTS = "() => [(Shinan.counts || {}).draws || 0, (Shinan.counts || {}).labels || 0]"
_SERVER_FILTER = "() => JSON.stringify((Shinan.state || {}).filter || null)"
# The page's own clock of a click: when it was clicked (or a key pressed), and the long tasks
# of its main thread (the map frame's too: same origin, same thread).
_PAGE_PROBE = """() => { if (window.__bench) return; const B = window.__bench = {longs: []};
    try { new PerformanceObserver((list) => { for (const e of list.getEntries())
        B.longs.push([e.startTime, e.duration]); }).observe({type: "longtask"}); } catch (e) {}
    // The event's own time (a real click's is when it happened, before any handler ran).
    const mark = (e) => {
        if (B.click === null) B.click = Math.min(e.timeStamp, performance.now()); };
    window.addEventListener("click", mark, true); window.addEventListener("keydown", mark, true);
}"""
_PAGE_RESET = """() => { window.__bench.click = null; window.__bench.longs = [];
    const F = window.ShinanFilter || {}; window.__bench.applied = F.applied || 0; }"""
# Milliseconds from the click, on the page's clock: the page script starts to apply it, the
# map has drawn it, the frame showing it is made, the server's rerun reaches the map; the
# draw's and labels' own time; draws and label placements so far; the main thread's long
# tasks since the click (the longest, and their sum).
_TIMELINE = """() => { const B = window.parent.__bench, F = window.parent.ShinanFilter || {};
    const shift = performance.timeOrigin - window.parent.performance.timeOrigin;
    const A = Shinan.lastApply, since = (t) => (t === undefined || t === null) ? null
        : t + shift - B.click;
    const own = (F.applied || 0) > B.applied && F.last;
    const longs = B.longs.filter((l) => l[0] + l[1] > B.click).map((l) => l[1]);
    return {sync: own ? F.last.at - F.last.ms - B.click : null, drawn: since(A.at),
        painted: since(A.painted), state: since(Shinan.stateAt), draw_ms: A.drawMs,
        label_ms: A.labelMs, draws: (Shinan.counts || {}).draws || 0,
        labels: (Shinan.counts || {}).labels || 0,
        long_max: longs.length ? Math.max(...longs) : 0,
        long_sum: longs.reduce((a, b) => a + b, 0)}; }"""


def browser_context(pw, url: str, *, warm: bool) -> tuple[Any, Any]:
    """Chromium and a context that reaches only the app at ``url``.

    Cold (default): the network is cut by routing every request through Playwright, which
    also turns the browser's HTTP cache off (Playwright does so whenever requests are
    routed): every page load is a first visit, as the benchmarks have always measured.
    Warm: the network is cut by a proxy that does not exist (Chromium never proxies the
    loopback address), so the context keeps its HTTP cache and V8's code cache as a
    presenter's browser does when it opens the page again.
    """
    if not warm:
        browser = launch_chromium(pw)
        context = browser.new_context(viewport={"width": 1400, "height": 900})
        context.route(
            "**/*",
            lambda r: r.continue_() if r.request.url.startswith(url) else r.abort("failed"),
        )
        return browser, context
    cut = ["--proxy-server=http://127.0.0.1:9", "--proxy-bypass-list=127.0.0.1"]
    browser = pw.chromium.launch(
        executable_path=find_chromium(), headless=True, args=[*CHROMIUM_ARGS, *cut]
    )
    return browser, browser.new_context(viewport={"width": 1400, "height": 900})


# The map frame's timeline of its first paint, as epoch milliseconds (Date.now).
_BREAKDOWN = """() => ({marks: Shinan.marks, decode: Shinan.lastDecode,
    apply: Shinan.lastApply.ms, draw: Shinan.lastDraw.ms})"""
# Time the map frame spends on each rerun's message (streamlit-folium removing the old groups,
# running the new groups' script, Shinan.show): this listener runs after the component's own,
# so the time since the message event was made is that work.
_WATCH_RENDERS = """() => { window.__benchRenders = [];
    window.addEventListener("message", (e) => {
        if (e.data && e.data.type === "streamlit:render") {
            window.__benchRenders.push(performance.now() - e.timeStamp); } }); }"""
_STATE_WORK = """() => { const r = window.__benchRenders.splice(0);
    return {frame_ms: r.length ? Math.max(...r) : 0, renders: r.length,
        apply_ms: Shinan.lastApply.ms,
        script_kb: (window.__GLOBAL_DATA__.last_feature_group || "").length / 1000}; }"""
# Redraw after a pan and a zoom, and frame intervals while an animated pan runs.
_PAN_ZOOM = """async () => {
    const frame = () => new Promise(r => requestAnimationFrame(r));
    // A new view is drawn in slices (maps/webmap.js): settled once its drawing is finished.
    const painting = () => Shinan.layer.painting && Shinan.layer.painting();
    const settle = async () => { await new Promise(r => setTimeout(r, 400));
        while (painting()) await new Promise(r => setTimeout(r, 20)); };
    const out = {};
    map.panBy([240, 120], {animate: false}); await settle(); out.pan_draw_ms = Shinan.lastDraw.ms;
    map.zoomIn(1, {animate: false}); await settle(); out.zoom_draw_ms = Shinan.lastDraw.ms;
    map.zoomOut(1, {animate: false}); await settle();
    const gaps = []; let last = performance.now(); let going = true;
    map.once("moveend", () => { going = false; });
    map.panBy([-400, -200], {duration: 0.8});
    while (going || painting()) {
        await frame(); const now = performance.now(); gaps.push(now - last); last = now; }
    await settle(); gaps.sort((a, b) => a - b);
    out.pan_frame_median_ms = gaps[Math.floor(gaps.length / 2)];
    out.pan_frame_max_ms = gaps[gaps.length - 1]; out.pan_end_draw_ms = Shinan.lastDraw.ms;
    return out; }"""


def _first_paint_breakdown(page) -> dict[str, float]:
    """Milliseconds from navigation to each step of the map's first paint, and step costs."""
    start = page.evaluate("performance.timeOrigin")
    got = _map_frame(page).evaluate(_BREAKDOWN)
    out = {f"at_{k}": v - start for k, v in got["marks"].items()}
    out |= {"decode_ms": got["decode"]["ms"], "apply_ms": got["apply"], "draw_ms": got["draw"]}
    return out


def _breakdown_text(b: dict[str, float], received: dict[str, int]) -> str:
    steps = [
        ("map script runs", "at_client"),
        ("first view arrives", "at_firstShow"),
        ("project data in page", "at_data"),
        ("drawn", "at_drawn"),
        ("applied", "at_applied"),
        ("every symbol drawn", "at_complete"),
        ("on screen", "at_painted"),
        ("labels placed", "at_labelled"),
    ]
    timeline = ", ".join(f"{label} {b[k] / 1000:.2f} s" for label, k in steps if k in b)
    return (
        f"{timeline}; decode {b['decode_ms']:.0f} ms, first apply+draw {b['apply_ms']:.0f} ms "
        f"(draw {b['draw_ms']:.0f} ms); received {received['all'] / 1e6:.1f} MB "
        f"({received['map'] / 1e6:.1f} MB the map's)"
    )


def _state_text(m: dict[str, Any]) -> str:
    view = m["view"]
    return (
        f"iframe work per state median {statistics.median(m['frame_ms']):.0f} ms "
        f"(max {max(m['frame_ms']):.0f}), apply+draw {statistics.median(m['apply_ms']):.0f} ms, "
        f"group script {statistics.median(m['script_kb']):.1f} KB; redraw after pan "
        f"{view['pan_draw_ms']:.0f} ms, after zoom {view['zoom_draw_ms']:.0f} ms; animated pan "
        f"frames median {view['pan_frame_median_ms']:.0f} ms, max {view['pan_frame_max_ms']:.0f} ms"
    )


def _click_pill(page, text: str) -> None:
    """Click a status pill (by script: presenter mode hides the sidebar that holds them)."""
    clicked = page.evaluate(
        """(text) => { for (const b of document.querySelectorAll('.st-key-statuses button')) {
            if (b.innerText.trim() === text) { b.click(); return true; } } return false; }""",
        text,
    )
    if not clicked:
        raise RuntimeError(f"no status pill {text!r}")


def _pill(status: str, naive: bool) -> str:
    return status if naive else PILL_TEXT[status]


def _count(received: dict[str, int], payload: Any) -> None:
    """Add a websocket message's bytes: to all, and to the map's when it is the map's."""
    if not isinstance(payload, bytes):
        return
    received["all"] += len(payload)
    # When the first message, the map and the project data arrived (first paint breakdown).
    now = time.perf_counter()
    received.setdefault("t_first", now)
    try:
        msg = ForwardMsg.FromString(payload)
    except Exception:
        return
    if msg.WhichOneof("type") != "delta" or msg.delta.WhichOneof("type") != "new_element":
        return
    element = msg.delta.new_element
    kind = element.WhichOneof("type")
    if (
        kind == "component_instance"
        and "st_folium" in element.component_instance.component_name
        or kind == "html"
        and element.html.body[:40].startswith(("<script>/* shinan-data ", "<script>/* shinan-back"))
    ):
        received["map"] += len(payload)
        name = "t_map" if kind == "component_instance" else "t_data"
        if name == "t_data" and "/* shinan-data " not in element.html.body[:40]:
            name = "t_background"
        received.setdefault(name, now)


def _mark(page, naive: bool = False) -> float:
    """Tag the map as it is now, to tell when it has changed."""
    frame = _map_frame(page)
    if naive:
        frame.evaluate("() => { window.__bench_old = true; }")
        return 0.0
    # The rerun's state object marks the server's answer: when the page has applied the view
    # itself, the rerun's identical codes leave the map (and Shinan.lastApply) as they are.
    return frame.evaluate(_MARK)


def _settled(naive: bool, mark: float, *, drawn: bool = True) -> str:
    """The map shows the click's filter; with ``drawn``, a view being drawn in slices (a
    click during a zoom's drawing shows the old view without what it hides meanwhile) is
    finished too."""
    if naive:
        return _NAIVE_READY
    busy = "(Shinan.layer.painting && Shinan.layer.painting())" if drawn else "false"
    return (
        f"() => !!(window.Shinan && Shinan.lastApply && Shinan.lastApply.at !== {mark} && !{busy})"
    )


def _confirmed(mark: float) -> str:
    """The server's rerun has reached the map: its state replaced the one seen at the click
    (the rerun's view is applied just before it), and the map shows a view other than the
    one before the click."""
    done = f"Shinan.lastApply.at !== {mark} && Shinan.state !== window.__benchState"
    return f"() => !!(Shinan.lastApply && {done})"


def _map_frame(page):
    for frame in page.frames:
        if "streamlit_folium" in frame.url:
            return frame
    raise RuntimeError("no map frame")


def _wait(page, probe: str, *, timeout: float) -> None:
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        for frame in page.frames:
            if "streamlit_folium" not in frame.url:
                continue
            try:
                if frame.evaluate(probe):
                    frame.evaluate(_FRAME)
                    return
            except Exception:
                continue
        page.wait_for_timeout(20)  # lets Playwright take in events (time.sleep would not)
    raise TimeoutError(f"map not ready after {timeout} s")


def _peak_rss(url: str) -> int:
    """VmHWM in bytes of the Streamlit process serving ``url``."""
    port = url.rsplit(":", 1)[1]
    for proc in Path("/proc").iterdir():
        try:
            cmd = (proc / "cmdline").read_bytes().split(b"\0")
            if b"streamlit" in b" ".join(cmd) and port.encode() in cmd:
                for line in (proc / "status").read_text().splitlines():
                    if line.startswith("VmHWM:"):
                        return int(line.split()[1]) * 1024
        except OSError:
            continue
    return 0


def server_time(path: Path, *, ours: bool, runs: int = 3) -> float:
    """Median seconds of one rerun's map work after a status is clicked off (see docstring)."""
    boundary = load_boundary()
    if ours:
        gdf = add_measures(load_projects(path))
        data = browser_data(gdf)
        fixed = fixed_data(boundary, load_context(), load_landmarks())
    else:
        gdf = gpd.read_file(path)
    spec = ProjectFilter(statuses=tuple(s for s in schema.STATUSES if s != "completed"))
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        if ours:
            on_map = split_by_placement(apply_filter(gdf, spec))[0]
            groups = [
                fixed_group(fixed, "none"),
                projects_group(data, on_map, layers=spec.layers),
                selection_group(on_map, None),
                overlay_group(legend=legend_html(on_map, layers=spec.layers), time_label="x"),
            ]
            send_map(base_map(), feature_group_to_add=stable_names(groups))
            hashlib.md5(data.element.encode()).hexdigest()  # Streamlit hashes every element
        else:
            send_map(naive_map(gdf, list(spec.statuses)))
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def server_figures(n: int) -> None:
    """The server side at ``n`` projects, in this process: no browser, no file size limit.

    The app's loader refuses GeoJSON over ``settings.MAX_DATA_BYTES`` (64 MB: about 50,000 of
    these synthetic projects), so larger sets are built in memory here as the loader would
    leave them, and measured: browser form (bytes, build time), one view (bytes, time), the
    map's work per rerun, and this process's peak RSS.
    """
    import resource

    start = time.perf_counter()
    gdf = gpd.GeoDataFrame.from_features(synthetic_collection(n)["features"], crs=4326)
    gdf = add_measures(gdf)
    built = time.perf_counter() - start
    start = time.perf_counter()
    data = browser_data(gdf)
    payload = time.perf_counter() - start
    spec = ProjectFilter(statuses=tuple(s for s in schema.STATUSES if s != "completed"))
    times = []
    for _ in range(3):
        start = time.perf_counter()
        on_map = split_by_placement(apply_filter(gdf, spec))[0]
        group = projects_group(data, on_map, layers=spec.layers)
        script = send_map(base_map(), feature_group_to_add=stable_names([group]))["json"]
        hashlib.md5(data.element.encode()).hexdigest()
        times.append(time.perf_counter() - start)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    print(
        f"{n:,} projects (in process): frame {built:.1f} s; browser form "
        f"{data.size / 1e6:.1f} MB in {payload:.1f} s; one view {len(script) / 1000:.0f} KB; "
        f"map work per rerun {statistics.median(times):.3f} s; peak RSS {peak / 2**20:.0f} MB",
        flush=True,
    )


def _summary(m: dict[str, Any]) -> str:
    frame = m.get("frame") or [0.0]
    return (
        f"first paint {m['first_paint']:.2f} s, click -> frame made (page's clock) median "
        f"{statistics.median(frame):.2f} s (max {max(frame):.2f}), settle (bench's probe) median "
        f"{statistics.median(m['settle']):.2f} s (max {max(m['settle']):.2f}; each in click "
        f"order: {' '.join(f'{s:.2f}' for s in m['settle'])}), "
        f"new state {_kb(m['new_map'])} map / {_kb(m['new'])} page, "
        f"repeated {_kb(m['rep_map'])} map / {_kb(m['repeated'])} page, "
        f"server {m['server']:.3f} s/rerun (map), peak {m['peak_rss'] / 2**20:.0f} MB"
        + _confirmed_summary(m)
    )


def _kinds_text(m: dict[str, Any]) -> str:
    """Per kind of click: settle by the bench (median / max) and on the page's own clock, and
    where each click's time went (medians, max in brackets)."""
    lines = []
    for kind in KINDS:
        rows = [r for r in m.get("kinds", []) if r["kind"] == kind]
        if not rows:
            continue

        def fig(name, rows=rows, unit=1.0):
            got = [r[name] * unit for r in rows if r.get(name) is not None]
            if not got:
                return "-"
            return f"{statistics.median(got):.0f} ({max(got):.0f})"

        lines.append(
            f"    {kind} ({len(rows)} clicks): settled (bench) {fig('settle', unit=1000)} ms; "
            f"page's clock: page script starts {fig('sync')}, map drawn {fig('drawn')}, frame "
            f"made {fig('painted')} ms after the click (draw {fig('draw_ms')}, labels "
            f"{fig('label_ms')} ms); rerun reaches the map {fig('after_state')} ms, confirmed "
            f"(bench) {fig('confirmed', unit=1000)} ms; draws by the click {fig('draws')}, "
            f"with its rerun {fig('after_draws')}; label placements {fig('labels')} / "
            f"{fig('after_labels')}; long tasks until drawn: longest {fig('long_max')}, sum "
            f"{fig('long_sum')} ms; until confirmed: longest {fig('after_long_max')}, sum "
            f"{fig('after_long_sum')} ms"
        )
    return "\n".join(lines)


def _delay_text(m: dict[str, Any]) -> str:
    """Settle times by the wait between the first paint and the first click."""
    cached = m.get("cached_s")
    lines = [
        "    filter caches full "
        + (f"{cached:.2f} s after the first paint" if cached is not None else "not in 120 s")
        + " (a page left alone)"
    ]
    for delay, got in m["by_delay"].items():
        settle = got["settle"]
        lines.append(
            f"    first click {delay / 1000:g} s after the first paint ({got['first_paint']:.2f} "
            f"s; caches {'full' if got.get('cached') else 'not full'} then): settle median "
            f"{statistics.median(settle):.2f} s, max {max(settle):.2f} s; in click order "
            + " ".join(f"{x:.2f}" for x in settle)
            + "; filter on screen "
            + " ".join(f"{x:.2f}" for x in got.get("shown", []))
            + "; groups drawn by each click's draw (of all, ms) "
            + " ".join(f"{d}/{g} {ms:.0f}" for d, g, ms in got.get("draws", []))
        )
    return "\n".join(lines)


def _confirmed_summary(m: dict[str, Any]) -> str:
    """Click to the server's rerun drawn, beside the page's own apply (ours only)."""
    if not m.get("confirmed"):
        return ""
    timed = [ms for ms in m["instant"] if ms is not None] or [(0.0, 0.0)]
    return (
        f"; server-confirmed median {statistics.median(m['confirmed']):.2f} s "
        f"(max {max(m['confirmed']):.2f}), applied in the page "
        f"{sum(ms is not None for ms in m['instant'])}/{len(m['instant'])} times "
        f"(median {statistics.median(t[0] for t in timed):.1f} ms to compute, "
        f"{statistics.median(t[1] for t in timed):.0f} ms with the map's drawing), "
        f"load average {min(m['load']):.1f}-{max(m['load']):.1f}"
    )


def _kb(values: list[int]) -> str:
    return f"{statistics.median(values) / 1000:,.1f} KB" if values else "-"


def print_table(rows: list) -> None:
    head = (
        f"{'projects':>9}  {'map':<16}{'paint s':>8}{'frame s':>8}{'max s':>7}"
        f"{'settle s':>9}{'max s':>7}"
        f"{'new KB map/page':>17}{'repeat KB map/page':>20}{'server s':>9}{'peak MB':>8}"
    )
    print("\n" + head + "\n" + "-" * len(head))
    for n, runs in rows:
        for label, m in runs.items():
            new = f"{_kb(m['new_map'])[:-3]}/{_kb(m['new'])[:-3]}"
            repeat = f"{_kb(m['rep_map'])[:-3]}/{_kb(m['repeated'])[:-3]}"
            frame = m.get("frame") or [float("nan")]
            print(
                f"{n:>9,}  {label:<16}{m['first_paint']:>8.2f}"
                f"{statistics.median(frame):>8.2f}{max(frame):>7.2f}"
                f"{statistics.median(m['settle']):>9.2f}{max(m['settle']):>7.2f}"
                f"{new:>17}{repeat:>20}{m['server']:>9.3f}{m['peak_rss'] / 2**20:>8.0f}"
            )
    for n, runs in rows:
        print_targets(n, runs["ours, presenter"], runs["ours"])


def print_targets(n: int, presenter: dict[str, Any], page: dict[str, Any]) -> None:
    """The issue's targets, on presenter mode (the map alone) and the map's own bytes."""
    paint, settle, new_bytes = TARGETS.get(n, (None, None, None))
    checks = []
    if paint is not None:
        checks.append((f"first paint <= {paint} s", presenter["first_paint"] <= paint))
    if settle is not None:
        worst = max(presenter["settle"])
        checks.append((f"presenter settle <= {settle} s (max {worst:.2f})", worst <= settle))
        # The same clicks on the page's own clock: click until the frame showing the map.
        shown = [r["painted"] / 1000 for r in presenter.get("kinds", []) if r.get("painted")]
        if shown:
            worst = max(shown)
            label = f"presenter click -> frame made <= {settle} s, page's clock (max {worst:.2f})"
            checks.append((label, worst <= settle))
    if new_bytes is not None:
        most = max(page["new_map"])
        checks.append((f"map <= {new_bytes // 1000} KB per new state", most <= new_bytes))
    if n >= 100_000:
        checks.append(("server peak < 1 GB", page["peak_rss"] < 2**30))
    for label, ok in checks:
        print(f"  {n:,}: {'PASS' if ok else 'MISS'}  {label}")


if __name__ == "__main__":
    main()
