"""``make run``: Streamlit's server for ``app.py``, and the map's caches filled beside it.

Streamlit runs no code of the app until a visitor's session starts, so the first visitor after
a start used to wait for everything the caches hold: reading and checking the projects file,
their browser form and its data file (12-16 s at 10,000 projects). Started this way, a thread
does that work as soon as the server is up; the health check answers at once (the thread waits
for the server), and a visitor who comes during the work waits only for what is left of it
(Streamlit's resource cache computes each entry once). ``python -m ui.serve [streamlit run
options]`` takes the options ``streamlit run app.py`` takes.
"""

from __future__ import annotations

import sys
import threading
import time
from pathlib import Path

APP = Path(__file__).resolve().parents[1] / "app.py"
#: How long the warm-up waits for the server to be up before it gives up (seconds).
SERVER_WAIT = 120.0


def warm_when_up() -> None:
    """Wait until Streamlit's runtime has started, then fill the caches (never raises)."""
    from streamlit.logger import get_logger
    from streamlit.runtime import Runtime
    from streamlit.runtime.runtime import RuntimeState

    log = get_logger("shinan.serve")
    deadline = time.monotonic() + SERVER_WAIT
    while time.monotonic() < deadline:
        if Runtime.exists() and Runtime.instance().state != RuntimeState.INITIAL:
            break
        time.sleep(0.1)
    else:
        return
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


def main(argv: list[str] | None = None) -> None:
    from streamlit.web import cli

    threading.Thread(target=warm_when_up, name="shinan-warm-up", daemon=True).start()
    sys.argv = ["streamlit", "run", str(APP), *(sys.argv[1:] if argv is None else argv)]
    cli.main()


if __name__ == "__main__":
    main()
