"""The attribute table of the scenario's sketch (#15): the one editable table.

Source layers are read-only (their tables say so); the hand-drawn features of the scenario
being edited are not. :class:`SketchTableModel` lists them with typed editors
(:class:`SketchDelegate`): the kind from a list, the CJJ/T 85-2017 class from the standard's
classes, the green-space share as a number from 0 to 1, name and note as text. A value is
checked before anything changes (a class the standard does not have, a share outside 0–1 is
refused, with the reason in the status bar), and every accepted edit goes through
:meth:`SketchState.modify`, one undo step like every other edit of the project: the table
follows undo and redo through the state's ``changed`` event. A belt's width is edited too (the
belt is drawn again along its centre line, 1–500 m). Area and the conflict
(the live check's rule and overlap, in the status bar's words) are computed and read-only;
numbers are right-aligned with fixed decimals.
"""

from __future__ import annotations

from collections.abc import Callable

import shapely
from PySide6.QtCore import (
    QAbstractTableModel,
    QEvent,
    QItemSelectionModel,
    QModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDockWidget,
    QDoubleSpinBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QStyledItemDelegate,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from greenplan.app.sketch_check import conflicts_text
from greenplan.app.sketch_state import SketchState
from greenplan.gui.i18n import current_language
from greenplan.gui.sketch_texts import kind_texts
from greenplan.gui.tables import compact_rows
from greenplan.jobs.class_values import code_names
from greenplan.jobs.sketch import SKETCH_KINDS, belt_polygon

#: columns: (key, editable)
COLUMNS = (("name", True), ("kind", True), ("cls", True), ("gs_share", True), ("area", False), ("width_m", False),
           ("conflict", False), ("note", True))
NUMERIC = {"gs_share": 2, "area": 1, "width_m": 1}  # fixed decimals
MAX_BELT_WIDTH_M = 500.0


def green_classes() -> dict[str, tuple[str, str]]:
    """The CJJ/T 85-2017 classes a sketch feature may take: code -> (中文名, English)."""
    return code_names("cjj85")


class SketchTableModel(QAbstractTableModel):
    """The features of a :class:`SketchState` as table rows (see module docstring)."""

    #: a refused value: the reason, for the status bar
    refused = Signal(str)

    def __init__(self, state: SketchState, parent=None) -> None:
        super().__init__(parent)
        self.state = state
        #: the rows an edit of ``row`` applies to: the selected rows when ``row`` is one of them
        self.rows_for: Callable[[int], list[int]] = lambda row: [row]
        state.events.changed.connect(self._changed)

    def _changed(self, _event=None) -> None:
        self.beginResetModel()
        self.endResetModel()

    def headers(self) -> dict[str, str]:
        return {"name": self.tr("Name"), "kind": self.tr("Kind"), "cls": self.tr("Class (CJJ/T 85)"),
                "gs_share": self.tr("Green share"), "area": self.tr("Area (m²)"), "width_m": self.tr("Width (m)"),
                "conflict": self.tr("Conflict"), "note": self.tr("Note")}

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.state.features)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return self.headers()[COLUMNS[section][0]]
        return str(section + 1)

    def editable(self, row: int, key: str) -> bool:
        """A belt's width is editable (the belt is drawn again from its centre line); the
        other computed columns are not."""
        if key == "width_m":
            return row < len(self.state.features) and bool(self.state.features[row].centre_wkt)
        return dict(COLUMNS)[key]

    def flags(self, index):
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        return base | Qt.ItemFlag.ItemIsEditable if self.editable(index.row(), COLUMNS[index.column()][0]) else base

    def value(self, row: int, key: str):
        f = self.state.features[row]
        if key == "area":
            return float(f.geometry.area)
        if key == "conflict":  # the live check's rules and overlaps, in the status bar's words
            return conflicts_text(self.state.conflicts(row), current_language())
        return getattr(f, key)

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or index.row() >= len(self.state.features):
            return None
        key = COLUMNS[index.column()][0]
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter) if key in NUMERIC else None
        if role == Qt.ItemDataRole.ForegroundRole:
            return QColor(200, 0, 0) if key == "conflict" else None
        v = self.value(index.row(), key)
        if role == Qt.ItemDataRole.EditRole:
            return v
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return None
        if key in NUMERIC:
            return "" if v is None else f"{float(v):.{NUMERIC[key]}f}"
        if key == "kind":
            return kind_texts()[v]
        if key == "cls":
            names = green_classes().get(v)
            return f"{v} {names[0 if current_language() == 'zh' else 1]}" if names else v
        return v or ""

    def check(self, key: str, value) -> tuple[object, str | None]:
        """``(value to store, None)`` or ``(None, reason refused)``."""
        if key == "kind":
            return (value, None) if value in SKETCH_KINDS else (None, self.tr("Unknown kind: {0}").format(value))
        if key == "cls":
            code = str(value or "").strip().split(" ")[0].upper()
            if code not in green_classes():
                return None, self.tr("{0} is not a class of CJJ/T 85-2017 (G1, G2, G3, XG, EG …)").format(value)
            return code, None
        if key == "width_m":
            try:
                width = float(value)
            except (TypeError, ValueError):
                width = -1.0
            if not 1.0 <= width <= MAX_BELT_WIDTH_M:
                return None, self.tr("A belt is 1 to {0} m wide").format(int(MAX_BELT_WIDTH_M))
            return width, None
        if key == "gs_share":
            try:
                share = float(value)
            except (TypeError, ValueError):
                return None, self.tr("The green share must be a number from 0 to 1")
            if not 0.0 <= share <= 1.0:
                return None, self.tr("The green share must be a number from 0 to 1")
            return share, None
        return str(value or "").strip(), None

    def setData(self, index, value, role=Qt.ItemDataRole.EditRole) -> bool:  # noqa: N802
        if role != Qt.ItemDataRole.EditRole or not index.isValid():
            return False
        key = COLUMNS[index.column()][0]
        if not self.editable(index.row(), key):
            return False
        new, reason = self.check(key, value)
        if reason is not None:
            self.refused.emit(reason)
            return False
        changes: dict[int, dict[str, object]] = {}
        for row in self.rows_for(index.row()):  # the selected rows, where this one is among them
            if not self.editable(row, key) or new == self.value(row, key):
                continue
            changes[row] = {key: new}
            if key == "width_m":  # the belt drawn again along its centre line
                centre = shapely.from_wkt(self.state.features[row].centre_wkt)
                changes[row]["geometry"] = belt_polygon(centre, new)
        if not changes:
            return False
        self.state.modify_many(changes)  # one undo step; the table follows `changed`
        return True


class SketchDelegate(QStyledItemDelegate):
    """Typed editors: a list of kinds, the standard's classes, a 0–1 spin box, text."""

    def createEditor(self, parent, option, index):  # noqa: N802
        key = COLUMNS[index.column()][0]
        lang = 0 if current_language() == "zh" else 1
        if key == "kind":
            box = QComboBox(parent)
            for k, text in kind_texts().items():
                box.addItem(text, k)
            return box
        if key == "cls":
            box = QComboBox(parent)
            box.setEditable(True)  # type a code (G14) or pick one
            for code, names in green_classes().items():
                box.addItem(f"{code} {names[lang]}", code)
            return box
        if key == "width_m":
            spin = QDoubleSpinBox(parent)
            spin.setRange(1.0, MAX_BELT_WIDTH_M)
            spin.setDecimals(1)
            spin.setSuffix(" m")
            return spin
        if key == "gs_share":
            spin = QDoubleSpinBox(parent)
            spin.setRange(0.0, 1.0)
            spin.setDecimals(2)
            spin.setSingleStep(0.05)
            return spin
        return super().createEditor(parent, option, index)

    def setEditorData(self, editor, index) -> None:  # noqa: N802
        value = index.model().data(index, Qt.ItemDataRole.EditRole)
        if isinstance(editor, QComboBox):
            i = editor.findData(value)
            if i >= 0:
                editor.setCurrentIndex(i)
            elif editor.isEditable():
                editor.setEditText(str(value))
            return
        if isinstance(editor, QDoubleSpinBox):
            editor.setValue(float(value or 0.0))
            return
        super().setEditorData(editor, index)

    def setModelData(self, editor, model, index) -> None:  # noqa: N802
        if isinstance(editor, QComboBox):
            i = editor.currentIndex()
            typed = editor.currentText()
            value = editor.itemData(i) if i >= 0 and editor.itemText(i) == typed else typed
            model.setData(index, value)
            return
        if isinstance(editor, QDoubleSpinBox):
            model.setData(index, editor.value())
            return
        super().setModelData(editor, model, index)


class SketchTable(QWidget):
    """The sketch attribute table with its scenario name and a hint (a dock's widget)."""

    def __init__(self, state: SketchState, show_message: Callable[[str, int], None] | None = None,
                 select: Callable[[int | None], None] | None = None, parent=None,
                 select_many: Callable[[list[int]], None] | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("sketchTable")
        self.state = state
        self.model = SketchTableModel(state, self)
        self.view = QTableView(objectName="sketchView")
        self.view.setModel(self.model)
        self.view.setItemDelegate(SketchDelegate(self.view))
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        # several rows: an edit of one of them applies to all (one undo step)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                                  | QAbstractItemView.EditTrigger.EditKeyPressed
                                  | QAbstractItemView.EditTrigger.AnyKeyPressed)
        self.view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        compact_rows(self.view)
        self.title = QLabel(objectName="sketchTableTitle")
        self.hint = QLabel(objectName="sketchTableHint")
        self.hint.setStyleSheet("color: #666;")
        top = QHBoxLayout()
        top.addWidget(self.title, 1)
        top.addWidget(self.hint)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(2, 2, 2, 2)
        lay.addLayout(top)
        lay.addWidget(self.view)
        self._message = show_message
        self._select = select
        self._select_many = select_many
        self.model.refused.connect(self._refused)
        self.model.rows_for = self._rows_for
        self._kept: list[int] = []
        self.model.modelAboutToBeReset.connect(self._keep_selection)
        self.model.modelReset.connect(self._restore_selection)
        self._press_rows: list[int] = []
        self.view.viewport().installEventFilter(self)
        self.view.selectionModel().currentRowChanged.connect(self._row_changed)
        self.view.selectionModel().selectionChanged.connect(self._rows_selected)
        state.events.changed.connect(self._update_title)
        self.retranslate()

    def _refused(self, reason: str) -> None:
        self.last_refusal = reason
        if self._message is not None:
            self._message(reason, 8000)

    def selected_rows(self) -> list[int]:
        return sorted({i.row() for i in self.view.selectionModel().selectedRows()})

    def _rows_for(self, row: int) -> list[int]:
        rows = self.selected_rows()
        return rows if row in rows else [row]

    def _keep_selection(self) -> None:
        self._kept = self.selected_rows()

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 - Qt
        """A double-click on a cell of a multi-row selection edits it for every selected row:
        the view's own first click narrows the selection to one row, so it is put back."""
        if event.type() == QEvent.Type.MouseButtonPress and event.modifiers() == Qt.KeyboardModifier.NoModifier:
            rows = self.selected_rows()
            if len(rows) > 1:
                self._press_rows = rows  # the first press of a double-click: remember them
        elif event.type() == QEvent.Type.MouseButtonDblClick:
            rows, self._press_rows = self._press_rows, []
            row = self.view.indexAt(event.position().toPoint()).row()
            if row in rows:
                self._kept = rows
                QTimer.singleShot(0, self._restore_selection)  # after the click's own release
        return False

    def _restore_selection(self) -> None:
        """An edit resets the model: the same rows stay selected (a further edit applies to
        them too), as long as they still exist."""
        rows = [r for r in self._kept if r < self.model.rowCount()]
        sel = self.view.selectionModel()
        flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
        for r in rows:
            sel.select(self.model.index(r, 0), flags)

    def _rows_selected(self, *_args) -> None:
        """Several rows selected: the map's sketch selection follows (Shift+M merges them)."""
        rows = self.selected_rows()
        if self._select_many is not None and len(rows) > 1:
            self._select_many(rows)

    def _row_changed(self, current, _previous) -> None:
        if self._select is not None and current.isValid():
            self._select(current.row())

    def _update_title(self, _event=None) -> None:
        self.title.setText(self.tr("Sketch of scenario {0}: {1} features").format(
            self.state.scenario_name, len(self.state.features)))
        self.view.resizeColumnsToContents()

    def retranslate(self) -> None:
        dock = self.parentWidget()
        if isinstance(dock, QDockWidget):  # the dock's title follows the language too
            dock.setWindowTitle(self.tr("Sketch Attribute Table"))
        self.hint.setText(self.tr("Editable: double-click a cell; with several rows selected the edit applies to all; Ctrl+Z undoes"))
        self._update_title()
        self.model.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(COLUMNS) - 1)

    def changeEvent(self, event) -> None:  # noqa: N802
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
