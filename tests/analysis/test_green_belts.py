"""Green-belt proposals on hand-built roads and rivers (EPSG:4544, metres from (X0, Y0)).

Buffers use 16 segments per quarter circle, so a buffer's two round caps (or four polygon
corners) together are the regular 64-gon inscribed in the circle: area 32·r²·sin(2π/64).
"""

from __future__ import annotations

import math

import geopandas as gpd
import pytest
import shapely

from greenplan.analysis.green_belts import belt_widths, propose_green_belts
from greenplan.core.settings import AnalysisSettings

X0, Y0 = 500_000.0, 4_250_000.0


def rect(x0, y0, x1, y1):
    return shapely.box(X0 + x0, Y0 + y0, X0 + x1, Y0 + y1)


def line(*pts):
    return shapely.LineString([(X0 + x, Y0 + y) for x, y in pts])


def gdf(geoms, **cols):
    return gpd.GeoDataFrame(cols, geometry=gpd.GeoSeries(geoms, crs="EPSG:4544"), crs="EPSG:4544")


def circle(r: float) -> float:
    return 32 * r * r * math.sin(2 * math.pi / 64)


@pytest.fixture
def street():
    """An arterial (width_m 20) along y = 0 from x 0 to 1000, a branch road across it, and obstacles."""
    return {
        "roads": gdf([line((0, 0), (1000, 0)), line((900, -100), (900, 100))],
                     **{"class": ["arterial", "branch"], "width_m": [20.0, 6.0], "name": ["主干路", "支路"]}),
        "permanent_farmland": gdf([rect(400, 0, 500, 100)]),         # north band: 100 x 20 = 2,000
        "ecological_redline": gdf([rect(200, 10, 250, 60)]),        # north band: 50 x 20 = 1,000
        "buildings": gdf([rect(600, 15, 620, 25)]),                  # 20 x 10 = 200
        "green_space": gdf([rect(700, -40, 750, -20)], **{"class": ["G2"]}),  # 50 x 10 = 500
        "land_use": gdf([rect(100, -100, 300, 0), rect(800, 20, 850, 40)], DLBM=["0103", "1101"]),
        "admin_units": gdf([rect(-500, -500, 1500, 500)], name=["城关镇"]),  # the study area: covers every belt
    }


def test_arterial_belt_minus_everything(street) -> None:
    res = propose_green_belts(street, settings=AnalysisSettings())
    f = res.frame
    assert f["class"].tolist() == ["arterial"]  # branch roads get no belt (0 m)
    band = 2 * 1000 * 20 + circle(30) - circle(10)  # road edge (10 m) out to 30 m, both sides
    # farmland 0103 on the south side, x 100..300: 200 x 20 = 4,000 of band, 5 m kept: 3,000 avoided
    # water 1101: 50 x 10 = 500; branch carriageway 6 m wide across both bands: 6 x 20 x 2 = 240
    removed = 2000 + 1000 + 200 + 500 + 3000 + 500 + 240
    assert f.loc[0, "area_m2"] == pytest.approx(band - removed, abs=1e-6)
    assert f.loc[0, "avoided_farmland_m2"] == pytest.approx(2000.0, abs=1e-6)
    assert f.loc[0, "avoided_cap_m2"] == pytest.approx(3000.0, abs=1e-6)
    assert res.summary["avoided_farmland_m2"] == pytest.approx(5000.0, abs=1e-6)
    assert f.loc[0, "avoided_redline_m2"] == pytest.approx(1000.0, abs=1e-6)
    assert res.summary["avoided_redline_m2"] == pytest.approx(1000.0, abs=1e-6)
    assert res.summary["belt_m2"] == pytest.approx(band - removed, abs=1e-6)
    assert f.loc[0, "water_m2"] == pytest.approx(500.0, abs=1e-6) and res.summary["water_m2"] == pytest.approx(500.0, abs=1e-6)
    assert f.loc[0, "outside_study_area_m2"] == 0.0 and res.study_area == "admin_units"
    # never on permanent farmland; the avoided pieces are reported as features
    assert shapely.area(shapely.intersection(f.geometry.iloc[0], street["permanent_farmland"].geometry.iloc[0])) < 1e-9
    assert sorted(res.avoided["kind"]) == ["ecological_redline", "farmland_cap", "permanent_farmland"]
    assert res.avoided["area_m2"].sum() == pytest.approx(6000.0, abs=1e-6)


def test_widths_from_settings_and_county_cap() -> None:
    s = AnalysisSettings(belt_widths_m={"county": 10})
    layers = {
        "roads": gdf([line((0, 0), (100, 0))], **{"class": ["county"], "width_m": [10.0]}),
        "land_use": gdf([rect(-200, -200, 300, 200)], DLBM=["0101"]),  # all farmland
    }
    f = propose_green_belts(layers, settings=s).frame
    # on farmland a county road keeps 3 m per side: edge at 5 m, out to 8 m
    kept = 2 * 100 * 3 + circle(8) - circle(5)
    assert f.loc[0, "area_m2"] == pytest.approx(kept, abs=1e-6)
    full = 2 * 100 * 10 + circle(15) - circle(5)
    assert f.loc[0, "avoided_cap_m2"] == pytest.approx(full - kept, abs=1e-6)
    assert belt_widths(s)["county"] == 10.0 and belt_widths(AnalysisSettings())["county"] == 0.0


def test_rivers_as_polygons_and_lines() -> None:
    layers = {"rivers": gdf([rect(0, 0, 1000, 50), line((0, 500), (1000, 500)), line((0, 900), (500, 900))],
                            width_m=[None, 10.0, None], name=["大河", "小河", "沟"])}
    res = propose_green_belts(layers, settings=AnalysisSettings())
    a = res.frame["area_m2"].tolist()
    assert a[0] == pytest.approx(2 * (1000 + 50) * 30 + circle(30), abs=1e-6)  # 30 m from the bank
    assert a[1] == pytest.approx(2 * 1000 * 30 + circle(35) - circle(5), abs=1e-6)  # bank at 5 m
    assert a[2] == pytest.approx(2 * 500 * 30 + circle(30), abs=1e-6)  # no width: bank = centre line
    assert any("without width_m" in n for n in res.notes)


def test_missing_width_uses_class_default_and_unknown_classes_are_noted() -> None:
    layers = {"roads": gdf([line((0, 0), (100, 0)), line((0, 500), (100, 500))],
                           **{"class": ["Arterial ", "footpath"], "width_m": [None, 3.0]})}
    res = propose_green_belts(layers, settings=AnalysisSettings())
    # arterial default carriageway 24 m: edge at 12 m, belt to 32 m
    assert res.frame["area_m2"].tolist() == pytest.approx([2 * 100 * 20 + circle(32) - circle(12)], abs=1e-6)
    assert any("footpath" in n for n in res.notes) and any("width_m" in n for n in res.notes)


def test_fully_excluded_belt_is_not_a_candidate() -> None:
    layers = {"roads": gdf([line((0, 0), (100, 0))], **{"class": ["secondary"], "width_m": [10.0]}),
              "green_space": gdf([rect(-100, -100, 200, 100)], **{"class": ["G1"]})}
    f = propose_green_belts(layers, settings=AnalysisSettings()).frame
    assert f["candidate"].tolist() == [False] and f["reason"].tolist() == ["fully_excluded"]


def _band(geom, inner: float, outer: float):
    """The belt drawn independently: buffer to ``outer`` minus buffer to ``inner`` (16 segments)."""
    return shapely.buffer(geom, outer, quad_segs=16).difference(shapely.buffer(geom, inner, quad_segs=16))


def test_belts_stop_at_the_county_boundary() -> None:
    """A road running beyond the county: no belt outside the admin units (two townships)."""
    road = line((-300, 0), (1200, 0))  # arterial, 20 m wide: belt from 10 m to 30 m each side
    units = gdf([rect(0, -500, 400, 500), rect(400, -500, 800, 500)], name=["东镇", None])
    layers = {"roads": gdf([road, line((2000, 0), (2500, 0))], **{"class": ["arterial", "arterial"], "width_m": [20.0, 20.0]}),
              "admin_units": units,
              "land_use": gdf([rect(-1000, -1000, 3000, 1000)], DLBM=["0701"])}  # ignored: admin units win
    res = propose_green_belts(layers, settings=AnalysisSettings())
    f = res.frame
    # inside x 0..800 both strips are whole: 2 x 800 x 20 (the caps lie outside)
    assert f.loc[0, "area_m2"] == pytest.approx(2 * 800 * 20, abs=1e-6)
    # the same by a plain geopandas overlay of the independently drawn band with the townships
    band = gdf([_band(road, 10, 30)])
    inside = gpd.overlay(band, units, how="intersection").area.sum()
    assert f.loc[0, "area_m2"] == pytest.approx(inside, abs=1e-6)
    total = 2 * 1500 * 20 + circle(30) - circle(10)
    assert f.loc[0, "outside_study_area_m2"] == pytest.approx(total - 32_000, abs=1e-6)
    assert f.geometry.iloc[0].difference(shapely.union_all(units.geometry.values)).area < 1e-6
    # the second road lies wholly outside: not a candidate, and said why
    assert f["candidate"].tolist() == [True, False]
    assert f.loc[1, "reason"] == "outside_study_area" and f.loc[1, "area_m2"] == 0.0
    assert f.loc[1, "reason_zh"].startswith("位于研究范围")
    whole2 = 2 * 500 * 20 + circle(30) - circle(10)
    assert res.summary["outside_study_area_m2"] == pytest.approx(total - 32_000 + whole2, abs=1e-6)
    assert res.summary["belt_m2"] == pytest.approx(32_000, abs=1e-6)
    assert res.study_area == "admin_units"
    assert any("outside the study area" in n and "研究范围" in n for n in res.notes)


def test_study_area_falls_back_to_land_use_then_to_none() -> None:
    road = line((0, 0), (1000, 0))
    roads = gdf([road], **{"class": ["arterial"], "width_m": [20.0]})
    lu = gdf([rect(0, -100, 300, 100), rect(300, -100, 600, 100)], DLBM=["0701", "0702"])  # x 0..600
    res = propose_green_belts({"roads": roads, "land_use": lu}, settings=AnalysisSettings())
    assert res.study_area == "land_use" and res.frame.loc[0, "area_m2"] == pytest.approx(2 * 600 * 20, abs=1e-6)
    assert any("no admin_units" in n for n in res.notes)
    res = propose_green_belts({"roads": roads, "admin_units": gdf([])}, settings=AnalysisSettings())
    assert res.study_area is None and any("not clipped" in n for n in res.notes)
    assert res.frame.loc[0, "area_m2"] == pytest.approx(2 * 1000 * 20 + circle(30) - circle(10), abs=1e-6)
    assert res.summary["outside_study_area_m2"] == 0.0


def test_water_is_never_belt_area() -> None:
    """A river polygon, a river line with a width and a 1101 parcel cross an arterial's belt."""
    road = line((0, 0), (1000, 0))  # belt from 10 m to 30 m each side
    layers = {
        "roads": gdf([road], **{"class": ["arterial"], "width_m": [20.0]}),
        # polygon river 40 m wide across the road: 40 x 20 on each side; a 10 m river line at x 500
        "rivers": gdf([rect(300, -100, 340, 100), line((500, -100), (500, 100))], width_m=[None, 10.0], name=["东河", "西沟"]),
        # 1101 河流水面 across the south strip: 50 x 20; 1109 水工建筑用地 is not water (construction)
        "land_use": gdf([rect(600, -50, 650, -5), rect(800, 10, 820, 40), rect(-100, -200, 1100, 200)],
                        DLBM=["1101", "1109", "0701"]),
        "admin_units": gdf([rect(-100, -200, 1100, 200)], name=["城关镇"]),
    }
    res = propose_green_belts(layers, settings=AnalysisSettings())
    road_belt = res.frame[res.frame["source"] == "road"].iloc[0]
    water = 40 * 20 * 2 + 10 * 20 * 2 + 50 * 20
    full = 2 * 1000 * 20 + circle(30) - circle(10)
    assert road_belt["water_m2"] == pytest.approx(water, abs=1e-6)
    assert road_belt["area_m2"] == pytest.approx(full - water, abs=1e-6)
    # the same by plain geopandas: the independently drawn band minus the water polygons
    water_polys = gdf([rect(300, -100, 340, 100), shapely.buffer(line((500, -100), (500, 100)), 5, quad_segs=16),
                       rect(600, -50, 650, -5)])
    kept = gpd.overlay(gdf([_band(road, 10, 30)]), water_polys, how="difference").area.sum()
    assert road_belt["area_m2"] == pytest.approx(kept, abs=1e-6)
    # no belt polygon lies on water
    assert shapely.area(shapely.intersection(road_belt.geometry, shapely.union_all(water_polys.geometry.values))) < 1e-6
    # the rivers' own belts touch their water only along the bank: no water removed from them
    assert res.frame.loc[res.frame["source"] == "river", "water_m2"].max() < 1e-6
    assert res.summary["water_m2"] == pytest.approx(water, abs=1e-6)
