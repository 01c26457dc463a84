"""The page of every preset, measured: the map fills it, boxes sit inside the frame and hide
no symbol, labels keep off them, type is large enough for the medium, the scale bar is
segmented. Geometry is read back from the drawn figure, not from the layout's own numbers."""

from __future__ import annotations

import numpy as np
import pytest
import shapely

from geo import ProjectFilter, apply_filter, load_boundary
from geo.load import load_projects
from maps.page import PRESETS
from maps.snapshot import SnapshotSpec, draw_snapshot

VIEWS = {
    "now": ProjectFilter(),
    "as-of-2021": ProjectFilter(as_of=2021),
    "2016-2020": ProjectFilter(years=(2016, 2020)),
}
SLIDES = ("slide-16x9", "slide-4x3")
PAPER = ("a4-portrait", "a4-landscape", "a3-portrait", "a3-landscape")
TEXT_LABEL_ZORDER = 9


@pytest.fixture(scope="module")
def drawings():
    """Each preset × view drawn once, offline (no basemap)."""
    projects, boundary, cache = load_projects(), load_boundary(), {}

    def draw(preset: str, view: str = "now"):
        if (preset, view) not in cache:
            flt = VIEWS[view]
            spec = SnapshotSpec(view=flt, page=PRESETS[preset])
            cache[preset, view] = draw_snapshot(apply_filter(projects, flt), boundary, spec=spec)
        return cache[preset, view]

    return draw


def _renderer(drawn):
    return drawn.figure.canvas.get_renderer()


def _extent(artist, renderer) -> shapely.Polygon:
    return shapely.box(*artist.get_window_extent(renderer).extents)


def _markers(ax, renderer) -> list[shapely.Polygon]:
    """Every point marker drawn on ``ax`` as a pixel disc of its drawn size."""
    px_per_pt = renderer.points_to_pixels(1.0)
    frame = ax.get_window_extent(renderer)
    out = []
    for collection in ax.collections:
        if not hasattr(collection, "get_sizes"):
            continue  # areas (PatchCollection) and lines: their layer marker is a scatter
        sizes = collection.get_sizes()
        offsets = collection.get_offsets()
        if not len(sizes) or not len(offsets) or collection.get_offset_transform() != ax.transData:
            continue
        for (x, y), size in zip(
            ax.transData.transform(offsets), np.resize(sizes, len(offsets)), strict=True
        ):
            if frame.x0 <= x <= frame.x1 and frame.y0 <= y <= frame.y1:
                out.append(shapely.Point(x, y).buffer(np.sqrt(size) / 2 * px_per_pt * 0.9))
    return out


def _boxes(drawn) -> dict[str, shapely.Polygon]:
    """The boxes inside the map frame, as drawn: legend and inset axes, figures box, scale bar
    and north arrow."""
    renderer = _renderer(drawn)
    fig = drawn.figure
    out = {}
    for ax in fig.axes:
        if ax.get_label() in ("legend", "inset"):
            out[ax.get_label()] = _extent(ax, renderer)
    for name in ("figures", "scalebar", "north"):
        if name in drawn.boxes:
            out[name] = shapely.box(*drawn.boxes[name])
    return out


def _labels(ax, renderer) -> list[shapely.Polygon]:
    return [_extent(t, renderer) for t in ax.texts if t.get_zorder() == TEXT_LABEL_ZORDER]


@pytest.mark.parametrize("preset", [*SLIDES, *PAPER])
def test_the_map_fills_at_least_70_percent_of_the_page(drawings, preset):
    drawn = drawings(preset)
    x, y, w, h = drawn.map_ax.get_position().bounds
    assert w * h >= 0.70, f"{preset}: the map frame is {w * h:.0%} of the page"


@pytest.mark.parametrize("preset", [*SLIDES, *PAPER])
def test_legend_figures_inset_scale_bar_sit_inside_the_frame(drawings, preset):
    drawn = drawings(preset)
    frame = _extent(drawn.map_ax, _renderer(drawn)).buffer(0.5)
    boxes = _boxes(drawn)
    assert {"legend", "figures", "inset", "scalebar", "north"} <= set(boxes), preset
    outside = [name for name, box in boxes.items() if not frame.contains(box)]
    assert not outside, f"{preset}: outside the map frame: {outside}"
    names = list(boxes)
    overlapping = [
        (a, b)
        for i, a in enumerate(names)
        for b in names[i + 1 :]
        if boxes[a].intersection(boxes[b]).area > 1.0
    ]
    assert not overlapping, f"{preset}: boxes overlap: {overlapping}"


@pytest.mark.parametrize("view", VIEWS)
@pytest.mark.parametrize("preset", [*SLIDES, *PAPER])
def test_no_box_hides_a_symbol(drawings, preset, view):
    drawn = drawings(preset, view)
    renderer = _renderer(drawn)
    markers = _markers(drawn.map_ax, renderer)
    assert len(markers) >= 10
    hidden = [
        (name, round(m.centroid.x), round(m.centroid.y))
        for name, box in _boxes(drawn).items()
        for m in markers
        if box.intersects(m)
    ]
    assert not hidden, f"{preset}/{view}: symbols under boxes: {hidden}"


@pytest.mark.parametrize("preset", [*SLIDES, *PAPER])
def test_the_inset_scale_bar_and_title_hide_no_symbol(drawings, preset):
    drawn = drawings(preset)
    inset = drawn.inset
    renderer = _renderer(drawn)
    title = next(t for t in inset.ax.texts if t.get_zorder() == 10)
    furniture = {
        "scale bar": shapely.box(*inset.scale_bar.box),
        "title": _extent(title, renderer),
    }
    hidden = [
        (name, round(m.centroid.x), round(m.centroid.y))
        for name, box in furniture.items()
        for m in _markers(inset.ax, renderer)
        if box.intersects(m)
    ]
    assert not hidden, f"{preset}: inset symbols under its furniture: {hidden}"


@pytest.mark.parametrize("view", VIEWS)
@pytest.mark.parametrize("preset", [*SLIDES, *PAPER])
def test_labels_keep_off_the_boxes_and_the_old_city_outline(drawings, preset, view):
    drawn = drawings(preset, view)
    renderer = _renderer(drawn)
    labels = _labels(drawn.map_ax, renderer)
    boxes = _boxes(drawn)
    if drawn.inset is not None:
        outline = next(p for p in drawn.map_ax.patches if p.get_label() == "inset-frame")
        boxes["old-city outline"] = _extent(outline, renderer).exterior.buffer(1.0)
    frame = _extent(drawn.map_ax, renderer)
    touching = [
        (name, round(label.centroid.x), round(label.centroid.y))
        for name, box in boxes.items()
        for label in labels
        if label.intersects(box)
    ]
    assert not touching, f"{preset}/{view}: labels on boxes: {touching}"
    assert all(frame.contains(label) for label in labels)


# Type sizes ------------------------------------------------------------------------------------
def _label_sizes_pt(drawn) -> list[float]:
    axes = [drawn.map_ax] + ([drawn.inset.ax] if drawn.inset else [])
    return [
        t.get_fontsize() for ax in axes for t in ax.texts if t.get_zorder() == TEXT_LABEL_ZORDER
    ]


def _title_size_pt(drawn) -> float:
    return max(t.get_fontsize() for t in drawn.figure.texts)


@pytest.mark.parametrize("preset", SLIDES)
def test_slide_text_is_large_enough_to_project(drawings, preset):
    """At 1080 pixels high: labels at least 22 px and the title at least 48 px."""
    drawn = drawings(preset)
    px_per_pt = drawn.figure.dpi / 72
    assert drawn.figure.bbox.height == 1080
    labels = _label_sizes_pt(drawn)
    assert labels and min(labels) * px_per_pt >= 22 - 1e-6, min(labels) * px_per_pt
    assert _title_size_pt(drawn) * px_per_pt >= 48 - 1e-6
    legend = next(ax for ax in drawn.figure.axes if ax.get_label() == "legend")
    assert min(t.get_fontsize() for t in legend.texts) * px_per_pt >= 18


@pytest.mark.parametrize("preset", PAPER)
def test_print_labels_are_at_least_7_pt_at_final_size(drawings, preset):
    drawn = drawings(preset)
    labels = _label_sizes_pt(drawn)
    assert labels and min(labels) >= 7.0
    legend = next(ax for ax in drawn.figure.axes if ax.get_label() == "legend")
    assert min(t.get_fontsize() for t in legend.texts) >= 7.0


def test_a3_shows_more_not_bigger(drawings):
    """Labels and symbols keep their size in points from A4 to A3; the map gets more room."""
    a4, a3 = drawings("a4-landscape"), drawings("a3-landscape")
    assert set(_label_sizes_pt(a4)) == set(_label_sizes_pt(a3))
    a4_px = [m.area for m in _markers(a4.map_ax, _renderer(a4))]
    a3_px = [m.area for m in _markers(a3.map_ax, _renderer(a3))]
    # Same dpi, same physical size: the same marker areas in pixels.
    assert max(a4_px) == pytest.approx(max(a3_px), rel=0.01)
    assert a3.map_ax.get_window_extent().width > 1.35 * a4.map_ax.get_window_extent().width


# Scale bar ------------------------------------------------------------------------------------
@pytest.mark.parametrize("preset", [*SLIDES, *PAPER])
def test_every_preset_has_a_segmented_scale_bar(drawings, preset):
    drawn = drawings(preset)
    bar = drawn.scale_bar
    assert bar.blocks >= 2 and bar.labels[0] == "0"
    assert bar.labels[-1].endswith((" km", " m"))
    renderer = _renderer(drawn)
    blocks = sorted(
        (
            p
            for p in drawn.map_ax.patches
            if shapely.box(*bar.bar).buffer(1.0).contains(_extent(p, renderer))
        ),
        key=lambda p: p.get_window_extent(renderer).x0,
    )
    fills = [tuple(np.round(p.get_facecolor()[:3], 2)) for p in blocks]
    assert len(fills) == bar.blocks
    assert all(a != b for a, b in zip(fills, fills[1:], strict=False)), "blocks alternate"
    # The numbers are text, each a block apart.
    texts = {t.get_text() for t in drawn.map_ax.texts}
    assert set(bar.labels) <= texts


# --extent data ---------------------------------------------------------------------------------
def test_extent_data_frames_the_bulk_and_counts_the_outliers():
    """Renewal: 16 sites in the old city, two 6 km east. The frame holds the old city, not the
    empty 6 km between; the two are counted in the caption; no symbol is cut by the frame and
    no leader starts outside it."""
    from geo.filter import split_by_placement
    from maps.extent import data_extent

    view = ProjectFilter(layers=("renewal",))
    shown = apply_filter(load_projects(), view)
    located = split_by_placement(shown)[0]
    extent = data_extent(located)
    west, south, east, north = extent
    assert east - west < 0.05, "framed at old-city scale, not district scale"
    far = located[located.geometry.representative_point().x > 120.37]
    assert len(far) == 2 and not far.intersects(shapely.box(*extent)).any()
    spec = SnapshotSpec(view=view, page=PRESETS["slide-4x3"], extent=extent)
    drawn = draw_snapshot(shown, load_boundary(), spec=spec)
    renderer = _renderer(drawn)
    frame = _extent(drawn.map_ax, renderer)
    caption = " ".join(t.get_text() for t in drawn.figure.texts)
    assert "2 个项目在图幅范围外，未显示" in caption
    # The old city takes most of the frame: its sites span over half its width.
    xs = [m.centroid.x for m in _markers(drawn.map_ax, renderer)]
    assert max(xs) - min(xs) > 0.5 * (frame.bounds[2] - frame.bounds[0])
    assert all(frame.contains(m) for m in _markers(drawn.map_ax, renderer))
    for line in drawn.map_ax.lines:
        if line.get_zorder() == 8:
            start = drawn.map_ax.transData.transform(np.column_stack(line.get_data()))[0]
            assert frame.buffer(0.5).contains(shapely.Point(start))


def test_extent_data_keeps_a_tight_group_whole():
    from maps.extent import data_extent

    gdf = load_projects()
    few = gdf[gdf["id"].isin(["qingdao-bay-plaza", "jixiangli", "zhongdao-cluster"])]
    west, south, east, north = data_extent(few)
    assert shapely.box(west, south, east, north).contains(few.geometry.union_all())


@pytest.mark.parametrize("preset", [*SLIDES, *PAPER, "custom-600x450"])
def test_the_legend_text_stays_inside_its_box(drawings, preset):
    if preset.startswith("custom"):
        from maps.page import custom_page

        view = ProjectFilter(years=(2016, 2020))
        spec = SnapshotSpec(view=view, page=custom_page(600, 450, 150))
        drawn = draw_snapshot(apply_filter(load_projects(), view), load_boundary(), spec=spec)
    else:
        drawn = drawings(preset)
    renderer = _renderer(drawn)
    legend = next(ax for ax in drawn.figure.axes if ax.get_label() == "legend")
    box = _extent(legend, renderer).buffer(1.0)
    outside = [t.get_text() for t in legend.texts if not box.contains(_extent(t, renderer))]
    assert not outside, outside


@pytest.mark.parametrize("view", ["2016-2020", "as-of-2021"])
def test_an_english_half_page_panel_keeps_its_legend_inside_the_frame(view):
    """A comparison image's panel: half a 16:9 slide, legend and figures in English (longer
    text than Chinese). The legend takes no more columns than fit the frame's width."""
    from maps.page import custom_page

    slide = PRESETS["slide-16x9"]
    page = custom_page(slide.width_px // 2, round(slide.height_px * 0.9), slide.dpi)
    flt = VIEWS[view]
    spec = SnapshotSpec(view=flt, page=page, lang="en")
    drawn = draw_snapshot(apply_filter(load_projects(), flt), load_boundary(), spec=spec)
    renderer = _renderer(drawn)
    frame = _extent(drawn.map_ax, renderer).buffer(0.5)
    boxes = _boxes(drawn)
    assert "legend" in boxes
    outside = [name for name, box in boxes.items() if not frame.contains(box)]
    assert not outside, f"outside the map frame: {outside}"
    legend = next(ax for ax in drawn.figure.axes if ax.get_label() == "legend")
    box = _extent(legend, renderer).buffer(1.0)
    assert all(box.contains(_extent(t, renderer)) for t in legend.texts)
    assert any(t.get_text().isascii() and t.get_text().strip() for t in legend.texts)


CONTEXT_LABEL_ZORDER = 2


@pytest.mark.parametrize("view", list(VIEWS))
@pytest.mark.parametrize("preset", [*SLIDES, *PAPER])
def test_neighbour_names_are_not_under_a_box(drawings, preset, view):
    """市北区 and 崂山区 stand clear of the legend, figures box and inset (or are left off)."""
    drawn = drawings(preset, view)
    renderer = _renderer(drawn)
    names = [
        (t.get_text(), _extent(t, renderer))
        for t in drawn.map_ax.texts
        if t.get_zorder() == CONTEXT_LABEL_ZORDER and t.get_text().endswith("区")
    ]
    assert names, f"{preset} {view}: no neighbour named"
    boxes = _boxes(drawn)
    under = [(n, b) for n, e in names for b, box in boxes.items() if e.intersects(box)]
    assert not under, f"{preset} {view}: {under}"


def _outlines(drawn, shown) -> list[tuple[str, shapely.Geometry]]:
    """Each drawn area's outline and each drawn line, in the figure's pixels."""
    g = shown.to_crs(drawn.crs)
    g = g[g.geometry.notna() & ~g.geometry.is_empty & ~g.geom_type.str.endswith("Point")]
    to_px = drawn.map_ax.transData.transform
    return [
        (pid, shapely.transform(geom.boundary if "Polygon" in geom.geom_type else geom, to_px))
        for pid, geom in zip(g["id"], g.geometry, strict=True)
    ]


def _covered_outlines(drawn, shown) -> list[tuple[str, str]]:
    return [
        (name, pid)
        for pid, outline in _outlines(drawn, shown)
        for name, box in _boxes(drawn).items()
        if box.intersects(outline)
    ]


@pytest.mark.parametrize("view", VIEWS)
@pytest.mark.parametrize("preset", [*SLIDES, *PAPER])
def test_no_box_covers_part_of_an_area_or_a_line(drawings, preset, view):
    """Not only markers: a legend over one edge of a 5G zone hides where the zone ends."""
    shown = apply_filter(load_projects(), VIEWS[view])
    assert not _covered_outlines(drawings(preset, view), shown), f"{preset}/{view}"


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("preset", ["a4-landscape", "slide-16x9"])
def test_comparison_panels_keep_their_boxes_off_areas_and_lines(preset, lang):
    from geo.compare import default_sides
    from maps.compare_export import panel_specs
    from maps.snapshot import shared_frame

    projects, boundary = load_projects(), load_boundary()
    sides = default_sides((VIEWS["2016-2020"], VIEWS["as-of-2021"]), lang)
    specs = panel_specs(projects, boundary, sides, page=PRESETS[preset], lang=lang)
    frame = shared_frame(specs, boundary)
    for part, spec in specs:
        drawn = draw_snapshot(part, boundary, spec=spec, frame=frame)
        assert len(_outlines(drawn, part)) >= 3  # the 2016–2020 side's and 2021's areas/lines
        assert not _covered_outlines(drawn, part), f"{preset}/{lang}/{spec.title}"


@pytest.mark.parametrize("preset", ["a4-landscape", "slide-16x9"])
def test_comparison_panels_frame_the_same_ground_at_the_same_scale(preset):
    """Compared place by place: before, each side chose its own zoom and inset (the 2020 side
    at 3 km to the bar, the 2021 side at 4 km, the inset top left on one and bottom left on the
    other)."""
    from geo.compare import default_sides
    from maps.compare_export import panel_specs
    from maps.snapshot import shared_frame

    projects, boundary = load_projects(), load_boundary()
    sides = default_sides((ProjectFilter(as_of=2020), VIEWS["as-of-2021"]), "zh")
    specs = panel_specs(projects, boundary, sides, page=PRESETS[preset])
    frame = shared_frame(specs, boundary)
    left, right = (draw_snapshot(part, boundary, spec=spec, frame=frame) for part, spec in specs)
    assert left.map_ax.get_xlim() == right.map_ax.get_xlim()
    assert left.map_ax.get_ylim() == right.map_ax.get_ylim()
    assert left.map_ax.get_position().bounds == right.map_ax.get_position().bounds
    assert left.inset is not None and right.inset is not None
    assert left.inset.ground == right.inset.ground and left.inset.box == right.inset.box
    assert left.scale_bar.box == right.scale_bar.box
    # Each side keeps its own legend: the 2021 side has statuses the 2020 side has not.
    assert len(right.legend) > len(left.legend)
