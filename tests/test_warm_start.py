"""``make run`` fills the map's caches as soon as the server is up, before anyone visits.

Streamlit runs no app code until a session starts, so the first visitor used to wait for the
projects to be read and checked and their browser form made (12-16 s at 10,000 projects).
``ui.serve`` starts the same server and does that work in a thread once the server answers.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from geo.coords import add_measures
from geo.load import load_projects
from maps.browserdata import browser_data
from tests.browser_support import find_chromium, free_port, launch_chromium, offline_context
from tests.conftest import TEST_DATA
from ui.app import DATA_FILES

ROOT = Path(__file__).resolve().parents[1]


def test_the_server_answers_at_once_and_then_fills_the_caches_before_any_visit(tmp_path):
    # The map's data file for this data, language and grid: made by the warm-up, not a page.
    expected = DATA_FILES / f"{browser_data(add_measures(load_projects(TEST_DATA))).key}.json"
    for path in (expected, expected.with_name(expected.name + ".gz")):
        path.unlink(missing_ok=True)
    port = free_port()
    env = {**os.environ, "PROJECT_MAP_DATA": str(TEST_DATA), "PROJECT_MAP_BASEMAP": "none"}
    log = tmp_path / "server.log"
    command = [sys.executable, "-m", "ui.serve", "--server.port", str(port)]
    command += ["--server.address", "127.0.0.1", "--server.headless", "true"]
    with log.open("wb") as out:
        server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
        try:
            healthy = filled = None
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline and filled is None:
                assert server.poll() is None, log.read_text(errors="replace")
                if healthy is None:
                    try:
                        url = f"http://127.0.0.1:{port}/_stcore/health"
                        with urllib.request.urlopen(url, timeout=2) as answer:
                            healthy = answer.status == 200 and time.monotonic()
                    except OSError:
                        pass
                if "map caches filled" in log.read_text(errors="replace"):
                    filled = time.monotonic()
                time.sleep(0.1)
            # The first visitor's page works: the map (a Streamlit component, which registers
            # itself only when first imported inside a session) draws every project.
            shown = _first_page(f"http://127.0.0.1:{port}") if filled else None
        finally:
            server.terminate()
            server.wait(timeout=20)
    text = log.read_text(errors="replace")
    assert filled is not None, f"the caches were not filled:\n{text[-3000:]}"
    assert healthy, "the health check never answered"
    assert expected.is_file() and expected.with_name(expected.name + ".gz").is_file()
    assert "Traceback" not in text
    if find_chromium() is not None:
        assert shown == 6, "the first page after the warm-up shows the map"


def _first_page(url: str) -> int | None:
    """How many projects the first page's map shows (None without Chromium)."""
    if find_chromium() is None:
        return None
    from playwright.sync_api import sync_playwright

    probe = "() => !!(window.Shinan && Shinan.marks && Shinan.marks.painted)"
    with sync_playwright() as pw:
        browser = launch_chromium(pw)
        context, _ = offline_context(browser, url)
        page = context.new_page()
        page.goto(url + "/?presenter=1")
        for _ in range(240):
            for frame in page.frames:
                try:
                    if frame.evaluate(probe):
                        shown = frame.evaluate("() => Shinan.drawn().length")
                        browser.close()
                        return shown
                except Exception:  # a frame navigating away: look again
                    continue
            page.wait_for_timeout(250)
        browser.close()
    return 0


def test_a_data_problem_at_start_leaves_the_server_up_and_the_log_names_it(tmp_path):
    port = free_port()
    env = {**os.environ, "PROJECT_MAP_DATA": str(tmp_path / "none.geojson")}
    log = tmp_path / "server.log"
    command = [sys.executable, "-m", "ui.serve", "--server.port", str(port)]
    command += ["--server.address", "127.0.0.1", "--server.headless", "true"]
    with log.open("wb") as out:
        server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline:
                if "caches not filled" in log.read_text(errors="replace"):
                    break
                time.sleep(0.1)
            url = f"http://127.0.0.1:{port}/_stcore/health"
            with urllib.request.urlopen(url, timeout=5) as answer:
                status = answer.status
            alive = server.poll() is None
        finally:
            server.terminate()
            server.wait(timeout=20)
    text = log.read_text()
    assert "caches not filled at start" in text and "none.geojson" in text
    assert "Traceback" not in text
    assert status == 200 and alive
