"""The live map's projects in browser form: sent once, then only which are shown and how.

A filter change used to send every shown geometry again (4.8 MB per new filter state at
10,000 features). Here every located project goes to the browser once per data version,
basemap grid and language (:func:`browser_data`, put into the page by the UI as a script that
Streamlit caches by hash), and each filter state is one character per project
(:func:`view_codes`): ``.`` hidden, or the status and target flag to draw it with. The
browser (``maps/webmap.js``) keeps the drawn features and only shows, hides or restyles them.

Compact encoding: coordinates are integers on the ``BROWSER_GRID`` (about 1 m) relative to an
origin, each ring delta-encoded; properties go in columns, strings already HTML-escaped.
"""

from __future__ import annotations

import functools
import gzip
import hashlib
import itertools
import json
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo import settings
from geo.coords import to_gcj02
from geo.filter import ProjectFilter, apply_filter, split_by_placement
from geo.html import escape_html
from geo.timeline import milestone_span, period_steps, time_steps
from geo.view import ViewState, time_label
from i18n import t
from layers import LAYERS, STATUS_STYLES
from layers.symbols import AREA_MARKER_SIZE, symbol_for

#: Coordinates sent to the browser are rounded to this grid (degrees, about 1 m).
BROWSER_GRID = 1e-5
#: How an area or a line looks under the mouse (Leaflet path options).
HIGHLIGHT_STYLE = {"weight": 6, "fillOpacity": 0.6}
#: The character of a hidden project in :func:`view_codes`.
HIDDEN = "."
STATUSES = tuple(STATUS_STYLES)
PRECISIONS = ("exact", "approximate", "schematic")
#: Geometry kinds as the browser decodes them (points and multipoints become markers).
_KINDS = {
    "Point": 1,
    "LineString": 2,
    "Polygon": 3,
    "MultiPoint": 4,
    "MultiLineString": 5,
    "MultiPolygon": 6,
}
#: shapely's geometry type ids of those kinds.
_TYPE_NAMES = {0: "Point", 1: "LineString", 3: "Polygon", 4: "MultiPoint"}
_TYPE_NAMES |= {5: "MultiLineString", 6: "MultiPolygon"}
# U+2028/9 end a line in older JavaScript.
_SCRIPT_SAFE = str.maketrans({"\u2028": "\\u2028", "\u2029": "\\u2029"})
#: Data files kept in their folder (:func:`write_data_file`), the least recently used removed
#: first: a few data versions × basemap grids × languages.
DATA_FILES_KEPT = 24


@dataclass(frozen=True)
class BrowserData:
    """Every located project in browser form, and how to address it.

    ``key`` names this version in the browser (a hash of the payload); ``ids`` gives each
    project's position in the payload, which :func:`view_codes` follows.
    """

    key: str
    payload: str
    ids: pd.Index = field(repr=False)
    layers: tuple[str, ...] = field(repr=False)

    @functools.cached_property
    def element(self) -> str:
        """HTML for the page: a script that hands the payload to the map's browser side."""
        return data_script("shinan-data", self.key, self.payload)

    def _repr_html_(self) -> str:
        # st.html(self) takes this as it is; given a str, it would dedent tens of MB on every
        # rerun (seconds at 100,000 projects) to the same text.
        return self.element

    @property
    def size(self) -> int:
        """Bytes of the payload as sent."""
        return len(self.payload.encode())


def data_script(tag: str, key: str, payload: str) -> str:
    """A script for the page that stores ``payload`` (script-safe JSON) as ``__shinanData[key]``
    in the top window, where the map's frame finds it; ``tag`` names it in a comment."""
    return (
        f"<script>/* {tag} {key} */(function () {{"
        "var root = window.parent && window.parent.document ? window.parent : window;"
        "(root.__shinanData = root.__shinanData || {})["
        + json.dumps(key)
        + "] = "
        + payload
        + ";})();</script>"
    )


def write_data_file(data: BrowserData, folder: Path) -> Path:
    """``data``'s payload as ``folder/<key>.json`` and gzipped beside it (``.json.gz``), written
    once (the name is a hash of the text, so a file of that name holds that text) and marked
    used when used again; the least recently used beyond :data:`DATA_FILES_KEPT` are removed.
    Returns the ``.json`` path. Raises OSError when the folder cannot be written.

    The map fetches this file itself (:func:`loader_script`) instead of receiving the payload
    in the page's messages: Streamlit's page decoded, sanitised and rendered a 2.5 MB script
    (10,000 projects) on its main thread before it made the map's frame. Compressed once
    here, the server sends the file as it is (its own gzip would compress the 2.5 MB again
    for every visitor: ~0.3 s of a core each).
    """
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{data.key}.json"
    body = data.payload.encode()
    written = publish(path, lambda: body, size=len(body))
    # Two servers writing the same version write the same bytes (mtime=0 in the gzip header).
    packed = path.with_name(path.name + ".gz")
    written = publish(packed, lambda: gzip.compress(body, 6, mtime=0)) or written
    if written:
        for pattern in ("*.json", "*.json.gz"):
            prune(folder, pattern, keep=DATA_FILES_KEPT)
    return path


#: The modification time of every content-named file a page fetches (2000-01-01). Streamlit
#: serves app static files with no Cache-Control, so a browser keeps a file for a tenth of its
#: age (heuristic freshness, from Last-Modified): at this age it keeps it without asking. A
#: file touched on use was fetched again on every visit. The name changes with the content,
#: so a kept copy is always the right one; use is marked in the ctime instead (:func:`prune`).
FIXED_MTIME_NS: Final = 946_684_800 * 10**9


def publish(path: Path, body: Callable[[], bytes], *, size: int | None = None) -> bool:
    """Write ``body()`` to the content-named ``path`` unless it is there already (of ``size``
    bytes, or not empty), then only mark it used; True when written. Written beside and
    renamed, so a browser never reads half a file; modified at :data:`FIXED_MTIME_NS`."""
    fixed = (FIXED_MTIME_NS, FIXED_MTIME_NS)
    try:
        found = path.stat().st_size
        if found == size or (size is None and found > 0):
            # Setting the same times marks the file used (its ctime) and leaves what the
            # browser sees (Last-Modified, the ETag) as it was.
            os.utime(path, ns=fixed)
            return False
    except FileNotFoundError:
        pass
    partial = path.with_name(f".{path.name}.{os.getpid()}.partial")
    partial.write_bytes(body())
    os.utime(partial, ns=fixed)
    os.replace(partial, path)
    return True


def prune(folder: Path, pattern: str, *, keep: int) -> None:
    """Remove the files matching ``pattern`` beyond the ``keep`` most recently used (ctime)."""
    files = sorted(folder.glob(pattern), key=lambda f: f.stat().st_ctime_ns, reverse=True)
    for old in files[keep:]:
        old.unlink(missing_ok=True)


def loader_script(key: str, url: str, *, failed: str) -> str:
    """A small script for the page that fetches the data file at ``url`` (same origin) into
    the top window's ``__shinanData[key]``, once per page (dropping the version it fetched
    before); the map's frame finds it there as it finds the inline payload
    (:func:`data_script`). When the file cannot be read, ``failed`` (plain text, with the
    reason appended) is kept in ``__shinanDataFailed[key]`` for the map to show. Its text
    changes only with the data version: a rerun sends the same ~1 KB, and the page, which
    has the data already, fetches nothing."""
    args = json.dumps([key, url, failed], ensure_ascii=False)
    args = args.replace("<", "\\u003c").translate(_SCRIPT_SAFE)
    return (
        f"<script>/* shinan-data {key} file */(function (a) {{"
        "var root = window.parent && window.parent.document ? window.parent : window;"
        "var data = (root.__shinanData = root.__shinanData || {});"
        "var loading = (root.__shinanLoading = root.__shinanLoading || {});"
        "if (data[a[0]] || loading[a[0]]) return;"
        "var failed = (root.__shinanDataFailed = root.__shinanDataFailed || {});"
        "delete failed[a[0]];"
        # The gzipped file where the browser can unpack it (every current one can).
        "var gz = typeof DecompressionStream === 'function';"
        "loading[a[0]] = fetch(gz ? a[1] + '.gz' : a[1], {credentials: 'same-origin'})"
        ".then(function (r) {"
        "if (!r.ok) throw new Error('HTTP ' + r.status);"
        "return gz ? new Response(r.body.pipeThrough(new DecompressionStream('gzip'))).json()"
        " : r.json();"
        # A new version replaces the one fetched before (tens of MB at 100,000 projects); the
        # map keeps its own decoded copy until it shows the new one.
        "}).then(function (d) { data[a[0]] = d; delete loading[a[0]];"
        "var files = (root.__shinanFiles = root.__shinanFiles || []);"
        "files.push(a[0]); while (files.length > 1) delete data[files.shift()]; },"
        "function (e) { failed[a[0]] = a[2] + ' (' + a[1] + ': ' + e.message + ')';"
        "delete loading[a[0]]; });"
        f"}})({args});</script>"
    )


def browser_data(gdf: gpd.GeoDataFrame, *, gcj02: bool = False, lang: str = "zh") -> BrowserData:
    """All of ``gdf``'s located projects (district totals and unlocated left off) for the browser.

    ``gdf`` is the whole loaded frame, not a filtered one: filters only pick from this.
    """
    whole = gdf
    gdf = split_by_placement(gdf)[0]
    gdf = gdf[gdf.geometry.notna() & ~gdf.geometry.is_empty]
    if gcj02 and len(gdf):
        gdf = to_gcj02(gdf)
    geoms = gdf.geometry.values
    xmin, ymin = gdf.total_bounds[:2] if len(gdf) else (0.0, 0.0)
    origin = (round(float(xmin), 2), round(float(ymin), 2))
    layers = tuple(LAYERS)
    names, labels = _names(gdf, lang)
    payload = {
        "origin": list(origin),
        "grid": BROWSER_GRID,
        "layers": list(layers),
        "statuses": list(STATUSES),
        "precisions": list(PRECISIONS),
        "text": _text(lang),
        "colors": {s: STATUS_STYLES[s].color for s in STATUSES},
        "z": {spec.id: spec.z_order for spec in LAYERS.values()},
        "symbols": {layer: layer_symbols(layer) for layer in layers},
        "highlight": HIGHLIGHT_STYLE,
        "id": gdf["id"].astype(str).tolist(),
        "layer": pd.Index(layers).get_indexer(gdf["layer"]).tolist(),
        "prec": pd.Index(PRECISIONS).get_indexer(gdf["location_precision"]).tolist(),
        "name": names,
        "lbl": labels,
        "geom": _encode_geometries(geoms, origin),
        "la": _anchors(geoms, origin),
    }
    payload["filter"] = filter_views(whole, pd.Index(payload["id"]), layers, lang)
    text = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
    # No "<" at all: it cannot close the script, and the page's sanitizer (DOMPurify) drops a
    # script whose text holds "<" before a letter, "/" or "!" (its mXSS guard).
    text = text.replace("<", "\\u003c").translate(_SCRIPT_SAFE)
    key = hashlib.sha256(text.encode()).hexdigest()[:16]
    return BrowserData(key=key, payload=text, ids=pd.Index(payload["id"]), layers=layers)


def view_codes(
    data: BrowserData, gdf_shown: gpd.GeoDataFrame, *, layers: tuple[str, ...] | None = None
) -> str:
    """One character per project of ``data``: hidden, or the status and target to draw.

    ``gdf_shown`` is a filtered frame (``geo.filter.apply_filter``): its ``status`` is the
    status in the chosen time and ``status_is_target`` marks a 2021 target. Projects of
    ``layers`` only (all when None); projects not in ``data`` are ignored.
    """
    codes = np.full(len(data.ids), ord(HIDDEN), dtype=np.uint8)
    if layers is not None:
        gdf_shown = gdf_shown[gdf_shown["layer"].isin(list(layers))]
    if len(gdf_shown):
        where = data.ids.get_indexer(gdf_shown["id"])
        status = pd.Index(STATUSES).get_indexer(gdf_shown["status"])
        if "status_is_target" in gdf_shown:
            target = gdf_shown["status_is_target"].fillna(False).astype(bool).to_numpy()
        else:
            target = np.zeros(len(gdf_shown), dtype=bool)
        keep = (where >= 0) & (status >= 0)
        codes[where[keep]] = ord("a") + 2 * status[keep] + target[keep]
    return codes.tobytes().decode("ascii")


def filter_views(
    gdf: gpd.GeoDataFrame, ids: pd.Index, layers: tuple[str, ...], lang: str
) -> dict[str, Any]:
    """What the browser needs to filter by itself exactly as :func:`view_codes` of
    :func:`geo.filter.apply_filter` would (``maps/viewcodes.js``), sent once per data version.

    Layers and statuses filter independently of time, so one string per time view is enough:
    ``all`` (the report date), ``asOf[year]`` for every year the sidebar's "as of" slider offers
    (:func:`geo.timeline.time_steps`, the 2021 targets included), each Python's codes with every
    layer and status shown; and for the period view, ``spans`` (every span a milestone is dated
    by) with ``inSpan[k]``: ``"1"`` where a project has a milestone of exactly that span (a
    period keeps a project when one of them lies inside it). ``text`` holds the year label and
    ``legend`` every legend row and cell, hidden until the browser picks the shown ones.
    """
    from maps.webmap import legend_html  # maps.webmap imports this module: import when called

    form = BrowserData(key="", payload="", ids=ids, layers=layers)
    steps = time_steps(gdf["milestones"]) or [settings.LAST_YEAR]
    spans = period_steps(gdf["milestones"])
    by_id = dict(zip(gdf["id"].astype(str), gdf["milestones"], strict=True))
    have = [{milestone_span(m) for m in by_id.get(i, ())} for i in ids]
    marker = "\x00"
    period = time_label(ViewState(mode="period", years=(0, 0)), lang)
    return {
        "steps": steps,
        "all": view_codes(form, apply_filter(gdf, ProjectFilter())),
        "asOf": {
            str(y): view_codes(form, apply_filter(gdf, ProjectFilter(as_of=y))) for y in steps
        },
        "spans": [list(span) for span in spans],
        "inSpan": ["".join("1" if span in h else "0" for h in have) for span in spans],
        "planned": STATUSES.index("planned"),
        "text": {
            "all": time_label(ViewState(mode="all"), lang),
            "asOf": {str(y): time_label(ViewState(mode="as_of", as_of=y), lang) for y in steps},
            "period": [
                t("time.label.period", lang, span=marker).split(marker),
                period[1],
            ],
        },
        "legend": legend_html(lang=lang, every=True),
    }


@functools.cache
def layer_symbols(layer: str) -> dict[str, dict[str, Any]]:
    """Every symbol of a layer, keyed ``"status|target|schematic"`` as the browser looks it up."""
    table = {}
    for status in STATUS_STYLES:
        for target, schematic in itertools.product((0, 1), (0, 1)):
            symbol = symbol_for(
                layer, status, target=bool(target), precision="schematic" if schematic else "exact"
            )
            table[f"{status}|{target}|{schematic}"] = {
                "style": symbol.path_style(),
                "svg": symbol.marker_svg(),
                "size": round(symbol.marker_size * (1.4 if schematic else 1)),
                "areaSvg": symbol.marker_svg(AREA_MARKER_SIZE),
                "area": round(AREA_MARKER_SIZE * (1.4 if schematic else 1)),
            }
    return table


def _names(gdf: gpd.GeoDataFrame, lang: str) -> tuple[list[str], list[str]]:
    """Tooltip names and map labels, escaped (no raw name reaches the page)."""
    zh, en = gdf["name_zh"].astype(str), gdf["name_en"].astype(str)
    tip = {"en": en, "both": zh + " · " + en}.get(lang, zh)
    label = en if lang == "en" else zh
    schematic = (gdf["location_precision"] == "schematic").to_numpy()
    labels = [
        t("label.schematic", lang, name=name) if flag else name
        for name, flag in zip(label, schematic, strict=True)
    ]
    return [escape_html(n) for n in tip], [escape_html(n) for n in labels]


def _text(lang: str) -> dict[str, object]:
    """The words the browser builds tooltips from, escaped."""
    marker = "\x00"
    target = escape_html(t("tip.target", lang, status=marker)).split(marker)
    return {
        "layer": {i: escape_html(t(f"layer.{i}", lang)) for i in LAYERS},
        "status": {s: escape_html(t(f"status.{s}", lang)) for s in STATUSES},
        "precision": {p: escape_html(t(f"precision.{p}", lang)) for p in PRECISIONS},
        "target": target if len(target) == 2 else ["", ""],
    }


def _grid(xy: np.ndarray, origin: tuple[float, float]) -> np.ndarray:
    return np.round((xy - np.asarray(origin)) / BROWSER_GRID).astype(np.int64)


def _encode_geometries(geoms, origin: tuple[float, float]) -> list:
    """Each geometry as ``[kind, parts]``: integer grid coordinates, rings delta-encoded."""
    out: list = [None] * len(geoms)
    kinds = shapely.get_type_id(geoms)
    for type_id in np.unique(kinds):
        name = _TYPE_NAMES.get(int(type_id))
        if name is None:  # the loader admits none other; never guess a shape
            continue
        rows = np.flatnonzero(kinds == type_id)
        for row, encoded in zip(rows, _encode_kind(geoms[rows], name, origin), strict=True):
            out[row] = [_KINDS[name], encoded]
    return out


def _encode_kind(geoms, name: str, origin: tuple[float, float]) -> list:
    """Geometries of one kind, encoded with one pass over all their coordinates."""
    _, coords, offsets = shapely.to_ragged_array(geoms, include_z=False)
    grid = _grid(coords, origin)
    if name == "Point":
        return grid.tolist()
    # The innermost offsets cut coordinates into rings (or lines); delta-encode each.
    starts = offsets[0]
    delta = grid.copy()
    delta[1:] -= grid[:-1]
    delta[starts[:-1]] = grid[starts[:-1]]
    rings = [part.ravel().tolist() for part in np.split(delta, starts[1:-1])]
    if name in ("LineString", "MultiPoint"):
        # One run each: a line's vertices, or a multipoint's points (absolute, not deltas).
        if name == "MultiPoint":
            return [grid[a:b].tolist() for a, b in zip(starts[:-1], starts[1:], strict=True)]
        return rings
    nested = [rings[a:b] for a, b in zip(offsets[1][:-1], offsets[1][1:], strict=True)]
    if name in ("Polygon", "MultiLineString"):
        return nested
    return [nested[a:b] for a, b in zip(offsets[2][:-1], offsets[2][1:], strict=True)]


def _anchors(geoms, origin: tuple[float, float]) -> list:
    """Where an area's or a line's marker and label go (None for points): on the grid.

    Inside an area (``point_on_surface``); halfway along a line (the longest part of many).
    """
    out: list = [None] * len(geoms)
    kinds = shapely.get_type_id(geoms)
    areas = np.isin(kinds, [3, 6])
    lines = kinds == 1
    multi_lines = np.flatnonzero(kinds == 5)
    points = np.full((len(geoms), 2), np.nan)
    if areas.any():
        points[areas] = shapely.get_coordinates(shapely.point_on_surface(geoms[areas]))
    if lines.any():
        at = shapely.line_interpolate_point(geoms[lines], 0.5, normalized=True)
        points[lines] = shapely.get_coordinates(at)
    for row in multi_lines:
        longest = max(geoms[row].geoms, key=lambda g: g.length)
        points[row] = shapely.get_coordinates(longest.interpolate(0.5, normalized=True))[0]
    have = np.flatnonzero(~np.isnan(points[:, 0]))
    grid = _grid(points[have], origin).tolist()
    for row, xy in zip(have, grid, strict=True):
        out[row] = xy
    return out


# Reading it back (tests, debugging): the inverse of the encoding above ------------------------
_VIEW = re.compile(r'Shinan\.View\("([0-9a-f]+)", "([^"]*)"\)')


_LOADER = re.compile(r"/\* shinan-data ([0-9a-f]+) file \*/")


def read_element(html: str, folder: Path | None = None) -> dict[str, Any]:
    """The payload of a :attr:`BrowserData.element` as a dict (raises ValueError if none), or
    of a :func:`loader_script`'s file, read from ``folder`` (:func:`write_data_file`)."""
    loader = _LOADER.search(html[:80])
    if loader and folder is not None:
        return json.loads((folder / f"{loader.group(1)}.json").read_text("utf-8"))
    start, end = html.find("] = "), html.rfind(";})();</script>")
    if "/* shinan-data " not in html:
        start = -1
    if start < 0 or end < 0:
        raise ValueError("not a project data element: expected BrowserData.element")
    return json.loads(html[start + 4 : end])


def read_views(script: str) -> list[tuple[str, str]]:
    """Every ``(key, codes)`` view in a map's feature-group script, in order."""
    return _VIEW.findall(script)


def shown_codes(payload: dict[str, Any], codes: str) -> dict[str, tuple[str, bool]]:
    """``{id: (status, is_target)}`` of the projects ``codes`` shows."""
    out = {}
    for project_id, code in zip(payload["id"], codes, strict=True):
        if code != HIDDEN:
            k = ord(code) - ord("a")
            out[project_id] = (payload["statuses"][k // 2], bool(k % 2))
    return out


def decode_geometries(payload: dict[str, Any]) -> list[shapely.Geometry]:
    """Every project's geometry as the browser draws it (on the grid, in degrees)."""
    ox, oy = payload["origin"]
    grid = payload["grid"]

    def point(xy):
        return (ox + xy[0] * grid, oy + xy[1] * grid)

    def ring(flat):
        xy = np.cumsum(np.asarray(flat, dtype=np.int64).reshape(-1, 2), axis=0)
        return [point(p) for p in xy]

    makers = {
        1: lambda c: shapely.Point(point(c)),
        2: lambda c: shapely.LineString(ring(c)),
        3: lambda c: shapely.Polygon(ring(c[0]), [ring(r) for r in c[1:]]),
        4: lambda c: shapely.MultiPoint([point(p) for p in c]),
        5: lambda c: shapely.MultiLineString([ring(p) for p in c]),
        6: lambda c: shapely.MultiPolygon(
            [shapely.Polygon(ring(p[0]), [ring(r) for r in p[1:]]) for p in c]
        ),
    }
    return [makers[kind](coords) for kind, coords in payload["geom"]]
