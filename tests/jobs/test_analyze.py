"""``analyze`` on the demo county: the four outputs, the seeded violations, and a cross-check
against an independent, slower computation (issue #3, "Done when").

The independent side reads the GeoPackage with plain geopandas (not greenplan's loader),
classifies codes with its own short rules, merges with ``shapely.ops.unary_union`` over a
Python list of repaired features, and counts raster pixels by testing pixel-centre points with
``shapely.contains_xy`` (not rasterio masks).
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import geopandas as gpd
import numpy as np
import pyogrio
import pytest
import rasterio
import shapely
from shapely.ops import unary_union

from greenplan.core.project import read_project
from greenplan.core.resources import sample_dir
from greenplan.jobs.analyze import run_analyze

DEMO = sample_dir() / "demo_county.greenplan.toml"
GPKG = sample_dir() / "demo_county.gpkg"
NDVI = sample_dir() / "ndvi_10m.tif"

KEYS = {
    "green_coverage_vector", "green_coverage_raster", "green_space_ratio", "park_green_per_capita",
    "park_service_coverage", "eco_redline_occupation", "urban_boundary_utilization", "redline_overlaps",
    "farmland_nonfarm_use", "farmland_greening_conflict", "idle_land", "forest_coverage", "forest_grass_coverage",
}


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory):
    out = tmp_path_factory.mktemp("分析 结果")
    project, _ = read_project(DEMO)
    return run_analyze(project, out)


def _layer(name: str) -> gpd.GeoDataFrame:
    df = gpd.read_file(GPKG, layer=name)
    df["geometry"] = [shapely.make_valid(g) for g in df.geometry]  # one at a time: the slow way
    return df


def _merge(geoms) -> shapely.Geometry:
    polys = []
    for g in geoms:
        polys += [p for p in getattr(g, "geoms", [g]) if p.geom_type in ("Polygon", "MultiPolygon")]
    return unary_union(polys)


def _construction(code: str) -> bool:
    c = code[:4] if len(code) > 4 and code[4].isalpha() and code != "0810A" else code
    return (
        c[:2] in ("05", "06", "07", "09")
        or (c[:2] == "08" and c[:4] != "0810")
        or c[:4] in {"1001", "1002", "1003", "1004", "1005", "1007", "1008", "1009", "1109", "1201"}
    )


def _vegetation(code: str) -> bool:
    return code[:2] in ("02", "03", "04") or code[:4] in ("0810", "1401", "1402")


def _close(a: float, b: float, rel: float = 1e-3) -> bool:
    return abs(a - b) <= rel * max(abs(a), abs(b))


def test_four_outputs_reopen(outputs) -> None:
    files = outputs.files
    doc = json.loads(files["json"].read_text(encoding="utf-8"))
    assert doc["schema"] == "greenplan.indicators/1" and doc["crs"] == "EPSG:4544"
    assert doc["as_of"] == "2026-06-30" and doc["scheme"] == "gbt50563"
    assert set(doc["indicators"]) == KEYS
    for ind in doc["indicators"].values():
        assert {"value", "unit", "numerator_m2", "denominator_m2", "method", "threshold", "grade", "pass", "notes"} <= set(ind)
    assert len(doc["by_unit"]) == 12 and all(set(u["indicators"]) == KEYS for u in doc["by_unit"])
    # csv: UTF-8 with BOM, Chinese header row, one row per scope and key
    with open(files["csv"], encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    assert rows[0][:5] == ["范围", "行政区代码", "行政区名称", "指标代码", "指标名称"]
    assert len(rows) == 2 + len(KEYS) * 13
    # xlsx: three sheets, Chinese headers, the summary value equals the JSON value
    from openpyxl import load_workbook

    wb = load_workbook(files["xlsx"])
    assert wb.sheetnames == ["汇总", "分乡镇", "冲突明细"]
    summary = {r[0]: r[1] for r in wb["汇总"].iter_rows(min_row=4, values_only=True)}
    assert summary["生态保护红线占用率"] == pytest.approx(doc["indicators"]["eco_redline_occupation"]["value"])
    # gpkg: version 1.2, the explaining layers
    with open(files["gpkg"], "rb") as fh:
        head = fh.read(72)
    assert int.from_bytes(head[60:64], "big") == 10200  # GeoPackage application version 1.2
    layers = {name for name, _ in pyogrio.list_layers(files["gpkg"])}
    assert {"redline_occupation", "control_line_overlaps", "farmland_greening_conflict", "idle_land"} <= layers


def test_seeded_violations_appear_in_results(outputs) -> None:
    gpkg = outputs.files["gpkg"]
    occ = gpd.read_file(gpkg, layer="redline_occupation")
    idle = _layer("idle_land")
    E = _merge(_layer("ecological_redline").geometry)
    idle_in_e = idle[[g.intersection(E).area >= 1.0 for g in idle.geometry]]
    assert len(idle_in_e) == 5  # the generator seeded five idle parcels in the red line
    assert set(idle_in_e["parcel_id"]) <= set(occ.loc[occ["cause"].astype(str).str.contains("idle"), "source_id"])
    ov = gpd.read_file(gpkg, layer="control_line_overlaps")
    big = ov[~ov["is_sliver"].astype(bool)]
    assert len(ov[ov["is_sliver"].astype(bool)]) >= 1  # the 0.5 m² sliver is listed, as a sliver
    F = _merge(_layer("permanent_farmland").geometry)
    U = _merge(_layer("urban_boundary").geometry)
    expected = [p.area for p in getattr(E.intersection(F), "geoms", [E.intersection(F)]) if p.area >= 1]
    expected += [p.area for p in getattr(E.intersection(U), "geoms", [E.intersection(U)]) if p.area >= 1]
    assert big["area_m2"].sum() == pytest.approx(sum(expected), rel=1e-6)
    conflict = gpd.read_file(gpkg, layer="farmland_greening_conflict")
    assert conflict.area.sum() == pytest.approx(_merge(_layer("green_space").geometry).intersection(F).area, rel=1e-6)


def test_cross_check_against_independent_computation(outputs) -> None:
    ind = outputs.document["indicators"]
    lu = _layer("land_use")
    codes = lu["DLBM"].astype(str).str.strip()
    B = _merge(_layer("built_up_area").geometry)
    E = _merge(_layer("ecological_redline").geometry)
    gs = _layer("green_space")
    idle = _layer("idle_land")

    # eco red line occupation: E ∩ (construction ∪ idle)
    occupiers = _merge(list(lu.geometry[[_construction(c) for c in codes]]) + list(idle.geometry))
    occupied = E.intersection(occupiers).area
    assert _close(ind["eco_redline_occupation"]["occupied_m2"], occupied)
    assert _close(ind["eco_redline_occupation"]["value"], occupied / E.area)

    # vector green coverage: (vegetation parcels ∪ green space except G3) ∩ B
    not_g3 = ~gs["class"].astype(str).str.upper().str.startswith("G3")
    V = _merge(list(lu.geometry[[_vegetation(c) for c in codes]]) + list(gs.geometry[not_g3]))
    green = V.intersection(B).area
    assert _close(ind["green_coverage_vector"]["numerator_m2"], green)
    assert _close(ind["green_coverage_vector"]["value"], green / B.area)

    # raster coverage: pixel centres strictly inside B, NDVI >= 0.3, nodata excluded
    with rasterio.open(NDVI) as src:
        arr = src.read(1)
        nodata = src.nodata
        t = src.transform
    rows, cols = np.indices(arr.shape)
    xs = t.c + (cols + 0.5) * t.a
    ys = t.f + (rows + 0.5) * t.e
    inside = shapely.contains_xy(B, xs, ys)
    valid = inside & (arr != nodata) & np.isfinite(arr)
    assert _close(ind["green_coverage_raster"]["value"], float((arr[valid] >= 0.3).sum() / valid.sum()))

    # per township vector coverage: V ∩ B ∩ unit / B ∩ unit
    units = _layer("admin_units")
    by_code = {u["code"]: u["indicators"]["green_coverage_vector"]["value"] for u in outputs.document["by_unit"]}
    for code, geom in zip(units["code"], units.geometry, strict=True):
        b = B.intersection(geom)
        if b.area > 0:
            assert _close(by_code[code], V.intersection(b).area / b.area), code
        else:
            assert by_code[code] is None


def test_project_with_only_townships_writes_no_empty_geopackage(tmp_path: Path) -> None:
    """Nothing to explain: the JSON/CSV/XLSX are written, every indicator is null with a note."""
    from greenplan.core.project import LayerSpec, Project

    src = tmp_path / "乡镇 边界.gpkg"
    units = gpd.GeoDataFrame(
        {"name": ["甲镇"], "code": ["510123001"], "population": [1000]},
        geometry=[shapely.box(520_000, 3_330_000, 521_000, 3_331_000)],
        crs="EPSG:4544",
    )
    units.to_file(src, layer="admin_units")
    project = Project(name="只有行政区", layers=[LayerSpec(source=src, layer="admin_units", role="admin_units")])
    out = run_analyze(project, tmp_path / "结果")
    assert set(out.files) == {"json", "csv", "xlsx"}
    assert not (tmp_path / "结果" / "results.gpkg").exists()
    doc = json.loads(out.files["json"].read_text(encoding="utf-8"))
    assert doc["indicators"]["green_coverage_vector"]["value"] is None
    assert doc["indicators"]["green_coverage_vector"]["notes"]
