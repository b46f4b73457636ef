"""``greenplan sample OUTDIR [--size demo|S|M|L] [--seed N] [--force]``: write the demo county.

Parses the options and calls :func:`greenplan.sample.county.generate_county`
(the GUI calls the same function).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from greenplan.core.errors import EXIT_OK
from greenplan.core.feedback import ConsoleFeedback
from greenplan.sample.county import SIZES


def add_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    p = subparsers.add_parser(
        "sample",
        help="write the synthetic demo county / 生成示范县演示数据",
        description=(
            "生成虚构的示范县数据（GeoPackage、NDVI 与 DSM 栅格、GBK 编码 Shapefile、项目文件）。"
            " Write the synthetic demo county (GeoPackage, NDVI and DSM rasters, a GBK "
            "shapefile and a project file) into OUTDIR."
        ),
    )
    p.add_argument("outdir", type=Path, metavar="OUTDIR", help="output folder / 输出文件夹")
    p.add_argument(
        "--size",
        choices=SIZES,
        default="demo",
        help="demo (default, as in sample_layers/), or the benchmark sizes S, M, L / 数据规模",
    )
    p.add_argument("--seed", type=int, help="random seed (default: the size's own) / 随机种子")
    p.add_argument("--region", type=int, metavar="N",
                   help="write N distinct counties and a region file (greenplan region) / 生成含 N 个县的示例地区")
    p.add_argument("--force", action="store_true", help="replace existing files / 覆盖已有文件")
    p.add_argument("--quiet", action="store_true", help="no progress bar / 不显示进度")
    return p


def run(args: argparse.Namespace) -> int:
    from greenplan.sample.county import generate_county

    feedback = ConsoleFeedback(enabled=not args.quiet)
    if args.region is not None:
        from greenplan.core.parallel import cpu_count, process_pool
        from greenplan.sample.region import generate_region

        jobs = min(cpu_count(), args.region)
        pool = process_pool(jobs) if jobs > 1 else None  # one county per core at a time
        try:
            region = generate_region(args.region, args.outdir, size=args.size, feedback=feedback, overwrite=args.force,
                                     executor=pool)
        finally:
            feedback.finish()
            if pool is not None:
                pool.shutdown(cancel_futures=True)
        print(f"已写出示例地区 / sample region written: {region['region_file']}")
        for c in region["counties"]:
            print(f"  {c['code']} {c['name']}  seed {c['seed']}  {c['project']}")
        return EXIT_OK
    try:
        summary = generate_county(
            args.size, args.outdir, seed=args.seed, feedback=feedback, overwrite=args.force
        )
    finally:
        feedback.finish()
    print(f"已写出示例数据 / sample data written: {summary['outdir']}")
    print(f"  规模 size {summary['size']}, 随机种子 seed {summary['seed']}, {summary['crs']}")
    for name, count in summary["layers"].items():
        print(f"  {name:<20s} {count:>8d} 个要素 features")
    for name, size in summary["files"].items():
        shown = f"{size / 1e6:8.2f} MB" if size >= 100_000 else f"{size / 1e3:8.1f} KB"
        print(f"  {name:<32s} {shown}")
    return EXIT_OK
