"""Broken and hostile imports: one clear message each, exit status, and data byte-identical.

Every case runs ``python -m geo import`` (in-process) against a copy of the small data file
and asserts the message, the exit status and that the data file did not change by a byte.
"""

from __future__ import annotations

import json
import random
import zipfile

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import GeometryCollection, LineString, Point, Polygon

from geo import cli
from geo.imports import ImportFailed, ImportOptions, files, plan_import, read_source
from geo.store import dump_collection
from tests.import_corpus import (
    CATHEDRAL,
    lonlat_table,
    points_frame,
    red_line,
    write_table,
    write_zip,
    write_zipped_shapefile,
)


@pytest.fixture
def data_file(tmp_path, collection):
    path = tmp_path / "data" / "projects.geojson"
    path.parent.mkdir()
    path.write_bytes(dump_collection(collection))
    return path


@pytest.fixture
def run(data_file, capsys):
    """Run ``geo import FILE --layer parking ...``; return (exit, stdout, stderr)."""

    def run(path, *extra, layer="parking"):
        before = data_file.read_bytes()
        argv = ["import", str(path), "--layer", layer, "--data", str(data_file), *extra]
        try:
            code = cli.main(argv)
        except SystemExit as exc:
            code = exc.code
        out, err = capsys.readouterr()
        assert "Traceback" not in out + err
        if "--dry-run" in extra or (code != 0 and "--skip-rejected" not in extra):
            assert data_file.read_bytes() == before, "rejected input changed the data"
        return code, out, err

    return run


def geojson(tmp_path, features, name="in.geojson") -> str:
    path = tmp_path / name
    collection = {"type": "FeatureCollection", "features": features}
    path.write_text(json.dumps(collection, ensure_ascii=False), encoding="utf-8")
    return path


def row(geometry, **props):
    base = {"名称": "测试停车场", "状态": "在建", "年份": 2020}
    return {"type": "Feature", "properties": {**base, **props}, "geometry": geometry}


def point(lon=120.3156, lat=36.0679):
    return {"type": "Point", "coordinates": [lon, lat]}


# Whole files refused ----------------------------------------------------------------------------
def test_zip_slip_is_refused_and_nothing_lands_outside(tmp_path, run):
    archive = write_zip(tmp_path / "evil.zip", {"../../escaped.txt": b"x", "a.geojson": b"{}"})
    code, _, err = run(archive)
    assert code == 1 and "unsafe path in the zip: ../../escaped.txt" in err
    assert not list(tmp_path.parent.rglob("escaped.txt"))


def test_absolute_zip_member_is_refused(tmp_path, run):
    code, _, err = run(write_zip(tmp_path / "abs.zip", {"/etc/cron.d/x": b"x"}))
    assert code == 1 and "unsafe path" in err


def test_too_many_zip_entries(tmp_path, run):
    members = {f"f{i}.txt": b"" for i in range(files.MAX_ZIP_ENTRIES + 1)}
    code, _, err = run(write_zip(tmp_path / "many.zip", members))
    assert code == 1 and f"too many files in the zip ({files.MAX_ZIP_ENTRIES + 1}" in err


def test_zip_bomb_stops_at_the_uncompressed_limit(tmp_path, run, monkeypatch):
    monkeypatch.setattr(files, "MAX_UNZIPPED_BYTES", 1_000_000)
    archive = write_zip(tmp_path / "bomb.zip", {"big.geojson": b" " * 5_000_000})
    assert archive.stat().st_size < 20_000
    code, _, err = run(archive)
    assert code == 1 and "unpacks to more than 1000000 bytes" in err


def test_file_size_limit(tmp_path, run, monkeypatch):
    monkeypatch.setattr(files, "MAX_FILE_BYTES", 100)
    code, _, err = run(geojson(tmp_path, [row(point())] * 5))
    assert code == 1 and "file too large" in err and "limit 100" in err


@pytest.mark.parametrize("suffix", [".geojson", ".csv"])
def test_feature_count_limit(tmp_path, run, monkeypatch, suffix):
    monkeypatch.setattr(files, "MAX_FEATURES", 3)
    if suffix == ".csv":
        path = write_table(lonlat_table(), tmp_path / "lots.csv")
    else:
        path = tmp_path / "lots.geojson"
        points_frame().to_file(path, engine="pyogrio")
    code, _, err = run(path)
    assert code == 1 and "too many features (4, limit 3)" in err


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("nested.geojson", b"[" * 100_000 + b"]" * 100_000, "damaged, or not the format"),
        ("fake.zip", b"this is not a zip", "not a valid zip archive"),
        ("empty.geojson", b"", "the file is empty"),
        (
            "latin1.csv",
            "名称,经度,纬度\n".encode() + b"caf\xe9\xff,120.3,36.06\n",
            "neither UTF-8 nor GBK",
        ),
        ("tool.exe", b"MZ", "unsupported file type"),
        ("garbage.gpkg", b"\x00\x01" * 100, "damaged, or not the format"),
    ],
)
def test_unreadable_files_get_one_clear_line(tmp_path, run, name, data, message):
    path = tmp_path / name
    path.write_bytes(data)
    code, _, err = run(path)
    assert code == 1 and message in err
    assert err.count("\n") == 1 and err.startswith(name)


def test_missing_file(tmp_path, run):
    code, _, err = run(tmp_path / "nowhere.geojson")
    assert code == 1 and "no such file" in err


def test_utf8_bom_geojson_is_accepted(tmp_path, run):
    path = geojson(tmp_path, [row(point())])
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    code, out, _ = run(path, "--dry-run")
    assert code == 0 and "added 1" in out


def test_table_without_coordinates(tmp_path, run):
    path = write_table(pd.DataFrame({"名称": ["a"], "状态": ["在建"]}), tmp_path / "t.csv")
    code, _, err = run(path)
    assert code == 1 and "no coordinate columns" in err and "名称, 状态" in err


def test_unknown_crs_says_how_to_give_it(tmp_path, run):
    code, _, err = run(geojson(tmp_path, [row(point(5_000_000, 9_000_000))]))
    assert code == 1 and "cannot tell the CRS" in err and "--crs EPSG:XXXX" in err


# Rows rejected: one line each with row, field, value, why ---------------------------------------
def test_each_bad_row_gets_a_line_and_nothing_is_written(tmp_path, run):
    lon, lat = 120.3156, 36.0679
    features = [
        row(point(), 名称="好的停车场"),
        row(point(float("nan"), lat), 名称="无坐标"),
        row(point(1e300, lat), 名称="巨大坐标"),
        row(point(116.40, 39.90), 名称="北京"),
        row(point(lat, lon), 名称="经纬颠倒"),
        row(point(120.31, 36.06), 名称="暂停项目", 状态="暂停"),
        row(point(120.32, 36.06), 名称="太早", 年份=1899),
        row(point(120.33, 36.06), 名称="太晚", 年份=2099),
        row({"type": "LineString", "coordinates": [[lon, lat], [lon + 0.001, lat]]}, 名称="线"),
        row(None, 名称="空几何"),
        row(point(120.34, 36.06), 名称="好的停车场"),
    ]
    path = tmp_path / "bad.geojson"
    # NaN is not JSON, but Python writes it and GDAL reads it: a real hostile file.
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    code, out, err = run(path)
    assert code == 1
    lines = [line for line in err.splitlines() if ", field " in line]
    expected = {
        2: "not finite numbers",
        3: "not finite numbers",
        4: "outside Shinan",
        5: "looks like (lat, lon)",
        6: "unknown status",
        7: "give a year from 2000 to 2035",
        8: "give a year from 2000 to 2035",
        9: "does not fit this layer",
        10: "empty geometry",
        11: "duplicate of row 1",
    }
    assert len(lines) == len(expected), err
    for number, why in expected.items():
        line = next(x for x in lines if x.startswith(f"bad.geojson: row {number}, "))
        assert why in line, line
    assert "'暂停'" in err and "1899" in err
    assert "added 1" in out and "rejected 10" in out
    assert "nothing written" in err


def test_skip_rejected_writes_the_good_rows_only(tmp_path, run, data_file):
    path = geojson(tmp_path, [row(point()), row(point(), 名称="坏", 状态="暂停")])
    code, out, _ = run(path, "--skip-rejected", "--who", "wang")
    assert code == 1 and "written to" in out
    saved = json.loads(data_file.read_text())
    names = [f["properties"]["name_zh"] for f in saved["features"]]
    assert "测试停车场" in names and "坏" not in names


def test_duplicate_ids_in_the_file(tmp_path, run):
    features = [
        row(point(), id="lot-a", 名称="甲"),
        row(point(120.32, 36.06), id="lot-a", 名称="乙"),
    ]
    code, _, err = run(geojson(tmp_path, features))
    assert code == 1 and "row 2, field id, value 'lot-a'" in err and "duplicate of row 1" in err


def test_mixed_geometry_types_for_a_point_and_polygon_layer(tmp_path, run):
    lon, lat = 120.3156, 36.0679
    gdf = gpd.GeoDataFrame(
        {"名称": ["点", "面", "线", "集合"], "状态": ["在建"] * 4, "年份": [2020] * 4},
        geometry=[
            Point(lon, lat),
            red_line(lat + 0.003, lon),
            LineString([(lon, lat), (lon + 0.001, lat)]),
            GeometryCollection([Point(lon, lat + 0.005)]),
        ],
        crs="EPSG:4326",
    )
    path = tmp_path / "mixed.geojson"
    gdf.to_file(path, engine="pyogrio")
    code, out, err = run(path, "--dry-run")
    assert code == 1 and "added 2" in out
    assert "row 3, field geometry, value 'LineString': a LineString does not fit" in err
    assert "row 4, field geometry, value 'GeometryCollection': unsupported geometry type" in err


def test_geometry_repairs_are_reported_and_a_bow_tie_is_rejected(tmp_path, run):
    _, lat, lon = CATHEDRAL
    d = 0.0005
    # A square whose closing corner doubles back across its first edge: a sliver lobe that
    # make_valid keeps with the square (area changes by 0.15 %): safe to repair.
    loop = Polygon(
        [
            (lon, lat + d * 0.02),
            (lon + d, lat),
            (lon + d, lat + d),
            (lon, lat + d),
            (lon + d * 0.05, lat - d * 0.01),
        ]
    )
    bow_tie = Polygon([(lon, lat), (lon + d, lat + d), (lon + d, lat), (lon, lat + d)])
    with_z = Polygon([(x, y, 12.5) for x, y in red_line(lat - 0.004, lon).exterior.coords])
    gdf = gpd.GeoDataFrame(
        {"名称": ["小环", "蝴蝶结", "有高程"], "状态": ["在建"] * 3, "年份": [2020] * 3},
        geometry=[loop, bow_tie, with_z],
        crs="EPSG:4326",
    )
    path = tmp_path / "repairs.geojson"
    gdf.to_file(path, engine="pyogrio")
    code, out, err = run(path, "--dry-run", layer="renewal")
    assert code == 1
    assert "row 2, field geometry" in err and "cannot be repaired safely" in err
    assert "repaired invalid geometry" in out and "dropped Z/M values" in out


def test_text_from_the_file_stays_data(tmp_path, run, data_file):
    """Markup and template syntax in a name is kept verbatim as data (escaped where shown)."""
    hostile = "<img src=x onerror=alert(1)>${document.title}`</script>"
    code, _, _ = run(geojson(tmp_path, [row(point(), 名称=hostile)]), "--who", "x")
    assert code == 0
    saved = json.loads(data_file.read_text())
    assert hostile in [f["properties"]["name_zh"] for f in saved["features"]]


# Usage ------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--crs", "EPSG:999999"], "unknown CRS EPSG:999999"),
        (["--map", "colour=颜色"], "cannot read mapping colour=颜色"),
        (["--map", "status=不存在"], None),
        (["--gcj02", "--bd09"], "not allowed with argument"),
    ],
)
def test_bad_usage_exits_2(tmp_path, run, extra, message):
    code, _, err = run(geojson(tmp_path, [row(point())]), *extra)
    if message is None:  # a column that is not in the file is a problem with the file
        assert code == 1 and "column 不存在 in the mapping is not in the file" in err
        return
    assert code == 2 and message in err


def test_unknown_layer_exits_2(tmp_path, run):
    code, _, err = run(geojson(tmp_path, [row(point())]), layer="roads")
    assert code == 2 and "unknown layer roads" in err


def test_dry_run_and_out_leave_the_data_file_alone(tmp_path, run, data_file):
    path = write_zipped_shapefile(points_frame().to_crs("EPSG:4549"), tmp_path, "lots", prj=False)
    before = data_file.read_bytes()
    code, out, _ = run(path, "--dry-run")
    assert code == 0 and "assumed EPSG:4549" in out and "added 4" in out
    out_file = tmp_path / "result.geojson"
    code, out, _ = run(path, "--out", str(out_file))
    assert code == 0 and data_file.read_bytes() == before
    result = json.loads(out_file.read_text())
    assert len(result["features"]) == len(json.loads(before)["features"]) + 4
    assert cli.main(["validate", str(out_file)]) == 0


def test_unclosed_ring_is_closed_and_said_so_and_bad_wkt_is_rejected(tmp_path, run):
    ring = [[120.3150, 36.0670], [120.3160, 36.0670], [120.3160, 36.0680], [120.3150, 36.0680]]
    code, out, _ = run(
        geojson(tmp_path, [row({"type": "Polygon", "coordinates": [ring]})]),
        "--dry-run",
        layer="renewal",
    )
    assert code == 0 and "closed polygon rings left open" in out and "added 1" in out
    table = pd.DataFrame(
        {
            "名称": ["好", "坏"],
            "状态": ["在建"] * 2,
            "年份": [2020] * 2,
            "WKT": ["POINT (120.316 36.067)", "POLYGON((abc"],
        }
    )
    code, out, err = run(write_table(table, tmp_path / "wkt.csv"), "--dry-run")
    assert code == 1 and "row 3, field geometry, value 'POLYGON((abc': not valid WKT" in err


def test_damaged_prj_gets_a_message(tmp_path, run):
    archive = write_zipped_shapefile(points_frame().to_crs("EPSG:4549"), tmp_path, "lots")
    with zipfile.ZipFile(archive) as src:
        members = {n: src.read(n) for n in src.namelist()}
    members["lots.prj"] = b'PROJCS["\xb1\xb1\xbe\xa9\xff",GEOGCS[' + b"\xfe" * 20
    code, _, err = run(write_zip(tmp_path / "bad_prj.zip", members))
    assert code == 1 and ".prj" in err and "--crs" in err


@pytest.mark.parametrize("seed", range(3))
def test_mutated_files_never_raise_anything_but_a_clear_failure(tmp_path, collection, seed):
    """Random byte damage to real files (GeoJSON, CSV, Shapefile parts): either an import plan
    or one ImportFailed message; never another exception."""
    rng = random.Random(seed)
    points_frame().to_crs("EPSG:4549").to_file(tmp_path / "src.shp", encoding="GBK")
    parts = {s: (tmp_path / f"src{s}").read_bytes() for s in (".shp", ".shx", ".dbf", ".prj")}
    sources = {
        ".geojson": json.dumps(
            {"type": "FeatureCollection", "features": [row(point())] * 3}, ensure_ascii=False
        ).encode(),
        ".csv": lonlat_table().to_csv(index=False).encode(),
    }
    for i in range(40):
        kind = rng.choice([".geojson", ".csv", ".zip"])
        target = rng.choice(list(parts)) if kind == ".zip" else kind
        data = bytearray(parts[target] if kind == ".zip" else sources[kind])
        for _ in range(rng.randint(1, 5)):
            data[rng.randrange(len(data))] = rng.randrange(256)
        path = tmp_path / f"m{i}{kind}"
        if kind == ".zip":
            write_zip(path, {f"m{s}": bytes(data) if s == target else b for s, b in parts.items()})
        else:
            path.write_bytes(bytes(data))
        try:
            plan_import(read_source(path), collection, ImportOptions(layer="parking"))
        except ImportFailed as exc:
            assert exc.text("en").startswith(path.name)
