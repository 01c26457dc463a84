"""Working with very many projects: what the page does on request instead of on every rerun."""

STRINGS: dict[str, tuple[str, str]] = {
    "scale.coverage.deferred": (
        "当前显示 {count:,} 个项目：覆盖分析要为每个地点计算缓冲区，数据量大时需数十秒，"
        "因此点击按钮后再计算；算过的筛选结果会保留，再次显示时立即可见。",
        "{count:,} projects shown: coverage buffers every site, which takes tens of seconds "
        "at this size, so it is worked out when you ask; answers are kept, and a filter "
        "state seen before shows at once.",
    ),
    "scale.coverage.run": ("计算覆盖分析", "Work out coverage"),
}
