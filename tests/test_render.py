"""Static snapshots: sizes and dpi, legend, a true-metre scale bar, CJK text, offline fallback."""

from __future__ import annotations

import io
import socket
import time
import urllib.error
import warnings
from xml.etree import ElementTree as ET

import geopandas as gpd
import pandas as pd
import pypdf
import pytest
import shapely
from matplotlib.collections import PathCollection
from matplotlib.patches import Rectangle
from PIL import Image
from pyproj import Geod, Transformer

from geo import ProjectFilter, apply_filter, load_boundary
from geo.render import (
    PRESETS,
    SnapshotSpec,
    custom_page,
    default_title,
    describe_filters,
    draw_snapshot,
    font_path,
    render_layer_snapshots,
    render_snapshot,
)
from geo.schema import LAYER_IDS, STATUSES
from layers import LAYERS, STATUS_STYLES
from maps import tiles

SMALL = custom_page(640, 400, 80)
#: The real fetcher, for the tests that talk to a port on this machine (never the internet).
REAL_FETCH = tiles.fetch_url
#: Qingdao railway station and the TV tower (FIELD_NOTES reference points), lon/lat.
STATION = (120.307694, 36.065375)
TV_TOWER = (120.350519, 36.068836)


@pytest.fixture(scope="module")
def boundary():
    return load_boundary()


@pytest.fixture(autouse=True)
def _offline(no_internet):
    """Every test here runs as if there were no internet."""


def _shown(gdf, **kwargs):
    return apply_filter(gdf, ProjectFilter(**kwargs))


# Formats and sizes ----------------------------------------------------------------------------
@pytest.mark.parametrize("preset", ["slide-16x9", "slide-4x3", "a4-landscape"])
def test_png_has_the_preset_size_and_dpi(mini_gdf, boundary, preset):
    page = PRESETS[preset]
    data = render_snapshot(_shown(mini_gdf), boundary, spec=SnapshotSpec(page=page))
    with Image.open(io.BytesIO(data)) as image:
        assert image.format == "PNG"
        assert image.size == (page.width_px, page.height_px)
        # PNG stores whole pixels per metre: 150 dpi reads back as 150.01
        assert image.info["dpi"] == pytest.approx((page.dpi, page.dpi), abs=0.05)


@pytest.mark.parametrize(
    ("preset", "size_mm"),
    [("a4-portrait", (210, 297)), ("a4-landscape", (297, 210)), ("a3-landscape", (420, 297))],
)
def test_pdf_page_is_the_paper_size(mini_gdf, boundary, preset, size_mm):
    spec = SnapshotSpec(page=PRESETS[preset], fmt="pdf")
    reader = pypdf.PdfReader(io.BytesIO(render_snapshot(_shown(mini_gdf), boundary, spec=spec)))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    width_mm, height_mm = float(box.width) / 72 * 25.4, float(box.height) / 72 * 25.4
    assert (width_mm, height_mm) == pytest.approx(size_mm, abs=0.5)


def test_svg_parses_with_the_page_size(mini_gdf, boundary):
    page = PRESETS["slide-16x9"]
    data = render_snapshot(_shown(mini_gdf), boundary, spec=SnapshotSpec(page=page, fmt="svg"))
    root = ET.fromstring(data)
    assert root.tag.endswith("svg")
    width_pt = float(root.get("width").removesuffix("pt"))
    height_pt = float(root.get("height").removesuffix("pt"))
    assert (width_pt, height_pt) == pytest.approx((page.width_px / page.dpi * 72, 1080 / 150 * 72))


def test_custom_size(mini_gdf, boundary):
    data = render_snapshot(_shown(mini_gdf), boundary, spec=SnapshotSpec(page=SMALL))
    with Image.open(io.BytesIO(data)) as image:
        assert image.size == (640, 400)


@pytest.mark.parametrize(
    ("args", "message"),
    [((100, 400, 80), "size 100x400"), ((800, 600, 20), "dpi 20"), ((20000, 20000, 300), "pixels")],
)
def test_bad_page_sizes_say_what_is_wrong(args, message):
    with pytest.raises(ValueError, match=message):
        custom_page(*args)


def test_unknown_image_format_lists_the_valid_ones():
    with pytest.raises(ValueError, match="valid: png, svg, pdf"):
        SnapshotSpec(fmt="jpeg")


def test_inputs_are_not_changed(mini_gdf, boundary):
    shown = _shown(mini_gdf)
    before, boundary_before = shown.copy(), boundary.copy()
    render_snapshot(shown, boundary, spec=SnapshotSpec(page=SMALL))
    pd.testing.assert_frame_equal(shown, before)
    pd.testing.assert_frame_equal(boundary, boundary_before)


# Legend ---------------------------------------------------------------------------------------
def _expected_legend(shown):
    return {(layer, status) for layer, status in zip(shown["layer"], shown["status"], strict=True)}


def _legend_texts(drawn) -> list[str]:
    legend_ax = next(a for a in drawn.figure.axes if a.get_label() == "legend")
    return [t.get_text() for t in legend_ax.texts]


@pytest.mark.parametrize(
    "view",
    [
        {},
        {"layers": ("renewal", "parking")},
        {"statuses": ("under_construction", "planned")},
        {"as_of": 2021},
        {"years": (2016, 2020)},
    ],
    ids=["all", "two-layers", "two-statuses", "as-of-2021", "2016-2020"],
)
def test_legend_lists_exactly_the_visible_layers_and_statuses(mini_gdf, boundary, view):
    shown = _shown(mini_gdf, **view)
    drawn = draw_snapshot(shown, boundary, spec=SnapshotSpec(view=ProjectFilter(**view)))
    entries = {(r.entry.layer, r.entry.status) for r in drawn.legend if r.kind == "entry"}
    assert entries == _expected_legend(shown)
    texts = _legend_texts(drawn)
    for layer_id in LAYER_IDS:
        heading = [t for t in texts if t.startswith(LAYERS[layer_id].label_zh)]
        assert bool(heading) == (layer_id in set(shown["layer"]))
    for status in STATUSES:
        # One language per row (Chinese by default), never "计划 Planned".
        label = STATUS_STYLES[status].label_zh
        assert (label in texts) == (status in set(shown["status"]))
        assert f"{label} {STATUS_STYLES[status].label_en}" not in texts


@pytest.mark.parametrize("layer", LAYER_IDS)
def test_a_layer_snapshot_shows_only_its_layer(mini_gdf, boundary, layer):
    view = ProjectFilter(layers=(layer,))
    drawn = draw_snapshot(_shown(mini_gdf, layers=(layer,)), boundary, spec=SnapshotSpec(view=view))
    assert {r.entry.layer for r in drawn.legend if r.entry} == {layer}


def test_target_features_get_a_legend_line(mini_gdf, boundary):
    shown = _shown(mini_gdf, as_of=2021)
    assert shown["status_is_target"].any()
    drawn = draw_snapshot(shown, boundary, spec=SnapshotSpec(view=ProjectFilter(as_of=2021)))
    assert any(r.kind == "target" for r in drawn.legend)
    # The hollow note also explains planned projects; with neither, there is no note.
    achieved = ProjectFilter(statuses=("preparation", "under_construction", "completed", "open"))
    present = _shown(mini_gdf, statuses=achieved.statuses)
    drawn = draw_snapshot(present, boundary, spec=SnapshotSpec(view=achieved))
    assert not any(r.kind == "target" for r in drawn.legend)


def test_no_feature_still_draws_a_map(mini_gdf, boundary):
    view = ProjectFilter(layers=("parking",), statuses=("open",))
    drawn = draw_snapshot(_shown(mini_gdf, **vars(view)), boundary, spec=SnapshotSpec(view=view))
    assert [r.kind for r in drawn.legend][0] == "note"


# Scale bar ------------------------------------------------------------------------------------
@pytest.mark.parametrize("preset", ["slide-16x9", "a4-portrait"])
def test_scale_bar_matches_a_known_geodesic_distance(mini_gdf, boundary, preset):
    """Metres per pixel from the scale bar and from a measured distance agree within 2 %."""
    drawn = draw_snapshot(_shown(mini_gdf), boundary, spec=SnapshotSpec(page=PRESETS[preset]))
    drawn.figure.canvas.draw()
    ax = drawn.map_ax
    bar = drawn.scale_bar
    # The first black block as drawn (its patch, in pixels) against the metres its number says.
    renderer = drawn.figure.canvas.get_renderer()
    blocks = [
        p.get_window_extent(renderer)
        for p in ax.patches
        if isinstance(p, Rectangle) and p.get_facecolor()[:3] == (0.10196078431372549,) * 3
    ]
    first = min(blocks, key=lambda b: b.x0)
    numbers = [float(x.split(" ")[0]) for x in bar.labels]
    unit = 1000.0 if bar.labels[-1].endswith("km") else 1.0
    bar_m_per_px = (numbers[1] - numbers[0]) * unit / first.width
    assert len(bar.labels) == bar.blocks + 1 >= 3, "a segmented bar: 0, 1, 2 … blocks"

    _, _, true_m = Geod(ellps="WGS84").inv(*STATION, *TV_TOWER)
    to_map = Transformer.from_crs("EPSG:4326", drawn.crs, always_xy=True)
    a, b = ax.transData.transform([to_map.transform(*STATION), to_map.transform(*TV_TOWER)])
    map_m_per_px = true_m / float(((a - b) ** 2).sum() ** 0.5)
    assert bar_m_per_px == pytest.approx(map_m_per_px, rel=0.02)


def test_the_test_would_catch_web_mercator():
    """Web Mercator overstates this distance by about 24 %: far outside the 2 % tolerance."""
    _, _, true_m = Geod(ellps="WGS84").inv(*STATION, *TV_TOWER)
    to_mercator = Transformer.from_crs("EPSG:4326", "EPSG:3857", always_xy=True)
    (ax, ay), (bx, by) = to_mercator.transform(*STATION), to_mercator.transform(*TV_TOWER)
    assert ((ax - bx) ** 2 + (ay - by) ** 2) ** 0.5 / true_m == pytest.approx(1.24, abs=0.01)


# Chinese text ---------------------------------------------------------------------------------
def test_font_is_noto_sans_cjk_not_simhei():
    assert font_path().name == "NotoSansCJKsc-Regular.otf"


@pytest.mark.parametrize("fmt", ["png", "pdf", "svg"])
def test_chinese_renders_without_missing_glyphs(mini_gdf, boundary, fmt):
    spec = SnapshotSpec(
        page=SMALL, fmt=fmt, title="市南区西部老城区更新项目 · 2021年 · 在建（测试）"
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # matplotlib warns "Glyph ... missing from font(s)"
        render_snapshot(_shown(mini_gdf), boundary, spec=spec)


def test_pdf_embeds_the_cjk_font_and_its_text_reads_back(mini_gdf, boundary):
    spec = SnapshotSpec(page=PRESETS["a4-landscape"], fmt="pdf")
    reader = pypdf.PdfReader(io.BytesIO(render_snapshot(_shown(mini_gdf), boundary, spec=spec)))
    page = reader.pages[0]
    fonts = {str(f.get_object().get("/BaseFont")) for f in page["/Resources"]["/Font"].values()}
    assert any("NotoSansCJK" in f for f in fonts)
    text = page.extract_text()
    assert "市南区界" in text and "2021年市南区政府工作报告" in text


# Title, caption and hostile text --------------------------------------------------------------
def test_default_title_follows_the_filters():
    view = ProjectFilter(layers=("renewal",), statuses=("under_construction",), as_of=2021)
    assert default_title(view) == "市南区西部老城区更新项目 · 2021年目标 · 在建"
    assert (
        default_title(ProjectFilter(years=(2016, 2020))) == "市南区重点项目与城市更新 · 2016–2020年"
    )


def test_caption_names_filters_count_and_sources(mini_gdf, boundary):
    view = ProjectFilter(layers=("renewal",), as_of=2021)
    shown = _shown(mini_gdf, layers=("renewal",), as_of=2021)
    drawn = draw_snapshot(shown, boundary, spec=SnapshotSpec(view=view))
    text = " ".join(t.get_text() for t in drawn.figure.texts)
    assert describe_filters(view).split("；")[0] in text
    assert f"图上 {len(shown)} 个项目" in text
    assert "2021-01-22" in text and "EPSG:4549" in text and "离线" in text


def test_hostile_title_is_inert_in_svg(mini_gdf, boundary):
    hostile = '<img src=x onerror=alert(1)> --> <script>alert(2)</script> & "'
    spec = SnapshotSpec(page=SMALL, fmt="svg", title=hostile)
    data = render_snapshot(_shown(mini_gdf), boundary, spec=spec).decode("utf-8")
    ET.fromstring(data)  # still well-formed XML
    assert "<img" not in data and "<script" not in data


# Labels ---------------------------------------------------------------------------------------
def _dense(gdf: gpd.GeoDataFrame, copies: int = 8) -> gpd.GeoDataFrame:
    """The fixture repeated around one spot: far more labels than fit."""
    parts = []
    for i in range(copies):
        part = gdf.copy()
        part["id"] = part["id"] + f"-{i}"
        part["geometry"] = part.geometry.translate(0.0004 * (i % 4), 0.0003 * (i // 4))
        parts.append(part)
    return gpd.GeoDataFrame(pd.concat(parts, ignore_index=True), crs=gdf.crs)


@pytest.mark.parametrize("copies", [1, 8])
def test_labels_never_overlap(mini_gdf, boundary, copies):
    shown = _shown(_dense(mini_gdf, copies))
    drawn = draw_snapshot(shown, boundary, spec=SnapshotSpec())
    renderer = drawn.figure.canvas.get_renderer()
    labels = [t for t in drawn.map_ax.texts if t.get_zorder() == 9]
    assert len(labels) == len(drawn.labelled)
    # Crowded old-city features are labelled in the inset instead of the main map.
    inset = drawn.inset.placement if drawn.inset else None
    placed = len(drawn.labelled) + (len(inset.placed) if inset else 0)
    omitted = len(drawn.omitted_labels) + (len(inset.omitted) if inset else 0)
    assert placed + omitted == len(shown)
    boxes = [shapely.box(*t.get_window_extent(renderer).extents) for t in labels]
    if drawn.inset:
        boxes += [
            shapely.box(*t.get_window_extent(renderer).extents)
            for t in drawn.inset.ax.texts
            if t.get_zorder() == 9
        ]
    for i, first in enumerate(boxes):
        for second in boxes[i + 1 :]:
            assert first.intersection(second).area < 1.0
    if omitted:
        caption = " ".join(t.get_text() for t in drawn.figure.texts)
        assert f"{omitted} 个标注因空间不足从略" in caption


# Basemap and offline fallback -----------------------------------------------------------------
def _tile_png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (256, 256), (200, 220, 200)).save(buffer, "PNG")
    return buffer.getvalue()


def test_unreachable_tiles_fall_back_to_offline_context(mini_gdf, boundary):
    started = time.monotonic()
    drawn = draw_snapshot(_shown(mini_gdf), boundary, spec=SnapshotSpec(basemap="light"))
    assert time.monotonic() - started < 5
    assert drawn.basemap is None
    assert any("离线" in t.get_text() for t in drawn.figure.texts)


def test_connection_refused_on_a_local_port_falls_back(mini_gdf, boundary, monkeypatch):
    monkeypatch.setattr(tiles, "fetch_url", REAL_FETCH)
    monkeypatch.setenv("PROJECT_MAP_TILES_URL", "http://127.0.0.1:9/{z}/{x}/{y}.png")
    started = time.monotonic()
    drawn = draw_snapshot(_shown(mini_gdf), boundary, spec=SnapshotSpec(basemap="local"))
    assert time.monotonic() - started < tiles.TOTAL_TIMEOUT_S + 3.0
    assert drawn.basemap is None
    assert any("离线" in t.get_text() for t in drawn.figure.texts)


def test_a_server_that_never_answers_costs_at_most_the_budget(monkeypatch):
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)  # connections queue, but nothing is ever read or sent
    port = listener.getsockname()[1]
    monkeypatch.setattr(tiles, "fetch_url", REAL_FETCH)
    monkeypatch.setenv("PROJECT_MAP_TILES_URL", f"http://127.0.0.1:{port}/{{z}}/{{x}}/{{y}}.png")
    bounds = (120.30, 36.05, 120.33, 36.07)
    try:
        started = time.monotonic()
        image = tiles.fetch_basemap("local", bounds, width_px=800, timeout=1.0)
        elapsed = time.monotonic() - started
    finally:
        listener.close()
    assert image is None
    assert elapsed < 1.5


def test_after_a_failure_the_provider_is_not_asked_again_for_a_while(monkeypatch):
    calls = []

    def failing(url, timeout):
        calls.append(url)
        raise urllib.error.URLError("down")

    bounds = (120.30, 36.05, 120.33, 36.07)
    assert tiles.fetch_basemap("light", bounds, width_px=800, fetch=failing) is None
    asked = len(calls)
    assert tiles.fetch_basemap("light", bounds, width_px=800, fetch=failing) is None
    assert len(calls) == asked


def test_tiles_are_drawn_and_cached_when_reachable(mini_gdf, boundary, monkeypatch, tmp_path):
    png = _tile_png()
    calls = []

    def serve(url, timeout):
        calls.append(url)
        return png

    monkeypatch.setattr(tiles, "fetch_url", serve)
    drawn = draw_snapshot(_shown(mini_gdf), boundary, spec=SnapshotSpec(basemap="light"))
    assert drawn.basemap and "Esri" in drawn.basemap
    assert drawn.map_ax.images, "the basemap is drawn as an image"
    assert any((tmp_path / "cache" / "tiles").rglob("*.tile"))
    assert calls and all(u.startswith("https://server.arcgisonline.com/") for u in calls)

    def refuse(url, timeout):
        raise urllib.error.URLError("offline now")

    monkeypatch.setattr(tiles, "fetch_url", refuse)
    again = draw_snapshot(_shown(mini_gdf), boundary, spec=SnapshotSpec(basemap="light"))
    assert again.basemap == drawn.basemap, "the cached tiles serve the same extent offline"


def test_zoom_keeps_the_tile_count_bounded():
    bounds = (13.38e6, 4.30e6, 13.40e6, 4.31e6)
    zoom = tiles.choose_zoom(bounds, width_px=20000)
    columns, rows = tiles.tile_range(bounds, zoom)
    assert len(columns) * len(rows) <= tiles.MAX_TILES


# Layer snapshots ------------------------------------------------------------------------------
def test_layer_snapshots_share_size_and_cover_each_visible_layer(mini_gdf, boundary):
    view = ProjectFilter(layers=("renewal", "parking", "fiveg"))
    images = render_layer_snapshots(
        _shown(mini_gdf, layers=view.layers), boundary, spec=SnapshotSpec(view=view, page=SMALL)
    )
    assert list(images) == ["all", "renewal", "parking", "fiveg"]
    sizes = {Image.open(io.BytesIO(data)).size for data in images.values()}
    assert sizes == {(640, 400)}


def test_over_gaode_tiles_features_shift_to_gcj02(mini_gdf, boundary, monkeypatch):
    """Gaode tiles are GCJ-02: the data must move about 460 m east to sit on them."""
    png = _tile_png()
    monkeypatch.setattr(tiles, "fetch_url", lambda url, timeout: png)
    shown = _shown(mini_gdf)

    def point_x(basemap: str) -> float:
        drawn = draw_snapshot(shown, boundary, spec=SnapshotSpec(basemap=basemap, labels=False))
        scatters = [c for c in drawn.map_ax.collections if isinstance(c, PathCollection)]
        offsets = [c.get_offsets() for c in scatters]
        return float(sum(o[:, 0].mean() for o in offsets) / len(offsets))

    assert point_x("gaode") - point_x("none") == pytest.approx(460, abs=100)
