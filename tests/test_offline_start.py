"""Starting the server with outbound traffic blocked opens no connection off this machine.

The server runs as ``make run`` runs it, with a ``sitecustomize`` that installs an audit hook
(``sys.addaudithook``) on ``socket.connect``, ``socket.sendto`` and ``socket.getaddrinfo``:
every attempt is logged, and any to a non-loopback address is refused as a blocked network
would. A page is then opened in Chromium so that a session runs the whole app.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
import urllib.request
from pathlib import Path

import pytest

from tests.browser_support import find_chromium, free_port, launch_chromium

ROOT = Path(__file__).resolve().parents[1]

_HOOK = textwrap.dedent(
    """
    import ipaddress, json, os, socket, sys

    _LOG = os.environ["NET_AUDIT_LOG"]

    def _local(host):
        if host in ("localhost", "", None):
            return True
        try:
            return ipaddress.ip_address(host.split("%")[0]).is_loopback
        except ValueError:
            return False

    def _hook(event, args):
        if event in ("socket.connect", "socket.sendto"):
            address = args[1] if event == "socket.connect" else args[-1]
            if isinstance(address, (str, bytes)):  # a Unix socket: local by definition
                return
            host = str(address[0])
        elif event == "socket.getaddrinfo":
            host = args[0].decode() if isinstance(args[0], bytes) else args[0]
        else:
            return
        local = _local(host)
        with open(_LOG, "a", encoding="utf-8") as log:
            log.write(json.dumps({"event": event, "host": host, "local": local}) + "\\n")
        if not local:
            raise OSError(101, "network is unreachable (blocked by the test)")

    sys.addaudithook(_hook)
    with open(_LOG, "a", encoding="utf-8") as log:
        log.write(json.dumps({"event": "hook-installed", "host": "", "local": True}) + "\\n")
    """
)


def _attempts(log: Path) -> list[dict]:
    if not log.exists():
        return []
    return [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]


@pytest.mark.skipif(find_chromium() is None, reason="needs Chromium to open a session")
def test_start_and_first_page_make_no_outside_connection(tmp_path):
    port = free_port()
    command = ["make", "--no-print-directory", "run", f"PORT={port}", f"PYTHON={sys.executable}"]
    attempts, output = _run_server(tmp_path, command, port, open_page=True)
    assert any(a["event"] == "hook-installed" for a in attempts), "the audit hook ran"
    outside = [a for a in attempts if not a["local"]]
    assert outside == [], f"outside connection attempts: {outside}"
    assert "External URL" not in output and "Network URL" not in output
    assert f"http://localhost:{port}" in output


def test_the_audit_catches_streamlits_lookups_without_our_settings(tmp_path):
    """The control: served on every interface with no server name, Streamlit calls out."""
    port = free_port()
    command = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port)]
    command += ["--server.address", "0.0.0.0"]
    attempts, _output = _run_server(tmp_path, command, port, open_page=False)
    outside = {a["host"] for a in attempts if not a["local"]}
    assert "checkip.amazonaws.com" in outside


def _run_server(tmp_path: Path, command: list[str], port: int, *, open_page: bool):
    """Run the server with the audit hook; the logged attempts and the server's output."""
    (tmp_path / "sitecustomize.py").write_text(_HOOK, encoding="utf-8")
    log = tmp_path / "net.log"
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(tmp_path), os.environ.get("PYTHONPATH")])),
        "NET_AUDIT_LOG": str(log),
        "PROJECT_MAP_BASEMAP": "none",
    }
    server = subprocess.Popen(  # fixed argv, no shell; its own group, so make's child stops too
        command,
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        url = f"http://127.0.0.1:{port}"
        _wait_healthy(url, server)
        if open_page:
            _open_page(url)
        else:
            time.sleep(3)  # the start-up banner's lookups have a 1 s timeout each
    finally:
        output = _stop(server)
    return _attempts(log), output


def _stop(server: subprocess.Popen) -> str:
    """Stop the server's whole process group (make, streamlit, export workers); its output."""
    os.killpg(server.pid, signal.SIGTERM)
    try:
        out = server.communicate(timeout=30)[0]
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        out = server.communicate(timeout=30)[0]
    return out.decode("utf-8", "replace")


def _open_page(url: str) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = launch_chromium(pw)
        page = browser.new_page()
        page.goto(url)
        page.locator("iframe").first.wait_for(timeout=60_000)  # the map: the app ran
        browser.close()


def _wait_healthy(url: str, server: subprocess.Popen, timeout: float = 90.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(server.communicate()[0].decode("utf-8", "replace")[-3000:])
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError("the server never became healthy")


def test_visitors_never_see_tracebacks_and_the_server_stays_local():
    code = (
        "from streamlit import config; config.get_config_options(force_reparse=True); "
        "print(config.get_option('client.showErrorDetails'), config.get_option('server.address'))"
    )
    out = subprocess.run(  # fixed argv
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    assert out == ["none", "127.0.0.1"]


def test_serving_a_network_with_a_server_name_makes_no_lookup(tmp_path):
    port = free_port()
    command = ["make", "--no-print-directory", "run", f"PORT={port}", f"PYTHON={sys.executable}"]
    command += ["ADDRESS=0.0.0.0", "SERVER_NAME=map.intranet.test"]
    attempts, output = _run_server(tmp_path, command, port, open_page=False)
    assert [a for a in attempts if not a["local"]] == []
    assert f"http://map.intranet.test:{port}" in output
