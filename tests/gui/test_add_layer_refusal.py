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


def test_add_dialog_offers_only_the_roles_that_fit(qtbot, tmp_path) -> None:
    """A line file is offered line roles only, a raster raster roles only (the role list of issue 13)."""
    import geopandas as gpd
    import numpy as np
    import pyogrio
    import rasterio
    import shapely

    from greenplan.gui.dialogs.add_layer_dialog import AddLayerDialog

    lines = tmp_path / "道路 dl.gpkg"
    pyogrio.write_dataframe(gpd.GeoDataFrame({"class": ["arterial"]}, geometry=[shapely.LineString([(0, 0), (10, 0)])],
                                             crs="EPSG:4544"), lines, layer="roads")
    tif = tmp_path / "ndvi.tif"
    with rasterio.open(tif, "w", driver="GTiff", width=4, height=4, count=1, dtype="float32", crs="EPSG:4544",
                       transform=rasterio.transform.from_origin(500000, 4250000, 10, 10)) as ds:
        ds.write(np.full((1, 4, 4), 0.5, dtype="float32"))
    d = AddLayerDialog(str(tmp_path))
    qtbot.addWidget(d)
    d.set_path(lines)
    offered = {d.role_combo.itemData(i) for i in range(d.role_combo.count())}
    assert {"roads", "rivers"} <= offered and not offered & {"land_use", "admin_units", "vegetation_raster", "dsm_raster"}
    assert d.role_combo.currentData() == "roads"
    d.set_path(tif)
    offered = {d.role_combo.itemData(i) for i in range(d.role_combo.count())}
    assert offered == {None, "vegetation_raster", "dsm_raster"}
