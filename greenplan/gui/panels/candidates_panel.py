"""The candidates dock: rooftop, pocket-park and green-belt candidates, with their reasons.

"Find candidates" loads the project and runs ``jobs.candidates.compute_candidates`` (what
``greenplan candidates`` runs) in a worker with progress and cancel. Each kind has a
table of every feature (sortable by any column, filterable by text, optionally only the
candidates) with the reason a feature is not a candidate. Selecting rows highlights the
features on the map; "Add to scenario" puts the selected candidates into the current
scenario of the :class:`ScenarioModel`.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import numpy as np
from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from greenplan.app.candidate_view import KIND_ORDER, candidate_rows, kind_label, numeric_columns
from greenplan.gui.i18n import current_language
from greenplan.gui.tables import FrameTableModel, compact_rows
from greenplan.gui.workers import RunControls


def find_candidates(project, feedback) -> Any:
    """Load ``project`` and compute its candidates (the steps of ``run_candidates``, without files)."""
    from greenplan.core.feedback import SubFeedback
    from greenplan.jobs.candidates import compute_candidates, load_layers

    _loaded, layers, rasters = load_layers(project, SubFeedback(feedback, 0, 40))
    return compute_candidates(layers, rasters, project.settings, feedback=SubFeedback(feedback, 40, 100))


class CandidateTableModel(FrameTableModel):
    """A :class:`FrameTableModel` with numbers right-aligned and a "candidates only" filter."""

    def __init__(self, df, candidate: np.ndarray, numeric: set[int], parent=None) -> None:
        super().__init__(df, parent)
        self.candidate = np.asarray(candidate, dtype=bool)
        self.numeric = numeric
        self.only_candidates = False
        self.text = ""

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.TextAlignmentRole and index.isValid() and index.column() in self.numeric:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return super().data(index, role)

    def set_filter(self, text: str, only_candidates: bool | None = None) -> None:
        """Rows containing ``text`` in some column (and, if asked, only the candidates)."""
        self.text = text
        if only_candidates is not None:
            self.only_candidates = only_candidates
        super().set_filter(text)
        if self.only_candidates:
            self.beginResetModel()
            self._filtered = self._filtered[self.candidate[self._filtered]]
            self.order = self._sorted(self._filtered)
            self.endResetModel()


class KindPage(QWidget):
    """Filter, "only candidates", count and the table of one candidate kind."""

    rows_selected = Signal()

    def __init__(self, kind: str, parent=None) -> None:
        super().__init__(parent)
        self.kind = kind
        self.setObjectName(f"candidates.{kind}")
        self.frame = None
        self.model: CandidateTableModel | None = None
        self.filter_edit = QLineEdit(objectName="candidateFilter")
        self.filter_edit.setClearButtonEnabled(True)
        self.only = QCheckBox(objectName="onlyCandidates")
        self.only.setChecked(True)
        self.count = QLabel(objectName="candidateCount")
        self.view = QTableView(objectName="candidateView")
        self.view.setSortingEnabled(True)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.view.setAlternatingRowColors(True)
        self.view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        compact_rows(self.view)
        self._timer = QTimer(self, singleShot=True, interval=250)
        self._timer.timeout.connect(self.apply_filter)
        self.filter_edit.textChanged.connect(lambda _t: self._timer.start())
        self.only.toggled.connect(lambda _c: self.apply_filter())
        top = QHBoxLayout()
        top.addWidget(self.filter_edit, 1)
        top.addWidget(self.only)
        top.addWidget(self.count)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(2, 2, 2, 2)
        lay.addLayout(top)
        lay.addWidget(self.view, 1)

    def set_frame(self, frame, lang: str) -> None:
        """Show ``frame`` (a candidate frame of this kind) with headers in ``lang``."""
        self.frame = frame
        if frame is None:
            self.view.setModel(None)
            self.model = None
            self.update_count()
            return
        rows = candidate_rows(frame, self.kind, lang)
        self.model = CandidateTableModel(rows, frame["candidate"].to_numpy(dtype=bool), numeric_columns(self.kind, frame), self)
        self.view.setModel(self.model)
        self.view.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.model.set_filter(self.filter_edit.text(), self.only.isChecked())
        self.view.resizeColumnsToContents()
        self.view.selectionModel().selectionChanged.connect(lambda *_a: self.rows_selected.emit())
        self.update_count()

    def apply_filter(self) -> None:
        if self.model is not None:
            self.model.set_filter(self.filter_edit.text(), self.only.isChecked())
        self.update_count()

    def selected_rows(self) -> np.ndarray:
        """Frame positions of the selected table rows."""
        if self.model is None:
            return np.zeros(0, dtype=np.int64)
        rows = [i.row() for i in self.view.selectionModel().selectedRows()]
        return np.sort(self.model.source_rows(rows)) if rows else np.zeros(0, dtype=np.int64)

    def select_ids(self, ids: list[str]) -> None:
        """Select the rows of candidates ``ids`` (those shown)."""
        from PySide6.QtCore import QItemSelection, QItemSelectionModel

        if self.model is None:
            return
        src = np.flatnonzero(self.frame["candidate_id"].astype(str).isin([str(i) for i in ids]).to_numpy())
        sel = QItemSelection()
        last = self.model.columnCount() - 1
        rows = self.model.view_rows(src)
        for r in rows.tolist():  # the rows a planner picked
            sel.select(self.model.index(r, 0), self.model.index(r, last))
        self.view.selectionModel().select(sel, QItemSelectionModel.SelectionFlag.ClearAndSelect)
        if len(rows):
            self.view.scrollTo(self.model.index(int(rows.min()), 0))

    def update_count(self) -> None:
        if self.model is None or self.frame is None:
            self.count.setText("")
            return
        n_cand = int(self.model.candidate.sum())
        self.count.setText(self.tr("{0} shown · {1} of {2} are candidates · {3} selected").format(
            f"{self.model.rowCount():,}", f"{n_cand:,}", f"{len(self.frame):,}", f"{len(self.selected_rows()):,}"))

    def retranslate(self) -> None:
        self.filter_edit.setPlaceholderText(self.tr("Filter: text in any column"))
        self.only.setText(self.tr("Candidates only"))
        self.update_count()


class CandidatesPanel(RunControls, QWidget):
    """Finds the candidates and shows them (see module docstring).

    Signals
    -------
    computed()
        New candidates are shown.
    """

    computed = Signal()

    def __init__(self, model, scenarios, start_worker: Callable[..., Any],
                 zoom_to_bounds: Callable[..., Any], parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("candidatesPanel")
        self.model = model
        self.start_worker = start_worker
        self.zoom_to_bounds = zoom_to_bounds
        self.scenarios = scenarios
        self.result = None  # the CandidateSet shown
        self.worker = None
        self.run_button = QPushButton(objectName="findCandidates")
        self.cancel_button = QPushButton(objectName="cancelCandidates")
        self.cancel_button.setEnabled(False)
        self.progress = QProgressBar(objectName="candidatesProgress")
        self.progress.setRange(0, 100)
        self.progress.hide()
        self.status = QLabel(objectName="candidatesStatus")
        self.status.setWordWrap(True)
        self.tabs = QTabWidget(objectName="candidateTabs")
        self.pages = {k: KindPage(k, self) for k in KIND_ORDER}
        for page in self.pages.values():
            self.tabs.addTab(page, "")
            page.rows_selected.connect(lambda p=page: self._on_selection(p))
        self.zoom_button = QPushButton(objectName="zoomCandidates")
        self.add_button = QPushButton(objectName="addToScenario")
        self.add_button.setEnabled(False)
        self.target = QLabel(objectName="scenarioTarget")
        top = QHBoxLayout()
        top.addWidget(self.run_button)
        top.addWidget(self.cancel_button)
        top.addWidget(self.progress, 1)
        bottom = QHBoxLayout()
        bottom.addWidget(self.zoom_button)
        bottom.addWidget(self.add_button)
        bottom.addWidget(self.target, 1)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.addLayout(top)
        lay.addWidget(self.status)
        lay.addWidget(self.tabs, 1)
        lay.addLayout(bottom)
        self.run_button.clicked.connect(self.run)
        self.cancel_button.clicked.connect(self.cancel)
        self.zoom_button.clicked.connect(self.zoom_to_selection)
        self.add_button.clicked.connect(self.add_selected_to_scenario)
        self.tabs.currentChanged.connect(lambda _i: self._on_selection(self.current_page()))
        scenarios.current_changed.connect(lambda _n: self._update_target())
        scenarios.changed.connect(self._update_target)
        self.retranslate()

    # ------------------------------------------------------------------ running
    def run(self):
        """Start the candidates worker; returns it (None if one is already running)."""
        project = copy.deepcopy(self.model.project)
        return self.start_run(lambda fb: find_candidates(project, fb), "candidates", self.show_result,
                              busy_text=self.tr("Finding the greening candidates…"),
                              failed_text=self.tr("The candidates could not be found."),
                              canceled_text=self.tr("Cancelled."))

    # ------------------------------------------------------------------ showing
    def clear(self) -> None:
        self.result = None
        for page in self.pages.values():
            page.set_frame(None, current_language())
        self.retranslate()

    def show_result(self, result) -> None:
        self.result = result
        lang = current_language()
        for kind, page in self.pages.items():
            page.set_frame(result.frame(kind), lang)
        self.retranslate()
        self.computed.emit()

    def current_page(self) -> KindPage:
        return self.tabs.currentWidget()

    def retranslate(self) -> None:
        lang = current_language()
        self.run_button.setText(self.tr("Find candidates"))
        self.cancel_button.setText(self.tr("Cancel"))
        self.zoom_button.setText(self.tr("Zoom to selection"))
        self.add_button.setText(self.tr("Add selected to scenario"))
        for i, (kind, page) in enumerate(self.pages.items()):
            page.retranslate()
            n = "" if page.frame is None else f" ({int(page.frame['candidate'].sum())})"
            self.tabs.setTabText(i, kind_label(kind, lang) + n)
        if self.result is None:
            if self.worker is None:
                self.status.setText(self.tr("Press Find candidates to list every rooftop, idle parcel and road or "
                                            "river that could be greened, with the reason when it cannot."))
        else:
            if self.worker is None:
                self.status.setText(self.tr("Select rows (Ctrl or Shift for several) and add them to a scenario."))
            if lang != getattr(self, "_lang", lang):  # headers and reasons in the new language
                for kind, page in self.pages.items():
                    page.set_frame(self.result.frame(kind), lang)
        self._lang = lang
        self._update_target()

    def changeEvent(self, event) -> None:  # noqa: N802
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def _update_target(self) -> None:
        name = self.scenarios.current_name
        page = self.current_page()
        has = page is not None and page.frame is not None and len(page.selected_rows()) > 0
        self.add_button.setEnabled(bool(name) and has)
        self.target.setText(self.tr("Current scenario: {0}").format(name) if name
                            else self.tr("Create a scenario in the Scenarios panel first."))

    # ------------------------------------------------------------------ selection -> map, scenario
    def selected(self, kind: str | None = None):
        """(kind, frame rows) selected in the current tab (or in ``kind``'s tab)."""
        page = self.pages[kind] if kind else self.current_page()
        return page.kind, page.selected_rows()

    def _on_selection(self, page: KindPage) -> None:
        page.update_count()
        self._update_target()
        if page is not self.current_page() or page.frame is None:
            return
        rows = page.selected_rows()
        if len(rows):
            geoms = np.asarray(page.frame.geometry.array)[rows]
            self.model.set_highlight(geoms, kind_label(page.kind, current_language()), "greening")
        else:
            self.model.set_highlight(None)

    def zoom_to_selection(self) -> None:
        import shapely

        page = self.current_page()
        rows = page.selected_rows()
        if page.frame is None or not len(rows):
            return
        x0, y0, x1, y1 = shapely.total_bounds(np.asarray(page.frame.geometry.array)[rows])
        cx, cy, half = (x0 + x1) / 2, (y0 + y1) / 2, max(x1 - x0, y1 - y0, 300.0) * 0.6
        self.zoom_to_bounds((cx - half, cy - half, cx + half, cy + half), margin=0.0)

    def add_selected_to_scenario(self) -> int:
        """Add the selected candidates of the current tab to the current scenario; returns how many."""
        kind, rows = self.selected()
        page = self.pages[kind]
        if page.frame is None or not len(rows) or not self.scenarios.current_name:
            return 0
        is_cand = page.frame["candidate"].to_numpy(dtype=bool)[rows]
        ids = page.frame["candidate_id"].astype(str).to_numpy()[rows[is_cand]].tolist()
        added = self.scenarios.add_ids(kind, ids)
        skipped = int((~is_cand).sum())
        msg = self.tr("{0} added to scenario {1}.").format(added, self.scenarios.current_name)
        if skipped:
            msg += " " + self.tr("{0} selected rows are not candidates and were left out.").format(skipped)
        self.status.setText(msg)
        return added
