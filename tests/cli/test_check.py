"""``greenplan check``: exit codes, --json, --lang, bad input without tracebacks."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest

from greenplan.cli import check as check_cli
from greenplan.cli.common import guarded


def run(argv: list[str]) -> int:
    """``greenplan check ARGS`` through the command's own parser and the CLI's error guard."""
    parser = argparse.ArgumentParser(prog="greenplan")
    sub = parser.add_subparsers(dest="command")
    check_cli.add_parser(sub)
    args = parser.parse_args(["check", *argv])
    return guarded(check_cli.run, args)


@pytest.fixture(autouse=True)
def _home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GREENPLAN_HOME", str(tmp_path / "用户 数据"))


def test_project_text_and_exit_code(county: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run([str(county), "--quiet"]) == 1
    out = capsys.readouterr().out
    assert "GreenPlan data check: 测试 县" in out and "FAIL" in out and "exit code 1" in out


def test_chinese_text(county: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run([str(county), "--lang", "zh"]) == 1
    out = capsys.readouterr().out
    assert "数据检查" in out and "不通过" in out and "退出码 1" in out


def test_json_output(county: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run([str(county), "--json"]) == 1
    doc = json.loads(capsys.readouterr().out)
    assert doc["schema"] == "greenplan.check/1" and doc["exit_code"] == 1
    assert [lyr["name"] for lyr in doc["layers"]] == ["生态保护红线", "永久基本农田", "城镇开发边界", "三调地类"]


def test_layers_without_a_project(cn_dir: Path, build, capsys: pytest.CaptureFixture[str]) -> None:
    gpkg = cn_dir / "两个 图层.gpkg"
    build.write(build.frame([build.box(0, 0, 100, 100)]), gpkg, "红线")
    build.write(build.frame([build.box(200, 0, 100, 100)]), gpkg, "农田")
    code = run(["--layer", f"ecological_redline={gpkg}:红线", "--layer", f"permanent_farmland={gpkg}:农田",
                "--set", "crs=EPSG:4544", "--json"])
    doc = json.loads(capsys.readouterr().out)
    assert code == 0 and doc["status"] == "ok" and doc["crs_how"] == "project"
    assert [lyr["layer"] for lyr in doc["layers"]] == ["红线", "农田"]
    assert doc["control_lines"][0]["pass"] is True


def test_missing_layer_file_is_exit_2(cn_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = cn_dir / "没有 文件.shp"
    assert run(["--layer", f"urban_boundary={missing}"]) == 2
    out = capsys.readouterr().out
    assert "ERROR" in out and str(missing) in out and "does not exist" in out


def test_windows_drive_path_is_not_split(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["--layer", "land_use=D:\\数据\\三调.gpkg", "--json"]) == 2
    doc = json.loads(capsys.readouterr().out)
    assert doc["layers"][0]["layer"] is None and doc["layers"][0]["issues"][0]["code"] == "file_missing"
    assert doc["layers"][0]["source"].endswith("D:\\数据\\三调.gpkg")


def test_project_file_with_a_syntax_error(cn_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = cn_dir / "坏 项目.greenplan.toml"
    bad.write_text('schema_version = 1\nname = "未闭合\n', encoding="utf-8")
    assert run([str(bad)]) == 2
    err = capsys.readouterr().err
    assert "TOML" in err and "line 2" in err and "有效的 TOML" in err and "Traceback" not in err


def test_syntax_error_with_json_gives_an_error_document(cn_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = cn_dir / "坏.greenplan.toml"
    bad.write_text("schema_version = = 1\n", encoding="utf-8")
    assert run([str(bad), "--json"]) == 2
    captured = capsys.readouterr()
    doc = json.loads(captured.out)
    assert doc["status"] == "unusable" and doc["error"]["error"] == "ProjectFileError"
    assert "Traceback" not in captured.err


def test_unknown_role(cn_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    proj = cn_dir / "角色.greenplan.toml"
    proj.write_text('schema_version = 1\n[[layers]]\nsource = "a.gpkg"\nrole = "parks"\n', encoding="utf-8")
    assert run([str(proj)]) == 2
    err = capsys.readouterr().err
    assert "parks" in err and "layers[0].role" in err and "未知的图层角色" in err
    assert run(["--layer", "parks=a.gpkg"]) == 2
    assert "Valid roles" in capsys.readouterr().err


def test_missing_project_file(cn_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run([str(cn_dir / "没有.greenplan.toml")]) == 2
    assert "项目文件不存在" in capsys.readouterr().err


def test_registered_in_the_main_command(county: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from greenplan.cli.main import main

    assert main(["check", str(county), "--json"]) == 1
    assert json.loads(capsys.readouterr().out)["exit_code"] == 1
