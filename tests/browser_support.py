"""Support for browser tests: find Chromium, serve a Streamlit app, launch Playwright.

Not a test module. The machines that run the tests have no internet, so Playwright's
own browser download (``playwright install``) is unavailable: use Debian's
``chromium`` (or ``chromium-headless-shell``) through ``executable_path``.

Example::

    from tests.browser_support import find_chromium, launch_chromium, serve_app

    exe = find_chromium()
    if exe is None:
        pytest.skip("no Chromium")
    with serve_app("app.py") as url, sync_playwright() as pw:
        browser = launch_chromium(pw, exe)
        page = browser.new_page()
        page.goto(url)
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # playwright is only needed by the tests that use a browser
    from playwright.sync_api import Browser, Playwright

#: Flags for headless Chromium as root on an offline machine.
CHROMIUM_ARGS: tuple[str, ...] = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
)

_CANDIDATES: tuple[str, ...] = (
    "/usr/bin/chromium",
    "/usr/bin/chromium-headless-shell",
    "/usr/lib/chromium/chromium-headless-shell",
)


def find_chromium() -> str | None:
    """Return the path of a Chromium executable, or None if none is installed."""
    for path in _CANDIDATES:
        if os.access(path, os.X_OK):
            return path
    for name in ("chromium", "chromium-headless-shell"):
        found = shutil.which(name)
        if found:
            return found
    return None


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def serve_app(
    app_path: str | os.PathLike[str],
    *,
    env: Mapping[str, str] | None = None,
    port: int | None = None,
    timeout: float = 60.0,
) -> Iterator[str]:
    """Run ``streamlit run app_path`` on 127.0.0.1 and yield its base URL.

    The server runs with ``sys.executable`` in the app's directory (so the app's
    ``.streamlit/config.toml`` and ``static/`` apply). ``env`` entries are added to
    the current environment. Waits at most ``timeout`` seconds for
    ``/_stcore/health``; raises RuntimeError with the server log if it never
    answers. The process is terminated (then killed) on exit.
    """
    app = Path(app_path).resolve()
    port = port or free_port()
    base_url = f"http://127.0.0.1:{port}"
    cmd = [
        sys.executable, "-m", "streamlit", "run", str(app),
        "--server.port", str(port),
        "--server.address", "127.0.0.1",
        "--server.headless", "true",
        "--browser.gatherUsageStats", "false",
    ]  # fmt: skip
    full_env = {**os.environ, **(env or {})}
    with tempfile.TemporaryFile() as log:
        proc = subprocess.Popen(  # fixed argv, no shell
            cmd, cwd=app.parent, env=full_env, stdout=log, stderr=subprocess.STDOUT
        )
        try:
            deadline = time.monotonic() + timeout
            while True:
                if proc.poll() is not None:
                    raise RuntimeError(f"streamlit exited early:\n{_read(log)}")
                try:
                    with urllib.request.urlopen(f"{base_url}/_stcore/health", timeout=2) as r:
                        if r.status == 200:
                            break
                except (urllib.error.URLError, OSError):
                    pass
                if time.monotonic() > deadline:
                    raise RuntimeError(f"streamlit not healthy after {timeout}s:\n{_read(log)}")
                time.sleep(0.25)
            yield base_url
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def _read(log: Any) -> str:
    log.seek(0)
    return log.read().decode("utf-8", "replace")[-4000:]


def launch_chromium(
    playwright: Playwright, executable_path: str | None = None, **kwargs: Any
) -> Browser:
    """Launch headless Chromium through Playwright with CHROMIUM_ARGS.

    ``executable_path`` defaults to find_chromium(); extra keyword arguments go to
    ``playwright.chromium.launch``.
    """
    exe = executable_path or find_chromium()
    if exe is None:
        raise RuntimeError("no Chromium executable found (apt-get install chromium)")
    return playwright.chromium.launch(
        executable_path=exe, headless=True, args=list(CHROMIUM_ARGS), **kwargs
    )


def offline_context(
    browser: Browser, url: str, *, width: int = 1400, height: int = 900
) -> tuple[Any, list[str]]:
    """A browser context that reaches only the app at ``url`` (every other request is
    refused, as on a network with no internet), and the list of every URL it asks for."""
    context = browser.new_context(viewport={"width": width, "height": height})
    requests: list[str] = []
    context.on("request", lambda request: requests.append(request.url))
    context.route(
        "**/*",
        lambda route: (
            route.continue_()
            if route.request.url.startswith(url)
            else route.abort("internetdisconnected")
        ),
    )
    return context, requests


#: The map's frame has finished its first paint: every symbol drawn and on screen.
PAINTED = "() => !!(window.Shinan && Shinan.marks && Shinan.marks.painted)"


def map_frame(page: Any, probe: str = PAINTED) -> Any:
    """The page's frame in which ``probe`` (a JavaScript function) is true; up to 2 minutes
    (the first page of a cold server on a busy 2-core machine is slow)."""
    from playwright.sync_api import Error

    for _ in range(480):
        for frame in page.frames:
            try:
                if frame.evaluate(probe):
                    return frame
            except Error:  # a frame navigating or gone
                continue
        page.wait_for_timeout(250)
    raise AssertionError(f"the map never got to {probe}")
