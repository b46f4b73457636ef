"""The Qt face of the open project: Qt signals over :class:`greenplan.app.project_state.ProjectState`.

The model itself (layers, order, selection, dirty state, the undo stack) is the Qt-free
``ProjectState`` (``model.state``), tested without a display. This adapter re-emits its
events as Qt signals, because the widgets bound to them rely on what Qt connections give:
a deleted widget is disconnected for free, and a lambda connected with a receiver dies with
it. Reads and edits are passed through unchanged (``model.rename(key, name)`` is
``model.state.rename(key, name)``), so every edit lands on the one undo stack.

A widget may as well bind to ``model.state.events`` directly (napari-style); the layer
panel's test builds it around a bare ``ProjectState`` wrapped here.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, Signal

from greenplan.app.project_state import LayerEntry, ProjectState

__all__ = ["LayerEntry", "ProjectModel"]


def _restyle(entry: LayerEntry, project) -> None:
    from greenplan.gui.canvas.display_data import restyle

    restyle(entry, project)


class ProjectModel(QObject):
    """Signals of the open project (see module docstring); everything else is ``state``'s."""

    project_replaced = Signal()
    layers_changed = Signal()  # added, removed, reordered, role changed, loaded
    layer_changed = Signal(int)  # key: visibility, style, name, class mapping
    dirty_changed = Signal(bool)
    path_changed = Signal()
    name_changed = Signal(str)
    selection_changed = Signal(int)  # key of the layer whose selection changed (0: cleared)
    current_layer_changed = Signal(int)
    highlight_changed = Signal()
    undo_changed = Signal()  # the undo stack moved: the Edit menu's texts and enabled state

    def __init__(self, parent=None, state: ProjectState | None = None) -> None:
        super().__init__(parent)
        self.state = state if state is not None else ProjectState(restyle=_restyle)
        ev = self.state.events
        # bound methods: the emitters hold them weakly, so a deleted adapter stops listening
        ev.project_replaced.connect(self._project_replaced)
        ev.layers_changed.connect(self._layers_changed)
        ev.layer_changed.connect(self._layer_changed)
        ev.dirty_changed.connect(self._dirty_changed)
        ev.path_changed.connect(self._path_changed)
        ev.name_changed.connect(self._name_changed)
        ev.selection_changed.connect(self._selection_changed)
        ev.current_layer_changed.connect(self._current_layer_changed)
        ev.highlight_changed.connect(self._highlight_changed)
        self.state.undo_stack.events.changed.connect(self._undo_changed)

    def __getattr__(self, name: str) -> Any:
        # only reached for names the adapter lacks: the state's data and methods
        if name == "state":
            raise AttributeError(name)
        return getattr(self.state, name)

    @property
    def crs(self):
        return self.state.crs

    @crs.setter
    def crs(self, value) -> None:
        self.state.crs = value

    @property
    def undo_stack(self):
        return self.state.undo_stack

    def notify_layers_changed(self) -> None:
        """Tell every view the layers changed (a load that failed stops their 'loading' mark)."""
        self.state.events.layers_changed()

    # ------------------------------------------------------------------ event -> signal
    def _project_replaced(self, _e) -> None:
        self.project_replaced.emit()

    def _layers_changed(self, _e) -> None:
        self.layers_changed.emit()

    def _layer_changed(self, e) -> None:
        self.layer_changed.emit(e.key)

    def _dirty_changed(self, e) -> None:
        self.dirty_changed.emit(e.dirty)

    def _path_changed(self, _e) -> None:
        self.path_changed.emit()

    def _name_changed(self, e) -> None:
        self.name_changed.emit(e.name)

    def _selection_changed(self, e) -> None:
        self.selection_changed.emit(e.key)

    def _current_layer_changed(self, e) -> None:
        self.current_layer_changed.emit(e.key)

    def _highlight_changed(self, _e) -> None:
        self.highlight_changed.emit()

    def _undo_changed(self, _e) -> None:
        self.undo_changed.emit()
