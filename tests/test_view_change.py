"""A new view of the project canvas (a pan past its padding, a zoom), in Chromium: drawn a
slice at a time with the old drawing shown meanwhile, and then what a fresh draw gives.

What a fresh draw gives: where a pan's old and new views overlap, exactly the pixels the
canvas showed before (they are copied); elsewhere, what a fresh draw of the view gives within
Chromium's own rounding. Two fresh draws of the same projects at canvas offsets a whole number
of pixels apart already differ (measured here: 2,800-5,400 of ~435,000 painted pixels by more
than 2 levels, at most 48-72, on the edges of dashes and patterned fills); a strip drawn
clipped differed from the fresh draw by at most 43, a zoom's new view by at most 16. A project
wrongly drawn or left out differs by far more (an opaque marker, dot or outline: ~255).
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

# In-page helpers: the canvas's pixels, a fresh full draw, codes with one status hidden, a
# view change awaited until its drawing is finished, and how many pixels differ.
_HELPERS = """() => {
    const S = Shinan;
    window.T = {
        pixels: () => { const c = S.layer._container;
            return c.getContext('2d').getImageData(0, 0, c.width, c.height).data; },
        fresh: () => { S.layer.dropCache(); S.layer._redraw(); return T.pixels(); },
        hide: (text, status) => Array.from(text, (c) => { const k = c.charCodeAt(0);
            return k !== 46 && ((k - 97) >> 1) === status ? '.' : c; }).join(''),
        done: async () => { while (S.layer.painting()) await new Promise(r => setTimeout(r, 20));
            await new Promise(r => setTimeout(r, 50)); },
        // [pixels more than 2 levels apart, the largest difference], colours weighted by
        // their alpha (what the eye sees), as tests/test_canvas_cache.py compares; only where
        // ``where(x, y)`` (canvas pixels) holds.
        differ: (a, b, w, where) => { let n = 0, most = 0;
            if (a.length !== b.length) return [-1, 255];
            for (let i = 0; i < a.length; i += 4) {
                if (where && !where((i >> 2) % w, Math.floor((i >> 2) / w))) continue;
                let d = Math.abs(a[i + 3] - b[i + 3]);
                for (let c = 0; c < 3; c++) d = Math.max(d,
                    Math.abs(a[i + c] * a[i + 3] - b[i + c] * b[i + 3]) / 255);
                if (d > 2) n++;
                most = Math.max(most, d); }
            return [n, Math.round(most)]; },
        // Change the view, let it draw, then compare with a fresh draw of the same view. At
        // the same zoom, where the two views overlap the canvas must show exactly what it
        // showed before the pan (bytes that differ: ``overlap``); the rest is compared with
        // the fresh draw.
        check: async (move) => { const z = S.map.getZoom(), before = T.pixels(),
                was = S.layer._bounds;
            move(); const during = S.layer.painting(); await T.done();
            const drawn = S.lastDraw, got = T.pixels(), b = S.layer._bounds;
            const w = S.layer._container.width, h = S.layer._container.height;
            const dx = b.min.x - was.min.x, dy = b.min.y - was.min.y;
            const old = (x, y) => x + dx >= 0 && x + dx < w && y + dy >= 0 && y + dy < h;
            let overlap = null;
            if (S.map.getZoom() === z) {
                overlap = 0;
                for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) { if (!old(x, y)) continue;
                    const i = 4 * (y * w + x), j = 4 * ((y + dy) * w + x + dx);
                    for (let c = 0; c < 4; c++) if (got[i + c] !== before[j + c]) overlap++; }
            }
            const fresh = T.fresh();
            return {during: during, slices: drawn.slices, strips: drawn.strips, work: drawn.work,
                overlap: overlap, differ: T.differ(got, fresh, w, overlap === null ? null :
                    (x, y) => !old(x, y)),
                ink: fresh.filter((v, i) => i % 4 === 3 && v).length}; },
    };
}"""


@pytest.fixture(scope="module")
def page():
    html = canvas_page(synthetic_frame(2000, seed=11))
    with serve_page(html) as url, sync_api.sync_playwright() as pw:
        browser = launch_chromium(pw)
        page = browser.new_page(viewport={"width": 900, "height": 650})
        page.goto(url)
        page.wait_for_function(READY, timeout=120_000, polling=100)
        page.wait_for_timeout(300)  # patterns are made from their loaded tiles a moment later
        page.evaluate(_HELPERS)
        page.evaluate("Shinan.layer.options.frameMs = 0.2")  # many slices, even at 2,000
        # Closer in, so that every pan uncovers projects.
        page.evaluate("async () => { Shinan.map.zoomIn(1, {animate: false}); await T.done(); }")
        yield page
        browser.close()


def _like_fresh(got: dict) -> None:
    if got["overlap"] is not None:
        assert got["overlap"] == 0, "the part both views show is not what was shown before"
    n, most = got["differ"]
    assert n <= got["ink"] * 0.02, f"{n} of {got['ink']} painted pixels differ from a fresh draw"
    assert most <= 64, f"a pixel differs from a fresh draw by {most} levels"


MOVES = {
    "pan right past the padding": "m.panBy([400, 0], {animate: false})",
    "pan up and left": "m.panBy([-350, -260], {animate: false})",
    "zoom in": "m.zoomIn(1, {animate: false})",
    "pan after the zoom": "m.panBy([300, 200], {animate: false})",
    "zoom out by 1.5": "m.zoomOut(1.5, {animate: false})",
    "zoom in by half a step": "m.setZoom(m.getZoom() + 0.5, {animate: false})",
}


@pytest.mark.parametrize("name", list(MOVES))
def test_a_new_view_ends_exactly_as_a_fresh_draw(page, name):
    got = page.evaluate(
        f"async () => {{ const m = Shinan.map; return T.check(() => {MOVES[name]}); }}"
    )
    assert got["ink"] > 1000, "too little drawn to tell"
    _like_fresh(got)
    assert got["during"], "the new view was drawn all at once, not in slices"
    assert got["slices"] > 1


def test_a_pan_draws_only_the_strips_it_uncovered(page):
    got = page.evaluate(
        """async () => { const m = Shinan.map, S = Shinan;
            S.layer.options.frameMs = 1000; // one slice: the drawing's own time
            const r = await T.check(() => m.panBy([420, 0], {animate: false}));
            const strip = r.work;
            await T.check(() => m.panBy([-420, 0], {animate: false}));
            m.zoomIn(1, {animate: false}); await T.done(); m.zoomOut(1, {animate: false});
            await T.done(); const whole = S.lastDraw.work; S.layer.options.frameMs = 0.2;
            return {strips: r.strips, strip: strip, whole: whole}; }"""
    )
    assert got["strips"] == 1, "a horizontal pan uncovers one strip"
    assert got["strip"] < got["whole"], "drawing the strip cost as much as the whole view"


def test_a_second_move_while_drawing_ends_as_a_fresh_draw(page):
    got = page.evaluate(
        """async () => { const m = Shinan.map, S = Shinan;
            m.panBy([380, 120], {animate: false});
            const mid = S.layer.painting();
            return Object.assign({mid: mid}, await T.check(() => {
                m.panBy([-200, 330], {animate: false}); m.zoomIn(1, {animate: false}); })); }"""
    )
    assert got["mid"], "the first pan was finished before the second move"
    _like_fresh(got)


def test_a_hidden_status_stays_hidden_after_moves(page):
    got = page.evaluate(
        """async () => { const m = Shinan.map, S = Shinan, all = S.projects.text;
            const hidden = T.hide(all, 3);
            S.show(S.projects.key, hidden);
            const out = [];
            for (const move of [() => m.panBy([400, -200], {animate: false}),
                    () => m.zoomIn(1, {animate: false})]) out.push(await T.check(move));
            S.show(S.projects.key, all);
            const shown = await T.check(() => m.zoomOut(1, {animate: false}));
            return {moves: out, shown: shown, hiddenCount: all.length - hidden.split('')
                .filter((c, i) => c === all[i]).length}; }"""
    )
    assert got["hiddenCount"] > 50
    for move in got["moves"]:
        _like_fresh(move)
    _like_fresh(got["shown"])


def test_clicks_pick_the_project_under_the_pointer_while_and_after_drawing(page):
    """A click on a marker, during a new view's drawing and after it, reaches Leaflet as that
    project (the project hit test reads the arrays, not the half-drawn canvas)."""
    got = page.evaluate(
        """async () => { const S = Shinan, m = S.map, P = S.projects, out = [];
            const ids = [];
            S.layer.on('click', (e) => ids.push(e.sourceTarget.feature.properties.id));
            const lone = () => { const size = m.getSize();
                for (let i = 0; i < P.n; i++) {
                    if (P.codes[i] === 46 || P.ringsOf[i + 1] > P.ringsOf[i]) continue;
                    const p = m.latLngToContainerPoint(P.anchor(i));
                    if (p.x < 40 || p.y < 40 || p.x > size.x - 40 || p.y > size.y - 40) continue;
                    const f = P.hit(m, m.containerPointToLayerPoint(p), 3);
                    if (f && f.i === i) return {i: i, p: p}; }
                return null; };
            const click = (p) => { const r = m.getContainer().getBoundingClientRect();
                const at = {clientX: r.left + p.x, clientY: r.top + p.y, bubbles: true};
                m.getContainer().querySelector('canvas.leaflet-zoom-animated')
                    .dispatchEvent(new MouseEvent('click', at)); };
            m.zoomOut(1, {animate: false});  // the whole view is drawn again, in slices
            let t = lone(); out.push([S.layer.painting(), P.d.id[t.i]]); click(t.p);
            await T.done();
            m.panBy([300, 100], {animate: false}); await T.done();
            t = lone(); out.push([false, P.d.id[t.i]]); click(t.p);
            return {want: out, got: ids}; }"""
    )
    assert got["want"][0][0], "the click was meant to land while the view was drawn"
    assert got["got"] == [want for _, want in got["want"]]
