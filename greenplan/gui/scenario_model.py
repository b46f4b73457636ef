"""The Qt face of the scenarios: Qt signals over :class:`greenplan.app.scenario_state.ScenarioState`.

The scenario list, the current one and its edits (each one undoable on the project's undo
stack) are the Qt-free ``ScenarioState`` (``model.state``); this adapter re-emits its
events as Qt signals for the panels and passes calls through (see
:mod:`greenplan.gui.project_model` for why an adapter and not direct binding).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, Signal

from greenplan.app.scenario_state import ScenarioState


class ScenarioModel(QObject):
    """Scenario signals; everything else is ``state``'s (``names()``, ``create()`` ...).

    Signals
    -------
    changed()
        A scenario was added, removed, renamed or edited (or an edit undone), or the
        project was replaced.
    current_changed(str)
        Another scenario is current (``""``: none).
    """

    changed = Signal()
    current_changed = Signal(str)

    def __init__(self, project_model, parent=None) -> None:
        super().__init__(parent)
        self.pm = project_model
        self.state = ScenarioState(project_model.state)
        self.state.events.changed.connect(self._changed)
        self.state.events.current_changed.connect(self._current_changed)

    def __getattr__(self, name: str) -> Any:
        if name == "state":
            raise AttributeError(name)
        return getattr(self.state, name)

    def _changed(self, _e) -> None:
        self.changed.emit()

    def _current_changed(self, e) -> None:
        self.current_changed.emit(e.name)
