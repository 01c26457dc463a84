"""Printed maps speak the live map's visual language (``layers.symbols``).

District totals sit in a figures box, never at a spot; unlocated projects are never drawn;
the legend is layer × status with no two identical swatches, in one language; statuses stay
apart in a luminance-only render; a 2021 view says 目标.
"""

from __future__ import annotations

import io
import itertools
import re

import geopandas as gpd
import numpy as np
import pytest
import shapely
from PIL import Image

from geo import ProjectFilter, apply_filter, load_boundary, settings
from geo.filter import split_by_placement
from geo.load import load_projects
from geo.render import SnapshotSpec, custom_page, draw_snapshot, figure_bytes
from geo.schema import STATUSES

VIEWS = {
    "now": ProjectFilter(),
    "as-of-2021": ProjectFilter(as_of=2021),
    "2016-2020": ProjectFilter(years=(2016, 2020)),
}
CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def boundary():
    return load_boundary()


@pytest.fixture(scope="module")
def projects():
    return load_projects()


@pytest.fixture(autouse=True)
def _offline(no_internet):
    """Every test here runs as if there were no internet."""


def _drawn_xy(drawn) -> np.ndarray:
    """Every marker centre drawn on the map, in map units (metres)."""
    centres = [c.get_offsets() for c in drawn.map_ax.collections if len(c.get_offsets())]
    return np.vstack(centres) if centres else np.empty((0, 2))


def _vertices(drawn) -> list[np.ndarray]:
    """Every area and line vertex drawn on the map (metres)."""
    out = []
    for collection in drawn.map_ax.collections:
        for path in collection.get_paths():
            if len(path.vertices) > 3:
                out.append(path.vertices)
    return out


@pytest.mark.parametrize("view", VIEWS.values(), ids=VIEWS.keys())
def test_district_totals_are_figures_not_sites(projects, boundary, view):
    shown = apply_filter(projects, view)
    _, totals, unlocated = split_by_placement(shown)
    assert len(totals) and len(unlocated), "the bundled data has both kinds"
    drawn = draw_snapshot(shown, boundary, spec=SnapshotSpec(view=view))
    xy = _drawn_xy(drawn)
    for gdf in (totals, unlocated):
        spots = gdf.to_crs(settings.METRIC_CRS).geometry
        for spot in spots:
            point = spot.representative_point()
            nearest = np.hypot(xy[:, 0] - point.x, xy[:, 1] - point.y).min()
            assert nearest > 1.0, f"{gdf['id'].tolist()} drawn at its placeholder spot"
    off_map = set(totals["id"]) | set(unlocated["id"])
    assert not off_map & set(drawn.labelled) and not off_map & set(drawn.omitted_labels)
    box = "\n".join(drawn.figures)
    for value in ("2.01万个", "953个", "33处", "809处"):
        assert value in box
    # Each figure says its period; the 2021 ones say 目标, and only a view of 2021 has them.
    assert all(re.search(r"年|目标", line) for line in drawn.figures)
    target = "1.04万个 新建及新增联网停车位 · 2021年目标" in box.replace("  ", " ")
    assert target is (view.years is None or view.years[1] >= 2021)
    # The box sits inside the map frame.
    renderer = drawn.figure.canvas.get_renderer()
    frame = drawn.map_ax.get_window_extent(renderer)
    texts = [t for t in drawn.map_ax.texts if t.get_text() in drawn.figures]
    assert len(texts) == len(drawn.figures)
    for text in texts:
        extent = text.get_window_extent(renderer)
        assert frame.x0 <= extent.x0 and extent.x1 <= frame.x1
        assert frame.y0 <= extent.y0 and extent.y1 <= frame.y1


def test_the_caption_counts_what_is_drawn_and_what_is_not(projects, boundary):
    shown = apply_filter(projects, ProjectFilter())
    on_map, totals, unlocated = split_by_placement(shown)
    drawn = draw_snapshot(shown, boundary, spec=SnapshotSpec())
    caption = " ".join(t.get_text() for t in drawn.figure.texts)
    assert f"图上 {len(on_map)} 个项目" in caption
    assert f"{len(totals)} 项全区合计见数据框" in caption
    assert f"{len(unlocated)} 个项目报告未给出地点" in caption


def _swatch_key(row) -> tuple:
    s = row.symbol
    return (s.shape, s.color, s.hollow, s.schematic, row.entry.geometry)


@pytest.mark.parametrize("view", VIEWS.values(), ids=VIEWS.keys())
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_legend_is_layer_by_status_unique_and_in_one_language(projects, boundary, view, lang):
    shown = apply_filter(projects, view)
    drawn = draw_snapshot(shown, boundary, spec=SnapshotSpec(view=view, lang=lang))
    entries = [r for r in drawn.legend if r.kind == "entry"]
    on_map = split_by_placement(shown)[0]
    assert {(r.entry.layer, r.entry.status) for r in entries} == set(
        zip(on_map["layer"], on_map["status"], strict=True)
    )
    keys = [_swatch_key(r) for r in entries]
    assert len(keys) == len(set(keys)), "two legend rows show the same swatch"
    # Each entry's swatch is the shape of its layer and the colour of its status.
    for layer, rows in itertools.groupby(entries, key=lambda r: r.entry.layer):
        assert len({r.symbol.shape for r in rows}) == 1, layer
    legend_ax = next(a for a in drawn.figure.axes if a.get_label() == "legend")
    for text in (t.get_text() for t in legend_ax.texts):
        if lang == "zh":
            assert not re.search(r"[A-Za-z]{2,}", text), text
        else:
            assert not CJK.search(text), text


def test_unknown_legend_language_is_refused():
    with pytest.raises(ValueError, match="legend language 'fr'; valid: zh, en"):
        SnapshotSpec(lang="fr")


def _one_point_per_status(target: bool) -> gpd.GeoDataFrame:
    lons = np.linspace(120.33, 120.37, len(STATUSES))
    return gpd.GeoDataFrame(
        {
            "id": [f"g-{s}" for s in STATUSES],
            "layer": "construction",
            "status": list(STATUSES),
            "name_zh": list(STATUSES),
            "location_precision": "exact",
            "status_is_target": target,
        },
        geometry=[shapely.Point(lon, 36.07) for lon in lons],
        crs=settings.STORAGE_CRS,
    )


def _grey_crops(drawn, gdf) -> dict[str, np.ndarray]:
    """Each status's marker, cut from a luminance-only (greyscale) render of the PNG."""
    png = figure_bytes(drawn.figure, fmt="png", title="t")
    with Image.open(io.BytesIO(png)) as image:
        grey = np.asarray(image.convert("L"), dtype=float)
    height = grey.shape[0]
    radius = 12
    crops = {}
    for status, point in zip(gdf["status"], gdf.to_crs(settings.METRIC_CRS).geometry, strict=True):
        x, y = drawn.map_ax.transData.transform((point.x, point.y))
        row, col = round(height - y), round(x)
        crops[status] = grey[row - radius : row + radius + 1, col - radius : col + radius + 1]
    return crops


@pytest.mark.parametrize("target", [False, True], ids=["reported", "targets"])
def test_statuses_stay_apart_in_greyscale(boundary, target):
    gdf = _one_point_per_status(target)
    view = ProjectFilter(layers=("construction",))
    spec = SnapshotSpec(
        view=view,
        page=custom_page(1200, 700, 150),
        extent=(120.32, 36.06, 120.38, 36.08),
        labels=False,
    )
    drawn = draw_snapshot(gdf, boundary, spec=spec)
    crops = _grey_crops(drawn, gdf)
    differences = {
        (a, b): float(np.abs(crops[a] - crops[b]).mean())
        for a, b in itertools.combinations(STATUSES, 2)
    }
    worst = min(differences, key=differences.get)
    # 8 grey levels on average over the marker's box: clearly visible side by side.
    assert differences[worst] > 8.0, f"{worst} look alike in greyscale: {differences}"


def test_a_2021_view_says_target_in_title_and_caption(projects, boundary):
    view = ProjectFilter(as_of=2021)
    drawn = draw_snapshot(apply_filter(projects, view), boundary, spec=SnapshotSpec(view=view))
    texts = [t.get_text() for t in drawn.figure.texts]
    assert "2021年目标" in texts[0]
    assert any("2021年目标（报告提出的计划，非已完成事实）" in t for t in texts[1:])
    assert any(r.kind == "target" for r in drawn.legend)


# Text stays text -------------------------------------------------------------------------------
LABEL = "中山路步行街"


def test_pdf_text_is_embedded_truetype_and_extractable(projects, boundary):
    import pypdf

    from geo.render import PRESETS, render_snapshot

    spec = SnapshotSpec(page=PRESETS["a4-landscape"], fmt="pdf")
    shown = apply_filter(projects, ProjectFilter())
    reader = pypdf.PdfReader(io.BytesIO(render_snapshot(shown, boundary, spec=spec)))
    page = reader.pages[0]
    fonts = [f.get_object() for f in page["/Resources"]["/Font"].values()]
    kinds = {
        (str(f["/Subtype"]), str(d.get_object()["/Subtype"]))
        for f in fonts
        for d in f.get("/DescendantFonts", [])
    }
    assert kinds == {("/Type0", "/CIDFontType2")}, "text must not be Type 3 outlines"
    assert all(str(f["/Subtype"]) != "/Type3" for f in fonts)
    text = page.extract_text()
    assert spec.shown_title in text.replace("\n", "")
    assert LABEL in text


def test_svg_text_is_text_with_a_cjk_fallback_list(projects, boundary):
    from xml.etree import ElementTree as ET

    from geo.render import render_snapshot

    spec = SnapshotSpec(fmt="svg")
    shown = apply_filter(projects, ProjectFilter())
    svg = render_snapshot(shown, boundary, spec=spec).decode("utf-8")
    root = ET.fromstring(svg)
    texts = [e for e in root.iter() if e.tag.endswith("}text")]
    contents = ["".join(e.itertext()) for e in texts]
    assert spec.shown_title in contents
    assert LABEL in contents
    style = next(e.get("style") for e in texts if "".join(e.itertext()) == LABEL)
    assert "'Noto Sans CJK SC'" in style and "'Microsoft YaHei'" in style


# Labels and leaders, by geometry --------------------------------------------------------------
def _label_geometry(drawn, shown, where: str = "map"):
    """Label boxes by feature id, leader segments and feature anchors, all in pixels, on the
    main map or in the inset; and the keys of the labels with a leader."""
    from geo.render import _anchor

    if where == "map":
        ax, labelled, with_leader = drawn.map_ax, drawn.labelled, drawn.with_leader
    else:
        ax = drawn.inset.ax
        labelled, with_leader = drawn.inset.placement.placed, drawn.inset.placement.with_leader
    renderer = drawn.figure.canvas.get_renderer()
    texts = [t for t in ax.texts if t.get_zorder() == 9]
    assert len(texts) == len(labelled)
    boxes = {
        key: shapely.box(*t.get_window_extent(renderer).extents)
        for key, t in zip(labelled, texts, strict=True)
    }
    to_px = ax.transData.transform
    leaders = [
        shapely.LineString(to_px(np.column_stack(line.get_data())))
        for line in ax.lines
        if line.get_zorder() == 8
    ]
    on_map = split_by_placement(shown)[0].to_crs(settings.METRIC_CRS)
    anchors = {
        key: shapely.Point(to_px(_anchor(g)))
        for key, g in zip(on_map["id"], on_map.geometry, strict=True)
    }
    return boxes, leaders, anchors, with_leader


PRINT_PRESETS = [
    "slide-16x9",
    "slide-4x3",
    "a4-portrait",
    "a4-landscape",
    "a3-portrait",
    "a3-landscape",
]


@pytest.mark.parametrize("where", ["map", "inset"])
@pytest.mark.parametrize("preset", PRINT_PRESETS)
@pytest.mark.parametrize("view", VIEWS.values(), ids=VIEWS.keys())
def test_leaders_cross_no_label_and_no_leader(projects, boundary, preset, view, where):
    from geo.render import PRESETS

    shown = apply_filter(projects, view)
    drawn = draw_snapshot(shown, boundary, spec=SnapshotSpec(view=view, page=PRESETS[preset]))
    boxes, leaders, _, with_leader = _label_geometry(drawn, shown, where)
    assert len(leaders) == len(with_leader)
    through = [
        (i, key)
        for i, leader in enumerate(leaders)
        for key, box in boxes.items()
        if leader.intersection(box.buffer(-0.5)).length > 0.5
    ]
    assert not through, f"leaders through labels: {through}"
    crossings = [
        (i, j)
        for i, j in itertools.combinations(range(len(leaders)), 2)
        if leaders[i].crosses(leaders[j])
    ]
    assert not crossings, f"leaders crossing: {crossings}"


@pytest.mark.parametrize("where", ["map", "inset"])
@pytest.mark.parametrize("preset", PRINT_PRESETS)
@pytest.mark.parametrize("view", VIEWS.values(), ids=VIEWS.keys())
def test_a_label_without_leader_sits_nearest_its_own_feature(
    projects, boundary, preset, view, where
):
    from geo.render import PRESETS

    shown = apply_filter(projects, view)
    drawn = draw_snapshot(shown, boundary, spec=SnapshotSpec(view=view, page=PRESETS[preset]))
    boxes, _, anchors, with_leader = _label_geometry(drawn, shown, where)
    wrong = []
    for key, box in boxes.items():
        if key in with_leader:
            continue
        own = box.distance(anchors[key])
        nearest = min(anchors, key=lambda k: box.distance(anchors[k]))
        if box.distance(anchors[nearest]) < own - 0.5:
            wrong.append((key, nearest))
    assert not wrong, f"labels nearer another feature: {wrong}"


# The old-city inset ----------------------------------------------------------------------------
@pytest.mark.parametrize("preset", PRINT_PRESETS)
def test_the_old_city_gets_an_inset_at_a_larger_scale(projects, boundary, preset):
    from geo.render import PRESETS
    from maps.inset import in_old_city

    shown = apply_filter(projects, ProjectFilter())
    drawn = draw_snapshot(shown, boundary, spec=SnapshotSpec(page=PRESETS[preset]))
    inset = drawn.inset
    assert inset is not None
    renderer = drawn.figure.canvas.get_renderer()
    frame = drawn.map_ax.get_window_extent(renderer)
    box = inset.ax.get_window_extent(renderer)
    assert frame.x0 <= box.x0 and box.x1 <= frame.x1 and frame.y0 <= box.y0 and box.y1 <= frame.y1
    # Its own scale bar, and its ground outlined on the main map.
    assert inset.scale_bar is not None and inset.scale_bar.blocks >= 2
    outlines = [p for p in drawn.map_ax.patches if p.get_label() == "inset-frame"]
    assert len(outlines) == 1
    x0, y0 = outlines[0].get_xy()
    assert (x0, y0, x0 + outlines[0].get_width(), y0 + outlines[0].get_height()) == pytest.approx(
        inset.ground
    )
    # A larger scale: more pixels per metre than the main map.
    main_scale = frame.width / np.ptp(drawn.map_ax.get_xlim())
    inset_scale = box.width / np.ptp(inset.ax.get_xlim())
    assert inset_scale >= 2.0 * main_scale, inset_scale / main_scale
    # Every old-city feature is labelled in the inset, never twice.
    old = set(in_old_city(split_by_placement(shown)[0].to_crs(settings.METRIC_CRS))["id"])
    assert old <= set(inset.keys)
    assert not set(inset.placement.placed) & set(drawn.labelled)
    # Measured with slide labels at 22 px: 16:9 15/16, 4:3 10/16; A4 and A3 16/16 (the rest
    # in the caption count).
    assert len(set(inset.placement.placed) & old) >= 0.6 * len(old)


def test_a_sparse_old_city_needs_no_inset(projects, boundary):
    view = ProjectFilter(layers=("construction",))
    drawn = draw_snapshot(apply_filter(projects, view), boundary, spec=SnapshotSpec(view=view))
    assert drawn.inset is None


# Furniture -------------------------------------------------------------------------------------
def _caption_text(drawn) -> str:
    return " ".join(t.get_text() for t in drawn.figure.texts)


def test_furniture_defaults_to_an_internal_map_with_maker_and_date(projects, boundary):
    from datetime import date

    spec = SnapshotSpec(made_on=date(2021, 3, 1))
    drawn = draw_snapshot(apply_filter(projects, ProjectFilter()), boundary, spec=spec)
    bottom = drawn.figure.texts[-1].get_text()  # the last caption line: bottom left
    assert bottom.startswith("内部用图")
    assert "制图单位：市南区项目地图项目组" in bottom and "制图日期：2021-03-01" in bottom
    assert "比例尺" not in _caption_text(drawn), "a slide has no paper size, so no 1:n"


def test_furniture_comes_from_the_settings(projects, boundary, monkeypatch):
    monkeypatch.setenv("PROJECT_MAP_MAKER", "青岛市市南区自然资源局")
    monkeypatch.setenv("PROJECT_MAP_APPROVAL", "审图号：青S(2021)001号")
    drawn = draw_snapshot(apply_filter(projects, ProjectFilter()), boundary, spec=SnapshotSpec())
    bottom = drawn.figure.texts[-1].get_text()
    assert bottom.startswith("审图号：青S(2021)001号")
    assert "制图单位：青岛市市南区自然资源局" in bottom and "内部用图" not in bottom


@pytest.mark.parametrize("preset", ["a4-portrait", "a4-landscape", "a3-landscape"])
def test_print_presets_state_a_true_numeric_scale(projects, boundary, preset):
    from pyproj import Geod, Transformer

    from geo.render import PRESETS

    drawn = draw_snapshot(
        apply_filter(projects, ProjectFilter()), boundary, spec=SnapshotSpec(page=PRESETS[preset])
    )
    found = re.search(r"比例尺 1:([\d,]+)", _caption_text(drawn))
    assert found
    stated = int(found.group(1).replace(",", ""))
    # Independently: the frame's width on paper against the geodesic across its middle.
    ax = drawn.map_ax
    paper_m = ax.get_position().width * drawn.figure.get_figwidth() * 0.0254
    (x0, x1), y = ax.get_xlim(), sum(ax.get_ylim()) / 2
    lonlat = Transformer.from_crs(settings.METRIC_CRS, settings.STORAGE_CRS, always_xy=True)
    (lon0, lon1), (lat0, lat1) = lonlat.transform([x0, x1], [y, y])
    ground_m = Geod(ellps="GRS80").inv(lon0, lat0, lon1, lat1)[2]
    assert stated == pytest.approx(ground_m / paper_m, rel=0.005)


def test_a_custom_extent_describes_only_what_is_inside(projects, boundary):
    shown = apply_filter(projects, ProjectFilter())
    west_only = (120.295, 36.055, 120.33, 36.078)
    drawn = draw_snapshot(shown, boundary, spec=SnapshotSpec(extent=west_only))
    on_map = split_by_placement(shown)[0]
    inside = on_map[on_map.intersects(shapely.box(*west_only).buffer(0.01))]
    layers = {r.entry.layer for r in drawn.legend if r.kind == "entry"}
    assert layers <= set(inside["layer"])
    assert "fiveg" not in layers, "no 5G project lies in the old city"
    caption = " ".join(t.get_text() for t in drawn.figure.texts)
    count = int(re.search(r"图上 (\d+) 个项目", caption).group(1))
    assert count < len(on_map) and count <= len(inside)
    omitted = re.search(r"(\d+) 个标注因空间不足从略", caption)
    labelled = len(drawn.labelled) + (len(drawn.inset.placement.placed) if drawn.inset else 0)
    assert labelled + (int(omitted.group(1)) if omitted else 0) == count


@pytest.mark.parametrize("view", VIEWS.values(), ids=VIEWS.keys())
def test_an_english_export_has_an_english_title_caption_and_figures_box(projects, boundary, view):
    """Title, caption lines (filters, counts, sources, furniture) and the figures box speak
    English; only project names stay Chinese (the report gives no English names)."""
    shown = apply_filter(projects, view)
    drawn = draw_snapshot(shown, boundary, spec=SnapshotSpec(view=view, lang="en"))
    page_texts = [t.get_text() for t in drawn.figure.texts]  # title and caption lines
    assert len(page_texts) >= 3
    for text in page_texts:
        assert not CJK.search(text), text
    assert page_texts[0].startswith("Shinan District")
    caption = " ".join(page_texts[1:])
    assert "Layers: all; Statuses: all; Time: " in caption
    assert f"projects on the map: {len(split_by_placement(shown)[0])}" in caption
    assert "EPSG:4549" in caption and "2021-01-22" in caption
    assert page_texts[-1].startswith("For internal use")
    figures = [
        t.get_text()
        for t in drawn.map_ax.texts
        if "·" in t.get_text() and re.search(r"\d{4}", t.get_text())
    ]
    assert figures, "the figures box lists the district totals"
    for line in figures:
        assert not CJK.search(line), line
        assert not re.search(r"\b(in|by|during) ·", line), line


@pytest.mark.parametrize("furniture", [True, False])
def test_a_long_english_caption_on_a_half_page_keeps_readable_type(projects, boundary, furniture):
    """A comparison panel is half a slide wide: its English caption takes more lines rather
    than shrinking below 80 % of the caption size (it was ~6 px). Without furniture (the
    comparison image prints sources once in a shared footer) only filters and counts stay."""
    from maps.layout import type_sizes

    page = custom_page(960, 900, 150)
    view = ProjectFilter(as_of=2021)
    spec = SnapshotSpec(view=view, page=page, lang="en", furniture=furniture)
    drawn = draw_snapshot(apply_filter(projects, view), boundary, spec=spec)
    caption = drawn.figure.texts[1:]
    nominal = type_sizes(page)[0]["caption"]
    assert min(t.get_fontsize() for t in caption) >= 0.8 * nominal - 1e-6
    text = " ".join(t.get_text() for t in caption)
    assert "projects on the map:" in text
    assert ("For internal use" in text) is furniture and ("EPSG:4549" in text) is furniture
