"""Benchmark: two processes saving scenes at once; how many are lost? Prints, asserts nothing.

    .venv/bin/python bench/bench_scene_saves.py [--saves 300]

Runs twice: with the writers' lock (how the app saves) and without it (how saves were made
before: re-read, merge and write with no lock), each on a fresh copy of data/scenes.json.
"""

from __future__ import annotations

import argparse
import contextlib
import multiprocessing
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from geo import scenes, settings
from geo.view import ViewState


def _save_many(path: str, prefix: str, count: int, locked: bool) -> None:
    if not locked:  # as before: no lock, and so no clean-up of other writers' temp files
        scenes._locked = lambda _path: contextlib.nullcontext()
        scenes._remove_temp_files = lambda _path: 0
    for i in range(count):
        scene = scenes.Scene(f"{prefix}-{i}", "标题", "Title", "说明", "Caption", ViewState())
        for _attempt in range(5):
            try:
                scenes.add_scene(scene, path, max_scenes=100_000)
                break
            except scenes.SceneStoreError as exc:  # "busy": retry, as a user would
                if exc.key != "admin.scenes_busy":
                    break  # "not kept" (without the lock): counted as lost below


def run(saves: int, *, locked: bool) -> tuple[int, float]:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "scenes.json"
        shutil.copy(settings.DATA_DIR / "scenes.json", path)
        context = multiprocessing.get_context("fork")
        start = time.perf_counter()
        writers = [
            context.Process(target=_save_many, args=(str(path), name, saves, locked))
            for name in ("left", "right")
        ]
        for writer in writers:
            writer.start()
        for writer in writers:
            writer.join()
        seconds = time.perf_counter() - start
        kept = {s.id for s in scenes.load_scenes(path)}
    wanted = {f"{name}-{i}" for name in ("left", "right") for i in range(saves)}
    return len(wanted - kept), seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--saves", type=int, default=300)
    args = parser.parse_args()
    print(f"2 processes x {args.saves} scene saves")
    for locked in (True, False):
        lost, seconds = run(args.saves, locked=locked)
        label = "with the lock   " if locked else "without the lock"
        print(f"{label}: {lost} of {2 * args.saves} lost, {seconds:.1f} s")


if __name__ == "__main__":
    main()
