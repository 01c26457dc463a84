"""``python -m geo export``: every format, per-layer folders and zips, one-line usage errors."""

from __future__ import annotations

import json
import urllib.error
import zipfile

import geopandas as gpd
import pypdf
import pytest
from PIL import Image

from geo.cli import main
from geo.export import DATA_FORMATS
from geo.render import IMAGE_FORMATS, PRESETS
from maps import tiles
from tests.conftest import TEST_DATA


@pytest.fixture(autouse=True)
def offline_on_test_data(monkeypatch, tmp_path):
    """The CLI reads the small test file, asks for no basemap, and could not reach one."""

    def refuse(url: str, timeout: float) -> bytes:
        raise urllib.error.URLError("tests run offline")

    monkeypatch.setenv("PROJECT_MAP_DATA", str(TEST_DATA))
    monkeypatch.setenv("PROJECT_MAP_BASEMAP", "none")
    monkeypatch.setenv(tiles.CACHE_ENV, str(tmp_path / "cache"))
    monkeypatch.setattr(tiles, "fetch_url", refuse)


def test_default_is_a_slide_png(tmp_path, capsys):
    out = tmp_path / "map.png"
    assert main(["export", "--out", str(out)]) == 0
    with Image.open(out) as image:
        assert image.size == (1920, 1080)
    assert capsys.readouterr().out.strip() == str(out)


def test_filters_preset_and_title_reach_the_pdf(tmp_path):
    out = tmp_path / "renewal.pdf"
    args = ["export", "--out", str(out), "--layers", "renewal", "--as-of", "2021"]
    args += ["--preset", "a4-landscape", "--title", "西部老城区 2021 目标"]
    assert main(args) == 0
    reader = pypdf.PdfReader(out)
    assert float(reader.pages[0].mediabox.width) == pytest.approx(297 / 25.4 * 72, abs=1.5)
    assert reader.metadata.title == "西部老城区 2021 目标"
    assert "西部老城区更新" in reader.pages[0].extract_text()


def test_custom_size_and_dpi(tmp_path):
    out = tmp_path / "custom.png"
    assert (
        main(["export", "--out", str(out), "--width", "800", "--height", "600", "--dpi", "96"]) == 0
    )
    with Image.open(out) as image:
        assert image.size == (800, 600)
        assert image.info["dpi"] == pytest.approx((96, 96), abs=0.05)


def test_dpi_alone_keeps_the_paper_size(tmp_path):
    out = tmp_path / "a4.png"
    assert main(["export", "--out", str(out), "--preset", "a4-portrait", "--dpi", "100"]) == 0
    with Image.open(out) as image:
        assert image.size == (827, 1169)


@pytest.mark.parametrize("fmt", IMAGE_FORMATS)
def test_per_layer_into_a_folder(tmp_path, fmt):
    folder = tmp_path / "layers"
    args = ["export", "--out", str(folder), "--per-layer", "--format", fmt, "--width", "400"]
    assert main([*args, "--height", "300", "--dpi", "50"]) == 0
    names = sorted(p.name for p in folder.iterdir())
    expected = ["all", "construction", "fiveg", "parking", "pocket_park", "renewal"]
    assert names == sorted(f"shinan-{key}.{fmt}" for key in expected)


def test_per_layer_into_a_zip(tmp_path):
    out = tmp_path / "layers.zip"
    args = ["export", "--out", str(out), "--per-layer", "--layers", "renewal,parking"]
    assert main([*args, "--width", "400", "--height", "300", "--dpi", "50"]) == 0
    with zipfile.ZipFile(out) as archive:
        assert archive.namelist() == ["shinan-all.png", "shinan-renewal.png", "shinan-parking.png"]


@pytest.mark.parametrize("fmt", DATA_FORMATS)
def test_data_formats(tmp_path, fmt):
    out = tmp_path / f"projects.{fmt}"
    assert main(["export", "--out", str(out), "--status", "planned,open"]) == 0
    assert out.stat().st_size > 0
    if fmt in ("geojson", "gpkg"):
        back = gpd.read_file(out)
        assert set(back["status"]) <= {"planned", "open"} and len(back)
    if fmt == "geojson":
        assert json.loads(out.read_text(encoding="utf-8"))["type"] == "FeatureCollection"


def test_format_option_wins_over_the_suffix(tmp_path):
    out = tmp_path / "projects.txt"
    assert main(["export", "--out", str(out), "--format", "csv"]) == 0
    assert out.read_bytes().startswith(b'\xef\xbb\xbf"id",')


@pytest.mark.parametrize(
    ("args", "valid"),
    [
        (["--layers", "renewal,harbour"], "valid: renewal, construction, parking"),
        (["--status", "done"], "valid: planned, preparation, under_construction"),
        (["--preset", "a5"], "valid: " + ", ".join(PRESETS)),
        (["--format", "tiff"], "valid: png, svg, pdf, geojson, gpkg, csv, kml, html"),
        (["--years", "2019-2030"], "from 2016 to 2021"),
        (["--years", "last"], "give FIRST-LAST"),
        (["--as-of", "1999"], "from 2016 to 2021"),
        (["--width", "800"], "give both --width and --height"),
        (["--width", "50", "--height", "50"], "200-20000"),
        (["--per-layer", "--format", "csv"], "--per-layer makes images"),
        (["--extent", "everywhere"], "district, data, or WEST,SOUTH,EAST,NORTH"),
        (["--extent", "116.3,39.8,116.5,40.0"], "give lon 120.2"),
    ],
)
def test_bad_values_give_one_line_and_exit_2(tmp_path, capsys, args, valid):
    assert main(["export", "--out", str(tmp_path / "x.png"), *args]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and valid in err and "Traceback" not in err
    assert not (tmp_path / "x.png").exists()


def test_an_unknown_suffix_asks_for_a_format(tmp_path, capsys):
    assert main(["export", "--out", str(tmp_path / "map.docx")]) == 2
    assert "give --format" in capsys.readouterr().err


def test_years_and_as_of_exclude_each_other(tmp_path):
    with pytest.raises(SystemExit) as exit_info:
        main(
            ["export", "--out", str(tmp_path / "x.png"), "--years", "2019-2021", "--as-of", "2021"]
        )
    assert exit_info.value.code == 2


def test_bad_data_exits_1_without_a_traceback(tmp_path, monkeypatch, capsys, write_geojson):
    monkeypatch.setenv("PROJECT_MAP_DATA", str(write_geojson({"type": "FeatureCollection"})))
    assert main(["export", "--out", str(tmp_path / "x.png")]) == 1
    err = capsys.readouterr().err
    assert "features" in err and "Traceback" not in err


def test_svg_per_layer_zip_holds_valid_svg(tmp_path):
    out = tmp_path / "svg.zip"
    args = ["export", "--out", str(out), "--per-layer", "--format", "svg", "--layers", "fiveg"]
    assert main(args) == 0
    with zipfile.ZipFile(out) as archive:
        for name in archive.namelist():
            data = archive.read(name)
            assert data.lstrip().startswith(b"<?xml") and len(data) > 1000


def test_extent_data_frames_only_the_shown_projects(tmp_path, mini_gdf):
    from geo.render import data_extent

    renewal = mini_gdf[mini_gdf["layer"] == "renewal"]
    west, south, east, north = data_extent(renewal)
    xmin, ymin, xmax, ymax = renewal.total_bounds
    assert west < xmin and east > xmax and south < ymin and north > ymax
    assert east - west < 0.02, "two old-city sites must not be framed at district scale"
    assert data_extent(mini_gdf.iloc[0:0]) is None
    out = tmp_path / "west.png"
    assert main(["export", "--out", str(out), "--layers", "renewal", "--extent", "data"]) == 0
    with Image.open(out) as image:
        assert image.size == (1920, 1080)


@pytest.mark.parametrize(("lang", "word"), [("zh", "图例"), ("en", "Legend")])
def test_legend_language_follows_lang(tmp_path, lang, word):
    out = tmp_path / "map.svg"
    assert main(["export", "--out", str(out), "--lang", lang]) == 0
    svg = out.read_text(encoding="utf-8")
    assert f">{word}</text>" in svg
    other = {"zh": ">Legend</text>", "en": ">图例</text>"}[lang]
    assert other not in svg
