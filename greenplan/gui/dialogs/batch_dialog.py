"""The batch export dialog: townships × themes × formats into a folder, with progress and cancel.

The township list comes from ``jobs.batch.list_units`` (in a worker, on opening); "Start"
runs ``jobs.batch.run_batch`` (what ``greenplan batch`` runs) in a worker with the
dialog's progress bar and a cancel button. When it ends the dialog lists every output:
written, skipped (up to date) or failed, with the reason, and the counts.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from greenplan.app.export_view import PAPERS, theme_choices
from greenplan.gui.i18n import current_language
from greenplan.gui.tables import compact_rows, status_brush
from greenplan.gui.workers import Worker

BATCH_FORMATS = ("pdf", "png", "svg", "tiff")
# the cell colour of a record's status (:func:`greenplan.gui.tables.status_brush`)
STATUS_OF_RECORD = {"written": "pass", "skipped": "none", "failed": "fail"}


def default_jobs() -> int:
    """Worker processes: every core but one for the interface, at least one."""
    from greenplan.core.parallel import cpu_count

    return max(1, cpu_count() - 1)


def checked(lst: QListWidget) -> list[Any]:
    """Data of the checked items of a check list."""
    return [lst.item(i).data(Qt.ItemDataRole.UserRole) for i in range(lst.count())
            if lst.item(i).checkState() == Qt.CheckState.Checked]


def set_all(lst: QListWidget, on: bool) -> None:
    for i in range(lst.count()):  # townships of one county
        lst.item(i).setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)


class BatchDialog(QDialog):
    """Batch export (see module docstring)."""

    def __init__(self, model, settings, parent=None) -> None:
        """``model``: the project model (its project is copied); ``settings``: the
        :class:`~greenplan.gui.gui_settings.GuiSettings` (the last folder, remembered after a run)."""
        super().__init__(parent)
        self.setObjectName("batchDialog")
        self.settings = settings
        self.project = copy.deepcopy(model.project)
        self.result = None
        self.worker: Worker | None = None
        self.units_worker: Worker | None = None
        self.units = QListWidget(objectName="batchUnits")
        self.all_units = QPushButton(objectName="batchAllUnits")
        self.no_units = QPushButton(objectName="batchNoUnits")
        self.themes = QListWidget(objectName="batchThemes")
        lang = current_language()
        for tid, zh, en in theme_choices(self.project):
            item = QListWidgetItem(zh if lang == "zh" else en)
            item.setData(Qt.ItemDataRole.UserRole, tid)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if tid == "control_lines" else Qt.CheckState.Unchecked)
            self.themes.addItem(item)
        self.formats = {f: QCheckBox(f.upper(), objectName=f"batchFormat.{f}") for f in BATCH_FORMATS}
        self.formats["pdf"].setChecked(True)
        self.formats["png"].setChecked(True)
        self.paper = QComboBox(objectName="batchPaper")
        self.paper.addItems(PAPERS)
        self.paper.setCurrentText("A3")
        self.orientation = QComboBox(objectName="batchOrientation")
        self.dpi = QSpinBox(objectName="batchDpi")
        self.dpi.setRange(50, 1200)
        self.dpi.setSingleStep(50)
        self.dpi.setValue(300)
        self.jobs = QSpinBox(objectName="batchJobs")
        from greenplan.core.parallel import cpu_count

        self.jobs.setRange(1, cpu_count())
        self.jobs.setValue(default_jobs())
        self.force = QCheckBox(objectName="batchForce")
        self.out = QLineEdit(objectName="batchOut")
        base = Path(settings.last_dir) if settings.last_dir else self.project.folder
        self.out.setText(str(base / "批量制图"))
        self.browse = QPushButton(objectName="batchBrowse")
        self.progress = QProgressBar(objectName="batchProgress")
        self.progress.setRange(0, 100)
        self.status = QLabel(objectName="batchStatus")
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.table = QTableWidget(objectName="batchResults")
        self.table.setColumnCount(5)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setStretchLastSection(True)
        compact_rows(self.table)
        self.start_button = QPushButton(objectName="batchStart")
        self.start_button.setDefault(True)
        self.cancel_button = QPushButton(objectName="batchCancel")
        self.cancel_button.setEnabled(False)
        self.open_button = QPushButton(objectName="batchOpen")
        self.open_button.setEnabled(False)
        self.close_button = QPushButton(objectName="batchClose")
        self.labels = [QLabel() for _ in range(10)]
        self._layout()
        self.all_units.clicked.connect(lambda: set_all(self.units, True))
        self.no_units.clicked.connect(lambda: set_all(self.units, False))
        self.browse.clicked.connect(self.choose_folder)
        self.start_button.clicked.connect(self.start)
        self.cancel_button.clicked.connect(self.cancel)
        self.open_button.clicked.connect(self.open_folder)
        self.close_button.clicked.connect(self.reject)
        self.retranslate()
        self.resize(980, 680)
        self.load_units()

    def _layout(self) -> None:
        unit_box = QVBoxLayout()
        unit_buttons = QHBoxLayout()
        unit_buttons.addWidget(self.all_units)
        unit_buttons.addWidget(self.no_units)
        unit_buttons.addStretch(1)
        unit_box.addWidget(self.labels[0])
        unit_box.addWidget(self.units, 1)
        unit_box.addLayout(unit_buttons)
        theme_box = QVBoxLayout()
        theme_box.addWidget(self.labels[1])
        theme_box.addWidget(self.themes, 1)
        fmt_row = QHBoxLayout()
        for cb in self.formats.values():
            fmt_row.addWidget(cb)
        fmt_row.addStretch(1)
        out_row = QHBoxLayout()
        out_row.addWidget(self.out, 1)
        out_row.addWidget(self.browse)
        form = QFormLayout()
        for label, item in zip(self.labels[2:9], (fmt_row, self.paper, self.orientation, self.dpi, self.jobs, self.force,
                                                  out_row), strict=True):
            form.addRow(label, item)
        lists = QGridLayout()
        lists.addLayout(unit_box, 0, 0)
        lists.addLayout(theme_box, 0, 1)
        options = QWidget()
        options.setLayout(form)
        lists.addWidget(options, 0, 2)
        lists.setColumnStretch(0, 2)
        lists.setColumnStretch(1, 2)
        lists.setColumnStretch(2, 3)
        buttons = QHBoxLayout()
        buttons.addWidget(self.open_button)
        buttons.addStretch(1)
        buttons.addWidget(self.start_button)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.close_button)
        lay = QVBoxLayout(self)
        lay.addLayout(lists, 2)
        lay.addWidget(self.progress)
        lay.addWidget(self.status)
        lay.addWidget(self.labels[9])
        lay.addWidget(self.table, 3)
        lay.addLayout(buttons)

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Batch Export"))
        texts = (self.tr("Townships:"), self.tr("Themes:"), self.tr("Formats:"), self.tr("Paper:"), self.tr("Orientation:"),
                 self.tr("Resolution (DPI):"), self.tr("Parallel processes:"), self.tr("Existing maps:"),
                 self.tr("Output folder:"), self.tr("What was written:"))
        for label, text in zip(self.labels, texts, strict=True):
            label.setText(text)
        idx = self.orientation.currentIndex()
        self.orientation.clear()
        self.orientation.addItem(self.tr("Landscape"), "landscape")
        self.orientation.addItem(self.tr("Portrait"), "portrait")
        self.orientation.setCurrentIndex(max(idx, 0))
        self.force.setText(self.tr("Redraw maps that are up to date"))
        self.all_units.setText(self.tr("All"))
        self.no_units.setText(self.tr("None"))
        self.browse.setText(self.tr("Browse…"))
        self.start_button.setText(self.tr("Start"))
        self.cancel_button.setText(self.tr("Cancel"))
        self.open_button.setText(self.tr("Open folder"))
        self.close_button.setText(self.tr("Close"))
        self.table.setHorizontalHeaderLabels([self.tr("Township"), self.tr("Theme"), self.tr("Format"), self.tr("Status"),
                                              self.tr("File or reason")])
        self._fill_result()

    def changeEvent(self, event) -> None:  # noqa: N802
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    # ------------------------------------------------------------------ townships
    def load_units(self) -> Worker:
        from greenplan.jobs.batch import list_units

        project = self.project
        self.status.setText(self.tr("Reading the townships…"))
        self.start_button.setEnabled(False)
        w = Worker(lambda fb: list_units(project), "batch units", self)
        w.succeeded.connect(self._units_loaded)
        w.failed.connect(self._units_failed)
        w.finished.connect(lambda: setattr(self, "units_worker", None))
        self.units_worker = w
        w.start()
        return w

    def _units_loaded(self, units: list[dict[str, Any]]) -> None:
        self.units.clear()
        for u in units:  # townships of one county
            label = " ".join(v for v in (u["name"], u["code"] and f"({u['code']})") if v) or f"FID {u['fid']}"
            item = QListWidgetItem(label)
            item.setData(Qt.ItemDataRole.UserRole, u["code"] or u["name"])
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked)
            self.units.addItem(item)
        self.start_button.setEnabled(bool(units))
        self.status.setText(self.tr("{0} townships.").format(len(units)))

    def _units_failed(self, exc) -> None:
        from greenplan.gui.errors import show_error

        self.status.setText(self.tr("The townships could not be read."))
        show_error(self, exc, "batch")

    def choose_folder(self) -> None:
        path = QFileDialog.getExistingDirectory(self, self.tr("Output folder"), self.out.text())
        if path:
            self.out.setText(path)

    # ------------------------------------------------------------------ running
    def options(self) -> dict[str, Any]:
        return {"units": [u for u in checked(self.units) if u], "themes": checked(self.themes),
                "formats": [f for f, cb in self.formats.items() if cb.isChecked()], "paper": self.paper.currentText(),
                "orientation": self.orientation.currentData(), "dpi": self.dpi.value(), "jobs": self.jobs.value(),
                "force": self.force.isChecked(), "out_dir": Path(self.out.text().strip())}

    def start(self) -> Worker | None:
        """Run ``run_batch`` with the options in a worker; returns it (None if nothing to do or busy)."""
        from greenplan.jobs.batch import run_batch

        if self.worker is not None:
            return None
        o = self.options()
        missing = [self.tr("a township") if not o["units"] else "", self.tr("a theme") if not o["themes"] else "",
                   self.tr("a format") if not o["formats"] else ""]
        missing = [m for m in missing if m]
        if missing:
            self.status.setText(self.tr("Choose at least {0}.").format(", ".join(missing)))
            return None
        project = self.project

        def job(fb):
            return run_batch(project, o["out_dir"], themes=o["themes"], formats=o["formats"], paper=o["paper"],
                             orientation=o["orientation"], dpi=o["dpi"], units=o["units"], jobs=o["jobs"],
                             force=o["force"], feedback=fb)

        self.result = None
        self._fill_result()
        self.progress.setValue(0)
        self.status.setText(self.tr("Drawing {0} townships × {1} themes…").format(len(o["units"]), len(o["themes"])))
        self.start_button.setEnabled(False)
        self.cancel_button.setEnabled(True)
        w = Worker(job, "batch", self)
        w.progress.connect(lambda v: self.progress.setValue(int(v)))
        w.message.connect(self.status.setText)
        w.partial.connect(self._map_done)
        w.succeeded.connect(self._done)
        w.failed.connect(self._failed)
        w.canceled.connect(self._canceled)
        w.finished.connect(self._finished)
        self.worker = w
        w.start()
        return w

    def cancel(self) -> None:
        if self.worker is not None:
            self.worker.cancel()
            self.status.setText(self.tr("Cancelling…"))

    def _finished(self) -> None:
        self.worker = None
        self.start_button.setEnabled(self.units.count() > 0)
        self.cancel_button.setEnabled(False)

    def _done(self, result) -> None:
        self.result = result
        self.progress.setValue(100)
        self.open_button.setEnabled(True)
        self.settings.last_dir = str(result.out_dir.parent)
        self._fill_result()

    def _failed(self, exc) -> None:
        from greenplan.gui.errors import show_error

        self.status.setText(self.tr("The batch export stopped."))
        show_error(self, exc, "batch")

    def _canceled(self) -> None:
        self.status.setText(self.tr("Cancelled. Maps finished before are in the output folder."))
        self.open_button.setEnabled(True)

    def _fill_result(self) -> None:
        r = self.result
        if r is None:
            self.table.setRowCount(0)
            return
        zh = current_language() == "zh"
        self.status.setText(self.tr("{0} written, {1} skipped (up to date), {2} failed. Output folder: {3}").format(
            r.count("written"), r.count("skipped"), r.count("failed"), r.out_dir))
        self.table.setRowCount(len(r.records))
        for i, rec in enumerate(r.records):  # one row per output file
            self._set_row(i, rec, zh)
        for c in range(4):  # the last column (file or reason) takes the rest
            self.table.resizeColumnToContents(c)

    def _set_row(self, i: int, rec: dict[str, Any], zh: bool) -> None:
        unit = " ".join(v for v in (rec["unit_name"], rec["unit_code"]) if v)
        status = rec["status_zh"] if zh else rec["status"]
        detail = rec["error"] if rec["status"] == "failed" else rec["path"]
        for c, text in enumerate((unit, rec["theme_title"], rec["format"].upper(), status, detail)):
            item = QTableWidgetItem(text)
            if c == 3:
                item.setBackground(status_brush(STATUS_OF_RECORD.get(rec["status"], "none")))
            if c == 4 and rec["status"] == "failed":
                item.setToolTip(text)
            self.table.setItem(i, c, item)

    def _map_done(self, res: dict[str, Any]) -> None:
        """One township's map of one theme finished: list its files now (the run goes on)."""
        from greenplan.jobs._batch_outputs import STATUS_ZH

        titles = {self.themes.item(i).data(Qt.ItemDataRole.UserRole): self.themes.item(i).text()
                  for i in range(self.themes.count())}
        out_dir = Path(self.out.text().strip())
        u = res.get("unit", {})
        for o in res.get("outputs", []):
            path = Path(o["path"])
            rel = path.relative_to(out_dir).as_posix() if path.is_relative_to(out_dir) else str(path)
            rec = {"unit_name": u.get("name") or "", "unit_code": u.get("code") or "",
                   "theme_title": titles.get(res.get("theme"), res.get("theme", "")), "format": o["format"],
                   "status": o["status"], "status_zh": STATUS_ZH.get(o["status"], o["status"]),
                   "error": o.get("error") or "", "path": rel}
            row = self.table.rowCount()
            self.table.setRowCount(row + 1)
            self._set_row(row, rec, current_language() == "zh")
        self.table.scrollToBottom()

    def open_folder(self) -> None:
        QDesktopServices.openUrl(QUrl.fromLocalFile(self.out.text().strip()))

    def busy(self) -> bool:
        return any(w is not None and w.isRunning() for w in (self.worker, self.units_worker))

    def stop_workers(self, timeout_ms: int = 60_000) -> None:
        """Cancel and wait for the dialog's workers (on close)."""
        for w in (self.worker, self.units_worker):
            if w is not None:
                w.cancel()
                w.wait(timeout_ms)

    def done(self, result: int) -> None:
        self.stop_workers()
        super().done(result)
