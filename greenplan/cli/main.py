"""``greenplan`` command: subcommands are registered here explicitly.

Explicit registration (no entry-point discovery) keeps the PyInstaller bundle simple.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from greenplan import __version__
from greenplan.cli.common import guarded

#: subcommand -> module with add_parser(subparsers) and run(args)
COMMANDS = {
    "check": "greenplan.cli.check",
    "sample": "greenplan.cli.sample",
    "analyze": "greenplan.cli.analyze",
    "candidates": "greenplan.cli.candidates",
    "scenario": "greenplan.cli.scenario",
    "export": "greenplan.cli.export",
    "batch": "greenplan.cli.batch",
    "report": "greenplan.cli.report",
    "region": "greenplan.cli.region",
    "gui": "greenplan.cli.gui",
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="greenplan",
        description="GreenPlan 绿化与国土空间规划工具 — greening and land-use planning (command line).",
    )
    parser.add_argument("--version", action="version", version=f"greenplan {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for modname in COMMANDS.values():
        mod = importlib.import_module(modname)
        p = mod.add_parser(sub)
        p.set_defaults(_run=mod.run)
    return parser


def main(argv: list[str] | None = None) -> int:
    # a frozen Windows build starts batch workers by re-running this executable: let
    # multiprocessing take over those runs before anything else happens (no-op otherwise)
    import multiprocessing

    multiprocessing.freeze_support()
    # Windows consoles default to a legacy code page; Chinese output must not crash
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            try:
                reconfigure(errors="replace")
            except (ValueError, OSError):
                pass
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "_run", None):
        parser.print_help()
        return 2
    return guarded(args._run, args)


if __name__ == "__main__":
    raise SystemExit(main())
