"""The layer properties dialog: field mapping, role and filter fixed in place, one undo step, the layer reloads."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pyogrio
import pytest
import shapely
import tomli_w
from PySide6.QtWidgets import QDialogButtonBox

from tests.gui.conftest import X0, Y0

SCREENSHOT = Path("/tmp/layer_props.png")


def _project(folder: Path, layers: list[dict]) -> Path:
    path = folder / "我的 项目.greenplan.toml"
    doc = {"schema_version": 1, "name": "属性 测试", "crs": "EPSG:4544", "settings": {"as_of": "2026-06-30"},
           "layers": layers}
    path.write_text(tomli_w.dumps(doc), encoding="utf-8")
    return path


@pytest.fixture
def landuse_project(tmp_path) -> Path:
    """A land-use shapefile whose code field is 地类编码 (GBK, no .cpg), five parcels."""
    folder = tmp_path / "自有 数据"
    folder.mkdir()
    gdf = gpd.GeoDataFrame({"地类编码": ["0101", "0301", "0701", "0701", "1101"], "ZT": [1, 1, 2, 2, 3]},
                           geometry=[shapely.box(X0 + 100 * i, Y0, X0 + 100 * i + 90, Y0 + 90) for i in range(5)],
                           crs=4544)
    shp = folder / "用地 现状.shp"
    pyogrio.write_dataframe(gdf, shp, encoding="gbk")
    shp.with_suffix(".cpg").unlink(missing_ok=True)
    return _project(folder, [{"name": "用地现状", "source": shp.name, "role": "land_use"}])


def _open(window, path, wait_idle):
    window.ops.open_project(path, ask=False)
    wait_idle(window)
    (key,) = window.model.keys
    return key, window.model.entry(key)


def _dialog(window, key):
    menu = window.layer_panel.context_menu(key)
    (act,) = [a for a in menu.actions() if a.objectName() == "layerPropertiesAction"]
    assert act.text() == "图层属性…"
    act.trigger()
    return window.layer_panel.layer_properties_dialog


def test_field_mapping_fixed_in_place(window, landuse_project, wait_idle, qtbot):
    key, entry = _open(window, landuse_project, wait_idle)
    assert entry.display.loaded.report.missing_required == ["DLBM"]  # the missing required field
    dialog = _dialog(window, key)
    qtbot.waitExposed(dialog)
    combo = dialog.field_combos["DLBM"]
    assert "0101" in combo.itemText(combo.findData("地类编码"))  # sample values beside the field
    # roles fit a polygon layer: no line or raster roles offered
    offered = [dialog.role_combo.itemData(i) for i in range(dialog.role_combo.count())]
    assert "land_use" in offered and "roads" not in offered and "dsm_raster" not in offered
    dialog.map_field("DLBM", "地类编码")
    # the filter test counts through the real reader
    dialog.where_edit.setText("nosuch = 1")
    dialog.test_button.click()
    assert "nosuch" in dialog.filter_result.text() and "过滤条件" in dialog.filter_result.text()
    dialog.where_edit.setText("ZT = 2")
    dialog.test_button.click()
    assert dialog.filter_result.text() == "5 个要素中有 2 个符合条件。"
    dialog.grab().save(str(SCREENSHOT))
    dialog.where_edit.setText("")
    steps = len(window.model.undo_stack.commands)
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    assert not dialog.isVisible()
    assert entry.spec.fields == {"DLBM": "地类编码"}
    assert len(window.model.undo_stack.commands) == steps + 1
    wait_idle(window)
    entry = window.model.entry(key)
    assert entry.error is None and not entry.loading
    assert entry.display.loaded.report.missing_required == []
    assert list(entry.gdf["DLBM"]) == ["0101", "0301", "0701", "0701", "1101"]
    window.model.undo()
    assert entry.spec.fields == {}
    wait_idle(window)
    assert window.model.entry(key).display.loaded.report.missing_required == ["DLBM"]


def test_wrong_role_fixed_in_place(window, tmp_path, wait_idle, qtbot):
    import rasterio
    from rasterio.transform import from_origin

    folder = tmp_path / "地形"
    folder.mkdir()
    dem = folder / "dem.tif"
    with rasterio.open(dem, "w", driver="GTiff", width=20, height=20, count=1, dtype="float32", crs="EPSG:4544",
                       transform=from_origin(X0, Y0 + 2000, 100, 100)) as ds:
        ds.write(np.linspace(300, 900, 400, dtype="float32").reshape(1, 20, 20))
    path = _project(folder, [{"name": "高程", "source": dem.name, "role": "buildings"}])
    key, entry = _open(window, path, wait_idle)
    assert entry.error  # a raster given a vector role
    dialog = _dialog(window, key)
    offered = [dialog.role_combo.itemData(i) for i in range(dialog.role_combo.count())]
    assert offered == [None, "vegetation_raster", "dsm_raster", "buildings"]  # the wrong one kept, marked
    assert dialog.role_combo.itemText(3) == "建筑（与本图层不符）"
    assert dialog.band_spin.isVisible() and not dialog.where_edit.isVisible()
    dialog.role_combo.setCurrentIndex(dialog.role_combo.findData("dsm_raster"))
    dialog.crs_combo.setCurrentText("not a crs")
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    assert dialog.isVisible() and dialog.crs_error.isVisible()  # refused with the reason, nothing changed
    assert entry.spec.role == "buildings"
    dialog.crs_combo.setCurrentIndex(0)
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    assert entry.spec.role == "dsm_raster"
    wait_idle(window)
    entry = window.model.entry(key)
    assert entry.error is None and entry.display.raster is not None
    assert window.layer_panel.displayed_groups()[0][0] == "dsm_raster"


def test_wrong_encoding_fixed_in_place(window, landuse_project, wait_idle):
    import tomllib

    doc = tomllib.loads(landuse_project.read_text(encoding="utf-8"))
    doc["layers"][0]["encoding"] = "latin-1"
    doc["layers"][0]["fields"] = {"DLBM": "ZT"}
    landuse_project.write_text(tomli_w.dumps(doc), encoding="utf-8")
    key, entry = _open(window, landuse_project, wait_idle)
    assert "地类编码" not in entry.gdf.columns  # garbled names
    dialog = _dialog(window, key)
    assert dialog.encoding_combo.isVisible() and dialog.encoding_combo.currentData() == "latin-1"
    dialog.encoding_combo.setCurrentIndex(dialog.encoding_combo.findData("gbk"))
    assert "地类编码" in dialog.facts.fields  # the choices follow the encoding
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    wait_idle(window)
    entry = window.model.entry(key)
    assert entry.spec.encoding == "gbk" and "地类编码" in entry.gdf.columns
    window.model.undo()
    wait_idle(window)
    assert window.model.entry(key).spec.encoding == "latin-1"


def test_encodings_compared_side_by_side(window, landuse_project, wait_idle):
    """The side-by-side preview reads the same rows in UTF-8, GBK and GB18030; the one picked is set."""
    import tomllib

    doc = tomllib.loads(landuse_project.read_text(encoding="utf-8"))
    doc["layers"][0]["encoding"] = "latin-1"
    landuse_project.write_text(tomli_w.dumps(doc), encoding="utf-8")
    key, _entry = _open(window, landuse_project, wait_idle)
    dialog = _dialog(window, key)
    assert dialog.compare_button.isVisible()
    # pick GBK in the preview (its header reads 地类编码, UTF-8 cannot decode the bytes)
    from greenplan.app.dbf_preview import decode_preview
    from greenplan.app.layer_props import source_path

    names, _rows, _bad = decode_preview(source_path(window.model.entry(key).spec, landuse_project.parent), "GBK", 5)
    assert "地类编码" in names
    preview = dialog.compare_encodings(accept=False)
    assert set(preview.preview.tables) == {"UTF-8", "GBK", "GB18030"}
    gbk = preview.preview.tables["GBK"]
    headers = [gbk.horizontalHeaderItem(c).text() for c in range(gbk.columnCount())]
    assert "地类编码" in headers
    assert dialog.encoding_combo.currentData() == "latin-1"  # cancelled: unchanged
    original = type(preview.preview).selected
    type(preview.preview).selected = lambda self: "GBK"
    try:
        dialog.compare_encodings(accept=True)
    finally:
        type(preview.preview).selected = original
    assert dialog.encoding_combo.currentData() == "gbk" and "地类编码" in dialog.facts.fields


def test_missing_field_error_offers_the_layer_properties(window, landuse_project, wait_idle, qtbot):
    """An error naming a missing field offers to open that layer's properties."""
    from PySide6.QtWidgets import QPushButton

    from greenplan.core.errors import MissingFieldError
    from greenplan.gui.errors import show_error

    key, entry = _open(window, landuse_project, wait_idle)
    err = MissingFieldError("Field DLBM missing.", "缺少字段 DLBM。", layer=entry.spec.name, field="DLBM")
    box = show_error(window, err, "indicators")
    button = box.findChild(QPushButton, "openLayerProperties")
    assert button is not None and button.text() == "打开图层属性…"
    button.click()
    dialog = window.layer_panel.layer_properties_dialog
    qtbot.waitUntil(lambda: dialog.isVisible(), timeout=5000)
    assert dialog.key == key
    dialog.reject()
    # an error of another kind offers nothing
    other = show_error(window, ValueError("boom"), "indicators")
    assert other.findChild(QPushButton, "openLayerProperties") is None
    other.close()
