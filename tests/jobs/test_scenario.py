"""Scenarios: selection rules, legality checks, before/after on a hand-built town and the demo.

The town (metres from (X0, Y0), EPSG:4544): built-up area B 1000 × 1000 = 1,000,000 m²,
townships 东街道 (x 0–500, population 1,000) and 西镇 (x 500–1000, population 2,000), both
over residential land; existing vegetation 0301 100 × 100 in 东街道 and a G1 park 100 × 100 in
西镇; two flat 30 × 20 roofs (3 and 8 floors), one 50 × 40 idle parcel in 东街道, and an
arterial road (20 m wide) along y = 600 across B.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from greenplan.core.errors import ProjectFileError
from greenplan.core.project import read_project
from greenplan.core.resources import sample_dir
from greenplan.core.scenario import Selection
from greenplan.jobs.scenario import check_scenario, run_scenario, select_candidates

SCENARIO = {
    "name": "近期 方案",
    "description": "两处屋顶 + 口袋公园 + 主干路绿带",
    "selections": [
        {"kind": "rooftop", "ids": ["R000001", "R000002"]},
        {"kind": "pocket_park", "rule": "all"},
        {"kind": "belt", "rule": "class == 'arterial'"},
    ],
}


def town_project(build, folder: Path) -> Path:
    gpkg = folder / "城区 数据.gpkg"
    w, f, X0, Y0 = build.write, build.frame, build.X0, build.Y0
    w(f([build.box(0, 0, 500, 1000), build.box(500, 0, 500, 1000)], name=["东街道", "西镇"], code=["001", "002"],
        population=[1000, 2000]), gpkg, "admin_units")
    w(f([build.box(0, 0, 1000, 1000)]), gpkg, "built_up_area")
    w(f([build.box(0, 0, 1000, 200), build.box(0, 800, 100, 100)], DLBM=["0701", "0301"]), gpkg, "land_use")
    w(f([build.box(800, 800, 100, 100)], **{"class": ["G1"]}), gpkg, "green_space")
    w(f([build.box(0, 1200, 1000, 300)]), gpkg, "permanent_farmland")
    w(f([build.box(1200, 0, 300, 300)]), gpkg, "ecological_redline")
    w(f([build.box(100, 300, 30, 20), build.box(600, 300, 30, 20)], height_m=[10.0, 25.0], floors=[3, 8],
        roof_type=["flat", "flat"], structure=["钢筋混凝土", "砖混"], year_built=[2005, 2010]), gpkg, "buildings")
    w(f([build.box(400, 500, 50, 40)], parcel_id=["XZ-1"]), gpkg, "idle_land")
    w(f([shapely.LineString([(X0, Y0 + 600), (X0 + 1000, Y0 + 600)])], **{"class": ["arterial"], "width_m": [20.0]}),
      gpkg, "roads")
    roles = ["admin_units", "built_up_area", "land_use", "green_space", "permanent_farmland", "ecological_redline",
             "buildings", "idle_land", "roads"]
    layers = [{"name": r, "source": gpkg.name, "layer": r, "role": r} for r in roles]
    return build.write_project(folder, layers, settings={"as_of": "2026-06-30"}, scenarios=[SCENARIO])


def test_before_and_after_on_the_town(build, cn_dir, tmp_path) -> None:
    project, _ = read_project(town_project(build, cn_dir))
    out = run_scenario(project, "近期 方案", tmp_path / "情景 输出")
    d = out.document
    cov = d["indicators"]["green_coverage_vector"]
    # before: (10,000 forest + 10,000 park) / 1,000,000; after: + 2 roofs x 420 planted
    # + 2,000 pocket park + belts 2 x 1,000 x 20 = 40,000 inside B (their caps lie outside)
    assert cov["before"] == pytest.approx(0.02, rel=1e-12)
    assert cov["after"] == pytest.approx((20_000 + 840 + 2_000 + 40_000) / 1e6, rel=1e-9)
    assert cov["delta"] == pytest.approx(0.04284, rel=1e-9)
    # green space ratio: roofs count 0.5 (3 floors) and 0.1 (8 floors) of their planted area
    gsr = d["indicators"]["green_space_ratio"]
    assert (gsr["before"], gsr["after"]) == pytest.approx((0.01, (10_000 + 210 + 42 + 2_000 + 40_000) / 1e6), rel=1e-9)
    # the pocket park counts as G1: park area per person 10,000 / 3,000 -> 12,000 / 3,000
    pk = d["indicators"]["park_green_per_capita"]
    assert (pk["before"], pk["after"]) == pytest.approx((10_000 / 3_000, 12_000 / 3_000), rel=1e-9)
    units = {u["name"]: u["indicators"]["green_coverage_vector"] for u in d["by_unit"]}
    assert (units["东街道"]["before"], units["东街道"]["after"]) == pytest.approx((0.02, 32_420 / 500_000), rel=1e-9)
    assert (units["西镇"]["before"], units["西镇"]["after"]) == pytest.approx((0.02, 30_420 / 500_000), rel=1e-9)
    assert d["checks"]["farmland_occupied_m2"] == 0 and d["checks"]["eco_redline_occupied_m2"] == 0 and out.valid
    assert d["selected"]["rooftop"] == {"count": 2, "area_m2": pytest.approx(840.0), "green_space_m2": pytest.approx(252.0)}
    # outputs reopen and agree
    folder = tmp_path / "情景 输出"
    assert json.loads((folder / "scenario.json").read_text(encoding="utf-8"))["indicators"]["green_coverage_vector"]["after"] == cov["after"]
    g = gpd.read_file(folder / "scenario.gpkg", layer="scenario_greening")
    belt_m2 = 2 * 1000 * 20  # the round caps beyond x 0 and x 1000 lie outside the townships: no belt there
    assert sorted(g["class"]) == ["G1", "G2", "XG", "XG"]
    assert g.area.sum() == pytest.approx(840 + 2000 + belt_m2, rel=1e-9)
    rows = pd.read_csv(folder / "scenario.csv", skiprows=[0], encoding="utf-8-sig", dtype={"unit_code": str})
    row = rows[(rows["scope"] == "unit") & (rows["unit_code"] == "001") & (rows["key"] == "green_coverage_vector")]
    assert row["after"].iloc[0] == pytest.approx(32_420 / 500_000, rel=1e-9)


def test_unknown_scenario_is_an_input_error(build, cn_dir, tmp_path) -> None:
    project, _ = read_project(town_project(build, cn_dir))
    with pytest.raises(ProjectFileError, match="Scenarios: 近期 方案"):
        run_scenario(project, "远期", tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_select_candidates_by_ids_rule_and_top() -> None:
    f = pd.DataFrame({"candidate_id": ["R1", "R2", "R3", "R4", "R5"], "candidate": [True, True, True, False, True],
                      "score": [50.0, 70.0, np.nan, 90.0, 60.0], "roof_source": ["dsm", "attribute", "dsm", "dsm", None]})
    m, notes = select_candidates(f, Selection("rooftop", rule="score >= 60"))
    assert m.tolist() == [False, True, False, False, True]  # R4 is not a candidate, NaN never matches
    m, _ = select_candidates(f, Selection("rooftop", rule="roof_source == 'dsm' and score > 0"))
    assert m.tolist() == [True, False, False, False, False]
    m, _ = select_candidates(f, Selection("rooftop", rule="all", top=2))
    assert m.tolist() == [False, True, False, False, True]  # best two scores among candidates
    m, notes = select_candidates(f, Selection("rooftop", ids=["R1", "R4", "R9"]))
    assert m.tolist() == [True, False, False, False, False]
    assert any("R9" in n for n in notes) and any("R4" in n for n in notes)
    with pytest.raises(ProjectFileError, match="height"):
        select_candidates(f, Selection("rooftop", rule="height > 3"), key="scenarios[0].selections[0]")


def test_check_flags_farmland_and_keeps_slivers_apart(build) -> None:
    green = build.frame([build.box(0, 0, 100, 100)], **{"class": ["G1"], "gs_share": [1.0]})
    layers = {"permanent_farmland": build.frame([build.box(95, 0, 10, 10)]),      # 5 x 10 = 50 m² overlap
              "ecological_redline": build.frame([build.box(-0.5, 50, 1, 1)])}    # 0.5 x 1 = 0.5 m²: a sliver
    ck = check_scenario(green, layers, 1.0)
    assert ck["farmland_occupied_m2"] == pytest.approx(50.0) and ck["eco_redline_occupied_m2"] == 0.0
    assert ck["eco_redline_occupied_slivers"] == 1 and ck["eco_redline_occupied_sliver_m2"] == pytest.approx(0.5)
    assert ck["valid"] is False


# ------------------------------------------------------------------------ demo county
def _is_vegetation(code: pd.Series) -> np.ndarray:
    """sandiao vegetation (indicators.md), written out independently of greenplan.analysis.codes."""
    c = code.astype(str).str.strip().str.upper()
    base = c.where(c == "0810A", c.str.replace(r"[A-Z]+$", "", regex=True))
    return (base.str[:2].isin(["02", "03", "04"]) | base.str[:4].isin(["0810", "1401", "1402"]) & (base != "0810A")).to_numpy()


def test_demo_scenario_matches_an_independent_recomputation(tmp_path) -> None:
    folder = sample_dir()
    project, _ = read_project(folder / "demo_county.greenplan.toml")
    out = run_scenario(project, "demo", tmp_path / "demo")
    d = out.document
    gpkg = folder / "demo_county.gpkg"
    read = lambda layer: gpd.read_file(gpkg, layer=layer)  # noqa: E731
    B = shapely.union_all(read("built_up_area").geometry.values)
    gs, lu = read("green_space"), read("land_use")
    lu_geoms = shapely.make_valid(lu.geometry.values)
    veg = np.r_[gs.geometry.values[~gs["class"].astype(str).str.upper().str.startswith("G3").to_numpy()],
                lu_geoms[_is_vegetation(lu["DLBM"])]]
    greening = gpd.read_file(tmp_path / "demo" / "scenario.gpkg", layer="scenario_greening").geometry.values
    before = shapely.area(shapely.intersection(shapely.union_all(veg), B)) / shapely.area(B)
    after = shapely.area(shapely.intersection(shapely.union_all(np.r_[veg, greening]), B)) / shapely.area(B)
    cov = d["indicators"]["green_coverage_vector"]
    assert cov["before"] == pytest.approx(before, rel=1e-9) and cov["after"] == pytest.approx(after, rel=1e-9)
    assert after > before + 0.01
    # no permanent farmland and no red line occupied (pieces under 1 m² are slivers)
    for layer in ("permanent_farmland", "ecological_redline"):
        inter = shapely.intersection(shapely.union_all(greening), shapely.union_all(read(layer).geometry.values))
        parts = shapely.get_parts(inter)
        assert shapely.area(parts[shapely.area(parts) >= 1.0]).sum() == 0.0
    assert out.valid and d["checks"]["farmland_occupied_m2"] == 0.0
    assert {k for k, v in d["selected"].items() if v["count"]} == {"rooftop", "pocket_park", "belt"}
    assert re.fullmatch(r"greenplan \S+", d["generator"])
