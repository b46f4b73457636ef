"""Start the desktop application: ``greenplan-gui [PROJECT]`` / ``greenplan gui [PROJECT]``.

``run_app`` sets up the application (bundled CJK font, language, log file, error hook),
opens the project given or offers a recovery copy left by a crash, and runs the event
loop. ``--self-test`` opens a project (default: the demo county), renders the map once,
prints ``self-test ok`` and exits 0 (the frozen bundle's smoke test).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from PySide6.QtCore import QCollator, QCoreApplication, QEventLoop, QLocale, QTimer
from PySide6.QtGui import QFont, QFontDatabase, QFontMetrics
from PySide6.QtWidgets import QApplication

from greenplan import __version__
from greenplan.core.resources import resource_path, sample_dir
from greenplan.gui.errors import install_excepthook, log_exception, setup_logging
from greenplan.gui.gui_settings import GuiSettings
from greenplan.gui.i18n import install_language
from greenplan.gui.icons import icon

FONT_FAMILY_FALLBACKS = ("Microsoft YaHei UI", "Microsoft YaHei", "PingFang SC", "Noto Sans CJK SC")


def parse_args(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="greenplan-gui", description="GreenPlan 绿化规划 desktop application")
    p.add_argument("project", nargs="?", type=Path, help="project file (*.greenplan.toml)")
    p.add_argument("--self-test", action="store_true", help="open the project, draw the map once, exit")
    p.add_argument("--lang", choices=("zh", "en"), help="interface language (default: the last one used)")
    return p.parse_args(argv)


def register_fonts() -> str | None:
    """Register the bundled 文泉驿微米黑 so Chinese shows on machines without CJK fonts.

    The application font keeps the system's UI family first and lists the CJK families
    after it, so Qt takes Chinese glyphs from them; returns the bundled family name.
    """
    fid = QFontDatabase.addApplicationFont(str(resource_path("fonts", "WenQuanYiMicroHei.ttf")))
    families = QFontDatabase.applicationFontFamilies(fid) if fid >= 0 else []
    bundled = families[0] if families else None
    app = QApplication.instance()
    if app is not None:
        font = QFont(app.font())
        chain = [font.family(), *FONT_FAMILY_FALLBACKS]
        if bundled:
            chain.append(bundled)
        font.setFamilies(chain)
        app.setFont(font)
    return bundled


def create_application() -> QApplication:
    """The ``QApplication`` (created once), with names, icon and font."""
    app = QApplication.instance()
    if app is None:
        app = QApplication(["greenplan-gui"])
    QCoreApplication.setOrganizationName("GreenPlan")
    QCoreApplication.setApplicationName("GreenPlan")
    QCoreApplication.setApplicationVersion(__version__)
    app.setWindowIcon(icon("app"))
    register_fonts()
    return app


def _wait(signal_owner_done, timeout_s: float) -> bool:
    """Run the event loop until ``signal_owner_done()`` is true or the time is up."""
    loop = QEventLoop()
    end = time.monotonic() + timeout_s
    while not signal_owner_done():
        if time.monotonic() > end:
            return False
        QTimer.singleShot(20, loop.quit)
        loop.exec()
    return True


def _settle(window, timeout_s: float) -> bool:
    """Deliver queued results, then wait until ``window`` has no worker running."""
    QCoreApplication.processEvents()
    return _wait(lambda: not window.busy(), timeout_s)


#: place names in pinyin order (běi, guǎng, shàng): what Chinese collation must give
PINYIN_ORDER = ("北京", "广州", "上海")


def check_text_services() -> str | None:
    """Chinese sorting (ICU collation) and Chinese glyphs in the application font; None if fine.

    The frozen Linux bundle carries a trimmed ICU data library (root, Chinese and English
    locale data only, ``packaging/trim.py``): this is where a missing part would show.
    """
    collator = QCollator(QLocale(QLocale.Language.Chinese, QLocale.Country.China))
    shuffled = [PINYIN_ORDER[2], PINYIN_ORDER[0], PINYIN_ORDER[1]]
    ordered = tuple(sorted(shuffled, key=collator.sortKey))
    if ordered != PINYIN_ORDER:
        return f"Chinese collation gives {ordered}, expected {PINYIN_ORDER}"
    font = QApplication.font()
    metrics = QFontMetrics(font)
    missing = [ch for ch in "绿化规划" if not metrics.inFontUcs4(ord(ch))]
    if missing and not any(QFontMetrics(QFont(f)).inFontUcs4(ord("绿")) for f in font.families()):
        return f"no font of {font.families()} has the glyphs {''.join(missing)}"
    return None


def self_test(window, project: Path, timeout_s: float = 120.0) -> int:
    """Open ``project`` in ``window``, wait for the first render, report; returns 0 on success."""
    worker = window.ops.open_project(project, ask=False)
    if worker is None:
        print(f"self-test failed: cannot open {project}", file=sys.stderr)
        return 1
    # the thread may end before its result signal (queued for this thread) is delivered:
    # wait until the window has no work left, after the events posted by the thread ran
    if not (_wait(lambda: worker.isFinished(), timeout_s) and _settle(window, timeout_s)):
        print("self-test failed: loading timed out", file=sys.stderr)
        return 1
    loaded = [e for e in window.model.entries if e.display is not None and e.error is None]
    if not loaded:
        errors = "; ".join(f"{e.spec.name}: {e.error}" for e in window.model.entries if e.error is not None)
        print(f"self-test failed: no layer could be loaded ({errors or 'no result arrived'})", file=sys.stderr)
        return 1
    if not _wait(lambda: window.canvas.is_current(), timeout_s):
        print("self-test failed: the map was not drawn", file=sys.stderr)
        return 1
    window.model.set_dirty(False)
    problem = check_text_services()
    if problem:
        print(f"self-test failed: {problem}", file=sys.stderr)
        return 1
    print(f"self-test ok: {len(loaded)} layers drawn in {window.canvas.last_render_s:.2f} s; "
          f"Chinese sorted {'<'.join(PINYIN_ORDER)}")
    return 0


def run_app(argv: list[str] | None = None) -> int:
    """Run the desktop application; returns the exit code."""
    args = parse_args(list(sys.argv[1:] if argv is None else argv))
    app = create_application()
    setup_logging()
    settings = GuiSettings.load()
    install_language(args.lang or settings.language)
    from greenplan.gui.main_window import MainWindow

    window = MainWindow(settings)
    install_excepthook(lambda: window)
    window.show()
    if args.self_test:
        try:
            code = self_test(window, args.project or sample_dir() / "demo_county.greenplan.toml")
        except Exception as exc:  # noqa: BLE001 - report, never a traceback on screen
            log_exception(exc, "self-test")
            print(f"self-test failed: {type(exc).__name__}: {exc}", file=sys.stderr)
            code = 1
        window.close()
        return code
    if args.project is not None:
        window.ops.open_project(args.project, ask=False)
    else:
        QTimer.singleShot(0, window.recovery.offer)
    return app.exec()
