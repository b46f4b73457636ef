"""A file without geometry is refused in the add-layer dialog (and when dropped) with a Chinese message."""

from __future__ import annotations


def test_text_file_is_refused_in_the_add_dialog(qtbot, tmp_path) -> None:
    from PySide6.QtWidgets import QDialogButtonBox

    from greenplan.gui.dialogs.add_layer_dialog import AddLayerDialog

    txt = tmp_path / "说明.txt"
    txt.write_text("x,y\n1,2\n", encoding="utf-8")
    dialog = AddLayerDialog()
    qtbot.addWidget(dialog)
    dialog.set_path(txt)
    assert not dialog.refusal_label.isHidden()
    assert "说明.txt" in dialog.refusal_label.text() and "不能作为图层" in dialog.refusal_label.text()
    assert not dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).isEnabled()
    assert dialog.specs() == []

    shp = tmp_path / "乡镇.shp"
    import geopandas as gpd
    import shapely

    gpd.GeoDataFrame({"XZQDM": ["1"]}, geometry=[shapely.box(0, 0, 1, 1)], crs=4544).to_file(shp)
    dialog.set_path(shp)
    assert dialog.refusal_label.isHidden()
    assert dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).isEnabled()
    assert dialog.specs()[0].role == "admin_units"


def test_dropped_table_is_refused(window, tmp_path) -> None:
    csv = tmp_path / "人口.csv"
    csv.write_text("乡镇,人口\n城关,1000\n", encoding="utf-8")
    window.ops.add_paths([csv])
    assert window.model.entries == []
    assert "人口.csv" in window.statusBar().currentMessage()
