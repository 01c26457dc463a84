"""Importing files, editing features, history and restore."""

STRINGS: dict[str, tuple[str, str]] = {
    # Reading a file -------------------------------------------------------------------------
    "import.file.format": (
        "不支持此文件类型；可用：{suffixes}",
        "unsupported file type; use one of {suffixes}",
    ),
    "import.file.missing": ("找不到文件，请检查路径", "no such file; check the path"),
    "import.file.empty": ("文件为空", "the file is empty"),
    "import.file.too_big": (
        "文件过大（{size} 字节，上限 {limit} 字节）；请按图层或片区拆分后分别导入",
        "file too large ({size} bytes, limit {limit}); split it by layer or area and import each",
    ),
    "import.file.features": (
        "要素过多（{count} 个，上限 {limit} 个）；请拆分后分别导入",
        "too many features ({count}, limit {limit}); split the file and import each part",
    ),
    "import.file.unreadable": (
        "无法读取：{reason}；请在 QGIS 中打开检查或另存为 GeoPackage",
        "cannot be read: {reason}; open it in QGIS to check, or save it as GeoPackage",
    ),
    "import.file.no_geometry": (
        "没有任何可用的几何图形",
        "no usable geometry in any row",
    ),
    "import.file.unreadable_shp": (
        "无法读取：{reason}；请检查 .prj（坐标系文件），损坏时删除它并用 --crs 指定坐标系",
        "cannot be read: {reason}; check the .prj (coordinate system): if it is damaged, "
        "remove it and give --crs",
    ),
    "import.file.prj": (
        "坐标系文件（.prj）已损坏；删除 .prj 后用 --crs 指定坐标系",
        "the coordinate system file (.prj) is damaged; remove it and give --crs",
    ),
    "import.layer.choose": (
        "文件包含多个图层（{layers}）；请选择一个（--source-layer）",
        "the file holds several layers ({layers}); choose one with --source-layer",
    ),
    "import.layer.unknown": (
        "没有图层 {layer}；可选：{layers}",
        "no layer {layer}; the file has: {layers}",
    ),
    "import.zip.bad": ("不是有效的 zip 压缩包", "not a valid zip archive"),
    "import.zip.entries": (
        "压缩包内文件过多（{count} 个，上限 {limit} 个）",
        "too many files in the zip ({count}, limit {limit})",
    ),
    "import.zip.too_big": (
        "压缩包解压后超过 {limit} 字节；请拆分后导入",
        "the zip unpacks to more than {limit} bytes; split it",
    ),
    "import.zip.slip": (
        "压缩包内路径不安全：{member}（指向临时目录之外）；已拒绝",
        "unsafe path in the zip: {member} (points outside the folder); refused",
    ),
    "import.zip.member": (
        "无法解压 {member}（加密或不支持的压缩方式）",
        "cannot unpack {member} (encrypted or unsupported compression)",
    ),
    "import.zip.no_data": (
        "压缩包内没有可读的数据文件（{suffixes}）",
        "no data file in the zip ({suffixes})",
    ),
    "import.encoding.utf8": (
        "{file} 没有 .cpg 文件，按内容判断为 UTF-8 编码",
        "{file} has no .cpg; its text decodes as UTF-8",
    ),
    "import.encoding.gbk": (
        "{file} 按内容判断为 GBK（GB18030）编码",
        "{file}: text decoded as GBK (GB18030), as Chinese Windows tools write it",
    ),
    "import.encoding.unknown": (
        "文字既不是 UTF-8 也不是 GBK 编码；请另存为 UTF-8（Shapefile 可附 .cpg 文件）",
        "text is neither UTF-8 nor GBK; save it as UTF-8 (for a Shapefile, add a .cpg)",
    ),
    "import.table.no_coords": (
        "表格没有坐标列（经度/纬度、lon/lat 或 WKT）；现有列：{columns}；"
        "用 --map lon=列,lat=列 指定",
        "no coordinate columns (经度/纬度, lon/lat or WKT) among: {columns}; "
        "name them with --map lon=COL,lat=COL or --map wkt=COL",
    ),
    "import.map.column": (
        "对应关系中的列 {column} 不存在；现有列：{columns}",
        "column {column} in the mapping is not in the file; columns: {columns}",
    ),
    "import.map.bad": (
        "无法理解对应关系 {part}：请写成 字段=列名；字段可为 {fields}",
        "cannot read mapping {part}: write FIELD=COLUMN with FIELD one of {fields}",
    ),
    # Coordinate systems -----------------------------------------------------------------------
    "import.crs.given": ("坐标系：{crs}（指定）", "CRS: {crs} (given)"),
    "import.crs.declared": ("坐标系：{crs}（文件声明）", "CRS: {crs} (declared by the file)"),
    "import.crs.declared_swapped": (
        "坐标系：{crs}（文件声明）；坐标为（纬度, 经度）顺序，已对调",
        "CRS: {crs} (declared); coordinates were in (lat, lon) order and have been swapped",
    ),
    "import.crs.assumed": (
        "文件未声明坐标系；按坐标范围判断为 {crs}（{name}）",
        "no CRS declared; assumed {crs} ({name}) from the coordinate ranges",
    ),
    "import.crs.assumed_swapped": (
        "文件未声明坐标系；按坐标范围判断为 {crs}（{name}），X/Y 顺序对调（X 为北坐标）",
        "no CRS declared; assumed {crs} ({name}) with X and Y swapped (X is northing)",
    ),
    "import.crs.unknown": (
        "无法判断坐标系（范围 {bounds}）；请用 --crs EPSG:编号 指定",
        "cannot tell the CRS (coordinate range {bounds}); give it with --crs EPSG:XXXX",
    ),
    "import.crs.bad": (
        "无法识别的坐标系 {crs}；请写成 EPSG:4549 这样的形式",
        "unknown CRS {crs}; write it like EPSG:4549",
    ),
    "import.crs.unusable": (
        "文件声明的坐标系无法转换为 WGS84；请用 --crs EPSG:编号 指定",
        "the file's declared CRS cannot be converted to WGS84; give it with --crs EPSG:XXXX",
    ),
    "import.crs.gcj02": (
        "按高德/GCJ-02 坐标转换为 WGS84",
        "converted from GCJ-02 (Amap/Gaode) to WGS84",
    ),
    "import.crs.bd09": ("按百度/BD-09 坐标转换为 WGS84", "converted from BD-09 (Baidu) to WGS84"),
    "import.crs.name.degrees": ("WGS84/CGCS2000 经纬度", "WGS84/CGCS2000 degrees"),
    "import.crs.name.gk": (
        "CGCS2000 3度带高斯-克吕格 中央经线120°E",
        "CGCS2000 3-degree Gauss-Krüger CM 120°E",
    ),
    "import.crs.name.gk_zone": (
        "CGCS2000 3度带高斯-克吕格 第40带（带号前缀）",
        "CGCS2000 3-degree Gauss-Krüger zone 40 (with zone prefix)",
    ),
    "import.crs.name.utm": ("WGS84 UTM 51N", "WGS84 UTM zone 51N"),
    "import.crs.name.mercator": ("Web 墨卡托", "Web Mercator"),
    # Geometry --------------------------------------------------------------------------------
    "import.geom.empty": ("几何为空", "empty geometry; draw or give coordinates for this row"),
    "import.geom.not_finite": (
        "坐标不是有效数字（NaN、无穷大或过大）",
        "coordinates are not finite numbers (NaN, infinite or absurdly large)",
    ),
    "import.geom.kind": (
        "不支持的几何类型 {kind}；请使用点、线或面",
        "unsupported geometry type {kind}; use points, lines or polygons",
    ),
    "import.geom.layer_kind": (
        "{kind} 不适用于此图层（可用：{kinds}）",
        "a {kind} does not fit this layer (it holds: {kinds})",
    ),
    "import.geom.swapped": (
        "坐标像是（纬度, 经度）顺序；请对调",
        "looks like (lat, lon); swap the two coordinates",
    ),
    "import.geom.outside": (
        "位置在市南区范围之外（经度 {west}–{east}，纬度 {south}–{north}）；请检查坐标系",
        "outside Shinan (lon {west}..{east}, lat {south}..{north}); check the CRS",
    ),
    "import.geom.invalid": (
        "几何无效（{reason}），无法安全修复；请在 GIS 软件中修正",
        "invalid geometry ({reason}) that cannot be repaired safely; fix it in a GIS",
    ),
    "import.repair.rings": ("已闭合未闭合的面边界", "closed polygon rings left open"),
    "import.geom.wkt": (
        "不是有效的 WKT（应如 POLYGON((x y, …))）",
        "not valid WKT (write e.g. POLYGON((x y, ...)))",
    ),
    "import.repair.z": ("已去除 Z/M 值", "dropped Z/M values"),
    "import.repair.valid": ("已修复无效几何（{reason}）", "repaired invalid geometry ({reason})"),
    # Rows -----------------------------------------------------------------------------------
    "import.row.line": (
        "第 {row} 行，字段 {field}，值 {value}：",
        "row {row}, field {field}, value {value}: ",
    ),
    "import.row.status": (
        "未知状态；可用：计划、前期、在建、竣工、开放运营",
        "unknown status; use 计划/planned, 前期/preparation, 在建/under_construction, "
        "竣工/completed or 开放运营/open",
    ),
    "import.row.status_missing": (
        "新项目缺少状态；请添加状态列",
        "a new project needs a status; add a status column (--map status=COLUMN)",
    ),
    "import.row.name_missing": (
        "新项目缺少名称；请添加项目名称列",
        "a new project needs a name; add a name column (--map name_zh=COLUMN)",
    ),
    "import.row.year_missing": (
        "新项目缺少年份；请添加开工年份或年份列",
        "a new project needs a year; add a year column (--map year=COLUMN)",
    ),
    "import.row.year_range": (
        "年份应在 {low} 至 {high} 之间",
        "give a year from {low} to {high}",
    ),
    "import.row.year_order": (
        "早于该项目最近一个节点（{last} 年）；请核对年份",
        "earlier than the project's last milestone ({last}); check the year",
    ),
    "import.row.id": (
        "编号只能使用小写字母、数字和连字符",
        "an id uses lower-case letters, digits and hyphens only",
    ),
    "import.row.id_generated": (
        "编号 {given} 不是项目编号格式，改用 {id}",
        "id {given} is not a project id; using {id}",
    ),
    "import.row.ambiguous": (
        "有多个同名项目（{ids}）；请用编号列区分",
        "several projects have this name ({ids}); add an id column to tell them apart",
    ),
    "import.row.dup": (
        "与第 {first} 行重复（同一编号或名称）；请只保留一行",
        "duplicate of row {first} (same id or name); keep one",
    ),
    "import.row.invalid": ("不符合数据规则：{fix}", "breaks a data rule: {fix}"),
    "import.note.location": (
        "几何由 {file} 第 {row} 行导入（{crs}），{date}。",
        "Geometry imported from {file} row {row} ({crs}) on {date}.",
    ),
    "import.evidence.unverified": (
        "几何由 {file} 第 {row} 行导入（{crs}），尚未与独立参照点核对",
        "geometry imported from {file} row {row} ({crs}); not yet checked against an "
        "independent reference",
    ),
    "import.document": ("{file} 第{row}行", "{file} row {row}"),
    "import.status.planned": ("计划", "planned"),
    "import.status.preparation": ("前期", "preparation"),
    "import.status.under_construction": ("在建", "under construction"),
    "import.status.completed": ("竣工", "completed"),
    "import.status.open": ("开放运营", "open"),
    # The plan table ---------------------------------------------------------------------------
    "import.plan.head": (
        "{file} → {target}：图层 {layer}，{rows} 行",
        "{file} → {target}: layer {layer}, {rows} rows",
    ),
    "import.plan.added": ("新增 {count}", "added {count}"),
    "import.plan.changed": ("修改 {count}", "changed {count}"),
    "import.plan.unchanged": ("无变化 {count}", "unchanged {count}"),
    "import.plan.rejected": ("拒绝 {count}", "rejected {count}"),
    "import.plan.mapping": ("列对应：{pairs}", "columns: {pairs}"),
    "import.plan.dry_run": ("试运行：未写入任何内容", "dry run: nothing written"),
    "import.plan.written": ("已写入 {path}", "written to {path}"),
    "import.plan.not_written": (
        "有被拒绝的行，未写入；修正后重新导入，或加 --skip-rejected 只导入其余行",
        "rows were rejected, nothing written; fix them and import again, "
        "or add --skip-rejected to import the rest",
    ),
    "import.plan.nothing": ("没有需要写入的变化", "nothing to change"),
    "import.usage.shift": (
        "--gcj02/--bd09 表示经纬度为偏移坐标，不能与投影坐标系 {crs} 同用",
        "--gcj02/--bd09 mean shifted lon/lat; they cannot be combined with projected {crs}",
    ),
    "import.usage.layer": (
        "未知图层 {layer}；可用：{layers}",
        "unknown layer {layer}; valid: {layers}",
    ),
    # The data panel ---------------------------------------------------------------------------
    "edit.panel.open": ("数据管理：导入、编辑、历史", "Manage data: import, edit, history"),
    "edit.who": ("你的名字（记入修改记录）", "Your name (recorded in the change log)"),
    "edit.who.missing": ("请先填写你的名字，再保存", "enter your name before saving"),
    "edit.tab.import": ("导入文件", "Import a file"),
    "edit.tab.edit": ("编辑项目", "Edit a project"),
    "edit.tab.history": ("修改记录", "History"),
    "edit.conflict": (
        "保存被拒绝：{who} 在你打开后修改了相同内容（{pairs}）；请刷新后重新修改",
        "not saved: {who} changed the same field since you opened it ({pairs}); reload and "
        "edit again",
    ),
    "edit.conflict.when": (
        "保存被拒绝：{who} 于 {when} 修改了相同内容（{pairs}）；你的修改未保存。"
        "请刷新（重新打开数据管理）查看对方的修改，再重新修改",
        "not saved: {who} changed the same field at {when} ({pairs}); your edit was not "
        "saved. Reload (reopen Manage data) to see their change, then edit again",
    ),
    "edit.invalid": ("未保存：数据不符合规则", "not saved: the data breaks a rule"),
    "edit.os_error": ("无法写入数据文件：{reason}", "cannot write the data file: {reason}"),
    "edit.merged": (
        "（已合并他人同时所做的 {count} 处修改）",
        "(merged with {count} changes someone else made meanwhile)",
    ),
    "edit.layer": ("图层", "Layer"),
    "edit.import.file": (
        "选择文件（GeoJSON、GeoPackage、Shapefile 压缩包、KML/KMZ、CSV、XLSX）",
        "Choose a file (GeoJSON, GeoPackage, zipped Shapefile, KML/KMZ, CSV, XLSX)",
    ),
    "edit.import.crs": ("坐标系", "Coordinate system"),
    "edit.import.crs.auto": ("自动（按文件声明或坐标范围）", "Automatic (declared or from ranges)"),
    "edit.import.crs.epsg": ("指定 EPSG 编号", "Given EPSG code"),
    "edit.import.crs.gcj02": ("高德 GCJ-02 经纬度", "Amap GCJ-02 lon/lat"),
    "edit.import.crs.bd09": ("百度 BD-09 经纬度", "Baidu BD-09 lon/lat"),
    "edit.import.source_layer": (
        "文件内图层（GeoPackage/KML 有多个图层时）",
        "Layer inside the file (when a GeoPackage or KML has several)",
    ),
    "edit.import.mapping": (
        "列对应（已按列名猜测，可修改）",
        "Column mapping (guessed from the column names; change any)",
    ),
    "edit.map.id": ("编号", "id"),
    "edit.map.name_zh": ("中文名称", "Chinese name"),
    "edit.map.name_en": ("英文名称", "English name"),
    "edit.map.status": ("状态", "status"),
    "edit.map.start_year": ("开工年份", "start year"),
    "edit.map.completion_year": ("竣工年份", "completion year"),
    "edit.map.year": ("年份", "year"),
    "edit.map.owner": ("建设单位", "owner"),
    "edit.map.note": ("说明", "note"),
    "edit.map.location_precision": ("位置精度", "location precision"),
    "edit.map.location_note": ("位置说明", "location note"),
    "edit.map.quote": ("原文", "quote"),
    "edit.map.document": ("来源文件", "document"),
    "edit.map.lon": ("经度 / X", "longitude / X"),
    "edit.map.lat": ("纬度 / Y", "latitude / Y"),
    "edit.map.wkt": ("WKT 几何", "WKT geometry"),
    "edit.import.hint": (
        "先预览：地图和表格显示将新增、修改和拒绝的内容，确认后才写入。",
        "You see a preview first: the map and table show what will be added, changed or "
        "rejected; nothing is written until you confirm.",
    ),
    "edit.import.counts": (
        "新增 {added}，修改 {changed}，无变化 {unchanged}，拒绝 {rejected}",
        "added {added}, changed {changed}, unchanged {unchanged}, rejected {rejected}",
    ),
    "edit.import.skip": (
        "跳过被拒绝的 {count} 行，只导入其余行",
        "skip the {count} rejected rows and import the rest",
    ),
    "edit.import.go": ("导入 {count} 项", "Import {count} features"),
    "edit.col.change": ("变化", "change"),
    "edit.col.row": ("行", "row"),
    "edit.col.name": ("名称/值", "name / value"),
    "edit.col.fields": ("修改的字段", "fields changed"),
    "edit.col.notes": ("说明", "notes"),
    "edit.col.time": ("时间", "time"),
    "edit.col.who": ("修改人", "who"),
    "edit.col.field": ("字段", "field"),
    "edit.col.old": ("原值", "old"),
    "edit.col.new": ("新值", "new"),
    "edit.col.source": ("来源", "source"),
    "edit.col.version": ("版本", "version"),
    "edit.change.added": ("新增", "added"),
    "edit.change.changed": ("修改", "changed"),
    "edit.change.rejected": ("拒绝", "rejected"),
    "edit.feature": ("项目", "Project"),
    "edit.new": ("＋ 新建项目", "+ New project"),
    "edit.id.help": (
        "小写字母、数字和连字符，如 zhongshan-road-parking",
        "lower-case letters, digits and hyphens, e.g. zhongshan-road-parking",
    ),
    "edit.field.name_zh": ("中文名称", "Chinese name"),
    "edit.field.name_en": ("英文名称", "English name"),
    "edit.field.status": ("状态", "Status"),
    "edit.status.help": (
        "改变状态会新增一个节点：填写年份、说明、依据文件（如会议纪要）和原文。",
        "A new status adds a milestone: give its year, a note, the document it comes from "
        "(e.g. minutes of a meeting) and its words.",
    ),
    "edit.field.year": ("年份", "Year"),
    "edit.field.note_zh": ("说明", "Note"),
    "edit.field.document": ("依据文件", "Document"),
    "edit.field.quote": ("原文", "Its words (quote)"),
    "edit.field.milestones": (
        "节点（可增删行；报告之外的节点须填依据文件）",
        "Milestones (add or remove rows; one not from the report names its document)",
    ),
    "edit.field.figures": (
        "数据（可增删行；报告之外的数据须填依据文件）",
        "Figures (add or remove rows; one not from the report names its document)",
    ),
    "edit.field.location_precision": ("位置精度", "Location precision"),
    "edit.field.location_note": ("位置说明", "How the location was placed"),
    "edit.field.owner": ("建设单位", "Owner / developer"),
    "edit.use_drawing": ("使用地图上画的图形", "Use the shape drawn on the map"),
    "edit.save": ("保存", "Save"),
    "edit.saved": ("已保存 {id}", "saved {id}"),
    "edit.draw.help": (
        "用左侧工具画出新的点、线或面（虚线为现有位置）；保存时勾选“使用地图上画的图形”。",
        "Draw a new point, line or polygon with the tools on the left (dashed: where it is "
        "now); tick “Use the shape drawn on the map” when saving.",
    ),
    "edit.draw.missing": (
        "绘图工具文件缺失（static/vendor/）：{files}",
        "the drawing tool's files are missing from static/vendor/: {files}",
    ),
    "edit.draw.needed": (
        "新项目需要位置：请在地图上画出并勾选“使用地图上画的图形”",
        "a new project needs a place: draw it on the map and tick “Use the shape drawn”",
    ),
    "edit.delete.confirm": (
        "确认删除 {name}（{id}）；可在修改记录中恢复",
        "Yes, delete {name} ({id}); it can be restored from the history",
    ),
    "edit.delete": ("删除项目", "Delete project"),
    "edit.deleted": ("已删除 {id}", "deleted {id}"),
    "edit.history.only": ("只看所选项目（{id}）", "Only the selected project ({id})"),
    "edit.history.empty": ("还没有修改记录", "no changes recorded yet"),
    "edit.history.version": ("查看或恢复的版本", "Version to look at or restore"),
    "edit.history.before": ("修改前", "before the change of"),
    "edit.restore.feature": ("把 {id} 恢复到这个版本", "Restore {id} to this version"),
    "edit.restore.confirm": (
        "确认把整个数据文件恢复到版本 {version}",
        "Yes, restore the whole data file to version {version}",
    ),
    "edit.restore.file": ("恢复整个文件", "Restore the whole file"),
    "edit.restored": ("已恢复到版本 {version}", "restored to version {version}"),
}
