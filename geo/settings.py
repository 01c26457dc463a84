"""Typed settings of the project map: paths, coordinate systems, default view, basemaps."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import xyzservices
import xyzservices.providers as xyz

PROJECT_ROOT: Final = Path(__file__).resolve().parents[1]
DATA_DIR: Final = PROJECT_ROOT / "data"

#: Environment variable that points the app and every command at another projects file.
DATA_PATH_ENV: Final = "PROJECT_MAP_DATA"
DEFAULT_DATA_PATH: Final = DATA_DIR / "projects.geojson"
BOUNDARY_PATH: Final = DATA_DIR / "shinan_boundary.geojson"
CONTEXT_PATH: Final = DATA_DIR / "context_districts.geojson"
REPORT_PATH: Final = DATA_DIR / "source" / "2021_shinan_government_work_report.txt"

#: Largest projects or scenes file read (bytes): a mistaken path to a huge file or a device
#: must not fill the server's memory. The bundled data is about 0.1 MB.
MAX_DATA_BYTES: Final = 64_000_000
MAX_SCENES_BYTES: Final = 2_000_000
#: Largest GeoParquet projects file read (bytes). Parquet is compressed and read by columns,
#: so a million projects (about 150 MB) fit; the limit still refuses a mistaken huge file.
MAX_PARQUET_BYTES: Final = 512_000_000
#: Most scenes the app lets visitors save into one scenes file.
MAX_SCENES: Final = 100
#: Deepest JSON nesting accepted (a MultiPolygon's positions sit 7 levels down).
MAX_JSON_DEPTH: Final = 32

REPORT_TITLE: Final = "2021年市南区政府工作报告"
REPORT_TITLE_EN: Final = "2021 Shinan District Government Work Report"
REPORT_DATE: Final = "2021-01-22"

#: Storage CRS: RFC 7946 GeoJSON is WGS84 longitude/latitude.
STORAGE_CRS: Final = "EPSG:4326"
#: True metres for lengths, areas and scale bars: CGCS2000 / 3-degree Gauss-Kruger CM 120E.
#: Web Mercator overstates distances by 1.24x at Qingdao and is never used for measuring.
METRIC_CRS: Final = "EPSG:4549"

#: Plausible extent of Shinan data (lon/lat, with a margin): catches swapped axes, projected
#: metres and GCJ-02 data shifted far off, before anything is drawn.
EXTENT: Final = (120.20, 35.98, 120.50, 36.16)

DEFAULT_CENTER: Final = (36.0665, 120.352)  # lat, lon: the district's centre
DEFAULT_ZOOM: Final = 13
#: The district's extent (lon/lat): the map opens framing all of it.
DISTRICT_BOUNDS: Final = (120.2808, 36.0411, 120.4216, 36.0919)
#: Years the report covers: the 2016-2020 review and the 2021 plan.
FIRST_YEAR: Final = 2016
LAST_YEAR: Final = 2021

# Export limits: one visitor must not be able to stall the server --------------------------
#: Largest image (pixels); an A3 page at 300 dpi is 17.4 million.
MAX_IMAGE_PIXELS: Final = 40_000_000
#: Most pixels one request may draw (a zip of one image per layer counts every image).
MAX_REQUEST_PIXELS: Final = 120_000_000
#: Smallest page side in inches: title, legend and caption need room around the map.
MIN_PAGE_INCHES: Final = 3.0
#: Smallest map extent (metres across); a forged tiny extent would take minutes to draw.
MIN_EXTENT_M: Final = 50.0
#: Exported maps are framed inside this extent (lon/lat): the district with its context.
EXPORT_FRAME: Final = EXTENT
#: Seconds an export may run in its worker before it is stopped.
EXPORT_TIMEOUT_S: Final = 120.0
#: Seconds a request waits for a free export worker before being told to retry.
EXPORT_QUEUE_WAIT_S: Final = 120.0
#: Exports run at once, each in its own process (``PROJECT_MAP_EXPORT_WORKERS``, 0 = in the
#: calling process). One leaves the other core of a small server to the pages.
EXPORT_WORKERS_ENV: Final = "PROJECT_MAP_EXPORT_WORKERS"
DEFAULT_EXPORT_WORKERS: Final = 1


def export_workers() -> int:
    """How many exports may run at once: ``$PROJECT_MAP_EXPORT_WORKERS`` (0-8) or 1."""
    text = os.environ.get(EXPORT_WORKERS_ENV, "").strip()
    if text.isascii() and text.isdigit() and int(text) <= 8:
        return int(text)
    return DEFAULT_EXPORT_WORKERS


#: Map furniture on every export (see README, "Map furniture"): who made the map, and the
#: 审图号 of a published map or the 内部用图 note of an internal one (bottom left).
MAP_MAKER_ENV: Final = "PROJECT_MAP_MAKER"
MAP_APPROVAL_ENV: Final = "PROJECT_MAP_APPROVAL"


def map_maker(lang: str = "zh") -> str:
    """制图单位: ``PROJECT_MAP_MAKER`` as given, or the project team in ``lang``."""
    from i18n import t  # the catalogue imports nothing from here; kept lazy all the same

    return os.environ.get(MAP_MAKER_ENV, "").strip()[:80] or t("print.maker.default", lang)


def map_approval(lang: str = "zh") -> str:
    """The 审图号 line (e.g. ``审图号：青S(2021)001号``) from ``PROJECT_MAP_APPROVAL`` as given;
    内部用图 ("For internal use") by default."""
    from i18n import t

    return os.environ.get(MAP_APPROVAL_ENV, "").strip()[:80] or t("print.approval.internal", lang)


#: Tianditu basemaps need a free key; set it in this environment variable to enable them.
TIANDITU_KEY_ENV: Final = "TIANDITU_KEY"


def data_path(path: str | os.PathLike[str] | None = None) -> Path:
    """Return the projects file to use: ``path``, else ``$PROJECT_MAP_DATA``, else the default."""
    if path:
        return Path(path)
    env = os.environ.get(DATA_PATH_ENV, "").strip()
    return Path(env) if env else DEFAULT_DATA_PATH


# Basemaps ------------------------------------------------------------------------------------
def _tianditu(layer: str, label: str) -> xyzservices.TileProvider:
    # Tianditu is not in xyzservices; its WMTS URL needs a free key (``tk``).
    return xyzservices.TileProvider(
        name=f"Tianditu.{label}",
        url=(
            "https://t{s}.tianditu.gov.cn/" + layer + "_w/wmts?SERVICE=WMTS&REQUEST=GetTile"
            "&VERSION=1.0.0&LAYER=" + layer + "&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles"
            "&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}&tk={apikey}"
        ),
        subdomains="01234567",
        max_zoom=18,
        apikey="<insert your key>",
        attribution="天地图 Tianditu",
        html_attribution='&copy; <a href="https://www.tianditu.gov.cn/">天地图</a>',
    )


@dataclass(frozen=True)
class Basemap:
    """A basemap choice: tile layers drawn bottom-up, and the grid its tiles are drawn in."""

    id: str
    label_zh: str
    label_en: str
    tiles: tuple[xyzservices.TileProvider, ...]
    #: Gaode tiles are in GCJ-02: WGS84 features must be shifted onto them (~460 m here).
    gcj02: bool = False
    #: Environment variable that must hold a key for this basemap to be offered.
    key_env: str | None = None


#: A local or intranet XYZ tile server, e.g. ``http://tiles.example.gov/{z}/{x}/{y}.png``.
LOCAL_TILES_ENV: Final = "PROJECT_MAP_TILES_URL"

BASEMAPS: Final[dict[str, Basemap]] = {
    b.id: b
    for b in (
        Basemap("light", "浅色底图", "Light grey (Esri)", (xyz.Esri.WorldGrayCanvas,)),
        Basemap("satellite", "卫星影像", "Satellite (Esri)", (xyz.Esri.WorldImagery,)),
        Basemap("osm", "OpenStreetMap", "OpenStreetMap", (xyz.OpenStreetMap.Mapnik,)),
        Basemap(
            "tianditu",
            "天地图",
            "Tianditu",
            (_tianditu("vec", "Vector"), _tianditu("cva", "Labels")),
            key_env=TIANDITU_KEY_ENV,
        ),
        Basemap("gaode", "高德地图", "Gaode (GCJ-02)", (xyz.Gaode.Normal,), gcj02=True),
        Basemap("none", "无底图", "No basemap", ()),
    )
}
#: Basemap chosen when the app opens; "none" suits a network with no tile server at all.
DEFAULT_BASEMAP_ENV: Final = "PROJECT_MAP_BASEMAP"


def default_basemap() -> str:
    """The basemap the app opens with: ``$PROJECT_MAP_BASEMAP`` if usable, else light grey."""
    wanted = os.environ.get(DEFAULT_BASEMAP_ENV, "").strip()
    return wanted if wanted in available_basemaps() else "light"


def available_basemaps() -> dict[str, Basemap]:
    """Basemaps usable now: Tianditu only with a key; a local tile server when configured."""
    out: dict[str, Basemap] = {}
    for basemap in BASEMAPS.values():
        if basemap.key_env and not os.environ.get(basemap.key_env, "").strip():
            continue
        out[basemap.id] = basemap
    local = os.environ.get(LOCAL_TILES_ENV, "").strip()
    if local and check_tiles_url(local) is None:
        provider = xyzservices.TileProvider(
            name="Local", url=local, attribution="Local tiles", html_attribution="Local tiles"
        )
        out["local"] = Basemap("local", "本地瓦片", "Local tile server", (provider,))
    return out


#: Placeholders a tile URL template may hold (Leaflet's, as xyzservices fills them).
TILE_PLACEHOLDERS: Final = frozenset({"z", "x", "y", "s", "r"})


def check_tiles_url(url: str, lang: str = "en") -> str | None:
    """What is wrong with a tile URL template (``PROJECT_MAP_TILES_URL``), or None.

    >>> check_tiles_url("http://tiles.local/{z}/{x}/{y}.png") is None
    True
    >>> check_tiles_url("http://tiles.local/{z}/{x}/{-y}.png")
    'unknown placeholder {-y}; use {z}, {x}, {y} (and {s}, {r}) only'
    >>> check_tiles_url("http://tiles.local/{z}/{x}.png", "zh")
    '网址缺少 {y}；瓦片网址需要 {z}、{x} 和 {y}'
    """
    from i18n import t  # the catalogue imports nothing from here; kept lazy all the same

    if not re.fullmatch(r"https?://[^\s/]+\S*", url):
        return t("settings.tiles.scheme", lang)
    found = re.findall(r"\{([^{}]*)\}", url)
    unknown = [name for name in found if name not in TILE_PLACEHOLDERS]
    if unknown:
        return t("settings.tiles.placeholder", lang, name=unknown[0])
    rest = re.sub(r"\{[a-z]\}", "", url)
    if "{" in rest or "}" in rest:
        return t("settings.tiles.pair", lang)
    missing = [name for name in ("z", "x", "y") if name not in found]
    if missing:
        return t("settings.tiles.missing", lang, name=missing[0])
    return None


def settings_problems(lang: str = "en") -> list[str]:
    """Settings from the environment that cannot be used, each with its fix (shown at start
    in the page's language; the commands print English)."""
    from i18n import t

    problems = []
    local = os.environ.get(LOCAL_TILES_ENV, "").strip()
    problem = check_tiles_url(local, lang) if local else None
    if problem:
        problems.append(
            t(
                "settings.tiles.off",
                lang,
                env=LOCAL_TILES_ENV,
                value=repr(local[:200]),
                problem=problem,
            )
        )
    return problems


def tile_url(provider: xyzservices.TileProvider, basemap: Basemap) -> str:
    """The provider's URL template, with the configured key filled in where one is needed."""
    key = os.environ.get(basemap.key_env, "").strip() if basemap.key_env else None
    if key:
        return provider.build_url(fill_subdomain=False, apikey=key)
    return provider.build_url(fill_subdomain=False)
