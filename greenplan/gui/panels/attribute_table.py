"""The attribute table of a layer, on a lazy model (opens at once for 200,000 features).

:class:`FrameTableModel` answers ``data()`` for the visible cells only, straight from
the frame's column arrays through a row order array; sorting and filtering replace that
array with one pandas/numpy operation on the whole column. Selecting rows selects the
features in the project model, which highlights them on the map.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import (
    QEvent,
    QItemSelection,
    QItemSelectionModel,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from greenplan.gui.project_model import ProjectModel
from greenplan.gui.tables import FrameTableModel, compact_rows


class AttributeTable(QWidget):
    """Filter box, feature count, zoom-to-selection, and the table of one layer."""

    zoom_requested = Signal(object)  # bounds of the selection

    def __init__(self, model: ProjectModel, key: int, parent=None) -> None:
        super().__init__(parent)
        self.model = model
        self.key = key
        self.setObjectName(f"attributeTable{key}")
        gdf = model.entry(key).gdf
        self.gdf = gdf
        self.table_model = FrameTableModel(gdf.drop(columns=gdf.geometry.name), self)
        self.view = QTableView(objectName="attributeView")
        self.view.setModel(self.table_model)
        # no sort on opening (Qt would sort by the first column at once): rows in file order
        self.view.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.view.setSortingEnabled(True)
        self.view.horizontalHeader().setSortIndicatorShown(True)
        self.view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.view.horizontalHeader().setResizeContentsPrecision(200)
        compact_rows(self.view)
        self.view.resizeColumnsToContents()
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.view.setAlternatingRowColors(True)
        self.filter_edit = QLineEdit(objectName="filterEdit")
        self.filter_edit.setClearButtonEnabled(True)
        self.count_label = QLabel(objectName="countLabel")
        self.readonly_label = QLabel(objectName="readOnlyNote")  # source data is never edited
        self.readonly_label.setStyleSheet("color: #666;")
        self.zoom_button = QPushButton(objectName="zoomSelection")
        self._filter_timer = QTimer(self, singleShot=True, interval=250)
        self._filter_timer.timeout.connect(lambda: self.set_filter(self.filter_edit.text()))
        self.filter_edit.textChanged.connect(lambda _t: self._filter_timer.start())
        self.zoom_button.clicked.connect(self.zoom_to_selection)
        self.view.selectionModel().selectionChanged.connect(self._on_selection)
        model.selection_changed.connect(self._on_model_selection)
        top = QHBoxLayout()
        top.addWidget(self.filter_edit, 1)
        top.addWidget(self.zoom_button)
        top.addWidget(self.count_label)
        top.addWidget(self.readonly_label)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(2, 2, 2, 2)
        lay.addLayout(top)
        lay.addWidget(self.view)
        self._syncing = False
        self.retranslate()

    def retranslate(self) -> None:
        self.filter_edit.setPlaceholderText(self.tr("Filter: text in any column"))
        self.zoom_button.setText(self.tr("Zoom to selection"))
        self.readonly_label.setText(self.tr("Read-only: source data is never modified"))
        self.readonly_label.setToolTip(self.tr("GreenPlan never edits source layers. Draw or copy features into a "
                                               "scenario's sketch (Sketch menu) to edit them."))
        self._update_count()

    def changeEvent(self, event) -> None:  # noqa: N802
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def _update_count(self) -> None:
        n_sel = len(self.selected_rows())
        self.count_label.setText(self.tr("{0} of {1} features, {2} selected").format(
            f"{self.table_model.rowCount():,}", f"{len(self.table_model.df):,}", f"{n_sel:,}"))

    def set_filter(self, text: str) -> None:
        self.table_model.set_filter(text)
        self._update_count()

    def selected_rows(self) -> np.ndarray:
        """Frame rows (feature numbers in the loaded layer) selected in the table."""
        rows = [i.row() for i in self.view.selectionModel().selectedRows()]
        return np.sort(self.table_model.source_rows(rows)) if rows else np.zeros(0, dtype=np.int64)

    def _on_selection(self, *_args) -> None:
        if self._syncing:
            return
        self.model.set_selection(self.key, self.selected_rows())
        self._update_count()

    def _on_model_selection(self, key: int) -> None:
        """A feature picked elsewhere (identify) is selected and shown in the table too."""
        if self._syncing:
            return
        ids = self.model.selection.get(self.key, np.zeros(0, dtype=np.int64))
        if len(ids) > 1000 or np.array_equal(np.sort(ids), self.selected_rows()):
            return
        rows = self.table_model.view_rows(ids)
        self._syncing = True
        try:
            sel = QItemSelection()
            last = self.table_model.columnCount() - 1
            for r in rows.tolist():  # at most 1000 rows
                sel.select(self.table_model.index(r, 0), self.table_model.index(r, last))
            self.view.selectionModel().select(sel, QItemSelectionModel.SelectionFlag.ClearAndSelect)
            if len(rows):
                self.view.scrollTo(self.table_model.index(int(rows[0]), 0))
        finally:
            self._syncing = False
        self._update_count()

    def zoom_to_selection(self) -> None:
        rows = self.selected_rows()
        if len(rows):
            import shapely

            self.zoom_requested.emit(tuple(shapely.total_bounds(np.asarray(self.gdf.geometry.array)[rows])))
