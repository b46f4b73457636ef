"""Save the main window at the screen sizes county offices have, every dock open, to
``docs/screenshots/main-window-1366x768.png`` and ``main-window-1920x1080.png``.

Usage: ``QT_QPA_PLATFORM=offscreen python tools/size_screenshots.py [OUT_DIR]``

Opens the demo county in Chinese, computes the indicators, finds the greening candidates and
opens the scenario dock, as ``tests/gui/test_layout_sizes.py`` checks them.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from screenshots import demo_session  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


def main(out: Path) -> int:
    from greenplan.core.resources import sample_dir

    for size in [(1366, 768), (1920, 1080)]:
        _app, w, settle = demo_session(out, size)
        w.ops.open_project(sample_dir() / "demo_county.greenplan.toml", ask=False)
        settle()
        w.run_indicators()
        settle()
        w.show_candidates()
        settle()
        w.scenario_dock.show()
        settle()
        path = out / f"main-window-{size[0]}x{size[1]}.png"
        w.grab().save(str(path))
        print(f"saved {path}")
        w.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "screenshots"))
