"""``greenplan candidates PROJECT --out DIR``: rooftop, pocket-park and green-belt candidates."""

from __future__ import annotations

import argparse

from greenplan.cli.common import add_output_args, add_project_args, print_written, run_project_job


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    p = sub.add_parser(
        "candidates",
        help="greening candidates: rooftops, pocket parks, green belts / 绿化候选（屋顶、口袋公园、防护绿带）",
        description="Test every building for a rooftop garden, every idle parcel for a pocket park and propose "
        "green belts along roads and rivers (never on permanent farmland). Writes candidates.gpkg and "
        "candidates_summary.json/.csv/.xlsx to --out.",
    )
    add_project_args(p)
    add_output_args(p)
    return p


def format_summary(doc: dict, lang: str = "en") -> str:
    from greenplan.core.scenario import KINDS

    lines = []
    for kind, s in doc["kinds"].items():
        name = KINDS[kind] if lang == "zh" else kind
        if lang == "zh":
            lines.append(f"{name:<8}{s['candidates']:>7} / {s['features']:<7} 个候选  面积 {s['area_m2']:,.0f} ㎡")
        else:
            lines.append(f"{name:<12}{s['candidates']:>7} of {s['features']:<7} candidates  area {s['area_m2']:,.0f} m2")
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    from greenplan.jobs.candidates import run_candidates

    out = run_project_job(args, lambda project, fb: run_candidates(project, args.out, feedback=fb))
    print(format_summary(out.summary, args.lang))
    print_written(out.files.values(), args.lang)
    return 0
