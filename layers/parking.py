"""Parking and charging (停车位与充电桩)."""

from layers.spec import LayerSpec

SPEC = LayerSpec(
    id="parking",
    label_zh="停车与充电",
    label_en="Parking and charging",
    description_zh="新建及联网停车位、充电桩；报告只给全区合计，位置多为示意",
    description_en="New and networked parking spaces and chargers; mostly district totals",
    geometry_kinds=("Point", "Polygon"),
    point_radius=6.0,
    z_order=4,
    marker="hexagon",
    pattern="horizontal",
    hatch="---",
)
