"""Load on one PostGIS database from two app-server processes: viewers filtering, editors saving.

What runs (said honestly): not two Streamlit servers but two Python processes that do what
the app's script does per rerun, through the same code: a viewer asks the change counter
(``store.data_version()``), reloads and validates the projects only when it moved (the app's
``cached_store_projects``), then filters them (``apply_filter``) with random layers, statuses
and years; an editor loads a snapshot, changes one field of a random project (a few hot
projects, so editors collide) and saves it naming the row versions it read, reloading and
retrying when refused. Each process runs its share of the 20 viewers and 3 editors as
threads, like Streamlit's one thread per session, on one connection pool per process.

The database is a throwaway PostgreSQL cluster on a loopback TCP port with its durable
defaults (fsync on). Printed: updates per second, p50/p95 latency of viewer reruns and of
saves, refused (stale) saves, and lost updates: a save reported as made whose value is not in
the change log, or a project whose final value is not its last committed save (must be 0).

    .venv/bin/python bench/bench_db_load.py [--seconds 60] [--viewers 20] [--editors 3]
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import random
import statistics
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

#: Editors all work on the first few projects (the west old city), so they collide often.
HOT_COUNT = 3


def _percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _viewer(store, stop: threading.Event, out: list[float]) -> None:
    from geo.filter import ProjectFilter, apply_filter
    from geo.schema import LAYER_IDS, STATUSES
    from geo.store import load_projects_from

    rng = random.Random()
    seen, gdf = None, None
    while not stop.is_set():
        start = time.perf_counter()
        version = store.data_version()
        if version != seen:  # what cached_store_projects does: reload only on a change
            gdf, seen = load_projects_from(store), version
        view = ProjectFilter(
            layers=tuple(rng.sample(LAYER_IDS, rng.randint(1, len(LAYER_IDS)))),
            statuses=tuple(rng.sample(STATUSES, rng.randint(1, len(STATUSES)))),
            as_of=rng.choice([None, 2020, 2021]),
        )
        apply_filter(gdf, view)
        out.append(time.perf_counter() - start)
        time.sleep(rng.uniform(0.05, 0.25))  # a person changing a filter, not a loop


def _editor(store, name: str, ids: list[str], stop, out: list[float], saved: list, refused):
    from geo.store import VersionConflict

    rng = random.Random()
    count = 0
    while not stop.is_set():
        fid = rng.choice(ids)
        count += 1
        value = f"{name} edit {count}"
        start = time.perf_counter()
        while True:
            base = store.load()
            new = json.loads(json.dumps(base.collection))
            feature = next(f for f in new["features"] if f["properties"]["id"] == fid)
            feature["properties"]["name_en"] = value
            try:
                result = store.save(new, base=base, who=name)
                break
            except VersionConflict:
                refused.append(1)
        out.append(time.perf_counter() - start)
        saved.append((fid, value, int(result.version)))
        time.sleep(rng.uniform(0.0, 0.2))


def _server(index: int, url: str, viewers: int, editors: list[str], seconds: float, queue):
    """One app-server process: its viewers and editors as threads, one pool."""
    os.environ["PROJECT_MAP_DATABASE_URL"] = url
    from geo.db.pgstore import PostGISStore

    store = PostGISStore(url)
    with open(ROOT / "data" / "projects.geojson", encoding="utf-8") as f:
        ids = [feat["properties"]["id"] for feat in json.load(f)["features"]]
    hot = ids[:HOT_COUNT]
    stop = threading.Event()
    view_times: list[float] = []
    save_times: list[float] = []
    saved: list = []
    refused: list = []
    threads = [
        threading.Thread(target=_viewer, args=(store, stop, view_times)) for _ in range(viewers)
    ]
    threads += [
        threading.Thread(target=_editor, args=(store, n, hot, stop, save_times, saved, refused))
        for n in editors
    ]
    for thread in threads:
        thread.start()
    time.sleep(seconds)
    stop.set()
    for thread in threads:
        thread.join()
    queue.put((index, view_times, save_times, saved, len(refused)))


def _lost_updates(url: str, saved: list[tuple[str, str, int]]) -> int:
    import psycopg

    with psycopg.connect(url) as conn:
        logged = {
            (fid, value)
            for fid, value in conn.execute(
                "SELECT feature, new_row->>'name_en' FROM project_changes"
                " WHERE outcome = 'committed'"
            ).fetchall()
        }
        final = dict(conn.execute("SELECT id, name_en FROM projects").fetchall())
    lost = sum(1 for fid, value, _ in saved if (fid, value) not in logged)
    last: dict[str, tuple[int, str]] = {}
    for fid, value, version in saved:
        if fid not in last or version > last[fid][0]:
            last[fid] = (version, value)
    lost += sum(1 for fid, (_, value) in last.items() if final.get(fid) != value)
    return lost


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--viewers", type=int, default=20)
    parser.add_argument("--editors", type=int, default=3)
    args = parser.parse_args()

    import psycopg

    from geo.db import migrate
    from tests.pg_support import ThrowawayCluster, missing_reason

    reason = missing_reason()
    if reason:
        print(f"bench_db_load: {reason}", file=sys.stderr)
        return 1
    with ThrowawayCluster(tcp=True, durable=True) as cluster:
        url = cluster.url
        with psycopg.connect(url) as conn:
            migrate.upgrade(conn)
        os.environ["PROJECT_MAP_DATABASE_URL"] = url
        load = [sys.executable, "-m", "geo", "db", "load", str(ROOT / "data" / "projects.geojson")]
        import subprocess

        subprocess.run(load, check=True, capture_output=True, cwd=ROOT)
        names = [f"editor{i + 1}" for i in range(args.editors)]
        shares = [
            (args.viewers // 2 + args.viewers % 2, names[0::2]),
            (args.viewers // 2, names[1::2]),
        ]
        ctx = mp.get_context("spawn")
        queue = ctx.Queue()
        procs = [
            ctx.Process(target=_server, args=(i, url, v, e, args.seconds, queue))
            for i, (v, e) in enumerate(shares)
        ]
        for proc in procs:
            proc.start()
        results = [queue.get() for _ in procs]
        for proc in procs:
            proc.join()
        views = [t for r in results for t in r[1]]
        saves = [t for r in results for t in r[2]]
        saved = [s for r in results for s in r[3]]
        refused = sum(r[4] for r in results)
        lost = _lost_updates(url, saved)
    print(
        f"PostGIS load, 2 server processes, {args.viewers} viewers + {args.editors} editors, "
        f"{args.seconds:g} s, loopback TCP, fsync on, {os.cpu_count()} CPUs (shared)"
    )
    print("| measure | value |")
    print("|---|---|")
    print(f"| updates committed | {len(saved)} ({len(saved) / args.seconds:.1f}/s) |")
    print(f"| saves refused as stale, then retried | {refused} |")
    print(f"| lost updates | {lost} |")
    print(f"| save latency p50 / p95 (incl. retries) | {statistics.median(saves) * 1000:.0f} / "
          f"{_percentile(saves, 0.95) * 1000:.0f} ms |")  # fmt: skip
    print(f"| viewer reruns | {len(views)} ({len(views) / args.seconds:.1f}/s) |")
    print(f"| viewer rerun p50 / p95 | {statistics.median(views) * 1000:.0f} / "
          f"{_percentile(views, 0.95) * 1000:.0f} ms |")  # fmt: skip
    return 1 if lost else 0


if __name__ == "__main__":
    sys.exit(main())
