"""Benchmark the planning-insight figures: what one filter change costs the insight panel.

Run from the repository root: ``python bench/bench_insight.py [--sizes 1000 10000]``.

Timed per update (median of ``--runs``), on the frame the filters keep (all statuses but
``completed``), everything ``ui/insight_panel.py`` computes in Python: counts by layer ×
status and by period, the figure table, measures (EPSG:4549), the project table, the targets
comparison (reads ``data/targets.json`` and the report), and coverage (pocket-park service
areas on the land, parking near renewal sites, 5G zones over key projects, projects within
500 m of a point). The CSV and XLSX downloads are timed apart: they are made only when their
button is clicked. Streamlit's drawing and the browser are not timed. Prints figures; never
fails: this is a benchmark, not a test.

``--app`` also times whole reruns of the app (AppTest, bundled data, no JavaScript) after a
filter change: as it opens, with the two-times comparison on, with the service areas on and a
radius filter set. That is the server's side of what a user waits for; the browser's drawing is
not included. It also prints the pocket-park coverage shares of each data set.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

import geopandas as gpd  # noqa: E402

from bench.synthetic import synthetic_collection  # noqa: E402
from geo import analysis, schema, settings  # noqa: E402
from geo.coords import add_measures  # noqa: E402
from geo.filter import ProjectFilter, apply_filter  # noqa: E402
from geo.load import load_boundary, load_projects  # noqa: E402
from geo.targets import compare_targets, load_targets  # noqa: E402


def _parts(shown: gpd.GeoDataFrame, boundary: gpd.GeoDataFrame) -> dict[str, Callable[[], object]]:
    layer = shown["layer"]
    lat, lon = settings.DEFAULT_CENTER
    return {
        "counts": lambda: (
            analysis.count_by_layer_status(shown),
            analysis.count_by_period(shown),
        ),
        "figures+measures": lambda: (
            analysis.figure_table(shown),
            analysis.measure_totals(shown),
        ),
        "table": lambda: analysis.project_table(shown),
        "targets": lambda: compare_targets(load_targets(), shown),
        "coverage": lambda: (
            analysis.coverage(analysis.pocket_parks(shown), boundary),
            analysis.within_distance(
                shown[layer == "renewal"], shown[layer == "parking"], 500, figure_label="停车位"
            ),
            analysis.zones_covering(shown[layer == "fiveg"], shown[layer == "construction"]),
            analysis.within_radius(shown, lon, lat, 500),
        ),
    }


def measure(shown: gpd.GeoDataFrame, boundary: gpd.GeoDataFrame, runs: int) -> dict[str, float]:
    out = {}
    for name, work in _parts(shown, boundary).items():
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            work()
            times.append(time.perf_counter() - start)
        out[name] = statistics.median(times)
    out["total"] = sum(out.values())
    # The downloads are made only when their button is clicked (deferred), not per update.
    table = analysis.project_table(shown)
    for name, make in (
        ("csv on click", analysis.table_csv),
        ("xlsx on click", analysis.table_xlsx),
    ):
        start = time.perf_counter()
        make(table)
        out[name] = time.perf_counter() - start
    return out


def app_reruns(runs: int) -> dict[str, float]:
    """Median seconds of a whole app rerun after a layer is switched off and on again."""
    import os

    from streamlit.testing.v1 import AppTest

    os.environ.setdefault("PROJECT_MAP_BASEMAP", "none")
    at = AppTest.from_file(str(REPO_ROOT / "app.py"), default_timeout=120)
    at.run()
    setups = {
        "as opened": lambda: None,
        "+ comparison on": lambda: at.toggle(key="compare_on").set_value(True).run(),
        "+ service areas, radius 500 m": lambda: (
            at.toggle(key="service_areas_on").set_value(True).run(),
            at.toggle(key="radius_on").set_value(True).run(),
            at.session_state.__setitem__("radius_centre", (36.0680, 120.3200)),
        ),
    }
    out = {}
    for name, setup in setups.items():
        setup()
        times = []
        for index in range(runs):
            at.checkbox(key="layer_parking").set_value(index % 2 == 1)
            start = time.perf_counter()
            at.run()
            times.append(time.perf_counter() - start)
        out[name] = statistics.median(times)
    return out


def coverage_shares(gdf: gpd.GeoDataFrame, boundary: gpd.GeoDataFrame) -> str:
    """ "300 m 12.3 %, 500 m 25.0 % (n located parks)", or why there is no share."""
    parks = analysis.pocket_parks(gdf)
    shares = analysis.coverage(parks, boundary)
    sites = int(shares["sites"].iloc[0])
    if not sites:
        return f"no located pocket park ({len(parks)} schematic)"
    parts = [f"{row.distance_m} m {row.share:.1%}" for row in shares.itertuples()]
    return ", ".join(parts) + f" ({sites} located parks)"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[1000, 10000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--app", action="store_true", help="also time whole app reruns")
    args = parser.parse_args(argv)
    boundary = load_boundary()
    # Loaded as the app loads them (ui/app.py caches add_measures(load_projects(path))).
    frames = [("bundled", add_measures(load_projects(settings.DEFAULT_DATA_PATH)))]
    with tempfile.TemporaryDirectory() as workdir:
        for n in args.sizes:
            path = Path(workdir) / f"synthetic_{n}.geojson"
            path.write_text(json.dumps(synthetic_collection(n), ensure_ascii=False), "utf-8")
            frames.append((f"synthetic {n:,}", add_measures(load_projects(path))))
    view = ProjectFilter(statuses=tuple(s for s in schema.STATUSES if s != "completed"))
    print(f"median of {args.runs} runs, seconds per filter change")
    header = None
    for name, gdf in frames:
        shown = apply_filter(gdf, view)
        times = measure(shown, boundary, args.runs)
        if header is None:
            header = ["data", "shown", *times]
            print(" | ".join(header))
        print(" | ".join([name, str(len(shown)), *(f"{v:.3f}" for v in times.values())]))
    print("\npocket-park coverage of the land (straight line), all projects:")
    for name, gdf in frames:
        print(f"{name}: {coverage_shares(gdf, boundary)}")
    if args.app:
        print(f"\nwhole app rerun after a filter change (AppTest, median of {args.runs + 2}):")
        for name, seconds in app_reruns(args.runs + 2).items():
            print(f"{name}: {seconds:.2f} s")


if __name__ == "__main__":
    main()
