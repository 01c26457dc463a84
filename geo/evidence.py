"""Location evidence: the reference catalogue and each feature's ties to it.

``data/references.geojson`` holds independent reference points and lines (encyclopedia
coordinates, OpenStreetMap objects, news addresses, web-map pins), each stored in WGS84 with
the coordinate *as published*, the system it was published in and the conversion applied.
A project feature's ``location_evidence`` names the references that put it where it is, and
how (``at``, ``along``, ``north_of`` ... ``between``), or says plainly that it is unverified.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import prcoords
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

from geo import settings
from geo.errors import Problem, ProjectDataError

REFERENCES_PATH: Final = settings.DATA_DIR / "references.geojson"

#: Coordinate systems a source may publish in. CGCS2000 agrees with WGS84 to well under a
#: metre, so it is taken as is; GCJ-02 (Gaode, Tencent) and BD-09 (Baidu) are shifted by
#: about 460 m and 1 km here and are converted with prcoords' iterative inverses.
PUBLISHED_CRS: Final = ("WGS84", "CGCS2000", "GCJ-02", "BD-09")
CONVERSIONS: Final = {
    "WGS84": "none",
    "CGCS2000": "none (CGCS2000 = WGS84 to < 1 m)",
    "GCJ-02": "GCJ-02 -> WGS84, prcoords.gcj_wgs_bored (iterative, < 1e-7 deg)",
    "BD-09": "BD-09 -> WGS84, prcoords.bd_wgs_bored (iterative, < 1e-7 deg)",
}
#: What kind of evidence a reference is, most to least trustworthy for position.
KINDS: Final = (
    "survey",
    "encyclopedia",
    "osm",
    "web_map_pin",
    "news_address",
    "district_boundary",
)
#: How a feature relates to a reference. ``at``: within the precision's limit of it;
#: ``along``: every vertex within the limit of a reference line; ``north_of`` ...:
#: the whole feature on that side; ``between``: between two references, near the line
#: joining them.
RELATIONS: Final = ("at", "along", "north_of", "south_of", "east_of", "west_of", "between")
#: How far (metres) a feature may lie from an ``at``/``along``/``between`` reference.
LIMITS_M: Final = {"exact": 50.0, "approximate": 250.0}
#: Published coordinates must convert to the stored geometry within this (degrees, ~1 m).
STORED_TOLERANCE_DEG: Final = 1e-5


def to_wgs84(lon: float, lat: float, crs: str) -> tuple[float, float]:
    """One published coordinate (lon, lat in ``crs``) as WGS84 (lon, lat).

    Raises
    ------
    ValueError
        For a coordinate system not in :data:`PUBLISHED_CRS`.
    """
    if crs in ("WGS84", "CGCS2000"):
        return lon, lat
    if crs == "GCJ-02":
        point = prcoords.gcj_wgs_bored((lat, lon))
    elif crs == "BD-09":
        point = prcoords.bd_wgs_bored((lat, lon))
    else:
        raise ValueError(f"unknown coordinate system {crs!r}; use one of {PUBLISHED_CRS}")
    return point.lon, point.lat


def from_wgs84(lon: float, lat: float, crs: str) -> tuple[float, float]:
    """One WGS84 coordinate as it would be published in ``crs`` (lon, lat)."""
    if crs in ("WGS84", "CGCS2000"):
        return lon, lat
    if crs == "GCJ-02":
        point = prcoords.wgs_gcj((lat, lon))
    elif crs == "BD-09":
        point = prcoords.wgs_bd((lat, lon))
    else:
        raise ValueError(f"unknown coordinate system {crs!r}; use one of {PUBLISHED_CRS}")
    return point.lon, point.lat


@dataclass(frozen=True)
class Reference:
    """One entry of the catalogue, in WGS84."""

    id: str
    name_zh: str
    name_en: str
    kind: str
    crs: str
    source: Mapping[str, str]
    geometry: BaseGeometry
    note: str = ""


def load_references(path: str | os.PathLike[str] | None = None) -> dict[str, Reference]:
    """Read and check the reference catalogue; id -> :class:`Reference`.

    Raises
    ------
    ProjectDataError
        Listing every problem (reference id, field, value, fix).
    """
    from geo.load import read_collection  # geo.load hooks into this module

    path = Path(path) if path else REFERENCES_PATH
    collection = read_collection(path)
    problems = validate_references(collection)
    if problems:
        raise ProjectDataError(str(path), problems)
    out = {}
    for feature in collection["features"]:
        props = feature["properties"]
        out[props["id"]] = Reference(
            id=props["id"],
            name_zh=props["name_zh"],
            name_en=props["name_en"],
            kind=props["kind"],
            crs=props["published"]["crs"],
            source=props["source"],
            geometry=shape(feature["geometry"]),
            note=props.get("note", ""),
        )
    return out


def validate_references(collection: Any) -> list[Problem]:
    """Every problem in a reference catalogue: fields, kinds, and published vs stored."""
    features = collection.get("features") if isinstance(collection, Mapping) else None
    if not isinstance(features, list):
        return [Problem("", "features", None, "give a FeatureCollection of references")]
    problems: list[Problem] = []
    seen: set[str] = set()
    for index, feature in enumerate(features):
        props = feature.get("properties") if isinstance(feature, Mapping) else None
        if not isinstance(props, Mapping):
            problems.append(Problem(f"#{index + 1}", "properties", None, "give properties"))
            continue
        label = f"reference '{props.get('id')}'"
        if props.get("id") in seen:
            problems.append(Problem(label, "id", props.get("id"), "ids must be unique"))
        seen.add(props.get("id"))
        problems += _check_reference(label, props, feature.get("geometry"))
    return problems


def _check_reference(label: str, props: Mapping[str, Any], geometry: Any) -> list[Problem]:
    problems = []
    for name in ("id", "name_zh", "name_en"):
        if not _text(props.get(name)):
            problems.append(Problem(label, name, props.get(name), "give a non-empty string"))
    if props.get("kind") not in KINDS:
        problems.append(Problem(label, "kind", props.get("kind"), f"use one of {KINDS}"))
    source = props.get("source")
    if not isinstance(source, Mapping) or not _text(source.get("title")):
        problems.append(Problem(label, "source.title", source, "name the source document"))
    elif not (_text(source.get("url")) or _text(source.get("document"))):
        problems.append(Problem(label, "source.url", source, "give its URL or document"))
    elif not _text(source.get("date")):
        problems.append(Problem(label, "source.date", source, "give the date it was read"))
    published = props.get("published")
    if not isinstance(published, Mapping) or published.get("crs") not in PUBLISHED_CRS:
        crs = published.get("crs") if isinstance(published, Mapping) else published
        fix = f"give published.crs: one of {PUBLISHED_CRS}"
        return [*problems, Problem(label, "published.crs", crs, fix)]
    if published.get("conversion") != CONVERSIONS[published["crs"]]:
        fix = f"say {CONVERSIONS[published['crs']]!r}"
        problems.append(Problem(label, "published.conversion", published.get("conversion"), fix))
    problems += _check_published(label, published, geometry)
    return problems


def _check_published(label: str, published: Mapping[str, Any], geometry: Any) -> list[Problem]:
    """The stored WGS84 geometry must be the published coordinates, converted."""
    try:
        stored = _points(shape(geometry))
        given = [(float(x), float(y)) for x, y in _pairs(published.get("coordinates"))]
    except (TypeError, ValueError, AttributeError, KeyError, IndexError):
        fix = "give published.coordinates as [lon, lat] or a list of them, and a geometry"
        return [Problem(label, "published.coordinates", published.get("coordinates"), fix)]
    if len(stored) != len(given):
        fix = "the geometry must have one vertex per published coordinate"
        return [Problem(label, "geometry", len(stored), fix)]
    for (lon, lat), (x, y) in zip(given, stored, strict=True):
        wlon, wlat = to_wgs84(lon, lat, published["crs"])
        if abs(wlon - x) > STORED_TOLERANCE_DEG or abs(wlat - y) > STORED_TOLERANCE_DEG:
            fix = f"stored ({x}, {y}) is not the published point converted ({wlon:.6f}, {wlat:.6f})"
            return [Problem(label, "geometry", [lon, lat], fix)]
    return []


def _pairs(coordinates: Any) -> list[tuple[float, float]]:
    if coordinates and not isinstance(coordinates[0], (list, tuple)):
        return [tuple(coordinates)]
    return [tuple(c) for c in coordinates]


def _points(geom: BaseGeometry) -> list[tuple[float, float]]:
    if geom.geom_type == "Point":
        return [(geom.x, geom.y)]
    return [tuple(c) for c in geom.coords]


# The ``location_evidence`` property of a project feature -----------------------------------
def check_location_evidence(label: str, props: Mapping[str, Any]) -> list[Problem]:
    """Problems in one feature's ``location_evidence`` (used by :mod:`geo.load`).

    The property is optional (a file from elsewhere has none; the audit then calls the
    feature unverified). When given, it lists ``references`` or an ``unverified`` reason,
    and an unverified feature cannot be exact.
    """
    evidence = props.get("location_evidence")
    precision = props.get("location_precision")
    if evidence is None:
        return []
    if not isinstance(evidence, Mapping):
        return [Problem(label, "location_evidence", evidence, "give an object")]
    problems = []
    links = evidence.get("references", [])
    unverified = evidence.get("unverified")
    if unverified is not None and not _text(unverified):
        problems.append(Problem(label, "location_evidence.unverified", unverified, "say why"))
    problems += _check_translation(label, "location_evidence.unverified", evidence)
    if not isinstance(links, list):
        return [*problems, Problem(label, "location_evidence.references", links, "give a list")]
    if not links and unverified is None:
        fix = "give at least one reference, or an 'unverified' reason"
        problems.append(Problem(label, "location_evidence", dict(evidence), fix))
    if unverified is not None and precision == "exact":
        fix = "an unverified position cannot be 'exact'; use 'approximate'"
        problems.append(Problem(label, "location_precision", precision, fix))
    for i, link in enumerate(links):
        problems += _check_link(label, f"location_evidence.references[{i}]", link)
    return problems


def _check_link(label: str, field: str, link: Any) -> list[Problem]:
    if not isinstance(link, Mapping):
        return [Problem(label, field, link, 'give {"ref": ..., "relation": ...}')]
    problems = []
    refs = link.get("ref")
    relation = link.get("relation")
    if relation not in RELATIONS:
        problems.append(Problem(label, f"{field}.relation", relation, f"use one of {RELATIONS}"))
    wanted = 2 if relation == "between" else 1
    ids = refs if isinstance(refs, list) else [refs]
    if len(ids) != wanted or not all(_text(r) for r in ids):
        fix = "give two reference ids" if wanted == 2 else "give one reference id"
        problems.append(Problem(label, f"{field}.ref", refs, fix))
    if "independent" in link and not isinstance(link["independent"], bool):
        fix = "true, or false when the feature was drawn from this very reference"
        problems.append(Problem(label, f"{field}.independent", link["independent"], fix))
    if "note" in link or "note_zh" in link:
        problems += _check_translation(label, f"{field}.note", link)
    return problems


def _text(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _check_translation(label: str, field: str, mapping: Mapping[str, Any]) -> list[Problem]:
    """A Chinese version (``<field>_zh``) is optional, but when given it is text."""
    key = field.rsplit(".", 1)[-1] + "_zh"
    if key in mapping and not _text(mapping[key]):
        fix = "give the Chinese text, or leave it out"
        return [Problem(label, f"{field}_zh", mapping[key], fix)]
    return []


def localised(mapping: Mapping[str, Any], key: str, lang: str) -> str:
    """A free-text evidence field in the interface language.

    Notes are written in English under ``key`` with an optional Chinese version under
    ``key + "_zh"``; Chinese falls back to English where no translation was written, and
    "both" shows the two when they differ.
    """
    en = mapping.get(key) if _text(mapping.get(key)) else ""
    zh = mapping.get(f"{key}_zh") if _text(mapping.get(f"{key}_zh")) else ""
    if lang == "en":
        return en or zh
    if lang == "zh":
        return zh or en
    return " / ".join(dict.fromkeys(v for v in (zh, en) if v))
