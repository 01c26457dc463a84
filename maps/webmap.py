"""The Leaflet (folium) map: a base map that never changes, and groups that carry the data.

streamlit-folium remounts the map (flash, zoom reset) whenever the base map's script changes,
so everything that follows a filter, a language, presenter mode or a basemap choice goes into
feature groups handed to ``st_folium(feature_group_to_add=...)``; the base map itself is the
same on every rerun. Its browser side (``webmap.js``) places labels and holds the boxes drawn
inside the map (legend, year). Symbols come from ``layers.symbols``. The same pieces build a
standalone HTML map (:func:`standalone_map`).
"""

from __future__ import annotations

import functools
import hashlib
import itertools
import json
import math
import urllib.parse
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from branca.element import Element, MacroElement, Template
from folium.elements import ElementAddToElement, JSCSSMixin

from geo import settings
from geo.coords import to_gcj02
from geo.filter import split_by_placement
from geo.html import escape_html
from i18n import t
from layers import LAYERS, STATUS_STYLES, LayerSpec
from layers.palette import BACKGROUND, BOUNDARY_STYLE
from layers.symbols import PATTERN_TILES, defs_svg, symbol_for
from maps.browserdata import (
    HIGHLIGHT_STYLE,
    BrowserData,
    data_script,
    layer_symbols,
    prune,
    publish,
    view_codes,
)

#: Coordinates sent to the browser are rounded to this grid (degrees, about 1 m).
BROWSER_GRID = 1e-5
SELECTION_STYLE = {"color": "#000000", "weight": 6, "opacity": 0.9, "fillOpacity": 0.0}
#: Zoom from which every project is labelled (presenter mode labels at every zoom).
LABEL_ZOOM = 15
_DECIMALS = round(-math.log10(BROWSER_GRID))
#: Projects kept in browser form before the memo is emptied (about 6 KB each: 60 MB per 10,000).
_MEMO_LIMIT = 30_000
#: What a project's browser form is made of: its memo key (then the geometry's WKB, gcj02, lang).
_KEY_FIELDS = (
    "id",
    "layer",
    "status",
    "status_is_target",
    "name_zh",
    "name_en",
    "location_precision",
)
_FEATURE_MEMO: dict[tuple, tuple[dict[str, Any], str]] = {}
# JSON in a <script> must not close the tag ("</") or open an HTML comment ("<!--"); U+2028/9
# end a line in older JavaScript. Escaping only these keeps the tooltip markup short.
_SCRIPT_SAFE = str.maketrans({"\u2028": "\\u2028", "\u2029": "\\u2029"})
_CLIENT_JS = (Path(__file__).with_name("webmap.js")).read_text(encoding="utf-8")
# The base map's script is part of every rerun's message (~40 KB of the ~75 KB a new filter
# state sent): send it without comment lines and indentation. Only whole comment lines go, so
# a "//" inside a string (an SVG namespace) is left alone.
_CLIENT_JS = "\n".join(
    line.strip()
    for line in _CLIENT_JS.splitlines()
    if line.strip() and not line.strip().startswith("//")
)
# The map's browser side is one function of the map, called with it (see client_script).
_CLIENT_CALL = "})(__MAP__);"
#: Versions of the map's browser side kept as files (:func:`write_client_file`), for servers of
#: other app versions sharing the folder and pages opened before an update.
CLIENT_FILES_KEPT = 8
#: Labels sort by rank: areas and lines first, then located points, schematic last.
_RANK = {"area": 0, "point": 1, "schematic": 2}

#: The map's own look, fixed (the base map never changes). ``.shinan-presenter`` is set on
#: the map by the view state for a projector.
_MAP_CSS = f"""<style>
html, body {{margin: 0; padding: 0}}
#map_div, .folium-map {{height: 100vh !important}}
.leaflet-container {{background: {BACKGROUND["sea"]}; font-family: "Noto Sans CJK SC",
  "Source Han Sans SC", "Microsoft YaHei", sans-serif}}
.shinan-marker {{background: none; border: none}}
.shinan-marker svg {{display: block; overflow: visible}}
.shinan-label {{position: absolute; white-space: nowrap; font-size: 12px; line-height: 1.25;
  color: #111; padding: 0 3px; border-radius: 2px; background: rgba(255,255,255,.78);
  pointer-events: none}}
.shinan-label.schematic {{color: #555; font-style: italic}}
.shinan-label.selected {{font-weight: 700; background: #fff; outline: 2px solid #111}}
.shinan-presenter .shinan-label {{font-size: 16px}}
.shinan-place {{background: none; border: none; white-space: nowrap; pointer-events: none;
  font-size: 12px; color: {BACKGROUND["land_label"]}; text-shadow: 0 0 3px #fff, 0 0 3px #fff;
  transform: translate(-50%, -50%); display: inline-block}}
.shinan-place.district {{font-size: 15px; letter-spacing: 2px; font-weight: 600}}
.shinan-place.water {{color: {BACKGROUND["water_label"]}; font-style: italic;
  text-shadow: 0 0 3px {BACKGROUND["sea"]}}}
.shinan-place.landmark::before {{content: "\\25C6 "; font-size: 8px}}
.shinan-box {{background: rgba(255,255,255,.94); border-radius: 4px; padding: 5px 8px;
  box-shadow: 0 1px 4px rgba(0,0,0,.3); font-size: 12px; line-height: 1.35; color: #111}}
.shinan-legend table {{border-collapse: collapse}}
.shinan-legend summary {{cursor: pointer}}
.shinan-legend td, .shinan-legend th {{padding: 1px 3px; text-align: center; font-weight: 400}}
.shinan-legend td.name {{text-align: left; white-space: nowrap}}
.shinan-legend th {{font-size: 11px; color: #333; white-space: nowrap}}
.shinan-legend .note {{display: flex; align-items: center; gap: 5px; white-space: nowrap}}
.shinan-legend [hidden] {{display: none}}
.shinan-time {{font-size: 20px; font-weight: 700; padding: 3px 10px}}
.shinan-time small {{display: block; font-size: 11px; font-weight: 400; color: #444}}
.shinan-presenter .shinan-time {{font-size: 30px}}
.shinan-presenter .shinan-time small {{font-size: 14px}}
.shinan-presenter .shinan-legend {{font-size: 15px}}
.shinan-presenter .shinan-legend th {{font-size: 13px}}
.shinan-presenter .leaflet-tooltip {{font-size: 18px; line-height: 1.35}}
.shinan-presenter .leaflet-control-scale-line {{font-size: 15px}}
.shinan-tile-notice {{position: absolute; top: 84px; left: 10px; max-width: 40%;
  z-index: 1000; background: #fff4e5; border: 1px solid #e69f00; border-radius: 4px;
  padding: 3px 8px; font-size: 12px; pointer-events: none}}
.shinan-data-notice {{top: 130px}}
.leaflet-control-attribution {{max-width: 45vw; white-space: nowrap; overflow: hidden;
  text-overflow: ellipsis; font-size: 10px}}
</style>"""


class MetricScale(MacroElement):
    """Leaflet's scale bar in metres only, bottom left (the attribution is bottom right)."""

    _template = Template(
        """
{% macro script(this, kwargs) %}
L.control.scale({imperial: false, maxWidth: 160, position: "bottomleft"})
    .addTo({{ this._parent.get_name() }});
{% endmacro %}
"""
    )


class _RawText(Element):
    """Text put into the page as it is, never compiled as a Jinja template.

    branca compiles every rendered script and every ``Element`` string as a template: for
    project data that lexes megabytes on each rerun, and a ``{{ ... }}`` or ``{%`` in a name
    would run as template code or crash the render.
    """

    _template = Template("{{ this.text }}")

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text


class _Script(MacroElement):
    """Fixed JavaScript run with ``__MAP__`` (the map) and ``__PARENT__`` (its parent) named.

    The names are filled in when the script is written out, because folium and
    streamlit-folium rename elements on the way. The code is never compiled as a template.
    """

    _template = Template("{% macro script(this, kwargs) %}{{ this.resolved }}{% endmacro %}")

    def __init__(self, code: str) -> None:
        super().__init__()
        self.code = code

    @property
    def resolved(self) -> str:
        parent = self._parent
        root = parent
        while not isinstance(root, folium.Map) and getattr(root, "_parent", None) is not None:
            root = root._parent
        code = self.code.replace("__PARENT__", parent.get_name())
        return code.replace("__MAP__", root.get_name())

    def render(self, **kwargs) -> None:
        self.get_root().script.add_child(_RawText(self.resolved), name=self.get_name())


class _MapClient(JSCSSMixin, _Script):
    """The browser side of the map (``webmap.js``): panes, patterns, boxes, labels.

    With ``url`` (:func:`write_client_file`'s file, served by the app) the map's frame loads
    it as a file, after Leaflet, and the base map's script only installs it: the ~40 KB are
    no longer part of every rerun's message, and a browser that has the file keeps it. A
    small guard loaded first shows ``failed`` inside the map when the file cannot be loaded
    (streamlit-folium would otherwise leave the frame blank); :func:`base_map` loads it before
    Leaflet. Without ``url`` the code is inline, as a standalone HTML map needs.
    """

    def __init__(self, url: str | None = None, *, failed: str = "") -> None:
        if url is None:
            super().__init__(_client_code())
            self.default_js = []
        else:
            super().__init__("window.__shinanClient(__MAP__);")
            self.default_js = [("shinan_client", url)]
        self.default_css = []


def _client_code() -> str:
    """``webmap.js`` with its constants: the symbols' SVG definitions and the district's view
    (the base map's centre and zoom, which the client turns into a fit of the district's
    bounds to the frame)."""
    xmin, ymin, xmax, ymax = settings.DISTRICT_BOUNDS
    home = {
        "center": list(settings.DEFAULT_CENTER),
        "zoom": settings.DEFAULT_ZOOM,
        "bounds": [[ymin, xmin], [ymax, xmax]],
    }
    return _CLIENT_JS.replace("__DEFS__", json.dumps(defs_svg())).replace(
        "__HOME__", json.dumps(home)
    )


def client_script() -> str:
    """``webmap.js`` as the file the map's frame loads (:func:`write_client_file`): it defines
    ``window.__shinanClient(map)``, which the base map's script calls with the map."""
    code = _client_code().rstrip()
    if not code.endswith(_CLIENT_CALL):
        raise ValueError(f"maps/webmap.js must end with {_CLIENT_CALL!r}: it is one function")
    return f"window.__shinanClient = {code.removesuffix('(__MAP__);')};\n"


def client_file_name() -> str:
    """``webmap.<hash>.js``: the name changes with the text, so a new app version is a new file
    and no browser runs an old copy from its cache."""
    digest = hashlib.sha256(client_script().encode()).hexdigest()[:16]
    return f"webmap.{digest}.js"


def write_client_file(folder: Path) -> Path:
    """:func:`client_script` as ``folder/webmap.<hash>.js``, written once (then marked used);
    the least recently used beyond :data:`CLIENT_FILES_KEPT` are removed. Raises OSError when
    the folder cannot be written."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / client_file_name()
    body = client_script().encode()
    if publish(path, lambda: body, size=len(body)):
        prune(folder, "webmap.*.js", keep=CLIENT_FILES_KEPT)
    return path


def _guard_url(url: str, failed: str) -> str:
    """A script (as a ``data:`` URL: it cannot fail to load) that starts fetching ``url`` and
    shows ``failed`` and the file's address inside the map when that script does not load."""
    code = (
        "(function (u, m) { var l = document.createElement('link');"
        "l.rel = 'preload'; l.as = 'script'; l.href = u; document.head.appendChild(l);"
        "window.addEventListener('error', function (e) {"
        "var s = e.target; if (!s || s.tagName !== 'SCRIPT' || s.src.indexOf(u) < 0) return;"
        "var box = document.getElementById('map_div') || document.body;"
        "var n = document.createElement('div'); n.setAttribute('data-testid', 'client-notice');"
        "n.style.cssText = 'margin:12px;padding:6px 10px;background:#fff4e5;"
        "border:1px solid #e69f00;border-radius:4px;font:14px sans-serif';"
        "n.textContent = m + ' (' + u + ')'; box.appendChild(n);"
        "if (window.Streamlit) window.Streamlit.setFrameHeight(box.offsetHeight || 200);"
        f"}}, true); }})({json.dumps(url)}, {json.dumps(failed, ensure_ascii=False)});"
    )
    return "data:text/javascript;charset=utf-8," + urllib.parse.quote(code)


class ProjectGeoJson(folium.GeoJson):
    """One layer's projects as one Leaflet GeoJSON layer, cheap to rebuild on every rerun.

    ``folium.GeoJson`` maps a style to every feature id, serialises the data twice and then
    compiles the script as a template: seconds per rerun at 10,000 features. This takes the
    features already in browser form (:func:`_browser_features`), embeds their JSON as it is,
    looks the symbol up in the browser by status, target and precision, and adds its script
    with :class:`_RawText`. Points become markers in the layer's shape; areas and lines also get
    a small marker of that shape (where their label goes). ``.data`` holds the features (shared
    with the memo: do not mutate them), so folium's ``GeoJsonTooltip`` and streamlit-folium's
    click handling work as with ``folium.GeoJson``. Written against folium 0.20.
    """

    _template = Template(
        """
{% macro script(this, kwargs) %}
var {{ this.get_name() }}_sym = {{ this.symbols|tojson }};
function {{ this.get_name() }}_of(p) {
    return {{ this.get_name() }}_sym[p.status + "|" + (p.target ? 1 : 0) + "|" + (p.s ? 1 : 0)];
}
var {{ this.get_name() }} = L.geoJson(null, {
    style: function (feature) { return {{ this.get_name() }}_of(feature.properties).style; },
    pointToLayer: function (feature, latlng) {
        return Shinan.marker(latlng, {{ this.get_name() }}_of(feature.properties), false);
    },
    onEachFeature: function (feature, layer) {
        if (feature.geometry.type !== "Point" && feature.properties.la) {
            var anchor = Shinan.marker(
                feature.properties.la, {{ this.get_name() }}_of(feature.properties), true);
            anchor.feature = feature;
            setTimeout(function () { {{ this.get_name() }}.addLayer(anchor); }, 0);
        }
        layer.on({
            mouseover: function (e) {
                if (typeof e.target.setStyle === "function") {
                    e.target.setStyle({{ this.highlight_style|tojson }});
                }
            },
            mouseout: function (e) {
                if (typeof e.target.setStyle === "function") {
                    {{ this.get_name() }}.resetStyle(e.target);
                }
            },
        });
    },
});
{{ this.get_name() }}.addData({{ this.data_json }});
{% endmacro %}
"""
    )

    def __init__(self, features: list[tuple[dict[str, Any], str]], spec: LayerSpec) -> None:
        super().__init__({"type": "FeatureCollection", "features": [f for f, _ in features]})
        joined = ", ".join(text for _, text in features)
        self.data_json = f'{{"type": "FeatureCollection", "features": [{joined}]}}'
        table = layer_symbols(spec.id)
        # Only the symbols these features use: the full table is ~16 KB a layer per update.
        used = {
            f"{p['status']}|{int(bool(p['target']))}|{int(bool(p['s']))}"
            for p in (feature["properties"] for feature, _ in features)
        }
        self.symbols = {key: table[key] for key in sorted(used)}
        self.highlight_style = HIGHLIGHT_STYLE
        self.add_child(folium.GeoJsonTooltip(fields=["tip"], labels=False, sticky=True))

    def render(self, **kwargs) -> None:
        if self.show:
            self.add_child(
                ElementAddToElement(
                    element_name=self.get_name(), element_parent_name=self._parent.get_name()
                ),
                name=self.get_name() + "_add",
            )
        script = self._template.module.script(self, kwargs)
        self.get_root().script.add_child(_RawText(script), name=self.get_name())
        for element in self._children.values():
            element.render(**kwargs)


# Legend ---------------------------------------------------------------------------------------
def legend_html(
    gdf_shown: gpd.GeoDataFrame | None = None,
    *,
    layers: Iterable[str] | None = None,
    lang: str = "zh",
    every: bool = False,
) -> str:
    """The legend by layer × status, drawn with the map's own symbols, as HTML.

    Rows are the visible layers (their marker shape and area pattern), columns the statuses
    present; a cell is hollow when that layer shows that status only as a 2021 target. Notes
    below explain hollow symbols, schematic positions and the boundary, when present.
    ``gdf_shown`` is a filtered frame (all layers and statuses when None).

    Rows, columns, cells and notes carry ``data-layer``, ``data-status``, ``data-hollow`` and
    ``data-note``. With ``every`` the legend holds every row, column and cell variant, those
    not shown ``hidden``: the browser then shows the ones a filter needs at once
    (``maps/viewcodes.js``), and what it shows reads exactly as this legend without ``every``.
    """
    visible = [i for i in LAYERS if layers is None or i in set(layers)]
    if gdf_shown is None:
        combos = {(layer, status): False for layer in visible for status in STATUS_STYLES}
        schematic = hollow = True
    else:
        shown = gdf_shown[gdf_shown["layer"].isin(visible)]
        combos = _hollow_only_by_cell(shown)
        schematic = bool((shown["location_precision"] == "schematic").any())
        hollow = any(combos.values())
        visible = [i for i in visible if any(k[0] == i for k in combos)]
    if every:  # the browser's template: nothing shown until it says what
        combos, visible, schematic, hollow = {}, [], False, False
    statuses = [s for s in STATUS_STYLES if any(k[1] == s for k in combos)]
    columns = list(STATUS_STYLES) if every else statuses
    head = "".join(
        f'<th data-status="{s}"{_hide(s not in statuses)}>'
        f"{escape_html(t('status.' + s, lang))}</th>"
        for s in columns
    )
    rows = []
    for layer in LAYERS if every else visible:
        cells = "".join(_legend_cells(layer, s, combos, every=every) for s in columns)
        name = escape_html(t(f"layer.{layer}", lang))
        rows.append(
            f'<tr data-layer="{layer}"{_hide(layer not in visible)}><td class="name">'
            f"{_pattern_swatch(LAYERS[layer])} {name}</td>{cells}</tr>"
        )
    notes = [
        _note(kind, swatch, t(f"legend.{kind}", lang), hidden=not shown)
        for kind, swatch, shown in (
            ("hollow", _hollow_swatch(), hollow),
            ("schematic", _schematic_swatch(), schematic),
            ("boundary", _boundary_swatch(), True),
        )
        if shown or every
    ]
    title = escape_html(t("legend.title", lang))
    # A <details> box: the reader can fold the legend away on a small screen.
    return (
        f'<details open data-testid="map-legend"><summary><b>{title}</b></summary>'
        f"<table><tr><th></th>{head}</tr>{''.join(rows)}</table>{''.join(notes)}</details>"
    )


def _hide(hidden: bool) -> str:
    return " hidden" if hidden else ""


def _legend_cells(layer: str, status: str, combos: dict, *, every: bool) -> str:
    """One legend cell; with ``every``, its three variants (empty, filled, hollow), all hidden."""
    if not every:
        if (layer, status) not in combos:
            return f'<td data-status="{status}" data-hollow=""></td>'
        hollow = combos[(layer, status)]
        svg = symbol_for(layer, status, target=hollow).marker_svg(16)
        return f'<td data-status="{status}" data-hollow="{int(hollow)}">{svg}</td>'
    cells = [f'<td data-status="{status}" data-hollow="" hidden></td>']
    for hollow in (0, 1):
        svg = symbol_for(layer, status, target=bool(hollow)).marker_svg(16)
        cells.append(f'<td data-status="{status}" data-hollow="{hollow}" hidden>{svg}</td>')
    return "".join(cells)


def _hollow_only_by_cell(shown: gpd.GeoDataFrame) -> dict[tuple[str, str], bool]:
    """Per (layer, status) shown: whether every project in it is drawn hollow (a 2021 target
    or planned). Grouped in bulk: a loop over 100,000 rows took seconds of every rerun."""
    if shown.empty:
        return {}
    hollow = pd.Series(_target_flags(shown), index=shown.index, dtype=bool)
    hollow |= (shown["status"] == "planned").to_numpy(dtype=bool)
    cells = hollow.groupby([shown["layer"], shown["status"]], sort=False, observed=True).all()
    return {(str(layer), str(status)): bool(v) for (layer, status), v in cells.items()}


def _target_flags(gdf: gpd.GeoDataFrame) -> list[bool]:
    if "status_is_target" in gdf:
        return gdf["status_is_target"].fillna(False).astype(bool).tolist()
    return [False] * len(gdf)


def _note(kind: str, swatch: str, text: str, *, hidden: bool = False) -> str:
    return (
        f'<div class="note" data-note="{kind}"{_hide(hidden)}>{swatch}'
        f"<span>{escape_html(text)}</span></div>"
    )


def _pattern_swatch(spec: LayerSpec) -> str:
    """The layer's marker shape in dark grey beside a square of its area pattern."""
    symbol = symbol_for(spec.id, "completed")
    grey = symbol.marker_svg(14).replace(symbol.color, "#444444")
    if PATTERN_TILES[spec.pattern]:
        fill = f"url(#shinan-{spec.pattern}-completed)"
    else:
        fill = STATUS_STYLES["completed"].color
    square = (
        '<svg width="16" height="14" viewBox="0 0 16 14" style="vertical-align:middle">'
        f'<rect x="1" y="1" width="14" height="12" fill="{fill}" fill-opacity="0.9" '
        'stroke="#444" stroke-width="1"/></svg>'
    )
    return f'<span style="white-space:nowrap">{grey}{square}</span>'


def _hollow_swatch() -> str:
    return symbol_for("renewal", "open", target=True).marker_svg(16)


def _schematic_swatch() -> str:
    return symbol_for("construction", "completed", precision="schematic").marker_svg(14)


def _boundary_swatch() -> str:
    return (
        '<svg width="30" height="12" viewBox="0 0 30 12"><line x1="1" y1="6" x2="29" y2="6" '
        f'stroke="{BOUNDARY_STYLE["color"]}" stroke-width="2" '
        f'stroke-dasharray="{BOUNDARY_STYLE["dashArray"]}"/></svg>'
    )


# The base map and its groups -----------------------------------------------------------------
def base_map(
    *, tiles_plugin: str | None = None, client_url: str | None = None, client_failed: str = ""
) -> folium.Map:
    """The map every rerun starts from: view, scale bar, styles and the browser client.

    It holds no data and nothing that depends on the view, so its script is the same on every
    rerun and in every mode (presenter mode and the language are set by :func:`overlay_group`).
    ``tiles_plugin`` (the vendored protomaps-leaflet's URL) adds the tiled layers' client
    (``maps.tiledmap``), for when vector tiles are configured. ``client_url`` is where the app
    serves :func:`write_client_file`'s file (the client is inline without it), and
    ``client_failed`` what the map says when that file cannot be loaded.
    """
    m = folium.Map(
        location=settings.DEFAULT_CENTER,
        zoom_start=settings.DEFAULT_ZOOM,
        tiles=None,
        min_zoom=10,
        max_zoom=19,
        zoom_snap=0.25,
        zoom_delta=0.5,
        # Leaflet's keyboard handler focuses the map on mousedown; inside streamlit-folium's
        # iframe that scrolls the page mid-click and the click is lost. Arrow keys belong to
        # the scene clicker anyway.
        keyboard=False,
    )
    # No fit to the district here: the client fits it once the frame has its size (an
    # animated fit begun at the frame's first height finished after the page had set the
    # view, at another zoom by the race between frame and page).
    MetricScale().add_to(m)
    _MapClient(client_url, failed=client_failed).add_to(m)
    if client_url:
        # The guard first: it also starts fetching the client while Leaflet loads
        # (streamlit-folium loads the frame's scripts one after the other).
        m.default_js = [("shinan_guard", _guard_url(client_url, client_failed)), *m.default_js]
    m.get_root().header.add_child(Element(_MAP_CSS), name="shinan_css")
    if tiles_plugin:
        from maps.tiledmap import TiledClient  # it builds on this module

        TiledClient(tiles_plugin).add_to(m)
    return m


def basemap_group(basemap_id: str, *, lang: str = "zh") -> folium.FeatureGroup:
    """The tile layers of one basemap (none for "none"), each watched for failed tiles."""
    basemap = settings.available_basemaps().get(basemap_id) or settings.BASEMAPS["none"]
    group = folium.FeatureGroup(name=f"basemap-{basemap.id}", control=False)
    notice = json.dumps(t("map.tiles_failed", lang), ensure_ascii=False)
    for provider in basemap.tiles:
        tiles = folium.TileLayer(
            tiles=settings.tile_url(provider, basemap),
            attr=provider.html_attribution,
            name=provider.name,
            max_zoom=19,
            max_native_zoom=provider.get("max_zoom", 18),
            subdomains=provider.get("subdomains", "abc"),
            overlay=False,
            control=False,
        ).add_to(group)
        _Script(f"Shinan.watchTiles(__PARENT__, {notice});").add_to(tiles)
    return group


def background_group(
    boundary: gpd.GeoDataFrame,
    context: gpd.GeoDataFrame,
    landmarks: gpd.GeoDataFrame,
    *,
    lang: str = "zh",
    gcj02: bool = False,
) -> folium.FeatureGroup:
    """Land, sea and place names from bundled data, under every tile layer.

    Drawn in panes below Leaflet's tiles: loaded tiles cover it, failed tiles reveal it, so
    with no internet the map still shows the coast, the neighbouring districts and places to
    find one's way by. The sea is the map's background colour.
    """
    if gcj02:
        boundary, context, landmarks = (to_gcj02(g) for g in (boundary, context, landmarks))
    group = folium.FeatureGroup(name="background", control=False)
    land = [(context, BACKGROUND["land"]), (boundary, BACKGROUND["district"])]
    for gdf, fill in land:
        style = {"color": BACKGROUND["coast"], "weight": 0.8, "fillColor": fill, "fillOpacity": 1}
        data = json.dumps(_collection(gdf, []), separators=(",", ":"))
        script = (
            f"L.geoJson({data}, {{pane: 'shinanLand', interactive: false, "
            f"style: function () {{ return {json.dumps(style)}; }}}}).addTo(__PARENT__);"
        )
        _Script(script).add_to(group)
    places = _district_places(context, boundary, lang) + _landmark_places(landmarks, lang)
    _Script(
        f"{json.dumps(places, ensure_ascii=False)}.forEach(function (p) {{"
        "L.marker(p.at, {pane: 'shinanPlaces', interactive: false, keyboard: false,"
        " icon: L.divIcon({className: '', iconSize: null, html: '<span class=\"shinan-place '"
        " + p.kind + '\">' + p.html + '</span>'})}).addTo(__PARENT__); });"
    ).add_to(group)
    return group


class FixedData:
    """What the live map draws whatever the filter, sent once beside it like the projects.

    The offline background (land, neighbours, place names) and the district boundary were
    re-sent and re-drawn in the map's feature groups on every filter change; here they are a
    script in the page (cached by Streamlit by hash, so sent once per language and basemap
    grid) that the map's browser side draws once and keeps (``Shinan.background``).
    """

    def __init__(self, payload: dict[str, Any]) -> None:
        text = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
        # No "<" at all (see maps.browserdata): it cannot close the script, and the page's
        # sanitizer drops a script holding "<" before a letter.
        self.payload = text.replace("<", "\\u003c").translate(_SCRIPT_SAFE)
        self.key = hashlib.sha256(self.payload.encode()).hexdigest()[:16]

    @functools.cached_property
    def element(self) -> str:
        """HTML for the page: a script that hands the payload to the map's browser side."""
        return data_script("shinan-background", self.key, self.payload)

    def _repr_html_(self) -> str:
        return self.element  # as BrowserData: st.html(self) does not dedent it again

    @property
    def size(self) -> int:
        return len(self.payload.encode())


def fixed_data(
    boundary: gpd.GeoDataFrame,
    context: gpd.GeoDataFrame,
    landmarks: gpd.GeoDataFrame,
    *,
    lang: str = "zh",
    gcj02: bool = False,
) -> FixedData:
    """The live map's background and boundary (as :func:`background_group` and
    :func:`boundary_group` draw them) in browser form."""
    if gcj02:
        boundary, context, landmarks = (to_gcj02(g) for g in (boundary, context, landmarks))
    land = []
    for gdf, fill in [(context, BACKGROUND["land"]), (boundary, BACKGROUND["district"])]:
        style = {"color": BACKGROUND["coast"], "weight": 0.8, "fillColor": fill, "fillOpacity": 1}
        land.append({"data": _collection(gdf, []), "style": style})
    places = _district_places(context, boundary, lang) + _landmark_places(landmarks, lang)
    line = _collection(boundary.assign(geometry=boundary.boundary), [])
    return FixedData(
        {"land": land, "places": places, "boundary": {"data": line, "style": BOUNDARY_STYLE}}
    )


def fixed_group(fixed: FixedData, basemap_id: str, *, lang: str = "zh") -> folium.FeatureGroup:
    """The rerun's word on what stays: which background (by key) and which basemap tiles.

    A few hundred bytes; the browser keeps what it already shows when the keys are the same.
    """
    basemap = settings.available_basemaps().get(basemap_id) or settings.BASEMAPS["none"]
    tiles = [
        {
            "url": settings.tile_url(provider, basemap),
            "options": {
                "attribution": provider.html_attribution,
                "maxZoom": 19,
                "maxNativeZoom": provider.get("max_zoom", 18),
                "subdomains": provider.get("subdomains", "abc"),
            },
        }
        for provider in basemap.tiles
    ]
    notice = t("map.tiles_failed", lang)
    tiles_json = json.dumps(tiles, ensure_ascii=False)
    tiles_key = hashlib.sha256((tiles_json + notice).encode()).hexdigest()[:16]
    group = folium.FeatureGroup(name="fixed", control=False)
    _Script(
        "__PARENT__.addLayer(new Shinan.Run(function () {"
        f"Shinan.background({json.dumps(fixed.key)});"
        f"Shinan.tiles({json.dumps(tiles_key)}, {_script_safe(tiles_json)},"
        f" {json.dumps(notice, ensure_ascii=False)});}}));"
    ).add_to(group)
    return group


def _district_places(context: gpd.GeoDataFrame, boundary, lang: str) -> list[dict[str, Any]]:
    """A name for each neighbouring district, at a point of it near Shinan."""
    xmin, ymin, xmax, ymax = settings.DISTRICT_BOUNDS
    near = shapely.box(xmin - 0.03, ymin - 0.01, xmax + 0.03, ymax + 0.03)
    places = []
    for row in context.itertuples():
        part = row.geometry.intersection(near)
        if part.is_empty or part.area < 1e-5:
            continue
        at = part.point_on_surface()
        places.append(_place(at, row.name_zh, row.name_en, "district", lang))
    for row in boundary.itertuples():
        at = row.geometry.point_on_surface()
        places.append(_place(at, row.name_zh, row.name_en, "district", lang))
    return places


def _landmark_places(landmarks: gpd.GeoDataFrame, lang: str) -> list[dict[str, Any]]:
    return [
        _place(row.geometry, row.name_zh, row.name_en, row.kind, lang)
        for row in landmarks.itertuples()
    ]


def _place(point, name_zh: str, name_en: str, kind: str, lang: str) -> dict[str, Any]:
    name = {"en": name_en, "both": f"{name_zh} {name_en}"}.get(lang, name_zh)
    return {
        "at": [round(point.y, _DECIMALS), round(point.x, _DECIMALS)],
        "html": escape_html(name),
        "kind": kind if kind in ("district", "water", "landmark") else "landmark",
    }


def boundary_group(boundary: gpd.GeoDataFrame, *, gcj02: bool = False) -> folium.FeatureGroup:
    """The district boundary as a line (shifted to GCJ-02 over Gaode tiles)."""
    if gcj02:
        boundary = to_gcj02(boundary)
    group = folium.FeatureGroup(name="district-boundary", control=False)
    folium.GeoJson(
        _collection(boundary.assign(geometry=boundary.boundary), []),
        style_function=lambda _feature: dict(BOUNDARY_STYLE),
        interactive=False,
    ).add_to(group)
    return group


def layer_groups(
    gdf: gpd.GeoDataFrame,
    *,
    layers: Iterable[str] | None = None,
    gcj02: bool = False,
    lang: str = "zh",
) -> list[folium.FeatureGroup]:
    """One feature group per visible layer, each holding one GeoJson of its features.

    ``gdf`` is a filtered frame (``geo.filter_projects``): ``status`` is the status to show
    and ``status_is_target`` marks a 2021 plan target. Each project's browser form is made
    once and reused by later reruns (:func:`_browser_features`), so a filter change only
    selects.
    """
    visible = list(layers) if layers is not None else list(LAYERS)
    gdf = gdf[gdf["layer"].isin(visible)]
    by_layer: dict[str, list[tuple[dict[str, Any], str]]] = {}
    features = _browser_features(gdf, gcj02=gcj02, lang=lang)
    for layer, feature in zip(gdf["layer"], features, strict=True):
        by_layer.setdefault(layer, []).append(feature)
    groups = []
    for spec in sorted((LAYERS[i] for i in visible), key=lambda s: s.z_order):
        group = folium.FeatureGroup(name=t(f"layer.{spec.id}", lang), show=True)
        if spec.id in by_layer:
            ProjectGeoJson(by_layer[spec.id], spec).add_to(group)
        groups.append(group)
    return groups


def projects_group(
    data: BrowserData,
    gdf_shown: gpd.GeoDataFrame,
    *,
    layers: Iterable[str] | None = None,
    name: str = "projects",
) -> folium.FeatureGroup:
    """What the browser should show of ``data``: one character per project, no geometry.

    ``data`` (:func:`maps.browserdata.browser_data`) reaches the page once, apart from the map;
    ``gdf_shown`` is the filtered frame and ``layers`` the visible layers. This group is the
    only part of the projects that changes with a filter: about one byte per project.
    """
    group = folium.FeatureGroup(name=name, control=False)
    codes = view_codes(data, gdf_shown, layers=tuple(layers) if layers is not None else None)
    _Script(
        f"__PARENT__.addLayer(new Shinan.View({json.dumps(data.key)}, {json.dumps(codes)}));"
    ).add_to(group)
    return group


def selection_group(
    gdf: gpd.GeoDataFrame, selected_id: str | None, *, gcj02: bool = False
) -> folium.FeatureGroup:
    """A heavy outline around the selected project (empty when nothing is selected).

    A point gets a black ring of fixed screen size; an area or line a black outline. Neither
    takes clicks, so a click still reaches the project underneath.
    """
    group = folium.FeatureGroup(name="selection", control=False)
    part = gdf[gdf["id"] == selected_id] if selected_id else gdf.iloc[0:0]
    if not len(part):
        return group
    if gcj02:
        part = to_gcj02(part)
    points = part.geom_type.isin(["Point", "MultiPoint"])
    if (~points).any():
        folium.GeoJson(
            _collection(part[~points], []),
            style_function=lambda _feature: dict(SELECTION_STYLE),
            interactive=False,
        ).add_to(group)
    for geometry in part.geometry[points]:
        at = geometry.centroid
        ring = (
            '<svg width="44" height="44" viewBox="0 0 44 44"><circle cx="22" cy="22" r="19" '
            'fill="none" stroke="#000" stroke-width="4"/><circle cx="22" cy="22" r="19" '
            'fill="none" stroke="#fff" stroke-width="1.2"/></svg>'
        )
        _Script(
            f"L.marker([{at.y:.6f}, {at.x:.6f}], {{interactive: false, keyboard: false,"
            f" icon: L.divIcon({{className: 'shinan-selection', iconSize: [44, 44],"
            f" html: {json.dumps(ring)}}})}}).addTo(__PARENT__);"
        ).add_to(group)
    return group


def overlay_group(
    *,
    legend: str,
    time_label: str,
    time_note: str = "",
    presenter: bool = False,
    selected_id: str | None = None,
    player: Mapping[str, Any] | None = None,
    view_filter: Mapping[str, Any] | None = None,
) -> folium.FeatureGroup:
    """What sits inside the map frame and follows the view: legend, year label, view state.

    With ``player`` (``{"count", "ms", "loop"}``) the browser plays the frames of
    :func:`frame_group` on an even clock; legend and year then come with each frame.

    ``legend`` is HTML from :func:`legend_html`; ``time_label``/``time_note`` are plain text
    (escaped here). The state (presenter mode, selected project) styles and labels the map
    without changing the base map, so entering presenter mode never remounts it.
    ``view_filter`` (``ui.instant_filter.filter_state``) tells the page's filter script which
    filter this rerun drew, so that it can apply the next one before the server does.
    """
    group = folium.FeatureGroup(name="overlay", control=False)
    state = {"presenter": presenter, "selected": selected_id, "labelZoom": LABEL_ZOOM}
    if view_filter is not None:
        state["filter"] = dict(view_filter)
    code = _boxes_js(legend, time_label, time_note)
    code += f"__PARENT__.addLayer(new Shinan.State({json.dumps(state)}));"
    if player:
        code += f"__PARENT__.addLayer(new Shinan.Player({json.dumps(player)}));"
    _Script(code).add_to(group)
    return group


def frame_group(
    index: int,
    groups: list[folium.FeatureGroup],
    *,
    legend: str,
    time_label: str,
    time_note: str = "",
) -> folium.FeatureGroup:
    """One playback frame: its layers, legend and year label in one group, tagged ``index``.

    The browser's player (``webmap.js``) shows one frame at a time.
    """
    frame = folium.FeatureGroup(name=f"frame-{index}", control=False)
    for group in groups:
        group.add_to(frame)
    _Script(_boxes_js(legend, time_label, time_note)).add_to(frame)
    _Script(f"new Shinan.FrameTag({int(index)}, __PARENT__);").add_to(frame)
    return frame


def _boxes_js(legend: str, time_label: str, time_note: str) -> str:
    """Script adding the year box and the legend box to ``__PARENT__``."""
    note = f"<small>{escape_html(time_note)}</small>" if time_note else ""
    time_html = f'<div data-testid="map-year">{escape_html(time_label)}{note}</div>'
    code = ""
    if time_label:
        code += (
            f"__PARENT__.addLayer(new Shinan.Box({json.dumps(time_html, ensure_ascii=False)},"
            " 'topright', 'shinan-time'));"
        )
    if legend:
        code += (
            f"__PARENT__.addLayer(new Shinan.Box({json.dumps(legend, ensure_ascii=False)},"
            " 'bottomright', 'shinan-legend'));"
        )
    return code


def standalone_map(
    gdf: gpd.GeoDataFrame,
    boundary: gpd.GeoDataFrame,
    *,
    layers: Iterable[str] | None = None,
    basemap_id: str = "none",
    title: str | None = None,
    lang: str = "zh",
    time_label: str = "",
) -> folium.Map:
    """A complete map with data inside it, for an HTML file that opens with no server.

    District-wide totals and unlocated projects are left off, as on the live map.
    """
    gdf = split_by_placement(gdf)[0]
    m = base_map()
    basemap = settings.available_basemaps().get(basemap_id) or settings.BASEMAPS["none"]
    for group in [
        background_group(
            boundary, load_context(), load_landmarks(), lang=lang, gcj02=basemap.gcj02
        ),
        basemap_group(basemap.id, lang=lang),
        boundary_group(boundary, gcj02=basemap.gcj02),
        # The layer control lists only the layers that have something to show.
        *(
            g
            for g in layer_groups(gdf, layers=layers, gcj02=basemap.gcj02, lang=lang)
            if g._children
        ),
        overlay_group(legend=legend_html(gdf, layers=layers, lang=lang), time_label=time_label),
    ]:
        group.add_to(m)
    folium.LayerControl(collapsed=False).add_to(m)
    if title:
        m.get_root().html.add_child(
            _RawText(
                '<div style="position:fixed;top:10px;left:60px;z-index:1000;'
                "background:rgba(255,255,255,.9);padding:4px 10px;font:18px sans-serif;"
                f'border-radius:4px">{escape_html(title)}</div>'
            )
        )
    if len(gdf):
        xmin, ymin, xmax, ymax = gdf.total_bounds
        m.fit_bounds([[ymin, xmin], [ymax, xmax]])
    return m


def load_context(path: str | Path | None = None) -> gpd.GeoDataFrame:
    """The neighbouring districts (land context) in WGS84."""
    return gpd.read_file(path or settings.CONTEXT_PATH).to_crs(settings.STORAGE_CRS)


def load_landmarks(path: str | Path | None = None) -> gpd.GeoDataFrame:
    """Orientation names for the offline background (``data/landmarks.geojson``)."""
    return gpd.read_file(path or settings.DATA_DIR / "landmarks.geojson").to_crs(
        settings.STORAGE_CRS
    )


def tooltip_html(row: Mapping[str, Any], lang: str = "zh") -> str:
    """The hover text of one project: name, layer, status (or 2021 target) and precision."""
    status = STATUS_STYLES[row["status"]]
    status_text = t(f"status.{row['status']}", lang)
    if bool(row.get("status_is_target", False)):
        status_text = t("tip.target", lang, status=status_text)
    precision = t(f"precision.{row['location_precision']}", lang)
    names = _name(row, lang)
    layer = t(f"layer.{row['layer']}", lang)
    # Short markup: it is sent for every feature on every update.
    return (
        f"<b>{escape_html(names)}</b><br>{escape_html(layer)}<br>"
        f'<span style="color:{status.color}">■</span> {escape_html(status_text)}<br>'
        f"{escape_html(precision)}"
    )


def _name(row: Mapping[str, Any], lang: str) -> str:
    if lang == "en":
        return str(row["name_en"])
    if lang == "both":
        return f"{row['name_zh']} · {row['name_en']}"
    return str(row["name_zh"])


def _browser_features(
    gdf: gpd.GeoDataFrame, *, gcj02: bool = False, lang: str = "zh"
) -> list[tuple[dict[str, Any], str]]:
    """Each row as the browser gets it: (GeoJSON feature, its JSON text), memoised.

    The feature is slim (id, layer, status, target, schematic flag, tooltip, label and where it
    goes) with coordinates rounded to
    ``BROWSER_GRID``. The memo key is everything the feature is made from, the shown status and
    the geometry included, so a stale entry cannot be returned; after the first render a filter
    change finds every feature already made and only selects.
    """
    if not len(gdf):
        return []
    if "status_is_target" in gdf:
        targets = gdf["status_is_target"].astype(bool).tolist()
    else:
        targets = [False] * len(gdf)
    keys = list(
        zip(
            gdf["id"].tolist(),
            gdf["layer"].tolist(),
            gdf["status"].tolist(),
            targets,
            gdf["name_zh"].tolist(),
            gdf["name_en"].tolist(),
            gdf["location_precision"].tolist(),
            shapely.to_wkb(gdf.geometry.values),
            itertools.repeat(gcj02),
            itertools.repeat(lang),
            strict=False,
        )
    )
    # Read the memo once: another session's thread may empty it meanwhile.
    found = [_FEATURE_MEMO.get(key) for key in keys]
    missing = [i for i, feature in enumerate(found) if feature is None]
    if missing:
        made = _make_features(gdf.iloc[missing], [keys[i] for i in missing], gcj02=gcj02, lang=lang)
        if len(_FEATURE_MEMO) + len(made) > _MEMO_LIMIT:
            _FEATURE_MEMO.clear()
        _FEATURE_MEMO.update(made)
        for i in missing:
            found[i] = made[keys[i]]
    return found


def _make_features(
    part: gpd.GeoDataFrame, keys: list[tuple], *, gcj02: bool, lang: str
) -> dict[tuple, tuple[dict[str, Any], str]]:
    if gcj02:
        part = to_gcj02(part)
    # Rounding, not shapely.set_precision: ten times faster, and Leaflet needs no validity.
    rounded = shapely.transform(part.geometry.values, lambda xy: np.round(xy, _DECIMALS))
    anchors = _label_points(part.geometry.values)
    made = {}
    for key, geometry, anchor in zip(keys, shapely.to_geojson(rounded), anchors, strict=True):
        row = dict(zip(_KEY_FIELDS, key, strict=False))
        schematic = row["location_precision"] == "schematic"
        kind = "schematic" if schematic else ("point" if anchor is None else "area")
        label = _name(row, "zh" if lang == "both" else lang)
        props = {
            "id": row["id"],
            "layer": row["layer"],
            "status": row["status"],
            "target": bool(row["status_is_target"]),
            "s": schematic,
            "tip": tooltip_html(row, lang),
            # Escaped here and set as HTML: no raw name reaches the page in any form.
            "lbl": escape_html(t("label.schematic", lang, name=label) if schematic else label),
            "rank": _RANK[kind],
        }
        if anchor is not None:
            props["la"] = anchor
        feature = {"type": "Feature", "properties": props, "geometry": json.loads(geometry)}
        # Python's float repr is the shortest that round-trips (GEOS writes up to 17 digits).
        shape = json.dumps(feature["geometry"], separators=(",", ":"))
        props_json = _script_safe(json.dumps(props, ensure_ascii=False))
        made[key] = (
            feature,
            f'{{"type": "Feature", "properties": {props_json}, "geometry": {shape}}}',
        )
    return made


def _label_points(geometries) -> list[list[float] | None]:
    """Where an area's or a line's marker and label go: inside the area, halfway along a line.

    None for points (their marker is the point itself).
    """
    out: list[list[float] | None] = []
    for geometry in geometries:
        kind = geometry.geom_type
        if kind in ("Point", "MultiPoint"):
            out.append(None)
            continue
        if kind in ("LineString", "MultiLineString"):
            line = max(getattr(geometry, "geoms", [geometry]), key=lambda g: g.length)
            at = line.interpolate(0.5, normalized=True)
        else:
            at = geometry.point_on_surface()
        out.append([round(at.y, _DECIMALS), round(at.x, _DECIMALS)])
    return out


def _script_safe(text: str) -> str:
    return text.replace("</", "<\\/").replace("<!--", "<\\u0021--").translate(_SCRIPT_SAFE)


def _collection(gdf: gpd.GeoDataFrame, columns: list[str]) -> dict:
    """A slim FeatureCollection: only ``columns`` and coordinates rounded to ~1 m."""
    geometry = shapely.to_geojson(shapely.set_precision(gdf.geometry.values, BROWSER_GRID))
    records = gdf[columns].to_dict("records")
    features = [
        {"type": "Feature", "properties": props, "geometry": json.loads(geom)}
        for props, geom in zip(records, geometry, strict=True)
    ]
    return {"type": "FeatureCollection", "features": features}


def stable_names(groups: list[folium.FeatureGroup]) -> list[folium.FeatureGroup]:
    """Name every element by its place in ``groups`` instead of at random.

    folium names elements with random ids, so the groups' script differs on every rerun and
    streamlit-folium removes and redraws every layer even when nothing changed (a flicker, and
    a click in progress is lost). With names that depend only on position, an unchanged view
    sends an identical script, which the browser leaves alone.
    """

    def walk(element):
        yield element
        for child in element._children.values():
            yield from walk(child)

    for i, group in enumerate(groups):
        for j, element in enumerate(walk(group)):
            element._id = f"{i:03d}{j:029d}"
    return groups
