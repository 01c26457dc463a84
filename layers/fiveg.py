"""5G and smart-city zones (5G数字街区与智慧城市)."""

from layers.spec import LayerSpec

SPEC = LayerSpec(
    id="fiveg",
    label_zh="5G与智慧城市",
    label_en="5G and smart-city zones",
    description_zh="5G数字街区示范区、5G园区、海信5G+智慧城市示范区",
    description_en="5G digital blocks, 5G parks and smart-city demonstration zones",
    geometry_kinds=("Polygon", "Point"),
    point_radius=6.0,
    z_order=0,
    marker="diamond",
    pattern="grid",
    hatch="++",
)
