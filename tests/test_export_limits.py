"""Export limits: every accepted size draws, forged extents are clamped, jobs time out."""

from __future__ import annotations

import csv
import io
import itertools
import time
import xml.etree.ElementTree as ET

import pytest

from geo import settings
from geo.export import export_csv, export_geojson, export_kml, export_snapshot_zip
from geo.jobs import JobError, run_job
from geo.render import (
    SnapshotSpec,
    clamp_extent,
    custom_page,
    draw_snapshot,
    render_snapshot,
    request_pixels,
)

SIDES = (200, 1080, 4000, 20000)
DPIS = (50, 150, 600, 1200)


def _accepted():
    for width, height, dpi in itertools.product(SIDES, SIDES, DPIS):
        try:
            yield custom_page(width, height, dpi)
        except ValueError:
            continue


def test_every_accepted_size_renders(mini_gdf, no_internet):
    from geo.load import load_boundary

    boundary = load_boundary()
    pages = list(_accepted())
    assert len(pages) >= 20
    for page in pages:
        data = render_snapshot(mini_gdf, boundary, spec=SnapshotSpec(page=page, fmt="svg"))
        assert data.lstrip().startswith(b"<?xml"), page


def test_a_tiny_page_at_high_dpi_is_refused_with_the_fix():
    with pytest.raises(ValueError, match=r"1\.6x0\.9 inches.*dpi up to 360"):
        custom_page(1920, 1080, 1200)


def test_pixel_budget_per_image_and_per_request():
    with pytest.raises(ValueError, match="at most 40 million"):
        custom_page(8000, 6000, 300)
    page = custom_page(5000, 4000, 300)
    request_pixels(page, 6)
    with pytest.raises(ValueError, match="per request"):
        request_pixels(page, 7)


def test_zip_export_checks_the_request_budget(mini_gdf):
    from geo.load import load_boundary

    spec = SnapshotSpec(page=custom_page(6000, 6000, 300))
    with pytest.raises(ValueError, match="per request"):
        export_snapshot_zip(mini_gdf, load_boundary(), spec=spec)


@pytest.mark.parametrize(
    ("extent", "expected"),
    [
        (None, None),
        ((float("nan"), 36, 120.3, 36.1), None),
        ((0, 0, 1, 1), None),  # nowhere near Shinan
        ("not an extent", None),
    ],
)
def test_unusable_extents_fall_back_to_the_district(extent, expected):
    assert clamp_extent(extent) == expected


def test_a_forged_one_centimetre_extent_is_widened_to_50_m():
    west, south, east, north = clamp_extent((120.35, 36.06, 120.3500001, 36.0600001))
    width_m = (east - west) * 111_320 * 0.808
    height_m = (north - south) * 111_320
    assert width_m == pytest.approx(50, rel=0.01) and height_m == pytest.approx(50, rel=0.01)
    assert SnapshotSpec(extent=(120.35, 36.06, 120.3500001, 36.0600001)).extent == (
        west,
        south,
        east,
        north,
    )


def test_an_extent_past_the_frame_is_cut_to_it():
    west, south, east, north = clamp_extent((100, 30, 121, 37))
    assert (west, south, east, north) == pytest.approx(settings.EXPORT_FRAME)


def test_forged_extent_draws_quickly(mini_gdf, no_internet):
    from geo.load import load_boundary

    spec = SnapshotSpec(extent=(120.35, 36.06, 120.3500001, 36.0600001))
    start = time.perf_counter()
    drawn = draw_snapshot(mini_gdf, load_boundary(), spec=spec)
    assert time.perf_counter() - start < 20
    xmin, xmax = drawn.map_ax.get_xlim()
    assert 49 < xmax - xmin < 200  # metres across: the 50 m minimum, at the map's aspect


def test_dollar_signs_are_drawn_literally(mini_gdf, no_internet):
    from geo.load import load_boundary

    spec = SnapshotSpec(title=r"Cost $5 and $10 $\foo$", fmt="svg")
    drawn = draw_snapshot(mini_gdf, load_boundary(), spec=spec)
    texts = [t.get_text() for t in drawn.figure.texts]
    assert r"Cost $5 and $10 $\foo$" in texts
    assert all(not t.get_parse_math() for t in drawn.figure.texts)
    render_snapshot(mini_gdf, load_boundary(), spec=spec)  # $\foo$ does not break it


def test_title_loses_direction_overrides():
    assert SnapshotSpec(title="预算\u202egnp.exe").shown_title == "预算gnp.exe"


def test_job_past_its_timeout_is_stopped():
    start = time.monotonic()
    with pytest.raises(JobError, match="timeout"):
        run_job(time.sleep, 30, timeout=1, workers=1)
    assert time.monotonic() - start < 10


def test_job_errors_come_back_as_themselves():
    with pytest.raises(ValueError, match="invalid literal"):
        run_job(int, "x", workers=1)
    assert run_job(abs, -3, workers=1) == 3


def _hostile(gdf):
    out = gdf.copy()
    out.loc[out.index[0], "name_zh"] = "ok\r=cmd|' /C calc'!A0"
    out.loc[out.index[1], "name_en"] = "line one\n+SUM(A1)"
    out.loc[out.index[2], "location_note"] = "\x01bell\x0b and \x1f controls"
    return out.rename(columns={"location_note": "=HYPERLINK(1)"})


def test_csv_quotes_every_field_and_defuses_after_line_breaks(mini_gdf):
    text = export_csv(_hostile(mini_gdf)).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert len(rows) == len(mini_gdf) + 1, "a bare CR did not start a new row"
    assert "'=HYPERLINK(1)" in rows[0]
    cells = [cell for row in rows for cell in row]
    assert "ok\r'=cmd|' /C calc'!A0" in cells
    assert "line one\n'+SUM(A1)" in cells
    for line in text.replace("\r", "\n").split("\n"):
        assert not line.startswith(("=", "+", "@")), line
    assert all(field.startswith('"') for field in text.splitlines()[0].split(",")), "headers quoted"


def test_kml_with_control_characters_is_well_formed(mini_gdf):
    data = export_kml(_hostile(mini_gdf).rename(columns={"=HYPERLINK(1)": "location_note"}))
    root = ET.fromstring(data)
    assert "\x01" not in data.decode("utf-8")
    assert root.tag.endswith("kml")


def test_geojson_never_writes_nan_or_infinity(mini_gdf):
    gdf = mini_gdf.copy()
    gdf["extra"] = [float("inf"), float("nan"), 1.0, 2.0, 3.0, 4.0][: len(gdf)]
    text = export_geojson(gdf).decode("utf-8")
    assert "Infinity" not in text and "NaN" not in text
