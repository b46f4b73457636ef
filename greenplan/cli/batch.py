"""``greenplan batch PROJECT --themes T1,T2 --formats pdf,png --out DIR``: every township's maps.

Exit codes: 0 every map written or up to date, 1 some township failed (the others are
written; the summary and ``index.csv`` name it), 2 bad input, 3 cancelled.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from greenplan.cli.common import (
    add_project_args,
    print_warnings,
    print_working_crs,
    project_from_args,
)
from greenplan.core.feedback import ConsoleFeedback


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    p = sub.add_parser(
        "batch",
        help="one map per township and theme, combined PDF, index / 按乡镇批量制图",
        description="Draw one map per township (乡镇/街道) per theme, the township highlighted and its own "
        "indicators in the panel; write them into --out with a combined PDF (bookmarks per township), "
        "index.csv / index.xlsx and manifest.json. Maps that are up to date are skipped unless --force. "
        "按乡镇（街道）批量绘制专题图，并生成合并 PDF 与成果清单。",
    )
    add_project_args(p)
    p.add_argument("--by", default="admin_units", choices=("admin_units",), help="one map per feature of this layer")
    p.add_argument("--themes", default="control_lines",
                   help="comma-separated themes (default control_lines), e.g. control_lines,greening,conflicts / 专题")
    p.add_argument("--formats", default="pdf,png", help="comma-separated: pdf, png, svg, tiff (default pdf,png) / 格式")
    p.add_argument("--out", type=Path, required=True, help="output folder / 输出文件夹")
    p.add_argument("--paper", default="A3", help="A4, A3 (default), A2, A1, A0 / 纸张")
    p.add_argument("--orientation", default="landscape", choices=("landscape", "portrait"), help="纸张方向")
    p.add_argument("--dpi", type=float, default=300, help="resolution, dots per inch (default 300) / 分辨率")
    p.add_argument("--units", metavar="CODE|NAME,...", help="only these townships / 仅这些乡镇")
    p.add_argument("--jobs", type=int, help="worker processes (default: CPU count; 1: no worker process) / 并行进程数")
    p.add_argument("--scheduler", metavar="tcp://HOST:PORT",
                   help="draw the maps on a running Dask scheduler's workers (needs greenplan[region]; project and "
                        "--out on a drive every worker reads) / 使用 Dask 集群制图")
    p.add_argument("--force", action="store_true", help="redraw maps that are up to date / 强制重绘")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    return p


def run(args: argparse.Namespace) -> int:
    from greenplan.core.errors import SettingError
    from greenplan.jobs.batch import run_batch

    if args.jobs is not None and args.jobs < 1:
        raise SettingError(f"--jobs must be at least 1, not {args.jobs}.", f"--jobs 至少为 1，而不是 {args.jobs}。", key="--jobs")
    project, warnings = project_from_args(args)
    print_warnings(warnings)
    print_working_crs(project)
    units = [u.strip() for u in args.units.replace("，", ",").split(",") if u.strip()] if args.units else None
    engine = None
    if args.scheduler:
        from greenplan.jobs.batch import scheduler_engine

        engine = scheduler_engine(args.scheduler, project, args.out)
        print(f"Dask 调度器 / scheduler: {args.scheduler}, {engine.workers} 个工作进程 / workers", file=sys.stderr)
    fb = ConsoleFeedback(enabled=not args.quiet)
    try:
        result = run_batch(project, args.out, by=args.by, themes=args.themes, formats=args.formats,
                           paper=args.paper, orientation=args.orientation, dpi=args.dpi, units=units,
                           jobs=args.jobs, force=args.force, feedback=fb,
                           executor=engine.executor() if engine is not None else None)
    finally:
        fb.finish()
        if engine is not None:
            engine.close()
    for note in fb.warnings:  # what the sheets left out (a layer without a field its indicators need)
        print(f"未包含 / left out: {note}", file=sys.stderr)
    print(result.summary())
    for path in (result.combined, result.index_csv, result.index_xlsx):
        if path is not None:
            print(f"输出 / output: {path}", file=sys.stderr)
    return result.exit_code
