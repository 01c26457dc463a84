"""Saving and deleting scenes, export limits, data and settings errors."""

STRINGS: dict[str, tuple[str, str]] = {
    # Scenes: saving and deleting
    "admin.save_expander": ("保存当前视图为场景", "Save view as scene"),
    "admin.title_zh": ("标题（中文）", "Title (Chinese)"),
    "admin.title_en": ("标题（英文）", "Title (English)"),
    "admin.caption_zh": ("说明（中文）", "Caption (Chinese)"),
    "admin.caption_en": ("说明（英文）", "Caption (English)"),
    "admin.save_button": ("保存", "Save"),
    "admin.fill_all": (
        "请至少填写一个标题（中文或英文）；说明可不填。",
        "Give a title in Chinese or English; captions are optional.",
    ),
    "admin.saved": ("已保存场景“{title}”（{scene}）。", "Saved scene “{title}” ({scene})."),
    "admin.not_saved": ("场景未保存：{reason}", "Scene not saved: {reason}"),
    "admin.saving_off": ("场景保存已关闭：{reason}", "Saving scenes is off: {reason}"),
    "admin.scenes_read_only": (
        "场景文件 {path} 为只读（管理员设置）。",
        "the scenes file {path} is read-only (set by the administrator).",
    ),
    "admin.scenes_folder_read_only": (
        "场景文件 {path} 所在文件夹不可写。",
        "the folder of the scenes file {path} cannot be written.",
    ),
    "admin.scenes_unreadable": (
        "无法读取场景文件 {path}。",
        "the scenes file {path} cannot be read.",
    ),
    "admin.scenes_full": (
        "场景文件 {path} 已有 {count} 个场景（上限）；请先删除不用的场景。",
        "the scenes file {path} holds {count} scenes, the limit; delete one first.",
    ),
    "admin.scenes_broken": (
        "场景文件 {path} 有误，为免覆盖未写入：{problem}",
        "the scenes file {path} has problems, so it was not overwritten: {problem}",
    ),
    "admin.scenes_busy": (
        "另一位用户正在保存，请稍后再试。",
        "someone else is saving; try again in a moment.",
    ),
    "admin.scene_not_kept": (
        "写入后读回的场景文件 {path} 中没有该场景。",
        "the scene was not found when {path} was read back after writing.",
    ),
    "admin.scene_text_too_long": (
        "{field} 超过 {limit} 个字符。",
        "{field} is longer than {limit} characters.",
    ),
    "admin.scene_gone": ("场景 {scene} 已不存在。", "scene {scene} is no longer there."),
    "admin.scene_not_deleted": (
        "场景 {scene} 删除后仍在文件中。",
        "scene {scene} is still in the file after deleting.",
    ),
    "admin.write_failed": ("无法写入：{error}", "cannot write: {error}"),
    "admin.delete_choose": ("删除场景", "Delete a scene"),
    "admin.delete_button": ("删除…", "Delete…"),
    "admin.delete_confirm": (
        "确定删除场景“{title}”？此操作不能撤销。",
        "Delete the scene “{title}”? This cannot be undone.",
    ),
    "admin.delete_yes": ("确定删除", "Yes, delete"),
    "admin.delete_cancel": ("取消", "Cancel"),
    "admin.deleted": ("已删除场景“{title}”。", "Deleted the scene “{title}”."),
    "admin.not_deleted": ("场景未删除：{reason}", "Scene not deleted: {reason}"),
    "admin.scenes_ignored": (
        "场景文件有误，已忽略（地图照常可用）：{problem}",
        "The scenes file has problems and was ignored (the map works without it): {problem}",
    ),
    # Vector tiles (geo/vectortiles.py): a bad manifest, or tiles of another data version
    "admin.tiles_unusable": (
        "矢量瓦片无法使用，地图改为直接绘制项目：{problem}",
        "The vector tiles cannot be used; the map draws the projects directly: {problem}",
    ),
    "admin.tiles_stale": (
        "矢量瓦片由另一版本的数据生成（{built}，现为 {now}），请用 python -m geo tiles 重新生成。",
        "The vector tiles were built from another version of the data ({built}, now {now}); "
        "rebuild them with python -m geo tiles.",
    ),
    # On the map when a tile drawn at this zoom holds only its layer's largest projects
    "admin.tiles_thinned": (
        "此缩放级别下，每块瓦片每个图层只画面积最大的 {n} 个项目；放大可见全部。",
        "At this zoom each tile draws only the {n} largest projects of a layer; zoom in to see "
        "them all.",
    ),
    # On the map while the radius question is on: the tiles cannot answer it (ui/tiles.py)
    "admin.tiles_radius": (
        "半径查询只筛选直接绘制的图层：矢量瓦片图层（{layers}）在地图上仍全部显示；"
        "下方的数字和列表已按半径统计。",
        "The radius question narrows only the layers drawn directly: the tiled layers "
        "({layers}) still show every project on the map; the figures and list below do "
        "count only the radius.",
    ),
    # Export limits
    "admin.export_bad_size": ("尺寸无法导出：{problem}", "This size cannot be exported: {problem}"),
    "admin.export_busy": (
        "导出繁忙，请稍后再试。",
        "Other exports are running; try again in a moment.",
    ),
    "admin.export_timeout": (
        "导出超时已停止；请选择较小的尺寸或范围。",
        "The export took too long and was stopped; choose a smaller size or extent.",
    ),
    "admin.export_failed": (
        "导出失败（工作进程中止）；请重试或选择较小的尺寸。",
        "The export failed (its worker stopped); try again or choose a smaller size.",
    ),
    # Settings from the environment that cannot be used (shown at start and by the commands)
    "settings.tiles.scheme": (
        "请填写以 http:// 或 https:// 开头、不含空格的网址",
        "give an http:// or https:// URL with no spaces",
    ),
    "settings.tiles.placeholder": (
        "未知占位符 {{{name}}}；只能用 {{z}}、{{x}}、{{y}}（以及 {{s}}、{{r}}）",
        "unknown placeholder {{{name}}}; use {{z}}, {{x}}, {{y}} (and {{s}}, {{r}}) only",
    ),
    "settings.tiles.pair": (
        "有不成对的 { 或 }；占位符应写作 {z}、{x}、{y}",
        "a { or } without its pair; write placeholders as {z}, {x}, {y}",
    ),
    "settings.tiles.missing": (
        "网址缺少 {{{name}}}；瓦片网址需要 {{z}}、{{x}} 和 {{y}}",
        "the URL lacks {{{name}}}; a tile URL needs {{z}}, {{x}} and {{y}}",
    ),
    "settings.tiles.off": (
        "{env}={value}：{problem}；本地瓦片已关闭",
        "{env}={value}: {problem}; the local tiles are off",
    ),
}
