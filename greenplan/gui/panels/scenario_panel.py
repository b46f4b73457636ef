"""The scenarios dock: named selections of candidates, and the indicators before and after.

The scenario list and its selections are the project's (:class:`ScenarioModel`); the
candidates panel adds selected candidates to the current scenario, "Add rule…" adds a
rule (``score >= 60``, ``all``). "Compute before/after" runs
``jobs.scenario.run_scenario`` (what ``greenplan scenario`` runs) in a worker: every
indicator without and with the scenario's greening, per township, the legality checks,
and the tables and features written to the output folder.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from greenplan.app.candidate_view import (
    KIND_ORDER,
    kind_label,
)
from greenplan.app.scenario_paths import default_output_base, folder_name
from greenplan.core.errors import GreenplanError
from greenplan.gui.i18n import current_language
from greenplan.gui.tables import compact_rows
from greenplan.gui.workers import RunControls


class RuleDialog(QDialog):
    """Kind, rule and "best N" of a rule selection."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("ruleDialog")
        self.kind = QComboBox(objectName="ruleKind")
        lang = current_language()
        for k in KIND_ORDER:
            self.kind.addItem(kind_label(k, lang), k)
        self.rule = QLineEdit(objectName="ruleText")
        self.rule.setText("all")
        self.top = QSpinBox(objectName="ruleTop")
        self.top.setRange(0, 1_000_000)
        self.hint = QLabel(objectName="ruleHint")
        self.hint.setWordWrap(True)
        form = QFormLayout()
        self.labels = [QLabel(), QLabel(), QLabel()]
        form.addRow(self.labels[0], self.kind)
        form.addRow(self.labels[1], self.rule)
        form.addRow(self.labels[2], self.top)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(self.hint)
        lay.addWidget(buttons)
        self.setWindowTitle(self.tr("Add a rule"))
        self.labels[0].setText(self.tr("Kind:"))
        self.labels[1].setText(self.tr("Rule:"))
        self.labels[2].setText(self.tr("Only the best:"))
        self.top.setSpecialValueText(self.tr("all"))
        self.hint.setText(self.tr("Conditions FIELD OP VALUE joined by 'and', e.g. score >= 60 and floors <= 6; "
                                  "'all' takes every candidate. The best are ranked by score (rooftops) or area."))

    def values(self) -> tuple[str, str, int | None]:
        return self.kind.currentData(), self.rule.text().strip(), (self.top.value() or None)


class ScenarioPanel(RunControls, QWidget):
    """Edits the project's scenarios and shows their before/after (see module docstring)."""

    def __init__(self, model, scenarios, start_worker: Callable[..., Any], results: QWidget, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("scenarioPanel")
        self.model = model
        self.start_worker = start_worker
        self.scenarios = scenarios
        self.outputs = None  # ScenarioOutputs of the last run
        self.sketch_frame: Callable[[str], Any] | None = None  # a scenario's unsaved hand-drawn features (#15)
        self.outputs_name = ""
        self.stale = False
        self.worker = None
        self.combo = QComboBox(objectName="scenarioCombo")
        self.new_button = QPushButton(objectName="newScenario")
        self.delete_button = QPushButton(objectName="deleteScenario")
        self.description = QLineEdit(objectName="scenarioDescription")
        self.selections = QTableWidget(objectName="selectionTable")
        self.selections.setColumnCount(3)
        self.selections.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.selections.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.selections.verticalHeader().hide()
        self.selections.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.selections.setMaximumHeight(88)
        self.rule_button = QPushButton(objectName="addRule")
        self.remove_button = QPushButton(objectName="removeSelection")
        self.out_edit = QLineEdit(objectName="scenarioOutput")
        self.browse_button = QPushButton(objectName="browseOutput")
        self.run_button = QPushButton(objectName="computeScenario")
        self.cancel_button = QPushButton(objectName="cancelScenario")
        self.cancel_button.setEnabled(False)
        self.progress = QProgressBar(objectName="scenarioProgress")
        self.progress.setRange(0, 100)
        self.progress.hide()
        self.status = QLabel(objectName="scenarioStatus")
        self.status.setWordWrap(True)
        self.status.setMinimumHeight(2 * self.fontMetrics().lineSpacing() + 8)  # never squeezed to a sliver
        compact_rows(self.selections)
        self.results = results  # the before/after tables (they highlight and zoom on the map)
        results.setParent(self)
        # the result widgets, as the tests and the screenshots reach them
        self.checks, self.selected, self.compare, self.units = (self.results.checks, self.results.selected,
                                                                 self.results.compare, self.results.units)
        self.form_labels = [QLabel() for _ in range(4)]
        self._build_layout()
        self.combo.activated.connect(lambda i: self.scenarios.set_current(self.combo.itemText(i)))
        self.new_button.clicked.connect(self.ask_new)
        self.delete_button.clicked.connect(self.ask_delete)
        self.description.editingFinished.connect(lambda: self.scenarios.set_description(self.description.text()))
        self.rule_button.clicked.connect(self.ask_rule)
        self.remove_button.clicked.connect(self.remove_selected)
        self.browse_button.clicked.connect(self.browse_output)
        self.run_button.clicked.connect(self.run)
        self.cancel_button.clicked.connect(self.cancel)
        scenarios.changed.connect(self._on_changed)
        scenarios.current_changed.connect(lambda _n: self._on_changed())
        model.project_replaced.connect(self._on_project_replaced)
        self._on_project_replaced()

    def _build_layout(self) -> None:
        row = QHBoxLayout()
        row.addWidget(self.combo, 1)
        row.addWidget(self.new_button)
        row.addWidget(self.delete_button)
        sel_buttons = QHBoxLayout()
        sel_buttons.addWidget(self.rule_button)
        sel_buttons.addWidget(self.remove_button)
        sel_buttons.addStretch(1)
        out_row = QHBoxLayout()
        out_row.addWidget(self.out_edit, 1)
        out_row.addWidget(self.browse_button)
        form = QFormLayout()
        form.addRow(self.form_labels[0], row)
        form.addRow(self.form_labels[1], self.description)
        form.addRow(self.form_labels[2], self.selections)
        form.addRow(QLabel(), sel_buttons)
        form.addRow(self.form_labels[3], out_row)
        run_row = QHBoxLayout()
        run_row.addWidget(self.run_button)
        run_row.addWidget(self.cancel_button)
        run_row.addWidget(self.progress, 1)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.addLayout(form)
        lay.addLayout(run_row)
        lay.addWidget(self.status)
        lay.addWidget(self.results, 1)

    # ------------------------------------------------------------------ model -> widgets
    def _on_project_replaced(self) -> None:
        self.outputs, self.outputs_name, self.stale = None, "", False
        self.out_edit.setText(str(default_output_base(self.model.project)))
        self._on_changed()

    def _on_changed(self) -> None:
        names = self.scenarios.names()
        self.combo.blockSignals(True)
        self.combo.clear()
        self.combo.addItems(names)
        self.combo.setCurrentIndex(names.index(self.scenarios.current_name) if self.scenarios.current_name in names else -1)
        self.combo.blockSignals(False)
        sc = self.scenarios.current()
        if not self.description.hasFocus():
            self.description.setText(sc.description if sc else "")
        for wdg in (self.description, self.rule_button, self.delete_button, self.run_button):
            wdg.setEnabled(sc is not None and (wdg is not self.run_button or self.worker is None))
        if self.outputs is not None and sc is not None and sc.name == self.outputs_name:
            self.stale = sc.to_dict() != self.outputs.document["scenario"]
        self.retranslate()

    def _fill_selections(self, sc) -> None:
        lang = current_language()
        sels = sc.selections if sc is not None else []
        self.selections.setRowCount(len(sels))
        for r, s in enumerate(sels):  # a handful of selections
            if s.ids and s.rule is not None:
                how = self.tr("{0} ids or rule {1}").format(len(s.ids), s.rule)
            elif s.ids:
                shown = ", ".join(s.ids[:5]) + ("…" if len(s.ids) > 5 else "")
                how = self.tr("{0} ids: {1}").format(len(s.ids), shown)
            else:
                how = self.tr("rule: {0}").format(s.rule)
            top = self.tr("best {0}").format(s.top) if s.top else ""
            for c, text in enumerate((kind_label(s.kind, lang), how, top)):
                self.selections.setItem(r, c, QTableWidgetItem(text))
        self.selections.resizeColumnToContents(0)
        self.selections.resizeColumnToContents(2)
        self.remove_button.setEnabled(bool(sels))

    def retranslate(self) -> None:
        for label, text in zip(self.form_labels, (self.tr("Scenario:"), self.tr("Description:"), self.tr("Selections:"),
                                                  self.tr("Output folder:")), strict=True):
            label.setText(text)
        self.new_button.setText(self.tr("New…"))
        self.delete_button.setText(self.tr("Delete"))
        self.rule_button.setText(self.tr("Add rule…"))
        self.remove_button.setText(self.tr("Remove selection"))
        self.browse_button.setText(self.tr("Browse…"))
        self.run_button.setText(self.tr("Compute before/after"))
        self.cancel_button.setText(self.tr("Cancel"))
        self.selections.setHorizontalHeaderLabels([self.tr("Kind"), self.tr("Chosen by"), self.tr("Limit")])
        self._fill_selections(self.scenarios.current())  # the rows are words too: in the new language
        self.description.setPlaceholderText(self.tr("What the scenario is about"))
        if self.worker is None:
            self.status.setText(self._status_text())
        if self.results.outputs is not self.outputs:
            self.results.set_outputs(self.outputs)

    def _status_text(self) -> str:
        if self.scenarios.error is not None:
            return self.tr("The project's scenarios cannot be read: {0}").format(
                self.scenarios.error.message(current_language()))
        if self.scenarios.current() is None:
            return self.tr("Press New… to start a scenario, then add candidates from the Candidates panel.")
        if self.outputs is None:
            return self.tr("Press Compute before/after to see how the scenario changes the indicators.")
        text = self.tr("Scenario {0}: results written to {1}.").format(self.outputs_name, self.outputs.files["json"].parent)
        if self.stale:
            text += " " + self.tr("The scenario has changed since: compute again.")
        return text

    def changeEvent(self, event) -> None:  # noqa: N802
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    # ------------------------------------------------------------------ edits
    def ask_new(self):
        dialog = QInputDialog(self)
        dialog.setObjectName("newScenarioDialog")
        dialog.setWindowTitle(self.tr("New scenario"))
        dialog.setLabelText(self.tr("Scenario name:"))
        dialog.textValueSelected.connect(self.create)
        dialog.open()
        return dialog

    def create(self, name: str) -> bool:
        try:
            self.scenarios.create(name)
        except GreenplanError as exc:
            from greenplan.gui.errors import show_error

            show_error(self, exc, "scenario")
            return False
        return True

    def ask_delete(self):
        name = self.scenarios.current_name
        if not name:
            return None
        box = QMessageBox(QMessageBox.Icon.Question, self.tr("Delete scenario"),
                          self.tr("Delete scenario {0} from the project?").format(name),
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, self)
        box.setObjectName("deleteScenarioBox")
        box.accepted.connect(lambda: self.scenarios.remove(name))
        box.open()
        return box

    def ask_rule(self):
        dialog = RuleDialog(self)
        dialog.accepted.connect(lambda: self.add_rule(*dialog.values()))
        dialog.open()
        return dialog

    def add_rule(self, kind: str, rule: str, top: int | None) -> bool:
        try:
            self.scenarios.add_rule(kind, rule, top)
        except GreenplanError as exc:
            from greenplan.gui.errors import show_error

            show_error(self, exc, "scenario")
            return False
        return True

    def remove_selected(self) -> None:
        rows = sorted({i.row() for i in self.selections.selectedIndexes()}, reverse=True)
        for r in rows:  # a handful
            self.scenarios.remove_selection(r)

    def browse_output(self) -> None:
        path = QFileDialog.getExistingDirectory(self, self.tr("Output folder"), self.out_edit.text())
        if path:
            self.out_edit.setText(path)

    def output_dir(self, name: str) -> Path:
        return Path(self.out_edit.text().strip() or default_output_base(self.model.project)) / folder_name(name)

    # ------------------------------------------------------------------ running
    def run(self):
        """Start the before/after worker for the current scenario; returns it (None if busy or none)."""
        sc = self.scenarios.current()
        if sc is None:
            return None
        from greenplan.jobs.scenario import run_scenario

        project = copy.deepcopy(self.model.project)
        name, out = sc.name, self.output_dir(sc.name)
        sketch = self.sketch_frame(name) if self.sketch_frame is not None else None
        return self.start_run(lambda fb: run_scenario(project, name, out, sketch=sketch, feedback=fb), "scenario",
                              lambda outputs: self._show_outputs(name, outputs),
                              busy_text=self.tr("Computing scenario {0}…").format(name),
                              failed_text=self.tr("The scenario could not be computed."),
                              canceled_text=self.tr("Cancelled."))

    def can_run(self) -> bool:
        return self.scenarios.current() is not None

    def _show_outputs(self, name: str, outputs) -> None:
        self.outputs, self.outputs_name, self.stale = outputs, name, False
        self.retranslate()

    def show_on_map(self) -> None:
        self.results.show_on_map()
