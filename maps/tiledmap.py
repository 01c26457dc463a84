"""The live map's tiled layers: the browser client (``tiles_layer.js``) and one rerun's filter.

When vector tiles are configured (``geo.vectortiles``), the base map loads the vendored
protomaps-leaflet and ``tiles_layer.js`` once (the base map must stay the same on every
rerun), and each rerun adds :func:`tiles_group`: the archives' URLs and the filter, a few
hundred bytes, never geometry. Symbols come from ``layers.symbols`` as for the live map.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import folium
from folium.elements import JSCSSMixin

from layers import LAYERS
from layers.palette import STATUS_STYLES
from layers.symbols import PATTERN_TILES
from maps.browserdata import layer_symbols
from maps.webmap import _Script

# The painter (pure functions, also run in the paint workers) and the page's tiled layer.
_CLIENT_JS = "\n".join(
    Path(__file__).with_name(name).read_text(encoding="utf-8")
    for name in ("tiles_painter.js", "tiles_layer.js")
)


def tile_symbols() -> dict[str, Any]:
    """Every layer's symbols keyed as the browser looks them up, with area patterns as SVG."""
    layers = {}
    for spec in LAYERS.values():
        table = {}
        for key, symbol in layer_symbols(spec.id).items():
            status = key.split("|")[0]
            fill = str(symbol["style"].get("fillColor", ""))
            table[key] = {
                "style": symbol["style"],
                "svg": symbol["svg"],
                "size": symbol["size"],
                # A canvas cannot fill with an SVG <pattern>: the tile as an image instead.
                "pattern": _pattern_svg(spec.pattern, status) if fill.startswith("url(") else None,
            }
        layers[spec.id] = table
    order = [spec.id for spec in sorted(LAYERS.values(), key=lambda s: s.z_order)]
    return {"order": order, "layers": layers}


def _pattern_svg(pattern: str, status: str) -> str:
    """One 8x8 tile of a layer's area pattern in a status colour (as ``defs_svg`` draws it)."""
    color = STATUS_STYLES[status].color
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" width="8" height="8">'
        '<rect width="8" height="8" fill="#ffffff" fill-opacity="0.55"/>'
        f'<g stroke="{color}" fill="{color}">{PATTERN_TILES[pattern]}</g></svg>'
    )


class TiledClient(JSCSSMixin, _Script):
    """protomaps-leaflet (loaded from ``plugin_url``, vendored) and ``tiles_layer.js``.

    Added to the base map by ``maps.webmap.base_map``; the same on every rerun.
    """

    def __init__(self, plugin_url: str) -> None:
        code = _CLIENT_JS.replace("__SYMBOLS__", json.dumps(tile_symbols(), ensure_ascii=False))
        super().__init__(code)
        self.default_js = [("protomaps_leaflet", plugin_url)]
        self.default_css = []


def tiles_group(config: dict[str, Any], view_filter: dict[str, Any]) -> folium.FeatureGroup:
    """One rerun's tiled layers: the archives (``vectortiles.browser_config``) and the filter
    (``vectortiles.view_filter``). The browser keeps the layer and its tiles between reruns."""
    group = folium.FeatureGroup(name="tiled-projects", control=False)
    _Script(
        f"__PARENT__.addLayer(new Shinan.TiledView({json.dumps(config)}, "
        f"{json.dumps(view_filter)}));"
    ).add_to(group)
    return group
