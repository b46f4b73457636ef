"""``greenplan candidates`` and ``greenplan scenario``: arguments, outputs, messages, exit codes.

The commands are built here from their modules (``add_parser``/``run``) the way
``greenplan.cli.main`` builds every command, and run through ``guarded`` as ``main`` does.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest

import greenplan.cli.candidates as cli_candidates
import greenplan.cli.scenario as cli_scenario
from greenplan.cli.common import guarded

SCENARIO = {"name": "近期", "selections": [{"kind": "rooftop", "rule": "score >= 0"}, {"kind": "pocket_park", "ids": ["P0001"]}]}


def cli(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="greenplan")
    sub = parser.add_subparsers(dest="command")
    for mod in (cli_candidates, cli_scenario):
        mod.add_parser(sub).set_defaults(_run=mod.run)
    args = parser.parse_args(argv)
    return guarded(args._run, args)


@pytest.fixture
def project(build, cn_dir) -> Path:
    """B 1000 x 1000; one flat 30 x 20 roof; one 50 x 40 idle parcel; a park; farmland far away."""
    gpkg = cn_dir / "小 城.gpkg"
    w, f = build.write, build.frame
    w(f([build.box(0, 0, 1000, 1000)]), gpkg, "built_up_area")
    w(f([build.box(100, 100, 30, 20)], height_m=[12.0], floors=[4], roof_type=["flat"], structure=["砖混"],
        year_built=[2001]), gpkg, "buildings")
    w(f([build.box(400, 400, 50, 40)], parcel_id=["XZ-1"]), gpkg, "idle_land")
    w(f([build.box(800, 800, 100, 100)], **{"class": ["G1"]}), gpkg, "green_space")
    w(f([build.box(0, 2000, 100, 100)]), gpkg, "permanent_farmland")
    roles = ["built_up_area", "buildings", "idle_land", "green_space", "permanent_farmland"]
    layers = [{"name": r, "source": gpkg.name, "layer": r, "role": r} for r in roles]
    return build.write_project(cn_dir, layers, scenarios=[SCENARIO])


def test_candidates_command_writes_outputs(project, tmp_path, capsys) -> None:
    out = tmp_path / "候选 输出"
    assert cli(["candidates", str(project), "--out", str(out), "--quiet"]) == 0
    captured = capsys.readouterr()
    assert "rooftop" in captured.out and "1 of 1" in captured.out
    assert "candidates.gpkg" in captured.err
    doc = json.loads((out / "candidates_summary.json").read_text(encoding="utf-8"))
    assert doc["kinds"]["rooftop"]["planted_m2"] == pytest.approx(420.0)
    assert doc["kinds"]["pocket_park"]["candidates"] == 1


def test_candidates_command_in_chinese(project, tmp_path, capsys) -> None:
    assert cli(["candidates", str(project), "--out", str(tmp_path / "o"), "--quiet", "--lang", "zh"]) == 0
    assert "屋顶绿化" in capsys.readouterr().out


def test_scenario_command_reports_before_and_after(project, tmp_path, capsys) -> None:
    out = tmp_path / "情景"
    assert cli(["scenario", str(project), "--name", "近期", "--out", str(out), "--quiet"]) == 0
    text = capsys.readouterr().out
    # coverage of B: 10,000 m² park -> + 420 m² roof + 2,000 m² pocket park
    assert "1.00 % → 1.24 %" in text and "valid" in text
    doc = json.loads((out / "scenario.json").read_text(encoding="utf-8"))
    assert doc["indicators"]["green_coverage_vector"]["after"] == pytest.approx(12_420 / 1e6, rel=1e-9)


def test_unknown_scenario_exits_2_with_both_languages(project, tmp_path, capsys) -> None:
    assert cli(["scenario", str(project), "--name", "远期", "--out", str(tmp_path / "o"), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "没有名为“远期”的情景" in err and "no scenario named '远期'" in err and "Traceback" not in err


def test_missing_project_exits_2(tmp_path, capsys) -> None:
    assert cli(["candidates", str(tmp_path / "无此项目.greenplan.toml"), "--out", str(tmp_path / "o")]) == 2
    assert "项目文件不存在" in capsys.readouterr().err


def test_failed_check_exits_1(project, tmp_path, monkeypatch, capsys) -> None:
    import greenplan.jobs.scenario as job

    real = job.check_scenario

    def occupied(greening, layers, sliver_m2):
        out = real(greening, layers, sliver_m2)
        return out | {"farmland_occupied_m2": 12.5, "valid": False}

    monkeypatch.setattr(job, "check_scenario", occupied)
    assert cli(["scenario", str(project), "--name", "近期", "--out", str(tmp_path / "o"), "--quiet", "--lang", "zh"]) == 1
    assert "不合规" in capsys.readouterr().out
