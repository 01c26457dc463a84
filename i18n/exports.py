"""Printed and exported maps: legend notes, the figures box (数据框) and caption counts."""

from __future__ import annotations

STRINGS: dict[str, tuple[str, str]] = {
    "print.legend.title": ("图例", "Legend"),
    "print.legend.none": ("无符合筛选条件的项目", "No project matches the filters"),
    "print.layer.count": ("{layer}（{count}）", "{layer} ({count})"),
    "print.figures.title": ("数据框：全区合计（非具体地点）", "District-wide totals (not sites)"),
    "print.maker": ("制图单位：{maker}", "Made by: {maker}"),
    "print.made_on": ("制图日期：{date}", "Date: {date}"),
    "print.scale": ("比例尺 1:{n}", "Scale 1:{n}"),
    "print.inset.title": ("西部老城区放大图", "West old city, enlarged"),
    "print.count.on_map": ("图上 {count} 个项目", "{count} projects on the map"),
    "print.count.schematic": ("其中 {count} 个为示意位置", "{count} at schematic positions"),
    "print.count.totals": (
        "{count} 项全区合计见数据框，不在图上标点",
        "{count} district-wide totals in the figures box, not drawn as sites",
    ),
    "print.count.unlocated": (
        "{count} 个项目报告未给出地点，未标注",
        "{count} projects without a site in the report, not drawn",
    ),
    "print.count.outside": (
        "{count} 个项目在图幅范围外，未显示",
        "{count} projects outside the frame, not shown",
    ),
    "print.count.omitted": (
        "{count} 个标注因空间不足从略",
        "{count} labels left out for lack of room",
    ),
}
