"""Real files in every import format, and broken or hostile ones, built on demand.

Files are written with geopandas/pyogrio (GDAL) into a test's temporary folder rather than
committed as binaries; positions are the reference points of FIELD_NOTES (WGS84), projected
into each file's CRS, so a test knows the truth to compare the import against.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import geopandas as gpd
import pandas as pd
import prcoords
from shapely.geometry import Point, Polygon

#: (name, lat, lon) in WGS84.
CATHEDRAL = ("天主教堂", 36.067972, 120.315611)
STATION = ("青岛站", 36.065375, 120.307694)
AQUARIUM = ("青岛水族馆", 36.05686, 120.33597)
TV_TOWER = ("电视塔", 36.068836, 120.350519)
POINTS = (CATHEDRAL, STATION, AQUARIUM, TV_TOWER)


def red_line(lat: float, lon: float, half: float = 0.0006) -> Polygon:
    """A small square 'red line' (用地红线) around a point, ~130 m across."""
    return Polygon(
        [
            (lon - half, lat - half),
            (lon + half, lat - half),
            (lon + half, lat + half),
            (lon - half, lat + half),
        ]
    )


def points_frame(statuses=("在建", "竣工", "开放运营", "计划"), years=(2019, 2020, 2018, 2022)):
    """The four reference points as a planner's table, in WGS84."""
    return gpd.GeoDataFrame(
        {
            "项目名称": [f"{name}停车场" for name, _, _ in POINTS],
            "状态": list(statuses),
            "开工年份": list(years),
            "建设单位": ["市南区城投"] * 4,
        },
        geometry=[Point(lon, lat) for _, lat, lon in POINTS],
        crs="EPSG:4326",
    )


def write_zipped_shapefile(
    gdf: gpd.GeoDataFrame, folder: Path, name: str, *, encoding="UTF-8", prj=True, cpg=True
) -> Path:
    """A zipped Shapefile as a design institute sends it (optionally GBK, no .prj, no .cpg)."""
    shp_dir = folder / f"{name}_shp"
    shp_dir.mkdir(parents=True, exist_ok=True)
    gdf.to_file(shp_dir / f"{name}.shp", encoding=encoding, engine="pyogrio")
    archive = folder / f"{name}.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as out:
        for path in sorted(shp_dir.iterdir()):
            if (path.suffix == ".prj" and not prj) or (path.suffix == ".cpg" and not cpg):
                continue
            out.write(path, path.name)
    return archive


def write_table(frame: pd.DataFrame, path: Path, *, encoding: str = "utf-8") -> Path:
    """CSV (in ``encoding``; Excel in Chinese Windows writes GBK) or XLSX through GDAL."""
    if path.suffix == ".xlsx":
        import pyogrio

        pyogrio.write_dataframe(frame, path, driver="XLSX")
    else:
        path.write_bytes(frame.to_csv(index=False).encode(encoding))
    return path


def lonlat_table(shift: str | None = None, *, lon="经度", lat="纬度") -> pd.DataFrame:
    """The reference points as a lon/lat table, optionally shifted to GCJ-02 or BD-09."""
    convert = {None: lambda p: p, "gcj02": prcoords.wgs_gcj, "bd09": prcoords.wgs_bd}[shift]
    rows = []
    frame = points_frame()
    for (_, lat_, lon_), (_, row) in zip(POINTS, frame.iterrows(), strict=True):
        shifted = convert((lat_, lon_))
        rows.append(
            {
                "项目名称": row["项目名称"],
                "状态": row["状态"],
                "开工年份": row["开工年份"],
                lon: round(shifted[1], 8),
                lat: round(shifted[0], 8),
            }
        )
    return pd.DataFrame(rows)


def write_zip(path: Path, members: dict[str, bytes]) -> Path:
    """A zip with arbitrary member names (used for zip-slip and zip-bomb cases)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for name, data in members.items():
            out.writestr(name, data)
    return path
