"""Benchmark one map update: server time and bytes sent, ours against a naive folium app.

Run from the repository root: ``python bench/bench_map_update.py`` (``--help`` for options).

What "one update" is
--------------------
The user toggles one status off in the sidebar (all statuses -> all but ``completed``); the
script reruns. Timed, per update, from the loaded frame to the bytes Streamlit would send:

- ``geo.filter.apply_filter`` on the cached frame (loading is cached in the app, not timed);
- building the map exactly as ``ui/app.py`` does: ``base_map()``, the basemap group ("light"),
  the boundary group, ``projects_group`` (one character per project: the projects themselves
  go to the browser once, see ``maps/browserdata.py``) and ``selection_group`` (nothing
  selected), and hashing the project data element as Streamlit does on every rerun;
- all of ``streamlit_folium.st_folium``'s own Python work: rendering the base map, its header
  and HTML, ``_get_map_string``, ``_get_feature_group_string`` for each group, the CSS/JS link
  walk and the script hash that keys the iframe. ``st_folium`` is called for real, with only
  ``streamlit_folium._component_func`` swapped for a stub that keeps its arguments;
- ``json.dumps`` of the component arguments, as Streamlit's ``create_instance`` does.

Not timed: Streamlit's widgets and protobuf/websocket transfer, and everything in the browser
(parsing, drawing). "Bytes" is the length of that JSON (script, header, html, feature_group,
links, options): what reaches the browser for the map on each update.

The naive approach (what many Streamlit + folium apps do)
---------------------------------------------------------
Same filter and the same base map, but then, on every rerun: the basemap tile layer, the
boundary and every shown project are added to the ``folium.Map`` itself, one ``folium.GeoJson``
per feature, with full-precision coordinates (as stored), every property of the feature
(milestones, source and figures too), a ``style_function`` by status, and a
``folium.GeoJsonTooltip`` whose fields are all scalar properties; points are folium's default
markers. The map goes to ``st_folium`` without ``feature_group_to_add``. Because the data is in
the base map's script, the script hash (the iframe key) changes with the filter: the map
remounts (flash, zoom reset).

"remount" below compares the ``key`` argument ``st_folium`` computes for the two filter
states. Targets at 10,000 features: ours >= 10x faster and >= 5x smaller than naive, and under
0.5 s per update. A miss is reported, never raised: this is a benchmark, not a test.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[1]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

# Streamlit outside `streamlit run` ("bare mode") warns while these modules are imported.
logging.disable(logging.WARNING)
import folium  # noqa: E402
import geopandas as gpd  # noqa: E402
import pandas as pd  # noqa: E402
import streamlit_folium  # noqa: E402

from bench.synthetic import describe, synthetic_collection  # noqa: E402
from geo import schema, settings  # noqa: E402
from geo.coords import add_measures  # noqa: E402
from geo.filter import ProjectFilter, apply_filter, split_by_placement  # noqa: E402
from geo.load import load_boundary, load_projects  # noqa: E402
from layers import STATUS_STYLES  # noqa: E402
from maps.browserdata import BrowserData, browser_data  # noqa: E402
from maps.webmap import (  # noqa: E402
    background_group,
    base_map,
    basemap_group,
    boundary_group,
    legend_html,
    load_context,
    load_landmarks,
    overlay_group,
    projects_group,
    selection_group,
    stable_names,
)
from ui.app import MAP_HEIGHT, MAP_KEY  # noqa: E402
from ui.assets import use_local_assets  # noqa: E402

logging.disable(logging.NOTSET)

BASEMAP = "light"
TOGGLED_OFF = "completed"
BEFORE = ProjectFilter()
AFTER = ProjectFilter(statuses=tuple(s for s in schema.STATUSES if s != TOGGLED_OFF))
TARGET_N = 10_000
_CONTEXT, _LANDMARKS = load_context(), load_landmarks()
TARGET_SPEEDUP, TARGET_SHRINK, TARGET_SECONDS = 10.0, 5.0, 0.5


def send_map(m: folium.Map, **kwargs: Any) -> dict[str, Any]:
    """Run ``st_folium`` for real and return what Streamlit would send: args and their JSON."""
    sent: dict[str, Any] = {}

    def component(*, on_change=None, **args: Any) -> dict:
        # Streamlit's create_instance: every argument but on_change goes into one JSON string.
        sent["json"] = json.dumps(args)
        sent["key"] = args["key"]
        return args["default"]

    original = streamlit_folium._component_func
    streamlit_folium._component_func = component
    try:
        streamlit_folium.st_folium(
            m,
            key=MAP_KEY,
            height=MAP_HEIGHT,
            use_container_width=True,
            returned_objects=["last_active_drawing"],
            **kwargs,
        )
    finally:
        streamlit_folium._component_func = original
    return sent


_DATA: dict[int, BrowserData] = {}


def ours(gdf: gpd.GeoDataFrame, boundary: gpd.GeoDataFrame, spec: ProjectFilter) -> dict:
    """One rerun of ui/app.py's map: filter, groups, st_folium, the project data element.

    The projects in browser form are made once per data version (``st.cache_resource`` in
    the app; here on the first render) and sent once: Streamlit hashes the element on every
    rerun and then sends only a reference, so its bytes count on the first render only.
    """
    first = id(gdf) not in _DATA
    data = _DATA.setdefault(id(gdf), browser_data(gdf)) if first else _DATA[id(gdf)]
    shown = split_by_placement(apply_filter(gdf, spec))[0]
    groups = [
        background_group(boundary, _CONTEXT, _LANDMARKS),
        basemap_group(BASEMAP),
        boundary_group(boundary),
        projects_group(data, shown, layers=spec.layers),
        selection_group(gdf, None),
        overlay_group(legend=legend_html(shown, layers=spec.layers), time_label="2021年1月现状"),
    ]
    sent = send_map(base_map(), feature_group_to_add=stable_names(groups), center=None, zoom=None)
    hashlib.md5(data.element.encode()).hexdigest()  # Streamlit hashes each element it sends
    if first:
        sent["json"] += data.element
    return sent


def naive(gdf: gpd.GeoDataFrame, boundary: gpd.GeoDataFrame, spec: ProjectFilter) -> dict:
    """One rerun of the naive app described in the module docstring."""
    shown = apply_filter(gdf, spec)
    m = base_map()
    basemap_group(BASEMAP).add_to(m)
    folium.GeoJson(boundary.boundary.__geo_interface__, name="boundary").add_to(m)
    scalar = [c for c in shown.columns if c != "geometry" and _is_scalar(shown[c])]
    records = shown.drop(columns="geometry").to_dict("records")
    for props, geom in zip(records, shown.geometry, strict=True):
        props = {k: (None if _is_nan(v) else v) for k, v in props.items()}
        feature = {"type": "Feature", "properties": props, "geometry": geom.__geo_interface__}
        style = STATUS_STYLES[props["status"]]
        folium.GeoJson(
            feature,
            style_function=lambda _f, s=style: {"color": s.color, "fillOpacity": s.fill_opacity},
            tooltip=folium.GeoJsonTooltip(fields=scalar, aliases=scalar),
        ).add_to(m)
    return send_map(m)


def _is_scalar(column: pd.Series) -> bool:
    return not column.map(lambda v: isinstance(v, (list, dict))).any()


def _is_nan(value: object) -> bool:
    return isinstance(value, float) and value != value


def measure(update: Callable, gdf, boundary, runs: int) -> dict[str, Any]:
    """Median seconds of ``runs`` updates to the AFTER filter, bytes, and whether it remounts."""
    start = time.perf_counter()
    before = update(gdf, boundary, BEFORE)  # the first render: also the warm-up
    first = time.perf_counter() - start
    times, after = [], {}
    for _ in range(runs):
        start = time.perf_counter()
        after = update(gdf, boundary, AFTER)
        times.append(time.perf_counter() - start)
    return {
        "first": first,
        "seconds": statistics.median(times),
        "min": min(times),
        "max": max(times),
        "bytes": len(after["json"].encode()),
        "remount": after["key"] != before["key"],
        "shown": len(apply_filter(gdf, AFTER)),
    }


def datasets(sizes: list[int], workdir: Path) -> list[tuple[str, gpd.GeoDataFrame]]:
    """The bundled data (or the test file), then synthetic sets, loaded as the app loads them."""
    bundled = settings.DEFAULT_DATA_PATH
    if not bundled.exists():
        bundled = REPO_ROOT / "tests" / "data" / "mini_projects.geojson"
    out = [(bundled.name, add_measures(load_projects(bundled)))]
    for n in sizes:
        path = workdir / f"synthetic_{n}.geojson"
        collection = synthetic_collection(n)
        path.write_text(json.dumps(collection, ensure_ascii=False), encoding="utf-8")
        print(f"synthetic {n}: {describe(collection)}")
        out.append((f"synthetic {n:,}", add_measures(load_projects(path))))
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="timed updates per case (median)")
    parser.add_argument("--sizes", type=int, nargs="*", default=[1_000, TARGET_N])
    parser.add_argument("--no-naive", action="store_true", help="time our path only")
    args = parser.parse_args(argv)
    use_local_assets()  # as the app does: local Leaflet URLs in the args
    boundary = load_boundary()
    print(f"update: statuses all -> all but '{TOGGLED_OFF}'; median of {args.runs} runs\n")
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for name, gdf in datasets(args.sizes, Path(tmp)):
            ours_m = measure(ours, gdf, boundary, args.runs)
            naive_m = None if args.no_naive else measure(naive, gdf, boundary, args.runs)
            rows.append((name, len(gdf), ours_m, naive_m))
    print_table(rows)


def print_table(rows: list[tuple[str, int, dict, dict | None]]) -> None:
    head = (
        f"{'data':<20}{'shown':>13}  {'approach':<8}{'1st s':>7}{'median s':>10}{'min-max s':>16}"
        f"{'bytes/update':>15}  remount"
    )
    print("\n" + head + "\n" + "-" * len(head))
    for name, total, ours_m, naive_m in rows:
        for label, m in (("ours", ours_m), ("naive", naive_m)):
            if m is None:
                continue
            print(
                f"{name:<20}{m['shown']:>6,}/{total:<6,}  {label:<8}"
                f"{m['first']:>7.2f}{m['seconds']:>10.3f}"
                f"{m['min']:>8.3f}-{m['max']:<7.3f}{m['bytes']:>15,}  "
                f"{'YES' if m['remount'] else 'no'}"
            )
        if naive_m is not None:
            print(
                f"{'':<20}{'':>13}  naive/ours: {naive_m['seconds'] / ours_m['seconds']:.1f}x "
                f"time, {naive_m['bytes'] / ours_m['bytes']:.1f}x bytes"
            )
    print_targets(rows)


def print_targets(rows: list[tuple[str, int, dict, dict | None]]) -> None:
    big = [r for r in rows if r[1] == TARGET_N]
    if not big:
        print(f"\n(no {TARGET_N:,}-feature run: targets not checked)")
        return
    _, _, ours_m, naive_m = big[0]
    checks = [
        (f"ours < {TARGET_SECONDS} s per update", ours_m["seconds"] < TARGET_SECONDS),
        ("ours does not remount", not ours_m["remount"]),
    ]
    if naive_m is not None:
        speedup = naive_m["seconds"] / ours_m["seconds"]
        shrink = naive_m["bytes"] / ours_m["bytes"]
        checks += [
            (
                f">= {TARGET_SPEEDUP:g}x faster than naive ({speedup:.1f}x)",
                speedup >= TARGET_SPEEDUP,
            ),
            (f">= {TARGET_SHRINK:g}x smaller than naive ({shrink:.1f}x)", shrink >= TARGET_SHRINK),
        ]
    print(f"\ntargets at {TARGET_N:,} features:")
    for label, ok in checks:
        print(f"  {'PASS' if ok else 'MISS'}  {label}")


if __name__ == "__main__":
    main()
