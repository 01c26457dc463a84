"""A throwaway PostgreSQL + PostGIS cluster for the database tests and the load benchmark.

The cluster lives in a temporary folder and listens on a unix socket there (and, when asked,
on a free loopback port); it is removed when stopped. ``initdb`` refuses to run as root, so
as root every server command runs as the ``postgres`` user (``runuser -u postgres --``).

Nothing here touches a system cluster. ``scripts/ensure-postgres`` (run by ``make test``)
installs the Debian packages when they are missing.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

PG_MAJOR = os.environ.get("PG_MAJOR", "15")
BIN = Path(f"/usr/lib/postgresql/{PG_MAJOR}/bin")
POSTGIS_CONTROL = Path(f"/usr/share/postgresql/{PG_MAJOR}/extension/postgis.control")
DATABASE = "shinan"

MISSING = (
    f"PostgreSQL {PG_MAJOR} with PostGIS is not installed: the database tests need it. "
    f"Run `make test` as root (scripts/ensure-postgres installs it), or "
    f"`sudo apt-get install postgresql-{PG_MAJOR} postgresql-{PG_MAJOR}-postgis-3`."
)


def missing_reason() -> str | None:
    """Why no cluster can be started here, or None when one can."""
    if not (BIN / "initdb").is_file() or not POSTGIS_CONTROL.is_file():
        return MISSING
    if os.geteuid() == 0 and shutil.which("runuser") is None:
        return "running as root without runuser: cannot start PostgreSQL as user postgres"
    return None


def must_have_database() -> bool:
    """On CI, or as root (where scripts/ensure-postgres installs it), a missing DB is a failure."""
    return os.environ.get("CI", "").lower() in ("1", "true", "yes") or os.geteuid() == 0


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ThrowawayCluster:
    """``with ThrowawayCluster() as cluster: cluster.url`` is a database with PostGIS.

    ``durable=False`` (the tests) turns off fsync: a crash of the test machine loses nothing
    worth keeping. The benchmark keeps the server's defaults so its figures mean something.
    """

    def __init__(self, *, tcp: bool = False, durable: bool = False) -> None:
        self.tcp = tcp
        self.durable = durable
        self.folder: Path | None = None
        self.port = _free_port() if tcp else 5432
        self.seconds_to_start = 0.0

    @property
    def url(self) -> str:
        if self.tcp:
            return f"postgresql://postgres@127.0.0.1:{self.port}/{DATABASE}"
        return f"postgresql://postgres@/{DATABASE}?host={self.folder}&port={self.port}"

    def _run(self, *args: str) -> None:
        command = [str(BIN / args[0]), *args[1:]]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, capture_output=True, text=True)

    def __enter__(self) -> ThrowawayCluster:
        start = time.perf_counter()
        self.folder = Path(tempfile.mkdtemp(prefix="shinan-pg-"))
        if os.geteuid() == 0:
            shutil.chown(self.folder, "postgres", "postgres")
        data = self.folder / "data"
        try:
            self._run("initdb", "-D", str(data), "-U", "postgres", "-A", "trust", "-E", "UTF8",
                      "--locale=C.UTF-8", "--no-sync")  # fmt: skip
            options = [f"-k {self.folder}", f"-p {self.port}"]
            options.append("-c listen_addresses=127.0.0.1" if self.tcp else "-c listen_addresses=")
            if not self.durable:
                options += ["-c fsync=off", "-c synchronous_commit=off", "-c full_page_writes=off"]
            self._run("pg_ctl", "-D", str(data), "-l", str(self.folder / "server.log"), "-w",
                      "-o", " ".join(options), "start")  # fmt: skip
            self._run("createdb", "-h", str(self.folder), "-p", str(self.port), "-U", "postgres",
                      DATABASE)  # fmt: skip
            self._run("psql", "-h", str(self.folder), "-p", str(self.port), "-U", "postgres",
                      "-d", DATABASE, "-qc", "CREATE EXTENSION postgis")  # fmt: skip
        except subprocess.CalledProcessError as exc:
            log = self.folder / "server.log"
            detail = log.read_text(errors="replace")[-2000:] if log.is_file() else ""
            self.__exit__(None, None, None)
            raise RuntimeError(
                f"could not start the test PostgreSQL ({exc.cmd[0]}): {exc.stderr}\n{detail}"
            ) from None
        self.seconds_to_start = time.perf_counter() - start
        return self

    def __exit__(self, *exc) -> None:
        if self.folder is None:
            return
        data = self.folder / "data"
        if (data / "postmaster.pid").is_file():
            with contextlib.suppress(subprocess.CalledProcessError):
                self._run("pg_ctl", "-D", str(data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.folder, ignore_errors=True)
        self.folder = None
