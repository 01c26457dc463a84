"""Views in links and scenes: every part survives the round trip; bad input becomes a notice."""

from __future__ import annotations

import json

import pytest

from geo import ProjectDataError
from geo.scenes import Scene, load_scenes, save_scenes, slugify
from geo.view import ViewState, from_query, to_query

VIEWS = [
    ViewState(),
    ViewState(layers=("renewal",), statuses=("completed", "open")),
    ViewState(mode="period", years=(2017, 2019), basemap="osm"),
    ViewState(mode="as_of", as_of=2020, center=(36.0671, 120.3168), zoom=15.5),
    ViewState(project="pichaiyuan-phase-2", lang="both"),
    ViewState(layers=(), statuses=(), presenter=True, lang="en", scene="west-old-city"),
]


@pytest.mark.parametrize("view", VIEWS)
def test_round_trip_through_the_query_string(view):
    back = from_query(
        to_query(view), scene_ids=("west-old-city",), project_ids=("pichaiyuan-phase-2",)
    )
    assert back == view
    assert not back.notices


def test_default_view_makes_a_short_link():
    assert to_query(ViewState()) == {}


HOSTILE = [
    ({"layers": "renewal,<script>"}, "没有名为“<script>”的图层", {"layers": ("renewal",)}),
    ({"status": "done"}, "没有名为“done”的状态", {}),
    ({"as_of": "20x1"}, "年份“20x1”超出范围 2016–2021", {}),
    ({"as_of": "1999"}, "年份“1999”超出范围 2016–2021", {}),
    ({"years": "2021-2016"}, "年份范围“2021-2016”无法识别", {}),
    ({"years": "${alert(1)}"}, "无法识别", {}),
    ({"lat": "nan", "lon": "120.3", "z": "14"}, "地图位置不完整或无效", {}),
    ({"lat": "39.9", "lon": "116.4", "z": "14"}, "不在市南区", {}),
    ({"lat": "36.06"}, "地图位置不完整或无效", {}),
    ({"basemap": "evil"}, "底图“evil”不可用", {}),
    ({"presenter": "yes please"}, "应为 1 或 0", {}),
    ({"lang": "fr"}, "不支持的语言“fr”", {}),
    ({"scene": "../../etc/passwd"}, "未找到场景", {}),
    ({"project": "no-such-project"}, "未找到项目“no-such-project”", {}),
    ({"x" * 500: "1"}, "无法识别的链接参数", {}),
]


@pytest.mark.parametrize(("params", "notice", "kept"), HOSTILE)
def test_bad_parameters_are_ignored_with_a_notice(params, notice, kept):
    view = from_query(params, scene_ids=("west-old-city",), project_ids=("pichaiyuan-phase-2",))
    texts = [n.text("zh") for n in view.notices]
    assert any(notice in text for text in texts), texts
    expected = ViewState(**kept)
    assert view == expected
    assert all(len(text) < 300 for text in texts)
    assert all(n.text("en") != n.text("zh") for n in view.notices), "both languages"


def test_years_are_clamped_to_the_report():
    assert from_query({"years": "2010-2030"}).years == (2016, 2021)
    assert from_query({"as_of": "2025"}).as_of == 2021


def test_scene_link_starts_from_the_scene_view():
    scene_view = ViewState(layers=("parking",), center=(36.06, 120.33), zoom=15)
    view = from_query({"status": "open"}, base=scene_view)
    assert view.layers == ("parking",) and view.statuses == ("open",) and view.zoom == 15


def _scene(scene_id="one", **view):
    return Scene(scene_id, "标题", "Title", "说明", "Caption", ViewState(**view))


def test_scenes_save_and_load(tmp_path):
    path = tmp_path / "scenes.json"
    scenes = [_scene("one", layers=("renewal",)), _scene("two", mode="as_of", as_of=2019)]
    save_scenes(scenes, path)
    assert load_scenes(path) == scenes
    assert json.loads(path.read_text(encoding="utf-8"))["scenes"][1]["view"] == {"as_of": "2019"}


def test_a_bad_scene_never_damages_saved_scenes(tmp_path):
    path = tmp_path / "scenes.json"
    save_scenes([_scene("one")], path)
    before = path.read_bytes()
    bad = Scene("Bad Id!", "", "", "说明", "Caption", ViewState())  # no id, no title
    with pytest.raises(ProjectDataError, match="title_zh"):
        save_scenes([_scene("one"), bad], path)
    assert path.read_bytes() == before
    # The writers' lock file stays (deleting a lock file races with the next writer).
    left = sorted(p.name for p in tmp_path.iterdir())
    assert left == [".scenes.json.lock", "scenes.json"], "no temporary file left"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"scenes": [{"id": "a"}]}', "title_zh"),
        ('{"scenes": [{"id": "a", "title_zh": "x", "title_en": "x", "caption_zh": "x", '
         '"caption_en": "x", "view": {"layers": "roads"}}]}', "No layer called “roads”"),
        ('{"scenes": {}}', "scenes"),
        ("{oops", "invalid JSON"),
    ],
)  # fmt: skip
def test_bad_scenes_file_names_the_problem(tmp_path, content, message):
    path = tmp_path / "scenes.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ProjectDataError, match=message):
        load_scenes(path)


def test_bundled_scenes_tell_the_story():
    scenes = load_scenes()
    ids = [s.id for s in scenes]
    assert {"west-old-city", "fushan-bay-core", "parking-and-parks", "key-projects-2021"} <= set(
        ids
    )
    west = scenes[ids.index("west-old-city")]
    assert west.view.layers == ("renewal",) and west.view.zoom >= 15


def test_slugify_makes_unique_ascii_ids():
    assert slugify("West old city!", set()) == "west-old-city"
    assert slugify("西部老城区", {"scene"}) == "scene-2"


@pytest.mark.parametrize(
    ("view", "label"),
    [
        (ViewState(), "2021年1月现状"),
        (ViewState(mode="as_of", as_of=2020), "截至2020年底"),
        (ViewState(mode="as_of", as_of=2021), "2021年目标"),
        (ViewState(mode="period", years=(2016, 2020)), "2016–2020年"),
    ],
)
def test_time_label_never_claims_a_single_year_inside_a_period(view, label):
    from geo.view import time_label

    shown, note = time_label(view, "zh")
    assert shown == label and note
    assert time_label(view, "en")[0] != shown


def test_a_scene_titled_in_one_language_saves_and_loads(tmp_path):
    path = tmp_path / "scenes.json"
    only_zh = Scene("zh-only", "只有中文标题", "", "", "", ViewState())
    save_scenes([only_zh], path)
    (loaded,) = load_scenes(path)
    assert loaded.title_zh == "只有中文标题" and loaded.title_en == "" and loaded.caption_en == ""
