"""Long work off the GUI thread: a Qt-free ``Feedback`` turned into Qt signals.

The core and the jobs take a :class:`greenplan.core.feedback.Feedback` and check it in
their loops. :class:`Worker` runs such a function in a ``QThread`` with a
:class:`QtFeedback` whose reports become the worker's ``progress``/``message`` signals
(queued to the GUI thread); :meth:`Worker.cancel` calls ``feedback.cancel()``, so the job
stops at its next check and the worker emits ``canceled``. Every worker is tracked, so
the main window can wait for them on close and tests can fail on a leaked thread.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QThread, Signal
from shiboken6 import isValid

from greenplan.app.messages import in_language
from greenplan.core.errors import Canceled
from greenplan.core.feedback import Feedback
from greenplan.gui.i18n import current_language

_ALL: weakref.WeakSet[Worker] = weakref.WeakSet()


class QtFeedback(Feedback):
    """A :class:`Feedback` that reports through a worker's signals (throttled)."""

    def __init__(self, worker: Worker) -> None:
        super().__init__()
        self._worker = worker
        self._sent = -1.0

    def set_progress(self, percent: float) -> None:
        super().set_progress(percent)
        if abs(self.progress - self._sent) >= 0.5 or self.progress in (0.0, 100.0):
            self._sent = self.progress
            self._worker.progress.emit(self.progress)

    def set_text(self, text: str) -> None:
        changed = text != self.text
        super().set_text(text)
        if changed:  # "中文 / English" reports: the half of the interface language
            self._worker.message.emit(in_language(text, current_language()))

    def push_warning(self, text: str) -> None:
        super().push_warning(text)
        self._worker.warning.emit(text)

    def push_result(self, item: object) -> None:
        self._worker.partial.emit(item)


class Worker(QThread):
    """Run ``fn(feedback)`` in a thread.

    Signals
    -------
    progress(float)
        0-100.
    message(str)
        What the job is doing now.
    warning(str)
        A warning the job pushed.
    partial(object)
        A finished piece of the work (``feedback.push_result``), before the whole result.
    succeeded(object)
        The return value.
    failed(object)
        The exception (with its traceback, for the log).
    canceled()
        The job stopped because :meth:`cancel` was called.
    """

    progress = Signal(float)
    message = Signal(str)
    warning = Signal(str)
    partial = Signal(object)
    succeeded = Signal(object)
    failed = Signal(object)
    canceled = Signal()

    def __init__(self, fn: Callable[[Feedback], Any], name: str = "", parent=None) -> None:
        super().__init__(parent)
        self.fn = fn
        self.name = name
        self.feedback = QtFeedback(self)
        self.setObjectName(f"worker:{name}")
        _ALL.add(self)

    def run(self) -> None:  # noqa: D401 - Qt entry point
        try:
            result = self.fn(self.feedback)
        except Canceled:
            self.canceled.emit()
        except BaseException as exc:  # noqa: BLE001 - handed to the GUI, which logs and shows it
            self.failed.emit(exc)
        else:
            if self.feedback.is_canceled():
                self.canceled.emit()
            else:
                self.succeeded.emit(result)

    def cancel(self) -> None:
        """Ask the job to stop at its next ``feedback.check()``."""
        self.feedback.cancel()


def running_workers() -> list[Worker]:
    """Workers whose thread is still running (for close and for tests)."""
    return [w for w in list(_ALL) if isValid(w) and w.isRunning()]


class RunControls:
    """Mixin for a panel that runs one worker at a time behind a Run/Cancel button pair.

    The panel provides ``self.start_worker`` (the window's ``start_worker`` service, passed
    in), ``run_button``, ``cancel_button``, ``progress``, ``status`` and ``worker`` (None when
    idle). Texts are passed in already translated, so each panel keeps its own translation
    context.
    """

    def start_run(self, fn: Callable[[Feedback], Any], name: str, on_result: Callable[[Any], None], *,
                  busy_text: str, failed_text: str, canceled_text: str) -> Worker | None:
        """Run ``fn(feedback)`` in a worker; None if one is already running."""
        if self.worker is not None:
            return None
        self.status.setText(busy_text)
        self.progress.setValue(0)
        self.progress.show()
        self.run_button.setEnabled(False)
        self.cancel_button.setEnabled(True)

        def done(result: Any) -> None:
            self._run_finished()
            self.progress.setValue(100)
            on_result(result)

        def failed(exc: BaseException) -> None:
            from greenplan.gui.errors import show_error

            self._run_finished()
            self.progress.setValue(0)  # not left stuck where the job stopped
            self.status.setText(failed_text)
            show_error(self, exc, name)

        def canceled() -> None:
            self._run_finished()
            self.progress.setValue(0)
            self.status.setText(canceled_text)

        w = self.start_worker(fn, name, done, failed, canceled)
        w.progress.connect(lambda v: self.progress.setValue(int(v)))
        w.message.connect(self.status.setText)
        self.worker = w
        return w

    def cancel(self) -> None:
        if self.worker is not None:
            self.worker.cancel()

    def can_run(self) -> bool:
        """Whether Run is enabled when idle (a panel may need a selection first)."""
        return True

    def _run_finished(self) -> None:
        self.worker = None
        self.run_button.setEnabled(self.can_run())
        self.cancel_button.setEnabled(False)
