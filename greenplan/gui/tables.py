"""Table helpers shared by panels and dialogs: a lazy table model over a DataFrame, dense rows,
the cell colour of a pass/fail status.

:class:`FrameTableModel` answers ``data()`` for the visible cells only, straight from
the frame's column arrays through a row order array; sorting and filtering replace that
array with one pandas/numpy operation on the whole column (the attribute table, the
candidate and indicator tables build on it).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QHeaderView

from greenplan.app.indicator_view import STATUS_BG
from greenplan.app.map_tools import column_decimals, format_fixed


class FrameTableModel(QAbstractTableModel):
    """A read-only table over a DataFrame, with whole-column sort and filter.

    ``order`` maps view rows to frame rows (positions), so a row's identity survives
    sorting and filtering: :meth:`source_rows` gives the frame positions of view rows.
    Numeric columns are right-aligned with fixed decimals per column
    (:func:`~greenplan.app.map_tools.column_decimals`); sorting uses the values, not the text.
    """

    def __init__(self, df: pd.DataFrame, parent=None) -> None:
        super().__init__(parent)
        self.df = df.reset_index(drop=True)
        self.columns = [str(c) for c in self.df.columns]
        self._arrays = [self.df.iloc[:, i].to_numpy() for i in range(len(self.columns))]
        self.decimals = [column_decimals(a) for a in self._arrays]
        self.order = np.arange(len(self.df), dtype=np.int64)
        self._filtered = self.order
        self._sort: tuple[int, Qt.SortOrder] | None = None

    # -- Qt model interface (only visible cells are asked for) ----------------------
    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.order)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if self.decimals[index.column()] is not None:
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            return None
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return None
        c = index.column()
        return format_fixed(self._arrays[c][self.order[index.row()]], self.decimals[c])

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return self.columns[section] if section < len(self.columns) else None
        return str(int(self.order[section]) + 1) if section < len(self.order) else None

    # -- whole-column operations -----------------------------------------------
    def sort(self, column: int, order=Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(self.columns):
            return
        self._sort = (column, order)
        self.layoutAboutToBeChanged.emit()
        self.order = self._sorted(self._filtered)
        self.layoutChanged.emit()

    def _sorted(self, rows: np.ndarray) -> np.ndarray:
        if self._sort is None:
            return rows
        column, order = self._sort
        s = self.df.iloc[rows, column]
        try:
            pos = s.reset_index(drop=True).sort_values(kind="stable", na_position="last",
                                                       ascending=order == Qt.SortOrder.AscendingOrder).index
        except TypeError:  # mixed types: sort by text
            pos = s.astype(str).reset_index(drop=True).sort_values(
                kind="stable", ascending=order == Qt.SortOrder.AscendingOrder).index
        return rows[pos.to_numpy()]

    def set_filter(self, text: str) -> None:
        """Keep the rows where any column contains ``text`` (case-insensitive)."""
        text = text.strip()
        if text:
            mask = np.zeros(len(self.df), dtype=bool)
            for c in range(len(self.columns)):  # a loop over columns, each a whole-column test
                col = self.df.iloc[:, c]
                mask |= col.astype(str).str.contains(text, case=False, regex=False).to_numpy() & col.notna().to_numpy()
            rows = np.flatnonzero(mask)
        else:
            rows = np.arange(len(self.df), dtype=np.int64)
        self.beginResetModel()
        self._filtered = rows
        self.order = self._sorted(rows)
        self.endResetModel()

    def source_rows(self, view_rows) -> np.ndarray:
        return self.order[np.asarray(list(view_rows), dtype=np.int64)]

    def view_rows(self, source_rows) -> np.ndarray:
        """View rows showing frame rows ``source_rows`` (those filtered out are left out)."""
        inv = np.full(len(self.df), -1, dtype=np.int64)
        inv[self.order] = np.arange(len(self.order))
        v = inv[np.asarray(source_rows, dtype=np.int64)]
        return v[v >= 0]


def compact_rows(view) -> None:
    """Fixed, text-high rows: fast for long tables and denser to read."""
    vh = view.verticalHeader()
    vh.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    vh.setDefaultSectionSize(view.fontMetrics().height() + 6)


def status_brush(status: str) -> QBrush:
    """The cell background of a status (``pass``, ``fail``, ``none``, ``ungraded``;
    :data:`greenplan.app.indicator_view.STATUS_BG`); an unknown status is ``none``."""
    return QBrush(QColor(STATUS_BG.get(status, STATUS_BG["none"])))
