"""The map export dialog: theme, area, paper, orientation, DPI, title, file, and a live preview.

On opening, a worker loads what every theme draws and computes the indicators once
(``jobs.export.load_map_data``). Each change of an option re-renders a small preview of
the sheet (``jobs.sheet.township_sheet`` and ``draw_sheet``, as the export does, at a
screen resolution, in a worker, debounced); "Export" writes the map with ``jobs.export.export_map`` (what
``greenplan export`` runs) in a worker, passing the indicators already computed and the
candidates and scenario greening the panels hold (for the opportunities and scenario
themes).
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, Qt, QTimer, QUrl
from PySide6.QtGui import QDesktopServices, QImage, QPixmap
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
    QSizePolicy,
    QSpinBox,
    QVBoxLayout,
)

from greenplan.app.export_view import (
    FORMATS,
    PAPERS,
    render_preview,
    theme_choices,
    units_of,
)
from greenplan.app.scenario_paths import folder_name
from greenplan.gui.i18n import current_language
from greenplan.gui.workers import Worker


class ExportDialog(QDialog):
    """Export one map (see module docstring)."""

    def __init__(self, model, settings, view_extent: Callable[[], tuple | None], extra: dict[str, Any],
                 parent=None) -> None:
        """``model``: the project model (its project is copied); ``settings``: the
        :class:`~greenplan.gui.gui_settings.GuiSettings` (the last folder); ``view_extent()``:
        the canvas's current extent, None before the map shows anything; ``extra``: the
        candidate and scenario layers the panels hold (:func:`greenplan.app.export_view.extra_layers`).
        """
        super().__init__(parent)
        self.setObjectName("exportDialog")
        self.settings = settings
        self.view_extent = view_extent
        self.project = copy.deepcopy(model.project)
        self.extra = extra
        self.data = None
        self.written: Path | None = None
        self.workers: list[Worker] = []
        self.data_worker = self.preview_worker = self.export_worker = None
        self._pending = False
        self.theme = QComboBox(objectName="exportTheme")
        for tid, zh, en in theme_choices(self.project):
            self.theme.addItem(zh if current_language() == "zh" else en, tid)
        self.area = QComboBox(objectName="exportArea")
        self.paper = QComboBox(objectName="exportPaper")
        self.paper.addItems(PAPERS)
        self.paper.setCurrentText("A3")
        self.orientation = QComboBox(objectName="exportOrientation")
        self.dpi = QSpinBox(objectName="exportDpi")
        self.dpi.setRange(50, 1200)
        self.dpi.setSingleStep(50)
        self.dpi.setValue(300)
        self.title = QLineEdit(objectName="exportTitle")
        self.fmt = QComboBox(objectName="exportFormat")
        for f in FORMATS:
            self.fmt.addItem(f.upper(), f)
        self.path = QLineEdit(objectName="exportPath")
        self.browse = QPushButton(objectName="exportBrowse")
        self.preview = QLabel(objectName="exportPreview")
        self.preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.preview.setMinimumSize(480, 340)
        self.preview.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.preview.setStyleSheet("background: #8a8a8a;")
        self.preview_image: QImage | None = None
        self.preview_status = QLabel(objectName="previewStatus")
        self.progress = QProgressBar(objectName="exportProgress")
        self.progress.setRange(0, 100)
        self.status = QLabel(objectName="exportStatus")
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.export_button = QPushButton(objectName="exportButton")
        self.export_button.setDefault(True)
        self.open_button = QPushButton(objectName="exportOpenFolder")
        self.open_button.setEnabled(False)
        self.close_button = QPushButton(objectName="exportClose")
        self.labels = [QLabel() for _ in range(8)]
        self._layout()
        self._timer = QTimer(self, singleShot=True, interval=300)
        self._timer.timeout.connect(self.update_preview)
        for combo in (self.theme, self.area, self.paper, self.orientation):
            combo.currentIndexChanged.connect(self._options_changed)
        self.title.textChanged.connect(self._options_changed)
        self.fmt.currentIndexChanged.connect(self._format_changed)
        self.theme.currentIndexChanged.connect(self._theme_changed)
        self.area.currentIndexChanged.connect(self._theme_changed)
        self.path.textEdited.connect(lambda _t: setattr(self, "_auto_path", False))
        self.browse.clicked.connect(self.choose_path)
        self.export_button.clicked.connect(self.export)
        self.open_button.clicked.connect(self.open_folder)
        self.close_button.clicked.connect(self.reject)
        self.retranslate()
        self.folder = Path(settings.last_dir) if settings.last_dir else self.project.folder
        self._auto_path = True
        self._theme_changed()
        self.resize(1060, 640)
        self.load_data()

    def _layout(self) -> None:
        form = QFormLayout()
        path_row = QHBoxLayout()
        path_row.addWidget(self.path, 1)
        path_row.addWidget(self.browse)
        for label, wdg in zip(self.labels, (self.theme, self.area, self.paper, self.orientation, self.dpi, self.title,
                                            self.fmt, path_row), strict=True):
            form.addRow(label, wdg)
        left = QVBoxLayout()
        left.addLayout(form)
        left.addStretch(1)
        left.addWidget(self.progress)
        left.addWidget(self.status)
        right = QVBoxLayout()
        right.addWidget(self.preview, 1)
        right.addWidget(self.preview_status)
        top = QHBoxLayout()
        top.addLayout(left, 2)
        top.addLayout(right, 3)
        buttons = QHBoxLayout()
        buttons.addWidget(self.open_button)
        buttons.addStretch(1)
        buttons.addWidget(self.export_button)
        buttons.addWidget(self.close_button)
        lay = QVBoxLayout(self)
        lay.addLayout(top, 1)
        lay.addLayout(buttons)

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Export Map"))
        for label, text in zip(self.labels, (self.tr("Theme:"), self.tr("Area:"), self.tr("Paper:"), self.tr("Orientation:"),
                                             self.tr("Resolution (DPI):"), self.tr("Title:"), self.tr("Format:"),
                                             self.tr("File:")), strict=True):
            label.setText(text)
        idx = self.orientation.currentIndex()
        self.orientation.blockSignals(True)
        self.orientation.clear()
        self.orientation.addItem(self.tr("Landscape"), "landscape")
        self.orientation.addItem(self.tr("Portrait"), "portrait")
        self.orientation.setCurrentIndex(max(idx, 0))
        self.orientation.blockSignals(False)
        self._fill_areas()
        self.title.setPlaceholderText(self.tr("Default: project name and map name"))
        self.browse.setText(self.tr("Browse…"))
        self.export_button.setText(self.tr("Export"))
        self.open_button.setText(self.tr("Open folder"))
        self.close_button.setText(self.tr("Close"))

    def changeEvent(self, event) -> None:  # noqa: N802
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def _fill_areas(self) -> None:
        current = self.area.currentData()
        self.area.blockSignals(True)
        self.area.clear()
        self.area.addItem(self.tr("Whole county"), "")
        if self.view_extent() is not None:
            self.area.addItem(self.tr("Current map view"), "@view")
        self._unit_names = {}
        for key, name, label in units_of(self.data):
            self.area.addItem(self.tr("Township: {0}").format(label), key)
            self._unit_names[key] = name
        i = self.area.findData(current)
        self.area.setCurrentIndex(max(i, 0))
        self.area.blockSignals(False)

    # ------------------------------------------------------------------ options
    def options(self) -> dict[str, Any]:
        """What ``export_map`` is given (the path and format apart)."""
        area = self.area.currentData() or ""
        extent = self.view_extent() if area == "@view" else None
        return {"theme": self.theme.currentData(), "paper": self.paper.currentText(),
                "orientation": self.orientation.currentData(), "dpi": self.dpi.value(),
                "title": self.title.text().strip() or None, "extent": extent,
                "unit": area if area and area != "@view" else None}

    def _options_changed(self, *_a) -> None:
        self._timer.start()

    def _theme_changed(self, *_a) -> None:
        """A new default file name (project name + map name) until the planner types one."""
        from greenplan.render.themes import get_theme

        if self._auto_path:
            title = get_theme(self.theme.currentData(), self.project.themes).title
            unit = self._unit_names.get(self.area.currentData() or "", "")
            name = folder_name(f"{self.project.name}{unit}{title}")
            self.path.setText(str(self.folder / (name + FORMATS[self.fmt.currentData()])))

    def _format_changed(self, *_a) -> None:
        p = Path(self.path.text())
        self.path.setText(str(p.with_suffix(FORMATS[self.fmt.currentData()])))

    def choose_path(self) -> None:
        f = self.fmt.currentData()
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Export map as"), self.path.text(), f"{f.upper()} (*{FORMATS[f]})")
        if path:
            self.path.setText(path)

    # ------------------------------------------------------------------ workers
    def _start(self, fn, name: str, done, failed=None) -> Worker:
        w = Worker(fn, name, self)
        self.workers.append(w)
        w.succeeded.connect(done)
        w.failed.connect(failed or self._failed)
        w.finished.connect(lambda: self._worker_finished(w))
        w.start()
        return w

    def _worker_finished(self, w: Worker) -> None:
        if w in self.workers:
            self.workers.remove(w)
        if w is self.preview_worker:
            self.preview_worker = None
            if self._pending:
                self._pending = False
                self.update_preview()

    def busy(self) -> bool:
        return any(w.isRunning() for w in self.workers)

    def _failed(self, exc) -> None:
        from greenplan.gui.errors import show_error

        self.preview_status.setText(self.tr("The preview could not be drawn."))
        show_error(self, exc, "export preview")

    def load_data(self) -> Worker:
        """Load the layers of every theme and compute the indicators (once per dialog)."""
        from greenplan.jobs.export import load_map_data
        from greenplan.render.themes import get_theme

        project = self.project
        themes = [get_theme(self.theme.itemData(i), project.themes) for i in range(self.theme.count())]
        self.preview_status.setText(self.tr("Loading the map data and computing the indicators…"))
        self.data_worker = self._start(lambda fb: load_map_data(project, themes, compute=True, feedback=fb), "export data",
                                       self._data_loaded)
        self.data_worker.progress.connect(lambda v: self.progress.setValue(int(v)))
        return self.data_worker

    def _data_loaded(self, data) -> None:
        self.data = data
        self.progress.setValue(0)
        self._fill_areas()
        self.update_preview()

    def update_preview(self) -> None:
        """Render the preview now (or as soon as the one being drawn is done)."""
        if self.data is None:
            return
        if self.preview_worker is not None or self.export_worker is not None:
            self._pending = True
            return
        data, extra, opts = self.data, self.extra, self.options()
        self.preview_status.setText(self.tr("Drawing the preview…"))
        self.preview_worker = self._start(lambda fb: render_preview(data, extra, opts), "export preview", self._show_preview)

    def _show_preview(self, result) -> None:
        raw, width, height = result
        self.preview_image = QImage(raw, width, height, QImage.Format.Format_RGBA8888).copy()
        self._scale_preview()
        self.preview_status.setText(self.tr("Preview of the whole sheet ({0} × {1} px).").format(width, height))

    def _scale_preview(self) -> None:
        if self.preview_image is not None:
            pix = QPixmap.fromImage(self.preview_image)
            self.preview.setPixmap(pix.scaled(self.preview.size(), Qt.AspectRatioMode.KeepAspectRatio,
                                              Qt.TransformationMode.SmoothTransformation))

    def resizeEvent(self, event) -> None:  # noqa: N802
        super().resizeEvent(event)
        self._scale_preview()

    def export(self) -> Worker | None:
        """Write the map with ``export_map`` in a worker; returns it (None if one runs)."""
        from greenplan.jobs.export import RESULT_LAYERS, export_map

        if self.export_worker is not None:
            return None
        opts = self.options()
        out, fmt = Path(self.path.text().strip()), self.fmt.currentData()
        if out.suffix.lower() not in (FORMATS[fmt], ".tiff" if fmt == "tiff" else FORMATS[fmt]):
            out = out.with_name(out.name + FORMATS[fmt])
            self.path.setText(str(out))
        project, data = self.project, self.data
        doc = data.doc if data is not None else None
        extra = dict(self.extra)
        if data is not None:  # the analysis-result layers computed with the indicators
            extra.update({k: data.layers[k] for k in RESULT_LAYERS if k in data.layers})

        def job(fb):
            return export_map(project, out, theme=opts["theme"], paper=opts["paper"], orientation=opts["orientation"],
                              dpi=opts["dpi"], title=opts["title"], extent=opts["extent"], unit=opts["unit"], fmt=fmt,
                              doc=doc, extra_layers=extra, feedback=fb)

        self.status.setText(self.tr("Exporting {0}…").format(out.name))
        self.export_button.setEnabled(False)
        self.progress.setValue(0)
        self.export_worker = self._start(job, "export map", self._exported, self._export_failed)
        self.export_worker.progress.connect(lambda v: self.progress.setValue(int(v)))
        self.export_worker.canceled.connect(self._export_canceled)
        return self.export_worker

    def _export_done(self) -> None:
        self.export_worker = None
        self.export_button.setEnabled(True)
        if self._pending:
            self._pending = False
            self.update_preview()

    def _exported(self, path) -> None:
        self._export_done()
        self.written = Path(path)
        self.progress.setValue(100)
        self.status.setText(self.tr("Written: {0}").format(path))
        self.open_button.setEnabled(True)
        self.settings.last_dir = str(self.written.parent)

    def _export_failed(self, exc) -> None:
        from greenplan.gui.errors import show_error

        self._export_done()
        self.status.setText(self.tr("The map could not be exported."))
        show_error(self, exc, "export")

    def _export_canceled(self) -> None:
        self._export_done()
        self.status.setText(self.tr("Cancelled."))

    def open_folder(self) -> None:
        if self.written is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.written.parent)))

    def stop_workers(self, timeout_ms: int = 60_000) -> None:
        """Cancel and wait for every worker of the dialog (on close)."""
        for w in list(self.workers):
            w.cancel()
        for w in list(self.workers):
            w.wait(timeout_ms)

    def done(self, result: int) -> None:
        self._timer.stop()
        self.stop_workers()
        super().done(result)
