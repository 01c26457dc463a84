"""Strings of the project search box (the typed text is answered on the server)."""

from __future__ import annotations

STRINGS: dict[str, tuple[str, str]] = {
    "search.pick": ("找到 {count} 个项目，请选择", "{count} found: pick one"),
    "search.pick_more": (
        "找到 {count} 个项目，列出前 {shown} 个；输入更多文字可缩小范围",
        "{count} found, first {shown} listed: type more to narrow them",
    ),
    "search.none": ("没有名称包含“{text}”的项目", "No project name contains “{text}”"),
    "search.results": ("搜索结果", "Search results"),
}
