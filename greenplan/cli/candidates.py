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
    """Candidates of each kind, then the count of every reason the others failed.

    ``0 of 1,450`` rooftops always comes with the reasons (``1,450 without roof type or
    DSM``), and the belt area removed outside the study area and on water is shown.
    """
    from greenplan.analysis.wording import format_area
    from greenplan.core.scenario import KINDS
    from greenplan.jobs.candidates import reason_labels

    zh = lang == "zh"
    lines = []
    for kind, s in doc["kinds"].items():
        labels = reason_labels(kind, "zh" if zh else "en")
        name = KINDS[kind] if zh else kind
        if zh:
            lines.append(f"{name:<8}{s['candidates']:>7,} / {s['features']:<7,} 个候选  面积 {format_area(s['area_m2'], 'zh')}")
        else:
            lines.append(f"{name:<12}{s['candidates']:>7,} of {s['features']:<7,} candidates  area {format_area(s['area_m2'], 'en')}")
        for code, count in s.get("reasons", {}).items():
            label = labels.get(code, code)
            lines.append(f"    {count:>9,} 个{label}（{code}）" if zh else f"    {count:>9,} {label} ({code})")
        reasons = s.get("reasons", {})
        if kind == "rooftop" and reasons.get("roof_unknown"):
            lines.append("    提示：--set rooftop_unknown_roof=flat 可将无屋顶类型且无DSM的建筑按平屋顶计" if zh else
                         "    hint: --set rooftop_unknown_roof=flat takes buildings without roof type or DSM as flat roofs")
        if kind == "rooftop" and s.get("assumed_flat"):
            n = s["assumed_flat"]
            lines.append(f"    {n:>9,} 栋无屋顶类型且无DSM的建筑按平屋顶计（rooftop_unknown_roof = flat）" if zh else
                         f"    {n:>9,} without roof type or DSM taken as flat (rooftop_unknown_roof = flat)")
        if kind == "belt" and s["features"] and "outside_study_area_m2" in s:
            study = s.get("study_area")
            if study is None:
                where = "未按研究范围裁剪（无行政区与土地利用图层）" if zh else "not clipped to a study area (no admin units or land use)"
            else:
                where = ({"admin_units": "行政区", "land_use": "土地利用图斑"} if zh else
                         {"admin_units": "admin units", "land_use": "land use"}).get(study, study)
            if zh:
                out = f"研究范围（{where}）外 {format_area(s['outside_study_area_m2'], 'zh')}、" if study else f"{where}；"
                lines.append(f"    已扣除：{out}水域 {format_area(s['water_m2'], 'zh')}")
            else:
                out = (f"{format_area(s['outside_study_area_m2'], 'en')} outside the study area ({where}), " if study
                       else f"{where}; ")
                lines.append(f"    removed: {out}{format_area(s['water_m2'], 'en')} on water")
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    from greenplan.cli.analyze import print_run_summary
    from greenplan.jobs.candidates import run_candidates

    out = run_project_job(args, lambda project, fb: run_candidates(project, args.out, feedback=fb))
    code = print_run_summary(out.summary, args.lang, format_summary(out.summary, args.lang))
    print_written(out.files.values(), args.lang)
    return code
