"""The Streamlit app, run headless with AppTest: filters change what the map gets, never the map.

No JavaScript runs here: the map is the streamlit-folium component, whose arguments hold the
base map's script and the feature groups sent to the browser.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from maps.browserdata import decode_geometries
from tests.conftest import TEST_DATA
from tests.map_reading import map_args, map_data, shown, shown_ids

APP = str(Path(__file__).resolve().parents[1] / "app.py")


@pytest.fixture
def app(monkeypatch):
    monkeypatch.setenv("PROJECT_MAP_DATA", str(TEST_DATA))
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    assert not at.exception, at.exception
    return at


def html_text(at, testid: str) -> str:
    bodies = [e.proto.body for e in at.main if type(e).__name__ == "Html"]
    return next((b for b in bodies if f'data-testid="{testid}"' in b), "")


def test_starts_with_every_project_on_the_map(app):
    assert len(shown_ids(app)) == 6
    assert "显示 6 / 6 个项目" in html_text(app, "project-counts")


def test_layer_toggle_changes_features_not_the_map(app):
    before = map_args(app)
    app.checkbox(key="layer_renewal").uncheck().run()
    after = map_args(app)
    assert shown_ids(app) == {
        "zhanshan-plaza",
        "district-parking-2021",
        "greenway-2021",
        "hong-kong-road-5g",
    }
    assert after["script"] == before["script"], "the base map changed: it would remount"
    assert after["key"] == before["key"]
    assert "已隐藏" in html_text(app, "project-counts")


def test_status_filter(app):
    before = map_args(app)["script"]
    app.pills(key="statuses").set_value(["preparation", "under_construction"]).run()
    assert shown_ids(app) == {"qingdao-bay-plaza", "pichaiyuan-phase-2"}
    assert "显示 2 / 6 个项目" in html_text(app, "project-counts")
    assert map_args(app)["script"] == before


def test_as_of_year_shows_status_in_that_year(app):
    app.radio(key="mode").set_value("as_of").run()
    # Only the years the report can speak for: the end of the 2016-2020 review, and 2021.
    assert app.select_slider(key="as_of").options == ["2020年底", "2021年目标"]
    app.select_slider(key="as_of").set_value(2020).run()
    assert shown_ids(app) == {"qingdao-bay-plaza", "pichaiyuan-phase-2"}
    assert "截至2020年底" in map_args(app)["feature_group"]  # the year label in the map
    app.select_slider(key="as_of").set_value(2021).run()
    groups = map_args(app)["feature_group"]
    assert len(shown_ids(app)) == 6
    # Drawn hollow, and the tooltip says it is a plan, not a fact.
    assert all(target for _, target in shown(app).values())
    assert map_data(app)["text"]["target"][0] == "2021年目标："
    assert "2021年目标" in groups and "空心为报告提出的目标" in groups  # and so does the year label


def test_period_filter(app):
    app.radio(key="mode").set_value("period").run()
    app.slider(key="years").set_value((2016, 2020)).run()
    assert shown_ids(app) == {"qingdao-bay-plaza", "pichaiyuan-phase-2"}


def test_search_selects_and_zooms_to_a_project(app):
    # Part of the Chinese name; the only match is selected without a second click.
    app.text_input(key="search_query").set_value("劈柴").run()
    args = map_args(app)
    assert args["zoom"] >= 15
    assert args["center"] == pytest.approx([36.0694, 120.3187], abs=1e-3)
    detail = html_text(app, "project-detail")
    assert "劈柴院二期" in detail and "北京路5号" in detail and "位置近似" in detail


def test_search_offers_only_the_matches_and_selects_the_one_picked(app):
    app.text_input(key="search_query").set_value("广场").run()
    box = app.selectbox(key="search")
    assert set(box.options) == {"青岛湾广场 · Qingdao Bay Plaza", "湛山广场 · Zhanshan Plaza"}
    assert "2" in box.proto.placeholder  # how many were found
    assert not html_text(app, "project-detail")  # nothing selected until one is picked
    box.set_value("zhanshan-plaza").run()
    assert "湛山广场" in html_text(app, "project-detail")
    assert map_args(app)["zoom"] >= 15


def test_search_says_when_nothing_matches(app):
    app.text_input(key="search_query").set_value("*不存在*").run()
    assert "search" not in [box.key for box in app.selectbox]  # nothing to pick from
    captions = [c.value for c in app.caption]
    assert any("不存在" in c and "没有" in c for c in captions), captions


def test_click_opens_the_detail_panel(monkeypatch, app):
    import streamlit_folium

    clicked = {"last_active_drawing": {"properties": {"id": "district-parking-2021"}}}
    monkeypatch.setattr(streamlit_folium, "_component_func", lambda **kwargs: clicked)
    app.run()
    detail = html_text(app, "project-detail")
    assert "全区新建及联网停车位" in detail
    assert "10,400" in detail and "示意位置" in detail


def test_basemap_choice_keeps_the_map(app):
    before = map_args(app)
    app.selectbox(key="basemap").set_value("gaode").run()
    after = map_args(app)
    assert after["script"] == before["script"]
    assert "autonavi" in after["feature_group"]
    # Shifted onto the GCJ-02 grid, about 460 m east.
    east = [g.centroid.x for g in decode_geometries(map_data(app))]
    before_app = AppTest.from_file(APP, default_timeout=60)
    before_app.run()
    west = [g.centroid.x for g in decode_geometries(map_data(before_app))]
    assert all(0.0045 < e - w < 0.0056 for e, w in zip(east, west, strict=True))


def _open_edited(monkeypatch, tmp_path, field, value):
    """The app on the test file with the first project's ``field`` set to ``value``."""
    data = json.loads(TEST_DATA.read_text(encoding="utf-8"))
    data["features"][0]["properties"][field] = value
    path = tmp_path / "edited.geojson"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    monkeypatch.setenv("PROJECT_MAP_DATA", str(path))
    return AppTest.from_file(APP, default_timeout=60).run()


def test_bad_data_gets_a_message_not_a_traceback(monkeypatch, tmp_path):
    at = _open_edited(monkeypatch, tmp_path, "status", "finished")
    assert not at.exception
    assert "项目数据无法加载" in at.error[0].value
    assert "qingdao-bay-plaza" in at.code[0].value and "'status'" in at.code[0].value


def test_hostile_name_is_escaped_in_the_detail_panel(monkeypatch, tmp_path):
    at = _open_edited(monkeypatch, tmp_path, "name_zh", "<img src=x onerror=alert(1)>${x}")
    at.text_input(key="search_query").set_value("<img src=x").run()  # typed, found as text
    detail = html_text(at, "project-detail")
    assert "<img" not in detail and "${x}" not in detail
    assert "&lt;img src=x onerror=alert(1)&gt;&#36;&#123;x&#125;" in detail
    assert "<img" not in map_args(at)["feature_group"]


def _open(monkeypatch, **params):
    monkeypatch.setenv("PROJECT_MAP_DATA", str(TEST_DATA))
    at = AppTest.from_file(APP, default_timeout=60)
    for name, value in params.items():
        at.query_params[name] = value
    at.run()
    assert not at.exception, at.exception
    return at


def _button(at, key):
    return at.button(key=key)


def test_link_restores_the_view(monkeypatch):
    at = _open(monkeypatch, layers="renewal", as_of="2020", lat="36.0690", lon="120.3185", z="16")
    assert shown_ids(at) == {"qingdao-bay-plaza", "pichaiyuan-phase-2"}
    assert at.radio(key="mode").value == "as_of" and at.select_slider(key="as_of").value == 2020
    args = map_args(at)
    assert args["zoom"] == 16 and args["center"] == pytest.approx([36.069, 120.3185], abs=1e-6)


def test_filter_changes_are_written_to_the_link(app):
    app.checkbox(key="layer_parking").uncheck().run()
    app.radio(key="mode").set_value("period").run()
    assert app.query_params["layers"] == "renewal,construction,pocket_park,fiveg"
    assert app.query_params["years"] == "2016-2021"


def test_hostile_link_gets_a_visible_notice(monkeypatch):
    at = _open(monkeypatch, layers="<img src=x onerror=alert(1)>", as_of="${x}", evil="1")
    notice = html_text(at, "url-notice")
    assert "&lt;img src=x onerror=alert(1)&gt;" in notice and "<img" not in notice
    assert "无法识别的链接参数“evil”" in notice
    assert len(shown_ids(at)) == 6  # the bad parts were ignored, the map still shows


def test_scenes_step_forward_and_back(monkeypatch):
    at = _open(monkeypatch)
    _button(at, "scene_next").click().run()
    assert at.selectbox(key="scene_choice").value == "west-old-city"
    assert at.button(key="scene_prev").disabled, "scenes stop at the first: no wrap"
    assert shown_ids(at) == {"qingdao-bay-plaza", "pichaiyuan-phase-2"}
    assert map_args(at)["zoom"] == 15.5
    assert "西部老城区复兴" in html_text(at, "scene-caption")
    _button(at, "scene_next").click().run()
    assert at.selectbox(key="scene_choice").value == "fushan-bay-core"
    assert "renewal" not in at.query_params["layers"]
    _button(at, "scene_prev").click().run()
    assert at.selectbox(key="scene_choice").value == "west-old-city"
    assert at.query_params["scene"] == "west-old-city"


def test_presenter_mode_from_the_link(monkeypatch):
    at = _open(monkeypatch, presenter="1", scene="key-projects-2021")
    args = map_args(at)
    assert '"presenter": true' in args["feature_group"]  # projector-sized text, all labels
    assert "bounds" not in args["returned_objects"]  # panning never reruns
    assert at.radio(key="mode").value == "as_of"
    _button(at, "presenter_exit").click().run()
    after = map_args(at)
    assert '"presenter": false' in after["feature_group"] and "presenter" not in at.query_params
    # Entering or leaving presenter mode keeps the map: same base map, same component.
    assert after["script"] == args["script"] and after["key"] == args["key"]


def test_play_years_sends_every_step_at_the_report_grain(app, monkeypatch):
    """Playback never claims a single year the report does not give: 2016-2020, then 2021.

    Every step goes to the browser at once, with its own year label inside the map; the
    browser's player steps through them on an even clock.
    """
    import types

    import ui.scenes

    # The player's clock stands still: the pause below comes within the first step however
    # slowly the two runs go (a loaded machine once took longer than a step).
    monkeypatch.setattr(ui.scenes, "time", types.SimpleNamespace(monotonic=lambda: 1000.0))
    before = map_args(app)
    _button(app, "play_button").click().run()
    groups = map_args(app)["feature_group"]
    assert "截至2020年底" in groups and "第1/2步" in groups
    assert "2021年目标" in groups and "第2/2步" in groups
    assert "2016年" not in groups
    assert '"count": 2' in groups and '"ms": 2500' in groups and '"loop": false' in groups
    assert map_args(app)["script"] == before["script"]
    _button(app, "play_button").click().run()  # pause at once: the map keeps the first step
    assert app.radio(key="mode").value == "as_of"
    assert app.select_slider(key="as_of").value == 2020
    assert "Shinan.Player" not in map_args(app)["feature_group"]


def test_save_view_as_scene(monkeypatch, tmp_path):
    import shutil

    scenes_file = tmp_path / "scenes.json"
    shutil.copy(Path(APP).parent / "data" / "scenes.json", scenes_file)
    monkeypatch.setenv("PROJECT_MAP_SCENES", str(scenes_file))
    at = _open(monkeypatch)
    at.checkbox(key="layer_fiveg").uncheck().run()
    at.text_input(key="new_title_zh").input("测试场景")
    at.text_input(key="new_title_en").input("Test scene <b>")
    at.text_area(key="new_caption_zh").input("说明")
    at.text_area(key="new_caption_en").input("Caption")
    next(b for b in at.button if b.key == "save_scene_button").click().run()
    assert not at.exception
    saved = json.loads(scenes_file.read_text(encoding="utf-8"))["scenes"][-1]
    assert saved["id"] == "test-scene-b" and saved["title_en"] == "Test scene <b>"
    assert saved["view"]["layers"] == "renewal,construction,parking,pocket_park"
    assert len(json.loads(scenes_file.read_text(encoding="utf-8"))["scenes"]) == 6


def test_unchanged_view_sends_an_identical_map(app):
    """A rerun that changes nothing (a pan reported back) must not redraw the layers."""
    before = map_args(app)["feature_group"]
    app.run()
    assert map_args(app)["feature_group"] == before


def test_district_totals_and_unlocated_projects_stay_off_the_map(monkeypatch):
    """On the bundled data: totals go to the figures strip, site-less projects to a list."""
    monkeypatch.delenv("PROJECT_MAP_DATA", raising=False)
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    drawn = shown_ids(at)
    assert "5g-base-stations-2020" not in drawn and "district-parking-spaces" not in drawn
    assert "lushang-center" not in drawn and "haitian-center" in drawn
    figures = html_text(at, "district-figures")
    assert "809" in figures and "开通5G基站" in figures and "2020年" in figures
    assert "20,100" in figures and "2016–2020年期间" in figures
    unlocated = html_text(at, "unlocated")
    assert "未定位项目" in unlocated and "鲁商中心" in unlocated


def test_project_list_follows_the_filters(app):
    assert [d for d in app.dataframe if (d.key or "").startswith("project_table")]  # the list
    from geo import apply_filter
    from geo.filter import ProjectFilter
    from geo.load import load_projects
    from ui.project_list import list_frame

    table = list_frame(apply_filter(load_projects(TEST_DATA), ProjectFilter()), "zh")
    assert list(table.columns) == ["id", "名称", "图层", "状态", "位置"]
    assert "示意位置（报告未给出地点）" in set(table["位置"])


def test_link_with_a_project_selects_and_frames_it(monkeypatch):
    at = _open(monkeypatch, project="pichaiyuan-phase-2")
    assert "劈柴院二期" in html_text(at, "project-detail")
    args = map_args(at)
    assert args["center"] == pytest.approx([36.0694, 120.3187], abs=1e-3) and args["zoom"] >= 15
    assert '"selected": "pichaiyuan-phase-2"' in args["feature_group"]  # always labelled
    assert at.query_params["project"] == "pichaiyuan-phase-2"


def test_english_interface_has_no_chinese_controls(monkeypatch):
    at = _open(monkeypatch, lang="en")
    widgets = [at.button(key=k) for k in ("scene_prev", "scene_next", "play_button")]
    widgets += [at.checkbox(key=f"layer_{layer}") for layer in ("renewal", "fiveg")]
    widgets += [at.radio(key="mode"), at.selectbox(key="basemap")]
    widgets += [at.text_input(key="search_query")]
    texts = [w.label for w in widgets] + list(at.radio(key="mode").options)
    texts += list(at.selectbox(key="basemap").options)
    chinese = [x for x in texts if any("\u4e00" <= c <= "\u9fff" for c in x)]
    assert not chinese, chinese
    assert "Status in January 2021" in map_args(at)["feature_group"]  # the year label


def test_both_languages_side_by_side(monkeypatch):
    at = _open(monkeypatch, lang="both", presenter="1", scene="key-projects-2021")
    groups = map_args(at)["feature_group"]
    assert "2021年目标 2021 targets" in groups  # the year label in both languages
    assert at.button(key="scene_next").label == "下一场景 Next"


def test_selecting_a_district_total_does_not_point_at_an_invented_spot(monkeypatch):
    monkeypatch.delenv("PROJECT_MAP_DATA", raising=False)
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["project"] = "5g-base-stations-2020"
    at.run()
    assert "809" in html_text(at, "project-detail")
    args = map_args(at)
    assert args["zoom"] < 15  # the map was not sent to the symbol's old spot
    assert "shinan-selection" not in args["feature_group"]
