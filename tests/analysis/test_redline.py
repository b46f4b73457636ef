"""Red line occupation (approved / violation, slivers) and control-line overlaps, by hand."""

from __future__ import annotations

import geopandas as gpd
import pytest
import shapely

from greenplan.analysis.context import AnalysisContext
from greenplan.analysis.redline import eco_redline_occupation, redline_overlaps
from greenplan.core.settings import AnalysisSettings

X0, Y0 = 520_000.0, 3_330_000.0
CRS = "EPSG:4544"


def sq(x, y, w, h=None):
    h = w if h is None else h
    return shapely.box(X0 + x, Y0 + y, X0 + x + w, Y0 + y + h)


def gdf(geoms, **cols):
    return gpd.GeoDataFrame(cols, geometry=gpd.GeoSeries(geoms, crs=CRS), crs=CRS)


@pytest.fixture
def occ_layers():
    redline = gdf([sq(0, 0, 100, 60), sq(0, 40, 100, 60)], name=["水源涵养", "生物多样性"])  # union 100 × 100
    land_use = gdf(
        [sq(0, 0, 20), sq(20, 0, 20, 10), sq(90, 0, 20, 10), sq(50, 50, 10), sq(99.995, 50, 20.005, 10)],
        DLBM=["0701", "1003", "0601", "0301", "0701"],
        BSM=["C1", "C2", "C3", "C4", "C5"],
        activity_type=[None, "线性基础设施", "", None, None],
    )
    idle = gdf([sq(10, 0, 20)], parcel_id=["I1"])
    units = gdf([sq(-10, -10, 60, 120), sq(50, -10, 70, 120)], code=["W", "E"])
    return {"ecological_redline": redline, "land_use": land_use, "idle_land": idle, "admin_units": units}


def test_occupation_by_cause_approved_violation(occ_layers):
    done = eco_redline_occupation(AnalysisContext(occ_layers, None, AnalysisSettings()))
    ind = done.overall
    # occupied: C1 ∪ I1 ∪ C2 = 0..30 × 0..20 (600) + 30..40 × 0..10 (100); C3 inside E 10 × 10 = 100;
    # C5 inside E 0.005 × 10 = 0.05 → 800.05
    assert ind.extra["occupied_m2"] == pytest.approx(800.05)
    assert ind.extra["redline_m2"] == pytest.approx(10000.0)
    assert ind.value == pytest.approx(800.05 / 10000)
    # by cause: construction 400 + 200 + 100 + 0.05; idle 400 (a piece with both causes counts in both)
    assert ind.extra["by_cause"]["construction"] == pytest.approx(700.05)
    assert ind.extra["by_cause"]["idle_land"] == pytest.approx(400.0)
    # approved: only where every occupier has an activity: C2 minus the idle parcel over it = 100
    assert ind.extra["approved_m2"] == pytest.approx(100.0)
    # violation: C1 ∪ I1 600 + C3 100 = 700; the 0.05 m² piece of C5 is a sliver
    assert ind.extra["violation_m2"] == pytest.approx(700.0)
    assert (ind.extra["slivers"], ind.extra["sliver_m2"]) == (1, pytest.approx(0.05))
    assert ind.passed is False and ind.threshold == {"pass": 0}
    west, east = done.by_unit
    assert west.extra["occupied_m2"] == pytest.approx(700.0)
    assert east.extra["occupied_m2"] == pytest.approx(100.05)
    assert east.extra["violation_m2"] == pytest.approx(100.0)
    feats = done.features["redline_occupation"]
    assert sorted(feats["source_id"].tolist()) == ["C1", "C2", "C3", "C5", "I1"]
    row = feats.set_index("source_id").loc["C3"]
    assert (row["cause"], bool(row["approved"]), row["area_m2"]) == ("construction", False, pytest.approx(100.0))
    assert bool(feats.set_index("source_id").loc["C2", "approved"])
    assert feats.crs == CRS


def test_only_a_sliver_of_violation_passes(occ_layers):
    lu = occ_layers["land_use"].copy()
    lu["activity_type"] = ["科研监测", "线性基础设施", "生态修复", None, None]
    occ_layers = dict(occ_layers, land_use=lu, idle_land=occ_layers["idle_land"].assign(activity_type=["科研监测"]))
    ind = eco_redline_occupation(AnalysisContext(occ_layers, None, AnalysisSettings())).overall
    assert ind.extra["violation_m2"] == 0.0
    assert ind.extra["slivers"] == 1
    assert ind.extra["approved_m2"] == pytest.approx(800.0)
    assert ind.passed is True
    assert any("碎片" in n for n in ind.notes)


@pytest.fixture
def lines():
    return {
        "ecological_redline": gdf([sq(0, 0, 100)]),
        "permanent_farmland": gdf(
            [sq(100, 0, 100), sq(95, 90, 25, 20), sq(99.9, 50, 50.1, 5), sq(-30, 0, 20, 10)]
        ),  # touches E; overlaps E 5 × 10 = 50; overlaps E 0.1 × 5 = 0.5 (sliver); overlaps U 10 × 10
        "urban_boundary": gdf([sq(0, 200, 50, 100), sq(-20, 0, 30, 10)]),  # the second overlaps E by 10 × 10
    }


def test_overlaps_with_sliver_tolerance(lines):
    done = redline_overlaps(AnalysisContext(lines, None, AnalysisSettings()))
    ind = done.overall
    assert ind.extra["eco_farmland_m2"] == pytest.approx(50.0)
    assert ind.extra["eco_urban_m2"] == pytest.approx(100.0)
    assert ind.extra["farmland_urban_m2"] == pytest.approx(100.0)
    assert ind.value == pytest.approx(250.0)
    assert (ind.extra["slivers"], ind.extra["sliver_m2"]) == (1, pytest.approx(0.5))
    assert ind.passed is False
    pieces = done.features["control_line_overlaps"]
    assert sorted(pieces["pair"].tolist()) == ["E∩F", "E∩F", "E∩U", "F∩U"]
    assert pieces["is_sliver"].sum() == 1


def test_sliver_only_passes_and_missing_layer_gives_null(lines):
    only = dict(lines, permanent_farmland=lines["permanent_farmland"].iloc[[0, 2]], urban_boundary=lines["urban_boundary"].iloc[[0]])
    ind = redline_overlaps(AnalysisContext(only, None, AnalysisSettings())).overall
    assert ind.value == 0.0 and ind.passed is True and ind.extra["slivers"] == 1
    no_u = {k: v for k, v in lines.items() if k != "urban_boundary"}
    ind = redline_overlaps(AnalysisContext(no_u, None, AnalysisSettings())).overall
    assert ind.value is None and ind.passed is None
    assert ind.extra["eco_farmland_m2"] == pytest.approx(50.0)
    assert ind.extra["eco_urban_m2"] is None
    assert any("urban_boundary" in n for n in ind.notes)
