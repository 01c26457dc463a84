"""The report's targets and results: verbatim, in the right period, and set against the map."""

from __future__ import annotations

import json

import geopandas as gpd
import pytest
from shapely.geometry import box

from geo import load_projects
from geo.errors import ProjectDataError
from geo.periods import report_period
from geo.settings import DEFAULT_DATA_PATH, METRIC_CRS, REPORT_PATH
from geo.targets import TARGETS_PATH, compare_targets, load_targets

#: Figures the report gives for the map's themes: (value, unit, period) that must be listed.
REQUIRED = [
    (20100, "个", "2016–2020"),  # 新建及联网停车位2.01万个
    (953, "个", "2016–2020"),  # 充电桩
    (33, "处", "2016–2020"),  # 口袋公园
    (158, "个", "2016–2020"),  # 重点项目
    (49, "个", "2016–2020"),  # 开工
    (56, "个", "2016–2020"),  # 竣工
    (809, "处", "2020"),  # 5G基站
    (82, "万平方米", "2020"),  # 老旧小区改造
    (76, "个", "2021"),
    (12, "个", "2021"),
    (10400, "个", "2021"),
    (2, "处", "2021"),
    (10, "公里", "2021"),
    (53, "万平方米", "2021"),
    (1699, "套", "2021"),
]


@pytest.fixture(scope="module")
def targets():
    return load_targets()


@pytest.fixture(scope="module")
def compared(targets):
    return compare_targets(targets, load_projects(DEFAULT_DATA_PATH)).set_index("id")


def test_every_quote_is_verbatim_in_the_report(targets):
    report = REPORT_PATH.read_text(encoding="utf-8")
    missing = [t.id for t in targets if t.quote not in report]
    assert not missing and len(targets) >= 30


def test_every_figure_is_written_in_its_own_sentence(targets):
    # "2.01万" is 20100: the number as the report writes it must be in the quote.
    for target in targets:
        written = f"{target.value / 10_000:g}万" if target.value >= 10_000 else f"{target.value:g}"
        assert written in target.quote, f"{target.id}: {written} not in {target.quote}"


def test_each_target_sits_in_the_part_of_the_report_for_its_period(targets):
    report = REPORT_PATH.read_text(encoding="utf-8")
    for target in targets:
        years = report_period(target.quote, report)
        assert years == (target.year, target.year_end), target.id
        # The 2021 plan states targets; the review states results.
        assert target.kind == ("target" if target.year >= 2021 else "result"), target.id


@pytest.mark.parametrize(("value", "unit", "period"), REQUIRED)
def test_the_reports_figure_is_listed(targets, value, unit, period):
    assert any((t.value, t.unit, t.period) == (value, unit, period) for t in targets)


def test_pocket_parks_report_33_but_none_is_located(compared):
    row = compared.loc["pocket-parks-2016-2020"]
    assert (row["value"], row["located"], row["schematic"]) == (33, 0, 1)


def test_a_period_result_never_counts_a_2021_target(compared):
    # The 2016-2020 completions are facts; projects only planned to complete in 2021 are not.
    ids = compared.loc["key-projects-completed-2016-2020", "mapped_ids"].split(", ")
    assert "china-railway-qingdao-international-center" in ids
    assert "zhanshan-square" not in ids
    assert "zhanshan-square" in compared.loc["projects-completed-2021", "mapped_ids"]


def test_a_single_year_result_does_not_take_the_five_year_milestones(compared):
    ids = compared.loc["key-projects-2020", "mapped_ids"].split(", ")
    assert "yanji-road-8" in ids and "haitian-center" not in ids


def test_figures_drawn_as_one_district_symbol_are_schematic(compared):
    for target_id in ("parking-spaces-2016-2020", "parking-spaces-2021", "5g-base-stations-2020"):
        row = compared.loc[target_id]
        assert row["located"] == 0 and row["schematic"] >= 1, target_id


def test_located_counts_never_exceed_mapped(compared):
    assert (compared["located"] + compared["schematic"] == compared["mapped"]).all()


def test_a_bad_targets_file_names_the_target_field_and_fix(tmp_path):
    doc = json.loads(TARGETS_PATH.read_text(encoding="utf-8"))
    doc["targets"][0]["quote"] = "报告里没有的句子"
    doc["targets"][1]["layer"] = "roads"
    path = tmp_path / "targets.json"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(ProjectDataError) as caught:
        load_targets(path)
    text = str(caught.value)
    assert "key-projects-2016-2020, field 'quote'" in text and "verbatim" in text
    assert "field 'layer'" in text and "pocket_park" in text


def test_mapped_area_is_measured_in_the_reports_unit():
    # One located 100 m x 100 m estate renewed under the 2021 target: 1 万平方米 of 53.
    square = box(531_500, 3_990_000, 531_600, 3_990_100)
    estate = gpd.GeoDataFrame(
        {
            "id": ["estate"],
            "layer": ["renewal"],
            "name_zh": ["某老旧小区改造"],
            "location_precision": ["approximate"],
            "figures": [[]],
            "milestones": [[{"year": 2021, "kind": "target", "status": "completed"}]],
        },
        geometry=[square],
        crs=METRIC_CRS,
    ).to_crs("EPSG:4326")
    targets = [t for t in load_targets() if t.id == "old-residential-renewal-2021"]
    row = compare_targets(targets, estate).iloc[0]
    assert (row["located"], row["schematic"]) == (1, 0)
    assert row["mapped_value"] == pytest.approx(1.0, rel=1e-4)
    # The 2020 result is a different period: the 2021 estate does not count for it.
    earlier = [t for t in load_targets() if t.id == "old-residential-renewal-2020"]
    assert compare_targets(earlier, estate).iloc[0]["located"] == 0
