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
    # The projects reach the map as a file the page fetches (maps.browserdata.write_data_file).
    "scale.data_file_failed": (
        "项目数据文件无法读取，地图上不显示项目；请刷新页面，"
        "若仍如此请联系管理员检查服务器的 static/projects 文件夹",
        "The project data file could not be read, so the map shows no projects: reload the "
        "page; if it persists, ask the administrator to check the server's static/projects "
        "folder",
    ),
    # The map's browser side reaches its frame as a file (maps.webmap.write_client_file).
    "scale.client_file_failed": (
        "地图程序文件无法加载，地图无法显示；请刷新页面，"
        "若仍如此请联系管理员检查服务器的 static/client 文件夹",
        "The map's program file could not be loaded, so the map cannot be shown: reload the "
        "page; if it persists, ask the administrator to check the server's static/client "
        "folder",
    ),
    "scale.client_file_unwritable": (
        "地图程序文件无法写入 {folder}（{reason}），改为随地图发送：地图可用，但每次更新多发送约 "
        "40 KB。请让运行应用的用户可写入该文件夹。",
        "The map's program file could not be written to {folder} ({reason}); it is sent with "
        "the map instead: the map works, each update sends about 40 KB more. Make that "
        "folder writable by the user that runs the app.",
    ),
    "scale.data_file_unwritable": (
        "项目数据文件无法写入 {folder}（{reason}），改为随页面发送：地图可用，但首次显示较慢。"
        "请让运行应用的用户可写入该文件夹。",
        "The project data file could not be written to {folder} ({reason}); it is sent with "
        "the page instead: the map works, its first paint is slower. Make that folder "
        "writable by the user that runs the app.",
    ),
}
