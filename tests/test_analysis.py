"""Figures that follow the filters and walking-distance coverage, on geometry with known answers."""

from __future__ import annotations

import math

import geopandas as gpd
import pandas as pd
import pytest
from openpyxl import load_workbook
from shapely.geometry import LineString, Point, box

from geo import analysis, filter_projects, load_boundary, load_projects
from geo.coords import add_measures
from geo.settings import DEFAULT_DATA_PATH, METRIC_CRS

# A spot in Shinan in EPSG:4549 metres (near 汇泉湾): hand-made shapes are placed around it.
X0, Y0 = 500_000.0 + 31_500.0, 3_990_000.0


def features(*rows, crs=METRIC_CRS) -> gpd.GeoDataFrame:
    """Features from (id, geometry, precision[, layer, figures]) tuples, in WGS84 like the data."""
    records = []
    for row in rows:
        fid, geom, precision, *rest = row
        layer = rest[0] if rest else "pocket_park"
        figures = rest[1] if len(rest) > 1 else []
        records.append(
            {
                "id": fid,
                "name_zh": fid,
                "layer": layer,
                "location_precision": precision,
                "figures": figures,
                "geometry": geom,
            }
        )
    return gpd.GeoDataFrame(records, geometry="geometry", crs=crs).to_crs("EPSG:4326")


def land(geom) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(geometry=[geom], crs=METRIC_CRS).to_crs("EPSG:4326")


@pytest.fixture(scope="module")
def projects():
    return load_projects(DEFAULT_DATA_PATH)


# Measures -------------------------------------------------------------------------------------
def test_a_100_m_square_measures_one_hectare():
    square = features(("sq", box(X0, Y0, X0 + 100, Y0 + 100), "approximate"))
    totals = analysis.measure_totals(square)
    assert totals.loc[0, "area_m2"] == pytest.approx(10_000, rel=1e-4)
    assert totals.loc[0, "area_ha"] == pytest.approx(1.0, rel=1e-4)


def test_a_schematic_square_is_counted_but_never_measured():
    gdf = features(
        ("real", box(X0, Y0, X0 + 100, Y0 + 100), "exact"),
        ("symbol", box(X0 + 500, Y0, X0 + 700, Y0 + 200), "schematic"),
        ("street", LineString([(X0, Y0), (X0 + 1500, Y0)]), "approximate"),
    )
    row = analysis.measure_totals(gdf).iloc[0]
    assert (row["features"], row["located"], row["schematic"]) == (3, 2, 1)
    assert row["area_m2"] == pytest.approx(10_000, rel=1e-4)
    assert row["length_km"] == pytest.approx(1.5, rel=1e-4)


# Walking-distance coverage --------------------------------------------------------------------
def test_a_300_m_service_area_is_a_circle_of_known_area():
    park = features(("park", Point(X0, Y0), "exact"))
    areas = analysis.service_areas(park, (300, 500))
    assert list(areas["distance_m"]) == [300, 500]
    assert areas.loc[0, "area_m2"] == pytest.approx(math.pi * 300**2, rel=2e-3)
    assert areas.loc[1, "area_m2"] == pytest.approx(math.pi * 500**2, rel=2e-3)


def test_coverage_share_of_land_with_one_park_in_the_middle():
    district = land(box(X0 - 1000, Y0 - 1000, X0 + 1000, Y0 + 1000))
    park = features(("park", Point(X0, Y0), "exact"))
    shares = analysis.coverage(park, district, (300, 500))
    assert shares.loc[0, "land_m2"] == pytest.approx(4_000_000, rel=1e-4)
    assert shares.loc[0, "share"] == pytest.approx(math.pi * 300**2 / 4e6, rel=2e-3)
    assert shares.loc[1, "share"] == pytest.approx(math.pi * 500**2 / 4e6, rel=2e-3)


def test_the_sea_is_never_covered():
    # A park at the corner of the land: three quarters of its circle lie outside ("sea").
    district = land(box(X0, Y0, X0 + 2000, Y0 + 2000))
    park = features(("corner", Point(X0, Y0), "approximate"))
    share = analysis.coverage(park, district, (300,)).loc[0, "share"]
    assert share == pytest.approx(math.pi * 300**2 / 4 / 4e6, rel=3e-3)


def test_overlapping_service_areas_are_not_counted_twice():
    district = land(box(X0 - 2000, Y0 - 2000, X0 + 2000, Y0 + 2000))
    twins = features(("a", Point(X0, Y0), "exact"), ("b", Point(X0, Y0), "exact"))
    assert analysis.coverage(twins, district, (300,)).loc[0, "covered_m2"] == pytest.approx(
        math.pi * 300**2, rel=2e-3
    )


def test_schematic_parks_cover_nothing_and_are_reported():
    district = land(box(X0 - 1000, Y0 - 1000, X0 + 1000, Y0 + 1000))
    parks = features(("district-total", Point(X0, Y0), "schematic"))
    row = analysis.coverage(parks, district, (500,)).iloc[0]
    assert (row["sites"], row["schematic_excluded"], row["share"]) == (0, 1, 0.0)


def test_a_non_positive_distance_is_refused():
    with pytest.raises(ValueError, match="positive number of metres"):
        analysis.service_areas(features(("p", Point(X0, Y0), "exact")), (0,))


def test_parking_within_500_m_of_each_site_sums_the_spaces():
    site = features(("site", box(X0, Y0, X0 + 100, Y0 + 100), "approximate", "renewal"))
    spaces = [{"label_zh": "停车位", "value": 120, "unit": "个", "quote": "q"}]
    parking = features(
        ("near", Point(X0 + 600, Y0 + 50), "exact", "parking", spaces),  # 500 m from the edge
        ("far", Point(X0 + 601, Y0 + 50), "exact", "parking", spaces),
        ("total", Point(X0, Y0), "schematic", "parking", spaces),
    )
    out = analysis.within_distance(site, parking, 500, figure_label="停车位")
    assert out.loc[0, "ids"] == "near"
    assert out.loc[0, "figure_sum"] == 120
    assert out.attrs["schematic_excluded"] == 1


def test_a_point_exactly_on_a_zone_edge_is_covered():
    zone = features(("zone", box(X0, Y0, X0 + 100, Y0 + 100), "approximate", "fiveg"))
    sites = features(
        ("on-edge", Point(X0 + 100, Y0 + 50), "approximate", "construction"),
        ("inside", Point(X0 + 50, Y0 + 50), "exact", "construction"),
        ("across", box(X0 + 50, Y0 + 50, X0 + 150, Y0 + 150), "approximate", "construction"),
        ("outside", Point(X0 + 300, Y0 + 50), "exact", "construction"),
    )
    # Round-tripping through WGS84 moves a vertex by nanometres; measure in metres directly.
    zone_m, sites_m = zone.to_crs(METRIC_CRS), sites.to_crs(METRIC_CRS)
    zone_m["geometry"] = [box(X0, Y0, X0 + 100, Y0 + 100)]
    sites_m.loc[0, "geometry"] = Point(X0 + 100, Y0 + 50)
    out = analysis.zones_covering(zone_m, sites_m).set_index("id")["cover"]
    assert out.to_dict() == {
        "on-edge": "full",
        "inside": "full",
        "across": "partial",
        "outside": "none",
    }


def test_projects_within_a_radius_of_a_point_nearest_first():
    gdf = features(
        ("at-200", Point(X0 + 200, Y0), "exact", "construction"),
        ("at-100", Point(X0, Y0 + 100), "exact", "construction"),
        (
            "street-crossing",
            LineString([(X0 + 250, Y0 - 500), (X0 + 250, Y0 + 500)]),
            "approximate",
        ),
        ("at-400", Point(X0 + 400, Y0), "exact", "construction"),
        ("symbol", Point(X0, Y0), "schematic", "construction"),
    )
    lon, lat = gpd.GeoSeries([Point(X0, Y0)], crs=METRIC_CRS).to_crs("EPSG:4326").iloc[0].coords[0]
    out = analysis.within_radius(gdf, lon, lat, 300)
    assert list(out["id"]) == ["at-100", "at-200", "street-crossing"]
    assert list(out["distance_m"]) == pytest.approx([100, 200, 250], abs=0.2)
    assert out.attrs["schematic_excluded"] == 1


def test_bundled_pocket_parks_have_no_located_site(projects):
    # The report gives 33 + 2 pocket parks but no place for any: coverage must say so, not 0 %.
    parks = analysis.pocket_parks(projects)
    row = analysis.coverage(parks, load_boundary(), (300,)).iloc[0]
    assert row["sites"] == 0 and row["schematic_excluded"] == len(parks) >= 2


def test_district_land_area_is_the_boundary_polygon():
    area = analysis.land_area(load_boundary()).area
    # 市南区 is about 30 km² of land (official 30.01 km²); the generalised outline a little more.
    assert 28e6 < area < 38e6


# Counts that follow the filters ---------------------------------------------------------------
def test_counts_by_layer_and_status_follow_the_filter(projects):
    shown = filter_projects(projects, layers=["renewal"], statuses=["completed", "open"])
    counts = analysis.count_by_layer_status(shown)
    assert set(counts["layer"]) == {"renewal"}
    assert counts["count"].sum() == len(shown)
    assert (counts["located"] + counts["schematic"]).tolist() == counts["count"].tolist()


def test_a_period_milestone_counts_in_its_period_never_in_single_years(projects):
    counts = analysis.count_by_period(projects)
    assert "2016–2020" in set(counts["period"])
    assert not {"2016", "2017", "2018", "2019"} & set(counts["period"])
    five_years = projects[
        projects["milestones"].map(lambda ms: any(m.get("year_end") == 2020 for m in ms))
    ]
    assert counts[counts["period"] == "2016–2020"]["count"].sum() == len(five_years)


def test_period_counts_respect_the_year_filter(projects):
    only_2021 = analysis.count_by_period(projects, years=(2021, 2021))
    assert set(only_2021["period"]) == {"2021"}
    assert set(only_2021["kind"]) == {"target"}
    up_to_2020 = analysis.count_by_period(projects, as_of=2020)
    assert "2021" not in set(up_to_2020["period"])


def test_a_shared_figure_is_listed_once_with_all_its_features(projects):
    table = analysis.figure_table(projects)
    flats = table[table["value"] == 1699]
    assert len(flats) == 1 and flats.iloc[0]["features"] == 3
    parking = table[table["unit"] == "个"].set_index("value")
    assert parking.loc[20100, "period"] == "2016–2020" and parking.loc[20100, "kind"] == "result"
    assert parking.loc[10400, "period"] == "2021" and parking.loc[10400, "kind"] == "target"


def test_figures_follow_the_filter(projects):
    parking_only = filter_projects(projects, layers=["parking"])
    values = set(analysis.figure_table(parking_only)["value"])
    assert values == {20100, 10400, 953}


def test_downloads_hold_exactly_the_rows_given(projects):
    table = analysis.project_table(filter_projects(projects, layers=["fiveg"]))
    table = table.sort_values("name_zh").head(3)
    table.loc[table.index[0], "name_zh"] = "=HYPERLINK(1)"
    csv = pd.read_csv(pd.io.common.BytesIO(analysis.table_csv(table)), encoding="utf-8-sig")
    assert list(csv["id"]) == list(table["id"])
    assert csv.loc[0, "name_zh"] == "'=HYPERLINK(1)"
    sheet = load_workbook(pd.io.common.BytesIO(analysis.table_xlsx(table))).active
    ids = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert ids == list(table["id"])


def test_project_table_measures_located_features_only(projects):
    table = analysis.project_table(projects).set_index("id")
    assert table.loc["qingdao-bay-plaza", "area_m2"] > 1000
    schematic = table[table["location_precision"] == "schematic"]
    assert schematic["area_m2"].isna().all() and schematic["length_km"].isna().all()
    assert "2016–2020" in table.loc["qingdao-bay-plaza", "periods"]
    assert "2021 target" in table.loc["qingdao-bay-plaza", "periods"]


def test_figures_follow_the_year_filter(projects):
    review = analysis.figure_table(projects, years=(2016, 2020))
    assert set(review["period"]) == {"2016–2020", "2020"}
    assert 10400 not in set(review["value"])  # the 2021 parking target is not a 2016-2020 fact
    up_to_2020 = analysis.figure_table(projects, as_of=2020)
    assert "2021" not in set(up_to_2020["period"])


def test_measures_reuse_the_columns_the_app_loads(projects):
    loaded = add_measures(projects)
    loaded.loc[loaded["id"] == "qingdao-bay-plaza", "area_m2"] = 123.0  # taken, not recomputed
    table = analysis.project_table(loaded).set_index("id")
    assert table.loc["qingdao-bay-plaza", "area_m2"] == 123.0
    direct = analysis.measure_totals(projects).set_index("layer")
    reused = analysis.measure_totals(add_measures(projects)).set_index("layer")
    assert reused["area_m2"].to_numpy() == pytest.approx(direct["area_m2"].to_numpy(), abs=30)
