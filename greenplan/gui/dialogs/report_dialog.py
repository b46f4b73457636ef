"""生成报告: the planning report (``greenplan report``) from the desktop app.

The dialog asks for the file, the scenario and the language, then runs
:func:`greenplan.jobs.report.run_report` (the function the command line calls) on a copy of the
project in a worker, with progress and cancel; a cancel or an error leaves no file.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
)

from greenplan.gui.i18n import current_language
from greenplan.gui.workers import RunControls


class ReportDialog(RunControls, QDialog):
    """Generate the report of ``model``'s project (see module docstring)."""

    def __init__(self, model: Any, start_worker: Callable[..., Any], parent=None) -> None:
        super().__init__(parent)
        from greenplan.jobs.report import REPORT_DPI

        self.setObjectName("reportDialog")
        self.model = model
        self.start_worker = start_worker
        self.worker = None
        self.result = None
        # map resolution (dots per inch at print size)
        self.dpi = REPORT_DPI
        project = model.project
        self.path = QLineEdit(objectName="reportPath")
        folder = project.path.parent if project.path else Path.home()
        self.path.setText(str(folder / f"{project.name}评估报告.docx"))
        self.browse = QPushButton(objectName="reportBrowse")
        self.browse.clicked.connect(self.choose_path)
        self.scenario = QComboBox(objectName="reportScenario")
        self.scenario.addItem("", None)
        for sc in project.scenarios or []:
            name = sc.get("name") if isinstance(sc, dict) else getattr(sc, "name", None)
            if name:
                self.scenario.addItem(str(name), str(name))
        if self.scenario.count() > 1:
            self.scenario.setCurrentIndex(1)
        self.lang = QComboBox(objectName="reportLanguage")
        self.lang.addItem("中文", "zh")
        self.lang.addItem("English", "en")
        self.lang.setCurrentIndex(0 if current_language() == "zh" else 1)
        self.progress = QProgressBar(objectName="reportProgress")
        self.progress.setRange(0, 100)
        self.progress.hide()
        self.status = QLabel(objectName="reportStatus")
        self.status.setWordWrap(True)
        self.run_button = QPushButton(objectName="reportRun")
        self.run_button.clicked.connect(self.generate)
        self.cancel_button = QPushButton(objectName="reportCancel")
        self.cancel_button.setEnabled(False)
        self.cancel_button.clicked.connect(self.cancel)
        self.close_button = QPushButton(objectName="reportClose")
        self.close_button.clicked.connect(self.reject)

        row = QHBoxLayout()
        row.addWidget(self.path, 1)
        row.addWidget(self.browse)
        self.form = QFormLayout()
        self.labels = [QLabel(), QLabel(), QLabel()]
        self.form.addRow(self.labels[0], row)
        self.form.addRow(self.labels[1], self.scenario)
        self.form.addRow(self.labels[2], self.lang)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        for b in (self.run_button, self.cancel_button, self.close_button):
            buttons.addWidget(b)
        lay = QVBoxLayout(self)
        lay.addLayout(self.form)
        lay.addWidget(self.progress)
        lay.addWidget(self.status)
        lay.addLayout(buttons)
        self.resize(560, 220)
        self.retranslate()

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Generate Report"))
        self.labels[0].setText(self.tr("Report file:"))
        self.labels[1].setText(self.tr("Scenario:"))
        self.labels[2].setText(self.tr("Language:"))
        self.scenario.setItemText(0, self.tr("(none)"))
        self.browse.setText(self.tr("Browse…"))
        self.run_button.setText(self.tr("Generate"))
        self.cancel_button.setText(self.tr("Cancel"))
        self.close_button.setText(self.tr("Close"))
        if not self.status.text():
            self.status.setText(self.tr("Writes a Word report with the indicators, townships, conflicts, "
                                        "opportunities, the scenario and the maps."))

    def choose_path(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Save report as"), self.path.text(), "Word (*.docx)")
        if path:
            self.path.setText(path)

    def out_path(self) -> Path:
        """The chosen file, ``.docx`` added when no suffix was typed."""
        p = Path(self.path.text().strip())
        return p if p.suffix else p.with_suffix(".docx")

    def generate(self):
        """Start the report worker; returns it (None while one runs)."""
        from greenplan.jobs.report import run_report

        project = copy.deepcopy(self.model.project)
        out, scenario, lang, dpi = self.out_path(), self.scenario.currentData(), self.lang.currentData(), self.dpi
        self.result = None
        return self.start_run(lambda fb: run_report(project, out, scenario=scenario, lang=lang, dpi=dpi, feedback=fb),
                              "report", self.show_result,
                              busy_text=self.tr("Writing the report…"),
                              failed_text=self.tr("The report could not be written."),
                              canceled_text=self.tr("Cancelled; no report was written."))

    def show_result(self, result) -> None:
        self.result = result
        self.status.setText(self.tr("Report written: {0} ({1} maps, {2:.1f} s).").format(
            str(result.path), len(result.maps), result.seconds))

    def reject(self) -> None:
        if self.worker is not None:  # closing stops the report: no file is written
            self.worker.cancel()
            self.worker.wait(60_000)
        super().reject()
