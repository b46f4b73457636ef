"""Non-farm use of permanent basic farmland (buckets, precedence, slivers) and greening conflicts."""

from __future__ import annotations

import geopandas as gpd
import pytest
import shapely

from greenplan.analysis.context import AnalysisContext
from greenplan.analysis.farmland import farmland_greening_conflict, farmland_nonfarm_use, twins
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
    farmland = gdf([sq(0, 0, 100), sq(50, 0, 100), sq(300, 0, 10), sq(400, 0, 10)])  # F1, F2 overlapping F1; two copies of parcels
    land_use = gdf(
        [
            sq(0, 0, 100),  # 0101 farmland: not counted
            sq(0, 0, 10),  # 0201 orchard: vegetation 100
            sq(5, 0, 10),  # 0701: 100, of which 50 under the orchard → construction 50
            sq(120, 0, 10),  # 1101 water 100
            sq(140, 0, 20, 10),  # 1006: other, 10 × 10 inside F2 → 100
            sq(200, 0, 10),  # 9999 outside F: 0
            sq(30, 30, 10),  # 9999 unknown 100
            sq(60, 60, 10),  # 0810A: known, none of the three buckets → other 100
            sq(149.99, 50, 20.01, 10),  # 0701: 0.01 × 10 = 0.1 m² inside F2 → sliver
            sq(300, 0, 10),  # 0201 orchard identical to a farmland patch → vegetation 100
            sq(400, 0, 10),  # 0102 farmland identical to a farmland patch → 0
        ],
        DLBM=["0101", "0201", "0701", "1101", "1006", "9999", "9999", "0810A", "0701", "0201", "0102"],
        BSM=[f"P{i}" for i in range(1, 12)],
    )
    green = gdf([sq(90, 0, 20, 10), sq(500, 0, 10), sq(-10, 50, 10.05, 10)], **{"class": ["G2", "XG", "G1"]})
    units = gdf([sq(-20, -10, 120, 120), sq(100, -10, 400, 120)], code=["W", "E"])
    return {"permanent_farmland": farmland, "land_use": land_use, "green_space": green, "admin_units": units}


def test_nonfarm_buckets_in_precedence(layers):
    done = farmland_nonfarm_use(AnalysisContext(layers, None, AnalysisSettings()))
    ind = done.overall
    b = ind.extra["buckets"]
    assert b["vegetation"] == pytest.approx(200.0)  # orchard 100 + the orchard patch copy 100
    assert b["construction"] == pytest.approx(50.0)  # the overlap with the orchard went to vegetation
    assert b["water"] == pytest.approx(100.0)
    assert b["other"] == pytest.approx(200.0)  # 1006 and 0810A
    assert b["unknown"] == pytest.approx(100.0)
    assert ind.value == pytest.approx(650.0)
    assert sum(b.values()) == pytest.approx(ind.value)
    assert (ind.extra["slivers"], ind.extra["sliver_m2"]) == (1, pytest.approx(0.1))
    assert ind.passed is False
    west, east = done.by_unit
    # west (x < 100): orchard 100, 0701 50, unknown 100, 0810A 100 = 350; east: water, 1006, orchard copy = 300
    assert west.value == pytest.approx(350.0)
    assert east.value == pytest.approx(300.0)
    assert east.extra["buckets"]["vegetation"] == pytest.approx(100.0)
    feats = done.features["farmland_nonfarm_use"]
    assert set(feats["source_id"]) == {"P2", "P3", "P4", "P5", "P7", "P8", "P9", "P10"}
    assert feats.set_index("source_id").loc["P9", "is_sliver"]
    assert feats.set_index("source_id").loc["P5", "bucket"] == "other"


def test_twins_found_whatever_the_start_vertex():
    a = sq(0, 0, 10)
    rotated = shapely.Polygon(list(a.exterior.coords)[1:] + [list(a.exterior.coords)[1]])
    i, j = twins(gpd.GeoSeries([a, sq(50, 0, 10)]).values._data, gpd.GeoSeries([sq(50, 0, 10), rotated]).values._data)
    assert sorted(zip(i.tolist(), j.tolist(), strict=True)) == [(0, 1), (1, 0)]


def test_greening_conflict(layers):
    scen = gdf([sq(20, 20, 10)], **{"class": ["G1"]}, gs_share=[1.0])
    c = AnalysisContext(layers, None, AnalysisSettings(), scenario_greening=scen)
    done = farmland_greening_conflict(c)
    ind = done.overall
    # belt 90..110 × 0..10 lies on F1 and F2 (union): 200; scenario park 100; the G1 strip 0.05 × 10 = 0.5 is a sliver
    assert ind.value == pytest.approx(300.0)
    assert (ind.extra["slivers"], ind.extra["sliver_m2"]) == (1, pytest.approx(0.5))
    feats = done.features["farmland_greening_conflict"]
    assert sorted(feats["source"]) == ["green_space", "green_space", "scenario_greening"]
    assert feats.loc[feats["class"] == "G2", "area_m2"].iloc[0] == pytest.approx(200.0)
