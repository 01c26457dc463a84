"""What one filter click costs the map, in Chromium: a year step to a time view painted ahead
draws nothing and looks exactly as a fresh draw; painting ahead never changes what the map
shows; the server's confirmation of a filter the page applied draws nothing and places no
label again.

A bare page (``bench/bench_draw.py``: the base map, the browser data, one view; no Streamlit)
shows 1,500 synthetic projects with the district filling 1400x900 (as presenter mode shows
it: every group's canvas about the district's size); the last test runs the app.
"""

from __future__ import annotations

import pytest

from bench.bench_draw import READY, canvas_page, serve_page, synthetic_frame
from tests.browser_support import find_chromium, launch_chromium, serve_app

pytestmark = pytest.mark.browser

sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
if find_chromium() is None:
    pytest.skip(
        "Chromium not found: `apt-get install chromium` (make test does it as root)",
        allow_module_level=True,
    )

_HELPERS = """() => {
    const S = Shinan;
    window.T = {
        pixels: () => { const c = S.layer._container;
            return c.getContext('2d').getImageData(0, 0, c.width, c.height).data; },
        fresh: () => { S.layer.dropCache(); S.layer._redraw(); return T.pixels(); },
        same: (a, b) => { if (a.length !== b.length) return false;
            for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false; return true; },
        // The rerun's filter as the app sends it (the map paints ahead from it).
        state: (mode, asOf) => { S.state = {presenter: true, selected: null, labelZoom: 15,
            filter: {mode: mode, as_of: asOf}}; },
        // Until the groups of the views ahead are painted (or nothing is left to paint).
        ahead: async () => { const since = performance.now(); S.layer._aheadLater();
            for (let k = 0; k < 600 && !(S.layer.aheadDoneAt > since); k++)
                await new Promise((r) => setTimeout(r, 50));
            return S.layer.aheadDoneAt > since; },
    };
}"""


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as pw:
        browser = launch_chromium(pw)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def page(browser):
    html = canvas_page(synthetic_frame(1500, seed=7))
    with serve_page(html) as url:
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        page.goto(url)
        page.wait_for_function(READY, timeout=120_000, polling=100)
        page.wait_for_timeout(300)  # patterns are made from their loaded tiles a moment later
        page.evaluate(_HELPERS)
        yield page
        page.close()


def test_year_steps_to_views_painted_ahead_draw_nothing_and_look_as_a_fresh_draw(page):
    result = page.evaluate(
        """async () => { const S = Shinan, P = S.projects, f = P.d.filter, out = [];
            const steps = f.steps.map(String), last = steps[steps.length - 1];
            S.show(P.key, f.all); T.state('all'); T.fresh();
            // All years -> as of the last year, a step back, forward, all years again.
            const walk = [['as_of', last], ['as_of', steps[steps.length - 2]],
                ['as_of', last], ['all']];
            for (const [mode, year] of walk) {
                const painted = await T.ahead();
                S.show(P.key, mode === 'all' ? f.all : f.asOf[year]); T.state(mode, year);
                const shown = T.pixels(), drawn = S.lastDraw.drawn, groups = S.lastDraw.groups;
                out.push({mode, year, painted, drawn, groups, same: T.same(shown, T.fresh())});
            }
            return {steps: steps.length, out}; }"""
    )
    assert result["steps"] >= 2, "the synthetic data has fewer than two 'as of' steps"
    for step in result["out"]:
        what = f"{step['mode']} {step['year'] or ''}"
        assert step["painted"], f"{what}: the views ahead were never painted"
        assert step["groups"] > 10, f"{what}: the view holds almost nothing"
        assert step["drawn"] == 0, f"{what}: drew {step['drawn']} of {step['groups']} groups"
        assert step["same"], f"{what}: differs from a fresh draw of the same view"


def test_painting_ahead_never_changes_what_the_map_shows(page):
    """The groups of other years are drawn off screen: while they are painted, the map's
    canvas keeps every pixel of the view shown (no project of another year appears)."""
    changed = page.evaluate(
        """async () => { const S = Shinan, P = S.projects, f = P.d.filter;
            const steps = f.steps.map(String);
            S.show(P.key, f.asOf[steps[0]]); T.state('as_of', steps[0]);
            const shown = T.fresh(), ahead = S.counts.ahead, since = performance.now();
            S.layer._aheadLater();
            let frames = 0, differ = 0;
            for (let k = 0; k < 600 && !(S.layer.aheadDoneAt > since); k++) {
                await new Promise((r) => requestAnimationFrame(r));
                frames += 1;
                if (!T.same(T.pixels(), shown)) differ += 1;
            }
            return {differ, frames, painted: S.counts.ahead - ahead}; }"""
    )
    assert changed["painted"] > 0, "nothing was painted ahead"
    assert changed["differ"] == 0, f"the map changed in {changed['differ']} frames"


def test_the_servers_confirmation_draws_nothing_and_places_no_label(browser):
    """The app: a status pill, a layer box and a year step are each drawn once, by the page,
    and the rerun that confirms them draws nothing more and places no label again."""
    from pathlib import Path

    from geo import settings

    root = Path(__file__).resolve().parents[1]
    env = {"PROJECT_MAP_BASEMAP": "none", "PROJECT_MAP_DATA": str(settings.data_path())}
    counts = "() => [Shinan.counts.draws, Shinan.counts.labels, Shinan.state]"
    with serve_app(root / "app.py", env=env) as url:
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        page.route(
            "**/*",
            lambda r: r.continue_() if r.request.url.startswith(url) else r.abort("failed"),
        )
        page.goto(url + "/?presenter=1")
        frame = _map_frame(page)
        page.wait_for_timeout(3000)  # the map reports its view once: let that rerun pass
        page.add_style_tag(content=_REACHABLE_CSS)
        for what, act in _clicks():
            frame.evaluate("() => { window.__before = Shinan.state; }")
            draws, labels, _ = frame.evaluate(counts)
            act(page)
            for _ in range(100):  # the rerun reaches the map (its state replaces the old)
                if frame.evaluate("() => Shinan.state !== window.__before"):
                    break
                page.wait_for_timeout(100)
            else:
                raise AssertionError(f"{what}: the rerun never came")
            page.wait_for_timeout(1000)  # the rest of the rerun
            now_draws, now_labels, _ = frame.evaluate(counts)
            applied = frame.evaluate("() => !!Shinan.lastApply.instant")
            assert applied, f"{what}: the page did not apply the click itself"
            assert now_draws - draws == 1, f"{what}: drawn {now_draws - draws} times"
            assert now_labels - labels <= 1, f"{what}: labels placed {now_labels - labels} times"
        page.close()


#: The sidebar off screen but laid out (presenter mode hides it: its widgets take no input).
_REACHABLE_CSS = """section[data-testid="stSidebar"] {display: block !important;
    position: fixed !important; left: -4000px !important; top: 0 !important;}"""


def _clicks():
    def pill(page):
        page.locator(".st-key-statuses button", has_text="竣工").dispatch_event("click")

    def layer(page):
        page.locator(".st-key-layer_renewal input").dispatch_event("click")

    def as_of(page):
        page.locator(".st-key-mode label[data-testid=stRadioOption]").nth(1).dispatch_event("click")

    def step(page):
        for _ in range(50):  # the slider comes with the rerun of "as of"
            if page.locator(".st-key-as_of input[type=range]").count():
                break
            page.wait_for_timeout(100)
        page.locator(".st-key-as_of input[type=range]").focus()
        page.keyboard.press("ArrowLeft")

    return [("pill off", pill), ("layer off", layer), ("as of", as_of), ("step back", step)]


def _map_frame(page):
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
