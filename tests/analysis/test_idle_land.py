"""Idle land classes around calendar anniversaries (29 February included), flags and units."""

from __future__ import annotations

import datetime as dt

import geopandas as gpd
import pandas as pd
import pytest
import shapely

from greenplan.analysis.context import AnalysisContext
from greenplan.analysis.idle_land import anniversary, idle_land
from greenplan.core.settings import AnalysisSettings

X0, Y0 = 520_000.0, 3_330_000.0
CRS = "EPSG:4544"
NaN = float("nan")


def sq(x, y, w, h=None):
    h = w if h is None else h
    return shapely.box(X0 + x, Y0 + y, X0 + x + w, Y0 + y + h)


def gdf(geoms, **cols):
    return gpd.GeoDataFrame(cols, geometry=gpd.GeoSeries(geoms, crs=CRS), crs=CRS)


# as_of 2025-02-28 (a common year): the anniversary of 2024-02-29 is 2025-02-28
ROWS = [
    # id, agreed_start, actual_start, developed, invested, halt_date, expected class, years idle
    ("A", "2024-02-29", None, NaN, NaN, None, "fee_20pct", 1),  # 1st anniversary 2025-02-28 ≤ as_of
    ("B", "2023/3/1", None, NaN, NaN, None, "fee_20pct", 1),  # 2nd anniversary 2025-03-01 > as_of
    ("C", "2023-02-28", None, NaN, NaN, None, "recover", 2),  # 2nd anniversary is as_of itself
    ("D", "2024-03-01", None, NaN, NaN, None, "not_idle", None),  # 1st anniversary tomorrow
    ("E", "2022-01-01", "2025-03-10", NaN, NaN, None, "recover", 3),  # started only after as_of
    ("F", "2020-01-01", "2021-01-01", 0.2, NaN, "2024-02-28", "partial", 1),  # halted a full year
    ("G", "2020-01-01", "2021-01-01", 0.5, 0.1, "2024-02-29", "partial", 1),  # invested < 25 %
    ("H", "2020-01-01", "2021-01-01", 0.5, 0.5, "2022-01-01", "not_idle", None),
    ("I", "2020-01-01", "2021-01-01", 0.2, NaN, "2024-03-01", "not_idle", None),  # halt under a year
    ("J", "2020-01-01", "2021-01-01", 0.2, NaN, None, "unknown", None),  # low progress, no halt date
    ("K", None, None, NaN, NaN, None, "unknown", None),
    ("L", "2020-01-01", "2021-01-01", NaN, 0.3, "2022-01-01", "unknown", None),  # developed ratio missing
]


@pytest.fixture
def layers():
    n = len(ROWS)
    geoms = [sq(i * 20, 0, 10) for i in range(n)]
    geoms[0] = sq(-5, 0, 10)  # A crosses the unit line x = 0: 50 m² in each unit
    idle = gdf(
        geoms,
        parcel_id=[r[0] for r in ROWS],
        agreed_start=[r[1] for r in ROWS],
        actual_start=[r[2] for r in ROWS],
        developed_ratio=[r[3] for r in ROWS],
        invested_ratio=[r[4] for r in ROWS],
        halt_date=[r[5] for r in ROWS],
    )
    return {
        "idle_land": idle,
        "ecological_redline": gdf([sq(20, 0, 5, 10)]),  # half of B
        "permanent_farmland": gdf([sq(40, 5, 10, 5)]),  # half of C
        "urban_boundary": gdf([sq(-100, -100, 150, 200)]),  # A (within x −100..50), B, C
        "admin_units": gdf([sq(-100, -100, 100, 200), sq(0, -100, 500, 200)], code=["W", "E"]),
    }


def test_anniversary_of_29_february():
    s = pd.Series(pd.to_datetime(["2024-02-29", "2024-02-29", "2023-06-30"]))
    assert anniversary(s, 1).dt.date.tolist() == [dt.date(2025, 2, 28), dt.date(2025, 2, 28), dt.date(2024, 6, 30)]
    assert anniversary(s, 4).dt.date.tolist()[0] == dt.date(2028, 2, 29)


def test_idle_classes_and_flags(layers):
    done = idle_land(AnalysisContext(layers, None, AnalysisSettings(as_of=dt.date(2025, 2, 28))))
    ind = done.overall
    assert ind.value == len(ROWS)
    expected = {r[0]: r[6] for r in ROWS}
    feats = done.features["idle_land"].set_index("parcel_id")
    assert feats["idle_class"].to_dict() == expected
    years = {r[0]: r[7] for r in ROWS if r[7] is not None}
    assert {k: int(v) for k, v in feats["years_idle"].dropna().items()} == years
    counts = pd.Series(expected).value_counts().to_dict()
    assert ind.extra["classes"] == {c: counts.get(c, 0) for c in ("recover", "fee_20pct", "partial", "not_idle", "unknown")}
    # 12 squares of 100 m², none overlapping
    assert ind.extra["area_m2"] == pytest.approx(1200.0)
    assert ind.extra["in_redline_m2"] == pytest.approx(50.0)
    assert ind.extra["in_farmland_m2"] == pytest.approx(50.0)
    assert ind.extra["in_urban_boundary_m2"] == pytest.approx(300.0)  # A, B, C
    assert feats["in_redline"].sum() == 1 and feats.loc["B", "in_redline"]
    assert feats.loc["C", "in_farmland"] and not feats.loc["D", "in_farmland"]
    w, e = done.by_unit
    # A crosses the line: counted in both units with 50 m² each
    assert (w.value, w.extra["area_m2"]) == (1, pytest.approx(50.0))
    assert (e.value, e.extra["area_m2"]) == (12, pytest.approx(1150.0))
    assert w.extra["classes"]["fee_20pct"] == 1


def test_leap_day_as_of():
    idle = gdf([sq(0, 0, 10)], agreed_start=[dt.date(2026, 2, 28)])
    done = idle_land(AnalysisContext({"idle_land": idle}, None, AnalysisSettings(as_of=dt.date(2028, 2, 29))))
    # 2nd anniversary of 2026-02-28 is 2028-02-28 ≤ 2028-02-29
    assert done.features["idle_land"]["idle_class"].tolist() == ["recover"]
