"""Numbered SQL migrations: ``migrations/NNNN_name.sql``, applied in order, each once.

``python -m geo db upgrade`` applies the missing ones, each in its own transaction, under an
advisory lock so two servers upgrading at once do not race. The store refuses to run on a
database that is behind, naming the command that fixes it.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Final

import psycopg

from geo.errors import Problem, ProjectDataError

MIGRATIONS: Final = Path(__file__).with_name("migrations")
_NAME = re.compile(r"(\d{4})_[a-z0-9_]+\.sql")
#: Any fixed number: the advisory lock taken while migrating.
_LOCK_ID: Final = 0x5A1A7


def migrations() -> list[tuple[int, str, Path]]:
    """(number, name, path) of every bundled migration, in order."""
    found = []
    for path in MIGRATIONS.glob("*.sql"):
        match = _NAME.fullmatch(path.name)
        if match:
            found.append((int(match.group(1)), path.stem, path))
    return sorted(found)


def latest() -> int:
    return migrations()[-1][0]


def applied(conn: psycopg.Connection) -> int:
    """The highest migration applied (0 for an empty database)."""
    exists = conn.execute("SELECT to_regclass('schema_migrations') IS NOT NULL").fetchone()[0]
    if not exists:
        return 0
    return conn.execute("SELECT coalesce(max(number), 0) FROM schema_migrations").fetchone()[0]


def upgrade(conn: psycopg.Connection) -> list[str]:
    """Apply every missing migration; returns the names applied."""
    done = []
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (_LOCK_ID,))
        conn.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations ("
            " number integer PRIMARY KEY, name text NOT NULL,"
            " applied_at timestamptz NOT NULL DEFAULT now())"
        )
        current = applied(conn)
        for number, name, path in migrations():
            if number <= current:
                continue
            with conn.transaction():
                conn.execute(path.read_text(encoding="utf-8"))
                conn.execute(
                    "INSERT INTO schema_migrations (number, name) VALUES (%s, %s)", (number, name)
                )
            done.append(name)
    return done


def require_current(conn: psycopg.Connection, label: str) -> None:
    """Raise a clear error when the database's schema is behind the code."""
    have, want = applied(conn), latest()
    if have < want:
        fix = f"the database schema is at {have}, the app needs {want}: "
        fix += "run python -m geo db upgrade"
        raise ProjectDataError(label, [Problem("", "schema", have, fix)])
