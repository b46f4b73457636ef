"""Errors in the desktop application: a plain message on screen, the details in a log file.

A :class:`~greenplan.core.errors.GreenplanError` is shown with its own message (what,
where, what to do) in the interface language; anything else is a bug, shown as one
plain sentence. Details (the other language, the file, layer and field, the log file's
name) expand under the message; tracebacks of unexpected errors go only into the log file in
``greenplan.core.paths.log_dir()``, never on screen; handled errors are logged as one WARNING line.
"""

from __future__ import annotations

import datetime as dt
import logging
import sys
import traceback
from pathlib import Path

from PySide6.QtCore import QCoreApplication, Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QMessageBox, QWidget

from greenplan.core.errors import GreenplanError, MissingFieldError
from greenplan.core.paths import log_dir
from greenplan.gui.i18n import current_language

log = logging.getLogger("greenplan.gui")
_open: list[QMessageBox] = []  # dialogs without a parent stay referenced while shown


def log_file() -> Path:
    """Today's log file of the desktop application."""
    return log_dir() / f"greenplan-gui-{dt.date.today():%Y%m%d}.log"


def setup_logging() -> Path:
    """Send the ``greenplan`` loggers to today's log file (once); return its path."""
    path = log_file()
    root = logging.getLogger("greenplan")
    if not any(getattr(h, "_greenplan", False) and getattr(h, "baseFilename", "") == str(path) for h in root.handlers):
        for h in [h for h in root.handlers if getattr(h, "_greenplan", False)]:
            root.removeHandler(h)
            h.close()
        handler = logging.FileHandler(path, encoding="utf-8", delay=True)
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        handler._greenplan = True  # type: ignore[attr-defined]
        root.addHandler(handler)
        root.setLevel(logging.INFO)
    return path


def log_exception(exc: BaseException, context: str = "") -> Path:
    """Log ``exc``; return the log file's path.

    A :class:`GreenplanError` (a problem of the data or the input, handled and shown) is
    one WARNING line with its message and where; anything else is a bug, logged at ERROR
    with its traceback.
    """
    path = setup_logging()
    prefix = context + ": " if context else ""
    if isinstance(exc, GreenplanError):
        where = ", ".join(f"{k}={v}" for k, v in (("path", exc.path), ("layer", exc.layer), ("field", exc.field),
                                                   ("key", exc.key)) if v)
        text = " ".join(exc.message("en").split())
        log.warning("%s%s: %s%s", prefix, type(exc).__name__, text, f" [{where}]" if where else "")
    else:
        tb = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
        log.error("%s%s\n%s", prefix, type(exc).__name__, tb)
    for h in logging.getLogger("greenplan").handlers:
        h.flush()
    return path



def error_texts(exc: BaseException, logfile: Path | None = None) -> tuple[str, str]:
    """``(message, details)`` for the current language; neither holds a traceback.

    Examples
    --------
    >>> from greenplan.core.errors import ProjectFileError
    >>> msg, details = error_texts(ProjectFileError("Bad.", "错误。", path="a.toml"))
    >>> "a.toml" in msg and "Traceback" not in details
    True
    """
    lang = current_language()
    lines: list[str] = []
    if isinstance(exc, GreenplanError):
        message = exc.message(lang)
        other = exc.message("en" if lang == "zh" else "zh")
        lines.append(other)
        for label, value in ((QCoreApplication.translate("Errors", "File"), exc.path), (QCoreApplication.translate("Errors", "Layer"), exc.layer), (QCoreApplication.translate("Errors", "Field"), exc.field),
                             (QCoreApplication.translate("Errors", "Setting"), exc.key)):
            if value:
                lines.append(f"{label}: {value}")
    else:
        message = QCoreApplication.translate("Errors", "An unexpected error occurred. Please send the log file to support.")
        lines.append(f"{type(exc).__name__}: {exc}")
    if logfile is not None:
        lines.append(QCoreApplication.translate("Errors", "Log file") + f": {logfile}")
    return message, "\n".join(lines)


def show_error(parent: QWidget | None, exc: BaseException, context: str = "") -> QMessageBox:
    """Log ``exc`` and show it (window-modal, not blocking); return the dialog."""
    logfile = log_exception(exc, context)
    message, details = error_texts(exc, logfile)
    box = QMessageBox(parent)
    box.setObjectName("errorDialog")
    box.setIcon(QMessageBox.Icon.Warning if isinstance(exc, GreenplanError) else QMessageBox.Icon.Critical)
    box.setWindowTitle(QCoreApplication.translate("Errors", "GreenPlan: error"))
    box.setText(message)
    box.setDetailedText(details)
    box.setStandardButtons(QMessageBox.StandardButton.Ok)
    opener = getattr(parent, "open_layer_properties_named", None)
    if isinstance(exc, MissingFieldError) and exc.layer and opener is not None:
        # a missing field is fixed in the layer's properties: offer to go there
        fix = box.addButton(QCoreApplication.translate("Errors", "Open layer properties…"),
                            QMessageBox.ButtonRole.ActionRole)
        fix.setObjectName("openLayerProperties")
        fix.clicked.connect(lambda _c=False, name=exc.layer: opener(name))
    return _show(box, parent)


def _show(box: QMessageBox, parent: QWidget | None) -> QMessageBox:
    """Open ``box`` window-modal without blocking; one without a parent is kept alive until closed."""
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    if parent is None:
        _open.append(box)
        box.finished.connect(lambda *_: _open.remove(box) if box in _open else None)
    box.open()
    return box


def _open_url(url: QUrl) -> bool:
    return QDesktopServices.openUrl(url)


def open_folder(parent: QWidget | None, folder: str | Path) -> QMessageBox | None:
    """Open ``folder`` in the file manager; where no desktop launcher exists (a bare Linux
    session: "Unable to detect a launcher"), show its path in a message instead (returned)."""
    if _open_url(QUrl.fromLocalFile(str(folder))):
        return None
    box = QMessageBox(parent)
    box.setObjectName("folderDialog")
    box.setIcon(QMessageBox.Icon.Information)
    box.setWindowTitle(QCoreApplication.translate("Errors", "Open folder"))
    box.setText(QCoreApplication.translate("Errors", "No program was found to open folders. The folder is:")
                + f"\n{folder}")
    box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    box.setStandardButtons(QMessageBox.StandardButton.Ok)
    return _show(box, parent)


def install_excepthook(parent_getter=lambda: None) -> None:
    """Route uncaught exceptions (in slots, timers) to the log and an error dialog."""

    def hook(etype, value, tb):
        if issubclass(etype, KeyboardInterrupt):
            sys.__excepthook__(etype, value, tb)
            return
        if value.__traceback__ is None:
            value = value.with_traceback(tb)
        try:
            show_error(parent_getter(), value, "uncaught")
        except Exception:  # noqa: BLE001 - the hook must never raise
            log_exception(value, "uncaught (dialog failed)")

    sys.excepthook = hook
