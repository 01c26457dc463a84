"""``python -m geo stats | targets | compare``: figures, targets, two years side by side."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from geo import load_boundary, load_projects
from geo.cli import main
from geo.compare import Side, comparison_title, parse_side
from geo.render import PRESETS, custom_page
from geo.settings import DEFAULT_DATA_PATH
from geo.targets import load_targets
from maps.compare_export import render_comparison


def test_stats_follow_the_filters(capsys):
    assert main(["stats", "--layers", "parking", "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert "2 projects shown: 0 located, 2 schematic symbols" in out
    assert "2016–2020" in out and "20100" in out and "953" in out
    assert "renewal" not in out


def test_stats_say_no_pocket_park_is_located(capsys):
    assert main(["stats", "--layers", "pocket_park"]) == 0
    out = capsys.readouterr().out
    assert "报告未给出任何口袋公园的位置" in out
    assert "0 处有位置的口袋公园；2 个示意符号未计入" in out


def test_stats_write_the_filtered_table(tmp_path, capsys):
    path = tmp_path / "fiveg.csv"
    assert main(["stats", "--layers", "fiveg", "--csv", str(path)]) == 0
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    assert len(lines) == 1 + 4 and lines[0].startswith("id,layer,")


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["stats", "--layers", "roads"], "unknown layers: roads; valid: renewal"),
        (["stats", "--years", "2010-2012"], "give a year (2016..2021"),
        (["compare", "--out", "x.png", "--left", "2015"], "'2015': give a year"),
        (["compare", "--out", "x.txt"], "give a .png, .svg or .pdf file"),
        (["compare", "--out", "x.png", "--basemap", "mars"], "unknown or unavailable basemap"),
    ],
)
def test_bad_options_exit_2_with_one_clear_line(capsys, argv, message):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_targets_print_one_line_per_target(capsys):
    assert main(["targets"]) == 0
    out = capsys.readouterr().out
    assert "口袋公园（2016–2020）：报告 33处，图上 0 处有位置、1 个示意" in out
    assert "新建及联网停车位（2016–2020）：报告 2.01万个" in out
    assert out.count("图上") == len(load_targets())


def test_compare_writes_one_image_with_two_panels(tmp_path, capsys, no_internet):
    out = tmp_path / "review-vs-plan.png"
    assert main(["compare", "--out", str(out), "--preset", "slide-4x3"]) == 0
    image = Image.open(out)
    assert image.size == (PRESETS["slide-4x3"].width_px, PRESETS["slide-4x3"].height_px)


def test_the_two_panels_differ_and_share_one_frame():
    gdf, boundary = load_projects(DEFAULT_DATA_PATH), load_boundary()
    views = (parse_side("2016-2020"), parse_side("2021"))
    sides = (Side(views[0], "左 left"), Side(views[1], "右 right"))
    page = custom_page(1200, 700, 100)
    png = render_comparison(gdf, boundary, sides, page=page)
    pixels = np.asarray(Image.open(io.BytesIO(png)).convert("L"), dtype=float)
    left, right = pixels[:, :600], pixels[:, 600:]
    assert pixels.shape == (700, 1200)
    # The 2021 panel shows more projects than the 2016-2020 one: the images must differ.
    assert np.abs(left - right).mean() > 1.0


def test_parse_side_year_is_as_of_and_range_is_a_period():
    assert parse_side("2021").as_of == 2021 and parse_side("2021").years is None
    assert parse_side("2016-2020").years == (2016, 2020)
    assert parse_side("2016–2020", layers=("renewal",)).layers == ("renewal",)
    title = comparison_title(parse_side("2016-2020"), parse_side("2021"))
    assert title == "市南区项目地图 · 2016–2020年 与 2021年 对比"


def test_compare_png_without_out_names_the_file_after_the_two_times(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["compare", "--png", "--preset", "slide-4x3"]) == 0
    out = tmp_path / "compare_2016-2020_vs_2021.png"
    assert capsys.readouterr().out.strip() == out.name
    assert Image.open(out).format == "PNG"


def test_compare_refuses_a_suffix_that_contradicts_the_format(capsys):
    assert main(["compare", "--out", "x.svg", "--png"]) == 2
    assert "x.svg is .svg but --png was asked for" in capsys.readouterr().err


def test_the_apps_download_is_narrowed_like_the_map():
    """The app's PNG: narrowed to one layer, the panels change (the chart-bar narrowing)."""
    from maps.compare_export import comparison_png

    gdf, boundary = load_projects(DEFAULT_DATA_PATH), load_boundary()
    views = [parse_side("2016-2020"), parse_side("2021")]
    whole = comparison_png(gdf, boundary, views)
    parking = comparison_png(gdf, boundary, views, narrow=lambda g: g[g["layer"] == "parking"])
    a, b = (
        np.asarray(Image.open(io.BytesIO(p)).convert("L"), dtype=float) for p in (whole, parking)
    )
    assert a.shape == b.shape == (PRESETS["slide-16x9"].height_px, PRESETS["slide-16x9"].width_px)
    assert np.abs(a - b).mean() > 0.5


def test_compare_in_english_titles_and_draws_the_panels_in_english(tmp_path, monkeypatch):
    import maps.compare_export

    asked = {}

    def render(gdf, boundary, sides, **options):
        asked.update(options, sides=sides)
        return b"png"

    monkeypatch.setattr(maps.compare_export, "render_comparison", render)
    out = tmp_path / "en.png"
    assert main(["compare", "--out", str(out), "--lang", "en"]) == 0
    assert asked["lang"] == "en"
    assert asked["title"] == "Shinan District Project Map · 2016–2020 compared with 2021"
    assert [side.title for side in asked["sides"]] == [
        "Shinan District: key projects and urban renewal · 2016–2020",
        "Shinan District: key projects and urban renewal · 2021 targets",
    ]
