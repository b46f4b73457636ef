"""``run_main_job``: check, indicators and township maps without a display."""

from __future__ import annotations

import json
from pathlib import Path

import pypdf
import pytest
import shapely

from greenplan.jobs.headless import MAP_THEMES, run_main_job


@pytest.fixture
def county(build, cn_dir) -> Path:
    b = build
    gpkg = cn_dir / "县.gpkg"
    b.write(b.frame([b.box(0, 0, 1000, 1000), b.box(1000, 0, 1000, 1000)], name=["甲镇", "乙镇"], code=["1", "2"],
                    population=[100, 200]), gpkg, "admin_units")
    b.write(b.frame([b.box(100, 100, 300, 300)]), gpkg, "ecological_redline")
    b.write(b.frame([b.box(300, 100, 300, 300)]), gpkg, "permanent_farmland")
    b.write(b.frame([b.box(1100, 100, 700, 700)]), gpkg, "urban_boundary")
    b.write(b.frame([b.box(1200, 200, 500, 500)]), gpkg, "built_up_area")
    b.write(b.frame([b.box(1300, 300, 100, 100)], **{"class": ["G1"]}), gpkg, "green_space")
    layers = [{"name": r, "source": gpkg.name, "layer": r, "role": r} for r in
              ("admin_units", "ecological_redline", "permanent_farmland", "urban_boundary", "built_up_area",
               "green_space")]
    return b.write_project(cn_dir, layers, name="某县")


def test_main_job_writes_check_indicators_and_township_maps(county, tmp_path, capsys) -> None:
    out = tmp_path / "输出"
    assert run_main_job(county, out, map_dpi=30, jobs=1) == 0
    assert json.loads((out / "check.json").read_text(encoding="utf-8"))
    doc = json.loads((out / "indicators" / "indicators.json").read_text(encoding="utf-8"))
    assert doc["indicators"]["redline_overlaps"]["value"] == pytest.approx(100.0 * 300.0)  # E ∩ F
    for theme in MAP_THEMES:
        assert sorted(p.name for p in (out / "maps" / theme).glob("*.png")) == ["1_甲镇.png", "2_乙镇.png"]
    combined = pypdf.PdfReader(out / "maps" / "乡镇专题图集.pdf")
    assert len(combined.pages) == 2 + 2 * len(MAP_THEMES)  # cover, contents, the sheets
    assert "3.00 公顷" in combined.pages[2].extract_text()  # 甲镇's E ∩ F on its control-lines map
    assert "written" in capsys.readouterr().out  # the batch summary


def test_main_job_exit_codes(build, cn_dir, tmp_path) -> None:
    b = build
    gpkg = cn_dir / "坏.gpkg"
    zero = shapely.Polygon([(b.X0, b.Y0), (b.X0 + 5, b.Y0 + 5), (b.X0 + 10, b.Y0 + 10)])
    b.write(b.frame([b.box(0, 0, 1000, 1000), zero], name=["甲镇", "乙镇"], code=["1", "2"]), gpkg, "admin_units")
    b.write(b.frame([b.box(100, 100, 300, 300)]), gpkg, "ecological_redline")
    b.write(b.frame([b.box(300, 100, 300, 300)]), gpkg, "permanent_farmland")
    project = b.write_project(cn_dir, [{"source": gpkg.name, "layer": r, "role": r} for r in
                                       ("admin_units", "ecological_redline", "permanent_farmland")])
    assert run_main_job(project, tmp_path / "a", themes=("control_lines",), map_dpi=30, jobs=1) == 1  # 乙镇 failed
    assert (tmp_path / "a" / "maps" / "control_lines" / "1_甲镇.pdf").is_file()
    missing = b.write_project(cn_dir, [{"source": "无此文件.gpkg", "role": "admin_units"}])
    assert run_main_job(missing, tmp_path / "b", map_dpi=30, jobs=1) == 2
    assert not (tmp_path / "b" / "maps").exists()
