"""Files made of drawings: the standalone HTML map and the zip of snapshots, one per layer."""

from __future__ import annotations

import base64
import io
import re
import zipfile
from collections.abc import Iterable, Mapping
from typing import Final

import geopandas as gpd

from geo import settings
from geo.html import escape_html
from maps.background import SEA_COLOR
from maps.formats import FORMAT_FILES
from maps.page import request_pixels
from maps.snapshot import SnapshotSpec, render_layer_snapshots

VENDOR_DIR: Final = settings.PROJECT_ROOT / "static" / "vendor" / "leaflet"


# Standalone HTML ------------------------------------------------------------------------------
def export_html(
    gdf_shown: gpd.GeoDataFrame,
    boundary: gpd.GeoDataFrame,
    *,
    layers: Iterable[str] | None = None,
    basemap: str = "none",
    title: str | None = None,
) -> bytes:
    """An interactive map in one HTML file that opens from disk with no internet, no server.

    Leaflet's JS and CSS (``static/vendor/leaflet``) are inlined, with the CSS's images as
    data URIs; no script or stylesheet is loaded from any URL. The map is the live map's
    (``maps.webmap.standalone_map``): the offline background as vector data (sea, Shinan and
    its neighbours, district and place names), layers by symbol with points above areas,
    labels from zoom 15, legend inside the map, and the title. Tiles are asked for only when
    ``basemap`` names a tile basemap; they then lie over the offline background, which shows
    through wherever they fail.
    """
    # folium and the web map are imported here: image exports never need them.
    import folium

    from maps.webmap import standalone_map

    m = standalone_map(gdf_shown, boundary, layers=layers, basemap_id=basemap, title=title)
    m.default_js = []
    m.default_css = []
    header = m.get_root().header
    header.add_child(folium.Element(_inline_leaflet()), name="leaflet_inline")
    # The sea is the map's own colour (the background draws land only), as in the images.
    header.add_child(
        folium.Element(f"<style>.leaflet-container{{background:{SEA_COLOR}}}</style>"),
        name="sea_background",
    )
    if title:
        header.add_child(folium.Element(f"<title>{escape_html(title)}</title>"), name="page_title")
    return m.get_root().render().encode("utf-8")


def _inline_leaflet() -> str:
    """Leaflet's CSS (images as data URIs) and JS, to paste into the page's head."""
    css = (VENDOR_DIR / "leaflet.css").read_text(encoding="utf-8")
    css = re.sub(r"url\((images/[\w.-]+\.png)\)", _data_uri, css)
    js = (VENDOR_DIR / "leaflet.js").read_text(encoding="utf-8")
    # A literal "</script" would close the tag early; Leaflet has none, but never risk it.
    js = js.replace("</script", "<\\/script")
    return f"<style>\n{css}\n</style>\n<script>\n{js}\n</script>"


def _data_uri(match: re.Match) -> str:
    data = (VENDOR_DIR / match.group(1)).read_bytes()
    return f"url(data:image/png;base64,{base64.b64encode(data).decode('ascii')})"


# Zip of snapshots -----------------------------------------------------------------------------
def export_snapshot_zip(
    gdf_shown: gpd.GeoDataFrame,
    boundary: gpd.GeoDataFrame,
    *,
    spec: SnapshotSpec,
    prefix: str = "shinan",
) -> bytes:
    """A zip of the all-layers snapshot and one per visible layer, same extent and size.

    Raises
    ------
    ValueError
        When the images together would pass ``settings.MAX_REQUEST_PIXELS``.
    """
    request_pixels(spec.page, 1 + len(spec.view.layers))
    images = render_layer_snapshots(gdf_shown, boundary, spec=spec)
    suffix = FORMAT_FILES[spec.fmt][0]
    return zip_files({f"{prefix}-{key}{suffix}": data for key, data in images.items()})


def zip_files(files: Mapping[str, bytes]) -> bytes:
    """Files (name -> bytes) in a zip; images are stored, text is deflated."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in files.items():
            stored = name.endswith((".png", ".pdf", ".gpkg"))
            method = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
            archive.writestr(name, data, compress_type=method)
    return buffer.getvalue()
