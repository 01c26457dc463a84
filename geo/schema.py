"""The vocabulary of ``data/projects.geojson`` (see docs/data-format.md)."""

from __future__ import annotations

import re
from typing import Final

LAYER_IDS: Final = ("renewal", "construction", "parking", "pocket_park", "fiveg")
#: Ordered from earliest to latest stage of a project's life.
STATUSES: Final = ("planned", "preparation", "under_construction", "completed", "open")
PRECISIONS: Final = ("exact", "approximate", "schematic")
MILESTONE_KINDS: Final = ("reported", "target")
FIGURE_UNITS: Final = (
    "亿元",
    "个",
    "套",
    "万平方米",
    "平方米",
    "公里",
    "处",
    "座",
    "台",
    "家",
    "栋",
)
GEOMETRY_TYPES: Final = (
    "Point",
    "MultiPoint",
    "LineString",
    "MultiLineString",
    "Polygon",
    "MultiPolygon",
)
REQUIRED_PROPERTIES: Final = (
    "id",
    "layer",
    "name_zh",
    "name_en",
    "status",
    "milestones",
    "source",
    "location_precision",
    "location_note",
    "figures",
)
ID_PATTERN: Final = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
YEAR_BOUNDS: Final = (2000, 2035)
