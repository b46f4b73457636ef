"""Project operations behind the File and Layer menus: open, save, add, remove, check.

Each one calls the same core/io/jobs function the command line uses (``read_project``,
``save_project``, ``load_project_lenient``, ``check_project``); loading and checking run
in workers. Questions to the planner go through :class:`Prompter` (tests replace it).
:class:`ProjectOps` works on the project model and reaches the rest of the window only
through the named :class:`OpsServices` the main window gives it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QTimer
from PySide6.QtWidgets import QFileDialog, QInputDialog, QMessageBox

from greenplan.app.layer_order import add_in_place
from greenplan.app.role_guess import layer_specs_for, non_spatial_reason
from greenplan.core.errors import GreenplanError
from greenplan.core.project import SUFFIX, LayerSpec, Project, read_project, save_project
from greenplan.core.roles import ROLES
from greenplan.gui.canvas.display_data import same_crs
from greenplan.gui.errors import show_error
from greenplan.gui.i18n import current_language


def _is_raster(spec: LayerSpec) -> bool:
    from greenplan.io.raster import RASTER_SUFFIXES

    return spec.source.name.lower().endswith(RASTER_SUFFIXES)


def crs_basis(project: Project) -> tuple:
    """What the choice of the working CRS depends on (the layers' files, roles, declared CRSs, order)."""
    layers = tuple((str(s.source), s.layer, s.role, str(s.source_crs or "")) for s in project.layers)
    return (project.crs, project.settings.crs, layers)


class Prompter:
    """Questions that need an answer before going on (modal; tests substitute answers)."""

    def __init__(self, parent) -> None:
        self.parent = parent

    def save_changes(self) -> str:
        """``save``, ``discard`` or ``cancel`` for a project with unsaved changes."""
        box = QMessageBox(QMessageBox.Icon.Question, QCoreApplication.translate("ProjectOps", "Unsaved changes"),
                          QCoreApplication.translate("ProjectOps", "The project has unsaved changes. Save them?"), parent=self.parent)
        box.setStandardButtons(QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard
                               | QMessageBox.StandardButton.Cancel)
        answer = box.exec()
        return {QMessageBox.StandardButton.Save: "save",
                QMessageBox.StandardButton.Discard: "discard"}.get(QMessageBox.StandardButton(answer), "cancel")

    def file_changed(self) -> str:
        """``reload``, ``keep`` or ``save_as`` when the project file changed on disk while
        the project has unsaved changes."""
        box = QMessageBox(QMessageBox.Icon.Question, QCoreApplication.translate("ProjectOps", "Project file changed"),
                          QCoreApplication.translate("ProjectOps", "The project file was changed by another program, and this "
                                                     "project has unsaved changes. Reload the file (your changes are lost), "
                                                     "keep your changes, or save them under another name?"),
                          parent=self.parent)
        reload = box.addButton(QCoreApplication.translate("ProjectOps", "Reload"), QMessageBox.ButtonRole.DestructiveRole)
        keep = box.addButton(QCoreApplication.translate("ProjectOps", "Keep my changes"), QMessageBox.ButtonRole.RejectRole)
        save_as = box.addButton(QCoreApplication.translate("ProjectOps", "Save As…"), QMessageBox.ButtonRole.AcceptRole)
        box.setDefaultButton(keep)
        box.exec()
        clicked = box.clickedButton()
        return "reload" if clicked is reload else "save_as" if clicked is save_as else "keep"

    def recover(self, description: str) -> bool:
        """Offer a recovery copy left by a crash; True to restore it."""
        answer = QMessageBox.question(self.parent, QCoreApplication.translate("ProjectOps", "Recover unsaved work"),
                                      QCoreApplication.translate("ProjectOps", "GreenPlan was not closed properly. Restore the unsaved project?")
                                      + "\n\n" + description)
        return answer == QMessageBox.StandardButton.Yes


@dataclasses.dataclass
class OpsServices:
    """What :class:`ProjectOps` uses of the window, by name (built by the main window).

    Attributes
    ----------
    parent
        Parent widget of the file, input and error dialogs.
    settings
        The :class:`~greenplan.gui.gui_settings.GuiSettings` (last folder, recent projects).
    start_worker
        ``start_worker(fn, name, on_success, on_failure=None, on_cancel=None) -> Worker``.
    show_message
        ``show_message(text, timeout_ms)`` in the status bar.
    ask_save_changes
        ``save``, ``discard`` or ``cancel`` for unsaved changes (:meth:`Prompter.save_changes`).
    view_extent
        The map's current extent, None before it shows anything.
    zoom_to_bounds, zoom_full
        Move the map (``zoom_to_bounds(bounds, margin=...)``; the whole project).
    reset_canvas, clear_measure
        Forget the map's view (a new project); drop a measurement.
    refresh
        Texts, title and actions of the window again (after a load).
    discard_recovery
        Drop the recovery copy (after saving).
    close_table
        Close the attribute table of layer ``key`` if one is open.
    tables_reloaded
        The layers ``keys`` were loaded again (new geometries): open tables follow.
    drop_candidates
        Forget the greening candidates (found in another CRS).
    show_check_report
        Show the report of ``check_project``.
    """

    parent: Any
    settings: Any
    start_worker: Callable[..., Any]
    show_message: Callable[[str, int], None]
    ask_save_changes: Callable[[], str]
    view_extent: Callable[[], tuple | None]
    zoom_to_bounds: Callable[..., None]
    zoom_full: Callable[[], None]
    reset_canvas: Callable[[], None]
    clear_measure: Callable[[], None]
    refresh: Callable[[], None]
    discard_recovery: Callable[[], None]
    close_table: Callable[[int], None]
    tables_reloaded: Callable[[list[int]], None]
    drop_candidates: Callable[[], None]
    show_check_report: Callable[[Any], None]


class ProjectOps:
    """File and layer commands over the project model ``model`` (a
    :class:`~greenplan.gui.project_model.ProjectModel`), with the window's ``services``."""

    def __init__(self, model, services: OpsServices) -> None:
        self.model = model
        self.s = services
        self._crs_basis: tuple | None = None  # what the canvas's working CRS was last chosen from
        self._crs_check_pending = False
        model.layers_changed.connect(self._schedule_crs_check)
        model.layer_changed.connect(lambda _key: self._schedule_crs_check())
        model.project_replaced.connect(self._on_project_replaced)

    # ------------------------------------------------------------------ open / new
    def new_project(self) -> None:
        if self.maybe_save():
            self.s.reset_canvas()
            self.model.set_project(Project(name=QCoreApplication.translate("ProjectOps", "Untitled project")))

    def open_dialog(self) -> None:
        if not self.maybe_save():
            return
        path, _ = QFileDialog.getOpenFileName(self.s.parent, QCoreApplication.translate("ProjectOps", "Open project"), self.s.settings.last_dir,
                                              QCoreApplication.translate("ProjectOps", "GreenPlan projects") + f" (*{SUFFIX});;" + QCoreApplication.translate("ProjectOps", "All files") + " (*)")
        if path:
            self.open_project(path, ask=False)

    def open_project(self, path: str | Path, *, ask: bool = True, dirty: bool = False, recovered: bool = False,
                     original_path: Path | None = None):
        """Read a project file and start loading its layers; returns the load worker (or None).

        ``recovered``: the file is a recovery copy of the project at ``original_path``
        (None: a project never saved), opened with its changes unsaved.
        """
        if ask and not self.maybe_save():
            return None
        try:
            project, warnings = read_project(path)
        except GreenplanError as exc:
            show_error(self.s.parent, exc, "open project")
            return None
        if recovered:
            project.path = original_path
        self.s.reset_canvas()
        self.model.set_project(project, dirty=dirty)
        if not recovered:
            self._remember(project.path)
        if warnings:
            self.s.show_message("；".join(warnings), 10000)
        return self._load(list(self.model.keys), None)

    def _load(self, keys: list[int], specs: list[LayerSpec] | None):
        """Load layers ``keys`` (``specs``; None: the whole project) in a worker.

        Once the canvas has a CRS, the worker first chooses the working CRS again over
        all layers (:func:`~greenplan.gui.canvas.display_data.load_for_canvas`): if adding
        ``specs`` changed it, every layer is loaded again in the new one.
        """
        if not keys:
            return None
        return self._start_load(keys, specs)

    def check_crs(self):
        """Choose the working CRS again after the layers changed; reload everything if it moved.

        Called (deferred) after layers were removed, re-roled or reordered, or a layer's
        options changed: only when what the choice depends on changed (sources, roles,
        declared CRSs, order, the project's CRS) is a worker started. Returns it, or None.
        """
        if self.model.crs is None or not self.model.entries:
            return None  # nothing shown yet: the first load chooses
        if self._crs_basis == crs_basis(self.model.project):
            return None
        return self._start_load([], None)

    def _on_project_replaced(self) -> None:
        # a project handed over already loaded (recovery, tests) was loaded in the CRS chosen from it
        self._crs_basis = crs_basis(self.model.project) if self.model.crs is not None else None

    def _schedule_crs_check(self) -> None:
        if not self._crs_check_pending:
            self._crs_check_pending = True
            QTimer.singleShot(0, self._run_crs_check)

    def _run_crs_check(self) -> None:
        self._crs_check_pending = False
        self.check_crs()

    def _start_load(self, keys: list[int], specs: list[LayerSpec] | None):
        from greenplan.gui.canvas.display_data import load_for_canvas

        project = self.model.project
        snapshot = dataclasses.replace(project, layers=list(project.layers))  # the worker's own list
        basis = crs_basis(snapshot)
        self._crs_basis = basis
        canvas_crs = self.model.crs

        def done(result) -> None:
            if self.model.project is not project:
                return  # another project was opened meanwhile
            display = result.display
            if result.reloaded:
                self._show_reloaded(display, canvas_crs)
            elif display is not None:
                if self.model.crs is not None and not same_crs(display.crs, self.model.crs):
                    # the canvas moved to another CRS while these layers loaded: load them again in it
                    self._start_load([k for k in keys if k in self.model.keys], specs)
                    return
                self.model.attach_display(display, keys)
                if self.s.view_extent() is None:
                    self.s.zoom_full()
            self.s.refresh()
            if crs_basis(self.model.project) != basis:
                self.check_crs()  # the layers changed while loading

        def failed(exc) -> None:  # the basis stays: no new try before the layers change again
            for k in keys:
                try:
                    e = self.model.entry(k)
                except KeyError:
                    continue
                e.loading = False
            self.model.notify_layers_changed()
            show_error(self.s.parent, exc, "load")

        return self.s.start_worker(lambda fb: load_for_canvas(snapshot, fb, specs=specs, canvas_crs=canvas_crs),
                                   "load", done, failed,
                                   on_cancel=lambda: failed(GreenplanError("Loading was cancelled.", "已取消加载。")) if keys else None)

    def _show_reloaded(self, display, old_crs) -> None:
        """Show every layer loaded again in the new working CRS, on the same place."""
        from greenplan.io.crs import crs_label, transform_bounds

        extent = self.s.view_extent()
        bounds = transform_bounds(extent, old_crs, display.crs) if extent is not None and old_crs is not None else None
        loaded = {id(d.spec) for d in display.layers}
        keys = [e.key for e in self.model.entries if id(e.spec) in loaded]
        self.model.clear_selection()
        self.model.set_highlight(None)  # analysis features of the old CRS
        self.s.clear_measure()
        self.model.crs = None  # the model takes the CRS of this load (ProjectModel._attach)
        self.model.attach_display(display, keys)
        self.s.tables_reloaded(keys)  # open attribute tables zoom with the new geometries
        self.s.drop_candidates()  # found in the old CRS: their geometries would land elsewhere
        if bounds is not None:
            self.s.zoom_to_bounds(bounds, margin=0.0)
        else:
            self.s.zoom_full()
        new = f"{crs_label(display.crs)} ({display.crs.name})"
        old = crs_label(old_crs) if old_crs is not None else "—"
        self.s.show_message(QCoreApplication.translate(
            "ProjectOps", "Working CRS changed to {0} (was {1}): chosen again from the layers, the study area "
            "deciding, as the analyses do. Every layer was loaded again in it.").format(new, old), 30000)

    def reload_from_disk(self):
        """Open the project's file again after another program changed it, keeping the view.

        A file that cannot be read now (half-written, a typo) is not reloaded: the status bar
        says why, and the next change is looked at again. Returns the load worker (or None).
        """
        path = self.model.project.path
        if path is None:
            return None
        try:
            read_project(path)
        except GreenplanError as exc:
            self.s.show_message(QCoreApplication.translate(
                "ProjectOps", "The project file was changed on disk but cannot be read, so it was not reloaded: {0}").format(
                exc.message(current_language())), 20000)
            return None
        extent, old_crs = self.s.view_extent(), self.model.crs
        worker = self.open_project(path, ask=False)
        message = QCoreApplication.translate("ProjectOps", "The project file was changed on disk and has been reloaded.")
        self.s.show_message(message, 10000)

        def keep_view(*_a) -> None:
            if extent is not None and old_crs is not None and self.model.crs is not None and same_crs(old_crs, self.model.crs):
                self.s.zoom_to_bounds(extent, margin=0.0)
            self.s.show_message(message, 10000)

        if worker is not None:
            worker.succeeded.connect(keep_view)
        return worker

    def open_dropped(self, paths: list[str]) -> None:
        projects = [p for p in paths if p.lower().endswith(SUFFIX)]
        if projects:
            self.open_project(projects[0])
        else:
            self.add_paths([Path(p) for p in paths])

    def _remember(self, path: Path | None) -> None:
        if path is None:
            return
        self.s.settings.add_recent(path)
        self.s.settings.last_dir = str(Path(path).parent)
        self.s.settings.save()

    def fill_recent_menu(self, menu) -> None:
        """Fill ``menu`` (File > Recent Projects) with the recent projects."""
        menu.clear()
        recent = self.s.settings.recent_projects
        for p in recent:
            act = menu.addAction(p)
            act.triggered.connect(lambda _c=False, path=p: self.open_project(path))
        if not recent:
            menu.addAction(QCoreApplication.translate("ProjectOps", "(none)")).setEnabled(False)

    # ------------------------------------------------------------------ save
    def save(self) -> bool:
        if self.model.project.path is None:
            return self.save_as()
        return self._save_to(self.model.project.path)

    def save_as(self, path: str | Path | None = None) -> bool:
        if path is None:
            start = str(self.model.project.path or Path(self.s.settings.last_dir or Path.home()) / f"{self.model.project.name}{SUFFIX}")
            path, _ = QFileDialog.getSaveFileName(self.s.parent, QCoreApplication.translate("ProjectOps", "Save project as"), start,
                                                  QCoreApplication.translate("ProjectOps", "GreenPlan projects") + f" (*{SUFFIX})")
            if not path:
                return False
        path = Path(path)
        if not path.name.endswith(SUFFIX):
            path = path.with_name(path.name.removesuffix(".toml") + SUFFIX)
        return self._save_to(path)

    def _save_to(self, path: Path) -> bool:
        try:
            target = save_project(self.model.project, path)
        except GreenplanError as exc:
            show_error(self.s.parent, exc, "save")
            return False
        self.model.mark_saved(target)
        self._remember(target)
        self.s.discard_recovery()
        self.s.show_message(QCoreApplication.translate("ProjectOps", "Saved {0}").format(target), 5000)
        return True

    def maybe_save(self) -> bool:
        """True when it is fine to close the project (saved, discarded or unchanged)."""
        if not self.model.dirty:
            return True
        answer = self.s.ask_save_changes()
        if answer == "save":
            return self.save()
        return answer == "discard"

    # ------------------------------------------------------------------ layers
    def add_layer_dialog(self):
        from greenplan.gui.dialogs.add_layer_dialog import AddLayerDialog

        dialog = AddLayerDialog(self.s.settings.last_dir, self.s.parent)
        dialog.accepted.connect(lambda: self.add_specs(dialog.specs()))
        dialog.open()
        return dialog

    def add_paths(self, paths: list[Path]):
        refused = [r for r in (non_spatial_reason(Path(p)) for p in paths) if r is not None]
        if refused:  # a dropped table or text file: say so instead of a red layer with GDAL's English
            self.s.show_message("  ".join(r[1] if current_language() == "zh" else r[0] for r in refused), 15000)
        specs = [s for p in paths if non_spatial_reason(Path(p)) is None for s in layer_specs_for(Path(p))]
        return self.add_specs(specs)

    def add_specs(self, specs: list[LayerSpec]):
        if not specs:
            return None
        keys = add_in_place(self.model.state, specs, _is_raster)  # each at its role's place, one undo step
        return self._load(keys, specs)

    def reload_layer(self, key: int):
        """Read layer ``key`` again (its properties changed): its data and error state follow."""
        try:
            spec = self.model.entry(key).spec
        except KeyError:
            return None  # removed meanwhile
        return self._load([key], [spec])

    def remove_layer(self, key: int | None = None) -> None:
        key = key or self.model.current_key
        if key:
            self.s.close_table(key)
            self.model.remove(key)

    def rename_layer(self, key: int | None = None):
        key = key or self.model.current_key
        if not key:
            return None
        dialog = QInputDialog(self.s.parent)
        dialog.setWindowTitle(QCoreApplication.translate("ProjectOps", "Rename layer"))
        dialog.setLabelText(QCoreApplication.translate("ProjectOps", "Layer name:"))
        dialog.setTextValue(self.model.entry(key).spec.name)
        dialog.textValueSelected.connect(lambda text: self.model.rename(key, text))
        dialog.open()
        return dialog

    def choose_role(self, key: int | None = None):
        key = key or self.model.current_key
        if not key:
            return None
        zh = current_language() == "zh"
        roles = [None] + list(ROLES)
        labels = [QCoreApplication.translate("ProjectOps", "(reference layer, no role)")] + [(r.zh if zh else r.en) for r in ROLES.values()]
        dialog = QInputDialog(self.s.parent)
        dialog.setWindowTitle(QCoreApplication.translate("ProjectOps", "Layer role"))
        dialog.setLabelText(QCoreApplication.translate("ProjectOps", "What is this layer?"))
        dialog.setComboBoxItems(labels)
        dialog.setTextValue(labels[roles.index(self.model.entry(key).spec.role)])
        dialog.textValueSelected.connect(lambda text: self.model.set_role(key, roles[labels.index(text)]))
        dialog.open()
        return dialog

    # ------------------------------------------------------------------ check
    def run_check(self):
        """Check the project (``greenplan check``) in a worker; the report is shown when done."""
        from greenplan.jobs.check import check_project

        project = self.model.project
        return self.s.start_worker(lambda fb: check_project(project, feedback=fb), "check", self.s.show_check_report)
