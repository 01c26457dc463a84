"""The "位置依据 Location evidence" part of the detail panel: sources shown, data escaped."""

from __future__ import annotations

from pathlib import Path

import pytest
from shapely.geometry import Point
from streamlit.testing.v1 import AppTest

from geo import load_projects
from geo.evidence import Reference
from geo.settings import DEFAULT_DATA_PATH
from ui.evidence import evidence_html
from ui.panels import detail_html

APP = str(Path(__file__).resolve().parents[1] / "app.py")
HOSTILE = "<img src=x onerror=alert(1)> ${document.title=1} `"


@pytest.fixture(scope="module")
def rows():
    gdf = load_projects(DEFAULT_DATA_PATH)
    return {row["id"]: row for row in (gdf.iloc[i].to_dict() for i in range(len(gdf)))}


def test_footbridge_shows_the_news_report_and_why_it_is_still_unverified(rows):
    html = evidence_html(rows["zhongshan-road-footbridge-removal"], "both")
    assert "位置依据 Location evidence" in html and "未核实 unverified" in html
    assert "中山路与胶州路交叉口" in html and "news.bandao.cn/a/373561.html" in html
    assert "2020-05-27" in html and " m ✓" in html and "one source" in html


def test_old_city_street_is_confirmed_by_sources_it_was_not_drawn_from(rows):
    html = evidence_html(rows["zhongshan-road-pedestrian-street"], "en")
    assert "ok" in html and "St. Michael" in html and "OpenStreetMap" in html


def test_unverified_feature_says_why(rows):
    html = evidence_html(rows["yanji-road-5"], "en")
    assert "unverified" in html and "Unverified: no stored source places 延吉路5号" in html


def test_chinese_interface_shows_the_reasons_and_notes_in_chinese(rows):
    html = evidence_html(rows["yanji-road-5"], "zh")
    assert "没有存档来源给出延吉路5号的位置" in html and "no stored source" not in html
    html = evidence_html(rows["zhongshan-road-pedestrian-street"], "zh")
    assert "天主教堂位于中山路东侧" in html and "the cathedral stands" not in html


def test_every_evidence_note_in_the_bundled_data_has_a_chinese_version(rows):
    missing = []
    for row in rows.values():
        evidence = row.get("location_evidence")
        if not isinstance(evidence, dict):
            continue
        if evidence.get("unverified") and not evidence.get("unverified_zh"):
            missing.append((row["id"], "unverified"))
        for link in evidence.get("references", []):
            if link.get("note") and not link.get("note_zh"):
                missing.append((row["id"], link["note"][:40]))
    assert missing == []


def test_a_blank_chinese_note_is_refused_with_the_field_named():
    from geo.evidence import check_location_evidence

    props = {
        "location_precision": "approximate",
        "location_evidence": {"unverified": "not known", "unverified_zh": " "},
    }
    problems = check_location_evidence("yanji-road-5", props)
    assert [p.field for p in problems] == ["location_evidence.unverified_zh"]


def test_drawn_from_reference_is_marked_not_independent(rows):
    html = evidence_html(rows["navy-museum-opening"], "zh")
    assert "绘制所据，非独立" in html and "未核实" in html


def test_schematic_feature_has_no_evidence_section(rows):
    assert evidence_html(rows["district-parking-spaces"], "both") == ""


def test_detail_panel_carries_the_evidence_apart_from_the_report_quote(rows):
    html = detail_html(rows["qingdao-bay-plaza"], lang="both")
    evidence_at = html.index('data-testid="location-evidence"')
    quote_at = html.index("来源 Source</b>: 2021年市南区政府工作报告")
    assert evidence_at < quote_at and "太平路53号" in html


def test_every_string_from_data_is_escaped():
    row = {
        "id": "x",
        "name_zh": "x",
        "location_precision": "approximate",
        "location_evidence": {
            "references": [{"ref": "evil", "relation": "at", "note": HOSTILE}],
            "unverified": HOSTILE,
        },
        "geometry": Point(120.31, 36.06),
    }
    source = {"title": HOSTILE, "url": "javascript:alert(1)", "date": HOSTILE}
    evil = Reference("evil", HOSTILE, HOSTILE, "osm", "WGS84", source, Point(120.31, 36.06))
    html = evidence_html(row, "both", references={"evil": evil})
    assert "<img" not in html and "${" not in html and "`" not in html
    assert "javascript:" not in html  # only http(s) sources become links


def test_app_detail_panel_shows_location_evidence(monkeypatch):
    monkeypatch.setenv("PROJECT_MAP_DATA", str(DEFAULT_DATA_PATH))
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    at.text_input(key="search_query").set_value("中山路").run()  # two projects match
    at.selectbox(key="search").set_value("zhongshan-road-footbridge-removal").run()
    assert not at.exception, at.exception
    bodies = [e.proto.body for e in at.main if type(e).__name__ == "Html"]
    detail = next(b for b in bodies if 'data-testid="project-detail"' in b)
    assert "位置依据" in detail and "中山路与胶州路交叉口" in detail
