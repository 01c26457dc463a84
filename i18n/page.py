"""The page, map, legend, presenter mode, scenes and year views."""

STRINGS: dict[str, tuple[str, str]] = {
    "app.title": ("市南区项目地图", "Shinan District Project Map"),
}
