"""The result part of the scenarios dock: checks, selected greening, before/after tables.

Shows the ``scenario.json`` document that ``jobs.scenario.run_scenario`` returned: the
legality checks (green when valid), what was selected, every indicator before and after
with its change (cells coloured pass/fail, changed indicators in bold) and the change per
township. Nothing is computed here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEvent, Qt, QUrl
from PySide6.QtGui import QDesktopServices, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from greenplan.app.candidate_view import (
    before_after,
    checks_text,
    comparison_rows,
    selected_text,
    unit_change_columns,
)
from greenplan.app.indicator_view import STATUS_BG, indicator_label, status_of
from greenplan.gui.i18n import current_language
from greenplan.gui.tables import compact_rows, status_brush


class ScenarioResults(QWidget):
    """Before/after of one computed scenario (``outputs``: a ``ScenarioOutputs`` or None)."""

    def __init__(self, model, zoom_to_bounds: Callable[..., Any], parent=None) -> None:
        """``model``: the :class:`~greenplan.gui.project_model.ProjectModel` (its highlight shows
        the greening); ``zoom_to_bounds(bounds)``: the canvas's zoom."""
        super().__init__(parent)
        self.model = model
        self.zoom_to_bounds = zoom_to_bounds
        self.outputs = None
        self.checks = QLabel(objectName="scenarioChecks")
        self.selected = QLabel(objectName="scenarioSelected")
        line = self.fontMetrics().lineSpacing()
        for label, lines in ((self.checks, 2), (self.selected, 1)):  # never squeezed to a sliver
            label.setWordWrap(True)
            label.setMinimumHeight(lines * line + 8)
        self.compare = QTableWidget(objectName="compareTable")
        self.compare.setColumnCount(4)
        self.compare.verticalHeader().hide()
        self.units = QTableWidget(objectName="scenarioUnits")
        for t in (self.compare, self.units):
            t.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
            compact_rows(t)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.compare, "")
        self.tabs.addTab(self.units, "")
        self.show_button = QPushButton(objectName="showGreening")
        self.open_button = QPushButton(objectName="openOutput")
        self.show_button.clicked.connect(self.show_on_map)
        self.open_button.clicked.connect(self.open_output)
        buttons = QHBoxLayout()
        buttons.addWidget(self.show_button)
        buttons.addWidget(self.open_button)
        buttons.addStretch(1)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.checks)
        lay.addWidget(self.selected)
        lay.addWidget(self.tabs, 1)
        lay.addLayout(buttons)
        self.retranslate()

    def set_outputs(self, outputs) -> None:
        self.outputs = outputs
        self.retranslate()

    def retranslate(self) -> None:
        self.show_button.setText(self.tr("Show greening on map"))
        self.open_button.setText(self.tr("Open output folder"))
        self.compare.setHorizontalHeaderLabels([self.tr("Indicator"), self.tr("Before"), self.tr("After"),
                                                self.tr("Change")])
        self.tabs.setTabText(0, self.tr("Before and after"))
        self.tabs.setTabText(1, self.tr("By township"))
        self.show_button.setEnabled(self.outputs is not None)
        self.open_button.setEnabled(self.outputs is not None)
        self._fill()

    def changeEvent(self, event) -> None:  # noqa: N802
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def _fill(self) -> None:
        doc = self.outputs.document if self.outputs is not None else None
        if doc is None:
            self.compare.setRowCount(0)
            self.units.setRowCount(0)
            self.units.setColumnCount(0)
            self.checks.setText("")
            self.checks.setStyleSheet("")
            self.selected.setText("")
            return
        lang = current_language()
        valid = bool(doc["checks"].get("valid"))
        self.checks.setText(checks_text(doc["checks"], lang))
        self.checks.setStyleSheet(f"background: {STATUS_BG['pass' if valid else 'fail']}; padding: 3px;")
        self.selected.setText(self.tr("Selected: {0}").format(selected_text(doc.get("selected", {}), lang)))
        self._fill_compare(comparison_rows(doc["indicators"], lang))
        self._fill_units(doc.get("by_unit", []), lang)

    def _fill_compare(self, rows: list[dict[str, Any]]) -> None:
        self.compare.setRowCount(len(rows))
        bold = QFont(self.compare.font())
        bold.setBold(True)
        for r, row in enumerate(rows):  # a dozen indicators
            for c, key in enumerate(("name", "before", "after", "delta")):
                item = QTableWidgetItem(row[key])
                item.setData(Qt.ItemDataRole.UserRole, row["key"])
                if key in ("before", "after"):
                    item.setBackground(status_brush(row[f"status_{key}"]))
                    item.setToolTip(row[f"result_{key}"])
                if c:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                if row["changed"]:
                    item.setFont(bold)
                self.compare.setItem(r, c, item)
        self.compare.resizeColumnsToContents()

    def _fill_units(self, units: list[dict[str, Any]], lang: str) -> None:
        keys = unit_change_columns(units)
        self.units.clear()
        self.units.setRowCount(len(units))
        self.units.setColumnCount(len(keys) + 1)
        self.units.setHorizontalHeaderLabels([self.tr("Township")] + [indicator_label(k, lang) for k in keys])
        for r, u in enumerate(units):  # a dozen townships
            self.units.setItem(r, 0, QTableWidgetItem(f"{u.get('name') or ''} ({u.get('code') or ''})"))
            for c, k in enumerate(keys, start=1):
                v = u.get("indicators", {}).get(k)
                item = QTableWidgetItem(before_after(v, lang))
                if v:
                    item.setBackground(status_brush(status_of(v.get("pass_after"), bool(v.get("ungraded")))))
                self.units.setItem(r, c, item)
        self.units.resizeColumnsToContents()

    def show_on_map(self) -> None:
        """Highlight the scenario's greening and zoom to it."""
        import numpy as np
        import shapely

        if self.outputs is None or not len(self.outputs.greening):
            return
        geoms = np.asarray(self.outputs.greening.geometry.array)
        self.model.set_highlight(geoms, self.tr("Scenario greening"), "greening")
        self.zoom_to_bounds(tuple(shapely.total_bounds(geoms)))

    def open_output(self) -> None:
        if self.outputs is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.outputs.files["json"].parent)))
