"""Select and summarise in the main window: the dialogs, the map tools, the statistics dock,
export of the selection and identify across layers (the town of ``conftest.py``: land use
0701 at x 0..1000 m and 0301 at x 2000..3000 m, the red line 青龙山 on the latter, one
township around everything, a park 300 × 1000 m inside the first parcel)."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pyogrio
import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication


def key_of(w, role: str) -> int:
    return next(e.key for e in w.model.entries if e.spec.role == role)


def px(w, build, dx: float, dy: float) -> QPoint:
    x, y = w.canvas.view.to_pixel(build.X0 + dx, build.Y0 + dy)
    return QPoint(int(x), int(y))


def test_select_by_expression_dialog(qtbot, opened):
    w = opened
    land = key_of(w, "land_use")
    w.model.set_current(land)
    dialog = w.select.by_expression()
    qtbot.addWidget(dialog)
    assert dialog.current_key() == land
    dialog.set_expression("DLBM LIKE '07")
    assert not dialog.select_button.isEnabled()
    assert "第 11 个字符" in dialog.message.text() and "引号" in dialog.message.text()
    dialog.set_expression("DLBM LIKE '03%' AND DLMC = '乔木林地'")
    assert dialog.select_button.isEnabled()
    qtbot.mouseClick(dialog.select_button, Qt.MouseButton.LeftButton)
    assert w.model.selection[land].tolist() == [1]
    assert w.canvas._selection_path is not None
    dialog.mode_combo.setCurrentIndex(dialog.mode_combo.findData("add"))
    dialog.set_expression("DLBM = '0701'")
    assert dialog.apply() == 2
    dialog.set_expression("nosuchfield = 1")
    assert dialog.apply() is None and "nosuchfield" in dialog.message.text()
    assert w.model.selection[land].tolist() == [0, 1]  # an error leaves the selection
    dialog.fields.setCurrentRow(0)  # DLBM: its values are listed, double-click inserts them quoted
    assert [dialog.values.item(i).text() for i in range(dialog.values.count())] == ["0301", "0701"]
    assert dialog.values.item(0).data(256) == "'0301'"


def test_select_by_location_dialog(qtbot, opened):
    w = opened
    land, red = key_of(w, "land_use"), key_of(w, "ecological_redline")
    w.model.set_current(land)
    dialog = w.select.by_location()
    qtbot.addWidget(dialog)
    dialog.target_combo.setCurrentIndex(dialog.target_combo.findData(land))
    dialog.reference_combo.setCurrentIndex(dialog.reference_combo.findData(red))
    dialog.predicate_combo.setCurrentIndex(dialog.predicate_combo.findData("within"))
    assert dialog.apply() == 1
    assert w.model.selection == {land: pytest.approx([1])}
    dialog.predicate_combo.setCurrentIndex(dialog.predicate_combo.findData("disjoint"))
    assert dialog.apply() == 1 and w.model.selection[land].tolist() == [0]
    # the reference may be the selected features only: select the red line, then land use within it
    w.model.set_selection(red, [0])
    dialog2 = w.select.by_location()
    qtbot.addWidget(dialog2)
    assert dialog2.reference_combo.currentData() == red and dialog2.only_selected.isChecked()
    dialog2.target_combo.setCurrentIndex(dialog2.target_combo.findData(land))
    dialog2.predicate_combo.setCurrentIndex(dialog2.predicate_combo.findData("intersects"))
    assert dialog2.apply() == 1 and w.model.selection == {land: pytest.approx([1])}


def test_rectangle_and_polygon_tools_on_the_map(qtbot, opened, build):
    w = opened
    land = key_of(w, "land_use")
    w.model.set_current(land)
    w.actions["tool.select_rect"].trigger()
    assert w.canvas.tool == "select_rect"
    qtbot.mousePress(w.canvas, Qt.MouseButton.LeftButton, pos=px(w, build, 2100, 100))
    qtbot.mouseMove(w.canvas, px(w, build, 2600, 600))
    qtbot.mouseRelease(w.canvas, Qt.MouseButton.LeftButton, pos=px(w, build, 2600, 600))
    assert w.model.selection[land].tolist() == [1]
    # Shift adds (a click is a small square)
    qtbot.mouseClick(w.canvas, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.ShiftModifier, px(w, build, 500, 500))
    assert w.model.selection[land].tolist() == [0, 1]
    w.actions["tool.select_polygon"].trigger()
    for dx, dy in ((500, 200), (2500, 200), (1500, 800)):  # a triangle over both parcels
        qtbot.mouseClick(w.canvas, Qt.MouseButton.LeftButton, pos=px(w, build, dx, dy))
    qtbot.mouseClick(w.canvas, Qt.MouseButton.RightButton, Qt.KeyboardModifier.ControlModifier,
                     px(w, build, 1500, 800))  # Ctrl: remove from the selection
    assert land not in w.model.selection
    assert w.canvas.measure_points == []


def test_statistics_dock_against_geopandas_and_copy(qtbot, opened):
    w = opened
    land = key_of(w, "land_use")
    w.model.set_selection(land, [0, 1])
    panel = w.show_statistics()
    gdf = w.model.entry(land).gdf
    expected = gdf.assign(a=gdf.area).groupby("DLBM")["a"].agg(["size", "sum"])  # independent: plain geopandas

    panel.set_choice(land, "selection", "DLBM")
    qtbot.waitUntil(lambda: panel.worker is None and panel.table_result is not None, timeout=20_000)
    rows = [[panel.table.item(r, c).text() for c in range(5)] for r in range(panel.table.rowCount())]
    assert [r[0] for r in rows] == ["0301", "0701", "合计"]
    for r in rows[:2]:
        assert int(r[1]) == expected.loc[r[0], "size"]
        assert float(r[2].replace(",", "")) == pytest.approx(expected.loc[r[0], "sum"], abs=0.05)
        assert float(r[3]) == pytest.approx(expected.loc[r[0], "sum"] / 10_000, abs=5e-5)
        assert float(r[4].replace(",", "")) == pytest.approx(expected.loc[r[0], "sum"] * 15 / 10_000, abs=0.005)
    assert panel.table.horizontalHeaderItem(4).text() == "面积（亩）"

    from greenplan.gui.panels.statistics_panel import BY_TOWNSHIP

    panel.set_choice(land, "layer", BY_TOWNSHIP)
    qtbot.waitUntil(lambda: panel.worker is None and panel.table_result[1].by_township, timeout=20_000)
    text = panel.copy_table()
    assert QApplication.clipboard().text() == text
    lines = [line.split("\t") for line in text.splitlines()]
    assert lines[0][0] == "乡镇"
    assert lines[1] == ["城关街道", "2", "2000000.0", "200.0000", "3000.00"]  # 2 × 1 km² by hand
    # a new selection refreshes the dock (scope: selection)
    panel.set_choice(land, "selection", "")
    w.model.set_selection(land, [1])
    qtbot.waitUntil(lambda: panel.worker is None and panel.table_result[1].total.count == 1, timeout=20_000)
    assert panel.table.item(panel.table.rowCount() - 1, 2).text() == "1,000,000.0"


def test_export_selection_reopens(qtbot, opened, tmp_path):
    w = opened
    land = key_of(w, "land_use")
    assert not w.actions["select.export"].isEnabled()
    w.model.set_selection(land, [1])
    assert w.actions["select.export"].isEnabled() and w.actions["select.clear"].isEnabled()
    out = w.select.export_selected(tmp_path / "所选.gpkg")
    back = pyogrio.read_dataframe(out)
    assert back["DLBM"].tolist() == ["0301"] and back["DLMC"].tolist() == ["乔木林地"]
    original = w.model.entry(land).gdf.iloc[[1]]
    assert np.allclose(back.geometry.area.values, original.geometry.area.values)
    shp = w.select.export_selected(tmp_path / "所选.shp", encoding="GBK")
    assert (tmp_path / "所选.cpg").read_text(encoding="ascii") == "GBK"
    assert gpd.read_file(shp, encoding="gbk")["DLMC"].tolist() == ["乔木林地"]


def test_identify_lists_every_visible_layer_rasters_included(qtbot, window, town_data, build, tmp_path, wait_idle):
    import rasterio
    from affine import Affine

    folder = tmp_path / "识别 项目"
    folder.mkdir()
    ndvi = np.full((40, 40), 0.25, dtype="float32")
    ndvi[:, :10] = 0.75  # x 0..1000 m: the park side
    tif = folder / "植被 指数.tif"
    with rasterio.open(tif, "w", driver="GTiff", width=40, height=40, count=1, dtype="float32", crs="EPSG:4544",
                       transform=Affine(100.0, 0, build.X0, 0, -100.0, build.Y0 + 4000)) as ds:
        ds.write(ndvi, 1)
    layers = [{"name": "NDVI", "source": str(tif), "role": "vegetation_raster"},
              {"name": "用地", "source": str(town_data), "layer": "land_use", "role": "land_use"},
              {"name": "绿地", "source": str(town_data), "layer": "green_space", "role": "green_space"},
              {"name": "红线", "source": str(town_data), "layer": "ecological_redline", "role": "ecological_redline"}]
    window.ops.open_project(build.write_project(folder, layers), ask=False)
    wait_idle(window)
    w = window
    w.actions["tool.identify"].trigger()
    qtbot.mouseClick(w.canvas, Qt.MouseButton.LeftButton, pos=px(w, build, 150, 500))  # in the park
    shown = w.identify_panel.layers()
    titles = [t for t, _ in shown]
    # top first: the park over the land use, then the raster; the red line is elsewhere
    assert titles == ["绿地（绿地）", "用地（土地利用现状/规划用地）", "NDVI"]
    assert shown[0][1][0]["name（名称）"] == "人民公园"
    assert shown[1][1][0]["DLBM（地类编码）"] == "0701"
    assert w.identify_panel.values()["NDVI"] == "0.75"
    assert "2 个图层中的 2 个要素" in w.identify_panel.title.text()
    assert w.model.selection == {key_of(w, "green_space"): pytest.approx([0])}  # the topmost is highlighted
    # on the red line: the red line and the forest parcel; a hidden layer is not listed
    w.model.set_visible(key_of(w, "land_use"), False)
    w.identify_at(build.X0 + 2500, build.Y0 + 500, 1.0)
    assert [t for t, _ in w.identify_panel.layers()] == ["红线（生态保护红线）", "NDVI"]
    assert w.identify_panel.values()["NDVI"] == "0.25"


def test_hidden_statistics_dock_computes_when_shown(qtbot, opened):
    w = opened
    land = key_of(w, "land_use")
    panel = w.show_statistics()
    panel.set_choice(land, "selection", "")
    qtbot.waitUntil(lambda: panel.worker is None, timeout=20_000)
    w.indicators_dock.raise_()  # another tab in front: the statistics dock is hidden
    qtbot.waitUntil(lambda: not panel._shown)
    w.model.set_selection(land, [0, 1])
    assert panel.worker is None and panel._stale
    w.show_statistics()
    qtbot.waitUntil(lambda: panel.worker is None and panel.table_result is not None
                    and panel.table_result[1].total.count == 2, timeout=20_000)


def test_land_use_is_cut_by_the_townships_in_the_background_once_loaded(qtbot, opened):
    """The statistics dock prepares the land-use layer's cut by the townships as soon as the
    project is open, before anyone asks (like the canvas's spatial index): the first table by
    township then reuses it."""
    from greenplan.app.statistics import split_by_township

    w = opened
    land = key_of(w, "land_use")
    towns = w.model.entry(key_of(w, "admin_units")).gdf
    panel = w.statistics
    gdf = w.model.entry(land).gdf
    assert panel.table_result is None  # nobody asked for statistics yet
    kinds = {(k, o[0] is gdf) for k, o, _e, _f in panel.cache._memo}
    assert {("split", True), ("over", True), ("parts", True)} <= kinds
    split_fut = next(f for k, o, _e, f in panel.cache._memo if k == "split" and o[0] is gdf and o[1] is towns)
    split = split_fut.result(20)
    expected = split_by_township(gdf, towns)  # computed again here, independently of the cache
    np.testing.assert_allclose(np.sort(split.piece_area), np.sort(expected.piece_area))
    assert split.names == ["城关街道"]
