"""Finding projects by part of their name (the search box asks geo.search on the server)."""

from __future__ import annotations

import geopandas as gpd
import pytest
from shapely.geometry import Point

from geo.search import find_projects


@pytest.fixture
def gdf():
    rows = [
        ("a-1", "中山路步行街", "Zhongshan Road pedestrian street"),
        ("a-2", "劈柴院二期", "Pichaiyuan phase II"),
        ("a-3", "中山路", "Zhongshan Road"),
        ("a-4", "<img src=x onerror=alert(1)>", "${document.title} .* [x]"),
        ("a-5", "湛山广场中山路段", "Zhanshan Plaza"),
    ]
    return gpd.GeoDataFrame(
        {
            "id": [r[0] for r in rows],
            "name_zh": [r[1] for r in rows],
            "name_en": [r[2] for r in rows],
        },
        geometry=[Point(120.3, 36.06)] * len(rows),
        crs=4326,
    )


def test_part_of_a_chinese_name_finds_it(gdf):
    assert find_projects(gdf, "柴院").ids == ("a-2",)


def test_the_whole_name_ranks_first_then_names_starting_with_it(gdf):
    found = find_projects(gdf, "中山路")
    assert found.ids == ("a-3", "a-1", "a-5") and found.total == 3


def test_english_any_case_and_ids(gdf):
    assert find_projects(gdf, "  zhongshan ROAD ").ids == ("a-3", "a-1")
    assert find_projects(gdf, "a-4").ids == ("a-4",)


def test_limit_keeps_the_best_and_counts_them_all(gdf):
    found = find_projects(gdf, "中山路", limit=1)
    assert found.ids == ("a-3",) and found.total == 3


@pytest.mark.parametrize("text", ["<img src", "${document", ".*", "[x]"])
def test_hostile_and_pattern_text_is_matched_as_it_is(gdf, text):
    assert find_projects(gdf, text).ids == ("a-4",)


@pytest.mark.parametrize("text", ["", "   ", "不存在"])
def test_blank_or_unknown_text_finds_nothing(gdf, text):
    assert find_projects(gdf, text).ids == () and find_projects(gdf, text).total == 0


def test_the_frame_is_not_changed(gdf):
    before = gdf.copy()
    find_projects(gdf, "中山路")
    assert gdf.equals(before)


def test_a_negative_limit_is_refused(gdf):
    with pytest.raises(ValueError, match="limit -1"):
        find_projects(gdf, "x", limit=-1)
