"""Green space ratio (EG rule), park green per capita (bands) and park service coverage.

Hand-built squares in EPSG:4544 metres from (E 520000, N 3330000); every expected value is
worked out in the comments.
"""

from __future__ import annotations

import geopandas as gpd
import pytest
import shapely

from greenplan.analysis.context import AnalysisContext
from greenplan.analysis.green_space import (
    green_space_ratio,
    park_green_per_capita,
    park_polygons,
    park_service_coverage,
)
from greenplan.core.settings import AnalysisSettings

X0, Y0 = 520_000.0, 3_330_000.0
CRS = "EPSG:4544"


def sq(x, y, w, h=None):
    h = w if h is None else h
    return shapely.box(X0 + x, Y0 + y, X0 + x + w, Y0 + y + h)


def gdf(geoms, **cols):
    return gpd.GeoDataFrame(cols, geometry=gpd.GeoSeries(geoms, crs=CRS), crs=CRS)


def ctx(layers, **settings):
    return AnalysisContext(layers, None, AnalysisSettings(**settings))


# ---------------------------------------------------------------------------- green space ratio
@pytest.fixture
def gs_layers():
    green = gdf(
        [
            sq(0, 0, 20),  # G1 400
            sq(20, 0, 20, 10),  # G2 200
            sq(40, 0, 10),  # G3 100 (plaza: counts in the ratio)
            sq(0, 90, 10),  # XG 100
            sq(10, 90, 10),  # RG (sub-class of XG) 100
            sq(50, 50, 10, 30),  # EG 300, touches the 0701 parcel at x = 60: counts
            sq(20, 50, 10),  # EG 100, touches no construction: does not count
            sq(90, 80, 20, 10),  # EG 200, half outside B; overlaps the 0601 parcel: 100 inside B counts
            sq(80, 0, 10),  # "AB" is no green-space class: coverage only
        ],
        **{"class": ["G12", "G2", "g3", "XG", "RG", "EG1", "EG2", "EG11", "AB"]},
    )
    land_use = gdf(
        [sq(60, 0, 10), sq(70, 0, 10), sq(60, 50, 10), sq(95, 80, 10, 5)],
        DLBM=["1402", "0810A", "0701", "0601"],
    )
    units = gdf([sq(-10, -10, 60, 120), sq(50, -10, 70, 120)], code=["W", "E"], name=["西", "东"])
    return {"built_up_area": gdf([sq(0, 0, 100)]), "green_space": green, "land_use": land_use, "admin_units": units}


def test_green_space_ratio_with_eg_cap(gs_layers):
    done = green_space_ratio(ctx(gs_layers))
    ind = done.overall
    # GS = G1 400 + G2 200 + G3 100 + XG 100 + RG 100 + 1402 100 + 0810A 100 = 1,100
    assert ind.extra["gs_m2"] == pytest.approx(1100.0)
    # EG touching construction, inside B: 300 + 100 = 400; cap 20 % of 1,100 = 220
    assert ind.extra["eg_candidate_m2"] == pytest.approx(400.0)
    assert ind.extra["eg_cap_m2"] == pytest.approx(220.0)
    assert ind.extra["eg_counted_m2"] == pytest.approx(220.0)
    assert ind.numerator_m2 == pytest.approx(1320.0)
    assert ind.value == pytest.approx(1320 / 10000)
    assert ind.grade is None and ind.passed is False
    west, east = done.by_unit
    # west: GS 900 (all layer classes), EG 0 (the EG there touches nothing) → 900 / 5,000
    assert west.numerator_m2 == pytest.approx(900.0)
    assert west.denominator_m2 == pytest.approx(5000.0)
    # east: GS 200 (the two parcels), EG 400 capped at 20 % of the unit's own 200 = 40 → 240
    assert east.extra["eg_cap_m2"] == pytest.approx(40.0)
    assert east.numerator_m2 == pytest.approx(240.0)


def test_eg_under_the_cap_counts_fully(gs_layers):
    gs_layers["green_space"] = gs_layers["green_space"].iloc[[0, 1, 2, 3, 4, 7]]  # keep only the EG half outside B
    ind = green_space_ratio(ctx(gs_layers)).overall
    # GS 1,100; EG 100 ≤ 220 → 1,200
    assert ind.extra["eg_counted_m2"] == pytest.approx(100.0)
    assert ind.numerator_m2 == pytest.approx(1200.0)


def test_scenario_greening_counts_at_its_share(gs_layers):
    scen = gdf([sq(20, 20, 10), sq(0, 10, 20, 20)], **{"class": ["XG", "G1"]}, gs_share=[0.4, 1.0])
    c = AnalysisContext(gs_layers, None, AnalysisSettings(), scenario_greening=scen)
    ind = green_space_ratio(c).overall
    # rooftop 100 m² × 0.4 = 40; the pocket park 0..20 × 10..30 overlaps G1 (0..20 × 0..20) by 200: adds 200
    assert ind.extra["gs_m2"] == pytest.approx(1100 + 200 + 40)


# ---------------------------------------------------------------------------- per capita
@pytest.fixture
def pc_layers():
    land_use = gdf(
        [sq(0, 40, 20), sq(-20, 40, 20), sq(50, 50, 50), sq(20, 0, 10, 20)],
        DLBM=["0701", "0701", "0601", "0810"],  # residential in B, residential outside B, industry, park
    )
    green = gdf([sq(0, 0, 20), sq(300, 0, 50)], **{"class": ["G11", "G1"]})  # the second is outside B
    units = gdf([sq(-50, 0, 100), sq(50, 0, 100)], code=["W", "E"], name=["西", "东"], population=[100, 50])
    return {"built_up_area": gdf([sq(0, 0, 100)]), "land_use": land_use, "green_space": green, "admin_units": units}


def test_park_green_per_capita_spreads_population(pc_layers):
    done = park_green_per_capita(ctx(pc_layers))
    ind = done.overall
    # population of B: W spreads 100 over its residential land, half of it in B → 50;
    # E has no residential land, spreads 50 over its area, half in B → 25; total 75
    assert ind.extra["population"] == pytest.approx(75.0)
    # parks in B: G1 400 + 0810 adjoining it 200 = 600 → 8 m² per person
    assert ind.extra["park_m2"] == pytest.approx(600.0)
    assert ind.value == pytest.approx(8.0)
    # construction in B: 400 + 2,500 = 2,900 → 38.7 m² per person: band < 80 → II (≥ 7.5)
    assert ind.extra["construction_per_capita_m2"] == pytest.approx(2900 / 75)
    assert ind.threshold == {"I": 9.5, "II": 7.5, "III": 6.5}
    assert (ind.grade, ind.passed) == ("II", True)
    assert ind.numerator_m2 is None and ind.denominator_m2 is None
    west, east = done.by_unit
    # W: 600 m² park, 50 people → 12, construction 400 / 50 = 8 → band < 80 → I
    assert (west.value, west.grade) == (pytest.approx(12.0), "I")
    # E: no park, 25 people → 0, fails
    assert (east.value, east.passed) == (0.0, False)


def test_built_up_population_and_bands(pc_layers):
    ind = park_green_per_capita(ctx(pc_layers, built_up_population=30)).overall
    # 600 / 30 = 20; construction 2,900 / 30 = 96.7 → band 80–100: thresholds 10 / 8 / 7 → I
    assert ind.value == pytest.approx(20.0)
    assert ind.threshold == {"I": 10.0, "II": 8.0, "III": 7.0}
    assert ind.grade == "I"
    ind = park_green_per_capita(ctx(pc_layers, built_up_population=25)).overall
    # 2,900 / 25 = 116 > 100: thresholds 11 / 9 / 7.5; 600 / 25 = 24 → I
    assert ind.threshold == {"I": 11.0, "II": 9.0, "III": 7.5}


def test_unit_without_population_gives_null(pc_layers):
    pc_layers["admin_units"] = pc_layers["admin_units"].assign(population=[100, None])
    done = park_green_per_capita(ctx(pc_layers))
    assert done.overall.value is None and any("东" in n for n in done.overall.notes)
    assert done.by_unit[0].value == pytest.approx(12.0)
    assert done.by_unit[1].value is None


# ---------------------------------------------------------------------------- service coverage
@pytest.fixture
def sc_layers():
    res = [
        sq(0, 400, 10),  # R1: 320–330 m above the big park: covered (500 m)
        sq(0, 700, 10),  # R2: 620 m: not covered
        sq(300, 0, 10),  # R4: 220 m right of the park: covered
        sq(460, 0, 10),  # R5: 380–390 m: covered only because the park keeps its full area (500 m)
        sq(2000, 460, 10),  # R6: 400 m from the corner-touching parks (300 m each): not covered
        sq(4000, 460, 10),  # R7: 400 m from the edge-sharing parks (one park, 7,200 m² → 500 m): covered
        sq(3000, 200, 10),  # R8: 175–185 m from a 500 m² pocket park: covered only with pocket_parks
    ]
    land_use = gdf(
        [*res, sq(2060, 60, 60), sq(4060, 0, 60)],
        DLBM=["0701"] * 7 + ["0810", "1401"],
    )
    green = gdf([sq(0, 0, 80), sq(2000, 0, 60), sq(4000, 0, 60), sq(3000, 0, 20, 25)], **{"class": ["G1", "G13", "G14", "G1"]})
    units = gdf([shapely.box(X0 - 1000, Y0 - 1000, X0 + 40, Y0 + 1000), shapely.box(X0 + 40, Y0 - 1000, X0 + 5000, Y0 + 1000)], code=["W", "E"])
    built = gdf([shapely.box(X0 - 1000, Y0 - 1000, X0 + 5000, Y0 + 1000)])
    return {"built_up_area": built, "land_use": land_use, "green_space": green, "admin_units": units}


def test_parks_are_the_separate_polygons_of_the_union(sc_layers):
    parks = park_polygons(ctx(sc_layers))
    # 6,400 (one park, cut by the unit line but whole), 3,600 + 3,600 (corner only), 7,200 (edge), 500
    assert sorted(parks.areas.round(6).tolist()) == [500.0, 3600.0, 3600.0, 6400.0, 7200.0]


def test_park_service_coverage(sc_layers):
    done = park_service_coverage(ctx(sc_layers))
    ind = done.overall
    # residential 7 × 100; covered R1, R4, R5, R7 = 400
    assert ind.denominator_m2 == pytest.approx(700.0)
    assert ind.numerator_m2 == pytest.approx(400.0)
    assert ind.value == pytest.approx(4 / 7)
    assert (ind.extra["parks_500m"], ind.extra["parks_300m"], ind.extra["parks_no_radius"]) == (2, 2, 1)
    west, east = done.by_unit
    # west: R1, R2 → 100 / 200; east: R4, R5, R6, R7, R8 → 300 / 500 (R5 served by the park across the line)
    assert (west.numerator_m2, west.denominator_m2) == (pytest.approx(100.0), pytest.approx(200.0))
    assert (east.numerator_m2, east.denominator_m2) == (pytest.approx(300.0), pytest.approx(500.0))


def test_pocket_parks_tier(sc_layers):
    ind = park_service_coverage(ctx(sc_layers, pocket_parks=True)).overall
    # the 500 m² park now serves 300 m: R8 covered too → 500 / 700
    assert ind.numerator_m2 == pytest.approx(500.0)
    assert ind.value == pytest.approx(5 / 7)
    assert (ind.grade, ind.passed) == ("III", True)  # 71.4 % ≥ 70 % (grade III), < 80 %
