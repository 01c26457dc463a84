"""How the page fits the screen: the map takes the height the window leaves, in every mode.

The map's iframe gets its height from the window, not a fixed number: a small script measures
where the map starts on the page and sets ``--shinan-map-h`` to the rest of the window height
(at least 320 px); CSS applies it to the iframe and to the side panel. The rows above the map
have fixed heights, so starting or stopping playback moves nothing. Only the main map (in the
``map_area`` container) is sized so; the smaller maps of the data panel keep their own height.
"""

from __future__ import annotations

from geo.html import escape_html as esc
from geo.scenes import Scene
from geo.view import ViewState
from i18n import t

_BASE_CSS = """
<style>
.st-key-map_area iframe[title="streamlit_folium.st_folium"] {
  height: var(--shinan-map-h, 560px) !important; min-height: 320px; display: block;}
.st-key-side_panel {max-height: var(--shinan-map-h, 560px); overflow-y: auto;
  padding-right: 4px;}
.block-container, div[data-testid="stMainBlockContainer"] {
  padding-top: 3.2rem; padding-bottom: 1rem;}
div[data-testid="stHeading"] h4 {padding: 0 0 .2rem 0;}
.st-key-controls button p {white-space: nowrap; overflow: hidden; text-overflow: ellipsis;}
.st-key-controls div[data-testid="stHorizontalBlock"] {gap: .4rem; align-items: end;}
div[data-testid="stLayoutWrapper"]:has(> .st-key-notice_area:empty),
div[data-testid="stLayoutWrapper"]:has(> .st-key-caption_area:empty) {display: none;}
div[data-testid="stElementContainer"]:has(> div[data-testid="stHtml"] > style:first-child),
div[data-testid="stElementContainer"]:has(> div[data-testid="stHtml"] > script:first-child) {
  display: none;}
</style>
"""

#: Presenter mode: no sidebar, header or toolbar; the map takes the width of the screen.
_PRESENTER_CSS = """
<style>
section[data-testid="stSidebar"], header[data-testid="stHeader"],
div[data-testid="stToolbar"], div[data-testid="stSidebarCollapsedControl"],
button[data-testid="stExpandSidebarButton"] {display: none;}
.block-container, div[data-testid="stMainBlockContainer"] {
  padding-top: .5rem; padding-bottom: 0; padding-left: 1rem; padding-right: 1rem;
  max-width: 100%;}
div[data-testid="stLayoutWrapper"]:has(> .st-key-counts_area),
div[data-testid="stLayoutWrapper"]:has(> .st-key-heading_area) {display: none;}
</style>
"""

# Measures where the map starts and gives it the rest of the window. Fixed code, no data.
# The page scrolls inside Streamlit's main container, not the window: the map's top is taken
# as it is with the page scrolled to the top (adding back every ancestor's scroll). Measured
# on screen instead, scrolling down made the map taller, which pushed the panels below it
# further down, without end: buttons there moved away from under the pointer.
_FIT_JS = """
<script>
(function () {
  const root = window.parent && window.parent.document ? window.parent : window;
  if (root.__shinanFit) return;
  root.__shinanFit = true;
  const doc = root.document;
  function fit() {
    const frame = doc.querySelector(
      '.st-key-map_area iframe[title="streamlit_folium.st_folium"]');
    if (!frame) return;
    let top = frame.getBoundingClientRect().top + root.scrollY;
    for (let up = frame.parentElement; up; up = up.parentElement) top += up.scrollTop;
    const height = Math.max(320, Math.floor(root.innerHeight - top - 10));
    const value = height + "px";
    if (doc.documentElement.style.getPropertyValue("--shinan-map-h") !== value) {
      doc.documentElement.style.setProperty("--shinan-map-h", value);
    }
  }
  // The map calls this before its first draw (its frame may not have been sized yet).
  root.__shinanFitNow = fit;
  root.addEventListener("resize", fit);
  setInterval(fit, 250);
  fit();
})();
</script>
"""


def page_css(*, presenter: bool) -> str:
    """The page's CSS and the script that sizes the map to the window."""
    return _BASE_CSS + (_PRESENTER_CSS if presenter else "") + _FIT_JS


def scene_title(scene: Scene, lang: str) -> str:
    """A scene's title in ``lang``; a scene titled in one language only shows that one."""
    zh, en = scene.title_zh.strip(), scene.title_en.strip()
    if lang == "en":
        return en or zh
    if lang == "both" and zh and en:
        return f"{zh} · {en}"
    return zh or en


def scene_caption(scene: Scene, lang: str) -> str:
    zh, en = scene.caption_zh.strip(), scene.caption_en.strip()
    if lang == "en":
        return en or zh
    if lang == "both" and zh and en:
        return f"{zh} / {en}"
    return zh or en


def presenter_heading(scene: Scene | None, view: ViewState) -> str:
    """The title and caption over the map, in a box of fixed height (two caption lines).

    Without a scene, presenter mode shows the map's own title.
    """
    lang = view.lang
    if scene is None:
        title, caption, scene_id = t("app.heading", lang), t("app.subtitle", lang), ""
    else:
        title, caption, scene_id = scene_title(scene, lang), scene_caption(scene, lang), scene.id
    size = 1.45 if view.presenter else 1.05
    return (
        f'<div data-testid="scene-caption" data-scene="{esc(scene_id)}" '
        f'style="height:{size * 1.3 + size * 0.72 * 2.7:.2f}rem;overflow:hidden">'
        f'<div style="font-size:{size}rem;font-weight:600;line-height:1.3;white-space:nowrap;'
        f'overflow:hidden;text-overflow:ellipsis">{esc(title)}</div>'
        f'<div style="font-size:{size * 0.72:.2f}rem;color:#444;line-height:1.35;'
        "display:-webkit-box;-webkit-line-clamp:2;-webkit-box-orient:vertical;"
        f'overflow:hidden">{esc(caption)}</div></div>'
    )
