"""Serve the map's front-end assets from this app instead of public CDNs.

Why: folium 0.20 makes every map load Leaflet, jQuery, Bootstrap, Font Awesome and
Leaflet.awesome-markers from public CDNs (jsDelivr, the jQuery CDN, cdnjs and the
Bootstrap CDN). The map must work on a network with no internet, where those
requests fail and the map stays blank (folium issue #1594).

What the map needs: our map uses only folium.Map (tiles=None or a TileLayer),
GeoJson with style_function and marker=CircleMarker, GeoJsonTooltip, FeatureGroup,
LayerControl and HTML legends added to the root's html. Their templates call only
the Leaflet API (the ``${...}`` in GeoJsonTooltip is a JS template literal, not
jQuery), so Leaflet 1.9.3 (leaflet.js, leaflet.css and the images that
leaflet.css references) is the whole set. streamlit-folium's own component bundle
has no external URL; it injects ``default_js``/``default_css`` into its iframe.

Do NOT use, without vendoring jQuery first: ``folium.Popup`` or ``Marker(popup=...)``
(``$(...)`` builds the popup content), ``Map.keep_in_front`` (``$(document).ready``),
``GeoJson(embed=False)`` (``$.ajax``). Not available at all: ``folium.Icon`` /
awesome markers, Font Awesome or Bootstrap classes in legends, branca colormaps
(st_folium then loads d3 from a CDN): draw legends as plain HTML/CSS.

Files come unmodified from the npm tarball ``leaflet@1.9.3`` (``npm pack``,
sha1 52ec436954964e2d3d39e0d433da4b2500d74414, identical to XStatic-Leaflet
1.9.3.0 on PyPI); licence BSD-2-Clause, in ``static/vendor/leaflet/LICENSE``.

Streamlit serves ``<app dir>/static/`` at ``/app/static/`` when
``[server] enableStaticServing = true`` (see ``.streamlit/config.toml``). The URLs
are root-relative so they resolve on whatever host/port serves the app, including
inside streamlit-folium's component iframe (same origin).
"""

from __future__ import annotations

from pathlib import Path

import folium
import streamlit as st

#: Repository root; Streamlit serves ``REPO_ROOT / "static"`` when the app's main
#: script lives in the repository root.
REPO_ROOT = Path(__file__).resolve().parents[1]

#: Every vendored file, relative to ``static/vendor/``.
VENDOR_FILES: tuple[str, ...] = (
    "leaflet/leaflet.js",
    "leaflet/leaflet.css",
    "leaflet/images/layers.png",
    "leaflet/images/layers-2x.png",
    "leaflet/images/marker-icon.png",
    "leaflet/images/marker-icon-2x.png",
    "leaflet/images/marker-shadow.png",
    "leaflet/LICENSE",
    # Drawing shapes in the data panel, and the two synchronised maps of the comparison.
    "leaflet-draw/leaflet.draw.js",
    "leaflet-draw/leaflet.draw.css",
    "leaflet-draw/images/spritesheet.png",
    "leaflet-draw/images/spritesheet-2x.png",
    "leaflet-draw/images/spritesheet.svg",
    "leaflet-draw/LICENSE",
    "leaflet-sync/L.Map.Sync.js",
    "leaflet-sync/LICENSE",
    # Vector tiles (PMTiles) on the live map, when configured (ui/tiles.py).
    "protomaps-leaflet/protomaps-leaflet.js",
    "protomaps-leaflet/LICENSE",
)

#: (folium resource name, path under static/vendor/); names match folium's own so
#: ``add_js_link``/``add_css_link`` keep replacing rather than duplicating.
_JS: tuple[tuple[str, str], ...] = (("leaflet", "leaflet/leaflet.js"),)
_CSS: tuple[tuple[str, str], ...] = (("leaflet_css", "leaflet/leaflet.css"),)


def _static_prefix() -> str:
    """Return the URL prefix of Streamlit's static folder, honouring baseUrlPath."""
    base = str(st.get_option("server.baseUrlPath") or "").strip("/")
    return f"/{base}/app/static/vendor" if base else "/app/static/vendor"


def missing_vendor_files() -> list[str]:
    """List entries of VENDOR_FILES absent from ``static/vendor/`` (empty if all there)."""
    vendor = REPO_ROOT / "static" / "vendor"
    return [f for f in VENDOR_FILES if not (vendor / f).is_file()]


def use_local_assets() -> None:
    """Make every folium.Map load only the vendored Leaflet, served by Streamlit.

    Replaces the class attributes ``folium.Map.default_js``/``default_css`` (new
    lists, so folium's module-level CDN lists are left untouched). Idempotent; call
    it once before building maps. st_folium reads these lists, so its iframe
    follows the override.
    """
    prefix = _static_prefix()
    folium.Map.default_js = [(name, f"{prefix}/{path}") for name, path in _JS]
    folium.Map.default_css = [(name, f"{prefix}/{path}") for name, path in _CSS]
