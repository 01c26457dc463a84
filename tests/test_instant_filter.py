"""Filters applied in the page at once: the browser's view equals Python's, before the rerun.

Two parts. In a bare Chromium page, ``maps/viewcodes.js`` is given the browser data and asked
for many filters, on the bundled projects and on 2,000 synthetic ones: its codes, legend and
year label must be exactly what the server would send (``view_codes`` of ``apply_filter``,
``legend_html``, ``time_label``). Then the app itself, with the server's websocket messages
held back: a real click on a pill, a checkbox, a time mode or a year step changes the map,
its legend and its year at once, and the server's rerun, once let through, changes nothing.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from bench.synthetic import synthetic_collection
from geo import settings
from geo.coords import add_measures
from geo.filter import apply_filter, project_years, split_by_placement
from geo.load import load_projects
from geo.schema import LAYER_IDS, STATUSES
from geo.timeline import time_steps
from geo.view import ViewState, time_label
from maps.browserdata import browser_data, view_codes
from maps.webmap import _MAP_CSS, legend_html
from tests.browser_support import find_chromium, launch_chromium, serve_app

pytestmark = pytest.mark.browser
ROOT = Path(__file__).resolve().parents[1]
VIEWCODES_JS = (ROOT / "maps" / "viewcodes.js").read_text(encoding="utf-8")

sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
if find_chromium() is None:
    pytest.skip(
        "Chromium not found: `apt-get install chromium` (make test does it as root)",
        allow_module_level=True,
    )

#: What a legend box shows, read the same way from the server's HTML and the browser's.
_VISIBLE_LEGEND = """(box) => {
    const shown = (el) => !el.closest('[hidden]');
    const all = (sel, root) => [...(root || box).querySelectorAll(sel)].filter(shown);
    return {
        head: all('th[data-status]').map(e => e.getAttribute('data-status') + ':' + e.innerHTML),
        rows: all('tr[data-layer]').map(tr => [tr.getAttribute('data-layer'),
            tr.querySelector('td.name').innerHTML].concat(all('td[data-status]', tr).map(
                td => td.getAttribute('data-status') + ':' + td.getAttribute('data-hollow')
                    + ':' + td.innerHTML))),
        notes: all('[data-note]').map(n => n.getAttribute('data-note') + ':' + n.innerHTML),
        text: box.innerText,
    };
}"""


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as pw:
        browser = launch_chromium(pw)
        yield browser
        browser.close()


def _bundled():
    return add_measures(load_projects(settings.data_path()))


def _synthetic(n=2000):
    import geopandas as gpd

    features = synthetic_collection(n, seed=14)["features"]
    return add_measures(gpd.GeoDataFrame.from_features(features, crs=4326))


def _views(gdf, count: int, seed: int) -> list[ViewState]:
    """The corner cases, then random filters over every time view the sidebar offers."""
    steps = time_steps(gdf["milestones"]) or [settings.LAST_YEAR]
    first, last = project_years(gdf)
    views = [ViewState(), ViewState(layers=()), ViewState(statuses=())]
    views += [ViewState(mode="as_of", as_of=year) for year in steps]
    views += [ViewState(mode="period", years=(first, last)), ViewState(statuses=("planned",))]
    rng = random.Random(seed)
    for _ in range(count):
        low, high = sorted(rng.choice(range(first, last + 1)) for _ in range(2))
        views.append(
            ViewState(
                layers=tuple(x for x in LAYER_IDS if rng.random() < 0.6),
                statuses=tuple(s for s in STATUSES if rng.random() < 0.6),
                mode=rng.choice(("all", "as_of", "period")),
                as_of=rng.choice(steps),
                years=(low, high),
            )
        )
    return views


def _spec(view: ViewState) -> dict:
    return {
        "mode": view.mode,
        "layers": list(view.layers),
        "statuses": list(view.statuses),
        "as_of": view.as_of,
        "years": list(view.years),
    }


def _server(gdf, data, view: ViewState, lang: str) -> dict:
    """What the rerun sends for ``view`` (as ``ui.app._draw_map`` builds it)."""
    on_map = split_by_placement(apply_filter(gdf, view.project_filter))[0]
    return {
        "codes": view_codes(data, on_map, layers=view.layers),
        "legend": legend_html(on_map, layers=view.layers, lang=lang),
        "label": list(time_label(view, lang)),
    }


@pytest.mark.parametrize(
    ("which", "lang", "count"),
    [("bundled", "zh", 60), ("bundled", "en", 20), ("synthetic", "zh", 40)],
)
def test_browser_computes_the_same_view_legend_and_label_as_python(browser, which, lang, count):
    gdf = _bundled() if which == "bundled" else _synthetic()
    data = browser_data(gdf, lang=lang)
    views = _views(gdf, count, seed=len(gdf))
    expected = [_server(gdf, data, view, lang) for view in views]
    page = browser.new_page()
    try:
        page.set_content(
            f"{_MAP_CSS}<div class='shinan-legend' id='ours'></div>"
            "<div class='shinan-legend' id='server'></div>"
        )
        page.add_script_tag(content=VIEWCODES_JS)
        page.evaluate("(text) => { window.D = JSON.parse(text); }", data.payload)
        for view, server in zip(views, expected, strict=True):
            got = page.evaluate(
                """([spec, legend, visible]) => {
                    const F = window.ShinanFilter, codes = F.codes(D, spec);
                    const ours = document.getElementById('ours');
                    const theirs = document.getElementById('server');
                    ours.innerHTML = D.filter.legend;
                    F.showLegend(ours, F.legend(D, spec, codes));
                    theirs.innerHTML = legend;
                    const read = eval(visible);
                    return {codes: codes, label: F.timeLabel(D, spec),
                            ours: read(ours), server: read(theirs)};
                }""",
                [_spec(view), server["legend"], _VISIBLE_LEGEND],
            )
            assert got["codes"] == server["codes"], f"codes differ for {view}"
            assert got["label"] == server["label"], f"year label differs for {view}"
            assert got["ours"] == got["server"], f"legend differs for {view}"
    finally:
        page.close()


def test_the_data_names_what_the_browser_cannot_compute():
    """A year the sidebar does not offer has no view: the page leaves it to the server."""
    gdf = _bundled()
    payload = json.loads(browser_data(gdf).payload)
    steps = time_steps(gdf["milestones"])
    assert sorted(int(y) for y in payload["filter"]["asOf"]) == steps
    assert "2018" not in payload["filter"]["asOf"]


# The app itself, with the server's messages held back ----------------------------------------
class HeldSocket:
    """Streamlit's websocket through Playwright: the server's messages wait while ``hold``."""

    def __init__(self) -> None:
        self.hold = False
        self.queue: list = []
        self.routes: list = []

    def route(self, ws) -> None:
        server = ws.connect_to_server()
        ws.on_message(server.send)
        server.on_message(lambda message: self._from_server(ws, message))
        self.routes.append(ws)

    def _from_server(self, ws, message) -> None:
        if self.hold:
            self.queue.append((ws, message))
        else:
            ws.send(message)

    def release(self) -> None:
        self.hold = False
        queued, self.queue = self.queue, []
        for ws, message in queued:
            ws.send(message)


def _frame(page):
    for _ in range(480):
        for frame in page.frames:
            if "streamlit_folium" not in frame.url:
                continue
            try:
                if frame.evaluate("() => !!(window.Shinan && Shinan.lastApply && Shinan.state)"):
                    return frame
            except sync_api.Error:
                continue
        page.wait_for_timeout(250)
    raise AssertionError("the map never drew")


def _wait(page, probe, message, tries=160):
    for _ in range(tries):
        try:
            if probe():
                return
        except sync_api.Error:
            pass
        page.wait_for_timeout(100)
    raise AssertionError(message)


_MAP_NOW = (
    """() => ({
    key: Shinan.projects.key,
    codes: String.fromCharCode.apply(null, Shinan.projects.codes),
    canvas: Shinan.layer._container.toDataURL(),
    label: document.querySelector('.shinan-time [data-testid=map-year]').innerText,
    legend: (VISIBLE_LEGEND)(document.querySelector('.shinan-legend')),
    calls: Shinan.calls.length,
    state: JSON.stringify(Shinan.state.filter),
})"""
).replace("VISIBLE_LEGEND", _VISIBLE_LEGEND)


def _actions():
    """(what the user does, the view it leads to from the one before) in order."""

    def pill(text):
        return lambda page: page.locator(".st-key-statuses button", has_text=text).click()

    def radio(index):
        return lambda page: (
            page.locator(".st-key-mode label[data-testid=stRadioOption]").nth(index).click()
        )

    def step_left(page):
        page.locator(".st-key-as_of input[type=range]").focus()
        page.keyboard.press("ArrowLeft")

    no_completed = tuple(s for s in STATUSES if s != "completed")
    no_renewal = tuple(x for x in LAYER_IDS if x != "renewal")
    return [
        ("pill 竣工 off", pill("竣工"), {"statuses": no_completed}),
        ("layer renewal off", lambda p: p.locator(".st-key-layer_renewal label").click(),
         {"layers": no_renewal}),
        ("mode as of", radio(1), {"mode": "as_of"}),
        ("as of 2020", step_left, {"as_of": 2020}),
        ("pill 竣工 on", pill("竣工"), {"statuses": STATUSES}),
        ("mode period", radio(2), {"mode": "period"}),
        ("pill 前期 off, years from the slider", pill("前期"),
         {"statuses": tuple(s for s in STATUSES if s != "preparation")}),
        ("mode all", radio(0), {"mode": "all"}),
    ]  # fmt: skip


def test_a_click_changes_the_map_before_the_rerun_and_the_rerun_changes_nothing(browser, tmp_path):
    from dataclasses import replace

    gdf = _bundled()
    data = browser_data(gdf)
    socket = HeldSocket()
    env = {"PROJECT_MAP_BASEMAP": "none", "PROJECT_MAP_DATA": str(settings.data_path())}
    with serve_app(ROOT / "app.py", env=env) as url:
        context = browser.new_context(viewport={"width": 1400, "height": 900})
        context.route(
            "**/*",
            lambda r: r.continue_() if r.request.url.startswith(url) else r.abort("failed"),
        )
        page = context.new_page()
        page.route_web_socket("**/_stcore/stream", socket.route)
        page.goto(url)
        frame = _frame(page)
        page.wait_for_timeout(3000)  # the map reports its view once: let that rerun pass
        frame.evaluate("""() => { Shinan.calls = []; const show = Shinan.show;
            Shinan.show = function (key, codes) { Shinan.calls.push(codes);
                return show.apply(this, arguments); }; }""")
        view = ViewState(as_of=2021, years=project_years(gdf))
        before = frame.evaluate(_MAP_NOW)
        assert before["key"] == data.key
        for what, act, change in _actions():
            view = replace(view, **change)
            before = _check_action(page, frame, socket, what, act, before,
                                   _server(gdf, data, view, "zh"))  # fmt: skip
        # Two quick clicks, the server held back: however its reruns come in, the map ends on
        # the second click's view, as the server's last rerun draws it.
        view = replace(view, statuses=("planned", "open"))
        socket.hold = True
        for text in ("在建", "竣工"):
            page.locator(".st-key-statuses button", has_text=text).click()
        page.wait_for_timeout(300)
        socket.release()
        expected = _server(gdf, data, view, "zh")["codes"]
        wanted = json.dumps(list(view.statuses))
        _wait(page, lambda: json.loads(frame.evaluate(_MAP_NOW)["state"])["statuses"]
              == json.loads(wanted), "the last rerun never came")  # fmt: skip
        page.wait_for_timeout(800)
        assert frame.evaluate(_MAP_NOW)["codes"] == expected
        page.screenshot(path=str(tmp_path / "instant.png"))
        context.close()


def _still(page, frame) -> dict:
    """The map once it has stopped changing (symbols rasterised, labels placed)."""
    now = frame.evaluate(_MAP_NOW)
    for _ in range(30):
        page.wait_for_timeout(300)
        again = frame.evaluate(_MAP_NOW)
        if again == now:
            return now
        now = again
    raise AssertionError("the map kept changing")


def _check_action(page, frame, socket, what, act, before: dict, server: dict) -> dict:
    """Do ``act`` with the server held back, check the map, let the rerun in, check again."""
    socket.hold = True
    act(page)
    calls = before["calls"]
    _wait(page, lambda: frame.evaluate(_MAP_NOW)["calls"] > calls,
          f"{what}: the map did not change before the rerun")  # fmt: skip
    instant = _still(page, frame)
    assert instant["state"] == before["state"], f"{what}: the rerun got through"
    assert instant["codes"] == server["codes"], f"{what}: wrong projects shown"
    label = [part for part in server["label"] if part]
    assert instant["label"].split("\n") == label, f"{what}: {instant['label']!r}"
    legend_shot = frame.locator(".shinan-legend").screenshot()
    socket.release()
    state = before["state"]
    _wait(page, lambda: frame.evaluate(_MAP_NOW)["state"] != state,
          f"{what}: the rerun never came")  # fmt: skip
    after = _still(page, frame)
    assert after["codes"] == instant["codes"], f"{what}: the rerun changed the map"
    assert after["canvas"] == instant["canvas"], f"{what}: the map was drawn again"
    assert after["legend"] == instant["legend"], f"{what}: the legend changed"
    assert after["label"] == instant["label"], f"{what}: the year label changed"
    assert frame.locator(".shinan-legend").screenshot() == legend_shot, what
    later = frame.evaluate(f"() => Shinan.calls.slice({instant['calls']})")
    assert all(c == instant["codes"] for c in later), f"{what}: a second, other view"
    return after
