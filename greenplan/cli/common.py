"""Shared pieces of the command line: --layer/--set options, error handling, exit codes.

Each command lives in its own module (``greenplan/cli/<command>.py``) with
``add_parser(subparsers)`` and ``run(args) -> int``; it only parses and calls one
``jobs``/``analysis`` function (rasterio ``rio/merge.py`` style).
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import sys
import traceback
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TypeVar

from greenplan.app.overrides import project_from_inputs
from greenplan.core.errors import EXIT_CANCELED, EXIT_INTERNAL, GreenplanError
from greenplan.core.feedback import ConsoleFeedback, Feedback
from greenplan.core.gcpause import paused_gc
from greenplan.core.jsonio import json_default  # noqa: F401 - re-exported for commands
from greenplan.core.paths import log_dir
from greenplan.core.project import Project

log = logging.getLogger("greenplan")
T = TypeVar("T")


def add_project_args(p: argparse.ArgumentParser) -> None:
    """PROJECT or --layer ROLE=PATH[:LAYER] ..., plus --set KEY=VALUE."""
    p.add_argument("project", nargs="?", type=Path, help="project file (*.greenplan.toml)")
    p.add_argument(
        "--layer",
        action="append",
        metavar="ROLE=PATH[:LAYER]",
        help="a layer without a project file (repeatable)",
    )
    p.add_argument("--set", action="append", metavar="KEY=VALUE", help="override a setting (repeatable)")


def project_from_args(args: argparse.Namespace) -> tuple[Project, list[str]]:
    """The project named on the command line, or one built from --layer options (with --set
    applied): :func:`greenplan.app.overrides.project_from_inputs`."""
    return project_from_inputs(args.project, args.layer, getattr(args, "set", None))


def add_output_args(p: argparse.ArgumentParser) -> None:
    """--out DIR, --lang and --quiet, shared by the commands that write an output folder."""
    p.add_argument("--out", type=Path, required=True, help="output folder")
    p.add_argument("--lang", choices=("en", "zh"), default="en", help="language of the summary printed")
    p.add_argument("--quiet", action="store_true", help="no progress bar")


def run_project_job(args: argparse.Namespace, job: Callable[[Project, Feedback], T]) -> T:
    """The project named on the command line through ``job(project, feedback)``, with a
    progress bar on the terminal and the project file's warnings printed first."""
    project, warnings = project_from_args(args)
    print_warnings(warnings)
    print_working_crs(project, getattr(args, "lang", None))
    fb = ConsoleFeedback(enabled=not getattr(args, "quiet", False))
    try:
        with paused_gc():  # analysis jobs: no cyclic-GC passes over the loaded layers
            return job(project, fb)
    finally:
        fb.finish()


def print_working_crs(project: Project, lang: str | None = None) -> None:
    """``Working CRS: EPSG:4544 (automatic; …)``: the CRS the command will work in.

    The same choice the loader makes (:func:`greenplan.io.loader.working_crs`); a rejected
    ``crs`` raises here, so no header precedes the error.
    """
    from greenplan.io.loader import working_crs

    choice = working_crs(project)
    print(choice.describe(lang if lang in ("en", "zh") else "both"))
    for i, gap in choice.far.items():
        name = project.layers[i].name if i < len(project.layers) else str(i)
        print(f"warning / 警告: {name}: {gap / 1000:,.0f} km from the other layers, left out of the choice / "
              f"距其他图层约 {gap / 1000:,.0f} 公里，未参与工作坐标系选择", file=sys.stderr)


def print_written(files: Iterable[Path], lang: str) -> None:
    for path in files:
        print(("已写出 " if lang == "zh" else "written ") + str(path), file=sys.stderr)


def print_warnings(warnings: list[str]) -> None:
    for w in warnings:
        print(f"warning / 警告: {w}", file=sys.stderr)


def _log_internal_error(exc: BaseException) -> Path | None:
    try:
        path = log_dir() / f"greenplan-{dt.datetime.now():%Y%m%d}.log"
        with open(path, "a", encoding="utf-8") as fh:
            fh.write(f"\n=== {dt.datetime.now().isoformat()} {' '.join(sys.argv)}\n")
            fh.write("".join(traceback.format_exception(exc)))
        return path
    except OSError:
        return None


def guarded(func: Callable[[argparse.Namespace], int], args: argparse.Namespace) -> int:
    """Run a command: user errors print a bilingual message, bugs go to the log file."""
    try:
        return func(args)
    except GreenplanError as exc:
        print(f"错误 / error: {exc.bilingual()}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("\n已取消 / cancelled", file=sys.stderr)
        return EXIT_CANCELED
    except Exception as exc:  # noqa: BLE001 - last line of defence: no traceback on screen
        logfile = _log_internal_error(exc)
        where = f" ({logfile})" if logfile else ""
        print(
            f"内部错误：{type(exc).__name__}: {exc}。详细信息已写入日志{where}，请将其发送给技术支持。\n"
            f"internal error: {type(exc).__name__}: {exc}. Details were written to the log{where}; "
            "please send it to support.",
            file=sys.stderr,
        )
        return EXIT_INTERNAL
