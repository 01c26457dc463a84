"""Pocket parks and greenways (口袋公园与绿道)."""

from layers.spec import LayerSpec

SPEC = LayerSpec(
    id="pocket_park",
    label_zh="口袋公园与绿道",
    label_en="Pocket parks and greenways",
    description_zh="口袋公园、绿道、商圈绿化提升",
    description_en="Pocket parks, greenways and greening",
    geometry_kinds=("Polygon", "LineString", "Point"),
    point_radius=6.0,
    z_order=3,
    marker="triangle",
    pattern="dots",
    hatch="..",
)
