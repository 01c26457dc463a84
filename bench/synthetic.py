"""Synthetic Shinan projects for benchmarks: realistic geometry, every property valid.

The mix follows the real data: about half polygons (6-40 vertices, city blocks 50-400 m
across), a quarter lines (3-30 vertices, street-like walks) and a quarter points, spread over
the district (lon 120.29-120.42, lat 36.045-36.09). Names are Chinese and English of realistic
length; milestones, sources and figures quote the report verbatim (the clauses used by
``tests/data/mini_projects.geojson``), so the collection passes
``geo.load.validate_collection`` with the quote check. Geometry is placed at random: it is
not a real site, and the data is never shipped.
"""

from __future__ import annotations

import math
import random
from typing import Any

import shapely
from shapely.geometry import LineString, Point, Polygon, mapping

from geo import settings
from geo.timeline import current_status

LON_RANGE = (120.29, 120.42)
LAT_RANGE = (36.045, 36.09)
#: Metres per degree at Shinan's latitude (36.07 N).
M_PER_DEG_LAT = 110_950.0
M_PER_DEG_LON = 111_320.0 * math.cos(math.radians(36.07))

# Verbatim clauses of the report, as the test fixture uses them.
Q_BAY_DONE = "青岛湾广场项目完成国风大酒店、海润自来水公司补偿协议签订并实施国风大酒店建筑拆除"
Q_BAY_2021 = "青岛湾广场项目拆除海润大厦、华联商厦等建筑,完成一期土地整理并推进招拍挂"
Q_PCY_DONE = "劈柴院二期项目实施北京路5号等里院加固修缮"
Q_PCY_2021 = "劈柴院二期、宁阳路街区、黄岛路片区一期保护利用项目完工、对外开放"
Q_ZHANSHAN = "湛山广场等12个项目竣工"
Q_PARKING = "新建及新增联网停车位1.04万个"
Q_GREENWAY = "建成2处口袋公园、10公里绿道"
Q_5G = "完成香港中路和奥帆中心周边5G数字街区示范区、软件及动漫产业园5G园区建设"

#: Milestone histories: (year, year_end, kind, status, note_zh, quote), oldest first.
HISTORIES: tuple[tuple[tuple[Any, ...], ...], ...] = (
    ((2021, None, "target", "completed", "竣工", Q_ZHANSHAN),),
    ((2021, None, "target", "planned", "新建及新增联网停车位", Q_PARKING),),
    ((2021, None, "target", "open", "建成绿道", Q_GREENWAY),),
    ((2021, None, "target", "completed", "完成建设", Q_5G),),
    (
        (2016, 2020, "reported", "preparation", "国风大酒店拆除", Q_BAY_DONE),
        (2021, None, "target", "preparation", "一期土地整理", Q_BAY_2021),
    ),
    (
        (2016, 2020, "reported", "under_construction", "里院加固修缮", Q_PCY_DONE),
        (2021, None, "target", "open", "完工、对外开放", Q_PCY_2021),
    ),
    ((2016, 2020, "reported", "completed", "项目竣工", Q_ZHANSHAN),),
    (
        (2016, 2020, "reported", "preparation", "补偿协议签订", Q_BAY_DONE),
        (2020, None, "reported", "open", "对外开放", Q_PCY_2021),
    ),
)
FIGURES = (
    {"label_zh": "停车位", "label_en": "Parking spaces", "value": 10400, "unit": "个"},
    {"label_zh": "竣工项目", "label_en": "Projects completed", "value": 12, "unit": "个"},
    {"label_zh": "绿道", "label_en": "Greenway", "value": 10, "unit": "公里"},
)
FIGURE_QUOTES = (Q_PARKING, Q_ZHANSHAN, Q_GREENWAY)

ROADS = (
    ("香港中路", "Hong Kong Middle Road"),
    ("香港西路", "Hong Kong West Road"),
    ("东海西路", "Donghai West Road"),
    ("山东路", "Shandong Road"),
    ("南京路", "Nanjing Road"),
    ("江西路", "Jiangxi Road"),
    ("宁夏路", "Ningxia Road"),
    ("延安三路", "Yan'an No. 3 Road"),
    ("中山路", "Zhongshan Road"),
    ("太平路", "Taiping Road"),
    ("湛山大路", "Zhanshan Avenue"),
    ("福州南路", "Fuzhou South Road"),
    ("燕儿岛路", "Yan'erdao Road"),
    ("云霄路", "Yunxiao Road"),
    ("闽江路", "Minjiang Road"),
    ("莱阳路", "Laiyang Road"),
)
#: Per layer: (Chinese kind, English kind) of project.
KINDS = {
    "renewal": (
        ("历史街区保护利用项目", "historic block conservation"),
        ("片区城市更新", "renewal"),
    ),
    "construction": (("商业综合体项目", "mixed-use complex"), ("片区改造工程", "redevelopment")),
    "parking": (("公共停车场", "public car park"), ("智慧停车项目", "smart parking")),
    "pocket_park": (("口袋公园", "pocket park"), ("滨海绿道", "coastal greenway")),
    "fiveg": (("5G数字街区示范区", "5G digital block"), ("5G园区", "5G park")),
}
#: Layers for each geometry kind, weighted like the real data.
LAYERS_BY_KIND = {
    "Polygon": ("renewal", "renewal", "construction", "construction", "fiveg", "pocket_park"),
    "LineString": ("renewal", "construction", "pocket_park", "pocket_park"),
    "Point": ("construction", "construction", "parking", "pocket_park", "renewal"),
}
PHASES = (("", ""), ("一期", " phase 1"), ("二期", " phase 2"))


def synthetic_collection(n: int, *, seed: int = 2021) -> dict[str, Any]:
    """A valid projects FeatureCollection of ``n`` random features (same ``seed``, same data)."""
    rng = random.Random(seed)
    features = [_feature(rng, i) for i in range(n)]
    return {"type": "FeatureCollection", "features": features}


def _feature(rng: random.Random, index: int) -> dict[str, Any]:
    draw = rng.random()
    if draw < 0.5:
        kind, geometry = "Polygon", _block(rng)
    elif draw < 0.75:
        kind, geometry = "LineString", _street(rng)
    else:
        kind, geometry = "Point", _point(rng)
    layer = rng.choice(LAYERS_BY_KIND[kind])
    milestones = [
        {
            "year": year,
            **({"year_end": year_end} if year_end else {}),
            "kind": kind_,
            "status": status,
            "note_zh": note,
            "quote": quote,
        }
        for year, year_end, kind_, status, note, quote in rng.choice(HISTORIES)
    ]
    figures = []
    if rng.random() < 0.3:
        pick = rng.randrange(len(FIGURES))
        figures.append({**FIGURES[pick], "quote": FIGURE_QUOTES[pick]})
    road_zh, road_en = rng.choice(ROADS)
    kind_zh, kind_en = rng.choice(KINDS[layer])
    phase_zh, phase_en = rng.choice(PHASES)
    number = index % 997 + 1
    return {
        "type": "Feature",
        "properties": {
            "id": f"synthetic-{index:05d}",
            "layer": layer,
            "name_zh": f"{road_zh}{number}号{kind_zh}{phase_zh}",
            "name_en": f"{road_en} No. {number} {kind_en}{phase_en}",
            "status": current_status(milestones),
            "milestones": milestones,
            "source": {"document": settings.REPORT_TITLE, "quote": milestones[0]["quote"]},
            "location_precision": rng.choice(("exact", "approximate", "approximate", "schematic")),
            "location_note": (
                f"Synthetic benchmark feature placed at random near {road_en}; not a real site."
            ),
            "figures": figures,
        },
        "geometry": mapping(geometry),
    }


def _centre(rng: random.Random, margin_m: float) -> tuple[float, float]:
    dx, dy = margin_m / M_PER_DEG_LON, margin_m / M_PER_DEG_LAT
    return rng.uniform(LON_RANGE[0] + dx, LON_RANGE[1] - dx), rng.uniform(
        LAT_RANGE[0] + dy, LAT_RANGE[1] - dy
    )


def _to_lonlat(cx: float, cy: float, x_m: float, y_m: float) -> tuple[float, float]:
    return round(cx + x_m / M_PER_DEG_LON, 6), round(cy + y_m / M_PER_DEG_LAT, 6)


def _block(rng: random.Random) -> Polygon:
    """A star-shaped (hence simple) outline: a stretched, rotated, jittered block."""
    while True:
        size = rng.uniform(50, 400)
        count = rng.randint(6, 40)
        stretch, turn = rng.uniform(0.6, 1.4), rng.uniform(0, math.pi)
        cx, cy = _centre(rng, size)
        ring = []
        for k in range(count):
            angle = 2 * math.pi * (k + rng.uniform(-0.3, 0.3)) / count
            radius = size / 2 * rng.uniform(0.75, 1.0)
            x, y = radius * math.cos(angle) * stretch, radius * math.sin(angle) / stretch
            xr = x * math.cos(turn) - y * math.sin(turn)
            yr = x * math.sin(turn) + y * math.cos(turn)
            ring.append(_to_lonlat(cx, cy, xr, yr))
        polygon = Polygon(ring)
        if polygon.is_valid and not polygon.is_empty:
            return polygon


def _street(rng: random.Random) -> LineString:
    """A gently turning walk of 3-30 segments, 20-120 m each."""
    count = rng.randint(3, 30)
    cx, cy = _centre(rng, 500)
    heading = rng.uniform(0, 2 * math.pi)
    x = y = 0.0
    coords = [_to_lonlat(cx, cy, x, y)]
    for _ in range(count - 1):
        heading += rng.gauss(0, 0.35)
        step = rng.uniform(20, 120)
        x, y = x + step * math.cos(heading), y + step * math.sin(heading)
        coords.append(_to_lonlat(cx, cy, x, y))
    return LineString(coords)


def _point(rng: random.Random) -> Point:
    return Point(_to_lonlat(*_centre(rng, 0), 0.0, 0.0))


def describe(collection: dict[str, Any]) -> str:
    """One line: how many features of each kind, and their vertex counts."""
    geoms = [shapely.geometry.shape(f["geometry"]) for f in collection["features"]]
    kinds: dict[str, int] = {}
    for geom in geoms:
        kinds[geom.geom_type] = kinds.get(geom.geom_type, 0) + 1
    vertices = int(shapely.get_num_coordinates(geoms).sum())
    parts = ", ".join(f"{count} {kind}" for kind, count in sorted(kinds.items()))
    return f"{len(geoms)} features ({parts}), {vertices} vertices"
