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
    ViewState(mode="as_of", as_of=2018, center=(36.0671, 120.3168), zoom=15.5),
    ViewState(layers=(), statuses=(), presenter=True, lang="en", scene="west-old-city"),
]


@pytest.mark.parametrize("view", VIEWS)
def test_round_trip_through_the_query_string(view):
    back = from_query(to_query(view), scene_ids=("west-old-city",))
    assert back == view
    assert not back.notices


def test_default_view_makes_a_short_link():
    assert to_query(ViewState()) == {}


HOSTILE = [
    ({"layers": "renewal,<script>"}, "layers: unknown <script> ignored", {"layers": ("renewal",)}),
    ({"status": "done"}, "status: unknown done", {}),
    ({"as_of": "20x1"}, "not a year", {}),
    ({"as_of": "1999"}, "not a year", {}),
    ({"years": "2021-2016"}, "not a range", {}),
    ({"years": "${alert(1)}"}, "not a range", {}),
    ({"lat": "nan", "lon": "120.3", "z": "14"}, "not finite", {}),
    ({"lat": "39.9", "lon": "116.4", "z": "14"}, "outside Shinan", {}),
    ({"lat": "36.06"}, "needs numbers", {}),
    ({"basemap": "evil"}, "basemap 'evil' unavailable", {}),
    ({"presenter": "yes please"}, "should be 1 or 0", {}),
    ({"lang": "fr"}, "lang 'fr' unknown", {}),
    ({"scene": "../../etc/passwd"}, "not found", {}),
    ({"x" * 500: "1"}, "unknown parameter", {}),
]


@pytest.mark.parametrize(("params", "notice", "kept"), HOSTILE)
def test_bad_parameters_are_ignored_with_a_notice(params, notice, kept):
    view = from_query(params, scene_ids=("west-old-city",))
    assert any(notice in n for n in view.notices), view.notices
    expected = ViewState(**kept)
    assert view == expected
    assert all(len(n) < 300 for n in view.notices)


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
    bad = Scene("Bad Id!", "", "Title", "说明", "Caption", ViewState())
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
         '"caption_en": "x", "view": {"layers": "roads"}}]}', "unknown roads"),
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
