"""The page, map, legend, presenter mode, scenes and year views."""

STRINGS: dict[str, tuple[str, str]] = {
    # Page
    "app.title": ("市南区项目地图", "Shinan District Project Map"),
    "app.heading": ("市南区重点项目与城市更新地图", "Shinan District key projects and renewal"),
    "app.subtitle": (
        "《2021年市南区政府工作报告》中的项目、进展与目标",
        "Projects, progress and targets in the 2021 Shinan District Government Work Report",
    ),
    "error.vendor_missing": (
        "地图脚本文件缺失（static/vendor/）：{files}。请从代码库恢复（git checkout static）。",
        "The map's script files are missing from static/vendor/: {files}. "
        "Restore them from the repository (git checkout static).",
    ),
    "error.data": (
        "项目数据无法加载：发现 {count} 处问题",
        "The project data cannot be loaded: {count} problem(s)",
    ),
    "error.data_fix": (
        "修正文件后刷新页面。文件：{source}",
        "Fix the file, then reload. File: {source}",
    ),
    # Language
    "lang.label": ("界面语言", "Language"),
    "lang.zh": ("中文", "中文"),
    "lang.en": ("English", "English"),
    "lang.both": ("中英", "Both"),
    # Link notices
    "notice.heading": (
        "链接中有些内容无法使用，已忽略：",
        "Some parts of the link could not be used and were ignored:",
    ),
    "notice.dismiss": ("知道了", "Dismiss"),
    "notice.unknown_param": ("无法识别的链接参数“{name}”", "Unknown link parameter “{name}”"),
    "notice.layers": ("没有名为“{value}”的图层", "No layer called “{value}”"),
    "notice.status": ("没有名为“{value}”的状态", "No status called “{value}”"),
    "notice.year": (
        "年份“{value}”超出范围 {first}–{last}",
        "Year “{value}” is outside {first}–{last}",
    ),
    "notice.year_grain": (
        "报告只给出2016–2020年期间的进展，未分年份；“截至{value}年”无法显示，已改为截至{step}年底",
        "The report gives 2016–2020 progress as one period, not year by year: "
        "“as of {value}” cannot be shown; showing the end of {step} instead",
    ),
    "notice.years": (
        "年份范围“{value}”无法识别，应如 2016-2020",
        "Year range “{value}” not understood; use e.g. 2016-2020",
    ),
    "notice.basemap": ("底图“{value}”不可用", "Basemap “{value}” is not available"),
    "notice.extent": ("链接中的地图位置不完整或无效", "The map position in the link is incomplete"),
    "notice.extent_outside": (
        "链接中的地图位置不在市南区，已显示全区",
        "The map position in the link is outside Shinan; showing the whole district",
    ),
    "notice.presenter": (
        "演示模式参数“{value}”应为 1 或 0",
        "Presenter “{value}” should be 1 or 0",
    ),
    "notice.lang": (
        "不支持的语言“{value}”（可用 zh、en、both）",
        "Language “{value}” unknown (zh, en, both)",
    ),
    "notice.scene": ("未找到场景“{value}”", "Scene “{value}” not found"),
    "notice.project": ("未找到项目“{value}”", "Project “{value}” not found"),
    # Sidebar filters
    "presenter.toggle": ("演示模式", "Presenter mode"),
    "presenter.help": (
        "隐藏侧栏，放大图例和文字，适合投影。翻页笔 PageDown／PageUp 切换场景，Esc 退出。",
        "Hides the sidebar and enlarges legend and text for a projector. "
        "Clicker PageDown/PageUp steps through scenes, Esc leaves.",
    ),
    "presenter.exit": ("退出演示", "Exit"),
    "filters.layers": ("图层", "Layers"),
    "filters.statuses": ("状态", "Status"),
    "filters.time": ("时间", "Time"),
    "layer.renewal": ("西部老城区更新", "West old-city renewal"),
    "layer.construction": ("重点建设项目", "Key construction projects"),
    "layer.parking": ("停车与充电", "Parking and charging"),
    "layer.pocket_park": ("口袋公园与绿道", "Pocket parks and greenways"),
    "layer.fiveg": ("5G与智慧城市", "5G and smart city"),
    "layer.renewal.help": (
        "中山路、青岛湾广场、黄岛路、劈柴院、宁阳路等历史城区保护更新项目（圆形、斜线填充）",
        "Conservation and renewal of the historic west old city (circles, hatched areas)",
    ),
    "layer.construction.help": (
        "报告点名的重点项目：总部楼宇、酒店、学校、公共设施（方形、实色填充）",
        "Key projects named in the report: towers, hotels, schools, public works "
        "(squares, solid areas)",
    ),
    "layer.parking.help": (
        "新建及联网停车位、充电桩；报告只给全区合计，列在地图旁（六边形）",
        "Parking spaces and chargers; the report gives district totals, listed beside the map "
        "(hexagons)",
    ),
    "layer.pocket_park.help": (
        "口袋公园、绿道、商圈绿化提升（三角形、点状填充）",
        "Pocket parks, greenways and greening (triangles, dotted areas)",
    ),
    "layer.fiveg.help": (
        "5G数字街区示范区、5G园区、智慧城市示范区（菱形、网格填充）",
        "5G digital blocks, 5G parks, smart-city zones (diamonds, grid areas)",
    ),
    "status.planned": ("计划", "Planned"),
    "status.preparation": ("前期", "Preparation"),
    "status.under_construction": ("在建", "Under construction"),
    "status.completed": ("竣工", "Completed"),
    "status.open": ("开放运营", "Open"),
    "status.none": ("报告未给出", "not given by the report"),
    "precision.exact": ("位置准确", "Exact site"),
    "precision.approximate": ("位置近似", "Approximate location"),
    "precision.schematic": ("示意位置（报告未给出地点）", "Schematic: the report gives no site"),
    # Time
    "time.mode": ("时间视图", "Time view"),
    "time.mode.all": ("报告发布时现状", "At the report date"),
    "time.mode.as_of": ("截至某年", "As of a year"),
    "time.mode.period": ("时期", "Period"),
    "time.help": (
        "报告发布时：2021年1月的状态。截至某年：报告给出的、到该年底已知的状态；"
        "2016–2020年的进展只按整个时期给出，不分年份；2021年为报告提出的目标。"
        "时期：进展完全落在所选年份内的项目。",
        "At the report date: status in January 2021. As of a year: what the report says was "
        "known by the end of that year; 2016–2020 progress is given for the whole period, not "
        "year by year; 2021 shows the report's targets. Period: projects whose progress lies "
        "wholly within the years.",
    ),
    "time.years": ("年份范围", "Years"),
    "time.as_of": ("截至", "As of"),
    "time.step": ("{year}年底", "end of {year}"),
    "time.target_year": ("{year}年目标", "{year} targets"),
    "time.period_caption": (
        "报告只给出2016–2020年整个时期的进展：所选范围须包含整个时期才会显示这些进展。",
        "The report gives 2016–2020 progress for the whole period: a range shows it only when "
        "it holds the whole period.",
    ),
    "time.target_caption": (
        "2021年为报告提出的计划目标（空心符号），不是已完成的事实。",
        "2021 shows the report's planned targets (hollow symbols), not achievements.",
    ),
    "time.label.current": ("2021年1月现状", "Status in January 2021"),
    "time.note.current": ("报告发布时", "at the report date"),
    "time.label.as_of": ("截至{year}年底", "By the end of {year}"),
    "time.note.as_of": (
        "“十三五”（2016–2020）进展只按时期给出，不分年份",
        "2016–2020 progress is given for the period, not by year",
    ),
    "time.label.target": ("{year}年目标", "{year} targets"),
    "time.note.target": (
        "空心为报告提出的目标，非已完成事实；实心为已报告的进展",
        "hollow: the report's targets, not achievements; filled: reported progress",
    ),
    "time.label.period": ("{span}年", "{span}"),
    "time.note.period": ("报告给出的该时期进展", "progress the report gives for these years"),
    "span.year": ("{year}年", "{year}"),
    "span.period": ("{first}–{last}年期间", "during {first}–{last}"),
    # Basemaps
    "basemap.label": ("底图", "Basemap"),
    "basemap.help": (
        "无法连网时底图瓦片无法加载，地图显示离线底图（海陆、邻区和地名）；区界和项目图层始终显示。"
        "设置 TIANDITU_KEY 可启用天地图。",
        "Offline, tiles cannot load and the map shows its offline background (land, sea, "
        "neighbouring districts, place names); the boundary and layers always show. Set "
        "TIANDITU_KEY to enable Tianditu.",
    ),
    "basemap.light": ("浅色底图（Esri）", "Light grey (Esri)"),
    "basemap.satellite": ("卫星影像（Esri）", "Satellite (Esri)"),
    "basemap.osm": ("OpenStreetMap", "OpenStreetMap"),
    "basemap.tianditu": ("天地图", "Tianditu"),
    "basemap.gaode": ("高德地图（GCJ-02）", "Gaode (GCJ-02)"),
    "basemap.local": ("本地瓦片", "Local tile server"),
    "basemap.none": ("仅离线底图", "Offline background only"),
    # Map
    "map.tiles_failed": (
        "底图瓦片无法加载，已显示离线底图",
        "Basemap tiles could not be loaded; showing the offline background",
    ),
    "legend.title": ("图例：图层 × 状态", "Legend: layer × status"),
    "legend.hollow": ("空心：计划或2021年目标，非已完成", "Hollow: planned or 2021 target"),
    "legend.schematic": ("虚线圈：示意位置，非实际地点", "Dotted ring: schematic, not the site"),
    "legend.boundary": ("市南区界", "Shinan boundary"),
    "label.schematic": ("{name}（示意）", "{name} (schematic)"),
    "tip.target": ("2021年目标：{status}", "2021 target: {status}"),
    # Counts, search, detail
    "counts.shown": ("显示 {shown} / {total} 个项目", "{shown} of {total} projects shown"),
    "counts.hidden": ("已隐藏", "hidden"),
    "search.label": ("搜索项目", "Find a project"),
    "search.placeholder": ("搜索项目名称…", "Find a project…"),
    "detail.hint": (
        "点击地图上的项目、搜索名称或在下方列表中选择，查看详情。",
        "Click a project on the map, search, or pick one in the list below to see details.",
    ),
    "detail.hidden": ("当前筛选未在地图上显示此项目。", "The current filters hide this project."),
    "detail.clear": ("取消选择", "Clear selection"),
    "detail.current": ("报告发布时状态", "Status at the report date"),
    "detail.milestones": ("进展", "Milestones"),
    "detail.figures": ("数据", "Figures"),
    "detail.location": ("位置", "Location"),
    "detail.source": ("来源", "Source"),
    "detail.area": ("图上面积 {ha} 公顷", "Drawn area {ha} ha"),
    "detail.length": ("图上长度 {km} 公里", "Drawn length {km} km"),
    "milestone.when": ("时间", "When"),
    "milestone.kind": ("类型", "Kind"),
    "milestone.status": ("状态", "Status"),
    "milestone.note": ("说明（报告原文）", "Note (report's words)"),
    "milestone.reported": ("已报告进展", "Reported"),
    "milestone.target": ("计划目标", "Target"),
    "why.report": (
        "依据报告所述最近一项进展（{span}）",
        "From the latest progress the report gives ({span})",
    ),
    "why.planned_only": (
        "报告只提出了2021年目标，尚无已报告的进展",
        "The report gives only 2021 targets, no progress yet",
    ),
    "why.period": (
        "依据{span}的进展：报告未说明具体哪一年，到{year}年底已知",
        "From progress {span}: the report gives no single year; known by the end of {year}",
    ),
    "why.year": ("依据{span}的进展", "From progress in {span}"),
    "why.target": (
        "这是报告提出的{span}目标，不是已完成的事实",
        "This is the report's target for {span}, not an achievement",
    ),
    "why.unknown": (
        "报告未给出此项目到{year}年底的状态",
        "The report gives no status for this project by the end of {year}",
    ),
    # Beside the map
    "figures.title": ("全区合计（不在地图上标点）", "District-wide totals (not sites)"),
    "figures.note": (
        "报告只给出全区合计，没有具体地点。",
        "The report gives these for the whole district, with no sites.",
    ),
    "unlocated.title": ("未定位项目", "Projects without a site"),
    "unlocated.note": (
        "报告点名但未给出地点，不在地图上标注。",
        "Named in the report without a site; not drawn on the map.",
    ),
    "list.title": ("项目列表（{count}）", "Project list ({count})"),
    "list.name": ("名称", "Name"),
    "list.layer": ("图层", "Layer"),
    "list.status": ("状态", "Status"),
    "list.where": ("位置", "Location"),
    "list.placement.district_total": ("全区合计", "District total"),
    "list.placement.unlocated": ("未定位", "No site"),
    "about.source": ("数据来源", "Source"),
    "about.count": ("{count} 个项目", "{count} projects"),
    "about.crs": (
        "坐标 WGS84（EPSG:4326）；量算 EPSG:4549",
        "WGS84 (EPSG:4326); measured in EPSG:4549",
    ),
    # Scenes and playback
    "scene.label": ("场景", "Scene"),
    "scene.placeholder": ("选择场景…", "Choose a scene…"),
    "scene.prev": ("上一场景", "Previous"),
    "scene.next": ("下一场景", "Next"),
    "play.play": ("播放", "Play"),
    "play.pause": ("暂停", "Pause"),
    "play.help": (
        "按报告的时间粒度播放：2016–2020年期间 → 2021年目标。",
        "Plays at the report's grain: the 2016–2020 period, then the 2021 targets.",
    ),
    "play.speed": ("速度", "Speed"),
    "play.options": ("播放选项", "Options"),
    "play.speed.slow": ("慢", "Slow"),
    "play.speed.normal": ("中", "Normal"),
    "play.speed.fast": ("快", "Fast"),
    "play.cumulative": ("累计", "Cumulative"),
    "play.cumulative.help": (
        "累计：每一步显示到该时间为止已知的全部项目；否则只显示该时期有进展的项目。",
        "Cumulative: each step shows every project known by then; otherwise only the projects "
        "with progress in that period.",
    ),
    "play.loop": ("循环", "Loop"),
    "play.step": ("第{index}/{count}步", "step {index}/{count}"),
    # --- export panel (ui/export_panel.py)
    "export.heading": ("导出图片与数据", "Export images and data"),
    "export.title": ("标题", "Title"),
    "export.title.help": (
        "留空则按筛选条件生成。",
        "Leave empty for a title made from the filters.",
    ),
    "export.size": ("尺寸", "Size"),
    "export.custom": ("自定义尺寸", "Custom size"),
    "export.format": ("格式", "Format"),
    "export.image.png": ("PNG 图片", "PNG image"),
    "export.image.svg": ("SVG 矢量图", "SVG vector"),
    "export.image.pdf": ("PDF 文档", "PDF document"),
    "export.per_layer": ("按图层分别导出（zip）", "One image per layer (zip)"),
    "export.per_layer.help": (
        "同一范围，每个可见图层一张，另加全部图层一张。",
        "Same extent; all layers plus one image each.",
    ),
    "export.width": ("宽（像素）", "Width (px)"),
    "export.height": ("高（像素）", "Height (px)"),
    "export.download": ("下载 {name}", "Download {name}"),
    "export.preview": ("预览", "Preview"),
    "export.preview.busy": ("正在生成预览…", "Rendering the preview…"),
    "export.data.caption": ("筛选后的数据：{count} 个项目", "The filtered data: {count} projects"),
    "export.data.geojson": ("GeoJSON", "GeoJSON"),
    "export.data.gpkg": ("GeoPackage", "GeoPackage"),
    "export.data.csv": ("CSV（WKT、经纬度）", "CSV (WKT, lon/lat)"),
    "export.data.kml": ("KML", "KML"),
    "export.data.html": ("HTML 离线交互地图", "HTML offline map"),
    "export.preset.slide-16x9": ("16:9 幻灯片（1920×1080）", "16:9 slide (1920×1080)"),
    "export.preset.slide-4x3": ("4:3 幻灯片（1440×1080）", "4:3 slide (1440×1080)"),
    "export.preset.a4-portrait": ("A4 纵向，300 dpi", "A4 portrait, 300 dpi"),
    "export.preset.a4-landscape": ("A4 横向，300 dpi", "A4 landscape, 300 dpi"),
    "export.preset.a3-portrait": ("A3 纵向，300 dpi", "A3 portrait, 300 dpi"),
    "export.preset.a3-landscape": ("A3 横向，300 dpi", "A3 landscape, 300 dpi"),
}
