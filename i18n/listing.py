"""The project list under the map: sorting and paging (the column names are in ``page``)."""

STRINGS: dict[str, tuple[str, str]] = {
    "listing.sort": ("排序", "Sort by"),
    "listing.sort.file": ("数据顺序", "Data order"),
    "listing.descending": ("倒序", "Descending"),
    "listing.page": ("页码（共 {pages} 页）", "Page (of {pages})"),
    "listing.rows": (
        "第 {first:,}–{last:,} 条，共 {total:,} 条；排序针对全部项目",
        "Rows {first:,}–{last:,} of {total:,}; sorting covers every project",
    ),
    "listing.table_rows": (
        "第 {first:,}–{last:,} 行，共 {total:,} 行；下载内容为全部 {total:,} 行，顺序与表中相同。",
        "Rows {first:,}–{last:,} of {total:,}; the downloads hold all {total:,} rows, "
        "in this order.",
    ),
    "listing.none": ("筛选后没有项目", "No project matches the filters"),
}
