"""``greenplan report PROJECT --out report.docx``: the planning report (Word), one command."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from greenplan.cli.common import add_project_args, run_project_job
from greenplan.core.errors import EXIT_OK


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    from greenplan.jobs.report import MAP_IDS

    p = sub.add_parser(
        "report",
        help="write the planning report (Word .docx) / 生成评估报告（Word）",
        description="Compute the data check, every indicator overall and per township, the conflict register, "
        "the greening candidates and (with --scenario) a scenario, draw the maps, and write them as one "
        "Word report (.docx: cover, contents, 概况, 指标总览, 分乡镇, 三条控制线与冲突, 增绿潜力, 情景方案, "
        "appendices) on the template resources/report/template.docx. "
        "一次生成评估报告：数据检查、指标、分乡镇、冲突登记、增绿潜力、情景方案与专题图。",
    )
    add_project_args(p)
    p.add_argument("--out", type=Path, required=True, help="the report file (.docx) / 报告文件")
    p.add_argument("--scenario", metavar="NAME", help="add a scenario of the project (chapter 6) / 情景方案名称")
    p.add_argument("--themes", metavar="ID,ID...",
                   help=f"maps to include (default all): {', '.join(MAP_IDS)}; '' for none / 报告附图")
    p.add_argument("--lang", choices=("zh", "en"), default="zh", help="language of the report (default zh) / 报告语言")
    p.add_argument("--dpi", type=float, default=None, help="map resolution at print size (default 200) / 地图分辨率")
    p.add_argument("--template", type=Path, help="a Word template with the report's styles / 报告样式模板")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    return p


def parse_themes(text: str | None) -> list[str] | None:
    """``"greening,conflicts"`` -> a list; None (all maps) when not given.

    Examples
    --------
    >>> parse_themes("greening, conflicts"), parse_themes(""), parse_themes(None)
    (['greening', 'conflicts'], [], None)
    """
    if text is None:
        return None
    return [t.strip() for t in text.replace("，", ",").split(",") if t.strip()]


def run(args: argparse.Namespace) -> int:
    from greenplan.jobs.report import REPORT_DPI, check_output_path, run_report

    check_output_path(args.out)  # a bad --out fails before the project is loaded
    themes = parse_themes(args.themes)
    out = run_project_job(args, lambda project, fb: run_report(
        project, args.out, scenario=args.scenario, themes=themes, lang=args.lang, dpi=args.dpi or REPORT_DPI,
        template=args.template, feedback=fb))
    maps = len(out.maps)
    if args.lang == "zh":
        print(f"已写出报告 {out.path}（附图 {maps} 幅，用时 {out.seconds:.1f} 秒）", file=sys.stderr)
    else:
        print(f"written {out.path} ({maps} maps, {out.seconds:.1f} s)", file=sys.stderr)
    return EXIT_OK
