"""The indicators dock: run the analysis in a worker and show every indicator.

"Compute" runs ``jobs.analyze.compute_project_indicators`` (what ``greenplan analyze``
runs) in a worker with progress and cancel. The overview lists each indicator with its
value, threshold and grade, coloured pass/fail; the township tab shows them per unit;
the conflicts tab lists the red-line occupation, control-line overlaps, farmland
conflicts and idle parcels. Clicking a conflict (or an indicator that has conflicts)
zooms the map to the features and highlights them.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import numpy as np
from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from greenplan.app.indicator_view import (
    FEATURE_INDICATOR,
    STATUS_BG,
    conflict_table,
    indicator_label,
    indicator_rows,
    unit_columns,
)
from greenplan.gui.i18n import current_language
from greenplan.gui.tables import FrameTableModel, compact_rows, status_brush
from greenplan.gui.workers import RunControls
from greenplan.jobs.class_check import unknown_warning


class IndicatorsDock(RunControls, QWidget):
    """Runs the indicators and shows the results (see module docstring)."""

    def __init__(self, model, start_worker: Callable[..., Any], zoom_to_bounds: Callable[..., Any],
                 parent=None) -> None:
        """``model``: the :class:`~greenplan.gui.project_model.ProjectModel` (its project is
        analysed, its highlight shows a clicked conflict); ``start_worker``: the window's
        worker service; ``zoom_to_bounds(bounds, margin=...)``: the canvas's zoom."""
        super().__init__(parent)
        self.setObjectName("indicatorsPanel")
        self.model = model
        self.start_worker = start_worker
        self.zoom_to_bounds = zoom_to_bounds
        self.doc: dict[str, Any] | None = None
        self.features: dict[str, Any] = {}
        self.worker = None
        self.run_button = QPushButton(objectName="runIndicators")
        self.cancel_button = QPushButton(objectName="cancelIndicators")
        self.cancel_button.setEnabled(False)
        self.progress = QProgressBar(objectName="indicatorProgress")
        self.progress.setRange(0, 100)
        self.progress.hide()  # shown from the first run on
        self.status = QLabel(objectName="indicatorStatus")
        self.status.setWordWrap(True)
        self.overview = QTableWidget(objectName="indicatorTable")
        self.overview.setColumnCount(5)
        self.overview.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.overview.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.overview.verticalHeader().hide()
        self.overview.horizontalHeader().setStretchLastSection(True)
        self.units = QTableWidget(objectName="unitTable")
        self.units.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.conflicts = QTableView(objectName="conflictTable")
        self.conflicts.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.conflicts.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.conflicts.horizontalHeader().setStretchLastSection(True)
        for t in (self.overview, self.units, self.conflicts):
            compact_rows(t)
        self.conflict_model: FrameTableModel | None = None
        self.conflict_geoms = np.zeros(0, dtype=object)
        self.conflict_layers: list[str] = []
        self.tabs = QTabWidget()
        for t in (self.overview, self.units, self.conflicts):
            self.tabs.addTab(t, "")
        top = QHBoxLayout()
        top.addWidget(self.run_button)
        top.addWidget(self.cancel_button)
        top.addWidget(self.progress, 1)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.addLayout(top)
        lay.addWidget(self.status)
        lay.addWidget(self.tabs, 1)
        self.run_button.clicked.connect(self.run)
        self.cancel_button.clicked.connect(self.cancel)
        self.overview.cellClicked.connect(self._overview_clicked)
        self.conflicts.clicked.connect(self._conflict_clicked)
        self.retranslate()

    # ------------------------------------------------------------------ running
    def run(self):
        """Start the analysis worker; returns it (None if one is already running)."""
        from greenplan.jobs.analyze import compute_project_indicators

        project = copy.deepcopy(self.model.project)
        return self.start_run(lambda fb: compute_project_indicators(project, feedback=fb)[:2], "indicators",
                              lambda result: self.show_result(*result),
                              busy_text=self.tr("Computing the indicators…"),
                              failed_text=self.tr("The indicators could not be computed."),
                              canceled_text=self.tr("Cancelled."))

    # ------------------------------------------------------------------ showing
    def clear(self) -> None:
        self.doc, self.features = None, {}
        self.overview.setRowCount(0)
        self.units.setRowCount(0)
        self.units.setColumnCount(0)
        self.conflicts.setModel(None)
        self.conflict_model = None
        self.status.setText(self.tr("Press Compute to analyse the open project."))

    def show_result(self, doc: dict[str, Any], features: dict[str, Any]) -> None:
        self.doc, self.features = doc, dict(features or {})
        self.retranslate()

    def retranslate(self) -> None:
        self.run_button.setText(self.tr("Compute"))
        self.cancel_button.setText(self.tr("Cancel"))
        self.tabs.setTabText(0, self.tr("Overview"))
        self.tabs.setTabText(1, self.tr("By township"))
        self.tabs.setTabText(2, self.tr("Conflicts"))
        self.overview.setHorizontalHeaderLabels([self.tr("Indicator"), self.tr("Value"), self.tr("Grade"),
                                                 self.tr("Result"), self.tr("Threshold")])
        if self.doc is None:
            self.status.setText(self.tr("Press Compute to analyse the open project."))
            return
        lang = current_language()
        from greenplan.analysis.thresholds import scheme_name

        self.status.setText(self.tr("Project {0}, CRS {1}, as of {2}, scheme {3}.").format(
            self.doc.get("project", ""), self.doc.get("crs", ""), self.doc.get("as_of", ""),
            scheme_name(str(self.doc.get("scheme", "")), lang)))
        warning = unknown_warning(self.doc, lang)
        if warning:  # unknown codes: where the user looks, not only in the notes
            if any(ind.get("ungraded") == "unknown_codes" for ind in self.doc.get("indicators", {}).values()):
                warning.append(self.tr("In the desktop app: right-click the layer in the layer panel and choose "
                                       "Class mapping… (or use the button in the data check)."))
            self.status.setText(self.status.text() + "\n" + "\n".join(warning))
            self.status.setStyleSheet(f"background: {STATUS_BG['ungraded']}; padding: 3px;")
        else:
            self.status.setStyleSheet("")
        self._fill_overview(lang)
        self._fill_units(lang)
        self._fill_conflicts(lang)

    def _fill_overview(self, lang: str) -> None:
        rows = indicator_rows(self.doc.get("indicators", {}), lang)
        self.overview.setRowCount(len(rows))
        for r, row in enumerate(rows):  # a dozen indicators
            for c, key in enumerate(("name", "value", "grade", "result", "threshold")):
                item = QTableWidgetItem(row[key])
                item.setData(Qt.ItemDataRole.UserRole, row["key"])
                item.setBackground(status_brush(row["status"]))
                if row["notes"] or c == 4:  # the threshold column is narrow: its whole text on hover
                    item.setToolTip("\n".join(t for t in (row["threshold"] if c == 4 else "", row["notes"]) if t))
                if c == 1:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.overview.setItem(r, c, item)
        self.overview.resizeColumnsToContents()
        # the last column (标准值) takes what is left and elides, instead of a horizontal scroll
        # bar that hides 标准值 behind the dock's edge on a 1366-pixel screen
        header = self.overview.horizontalHeader()
        header.setSectionResizeMode(4, header.ResizeMode.Stretch)
        self.overview.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)

    def _fill_units(self, lang: str) -> None:
        units = self.doc.get("by_unit", []) or []
        keys = unit_columns(units)
        self.units.clear()
        self.units.setRowCount(len(units))
        self.units.setColumnCount(len(keys) + 1)
        self.units.setHorizontalHeaderLabels([self.tr("Township")] + [indicator_label(k, lang) for k in keys])
        for r, unit in enumerate(units):  # a dozen townships
            self.units.setItem(r, 0, QTableWidgetItem(f"{unit.get('name', '')} ({unit.get('code', '')})"))
            rows = {row["key"]: row for row in indicator_rows(unit.get("indicators", {}), lang)}
            for c, k in enumerate(keys, start=1):
                row = rows.get(k)
                item = QTableWidgetItem(row["value"] if row else "")
                if row:
                    item.setBackground(status_brush(row["status"]))
                    item.setToolTip(f"{row['threshold']} {row['grade']} {row['notes']}".strip())
                self.units.setItem(r, c, item)
        self.units.resizeColumnsToContents()

    def _fill_conflicts(self, lang: str) -> None:
        df, geoms, layers = conflict_table(self.features, lang)
        df.columns = [self.tr("No."), self.tr("Kind"), self.tr("Details"), self.tr("Area")]
        self.conflict_model = FrameTableModel(df, self)
        self.conflict_geoms, self.conflict_layers = geoms, layers
        self.conflicts.setModel(self.conflict_model)
        # number, kind and area as wide as they need; the details take the rest
        header = self.conflicts.horizontalHeader()
        header.setStretchLastSection(False)
        for c in (0, 1, 3):
            header.setSectionResizeMode(c, header.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, header.ResizeMode.Stretch)
        self.tabs.setTabText(2, self.tr("Conflicts") + f" ({len(df)})")

    # ------------------------------------------------------------------ clicks -> map
    def _overview_clicked(self, row: int, _col: int) -> None:
        item = self.overview.item(row, 0)
        key = item.data(Qt.ItemDataRole.UserRole) if item is not None else None
        names = [n for n, k in FEATURE_INDICATOR.items() if k == key]
        mask = np.isin(np.asarray(self.conflict_layers, dtype=object), names) if names else None
        if mask is not None and mask.any():
            self._highlight(self.conflict_geoms[mask], indicator_label(key, current_language()), "conflict")

    def _conflict_clicked(self, index) -> None:
        if self.conflict_model is None or not index.isValid():
            return
        src = int(self.conflict_model.source_rows([index.row()])[0])
        df = self.conflict_model.df
        self._highlight(self.conflict_geoms[src:src + 1], f"{df.iloc[src, 0]} {df.iloc[src, 1]}".strip(), "conflict")

    def _highlight(self, geoms, label: str, purpose: str = "other") -> None:
        import shapely

        geoms = np.asarray(geoms, dtype=object)
        if len(geoms) == 0:
            return
        self.model.set_highlight(geoms, label, purpose)
        x0, y0, x1, y1 = shapely.total_bounds(geoms)
        # some context around small pieces: at least 400 m across
        cx, cy, half = (x0 + x1) / 2, (y0 + y1) / 2, max(x1 - x0, y1 - y0, 400.0) * 0.75
        self.zoom_to_bounds((cx - half, cy - half, cx + half, cy + half), margin=0.0)

    def changeEvent(self, event) -> None:  # noqa: N802
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
