"""The projects reach the map as a file the page fetches, not inside the page's messages.

The server writes every located project once per data version as a gzipped, content-named
file under ``static/projects/`` (``maps.browserdata.write_data_file``); the page fetches it while
it makes the map's frame (``loader_script``). What a user would notice: the map draws offline
with every project, a filter click fetches nothing again, an edited data file replaces the
map's projects, a file that cannot be read says so inside the map, the labels still appear
(after the first paint), and the marker symbols painted by the map look as the browser draws
their SVG.
"""

from __future__ import annotations

import gzip
import json
import shutil
import time
from pathlib import Path

import pytest

from geo.coords import add_measures
from geo.load import load_projects
from maps.browserdata import (
    DATA_FILES_KEPT,
    browser_data,
    loader_script,
    read_element,
    write_data_file,
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


@pytest.fixture(scope="module")
def data():
    return browser_data(add_measures(load_projects(TEST_DATA)))


# Without a browser ------------------------------------------------------------------------------
def test_the_file_holds_the_payload_plain_and_gzipped_and_is_written_once(data, tmp_path):
    path = write_data_file(data, tmp_path)
    assert path.name == f"{data.key}.json"
    assert json.loads(path.read_text("utf-8")) == json.loads(data.payload)
    packed = path.with_name(path.name + ".gz").read_bytes()
    assert gzip.decompress(packed).decode() == data.payload
    first = path.stat()
    time.sleep(0.05)
    assert write_data_file(data, tmp_path) == path
    again = path.stat()
    assert again.st_ctime_ns > first.st_ctime_ns, "a file used again is marked (kept when pruning)"
    # What the browser's cache goes by (Last-Modified, the ETag) never changes for a name:
    # at this age a returning browser keeps the file without asking.
    assert again.st_mtime_ns == first.st_mtime_ns < (time.time() - 365 * 86400) * 1e9
    assert sorted(p.name for p in tmp_path.iterdir()) == [path.name, path.name + ".gz"]


def test_old_versions_beyond_the_limit_are_removed_oldest_first(data, tmp_path):
    for k in range(DATA_FILES_KEPT + 3):
        old = tmp_path / f"{k:016x}.json"
        old.write_text("{}")
        time.sleep(0.02)  # ctime (when a file was last written or used) orders them
    write_data_file(data, tmp_path)
    left = {p.name for p in tmp_path.glob("*.json")}
    assert len(left) == DATA_FILES_KEPT
    assert f"{data.key}.json" in left
    assert f"{0:016x}.json" not in left and f"{3:016x}.json" not in left


def test_an_unwritable_folder_raises_oserror(data, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("")
    with pytest.raises(OSError):
        write_data_file(data, blocker / "projects")


def test_the_loader_cannot_be_broken_out_of_by_its_words(data, tmp_path):
    html = loader_script(data.key, "/app/static/projects/x.json", failed="</script><b>x</b>")
    assert html.count("</script>") == 1 and html.endswith("</script>")
    assert "<b>" not in html
    write_data_file(data, tmp_path)
    assert read_element(html.replace("x.json", f"{data.key}.json"), tmp_path) is not None
    assert (
        read_element(loader_script(data.key, "u", failed=""), tmp_path)["id"]
        == json.loads(data.payload)["id"]
    )


def test_the_app_sends_a_small_loader_and_falls_back_to_the_page_when_it_cannot_write(
    monkeypatch, tmp_path
):
    from streamlit.testing.v1 import AppTest

    import ui.app
    from tests.map_reading import map_data

    monkeypatch.setenv("PROJECT_MAP_DATA", str(TEST_DATA))
    monkeypatch.setattr(ui.app, "DATA_FILES", tmp_path / "projects")
    at = AppTest.from_file(str(APP), default_timeout=120).run()
    loaders = [e.proto.body for e in at.main if "/* shinan-data " in getattr(e.proto, "body", "")]
    assert len(loaders) == 1 and len(loaders[0]) < 2000, "the payload is not in the page"
    assert read_element(loaders[0], tmp_path / "projects")["id"]
    assert not at.sidebar.warning

    blocker = tmp_path / "blocker"
    blocker.write_text("")
    monkeypatch.setattr(ui.app, "DATA_FILES", blocker / "projects")
    at = AppTest.from_file(str(APP), default_timeout=120).run()
    assert not at.exception
    assert len(map_data(at)["id"]) == 6, "the payload is sent with the page instead"
    warning = at.sidebar.warning[0].value
    assert "projects" in warning and ("writable" in warning or "写入" in warning)


# In a browser -----------------------------------------------------------------------------------
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
needs_browser = pytest.mark.skipif(find_chromium() is None, reason="Chromium not found")


def _click_pill(page, text: str) -> None:
    page.evaluate(
        """(text) => { for (const b of document.querySelectorAll('.st-key-statuses button')) {
            if (b.innerText.trim() === text) { b.click(); return; } } throw text; }""",
        text,
    )


def _data_fetches(requests: list[str]) -> list[str]:
    return [u for u in requests if "/app/static/projects/" in u]


@pytest.mark.browser
@needs_browser
def test_the_map_draws_offline_from_the_file_and_a_rerun_fetches_nothing_again(tmp_path):
    data_path = tmp_path / "projects.geojson"
    shutil.copy(TEST_DATA, data_path)
    env = {"PROJECT_MAP_DATA": str(data_path), "PROJECT_MAP_BASEMAP": "none"}
    with serve_app(APP, env=env) as url, sync_api.sync_playwright() as pw:
        browser = launch_chromium(pw)
        context, requests = offline_context(browser, url)
        page = context.new_page()
        inline = []  # messages holding the payload itself (maps.browserdata.data_script)

        def note(m):
            if isinstance(m, bytes) and b"/* shinan-data " in m and b"] = {" in m:
                inline.append(len(m))

        page.on("websocket", lambda ws: ws.on("framereceived", note))
        page.goto(url + "/?presenter=1")
        frame = map_frame(page)
        frame.wait_for_function("() => !!Shinan.marks.labelled", timeout=30_000)
        first = frame.evaluate(
            """() => ({shown: Shinan.drawn().length, key: Shinan.projects.key,
                labels: +Shinan.map.getPane('shinanLabels').getAttribute('data-labels'),
                order: [Shinan.marks.painted <= Shinan.marks.labelled]})"""
        )
        fetched = _data_fetches(requests)

        # A filter click (planned off): the page and the server's rerun change the view only.
        _click_pill(page, "计划")
        frame.wait_for_function("() => Shinan.drawn().length < 6", timeout=30_000)
        page.wait_for_timeout(2500)  # the server's rerun, and anything it would fetch
        after = frame.evaluate("() => [Shinan.drawn().length, Shinan.projects.key]")
        refetched = _data_fetches(requests)[len(fetched) :]

        # The data file edited: the next rerun sends the new version, which replaces it.
        collection = json.loads(data_path.read_text("utf-8"))
        del collection["features"][-1]
        data_path.write_text(json.dumps(collection, ensure_ascii=False), "utf-8")
        _click_pill(page, "计划")
        frame.wait_for_function(
            f"() => Shinan.projects.key !== {json.dumps(first['key'])}", timeout=60_000
        )
        frame.wait_for_function("() => Shinan.drawn().length > 0", timeout=30_000)
        page.wait_for_timeout(500)
        replaced = frame.evaluate("() => [Shinan.drawn().length, Shinan.projects.n]")
        kept = page.evaluate("() => Object.keys(window.__shinanData)")
        browser.close()
    assert first["shown"] == 6
    assert first["labels"] > 0, "labels are placed after the first paint"
    assert first["order"] == [True]
    assert len(fetched) == 1 and fetched[0].endswith(f"{first['key']}.json.gz")
    assert not inline, "the project data came in the page's messages"
    assert after[1] == first["key"] and after[0] < 6
    assert refetched == [], "a rerun fetched the data again"
    located = sum(1 for f in collection["features"] if f.get("geometry"))
    assert replaced[1] == located < 6, "the edited file's projects replace the map's"
    assert replaced[0] > 0
    assert first["key"] not in kept, "the page still holds the old version's data"


@pytest.mark.browser
@needs_browser
def test_a_data_file_that_cannot_be_read_says_so_in_the_map():
    env = {"PROJECT_MAP_DATA": str(TEST_DATA), "PROJECT_MAP_BASEMAP": "none"}
    with serve_app(APP, env=env) as url, sync_api.sync_playwright() as pw:
        browser = launch_chromium(pw)
        context, _ = offline_context(browser, url)
        # As if the file had gone from the server (removed, or the folder not served).
        context.route("**/app/static/projects/**", lambda route: route.fulfill(status=404))
        page = context.new_page()
        page.goto(url + "/?lang=en")
        frame = map_frame(page, "() => !!document.querySelector('[data-testid=data-notice]')")
        notice = frame.inner_text("[data-testid=data-notice]")
        errors = page.locator("[data-testid=stException]").count()
        browser.close()
    assert "project data file could not be read" in notice
    assert "reload" in notice and "404" in notice
    assert errors == 0


@pytest.mark.browser
@needs_browser
def test_painted_symbols_look_as_the_browser_draws_their_svg():
    env = {"PROJECT_MAP_DATA": str(TEST_DATA), "PROJECT_MAP_BASEMAP": "none"}
    with serve_app(APP, env=env) as url, sync_api.sync_playwright() as pw:
        browser = launch_chromium(pw)
        context, _ = offline_context(browser, url)
        page = context.new_page()
        page.goto(url + "/?presenter=1")
        frame = map_frame(page)
        result = frame.evaluate(
            """async () => {
                const d = Shinan.projects.d, svgs = [];
                for (const layer of d.layers) for (const s of Object.values(d.symbols[layer])) {
                    svgs.push([s.svg, s.size], [s.areaSvg, s.area]); }
                for (const el of document.querySelectorAll('#shinan-defs pattern')) {
                    svgs.push(['<svg xmlns="http://www.w3.org/2000/svg" width="8" height="8">'
                        + el.innerHTML + '</svg>', 8]); }
                const out = {count: svgs.length, painted: 0, worst: 0, blank: 0};
                const canvas = () => document.createElement('canvas');
                for (const [svg, size] of svgs) {
                    const a = canvas(), b = canvas();
                    a.width = a.height = b.width = b.height = 2 * size;
                    await new Promise((done) => { const im = new Image();
                        im.onload = () => {
                            a.getContext('2d').drawImage(im, 0, 0, a.width, a.height);
                            done(); };
                        im.src = 'data:image/svg+xml;charset=utf-8,' + encodeURIComponent(svg); });
                    if (!Shinan.paintSvg(svg, b)) continue;
                    out.painted += 1;
                    const pa = a.getContext('2d').getImageData(0, 0, a.width, a.height).data;
                    const pb = b.getContext('2d').getImageData(0, 0, b.width, b.height).data;
                    let diff = 0, ink = 0;
                    for (let i = 0; i < pa.length; i++) diff += Math.abs(pa[i] - pb[i]);
                    for (let i = 3; i < pb.length; i += 4) ink += pb[i];
                    if (!ink) out.blank += 1;
                    out.worst = Math.max(out.worst, diff / pa.length);
                }
                out.decoded = Shinan.images.decoded;
                return out; }"""
        )
        browser.close()
    assert result["count"] > 100
    assert result["painted"] == result["count"], "a symbol fell back to the SVG decoder"
    assert result["decoded"] == 0
    assert result["blank"] == 0
    # Mean difference per channel (0-255): edge antialiasing only; a wrong colour, dash or
    # shape differs by tens.
    assert result["worst"] < 4, result
