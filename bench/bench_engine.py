"""The DuckDB query engine over GeoParquet at 10^5 and 10^6 projects. Prints figures only.

Run from the repository root: ``python bench/bench_engine.py`` (``--sizes 100000 1000000``,
``--repeats 15``). For each size a GeoParquet file is written (``geo/parquet.py``) from
synthetic projects (``bench/synthetic.py``; above 10^5 the 10^5 set is copied with each copy
shifted by up to 300 m, so every row is its own project with a new id), then timed, each the
median of ``--repeats`` runs after one warm-up, in one DuckDB connection (``geo/engine.py``):

- **street viewport**: a 1 km x 1 km view near the district's centre, three layers and four
  statuses ticked: the count, the ids, and the ids with the exact geometry test;
- **district viewport**: the whole district (``settings.DISTRICT_BOUNDS``): count and ids;
- **counts**: projects per layer and status in the street and the district viewports.

At 10^5 it also times the loader: the whole file read and validated as GeoParquet (the
GeoJSON of the same projects is over the 64 MB the loader accepts).
"""

from __future__ import annotations

import argparse
import json
import resource
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
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import shapely  # noqa: E402

from bench.synthetic import M_PER_DEG_LAT, M_PER_DEG_LON, synthetic_collection  # noqa: E402
from geo import engine, settings  # noqa: E402
from geo.engine import Viewport  # noqa: E402
from geo.load import _to_frame, load_projects  # noqa: E402
from geo.parquet import write_projects_parquet  # noqa: E402

BASE_SIZE = 100_000
LON, LAT = 120.352, 36.0665  # the district's centre (settings.DEFAULT_CENTER)
HALF_KM = (500 / M_PER_DEG_LON, 500 / M_PER_DEG_LAT)
STREET = Viewport(LON - HALF_KM[0], LAT - HALF_KM[1], LON + HALF_KM[0], LAT + HALF_KM[1])
DISTRICT = Viewport(*settings.DISTRICT_BOUNDS)
LAYERS = ("renewal", "construction", "parking")
STATUSES = ("planned", "preparation", "under_construction", "completed")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--repeats", type=int, default=15)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-engine-") as tmp:
        base_n = min(max(args.sizes), BASE_SIZE)
        started = time.perf_counter()
        collection = synthetic_collection(base_n)
        base = _to_frame(collection["features"])
        geojson_bytes = len(json.dumps(collection, ensure_ascii=False).encode())
        del collection
        print(f"synthetic {base_n:,} projects in {time.perf_counter() - started:.1f} s")
        for n in args.sizes:
            bench_size(n, base, Path(tmp), args.repeats, geojson_bytes)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS of this process: {peak:.0f} MB")


def bench_size(n: int, base: gpd.GeoDataFrame, tmp: Path, repeats: int, geo_bytes: int) -> None:
    frame = scale(base, n)
    path = tmp / f"projects-{n}.parquet"
    started = time.perf_counter()
    write_projects_parquet(frame, path)
    written = time.perf_counter() - started
    del frame
    size_mb = path.stat().st_size / 1e6
    print(f"\n== {n:,} projects: GeoParquet {size_mb:.1f} MB written in {written:.1f} s")
    if n == len(base):
        print(f"   (the same projects as GeoJSON: {geo_bytes / 1e6:.1f} MB)")
        started = time.perf_counter()
        loaded = load_projects(path)
        print(f"   load_projects (read + full validation): {time.perf_counter() - started:.1f} s")
        del loaded
    con = engine.connect(path)
    kwargs = {"layers": LAYERS, "statuses": STATUSES}
    cases: list[tuple[str, Callable[[], object]]] = [
        ("street viewport: count", lambda: engine.total(con, STREET, **kwargs)),
        ("street viewport: ids", lambda: engine.viewport_ids(con, STREET, **kwargs)),
        (
            "street viewport: ids, exact geometry",
            lambda: engine.viewport_ids(con, STREET, exact=True, **kwargs),
        ),
        ("district viewport: count", lambda: engine.total(con, DISTRICT, **kwargs)),
        ("district viewport: ids", lambda: engine.viewport_ids(con, DISTRICT, **kwargs)),
        ("counts by layer/status, street", lambda: engine.counts(con, STREET)),
        ("counts by layer/status, district", lambda: engine.counts(con, DISTRICT)),
    ]
    for label, run in cases:
        result = run()
        rows = len(result) if isinstance(result, list) else result
        if isinstance(rows, dict):
            rows = sum(sum(v.values()) for v in rows.values())
        times = []
        for _ in range(repeats):
            started = time.perf_counter()
            run()
            times.append(time.perf_counter() - started)
        median, worst = statistics.median(times) * 1000, max(times) * 1000
        print(f"   {label:<38} {median:7.1f} ms median, {worst:7.1f} ms max  ({rows:,} rows)")
    con.close()


def scale(base: gpd.GeoDataFrame, n: int) -> gpd.GeoDataFrame:
    """``n`` projects: the base set, then copies of it shifted by up to 300 m, new ids."""
    copies = -(-n // len(base))
    rng = np.random.default_rng(2021)
    parts = [base]
    for k in range(1, copies):
        part = base.copy()
        shift = rng.uniform(-300, 300, size=(len(part), 2)) / (M_PER_DEG_LON, M_PER_DEG_LAT)
        part["geometry"] = _shifted(part.geometry.values, shift)
        part["id"] = part["id"] + f"-copy-{k}"
        parts.append(part)
    out = pd.concat(parts, ignore_index=True).iloc[:n]
    return gpd.GeoDataFrame(out, geometry="geometry", crs=base.crs)


def _shifted(geometries, shift: np.ndarray):
    # transform() hands over every coordinate in order: one shift per geometry, repeated.
    offsets = np.repeat(shift, shapely.get_num_coordinates(np.asarray(geometries)), axis=0)
    return shapely.transform(np.asarray(geometries), lambda coords: coords + offsets)


if __name__ == "__main__":
    main()
