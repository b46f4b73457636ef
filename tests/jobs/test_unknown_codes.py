"""Class mapping and unknown codes (indicators.md v2.2), end to end through the CLI.

Fixtures are modelled on real data a county receives: OpenStreetMap land use (Geofabrik's
``fclass`` words), second-survey (二调) three-digit codes, and green space whose classes are
OSM words instead of CJJ/T 85-2017 classes. Expected values come from plain geopandas.
"""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import pytest
import shapely

from greenplan.cli.main import main

#: OSM land use tiling B (1000 × 1000 m): fclass, x, width (all 1000 m tall)
OSM_PARCELS = [("forest", 0, 400), ("park", 400, 100), ("residential", 500, 300), ("industrial", 800, 150),
               ("nature_reserve", 950, 50)]


@pytest.fixture(autouse=True)
def _home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GREENPLAN_HOME", str(tmp_path / "用户 数据"))


def _county(build, folder: Path, codes: list[tuple[str, float, float]], *, field: str, gs_classes=None,
            classes=None, gs_mapping=None) -> Path:
    gpkg = folder / "osm 数据.gpkg"
    build.write(build.frame([build.box(0, 0, 1000, 1000)]), gpkg, "built_up_area")
    build.write(build.frame([build.box(0, 0, 500, 1000), build.box(500, 0, 500, 1000)], name=["西镇", "东镇"],
                            code=["640101001", "640101002"], population=[20000, 30000]), gpkg, "admin_units")
    build.write(build.frame([build.box(x, 0, w, 1000) for _, x, w in codes], **{field: [c for c, _, _ in codes]}),
                gpkg, "land_use")
    layers = [
        {"name": "建成区", "source": gpkg.name, "layer": "built_up_area", "role": "built_up_area"},
        {"name": "乡镇", "source": gpkg.name, "layer": "admin_units", "role": "admin_units"},
        {"name": "OSM 地类", "source": gpkg.name, "layer": "land_use", "role": "land_use", "fields": {"DLBM": field}},
    ]
    if classes is not None:
        layers[2]["classes"] = classes
    if gs_classes is not None:
        # park 100 × 200 inside the residential parcel, forest 50 × 50 beside it
        build.write(build.frame([build.box(600, 100, 100, 200), build.box(600, 500, 50, 50)], fclass=gs_classes),
                    gpkg, "green_space")
        gs = {"name": "绿地", "source": gpkg.name, "layer": "green_space", "role": "green_space", "fields": {"class": "fclass"}}
        if gs_mapping is not None:
            gs["classes"] = gs_mapping
        layers.append(gs)
    return build.write_project(folder, layers)


def _analyze(project: Path, out: Path, *extra: str) -> int:
    return main(["analyze", str(project), "--out", str(out), "--quiet", *extra])


def _expected_coverage(project: Path, green_fclass: set[str]) -> float:
    """Independent computation: union of the green parcels ∩ B over B, in plain geopandas."""
    gpkg = project.parent / "osm 数据.gpkg"
    b = gpd.read_file(gpkg, layer="built_up_area")
    lu = gpd.read_file(gpkg, layer="land_use")
    col = [c for c in lu.columns if c != "geometry"][0]
    green = lu[lu[col].isin(green_fclass)]
    inter = gpd.overlay(green.dissolve(), b, how="intersection")
    return float(inter.area.sum() / b.area.sum())


def test_osm_land_use_without_mapping_exits_1_names_the_codes_and_the_preset(build, cn_dir: Path, capsys) -> None:
    project = _county(build, cn_dir, OSM_PARCELS, field="fclass")
    assert _analyze(project, cn_dir / "out") == 1
    cap = capsys.readouterr()
    assert "Traceback" not in cap.err
    assert "NOT graded" in cap.err and "'forest'" in cap.err and "classes = \"osm\"" in cap.err
    assert "--set land_use.classes=osm" in cap.err
    doc = json.loads((cn_dir / "out" / "indicators.json").read_text(encoding="utf-8"))
    cov = doc["indicators"]["green_coverage_vector"]
    assert cov["unknown_share"] == pytest.approx(1.0)
    assert cov["grade"] is None and cov["pass"] is None and cov["ungraded"] == "unknown_codes" and cov["bound"] == "lower"
    assert any("forest" in n for n in cov["notes"])
    # per township too: each is fully unknown
    for unit in doc["by_unit"]:
        u = unit["indicators"]["green_coverage_vector"]
        assert u["unknown_share"] == pytest.approx(1.0) and u["grade"] is None
    # nothing on screen grades a value measured on unknown codes
    line = next(ln for ln in cap.out.splitlines() if ln.startswith("Green coverage (vector)"))
    assert "not graded" in line and "(incl. unknown codes)" in line and "FAIL" not in line and "pass" not in line
    assert doc["unknown_codes"] and {r["code"] for r in doc["unknown_codes"]} == {c for c, _, _ in OSM_PARCELS}


def test_osm_preset_gives_the_coverage_plain_geopandas_gives(build, cn_dir: Path, capsys) -> None:
    project = _county(build, cn_dir, OSM_PARCELS, field="fclass")
    assert _analyze(project, cn_dir / "out", "--set", "land_use.classes=osm") == 0
    doc = json.loads((cn_dir / "out" / "indicators.json").read_text(encoding="utf-8"))
    cov = doc["indicators"]["green_coverage_vector"]
    expected = _expected_coverage(project, {"forest", "park"})
    assert expected == pytest.approx(0.5)  # 400 + 100 of 1000 m
    assert cov["value"] == pytest.approx(expected, rel=1e-9)
    assert cov["unknown_share"] == 0 and cov["grade"] == "I" and cov["pass"] is True
    # nature_reserve is "ignore": listed, in no category, not unknown
    assert "unknown_codes" not in doc
    assert any("ignore" in n and "50000.0 m²" in n for n in doc["notes"])
    # residential 0701 is construction: urban boundary missing → utilization null, but the
    # population spread uses it: west 20,000 people, no residential → park per capita from both
    assert doc["indicators"]["green_space_ratio"]["value"] == pytest.approx(0.1)  # park 0810 only
    assert "Traceback" not in capsys.readouterr().err


def test_class_mapping_in_the_project_file_as_a_table_and_as_a_csv(build, cn_dir: Path) -> None:
    (cn_dir / "映射 表.csv").write_text("source,target\nforest,0301\npark,0810\nresidential,0701\n"
                                       "industrial,0601\nnature_reserve,ignore\n", encoding="gbk")
    project = _county(build, cn_dir, OSM_PARCELS, field="fclass", classes="映射 表.csv")
    assert _analyze(project, cn_dir / "out") == 0
    doc = json.loads((cn_dir / "out" / "indicators.json").read_text(encoding="utf-8"))
    assert doc["indicators"]["green_coverage_vector"]["value"] == pytest.approx(0.5)
    project = _county(build, cn_dir, OSM_PARCELS, field="fclass",
                      classes={"forest": "0301", "park": "0810", "residential": "0701"})
    assert _analyze(project, cn_dir / "out2") == 1  # industrial and nature_reserve stay unknown
    doc = json.loads((cn_dir / "out2" / "indicators.json").read_text(encoding="utf-8"))
    cov = doc["indicators"]["green_coverage_vector"]
    assert cov["value"] == pytest.approx(0.5) and cov["unknown_share"] == pytest.approx(0.2) and cov["grade"] is None


def test_small_unknown_share_is_graded_and_reported(build, cn_dir: Path) -> None:
    parcels = [("0301", 0, 400), ("0810", 400, 100), ("0701", 500, 495), ("XYZ", 995, 5)]  # 0.5 % unknown
    project = _county(build, cn_dir, parcels, field="DLBM")
    assert _analyze(project, cn_dir / "out") == 0
    doc = json.loads((cn_dir / "out" / "indicators.json").read_text(encoding="utf-8"))
    cov = doc["indicators"]["green_coverage_vector"]
    assert cov["unknown_share"] == pytest.approx(0.005) and cov["grade"] == "I"


def test_erdiao_codes_are_not_read_as_sandiao_prefixes(build, cn_dir: Path, capsys) -> None:
    # 二调 031 有林地, 087 公园与绿地, 071 城镇住宅, 061 工业: "087" must never count as 08xx construction
    parcels = [("031", 0, 300), ("087", 300, 200), ("071", 500, 300), ("061", 800, 200)]
    project = _county(build, cn_dir, parcels, field="DLBM")
    assert _analyze(project, cn_dir / "out") == 1
    err = capsys.readouterr().err
    assert 'classes = "erdiao"' in err and "'087'" in err
    doc = json.loads((cn_dir / "out" / "indicators.json").read_text(encoding="utf-8"))
    assert doc["indicators"]["green_coverage_vector"]["value"] == 0
    assert doc["indicators"]["green_coverage_vector"]["unknown_share"] == pytest.approx(1.0)
    assert _analyze(project, cn_dir / "out2", "--set", "land_use.classes=erdiao") == 0
    doc = json.loads((cn_dir / "out2" / "indicators.json").read_text(encoding="utf-8"))
    # 031 → 0301 and 087 → 0810 are vegetation: 300 + 200 of 1000 m
    assert doc["indicators"]["green_coverage_vector"]["value"] == pytest.approx(0.5)
    assert doc["indicators"]["green_space_ratio"]["value"] == pytest.approx(0.2)


def test_green_space_with_osm_classes(build, cn_dir: Path, capsys) -> None:
    project = _county(build, cn_dir, [("0701", 0, 1000)], field="DLBM", gs_classes=["park", "forest"])
    assert _analyze(project, cn_dir / "out") == 1
    err = capsys.readouterr().err
    assert "unknown green-space classes" in err and 'classes = "osm"' in err
    doc = json.loads((cn_dir / "out" / "indicators.json").read_text(encoding="utf-8"))
    gsr = doc["indicators"]["green_space_ratio"]
    # 20,000 + 2,500 m² of 1,000,000 unknown; the ratio counted none of it
    assert gsr["value"] == 0 and gsr["unknown_share"] == pytest.approx(0.0225) and gsr["grade"] is None
    project = _county(build, cn_dir, [("0701", 0, 1000)], field="DLBM", gs_classes=["park", "forest"], gs_mapping="osm")
    assert _analyze(project, cn_dir / "out2") == 0
    doc = json.loads((cn_dir / "out2" / "indicators.json").read_text(encoding="utf-8"))
    # park → G1 counts; forest → EG counts only where it touches construction land (it does: 0701)
    expected = shapely.box(0, 0, 100, 200).area + shapely.box(0, 0, 50, 50).area
    assert doc["indicators"]["green_space_ratio"]["value"] == pytest.approx(expected / 1e6)
    assert doc["indicators"]["green_space_ratio"]["unknown_share"] == 0


def test_check_reports_unknown_codes_with_count_share_and_preset(build, cn_dir: Path, capsys) -> None:
    project = _county(build, cn_dir, OSM_PARCELS, field="fclass")
    assert main(["check", str(project), "--json"]) == 1
    doc = json.loads(capsys.readouterr().out)
    (issue,) = [i for i in doc["issues"] if i["code"] == "unknown_codes"]
    assert issue["level"] == "problem"
    codes = {c["code"]: c for c in issue["data"]["codes"]}
    assert codes["forest"]["features"] == 1 and codes["forest"]["share"] == pytest.approx(0.4)
    assert issue["data"]["codes"][0]["code"] == "forest"  # by area
    assert 'classes = "osm"' in issue["message_en"] and "OpenStreetMap" in issue["message_zh"]
    assert main(["check", str(project), "--json", "--set", "land_use.classes=osm"]) in (0, 1)
    doc = json.loads(capsys.readouterr().out)
    assert not [i for i in doc["issues"] if i["code"] == "unknown_codes"]
    assert [i for i in doc["issues"] if i["code"] == "class_mapping"]


def test_outputs_mark_the_value_and_grade_nothing(build, cn_dir: Path) -> None:
    from openpyxl import load_workbook

    from greenplan.render.panels import format_indicator

    project = _county(build, cn_dir, OSM_PARCELS, field="fclass")
    assert _analyze(project, cn_dir / "out") == 1
    doc = json.loads((cn_dir / "out" / "indicators.json").read_text(encoding="utf-8"))
    ws = load_workbook(cn_dir / "out" / "indicators.xlsx")["汇总"]
    row = next(r for r in ws.iter_rows(min_row=4) if r[0].value == "建成区绿化覆盖率（矢量法）")
    assert row[5].value == "含未识别地类，数值为下限" and row[6].value == "未评级"
    assert "≥" in row[1].number_format and "含未识别地类" in row[1].number_format
    value, ev, _ = format_indicator(doc["indicators"]["green_coverage_vector"])
    assert value == "≥ 0.00%（含未识别地类）" and ev == "未评级"
    csv_text = (cn_dir / "out" / "indicators.csv").read_text(encoding="utf-8-sig")
    assert "含未识别地类" in csv_text


def test_candidates_on_unknown_land_use_warn_and_exit_1(build, cn_dir: Path, capsys) -> None:
    project = _county(build, cn_dir, OSM_PARCELS, field="fclass")
    assert main(["candidates", str(project), "--out", str(cn_dir / "c"), "--quiet"]) == 1
    err = capsys.readouterr().err
    assert "WARNING" in err and "pocket parks" in err and 'classes = "osm"' in err and "Traceback" not in err
    doc = json.loads((cn_dir / "c" / "candidates_summary.json").read_text(encoding="utf-8"))
    assert doc["unknown_share"] == pytest.approx(1.0) and doc["unknown_affects"] == ["pocket_park", "belt"]
    assert main(["candidates", str(project), "--out", str(cn_dir / "c2"), "--quiet", "--set", "land_use.classes=osm"]) == 0
