"""Only what needs a field waits for it (#13): a land-use layer without ``DLBM`` (OSM data,
code in ``fclass``, not mapped) leaves out the indicators that need the codes, not the maps.

The control-line map and batch work and say what they left out; the greening map is
written with the DLBM-dependent indicators null and a note naming the layer by its name;
``analyze`` still stops (exit 2) naming the layer; ``check`` names it too.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest

from greenplan.cli import analyze as cli_analyze
from greenplan.cli import batch as cli_batch
from greenplan.cli import check as cli_check
from greenplan.cli import export as cli_export
from greenplan.cli.common import guarded
from greenplan.core.project import read_project
from greenplan.jobs.export import load_map_data
from greenplan.render.themes import get_theme

NAME = "OSM 地类"


def run_cli(*argv: str) -> int:
    parser = argparse.ArgumentParser(prog="greenplan")
    sub = parser.add_subparsers(dest="command")
    for mod in (cli_export, cli_batch, cli_check, cli_analyze):
        mod.add_parser(sub).set_defaults(_run=mod.run)
    args = parser.parse_args([str(a) for a in argv])
    return guarded(args._run, args)


@pytest.fixture
def osm(build, cn_dir) -> Path:
    b, gpkg = build, cn_dir / "县 数据.gpkg"
    b.write(b.frame([b.box(0, 0, 2000, 2000), b.box(2000, 0, 2000, 2000)], name=["东风镇", "西湖乡"],
                    code=["640101001", "640101002"], population=[1000, 2000]), gpkg, "admin_units")
    b.write(b.frame([b.box(200, 200, 500, 500)]), gpkg, "ecological_redline")
    b.write(b.frame([b.box(600, 200, 500, 500)]), gpkg, "permanent_farmland")
    b.write(b.frame([b.box(2500, 500, 1000, 1000)]), gpkg, "urban_boundary")
    b.write(b.frame([b.box(2700, 700, 200, 200)], **{"class": ["G1"]}), gpkg, "green_space")
    # OSM land use: the code is in fclass, no DLBM, and the project maps nothing
    b.write(b.frame([b.box(2600, 1000, 300, 300), b.box(700, 300, 300, 300)], fclass=["park", "retail"]),
            gpkg, "osm_landuse")
    layers = [{"name": r, "source": gpkg.name, "layer": r, "role": r}
              for r in ("admin_units", "ecological_redline", "permanent_farmland", "urban_boundary", "green_space")]
    layers.append({"name": NAME, "source": gpkg.name, "layer": "osm_landuse", "role": "land_use"})
    return b.write_project(cn_dir, layers, name="小县")


def test_control_lines_map_is_written_and_says_what_it_left_out(osm, cn_dir, capsys) -> None:
    out = cn_dir / "三线.png"
    assert run_cli("export", osm, "--theme", "control_lines", "--out", out, "--dpi", "40", "--quiet") == 0
    assert out.stat().st_size > 0 and (cn_dir / "三线.pgw").exists()
    err = capsys.readouterr().err
    assert f"土地利用图层“{NAME}”（县 数据.gpkg）缺少地类编码字段（DLBM）" in err
    assert f"layer '{NAME}'" in err and "left out" in err
    # the land-use layer is drawn (plainly); the control-line overlap is still computed
    project, _ = read_project(osm)
    data = load_map_data(project, [get_theme("control_lines")])
    assert "DLBM" not in data.layers["land_use"].columns and len(data.layers["land_use"]) == 2
    rows = data.doc["indicators"]
    assert rows["redline_overlaps"]["value"] == pytest.approx(50_000.0)
    nonfarm = rows["farmland_nonfarm_use"]
    assert nonfarm["value"] is None and NAME in nonfarm["notes"][0] and "DLBM" in nonfarm["notes"][0]
    assert data.left_out and NAME in data.left_out[0]


def test_greening_map_has_null_land_use_indicators_with_a_note(osm, cn_dir, capsys) -> None:
    out = cn_dir / "绿化.png"
    assert run_cli("export", osm, "--theme", "greening", "--out", out, "--dpi", "40", "--quiet") == 0
    assert out.exists()
    assert f"“{NAME}”" in capsys.readouterr().err
    project, _ = read_project(osm)
    data = load_map_data(project, [get_theme("greening")])
    rows = data.doc["indicators"]
    park = rows["park_service_coverage"]
    assert park["value"] is None and NAME in park["notes"][0]
    assert rows["green_coverage_vector"]["value"] is not None  # the green space layer still counts
    assert any(NAME in n for n in data.left_out)
    assert data.doc["notes"][0].startswith(f"土地利用图层“{NAME}”")


def test_batch_control_lines_works(osm, cn_dir, capsys) -> None:
    out = cn_dir / "批量"
    code = run_cli("batch", osm, "--themes", "control_lines,greening", "--formats", "png", "--dpi", "30",
                   "--out", out, "--jobs", "1", "--quiet")
    assert code == 0
    assert len(list((out / "control_lines").glob("*.png"))) == 2
    assert len(list((out / "greening").glob("*.png"))) == 2
    assert f"“{NAME}”" in capsys.readouterr().err


def test_analyze_still_stops_naming_the_layer(osm, cn_dir, capsys) -> None:
    assert run_cli("analyze", osm, "--out", cn_dir / "结果") == 2
    err = capsys.readouterr().err
    assert f"“{NAME}”" in err and "land_use'" not in err and "--set land_use.DLBM=" in err
    assert "图层属性" in err


def test_check_names_the_layer_and_how_to_fix_it(osm, capsys) -> None:
    run_cli("check", osm)
    out = capsys.readouterr().out
    line = next(x for x in out.splitlines() if "DLBM" in x and "PROBLEM" in x)
    assert f"Layer '{NAME}' (县 数据.gpkg)" in line and "Layer properties" in line and "--set land_use.DLBM=" in line


def test_indicators_json_of_a_partial_run_is_valid_json(osm) -> None:
    from greenplan.jobs.analyze import compute_project_indicators

    project, _ = read_project(osm)
    doc, _, _ = compute_project_indicators(project, partial=True)
    assert json.loads(json.dumps(doc, ensure_ascii=False))["indicators"]["farmland_nonfarm_use"]["value"] is None
