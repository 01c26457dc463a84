"""The file formats exports write: a light module, so that choosing a format imports nothing
heavy (folium, pyogrio) before it is needed."""

from __future__ import annotations

from typing import Final

IMAGE_FORMATS: Final = ("png", "svg", "pdf")
DATA_FORMATS: Final = ("geojson", "gpkg", "csv", "kml", "html")
#: File suffix and MIME type of every format this project writes.
FORMAT_FILES: Final[dict[str, tuple[str, str]]] = {
    "png": (".png", "image/png"),
    "svg": (".svg", "image/svg+xml"),
    "pdf": (".pdf", "application/pdf"),
    "geojson": (".geojson", "application/geo+json"),
    "gpkg": (".gpkg", "application/geopackage+sqlite3"),
    "csv": (".csv", "text/csv"),
    "kml": (".kml", "application/vnd.google-earth.kml+xml"),
    "html": (".html", "text/html"),
    "zip": (".zip", "application/zip"),
}
