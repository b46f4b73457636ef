"""``run_candidates`` on a small hand-built town in a folder with Chinese characters and spaces.

The town (metres from (X0, Y0), EPSG:4544; see :func:`town_project`):

- built-up area B 1000 × 1000; townships 东街道 (x 0–500) and 西镇 (x 500–1000);
- buildings: b1 flat 30 × 20 at (100, 300), 3 floors, with a flat DSM; b2 flat 30 × 20 at
  (600, 300), 8 floors; b3 pitched at (300, 300);
- idle land: I1 50 × 40 = 2,000 m² at (400, 500) in B; I2 outside B;
- an arterial road along y = 600 from x 0 to 1000, 20 m wide: belts 20 m per side, inside the
  townships (the study area) only, so without the round caps at either end;
- land use 0701 residential (0–1000, 0–200), 0301 forest 100 × 100 at (0, 800);
  green_space G1 park 100 × 100 at (800, 800); farmland and red line outside B.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import geopandas as gpd
import numpy as np
import pyogrio
import pytest
import rasterio
import shapely
from affine import Affine

from greenplan.core.project import read_project
from greenplan.jobs.candidates import run_candidates


def circle(r: float) -> float:
    return 32 * r * r * math.sin(2 * math.pi / 64)


def town_project(build, folder: Path, scenarios: list | None = None) -> Path:
    gpkg = folder / "示范 城区.gpkg"
    X0, Y0 = build.X0, build.Y0
    w = build.write
    f = build.frame
    w(f([build.box(0, 0, 500, 1000), build.box(500, 0, 500, 1000)], name=["东街道", "西镇"], code=["001", "002"],
        population=[1000, 2000]), gpkg, "admin_units")
    w(f([build.box(0, 0, 1000, 1000)]), gpkg, "built_up_area")
    w(f([build.box(0, 0, 1000, 200), build.box(0, 800, 100, 100)], DLBM=["0701", "0301"]), gpkg, "land_use")
    w(f([build.box(800, 800, 100, 100)], **{"class": ["G1"], "name": ["人民公园"]}), gpkg, "green_space")
    w(f([build.box(0, 1200, 1000, 300)]), gpkg, "permanent_farmland")
    w(f([build.box(1200, 0, 300, 300)], name=["红线"]), gpkg, "ecological_redline")
    w(f([build.box(100, 300, 30, 20), build.box(600, 300, 30, 20), build.box(300, 300, 30, 20)],
        bid=["b1", "b2", "b3"], height_m=[10.0, 25.0, 9.0], floors=[3, 8, 3], roof_type=["flat", "flat", "pitched"],
        structure=["钢筋混凝土", "砖混", "砖混"], year_built=[2005, 2010, 2000]), gpkg, "buildings")
    w(f([build.box(400, 500, 50, 40), build.box(950, 1100, 40, 40)], parcel_id=["XZ-1", "XZ-2"]), gpkg, "idle_land")
    w(f([shapely.LineString([(X0, Y0 + 600), (X0 + 1000, Y0 + 600)])], **{"class": ["arterial"], "width_m": [20.0],
                                                                         "name": ["主干路"]}), gpkg, "roads")
    # 1 m DSM over (50..250, 250..450): ground 0, b1 roof at 10 m
    n = 200
    cx, cy = np.meshgrid(X0 + 50 + np.arange(n) + 0.5, Y0 + 450 - np.arange(n) - 0.5)
    z = np.where(shapely.contains_xy(build.box(100, 300, 30, 20), cx, cy), 10.0, 0.0).astype("float32")
    dsm = folder / "数字 表面.tif"
    with rasterio.open(dsm, "w", driver="GTiff", width=n, height=n, count=1, dtype="float32", crs="EPSG:4544",
                       transform=Affine(1, 0, X0 + 50, 0, -1, Y0 + 450), nodata=-9999.0) as ds:
        ds.write(z, 1)
    roles = ["admin_units", "built_up_area", "land_use", "green_space", "permanent_farmland", "ecological_redline",
             "buildings", "idle_land", "roads"]
    layers = [{"name": r, "source": gpkg.name, "layer": r, "role": r} for r in roles]
    layers.append({"name": "DSM", "source": dsm.name, "role": "dsm_raster"})
    top = {"settings": {"as_of": "2026-06-30"}}
    if scenarios:
        top["scenarios"] = scenarios
    return build.write_project(folder, layers, **top)


@pytest.fixture
def town(build, cn_dir) -> Path:
    return town_project(build, cn_dir)


def test_candidates_outputs_reopen_with_known_values(town, build, tmp_path) -> None:
    project, _ = read_project(town)
    out = tmp_path / "输出 结果"
    sources = build.tree_digest(town.parent)
    res = run_candidates(project, out)
    assert build.tree_digest(town.parent) == sources  # sources never written
    assert sorted(p.name for p in out.iterdir()) == [
        "candidates.gpkg", "candidates_summary.csv", "candidates_summary.json", "candidates_summary.xlsx"]
    layers = [name for name, _ in pyogrio.list_layers(out / "candidates.gpkg")]
    assert layers == ["rooftops", "pocket_parks", "green_belts", "avoided_farmland"]
    roofs = gpd.read_file(out / "candidates.gpkg", layer="rooftops")
    assert roofs["bid"].tolist() == ["b1", "b2", "b3"]
    assert roofs["candidate"].tolist() == [True, True, False]
    assert roofs["reason"].fillna("").tolist() == ["", "", "roof_not_flat"]
    assert roofs["roof_source"].tolist() == ["dsm", "attribute", "attribute"]
    # b1: shrunk footprint 27 x 17 m -> centres strictly inside: 26 x 16 = 416, all flat
    assert roofs.loc[0, "dsm_pixels"] == 416
    assert roofs["planted_m2"].tolist() == pytest.approx([420.0, 420.0, 0.0])
    assert roofs["gs_share"].tolist()[:2] == [0.5, 0.1]
    parks = gpd.read_file(out / "candidates.gpkg", layer="pocket_parks")
    assert parks["candidate"].tolist() == [True, False] and parks["reason"].fillna("").tolist() == ["", "outside_built_up"]
    belts = gpd.read_file(out / "candidates.gpkg", layer="green_belts")
    # the caps beyond x 0 and x 1000 lie outside the townships: clipped off and reported
    assert belts["area_m2"].tolist() == pytest.approx([2 * 1000 * 20], abs=1e-6)
    assert belts["outside_study_area_m2"].tolist() == pytest.approx([circle(30) - circle(10)], abs=1e-6)
    assert belts.crs.to_epsg() == 4544

    doc = json.loads((out / "candidates_summary.json").read_text(encoding="utf-8"))
    assert doc == res.summary | {"notes": doc["notes"]}
    assert doc["kinds"]["rooftop"]["candidates"] == 2 and doc["kinds"]["rooftop"]["reasons"] == {"roof_not_flat": 1}
    belt = doc["kinds"]["belt"]
    assert belt["study_area"] == "admin_units" and belt["area_m2"] == pytest.approx(40_000.0, abs=1e-6)
    assert belt["outside_study_area_m2"] == pytest.approx(circle(30) - circle(10), abs=1e-6) and belt["water_m2"] == 0.0
    assert doc["kinds"]["pocket_park"]["area_m2"] == pytest.approx(2000.0)
    units = {u["name"]: u for u in doc["by_unit"]}
    assert units["东街道"]["rooftop_candidates"] == 1 and units["东街道"]["pocket_park_candidates"] == 1
    # belt inside each township: x 0..500 / 500..1000, 2 x 20 m wide (the caps lie outside)
    assert units["东街道"]["belt_m2"] == pytest.approx(20_000.0, abs=1e-6)
    assert units["西镇"]["belt_m2"] == pytest.approx(20_000.0, abs=1e-6)
    csv = (out / "candidates_summary.csv").read_bytes()
    assert csv.startswith(b"\xef\xbb\xbf") and b"\r\n" in csv and "屋顶绿化" in csv.decode("utf-8-sig")
    from openpyxl import load_workbook

    wb = load_workbook(out / "candidates_summary.xlsx")
    assert wb.sheetnames == ["候选汇总", "未入选原因", "分乡镇"]
    assert wb["未入选原因"]["C2"].value == "屋顶不平（平坦像元比例不足）"
    assert [c.value for c in wb["未入选原因"][2]] == ["屋顶绿化", "roof_not_flat", "屋顶不平（平坦像元比例不足）", 1,
                                                 "roof not flat (too few flat DSM pixels, or roof_type not flat)"]


def test_reason_counts_of_unknown_roofs_in_every_summary_file(build, cn_dir, tmp_path) -> None:
    """Buildings without roof type or DSM: the roof_unknown count is in the JSON, CSV and xlsx."""
    import csv
    import io

    gpkg = cn_dir / "楼 房.gpkg"
    n = 45  # squares of 20 x 20 m, 12 m tall, 4 floors; no roof_type column, no DSM
    build.write(build.frame([build.box(40 * i, 0, 20, 20) for i in range(n)], height_m=[12.0] * n, floors=[4] * n),
                gpkg, "buildings")
    proj = build.write_project(cn_dir, [{"name": "建筑", "source": gpkg.name, "layer": "buildings", "role": "buildings"}])
    project, _ = read_project(proj)
    out = tmp_path / "out"
    doc = run_candidates(project, out).summary
    assert doc["kinds"]["rooftop"]["candidates"] == 0 and doc["kinds"]["rooftop"]["reasons"] == {"roof_unknown": 45}
    rows = list(csv.reader(io.StringIO((out / "candidates_summary.csv").read_text(encoding="utf-8-sig"))))
    header, roof = rows[1], rows[2]
    assert roof[header.index("kind")] == "rooftop"
    assert roof[header.index("reasons")] == "roof_unknown: 45 (屋顶形式未知（无DSM且无屋顶类型）)"
    from openpyxl import load_workbook

    ws = load_workbook(out / "candidates_summary.xlsx")["未入选原因"]
    assert [c.value for c in ws[2]][1:4] == ["roof_unknown", "屋顶形式未知（无DSM且无屋顶类型）", 45]
    project.settings.rooftop_unknown_roof = "flat"
    doc = run_candidates(project, tmp_path / "flat").summary
    # every roof is 400 m², 12 m, 4 floors: all pass once taken as flat
    assert doc["kinds"]["rooftop"]["candidates"] == 45 and doc["kinds"]["rooftop"]["assumed_flat"] == 45
    assert doc["kinds"]["rooftop"]["planted_m2"] == pytest.approx(45 * 400 * 0.7)

