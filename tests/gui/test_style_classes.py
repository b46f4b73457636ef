"""Style dialog: categorised land use and a graduated township choropleth show their classes in
the layer panel and on the canvas; labels by field on the canvas; one undo step per Apply."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import geopandas as gpd
import numpy as np
import pyogrio
import pytest
import shapely
import tomli_w
from PySide6.QtGui import QColor

from tests.gui.conftest import X0, Y0

#: three townships side by side (2 x 2 km), each with a land-use parcel of a known class
CODES = ["510123001", "510123002", "510123003"]
NAMES = ["东风镇", "西湖乡", "南山镇"]
#: green coverage per township (the indicators dock's by_unit values)
COVERAGE = [0.10, 0.25, 0.40]


def _box(x, y, w, h):
    return shapely.box(X0 + x, Y0 + y, X0 + x + w, Y0 + y + h)


@pytest.fixture
def county3(tmp_path) -> Path:
    folder = tmp_path / "样式 测试"
    folder.mkdir()
    gpkg = folder / "县 数据.gpkg"
    units = gpd.GeoDataFrame({"name": NAMES, "code": CODES, "pop": [1000, 5000, 9000]},
                             geometry=[_box(2000 * i, 0, 2000, 2000) for i in range(3)], crs=4544)
    pyogrio.write_dataframe(units, gpkg, layer="admin_units")
    land = gpd.GeoDataFrame({"DLBM": ["0101", "0103", "0301", "0701", "1101", "0101"]},
                            geometry=[_box(100 + 1000 * i, 100, 900, 900) for i in range(6)], crs=4544)
    pyogrio.write_dataframe(land, gpkg, layer="land_use")
    layers = [{"name": "土地利用", "source": gpkg.name, "layer": "land_use", "role": "land_use"},
              {"name": "乡镇", "source": gpkg.name, "layer": "admin_units", "role": "admin_units"}]
    doc = {"schema_version": 1, "name": "样式 县", "crs": "EPSG:4544", "settings": {"as_of": "2026-06-30"},
           "layers": layers}
    path = folder / "样式.greenplan.toml"
    path.write_text(tomli_w.dumps(doc), encoding="utf-8")
    return path


def _open(window, path, wait_idle):
    window.ops.open_project(path, ask=False)
    wait_idle(window)
    keys = {window.model.entry(k).spec.role: k for k in window.model.keys}
    return keys


def _rows(window, key):
    return [(it.text(0), it.icon(0).pixmap(14, 14).toImage().pixelColor(7, 7).name())
            for it in window.layer_panel.class_items(key)]


def _doc():
    return {"by_unit": [{"code": c, "name": n, "indicators": {"green_coverage_vector": {"value": v, "unit": "ratio"}}}
                        for c, n, v in zip(CODES, NAMES, COVERAGE, strict=True)]}


def test_categorized_land_use_in_the_panel_and_undo(window, county3, wait_idle, qtbot):
    from greenplan.gui.dialogs.style_dialog import RENDERERS, StyleDialog

    keys = _open(window, county3, wait_idle)
    lu = keys["land_use"]
    # land use is categorised by the 三调 code table out of the box: its classes are rows
    default_rows = _rows(window, lu)
    assert [t for t, _ in default_rows] == ["耕地 (3)", "林地 (1)", "居住用地 (1)", "陆地水域 (1)"]
    dialog = StyleDialog(window.model, lu, window)
    assert dialog.renderer() == "categorized"
    # a single symbol: one row, no classes
    dialog.renderer_combo.setCurrentIndex(RENDERERS.index("single"))
    dialog.fill_button.set_color("#ff0000")
    assert dialog.apply()
    assert window.layer_panel.class_items(lu) == []
    assert window.model.entry(lu).spec.style == {"renderer": "single", "fill": "#ff0000"}
    # categorised again, by DLBM: the code table's classes and colours, counts of features
    dialog.renderer_combo.setCurrentIndex(RENDERERS.index("categorized"))
    assert dialog.field_combo.currentData() == "field:DLBM"
    assert dialog.class_table.rowCount() == 4
    assert [dialog.class_table.item(i, 2).text() for i in range(4)] == ["耕地", "林地", "居住用地", "陆地水域"]
    assert [dialog.class_table.item(i, 3).text() for i in range(4)] == ["3", "1", "1", "1"]
    assert dialog.apply()
    rows = _rows(window, lu)
    assert rows[0] == ("耕地 (3)", "#f5f8dc") and rows[1] == ("林地 (1)", "#68b167")
    assert rows == default_rows  # the classes of the code table, as the default style
    style = window.model.entry(lu).spec.style
    assert style["renderer"] == "categorized" and style["classes"][0]["values"] == ["0101", "0103"]
    # the canvas draws each parcel with its class colour (the first parcel, 0101, 耕地)
    wait_idle(window)
    img = window.canvas.grab().toImage()
    v = window.canvas.view
    px, py = v.to_pixel(X0 + 550, Y0 + 550)
    assert img.pixelColor(int(px), int(py)).name() == "#f5f8dc"
    # one undo step per Apply: back to the red single symbol, then to the default
    window.model.undo_stack.undo()
    assert window.model.entry(lu).spec.style == {"renderer": "single", "fill": "#ff0000"}
    assert window.layer_panel.class_items(lu) == []
    window.model.undo_stack.undo()
    assert window.model.entry(lu).spec.style == {}
    assert len(window.layer_panel.class_items(lu)) == 4
    dialog.close()


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
def test_township_choropleth_by_an_indicator(window, county3, wait_idle, qtbot, tmp_path):
    from greenplan.gui.dialogs.style_dialog import METHODS, RENDERERS, StyleDialog
    from greenplan.jobs.export import export_map

    keys = _open(window, county3, wait_idle)
    au = keys["admin_units"]
    dialog = StyleDialog(window.model, au, window, indicators=_doc())
    dialog.method_combo.setCurrentIndex(METHODS.index("manual"))
    dialog.breaks_edit.setText("0.2, 0.3")
    dialog.renderer_combo.setCurrentIndex(RENDERERS.index("graduated"))
    fields = [dialog.field_combo.itemData(i) for i in range(dialog.field_combo.count())]
    assert "field:pop" in fields and "indicator:green_coverage_vector" in fields
    assert "field:name" not in fields  # text fields cannot be graduated
    dialog.field_combo.setCurrentIndex(fields.index("indicator:green_coverage_vector"))
    # classes 10 %–20 %, 20 %–30 %, 30 %–40 %: one township each
    labels = [dialog.class_table.item(i, 2).text() for i in range(dialog.class_table.rowCount())]
    assert labels == ["10.00% – 20.00%", "20.00% – 30.00%", "30.00% – 40.00%"]
    assert [dialog.class_table.item(i, 3).text() for i in range(3)] == ["1", "1", "1"]
    dialog.accept()
    rows = _rows(window, au)
    assert [t for t, _ in rows] == ["10.00% – 20.00% (1)", "20.00% – 30.00% (1)", "30.00% – 40.00% (1)"]
    colours = [c for _, c in rows]
    assert len(set(colours)) == 3
    # each township is filled with its class colour on the canvas (a light-to-dark ramp)
    wait_idle(window)
    img = window.canvas.grab().toImage()
    v = window.canvas.view
    seen = []
    for i in range(3):
        px, py = v.to_pixel(X0 + 2000 * i + 1000, Y0 + 1900)
        seen.append(img.pixelColor(int(px), int(py)))
    assert [c.name() for c in seen] == colours
    assert seen[0].lightness() > seen[1].lightness() > seen[2].lightness()
    style = window.model.entry(au).spec.style
    assert style["indicator"] == "green_coverage_vector" and style["indicator_values"][CODES[2]] == pytest.approx(0.40)
    # the exported map's legend lists the classes under the indicator's name; townships labelled
    pdf = export_map(window.model.project, tmp_path / "分级.pdf", theme="control_lines", paper="A4", dpi=50, doc={})
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    for line in ("建成区绿化覆盖率（矢量法）", "10.00% – 20.00%", "20.00% – 30.00%", "30.00% – 40.00%", *NAMES):
        assert line in text, line


def test_labels_by_field_on_the_canvas(window, county3, wait_idle, qtbot):
    from greenplan.gui.dialogs.style_dialog import StyleDialog

    keys = _open(window, county3, wait_idle)
    lu = keys["land_use"]
    window.model.set_visible(keys["admin_units"], False)
    window.canvas.zoom_to_bounds((X0, Y0, X0 + 2100, Y0 + 1100))  # two parcels across the map
    wait_idle(window)
    before = window.canvas.grab().toImage()
    dialog = StyleDialog(window.model, lu, window)
    dialog.tabs.setCurrentIndex(1)
    dialog.label_field_combo.setCurrentIndex(dialog.label_field_combo.findData("DLBM"))
    dialog.label_size_spin.setValue(14.0)
    dialog.accept()
    assert window.model.entry(lu).spec.style == {"label_field": "DLBM", "label_size": 14.0}
    labels = window.model.entry(lu).display.labels
    assert sorted(labels[1].tolist()) == sorted(["0101", "0103", "0301", "0701", "1101", "0101"])
    wait_idle(window)
    after = window.canvas.grab().toImage()
    # dark text pixels appear inside the first parcel (its centre), none were there before
    v = window.canvas.view
    cx, cy = v.to_pixel(X0 + 550, Y0 + 550)
    half = 0.45 * 900 / v.res

    def dark(img) -> int:
        return sum(1 for x in range(int(cx - half), int(cx + half), 1) for y in range(int(cy - 12), int(cy + 12))
                   if QColor(img.pixel(x, y)).lightness() < 90)

    assert dark(before) == 0 < dark(after)
    assert window.canvas.view.res < 900 / (3 * 14 * 96 / 72)  # wide enough for a label
    assert np.isfinite(labels[0]).all()


def test_class_rows_follow_the_interface_language(window, county3, wait_idle, qtbot):
    from greenplan.gui.i18n import install_language

    keys = _open(window, county3, wait_idle)
    lu = keys["land_use"]
    try:
        install_language("en")
        qtbot.wait(20)  # the language change is posted to the window
        # the names of GB/T 21010 (code_names.toml's English column); the counts stay
        assert [t for t, _ in _rows(window, lu)] == ["Cultivated land (3)", "Forest land (1)",
                                                     "Residential land (1)", "Inland water (1)"]
    finally:
        install_language("zh")
    qtbot.wait(20)
    assert [t for t, _ in _rows(window, lu)] == ["耕地 (3)", "林地 (1)", "居住用地 (1)", "陆地水域 (1)"]
