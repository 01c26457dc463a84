"""Basemap tiles for static snapshots: fetched with a short time budget, cached on disk.

An export must never hang or fail for lack of internet. :func:`fetch_basemap` asks for every
tile of the extent at once, gives up when the budget (default 2 s) runs out, and then returns
None so that the caller draws the offline context instead. Tiles that did arrive are cached,
so a later export on a slow network can still get a complete basemap. After a failure the
provider is not asked again for :data:`OFFLINE_RETRY_S` seconds (cached tiles are still used).

Tiles are Web Mercator (EPSG:3857) images; the result carries its Web Mercator bounds and the
caller warps it onto its own CRS. Gaode tiles are GCJ-02 (``TileImage.gcj02``): data drawn
over them must be shifted with :func:`geo.coords.to_gcj02`.
"""

from __future__ import annotations

import hashlib
import html
import io
import math
import os
import re
import time
import urllib.request
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import numpy as np
import xyzservices
from PIL import Image
from pyproj import Transformer

from geo import settings

#: Environment variable naming the cache folder (default ``~/.cache/shinan-project-map``).
CACHE_ENV: Final = "PROJECT_MAP_CACHE"
TILE_SIZE: Final = 256
#: Whole time allowed for one basemap, and for opening one connection (seconds).
TOTAL_TIMEOUT_S: Final = 2.0
CONNECT_TIMEOUT_S: Final = 1.0
#: A snapshot needs at most this many tiles per tile layer; the zoom is lowered to stay under.
MAX_TILES: Final = 96
MAX_WORKERS: Final = 6
#: After a provider failed, go offline for it this long (seconds) instead of waiting again.
OFFLINE_RETRY_S: Final = 60.0
#: Cached tiles older than this are fetched again (seconds): basemaps change.
CACHE_MAX_AGE_S: Final = 30 * 24 * 3600.0
USER_AGENT: Final = "shinan-project-map/0.1 (static map export; +python urllib)"

_HALF_WORLD = 20037508.342789244
_TO_MERCATOR = Transformer.from_crs(settings.STORAGE_CRS, "EPSG:3857", always_xy=True)
_offline_until: dict[str, float] = {}

Fetch = Callable[[str, float], bytes]


@dataclass(frozen=True)
class TileImage:
    """A basemap mosaic: RGBA pixels and the Web Mercator bounds they cover."""

    image: np.ndarray
    #: (xmin, ymin, xmax, ymax) in EPSG:3857 metres.
    bounds: tuple[float, float, float, float]
    zoom: int
    attribution: str
    gcj02: bool = False


def cache_dir() -> Path:
    """The tile cache: ``$PROJECT_MAP_CACHE/tiles``, else ``~/.cache/shinan-project-map/tiles``."""
    root = os.environ.get(CACHE_ENV, "").strip()
    base = Path(root) if root else Path.home() / ".cache" / "shinan-project-map"
    return base / "tiles"


def fetch_url(url: str, timeout: float) -> bytes:
    """GET one tile; raises ``OSError`` (``URLError``, timeouts) on any network failure."""
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return response.read()


def fetch_basemap(
    basemap_id: str,
    bounds: tuple[float, float, float, float],
    *,
    width_px: int,
    timeout: float = TOTAL_TIMEOUT_S,
    fetch: Fetch | None = None,
) -> TileImage | None:
    """Return the basemap mosaic covering ``bounds`` (lon/lat), or None when it cannot be had.

    Parameters
    ----------
    basemap_id
        A key of :func:`geo.settings.available_basemaps`; ``"none"`` or an unknown id gives None.
    bounds
        (west, south, east, north) in WGS84 degrees.
    width_px
        Width in pixels the extent will be drawn at; sets the zoom (at most ``MAX_TILES``).
    timeout
        Whole time budget in seconds; when it runs out the result is None (offline fallback).
    fetch
        ``(url, timeout) -> bytes``; default :func:`fetch_url`. Tests replace it (or
        ``fetch_url``) so that no test touches the internet.
    """
    basemap = settings.available_basemaps().get(basemap_id)
    if basemap is None or not basemap.tiles:
        return None
    deadline = time.monotonic() + timeout
    fetch = fetch or fetch_url
    west, south, east, north = bounds
    xs, ys = _TO_MERCATOR.transform([west, east], [south, north])
    merc = (min(xs), min(ys), max(xs), max(ys))
    max_zoom = min(int(p.get("max_zoom", 18)) for p in basemap.tiles)
    zoom = choose_zoom(merc, width_px=width_px, max_zoom=max_zoom)
    columns, rows = tile_range(merc, zoom)
    layers = []
    for provider in basemap.tiles:
        mosaic = _fetch_mosaic(provider, basemap, zoom, columns, rows, deadline, fetch)
        if mosaic is None:
            return None
        layers.append(mosaic)
    image = layers[0]
    for overlay in layers[1:]:
        image = _composite(image, overlay)
    attribution = " / ".join(_plain(p.get("attribution", p.name)) for p in basemap.tiles)
    return TileImage(
        image=image,
        bounds=tiles_bounds(columns, rows, zoom),
        zoom=zoom,
        attribution=attribution,
        gcj02=basemap.gcj02,
    )


def choose_zoom(
    bounds: tuple[float, float, float, float], *, width_px: int, max_zoom: int = 18
) -> int:
    """The zoom whose tile pixels are about the size of the output's pixels, within limits.

    >>> choose_zoom((13.38e6, 4.30e6, 13.40e6, 4.31e6), width_px=1500)
    14
    """
    width_m = max(bounds[2] - bounds[0], 1.0)
    zoom = math.ceil(math.log2(width_px * 2 * _HALF_WORLD / (TILE_SIZE * width_m)))
    zoom = max(1, min(zoom, max_zoom))
    while zoom > 1:
        columns, rows = tile_range(bounds, zoom)
        if len(columns) * len(rows) <= MAX_TILES:
            break
        zoom -= 1
    return zoom


def tile_range(bounds: tuple[float, float, float, float], zoom: int) -> tuple[range, range]:
    """Tile columns and rows (XYZ scheme, rows from the north) that cover Web Mercator bounds."""
    size = 2 * _HALF_WORLD / 2**zoom
    last = 2**zoom - 1

    def index(value: float, from_north: bool) -> int:
        offset = (_HALF_WORLD - value) if from_north else (value + _HALF_WORLD)
        return max(0, min(last, int(offset // size)))

    xmin, ymin, xmax, ymax = bounds
    columns = range(index(xmin, False), index(xmax, False) + 1)
    rows = range(index(ymax, True), index(ymin, True) + 1)
    return columns, rows


def tiles_bounds(columns: range, rows: range, zoom: int) -> tuple[float, float, float, float]:
    """Web Mercator bounds of a block of tiles."""
    size = 2 * _HALF_WORLD / 2**zoom
    xmin = -_HALF_WORLD + columns.start * size
    xmax = -_HALF_WORLD + columns.stop * size
    ymax = _HALF_WORLD - rows.start * size
    ymin = _HALF_WORLD - rows.stop * size
    return xmin, ymin, xmax, ymax


def build_tile_url(
    provider: xyzservices.TileProvider, basemap: settings.Basemap, zoom: int, x: int, y: int
) -> str:
    """The URL of one tile of ``provider`` (key filled in where the basemap needs one)."""
    template = settings.tile_url(provider, basemap)
    subdomains = str(provider.get("subdomains", "abc"))
    values = {
        "{s}": subdomains[(x + y) % len(subdomains)] if subdomains else "",
        "{z}": str(zoom),
        "{x}": str(x),
        "{y}": str(y),
        "{r}": "",
    }
    for field, value in values.items():
        template = template.replace(field, value)
    return template


def _fetch_mosaic(
    provider: xyzservices.TileProvider,
    basemap: settings.Basemap,
    zoom: int,
    columns: range,
    rows: range,
    deadline: float,
    fetch: Fetch,
) -> np.ndarray | None:
    """All tiles of one provider pasted into one RGBA array; None if any is missing."""
    wanted = [(x, y) for y in rows for x in columns]
    tiles: dict[tuple[int, int], bytes] = {}
    missing = []
    for x, y in wanted:
        cached = _read_cache(provider, zoom, x, y)
        if cached is not None:
            tiles[(x, y)] = cached
        else:
            missing.append((x, y))
    if missing:
        fetched = _fetch_missing(provider, basemap, zoom, missing, deadline, fetch)
        if fetched is None:
            return None
        tiles.update(fetched)
    mosaic = np.zeros((len(rows) * TILE_SIZE, len(columns) * TILE_SIZE, 4), dtype=np.uint8)
    for (x, y), data in tiles.items():
        pixels = _decode(data)
        if pixels is None:
            return None
        top, left = (y - rows.start) * TILE_SIZE, (x - columns.start) * TILE_SIZE
        mosaic[top : top + TILE_SIZE, left : left + TILE_SIZE] = pixels
    return mosaic


def _fetch_missing(
    provider: xyzservices.TileProvider,
    basemap: settings.Basemap,
    zoom: int,
    missing: Sequence[tuple[int, int]],
    deadline: float,
    fetch: Fetch,
) -> dict[tuple[int, int], bytes] | None:
    """Fetch tiles in parallel until the deadline; None (and go offline) if any fails."""
    if _offline_until.get(provider.name, 0.0) > time.monotonic():
        return None
    executor = ThreadPoolExecutor(max_workers=MAX_WORKERS)
    try:
        futures = {
            executor.submit(_fetch_one, provider, basemap, zoom, x, y, deadline, fetch): (x, y)
            for x, y in missing
        }
        done, pending = wait(futures, timeout=max(0.0, deadline - time.monotonic()))
        results = {futures[f]: f.result() for f in done if f.exception() is None}
    finally:
        # Running requests end by their own socket timeout; queued ones are dropped.
        executor.shutdown(wait=False, cancel_futures=True)
    if pending or len(results) < len(missing) or any(v is None for v in results.values()):
        _offline_until[provider.name] = time.monotonic() + OFFLINE_RETRY_S
        return None
    return results


def _fetch_one(
    provider: xyzservices.TileProvider,
    basemap: settings.Basemap,
    zoom: int,
    x: int,
    y: int,
    deadline: float,
    fetch: Fetch,
) -> bytes | None:
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        return None
    try:
        data = fetch(
            build_tile_url(provider, basemap, zoom, x, y), min(CONNECT_TIMEOUT_S, remaining)
        )
    except (OSError, ValueError):
        return None
    if _decode(data) is None:
        return None
    _write_cache(provider, zoom, x, y, data)
    return data


def _decode(data: bytes) -> np.ndarray | None:
    try:
        with Image.open(io.BytesIO(data)) as image:
            pixels = np.asarray(image.convert("RGBA"))
    except (OSError, ValueError, Image.DecompressionBombError):
        return None
    return pixels if pixels.shape[:2] == (TILE_SIZE, TILE_SIZE) else None


def _cache_path(provider: xyzservices.TileProvider, zoom: int, x: int, y: int) -> Path:
    # Keyed by the URL template as well as the name: a new PROJECT_MAP_TILES_URL (all are
    # named "Local") must not be served the old server's tiles. Hashed: it may hold a key.
    digest = hashlib.sha256(str(provider.get("url", "")).encode("utf-8")).hexdigest()[:12]
    folder = re.sub(r"[^A-Za-z0-9_.-]", "_", provider.name) + f"-{digest}"
    return cache_dir() / folder / str(zoom) / str(x) / f"{y}.tile"


def _read_cache(provider: xyzservices.TileProvider, zoom: int, x: int, y: int) -> bytes | None:
    path = _cache_path(provider, zoom, x, y)
    try:
        if time.time() - path.stat().st_mtime > CACHE_MAX_AGE_S:
            return None  # stale: fetched again (and rewritten) when the network allows
        return path.read_bytes()
    except OSError:
        return None


def _write_cache(
    provider: xyzservices.TileProvider, zoom: int, x: int, y: int, data: bytes
) -> None:
    path = _cache_path(provider, zoom, x, y)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(f".{os.getpid()}.part")
        partial.write_bytes(data)
        partial.replace(path)
    except OSError:
        return  # a read-only or full disk only costs the cache


def _composite(base: np.ndarray, overlay: np.ndarray) -> np.ndarray:
    """``overlay`` drawn over ``base`` (both RGBA uint8)."""
    alpha = overlay[..., 3:4].astype(np.float32) / 255.0
    rgb = overlay[..., :3] * alpha + base[..., :3] * (1.0 - alpha)
    out = base.copy()
    out[..., :3] = rgb.round().astype(np.uint8)
    out[..., 3] = np.maximum(base[..., 3], overlay[..., 3])
    return out


def _plain(attribution: str) -> str:
    """Attribution as plain text: tags dropped, entities decoded."""
    return html.unescape(re.sub(r"<[^>]+>", "", str(attribution))).strip()
