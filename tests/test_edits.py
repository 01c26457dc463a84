"""Edits as pure functions, checked by the same rules as ``geo validate``."""

from __future__ import annotations

import datetime as dt

from geo.edits import FeatureEdit, add_feature, check_edit, delete_feature, edit_feature

TODAY = dt.date(2026, 3, 20)
FID = "zhanshan-plaza"


def props(collection, fid=FID):
    return next(f["properties"] for f in collection["features"] if f["properties"]["id"] == fid)


def test_a_status_after_a_meeting_is_a_new_milestone_naming_its_document(collection):
    edit = FeatureEdit(
        status="under_construction",
        year=2026,
        note_zh="例会确认开工",
        document="2026年3月规划例会纪要",
        quote="湛山广场已开工",
    )
    new = edit_feature(collection, FID, edit, who="王", today=TODAY)
    assert props(new)["status"] == "under_construction"
    assert props(new)["milestones"][-1]["recorded_by"] == "王"
    assert check_edit(new, FID) == {}
    assert props(collection)["status"] == "planned", "the input must not change"


def test_without_a_document_the_quote_must_be_the_reports(collection):
    edit = FeatureEdit(status="completed", year=2026, note_zh="完工", quote="据说已完工")
    new = edit_feature(collection, FID, edit, who="王", today=TODAY)
    added = len(props(collection)["milestones"])
    problems = check_edit(new, FID, new_milestone=added)
    assert any("verbatim in the report" in fix for fix in problems["quote"])


def test_a_future_year_is_a_target_not_an_achievement(collection):
    edit = FeatureEdit(
        status="completed", year=2027, note_zh="计划竣工", document="纪要", quote="拟2027年竣工"
    )
    new = edit_feature(collection, FID, edit, who="li", today=TODAY)
    assert props(new)["milestones"][-1]["kind"] == "target"
    assert props(new)["status"] == "planned"


def test_edited_tables_drop_blank_cells_and_record_who(collection):
    milestones = [dict(m) for m in props(collection)["milestones"]]
    milestones.append(
        {
            "year": 2025.0,
            "year_end": float("nan"),
            "kind": "reported",
            "status": "preparation",
            "note_zh": "完成设计",
            "quote": "设计已完成",
            "document": "设计批复",
            "recorded_by": None,
        }
    )
    figures = [
        {
            "label_zh": "投资",
            "label_en": "Investment",
            "value": 3.0,
            "unit": "亿元",
            "quote": "总投资3亿元",
            "document": "可研报告",
            "recorded_by": "",
        },
        {"label_zh": None, "label_en": None, "value": None, "unit": None, "quote": None},
    ]
    new = edit_feature(
        collection, FID, FeatureEdit(milestones=milestones, figures=figures), who="zhao"
    )
    last = props(new)["milestones"][-1]
    assert "year_end" not in last and last["year"] == 2025 and isinstance(last["year"], int)
    assert last["recorded_by"] == "zhao"
    assert props(new)["figures"] == [
        {
            "label_zh": "投资",
            "label_en": "Investment",
            "value": 3,
            "unit": "亿元",
            "quote": "总投资3亿元",
            "document": "可研报告",
            "recorded_by": "zhao",
        }
    ]
    assert props(new)["status"] == "preparation"
    assert check_edit(new, FID) == {}


def test_a_figure_claiming_another_document_needs_who_recorded_it(collection):
    figure = {
        "label_zh": "投资",
        "label_en": "Investment",
        "value": 3,
        "unit": "亿元",
        "quote": "总投资3亿元",
        "document": "可研报告",
    }
    target = props(collection)
    target["figures"] = [figure]
    assert "figures" in check_edit(collection, FID)


def test_add_and_delete(collection):
    edit = FeatureEdit(
        name_zh="新停车场",
        status="open",
        year=2025,
        note_zh="投入使用",
        document="停车办台账",
        quote="新停车场2025年投入使用",
        location_note="Drawn on the map by the parking office.",
        geometry={"type": "Point", "coordinates": [120.33, 36.06]},
    )
    new = add_feature(collection, "new-lot", "parking", edit, who="停车办", today=TODAY)
    assert check_edit(new, "new-lot") == {}
    assert props(new, "new-lot")["source"]["recorded_by"] == "停车办"
    bad = add_feature(collection, "New Lot!", "parking", edit, who="x", today=TODAY)
    assert "id" in check_edit(bad, "New Lot!")
    gone = delete_feature(new, "new-lot")
    assert [f["properties"]["id"] for f in gone["features"]] == [
        f["properties"]["id"] for f in collection["features"]
    ]
