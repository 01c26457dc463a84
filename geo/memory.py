"""The server process's memory at scale: garbage collected and freed memory given back.

At 100,000 projects each rerun of the full page makes and drops hundreds of MB of frames and
arrays (the filtered projects, the panels' tables). Measured in AppTest (ten status filter
states, one after another): the resident memory grew from 830 MB after the first rerun to
1,464 MB, 60-90 MB per rerun, while what the page holds did not grow. Two causes:

- some dropped frames sit in reference cycles (pandas and Streamlit objects), freed only by a
  full garbage collection, which Python runs rarely when a process holds ~300,000 long-lived
  objects (the projects' own): ``gc.collect()`` after a rerun freed 15-50 MB of frames;
- glibc keeps freed heap memory for reuse instead of giving it back: ``malloc_trim`` after a
  rerun gave back 60-80 MB each time (a fixed ``mallopt`` mmap threshold of 256 KB with two
  arenas did not stop the growth: 1,408 MB after ten states).

With both after every rerun the resident memory stayed at 750-830 MB (peak 920 MB). The
long-lived objects are moved out of the collector's way once they are loaded
(``gc.freeze``), so that a collection after a rerun looks only at what the rerun made.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import gc
import sys
from typing import Final

#: From this many projects on, every rerun ends with a collection and a trim (a few ms each
#: with the projects frozen; below this the page's garbage is small).
TIDY_ROWS: Final = 20_000


@functools.cache
def _libc() -> ctypes.CDLL | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
    except OSError:
        return None
    return libc if hasattr(libc, "malloc_trim") else None


def release_freed_memory() -> None:
    """Give the freed memory of every heap back to the system (a few ms; after a rerun)."""
    libc = _libc()
    if libc is not None:
        libc.malloc_trim(0)


def freeze_loaded() -> None:
    """Collect, then keep every object alive now out of later collections (``gc.freeze``):
    called once a large data version is loaded, so that :func:`tidy_after_rerun` scans only
    what a rerun made. Frozen objects are still freed when nothing refers to them."""
    gc.collect()
    gc.freeze()


def tidy_after_rerun(rows: int) -> None:
    """After a rerun over ``rows`` projects: collect the rerun's garbage cycles and give freed
    memory back (only at :data:`TIDY_ROWS` or more)."""
    if rows >= TIDY_ROWS:
        gc.collect()
        release_freed_memory()
