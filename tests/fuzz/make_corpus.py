"""Write the fuzz corpus: malformed projects and scenes files, each with the message expected.

    .venv/bin/python tests/fuzz/make_corpus.py

Each projects file is ``tests/data/mini_projects.geojson`` with one thing broken (or raw bytes
that are not usable JSON); each scenes file is ``data/scenes.json`` broken likewise.
``manifest.json`` maps each file to a fragment its one-line message must contain. The files
are committed; rerun this only to change the corpus.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
BASE = json.loads((ROOT / "tests" / "data" / "mini_projects.geojson").read_text("utf-8"))
SCENES = json.loads((ROOT / "data" / "scenes.json").read_text("utf-8"))
QUOTE = BASE["features"][0]["properties"]["source"]["quote"]
FIGURE = {"label_zh": "面积", "label_en": "area", "value": 5, "unit": "万平方米", "quote": QUOTE}
BOWTIE = [[[120.31, 36.06], [120.32, 36.07], [120.32, 36.06], [120.31, 36.07], [120.31, 36.06]]]


def _nest(depth: int) -> object:
    value: object = "bottom"
    for _ in range(depth):
        value = [value]
    return value


def props(**changes) -> Callable[[dict], None]:
    def mutate(data: dict) -> None:
        data["features"][0]["properties"].update(changes)

    return mutate


def drop(name: str) -> Callable[[dict], None]:
    def mutate(data: dict) -> None:
        del data["features"][0]["properties"][name]

    return mutate


def milestone(**changes) -> Callable[[dict], None]:
    def mutate(data: dict) -> None:
        data["features"][0]["properties"]["milestones"][0].update(changes)

    return mutate


def figure(**changes) -> Callable[[dict], None]:
    def mutate(data: dict) -> None:
        data["features"][0]["properties"]["figures"] = [{**FIGURE, **changes}]

    return mutate


def geometry(value) -> Callable[[dict], None]:
    def mutate(data: dict) -> None:
        data["features"][0]["geometry"] = value

    return mutate


def feature(value) -> Callable[[dict], None]:
    def mutate(data: dict) -> None:
        data["features"][0] = value

    return mutate


def top(value) -> Callable[[dict], None]:
    def mutate(data: dict) -> None:
        data.clear()
        data["__replace__"] = value

    return mutate


def _swap_milestones(data: dict) -> None:
    stones = data["features"][0]["properties"]["milestones"]
    stones.reverse()


def _duplicate_id(data: dict) -> None:
    data["features"][1]["properties"]["id"] = data["features"][0]["properties"]["id"]


# name -> (mutation, fragment of the expected message)
DATA_CASES: dict[str, tuple[Callable[[dict], None], str]] = {
    "top-array": (top([1, 2]), "FeatureCollection"),
    "top-string": (top("features"), "FeatureCollection"),
    "top-null": (top(None), "FeatureCollection"),
    "top-number": (top(3), "FeatureCollection"),
    "type-feature": (top({"type": "Feature", "properties": {}, "geometry": None}), "Collection"),
    "type-lowercase": (top({"type": "featurecollection", "features": []}), "FeatureCollection"),
    "features-object": (top({"type": "FeatureCollection", "features": {}}), "features"),
    "features-null": (top({"type": "FeatureCollection", "features": None}), "features"),
    "features-missing": (top({"type": "FeatureCollection"}), "features"),
    "feature-string": (feature("a feature"), "must be a Feature"),
    "feature-null": (feature(None), "must be a Feature"),
    "feature-type-missing": (feature({"properties": {}, "geometry": None}), "must be a Feature"),
    "feature-type-lowercase": (feature({"type": "feature"}), "must be a Feature"),
    "properties-null": (feature({"type": "Feature", "properties": None}), "properties object"),
    "properties-array": (feature({"type": "Feature", "properties": []}), "properties object"),
    "id-trailing-newline": (props(id="qingdao-bay-plaza\n"), "ASCII slug"),
    "id-uppercase": (props(id="Qingdao-Bay"), "ASCII slug"),
    "id-number": (props(id=7), "ASCII slug"),
    "id-unicode": (props(id="青岛湾"), "ASCII slug"),
    "id-empty": (props(id=""), "ASCII slug"),
    "id-duplicate": (_duplicate_id, "duplicate"),
    "layer-unknown": (props(layer="parks"), "use one of"),
    "layer-null": (props(layer=None), "use one of"),
    "status-unknown": (props(status="finished"), "use one of"),
    "status-mismatch": (props(status="open"), "disagrees with the milestones"),
    "precision-unknown": (props(location_precision="surveyed"), "use one of"),
    "name-zh-empty": (props(name_zh="  "), "non-empty string"),
    "name-en-number": (props(name_en=42), "non-empty string"),
    "name-zh-nul": (props(name_zh="青岛\u0000湾"), "invisible control"),
    "name-en-rtl-override": (props(name_en="Plaza \u202ereversed"), "text-direction"),
    "name-zh-lone-surrogate": (props(name_zh="青岛\ud800湾"), "unpaired UTF-16 surrogate"),
    "key-lone-surrogate": (props(**{"extra\udc00": 1}), "unpaired UTF-16 surrogate"),
    "location-note-missing": (drop("location_note"), "missing"),
    "figures-missing": (drop("figures"), "missing"),
    "source-string": (props(source="the report"), "document"),
    "source-quote-invented": (props(source={"document": "x", "quote": "建成开放了"}), "verbatim"),
    "source-quote-missing": (props(source={"document": "x"}), "verbatim clause"),
    "milestones-empty": (props(milestones=[]), "non-empty list"),
    "milestones-object": (props(milestones={"year": 2020}), "non-empty list"),
    "milestone-string": (props(milestones=["2020"]), "give an object"),
    "milestone-year-string": (milestone(year="2019"), "whole year"),
    "milestone-year-fullwidth": (milestone(year="２０１９"), "whole year"),
    "milestone-year-arabic-indic": (milestone(year="٢٠١٩"), "whole year"),
    "milestone-year-bool": (milestone(year=True), "whole year"),
    "milestone-year-float": (milestone(year=2016.0), "whole year"),
    "milestone-year-ancient": (milestone(year=1066), "whole year"),
    "milestone-year-end-early": (milestone(year_end=2010), "give a year from"),
    "milestone-kind-unknown": (milestone(kind="rumour"), "use one of"),
    "milestone-status-unknown": (milestone(status="built"), "use one of"),
    "milestones-out-of-order": (_swap_milestones, "oldest first"),
    "figures-object": (props(figures={"value": 1}), "give a list"),
    "figure-string": (props(figures=["5"]), "give an object"),
    "figure-negative": (figure(value=-5), "non-negative number"),
    "figure-string-value": (figure(value="5"), "non-negative number"),
    "figure-nan-string": (figure(value="NaN"), "non-negative number"),
    "figure-too-large": (figure(value=1e13), "non-negative number"),
    "figure-bool": (figure(value=True), "non-negative number"),
    "figure-unit-unknown": (figure(unit="acres"), "use one of"),
    "figure-label-missing": (figure(label_zh=""), "give a label"),
    "geometry-null": (geometry(None), "GeoJSON geometry"),
    "geometry-string": (geometry("POINT (120.3 36.06)"), "GeoJSON geometry"),
    "geometry-circle": (geometry({"type": "Circle", "coordinates": [120.3, 36.06]}), "one of"),
    "geometry-collection": (
        geometry({"type": "GeometryCollection", "geometries": []}),
        "GeoJSON geometry",
    ),
    "point-no-coordinates": (geometry({"type": "Point"}), "check nesting"),
    "point-coordinates-object": (geometry({"type": "Point", "coordinates": {}}), "check nesting"),
    "point-one-number": (geometry({"type": "Point", "coordinates": [120.3]}), "check nesting"),
    "point-four-numbers": (
        geometry({"type": "Point", "coordinates": [120.3, 36.06, 1, 2]}),
        "check nesting",
    ),
    "point-strings": (geometry({"type": "Point", "coordinates": ["120.3", "36.06"]}), "nesting"),
    "point-null-number": (geometry({"type": "Point", "coordinates": [120.3, None]}), "nesting"),
    "point-bools": (geometry({"type": "Point", "coordinates": [True, False]}), "nesting"),
    "polygon-coordinates-object": (geometry({"type": "Polygon", "coordinates": {}}), "nesting"),
    "polygon-flat": (geometry({"type": "Polygon", "coordinates": [120.3, 36.06]}), "nesting"),
    "polygon-empty": (geometry({"type": "Polygon", "coordinates": []}), "nesting"),
    "polygon-two-points": (
        geometry({"type": "Polygon", "coordinates": [[[120.31, 36.06], [120.32, 36.07]]]}),
        "nesting",
    ),
    "polygon-bowtie": (geometry({"type": "Polygon", "coordinates": BOWTIE}), "self-intersect"),
    "multipolygon-too-shallow": (
        geometry({"type": "MultiPolygon", "coordinates": BOWTIE}),
        "nesting",
    ),
    "linestring-one-point": (
        geometry({"type": "LineString", "coordinates": [[120.31, 36.06]]}),
        "nesting",
    ),
    "multipoint-empty": (geometry({"type": "MultiPoint", "coordinates": []}), "nesting"),
    "point-latlon-swapped": (
        geometry({"type": "Point", "coordinates": [36.06, 120.32]}),
        "swap each pair",
    ),
    "point-projected-metres": (
        geometry({"type": "Point", "coordinates": [531000.0, 3990000.0]}),
        "reproject",
    ),
    "point-beijing": (geometry({"type": "Point", "coordinates": [116.39, 39.9]}), "outside"),
    "property-named-geometry-null": (props(geometry=None), "reserved"),
    "property-named-geometry-object": (
        props(geometry={"type": "Point", "coordinates": [120.3, 36.06]}),
        "reserved",
    ),
    "extra-nested-40": (props(extra=_nest(40)), "nested more than"),
    "extra-nested-900": (props(extra=_nest(900)), "nested more than"),
    "figure-huge-int-20-digits": (figure(value=10**19), "at most 15 digits"),
}

# Raw bytes that never parse as usable JSON -> fragment
RAW_DATA_CASES: dict[str, tuple[bytes, str]] = {
    "empty": (b"", "invalid JSON"),
    "whitespace": (b"  \n\t ", "invalid JSON"),
    "truncated": (json.dumps(BASE).encode()[:500], "invalid JSON"),
    "trailing-comma": (b'{"type": "FeatureCollection", "features": [],}', "invalid JSON"),
    "single-quotes": (b"{'type': 'FeatureCollection'}", "invalid JSON"),
    "nan-figure": (b'{"type": "FeatureCollection", "features": [{"v": NaN}]}', "NaN"),
    "infinity": (b'{"type": "FeatureCollection", "features": [Infinity]}', "Infinity"),
    "minus-infinity": (b'{"type": "FeatureCollection", "features": [-Infinity]}', "Infinity"),
    "float-overflow": (b'{"type": "FeatureCollection", "features": [1e400]}', "this large"),
    "float-1e309": (b'{"type": "FeatureCollection", "features": [1.5e309]}', "this large"),
    "int-5000-digits": (b'{"features": [' + b"9" * 5000 + b"]}", "at most 15 digits"),
    "nesting-20000": (b"[" * 20_000 + b"]" * 20_000, "nested too deeply"),
    "nesting-5000-objects": (b'{"a":' * 5000 + b"1" + b"}" * 5000, "nested too deeply"),
    "utf16-bom": (json.dumps(BASE).encode("utf-16"), "not UTF-8"),
    "latin1-name": (b'{"type": "FeatureCollection", "name": "caf\xe9"}', "not UTF-8"),
    "raw-nul-in-string": (b'{"type": "FeatureCollection\x00", "features": []}', "invalid JSON"),
    "raw-newline-in-string": (b'{"type": "Feature\nCollection"}', "invalid JSON"),
    "binary-png": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not UTF-8"),
    "bom-then-garbage": (b"\xef\xbb\xbf{oops", "invalid JSON"),
    "two-documents": (b'{"type": "FeatureCollection", "features": []}{}', "invalid JSON"),
}

SCENE_CASES: dict[str, tuple[object, str]] = {
    "scenes-top-array": ([], "scenes"),
    "scenes-not-list": ({"scenes": "all"}, "scenes"),
    "scenes-null": ({"scenes": None}, "scenes"),
    "scene-string": ({"scenes": ["west"]}, "must be an object"),
    "scene-id-newline": ({"scenes": [{**SCENES["scenes"][0], "id": "west\n"}]}, "ASCII id"),
    "scene-id-upper": ({"scenes": [{**SCENES["scenes"][0], "id": "West"}]}, "ASCII id"),
    "scene-title-missing": (
        {"scenes": [{k: v for k, v in SCENES["scenes"][0].items() if k != "title_zh"}]},
        "non-empty text",
    ),
    "scene-view-string": ({"scenes": [{**SCENES["scenes"][0], "view": "x"}]}, "text parameters"),
    "scene-view-number": (
        {"scenes": [{**SCENES["scenes"][0], "view": {"z": 15}}]},
        "text parameters",
    ),
    "scene-view-bad-layer": (
        {"scenes": [{**SCENES["scenes"][0], "view": {"layers": "parks"}}]},
        "unknown",
    ),
    "scene-duplicate": ({"scenes": [SCENES["scenes"][0], SCENES["scenes"][0]]}, "duplicate"),
    "scene-title-surrogate": (
        {"scenes": [{**SCENES["scenes"][0], "title_zh": "场\ud800景"}]},
        "surrogate",
    ),
    "scene-nested": ({"scenes": [{**SCENES["scenes"][0], "extra": _nest(50)}]}, "nested"),
}
RAW_SCENE_CASES: dict[str, tuple[bytes, str]] = {
    "scenes-empty": (b"", "invalid JSON"),
    "scenes-truncated": (json.dumps(SCENES).encode()[:200], "invalid JSON"),
    "scenes-nan": (b'{"scenes": [NaN]}', "NaN"),
    "scenes-deep": (b'{"scenes": [' + b"[" * 50_000, "nested too deeply"),
    "scenes-utf16": (json.dumps(SCENES).encode("utf-16"), "not UTF-8"),
}


def _dump(value: object) -> bytes:
    # ensure_ascii: lone surrogates are written as \\ud800 escapes, as a careless tool would.
    return json.dumps(value, ensure_ascii=True).encode("ascii")


def main() -> None:
    manifest: dict[str, str] = {}
    for folder in ("data", "scenes"):
        (HERE / folder).mkdir(exist_ok=True)
        for old in (HERE / folder).iterdir():
            old.unlink()
    for name, (mutate, expected) in DATA_CASES.items():
        data = copy.deepcopy(BASE)
        mutate(data)
        value = data.get("__replace__", data)
        (HERE / "data" / f"{name}.geojson").write_bytes(_dump(value))
        manifest[f"data/{name}.geojson"] = expected
    for name, (raw, expected) in RAW_DATA_CASES.items():
        (HERE / "data" / f"{name}.geojson").write_bytes(raw)
        manifest[f"data/{name}.geojson"] = expected
    for name, (value, expected) in SCENE_CASES.items():
        (HERE / "scenes" / f"{name}.json").write_bytes(_dump(value))
        manifest[f"scenes/{name}.json"] = expected
    for name, (raw, expected) in RAW_SCENE_CASES.items():
        (HERE / "scenes" / f"{name}.json").write_bytes(raw)
        manifest[f"scenes/{name}.json"] = expected
    text = json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
    (HERE / "manifest.json").write_text(text, encoding="utf-8")
    print(f"{len(manifest)} files")


def write_messages() -> None:
    """``messages.txt``: each file and the first message the loader gives for it."""
    import sys

    sys.path.insert(0, str(ROOT))
    from geo.errors import ProjectDataError
    from geo.load import load_projects
    from geo.scenes import load_scenes

    manifest = json.loads((HERE / "manifest.json").read_text(encoding="utf-8"))
    lines = []
    for name in sorted(manifest):
        loader = load_projects if name.startswith("data/") else load_scenes
        try:
            loader(HERE / name)
            lines.append(f"{name}: ACCEPTED")
        except ProjectDataError as exc:
            lines.append(f"{name}: {exc.problems[0]}")
    (HERE / "messages.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{len(lines)} messages")


if __name__ == "__main__":
    main()
    write_messages()
