"""West old-city renewal sites (西部老城区复兴)."""

from layers.spec import LayerSpec

SPEC = LayerSpec(
    id="renewal",
    label_zh="西部老城区更新",
    label_en="West old-city renewal",
    description_zh="中山路、青岛湾广场、黄岛路、劈柴院、宁阳路等历史城区保护更新项目",
    description_en="Conservation and renewal of the historic west old city",
    geometry_kinds=("Polygon", "LineString", "Point"),
    point_radius=7.0,
    z_order=1,
    marker="circle",
    pattern="hatch",
    hatch="///",
)
