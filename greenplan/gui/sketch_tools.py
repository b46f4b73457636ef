"""Hand-drawn greening on the canvas (#15): the sketch toolbar and the binder of the sketch tools.

The canvas draws a polygon, a rectangle or a belt's centre line (``sketch_*`` tools) and
emits the shape; :class:`SketchTools` turns it into a
:class:`~greenplan.app.sketch_state.SketchFeature` of the kind picked in the toolbar and adds
it to the :class:`~greenplan.app.sketch_state.SketchState` (one undo step). The state's
features go back to the canvas, those that break a rule outlined in the conflict style,
and the status bar names the rule and the overlap area at once — also while drawing.
Nothing is computed here (STYLE rule 5).
"""

from __future__ import annotations

from collections.abc import Callable

import shapely
from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QCheckBox, QComboBox, QDoubleSpinBox, QLabel, QToolBar, QWidget

from greenplan.app.sketch_check import conflicts_text
from greenplan.app.sketch_state import SketchFeature, SketchState
from greenplan.gui.i18n import current_language

# what the kind box lists, in order (ids of ``greenplan.jobs.sketch.SKETCH_KINDS``)
KIND_ORDER = ("pocket_park", "green_belt", "green_space", "rooftop", "construction")


class SketchBar(QToolBar):
    """The kind to draw and a belt's width (m)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("sketchToolbar")
        self.kind_label = QLabel(objectName="sketchKindLabel")
        self.kind_box = QComboBox(objectName="sketchKind")
        for k in KIND_ORDER:
            self.kind_box.addItem("", k)
        self.width_label = QLabel(objectName="sketchWidthLabel")
        self.width_box = QDoubleSpinBox(objectName="sketchWidth")
        self.width_box.setRange(1.0, 500.0)
        self.width_box.setDecimals(1)
        self.width_box.setValue(20.0)
        self.width_box.setSuffix(" m")
        self.snap_box = QCheckBox(objectName="sketchSnap")
        self.snap_box.setChecked(True)
        for w in (self.kind_label, self.kind_box, self.width_label, self.width_box, self.snap_box):
            self.addWidget(w)
        self.retranslate()

    @property
    def kind(self) -> str:
        return str(self.kind_box.currentData())

    def set_kind(self, kind: str) -> None:
        self.kind_box.setCurrentIndex(KIND_ORDER.index(kind))

    @property
    def width_m(self) -> float:
        return float(self.width_box.value())

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Sketch"))
        self.kind_label.setText(self.tr("Sketch kind:"))
        names = {"pocket_park": self.tr("Pocket park"), "green_belt": self.tr("Green belt"),
                 "green_space": self.tr("Green space"), "rooftop": self.tr("Rooftop greening"),
                 "construction": self.tr("New construction")}
        for i, k in enumerate(KIND_ORDER):
            self.kind_box.setItemText(i, names[k])
        self.width_label.setText(self.tr("Belt width:"))
        self.width_box.setToolTip(self.tr("Width of a green belt drawn along its centre line, in metres"))
        self.snap_box.setText(self.tr("Snap to vertices"))
        self.snap_box.setToolTip(self.tr("Snap new vertices to the vertices of visible layers within a few pixels"))

    def changeEvent(self, event) -> None:  # noqa: N802 - Qt
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)


def shape_feature(tool: str, points: list[tuple[float, float]], kind: str, width_m: float) -> SketchFeature | None:
    """The feature a sketch tool drew (None for a shape without area).

    ``sketch_belt`` always makes a ``green_belt`` (the centre line buffered by ``width_m / 2``);
    the other tools make a polygon of ``kind``.
    """
    if tool == "sketch_belt":
        line = shapely.LineString(points)
        return SketchFeature.belt(line, width_m) if line.length > 0 else None
    poly = shapely.Polygon(points)
    if not poly.is_valid:
        poly = shapely.make_valid(poly)
    if poly.is_empty or poly.area <= 0:
        return None
    return SketchFeature("green_belt" if kind == "green_belt" else kind, poly)


class SketchTools(QObject):
    """Binds the canvas's sketch tools, the sketch toolbar and a :class:`SketchState`."""

    def __init__(self, canvas, state: SketchState, bar: SketchBar,
                 show_message: Callable[[str, int], None], parent: QObject | None = None,
                 show_label: Callable[[str], None] | None = None) -> None:
        super().__init__(parent)
        self.canvas = canvas
        self.state = state
        self.bar = bar
        self._message = show_message
        self._label = show_label
        canvas.sketch_drawn.connect(self.on_drawn)
        bar.snap_box.toggled.connect(self._set_snapping)
        self._set_snapping(bar.snap_box.isChecked())
        canvas.sketch_moved.connect(self.on_moved)
        state.events.changed.connect(self._on_changed)
        self._on_changed()

    def show_message(self, text: str, ms: int) -> None:
        """The status bar's message and its label (which stays until the next shape)."""
        self._message(text, ms)
        if self._label is not None:
            self._label(text)

    def _set_snapping(self, on: bool) -> None:
        self.canvas.set_snapping(on)

    def on_drawn(self, tool: str, points) -> None:
        feature = shape_feature(tool, list(points), self.bar.kind, self.bar.width_m)
        if feature is None:
            return
        index = self.state.add(feature)
        self.show_message(self.conflict_message(index), 10000)

    def on_moved(self, tool: str, points) -> None:
        """While drawing: the rule the shape so far breaks (checked live)."""
        pts = list(points)
        if len(pts) < (2 if tool == "sketch_belt" else 3):
            return
        feature = shape_feature(tool, pts, self.bar.kind, self.bar.width_m)
        if feature is None:
            return
        text = conflicts_text(self.state.checker.check(feature.geometry), current_language())
        self.show_message(text, 2000)  # cleared when the shape leaves the protected land

    def conflict_message(self, index: int) -> str:
        """The status bar text for feature ``index``: its conflicts, or that it was added."""
        text = conflicts_text(self.state.conflicts(index), current_language())
        return text or self.tr("Sketch feature added (no conflict with permanent farmland or the ecological red line)")

    def _on_changed(self, _event=None) -> None:
        feats = self.state.features
        self.canvas.set_sketch_geometries([f.geometry for f in feats], self.state.conflict_flags())


def install(window) -> SketchTools:
    """The sketch toolbar, model and binder of the main window (#15); returns the binder."""
    state = SketchState(window.model.state)
    bar = SketchBar(window)
    first = bar.actions()[0]
    for action_id in ("tool.sketch_polygon", "tool.sketch_rect", "tool.sketch_belt"):
        bar.insertAction(first, window.actions[action_id])
    bar.insertSeparator(first)
    window.addToolBarBreak(Qt.ToolBarArea.TopToolBarArea)  # its own row: the main toolbars fill theirs
    window.addToolBar(Qt.ToolBarArea.TopToolBarArea, bar)
    tools = SketchTools(window.canvas, state, bar, lambda text, ms: window.statusBar().showMessage(text, ms), window,
                        show_label=window.measure_label.setText)
    window.scenarios.current_changed.connect(state.set_scenario)
    window.scenario_panel.sketch_frame = state.edited_frame  # runs include unsaved edits

    def saved(event) -> None:
        if event.error is not None:
            from greenplan.gui.errors import show_error

            show_error(window, event.error, "save sketch")

    state.events.saved.connect(saved)
    tools._saved = saved  # the emitter holds callbacks weakly
    return tools
