"""Hand-drawn greening on the canvas (#15): the sketch toolbar and the binder of the sketch tools.

The canvas draws a polygon, a rectangle or a belt's centre line (``sketch_*`` tools) and
emits the shape; :class:`SketchTools` turns it into a
:class:`~greenplan.app.sketch_state.SketchFeature` of the kind picked in the toolbar and adds
it to the :class:`~greenplan.app.sketch_state.SketchState` (one undo step). The state's
features go back to the canvas, those that break a rule outlined in the conflict style,
and the status bar names the rule and the overlap area at once — also while drawing.
New vertices snap to the vertices of the visible layers and of the sketch (a magenta square
marks the vertex). The edit tool (``sketch_edit``) selects a feature with a click, moves it by
dragging (or one vertex, dragged from its handle), deletes it with Delete and opens its
attributes with a double-click.
Nothing is computed here (STYLE rule 5).
"""

from __future__ import annotations

from collections.abc import Callable

import shapely
from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QToolBar,
    QWidget,
)

from greenplan.analysis.wording import format_area
from greenplan.app.sketch_check import conflicts_text
from greenplan.app.sketch_state import (
    SketchFeature,
    SketchState,
    features_from_geometries,
    polygonal,
)
from greenplan.gui.i18n import current_language
from greenplan.gui.sketch_texts import KIND_ORDER, kind_texts  # noqa: F401 - importable from here too


class SketchBar(QToolBar):
    """The kind to draw and a belt's width (m)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("sketchToolbar")
        self.kind_label = QLabel(objectName="sketchKindLabel")
        self.kind_box = QComboBox(objectName="sketchKind")
        for k in KIND_ORDER:
            self.kind_box.addItem("", k)
        # as wide as its longest kind in the language shown (English names are longer)
        self.kind_box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
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
        names = kind_texts()
        for i, k in enumerate(KIND_ORDER):
            self.kind_box.setItemText(i, names[k])
        self.width_label.setText(self.tr("Belt width:"))
        self.width_box.setToolTip(self.tr("Width of a green belt drawn along its centre line, in metres"))
        self.snap_box.setText(self.tr("Snap to vertices and edges"))
        self.snap_box.setToolTip(self.tr("Snap new vertices to the vertices of visible layers within a few pixels"))

    def changeEvent(self, event) -> None:  # noqa: N802 - Qt
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)


class SketchAttributesDialog(QDialog):
    """Name, kind, green-space class, share counted toward the green space ratio and note of
    one sketch feature; :meth:`changes` gives what was changed."""

    def __init__(self, feature: SketchFeature, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("sketchAttributesDialog")
        self.feature = feature
        self.name_edit = QLineEdit(feature.name, objectName="sketchName")
        self.kind_box = QComboBox(objectName="sketchAttrKind")
        bar_names = kind_texts()
        for k in KIND_ORDER:
            self.kind_box.addItem(bar_names[k], k)
        self.kind_box.setCurrentIndex(KIND_ORDER.index(feature.kind))
        self.class_edit = QLineEdit(feature.cls, objectName="sketchClass")
        self.share_box = QDoubleSpinBox(objectName="sketchShare")
        self.share_box.setRange(0.0, 1.0)
        self.share_box.setDecimals(2)
        self.share_box.setSingleStep(0.1)
        self.share_box.setValue(float(feature.gs_share))
        self.note_edit = QLineEdit(feature.note, objectName="sketchNote")
        form = QFormLayout(self)
        form.addRow(self.tr("Name:"), self.name_edit)
        form.addRow(self.tr("Kind:"), self.kind_box)
        form.addRow(self.tr("Green space class (CJJ/T 85):"), self.class_edit)
        form.addRow(self.tr("Share counted toward the green space ratio:"), self.share_box)
        form.addRow(self.tr("Note:"), self.note_edit)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.setWindowTitle(self.tr("Sketch feature attributes"))

    def changes(self) -> dict[str, object]:
        """The attributes that differ from the feature's (for ``SketchState.modify``)."""
        new = {"name": self.name_edit.text().strip(), "kind": str(self.kind_box.currentData()),
               "cls": self.class_edit.text().strip(), "gs_share": round(float(self.share_box.value()), 4),
               "note": self.note_edit.text().strip()}
        old = {"name": self.feature.name, "kind": self.feature.kind, "cls": self.feature.cls,
               "gs_share": round(float(self.feature.gs_share), 4), "note": self.feature.note}
        out = {k: v for k, v in new.items() if v != old[k]}
        if "kind" in out and "cls" not in out:  # a new kind brings its default class and share
            out.pop("gs_share", None)
        return out


def shape_feature(tool: str, points: list[tuple[float, float]], kind: str, width_m: float) -> SketchFeature | None:
    """The feature a sketch tool drew (None for a shape without area).

    ``sketch_belt`` always makes a ``green_belt`` (the centre line buffered by ``width_m / 2``);
    the other tools make a polygon of ``kind``.
    """
    if tool == "sketch_belt":
        line = shapely.LineString(points)
        return SketchFeature.belt(line, width_m) if line.length > 0 else None
    poly = polygonal(shapely.Polygon(points))
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
        self.selected: int | None = None  # the feature the edit tool selected
        self.others: list[int] = []  # more features, added with Shift+click (merge, delete)
        self._vertex: tuple[float, float] | None = None  # the vertex a drag of the edit tool moves
        self.vertex: tuple[float, float] | None = None  # the vertex clicked (Delete removes it)
        self.dialog: SketchAttributesDialog | None = None
        canvas.sketch_drawn.connect(self.on_drawn)
        canvas.sketch_pressed.connect(self.on_pressed)
        canvas.sketch_clicked.connect(self.on_clicked)
        canvas.sketch_dragged.connect(self.on_dragged)
        canvas.sketch_double_clicked.connect(self.on_double_clicked)
        canvas.delete_pressed.connect(self.on_delete)
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
        self.canvas.sketch.drawing_conflict = False
        if tool == "sketch_split":
            self.split(list(points))
            return
        feature = shape_feature(tool, list(points), self.bar.kind, self.bar.width_m)
        if feature is None:
            return
        index = self.state.add(feature)
        self.show_message(self.conflict_message(index), 10000)

    def on_moved(self, tool: str, points) -> None:
        """While drawing: the rule the shape so far breaks (checked live)."""
        pts = list(points)
        if tool == "sketch_split" or len(pts) < (2 if tool == "sketch_belt" else 3):
            return
        feature = shape_feature(tool, pts, self.bar.kind, self.bar.width_m)
        if feature is None:
            return
        conflicts = self.state.checker.check(feature.geometry)
        if self.canvas.sketch.drawing_conflict != bool(conflicts):
            self.canvas.sketch.drawing_conflict = bool(conflicts)
            self.canvas.update()
        lang = current_language()
        # the shape's kind and area so far, then the rule it breaks (if any)
        parts = [kind_texts()[feature.kind], format_area(feature.geometry.area, lang), conflicts_text(conflicts, lang)]
        self.show_message(" · ".join(p for p in parts if p), 2000)

    def split(self, points) -> list[int]:
        """Cut the sketch features the line through ``points`` crosses (one undo step)."""
        line = shapely.LineString(points)
        cut = self.state.split(line) if line.length > 0 else []
        self.select(None)
        if cut:
            self.show_message(self.tr("{0} sketch feature(s) split").format(len(cut)), 8000)
        else:
            self.show_message(self.tr("The line does not cut any sketch feature in two"), 8000)
        return cut

    def copy_geometries(self, geoms) -> int:
        """Copy layer geometries into the sketch as the kind picked (lines: belts of the
        toolbar's width), one undo step; returns how many features were added."""
        feats = features_from_geometries(list(geoms), self.bar.kind, self.bar.width_m)
        self.state.add_many(feats)
        if feats:
            bad = sum(1 for i in range(len(self.state.features) - len(feats), len(self.state.features))
                      if self.state.conflicts(i))
            text = self.tr("{0} features copied into the sketch").format(len(feats))
            if bad:
                text += self.tr("; {0} occupy permanent farmland or the ecological red line").format(bad)
            self.show_message(text, 10000)
        else:
            self.show_message(self.tr("No polygon or line among the selected features"), 5000)
        return len(feats)

    # ------------------------------------------------------------------ the edit tool
    def select(self, index: int | None) -> None:
        self.selected = index
        self.others = []
        self.vertex = None
        self._show_selected()
        if index is not None:
            self.show_message(self.describe(index), 10000)

    def describe(self, index: int) -> str:
        """``口袋公园 · G1 · 2,000.0 m²`` and its conflicts, for the status bar."""
        f = self.state.features[index]
        parts = [f.name, kind_texts()[f.kind], f.cls, format_area(f.geometry.area, current_language())]
        conflicts = conflicts_text(self.state.conflicts(index), current_language())
        return " · ".join(p for p in (*parts, conflicts) if p)

    def selection(self) -> list[int]:
        """The selected features: the one clicked first, then those added with Shift+click."""
        return [] if self.selected is None else [self.selected, *self.others]

    def select_many(self, indices: list[int]) -> None:
        """Select these features (the attribute table's selected rows), the first one first."""
        self.select(indices[0] if indices else None)
        self.others = list(indices[1:])
        self._show_selected()
        if len(indices) > 1:
            self.show_message(self.tr("{0} sketch features selected: Shift+M merges them, Delete deletes them")
                              .format(len(indices)), 10000)

    def toggle(self, index: int | None) -> None:
        """Shift+click: add the feature to the selection, or take it out."""
        if index is None:
            return
        if self.selected is None:
            self.select(index)
            return
        if index == self.selected:
            rest = self.others
            self.select(rest[0] if rest else None)
            self.others = rest[1:]
        elif index in self.others:
            self.others.remove(index)
        else:
            self.others.append(index)
        self.vertex = None
        self._show_selected()
        n = len(self.selection())
        if n > 1:
            self.show_message(self.tr("{0} sketch features selected: Shift+M merges them, Delete deletes them")
                              .format(n), 10000)

    def merge(self) -> int | None:
        """Merge the selected sketch features into one (one undo step)."""
        chosen = self.selection()
        if len(chosen) < 2:
            self.show_message(self.tr("Select two or more sketch features to merge: "
                                      "click one with the edit tool, Shift+click the others"), 8000)
            return None
        feats = self.state.features
        if len({feats[i].kind for i in chosen}) > 1:
            self.show_message(self.tr("Only sketch features of the same kind can be merged"), 8000)
            return None
        index = self.state.merge(chosen)
        self.select(index)
        return index

    def _show_selected(self) -> None:
        feats, i = self.state.features, self.selected
        self.others = [j for j in self.others if j < len(feats) and j != i]
        if i is not None and i < len(feats) and self.others:
            # each outline on its own (a union would look merged already)
            shape = shapely.multipolygons(shapely.get_parts([feats[j].geometry for j in (i, *self.others)]))
            self.canvas.set_sketch_selected(shape, feats[i].vertices())
        elif i is not None and i < len(feats):
            self.canvas.set_sketch_selected(feats[i].geometry, feats[i].vertices())
        else:
            self.canvas.set_sketch_selected(None)
        self.canvas.sketch.current_vertex = self.vertex if i is not None else None
        self.canvas.update()

    def on_pressed(self, x: float, y: float, tolerance: float) -> None:
        """A press of the edit tool on a vertex of the selected feature drags that vertex."""
        self._vertex = None
        if self.selected is not None and self.selected < len(self.state.features):
            self._vertex = self.state.vertex_at(self.selected, x, y, 2 * tolerance)
        self.canvas.sketch.edit_vertex = self._vertex

    def on_clicked(self, x: float, y: float, tolerance: float) -> None:
        """A click on a vertex of the selected feature selects that vertex (Delete removes it);
        elsewhere it selects the feature under the mouse."""
        if self._vertex is not None and self.selected is not None:
            self.vertex, self._vertex = self._vertex, None
            self._show_selected()
            self.show_message(self.tr("Vertex selected: Delete removes it; drag to move it"), 8000)
            return
        index = self.state.feature_at(x, y, tolerance)
        if self.canvas.click_modifiers & Qt.KeyboardModifier.ShiftModifier:
            self.toggle(index)
        else:
            self.select(index)

    def on_dragged(self, x0: float, y0: float, x1: float, y1: float, tolerance: float) -> None:
        """Move the vertex the drag started on (of the selected feature), else the feature the
        drag started on (one undo step)."""
        vertex, self._vertex = self._vertex, None
        if vertex is not None and self.selected is not None:
            self.state.move_vertex(self.selected, *vertex, x1, y1)
            self.select(self.selected)
            return
        index = self.state.feature_at(x0, y0, tolerance)
        if index is None:
            return
        self.state.move(index, x1 - x0, y1 - y0)
        self.select(index)

    def on_delete(self) -> None:
        """Delete: the selected vertex, else the selected features (one undo step)."""
        if self.canvas.tool != "sketch_edit" or self.selected is None:
            return
        if self.vertex is not None:
            index = self.selected
            if self.state.delete_vertex(index, *self.vertex):
                self.select(index)
            else:
                self.show_message(self.tr("A polygon keeps at least 3 vertices and a belt's centre line 2: "
                                          "delete the feature instead"), 8000)
            return
        chosen, self.selected, self.others = self.selection(), None, []
        if len(chosen) > 1:
            self.state.delete_many(chosen)
        else:
            self.state.delete(chosen[0])
        self.canvas.set_sketch_selected(None)

    def on_double_clicked(self, x: float, y: float, tolerance: float) -> None:
        """A double-click on an edge of the selected feature adds a vertex there (a belt: on
        its centre line); elsewhere on a feature it opens the feature's attributes."""
        i = self.selected
        if i is not None and i < len(self.state.features) and self.state.vertex_at(i, x, y, 2 * tolerance) is None:
            f = self.state.features[i]
            edge = shapely.from_wkt(f.centre_wkt) if f.centre_wkt else shapely.boundary(f.geometry)
            if shapely.distance(edge, shapely.Point(x, y)) <= 2 * tolerance:
                self.state.add_vertex(i, x, y)
                self.select(i)
                self.show_message(self.tr("Vertex added"), 5000)
                return
        index = self.state.feature_at(x, y, tolerance)
        if index is not None:
            self.edit_attributes(index)

    def edit_attributes(self, index: int) -> SketchAttributesDialog:
        """Open the attributes dialog of feature ``index`` (window-modal); OK applies the changes."""
        self.select(index)
        dialog = SketchAttributesDialog(self.state.features[index], self.canvas.window())
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        feature = self.state.features[index]

        def apply() -> None:
            changes = dialog.changes()
            feats = self.state.features
            if changes and index < len(feats) and feats[index] is feature:
                self.state.modify(index, **changes)
                self.select(index)

        dialog.accepted.connect(apply)
        dialog.finished.connect(dialog.deleteLater)
        self.dialog = dialog
        dialog.open()
        return dialog

    def open_table(self):
        """The sketch attribute table, docked at the bottom (created once); returns its widget."""
        from PySide6.QtWidgets import QDockWidget

        from greenplan.gui.panels.sketch_table import SketchTable

        window = self.canvas.window()
        dock = getattr(self, "table_dock", None)
        if dock is None:
            table = SketchTable(self.state, self.show_message, self.select, window, select_many=self.select_many)
            dock = QDockWidget(window)
            dock.setObjectName("sketchTableDock")
            dock.setWidget(table)
            window.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, dock)
            self.table_dock = dock
            table.retranslate()  # now in its dock: the dock's title
        dock.show()
        dock.raise_()
        return dock.widget()

    def conflict_message(self, index: int) -> str:
        """The status bar text for feature ``index``: its conflicts, or that it was added."""
        text = conflicts_text(self.state.conflicts(index), current_language())
        return text or self.tr("Sketch feature added (no conflict with permanent farmland or the ecological red line)")

    def _on_changed(self, _event=None) -> None:
        feats = self.state.features
        self.canvas.set_sketch_geometries([f.geometry for f in feats], self.state.conflict_flags())
        if self.selected is not None and self.selected >= len(feats):
            self.selected = None
        self._show_selected()


def install(window) -> SketchTools:
    """The sketch toolbar, model and binder of the main window (#15); returns the binder."""
    state = SketchState(window.model.state, scenario_state=window.scenarios.state)
    bar = SketchBar(window)
    first = bar.actions()[0]
    for action_id in ("tool.sketch_polygon", "tool.sketch_rect", "tool.sketch_belt", "tool.sketch_edit",
                      "tool.sketch_split"):
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
