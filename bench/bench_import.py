"""Benchmark imports and saves: read + plan a file of N rows, and one save of the data.

Run from the repository root: ``python bench/bench_import.py``. Prints the median of 3 runs:

- a CSV of N parking lots (GCJ-02 lon/lat, GBK) read and planned against the bundled data;
- a zipped Shapefile of N red-line polygons in EPSG:4549, GBK, no .cpg, no .prj;
- one save of the bundled data through the store (validate with quotes, keep versions, log,
  fsync, rename) after one edited field.
"""

from __future__ import annotations

import copy
import statistics
import sys
import tempfile
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import geopandas as gpd  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import prcoords  # noqa: E402
from shapely.geometry import box  # noqa: E402

from geo import settings  # noqa: E402
from geo.imports import ImportOptions, plan_import, read_source  # noqa: E402
from geo.load import read_report_text  # noqa: E402
from geo.store import GeoJSONFileStore, dump_collection  # noqa: E402
from tests.import_corpus import write_zipped_shapefile  # noqa: E402


def _median(run, times=3) -> float:
    values = []
    for _ in range(times):
        start = time.perf_counter()
        run()
        values.append(time.perf_counter() - start)
    return statistics.median(values)


def _points(n: int, rng) -> tuple[np.ndarray, np.ndarray]:
    xmin, ymin, xmax, ymax = settings.DISTRICT_BOUNDS
    return rng.uniform(xmin + 0.01, xmax - 0.01, n), rng.uniform(ymin + 0.005, ymax - 0.005, n)


def main() -> None:
    warnings.simplefilter("ignore")
    rng = np.random.default_rng(11)
    base = GeoJSONFileStore(settings.DEFAULT_DATA_PATH).load().collection
    report = read_report_text()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for n in (100, 1000, 5000):
            lon, lat = _points(n, rng)
            shifted = [prcoords.wgs_gcj((y, x)) for x, y in zip(lon, lat, strict=True)]
            frame = pd.DataFrame(
                {
                    "名称": [f"停车场{i}" for i in range(n)],
                    "状态": "开放运营",
                    "年份": 2020,
                    "经度": [p.lon for p in shifted],
                    "纬度": [p.lat for p in shifted],
                }
            )
            csv = folder / f"lots{n}.csv"
            csv.write_bytes(frame.to_csv(index=False).encode("GB18030"))
            options = ImportOptions(layer="parking", shift="gcj02")
            seconds = _median(
                lambda csv=csv, options=options: plan_import(
                    read_source(csv), base, options, report_text=report
                )
            )
            print(f"CSV GCJ-02 GBK, {n:>5} rows: read + plan {seconds:.2f} s")

            polys = gpd.GeoDataFrame(
                {"名称": [f"地块{i}" for i in range(n)], "状态": "在建", "开工年份": 2020},
                geometry=[box(x, y, x + 0.0005, y + 0.0004) for x, y in zip(lon, lat, strict=True)],
                crs="EPSG:4326",
            ).to_crs("EPSG:4549")
            archive = write_zipped_shapefile(
                polys, folder, f"red{n}", encoding="GBK", cpg=False, prj=False
            )
            options = ImportOptions(layer="renewal")
            seconds = _median(
                lambda archive=archive, options=options: plan_import(
                    read_source(archive), base, options, report_text=report
                )
            )
            print(f"Shapefile 4549 GBK, {n:>5} polygons: read + plan {seconds:.2f} s")

        data = folder / "projects.geojson"
        data.write_bytes(dump_collection(base))
        store = GeoJSONFileStore(data)

        def save_once(counter=[0]):  # noqa: B006 - a counter across calls
            snapshot = store.load()
            new = copy.deepcopy(snapshot.collection)
            counter[0] += 1
            new["features"][0]["properties"]["name_en"] = f"Edit {counter[0]}"
            store.save(new, base=snapshot, who="bench")

        print(
            f"save of the bundled data ({len(base['features'])} features): "
            f"{_median(save_once, 5) * 1000:.0f} ms"
        )


if __name__ == "__main__":
    main()
