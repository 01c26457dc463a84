"""A static map snapshot (PNG, SVG, PDF) of what the map shows, drawn with matplotlib.

Coordinates: EPSG:4549 (``settings.METRIC_CRS``), one map unit = one true metre. Only
``matplotlib.figure.Figure`` with the Agg canvas is used: no pyplot, no change to global
rcParams, so the Streamlit app can render from any thread. The pieces: page sizes
(``maps.page``), extent (``maps.extent``), layout and type sizes (``maps.layout``), background
(``maps.background``), features and labels (``maps.features``, ``maps.labels``), legend
(``maps.legend``), figures box (``maps.figures_box``), inset (``maps.inset``), furniture
(``maps.furniture``, ``maps.scalebar``), caption (``maps.caption``), saving (``maps.vectors``).
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
import shapely.affinity
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from geo import schema, settings
from geo.coords import to_gcj02
from geo.filter import ProjectFilter, split_by_placement
from geo.text import strip_hidden
from i18n import t
from layers import LAYERS
from maps import figures_box, offline, scalebar, tiles
from maps.background import (
    draw_boundary,
    draw_context_labels,
    draw_offline_context,
    draw_tiles,
    read_context,
    setup_map_axes,
)
from maps.caption import (
    caption_lines,
    caption_paragraphs,
    default_title,
    draw_caption,
    draw_title,
)
from maps.extent import clamp_extent, lonlat_bounds, metric_limits, snapshot_extent, zoomed
from maps.features import (
    draw_features,
    feature_anchor,
    label_requests,
)
from maps.figures_box import district_figures
from maps.fonts import (
    TEXT_COLOR,
    cjk_font,
)
from maps.formats import IMAGE_FORMATS
from maps.frame import ZOOMS, FramePlan, frame_px, plan_frame, plan_in_frame
from maps.furniture import draw_north_arrow, draw_scalebar, numeric_scale, text_px
from maps.labels import LabelPlacement, place_labels
from maps.layout import FrameContent, Layout, page_layout, place_box
from maps.legend import LegendRow, draw_legend, legend_rows, measure_legend
from maps.page import DEFAULT_PRESET, PRESETS, PageSize
from maps.vectors import figure_bytes


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
    #: False: the caption keeps the filters and counts only; the sources and the furniture
    #: line go in a footer the page shares (the comparison image's two panels).
    furniture: bool = True

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
        return title or default_title(self.view, self.lang)


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
class SharedFrame:
    """One page layout and one frame (limits, old-city inset, scale bar, north arrow) for
    several panels of one page: the comparison's two sides match place by place, each with
    its own legend and figures box (:func:`shared_frame`)."""

    layout: Layout
    plan: FramePlan


@dataclass(frozen=True)
class Inset:
    """The old-city inset: its axes, pixel box, ground (metres) and labels."""

    ax: Axes
    box: tuple[float, float, float, float]
    ground: tuple[float, float, float, float]
    keys: tuple[str, ...]
    placement: LabelPlacement
    scale_bar: scalebar.ScaleBar | None = None


def render_snapshot(
    gdf_shown: gpd.GeoDataFrame,
    boundary: gpd.GeoDataFrame,
    *,
    spec: SnapshotSpec,
    context: gpd.GeoDataFrame | None = None,
    basemap_image: tiles.TileImage | None = None,
    frame: SharedFrame | None = None,
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
    frame
        The layout and frame this panel shares with others on one page (:func:`shared_frame`).
    """
    drawn = draw_snapshot(
        gdf_shown, boundary, spec=spec, context=context, basemap_image=basemap_image, frame=frame
    )
    return figure_bytes(drawn.figure, fmt=spec.fmt, title=spec.shown_title)


def shared_frame(
    panels: Sequence[tuple[gpd.GeoDataFrame, SnapshotSpec]], boundary: gpd.GeoDataFrame
) -> SharedFrame:
    """The frame several panels on one page share (same page size, one extent): the layout of
    the panel whose caption needs most lines, limits and an inset chosen so that the boxes
    have room beside every panel's symbols (planned for all of them at once, with the larger
    figures box)."""
    spec = panels[0][1]
    fig = Figure(figsize=spec.page.size_in, dpi=spec.page.dpi)
    FigureCanvasAgg(fig)
    renderer = fig.canvas.get_renderer()
    layouts, located, figures = [], [], []
    for part, one in panels:
        shown, totals, unlocated = split_by_placement(part[part["layer"].isin(one.view.layers)])
        layouts.append(
            _layout_for_caption(fig, one, shown, (len(totals), len(unlocated)), renderer)
        )
        located.append(shown)
        figures.append(district_figures(totals, one.lang, one.view))
    layout = max(layouts, key=lambda lay: lay.caption_lines)
    both = gpd.GeoDataFrame(pd.concat(located, ignore_index=True), crs=located[0].crs)
    layers = tuple(dict.fromkeys(x for _, one in panels for x in one.view.layers))
    every = replace(spec, view=replace(spec.view, layers=layers))
    largest = max(
        figures,
        key=lambda f: np.prod(
            figures_box.measure_box(f, spec.lang, layout.sizes["figures"], renderer) if f else 0
        ),
    )
    boundary_m = boundary.to_crs(settings.METRIC_CRS)
    plan = plan_frame(
        fig, layout, every, both.to_crs(settings.METRIC_CRS), boundary_m, largest, renderer
    )
    return SharedFrame(layout, plan)


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
    xlim, ylim = zoomed(*metric_limits(extent, aspect), ZOOMS[-1])
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


def _layout_for_caption(fig, spec: SnapshotSpec, shown, off_map, renderer) -> Layout:
    """The page layout with room for the caption's lines, sized from a draft with the
    longest counts it can have (every project left out, a basemap credit, a 1:n scale)."""
    layout = page_layout(spec.page)
    many = max(len(shown), 10)
    draft = caption_paragraphs(
        spec,
        shown,
        off_map=off_map,
        omitted=many,
        outside=many,
        attribution=None if spec.basemap == "none" else "© OpenStreetMap contributors",
        numeric_scale=100_000 if layout.on_paper else None,
    )
    lines = caption_lines(fig, layout, draft, renderer, spec.lang)
    return layout if lines == layout.caption_lines else page_layout(spec.page, lines)


def draw_snapshot(
    gdf_shown: gpd.GeoDataFrame,
    boundary: gpd.GeoDataFrame,
    *,
    spec: SnapshotSpec,
    context: gpd.GeoDataFrame | None = None,
    basemap_image: tiles.TileImage | None = None,
    frame: SharedFrame | None = None,
) -> DrawnSnapshot:
    """Draw a snapshot on a new figure (see :func:`render_snapshot`); inputs are not changed."""
    _check_frames(gdf_shown, boundary)
    visible = gdf_shown[gdf_shown["layer"].isin(spec.view.layers)]
    # District totals go into the figures box and unlocated projects into the caption count:
    # neither is a site, so neither is drawn, labelled or used to frame the map.
    shown, totals, unlocated = split_by_placement(visible)
    fig = Figure(figsize=spec.page.size_in, dpi=spec.page.dpi, facecolor="white")
    FigureCanvasAgg(fig)
    renderer = fig.canvas.get_renderer()
    if frame is not None:
        layout = frame.layout
    else:
        layout = _layout_for_caption(fig, spec, shown, (len(totals), len(unlocated)), renderer)
    sizes, scale = layout.sizes, layout.scale
    px_per_pt = renderer.points_to_pixels(1.0)
    context = context if context is not None else read_context()
    boundary_m = boundary.to_crs(settings.METRIC_CRS)
    figures = district_figures(totals, spec.lang, spec.view)
    shown_m = shown.to_crs(settings.METRIC_CRS)
    if frame is not None:
        plan = plan_in_frame(fig, layout, spec, shown_m, boundary_m, figures, renderer, frame.plan)
    else:
        plan = plan_frame(fig, layout, spec, shown_m, boundary_m, figures, renderer)
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
    setup_map_axes(ax, xlim, ylim)
    if basemap_image is not None:
        draw_tiles(ax, basemap_image)
    else:
        draw_offline_context(ax, boundary_m, context_m)
    draw_features(ax, shown_m, scale=scale)
    draw_boundary(ax, boundary_m, scale=scale)
    bar = draw_scalebar(ax, plan.boxes["scalebar"][:2], size=sizes["scalebar"], renderer=renderer)
    north = plan.boxes["north"]
    frame = frame_px(fig, layout)
    draw_north_arrow(
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
        obstacles += draw_context_labels(
            ax, context, xlim, ylim, renderer, sizes["context"], obstacles
        )
    placement = LabelPlacement(placed=(), omitted=())
    # Features shown in the inset are labelled there, at a scale where their labels fit.
    in_inset = shown_m["id"].isin(inset.keys if inset is not None else ())
    main_m = shown_m[~in_inset]
    if spec.labels and len(main_m):
        placement = place_labels(
            ax,
            label_requests(main_m, scale=scale),
            renderer=renderer,
            font=cjk_font(sizes["label"]),
            obstacles=obstacles,
            halo_pt=2.4 * scale,
            neighbours=[feature_anchor(g) for g in shown_m.geometry[in_inset]],
        )
    rows = legend_rows(shown, layers=spec.view.layers, lang=spec.lang)
    box_w, box_h = (
        (legend_box[2] - legend_box[0]) / px_per_pt,
        (legend_box[3] - legend_box[1]) / px_per_pt,
    )
    legend = _legend_in(
        rows,
        box_w,
        box_h,
        size=sizes["legend"],
        columns=len(plan.legend.columns),
        renderer=renderer,
        lang=spec.lang,
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
    draw_title(fig, layout, spec.shown_title, renderer)
    attribution = basemap_image.attribution if basemap_image is not None else None
    caption = caption_paragraphs(
        spec,
        shown,
        off_map=(len(totals), len(unlocated)),
        omitted=len(placement.omitted) + (len(inset.placement.omitted) if inset else 0),
        outside=located - len(shown),
        attribution=attribution,
        numeric_scale=numeric_scale(ax, renderer) if layout.on_paper else None,
    )
    draw_caption(fig, layout, caption, renderer, spec.lang)
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


def _legend_in(rows, width_pt: float, height_pt: float, *, size, columns, renderer, lang):
    """The legend in ``columns`` columns, its type reduced if the frame's features changed it
    since planning so much that it would overflow its box."""
    # A point of slack: the box is the planned legend's own size, back from pixels.
    legend = measure_legend(
        rows,
        size=size,
        max_height_pt=height_pt + 1.0,
        renderer=renderer,
        lang=lang,
        min_columns=columns,
    )
    overflow = max(legend.width_pt / width_pt, legend.height_pt / height_pt)
    if overflow > 1.0:
        legend = measure_legend(
            rows,
            size=size / overflow,
            max_height_pt=1e9,
            renderer=renderer,
            lang=lang,
            min_columns=len(legend.columns),
        )
    return legend


def _inside_frame(shown: gpd.GeoDataFrame, xlim, ylim, margin_m: float) -> gpd.GeoDataFrame:
    """The features whose symbol lies wholly inside the frame: a point at least ``margin_m``
    (its symbol's radius) from the edge, an area or line whose marker does."""
    if not len(shown):
        return shown
    shown_m = shown.to_crs(settings.METRIC_CRS)
    anchors = np.array([feature_anchor(g) for g in shown_m.geometry], dtype=float).reshape(-1, 2)
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
    # ``inset_size``) shows the bay and holds the scale bar.
    strip_m = height * (gx1 - gx0) / width - (gy1 - gy0)
    setup_map_axes(iax, (gx0, gx1), (gy0 - max(strip_m, 0.0), gy1))
    iax.set_aspect("equal", adjustable="datalim")
    for spine in iax.spines.values():
        spine.set_linewidth(1.4 * scale)
        spine.set_edgecolor(TEXT_COLOR)
    draw_offline_context(iax, *background)
    draw_features(iax, shown_m, scale=scale)
    draw_boundary(iax, background[0], scale=scale)
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
    text_size = functools.partial(text_px, size=sizes["scalebar"], renderer=renderer)
    bar_w, bar_h, *_ = scalebar.measure(iax, font=font, text_size=text_size, px_per_pt=px_per_pt)
    # The scale bar goes where it hides no symbol of the inset (its markers, areas' markers).
    anchors = iax.transData.transform([feature_anchor(g) for g in shown_m.geometry]).reshape(-1, 2)
    frame = iax.get_window_extent(renderer)
    content = FrameContent(
        anchors, np.full(len(anchors), 9 * scale * px_per_pt), np.zeros((2, 2)), 1e9, [title_box]
    )
    bar_box, _ = place_box(frame.extents, (bar_w, bar_h), content, margin=4 * px_per_pt)
    origin = bar_box[:2]
    bar = scalebar.draw_scale_bar(iax, origin, font=font, text_size=text_size, px_per_pt=px_per_pt)
    placement = place_labels(
        iax,
        label_requests(in_ground, scale=scale),
        renderer=renderer,
        font=cjk_font(sizes["label"]),
        obstacles=[title_box, bar.box],
        halo_pt=2.4 * scale,
    )
    return Inset(iax, tuple(box), ground, tuple(in_ground["id"]), placement, bar)


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


def _fetch_for(spec: SnapshotSpec, layout: Layout, xlim, ylim) -> tiles.TileImage | None:
    """The basemap for the map's limits (None for "none" or when it cannot be fetched).

    A basemap that failed in any process in the last minutes is not asked again
    (``maps.offline``): the export draws the offline background at once.
    """
    if spec.basemap == "none" or offline.known_offline(spec.basemap):
        return None
    width_px = round(layout.map_rect[2] * spec.page.width_px)
    image = tiles.fetch_basemap(spec.basemap, lonlat_bounds(xlim, ylim), width_px=width_px)
    offline.remember(spec.basemap, reachable=image is not None)
    return image
