"""``greenplan check PROJECT`` or ``greenplan check --layer ROLE=PATH[:LAYER] ...``: the data check."""

from __future__ import annotations

import argparse
import json
import sys

from greenplan.cli.common import add_project_args, json_default, print_warnings, project_from_args
from greenplan.core.errors import GreenplanError
from greenplan.core.feedback import ConsoleFeedback


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    p = sub.add_parser(
        "check",
        help="check the input layers (encoding, CRS, geometry, control lines) / 数据检查",
        description="Check every layer of a project (or of --layer options): whether it opens, format, "
        "encoding, CRS, feature count, geometry type, invalid/empty geometries, overlaps, missing fields, "
        "an extent far from the others; and the overlaps of the three control lines. "
        "Exit code 0: no problems, 1: problems found, 2: input unusable.",
    )
    add_project_args(p)
    p.add_argument("--json", action="store_true", help="print the report as JSON (schema: docs/check-json.md)")
    p.add_argument("--lang", choices=("en", "zh"), default="en", help="language of the text report")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    return p


def _print_json(doc: dict) -> None:
    print(json.dumps(doc, ensure_ascii=False, indent=2, default=json_default))


def run(args: argparse.Namespace) -> int:
    from greenplan.jobs.check import check_project, error_document, format_check

    try:
        project, warnings = project_from_args(args)
    except GreenplanError as exc:
        if not args.json:
            raise  # printed bilingually by cli.common.guarded, exit 2
        print(f"错误 / error: {exc.bilingual()}", file=sys.stderr)
        _print_json(error_document(exc, args.project))
        return exc.exit_code
    print_warnings(warnings)
    fb = ConsoleFeedback(enabled=not args.quiet and not args.json and sys.stderr.isatty())
    try:
        report = check_project(project, feedback=fb)
    finally:
        fb.finish()
    if args.json:
        _print_json(report.to_dict())
    else:
        print(format_check(report, args.lang))
    return report.exit_code
