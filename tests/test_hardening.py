"""Small defences: tile URL templates, tile cache keys, Markdown, digits, CLI output paths."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest
import xyzservices
from streamlit.testing.v1 import AppTest

from geo import settings
from geo.cli import main
from geo.text import escape_markdown, strip_hidden
from geo.view import from_query
from maps import tiles
from tests.conftest import TEST_DATA

APP = str(Path(__file__).resolve().parents[1] / "app.py")


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("http://tiles.local/{z}/{x}/{-y}.png", "unknown placeholder {-y}"),
        ("http://tiles.local/{layer}/{z}/{x}/{y}.png", "unknown placeholder {layer}"),
        ("http://tiles.local/{z}/{x}/{y.png", "without its pair"),
        ("http://tiles.local/{z}/{x}/y}.png", "without its pair"),
        ("http://tiles.local/{z}/{x}.png", "lacks {y}"),
        ("file:///etc/passwd", "http:// or https://"),
    ],
)
def test_bad_tile_templates_are_named_and_switched_off(monkeypatch, url, problem):
    monkeypatch.setenv(settings.LOCAL_TILES_ENV, url)
    assert problem in settings.check_tiles_url(url)
    assert "local" not in settings.available_basemaps()
    assert any(problem in p for p in settings.settings_problems())


def test_a_good_tile_template_is_offered(monkeypatch):
    monkeypatch.setenv(settings.LOCAL_TILES_ENV, "https://{s}.tiles.local/{z}/{x}/{y}.png")
    assert settings.settings_problems() == []
    assert "local" in settings.available_basemaps()


def test_app_and_cli_say_what_is_wrong_with_the_tile_template(monkeypatch, tmp_path, capsys):
    monkeypatch.setenv(settings.LOCAL_TILES_ENV, "http://tiles.local/{z}/{x}/{-y}.png")
    monkeypatch.setenv("PROJECT_MAP_DATA", str(TEST_DATA))
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    shown = [w.value.replace("\\", "") for w in at.warning]  # as Markdown renders it
    assert any("PROJECT_MAP_TILES_URL" in w and "{-y}" in w for w in shown), shown
    assert main(["export", "--out", str(tmp_path / "x.geojson")]) == 0
    assert "unknown placeholder {-y}" in capsys.readouterr().err


def test_tile_cache_is_keyed_by_url_and_expires(monkeypatch, tmp_path):
    monkeypatch.setenv(tiles.CACHE_ENV, str(tmp_path))
    one = xyzservices.TileProvider(name="Local", url="http://a/{z}/{x}/{y}.png", attribution="")
    two = xyzservices.TileProvider(name="Local", url="http://b/{z}/{x}/{y}.png", attribution="")
    tiles._write_cache(one, 12, 1, 2, b"tile of server a")
    assert tiles._read_cache(one, 12, 1, 2) == b"tile of server a"
    assert tiles._read_cache(two, 12, 1, 2) is None, "another server's tile was served"
    path = tiles._cache_path(one, 12, 1, 2)
    old = time.time() - tiles.CACHE_MAX_AGE_S - 60
    os.utime(path, (old, old))
    assert tiles._read_cache(one, 12, 1, 2) is None, "a stale tile was served"


def test_markdown_is_shown_literally():
    text = "![x](http://evil.example/x.png) **bold** [link](http://evil.example)"
    escaped = escape_markdown(text)
    assert "![" not in escaped and "](" not in escaped and "**" not in escaped
    assert escaped.replace("\\", "") == text


def test_direction_overrides_are_stripped():
    assert strip_hidden("A\u202eB\u2066C\u0007D") == "ABCD"


def test_hostile_names_never_reach_markdown_unescaped(monkeypatch, tmp_path):
    data = json.loads(TEST_DATA.read_text(encoding="utf-8"))
    data["features"][0]["properties"]["name_en"] = "![x](http://evil.example/x.png)"
    hostile_id = data["features"][0]["properties"]["id"]
    path = tmp_path / "projects.geojson"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    monkeypatch.setenv("PROJECT_MAP_DATA", str(path))
    for presenter in ("0", "1"):
        at = AppTest.from_file(APP, default_timeout=60)
        at.query_params.update({"presenter": presenter, "lang": "en", "project": hostile_id})
        at.run()
        assert not at.exception, at.exception
        texts = [
            e.value for kind in ("markdown", "caption", "warning", "info") for e in at.get(kind)
        ]
        texts += [e.label for e in at.expander]
        assert all("![x](" not in text for text in texts), texts
        html = " ".join(e.proto.body for e in at.main if type(e).__name__ == "Html")
        assert "evil.example" in html and "<img" not in html.split("evil.example")[0][-40:]


def test_markdown_in_a_bad_scenes_file_is_not_rendered(monkeypatch, tmp_path):
    scenes = tmp_path / "scenes.json"
    scenes.write_text('{"scenes": [{"id": "![x](http://evil.example/x.png)"}]}', "utf-8")
    monkeypatch.setenv("PROJECT_MAP_SCENES", str(scenes))
    monkeypatch.setenv("PROJECT_MAP_DATA", str(TEST_DATA))
    at = AppTest.from_file(APP, default_timeout=60).run()
    warning = next(w.value for w in at.warning if "场景文件" in w.value)
    assert "![x](" not in warning and "evil" in warning


@pytest.mark.parametrize("year", ["２０１８", "٢٠١٨", "۲۰۱۸"])
def test_non_ascii_digits_are_not_years(year, tmp_path, capsys):
    assert from_query({"as_of": year}).notices
    assert main(["export", "--out", str(tmp_path / "x.png"), "--years", f"{year}-2021"]) == 2
    with pytest.raises(SystemExit):
        main(["export", "--out", str(tmp_path / "x.png"), "--as-of", year])


def test_zip_without_per_layer_is_refused(tmp_path, capsys):
    assert main(["export", "--out", str(tmp_path / "x.zip")]) == 2
    assert "add --per-layer" in capsys.readouterr().err
    assert not (tmp_path / "x.zip").exists()


def test_existing_output_needs_force(tmp_path, capsys):
    out = tmp_path / "x.geojson"
    out.write_text("keep me", encoding="utf-8")
    assert main(["export", "--out", str(out)]) == 2
    assert "--force" in capsys.readouterr().err
    assert out.read_text(encoding="utf-8") == "keep me"
    assert main(["export", "--out", str(out), "--force"]) == 0
    assert out.read_text(encoding="utf-8") != "keep me"


def test_missing_parent_folders_are_not_created(tmp_path, capsys):
    out = tmp_path / "no" / "such" / "x.png"
    assert main(["export", "--out", str(out)]) == 2
    assert "does not exist" in capsys.readouterr().err
    assert not (tmp_path / "no").exists()


def test_a_tiny_cli_extent_is_widened_and_said(tmp_path, capsys):
    out = tmp_path / "x.svg"
    args = ["export", "--out", str(out), "--extent", "120.35,36.06,120.3500001,36.0600001"]
    assert main(args) == 0
    assert "widened to 50 m" in capsys.readouterr().err
    assert out.read_bytes().lstrip().startswith(b"<?xml")


def test_cli_refuses_a_size_that_cannot_be_drawn(tmp_path, capsys):
    args = ["export", "--out", str(tmp_path / "x.png"), "--width", "1920", "--height", "1080"]
    assert main([*args, "--dpi", "1200"]) == 2
    assert "inches" in capsys.readouterr().err


def test_cli_title_loses_direction_overrides(tmp_path):
    out = tmp_path / "map.html"
    assert main(["export", "--out", str(out), "--title", "预算\u202egnp.exe"]) == 0
    text = out.read_text(encoding="utf-8")
    assert "预算gnp.exe" in text and "\u202e" not in text


def test_a_bad_tile_template_is_explained_in_the_page_language(monkeypatch):
    monkeypatch.setenv(settings.LOCAL_TILES_ENV, "http://tiles.local/{z}/{x}.png")
    [zh] = settings.settings_problems("zh")
    [en] = settings.settings_problems("en")
    assert "本地瓦片已关闭" in zh and "网址缺少 {y}" in zh and settings.LOCAL_TILES_ENV in zh
    assert "the local tiles are off" in en and "lacks {y}" in en
