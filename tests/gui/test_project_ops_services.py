"""The file and layer commands run on a bare project model and named services, no main window.

``ProjectOps`` is built as the main window builds it, but around a plain ``ProjectModel``
and recording services (napari's rule: a binder is tested around a bare model). A worker
runs at once in the test's thread. Any reach into a window (``self.w.canvas``, the layer
panel) would fail here, since there is none.
"""

from __future__ import annotations

from greenplan.core.project import read_project

from .conftest import ROLES


def test_project_ops_works_through_its_services_only(town, tmp_path) -> None:
    from greenplan.core.feedback import Feedback
    from greenplan.gui.gui_settings import GuiSettings
    from greenplan.gui.project_model import ProjectModel
    from greenplan.gui.project_ops import OpsServices, ProjectOps

    calls: list[tuple[str, tuple]] = []

    def rec(name):
        return lambda *args, **_kw: calls.append((name, args))

    def run_now(fn, name, on_success, on_failure=None, on_cancel=None):
        calls.append(("start_worker", (name,)))
        on_success(fn(Feedback()))

    settings = GuiSettings()
    services = OpsServices(
        parent=None, settings=settings, start_worker=run_now, show_message=rec("show_message"),
        ask_save_changes=lambda: "discard", view_extent=lambda: None, zoom_to_bounds=rec("zoom_to_bounds"),
        zoom_full=rec("zoom_full"), reset_canvas=rec("reset_canvas"), clear_measure=rec("clear_measure"),
        refresh=rec("refresh"), discard_recovery=rec("discard_recovery"), close_table=rec("close_table"),
        tables_reloaded=rec("tables_reloaded"), drop_candidates=rec("drop_candidates"),
        show_check_report=rec("show_check_report"))
    model = ProjectModel()
    ops = ProjectOps(model, services)

    ops.open_project(town, ask=False)
    # the map is reset, the layers load in a worker, the map (showing nothing yet) zooms to them
    assert [c[0] for c in calls] == ["reset_canvas", "start_worker", "zoom_full", "refresh"]
    assert [e.spec.role for e in model.entries] == ROLES
    assert all(e.display is not None and e.error is None for e in model.entries)
    assert settings.recent_projects[0] == str(town) and settings.last_dir == str(town.parent)

    # Layer > Remove without a key removes the model's current layer and closes its table
    roads = next(e.key for e in model.entries if e.spec.role == "roads")
    model.set_current(roads)
    calls.clear()
    ops.remove_layer()
    assert calls == [("close_table", (roads,))]
    assert roads not in model.keys and model.dirty

    target = tmp_path / "另存 项目.greenplan.toml"
    calls.clear()
    assert ops.save_as(target)
    assert [c[0] for c in calls] == ["discard_recovery", "show_message"]
    assert str(target) in calls[1][1][0]
    assert not model.dirty
    assert [s.role for s in read_project(target)[0].layers] == [r for r in ROLES if r != "roads"]

    calls.clear()
    ops.run_check()
    (name, _), (shown, (report,)) = calls
    assert (name, shown) == ("start_worker", "show_check_report")
    assert report.project == "测试 县"
    assert [lr.role for lr in report.layers] == [r for r in ROLES if r != "roads"]  # the project as it is now
