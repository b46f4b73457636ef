"""``greenplan gui [PROJECT]``: open the desktop application (same as ``greenplan-gui``).

Parsing only; Qt is imported by ``greenplan.gui.launch`` when the command runs, so the
rest of the command line works without PySide6.
"""

from __future__ import annotations

import argparse
from pathlib import Path


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    p = sub.add_parser(
        "gui",
        help="open the desktop application / 打开图形界面",
        description="Open the GreenPlan desktop application, optionally with a project. Without a display "
        "(a server), the batch job runs instead, as for greenplan-gui.",
    )
    p.add_argument("project", nargs="?", type=Path, help="project file (*.greenplan.toml)")
    p.add_argument("--self-test", action="store_true", help="open the project, draw the map once, exit (smoke test)")
    p.add_argument("--lang", choices=("zh", "en"), help="interface language")
    return p


def gui_argv(args: argparse.Namespace) -> list[str]:
    """The ``greenplan-gui`` arguments for the parsed ``gui`` command.

    Examples
    --------
    >>> gui_argv(argparse.Namespace(project=Path("a.greenplan.toml"), self_test=True, lang="en"))
    ['a.greenplan.toml', '--self-test', '--lang', 'en']
    """
    argv = [str(args.project)] if args.project is not None else []
    if args.self_test:
        argv.append("--self-test")
    if args.lang:
        argv += ["--lang", args.lang]
    return argv


def run(args: argparse.Namespace) -> int:
    from greenplan.gui import launch  # lazily: only this command needs Qt

    return launch.main(gui_argv(args))
