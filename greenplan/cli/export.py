"""``greenplan export PROJECT --theme T --out FILE``: one planning map (PDF, PNG, SVG or TIFF)."""

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
from greenplan.core.errors import EXIT_OK, SettingError
from greenplan.core.feedback import ConsoleFeedback


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    p = sub.add_parser(
        "export",
        help="write one planning map (PDF/PNG/SVG/TIFF) / 导出专题图",
        description="Draw one map sheet of the project (title, legend, indicators, scale, north arrow, "
        "locator, footer) and write it to --out; PNG and TIFF get a world file. "
        "绘制并导出一幅专题图（含图名、图例、指标、比例尺、指北针、区位图、图签）。",
    )
    add_project_args(p)
    p.add_argument("--theme", default="control_lines",
                   help="map theme: control_lines, greening, opportunities, scenario, conflicts, or the project's own")
    p.add_argument("--out", type=Path, required=True, help="output file (.pdf, .png, .svg, .tif) / 输出文件")
    p.add_argument("--paper", default="A3", help="A4, A3 (default), A2, A1, A0 / 纸张")
    p.add_argument("--orientation", default="landscape", choices=("landscape", "portrait"), help="纸张方向")
    p.add_argument("--dpi", type=float, default=300, help="resolution, dots per inch (default 300) / 分辨率")
    p.add_argument("--title", help="map title (default: project name + theme) / 图名")
    p.add_argument("--extent", metavar="XMIN,YMIN,XMAX,YMAX",
                   help="ground to show, metres of the working CRS / 制图范围（工作坐标系，米）")
    p.add_argument("--unit", metavar="CODE|NAME",
                   help="a township: zoom to it, highlight it, show its indicators / 乡镇（街道）代码或名称")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    return p


def parse_extent(text: str | None) -> tuple[float, float, float, float] | None:
    """``"x0,y0,x1,y1"`` -> four floats (checked further by the job).

    Examples
    --------
    >>> parse_extent("516000, 3328000, 520000, 3331000")
    (516000.0, 3328000.0, 520000.0, 3331000.0)
    """
    if text is None:
        return None
    parts = [p for p in text.replace("，", ",").replace(" ", ",").split(",") if p]
    try:
        values = tuple(float(p) for p in parts)
    except ValueError:
        values = ()
    if len(values) != 4:
        raise SettingError(f"--extent expects XMIN,YMIN,XMAX,YMAX, got '{text}'.",
                           f"--extent 的格式应为 XMIN,YMIN,XMAX,YMAX，实际为“{text}”。", key="--extent",
                           hint_en="For example: --extent 516000,3328000,520000,3331000",
                           hint_zh="例如：--extent 516000,3328000,520000,3331000")
    return values  # type: ignore[return-value]


def run(args: argparse.Namespace) -> int:
    from greenplan.jobs.export import export_map

    extent = parse_extent(args.extent)
    project, warnings = project_from_args(args)
    print_warnings(warnings)
    print_working_crs(project)
    fb = ConsoleFeedback(enabled=not args.quiet)
    try:
        path = export_map(project, args.out, theme=args.theme, paper=args.paper, orientation=args.orientation,
                          dpi=args.dpi, title=args.title, extent=extent, unit=args.unit, feedback=fb)
    finally:
        fb.finish()
    for note in fb.warnings:  # what the map left out (a layer without a field its indicators need)
        print(f"未包含 / left out: {note}", file=sys.stderr)
    print(f"已写出 / written: {path}", file=sys.stderr)
    return EXIT_OK
