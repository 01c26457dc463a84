"""within_radius now measures only the near geometry and takes the kept rows once: the same
rows, order, distances and columns as measuring a copy of every located row (its former way)."""

from __future__ import annotations

import pandas as pd
import pytest
import shapely

from bench.bench_draw import synthetic_frame
from geo import analysis, settings


def _reference(gdf, lon, lat, radius_m):
    centre = shapely.Point(analysis._to_metric().transform(lon, lat))
    located = gdf[analysis.is_located(gdf)]
    distance = located.geometry.to_crs(settings.METRIC_CRS).distance(centre)
    out = located.assign(distance_m=distance.round(1).to_numpy())
    return out[distance.to_numpy() <= radius_m + 1e-6].sort_values("distance_m", kind="stable")


@pytest.fixture(scope="module")
def projects():
    return synthetic_frame(1500, seed=5)


@pytest.mark.parametrize("radius", [0, 50, 300, 800, 2000])
@pytest.mark.parametrize("where", [(120.3156, 36.0680), (120.3754, 36.0646), (120.45, 36.0)])
def test_the_same_answer_as_measuring_every_located_row(projects, radius, where):
    lon, lat = where
    got = analysis.within_radius(projects, lon, lat, radius)
    want = _reference(projects, lon, lat, radius)
    pd.testing.assert_frame_equal(pd.DataFrame(got), pd.DataFrame(want))
    assert got.attrs["schematic_excluded"] == int((~analysis.is_located(projects)).sum())
    if radius >= 800 and where[0] < 120.4:
        assert len(got) > 20, "a wide circle in the district should hold projects"
