"""Connections: one pool per database per process; the connection string never reaches a page.

A connection string can hold a password, so messages name the database by
:func:`describe` (host, port and database name only) and connection errors are turned into
:class:`~geo.errors.ProjectDataError` with that description and a fix.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import threading
from collections.abc import Iterator
from typing import Final
from urllib.parse import urlsplit

import psycopg
from psycopg_pool import ConnectionPool, PoolTimeout

from geo.errors import Problem, ProjectDataError

DATABASE_URL_ENV: Final = "PROJECT_MAP_DATABASE_URL"
#: Connections per app process: a Streamlit server runs one script thread per visitor.
POOL_MAX: Final = int(os.environ.get("PROJECT_MAP_DB_POOL", "8"))
#: How long a request waits for a free connection (or a down server) before saying so (s).
CONNECT_TIMEOUT_S: Final = 10.0

_pools: dict[str, ConnectionPool] = {}
_lock = threading.Lock()


def database_url() -> str | None:
    """``$PROJECT_MAP_DATABASE_URL`` when it names a PostgreSQL database, else None."""
    url = os.environ.get(DATABASE_URL_ENV, "").strip()
    return url or None


def describe(url: str) -> str:
    """The database a URL names, without user or password: ``PostGIS host:port/name``."""
    try:
        parts = urlsplit(url)
        host = parts.hostname or "localhost"
        port = f":{parts.port}" if parts.port else ""
        name = parts.path.lstrip("/") or "?"
    except ValueError:
        return "PostGIS (unreadable PROJECT_MAP_DATABASE_URL)"
    if host.startswith("/") or not parts.hostname:
        host = "local socket"
    return f"PostGIS {host}{port}/{name}"


def _configure(conn: psycopg.Connection) -> None:
    conn.execute("SET TIME ZONE 'UTC'")
    conn.commit()


def pool(url: str) -> ConnectionPool:
    """The process's pool for ``url`` (opened on first use, closed at exit)."""
    with _lock:
        found = _pools.get(url)
        if found is None:
            found = ConnectionPool(
                url,
                min_size=1,
                max_size=POOL_MAX,
                open=False,
                configure=_configure,
                timeout=CONNECT_TIMEOUT_S,
                name="shinan",
            )
            found.open(wait=False)
            _pools[url] = found
        return found


def close_pools() -> None:
    with _lock:
        for found in _pools.values():
            found.close()
        _pools.clear()


atexit.register(close_pools)


def connection_problem(url: str, exc: BaseException) -> ProjectDataError:
    """A clear error for a database that cannot be reached (no password, no URL in it)."""
    reason = type(exc).__name__
    if isinstance(exc, psycopg.OperationalError) and exc.sqlstate:
        reason = f"{reason} {exc.sqlstate}"
    fix = (
        f"cannot reach the database ({reason}); check that it is running and that "
        f"${DATABASE_URL_ENV} names it, then run python -m geo db upgrade"
    )
    return ProjectDataError(describe(url), [Problem("", "database", describe(url), fix)])


@contextlib.contextmanager
def connect(url: str) -> Iterator[psycopg.Connection]:
    """A pooled connection; a failure to connect is a :class:`ProjectDataError`."""
    try:
        with pool(url).connection() as conn:
            yield conn
    except (PoolTimeout, psycopg.OperationalError) as exc:
        # A pool that cannot connect keeps retrying in the background: drop it, and let the
        # next request start afresh (the server may be back by then).
        _discard(url)
        raise connection_problem(url, exc) from None


def _discard(url: str) -> None:
    with _lock:
        found = _pools.pop(url, None)
    if found is not None:
        found.close(timeout=1.0)
