"""Rooftop-garden candidates on hand-built buildings and DSMs (1 m pixels, EPSG:4544).

The DSM is 100 × 100 pixels; pixel (r, c) has its centre at (c + 0.5, 99.5 - r) m from the
origin (X0, Y0). A roof pixel is one whose centre lies inside the footprint (tested here with
shapely's exact point-in-polygon, independently of the code under test).
"""

from __future__ import annotations

import math

import geopandas as gpd
import numpy as np
import pytest
import rasterio
import shapely
from affine import Affine

from greenplan.analysis.geom import PieceSet
from greenplan.analysis.rooftop import assess_rooftops, planted_footprints
from greenplan.core.errors import CRSError
from greenplan.core.settings import AnalysisSettings

X0, Y0 = 500_000.0, 4_250_000.0
T30 = math.tan(math.radians(30))


def rect(x0, y0, x1, y1):
    return shapely.box(X0 + x0, Y0 + y0, X0 + x1, Y0 + y1)


def centres(n=100):
    c, r = np.meshgrid(np.arange(n) + 0.5, np.arange(n) + 0.5)
    return X0 + c, Y0 + n - r  # x, y of every pixel centre


def write_dsm(path, z, crs="EPSG:4544"):
    n = z.shape[0]
    with rasterio.open(path, "w", driver="GTiff", width=n, height=n, count=1, dtype="float32", crs=crs,
                       transform=Affine(1, 0, X0, 0, -1, Y0 + n), nodata=-9999.0) as ds:
        ds.write(z.astype("float32"), 1)
    return path


def frame(geoms, **cols):
    n = len(geoms)
    base = {"height_m": [20.0] * n, "floors": [6] * n, "roof_type": ["flat"] * n,
            "structure": ["钢筋混凝土"] * n, "year_built": [2005] * n}
    base.update(cols)
    return gpd.GeoDataFrame(base, geometry=gpd.GeoSeries(geoms, crs="EPSG:4544"), crs="EPSG:4544")


ROTATED = shapely.affinity.rotate(rect(60, 55, 90, 75), 20.0)


@pytest.fixture
def town(tmp_path):
    """Buildings A (flat), B (pitched 30°, attribute says flat), C (flat with a 1.2 m parapet,
    half a pixel off the grid), D (flat, rotated 20°), E (4 m wide: too thin for the DSM)."""
    x, y = centres()
    z = np.zeros((100, 100))
    a, b, c, e = rect(10, 10, 40, 30), rect(10, 50, 40, 70), rect(50.5, 10.5, 80.5, 30.5), rect(94, 5, 98, 45)
    z[shapely.contains_xy(a, x, y)] = 12.0
    in_b = shapely.contains_xy(b, x, y)
    z[in_b] = 10.0 + T30 * (10.0 - np.abs(y[in_b] - (Y0 + 60.0)))
    in_c = shapely.contains_xy(c, x, y)
    z[in_c] = 15.0
    ring = in_c & ~shapely.contains_xy(rect(51.6, 11.6, 79.4, 29.4), x, y)  # outermost roof pixels
    z[ring] = 16.2
    z[shapely.contains_xy(ROTATED, x, y)] = 9.0
    z[shapely.contains_xy(e, x, y)] = 6.0
    dsm = write_dsm(tmp_path / "dsm 城区.tif", z)
    outside = rect(200, 200, 220, 220)
    b_frame = frame([a, b, c, ROTATED, e, outside, rect(300, 300, 320, 320)],
                    roof_type=["flat", "flat", "flat", "flat", "flat", "pitched", None])
    return b_frame, dsm


def test_flat_pitched_parapet_rotated_thin(town) -> None:
    bld, dsm = town
    r = assess_rooftops(bld, dsm, settings=AnalysisSettings()).frame
    # A: 30 x 20 flat roof; shrunk by 1.5 m: centres x 12.5..37.5 (26) x y 12.5..27.5 (16) = 416, all flat
    assert r.loc[0, ["candidate", "roof_source", "dsm_pixels", "flat_share", "mean_slope_deg"]].tolist() == [True, "dsm", 416, 1.0, 0.0]
    assert r.loc[0, "area_m2"] == 600.0 and r.loc[0, "planted_m2"] == pytest.approx(420.0, abs=1e-9)
    # B: 30° both sides, ridge at y = 60: rows at y 59.5 / 60.5 have Horn slope atan(t/2), the
    # other 14 of 16 rows 30°; no flat pixel -> not flat although roof_type says flat
    assert r.loc[1, ["candidate", "reason", "dsm_pixels", "flat_share"]].tolist() == [False, "roof_not_flat", 416, 0.0]
    expected_mean = (14 * 30.0 + 2 * math.degrees(math.atan(T30 / 2))) / 16
    assert r.loc[1, "mean_slope_deg"] == pytest.approx(expected_mean, abs=1e-3)
    # C: roof pixels x 51.5..79.5, y 11.5..29.5; shrunk: x 52.5..78.5 (27) x y 12.5..28.5 (17) = 459;
    # the 84 pixels next to the parapet are steep (edges atan(4·1.2/8) = 30.96°, corners
    # atan(hypot(0.45, 0.45)) = 32.47°), 375 flat: share 375/459 = 0.817 >= 0.7 passes although
    # the mean slope, (80·30.96 + 4·32.47)/459 = 5.68°, is above 5°
    assert r.loc[2, ["candidate", "dsm_pixels"]].tolist() == [True, 459]
    assert r.loc[2, "flat_share"] == pytest.approx(375 / 459, abs=1e-12)
    mean_c = (80 * math.degrees(math.atan(0.6)) + 4 * math.degrees(math.atan(math.hypot(0.45, 0.45)))) / 459
    assert r.loc[2, "mean_slope_deg"] == pytest.approx(mean_c, abs=1e-3) and mean_c > 5.0
    assert r.loc[2, "area_m2"] == 600.0
    # D: rotated 20°: every 3x3 window of a centre 1.5 px inside the walls stays on the roof
    assert bool(r.loc[3, "candidate"]) and r.loc[3, "dsm_pixels"] > 300
    assert r.loc[3, "flat_share"] == 1.0 and r.loc[3, "area_m2"] == pytest.approx(600.0, abs=1e-6)
    # E: 4 m wide: shrunk to 1 m, both centre columns on its edges -> 0 pixels: attribute decides
    assert r.loc[4, ["candidate", "roof_source", "dsm_pixels"]].tolist() == [True, "attribute", 0]
    # outside the DSM: attribute pitched -> not flat; no attribute -> unknown
    assert r.loc[5, ["reason", "roof_source"]].tolist() == ["roof_not_flat", "attribute"]
    assert r.loc[6, ["reason", "roof_source"]].tolist() == ["roof_unknown", "none"]
    assert r["candidate_id"].tolist()[:2] == ["R000001", "R000002"]


def test_half_pixel_shrink_fails_the_rotated_roof_walls(town) -> None:
    bld, dsm = town
    r = assess_rooftops(bld.iloc[[3]], dsm, settings=AnalysisSettings(rooftop_shrink_px=0.5)).frame
    assert r["flat_share"].iloc[0] < 1.0  # windows of centres < 1.5 px from a wall reach the ground


def test_attribute_criteria_and_first_failed_reason() -> None:
    g = [rect(i * 30, 0, i * 30 + 20, 20) for i in range(14)]  # 400 m² each
    g[0] = rect(0, 0, 9, 10)  # 90 m²
    bld = frame(
        g,
        height_m=[20.0, 51.0, np.nan, np.nan, np.nan, 20.0, 20.0, 20.0, 20.0, 20.0, 20.0, 20.0, 20.0, 50.0],
        floors=[6, 17, 17, 16, None, 6, 6, 6, 6, 6, 6, 6, 6, 17],
        structure=["钢筋混凝土", "砖混", "砖混", "砖混", "砖混", "轻钢", " Light_Steel ", "light-steel", "砖木", None, "砖混", "砖混", "砖混", "砖混"],
        year_built=[1980, 2000, 2000, 2000, 2000, 2000, 2000, 2000, 2000, 2000, 1989, 1990, None, 2000],
    )
    r = assess_rooftops(bld, None, settings=AnalysisSettings()).frame
    assert r["reason"].tolist() == [
        "too_small",  # also too old: the first failed criterion is reported
        "too_tall", "too_tall", "", "height_unknown",
        "excluded_structure", "excluded_structure", "excluded_structure", "", "",
        "too_old", "", "year_unknown",
        "",  # height 50 m <= 50 although 17 floors: height wins where known
    ]
    assert r["roof_source"].eq("attribute").all()
    assert r.loc[r["reason"] == "too_old", "reason_zh"].iloc[0] == "建成年代过早"
    assert (r.loc[~r["candidate"], "planted_m2"] == 0).all() and r.loc[~r["candidate"], "score"].isna().all()


def test_red_line_and_farmland_overlap_with_sliver_tolerance() -> None:
    bld = frame([rect(0, 0, 20, 20), rect(100, 0, 120, 20), rect(200, 0, 220, 20)])
    # E overlaps building 0 by 1 x 2 = 2 m², building 1 by 0.5 x 1 = 0.5 m² (a sliver)
    red = gpd.GeoDataFrame(geometry=[rect(19, 0, 30, 2), rect(119.5, 0, 130, 1)], crs="EPSG:4544")
    farm = gpd.GeoDataFrame(geometry=[rect(195, 0, 201, 5)], crs="EPSG:4544")  # 1 x 5 = 5 m² on building 2
    r = assess_rooftops(bld, None, settings=AnalysisSettings(), redline=red, farmland=farm).frame
    assert r["reason"].tolist() == ["in_redline", "", "on_farmland"]


def test_missing_fields_are_not_tested_and_noted() -> None:
    bld = frame([rect(0, 0, 20, 20)]).drop(columns=["year_built", "structure"])
    res = assess_rooftops(bld, None, settings=AnalysisSettings())
    assert bool(res.frame.loc[0, "candidate"])
    assert any("year_built" in n for n in res.notes) and any("structure" in n for n in res.notes)


def test_green_space_share_and_score() -> None:
    g = [rect(0, 0, 30, 20), rect(100, 0, 130, 20), rect(200, 0, 230, 20), rect(300, 0, 330, 20)]
    bld = frame(g, floors=[3, 4, 7, 1], height_m=[20.0, 20.0, 20.0, 20.0], underground=[False, False, False, True])
    served = PieceSet.union_of([rect(90, -10, 140, 30)])  # building 1 is inside a park's service area
    r = assess_rooftops(bld, None, settings=AnalysisSettings(), service_area=served).frame
    assert r["gs_share"].tolist() == [0.5, 0.4, 0.1, 1.0]
    assert r["green_space_m2"].tolist() == pytest.approx([210.0, 168.0, 42.0, 420.0])
    assert r["underserved"].tolist() == [True, False, True, True]
    # score = 100·(0.5·s_area + 0.3·s_service + 0.2·s_cost) with s_area = 420/1000 = 0.42,
    # s_cost = ((1 - 20/50) + (2005 - 1990)/30) / 2 = (0.6 + 0.5) / 2 = 0.55
    assert r.loc[0, "score"] == pytest.approx(100 * (0.5 * 0.42 + 0.3 * 1 + 0.2 * 0.55))  # 62.0
    assert r.loc[1, "score"] == pytest.approx(100 * (0.5 * 0.42 + 0.3 * 0 + 0.2 * 0.55))  # 32.0


def test_geographic_dsm_is_refused(tmp_path) -> None:
    path = write_dsm(tmp_path / "dsm_wgs84.tif", np.zeros((100, 100)), crs="EPSG:4490")
    with pytest.raises(CRSError, match="geographic"):
        assess_rooftops(frame([rect(0, 0, 20, 20)]), path, settings=AnalysisSettings())


def test_planted_footprints_keep_the_share_inside() -> None:
    l_shape = shapely.Polygon([(0, 0), (40, 0), (40, 10), (10, 10), (10, 40), (0, 40)])  # 700 m²
    out = planted_footprints(np.array([shapely.box(0, 0, 30, 20), l_shape]), 0.7)
    assert shapely.area(out).tolist() == pytest.approx([420.0, 490.0], abs=1e-6)
    assert shapely.covers(np.array([shapely.box(0, 0, 30, 20), l_shape]), out).all()


def test_edge_cases_multipart_courtyard_empty() -> None:
    two = shapely.MultiPolygon([rect(0, 0, 20, 20), rect(30, 0, 50, 20)])  # 800 m²
    courtyard = rect(100, 0, 140, 40).difference(rect(110, 10, 130, 30))  # 1,600 - 400 = 1,200 m²
    r = assess_rooftops(frame([two, courtyard]), None, settings=AnalysisSettings()).frame
    assert r["area_m2"].tolist() == [800.0, 1200.0] and r["candidate"].tolist() == [True, True]
    assert r["planted_m2"].tolist() == pytest.approx([560.0, 840.0])
    planted = planted_footprints(np.array([two, courtyard]), 0.7)  # scaled parts would leave the roof
    assert shapely.area(planted).tolist() == pytest.approx([560.0, 840.0], abs=1e-6)
    assert shapely.covers(np.array([two, courtyard]), planted).all()
    empty = assess_rooftops(frame([]), None, settings=AnalysisSettings()).frame
    assert len(empty) == 0 and {"candidate", "reason", "score"} <= set(empty.columns)


def osm_buildings(n: int = 60) -> gpd.GeoDataFrame:
    """OSM-like buildings: ``building`` tag, ``height_m`` / ``floors`` (building:levels) often
    missing, no roof type, structure or year; names mostly null. Building i is a square of side
    8 + 2·(i mod 6) m (64, 100, 144, 196, 256, 324 m²); i mod 5 == 0: 60 m tall, i mod 5 == 1:
    neither height nor levels, else 12 m."""
    side = [8 + 2 * (i % 6) for i in range(n)]
    g = [rect(i * 40, 0, i * 40 + side[i], side[i]) for i in range(n)]
    height = [60.0 if i % 5 == 0 else np.nan if i % 5 == 1 else 12.0 for i in range(n)]
    return gpd.GeoDataFrame(
        {"osm_id": [str(1000 + i) for i in range(n)], "building": ["yes", "residential", "apartments"] * (n // 3),
         "name": [None] * (n - 1) + ["幸福小区1栋"], "height_m": height, "floors": [np.nan] * n},
        geometry=gpd.GeoSeries(g, crs="EPSG:4544"), crs="EPSG:4544")


def test_roofs_without_roof_type_or_dsm_excluded_or_taken_as_flat() -> None:
    bld = osm_buildings()
    res = assess_rooftops(bld, None, settings=AnalysisSettings())
    r = res.frame
    assert r["reason"].eq("roof_unknown").all() and not r["candidate"].any()  # default "exclude"
    assert r["roof_source"].eq("none").all()
    assert r["reason_zh"].iloc[0] == "屋顶形式未知（无DSM且无屋顶类型）"
    assert any("60 buildings without roof type or DSM excluded" in n and "rooftop_unknown_roof" in n for n in res.notes)
    res = assess_rooftops(bld, None, settings=AnalysisSettings(rooftop_unknown_roof="flat"))
    r = res.frame
    # by hand: too small (64 m², i mod 6 == 0): i = 0, 6, …, 54 -> 10; of the other 50,
    # no height (i mod 5 == 1): 1, 11, 16, 21, 26, 31, 41, 46, 51, 56 -> 10;
    # too tall (i mod 5 == 0): 5, 10, 15, 20, 25, 35, 40, 45, 50, 55 -> 10; the 30 others pass
    assert r["reason"].value_counts().to_dict() == {"": 30, "too_small": 10, "height_unknown": 10, "too_tall": 10}
    assert r["roof_source"].eq("assumed_flat").all()
    ok = r["candidate"].to_numpy()
    i = np.arange(60)
    assert (ok == ((i % 6 != 0) & (i % 5 > 1))).all()
    side = 8 + 2 * (i % 6)
    assert r["planted_m2"].sum() == pytest.approx(0.7 * float((side[ok] ** 2).sum()))
    assert any("60 buildings without roof type or DSM taken as flat" in n for n in res.notes)


def test_unknown_roof_setting_leaves_dsm_and_attribute_roofs_alone(town) -> None:
    bld, dsm = town
    before = assess_rooftops(bld, dsm, settings=AnalysisSettings()).frame
    after = assess_rooftops(bld, dsm, settings=AnalysisSettings(rooftop_unknown_roof="flat")).frame
    # rows 0-5 have DSM pixels or a roof_type: same outcome; row 6 (no DSM, no roof_type) is now flat
    cols = ["candidate", "reason", "roof_source", "dsm_pixels"]
    assert after.loc[:5, cols].equals(before.loc[:5, cols])
    assert before.loc[6, ["candidate", "reason"]].tolist() == [False, "roof_unknown"]
    assert after.loc[6, ["candidate", "reason", "roof_source"]].tolist() == [True, "", "assumed_flat"]
