"""The statistics dock: count and area (m², 公顷, 亩) of the selection or of a layer,
grouped by a field or by township, copied to the clipboard as a table.

The numbers come from :class:`greenplan.app.statistics.StatsCache` (what they mean is
stated there: overlaps counted once, townships area-weighted). They are computed in a
worker, because grouping a county's 100,000 parcels by township the first time takes
seconds; later requests on the same layer reuse its cut.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from greenplan.app.statistics import StatsCache, table_rows, to_tsv
from greenplan.gui.i18n import current_language
from greenplan.gui.tables import compact_rows

#: group-by choices that are not fields
NO_GROUP, BY_TOWNSHIP = "", "\x00township"


class StatisticsPanel(QWidget):
    """See module docstring. ``model``: the ProjectModel; ``start_worker``: the window's
    worker service (``start_worker(fn, name, on_success, on_failure)``)."""

    def __init__(self, model, start_worker: Callable[..., Any], parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("statisticsPanel")
        self.model = model
        self.start_worker = start_worker
        self.cache = StatsCache()
        self.table_result = None
        self.worker = None
        self._pending = False
        self._stale = False
        self._shown = False  # the dock's tab is in front (set_shown)
        self.layer_combo = QComboBox(objectName="statsLayer")
        self.scope_combo = QComboBox(objectName="statsScope")
        self.group_combo = QComboBox(objectName="statsGroup")
        self.copy_button = QPushButton(objectName="statsCopy")
        self.copy_button.setEnabled(False)
        self.status = QLabel(objectName="statsStatus")
        self.status.setWordWrap(True)
        self.table = QTableWidget(objectName="statsTable")
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        compact_rows(self.table)
        self.layer_label, self.scope_label, self.group_label = QLabel(), QLabel(), QLabel()
        form = QFormLayout()
        form.addRow(self.layer_label, self.layer_combo)
        form.addRow(self.scope_label, self.scope_combo)
        form.addRow(self.group_label, self.group_combo)
        buttons = QHBoxLayout()
        buttons.addWidget(self.status, 1)
        buttons.addWidget(self.copy_button)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.addLayout(form)
        lay.addLayout(buttons)
        lay.addWidget(self.table, 1)
        self.layer_combo.currentIndexChanged.connect(self._layer_chosen)
        self.scope_combo.currentIndexChanged.connect(lambda _i: self.refresh())
        self.group_combo.currentIndexChanged.connect(lambda _i: self.refresh())
        self.copy_button.clicked.connect(self.copy_table)
        model.layers_changed.connect(self._fill_layers)
        model.project_replaced.connect(self._reset)
        model.selection_changed.connect(self._selection_changed)
        self.retranslate()
        self._fill_layers()

    # ------------------------------------------------------------------ texts
    def retranslate(self) -> None:
        self.layer_label.setText(self.tr("Layer"))
        self.scope_label.setText(self.tr("Features"))
        self.group_label.setText(self.tr("Group by"))
        self.copy_button.setText(self.tr("Copy as table"))
        self.copy_button.setToolTip(self.tr("Copy the table (tab-separated) to paste into Excel or WPS"))
        with _blocked(self.scope_combo):
            i = max(self.scope_combo.currentIndex(), 0)
            self.scope_combo.clear()
            self.scope_combo.addItem(self.tr("Selected features"), "selection")
            self.scope_combo.addItem(self.tr("All features of the layer"), "layer")
            self.scope_combo.setCurrentIndex(i)
        self._fill_groups()
        self._show()

    def changeEvent(self, event) -> None:  # noqa: N802
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    # ------------------------------------------------------------------ choices
    def _vector_entries(self) -> list:
        return [e for e in self.model.entries if e.gdf is not None]

    def _fill_layers(self) -> None:
        key = self.current_key()
        with _blocked(self.layer_combo):
            self.layer_combo.clear()
            for e in reversed(self._vector_entries()):  # top first, as in the layer panel
                self.layer_combo.addItem(e.spec.name, e.key)
            i = self.layer_combo.findData(key)
            self.layer_combo.setCurrentIndex(i if i >= 0 else (0 if self.layer_combo.count() else -1))
        self._layer_chosen()

    def _fill_groups(self) -> None:
        current = self.group_combo.currentData()
        with _blocked(self.group_combo):
            self.group_combo.clear()
            self.group_combo.addItem(self.tr("(no grouping)"), NO_GROUP)
            if self._townships() is not None:
                self.group_combo.addItem(self.tr("Township"), BY_TOWNSHIP)
            key = self.current_key()
            if key:
                gdf = self.model.entry(key).gdf
                for col in gdf.columns:
                    if col != gdf.geometry.name:
                        self.group_combo.addItem(str(col), str(col))
            i = self.group_combo.findData(current)
            self.group_combo.setCurrentIndex(max(i, 0))

    def _layer_chosen(self, _i: int = 0) -> None:
        self._fill_groups()
        self.prepare()
        self.refresh()

    def prepare(self) -> None:
        """Start the layer-wide work of the chosen layer and of the land-use layer (their
        overlaps and their cut by the townships) in background threads as soon as they are
        loaded, as the canvas builds its spatial index: the first statistics a planner asks
        for then reuse it instead of waiting seconds for it."""
        towns = self._townships()
        town_gdf = towns.gdf if towns is not None else None
        keys = {self.current_key()} | {e.key for e in self._vector_entries() if e.spec.role == "land_use"}
        for key in sorted(k for k in keys if k and k in self.model.keys):
            gdf = self.model.entry(key).gdf
            if gdf is not None and (towns is None or key != towns.key):
                self.cache.prepare(gdf, town_gdf, _township_field(town_gdf))

    def _reset(self) -> None:
        self.cache.close()
        self.cache = StatsCache()
        self.table_result = None
        self._fill_layers()

    def _selection_changed(self, key: int) -> None:
        if key and self.layer_combo.findData(key) >= 0 and key != self.current_key():
            self.layer_combo.setCurrentIndex(self.layer_combo.findData(key))  # refreshes
            return
        if self.scope_combo.currentData() == "selection":
            self.refresh()

    def set_shown(self, shown: bool) -> None:
        """The dock became visible (its tab in front) or hidden: bind to
        ``QDockWidget.visibilityChanged``; what changed meanwhile is computed now."""
        self._shown = bool(shown)
        if self._shown and self._stale:
            self.refresh()

    def current_key(self) -> int:
        return int(self.layer_combo.currentData() or 0)

    def set_choice(self, key: int, scope: str = "selection", group: str = NO_GROUP) -> None:
        """Choose layer, scope (``selection``/``layer``) and grouping (a field, :data:`BY_TOWNSHIP`
        or :data:`NO_GROUP`) at once, then refresh (tests and the window's menu)."""
        with _blocked(self.layer_combo), _blocked(self.scope_combo), _blocked(self.group_combo):
            self.layer_combo.setCurrentIndex(self.layer_combo.findData(key))
            self.scope_combo.setCurrentIndex(self.scope_combo.findData(scope))
            self._fill_groups()
            self.group_combo.setCurrentIndex(max(self.group_combo.findData(group), 0))
        self.refresh()

    def _townships(self):
        for e in self.model.entries:
            if e.spec.role == "admin_units" and e.gdf is not None:
                return e
        return None

    # ------------------------------------------------------------------ computing
    def refresh(self):
        """Compute the table for the current choices in a worker; returns it (None when
        nothing to compute or one is running: it reruns when that one ends)."""
        key = self.current_key()
        if not key:
            self.table_result = None
            self._show()
            return None
        if not self._shown:  # a hidden dock (another tab in front) computes when shown
            self._stale = True
            return None
        self._stale = False
        if self.worker is not None:
            self._pending = True
            return None
        gdf = self.model.entry(key).gdf
        ids = None
        if self.scope_combo.currentData() == "selection":
            ids = self.model.selection.get(key, np.zeros(0, dtype=np.int64))
            ids = ids[ids < len(gdf)]
        group = self.group_combo.currentData() or NO_GROUP
        towns = self._townships() if group == BY_TOWNSHIP else None
        town_gdf = towns.gdf if towns is not None else None
        name_field = _township_field(town_gdf)
        by_field = group if group not in (NO_GROUP, BY_TOWNSHIP) else None
        cache = self.cache
        self.status.setText(self.tr("Computing…"))

        def work(_feedback):
            return cache.statistics(gdf, ids, by_field=by_field, townships=town_gdf, township_field=name_field)

        def done(result) -> None:
            self.worker = None
            self.table_result = (key, result)
            self._show()
            self._rerun()

        def failed(exc) -> None:
            from greenplan.gui.errors import show_error

            self.worker = None
            self.status.setText(self.tr("The statistics could not be computed."))
            show_error(self, exc, "statistics")
            self._rerun()

        self.worker = self.start_worker(work, "statistics", done, failed)
        return self.worker

    def _rerun(self) -> None:
        if self._pending:
            self._pending = False
            self.refresh()

    # ------------------------------------------------------------------ showing
    def _show(self) -> None:
        self.table.clear()
        if self.table_result is None:
            self.table.setRowCount(0)
            self.table.setColumnCount(0)
            self.copy_button.setEnabled(False)
            self.status.setText(self.tr("Choose a layer; select features with the Select menu or tools."))
            return
        key, result = self.table_result
        rows = table_rows(result, current_language())
        header, body = rows[0], rows[1:]
        if not header[0]:
            header[0] = self.tr("Features")
        self.table.setColumnCount(len(header))
        self.table.setHorizontalHeaderLabels(header)
        self.table.setRowCount(len(body))
        for r, row in enumerate(body):
            for c, text in enumerate(row):
                item = QTableWidgetItem(text)
                if c:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                if r == len(body) - 1:
                    font = item.font()
                    font.setBold(True)
                    item.setFont(font)
                self.table.setItem(r, c, item)
        self.table.resizeColumnsToContents()
        self.copy_button.setEnabled(True)
        name = self.model.entry(key).spec.name if key in self.model.keys else ""
        self.status.setText(self.tr("{0}: {1} features").format(name, f"{result.total.count:,}"))

    def copy_table(self) -> str:
        """Put the table on the clipboard as tab-separated text (returned)."""
        if self.table_result is None:
            return ""
        text = to_tsv(self.table_result[1], current_language())
        QApplication.clipboard().setText(text)
        return text


def _township_field(town_gdf) -> str:
    """The townships' name field: ``name``, else their first column."""
    return "name" if town_gdf is None or "name" in town_gdf.columns else str(town_gdf.columns[0])


class _blocked:
    """``with _blocked(widget):`` no signals from ``widget`` inside."""

    def __init__(self, widget) -> None:
        self.widget = widget

    def __enter__(self):
        self._old = self.widget.blockSignals(True)
        return self.widget

    def __exit__(self, *exc) -> None:
        self.widget.blockSignals(self._old)
