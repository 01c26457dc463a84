"""Run heavy work (snapshot exports) in worker processes: a few at a time, with a timeout.

matplotlib's Agg renderer holds the GIL while it draws, so an export in a thread of the
Streamlit server freezes every other visitor's page and the health check. Here each job runs
in its own process, forked from a ``forkserver`` that has already imported the drawing code
(so a job starts in milliseconds), at most ``settings.export_workers()`` at once; a job that
runs past its timeout is killed. The waiting thread only sleeps on a pipe.

``workers == 0`` runs jobs in the calling process (the command line, and tests that patch
functions in this process).
"""

from __future__ import annotations

import contextlib
import multiprocessing
import multiprocessing.forkserver
import os
import sys
import threading
import types
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any, TypeVar

from geo import settings

T = TypeVar("T")

#: How much lower than the server's the workers' CPU priority is (Unix ``nice``).
WORKER_NICENESS = 10
#: Modules the forkserver imports once, so each forked job starts with them loaded.
PRELOAD = ["geo.render", "geo.export", "maps.worker_warmup"]


class JobError(RuntimeError):
    """A job could not run or finish; ``reason`` is "busy", "timeout" or "failed"."""

    def __init__(self, reason: str, detail: str = "") -> None:
        self.reason, self.detail = reason, detail
        super().__init__(f"{reason}: {detail}" if detail else reason)


_lock = threading.Lock()
_main_lock = threading.Lock()
_slots: dict[int, threading.BoundedSemaphore] = {}


def _slot_for(workers: int) -> threading.BoundedSemaphore:
    with _lock:
        if workers not in _slots:
            _slots[workers] = threading.BoundedSemaphore(workers)
        return _slots[workers]


def _context() -> multiprocessing.context.BaseContext:
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(PRELOAD)
    return context


def start_workers() -> None:
    """Start the forkserver now (it imports the drawing code in its own process).

    Called when the export panel is first drawn, so that the first export does not pay for
    it and the server process forks while no export is running.
    """
    if settings.export_workers() > 0:
        _context()
        multiprocessing.forkserver.ensure_running()


def run_job(
    func: Callable[..., T],
    /,
    *args: Any,
    timeout: float | None = None,
    queue_wait: float | None = None,
    workers: int | None = None,
    **kwargs: Any,
) -> T:
    """``func(*args, **kwargs)`` in a worker process; its result, or its exception re-raised.

    Parameters
    ----------
    func
        A module-level function (it is pickled by name).
    timeout
        Seconds the job may run; default ``settings.EXPORT_TIMEOUT_S``. Then it is killed.
    queue_wait
        Seconds to wait for a free worker; default ``settings.EXPORT_QUEUE_WAIT_S``.
    workers
        Jobs that may run at once; default ``settings.export_workers()``; 0: in this process.

    Raises
    ------
    JobError
        "busy" (no worker free in time), "timeout" (killed), "failed" (the worker died).
    """
    workers = settings.export_workers() if workers is None else workers
    if workers <= 0:
        return func(*args, **kwargs)
    timeout = settings.EXPORT_TIMEOUT_S if timeout is None else timeout
    queue_wait = settings.EXPORT_QUEUE_WAIT_S if queue_wait is None else queue_wait
    slot = _slot_for(workers)
    if not slot.acquire(timeout=queue_wait):
        raise JobError("busy", f"{workers} export(s) already running")
    try:
        return _run_in_process(func, args, kwargs, timeout)
    finally:
        slot.release()


def _run_in_process(func, args, kwargs, timeout: float):
    context = _context()
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(target=_child, args=(sender, func, args, kwargs), daemon=True)
    _start_without_main(process)
    sender.close()  # only the child writes; EOF then means it died
    try:
        if not receiver.poll(timeout):
            raise JobError("timeout", f"stopped after {timeout:.0f} s")
        status, payload = receiver.recv()
    except (EOFError, OSError):
        raise JobError("failed", f"the worker stopped (exit code {process.exitcode})") from None
    finally:
        if process.is_alive():
            process.kill()
        process.join(timeout=5)
        receiver.close()
    if status == "error":
        raise payload
    return payload


def _start_without_main(process: multiprocessing.process.BaseProcess) -> None:
    """Start ``process`` without making it re-import the ``__main__`` module.

    multiprocessing has a new process import the parent's ``__main__`` from its file. Under
    ``streamlit run``, ``__main__`` is the page script itself: the worker would run the whole
    page (and start its exports again). A bare module stands in while the job is handed over.
    """
    with _main_lock:
        real_main = sys.modules.get("__main__")
        stand_in = types.ModuleType("__main__")
        sys.modules["__main__"] = stand_in
        try:
            process.start()
        finally:
            # Streamlit sets __main__ at each script run: only undo our own change.
            if sys.modules.get("__main__") is stand_in and real_main is not None:
                sys.modules["__main__"] = real_main


def _child(sender: Connection, func, args, kwargs) -> None:
    # Below the server's priority: on a small machine the pages come before an export.
    with contextlib.suppress(OSError):
        os.nice(WORKER_NICENESS)
    try:
        result = ("ok", func(*args, **kwargs))
    except Exception as exc:  # handed to the parent, which re-raises it
        result = ("error", exc)
    try:
        sender.send(result)
    except Exception as exc:  # the exception itself would not pickle
        sender.send(("error", JobError("failed", f"{type(exc).__name__}: {exc}")))
    finally:
        sender.close()
