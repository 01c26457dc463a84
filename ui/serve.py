"""``make run``: Streamlit's server for ``app.py``, and the map's caches filled beside it.

Streamlit runs no code of the app until a visitor's session starts, so the first visitor after
a start used to wait for everything the caches hold: reading and checking the projects file,
their browser form and its data file (12-16 s at 10,000 projects). Started this way, a thread
does that work as soon as the server is up: it waits for the server's own health check to
answer before it starts, so the start is not slowed; a visitor who comes during the work waits
only for what is left of it (Streamlit's resource cache computes each entry once).
``python -m ui.serve [options]`` takes the options ``streamlit run app.py`` takes.
"""

from __future__ import annotations

import sys
import threading
import time
import urllib.request
from pathlib import Path

APP = Path(__file__).resolve().parents[1] / "app.py"
#: How long the warm-up waits for the server to be up before it gives up (seconds).
SERVER_WAIT = 120.0


def warm_when_up() -> None:
    """Wait until the server answers its health check, then fill the caches (never raises)."""
    from streamlit import config
    from streamlit.logger import get_logger
    from streamlit.runtime import Runtime
    from streamlit.runtime.runtime import RuntimeState

    log = get_logger("shinan.serve")
    deadline = time.monotonic() + SERVER_WAIT
    # Streamlit's options (the port...) are set from the command line when its runtime is
    # made: read them only after that.
    while not (Runtime.exists() and Runtime.instance().state != RuntimeState.INITIAL):
        if time.monotonic() > deadline:
            return
        time.sleep(0.1)
    while not _healthy(_health_url(config)):
        if time.monotonic() > deadline:
            return
        time.sleep(0.2)
    start = time.perf_counter()
    from geo.errors import ProjectDataError

    try:
        from ui.caches import warm_up

        warm_up()
    except ProjectDataError as exc:  # the first page shows every problem, with the fix
        log.warning("map caches not filled at start: %s", exc)
        return
    except Exception:  # the first visitor then sees the problem, as without a warm-up
        log.warning("map caches not filled at start; the first page fills them", exc_info=True)
        return
    log.info("map caches filled in %.1f s", time.perf_counter() - start)


def _health_url(config) -> str:
    address = config.get_option("server.address") or "127.0.0.1"
    if address in ("0.0.0.0", "::"):  # listening everywhere: ask on this machine
        address = "127.0.0.1"
    elif ":" in address:  # an IPv6 address goes in brackets in a URL
        address = f"[{address}]"
    base = str(config.get_option("server.baseUrlPath") or "").strip("/")
    path = f"/{base}/_stcore/health" if base else "/_stcore/health"
    return f"http://{address}:{config.get_option('server.port')}{path}"


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as answer:
            return answer.status == 200
    except OSError:
        return False


def main(argv: list[str] | None = None) -> None:
    from streamlit.web import cli

    threading.Thread(target=warm_when_up, name="shinan-warm-up", daemon=True).start()
    sys.argv = ["streamlit", "run", str(APP), *(sys.argv[1:] if argv is None else argv)]
    cli.main()


if __name__ == "__main__":
    main()
