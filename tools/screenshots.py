"""Save screenshots of the main states of the desktop application to ``docs/screenshots/``.

Usage (offscreen, no display needed; or under Xvfb with ``QT_QPA_PLATFORM=xcb``)::

    QT_QPA_PLATFORM=offscreen python tools/screenshots.py [OUT_DIR]

Opens the demo county (``sample_layers/demo_county.greenplan.toml``) in Chinese and takes:
the main window, identify, attribute table, style editor, add-layer encoding preview,
data check, indicators, greening candidates, a scenario before and after, the map export
and batch export dialogs, measuring, and the main window in English. The user guide
``docs/user-guide-zh.md`` shows them. Scenario results and batch maps go to a temporary
folder.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _wait(app, cond, timeout_s: float = 120.0) -> None:
    end = time.monotonic() + timeout_s
    while not cond():
        if time.monotonic() > end:
            raise TimeoutError("timed out waiting for the application")
        app.processEvents()
        time.sleep(0.01)


def demo_session(out: Path, size: tuple[int, int] = (1440, 900)):
    """Offscreen application in Chinese and a main window of ``size``: ``(app, window, settle)``.

    ``settle()`` waits until the window's workers are done and the map is drawn. The other
    screenshot scripts (``screenshots_styles.py``, ``sketch_screenshot.py``) start here too.
    """
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ.setdefault("GREENPLAN_HOME", tempfile.mkdtemp(prefix="greenplan-shots-"))
    from greenplan.gui.app import create_application
    from greenplan.gui.gui_settings import GuiSettings
    from greenplan.gui.i18n import install_language
    from greenplan.gui.main_window import MainWindow

    app = create_application()
    install_language("zh")
    out.mkdir(parents=True, exist_ok=True)
    w = MainWindow(GuiSettings())
    w.resize(*size)
    w.show()

    def settle() -> None:
        _wait(app, lambda: not w.busy())
        _wait(app, w.canvas.is_current)
        for _ in range(5):
            app.processEvents()

    return app, w, settle


def main(out: Path) -> int:
    app, w, settle = demo_session(out)
    from greenplan.core.resources import sample_dir

    def shot(widget, name: str) -> None:
        settle()
        widget.grab().save(str(out / name))
        print("saved", out / name)

    project = sample_dir() / "demo_county.greenplan.toml"
    w.ops.open_project(project, ask=False)
    settle()
    shot(w, "main-window.png")

    # zoom into the county seat and identify a land-use parcel
    m = w.model
    town = m.layer_bounds(next(e.key for e in m.entries if e.spec.role == "built_up_area"))
    w.canvas.zoom_to_bounds(town, margin=0.05)
    settle()
    w.set_tool("identify")
    cx, cy = (town[0] + town[2]) / 2, (town[1] + town[3]) / 2
    w.identify_at(cx, cy, 3 * w.canvas.view.res)
    shot(w, "identify.png")

    # attribute table of the land use, filtered
    key = next(e.key for e in m.entries if e.spec.role == "land_use")
    w.layer_panel.select_layer(key)
    table = w.open_attribute_table(key)
    table.set_filter("0810")
    table.view.selectRow(0)
    shot(w, "attribute-table.png")
    w.tables[key].close()

    # style editor of the red line
    red = next(e.key for e in m.entries if e.spec.role == "ecological_redline")
    dialog = w.show_style_editor(red)
    shot(dialog, "style-editor.png")
    dialog.reject()

    # add layer: the GBK shapefile with the encoding preview
    from greenplan.gui.dialogs.add_layer_dialog import AddLayerDialog

    add = AddLayerDialog(str(sample_dir()), w)
    add.resize(900, 560)
    add.set_path(sample_dir() / "gbk_shapefile" / "闲置土地.shp")
    add.show()
    shot(add, "add-layer-encoding.png")
    add.reject()

    # data check
    worker = w.ops.run_check()
    _wait(app, lambda: not worker.isRunning())
    settle()
    w.check_dialog.resize(1000, 620)
    shot(w.check_dialog, "data-check.png")
    w.check_dialog.close()

    # indicators: computed, a conflict highlighted
    w.zoom_full()
    w.indicators.run()
    settle()
    w.indicators_dock.raise_()
    w.indicators.tabs.setCurrentIndex(0)
    shot(w, "indicators.png")
    w.indicators.tabs.setCurrentIndex(1)
    shot(w.indicators_dock, "indicators-by-township.png")
    w.indicators.tabs.setCurrentIndex(2)
    if w.indicators.conflict_model is not None and w.indicators.conflict_model.rowCount():
        idx = w.indicators.conflict_model.index(0, 0)
        w.indicators.conflicts.setCurrentIndex(idx)
        w.indicators._conflict_clicked(idx)
    shot(w, "conflict-highlight.png")

    # greening candidates: the best-scored rooftops of the county seat, selected and highlighted
    from PySide6.QtCore import Qt

    m.set_highlight(None)
    w.canvas.zoom_to_bounds(town, margin=0.05)
    w.show_candidates()
    _wait(app, lambda: w.candidates.worker is None)
    w.resizeDocks([w.candidates_dock], [300], Qt.Orientation.Vertical)
    roofs = w.candidates.pages["rooftop"]
    roofs.view.sortByColumn(roofs.model.columns.index("评分"), Qt.SortOrder.DescendingOrder)
    import numpy as np
    import shapely

    f = roofs.frame
    cx, cy = (town[0] + town[2]) / 2, (town[1] + town[3]) / 2
    near = (cx - 500, cy - 350, cx + 500, cy + 350)  # a neighbourhood of the county seat
    w.canvas.zoom_to_bounds(near, margin=0.0)
    seat = f["candidate"].to_numpy(dtype=bool) & shapely.intersects(np.asarray(f.geometry.array), shapely.box(*near))
    roofs.select_ids(f[seat].nlargest(12, "score")["candidate_id"].tolist())
    w.scenario_panel.create("近期方案")
    w.candidates.add_selected_to_scenario()
    w.show_scenarios()
    shot(w, "candidates.png")

    # a scenario: those rooftops and every pocket park candidate, before and after
    w.scenarios.add_rule("pocket_park", "all")
    w.scenarios.set_description("城区中心评分最高的 12 处屋顶绿化 + 全部口袋公园候选")
    w.candidates_dock.hide()
    w.show_scenarios()
    w.scenario_panel.out_edit.setText(tempfile.mkdtemp(prefix="greenplan-scenario-"))
    w.scenario_panel.run()
    _wait(app, lambda: w.scenario_panel.worker is None)
    w.scenario_panel.show_on_map()
    w.canvas.zoom_to_bounds(town, margin=0.05)
    shot(w, "scenario.png")

    # map export with its preview: the scenario theme draws the scenario's greening
    m.set_highlight(None)
    export = w.show_export_dialog()
    export.theme.setCurrentIndex(export.theme.findData("scenario"))
    _wait(app, lambda: export.data is not None)
    export.area.setCurrentIndex(export.area.findData("510123001"))
    _wait(app, lambda: export.preview_image is not None and not export.busy() and not export._timer.isActive())
    settle()
    shot(export, "export-dialog.png")
    export.reject()

    # batch export of every township, PDF at a low resolution
    batch = w.show_batch_dialog()
    _wait(app, lambda: batch.units.count() > 0)
    batch.out.setText(tempfile.mkdtemp(prefix="greenplan-batch-"))
    batch.formats["png"].setChecked(False)
    batch.dpi.setValue(60)
    batch.jobs.setValue(min(2, batch.jobs.maximum()))
    batch.start()
    _wait(app, lambda: batch.worker is None, 600)
    shot(batch, "batch-export.png")
    batch.reject()

    # measuring an area
    m.set_highlight(None)
    w.indicators_dock.raise_()
    w.canvas.zoom_to_bounds(town, margin=0.05)
    settle()
    w.set_tool("measure_area")
    x0, y0, x1, y1 = town
    dx, dy = (x1 - x0) / 5, (y1 - y0) / 5
    for px, py in ((x0 + dx, y0 + dy), (x1 - dx, y0 + dy), (x1 - dx, y1 - dy), (x0 + 2 * dx, y1 - dy)):
        w.canvas.add_measure_point(px, py)
    w.canvas.finish_measure()
    shot(w, "measure-area.png")

    # English
    w.set_tool("pan")
    w.set_language("en")
    w.zoom_full()
    shot(w, "main-window-en.png")
    w.set_language("zh")
    m.set_dirty(False)
    w.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "screenshots"))
