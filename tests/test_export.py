"""Data exports read back with the same features; HTML works offline; every text is escaped."""

from __future__ import annotations

import io
import json
import re
import zipfile
from xml.etree import ElementTree as ET

import geopandas as gpd
import pandas as pd
import pyogrio
import pytest
import shapely
from streamlit.testing.v1 import AppTest

from geo import ProjectFilter, apply_filter, load_boundary
from geo.export import (
    DATA_FORMATS,
    KML_NS,
    export_csv,
    export_data,
    export_geojson,
    export_gpkg,
    export_html,
    export_kml,
    export_snapshot_zip,
)
from geo.render import SnapshotSpec, custom_page

HOSTILE = "<img src=x onerror=alert(1)> ${x} `</script>"
CDN_HOSTS = ("cdn.jsdelivr", "cdnjs.", "code.jquery", "bootstrapcdn", "unpkg.com")


@pytest.fixture(scope="module")
def boundary():
    return load_boundary()


@pytest.fixture
def shown(mini_gdf):
    return apply_filter(mini_gdf, ProjectFilter(as_of=2021))


@pytest.fixture(autouse=True)
def _offline(no_internet):
    """Every test here runs as if there were no internet."""


def _hostile(gdf):
    out = gdf.copy()
    out.loc[out.index[0], "name_zh"] = HOSTILE
    out.loc[out.index[1], "name_en"] = '=HYPERLINK("http://x")'
    return out


# GeoJSON --------------------------------------------------------------------------------------
def test_geojson_is_rfc7946_with_nested_fields(shown):
    collection = json.loads(export_geojson(shown))
    assert collection["type"] == "FeatureCollection" and "crs" not in collection
    assert [f["properties"]["id"] for f in collection["features"]] == list(shown["id"])
    first = collection["features"][0]["properties"]
    assert isinstance(first["milestones"], list) and isinstance(first["source"], dict)
    assert {f["properties"]["status_is_target"] for f in collection["features"]} <= {True, False}
    back = gpd.read_file(io.BytesIO(export_geojson(shown)))
    assert back.geometry.geom_equals_exact(shown.geometry.reset_index(drop=True), 1e-9).all()


# GeoPackage -----------------------------------------------------------------------------------
def test_geopackage_reads_back_with_the_same_features_and_crs(shown, tmp_path):
    path = tmp_path / "projects.gpkg"
    path.write_bytes(export_gpkg(shown))
    assert pyogrio.list_layers(path)[0][0] == "projects"
    back = gpd.read_file(path)
    assert back.crs.to_epsg() == 4326
    assert list(back["id"]) == list(shown["id"])
    assert list(back["status"]) == list(shown["status"])
    assert back.geometry.geom_equals_exact(shown.geometry.reset_index(drop=True), 1e-9).all()
    assert [json.loads(m) for m in back["milestones"]] == list(shown["milestones"])
    assert back["status_is_target"].dtype == bool


# CSV ------------------------------------------------------------------------------------------
def test_csv_has_wkt_and_lonlat_and_opens_in_a_spreadsheet(shown):
    data = export_csv(shown)
    assert data.startswith(b"\xef\xbb\xbf"), "a BOM, so that Excel reads UTF-8 Chinese"
    table = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig")
    assert list(table["id"]) == list(shown["id"])
    geoms = shapely.from_wkt(table["wkt"].to_numpy())
    assert shapely.equals_exact(geoms, shown.geometry.to_numpy(), tolerance=1e-6).all()
    points = shapely.points(table["lon"], table["lat"])
    assert shapely.intersects(shapely.buffer(shown.geometry.to_numpy(), 1e-6), points).all()


def test_csv_columns_can_be_left_out(shown):
    table = pd.read_csv(io.BytesIO(export_csv(shown, wkt=False)), encoding="utf-8-sig")
    assert "wkt" not in table and {"lon", "lat"} <= set(table)


def test_csv_defuses_spreadsheet_formulas(shown):
    table = pd.read_csv(io.BytesIO(export_csv(_hostile(shown))), encoding="utf-8-sig")
    assert table["name_en"].iloc[1].startswith("'=")


# KML ------------------------------------------------------------------------------------------
def test_kml_parses_with_one_placemark_per_feature(shown):
    root = ET.fromstring(export_kml(shown))
    placemarks = root.findall(f".//{{{KML_NS}}}Placemark")
    assert sorted(p.get("id") for p in placemarks) == sorted(shown["id"])
    styles = {s.get("id") for s in root.findall(f".//{{{KML_NS}}}Style")}
    for placemark in placemarks:
        assert placemark.find(f"{{{KML_NS}}}styleUrl").text.lstrip("#") in styles


def test_kml_escapes_names_in_xml_and_in_its_html_description(shown):
    data = export_kml(_hostile(shown))
    assert b"<img" not in data
    root = ET.fromstring(data)
    descriptions = [d.text for d in root.iter(f"{{{KML_NS}}}description")]
    assert any("&lt;img" in d for d in descriptions)
    assert not any("<img" in d for d in descriptions)
    names = [n.text for n in root.iter(f"{{{KML_NS}}}name")]
    assert HOSTILE in names  # plain text once XML is parsed: a name, not markup


# Standalone HTML ------------------------------------------------------------------------------
def test_html_loads_nothing_from_any_url(shown, boundary):
    html = export_html(shown, boundary, title="市南区项目").decode("utf-8")
    assert not re.search(r"<script[^>]+src=", html)
    assert not re.search(r"<link[^>]+href=", html)
    assert not any(host in html for host in CDN_HOSTS)
    assert "L.map(" in html and "Leaflet" in html
    assert re.search(r"url\(data:image/png;base64,", html)
    for project_id in shown["id"]:
        assert project_id in html


def test_html_title_and_names_are_escaped(shown, boundary):
    html = export_html(_hostile(shown), boundary, title=HOSTILE).decode("utf-8")
    assert "<img src=x" not in html
    assert "</script>`" not in html


# Dispatch and zips ----------------------------------------------------------------------------
@pytest.mark.parametrize("fmt", DATA_FORMATS)
def test_every_data_format_exports(shown, boundary, fmt):
    assert export_data(shown, fmt, boundary=boundary)


def test_unknown_data_format_lists_the_valid_ones(shown):
    with pytest.raises(ValueError, match="valid: geojson, gpkg, csv, kml, html"):
        export_data(shown, "shp")


def test_snapshot_zip_holds_all_layers_and_each_layer(shown, boundary):
    view = ProjectFilter(layers=("renewal", "construction"), as_of=2021)
    part = shown[shown["layer"].isin(view.layers)]
    spec = SnapshotSpec(view=view, page=custom_page(480, 300, 60))
    with zipfile.ZipFile(io.BytesIO(export_snapshot_zip(part, boundary, spec=spec))) as archive:
        names = archive.namelist()
        assert names == ["shinan-all.png", "shinan-renewal.png", "shinan-construction.png"]
        assert archive.read(names[0]).startswith(b"\x89PNG")


def test_exports_do_not_change_their_input(shown, boundary):
    before = shown.copy()
    for fmt in DATA_FORMATS:
        export_data(shown, fmt, boundary=boundary)
    pd.testing.assert_frame_equal(shown, before)


# The app's export panel -----------------------------------------------------------------------
_PANEL_SCRIPT = """
import os
from geo import apply_filter, load_boundary, load_projects
from geo.view import ViewState
from ui.export_panel import export_panel

gdf = load_projects(os.environ["PROJECT_MAP_DATA"])
view = ViewState(layers=("renewal", "parking"), mode="as_of", as_of=2021, basemap="none")
shown = apply_filter(gdf, view.project_filter)
export_panel(shown, load_boundary(), view=view)
"""


def test_export_panel_previews_and_offers_downloads(monkeypatch):
    from tests.conftest import TEST_DATA

    monkeypatch.setenv("PROJECT_MAP_DATA", str(TEST_DATA))
    at = AppTest.from_string(_PANEL_SCRIPT, default_timeout=60).run()
    assert not at.exception
    assert (
        at.text_input(key="export_title").placeholder
        == "市南区西部老城区更新、停车与充电项目 · 2021年目标"
    )
    at.toggle(key="export_preview").set_value(True).run()
    assert not at.exception
    assert at.get("image"), "the preview image is shown"
    assert len(at.get("download_button")) == 1 + len(DATA_FORMATS)
    at.selectbox(key="export_preset").set_value("a4-portrait").run()
    assert not at.exception
