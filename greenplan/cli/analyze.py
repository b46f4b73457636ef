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
    """One line per indicator: name, value, grade, result (the words of
    :mod:`greenplan.analysis.wording`, as on the map, in the spreadsheet and in the app)."""
    from greenplan.analysis.wording import IndicatorView, grade_text, result_text, value_text

    lines = []
    inds = [IndicatorView.from_dict(k, v) for k, v in doc["indicators"].items()]
    # a value marked as measured on unknown codes needs a wider column
    width = 36 if any(i.is_bound for i in inds) else 18
    for ind in inds:
        grade = "" if ind.is_bound else grade_text(ind, lang)  # a bound says 未评级 once, as its result
        lines.append(f"{fit(ind.name(lang), 34)}{fit(value_text(ind, lang), width, 'right')}  "
                     f"{fit(grade, 10)}{result_text(ind, lang)}".rstrip())
    return "\n".join(lines)


def print_run_summary(doc: dict, lang: str, summary: str) -> int:
    """Print a run's summary and the unknown-codes warning block; the exit code (1 when an
    indicator could not be graded because of unknown codes)."""
    import sys

    from greenplan.core.errors import EXIT_OK, EXIT_PROBLEMS
    from greenplan.jobs.class_check import unknown_warning

    print(summary)
    warning = unknown_warning(doc, lang)
    if warning:
        print("\n".join(warning), file=sys.stderr)
    return EXIT_PROBLEMS if warning else EXIT_OK


def run(args: argparse.Namespace) -> int:
    from greenplan.jobs.analyze import run_analyze

    out = run_project_job(args, lambda project, fb: run_analyze(project, args.out, feedback=fb))
    code = print_run_summary(out.document, args.lang, format_summary(out.document, args.lang))
    print_written(out.files.values(), args.lang)
    return code
