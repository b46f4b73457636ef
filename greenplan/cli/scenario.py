"""``greenplan scenario PROJECT --name NAME --out DIR``: indicators before and after a scenario."""

from __future__ import annotations

import argparse

from greenplan.cli.common import add_output_args, add_project_args, print_written, run_project_job
from greenplan.core.errors import EXIT_OK, EXIT_PROBLEMS
from greenplan.core.text import fit


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    p = sub.add_parser(
        "scenario",
        help="indicators before/after a saved scenario / 情景方案前后指标对比",
        description="Compute every indicator without and with the greening of a scenario saved in the project, "
        "overall and per township, and check that it occupies no permanent farmland and no ecological red "
        "line. Writes scenario.json/.csv/.xlsx and scenario.gpkg to --out. Exit code 1 when a check fails.",
    )
    add_project_args(p)
    p.add_argument("--name", required=True, help="scenario name (a [[scenarios]] entry of the project)")
    add_output_args(p)
    return p


def _fmt(v: object, unit: str | None) -> str:
    if not isinstance(v, (int, float)) or isinstance(v, bool):
        return "—"
    if unit == "count":
        return f"{int(v)}"
    return f"{100 * v:.2f} %" if unit == "ratio" else f"{v:,.2f}"


def format_summary(doc: dict, lang: str = "en") -> str:
    from greenplan.analysis.result import is_ungraded, marked
    from greenplan.jobs.indicator_tables import label

    lines = []
    for key, v in doc["indicators"].items():
        unit = v.get("unit")
        delta = v.get("delta")
        if not isinstance(delta, (int, float)):
            d = ""
        elif unit == "count":
            d = f"{int(delta):+d}"
        else:
            d = f"{100 * delta:+.2f} %" if unit == "ratio" else f"{delta:+,.2f}"
        before, after = _fmt(v.get("before"), unit), _fmt(v.get("after"), unit)
        if is_ungraded(v):
            before, after = marked(before, v, lang), marked(after, v, lang)
        lines.append(f"{fit(label(key, lang), 30)}{fit(before, 14 + 8 * is_ungraded(v), 'right')} → "
                     f"{fit(after, 14 + 8 * is_ungraded(v))}{d}")
    ck = doc["checks"]
    if lang == "zh":
        lines.append(f"占用永久基本农田 {ck.get('farmland_occupied_m2')} ㎡，占用生态保护红线 {ck.get('eco_redline_occupied_m2')} ㎡："
                     + ("合规" if ck["valid"] else "不合规"))
    else:
        lines.append(f"permanent farmland occupied {ck.get('farmland_occupied_m2')} m2, ecological red line occupied "
                     f"{ck.get('eco_redline_occupied_m2')} m2: " + ("valid" if ck["valid"] else "NOT VALID"))
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    from greenplan.cli.analyze import print_run_summary
    from greenplan.jobs.scenario import run_scenario

    out = run_project_job(args, lambda project, fb: run_scenario(project, args.name, args.out, feedback=fb))
    code = print_run_summary(out.document, args.lang, format_summary(out.document, args.lang))
    print_written(out.files.values(), args.lang)
    return EXIT_OK if out.valid and code == EXIT_OK else EXIT_PROBLEMS
