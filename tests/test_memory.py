"""geo.memory: after a rerun over many projects, garbage cycles are collected at once."""

from __future__ import annotations

import gc
import weakref

from geo import memory


class _Held:
    """Something a rerun made and dropped, inside a reference cycle."""

    def __init__(self) -> None:
        self.me = self
        self.payload = bytearray(1_000_000)


def _dropped_cycle() -> weakref.ref:
    held = _Held()
    return weakref.ref(held)


def test_a_rerun_over_many_projects_collects_its_cycles():
    gc.disable()  # as when Python's own collection has not come round yet
    try:
        gone = _dropped_cycle()
        memory.tidy_after_rerun(memory.TIDY_ROWS - 1)
        assert gone() is not None, "a small page should not pay for a collection"
        memory.tidy_after_rerun(memory.TIDY_ROWS)
        assert gone() is None, "a dropped cycle was still held after the rerun"
    finally:
        gc.enable()


def test_frozen_objects_are_still_freed_when_dropped():
    gc.disable()
    try:
        kept = {"rows": list(range(1000))}
        memory.freeze_loaded()
        assert gc.get_freeze_count() > 0
        fresh = _dropped_cycle()  # made after the freeze: collected after a rerun
        memory.tidy_after_rerun(memory.TIDY_ROWS)
        assert fresh() is None
        assert kept["rows"][-1] == 999
    finally:
        gc.unfreeze()
        gc.enable()
