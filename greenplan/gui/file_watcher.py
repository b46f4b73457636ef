"""Watch the open project's file on disk and reload it when someone else changes it.

A ``QFileSystemWatcher`` on the file (and its folder: editors save by writing a new file
and renaming it over the old one, which drops the file from the watcher) triggers a
short-delayed check; what a change means is decided by the Qt-free
:class:`~greenplan.app.file_watch.ProjectFileWatch`. The app's own saves and opens
update the remembered stamp (the model's ``path_changed``), so they never trigger a reload.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QFileSystemWatcher, QObject, QTimer

from greenplan.app.file_watch import ASK, RELOAD, ProjectFileWatch


class ProjectFileWatcher(QObject):
    """Binds a ``QFileSystemWatcher`` to the project model and :class:`ProjectOps`.

    Parameters
    ----------
    model
        The :class:`~greenplan.gui.project_model.ProjectModel`.
    ops
        The :class:`~greenplan.gui.project_ops.ProjectOps` (``reload_from_disk``, ``save_as``).
    ask
        ``ask() -> "reload" | "keep" | "save_as"`` when the file changed and the project
        has unsaved changes.
    delay_ms
        Wait this long after the last change before looking (editors write in steps).
    """

    def __init__(self, model, ops, ask: Callable[[], str], parent=None, delay_ms: int = 300) -> None:
        super().__init__(parent)
        self.model = model
        self.ops = ops
        self.ask = ask
        self.state = ProjectFileWatch()
        self.watcher = QFileSystemWatcher(self)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(delay_ms)
        self.timer.timeout.connect(self.check)
        self.watcher.fileChanged.connect(lambda _p: self.timer.start())
        self.watcher.directoryChanged.connect(self._dir_changed)
        self._asking = False
        model.path_changed.connect(self.remember)
        self.remember()

    def remember(self) -> None:
        """The app read or wrote the project file (or has none): watch it as it is now."""
        path = self.model.project.path
        self.state.remember(path)
        old = self.watcher.files() + self.watcher.directories()
        if old:
            self.watcher.removePaths(old)
        if path is not None:
            self._watch(Path(path))

    def _watch(self, path: Path) -> None:
        if path.parent.is_dir() and str(path.parent) not in self.watcher.directories():
            self.watcher.addPath(str(path.parent))
        if path.is_file() and str(path) not in self.watcher.files():
            self.watcher.addPath(str(path))

    def _dir_changed(self, _folder: str) -> None:
        path = self.state.path
        if path is not None and self.state.known is not None and path.is_file():
            from greenplan.app.file_watch import file_stamp

            stamp = file_stamp(path)
            if stamp is None or stamp.digest != self.state.known.digest:
                self.timer.start()

    def check(self) -> str:
        """Look at the file now; reload or ask as needed. Returns what was decided."""
        path = self.state.path
        if path is None:
            return "ignore"
        self._watch(path)  # replaced by rename: watch the new file
        if self._asking:
            return "ignore"
        decision = self.state.check(self.model.dirty)
        if decision == RELOAD:
            self.ops.reload_from_disk()
        elif decision == ASK:
            self._asking = True
            try:
                answer = self.ask()
            finally:
                self._asking = False
            if answer == "reload":
                self.ops.reload_from_disk()
            else:
                self.state.remember(path)  # keep mine: this version of the file is known now
                if answer == "save_as":
                    self.ops.save_as()
        return decision
