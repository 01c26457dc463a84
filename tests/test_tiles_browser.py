"""The live map with vector tiles configured, in Chromium with the network cut: the tiled
projects are drawn from PMTiles served by the app, a status filter hides them in the browser,
and a click on one selects it on the server."""

from __future__ import annotations

import shutil
import uuid
from pathlib import Path
from urllib.parse import urlparse

import pytest

from geo.filter import split_by_placement
from geo.load import load_projects
from geo.vectortiles import build_tiles, name_shard
from tests.browser_support import find_chromium, launch_chromium, offline_context, serve_app
from tests.conftest import TEST_DATA

pytestmark = pytest.mark.browser
REPO = Path(__file__).resolve().parents[1]
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]"}

sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
if find_chromium() is None:
    pytest.skip(
        "Chromium not found: `apt-get install chromium` (make test does it as root)",
        allow_module_level=True,
    )

#: Alpha of the tiled projects' canvases at a point of the map frame (0: nothing drawn).
_ALPHA_JS = """([x, y]) => {
  let alpha = 0;
  document.querySelectorAll('.leaflet-pane canvas.leaflet-tile').forEach((c) => {
    const r = c.getBoundingClientRect();
    if (x < r.left || x >= r.right || y < r.top || y >= r.bottom) return;
    const px = Math.floor((x - r.left) * c.width / r.width);
    const py = Math.floor((y - r.top) * c.height / r.height);
    alpha = Math.max(alpha, c.getContext('2d').getImageData(px, py, 1, 1).data[3]);
  });
  return alpha; }"""
_POINT_JS = """([lat, lon]) => { const p = map.latLngToContainerPoint([lat, lon]);
  const r = map.getContainer().getBoundingClientRect(); return [r.left + p.x, r.top + p.y]; }"""
_TIP_JS = """() => { const tip = document.querySelector('.leaflet-tooltip.shinan-tiles-tip');
  return tip ? tip.textContent : ''; }"""
#: Pixels between a point and the centre of the selection's ring (far when there is none).
_RING_JS = """([x, y]) => { const ring = document.querySelector('.shinan-selection');
  if (!ring) return 1e9; const r = ring.getBoundingClientRect();
  return Math.hypot(r.left + r.width / 2 - x, r.top + r.height / 2 - y); }"""
_STATE_JS = """() => ({pending: Shinan.tiles.pending, generation: Shinan.tiles.generation,
  drawn: Shinan.tiles.drawn})"""


@pytest.fixture(scope="module")
def tiles_dir():
    """Tiles of the test data under static/ (Streamlit serves only that folder)."""
    folder = REPO / "static" / f".test-tiles-{uuid.uuid4().hex[:8]}"
    build_tiles(load_projects(TEST_DATA), folder, version="test")
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def _tiles_frame(page):
    page.wait_for_selector('iframe[title="streamlit_folium.st_folium"]', timeout=60_000)
    for _ in range(480):
        for frame in page.frames:
            try:
                if frame.evaluate("() => !!(window.Shinan && Shinan.tiles && Shinan.tiles.layer)"):
                    return frame
            except sync_api.Error:
                continue
        page.wait_for_timeout(250)
    raise AssertionError("the tiled layer was never added to the map")


def _settled(page, frame, *, after_generation: int = 0, tries: int = 240):
    """The tiles' state once every tile on screen is drawn for a filter newer than given."""
    for _ in range(tries):
        try:
            state = frame.evaluate(_STATE_JS)
            if state["generation"] > after_generation and state["pending"] == 0 and state["drawn"]:
                page.wait_for_timeout(300)  # a tile may start just after the last finished
                again = frame.evaluate(_STATE_JS)
                if again["pending"] == 0 and again["generation"] == state["generation"]:
                    return again
        except sync_api.Error:
            pass
        page.wait_for_timeout(250)
    raise AssertionError("the tiles never settled")


def _wait_for(page, predicate, message, *, tries=160):
    for _ in range(tries):
        try:
            if predicate():
                return
        except sync_api.Error:
            pass
        page.wait_for_timeout(250)
    raise AssertionError(message)


def test_tiled_projects_draw_filter_and_select_offline(tmp_path, tiles_dir):
    gdf = load_projects(TEST_DATA)
    tiled = split_by_placement(gdf)[0]  # every project with a site on the map
    env = {
        "PROJECT_MAP_DATA": str(TEST_DATA),
        "PROJECT_MAP_BASEMAP": "none",
        "PROJECT_MAP_TILES": str(tiles_dir.relative_to(REPO)),
    }
    with (
        serve_app(REPO / "app.py", env=env) as url,
        sync_api.sync_playwright() as pw,
    ):
        browser = launch_chromium(pw)
        context, requests = offline_context(browser, url)
        page = context.new_page()
        page.goto(url + "/?lat=36.0665&lon=120.335&z=13")
        frame = _tiles_frame(page)
        state = _settled(page, frame)
        # Every tiled project is drawn, in its own status, and from the archives.
        assert state["drawn"] == dict(zip(tiled["id"], tiled["status"], strict=True))
        assert any(u.endswith("/construction.pmtiles") for u in requests)
        assert not [u for u in requests if "_stcore" not in u and u.endswith(".geojson")]

        # The pointer over the tiled point names it (looked up by id in the names files), with
        # its layer and status, as the live map's tooltip does; off it, the tooltip goes.
        point = gdf.loc[gdf["id"] == "zhanshan-plaza"].geometry.iloc[0]
        xy = frame.evaluate(_POINT_JS, [point.y, point.x])
        assert frame.evaluate(_ALPHA_JS, xy) > 0, "nothing drawn at the project's marker"
        # The browser finds a name in the file the builder put it in, for any id.
        ids = ["zhanshan-plaza", "停车场-17", "5g-\U0001f4f6-block", "a" * 40]
        assert frame.evaluate("(ids) => ids.map(i => Shinan.tiles.shardOf(i, 512))", ids) == [
            name_shard(i, 512) for i in ids
        ]
        empty = frame.evaluate(_POINT_JS, [36.0665, 120.335])  # the map's centre: no project
        assert frame.evaluate(_ALPHA_JS, empty) == 0
        frame.locator("body").hover(position={"x": empty[0], "y": empty[1]})
        frame.locator("body").hover(position={"x": xy[0], "y": xy[1]})
        _wait_for(page, lambda: "湛山广场" in frame.evaluate(_TIP_JS), "no name on hover")
        assert "重点建设项目" in frame.evaluate(_TIP_JS)
        frame.locator("body").hover(position={"x": empty[0], "y": empty[1]})
        _wait_for(page, lambda: frame.evaluate(_TIP_JS) == "", "the tooltip stays")

        # A click on the tiled point selects it: the server looks it up by id and rings it.
        frame.locator("body").click(position={"x": xy[0], "y": xy[1]})
        detail = page.locator('[data-testid="project-detail"]')
        _wait_for(page, lambda: "湛山广场" in detail.inner_text(), "the click selected nothing")
        _wait_for(page, lambda: "project=zhanshan-plaza" in page.url, "selection not in link")
        _wait_for(page, lambda: frame.evaluate(_RING_JS, xy) < 8, "the selection is not ringed")

        # Planned off: the browser hides the planned projects, the others stay drawn.
        generation = frame.evaluate("() => Shinan.tiles.generation")
        page.locator(".st-key-statuses button", has_text="计划").click()
        state = _settled(page, frame, after_generation=generation)
        kept = tiled[tiled["status"] != "planned"]
        assert state["drawn"] == dict(zip(kept["id"], kept["status"], strict=True))
        xy = frame.evaluate(_POINT_JS, [point.y, point.x])
        _wait_for(page, lambda: frame.evaluate(_ALPHA_JS, xy) == 0, "the planned marker stays")
        page.screenshot(path=str(tmp_path / "tiles.png"))
        context.close()
        browser.close()
    outside = {urlparse(u).hostname for u in requests if u.startswith("http")}
    assert not (outside - LOCAL_HOSTS), f"requests left this machine: {sorted(outside)}"


_CLICKED_JS = "() => Shinan.tiles.clicked || null"


def test_status_toggle_hides_exactly_its_projects_and_back_and_clicks_follow(tiles_dir):
    """前期 off hides the preparation projects, and nothing else, on the tile canvases; a click
    where one was picks nothing, a click on a shown project selects it; 前期 on draws them again."""
    gdf = load_projects(TEST_DATA)
    tiled = split_by_placement(gdf)[0]
    everything = dict(zip(tiled["id"], tiled["status"], strict=True))
    hidden = {i for i, s in everything.items() if s == "preparation"}
    assert hidden, "the test data needs a project in preparation"
    env = {
        "PROJECT_MAP_DATA": str(TEST_DATA),
        "PROJECT_MAP_BASEMAP": "none",
        "PROJECT_MAP_TILES": str(tiles_dir.relative_to(REPO)),
    }
    bay = gdf.loc[gdf["id"] == "qingdao-bay-plaza"].geometry.iloc[0].representative_point()
    zhanshan = gdf.loc[gdf["id"] == "zhanshan-plaza"].geometry.iloc[0]
    with serve_app(REPO / "app.py", env=env) as url, sync_api.sync_playwright() as pw:
        browser = launch_chromium(pw)
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        page.route(
            "**/*",
            lambda r: r.continue_() if r.request.url.startswith(url) else r.abort("failed"),
        )
        page.goto(url + "/?lat=36.0665&lon=120.335&z=13")
        frame = _tiles_frame(page)
        assert _settled(page, frame)["drawn"] == everything
        bay_xy = frame.evaluate(_POINT_JS, [bay.y, bay.x])
        assert frame.evaluate(_ALPHA_JS, bay_xy) > 0, "青岛湾广场 not drawn before the toggle"

        generation = frame.evaluate("() => Shinan.tiles.generation")
        page.locator(".st-key-statuses button", has_text="前期").click()
        state = _settled(page, frame, after_generation=generation)
        assert state["drawn"] == {i: s for i, s in everything.items() if i not in hidden}
        _wait_for(page, lambda: frame.evaluate(_ALPHA_JS, bay_xy) == 0, "前期 still painted")
        # A hidden project cannot be clicked; a shown one still selects.
        frame.locator("body").click(position={"x": bay_xy[0], "y": bay_xy[1]})
        page.wait_for_timeout(500)
        assert frame.evaluate(_CLICKED_JS) is None
        zh_xy = frame.evaluate(_POINT_JS, [zhanshan.y, zhanshan.x])
        frame.locator("body").click(position={"x": zh_xy[0], "y": zh_xy[1]})
        detail = page.locator('[data-testid="project-detail"]')
        _wait_for(page, lambda: "湛山广场" in detail.inner_text(), "the click selected nothing")
        assert frame.evaluate(_CLICKED_JS) == "zhanshan-plaza"

        generation = frame.evaluate("() => Shinan.tiles.generation")
        page.locator(".st-key-statuses button", has_text="前期").click()
        state = _settled(page, frame, after_generation=generation)
        assert state["drawn"] == everything
        _wait_for(page, lambda: frame.evaluate(_ALPHA_JS, bay_xy) > 0, "前期 not drawn again")
        browser.close()


_NOTE_JS = """() => { const n = document.querySelector('.shinan-tiles-note');
  return n && n.style.display !== 'none' ? n.textContent : ''; }"""


@pytest.fixture(scope="module")
def thinned_tiles_dir():
    """Tiles of 400 synthetic projects keeping at most a few of a layer per tile below zoom 15."""
    from bench.synthetic import synthetic_collection
    from geo.load import _to_frame

    folder = REPO / "static" / f".test-tiles-{uuid.uuid4().hex[:8]}"
    frame = _to_frame(synthetic_collection(400)["features"])
    build_tiles(frame, folder, version="test-thinned", max_features=5)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def test_map_says_when_a_tile_leaves_projects_out_and_not_at_the_top_zoom(thinned_tiles_dir):
    env = {
        "PROJECT_MAP_DATA": str(TEST_DATA),
        "PROJECT_MAP_BASEMAP": "none",
        "PROJECT_MAP_TILES": str(thinned_tiles_dir.relative_to(REPO)),
    }
    with serve_app(REPO / "app.py", env=env) as url, sync_api.sync_playwright() as pw:
        browser = launch_chromium(pw)
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        page.route(
            "**/*",
            lambda r: r.continue_() if r.request.url.startswith(url) else r.abort("failed"),
        )
        page.goto(url + "/?lat=36.0665&lon=120.335&z=13")
        frame = _tiles_frame(page)
        _settled(page, frame)
        _wait_for(page, lambda: "放大可见全部" in frame.evaluate(_NOTE_JS), "no note at zoom 13")
        # Zoom 17 draws data tiles of the top zoom, which keep every project: no note.
        frame.evaluate("() => map.setZoom(17, {animate: false})")
        _wait_for(page, lambda: frame.evaluate(_NOTE_JS) == "", "the note stays at zoom 17")
        browser.close()


#: Every tiled canvas on the map as a PNG (data URL), by tile key, and how it was painted.
_CANVASES_JS = """() => { const T = Shinan.tiles, out = {};
  Object.keys(T.layer._tiles).forEach((key) => {
    const tile = T.layer._tiles[key];
    if (tile.current) out[key] = tile.el.toDataURL('image/png'); });
  return {tiles: out, worker: T.worker, paintWorker: T.paintWorker, paints: T.paints,
          composites: T.composites}; }"""
#: Page set-ups: as browsers have it; without OffscreenCanvas (the page paints, the worker
#: still decodes); without Web Workers at all (the page decodes and paints).
_NO_OFFSCREEN = "delete window.OffscreenCanvas;"
_NO_WORKER = "delete window.Worker;"


def _pixels(canvases: dict[str, str]):
    """Each tile's pixels as an array (RGBA), by tile key."""
    import base64
    import io

    import numpy as np
    from PIL import Image

    return {
        key: np.asarray(
            Image.open(io.BytesIO(base64.b64decode(url.split(",", 1)[1]))).convert("RGBA")
        )
        for key, url in canvases.items()
    }


def _drawn_tiles(browser, url, *, init_script: str = ""):
    context, _ = offline_context(browser, url)
    if init_script:
        context.add_init_script(init_script)
    page = context.new_page()
    page.goto(url + "/?lat=36.0665&lon=120.335&z=13")
    frame = _tiles_frame(page)
    state = _settled(page, frame)
    return context, page, frame, state


def test_worker_painting_matches_the_page_and_the_fallbacks_still_draw(tiles_dir):
    """The tiles painted in the worker look the same as those the page paints itself when the
    browser has no OffscreenCanvas or no Web Worker, every project is drawn in all three, and
    a layer toggle hides exactly its projects in all three."""
    tiled = split_by_placement(load_projects(TEST_DATA))[0]
    everything = dict(zip(tiled["id"], tiled["status"], strict=True))
    kept = tiled[tiled["layer"] != "renewal"]
    without_renewal = dict(zip(kept["id"], kept["status"], strict=True))
    env = {
        "PROJECT_MAP_DATA": str(TEST_DATA),
        "PROJECT_MAP_BASEMAP": "none",
        "PROJECT_MAP_TILES": str(tiles_dir.relative_to(REPO)),
    }
    with serve_app(REPO / "app.py", env=env) as url, sync_api.sync_playwright() as pw:
        browser = launch_chromium(pw)
        seen = {}
        for name, script in (("worker", ""), ("page", _NO_OFFSCREEN), ("no worker", _NO_WORKER)):
            context, page, frame, state = _drawn_tiles(browser, url, init_script=script)
            assert state["drawn"] == everything, f"{name}: not every project drawn"
            seen[name] = frame.evaluate(_CANVASES_JS)
            # A layer toggle hides exactly its projects however the tiles were painted.
            generation = frame.evaluate("() => Shinan.tiles.generation")
            page.locator(".st-key-layer_renewal label").click()
            state = _settled(page, frame, after_generation=generation)
            assert state["drawn"] == without_renewal, f"{name}: renewal off"
            context.close()
        browser.close()
    assert (seen["worker"]["worker"], seen["worker"]["paintWorker"]) == (True, True)
    assert (seen["page"]["worker"], seen["page"]["paintWorker"]) == (True, False)
    assert (seen["no worker"]["worker"], seen["no worker"]["paintWorker"]) == (False, False)
    worker = _pixels(seen["worker"]["tiles"])
    assert sum(int((tile[..., 3] > 0).sum()) for tile in worker.values()) > 1000, "blank tiles"
    for name in ("page", "no worker"):
        other = _pixels(seen[name]["tiles"])
        assert other.keys() == worker.keys()
        for key, tile in worker.items():
            diff = abs(tile.astype(int) - other[key].astype(int))
            # Rasterising in an OffscreenCanvas may round a blended channel apart by one.
            assert diff.max() <= 2, f"tile {key}: worker and {name} differ by {diff.max()}"


def test_status_toggle_composites_the_painted_tiles_and_back_exactly(tiles_dir):
    """前期 off changes the tiles without painting them again (their groups are composited), and
    前期 on gives back exactly the pixels drawn before."""
    tiled = split_by_placement(load_projects(TEST_DATA))[0]
    everything = dict(zip(tiled["id"], tiled["status"], strict=True))
    renewal = set(tiled.loc[tiled["layer"] == "renewal", "id"])
    assert renewal and len(renewal) < len(everything)
    env = {
        "PROJECT_MAP_DATA": str(TEST_DATA),
        "PROJECT_MAP_BASEMAP": "none",
        "PROJECT_MAP_TILES": str(tiles_dir.relative_to(REPO)),
    }
    with serve_app(REPO / "app.py", env=env) as url, sync_api.sync_playwright() as pw:
        browser = launch_chromium(pw)
        context, page, frame, _state = _drawn_tiles(browser, url)
        before = frame.evaluate(_CANVASES_JS)
        pill = page.locator(".st-key-statuses button", has_text="前期")
        generation = frame.evaluate("() => Shinan.tiles.generation")
        pill.click()
        _settled(page, frame, after_generation=generation)
        hidden = frame.evaluate(_CANVASES_JS)
        assert hidden["paints"] == 0 and hidden["composites"] > 0
        assert hidden["tiles"] != before["tiles"], "前期 off changed no tile"
        generation = frame.evaluate("() => Shinan.tiles.generation")
        pill.click()
        _settled(page, frame, after_generation=generation)
        again = frame.evaluate(_CANVASES_JS)
        assert again["paints"] == 0
        assert again["tiles"] == before["tiles"], "前期 on did not give back the same tiles"

        # A layer off, and on again, composites too (every layer has pictures of its own):
        # none of its projects stays drawn, every other does, and back gives the same pixels.
        layer_box = page.locator(".st-key-layer_renewal label")
        generation = frame.evaluate("() => Shinan.tiles.generation")
        layer_box.click()
        state = _settled(page, frame, after_generation=generation)
        assert state["drawn"] == {i: s for i, s in everything.items() if i not in renewal}
        off = frame.evaluate(_CANVASES_JS)
        assert off["paints"] == 0 and off["composites"] > 0
        assert off["tiles"] != before["tiles"], "renewal off changed no tile"
        generation = frame.evaluate("() => Shinan.tiles.generation")
        layer_box.click()
        state = _settled(page, frame, after_generation=generation)
        assert state["drawn"] == everything
        on = frame.evaluate(_CANVASES_JS)
        assert on["paints"] == 0
        assert on["tiles"] == before["tiles"], "renewal on did not give back the same tiles"
        context.close()
        browser.close()


#: Every animation frame of the map from now on: the filter's generation and the projects the
#: tiles on screen show ({id: status}), so a test can look at each frame after a click.
_FRAMES_START_JS = """() => { const T = Shinan.tiles, log = window.__tileFrames = [];
  const tick = () => { log.push([T.generation, T.onScreen()]);
    if (window.__tileFrames === log) requestAnimationFrame(tick); };
  requestAnimationFrame(tick); }"""
_FRAMES_TAKE_JS = """() => { const log = window.__tileFrames; window.__tileFrames = null;
  return log; }"""


def _in_view(tiled, *, as_of=None, layers=None):
    """{id: status} the rest of the map shows for that view (geo.filter.apply_filter)."""
    from geo.filter import ProjectFilter, apply_filter
    from geo.schema import LAYER_IDS, STATUSES

    spec = ProjectFilter(layers=tuple(layers or LAYER_IDS), statuses=STATUSES, as_of=as_of)
    shown = apply_filter(tiled, spec)
    return dict(zip(shown["id"], shown["status"], strict=True))


def _acted(page, frame, act, expected, what):
    """Do ``act``; once the tiles settle they show exactly ``expected``, and no frame after
    the filter reached the map showed a project outside it, or in another status."""
    generation = frame.evaluate("() => Shinan.tiles.generation")
    frame.evaluate(_FRAMES_START_JS)
    act()
    state = _settled(page, frame, after_generation=generation)
    assert state["drawn"] == expected, f"{what}: drawn {state['drawn']}"
    page.wait_for_timeout(300)
    frames = frame.evaluate(_FRAMES_TAKE_JS)
    after = [shown for gen, shown in frames if gen > generation]
    assert after, f"{what}: no frame recorded after the filter arrived"
    for shown in after:
        wrong = {i: s for i, s in shown.items() if expected.get(i) != s}
        assert not wrong, f"{what}: a frame showed {wrong}"
    assert after[-1] == expected, f"{what}: the last frame shows {after[-1]}"
    return frame.evaluate(_CANVASES_JS)


def test_layer_status_and_year_changes_show_exactly_their_projects_in_every_frame(tiles_dir):
    """A layer off and on, a status off and on, "as of" 2021, a step back to 2020 (two projects
    known by then, in their 2020 status), forward again and back to all years: after each, every
    frame shows exactly what the rest of the map shows for that view; the views seen before are
    composited from kept pictures; a click then selects only a project in view."""
    tiled = split_by_placement(load_projects(TEST_DATA))[0]
    everything = dict(zip(tiled["id"], tiled["status"], strict=True))
    no_construction = [x for x in tiled["layer"].unique() if x != "construction"]
    in_2021, in_2020 = _in_view(tiled, as_of=2021), _in_view(tiled, as_of=2020)
    assert in_2021 != everything and 0 < len(in_2020) < len(in_2021)
    assert "zhanshan-plaza" not in in_2020 and "qingdao-bay-plaza" in in_2020
    env = {
        "PROJECT_MAP_DATA": str(TEST_DATA),
        "PROJECT_MAP_BASEMAP": "none",
        "PROJECT_MAP_TILES": str(tiles_dir.relative_to(REPO)),
    }
    gdf = load_projects(TEST_DATA)
    bay = gdf.loc[gdf["id"] == "qingdao-bay-plaza"].geometry.iloc[0].representative_point()
    zhanshan = gdf.loc[gdf["id"] == "zhanshan-plaza"].geometry.iloc[0]
    with serve_app(REPO / "app.py", env=env) as url, sync_api.sync_playwright() as pw:
        browser = launch_chromium(pw)
        context, page, frame, state = _drawn_tiles(browser, url)
        assert state["drawn"] == everything
        layer_box = page.locator(".st-key-layer_construction label")
        radios = page.locator(".st-key-mode label[data-testid=stRadioOption]")

        def step(key):
            page.locator(".st-key-as_of input[type=range]").focus()
            page.keyboard.press(key)

        off = _acted(page, frame, layer_box.click, _in_view(tiled, layers=no_construction), "off")
        assert off["paints"] == 0
        _acted(page, frame, layer_box.click, everything, "construction on")
        pill = page.locator(".st-key-statuses button", has_text="计划")
        no_planned = {i: s for i, s in everything.items() if s != "planned"}
        assert _acted(page, frame, pill.click, no_planned, "计划 off")["paints"] == 0
        _acted(page, frame, pill.click, everything, "计划 on")
        _acted(page, frame, lambda: radios.nth(1).click(), in_2021, "as of 2021")
        page.locator(".st-key-as_of input[type=range]").wait_for(timeout=30_000)
        _acted(page, frame, lambda: step("ArrowLeft"), in_2020, "as of 2020")

        # In 2020 the planned 湛山广场 is not known yet: a click there selects nothing; a click
        # on 青岛湾广场 selects it.
        zh_xy = frame.evaluate(_POINT_JS, [zhanshan.y, zhanshan.x])
        frame.locator("body").click(position={"x": zh_xy[0], "y": zh_xy[1]})
        page.wait_for_timeout(500)
        assert frame.evaluate(_CLICKED_JS) is None
        bay_xy = frame.evaluate(_POINT_JS, [bay.y, bay.x])
        frame.locator("body").click(position={"x": bay_xy[0], "y": bay_xy[1]})
        detail = page.locator('[data-testid="project-detail"]')
        _wait_for(page, lambda: "青岛湾广场" in detail.inner_text(), "the click selected nothing")
        assert frame.evaluate(_CLICKED_JS) == "qingdao-bay-plaza"

        # Views seen before (or painted ahead while the map was idle) are composited.
        again = _acted(page, frame, lambda: step("ArrowRight"), in_2021, "back to 2021")
        assert again["paints"] == 0
        back = _acted(page, frame, lambda: radios.nth(0).click(), everything, "all years")
        assert back["paints"] == 0
        context.close()
        browser.close()


def test_playback_steps_the_tiled_layers_with_each_year(tiles_dir):
    """Playing the years: while each step's year is on the map, the tiled layers show exactly
    the projects of that year, in that year's status (they kept the page's year before)."""
    tiled = split_by_placement(load_projects(TEST_DATA))[0]
    in_2020, in_2021 = _in_view(tiled, as_of=2020), _in_view(tiled, as_of=2021)
    assert in_2020 != in_2021
    env = {
        "PROJECT_MAP_DATA": str(TEST_DATA),
        "PROJECT_MAP_BASEMAP": "none",
        "PROJECT_MAP_TILES": str(tiles_dir.relative_to(REPO)),
    }
    with serve_app(REPO / "app.py", env=env) as url, sync_api.sync_playwright() as pw:
        browser = launch_chromium(pw)
        context, page, frame, _ = _drawn_tiles(browser, url)
        page.locator(".st-key-play_button button").first.click()
        year = "() => (document.querySelector('[data-testid=map-year]') || {}).textContent || ''"
        play = page.locator(".st-key-play_button button").first
        for label, expected in (("截至2020年底", in_2020), ("2021年目标", in_2021)):
            _wait_for(page, lambda lb=label: lb in frame.evaluate(year), f"no step {label}")
            shown = {}
            # Within the step, while the player runs (when it stops, the page's own rerun
            # shows the last year: too late for a presenter).
            while "播放" not in play.inner_text() and label in frame.evaluate(year):
                state = frame.evaluate(_STATE_JS)
                shown = state["drawn"] if state["pending"] == 0 else shown
                if shown == expected:
                    break
                page.wait_for_timeout(100)
            assert shown == expected, f"{label}: the tiles show {shown}"
        _wait_for(page, lambda: "播放" in play.inner_text(), "playback never stopped")
        context.close()
        browser.close()
