"""Pocket-park candidates on hand-built idle parcels (EPSG:4544, metres from (X0, Y0))."""

from __future__ import annotations

import math

import geopandas as gpd
import numpy as np
import pytest
import shapely

from greenplan.analysis.geom import PieceSet
from greenplan.analysis.pocket_parks import assess_pocket_parks, service_area
from greenplan.core.settings import AnalysisSettings

X0, Y0 = 500_000.0, 4_250_000.0


def rect(x0, y0, x1, y1):
    return shapely.box(X0 + x0, Y0 + y0, X0 + x1, Y0 + y1)


def gdf(geoms, **cols):
    return gpd.GeoDataFrame(cols, geometry=gpd.GeoSeries(geoms, crs="EPSG:4544"), crs="EPSG:4544")


def polygon_circle(r: float, quad_segs: int = 16) -> float:
    """Area of the 4·quad_segs-gon inscribed in a circle of radius r (buffer corners)."""
    n = 4 * quad_segs
    return n / 2 * r * r * math.sin(2 * math.pi / n)


@pytest.fixture
def layers():
    idle = gdf(
        [
            rect(100, 100, 130, 130),       # P1 900 m²: candidate
            rect(1100, 100, 1130, 130),     # P2 outside B
            rect(200, 100, 230, 130),       # P3 shares an edge with F
            rect(300, 300, 330, 330),       # P4 overlaps E by 10 x 30 = 300 m²
            rect(400, 400, 410, 410),       # P5 100 m² < 400
            rect(500, 500, 620, 620),       # P6 14,400 m² > 10,000
            rect(970, 600, 1000.01, 640),   # P7 0.01 x 40 = 0.4 m² outside B (a sliver): candidate
        ],
        parcel_id=[f"XZ-{i}" for i in range(1, 8)],
    )
    land_use = gdf(
        [rect(100, 250, 200, 350), rect(0, 700, 100, 800), rect(700, 620, 800, 640), rect(600, 100, 700, 200)],
        DLBM=["0701", "0701", "0702", "0601"],
    )
    return {
        "idle_land": idle,
        "built_up_area": gdf([rect(0, 0, 1000, 1000)]),
        "permanent_farmland": gdf([rect(230, 100, 300, 130)]),
        "ecological_redline": gdf([rect(320, 300, 400, 330)]),
        "land_use": land_use,
        "green_space": gdf([rect(0, 900, 100, 1000)], **{"class": ["G12"]}),  # 10,000 m² park: 500 m
    }


def test_reasons_and_areas(layers) -> None:
    r = assess_pocket_parks(layers, settings=AnalysisSettings()).frame
    assert r["reason"].tolist() == ["", "outside_built_up", "touches_farmland", "in_redline", "too_small", "too_large", ""]
    assert r["candidate_id"].tolist() == [f"P{i:04d}" for i in range(1, 8)]
    assert r["area_m2"].tolist()[0] == 900.0 and r["area_m2"].tolist()[6] == pytest.approx(30.01 * 40, abs=1e-6)
    assert r["parcel_id"].tolist()[0] == "XZ-1"


def test_gain_is_residential_newly_within_300_m(layers) -> None:
    r = assess_pocket_parks(layers, settings=AnalysisSettings()).frame
    # P1 reaches the whole 0701 parcel (100..200 x 250..350): farthest corner (200, 350) is
    # sqrt(70² + 220²) = 230.9 m from P1's corner (130, 130); the park's 500 m service area
    # ends at y = 400, so all 10,000 m² are new. P7 reaches the whole 0702 strip 100 x 20 =
    # 2,000 m² (farthest corner 270 m away, 654 m from the park). The other 0701 parcel is
    # served by the park already; 0601 is not residential.
    assert r.loc[0, "gain_m2"] == pytest.approx(10_000.0, abs=1e-6)
    assert r.loc[6, "gain_m2"] == pytest.approx(2_000.0, abs=1e-6)
    assert r.loc[~r["candidate"], "gain_m2"].isna().all()


def test_urban_boundary_stands_in_for_b(layers) -> None:
    layers["urban_boundary"] = layers.pop("built_up_area")
    res = assess_pocket_parks(layers, settings=AnalysisSettings())
    assert res.frame["candidate"].sum() == 2 and any("urban_boundary" in n for n in res.notes)


def test_size_limits_are_settings(layers) -> None:
    s = AnalysisSettings(pocket_park_min_m2=50.0, pocket_park_max_m2=20_000.0)
    r = assess_pocket_parks(layers, settings=s).frame
    assert r["reason"].tolist()[4:6] == ["", ""]


def test_service_area_radius_by_park_size() -> None:
    s = AnalysisSettings()
    # 60 x 50 = 3,000 m² -> 300 m; 30 x 30 = 900 m² -> none unless pocket_parks
    parks = PieceSet.union_of([rect(0, 0, 60, 50), rect(5000, 0, 5030, 30)])
    expected = 3000 + 2 * 300 * (60 + 50) + polygon_circle(300)
    assert service_area(parks, s).area == pytest.approx(expected, rel=1e-12)
    with_pocket = service_area(parks, AnalysisSettings(pocket_parks=True)).area
    assert with_pocket == pytest.approx(expected + 900 + 2 * 300 * 60 + polygon_circle(300), rel=1e-12)


def test_no_idle_land_gives_an_empty_frame() -> None:
    r = assess_pocket_parks({"built_up_area": gdf([rect(0, 0, 10, 10)])}, settings=AnalysisSettings()).frame
    assert len(r) == 0 and "candidate" in r.columns and np.asarray(r["candidate"]).dtype == bool
