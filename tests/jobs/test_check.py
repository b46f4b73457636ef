"""The data check job: findings per layer and across the control lines, exit codes, JSON, text."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import rasterio
from affine import Affine

from greenplan.core.feedback import Feedback
from greenplan.core.project import LayerSpec, Project, read_project
from greenplan.jobs.check import SCHEMA, check_project, format_check


def codes(report, index: int) -> dict[str, str]:
    return {i.code: i.level for i in report.layers[index].issues}


def test_county_findings(county: Path) -> None:
    proj, _ = read_project(county)
    report = check_project(proj)
    assert report.exit_code == 1 and report.status == "problems" and report.crs == "EPSG:4544"
    cl = {c["key"]: c for c in report.control_lines}
    # E ∩ F = 100 × 1000 m; E ∩ U only the 0.5 × 0.5 m sliver; F ∩ U nothing (see conftest.county)
    assert (cl["eco_farmland_m2"]["area_m2"], cl["eco_farmland_m2"]["pieces"], cl["eco_farmland_m2"]["pass"]) == (100_000.0, 1, False)
    assert (cl["eco_urban_m2"]["area_m2"], cl["eco_urban_m2"]["slivers"], cl["eco_urban_m2"]["pass"]) == (0.0, 1, True)
    assert cl["eco_urban_m2"]["sliver_m2"] == 0.25
    assert (cl["farmland_urban_m2"]["area_m2"], cl["farmland_urban_m2"]["slivers"], cl["farmland_urban_m2"]["pass"]) == (0.0, 0, True)
    project_codes = [(i.code, i.level) for i in report.project_issues]
    assert project_codes == [("control_line_overlap", "problem"), ("control_line_slivers", "info")]
    lu = report.layers[3]
    assert lu.checks["overlaps"]["pairs"] == 1 and lu.checks["overlaps"]["duplicates"] == 1
    assert lu.checks["overlaps"]["area_m2"] == 10_000.0 and lu.checks["overlaps"]["examples"] == [[1, 2, 10_000.0]]
    assert codes(report, 3) == {"invalid_geometry": "problem", "overlaps": "problem"}
    assert [lyr.worst_level for lyr in report.layers[:3]] == [None, None, None]


def test_clean_project_exits_0(cn_dir: Path, build) -> None:
    gpkg = cn_dir / "clean.gpkg"
    build.write(build.frame([build.box(0, 0, 100, 100)]), gpkg, "e")
    build.write(build.frame([build.box(100, 0, 100, 100)]), gpkg, "f")  # touches E only
    proj = Project(layers=[LayerSpec(gpkg, layer="e", role="ecological_redline"), LayerSpec(gpkg, layer="f", role="permanent_farmland")])
    report = check_project(proj)
    assert report.exit_code == 0 and report.status == "ok"
    cl = report.control_lines
    assert cl[0]["pass"] is True and cl[0]["area_m2"] == 0.0
    assert cl[1]["pass"] is None and cl[1]["missing"] == ["urban_boundary"]


def test_one_bad_layer_does_not_hide_the_others(cn_dir: Path, build, data_dir: Path) -> None:
    build.write(build.frame([build.box(0, 0, 100, 100)]), cn_dir / "好.gpkg")
    corrupt = cn_dir / "坏.shp"
    corrupt.write_bytes(b"\x00" * 50)
    truncated = cn_dir / "半个.gpkg"
    build.write(build.frame([build.box(0, 0, 1, 1)] * 30), truncated)
    truncated.write_bytes(truncated.read_bytes()[:20_000])
    proj = Project(layers=[
        LayerSpec(cn_dir / "没有.gpkg", role="urban_boundary"),
        LayerSpec(corrupt, role="permanent_farmland"),
        LayerSpec(truncated, role="land_use"),
        LayerSpec(cn_dir / "好.gpkg", role="ecological_redline"),
        LayerSpec(data_dir / "fiona" / "test_tin.shp", role="built_up_area"),
    ])
    report = check_project(proj)
    assert report.exit_code == 2 and report.status == "unusable"
    assert [lyr.opened for lyr in report.layers] == [False, False, False, True, True]
    assert codes(report, 0) == {"file_missing": "error"} and codes(report, 1) == {"unreadable": "error"}
    assert codes(report, 2) == {"unreadable": "error"}
    assert report.layers[3].worst_level is None
    assert {"unparseable_geometry", "empty_layer"} <= set(codes(report, 4))


def test_geometry_and_crs_findings(cn_dir: Path, build, data_dir: Path) -> None:
    build.write(build.frame([build.box(0, 0, 1000, 1000)]), cn_dir / "红线.gpkg")
    build.write(build.frame([build.box(2000, 0, 100, 100)], crs="EPSG:4545"), cn_dir / "错带.gpkg")  # wrong zone
    bare = build.write(build.frame([build.box(500, 500, 10, 10)]), cn_dir / "无 prj.shp")
    bare.with_suffix(".prj").unlink()
    build.write(build.frame([]), cn_dir / "空.gpkg")
    proj = Project(crs="EPSG:4544", layers=[
        LayerSpec(cn_dir / "红线.gpkg", role="ecological_redline"),
        LayerSpec(cn_dir / "错带.gpkg", role="urban_boundary"),
        LayerSpec(bare, role="built_up_area"),
        LayerSpec(cn_dir / "空.gpkg", role="idle_land"),
    ])
    report = check_project(proj)
    assert report.exit_code == 1
    # 502 km east of CM 108°E is 3° (≈ 262 km at 38.4°N) east of where it belongs
    assert codes(report, 1) == {"far_extent": "problem", "reprojected": "info"}
    assert 250_000 < report.layers[1].checks["far_gap_m"] < 270_000
    assert codes(report, 2) == {"crs_guessed": "warning"} and report.layers[2].crs.crs == "EPSG:4544"
    assert codes(report, 3) == {"empty_layer": "problem"}
    assert [lyr.worst_level for lyr in report.layers] == [None, "problem", "warning", "problem"]


def test_real_files_in_the_wrong_roles(data_dir: Path) -> None:
    proj = Project(crs="EPSG:32631", layers=[
        LayerSpec(data_dir / "pyogrio" / "test_gpkg_nulls.gpkg", role="green_space"),  # points, no `class`
        LayerSpec(data_dir / "fiona" / "trio.geojson", role="permanent_farmland"),  # point + line + polygon
    ])
    report = check_project(proj)
    assert report.exit_code == 1
    assert codes(report, 0)["geometry_type"] == "problem" and codes(report, 0)["missing_field"] == "problem"
    assert report.layers[1].wrong_type == 2 and report.layers[1].loaded_count == 1


def test_rasters(cn_dir: Path, data_dir: Path, build) -> None:
    build.write(build.frame([build.box(0, 0, 1000, 1000)]), cn_dir / "建成区.gpkg")
    ok = cn_dir / "ndvi.tif"
    with rasterio.open(ok, "w", driver="GTiff", width=4, height=4, count=1, dtype="float32", crs="EPSG:4544",
                       transform=Affine(10, 0, 500_000, 0, -10, 4_250_040), nodata=-9999) as ds:
        ds.write(np.full((4, 4), 0.5, dtype="float32"), 1)
    proj = Project(layers=[
        LayerSpec(cn_dir / "建成区.gpkg", role="built_up_area"),
        LayerSpec(ok, role="vegetation_raster"),
        LayerSpec(data_dir / "rasterio" / "all-nodata.tif", role="dsm_raster"),
        LayerSpec(data_dir / "rasterio" / "rotated.tif"),  # a reference layer: kind from the suffix
    ])
    report = check_project(proj)
    # the NDVI raster: only the info on what it is read as
    assert codes(report, 1) == {"raster_kind": "info"} and report.layers[1].raster["all_nodata"] is False
    assert report.layers[1].raster["kind"] == "ndvi"
    assert codes(report, 2)["raster_all_nodata"] == "problem"
    assert codes(report, 2)["far_extent"] == "problem"  # UTM 28N, West Africa: far from the county
    assert codes(report, 3) == {"raster_rotated": "warning", "crs_unknown": "problem"}


def test_bad_project_crs_is_an_error_but_layers_are_still_checked(county: Path) -> None:
    proj, _ = read_project(county)
    proj.crs = "EPSG:4490"  # geographic: areas would be in degrees
    report = check_project(proj)
    assert report.exit_code == 2
    assert [i.code for i in report.project_issues][0] == "bad_crs"
    assert report.crs == "EPSG:4544" and all(lyr.opened for lyr in report.layers)


def test_json_document(county: Path) -> None:
    proj, _ = read_project(county)
    doc = json.loads(json.dumps(check_project(proj).to_dict(), ensure_ascii=False))
    assert doc["schema"] == SCHEMA == "greenplan.check/1"
    assert doc["exit_code"] == 1 and doc["status"] == "problems" and doc["crs"] == "EPSG:4544"
    assert doc["summary"] == {"layers": 4, "opened": 4, "errors": 0, "problems": 3, "warnings": 0, "infos": 1}
    lu = doc["layers"][3]
    assert lu["role"] == "land_use" and lu["format"] == "GPKG" and lu["invalid_geometries"] == 1
    assert lu["encoding"]["how"] == "format" and lu["crs"] == {"crs": "EPSG:4544", "name": lu["crs"]["name"], "how": "read",
                                                               "reason_en": None, "reason_zh": None}
    assert {i["code"] for i in doc["issues"]} >= {"control_line_overlap", "invalid_geometry", "overlaps"}
    assert [c["key"] for c in doc["control_lines"]] == ["eco_farmland_m2", "eco_urban_m2", "farmland_urban_m2"]


def test_text_in_both_languages(county: Path) -> None:
    proj, _ = read_project(county)
    report = check_project(proj)
    en, zh = format_check(report, "en"), format_check(report, "zh")
    assert "100,000.0 m² in 1 pieces — FAIL" in en and "+1 slivers under 1 m², 0.250 m² in all" in en
    assert "生态保护红线 ∩ 永久基本农田：100,000.0 平方米，1 处 — 不通过" in zh
    assert "另有 1 处小于 1 平方米的细碎重叠" in zh and "退出码 1" in zh
    assert "exit code 1" in en and "三调地类" in en
    # the table lines up by display width: every row's status column starts at the same column
    from greenplan.io.check_text import display_width

    rows = [ln for ln in zh.splitlines() if ln[:1].isdigit() or ln.startswith("#")]
    status = ["状态", "正常", "正常", "正常", "有问题"]
    assert len(rows) == 5
    assert len({display_width(ln[: ln.index(s)]) for ln, s in zip(rows, status, strict=True)}) == 1


def test_progress_and_cancel(county: Path) -> None:
    proj, _ = read_project(county)
    fb = Feedback()
    check_project(proj, feedback=fb)
    assert fb.progress == 100.0
    fb = Feedback()
    fb.cancel()
    from greenplan.core.errors import Canceled

    with pytest.raises(Canceled):
        check_project(proj, feedback=fb)


def test_demo_county_if_present() -> None:
    from greenplan.core.resources import sample_dir

    path = sample_dir() / "demo_county.greenplan.toml"
    assert path.is_file(), "the demo county ships in sample_layers/"
    proj, _ = read_project(path)
    report = check_project(proj)
    assert report.exit_code == 1
    lu = next(lyr for lyr in report.layers if lyr.role == "land_use")
    # seeded (sample_layers/README.md): 10 bow-tie parcels, 5 exact duplicates
    assert lu.invalid_geometries == 10 and lu.checks["overlaps"]["duplicates"] == 5
    cl = {c["key"]: c for c in report.control_lines}
    assert cl["eco_farmland_m2"]["pieces"] == 2 and cl["eco_farmland_m2"]["area_m2"] == pytest.approx(53_537, abs=1)
    assert cl["eco_farmland_m2"]["slivers"] == 1 and cl["eco_farmland_m2"]["sliver_m2"] == pytest.approx(0.50, abs=0.01)
    assert cl["eco_urban_m2"]["pieces"] == 1 and cl["eco_urban_m2"]["area_m2"] == pytest.approx(113_086, abs=1)
    assert cl["farmland_urban_m2"]["pass"] is True
    gbk = next(lyr for lyr in report.layers if lyr.source.suffix == ".shp")
    assert gbk.encoding.encoding == "GB18030" and gbk.encoding.how == "gb18030_fallback"
    assert report.count("error") == 0
