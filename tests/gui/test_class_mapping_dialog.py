"""The class-mapping dialog on an OpenStreetMap-like land-use layer (fclass words, written here).

The planner opens it from the layer's context menu, applies the ``osm`` preset (the unknown
share shown drops to 0), types in the picker to send ``grass`` to 0810 公园与绿地, and saves:
the layer's ``classes`` becomes an inline table, the project is modified, and the indicators
computed afterwards grade the green coverage, whose value equals plain geopandas.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pytest
import shapely
from PySide6.QtCore import Qt

from greenplan.gui.dialogs.class_mapping_dialog import COL_STATUS, COL_TARGET, ClassMappingDialog

X0, Y0 = 500_000.0, 4_250_000.0
#: fclass, x, width: parcels 1000 m tall tiling the built-up area B (1000 × 1000 m)
PARCELS = [("forest", 0, 400), ("park", 400, 120), ("grass", 520, 80), ("residential", 600, 250),
           ("industrial", 850, 100), ("nature_reserve", 950, 50)]


def _box(x: float, y: float, w: float, h: float):
    return shapely.box(X0 + x, Y0 + y, X0 + x + w, Y0 + y + h)


@pytest.fixture
def osm_project(tmp_path: Path) -> Path:
    import pyogrio
    import tomli_w

    folder = tmp_path / "OSM 项目"
    folder.mkdir()
    gpkg = folder / "osm 地类.gpkg"

    def write(layer: str, geoms, **cols) -> None:
        pyogrio.write_dataframe(gpd.GeoDataFrame(cols, geometry=gpd.GeoSeries(geoms, crs=4544)), gpkg, layer=layer)

    write("built_up_area", [_box(0, 0, 1000, 1000)])
    write("admin_units", [_box(0, 0, 1000, 1000)], name=["城关镇"], code=["640101001"], population=[20000])
    write("land_use", [_box(x, 0, w, 1000) for _, x, w in PARCELS], fclass=[c for c, _, _ in PARCELS])
    layers = [
        {"name": "建成区", "source": gpkg.name, "layer": "built_up_area", "role": "built_up_area"},
        {"name": "乡镇", "source": gpkg.name, "layer": "admin_units", "role": "admin_units"},
        {"name": "OSM 地类", "source": gpkg.name, "layer": "land_use", "role": "land_use", "fields": {"DLBM": "fclass"}},
    ]
    path = folder / "osm 项目.greenplan.toml"
    path.write_text(tomli_w.dumps({"schema_version": 2, "name": "OSM 县", "layers": layers}), encoding="utf-8")
    return path


def _open(window, path: Path, wait_idle) -> int:
    window.ops.open_project(path, ask=False)
    wait_idle(window)
    return next(e.key for e in window.model.entries if e.spec.role == "land_use")


def _dialog_from_menu(window, key: int, wait_idle) -> ClassMappingDialog:
    menu = window.layer_panel.context_menu(key)
    (act,) = [a for a in menu.actions() if a.objectName() == "classMappingAction"]
    assert act.text() == "地类映射…"
    act.trigger()
    dialog = window.layer_panel.class_mapping_dialog
    wait_idle(window)  # the values are read by a worker of the window
    assert dialog.values is not None and dialog.isVisible()
    return dialog


def _type(widget, text: str) -> None:
    """Type ``text`` as key presses carrying the characters (QTest.keyClicks takes ASCII only)."""
    from PySide6.QtCore import QEvent
    from PySide6.QtGui import QKeyEvent
    from PySide6.QtWidgets import QApplication

    for ch in text:
        QApplication.sendEvent(widget, QKeyEvent(QEvent.Type.KeyPress, 0, Qt.KeyboardModifier.NoModifier, ch))
        QApplication.sendEvent(widget, QKeyEvent(QEvent.Type.KeyRelease, 0, Qt.KeyboardModifier.NoModifier, ch))


def _expected_coverage(path: Path, green: set[str]) -> float:
    gpkg = path.parent / "osm 地类.gpkg"
    b = gpd.read_file(gpkg, layer="built_up_area")
    lu = gpd.read_file(gpkg, layer="land_use")
    inter = gpd.overlay(lu[lu["fclass"].isin(green)].dissolve(), b, how="intersection")
    return float(inter.area.sum() / b.area.sum())


def test_map_osm_classes_save_and_grade(window, osm_project, wait_idle, qtbot) -> None:
    key = _open(window, osm_project, wait_idle)
    # only land-use and green-space layers offer it
    bua = next(e.key for e in window.model.entries if e.spec.role == "built_up_area")
    assert not [a for a in window.layer_panel.context_menu(bua).actions() if a.objectName() == "classMappingAction"]
    dialog = _dialog_from_menu(window, key, wait_idle)
    model = dialog.table_model

    # every value listed with its count and area, largest first; all unknown before mapping
    assert [model.index(i, 0).data() for i in range(model.rowCount())] == [
        "forest", "residential", "park", "industrial", "grass", "nature_reserve"]
    assert model.index(0, 2).data() == "40.00 公顷" and model.index(0, 1).data() == "1"
    assert "100.0%" in dialog.share_label.text() and "未评级" in dialog.share_label.text()
    assert all(model.index(i, COL_STATUS).data() == "⚠ 未识别" for i in range(model.rowCount()))
    # the preset that fits is pre-selected and named in the hint
    assert dialog.preset_combo.currentData() == "osm" and "osm" in dialog.hint_label.text()

    qtbot.mouseClick(dialog.preset_button, Qt.MouseButton.LeftButton)
    assert dialog.values.unknown_share() == 0.0
    assert "0.0%" in dialog.share_label.text() and "全部已识别" in dialog.share_label.text()
    assert model.index(4, COL_TARGET).data() == "0404  其他草地"
    assert model.index(5, COL_STATUS).data() == "— 忽略"

    # the picker filters on codes, Chinese and English names
    picker = dialog.picker
    for typed, code in (("林", "0301"), ("park", "0810"), ("0305", "0305")):
        picker.lineEdit().clear()
        _type(picker.lineEdit(), typed)
        shown = [picker.filtered.index(i, 0).data(Qt.ItemDataRole.UserRole) for i in range(picker.filtered.rowCount())]
        assert code in shown, (typed, shown)
        assert all(typed.casefold() in picker.filtered.index(i, 0).data(Qt.ItemDataRole.UserRole + 1).casefold()
                   for i in range(picker.filtered.rowCount()))
    assert len(shown) == 1  # "0305" filters to one code
    # grass in a town is mostly park green (the preset's own note): select it, type 公园, Enter, Set
    dialog.table.selectRow(4)
    picker.lineEdit().clear()
    _type(picker.lineEdit(), "公园")
    popup = picker.completer_.popup()
    assert popup.isVisible() and popup.model().rowCount() == 1  # 0810 公园与绿地 (category 公园绿地)
    qtbot.keyClick(popup, Qt.Key.Key_Return)  # Enter with no row chosen: the typed text decides
    assert not popup.isVisible()
    assert picker.target() == "0810"
    qtbot.mouseClick(dialog.set_button, Qt.MouseButton.LeftButton)
    assert model.index(4, COL_TARGET).data() == "0810  公园与绿地"
    assert dialog.values.unknown_share() == 0.0

    assert not window.model.dirty
    dialog.buttons.button(dialog.buttons.StandardButton.Ok).click()
    spec = window.model.entry(key).spec
    assert spec.classes == {"forest": "0301", "residential": "0701", "park": "0810", "grass": "0810",
                            "industrial": "0601", "nature_reserve": "ignore"}
    assert window.model.dirty
    # the map's copy is mapped at once (what identify and the colours read)
    assert list(window.model.entry(key).gdf["DLBM"]) == ["0301", "0810", "0810", "0701", "0601", "ignore"]

    # the indicators computed afterwards read the mapping and grade the coverage
    window.indicators.run()
    wait_idle(window)
    cov = window.indicators.doc["indicators"]["green_coverage_vector"]
    assert cov["unknown_share"] == 0.0 and cov.get("ungraded") is None and cov["pass"] is not None
    assert cov["value"] == pytest.approx(_expected_coverage(osm_project, {"forest", "park", "grass"}), abs=1e-9)

    # saved into the project file
    assert window.ops.save()
    from greenplan.core.project import read_project

    assert read_project(osm_project)[0].layers[2].classes == spec.classes


def test_cancel_changes_nothing_and_the_preset_is_saved_by_name(window, osm_project, wait_idle) -> None:
    key = _open(window, osm_project, wait_idle)
    dialog = _dialog_from_menu(window, key, wait_idle)
    dialog.apply_preset("osm")
    dialog.reject()
    assert window.model.entry(key).spec.classes is None and not window.model.dirty
    dialog = _dialog_from_menu(window, key, wait_idle)
    dialog.apply_preset("osm")
    dialog.accept()
    assert window.model.entry(key).spec.classes == "osm" and window.model.dirty


def test_from_the_check_dialog_and_in_english(window, osm_project, wait_idle, qtbot) -> None:
    from PySide6.QtWidgets import QPushButton

    key = _open(window, osm_project, wait_idle)
    window.run_check()
    wait_idle(window)
    check = window.check_dialog
    (button,) = [b for b in check.findChildren(QPushButton) if b.objectName() == "classMappingButton"]
    button.click()
    wait_idle(window)
    dialog = check.class_mapping_dialog
    assert dialog.key == key and dialog.values is not None
    window.set_language("en")
    assert dialog.windowTitle() == "Class mapping: OSM 地类"
    assert dialog.table_model.headerData(0, Qt.Orientation.Horizontal) == "Value"
    assert "Unknown: 100.0 %" in dialog.share_label.text()
    assert dialog.preset_button.text() == "Apply preset"
    dialog.apply_preset("osm")
    assert dialog.table_model.index(0, COL_TARGET).data() == "0301  Tree forest"
    assert "All values recognised" in dialog.share_label.text()
    window.set_language("zh")
    assert dialog.table_model.index(0, COL_TARGET).data() == "0301  乔木林地"
    dialog.accept()
    assert window.model.entry(key).spec.classes == "osm"
    assert "重新检查" in check.summary.text()
    check.close()


def test_screenshot_in_chinese(window, osm_project, wait_idle, tmp_path) -> None:
    key = _open(window, osm_project, wait_idle)
    dialog = _dialog_from_menu(window, key, wait_idle)
    dialog.apply_preset("osm")
    dialog.set_target("nature_reserve", None)
    dialog.table.selectRow(2)
    out = tmp_path / "class_mapping.png"
    assert dialog.grab().save(str(out))
    assert out.stat().st_size > 10_000
    dialog.reject()


def test_edit_a_target_in_the_table(window, osm_project, wait_idle, qtbot) -> None:
    """Double-click a target cell, type, pick from the filtered list: the value is mapped."""
    from greenplan.gui.dialogs.class_mapping_dialog import TargetPicker

    key = _open(window, osm_project, wait_idle)
    dialog = window.layer_panel.open_class_mapping(key)
    wait_idle(window)
    index = dialog.table_model.index(0, COL_TARGET)  # forest, the largest
    dialog.table.edit(index)
    editor = dialog.table.findChild(TargetPicker, "targetEditor")
    assert editor is not None and editor.target() is None  # (not mapped)
    _type(editor.lineEdit(), "灌木")
    popup = editor.completer_.popup()
    assert popup.isVisible() and popup.model().rowCount() == 1
    popup.setCurrentIndex(popup.model().index(0, 0))
    qtbot.keyClick(popup, Qt.Key.Key_Return)
    assert dialog.values.targets["forest"] == "0305"
    assert index.data() == "0305  灌木林地"
    # forest (40 % of the area) is now recognised; the other values are not yet
    assert dialog.values.unknown_share() == pytest.approx(0.6)
    assert "60.0%" in dialog.share_label.text()
    dialog.reject()
    assert window.model.entry(key).spec.classes is None


def test_undo_takes_the_mapping_back(window, osm_project, wait_idle, qtbot) -> None:
    key = _open(window, osm_project, wait_idle)
    as_read = list(window.model.entry(key).gdf["DLBM"])
    assert as_read == [c for c, _, _ in PARCELS]  # the OSM classes themselves, before any mapping
    dialog = _dialog_from_menu(window, key, wait_idle)
    qtbot.mouseClick(dialog.preset_button, Qt.MouseButton.LeftButton)
    dialog.buttons.button(dialog.buttons.StandardButton.Ok).click()
    assert window.model.entry(key).spec.classes is not None and window.model.dirty

    undo = window.actions["edit.undo"]
    assert undo.isEnabled() and undo.text() == "撤销 类别对应(&U)"
    undo.trigger()
    entry = window.model.entry(key)
    assert entry.spec.classes is None and not window.model.dirty and not window.isWindowModified()
    assert list(entry.gdf["DLBM"]) == as_read  # the map's copy is read again without the mapping
    window.actions["edit.redo"].trigger()
    assert list(window.model.entry(key).gdf["DLBM"])[:2] == ["0301", "0810"]
