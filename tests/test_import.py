"""Importing real files in each format and CRS: positions land within 1 m of the truth."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pytest
import shapely
from shapely.geometry import Point, shape

from geo.imports import ImportFailed, ImportOptions, plan_import, read_source
from tests.import_corpus import (
    CATHEDRAL,
    POINTS,
    lonlat_table,
    points_frame,
    red_line,
    write_table,
    write_zipped_shapefile,
)

TOLERANCE_M = 1.0


def metres_apart(a, b) -> float:
    """Hausdorff distance in true metres (EPSG:4549) between two WGS84 geometries."""
    both = gpd.GeoSeries([a, b], crs="EPSG:4326").to_crs("EPSG:4549")
    return float(shapely.hausdorff_distance(both.iloc[0], both.iloc[1]))


def imported(plan):
    """name_zh -> geometry of every added or changed feature."""
    return {
        p.feature["properties"]["name_zh"]: shape(p.feature["geometry"])
        for p in [*plan.added, *plan.changed]
    }


def assert_points_land(plan):
    got = imported(plan)
    assert len(got) == len(POINTS), [r.text() for r in plan.rejected]
    for name, lat, lon in POINTS:
        distance = metres_apart(got[f"{name}停车场"], Point(lon, lat))
        assert distance < TOLERANCE_M, f"{name}: {distance:.3f} m from the truth"


def kml_frame(frame):
    """As Google Earth writes it: the name in <name>, the rest in ExtendedData (ASCII keys,
    since GDAL's KML writer truncates non-ASCII field names)."""
    columns = {"项目名称": "Name", "状态": "status", "开工年份": "start_year", "建设单位": "owner"}
    return frame.rename(columns=columns)


def run_plan(path, collection, **options):
    table = read_source(path)
    return plan_import(table, collection, ImportOptions(layer="parking", **options))


def note_keys(plan) -> list[str]:
    return [n.key for n in plan.notes]


@pytest.mark.parametrize(
    ("suffix", "crs", "expected_note"),
    [
        (".geojson", "EPSG:4326", "import.crs.declared"),
        (".gpkg", "EPSG:4549", "import.crs.declared"),
        (".gpkg", "EPSG:32651", "import.crs.declared"),
        (".kml", "EPSG:4326", "import.crs.declared"),
    ],
)
def test_vector_formats_land_within_a_metre(tmp_path, collection, suffix, crs, expected_note):
    path = tmp_path / f"parking{suffix}"
    frame = points_frame().to_crs(crs)
    if suffix == ".kml":
        frame = kml_frame(frame)
    frame.to_file(path, engine="pyogrio", driver="KML" if suffix == ".kml" else None)
    plan = run_plan(path, collection)
    assert_points_land(plan)
    assert expected_note in note_keys(plan)
    assert not plan.rejected


def test_kmz_is_read_from_inside_the_zip(tmp_path, collection):
    kml = tmp_path / "lots.kml"
    kml_frame(points_frame()).to_file(kml, engine="pyogrio", driver="KML")
    kmz = tmp_path / "parking.kmz"
    import zipfile

    with zipfile.ZipFile(kmz, "w") as out:
        out.write(kml, "doc.kml")
    assert_points_land(run_plan(kmz, collection))


@pytest.mark.parametrize(
    ("crs", "assumed"),
    [
        ("EPSG:4549", "EPSG:4549"),
        ("EPSG:4528", "EPSG:4528"),
        ("EPSG:32651", "EPSG:32651"),
        ("EPSG:3857", "EPSG:3857"),
        ("EPSG:4490", "EPSG:4326"),
    ],
)
def test_undeclared_crs_is_recognised_from_the_ranges(tmp_path, collection, crs, assumed):
    """A Shapefile without .prj: the CRS is assumed from the numbers and the note says so."""
    archive = write_zipped_shapefile(points_frame().to_crs(crs), tmp_path, "lots", prj=False)
    plan = run_plan(archive, collection)
    assert_points_land(plan)
    note = next(n for n in plan.notes if n.key == "import.crs.assumed")
    assert note.values["crs"] == assumed
    assert "assumed" in note.text("en") and "判断" in note.text("zh")


def test_planners_gbk_shapefile_in_4549_without_cpg(tmp_path, collection):
    """The issue's case: a red line in CGCS2000 GK metres, GBK attributes, no .cpg."""
    _, lat, lon = CATHEDRAL
    gdf = gpd.GeoDataFrame(
        {
            "项目名称": ["青岛湾广场"],
            "状态": ["在建"],
            "开工年份": [2022],
            "建设单位": ["市南区城投"],
        },
        geometry=[red_line(lat, lon)],
        crs="EPSG:4326",
    ).to_crs("EPSG:4549")
    archive = write_zipped_shapefile(gdf, tmp_path, "用地红线", encoding="GBK", cpg=False)
    table = read_source(archive)
    assert table.encoding == "GB18030"
    plan = plan_import(table, collection, ImportOptions(layer="renewal"))
    assert not plan.rejected, [r.text() for r in plan.rejected]
    [change] = plan.changed
    props = change.feature["properties"]
    assert change.id == "qingdao-bay-plaza"
    assert props["name_zh"] == "青岛湾广场" and props["owner"] == "市南区城投"
    assert props["status"] == "under_construction"
    assert props["milestones"][-1]["year"] == 2022
    # No reference confirms it yet: approximate, and the evidence names the file.
    assert props["location_precision"] == "approximate"
    assert "用地红线.zip row 1" in props["location_evidence"]["unverified"]
    assert metres_apart(shape(change.feature["geometry"]), red_line(lat, lon)) < TOLERANCE_M
    assert {"geometry", "status", "milestones"} <= set(change.fields)


def test_utf8_dbf_without_cpg_is_read_as_utf8(tmp_path, collection):
    archive = write_zipped_shapefile(
        points_frame().to_crs("EPSG:4549"), tmp_path, "lots", encoding="UTF-8", cpg=False
    )
    table = read_source(archive)
    assert table.encoding == "UTF-8"
    # The writer cut 项目名称 to the .dbf's 10 bytes, inside 称: the whole characters are kept.
    assert set(table.frame["项目名"]) == {f"{n}停车场" for n, _, _ in POINTS}
    assert "import.encoding.utf8" in [n.key for n in table.notes]


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_lon_lat_tables(tmp_path, collection, suffix):
    path = write_table(lonlat_table(), tmp_path / f"lots{suffix}")
    plan = run_plan(path, collection)
    assert_points_land(plan)
    assert plan.mapping["lon"] == "经度" and plan.mapping["lat"] == "纬度"


@pytest.mark.parametrize(("shift", "flag"), [("gcj02", "gcj02"), ("bd09", "bd09")])
def test_shifted_spreadsheets_need_the_choice_and_then_land(tmp_path, collection, shift, flag):
    """The parking office's Amap (GCJ-02) sheet: ~460 m off unless chosen, exact when chosen."""
    path = write_table(lonlat_table(shift), tmp_path / "amap.csv", encoding="GB18030")
    unshifted = imported(run_plan(path, collection))
    _, lat, lon = CATHEDRAL
    assert metres_apart(unshifted["天主教堂停车场"], Point(lon, lat)) > 300
    plan = run_plan(path, collection, shift=flag)
    assert_points_land(plan)
    assert f"import.crs.{flag}" in note_keys(plan)
    assert "import.encoding.gbk" in note_keys(plan)


def test_wkt_column_in_web_mercator(tmp_path, collection):
    frame = points_frame().to_crs("EPSG:3857")
    table = pd.DataFrame(
        {
            "名称": frame["项目名称"],
            "状态": frame["状态"],
            "年份": frame["开工年份"],
            "WKT": frame.geometry.to_wkt(),
        }
    )
    plan = run_plan(write_table(table, tmp_path / "wkt.csv"), collection)
    assert_points_land(plan)
    assert plan.mapping["wkt"] == "WKT"


def test_survey_table_with_northing_in_x(tmp_path, collection):
    """Chinese survey tables put the northing in X: recognised as 4549 with axes swapped."""
    frame = points_frame().to_crs("EPSG:4549")
    table = pd.DataFrame(
        {
            "项目名称": frame["项目名称"],
            "状态": frame["状态"],
            "开工年份": frame["开工年份"],
            "X": frame.geometry.y,
            "Y": frame.geometry.x,
        }
    )
    plan = run_plan(write_table(table, tmp_path / "survey.csv"), collection)
    assert_points_land(plan)
    assert "import.crs.assumed_swapped" in note_keys(plan)


def test_given_crs_overrides_guessing(tmp_path, collection):
    frame = points_frame().to_crs("EPSG:4549")
    table = pd.DataFrame(
        {
            "项目名称": frame["项目名称"],
            "状态": frame["状态"],
            "开工年份": frame["开工年份"],
            "东坐标": frame.geometry.x,
            "北坐标": frame.geometry.y,
        }
    )
    path = write_table(table, tmp_path / "gk.csv")
    plan = run_plan(path, collection, crs="EPSG:4549")
    assert_points_land(plan)
    assert note_keys(plan)[-1] == "import.crs.given"


def test_column_mapping_can_be_overridden(tmp_path, collection):
    table = lonlat_table(lon="A", lat="B").rename(columns={"状态": "阶段"})
    path = write_table(table, tmp_path / "odd.csv")
    with pytest.raises(ImportFailed, match="coordinate columns"):
        run_plan(path, collection)
    plan = run_plan(path, collection, overrides={"lon": "A", "lat": "B", "status": "阶段"})
    assert_points_land(plan)


def test_matching_by_id_changes_only_what_the_row_gives(tmp_path, collection):
    _, lat, lon = CATHEDRAL
    gdf = gpd.GeoDataFrame({"id": ["zhanshan-plaza"]}, geometry=[Point(lon, lat)], crs="EPSG:4326")
    path = tmp_path / "one.geojson"
    gdf.to_file(path, engine="pyogrio")
    plan = plan_import(read_source(path), collection, ImportOptions(layer="construction"))
    [change] = plan.changed
    before = next(f for f in collection["features"] if f["properties"]["id"] == "zhanshan-plaza")
    assert {"geometry", "location_note"} <= set(change.fields)
    assert not {"status", "milestones", "name_zh", "name_en"} & set(change.fields)
    assert change.feature["properties"]["status"] == before["properties"]["status"]
    again = plan.apply(collection)
    plan2 = plan_import(read_source(path), again, ImportOptions(layer="construction"))
    assert plan2.unchanged == [1] and not plan2.changed


def test_precision_from_the_file_and_references_kept_for_the_audit(tmp_path, collection):
    """A file saying 实测 (surveyed) makes the position exact; references of the old evidence
    stay, so the audit measures the imported geometry against them."""
    _, lat, lon = CATHEDRAL
    target = next(f for f in collection["features"] if f["properties"]["id"] == "zhanshan-plaza")
    link = {"ref": "some-reference", "relation": "at"}
    target["properties"]["location_evidence"] = {"references": [link], "unverified": "old"}
    target["properties"]["location_precision"] = "approximate"
    gdf = gpd.GeoDataFrame(
        {"id": ["zhanshan-plaza", "pichaiyuan-phase-2"], "精度": ["", "实测"]},
        geometry=[Point(lon, lat), red_line(lat, lon)],
        crs="EPSG:4326",
    )
    path = tmp_path / "survey.geojson"
    gdf.to_file(path, engine="pyogrio")
    plan = plan_import(read_source(path), collection, ImportOptions(layer="renewal"))
    changed = {p.id: p.feature["properties"] for p in plan.changed}
    assert changed["zhanshan-plaza"]["location_evidence"] == {"references": [link]}
    assert changed["zhanshan-plaza"]["location_precision"] == "exact"
    assert changed["pichaiyuan-phase-2"]["location_precision"] == "exact"
    assert "location_evidence" not in changed["pichaiyuan-phase-2"]
