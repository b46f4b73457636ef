"""``greenplan-gui``: open the desktop application, or run the batch job without a display.

With no display (no ``DISPLAY``/``WAYLAND_DISPLAY`` on Linux, or ``QT_QPA_PLATFORM=offscreen``
without ``--gui``), a planner's "main job" on a server is the batch export, so that runs instead.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path


def has_display() -> bool:
    if sys.platform in ("win32", "darwin"):
        return True
    if os.environ.get("QT_QPA_PLATFORM", "") in ("offscreen", "minimal"):
        return False
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def main(argv: list[str] | None = None) -> int:
    # batch-export workers of a frozen build re-run this executable: hand them to
    # multiprocessing first, or each would open a window (no-op when not frozen)
    import multiprocessing

    multiprocessing.freeze_support()
    argv = list(sys.argv[1:] if argv is None else argv)
    if "--self-test" in argv:
        # the smoke test opens the window even offscreen (Qt's offscreen platform draws fine)
        from greenplan.gui.app import run_app  # noqa: PLC0415

        return run_app(argv)
    if has_display():
        try:
            from greenplan.gui.app import run_app  # noqa: PLC0415 - Qt only when needed
        except ImportError:
            run_app = None
        if run_app is not None:
            return run_app(argv)
    from greenplan.jobs.headless import run_main_job  # noqa: PLC0415

    project = Path(argv[0]) if argv else None
    return run_main_job(project)


if __name__ == "__main__":
    raise SystemExit(main())
