"""``greenplan export`` and ``greenplan batch`` end to end through their own parsers: files, exit codes, messages."""

from __future__ import annotations

import argparse
import csv
from pathlib import Path

import pypdf
import pytest
import shapely

from greenplan.cli import batch as cli_batch
from greenplan.cli import export as cli_export
from greenplan.cli.common import guarded


def run_cli(*argv: str) -> int:
    parser = argparse.ArgumentParser(prog="greenplan")
    sub = parser.add_subparsers(dest="command")
    for mod in (cli_export, cli_batch):
        mod.add_parser(sub).set_defaults(_run=mod.run)
    args = parser.parse_args([str(a) for a in argv])
    return guarded(args._run, args)


@pytest.fixture
def county(build, cn_dir) -> Path:
    """Townships 甲镇, 乙镇 (zero area: dropped when loading), 丙镇; a red line square in 甲镇 and 丙镇."""
    b = build
    zero = shapely.Polygon([(b.X0 + 1000, b.Y0), (b.X0 + 1500, b.Y0 + 500), (b.X0 + 2000, b.Y0 + 1000)])
    gpkg = cn_dir / "县.gpkg"
    b.write(b.frame([b.box(0, 0, 1000, 1000), zero, b.box(2000, 0, 1000, 1000)], name=["甲镇", "乙镇", "丙镇"],
                    code=["1", "2", "3"]), gpkg, "admin_units")
    b.write(b.frame([b.box(100, 100, 300, 300), b.box(2100, 100, 300, 300)]), gpkg, "ecological_redline")
    layers = [{"name": r, "source": gpkg.name, "layer": r, "role": r} for r in ("admin_units", "ecological_redline")]
    return b.write_project(cn_dir, layers, name="某县")


def test_export_writes_the_map_with_title_and_world_file(county, build, tmp_path, capsys) -> None:
    out = tmp_path / "三线 图.pdf"
    code = run_cli("export", county, "--theme", "control_lines", "--out", out, "--paper", "A4", "--orientation",
                   "portrait", "--dpi", "40", "--title", "某县生态红线示意图", "--quiet")
    assert code == 0 and "written" in capsys.readouterr().err
    page = pypdf.PdfReader(out).pages[0]
    assert "某县生态红线示意图" in page.extract_text()
    assert float(page.mediabox.width) == pytest.approx(210 / 25.4 * 72, abs=0.5)  # A4 portrait
    png = tmp_path / "甲镇.png"
    extent = f"{build.X0},{build.Y0},{build.X0 + 1000},{build.Y0 + 1000}"
    assert run_cli("export", county, "--out", png, "--dpi", "30", "--extent", extent, "--unit", "甲镇", "--quiet") == 0
    assert png.is_file() and len((tmp_path / "甲镇.pgw").read_text().split()) == 6


@pytest.mark.parametrize(("args", "message"), [
    (("--theme", "no_such"), "未知的专题图"),
    (("--extent", "1,2,3"), "--extent"),
    (("--unit", "无此镇"), "无此镇"),
    (("--paper", "B5"), "B5"),
])
def test_export_bad_input_exits_2_with_a_message(county, tmp_path, capsys, args, message) -> None:
    code = run_cli("export", county, "--out", tmp_path / "a.pdf", "--quiet", *args)
    err = capsys.readouterr().err
    assert code == 2 and message in err and "Traceback" not in err
    assert not (tmp_path / "a.pdf").exists()


def test_batch_exit_1_names_the_failed_township_and_writes_the_others(county, tmp_path, capsys) -> None:
    out = tmp_path / "乡镇 图"
    code = run_cli("batch", county, "--by", "admin_units", "--themes", "control_lines", "--formats", "pdf,png",
                   "--out", out, "--dpi", "30", "--jobs", "1", "--quiet")
    stdout = capsys.readouterr().out
    assert code == 1
    assert "失败 2 个" in stdout and "2 乙镇" in stdout
    assert sorted(p.name for p in (out / "control_lines").glob("*.pdf")) == ["1_甲镇.pdf", "3_丙镇.pdf"]
    rows = list(csv.DictReader((out / "index.csv").read_text(encoding="utf-8-sig").splitlines()[1:]))
    assert [(r["unit_name"], r["format"], r["status"]) for r in rows if r["status"] == "failed"] == [
        ("乙镇", "pdf", "failed"), ("乙镇", "png", "failed")]
    assert len(pypdf.PdfReader(out / "乡镇专题图集.pdf").pages) == 2 + 2  # cover, contents, the two sheets
    # rerun: the others are up to date, the broken one still fails
    assert run_cli("batch", county, "--themes", "control_lines", "--formats", "pdf,png", "--out", out, "--dpi", "30",
                   "--jobs", "1", "--quiet") == 1
    assert "跳过 5 个" in capsys.readouterr().out
    # only the good townships: everything up to date, exit 0
    assert run_cli("batch", county, "--formats", "pdf,png", "--out", out, "--dpi", "30", "--units", "甲镇,3",
                   "--quiet") == 0


@pytest.mark.parametrize(("args", "message"), [
    (("--formats", "pdf,docx"), "docx"),
    (("--jobs", "0"), "--jobs"),
    (("--themes", "x"), "未知的专题图"),
    (("--units", "9"), "9"),
])
def test_batch_bad_input_exits_2(county, tmp_path, capsys, args, message) -> None:
    code = run_cli("batch", county, "--out", tmp_path / "o", "--quiet", *args)
    err = capsys.readouterr().err
    assert code == 2 and message in err and "Traceback" not in err
    assert not (tmp_path / "o").exists()
