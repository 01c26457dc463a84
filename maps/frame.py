"""Where the boxes inside the map frame go, and how far the frame widens to make room.

Legend, figures box, old-city inset, scale bar and north arrow are placed along the frame's
edges where they hide no symbol (``maps.layout.place_box``); when no place is free the view
widens (or shifts) step by step, and the inset shrinks, until one is.
"""

from __future__ import annotations

import functools
import itertools
from dataclasses import dataclass
from typing import Final

import numpy as np
import shapely
import shapely.affinity
from matplotlib.figure import Figure

from geo import settings
from maps import figures_box, scalebar
from maps import inset as old_city
from maps.extent import metric_limits, snapshot_extent, zoomed
from maps.features import (
    feature_anchor,
    marker_radius_pt,
    precisions_of,
)
from maps.fonts import (
    cjk_font,
)
from maps.furniture import text_px
from maps.layout import FrameContent, Layout, land_grid, place_box
from maps.legend import legend_rows, measure_legend

#: How far the frame may widen (around the chosen extent) to find room for its boxes.
ZOOMS: Final = (1.0, 1.12, 1.25, 1.4, 1.6)


#: Each zoom centred, then with its room gained on one side.
VIEWS: Final = tuple(
    (zoom, shift)
    for zoom in ZOOMS
    for shift in ([(0, 0)] if zoom == 1.0 else [(0, 0), (1, 0), (-1, 0), (0, 1), (0, -1)])
)


@dataclass(frozen=True)
class FramePlan:
    """The chosen limits and where each box inside the frame goes (display pixels)."""

    xlim: tuple[float, float]
    ylim: tuple[float, float]
    boxes: dict
    hidden: int
    inset_ground: tuple[float, float, float, float] | None
    legend: object


def frame_px(fig: Figure, layout: Layout) -> tuple[float, float, float, float]:
    x, y, w, h = layout.map_rect
    fw, fh = fig.bbox.width, fig.bbox.height
    return x * fw, y * fh, (x + w) * fw, (y + h) * fh


def plan_frame(fig, layout: Layout, spec, shown_m, boundary_m, figures, renderer) -> FramePlan:
    """Limits and boxes: the first zoom (from the chosen extent outwards) at which legend,
    figures box, inset and scale bar hide no symbol; else the one hiding the fewest."""
    frame = frame_px(fig, layout)
    fw, fh = frame[2] - frame[0], frame[3] - frame[1]
    px_per_pt = renderer.points_to_pixels(1.0)
    sizes = layout.sizes
    extent = spec.extent or snapshot_extent(
        shown_m.to_crs(settings.STORAGE_CRS), boundary_m.to_crs(settings.STORAGE_CRS)
    )
    base_x, base_y = metric_limits(extent, fw / fh)
    symbols = _Symbols.of(shown_m, layout.scale, px_per_pt)
    margin = 6 * px_per_pt
    figures_size = (
        figures_box.measure_box(figures, spec.lang, sizes["figures"], renderer) if figures else None
    )
    best, rows_for, grounds, parts = None, {}, {}, {}
    # The closest view with the largest inset first: losing a sixth of the inset costs about
    # as much as widening the view by an eighth.
    options = sorted(
        # Share 0: no inset, its features labelled on the main map where they fit (when the
        # inset would cover its own ground or cannot be twice the main map's scale).
        itertools.product((1.0, 0.84, 0.7, 0.0), VIEWS),
        key=lambda o: (o[1][0] - 1.0) + 0.8 * (1.0 - o[0]),
    )
    for share, (zoom, (sx, sy)) in options:
        xlim, ylim = zoomed(base_x, base_y, zoom, shift=(sx, sy))
        k = fw / (xlim[1] - xlim[0])
        inside = symbols.inside(xlim, ylim)
        bar_w, bar_h = _scalebar_size(frame, xlim, sizes, renderer)
        key = tuple(np.flatnonzero(inside))
        if key not in parts:
            parts[key] = shown_m[inside]
        if share and (key, k) not in grounds:
            grounds[key, k] = inset_ground_for(spec, parts[key], k, sizes, px_per_pt)
        ground = grounds[key, k] if share else None
        inset_box = measure_inset(ground, k, (fw, fh), share, bar_h + margin) if ground else None
        if inset_box is None:
            ground = None
        if ground is None and 0 < share < 1.0:
            continue
        content = symbols.content(frame, xlim, ylim, boundary_m, ground, margin)
        if key not in rows_for:
            rows_for[key] = legend_rows(
                parts[key].to_crs(settings.STORAGE_CRS),
                layers=spec.view.layers,
                lang=spec.lang,
            )
        wanted = {
            "inset": inset_box,
            "figures": figures_size,
            "scalebar": (bar_w, bar_h),
            "north": (2.2 * sizes["north"] * px_per_pt, 4.6 * sizes["north"] * px_per_pt),
        }
        plan = _with_legend(
            rows_for[key], wanted, (xlim, ylim, ground), frame, content, layout, spec, renderer
        )
        if best is None or plan.hidden < best.hidden:
            best = plan
        if plan.hidden == 0:
            return best
    return best


def plan_in_frame(
    fig, layout: Layout, spec, shown_m, boundary_m, figures, renderer, fixed: FramePlan
) -> FramePlan:
    """One panel's legend and figures box placed in a frame whose limits, inset, scale bar
    and north arrow are ``fixed`` (the comparison's panels share them, so the two maps match
    place by place); each panel's own boxes stay clear of its own symbols."""
    frame = frame_px(fig, layout)
    px_per_pt = renderer.points_to_pixels(1.0)
    margin = 6 * px_per_pt
    symbols = _Symbols.of(shown_m, layout.scale, px_per_pt)
    content = symbols.content(frame, fixed.xlim, fixed.ylim, boundary_m, fixed.inset_ground, margin)
    kept = {n: b for n, b in fixed.boxes.items() if n in ("inset", "scalebar", "north")}
    wanted = {
        "figures": (
            figures_box.measure_box(figures, spec.lang, layout.sizes["figures"], renderer)
            if figures
            else None
        ),
    }
    rows = legend_rows(
        shown_m[symbols.inside(fixed.xlim, fixed.ylim)].to_crs(settings.STORAGE_CRS),
        layers=spec.view.layers,
        lang=spec.lang,
    )
    limits = (fixed.xlim, fixed.ylim, fixed.inset_ground)
    return _with_legend(rows, wanted, limits, frame, content, layout, spec, renderer, kept)


def _with_legend(
    rows, wanted: dict, limits, frame, content, layout, spec, renderer, kept=None
) -> FramePlan:
    """The boxes ``wanted`` and the legend (one column if tall, two or three if that hides
    fewer symbols), placed after the ``kept`` boxes; the plan hiding the fewest symbols."""
    px_per_pt = renderer.points_to_pixels(1.0)
    fw, fh = frame[2] - frame[0], frame[3] - frame[1]
    margin = 6 * px_per_pt
    kept = dict(kept or {})
    best = None
    for columns in (1, 2, 3):
        legend = measure_legend(
            rows,
            size=layout.sizes["legend"],
            max_height_pt=fh * 0.92 / px_per_pt,
            renderer=renderer,
            lang=spec.lang,
            min_columns=columns,
        )
        if columns > 1 and legend.width_pt * px_per_pt > fw - 2 * margin:
            break  # more columns only widen it past the frame (a long English legend)
        size = (legend.width_pt * px_per_pt, legend.height_pt * px_per_pt)
        order = {"inset": wanted.get("inset"), "legend": size}
        order.update((n, v) for n, v in wanted.items() if n != "inset")
        boxes, hidden = _place_all(frame, order, content, margin, list(kept.values()))
        plan = FramePlan(*limits[:2], {**kept, **boxes}, hidden, limits[2], legend)
        if best is None or hidden < best.hidden:
            best = plan
        if hidden == 0:
            break
    return best


def _scalebar_size(frame, xlim, sizes, renderer) -> tuple[float, float]:
    bar_w, bar_h, *_ = scalebar.measure(
        _PlanAxes(frame, xlim),
        font=cjk_font(sizes["scalebar"]),
        text_size=functools.partial(text_px, size=sizes["scalebar"], renderer=renderer),
        px_per_pt=renderer.points_to_pixels(1.0),
    )
    return bar_w, bar_h


@dataclass(frozen=True)
class _Symbols:
    """Where each shown feature's symbol is (metres) and how much room it takes (pixels)."""

    anchors_m: np.ndarray
    radii_px: np.ndarray
    outlines_m: np.ndarray

    @classmethod
    def of(cls, shown_m, scale: float, px_per_pt: float) -> _Symbols:
        anchors = np.array([feature_anchor(g) for g in shown_m.geometry], dtype=float)
        radii = [
            marker_radius_pt(layer, p == "schematic", g.geom_type.endswith("Point"), scale)
            for layer, p, g in zip(
                shown_m["layer"], precisions_of(shown_m), shown_m.geometry, strict=True
            )
        ]
        return cls(
            anchors.reshape(-1, 2),
            np.array(radii, dtype=float) * px_per_pt,
            drawn_outlines(shown_m.geometry),
        )

    def inside(self, xlim, ylim) -> np.ndarray:
        a = self.anchors_m
        return (a[:, 0] > xlim[0]) & (a[:, 0] < xlim[1]) & (a[:, 1] > ylim[0]) & (a[:, 1] < ylim[1])

    def content(self, frame, xlim, ylim, boundary_m, ground, margin: float) -> FrameContent:
        """What a box inside ``frame`` showing ``xlim``/``ylim`` must not cover: the symbols
        inside, the land (boxes prefer the sea), the inset's own ground."""
        fw, fh = frame[2] - frame[0], frame[3] - frame[1]
        k = fw / (xlim[1] - xlim[0])
        to_px = (k, 0, 0, k, frame[0] - xlim[0] * k, frame[1] - ylim[0] * k)
        inside = self.inside(xlim, ylim)
        offset = np.array([to_px[4], to_px[5]])
        district = shapely.affinity.affine_transform(boundary_m.union_all(), to_px)
        taken = []
        if ground is not None:
            g = shapely.affinity.affine_transform(shapely.box(*ground), to_px).bounds
            taken.append((g[0] - margin, g[1] - margin, g[2] + margin, g[3] + margin))
        return FrameContent(
            self.anchors_m[inside] * k + offset,
            self.radii_px[inside],
            land_grid(district, frame, max(fw, fh) / 60),
            max(fw, fh) / 60,
            taken,
            outlines=shapely.transform(self.outlines_m[inside], lambda xy: xy * k + offset),
        )


def drawn_outlines(geometries) -> np.ndarray:
    """What of each feature a box must not cover besides its marker: an area's outline, a
    line itself; None for a point (its marker is all there is)."""
    geoms = np.asarray(geometries, dtype=object)
    kinds = shapely.get_type_id(geoms)
    out = np.full(len(geoms), None, dtype=object)
    areas = np.isin(kinds, (3, 6))  # Polygon, MultiPolygon
    lines = np.isin(kinds, (1, 2, 5))  # LineString, LinearRing, MultiLineString
    out[areas] = shapely.boundary(geoms[areas])
    out[lines] = geoms[lines]
    return out


def _place_all(
    frame, wanted: dict, content: FrameContent, margin: float, placed: list | None = None
) -> tuple[dict, int]:
    """Each wanted box (name -> size, or None) in turn, clear of those placed before it (and
    of boxes already ``placed``)."""
    boxes, hidden, placed = {}, 0, list(placed or [])
    for name, size in wanted.items():
        if size is None:
            continue
        box, covered = place_box(
            frame, size, content, margin=margin, taken=placed, top_right_first=name == "north"
        )
        boxes[name] = box
        placed.append(box)
        hidden += covered
    return boxes, hidden


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


def inset_ground_for(spec, shown_m, px_per_m: float, sizes, px_per_pt: float):
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


def measure_inset(
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
