"""One palette for status: it drives the map style, the legend and exported images alike.

Colours are from the Okabe-Ito set, which stays distinct for the common colour-vision
deficiencies; "open" is a darker green than Okabe-Ito's so that, in greyscale, it is clearly
darker than "completed" (luminance 56 vs 87 of 255). Each status also has its own outline dash
pattern, so it reads in greyscale print and for viewers who cannot tell the colours apart.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from geo.schema import STATUSES


@dataclass(frozen=True)
class StatusStyle:
    """How one status looks, on the map and in the legend."""

    status: str
    label_zh: str
    label_en: str
    color: str
    #: SVG/Leaflet ``dashArray`` of the outline; None for a solid line.
    dash_array: str | None
    fill_opacity: float
    weight: float


STATUS_STYLES: Final[dict[str, StatusStyle]] = {
    style.status: style
    for style in (
        StatusStyle("planned", "计划", "Planned", "#CC79A7", "1 5", 0.10, 3.0),
        StatusStyle("preparation", "前期", "Preparation", "#E69F00", "8 5", 0.20, 3.0),
        StatusStyle(
            "under_construction", "在建", "Under construction", "#D55E00", "10 4 2 4", 0.30, 3.0
        ),
        StatusStyle("completed", "竣工", "Completed", "#0072B2", None, 0.35, 2.5),
        StatusStyle("open", "开放运营", "Open", "#00553B", None, 0.50, 4.0),
    )
}
assert tuple(STATUS_STYLES) == STATUSES, "the palette must cover every status, in order"

#: A 2021 plan target drawn in the "as of" view: same colour and dash, a paler fill.
TARGET_FILL_FACTOR: Final = 0.4

BOUNDARY_STYLE: Final = {"color": "#444444", "weight": 2.0, "dashArray": "6 3 1 3", "fill": False}

#: How the reader is told how far to trust a geometry (``location_precision``).
PRECISION_LABELS: Final[dict[str, tuple[str, str]]] = {
    "exact": ("位置准确", "Exact site"),
    "approximate": ("位置近似", "Approximate location"),
    "schematic": ("示意位置", "Schematic: the report gives no location"),
}

#: The offline background drawn under every tile layer (and in printed maps): sea, the land of
#: neighbouring districts, Shinan itself, and the colours of place names on it.
BACKGROUND: Final = {
    "sea": "#d6e6f0",
    "land": "#e9e7e1",
    "district": "#fbfaf7",
    "coast": "#b9b4a8",
    "land_label": "#6b6459",
    "water_label": "#3f6e8c",
}
