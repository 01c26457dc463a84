"""Key construction projects (重点项目)."""

from layers.spec import LayerSpec

SPEC = LayerSpec(
    id="construction",
    label_zh="重点建设项目",
    label_en="Key construction projects",
    description_zh="报告点名的重点项目：总部楼宇、酒店、学校、公共设施",
    description_en="Key projects named in the report: towers, hotels, schools, public works",
    geometry_kinds=("Polygon", "Point", "LineString"),
    point_radius=8.0,
    z_order=2,
    marker="square",
    pattern="solid",
    hatch="",
)
