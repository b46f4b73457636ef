"""Urban boundary utilization, remaining space and urban construction outside the boundary."""

from __future__ import annotations

import geopandas as gpd
import pytest
import shapely

from greenplan.analysis.boundary import urban_boundary_utilization
from greenplan.analysis.context import AnalysisContext
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
    land_use = gdf(
        [sq(0, 0, 50), sq(90, 0, 20, 10), sq(50, 0, 10), sq(60, 0, 10), sq(0, 90, 100, 10), sq(300, 0, 10), sq(200, 0, 10)],
        DLBM=["0701", "0601", "1402", "1101", "0301", "0702", "0702"],
        CZCSXM=["201", "202A", None, None, None, "203", "201"],
    )
    green = gdf([sq(0, 60, 20, 10), sq(40, 40, 20)], **{"class": ["G1", "G2"]})
    units = gdf([sq(0, 0, 50, 100), sq(50, 0, 200, 100)], code=["A", "B"])
    return {"urban_boundary": gdf([sq(0, 0, 100)]), "land_use": land_use, "green_space": green, "admin_units": units}


def test_utilization_remaining_and_outside(layers):
    done = urban_boundary_utilization(AnalysisContext(layers, None, AnalysisSettings()))
    ind = done.overall
    # construction in U: 2,500 + the 10 × 10 part of the 0601 parcel = 2,600
    assert ind.numerator_m2 == pytest.approx(2600.0)
    assert ind.value == pytest.approx(0.26)
    # used: construction 2,600 + 1402 100 + water 100 + G1 200 + G2 400 − its 100 over the 0701 parcel
    assert ind.extra["remaining_m2"] == pytest.approx(10000 - 3300)
    # CZCSXM 201/202 outside U: the 0601 parcel's 10 × 10 outside + the 0702 "201" parcel 100; "203" not
    assert ind.extra["construction_outside_m2"] == pytest.approx(200.0)
    a, b = done.by_unit
    # unit A (x 0..50): construction 2,500 of 5,000; used 2,500 + G1 200 + G2 part x 40..50 × 50..60 (100) → remaining 2,200
    assert (a.numerator_m2, a.denominator_m2) == (pytest.approx(2500.0), pytest.approx(5000.0))
    assert a.extra["remaining_m2"] == pytest.approx(2200.0)
    # unit B (x 50..250): U part 5,000; construction 100; used 100 + 100 + 100 + G2 x 50..60 200 → remaining 4,500
    assert b.extra["remaining_m2"] == pytest.approx(4500.0)
    assert b.extra["construction_outside_m2"] == pytest.approx(200.0)


def test_without_czcsxm(layers):
    layers["land_use"] = layers["land_use"].drop(columns="CZCSXM")
    ind = urban_boundary_utilization(AnalysisContext(layers, None, AnalysisSettings())).overall
    assert ind.extra["construction_outside_m2"] is None
    assert any("CZCSXM" in n for n in ind.notes)
