"""``python -m geo tiles``: PMTiles that decode back to the right projects, split under a size
limit, and one clear line for every bad input."""

from __future__ import annotations

import json

import geopandas as gpd
import pytest
from shapely.geometry import LineString, Point, Polygon

from geo.cli import main
from geo.vectortiles import (
    MANIFEST_NAME,
    TilesError,
    build_tiles,
    milestone_code,
    name_shard,
    read_manifest,
    read_tile_features,
    view_filter,
)
from tests.conftest import TEST_DATA

REPORTED_2020 = {"year": 2016, "year_end": 2020, "kind": "reported", "status": "preparation"}
TARGET_2021 = {"year": 2021, "kind": "target", "status": "open"}


def _projects() -> gpd.GeoDataFrame:
    """Four hand-made projects: an area, a line, a schematic point, and a district total."""
    rows = [
        ("bay-square", "renewal", "preparation", [REPORTED_2020, TARGET_2021], "approximate",
         Polygon([(120.310, 36.060), (120.314, 36.060), (120.314, 36.063), (120.310, 36.063)])),
        ("coast-walk", "pocket_park", "planned", [TARGET_2021], "exact",
         LineString([(120.340, 36.055), (120.346, 36.056)])),
        ("hub-5g", "fiveg", "completed", [{**REPORTED_2020, "status": "completed"}],
         "schematic", Point(120.380, 36.065)),
        ("all-parking", "parking", "completed", [REPORTED_2020], "exact", Point(120.36, 36.07)),
    ]  # fmt: skip
    gdf = gpd.GeoDataFrame(
        [
            {
                "id": i,
                "layer": la,
                "status": s,
                "milestones": m,
                "location_precision": p,
                "map_placement": "district_total" if i == "all-parking" else None,
                "geometry": g,
            }
            for i, la, s, m, p, g in rows
        ],  # fmt: skip
        geometry="geometry",
        crs="EPSG:4326",
    )
    return gdf


def test_features_decode_back_with_their_id_status_years_and_precision(tmp_path):
    manifest = build_tiles(_projects(), tmp_path / "tiles", version="v1")
    assert manifest.layers == {"renewal": 1, "pocket_park": 1, "fiveg": 1}
    assert [f.file for f in manifest.files] == [
        "renewal.pmtiles",
        "pocket_park.pmtiles",
        "fiveg.pmtiles",
    ]
    for zoom in (9, 12, 15):
        got = {}
        for tile_file in manifest.files:
            back = read_tile_features(tmp_path / "tiles" / tile_file.file, zoom=zoom)
            for row in back.itertuples():
                got[row.id] = (tile_file.layer, row.status, row.ms, int(row.sc), row.geometry)
        assert set(got) == {"bay-square", "coast-walk", "hub-5g"}, zoom
        assert got["bay-square"][:4] == (
            "renewal",
            "preparation",
            "2016,2020,r,preparation;2021,2021,t,open",
            0,
        )
        assert got["coast-walk"][:4] == ("pocket_park", "planned", "2021,2021,t,open", 0)
        assert got["hub-5g"][:4] == ("fiveg", "completed", "2016,2020,r,completed", 1)
        # In Web Mercator, at the place it was given (to the tile grid's precision).
        point = gpd.GeoSeries([got["hub-5g"][4]], crs="EPSG:3857").to_crs(4326).iloc[0].centroid
        grid = 360 / 2**zoom / 4096  # a tile's 4096 steps, in degrees of longitude
        assert (point.x, point.y) == pytest.approx((120.380, 36.065), abs=2 * grid)


def test_only_the_fields_the_browser_needs_are_in_the_tiles(tmp_path):
    gdf = _projects().assign(name_zh="青岛湾广场", location_note="secret note")
    manifest = build_tiles(gdf, tmp_path / "t", version="v1")
    back = read_tile_features(tmp_path / "t" / manifest.files[0].file, zoom=12)
    assert set(back.columns) - {"mvt_id", "geometry"} == {"id", "status", "ms", "sc"}


def test_the_manifest_names_files_zooms_counts_and_data_version(tmp_path):
    build_tiles(_projects(), tmp_path / "t", version="abc123", source="p.geojson", max_zoom=14)
    data = json.loads((tmp_path / "t" / MANIFEST_NAME).read_text())
    assert (data["minzoom"], data["maxzoom"], data["data_version"]) == (9, 14, "abc123")
    assert data["layers"] == {"renewal": 1, "pocket_park": 1, "fiveg": 1}
    first = data["files"][0]
    assert first["bytes"] == (tmp_path / "t" / first["file"]).stat().st_size
    assert first["bounds"] == pytest.approx([120.310, 36.060, 120.314, 36.063])
    assert read_manifest(tmp_path / "t").layers == data["layers"]


def test_a_layer_over_the_size_limit_is_split_into_bands_each_under_it(tmp_path):
    from bench.synthetic import synthetic_collection
    from geo.load import _to_frame

    gdf = _to_frame(synthetic_collection(1500)["features"])
    whole = build_tiles(gdf, tmp_path / "whole", version="v")
    renewal = next(f for f in whole.files if f.layer == "renewal")
    limit = renewal.bytes // 3
    split = build_tiles(gdf, tmp_path / "split", version="v", max_file_bytes=limit)
    parts = [f for f in split.files if f.layer == "renewal"]
    assert len(parts) >= 3
    assert all(f.file == f"renewal-{k}.pmtiles" for k, f in enumerate(parts, 1))
    assert all((tmp_path / "split" / f.file).stat().st_size <= limit for f in split.files)
    assert split.layers == whole.layers
    # Every renewal project is in exactly one band; bands run west to east.
    ids = [set(read_tile_features(tmp_path / "split" / f.file, zoom=15)["id"]) for f in parts]
    assert set().union(*ids) == set(gdf.loc[gdf["layer"] == "renewal", "id"])
    assert sum(map(len, ids)) == renewal.features
    wests = [f.bounds[0] for f in parts]
    assert wests == sorted(wests)


def test_milestone_code_keeps_periods_and_targets():
    assert milestone_code([REPORTED_2020, TARGET_2021]) == (
        "2016,2020,r,preparation;2021,2021,t,open"
    )
    assert milestone_code([]) == ""


def test_view_filter_is_in_schema_order():
    got = view_filter(layers=["fiveg", "renewal"], statuses=["open", "planned"], years=None,
                      as_of=2020)  # fmt: skip
    assert got == {"layers": ["renewal", "fiveg"], "statuses": ["planned", "open"],
                   "years": None, "asOf": 2020, "pick": None}  # fmt: skip
    picked = view_filter(layers=["fiveg"], statuses=["open"], years=None, as_of=None,
                         picked_pairs=[("fiveg", "open")], picked_layers=["parking"])  # fmt: skip
    assert picked["pick"] == {"pairs": [["fiveg", "open"]], "layers": ["parking"]}


# The command line -----------------------------------------------------------------------------
def test_cli_tiles_the_test_data_and_counts_every_located_project(tmp_path, capsys, mini_gdf):
    assert main(["tiles", str(TEST_DATA), "--out", str(tmp_path / "t")]) == 0
    manifest = read_manifest(tmp_path / "t" / MANIFEST_NAME)
    placement = mini_gdf.get("map_placement")
    located = mini_gdf if placement is None else mini_gdf[placement.isna()]
    assert manifest.layers == located["layer"].value_counts().to_dict()
    out = capsys.readouterr()
    assert "renewal.pmtiles" in out.out and "zooms 9-15" in out.err


def test_cli_refuses_to_overwrite_without_force(tmp_path, capsys):
    out = tmp_path / "t"
    assert main(["tiles", str(TEST_DATA), "--out", str(out)]) == 0
    before = (out / MANIFEST_NAME).read_text()
    capsys.readouterr()
    assert main(["tiles", str(TEST_DATA), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "already holds tiles" in err and "--force" in err
    assert (out / MANIFEST_NAME).read_text() == before
    assert main(["tiles", str(TEST_DATA), "--out", str(out), "--force"]) == 0


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--max-zoom", "8"], "zooms 9-8"),
        (["--max-file-mb", "0"], "--max-file-mb 0"),
    ],
)
def test_cli_bad_options_are_one_line(tmp_path, capsys, args, expected):
    assert main(["tiles", str(TEST_DATA), "--out", str(tmp_path / "t"), *args]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and expected in err and "Traceback" not in err


def test_cli_out_that_is_a_file_is_refused(tmp_path, capsys):
    (tmp_path / "file").write_text("x")
    assert main(["tiles", str(TEST_DATA), "--out", str(tmp_path / "file")]) == 2
    assert "not a folder" in capsys.readouterr().err


def test_cli_bad_data_lists_the_problems_and_writes_nothing(tmp_path, capsys, write_geojson,
                                                           collection):  # fmt: skip
    collection["features"][0]["properties"]["status"] = "finished"
    path = write_geojson(collection)
    assert main(["tiles", str(path), "--out", str(tmp_path / "t")]) == 1
    err = capsys.readouterr().err
    assert "status" in err and "finished" in err and "Traceback" not in err
    assert not (tmp_path / "t").exists()


def test_cli_missing_file_is_one_line(tmp_path, capsys):
    assert main(["tiles", str(tmp_path / "nope.geojson"), "--out", str(tmp_path / "t")]) == 1
    err = capsys.readouterr().err
    assert "nope.geojson" in err and "Traceback" not in err


@pytest.mark.parametrize(
    ("damage", "expected"),
    [
        (lambda d: (d / "renewal.pmtiles").unlink(), "renewal.pmtiles missing"),
        (lambda d: (d / "renewal.pmtiles").write_bytes(b"x"), "1 bytes, not"),
        (lambda d: (d / MANIFEST_NAME).write_text("{"), "not a tiles manifest"),
        (lambda d: (d / MANIFEST_NAME).write_text('{"format": "x"}'), "format"),
    ],
)
def test_a_damaged_manifest_or_archive_is_one_message_saying_rebuild(tmp_path, damage, expected):
    build_tiles(_projects(), tmp_path / "t", version="v")
    damage(tmp_path / "t")
    with pytest.raises(TilesError, match=expected) as caught:
        read_manifest(tmp_path / "t")
    assert "python -m geo tiles" in str(caught.value)
    assert "\n" not in str(caught.value)


def test_nothing_to_tile_is_a_clear_error(tmp_path):
    only_total = _projects().iloc[[3]]
    with pytest.raises(TilesError, match="nothing to tile"):
        build_tiles(only_total, tmp_path / "t", version="v")


def test_low_zooms_keep_the_largest_features_up_to_the_cap_and_the_top_zoom_keeps_all(tmp_path):
    from bench.synthetic import synthetic_collection
    from geo.load import _to_frame

    gdf = _to_frame(synthetic_collection(1500)["features"])
    manifest = build_tiles(gdf, tmp_path / "t", version="v", max_features=40)
    renewal = gdf[gdf["layer"] == "renewal"]
    path = tmp_path / "t" / "renewal.pmtiles"
    low = read_tile_features(path, zoom=9)
    assert 0 < low["id"].nunique() <= 40 * 2  # the district spans at most two zoom-9 tiles
    # The kept ones are the large ones: their median area beats the layer's.
    kept = renewal[renewal["id"].isin(low["id"]) & (renewal.geom_type == "Polygon")]
    assert kept.to_crs(3857).area.median() > renewal.to_crs(3857).area.median()
    assert set(read_tile_features(path, zoom=15)["id"]) == set(renewal["id"])
    assert next(f for f in manifest.files if f.layer == "renewal").max_features == 40


def test_names_are_written_beside_the_tiles_in_the_shard_their_id_says(tmp_path, monkeypatch):
    import geo.vectortiles as vt
    from geo.load import load_projects

    monkeypatch.setattr(vt, "NAMES_PER_SHARD", 2)  # 6 projects: 4 shards
    gdf = load_projects(TEST_DATA)
    manifest = build_tiles(gdf, tmp_path / "tiles", version="v1")
    assert manifest.name_shards == 4
    found = {}
    for shard in range(4):
        names = json.loads((tmp_path / "tiles" / "names" / f"{shard}.json").read_text("utf-8"))
        assert all(name_shard(pid, 4) == shard for pid in names)
        found |= names
    assert found["zhanshan-plaza"] == ["湛山广场", "Zhanshan Plaza"]
    assert set(found) == set(gdf["id"])  # every project here has a site on the map
    assert read_manifest(tmp_path / "tiles").name_shards == 4
    (tmp_path / "tiles" / "names" / "3.json").unlink()
    with pytest.raises(TilesError, match=r"names file names/3.json missing; rebuild"):
        read_manifest(tmp_path / "tiles")


def test_name_shards_spread_ids_and_count_utf16_units():
    ids = [f"project-{k}" for k in range(4000)]
    counts = [0] * 8
    for pid in ids:
        counts[name_shard(pid, 8)] += 1
    assert min(counts) > 350  # about 500 each
    # An id outside the basic plane is two UTF-16 units, as the browser's charCodeAt sees it.
    assert name_shard("停车场-\U0001f17f", 1 << 30) != name_shard("停车场-\uf17f", 1 << 30)
