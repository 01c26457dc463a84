"""The live map's first paint, step by step, from a Chromium trace (10,000 projects by default).

Run from the repository root: ``python bench/bench_first_paint.py`` (``--size 10000``,
``--presenter``, ``--trace trace.json`` to keep the trace for Chrome's performance panel).
Prints a timeline; asserts nothing.

Synthetic projects (``bench/synthetic.py``) are served by ``app.py`` with the network cut; one
page warms the server's caches, then a fresh page is loaded while Chromium traces its renderer.
Every time is milliseconds from the page's navigation:

- **websocket**: when each message of the first run arrives (Python's clock, the same epoch as
  the page's ``performance.timeOrigin``), with its kind and size: the page's elements in the
  order the server's script makes them, so the gaps are the script's sections;
- **main thread**: every task of the page's renderer over ``--task-ms`` (the page and the map's
  frame share it), with what filled it (script by URL, HTML parsing, style and layout, GC);
- **map frame**: when the component's frame navigates, loads its bundle and Leaflet, runs the
  map's script, receives the data, decodes, applies and draws (``Shinan.marks``), and when the
  next frame is presented after the draw (what a user sees).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[1]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from streamlit.proto.ForwardMsg_pb2 import ForwardMsg  # noqa: E402

from bench.bench_scale import _data_file, _map_frame, _wait, browser_context  # noqa: E402
from tests.browser_support import find_chromium, serve_app  # noqa: E402

#: Chromium trace categories: tasks, script, parsing, layout and paint, user timing.
CATEGORIES = (
    "devtools.timeline",
    "disabled-by-default-devtools.timeline",
    "v8.execute",
    "blink.user_timing",
    "loading",
    "toplevel",
)
#: The map has drawn its first view (both the old and the new map client).
READY = "() => !!(window.Shinan && Shinan.lastApply && Shinan.projects && Shinan.lastDraw)"
#: Run in every frame before its scripts: in a child frame (the map's; its first, blank
#: document's window is kept when it navigates), log every draw of the projects (epoch ms at
#: its end, its ms) through a setter on ``Shinan.lastDraw``.
DRAW_LOG = """(() => { if (window === window.top || window.Shinan) return;
    const S = (window.Shinan = window.Shinan || {}); let value; S.drawLog = [];
    Object.defineProperty(S, "lastDraw", {configurable: true, get: () => value, set: (v) => {
        value = v; S.drawLog.push([performance.timeOrigin + performance.now(), v.ms]); }});
})();"""
#: Run in the page before its scripts: note when each websocket message reaches the page's main
#: thread (its clock, ms from navigation, and bytes). Python hears of a message only when
#: Playwright hands it the event, which a busy machine delays and batches.
WS_LOG = """(() => { if (window !== window.top) return;
    const Native = window.WebSocket; window.__wsLog = [];
    const Logged = function (...args) {
        const ws = new Native(...args);
        ws.addEventListener("open", () => { window.__wsOpen = performance.now(); });
        ws.addEventListener("message", (e) => window.__wsLog.push(
            [performance.now(), e.data.byteLength || e.data.size || e.data.length || 0]));
        return ws; };
    Logged.prototype = Native.prototype;
    Object.assign(Logged, {CONNECTING: 0, OPEN: 1, CLOSING: 2, CLOSED: 3});
    window.WebSocket = Logged;
})();"""
#: The first paint settled: wait until no draw follows for a second; the last draw's end
#: (epoch ms) is when every symbol is on the canvas; the frame after it shows it.
PRESENTED = """async () => {
    const quiet = () => new Promise(r => setTimeout(r, 1000));
    let last = -1, draws = 0;
    while (Shinan.lastDraw.at !== last) { last = Shinan.lastDraw.at; draws += 1; await quiet(); }
    return {complete: performance.timeOrigin + last, marks: Shinan.marks,
            decode: Shinan.lastDecode && Shinan.lastDecode.ms,
            timeOrigin: performance.timeOrigin,
            drawMs: Shinan.lastDraw.ms, draws: Shinan.drawLog,
            resources: performance.getEntriesByType("resource").map(e => ({
                name: e.name.split("/").pop(), start: e.startTime, end: e.responseEnd,
                bytes: e.transferSize}))}; }"""


#: Everything the page itself fetched (its JavaScript chunks, styles, fonts, the data file):
#: start and end (ms from navigation), bytes over the wire (0: from the browser's cache).
_PAGE_RESOURCES = """() => performance.getEntriesByType("resource")
    .map(e => ({name: e.name.split("/").pop().split("?")[0], start: e.startTime,
        end: e.responseEnd, bytes: e.transferSize, kind: e.initiatorType}))"""
#: The page's fetches of the project data file: start and end (ms from navigation), bytes.
_DATA_FILE = """() => performance.getEntriesByType("resource")
    .filter(e => e.name.includes("/app/static/projects/"))
    .map(e => ({name: e.name.split("/").pop(), start: e.startTime, end: e.responseEnd,
        bytes: e.transferSize, size: e.decodedBodySize}))"""


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", type=int, default=10_000)
    parser.add_argument("--presenter", action="store_true", help="presenter mode (map alone)")
    parser.add_argument("--trace", type=Path, help="keep the Chromium trace here")
    parser.add_argument("--task-ms", type=float, default=25.0, help="shortest task listed")
    parser.add_argument(
        "--warm-browser",
        action="store_true",
        help="a browser that has seen the page twice before (its HTTP and code caches kept)",
    )
    parser.add_argument(
        "--unrouted",
        action="store_true",
        help="cold: a fresh browser context with the network cut by a proxy, not by routing "
        "every request through Playwright (which adds its own delay to each of the page's "
        "~100 requests)",
    )
    parser.add_argument(
        "--floor",
        action="store_true",
        help="serve bench/floor_app.py instead: one streamlit-folium map on a bare page",
    )
    args = parser.parse_args(argv)
    if find_chromium() is None:
        sys.exit("Chromium not found: apt-get install chromium")
    with tempfile.TemporaryDirectory() as tmp:
        data = _data_file(Path(tmp), args.size)
        trace_path = args.trace or Path(tmp) / "trace.json"
        query = "/?presenter=1" if args.presenter else ""
        app = _floor_app(Path(tmp)) if args.floor else REPO_ROOT / "app.py"
        run = load_traced(
            data,
            trace_path,
            query=query,
            warm_browser=args.warm_browser,
            unrouted=args.unrouted,
            app=app,
        )
        cache = "warm (third visit)" if args.warm_browser else "cold (first visit)"
        if args.unrouted and not args.warm_browser:
            cache += ", not routed"
        print(f"load average {os.getloadavg()[0]:.1f}; browser cache {cache}")
        print_timeline(run, json.loads(trace_path.read_text()), task_ms=args.task_ms)


def _floor_app(tmp: Path) -> Path:
    """bench/floor_app.py beside links to the repository's static files and config."""
    where = tmp / "floor"
    (where / ".streamlit").mkdir(parents=True)
    shutil.copy(REPO_ROOT / "bench" / "floor_app.py", where / "floor_app.py")
    shutil.copy(REPO_ROOT / ".streamlit" / "config.toml", where / ".streamlit" / "config.toml")
    (where / "static").symlink_to(REPO_ROOT / "static")
    return where / "floor_app.py"


def load_traced(
    data: Path,
    trace_path: Path,
    *,
    query: str = "",
    warm_browser: bool = False,
    unrouted: bool = False,
    app: Path = REPO_ROOT / "app.py",
) -> dict[str, Any]:
    """Warm the server with one page, then trace a fresh page until the map is presented.

    By default the traced page is a first visit (see :func:`browser_context`); with
    ``warm_browser`` the same browser has loaded the page twice before.
    """
    from playwright.sync_api import sync_playwright

    env = {"PROJECT_MAP_DATA": str(data), "PROJECT_MAP_BASEMAP": "none"}
    env["PYTHONPATH"] = str(REPO_ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")
    messages: list[dict[str, Any]] = []
    with serve_app(app, env=env, timeout=120) as url, sync_playwright() as pw:
        browser, context = browser_context(pw, url, warm=warm_browser or unrouted)
        for _ in range(2 if warm_browser else 1):
            warm = context.new_page()
            warm.goto(url + query)
            _wait(warm, READY, timeout=900)
            warm.close()
        if unrouted and not warm_browser:  # the server is warm; the traced browser is not
            context.close()
            context = browser.new_context(viewport={"width": 1400, "height": 900})
        page = context.new_page()
        page.add_init_script(DRAW_LOG)
        page.add_init_script(WS_LOG)
        page.on("websocket", lambda ws: ws.on("framereceived", lambda m: _note(messages, m)))
        browser.start_tracing(page=page, path=str(trace_path), categories=list(CATEGORIES))
        start = time.time()
        page.goto(url + query, wait_until="commit")
        _wait(page, READY, timeout=900)
        seen = time.time()
        frame = _map_frame(page).evaluate(PRESENTED)
        page.wait_for_timeout(2500)  # the rerun the map's first report asks for
        browser.stop_tracing()
        origin = page.evaluate("performance.timeOrigin")
        # The project data file the page fetches (ui/app.py), on the page's own clock.
        fetched = page.evaluate(_DATA_FILE)
        resources = page.evaluate(_PAGE_RESOURCES)
        in_page = page.evaluate("window.__wsLog")
        ws_open = page.evaluate("window.__wsOpen")
        browser.close()
    return {
        "origin": origin,
        "bench_seen": seen * 1000 - origin,
        "goto": start * 1000 - origin,
        "frame": frame,
        "data_file": fetched,
        "page_resources": resources,
        "messages": [m | {"at": m["at"] - origin} for m in messages],
        "in_page": in_page,
        "ws_open": ws_open,
    }


def _note(messages: list[dict[str, Any]], payload: Any) -> None:
    """One websocket message: when (epoch ms), bytes, and what it carries."""
    if not isinstance(payload, bytes):
        return
    entry = {"at": time.time() * 1000, "bytes": len(payload), "what": "?"}
    try:
        msg = ForwardMsg.FromString(payload)
    except Exception:
        messages.append(entry)
        return
    kind = msg.WhichOneof("type")
    entry["what"] = kind
    if kind == "delta":
        delta = msg.delta
        entry["what"] = delta.WhichOneof("type")
        if entry["what"] == "new_element":
            element = delta.new_element
            name = element.WhichOneof("type")
            if name == "html":
                name += " " + element.html.body[:28].replace("\n", " ")
            elif name == "component_instance":
                name += " " + element.component_instance.component_name
            entry["what"] = name
        entry["path"] = list(msg.metadata.delta_path)
    elif kind == "script_finished":
        entry["what"] = f"script_finished {msg.script_finished}"
    messages.append(entry)


def print_timeline(run: dict[str, Any], trace: dict[str, Any], *, task_ms: float) -> None:
    frame = run["frame"]
    print(f"goto called at {run['goto']:.0f} ms (navigation starts at 0)")
    if run.get("ws_open") is not None:
        print(f"the page's websocket opened at {run['ws_open']:.0f} ms")
    print("\nwebsocket (ms from navigation: heard by Python / reached the page, KB, what):")
    # The page saw the same messages in the same order: match them one by one by size.
    in_page = list(run.get("in_page") or [])
    for m in run["messages"]:
        while in_page and in_page[0][1] != m["bytes"]:
            in_page.pop(0)
        m["page_at"] = in_page.pop(0)[0] if in_page else float("nan")
    for m in _squash(run["messages"]):
        print(f"  {m['at']:8.0f} {m['page_at']:8.0f} {m['bytes'] / 1000:9.1f}  {m['what']}")
    for f in run.get("data_file", []):
        print(
            f"  {f['start']:8.0f} -> {f['end']:6.0f}  page fetches {f['name']} "
            f"({f['bytes'] / 1000:.0f} KB over the wire, {f['size'] / 1000:.0f} KB)"
        )
    print("\npage resources (ms from navigation, KB over the wire; 0: from the cache):")
    for r in sorted(run.get("page_resources", []), key=lambda r: r["start"]):
        print(
            f"  {r['start']:8.0f} -> {r['end']:6.0f}  {r['kind']:<6} {r['name'][:48]} "
            f"({r['bytes'] / 1000:.0f} KB)"
        )
    print("\nmap frame:")
    frame_origin = frame["timeOrigin"] - run["origin"]
    print(f"  {frame_origin:8.0f}  frame navigates (component iframe created)")
    for r in frame["resources"]:
        print(
            f"  {frame_origin + r['start']:8.0f} -> {frame_origin + r['end']:6.0f}  "
            f"{r['name'][:50]} ({r['bytes'] / 1000:.0f} KB)"
        )
    for name, at in sorted(frame["marks"].items(), key=lambda kv: kv[1]):
        print(f"  {at - run['origin']:8.0f}  Shinan mark {name}")
    for at, ms in frame["draws"]:
        print(f"  {at - run['origin']:8.0f}  a draw of the projects ends ({ms:.0f} ms)")
    print(
        f"  {frame['complete'] - run['origin']:8.0f}  last draw of the first paint ends "
        f"({frame['drawMs']:.0f} ms): every symbol on screen"
    )
    decode = f"decode {frame['decode']:.0f} ms" if frame.get("decode") is not None else "no data"
    print(f"  {run['bench_seen']:8.0f}  bench probe saw the map ({decode})")
    print(f"\nrenderer main thread, tasks over {task_ms:.0f} ms:")
    for task in main_thread_tasks(trace, run["origin"], task_ms=task_ms):
        parts = ", ".join(f"{k} {v:.0f}" for k, v in task["parts"].most_common(4))
        print(f"  {task['at']:8.0f} +{task['ms']:6.0f}  {parts}")


def _squash(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Runs of small messages of one kind as one line (the count in ``what``)."""
    out: list[dict[str, Any]] = []
    for m in messages:
        last = out[-1] if out else None
        small = m["bytes"] < 2000
        if last and small and last.get("small") and last["kind"] == m["what"].split(" ")[0]:
            last["n"] += 1
            last["bytes"] += m["bytes"]
            last["what"] = f"{last['kind']} x{last['n']} (until {m['at']:.0f})"
            continue
        out.append(m | {"small": small, "kind": m["what"].split(" ")[0], "n": 1})
    return out


def main_thread_tasks(
    trace: dict[str, Any], origin_ms: float, *, task_ms: float
) -> list[dict[str, Any]]:
    """Long tasks on the renderer's main thread, each with its time by kind of work."""
    events = trace.get("traceEvents", trace)
    threads = {
        (e["pid"], e["tid"])
        for e in events
        if e.get("name") == "thread_name" and e["args"].get("name") == "CrRendererMain"
    }
    # The page's navigationStart on the trace clock anchors trace time to navigation.
    nav = [
        e for e in events if e.get("name") == "navigationStart" and (e["pid"], e["tid"]) in threads
    ]
    if not nav:
        return []
    zero = min(e["ts"] for e in nav)
    by_thread: dict[tuple, list] = defaultdict(list)
    for e in events:
        if (e.get("pid"), e.get("tid")) in threads and e.get("ph") == "X" and "dur" in e:
            by_thread[(e["pid"], e["tid"])].append(e)
    tasks = []
    for evs in by_thread.values():
        evs.sort(key=lambda e: (e["ts"], -e["dur"]))
        tops = [e for e in evs if e["name"] in ("RunTask", "ThreadControllerImpl::RunTask")]
        until = -1
        for top in tops:  # the outermost only (one task is traced under both names)
            if top["ts"] < until:
                continue
            until = top["ts"] + top["dur"]
            if top["dur"] < task_ms * 1000 or top["ts"] < zero:
                continue
            end = top["ts"] + top["dur"]
            inner = [e for e in evs if top["ts"] <= e["ts"] < end and e is not top]
            tasks.append(
                {"at": (top["ts"] - zero) / 1000, "ms": top["dur"] / 1000, "parts": _parts(inner)}
            )
    return sorted(tasks, key=lambda t: t["at"])


def _parts(inner: list[dict[str, Any]]) -> Counter:
    """Milliseconds of a task by its outermost named pieces of work."""
    parts: Counter = Counter()
    covered_until = -1
    for e in inner:
        if e["ts"] < covered_until or e["name"] not in _WORK:
            continue
        data = (e.get("args") or {}).get("data") or {}
        where = data.get("url") or data.get("functionName") or ""
        label = e["name"] + (f" {where.rsplit('/', 1)[-1][:40]}" if where else "")
        parts[label] += e["dur"] / 1000
        covered_until = e["ts"] + e["dur"]
    return parts


_WORK = {
    "FunctionCall",
    "EvaluateScript",
    "v8.compile",
    "ParseHTML",
    "UpdateLayoutTree",
    "Layout",
    "Paint",
    "PrePaint",
    "MajorGC",
    "MinorGC",
    "V8.GC_MARK_COMPACTOR",
    "EventDispatch",
    "TimerFire",
    "FireAnimationFrame",
    "XHRReadyStateChange",
    "ParseAuthorStyleSheet",
    "v8.run",
    "HitTest",
    "Commit",
}


if __name__ == "__main__":
    main()
