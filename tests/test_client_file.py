"""The map's browser side (``maps/webmap.js``) reaches its frame as a content-named file.

It used to be inside the map's script, which streamlit-folium sends with every rerun (~40 KB of
each new filter state) and the frame parses again. Now the server writes it once as
``static/client/webmap.<hash>.js`` and the frame loads it after Leaflet. What a user would
notice: the map draws offline from the file; a filter click neither sends nor fetches it
again; a new app version is a new file name, so no browser keeps running an old copy; a file
that cannot be loaded says so inside the map instead of leaving it blank; a folder the server
cannot write still gives a working map.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

import maps.webmap
from maps.webmap import (
    CLIENT_FILES_KEPT,
    base_map,
    client_file_name,
    client_script,
    write_client_file,
)
from tests.browser_support import (
    find_chromium,
    launch_chromium,
    map_frame,
    offline_context,
    serve_app,
)
from tests.conftest import TEST_DATA

APP = Path(__file__).resolve().parents[1] / "app.py"


# Without a browser ------------------------------------------------------------------------------
def test_the_file_is_named_by_its_text_and_written_once(tmp_path):
    path = write_client_file(tmp_path)
    assert path.name == client_file_name()
    assert path.read_text("utf-8") == client_script()
    assert client_script().startswith("window.__shinanClient = (function (map) {")
    first = path.stat()
    time.sleep(0.05)
    assert write_client_file(tmp_path) == path
    again = path.stat()
    assert again.st_ctime_ns > first.st_ctime_ns, "a file used again is marked (kept when pruning)"
    # What the browser's cache goes by (Last-Modified, the ETag) never changes for a name.
    assert again.st_mtime_ns == first.st_mtime_ns < (time.time() - 365 * 86400) * 1e9
    assert [p.name for p in tmp_path.iterdir()] == [path.name]


def test_a_changed_script_gets_a_new_name_and_old_versions_are_pruned(tmp_path, monkeypatch):
    for k in range(CLIENT_FILES_KEPT + 2):
        old = tmp_path / f"webmap.{k:016x}.js"
        old.write_text("old")
        time.sleep(0.02)  # ctime (when a file was last written or used) orders them
    before = client_file_name()
    changed = maps.webmap._CLIENT_JS.replace("var S = ", "var S = /* v2 */ ", 1)
    monkeypatch.setattr(maps.webmap, "_CLIENT_JS", changed)
    assert client_file_name() != before, "a new app version must not reuse a cached name"
    path = write_client_file(tmp_path)
    assert "/* v2 */" in path.read_text("utf-8")
    left = {p.name for p in tmp_path.glob("webmap.*.js")}
    assert len(left) == CLIENT_FILES_KEPT and path.name in left
    assert f"webmap.{0:016x}.js" not in left


def test_the_base_map_loads_the_file_instead_of_carrying_it():
    inline = base_map()
    linked = base_map(client_url="/app/static/client/webmap.x.js", client_failed="</b>gone")
    inline_js = inline.get_root().render()
    assert "S.ProjectCanvas" in inline_js, "a standalone map still carries its client"
    links = [url for _, url in linked.default_js] + [
        url
        for element in linked._children.values()
        for _, url in getattr(element, "default_js", [])
    ]
    assert links[-1] == "/app/static/client/webmap.x.js"
    guard = links[0]
    assert links[1].endswith("leaflet.js"), "the guard comes first and fetches alongside"
    assert guard.startswith("data:text/javascript")
    assert "%3C/b%3Egone" in guard, "the notice is data for textContent, URL-quoted"


def test_the_app_sends_a_small_map_script_and_inlines_it_when_it_cannot_write(
    monkeypatch, tmp_path
):
    from streamlit.testing.v1 import AppTest

    import ui.app
    from tests.map_reading import map_args

    monkeypatch.setenv("PROJECT_MAP_DATA", str(TEST_DATA))
    monkeypatch.setattr(ui.app, "CLIENT_FILES", tmp_path / "client")
    at = AppTest.from_file(str(APP), default_timeout=120).run()
    args = map_args(at)
    assert "S.ProjectCanvas" not in args["script"] and len(args["script"]) < 8000
    assert args["js_links"][-1] == f"/app/static/client/{client_file_name()}"
    assert (tmp_path / "client" / client_file_name()).is_file()
    assert not at.sidebar.warning

    blocker = tmp_path / "blocker"
    blocker.write_text("")
    monkeypatch.setattr(ui.app, "CLIENT_FILES", blocker / "client")
    at = AppTest.from_file(str(APP), default_timeout=120).run()
    assert not at.exception
    assert "S.ProjectCanvas" in map_args(at)["script"], "the client is sent with the map"
    warning = at.sidebar.warning[0].value
    assert "client" in warning and ("writable" in warning or "写入" in warning)


# In a browser -----------------------------------------------------------------------------------
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
needs_browser = pytest.mark.skipif(find_chromium() is None, reason="Chromium not found")


@pytest.mark.browser
@needs_browser
def test_the_map_draws_offline_from_the_file_and_a_rerun_neither_sends_nor_fetches_it():
    env = {"PROJECT_MAP_DATA": str(TEST_DATA), "PROJECT_MAP_BASEMAP": "none"}
    with serve_app(APP, env=env) as url, sync_api.sync_playwright() as pw:
        browser = launch_chromium(pw)
        context, requests = offline_context(browser, url)
        page = context.new_page()
        carried = []  # websocket messages holding the client's code

        def note(m):
            if isinstance(m, bytes) and b"ProjectCanvas" in m:
                carried.append(len(m))

        page.on("websocket", lambda ws: ws.on("framereceived", note))
        page.goto(url + "/?presenter=1")
        frame = map_frame(page)
        shown = frame.evaluate("() => Shinan.drawn().length")
        loaded = [u for u in requests if "/app/static/client/" in u]
        page.evaluate(
            """() => { for (const b of document.querySelectorAll('.st-key-statuses button')) {
                if (b.innerText.trim() === '计划') { b.click(); return; } } throw 'no pill'; }"""
        )
        frame.wait_for_function("() => Shinan.drawn().length < 6", timeout=30_000)
        page.wait_for_timeout(2500)  # the server's rerun, and anything it would fetch
        again = [u for u in requests if "/app/static/client/" in u][len(loaded) :]
        notices = frame.locator("[data-testid=client-notice]").count()
        browser.close()
    assert shown == 6
    assert len(loaded) == 1 and loaded[0].endswith(client_file_name())
    assert carried == [], "the client's code came in the page's messages"
    assert again == [], "a rerun loaded the client again"
    assert notices == 0


@pytest.mark.browser
@needs_browser
def test_a_client_file_that_cannot_be_loaded_says_so_in_the_map():
    env = {"PROJECT_MAP_DATA": str(TEST_DATA), "PROJECT_MAP_BASEMAP": "none"}
    with serve_app(APP, env=env) as url, sync_api.sync_playwright() as pw:
        browser = launch_chromium(pw)
        context, _ = offline_context(browser, url)
        # As if the file had gone from the server (removed, or the folder not served).
        context.route("**/app/static/client/**", lambda route: route.fulfill(status=404))
        page = context.new_page()
        page.goto(url + "/?lang=en")
        probe = "() => !!document.querySelector('[data-testid=client-notice]')"
        frame = map_frame(page, probe)
        notice = frame.inner_text("[data-testid=client-notice]")
        box = frame.locator("[data-testid=client-notice]").bounding_box()
        errors = page.locator("[data-testid=stException]").count()
        browser.close()
    assert "program file could not be loaded" in notice and "reload" in notice
    assert client_file_name() in notice, "the notice names the file"
    assert box and box["height"] > 10, "the notice is visible, not a blank map"
    assert errors == 0
    assert json.dumps(notice)  # plain text
