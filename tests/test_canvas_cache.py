"""The project canvas's cache, in Chromium: a filter copies what it did not change, and the map
looks, clicks and moves exactly as if every project had been drawn again.

A bare page (``bench/bench_draw.py``: the base map, the browser data, one view; no Streamlit)
shows 1,500 synthetic projects. The canvas caches each layer's areas and lines, and markers,
of one status as its own canvas (``Shinan.layer``); these tests compare its pixels with a
fresh draw and with a draw that caches nothing.
"""

from __future__ import annotations

import pytest

from bench.bench_draw import READY, canvas_page, serve_page, synthetic_frame
from tests.browser_support import find_chromium, launch_chromium

pytestmark = pytest.mark.browser

sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
if find_chromium() is None:
    pytest.skip(
        "Chromium not found: `apt-get install chromium` (make test does it as root)",
        allow_module_level=True,
    )

# In-page helpers: the canvas's pixels, a full draw with the cache dropped, codes with one
# status hidden, and a view applied and drawn.
_HELPERS = """() => {
    const S = Shinan;
    window.T = {
        pixels: () => { const c = S.layer._container;
            return c.getContext('2d').getImageData(0, 0, c.width, c.height).data; },
        fresh: () => { S.layer.dropCache(); S.layer._redraw(); return T.pixels(); },
        hide: (text, status) => Array.from(text, (c) => { const k = c.charCodeAt(0);
            return k !== 46 && ((k - 97) >> 1) === status ? '.' : c; }).join(''),
        show: (text) => { S.show(S.projects.key, text); return T.pixels(); },
        // [pixels that differ at all, pixels more than 2 levels apart, the largest
        // difference], colours weighted by their alpha (what the eye sees: the colour of an
        // almost transparent pixel is rounding noise).
        differ: (a, b) => { let any = 0, n = 0, most = 0;
            for (let i = 0; i < a.length; i += 4) {
                let d = Math.abs(a[i + 3] - b[i + 3]);
                for (let c = 0; c < 3; c++) d = Math.max(d,
                    Math.abs(a[i + c] * a[i + 3] - b[i + c] * b[i + 3]) / 255);
                if (d > 0) any++;
                if (d > 2) n++;
                most = Math.max(most, d); }
            return [any, n, Math.round(most)]; },
    };
}"""


@pytest.fixture(scope="module")
def page():
    html = canvas_page(synthetic_frame(1500, seed=7))
    with serve_page(html) as url, sync_api.sync_playwright() as pw:
        browser = launch_chromium(pw)
        page = browser.new_page(viewport={"width": 1000, "height": 700})
        page.goto(url)
        page.wait_for_function(READY, timeout=120_000, polling=100)
        page.wait_for_timeout(300)  # patterns are made from their loaded tiles a moment later
        page.evaluate(_HELPERS)
        yield page
        browser.close()


def test_a_toggle_off_and_on_looks_exactly_like_a_fresh_draw(page):
    result = page.evaluate(
        """() => { const all = Shinan.projects.text, out = [];
            const first = T.fresh();
            for (let s = 0; s < Shinan.projects.d.statuses.length; s++) {
                const hidden = T.hide(all, s);
                const off = T.show(hidden), offFresh = T.fresh();
                const on = T.show(all);
                out.push([s, T.differ(off, offFresh), T.differ(on, first),
                    T.differ(off, first)[0] > 0]);
            }
            return out; }"""
    )
    for status, off, on, changed in result:
        assert off[0] == 0, f"status {status} hidden: cached view differs from a fresh draw"
        assert on[0] == 0, f"status {status} shown again: differs from the first draw"
        assert changed, f"hiding status {status} changed nothing on the map"


def test_the_cached_map_matches_a_draw_without_cache(page):
    """Copying cached groups composes as drawing them straight onto the map does (source-over
    is associative): at most a rounding step apart, in a tiny share of pixels."""
    _any, n, most, total, painted = page.evaluate(
        """() => { const cached = T.fresh();
            Shinan.layer.options.cache = false;
            const direct = T.fresh();
            Shinan.layer.options.cache = true;
            T.fresh();
            let painted = 0;
            for (let i = 3; i < direct.length; i += 4) if (direct[i]) painted++;
            return [...T.differ(cached, direct), cached.length / 4, painted]; }"""
    )
    assert painted > total * 0.02, "the map drew almost nothing: the comparison would be empty"
    # Measured: 37 of 247,588 painted pixels more than 2 levels apart, at most 24 (edges of
    # half-transparent dashes).
    assert n <= painted * 0.001, f"{n} of {painted} painted pixels differ by more than 2 levels"
    assert most <= 48, f"a pixel differs by {most} levels"


def test_a_toggle_draws_only_the_groups_that_changed(page):
    counts = page.evaluate(
        """() => { const all = Shinan.projects.text, out = {};
            T.fresh(); out.full = Shinan.lastDraw;
            T.show(T.hide(all, 3)); out.off = Shinan.lastDraw;
            T.show(all); out.on = Shinan.lastDraw;
            // One project moved to another status: its old and new groups, nothing else.
            let i = 0; while (all.charCodeAt(i) === 46) i++;
            const k = all.charCodeAt(i) - 97, moved = String.fromCharCode(97 + ((k + 2) % 10));
            T.show(all.slice(0, i) + moved + all.slice(i + 1)); out.moved = Shinan.lastDraw;
            T.show(all);
            return out; }"""
    )
    full, off, on, moved = counts["full"], counts["off"], counts["on"], counts["moved"]
    assert full["drawn"] == full["groups"] > 20
    assert off["drawn"] == 0 and off["groups"] < full["groups"]
    assert on["drawn"] == 0 and on["groups"] == full["groups"]
    assert 1 <= moved["drawn"] <= 4, moved  # its areas/lines and marker groups, old and new


_STACKS = """() => {
    // Marker centres where several projects' markers overlap: the project a click there
    // picks, and the others under it (found by hiding each pick in turn); the pixel there
    // with every project shown, and with each of them shown alone.
    const S = Shinan, P = S.projects, m = S.map, all = P.text, out = [];
    const c = S.layer._container, ctx = c.getContext('2d'), b = S.layer._bounds;
    const only = (j) => '.'.repeat(j) + all[j] + '.'.repeat(P.n - j - 1);
    for (let i = 0; i < P.n && out.length < 25; i++) {
        if (P.codes[i] === 46 || P.ringsOf[i + 1] > P.ringsOf[i]) continue;
        const lp = m.latLngToLayerPoint(P.anchor(i)).round();
        const cp = m.layerPointToContainerPoint(lp), size = m.getSize();
        if (cp.x < 0 || cp.y < 0 || cp.x >= size.x || cp.y >= size.y) continue;
        const at = () => Array.from(ctx.getImageData(lp.x - b.min.x, lp.y - b.min.y, 1, 1).data);
        const stack = []; let text = all, found;
        while ((found = P.hit(m, lp, 0)) && found.mark >= 0 && stack.length < 6) {
            stack.push(found.i);
            text = text.slice(0, found.i) + '.' + text.slice(found.i + 1);
            S.show(P.key, text);
        }
        if (stack.length < 2) { S.show(P.key, all); continue; }
        const alone = stack.map((j) => { S.show(P.key, only(j)); return at(); });
        S.show(P.key, all);
        out.push({full: at(), alone: alone});
    }
    return out; }"""


def test_a_click_picks_the_marker_drawn_on_top(page):
    """Where markers overlap, the map shows the picked marker's own pixel (a symbol is opaque
    where it is drawn), not one of those under it."""
    stacks = page.evaluate(_STACKS)
    # Only where the picked marker covers the pixel alone and looks unlike the next one.
    telling = [s for s in stacks if s["alone"][0][3] == 255 and s["alone"][0] != s["alone"][1]]
    assert len(telling) >= 5, f"too few overlapping markers to check ({len(stacks)} stacks)"
    for s in telling:
        assert s["full"] == s["alone"][0], "the map shows another marker than the one picked"


def test_after_pan_and_zoom_projects_sit_where_leaflet_says(page):
    result = page.evaluate(
        """async () => { const S = Shinan, P = S.projects, m = S.map, out = [];
            const settle = () => new Promise(r => setTimeout(r, 300));
            const c = S.layer._container, ctx = c.getContext('2d');
            const alpha = (ll) => { const p = m.latLngToLayerPoint(ll).round(),
                b = S.layer._bounds;
                return ctx.getImageData(p.x - b.min.x, p.y - b.min.y, 1, 1).data[3]; };
            const points = [];
            for (let i = 0; i < P.n && points.length < 40; i++) {
                if (P.codes[i] !== 46 && P.ringsOf[i + 1] === P.ringsOf[i]) points.push(i); }
            for (const move of [() => m.panBy([300, -120], {animate: false}),
                    () => m.zoomIn(1, {animate: false}), () => m.panBy([-500, 200],
                    {animate: false}), () => m.zoomOut(1.5, {animate: false})]) {
                move(); await settle();
                const size = m.getSize();
                let seen = 0, inView = 0;
                for (const i of points) { const ll = P.anchor(i),
                        cp = m.latLngToContainerPoint(ll);
                    if (cp.x < 5 || cp.y < 5 || cp.x > size.x - 5 || cp.y > size.y - 5) continue;
                    inView++; if (alpha(ll) > 200) seen++; }
                out.push([inView, seen, S.lastDraw.drawn]);
            }
            return out; }"""
    )
    for in_view, seen, _drawn in result:
        assert in_view > 3
        assert seen == in_view, f"{in_view - seen} of {in_view} markers not where Leaflet says"


def test_labels_are_placed_again_only_when_what_they_show_changed(page):
    result = page.evaluate(
        """() => { const S = Shinan, pane = S.map.getPane('shinanLabels');
            const all = S.projects.text;
            S.state = {presenter: true, selected: null, labelZoom: 15};
            S.relabel();
            const first = pane.firstElementChild, placed = pane.childElementCount;
            first.__mark = true;
            S.relabel();  // nothing changed: the same labels stay
            const kept = pane.firstElementChild && pane.firstElementChild.__mark === true;
            S.show(S.projects.key, T.hide(all, 3));  // a status hidden: placed again
            const redone = !(pane.firstElementChild && pane.firstElementChild.__mark);
            S.show(S.projects.key, all);
            S.state = {presenter: false, selected: null, labelZoom: 15};
            S.relabel();
            return [placed, kept, redone, pane.childElementCount]; }"""
    )
    placed, kept, redone, after = result
    assert placed >= 1, "presenter mode placed no label"
    assert kept, "labels were placed again with nothing changed"
    assert redone, "labels stayed after a status was hidden"
    assert after == 0, "labels stayed after leaving presenter mode (below the label zoom)"
