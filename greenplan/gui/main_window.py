"""The main window: canvas in the middle, layers on the left, indicators on the right.

It wires widgets to the :class:`ProjectModel` (Qt signals over the Qt-free
:class:`~greenplan.app.project_state.ProjectState`, whose undo stack the Edit menu drives)
and runs long work in workers; it computes nothing itself. File operations are in :mod:`project_ops`, the recovery copy in
:mod:`recovery`, the commands in :mod:`actions`.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QCoreApplication, QEvent, QSize, Qt
from PySide6.QtWidgets import (
    QDockWidget,
    QFrame,
    QLabel,
    QMainWindow,
    QMenu,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QToolBar,
)
from shiboken6 import isValid

from greenplan.app.map_tools import format_area, format_length, identify_all
from greenplan.app.project_props import crs_text
from greenplan.core.paths import log_dir
from greenplan.core.roles import ROLES
from greenplan.gui import actions as acts
from greenplan.gui.canvas.canvas import MapCanvas
from greenplan.gui.canvas.map_renderer import RenderLayer
from greenplan.gui.errors import show_error
from greenplan.gui.file_watcher import ProjectFileWatcher
from greenplan.gui.gui_settings import GuiSettings
from greenplan.gui.i18n import current_language, install_language
from greenplan.gui.icons import icon
from greenplan.gui.panels.candidates_panel import CandidatesPanel
from greenplan.gui.panels.identify_panel import IdentifyPanel
from greenplan.gui.panels.indicators_dock import IndicatorsDock
from greenplan.gui.panels.layer_panel import LayerPanel
from greenplan.gui.panels.scenario_panel import ScenarioPanel
from greenplan.gui.panels.scenario_results import ScenarioResults
from greenplan.gui.project_model import ProjectModel
from greenplan.gui.project_ops import OpsServices, ProjectOps, Prompter
from greenplan.gui.recovery import RecoveryManager
from greenplan.gui.scenario_model import ScenarioModel
from greenplan.gui.workers import Worker

log = logging.getLogger("greenplan.gui")


class MainWindow(QMainWindow):
    """GreenPlan's main window (see module docstring)."""

    def __init__(self, settings: GuiSettings | None = None) -> None:
        super().__init__()
        self.setObjectName("mainWindow")
        self.setWindowIcon(icon("app"))
        self.settings = settings or GuiSettings.load()
        self.prompt = Prompter(self)
        self.model = ProjectModel(self)
        self.workers: list[Worker] = []
        self.tables: dict[int, QDockWidget] = {}
        self.canvas = MapCanvas(self)
        self.setCentralWidget(self.canvas)
        self.layer_panel = LayerPanel(self.model)
        self.layers_dock = self._dock("layersDock", self.layer_panel, Qt.DockWidgetArea.LeftDockWidgetArea)
        self.indicators = IndicatorsDock(self.model, self.start_worker, self.canvas.zoom_to_bounds)
        self.indicators_dock = self._dock("indicatorsDock", self.indicators, Qt.DockWidgetArea.RightDockWidgetArea)
        self.identify_panel = IdentifyPanel(self)
        self.identify_dock = self._dock("identifyDock", self.identify_panel, Qt.DockWidgetArea.RightDockWidgetArea)
        self.scenarios = ScenarioModel(self.model, self)
        self.scenario_panel = ScenarioPanel(self.model, self.scenarios, self.start_worker, ScenarioResults(self.model, self.canvas.zoom_to_bounds))
        self.scenario_dock = self._dock("scenarioDock", self.scenario_panel, Qt.DockWidgetArea.RightDockWidgetArea,
                                        scroll=True)
        self.candidates = CandidatesPanel(self.model, self.scenarios, self.start_worker, self.canvas.zoom_to_bounds)
        self.candidates_dock = self._dock("candidatesDock", self.candidates, Qt.DockWidgetArea.BottomDockWidgetArea)
        self.candidates_dock.hide()  # shown by Analysis > Greening Candidates
        self._build_select()
        self.tabifyDockWidget(self.indicators_dock, self.identify_dock)
        self.tabifyDockWidget(self.indicators_dock, self.scenario_dock)
        self.indicators_dock.raise_()
        self.ops = ProjectOps(self.model, self._ops_services())
        self.recovery = RecoveryManager(
            self.model, self.settings.autosave_s, lambda text: self.prompt.recover(text),
            lambda copy, original: self.ops.open_project(copy, ask=False, dirty=True, recovered=True,
                                                         original_path=original), parent=self)
        self.file_watcher = ProjectFileWatcher(self.model, self.ops, lambda: self.prompt.file_changed(), self)
        self.actions = acts.build_actions(self)
        self._build_menus()
        self._build_toolbar()
        self._build_statusbar()
        from greenplan.gui import sketch_tools  # hand-drawn greening (#15)

        self.sketch = sketch_tools.install(self)
        self.recovery.sketch_state = self.sketch.state  # unsaved sketches go into the recovery copy
        self.layer_panel.context_actions = [self.actions[i] if i else None for i in acts.CONTEXT]
        self._connect()
        self.setAcceptDrops(True)
        self.resize(1280, 800)
        self.resizeDocks([self.layers_dock, self.indicators_dock], [250, 470], Qt.Orientation.Horizontal)
        if self.settings.geometry:
            self.restoreGeometry(self.settings.geometry)
        if self.settings.window_state:
            self.restoreState(self.settings.window_state)
        self.set_tool("pan")
        self.retranslate()

    # ------------------------------------------------------------------ construction
    def _ops_services(self) -> OpsServices:
        """What the file and layer commands use of this window (late-bound: tests replace
        ``prompt``, the recovery manager comes after)."""
        return OpsServices(
            parent=self, settings=self.settings, start_worker=self.start_worker,
            show_message=lambda text, ms: self.statusBar().showMessage(text, ms),
            ask_save_changes=lambda: self.prompt.save_changes(), view_extent=self.view_extent,
            zoom_to_bounds=self.canvas.zoom_to_bounds, zoom_full=self.zoom_full, reset_canvas=self.canvas.reset,
            clear_measure=self.canvas.clear_measure, refresh=self.retranslate,
            discard_recovery=lambda: self.recovery.discard(), close_table=self.close_table,
            tables_reloaded=self._tables_reloaded, drop_candidates=self._drop_candidates,
            show_check_report=self.show_check_report)

    def _dock(self, name: str, widget, area, scroll: bool = False) -> QDockWidget:
        """A dock holding ``widget``; ``scroll``: inside a scroll area, so a tall form never
        makes the window taller than a 1366 × 768 screen."""
        dock = QDockWidget(self)
        dock.setObjectName(name)
        if scroll:
            area_widget = QScrollArea(objectName=f"{name}.scroll")
            area_widget.setWidgetResizable(True)
            area_widget.setFrameShape(QFrame.Shape.NoFrame)
            area_widget.setWidget(widget)
            widget = area_widget
        dock.setWidget(widget)
        self.addDockWidget(area, dock)
        return dock

    def _build_menus(self) -> None:
        self.menus: dict[str, QMenu] = {}
        bar = self.menuBar()
        for menu_id, items in acts.MENU_LAYOUT.items():
            menu = bar.addMenu("")
            menu.setObjectName(f"menu.{menu_id}")
            self.menus[menu_id] = menu
            for item in items:
                if item == "-":
                    menu.addSeparator()
                elif item == "@recent":
                    self.menus["recent"] = menu.addMenu("")
                    self.menus["recent"].aboutToShow.connect(lambda: self.ops.fill_recent_menu(self.menus["recent"]))
                elif item == "@language":
                    sub = menu.addMenu("")
                    self.menus["language"] = sub
                    sub.addAction(self.actions["lang.zh"])
                    sub.addAction(self.actions["lang.en"])
                elif item == "@docks":
                    for d in (self.layers_dock, self.indicators_dock, self.identify_dock, self.scenario_dock,
                              self.candidates_dock, self.statistics_dock):
                        menu.addAction(d.toggleViewAction())
                    menu.addSeparator()
                else:
                    menu.addAction(self.actions[item])

    def _build_select(self) -> None:
        """Select and summarise (#16): the statistics dock, the Select menu's commands, the
        canvas's rectangle / polygon select tools."""
        from greenplan.gui.panels.statistics_panel import StatisticsPanel
        from greenplan.gui.select_ops import SelectOps

        self.statistics = StatisticsPanel(self.model, self.start_worker)
        self.statistics_dock = self._dock("statisticsDock", self.statistics, Qt.DockWidgetArea.RightDockWidgetArea)
        self.tabifyDockWidget(self.indicators_dock, self.statistics_dock)
        self.statistics_dock.visibilityChanged.connect(self.statistics.set_shown)
        self.select = SelectOps(self.model, self, lambda text, ms: self.statusBar().showMessage(text, ms),
                                self.show_statistics)
        self.canvas.select_requested.connect(self.select.select_by_shape)
        self.model.selection_changed.connect(lambda _k: self.update_actions())  # Export / Clear selection

    def show_statistics(self):
        self.statistics_dock.show()
        self.statistics_dock.raise_()
        return self.statistics

    def _build_toolbar(self) -> None:
        tb = QToolBar(self)
        tb.setObjectName("mainToolbar")
        tb.setIconSize(QSize(22, 22))
        tb.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonIconOnly)
        for item in acts.TOOLBAR:
            if item == "-":
                tb.addSeparator()
            else:
                tb.addAction(self.actions[item])
        self.addToolBar(tb)
        self.toolbar = tb
        from greenplan.gui.workflow_bar import WorkflowBar

        self.workflow = WorkflowBar(self.actions, self.workflow_state, self)
        self.addToolBar(self.workflow)

    def workflow_state(self) -> tuple[bool, dict[str, bool]]:
        """Whether a project with layers is open, and which steps of the order of work are done."""
        has = bool(self.model.entries)
        done = {"check": getattr(self, "_checked_project", None) is self.model.project,
                "indicators": getattr(getattr(self, "indicators", None), "doc", None) is not None,
                "candidates": getattr(getattr(self, "candidates", None), "result", None) is not None,
                "scenario": getattr(getattr(self, "scenario_panel", None), "outputs", None) is not None}
        return has, done

    def _build_statusbar(self) -> None:
        sb = self.statusBar()
        self.coord_label = QLabel(objectName="coordLabel")
        self.scale_label = QLabel(objectName="scaleLabel")
        self.crs_label = QLabel(objectName="crsLabel")
        self.measure_label = QLabel(objectName="measureLabel")
        self.progress = QProgressBar(objectName="progressBar")
        self.progress.setRange(0, 100)
        self.progress.setMaximumWidth(180)
        self.progress.hide()
        self.cancel_button = QPushButton(objectName="cancelButton")
        self.cancel_button.hide()
        self.cancel_button.clicked.connect(self.cancel_workers)
        sb.addPermanentWidget(self.measure_label, 1)
        for w in (self.progress, self.cancel_button, self.coord_label, self.scale_label, self.crs_label):
            sb.addPermanentWidget(w)

    def _connect(self) -> None:
        m = self.model
        m.project_replaced.connect(self._on_project_replaced)
        m.layers_changed.connect(self._sync_canvas)
        m.layer_changed.connect(lambda _k: self._sync_canvas())
        m.dirty_changed.connect(lambda _d: self._update_title())
        m.path_changed.connect(self._update_title)
        m.name_changed.connect(lambda _n: self._update_title())
        m.undo_changed.connect(self.update_actions)
        m.selection_changed.connect(lambda _k: self.canvas.set_selection_geometries(m.selected_geometries()))
        m.highlight_changed.connect(lambda: self.canvas.set_highlight_geometries(m.highlight, m.highlight_purpose))
        c = self.canvas
        c.cursor_moved.connect(lambda x, y: self.coord_label.setText(f"X {x:,.1f}  Y {y:,.1f}"))
        c.view_changed.connect(lambda v: self.scale_label.setText(f"1:{v.scale_denominator(self.logicalDpiX()):,.0f}"))
        c.identify_requested.connect(self.identify_at)
        c.measured.connect(self._on_measured)
        c.escape_pressed.connect(self._clear_marks)
        c.render_failed.connect(lambda exc: show_error(self, exc, "render"))
        self.layer_panel.current_layer_changed.connect(lambda _k: self.update_actions())
        self.layer_panel.activated_layer.connect(lambda k: self.show_style_editor(k))

    # ------------------------------------------------------------------ texts
    def retranslate(self) -> None:
        acts.retranslate_actions(self.actions)
        for menu_id, menu in self.menus.items():
            menu.setTitle(acts.menu_title(menu_id))
        self.layers_dock.setWindowTitle(self.tr("Layers"))
        self.indicators_dock.setWindowTitle(self.tr("Indicators"))
        self.identify_dock.setWindowTitle(self.tr("Identify"))
        self.scenario_dock.setWindowTitle(self.tr("Scenarios"))
        self.candidates_dock.setWindowTitle(self.tr("Greening candidates"))
        self.statistics_dock.setWindowTitle(self.tr("Statistics"))
        self.toolbar.setWindowTitle(self.tr("Toolbar"))
        self.cancel_button.setText(self.tr("Cancel"))
        self.actions["lang." + current_language()].setChecked(True)
        crs = self.model.crs
        self.crs_label.setText(crs_text(crs, current_language()))
        for key, dock in self.tables.items():
            dock.setWindowTitle(self.tr("Attributes: {0}").format(self.model.entry(key).spec.name))
        self._update_title()
        self.update_actions()  # the Undo / Redo titles name the command in the new language

    def changeEvent(self, event) -> None:  # noqa: N802
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def _update_title(self) -> None:
        p = self.model.project
        # the project's name (set in its properties or by hand in the file), then the file
        name = f"{p.name}（{p.path.name}）" if p.path else p.name
        self.setWindowTitle(f"{name}{' *' if self.model.dirty else ''} — GreenPlan " + self.tr("Green Planning"))
        self.setWindowModified(self.model.dirty)

    def set_language(self, lang: str) -> None:
        """Switch the interface language now and remember it."""
        install_language(lang)
        # deliver the LanguageChange events now, so every widget shows the new language at once
        QCoreApplication.sendPostedEvents(None, QEvent.Type.LanguageChange)
        self.settings.language = current_language()
        self.settings.save()
        self.retranslate()

    # ------------------------------------------------------------------ model -> canvas
    def _on_project_replaced(self) -> None:
        for dock in list(self.tables.values()):
            dock.close()
        self.tables.clear()
        self.identify_panel.clear()
        self.indicators.clear()
        self.candidates.clear()
        self._sync_canvas()
        self.zoom_full()
        self.retranslate()

    def _sync_canvas(self) -> None:
        layers = [RenderLayer(e.key, e.display.style, e.display.prepared, e.display.raster, e.spec.visible,
                              e.display.labels)
                  for e in self.model.entries if e.display is not None]
        self.canvas.set_layers(layers)
        if self.canvas.view is None:
            self.zoom_full()
        self.update_actions()

    def update_actions(self) -> None:
        acts.update_enabled(self.actions, self)
        if hasattr(self, "workflow"):
            self.workflow.refresh()

    # ------------------------------------------------------------------ view commands
    def zoom_full(self) -> None:
        self.canvas.zoom_to_bounds(self.model.full_bounds())

    def view_extent(self) -> tuple[float, float, float, float] | None:
        """The map's current extent (working CRS), None before it shows anything."""
        view = self.canvas.view
        return tuple(view.extent()) if view is not None else None

    def zoom_to_layer(self, key: int | None = None) -> None:
        key = key or self.layer_panel.current_key()
        if key:
            self.canvas.zoom_to_bounds(self.model.layer_bounds(key))

    def set_tool(self, tool: str) -> None:
        self.canvas.set_tool(tool)
        self.actions[f"tool.{tool}"].setChecked(True)
        self.measure_label.clear()

    def identify_at(self, x: float, y: float, tolerance: float) -> None:
        """List every visible layer's features at map point (x, y) and the visible rasters'
        values there; the topmost feature is selected (highlighted)."""
        visible = [e for e in reversed(self.model.entries) if e.spec.visible and e.display is not None]
        layers = [(e.key, e.display.prepared, e.gdf, e.display.style.filled) for e in visible
                  if e.display.prepared is not None]
        rasters = [(e.key, e.display.raster.source) for e in visible if e.display.raster is not None]
        found = identify_all(layers, x, y, tolerance, rasters=rasters, crs=self.model.crs)
        stack = {e.key: i for i, e in enumerate(visible)}
        found.sort(key=lambda lh: stack[lh.key])  # vectors and rasters in the drawing order, top first
        if not found:
            self.model.clear_selection()
            self.identify_panel.clear()
            return
        results = [(self.model.entry(lh.key).spec.name, ROLES.get(self.model.entry(lh.key).spec.role or ""), lh)
                   for lh in found]
        self.identify_panel.show_results(results)
        self.identify_dock.show()
        self.identify_dock.raise_()
        first = next((lh.hits[0] for lh in found if lh.hits), None)
        if first is not None:
            self.model.set_selection(first.key, [first.row])
        else:
            self.model.clear_selection()

    def _raster_values_at(self, x: float, y: float) -> list:
        """``[(layer name, RasterSample)]`` of the visible rasters at map point (x, y), top first
        (one pixel read from each file)."""
        from greenplan.io.raster import sample_at

        out = []
        for e in reversed(self.model.entries):
            drawer = e.display.raster if e.display is not None else None
            if not e.spec.visible or drawer is None:
                continue
            try:
                sample = sample_at(drawer.source, x, y, self.model.crs)
            except Exception as exc:  # noqa: BLE001 - an unreadable pixel must not break identify
                log.warning("identify: %s: %s", e.spec.name, exc)
                continue
            if sample is not None:
                out.append((e.spec.name, sample))
        return out

    def _clear_marks(self) -> None:
        """Esc on the map: clear the highlighted analysis features and the selection."""
        self.model.set_highlight(None)
        self.model.clear_selection()

    def _on_measured(self, kind: str, value: float, done: bool) -> None:
        text = format_area(value, current_language()) if kind == "area" else format_length(value)
        label = self.tr("Area") if kind == "area" else self.tr("Distance")
        self.measure_label.setText(f"{label}: {text}")

    # ------------------------------------------------------------------ layer commands
    def show_style_editor(self, key: int | None = None):
        from greenplan.gui.dialogs.style_dialog import StyleDialog

        key = key or self.layer_panel.current_key()
        if not key:
            return None
        dialog = StyleDialog(self.model, key, self, indicators=getattr(self.indicators, "doc", None))
        dialog.open()
        return dialog

    def open_attribute_table(self, key: int | None = None):
        from greenplan.gui.panels.attribute_table import AttributeTable

        key = key or self.layer_panel.current_key()
        if not key or self.model.entry(key).gdf is None:
            return None
        if key in self.tables:
            self.tables[key].show()
            self.tables[key].raise_()
            return self.tables[key].widget()
        table = AttributeTable(self.model, key)
        table.zoom_requested.connect(self.canvas.zoom_to_bounds)
        dock = QDockWidget(self)
        dock.setObjectName(f"tableDock{key}")
        dock.setWidget(table)
        dock.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dock.destroyed.connect(lambda *_a, k=key: self.tables.pop(k, None))
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, dock)
        self.tables[key] = dock
        self.retranslate()
        return table

    def close_table(self, key: int) -> None:
        """Close the attribute table of layer ``key`` if one is open."""
        dock = self.tables.pop(key, None)
        if dock is not None:
            dock.close()

    def _tables_reloaded(self, keys: list[int]) -> None:
        for key, dock in self.tables.items():  # open attribute tables zoom with the new geometries
            if key in keys and hasattr(dock.widget(), "gdf"):
                dock.widget().gdf = self.model.entry(key).gdf

    def _drop_candidates(self) -> None:
        if self.candidates.result is not None:
            self.candidates.clear()

    # ------------------------------------------------------------------ workers
    def start_worker(self, fn, name: str, on_success, on_failure=None, on_cancel=None) -> Worker:
        """Run ``fn(feedback)`` in a worker with the status-bar progress and cancel button."""
        w = Worker(fn, name, self)
        self.workers.append(w)
        w.progress.connect(lambda v: self.progress.setValue(int(v)))
        w.message.connect(lambda t: self.statusBar().showMessage(t, 5000))
        w.succeeded.connect(on_success)
        w.failed.connect(on_failure or (lambda exc: show_error(self, exc, name)))
        if on_cancel is not None:
            w.canceled.connect(on_cancel)
        w.canceled.connect(lambda: self.statusBar().showMessage(self.tr("Cancelled."), 5000))
        w.finished.connect(lambda: self._worker_done(w))
        self.progress.setValue(0)
        self.progress.show()
        self.cancel_button.show()
        w.start()
        self.update_actions()
        return w

    def _worker_done(self, w: Worker) -> None:
        if w in self.workers:
            self.workers.remove(w)
        if not self.workers:
            self.progress.hide()
            self.cancel_button.hide()
        self.update_actions()

    def busy(self) -> bool:
        """True while a worker runs, or a deferred check of the working CRS is about to start one."""
        pending = bool(getattr(getattr(self, "ops", None), "_crs_check_pending", False))
        return pending or any(w.isRunning() for w in self.workers)

    def cancel_workers(self) -> None:
        for w in list(self.workers):
            w.cancel()

    def wait_workers(self, timeout_ms: int = 60_000) -> None:
        for w in list(self.workers):
            w.cancel()
            w.wait(timeout_ms)
        for name in ("export_dialog", "batch_dialog"):  # their previews and maps run in their own workers
            dialog = getattr(self, name, None)
            if dialog is not None and isValid(dialog):
                dialog.stop_workers(timeout_ms)

    # ------------------------------------------------------------------ analysis
    def run_check(self) -> None:
        self.ops.run_check()

    def open_layer_properties_named(self, name: str):
        """The layer properties of the layer called ``name`` (its display name, else its role),
        e.g. from an error that names a missing field; None when no layer has that name."""
        entries = [e for e in self.model.entries if e.spec.name == name] or \
                  [e for e in self.model.entries if e.spec.role == name]
        if not entries:
            return None
        return self.layer_panel.open_layer_properties(entries[0].key)

    def show_check_report(self, report):
        """Show a ``check_project`` report (the data check dialog)."""
        from greenplan.gui.dialogs.check_dialog import CheckDialog

        self._checked_project = self.model.project  # the workflow's step ① is done for this project
        self.check_dialog = CheckDialog(report, self, model=self.model)
        self.check_dialog.open()
        return self.check_dialog

    def run_indicators(self) -> None:
        self.indicators.run()

    def show_candidates(self):
        """Show the candidates dock and find the candidates if none are shown yet."""
        if not self.candidates_dock.isVisible():  # tall enough for a dozen rows, the map keeps the rest
            self.candidates_dock.show()
            self.resizeDocks([self.candidates_dock], [max(300, int(self.height() * 0.4))], Qt.Orientation.Vertical)
        self.candidates_dock.raise_()
        if self.candidates.result is None and not self.busy():
            return self.candidates.run()
        return None

    def show_scenarios(self) -> None:
        self.scenario_dock.show()
        self.scenario_dock.raise_()

    # ------------------------------------------------------------------ export
    def show_export_dialog(self):
        from greenplan.app.export_view import extra_layers
        from greenplan.gui.dialogs.export_dialog import ExportDialog

        extra = extra_layers(self.candidates.result, self.scenario_panel.outputs)
        self.export_dialog = ExportDialog(self.model, self.settings, self.view_extent, extra, self)
        self.export_dialog.open()
        return self.export_dialog

    def show_batch_dialog(self):
        from greenplan.gui.dialogs.batch_dialog import BatchDialog

        self.batch_dialog = BatchDialog(self.model, self.settings, self)
        # not modal: the map stays usable while the maps are drawn (results list as they finish)
        self.batch_dialog.setWindowModality(Qt.WindowModality.NonModal)
        self.batch_dialog.show()
        return self.batch_dialog

    def show_report_dialog(self):
        from greenplan.gui.dialogs.report_dialog import ReportDialog

        self.report_dialog = ReportDialog(self.model, self.start_worker, self)
        self.report_dialog.open()
        return self.report_dialog

    def new_project(self) -> None:
        """File → New project: a new project (after asking to save), then its properties dialog."""
        before = self.model.project
        self.ops.new_project()
        if self.model.project is not before:
            self.show_project_properties()

    def show_project_properties(self):
        from greenplan.gui.dialogs.project_dialog import ProjectDialog

        self.project_dialog = ProjectDialog(self.model.state, self)
        self.project_dialog.open()
        return self.project_dialog

    def show_preferences(self):
        from greenplan.gui.dialogs.preferences import PreferencesDialog

        dialog = PreferencesDialog(self.settings, self.recovery.set_interval, self.set_language, self)
        dialog.open()
        return dialog

    # ------------------------------------------------------------------ help
    def show_about(self):
        from greenplan.gui.dialogs.about import AboutDialog

        dialog = AboutDialog(self)
        dialog.open()
        return dialog

    def open_log_folder(self):
        """Open the log folder (where no launcher exists, a message shows its path; returned)."""
        from greenplan.gui.errors import open_folder

        return open_folder(self, log_dir())

    # ------------------------------------------------------------------ drag and drop, close
    def dragEnterEvent(self, event) -> None:  # noqa: N802
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:  # noqa: N802
        paths = [u.toLocalFile() for u in event.mimeData().urls() if u.isLocalFile()]
        if paths:
            self.ops.open_dropped(paths)
            event.acceptProposedAction()

    def closeEvent(self, event) -> None:  # noqa: N802
        if not self.ops.maybe_save():
            event.ignore()
            return
        self.wait_workers()
        self.canvas.shutdown()
        self.recovery.release()
        self.settings.geometry = bytes(self.saveGeometry().data())
        self.settings.window_state = bytes(self.saveState().data())
        self.settings.save()
        event.accept()
