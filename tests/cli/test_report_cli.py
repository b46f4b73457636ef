"""``greenplan report`` through its own parser: exit codes, bilingual errors, no half-written file."""

from __future__ import annotations

import argparse
from pathlib import Path

import docx
import pytest

from greenplan.cli import report as cli_report
from greenplan.cli.common import guarded
from greenplan.core.errors import EXIT_INPUT, EXIT_OK


def run_cli(*argv: str) -> int:
    parser = argparse.ArgumentParser(prog="greenplan")
    sub = parser.add_subparsers(dest="command")
    cli_report.add_parser(sub).set_defaults(_run=cli_report.run)
    args = parser.parse_args([str(a) for a in argv])
    return guarded(args._run, args)


@pytest.fixture
def project(build, cn_dir) -> Path:
    b = build
    gpkg = cn_dir / "县.gpkg"
    b.write(b.frame([b.box(0, 0, 1000, 1000), b.box(1000, 0, 1000, 1000)], name=["甲镇", "乙镇"], code=["1", "2"]),
            gpkg, "admin_units")
    b.write(b.frame([b.box(100, 100, 300, 300)]), gpkg, "ecological_redline")
    layers = [{"name": r, "source": gpkg.name, "layer": r, "role": r} for r in ("admin_units", "ecological_redline")]
    return b.write_project(cn_dir, layers, name="某县")


def test_report_written(project, tmp_path, capsys) -> None:
    out = tmp_path / "报告.docx"
    assert run_cli("report", project, "--out", out, "--themes", "", "--quiet") == EXIT_OK
    d = docx.Document(str(out))
    assert [p.text for p in d.paragraphs if p.style.name == "Title"] == ["某县", "绿化与国土空间管控评估报告"]
    assert "已写出报告" in capsys.readouterr().err


@pytest.mark.parametrize("case", ["missing_project", "unknown_scenario", "missing_folder", "not_docx", "bad_theme"])
def test_bad_input_exit_2_bilingual_and_no_file(case, project, tmp_path, capsys) -> None:
    out = tmp_path / "r.docx"
    argv = {"missing_project": (tmp_path / "无.greenplan.toml", "--out", out),
            "unknown_scenario": (project, "--out", out, "--scenario", "远景"),
            "missing_folder": (project, "--out", tmp_path / "无此目录" / "r.docx"),
            "not_docx": (project, "--out", tmp_path / "r.pdf"),
            "bad_theme": (project, "--out", out, "--themes", "greening,地形")}[case]
    assert run_cli("report", *argv, "--quiet") == EXIT_INPUT
    err = capsys.readouterr().err
    assert "错误 / error" in err and "Traceback" not in err
    zh, en = {"missing_project": ("项目文件不存在", "does not exist"),
              "unknown_scenario": ("没有名为“远景”的情景", "no scenario named"),
              "missing_folder": ("输出文件夹不存在", "output folder does not exist"),
              "not_docx": (".docx", ".docx"),
              "bad_theme": ("未知的报告地图“地形”", "Unknown report map")}[case]
    assert zh in err and en in err
    assert not list(tmp_path.rglob("*.docx")) and not list(tmp_path.rglob(".*.tmp*"))


def test_parse_themes() -> None:
    assert cli_report.parse_themes("greening，conflicts") == ["greening", "conflicts"]
