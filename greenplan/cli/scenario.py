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


def format_summary(doc: dict, lang: str = "en") -> str:
    """One line per indicator, before → after and the change (the words of
    :mod:`greenplan.analysis.wording`), then the legality checks."""
    from greenplan.analysis.wording import (
        IndicatorView,
        format_delta,
        scenario_checks_text,
        value_text,
    )

    lines = []
    for key, v in doc["indicators"].items():
        ind = IndicatorView.from_dict(key, v)
        width = 14 + 10 * ind.is_bound
        d = "" if ind.delta is None else format_delta(ind.delta, ind.unit, lang, key)
        lines.append(f"{fit(ind.name(lang), 30)}{fit(value_text(ind, lang, 'before'), width, 'right')} → "
                     f"{fit(value_text(ind, lang, 'after'), width)}{d}".rstrip())
    lines.append(scenario_checks_text(doc["checks"], lang))
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    from greenplan.cli.analyze import print_run_summary
    from greenplan.jobs.scenario import run_scenario

    out = run_project_job(args, lambda project, fb: run_scenario(project, args.name, args.out, feedback=fb))
    code = print_run_summary(out.document, args.lang, format_summary(out.document, args.lang))
    print_written(out.files.values(), args.lang)
    return EXIT_OK if out.valid and code == EXIT_OK else EXIT_PROBLEMS
