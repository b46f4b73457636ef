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
    from greenplan.analysis.result import UNGRADED_TEXT, is_ungraded, marked
    from greenplan.jobs.indicator_tables import UNIT_LABELS, label

    lines = []
    # a value marked as measured on unknown codes needs a wider column
    width = 36 if any(is_ungraded(i) for i in doc["indicators"].values()) else 18
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
        if is_ungraded(ind):  # unknown codes: the value is a bound, never graded
            text = marked(text, ind, lang)
            grade, mark = "", UNGRADED_TEXT["zh" if lang == "zh" else "en"]
        elif ind.get("ungraded") == "raster_kind":  # the raster was not recognised: not measured
            grade, mark = "", ("未计算（栅格类型未识别）" if lang == "zh" else "not computed (raster kind unknown)")
        lines.append(f"{fit(label(key, lang), 34)}{fit(text, width, 'right')}  {fit(grade, 6)}{mark}".rstrip())
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
