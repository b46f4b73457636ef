"""``greenplan region REGION --out OUT``: check, analyze and map every county of a region on Dask.

REGION is a ``*.greenplan-region.toml`` file or a folder whose ``*.greenplan.toml`` files
are the counties. Exit codes: 0 every county (and map) done, 1 some county or map failed
(the others are written; the summary names each with its error), 2 bad input (region file,
option, Dask missing, a worker that cannot read a project), 3 cancelled.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from greenplan.core.feedback import ConsoleFeedback


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    p = sub.add_parser(
        "region",
        help="many counties at once on Dask (check, analyze, maps, ranking) / 区域多县批量运行",
        description="For every county of REGION (a *.greenplan-region.toml file, or a folder holding "
        "*.greenplan.toml files): check, analyze and, with --maps, draw the township maps, one Dask task "
        "per county and per map, on a local cluster (default) or a running Dask scheduler (--scheduler). "
        "Writes each county's outputs under OUT/<code>_<name>/, region_indicators.xlsx/.csv, region.json, "
        "region_overview.pdf/.png and manifest.json. Needs the extra greenplan[region]. "
        "按区域（地市/省）批量运行各县：检查、计算指标、可选按乡镇制图，汇总排名。",
    )
    p.add_argument("region", type=Path, help="region file (*.greenplan-region.toml) or folder / 区域文件或文件夹")
    p.add_argument("--out", type=Path, required=True, help="output folder (shared drive for a cluster) / 输出文件夹")
    eng = p.add_mutually_exclusive_group()
    eng.add_argument("--workers", type=int,
                     help="local worker processes, one thread each (default: one per core; 0: in this process) / 本机工作进程数")
    eng.add_argument("--scheduler", metavar="tcp://HOST:PORT", help="a running Dask scheduler / Dask 调度器地址")
    p.add_argument("--maps", action="store_true", help="also draw every township's maps (as greenplan batch) / 同时按乡镇制图")
    p.add_argument("--themes", default="control_lines", help="map themes with --maps (default control_lines) / 专题")
    p.add_argument("--formats", default="pdf,png", help="map formats with --maps (default pdf,png) / 格式")
    p.add_argument("--paper", default="A3", help="paper of the township maps (default A3) / 纸张")
    p.add_argument("--dpi", type=float, default=300, help="resolution of the township maps (default 300) / 分辨率")
    p.add_argument("--theme", default="region_overview", choices=("region_overview", "none"),
                   help="the region map: region_overview (default) or none / 区域总览图")
    p.add_argument("--indicator", default="green_coverage_vector",
                   help="indicator of the region overview map (default green_coverage_vector) / 总览图指标")
    p.add_argument("--resume", action="store_true", help="skip counties whose inputs and settings are unchanged / 跳过未变化的县")
    p.add_argument("--set", action="append", metavar="KEY=VALUE", help="override a setting in every county (repeatable)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    return p


def run(args: argparse.Namespace) -> int:
    from greenplan.app.overrides import parse_set_args, project_from_inputs
    from greenplan.core.errors import SettingError
    from greenplan.jobs.region.regionfile import load_region
    from greenplan.jobs.region.run import run_region

    if args.workers is not None and args.workers < 0:
        raise SettingError(f"--workers must be 0 or more, not {args.workers}.", f"--workers 应不小于 0，而不是 {args.workers}。",
                           key="--workers")
    parse_set_args(args.set)  # a bad key stops here (exit 2), not once per county
    region = load_region(args.region)
    print(f"区域 / region: {region.name}（{len(region.counties)} 个县 / counties）")

    def loader(path: Path):
        project, warnings = project_from_inputs(path, None, args.set)
        for w in warnings:
            print(f"warning / 警告: {path.name}: {w}", file=sys.stderr)
        return project

    def started(engine) -> None:
        where = args.scheduler or ("本进程 / this process" if args.workers == 0 else "LocalCluster")
        print(f"引擎 / engine: {where}, {engine.workers} 个工作进程 / workers", file=sys.stderr)
        if engine.dashboard:
            print(f"Dask 监控页面 / dashboard: {engine.dashboard}", file=sys.stderr)

    fb = ConsoleFeedback(enabled=not args.quiet)
    try:
        result = run_region(region, args.out, loader=loader, sets=args.set or (), workers=args.workers,
                            scheduler=args.scheduler, maps=args.maps, themes=args.themes, formats=args.formats,
                            paper=args.paper, dpi=args.dpi, resume=args.resume, indicator=args.indicator,
                            overview=args.theme != "none", on_start=started, feedback=fb)
    finally:
        fb.finish()
    for note in dict.fromkeys(fb.warnings):
        print(f"注意 / note: {note}", file=sys.stderr)
    print(result.summary())
    for path in result.files.values():
        print(f"输出 / output: {path}", file=sys.stderr)
    return result.exit_code
