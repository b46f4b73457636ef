"""Attribute table on a lazy model, the add-layer dialog's encoding preview, check dialog."""

from __future__ import annotations

import time

import numpy as np
import pandas as pd
import pyogrio
import pytest
from PySide6.QtCore import Qt

from greenplan.gui.tables import FrameTableModel


@pytest.fixture(scope="module")
def big_frame() -> pd.DataFrame:
    n = 200_000
    return pd.DataFrame({"BSM": np.arange(n, 0, -1), "DLBM": np.where(np.arange(n) % 100 == 7, "0810", "0701"),
                         "DLMC": np.where(np.arange(n) % 100 == 7, "公园与绿地", "城镇住宅用地")})


def test_attribute_table_opens_at_once_for_200000_features(qtbot, big_frame):
    from PySide6.QtWidgets import QTableView

    t0 = time.perf_counter()
    model = FrameTableModel(big_frame)
    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(model)
    view.resize(600, 400)
    view.show()
    qtbot.waitExposed(view)
    assert time.perf_counter() - t0 < 1.0
    assert model.rowCount() == 200_000
    assert model.data(model.index(0, 0)) == "200000" and model.headerData(0, Qt.Orientation.Vertical) == "1"


def test_sort_and_filter_work_on_whole_columns(big_frame):
    model = FrameTableModel(big_frame)
    model.sort(0, Qt.SortOrder.AscendingOrder)
    assert model.data(model.index(0, 0)) == "1" and model.source_rows([0]).tolist() == [199_999]
    model.set_filter("公园")
    assert model.rowCount() == 2000  # one row in a hundred
    assert model.data(model.index(0, 1)) == "0810"
    # still sorted ascending by BSM within the filter: rows 199,907 (BSM 93) first
    assert model.source_rows([0]).tolist() == [199_907]
    assert model.view_rows([7, 199_907, 3]).tolist() == [1999, 0]
    model.set_filter("")
    assert model.rowCount() == 200_000


def test_selecting_rows_highlights_features_on_the_map(qtbot, opened):
    w = opened
    key = next(e.key for e in w.model.entries if e.spec.role == "land_use")
    table = w.open_attribute_table(key)
    assert table.table_model.rowCount() == 2
    table.view.selectRow(1)
    assert w.model.selection[key].tolist() == [1]
    assert len(w.model.selected_geometries()) == 1 and w.canvas._selection_path is not None
    assert "已选 1 个" in table.count_label.text()
    table.zoom_to_selection()
    x0, y0, x1, y1 = w.canvas.view.extent()
    gx0, gy0, gx1, gy1 = w.model.selected_geometries()[0].bounds
    assert x0 <= gx0 and x1 >= gx1 and y0 <= gy0 and y1 >= gy1 and (x1 - x0) < 3 * (gx1 - gx0)


@pytest.fixture
def utf8_shapefile(build, cn_dir):
    """A UTF-8 shapefile without .cpg whose bytes also decode as GB18030: the encoding is uncertain."""
    path = cn_dir / "闲置 土地.shp"
    gdf = build.frame([build.box(0, 0, 10, 10), build.box(20, 0, 10, 10)], DKBH=["XZ001", "XZ002"],
                      CZZT=["闲置", "林地"])
    pyogrio.write_dataframe(gdf, path, encoding="utf-8")
    path.with_suffix(".cpg").unlink(missing_ok=True)
    return path


def test_uncertain_encoding_shows_three_decodings_and_the_pick_is_kept(qtbot, utf8_shapefile):
    from greenplan.gui.dialogs.add_layer_dialog import AddLayerDialog

    dialog = AddLayerDialog()
    qtbot.addWidget(dialog)
    dialog.set_path(utf8_shapefile)
    assert dialog.encoding_info.uncertain
    assert not dialog.encoding_box.isHidden()
    assert dialog.role_combo.currentData() == "idle_land"  # guessed from 闲置 土地
    tables = dialog.preview.tables
    assert tables["UTF-8"].horizontalHeaderItem(0).text() == "CZZT"  # the Chinese column first
    assert tables["UTF-8"].item(0, 0).text() == "闲置"
    assert tables["GBK"].item(0, 0).text() not in ("闲置", "")
    assert dialog.preview.selected() == "UTF-8"
    dialog.preview.radios["GB18030"].setChecked(True)
    (spec,) = dialog.specs()
    assert spec.encoding == "gb18030" and spec.role == "idle_land" and spec.source == utf8_shapefile.absolute()
    dialog.preview.radios["UTF-8"].setChecked(True)
    assert dialog.specs()[0].encoding == "utf-8"  # uncertain: the confirmed choice is stored


def test_gbk_shapefile_decodes_only_as_gbk(qtbot, build, cn_dir):
    from greenplan.app.dbf_preview import decode_preview

    path = cn_dir / "红线.shp"
    pyogrio.write_dataframe(build.frame([build.box(0, 0, 1, 1)], MC=["贺兰山生态红线"]), path, encoding="gbk")
    names, rows, bad = decode_preview(path, "GBK")
    assert (names, rows, bad) == (["MC"], [["贺兰山生态红线"]], 0)
    assert decode_preview(path, "UTF-8")[2] == 1


def test_data_check_results_in_a_dialog(qtbot, opened):
    w = opened
    worker = w.ops.run_check()
    with qtbot.waitSignal(worker.finished, timeout=60_000):
        pass
    qtbot.waitUntil(lambda: getattr(w, "check_dialog", None) is not None)
    d = w.check_dialog
    assert d.tree.topLevelItemCount() == 1 + len(w.model.entries)  # project + one per layer
    assert "8 个图层" in d.summary.text().replace("共 ", "")
    assert "EPSG:4544" in d.summary.text() and d.text.toPlainText()
    d.close()
