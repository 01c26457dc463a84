"""The server process's memory: freed memory given back to the system (glibc on Linux).

At 100,000 projects each rerun of the full page allocates and frees hundreds of MB of arrays
(the filtered frames, the panels' tables). glibc keeps freed heap memory for reuse, and after
freeing one large block it raises the size above which blocks get their own mapping (up to
32 MB), so later arrays land in the heap where, freed, they stay counted in the process's
resident memory: measured in AppTest at 100,000 projects, 830 MB after the first rerun and
1,464 MB after ten filter states, while the live Python objects did not grow (``gc`` freed
<30 MB; ``malloc_trim`` gave back 60-80 MB each time and the figure stayed at 750-830 MB).
A fixed threshold (no raising) sends every large array to its own mapping, returned when
freed, and two heaps at most for the server's threads bound what is held per thread.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import sys
from typing import Final

#: mallopt parameters (glibc ``malloc.h``).
_M_TRIM_THRESHOLD: Final = -1
_M_MMAP_THRESHOLD: Final = -3
_M_ARENA_MAX: Final = -8
#: Blocks this large or larger get their own mapping, given back when freed (glibc's default
#: starts at 128 KB and rises with each large block freed).
MMAP_THRESHOLD: Final = 256 * 1024
#: Freed memory at the top of a heap beyond this is given back at once.
TRIM_THRESHOLD: Final = 16 * 1024 * 1024
#: Heaps for the server's threads (glibc's default: 8 per core).
ARENA_MAX: Final = 2


@functools.cache
def _libc() -> ctypes.CDLL | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
    except OSError:
        return None
    return libc if hasattr(libc, "mallopt") and hasattr(libc, "malloc_trim") else None


@functools.cache
def tune_allocator() -> bool:
    """Make the allocator give freed memory back (once per process); False where it cannot
    (not glibc). Changes only how memory is held, never what the app computes."""
    libc = _libc()
    if libc is None:
        return False
    ok = libc.mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD)
    ok &= libc.mallopt(_M_TRIM_THRESHOLD, TRIM_THRESHOLD)
    ok &= libc.mallopt(_M_ARENA_MAX, ARENA_MAX)
    return bool(ok)


def release_freed_memory() -> None:
    """Give the freed memory of every heap back to the system (a few ms; after a rerun)."""
    libc = _libc()
    if libc is not None:
        libc.malloc_trim(0)
