"""``greenplan analyze PROJECT --out DIR``: every indicator, overall and per township."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from greenplan.cli.common import add_project_args, print_warnings, project_from_args
from greenplan.core.feedback import ConsoleFeedback
from greenplan.core.text import fit


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    p = sub.add_parser(
        "analyze",
        help="compute the indicators (绿化覆盖率, 红线占用 ...) / 计算指标",
        description="Compute every indicator of shared/indicators.md for the project, overall and per "
        "township, and write indicators.json, indicators.csv, indicators.xlsx and results.gpkg to --out.",
    )
    add_project_args(p)
    p.add_argument("--out", type=Path, required=True, help="output folder")
    p.add_argument("--lang", choices=("en", "zh"), default="en", help="language of the summary printed")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    return p


def format_summary(doc: dict, lang: str = "en") -> str:
    from greenplan.jobs.indicator_tables import UNIT_LABELS, label

    lines = []
    for key, ind in doc["indicators"].items():
        v, unit = ind.get("value"), ind.get("unit")
        if v is None:
            text = "—"
        elif unit == "ratio":
            text = f"{100 * v:.2f} %"
        elif unit == "count":
            text = f"{int(v)}"
        else:
            text = f"{v:,.2f} {UNIT_LABELS.get(unit, unit or '')}"
        passed = ind.get("pass")
        mark = "" if passed is None else (("达标" if passed else "不达标") if lang == "zh" else ("pass" if passed else "FAIL"))
        grade = ind.get("grade") or ""
        lines.append(f"{fit(label(key, lang), 34)}{fit(text, 18, 'right')}  {fit(grade, 6)}{mark}".rstrip())
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    from greenplan.jobs.analyze import run_analyze

    project, warnings = project_from_args(args)
    print_warnings(warnings)
    fb = ConsoleFeedback(enabled=not args.quiet)
    try:
        out = run_analyze(project, args.out, feedback=fb)
    finally:
        fb.finish()
    print(format_summary(out.document, args.lang))
    for path in out.files.values():
        print(("已写出 " if args.lang == "zh" else "written ") + str(path), file=sys.stderr)
    return 0
