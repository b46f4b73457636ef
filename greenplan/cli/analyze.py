"""``greenplan analyze PROJECT --out DIR``: every indicator, overall and per township."""

from __future__ import annotations

import argparse

from greenplan.cli.common import add_output_args, add_project_args, print_written, run_project_job
from greenplan.core.text import fit


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    p = sub.add_parser(
        "analyze",
        help="compute the indicators (绿化覆盖率, 红线占用 ...) / 计算指标",
        description="Compute every indicator of shared/indicators.md for the project, overall and per "
        "township, and write indicators.json, indicators.csv, indicators.xlsx and results.gpkg to --out.",
    )
    add_project_args(p)
    add_output_args(p)
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

    out = run_project_job(args, lambda project, fb: run_analyze(project, args.out, feedback=fb))
    print(format_summary(out.document, args.lang))
    print_written(out.files.values(), args.lang)
    return 0
