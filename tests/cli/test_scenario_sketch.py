"""``greenplan scenario PROJECT --name NAME`` includes the scenario's hand-drawn sketch."""

from __future__ import annotations

import argparse
import json

import pytest
import shapely

import greenplan.cli.scenario as cli_scenario
from greenplan.cli.common import guarded
from greenplan.core.project import read_project
from greenplan.core.scenario import SketchRef
from greenplan.jobs.sketch import write_sketch


def cli(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="greenplan")
    sub = parser.add_subparsers(dest="command")
    cli_scenario.add_parser(sub).set_defaults(_run=cli_scenario.run)
    args = parser.parse_args(argv)
    return guarded(args._run, args)


def test_scenario_command_includes_the_sketch(build, cn_dir, tmp_path, capsys) -> None:
    gpkg = cn_dir / "城区.gpkg"
    build.write(build.frame([build.box(0, 0, 1000, 1000)]), gpkg, "built_up_area")
    build.write(build.frame([build.box(0, 0, 100, 100)], **{"class": ["G1"]}), gpkg, "green_space")
    ref = {"source": "草图.gpkg", "layer": "近期"}
    layers = [{"name": r, "source": gpkg.name, "layer": r, "role": r} for r in ("built_up_area", "green_space")]
    project, _ = read_project(build.write_project(cn_dir, layers, scenarios=[{"name": "近期", "sketch": ref}]))
    park = build.box(500, 500, 40, 50)
    write_sketch(project, SketchRef(**ref), build.frame([park], kind=["pocket_park"], name=["街角 公园"]))
    out = tmp_path / "情景"
    assert cli(["scenario", str(project.path), "--name", "近期", "--out", str(out), "--quiet"]) == 0
    doc = json.loads((out / "scenario.json").read_text(encoding="utf-8"))
    b = build.box(0, 0, 1000, 1000)
    expected = shapely.union(build.box(0, 0, 100, 100), park).area / b.area
    assert doc["indicators"]["green_coverage_vector"]["after"] == pytest.approx(expected, rel=1e-9)
    assert doc["selected"]["sketch"]["area_m2"] == pytest.approx(2_000)
    assert "1.00 % → 1.20 %" in capsys.readouterr().out


def test_missing_sketch_file_exits_2_in_both_languages(build, cn_dir, tmp_path, capsys) -> None:
    gpkg = cn_dir / "城区.gpkg"
    build.write(build.frame([build.box(0, 0, 1000, 1000)]), gpkg, "built_up_area")
    layers = [{"name": "B", "source": gpkg.name, "layer": "built_up_area", "role": "built_up_area"}]
    path = build.write_project(cn_dir, layers, scenarios=[{"name": "近期", "sketch": {"source": "无.gpkg", "layer": "近期"}}])
    assert cli(["scenario", str(path), "--name", "近期", "--out", str(tmp_path / "o"), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "草图文件 无.gpkg 不存在" in err and "sketch file 无.gpkg does not exist" in err and "Traceback" not in err
