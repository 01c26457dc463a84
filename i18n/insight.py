"""Planning insight: figures and charts, the project table, targets against the map, coverage."""

STRINGS: dict[str, tuple[str, str]] = {
    # Panel and tabs
    "insight.heading": ("规划分析", "Planning insight"),
    "insight.tab.charts": ("统计图表", "Figures and charts"),
    "insight.tab.table": ("项目表", "Project table"),
    "insight.tab.targets": ("报告指标与地图", "Report targets vs. map"),
    "insight.tab.coverage": ("步行距离覆盖", "Walking-distance coverage"),
    "insight.empty": ("当前筛选没有项目。", "No project matches the filters."),
    "insight.shown": (
        "当前显示 {shown} 个项目，其中 {located} 个有位置、{schematic} 个为示意符号。",
        "{shown} projects shown: {located} located, {schematic} schematic symbols.",
    ),
    # Charts
    "insight.chart.by_status": ("各图层项目状态", "Projects by layer and status"),
    "insight.chart.by_period": ("各年份/时期的项目", "Projects by year or period"),
    "insight.chart.period_note": (
        "“2016–2020”为报告所述时期，不拆分到单个年份；2021年为报告提出的目标，不是已完成的事实。",
        "“2016–2020” is the report's period and is never split into single years; 2021 "
        "holds the report's targets, not achievements.",
    ),
    "insight.chart.click_hint": (
        "点击柱形可按该图层和状态筛选地图；按住 Shift 多选，点击空白处取消。",
        "Click a bar to filter the map to that layer and status; Shift-click for more, click "
        "empty space to clear.",
    ),
    "insight.field.layer": ("图层", "Layer"),
    "insight.field.status": ("状态", "Status"),
    "insight.field.count": ("项目数", "Projects"),
    "insight.field.located": ("有位置", "Located"),
    "insight.field.schematic": ("示意", "Schematic"),
    "insight.field.period": ("年份/时期", "Year or period"),
    "insight.field.kind": ("类别", "Kind"),
    "insight.kind.reported": ("报告所述", "Reported"),
    "insight.kind.target": ("2021年目标", "2021 target"),
    "insight.kind.result": ("已完成结果", "Result"),
    # Figures and measures
    "insight.figures.heading": ("数据中的数字", "Figures the data carries"),
    "insight.figures.note": (
        "同一数字由多个项目共用时只计一次。",
        "A figure shared by several projects is listed once.",
    ),
    "insight.figures.none": ("当前项目未附数字。", "The shown projects carry no figures."),
    "insight.measures.heading": ("面积与长度（EPSG:4549 实测）", "Area and length (EPSG:4549)"),
    "insight.measures.note": (
        "只量算有位置的要素；示意符号不计面积和长度。",
        "Only located features are measured; schematic symbols have no area or length.",
    ),
    "insight.field.label": ("指标", "Figure"),
    "insight.field.value": ("数值", "Value"),
    "insight.field.unit": ("单位", "Unit"),
    "insight.field.amount": ("数量", "Amount"),
    "insight.field.features": ("项目数", "Projects"),
    "insight.field.ids": ("项目", "Project ids"),
    "insight.field.quote": ("报告原文", "Report's words"),
    "insight.field.area_ha": ("面积（公顷）", "Area (ha)"),
    "insight.field.area_m2": ("面积（平方米）", "Area (m²)"),
    "insight.field.length_km": ("长度（公里）", "Length (km)"),
    # Project table
    "insight.table.sort": ("排序", "Sort by"),
    "insight.table.descending": ("降序", "Descending"),
    "insight.table.csv": ("下载 CSV", "Download CSV"),
    "insight.table.xlsx": ("下载 Excel", "Download Excel"),
    "insight.field.id": ("编号", "Id"),
    "insight.field.name_zh": ("名称", "Name (zh)"),
    "insight.field.name_en": ("英文名称", "Name"),
    "insight.field.status_is_target": ("为目标", "Is a target"),
    "insight.field.location_precision": ("位置精度", "Location precision"),
    "insight.field.periods": ("年份/时期", "Years or periods"),
    "insight.field.figures": ("数字", "Figures"),
    # Targets against the map
    "insight.targets.note": (
        "报告给出的全区数字与地图所载要素对照：“有位置”为准确或近似位置的要素，“示意”为代表全区合计"
        "或无具体位置的符号。差距即尚待上图的内容。",
        "The report's district-wide figures against the map: “located” features have an exact "
        "or approximate place, “schematic” symbols stand for a district total or an unplaced "
        "project. The gap is what still needs mapping.",
    ),
    "insight.targets.scope": (
        "对照全部地图数据，不受筛选影响。",
        "Compared with all map data, whatever the filters.",
    ),
    "insight.targets.gap": (
        "{label}（{period}）：报告 {value}{unit}，图上 {located} 处有位置、{schematic} 个示意",
        "{label} ({period}): report {value}{unit}; map {located} located, {schematic} schematic",
    ),
    "insight.targets.at_least": ("以上", " or more"),
    "insight.field.mapped_value": ("图上量算", "Measured on the map"),
    # Coverage
    "insight.coverage.parks": (
        "口袋公园服务范围（直线距离 {distances} 米，非步行路径）",
        "Pocket-park service areas (straight line, {distances} m; not along streets)",
    ),
    "insight.coverage.share": (
        "{distance} 米内：覆盖陆地 {share}（{covered} 平方公里 / {land} 平方公里）",
        "Within {distance} m: {share} of the land ({covered} km² of {land} km²)",
    ),
    "insight.coverage.sites": (
        "计算依据：{sites} 处有位置的口袋公园；{excluded} 个示意符号未计入。",
        "Based on {sites} located pocket parks; {excluded} schematic symbols left out.",
    ),
    "insight.coverage.no_sites": (
        "报告未给出任何口袋公园的位置，地图上只有示意符号，无法计算服务范围。",
        "The report places no pocket park; the map has only schematic symbols, so no service "
        "area can be computed.",
    ),
    "insight.coverage.sea": (
        "陆地面积取市南区区界多边形（不含海域），在 EPSG:4549 中量算。",
        "Land is the district boundary polygon (no sea), measured in EPSG:4549.",
    ),
    "insight.coverage.parking": (
        "更新项目 500 米内的停车位（直线）",
        "Parking spaces within 500 m of each renewal site (straight line)",
    ),
    "insight.coverage.parking_none": (
        "停车位只有全区合计（示意符号），没有具体位置：{excluded} 个示意符号未计入。",
        "Parking is known only as district totals (schematic): {excluded} symbols left out.",
    ),
    "insight.coverage.fiveg": (
        "5G 示范区覆盖的重点项目",
        "Key project sites covered by 5G zones",
    ),
    "insight.coverage.fiveg_sites": (
        "{sites} 处有位置的重点项目；{excluded} 个示意符号未计入；只计有位置的 5G 示范区。",
        "{sites} located key project sites; {excluded} schematic symbols left out; only "
        "located 5G zones count.",
    ),
    "insight.cover.full": ("完全覆盖", "Fully covered"),
    "insight.cover.partial": ("部分覆盖", "Partly covered"),
    "insight.cover.none": ("未覆盖", "Not covered"),
    "insight.field.cover": ("覆盖", "Cover"),
    "insight.field.zone_ids": ("5G 示范区", "5G zones"),
    "insight.field.near_count": ("500米内停车要素", "Parking features within 500 m"),
    "insight.field.figure_sum": ("停车位合计", "Parking spaces"),
    "insight.radius.heading": ("半径内的项目", "Projects within a radius"),
    "insight.radius.lat": ("纬度", "Latitude"),
    "insight.radius.lon": ("经度", "Longitude"),
    "insight.radius.metres": ("半径（米）", "Radius (m)"),
    "insight.radius.result": (
        "{count} 个有位置的项目在 {radius} 米内；{excluded} 个示意符号未计入。",
        "{count} located projects within {radius} m; {excluded} schematic symbols left out.",
    ),
    "insight.field.distance_m": ("距离（米）", "Distance (m)"),
    "insight.service.tooltip": (
        "口袋公园 {distance} 米服务范围（直线距离）",
        "Pocket park {distance} m service area (straight line)",
    ),
    "insight.service.layer": ("口袋公园服务范围（直线）", "Pocket-park service areas (straight)"),
    # Comparison export
    "insight.compare.title": ("{left} 与 {right} 对比", "{left} compared with {right}"),
    "insight.compare.now": ("2021年1月现状", "status in January 2021"),
    # Two times side by side in the app
    "insight.compare.heading": (
        "两个时期对比（同步地图）",
        "Two times side by side (synchronised maps)",
    ),
    "insight.compare.hint": (
        "左右两幅地图显示同样的图层和状态筛选，各取一个时期；平移或缩放一幅，另一幅随之移动。"
        "空心符号为2021年目标，不是已完成的事实。",
        "Both maps show the sidebar's layers and statuses, each at its own time; pan or zoom "
        "one and the other follows. Hollow symbols are 2021 targets, not achievements.",
    ),
    "insight.compare.left": ("左图", "Left map"),
    "insight.compare.right": ("右图", "Right map"),
    "insight.compare.side.2016-2020": ("2016–2020年（“十三五”回顾）", "2016–2020 (review)"),
    "insight.compare.side.2020": ("截至2020年底", "By the end of 2020"),
    "insight.compare.side.2021": ("2021年目标", "2021 targets"),
    "insight.compare.side.now": ("2021年1月现状", "Status in January 2021"),
    "insight.compare.download": ("下载对比图（PNG，16:9）", "Download the comparison (PNG, 16:9)"),
    # Beside the map
    "insight.service.toggle": (
        "口袋公园服务范围（直线300/500米）",
        "Pocket-park service areas (straight line, 300/500 m)",
    ),
    "insight.radius.toggle": ("点击地图按半径筛选", "Radius filter: click the map"),
    "insight.radius.click": (
        "点击地图上项目以外的位置作为中心；点击项目仍会选中该项目。",
        "Click the map away from any project to set the centre; clicking a project still "
        "selects it.",
    ),
    "insight.radius.filtering": (
        "地图、统计和项目表只显示中心（{lat}, {lon}）{radius} 米内（直线）的 {count} 个"
        "有位置的项目；{excluded} 个示意符号不计。",
        "The map, figures and table show only the {count} located projects within {radius} m "
        "(straight line) of ({lat}, {lon}); {excluded} schematic symbols left out.",
    ),
    "insight.radius.clear": ("清除半径筛选", "Clear the radius filter"),
    # A report figure's amount. English drops a counting word the label already names
    # ("4 Blocks to be made smart", not "4 个") and keeps a measure ("10 km").
    "unit.亿元": ("{value}亿元", "{value} million yuan"),
    "unit.万平方米": ("{value}万平方米", "{value} m²"),
    "unit.平方米": ("{value}平方米", "{value} m²"),
    "unit.公里": ("{value}公里", "{value} km"),
    "unit.个": ("{value}个", "{value}"),
    "unit.套": ("{value}套", "{value}"),
    "unit.处": ("{value}处", "{value}"),
    "unit.座": ("{value}座", "{value}"),
    "unit.台": ("{value}台", "{value}"),
    "unit.家": ("{value}家", "{value}"),
    "unit.栋": ("{value}栋", "{value}"),
    "unit.所": ("{value}所", "{value}"),
    "unit.条": ("{value}条", "{value}"),
}
