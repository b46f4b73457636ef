"""Population of B spread over residential land (hand-computed)."""

from __future__ import annotations

import geopandas as gpd
import pytest
import shapely

from greenplan.analysis.context import AnalysisContext
from greenplan.analysis.population import population_of_b
from greenplan.core.settings import AnalysisSettings

X0, Y0 = 520_000.0, 3_330_000.0
CRS = "EPSG:4544"


def sq(x, y, w, h=None):
    h = w if h is None else h
    return shapely.box(X0 + x, Y0 + y, X0 + x + w, Y0 + y + h)


def gdf(geoms, **cols):
    return gpd.GeoDataFrame(cols, geometry=gpd.GeoSeries(geoms, crs=CRS), crs=CRS)


@pytest.fixture
def layers():
    return {
        "built_up_area": gdf([sq(0, 0, 100)]),
        # W: residential 400 in B and 400 outside; E: residential 400 in B, 1,200 outside (overlapping copies count once)
        "land_use": gdf(
            [sq(0, 40, 20), sq(-20, 40, 20), sq(60, 40, 20), sq(110, 0, 20, 60), sq(110, 0, 20, 60)],
            DLBM=["0701", "0702", "0701", "0701", "0701"],
        ),
        "admin_units": gdf([sq(-50, 0, 100), sq(50, 0, 100)], code=["W", "E"], population=[100, 80]),
    }


def test_spread_over_residential_land(layers):
    p = population_of_b(AnalysisContext(layers, None, AnalysisSettings()))
    # W: 100 × 400 / 800 = 50; E: 80 × 400 / (400 + 1,200) = 20
    assert p.by_unit.tolist() == pytest.approx([50.0, 20.0])
    assert p.total == pytest.approx(70.0)


def test_built_up_population_fills_units_without_population(layers):
    layers["admin_units"] = layers["admin_units"].assign(population=[100, None])
    p = population_of_b(AnalysisContext(layers, None, AnalysisSettings(built_up_population=90)))
    assert p.total == 90.0
    # W keeps its own share (50); E gets 90 × its share of B's residential land 400 / 800 = 45
    assert p.by_unit.tolist() == pytest.approx([50.0, 45.0])
    assert p.unit_notes[1]


def test_unit_without_population_makes_b_unknown(layers):
    layers["admin_units"] = layers["admin_units"].assign(population=[100, None])
    p = population_of_b(AnalysisContext(layers, None, AnalysisSettings()))
    assert p.total is None and any("E" in n for n in p.notes)
