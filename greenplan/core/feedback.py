"""Qt-free progress and cancel, observed by the GUI and printed by the CLI.

Long work takes a ``feedback`` keyword (QGIS ``QgsProcessingFeedback`` without Qt,
napari ``cancelable_progress`` without tqdm). The base class does nothing, so an
analysis called from a script or a test needs no feedback at all. The GUI subclasses
it in ``gui/workers.py`` to emit signals; the CLI uses :class:`ConsoleFeedback`.
"""

from __future__ import annotations

import sys
import threading
from typing import TextIO

from greenplan.core.errors import Canceled


class Feedback:
    """Progress (0–100), a status text, warnings, and a cancel flag.

    Thread-safe for the pattern used here: a worker thread reports, the GUI thread
    reads and calls :meth:`cancel`.

    Examples
    --------
    >>> fb = Feedback()
    >>> fb.set_progress(50.0)
    >>> fb.progress
    50.0
    >>> fb.cancel(); fb.is_canceled()
    True
    """

    def __init__(self) -> None:
        self._cancel = threading.Event()
        self.progress = 0.0
        self.text = ""
        self.warnings: list[str] = []

    # -- reporting ------------------------------------------------------
    def set_progress(self, percent: float) -> None:
        self.progress = max(0.0, min(100.0, float(percent)))

    def set_text(self, text: str) -> None:
        self.text = text

    def push_warning(self, text: str) -> None:
        self.warnings.append(text)

    def push_result(self, item: object) -> None:
        """A finished piece of the work (one map of a batch) the caller may show at once.

        The base class ignores it: the whole result comes back at the end anyway.
        """

    # -- cancelling -----------------------------------------------------
    def cancel(self) -> None:
        self._cancel.set()

    def is_canceled(self) -> bool:
        return self._cancel.is_set()

    def check(self) -> None:
        """Raise :class:`~greenplan.core.errors.Canceled` if cancel was asked for."""
        if self._cancel.is_set():
            raise Canceled()

    def step(self, done: int, total: int, text: str | None = None) -> None:
        """Report ``done`` of ``total`` and stop here if cancelled."""
        self.check()
        if text is not None:
            self.set_text(text)
        self.set_progress(100.0 * done / total if total else 100.0)


class SubFeedback(Feedback):
    """Maps a child step's 0–100 onto ``[start, end]`` of a parent feedback."""

    def __init__(self, parent: Feedback, start: float, end: float) -> None:
        super().__init__()
        self.parent = parent
        self.start, self.end = start, end
        self._cancel = parent._cancel  # share the cancel flag

    def set_progress(self, percent: float) -> None:
        super().set_progress(percent)
        self.parent.set_progress(self.start + (self.end - self.start) * self.progress / 100.0)

    def set_text(self, text: str) -> None:
        super().set_text(text)
        self.parent.set_text(text)

    def push_warning(self, text: str) -> None:
        super().push_warning(text)
        self.parent.push_warning(text)

    def push_result(self, item: object) -> None:
        self.parent.push_result(item)


class ConsoleFeedback(Feedback):
    """A one-line text progress bar on a stream (stderr by default).

    Drawn only on a terminal: redirected to a log file (a scheduled batch task), a bar
    redrawn with carriage returns would fill the log with hundreds of lines.
    """

    def __init__(self, stream: TextIO | None = None, width: int = 30, enabled: bool = True,
                 force: bool = False) -> None:
        super().__init__()
        self.stream = stream if stream is not None else sys.stderr
        self.width = width
        isatty = getattr(self.stream, "isatty", lambda: False)
        self.enabled = enabled and (force or bool(isatty()))
        self._last = (-1, "")

    def _draw(self) -> None:
        if not self.enabled:
            return
        filled = int(self.width * self.progress / 100.0)
        key = (filled, self.text)
        if key == self._last:
            return
        self._last = key
        bar = "#" * filled + "-" * (self.width - filled)
        self.stream.write(f"\r[{bar}] {self.progress:5.1f}% {self.text[:50]:<50}")
        self.stream.flush()

    def set_progress(self, percent: float) -> None:
        super().set_progress(percent)
        self._draw()

    def set_text(self, text: str) -> None:
        super().set_text(text)
        self._draw()

    def finish(self) -> None:
        if self.enabled and self._last[0] >= 0:
            self.stream.write("\n")
            self.stream.flush()
