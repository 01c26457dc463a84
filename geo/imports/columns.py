"""Which column of an imported file holds which project field, and reading their values.

Column names are guessed from the Chinese and English names planners use (项目名称, 状态,
开工年份, 建设单位 ...); ``--map FIELD=COLUMN`` (or the app's mapping form) overrides a guess.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from typing import Any, Final

from geo import schema

#: Project fields a column can fill, with the column names that suggest each (compared
#: case-insensitively, ignoring spaces, underscores and hyphens).
#: Names cut to a .dbf's 10 bytes (项目名, 建设单) are listed too.
FIELD_NAMES: Final[dict[str, tuple[str, ...]]] = {
    "id": ("id", "编号", "项目编号", "feature_id", "project_id", "code"),
    "name_zh": (
        "项目名称",
        "名称",
        "项目",
        "项目名",
        "地块名称",
        "name_zh",
        "name",
        "名字",
        "停车场名称",
    ),
    "name_en": ("name_en", "英文名称", "英文名", "english_name", "name_english"),
    "status": ("状态", "项目状态", "建设状态", "进度", "status", "stage"),
    "start_year": ("开工年份", "开工时间", "开工日期", "开工年", "start_year", "start"),
    "completion_year": (
        "竣工年份",
        "竣工时间",
        "竣工日期",
        "完工年份",
        "completion_year",
        "completed",
    ),
    "year": ("年份", "年度", "year"),
    "owner": (
        "建设单位",
        "建设单",
        "业主",
        "业主单位",
        "实施单位",
        "owner",
        "developer",
        "builder",
    ),
    "note": ("备注", "进展", "进展情况", "说明", "note", "notes", "remark", "description"),
    "location_precision": ("位置精度", "精度", "location_precision", "precision"),
    "location_note": ("位置说明", "定位说明", "location_note"),
    "quote": ("原文", "报告原文", "依据", "quote"),
    "document": ("来源", "来源文件", "文件", "document", "source"),
    "lon": ("经度", "lon", "lng", "long", "longitude", "x", "东坐标", "easting"),
    "lat": ("纬度", "lat", "latitude", "y", "北坐标", "northing"),
    "wkt": ("wkt", "geometry", "geom", "几何", "the_geom", "shape"),
}
#: Fields that only tables (CSV, XLSX) use, to build their geometry.
COORDINATE_FIELDS: Final = ("lon", "lat", "wkt")

#: Words for each status, as planners write them (Chinese, English, the data's own ids).
STATUS_WORDS: Final[dict[str, str]] = {
    **{s: s for s in schema.STATUSES},
    **dict.fromkeys(("计划", "规划", "拟建", "谋划", "储备", "plan", "planned"), "planned"),
    **dict.fromkeys(
        ("前期", "征收", "土地整理", "招商", "规划设计", "设计", "招拍挂", "prep"), "preparation"
    ),
    **dict.fromkeys(
        ("在建", "施工", "开工", "建设中", "施工中", "续建", "新开工", "under construction"),
        "under_construction",
    ),
    **dict.fromkeys(("竣工", "完工", "已竣工", "已完工", "主体完工", "done"), "completed"),
    **dict.fromkeys(
        ("开放", "运营", "开放运营", "投入使用", "已开放", "已运营", "开业", "in use"), "open"
    ),
}
PRECISION_WORDS: Final[dict[str, str]] = {
    **{p: p for p in schema.PRECISIONS},
    **dict.fromkeys(("精确", "准确", "测绘", "实测"), "exact"),
    **dict.fromkeys(("近似", "大致", "约"), "approximate"),
    **dict.fromkeys(("示意",), "schematic"),
}

_YEAR = re.compile(r"^\s*((?:19|20)\d\d)(?:\s*年|[-/.年]\s*\d{1,2}.*|\.0)?\s*$")


def _norm(name: str) -> str:
    return re.sub(r"[\s_\-]+", "", str(name)).lower()


def guess_mapping(columns: Iterable[str]) -> dict[str, str]:
    """Field -> column for each field a column name suggests (first matching column wins)."""
    by_norm: dict[str, str] = {}
    for column in columns:
        by_norm.setdefault(_norm(column), column)
    mapping: dict[str, str] = {}
    used: set[str] = set()
    for field, names in FIELD_NAMES.items():
        for name in names:
            column = by_norm.get(_norm(name))
            if column is not None and column not in used:
                mapping[field] = column
                used.add(column)
                break
    return mapping


def parse_overrides(text: str | None) -> dict[str, str]:
    """``FIELD=COLUMN,FIELD=COLUMN`` (``FIELD=`` drops a guess); ValueError names a bad part."""
    overrides: dict[str, str] = {}
    for part in (text or "").split(","):
        if not part.strip():
            continue
        field, sep, column = part.partition("=")
        field = field.strip()
        if not sep or field not in FIELD_NAMES:
            raise ValueError(part.strip())
        overrides[field] = column.strip()
    return overrides


def apply_overrides(
    mapping: Mapping[str, str], overrides: Mapping[str, str], columns: Iterable[str]
) -> dict[str, str]:
    """The guessed mapping with overrides applied; ValueError names a column that is absent."""
    columns = list(columns)
    out = dict(mapping)
    for field, column in overrides.items():
        if not column:
            out.pop(field, None)
            continue
        if column not in columns:
            raise ValueError(column)
        out = {f: c for f, c in out.items() if c != column}
        out[field] = column
    return out


def cell(row: Mapping[str, Any], mapping: Mapping[str, str], field: str) -> Any:
    """The row's value for ``field``, or None when unmapped, empty or NaN."""
    column = mapping.get(field)
    if column is None:
        return None
    value = row.get(column)
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return value


def parse_status(value: Any) -> str | None:
    """The status id for a planner's word (在建, 竣工, completed ...); None when unknown."""
    return STATUS_WORDS.get(str(value).strip().lower()) or STATUS_WORDS.get(str(value).strip())


def parse_precision(value: Any) -> str | None:
    return PRECISION_WORDS.get(str(value).strip().lower())


def parse_year(value: Any) -> int | None:
    """A year from ``2019``, ``2019.0``, ``2019年``, ``2019-05-01`` or a date; None otherwise."""
    if hasattr(value, "year") and isinstance(getattr(value, "year", None), int):
        return int(value.year)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return int(value) if float(value).is_integer() else None
    match = _YEAR.match(str(value))
    return int(match.group(1)) if match else None


def plain(value: Any) -> Any:
    """A cell as JSON-friendly data: numbers stay numbers, dates become ISO text."""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value.item() if hasattr(value, "item") else value
