"""A filter click soon after a new view, in Chromium: before the groups' canvases are all made
(they are filled a slice at a time after a view drawn straight onto the map), or with every
group made at once (a view holding many projects: ``cacheAtOnce``), the map shows exactly what
a fresh draw of the new state shows, in every frame after the click, and clicks on the map
pick the project under the pointer.

A bare page (``bench/bench_draw.py``: no Streamlit) shows 1,500 synthetic projects, as
``tests/test_canvas_cache.py`` does; ``cacheAtOnce`` and ``frameMs`` are set per test so that
the small map behaves as 100,000 projects do (every group made with the first paint) or as a
view whose groups are still being filled.
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

# In-page helpers: the canvas's pixels; a new view drawn as the first paint is (the view
# forgotten), with ``atOnce`` projects or more making every group at once; a fresh draw of
# what is shown; codes with one status hidden; the groups made and still being made.
_HELPERS = """() => {
    const S = Shinan;
    window.T = {
        pixels: () => { const c = S.layer._container;
            return c.getContext('2d').getImageData(0, 0, c.width, c.height).data; },
        newView: (atOnce) => { S.layer.options.cacheAtOnce = atOnce; S.layer.dropCache();
            S.layer._cacheView = null; S.layer._redraw(); return S.lastDraw; },
        fresh: () => { S.layer.dropCache(); S.layer._redraw(); return T.pixels(); },
        hide: (text, status) => Array.from(text, (c) => { const k = c.charCodeAt(0);
            return k !== 46 && ((k - 97) >> 1) === status ? '.' : c; }).join(''),
        groups: () => { const all = S.layer._entries();
            return [all.filter((e) => !e.partial).length, all.filter((e) => e.partial).length]; },
        same: (a, b) => { if (a.length !== b.length) return false;
            for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
            return true; },
        // Pixels more than 2 levels apart and the largest difference, colours weighted by
        // their alpha, as tests/test_canvas_cache.py compares.
        differ: (a, b) => { let n = 0, most = 0;
            for (let i = 0; i < a.length; i += 4) {
                let d = Math.abs(a[i + 3] - b[i + 3]);
                for (let c = 0; c < 3; c++) d = Math.max(d,
                    Math.abs(a[i + c] * a[i + 3] - b[i + c] * b[i + 3]) / 255);
                if (d > 2) n++;
                most = Math.max(most, d); }
            return [n, Math.round(most)]; },
        frames: (n) => new Promise((done) => { const out = [];
            const next = () => { out.push(T.pixels());
                if (out.length < n) requestAnimationFrame(next); else done(out); };
            requestAnimationFrame(next); }),
        wait: (ms) => new Promise((r) => setTimeout(r, ms)),
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
        page.evaluate("() => { Shinan.layer.options.frameMs = 25; }")
        browser.close()


def test_a_view_with_many_projects_makes_every_group_with_its_first_draw(page):
    """Above ``cacheAtOnce`` the first draw leaves every group's canvas made (nothing to fill
    afterwards), looks as a straight draw does within rounding, and a click then draws none."""
    got = page.evaluate(
        """() => { const all = Shinan.projects.text;
            const straight = (T.newView(1e9), T.pixels()), made = T.groups()[0];
            const first = T.newView(0), pixels = T.pixels(), groups = T.groups();
            Shinan.show(Shinan.projects.key, T.hide(all, 3));
            const click = Shinan.lastDraw;
            Shinan.show(Shinan.projects.key, all);
            let painted = 0;
            for (let i = 3; i < straight.length; i += 4) if (straight[i]) painted++;
            return {madeStraight: made, first: first, groups: groups, click: click,
                differ: T.differ(pixels, straight), painted: painted}; }"""
    )
    assert got["madeStraight"] == 0, "a straight draw made group canvases in its own frame"
    assert got["groups"] == [got["first"]["groups"], 0], "not every group was made at once"
    assert got["first"]["groups"] > 20
    assert got["click"]["drawn"] == 0, "a click after the first paint drew groups again"
    n, most = got["differ"]
    # As test_canvas_cache's cached-against-direct comparison: a rounding step, rarely.
    assert n <= got["painted"] * 0.001, f"{n} painted pixels differ by more than 2 levels"
    assert most <= 48


@pytest.mark.parametrize("filled", ["none", "some"])
def test_a_click_before_the_groups_are_full_shows_what_a_fresh_draw_shows(page, filled):
    """Straight after a view drawn without its groups, or with some of them made and one half
    made, every status hidden shows exactly what a fresh draw of that state shows, in the
    click's frame and every frame after it."""
    got = page.evaluate(
        """async (filled) => { const S = Shinan, all = S.projects.text, out = [];
            for (let s = 0; s < S.projects.d.statuses.length; s++) {
                const hidden = T.hide(all, s);
                if (hidden === all) continue;
                S.layer.options.frameMs = filled === 'some' ? 0.3 : 25;
                T.newView(1e9);
                let state = T.groups();
                // A few slices of the fill: some groups made, the next one half drawn.
                for (let k = 0; filled === 'some' && k < 200 && !(state[0] >= 2 && state[1]);
                        k++) { await T.wait(0); state = T.groups(); }
                S.layer.options.frameMs = 25;
                S.show(S.projects.key, hidden);
                const drawn = S.lastDraw.drawn, now = T.pixels();
                const later = await T.frames(4);
                await T.wait(150);
                later.push(T.pixels());
                const fresh = T.fresh();
                out.push({s: s, state: state, drawn: drawn, same: T.same(now, fresh),
                    later: later.map((p) => T.same(p, fresh)), changed: !T.same(fresh,
                    (S.show(S.projects.key, all), T.fresh()))});
            }
            S.show(S.projects.key, all);
            return out; }""",
        filled,
    )
    assert len(got) >= 4
    for r in got:
        made, half = r["state"]
        if filled == "none":
            assert made == 0 and half == 0, r["state"]
        else:
            assert made >= 2 and half == 1, f"status {r['s']}: the fill was not caught midway"
        assert r["drawn"] >= 1, "the click found every group made: nothing was tested"
        assert r["changed"], f"hiding status {r['s']} changed nothing on the map"
        assert r["same"], f"status {r['s']} hidden: the click's picture is not a fresh draw's"
        assert all(r["later"]), f"status {r['s']} hidden: a later frame differs from it"


def test_a_click_on_the_map_before_the_groups_are_full_picks_the_project(page):
    """Right after a new view and a status hidden, a click on a shown marker reaches Leaflet
    as that project, and a click where a hidden project's marker was picks not it."""
    got = page.evaluate(
        """async () => { const S = Shinan, m = S.map, P = S.projects, all = P.text;
            const ids = [], size = m.getSize();
            const onClick = (e) => ids.push(e.sourceTarget.feature.properties.id);
            S.layer.on('click', onClick);
            const lone = (ok) => { for (let i = 0; i < P.n; i++) {
                    if (!ok(i) || P.ringsOf[i + 1] > P.ringsOf[i]) continue;
                    const p = m.latLngToContainerPoint(P.anchor(i));
                    if (p.x < 40 || p.y < 40 || p.x > size.x - 40 || p.y > size.y - 40) continue;
                    const f = P.hit(m, m.containerPointToLayerPoint(p), 3);
                    if (f && f.i === i) return {i: i, p: p}; }
                return null; };
            const click = (p) => { const r = m.getContainer().getBoundingClientRect();
                const at = {clientX: r.left + p.x, clientY: r.top + p.y, bubbles: true};
                m.getContainer().querySelector('canvas.leaflet-zoom-animated')
                    .dispatchEvent(new MouseEvent('click', at)); };
            const status = (i) => (P.codes[i] - 97) >> 1;
            // A marker of status 3, alone under its point, that will be hidden.
            const gone = lone((i) => P.codes[i] !== 46 && status(i) === 3);
            T.newView(1e9);
            S.show(P.key, T.hide(all, 3));
            const kept = lone((i) => P.codes[i] !== 46);
            click(kept.p);
            click(gone.p);
            await T.wait(50);
            S.layer.off('click', onClick);
            S.show(P.key, all);
            return {want: P.d.id[kept.i], hidden: P.d.id[gone.i], got: ids,
                groups: S.lastDraw.groups}; }"""
    )
    assert got["got"][0] == got["want"], "the click picked another project than the one shown"
    assert got["hidden"] not in got["got"], "a click picked a project whose status is hidden"


def test_a_zoom_with_many_projects_ends_with_every_group_made(page):
    """Above ``cacheAtOnce`` a zoom's new view (out: every group's canvas fits the cache's
    budget) is drawn into the groups' canvases a slice at a
    time (the old drawing shown meanwhile); when it is finished every group is made, the map
    looks as a fresh draw does, and a filter click then draws no group."""
    got = page.evaluate(
        """async () => { const S = Shinan, m = S.map, all = S.projects.text;
            S.layer.options.cacheAtOnce = 0;
            S.layer.options.frameMs = 2;
            m.zoomOut(1, {animate: false});
            const sliced = S.layer.painting();
            while (S.layer.painting()) await T.wait(5);
            S.layer.options.frameMs = 25;
            const made = T.groups(), drawn = S.lastDraw, view = T.pixels();
            S.show(S.projects.key, T.hide(all, 2));
            const click = S.lastDraw.drawn, off = T.pixels(), offFresh = T.fresh();
            S.show(S.projects.key, all);
            const fresh = T.fresh();
            m.zoomIn(1, {animate: false});
            while (S.layer.painting()) await T.wait(5);
            S.layer.options.cacheAtOnce = 20000;
            return {sliced: sliced, made: made, groups: drawn.groups, slices: drawn.slices,
                click: click, off: T.same(off, offFresh), view: T.differ(view, fresh)}; }"""
    )
    assert got["sliced"] and got["slices"] > 3, "the zoom was not drawn a slice at a time"
    assert got["made"] == [got["groups"], 0] and got["groups"] > 20, got["made"]
    assert got["click"] == 0, "a click after the zoom drew groups again"
    assert got["off"], "a status hidden after the zoom differs from a fresh draw"
    assert got["view"][0] == 0, f"the zoomed view differs from a fresh draw: {got['view']}"


def test_a_click_while_a_zoom_is_drawn_keeps_the_old_view_without_what_it_hides(page):
    """A filter click halfway through a zoom's drawing (some groups drawn) shows at once the old
    view's groups, scaled, leaving out every group holding a project the filter changed; the
    new view's groups drawn already are kept, the rest drawn in slices, and the view ends as a
    fresh draw of the new state, exactly."""
    got = page.evaluate(
        """async () => { const S = Shinan, m = S.map, all = S.projects.text;
            S.layer.options.cacheAtOnce = 0;
            T.newView(0);  // the old view's groups all made, as at the first paint
            S.layer.options.frameMs = 0.3;
            m.zoomOut(1, {animate: false});
            let state = T.groups();
            for (let k = 0; k < 400 && !(state[0] >= 2 && state[1]); k++) {
                await T.wait(0); state = T.groups(); }
            S.layer.options.frameMs = 25;
            const painting = S.layer.painting(), it = S.layer._interim;
            // Which of the old view's canvases the click copies.
            const ctx = S.layer._ctx, copy = ctx.drawImage, copied = [];
            ctx.drawImage = function (src) {
                copied.push(src); return copy.apply(this, arguments); };
            const hidden = T.hide(all, 1);
            S.show(S.projects.key, hidden);
            ctx.drawImage = copy;
            const click = S.lastDraw, busy = S.layer.painting();
            const entries = it ? it.entries.filter((e) => copied.includes(e.canvas)) : [];
            const shown = (e) => e.members.every(
                (x) => hidden.charCodeAt(x >> 4) === 97 + (x & 15));
            while (S.layer.painting()) await T.wait(5);
            const done = S.lastDraw, end = T.pixels(), fresh = T.fresh();
            // Everything hidden while the zoom is drawn: nothing may show in any frame.
            T.newView(0);
            S.layer.options.frameMs = 0.3;
            m.zoomIn(1, {animate: false});
            for (let k = 0; k < 400 && T.groups()[0] < 2; k++) await T.wait(0);
            S.layer.options.frameMs = 25;
            const none = '.'.repeat(all.length), frames = [];
            S.show(S.projects.key, none);
            frames.push(T.pixels());
            frames.push(...await T.frames(3));
            const blank = frames.map((p) => p.every((v, i) => (i & 3) !== 3 || v === 0));
            while (S.layer.painting()) await T.wait(5);
            S.show(S.projects.key, all);
            T.fresh();
            S.layer.options.cacheAtOnce = 20000;
            return {state: state, painting: painting, interim: click.interim, busy: busy,
                old: it ? it.entries.length : 0, copied: entries.length,
                wrong: entries.filter((e) => !shown(e)).length, drawn: done.drawn,
                groups: done.groups, same: T.same(end, fresh), blank: blank}; }"""
    )
    assert got["painting"], "the click was meant to land while the zoom was drawn"
    made, unfinished = got["state"]  # every group's canvas is made first, then drawn in turn
    assert made >= 2 and unfinished >= 1, got["state"]
    assert got["interim"] and got["busy"], "the click did not show the old view meanwhile"
    assert 0 < got["copied"] < got["old"], "the click copied none, or all, of the old groups"
    assert got["wrong"] == 0, "the click copied an old group holding a project now hidden"
    assert got["drawn"] < got["groups"], "the groups drawn before the click were drawn again"
    assert got["same"], "after the click the zoomed view is not a fresh draw's"
    assert all(got["blank"]), "with every status hidden, a frame showed a project"


@pytest.mark.parametrize("when", ["strips", "fill"])
def test_a_click_while_a_pan_is_completed_shows_what_a_fresh_draw_shows(page, when):
    """After a pan past the padding (the strips it uncovered drawn in slices, then the groups
    filled), a click meanwhile shows the old view's groups without what it hides, then ends as
    a fresh draw of the new state; with every status hidden no frame shows a project."""
    got = page.evaluate(
        """async (when) => { const S = Shinan, m = S.map, all = S.projects.text, out = [];
            // Zoomed in (the projects reach beyond the canvas), every group's canvas kept.
            S.layer.options.cacheAtOnce = 0;
            S.layer.options.cachePixels = 200e6;
            m.setZoom(m.getZoom() + 1, {animate: false});
            for (const text of [T.hide(all, 2), '.'.repeat(all.length)]) {
                T.newView(0);
                S.layer.options.frameMs = 0.3;
                m.panBy([Math.round(m.getSize().x / 2), 0], {animate: false});
                if (when === 'fill') {
                    while (S.layer.painting()) await T.wait(0);
                    for (let k = 0; k < 400 && T.groups()[0] < 2; k++) await T.wait(0);
                }
                S.layer.options.frameMs = 25;
                const during = when === 'fill' ? T.groups()[0] > 0 && !S.layer.cacheFullAt
                    : S.layer.painting();
                S.show(S.projects.key, text);
                const interim = !!S.lastDraw.interim, frames = [T.pixels()];
                frames.push(...await T.frames(3));
                while (S.layer.painting()) await T.wait(5);
                const end = T.pixels(), fresh = T.fresh();
                const blank = frames.map((p) => p.every((v, i) => (i & 3) !== 3 || v === 0));
                out.push({during: during, interim: interim, same: T.same(end, fresh),
                    blank: blank});
                S.show(S.projects.key, all);
                m.panBy([-Math.round(m.getSize().x / 2), 0], {animate: false});
                while (S.layer.painting()) await T.wait(5);
            }
            S.layer.options.cacheAtOnce = 20000;
            S.layer.options.cachePixels = 0;
            m.setZoom(m.getZoom() - 1, {animate: false});
            while (S.layer.painting()) await T.wait(5);
            T.fresh();
            return out; }""",
        when,
    )
    one, none = got
    for r in got:
        assert r["during"], f"the click was meant to land during the pan's {when}"
        assert r["same"], "the view after the click is not a fresh draw's"
    # (Nothing shown is drawn at once: there is nothing to draw.)
    assert one["interim"], "the click did not keep the old view meanwhile"
    assert not any(one["blank"]), "with one status hidden the map showed nothing"
    assert all(none["blank"]), "with every status hidden, a frame showed a project"


def test_a_click_after_two_quick_view_changes_keeps_the_first_view(page):
    """A pan, then a zoom before the pan's view is completed (as a resize then a zoom after the
    first paint): a click meanwhile still shows the last completed view's groups, moved and
    scaled, without what it hides, and ends as a fresh draw."""
    got = page.evaluate(
        """async () => { const S = Shinan, m = S.map, all = S.projects.text, out = [];
            S.layer.options.cacheAtOnce = 0;
            S.layer.options.cachePixels = 200e6;
            m.setZoom(m.getZoom() + 1, {animate: false});
            for (const text of [T.hide(all, 2), '.'.repeat(all.length)]) {
                T.newView(0);
                S.layer.options.frameMs = 0.3;
                m.panBy([-Math.round(m.getSize().x / 2), 0], {animate: false});
                m.setZoom(m.getZoom() - 0.5, {animate: false});
                const during = S.layer.painting(), carried = !!S.layer._interim;
                S.layer.options.frameMs = 25;
                S.show(S.projects.key, text);
                const interim = !!S.lastDraw.interim, frames = [T.pixels()];
                frames.push(...await T.frames(2));
                while (S.layer.painting()) await T.wait(5);
                const end = T.pixels(), fresh = T.fresh();
                out.push({during: during, carried: carried, interim: interim,
                    same: T.same(end, fresh), blank: frames.map((p) => p.every(
                        (v, i) => (i & 3) !== 3 || v === 0))});
                S.show(S.projects.key, all);
                m.setZoom(m.getZoom() + 0.5, {animate: false});
                m.panBy([Math.round(m.getSize().x / 2), 0], {animate: false});
                while (S.layer.painting()) await T.wait(5);
            }
            S.layer.options.cacheAtOnce = 20000;
            S.layer.options.cachePixels = 0;
            m.setZoom(m.getZoom() - 1, {animate: false});
            while (S.layer.painting()) await T.wait(5);
            T.fresh();
            return out; }"""
    )
    one, none = got
    for r in got:
        assert r["during"] and r["carried"], "the zoom did not carry the first view's groups"
        assert r["same"], "the view after the click is not a fresh draw's"
    assert one["interim"], "the click did not keep the first view meanwhile"
    assert not any(one["blank"]), "with one status hidden the map showed nothing"
    assert all(none["blank"]), "with every status hidden, a frame showed a project"
