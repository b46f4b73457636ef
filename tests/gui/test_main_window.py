"""The main window driven like a planner would: open, toggle, reorder, identify, style, save."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor

from greenplan.core.project import read_project

FOREST = (0x68, 0xB1, 0x67)  # land-use class "forest" (resources/styles/default_styles.toml)
RESIDENTIAL = (0xFF, 0xFF, 0x2D)


def pixel(w, x: float, y: float) -> tuple[int, int, int]:
    """Colour of the rendered map at map point (x, y) metres from the town's origin."""
    px, py = w.canvas.view.to_pixel(x, y)
    c = QColor(w.canvas.cache.image.pixel(int(px), int(py)))
    return (c.red(), c.green(), c.blue())


def at(build, dx: float, dy: float) -> tuple[float, float]:
    return build.X0 + dx, build.Y0 + dy


def key_of(w, role: str) -> int:
    return next(e.key for e in w.model.entries if e.spec.role == role)


def test_demo_county_opens_with_every_layer(window, demo_project, wait_idle):
    worker = window.ops.open_project(demo_project, ask=False)
    wait_idle(window)
    spec_count = len(read_project(demo_project)[0].layers)
    assert worker is not None and len(window.model.entries) == spec_count
    assert [e.error for e in window.model.entries] == [None] * spec_count
    assert all(e.display is not None for e in window.model.entries)
    # grouped by role with Chinese names: the red line group is labelled 生态保护红线
    labels = [window.layer_panel.topLevelItem(i).text(0) for i in range(window.layer_panel.topLevelItemCount())]
    assert "生态保护红线" in labels and "参考图层" in labels
    assert window.model.crs.to_epsg() == 4544 and "4544" in window.crs_label.text()


def test_toggle_visibility_redraws_and_marks_the_project_changed(qtbot, opened, build, wait_idle):
    w = opened
    red = key_of(w, "ecological_redline")
    centre = at(build, 2500, 500)
    assert pixel(w, *centre) != FOREST  # the half-transparent red line covers the forest
    item = w.layer_panel.item_for(red)
    item.setCheckState(0, Qt.CheckState.Unchecked)  # what a click on the box does
    assert w.model.entry(red).spec.visible is False and w.model.dirty
    wait_idle(w)
    assert pixel(w, *centre) == FOREST
    assert w.windowTitle().split(" — ")[0].endswith("*")


def test_reorder_by_drag_changes_the_drawing_order(qtbot, opened, build, wait_idle):
    w = opened
    park = at(build, 150, 500)
    assert pixel(w, *park) != RESIDENTIAL  # the park is drawn over the residential parcel
    panel = w.layer_panel
    green = panel.item_for(key_of(w, "green_space")).parent()
    land = panel.item_for(key_of(w, "land_use")).parent()
    assert panel.drop_on(green, land, below=True)  # drag the green-space group under land use
    order = [e.spec.role for e in w.model.entries]
    assert order.index("green_space") < order.index("land_use")
    assert [s.role for s in w.model.project.layers] == order  # the project is what is saved
    wait_idle(w)
    assert pixel(w, *park) == RESIDENTIAL
    # a layer cannot be dropped into another role's group
    assert not panel.drop_on(panel.item_for(key_of(w, "roads")), panel.item_for(key_of(w, "land_use")), below=False)


def test_drop_event_on_the_panel_moves_a_group(qtbot, opened):
    from PySide6.QtCore import QPointF
    from PySide6.QtGui import QDropEvent

    w = opened
    panel = w.layer_panel
    admin = panel.item_for(key_of(w, "admin_units")).parent()  # the top group
    land = panel.item_for(key_of(w, "land_use")).parent()  # the bottom group
    panel.setCurrentItem(land)
    mime = panel.model().mimeData([panel.indexFromItem(land)])
    pos = QPointF(panel.visualItemRect(admin).center())
    event = QDropEvent(pos, Qt.DropAction.MoveAction, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    panel.dropEvent(event)
    assert [e.spec.role for e in w.model.entries][-1] == "land_use"  # now drawn last, on top
    assert panel.topLevelItem(0).text(0) == "土地利用现状/规划用地"
    assert panel.topLevelItemCount() == 8  # the tree was rebuilt from the model, nothing lost


def test_identify_a_feature_by_clicking(qtbot, opened, build):
    w = opened
    w.actions["tool.identify"].trigger()
    px, py = w.canvas.view.to_pixel(*at(build, 150, 500))
    qtbot.mouseClick(w.canvas, Qt.MouseButton.LeftButton, pos=QPoint(int(px), int(py)))
    values = w.identify_panel.values()
    assert values["name（名称）"] == "人民公园"
    assert values["class（绿地分类）"] == "G1"
    assert values["（面积）"].startswith("300,000.0 m²")
    assert w.model.selection == {key_of(w, "green_space"): pytest.approx([0])}
    assert w.canvas._selection_path is not None


def test_style_editor_writes_to_the_project(qtbot, opened, build, tmp_path, wait_idle):
    w = opened
    red = key_of(w, "ecological_redline")
    w.layer_panel.select_layer(red)
    dialog = w.show_style_editor()
    dialog.fill_button.set_color("#ff0000")
    dialog.width_spin.setValue(2.5)
    dialog.alpha_slider.setValue(100)
    dialog.hatch_combo.setCurrentIndex(1)  # "/"
    dialog.accept()
    assert w.model.entry(red).spec.style == {"fill": "#ff0000", "width": 2.5, "alpha": 1.0, "hatch": "/"}
    wait_idle(w)
    # an opaque red fill (the hatch lines are dark green): the centre pixel is red or hatch
    r, g, b = pixel(w, *at(build, 2500, 500))
    assert (r, g, b) == (255, 0, 0) or g > r
    target = tmp_path / "另存 项目.greenplan.toml"
    assert w.ops.save_as(target)
    again, _ = read_project(target)
    assert next(s for s in again.layers if s.role == "ecological_redline").style["fill"] == "#ff0000"
    assert not w.model.dirty and w.settings.recent_projects[0] == str(target)


def test_style_editor_puts_each_value_beside_its_control(qtbot, opened):
    """The opacity percentage sits on the slider's row, right of it (it sat under "No fill")."""
    w = opened
    dialog = w.show_style_editor(key_of(w, "ecological_redline"))
    qtbot.waitExposed(dialog)
    dialog.alpha_slider.setValue(35)
    assert dialog.alpha_label.text() == "35%"

    def box(wdg):
        top = wdg.mapTo(dialog, wdg.rect().topLeft())
        return top.x(), top.y(), top.x() + wdg.width(), top.y() + wdg.height()

    sx0, sy0, sx1, sy1 = box(dialog.alpha_slider)
    lx0, ly0, lx1, ly1 = box(dialog.alpha_label)
    assert lx0 >= sx1 and sy0 <= (ly0 + ly1) / 2 <= sy1  # right of the slider, same row
    fx0, fy0, fx1, fy1 = box(dialog.fill_button)
    nx0, ny0, _nx1, _ny1 = box(dialog.no_fill)
    assert nx0 >= fx1 and fy0 <= ny0 + dialog.no_fill.height() / 2 <= fy1
    opacity_label = dialog.form.labelForField(dialog.form.itemAt(3, dialog.form.ItemRole.FieldRole).layout())
    assert opacity_label.text() == "不透明度"
    dialog.reject()


def test_cancelled_style_editor_restores_the_style(opened):
    w = opened
    red = key_of(w, "ecological_redline")
    before = dict(w.model.entry(red).spec.style)
    dialog = w.show_style_editor(red)
    dialog.edge_button.set_color("#123456")
    assert w.model.entry(red).spec.style["edge"] == "#123456"  # applied at once
    dialog.reject()
    assert w.model.entry(red).spec.style == before


def test_unsaved_changes_prompt_on_close(qtbot, opened):
    w = opened
    w.ops.remove_layer(key_of(w, "roads"))
    w.prompt.save_answer = "cancel"
    assert not w.close()  # the planner cancelled: the window stays
    assert w.isVisible() and w.prompt.asked == ["save_changes"]
    w.prompt.save_answer = "save"
    assert w.close()
    assert "roads" not in [s.role for s in read_project(w.model.project.path)[0].layers]


def test_remove_zoom_and_drag_drop_of_files(qtbot, opened, build, cn_dir, wait_idle):
    from PySide6.QtCore import QMimeData, QPointF, QUrl
    from PySide6.QtGui import QDropEvent

    w = opened
    extra = cn_dir / "道路 补充.gpkg"
    build.write(build.frame([build.box(5000, 5000, 10, 10)]), extra, "生态保护红线补充")
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(extra))])
    event = QDropEvent(QPointF(10, 10), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                       Qt.KeyboardModifier.NoModifier)
    before = w.model.keys
    w.dropEvent(event)
    wait_idle(w)
    added = next(e for e in w.model.entries if e.key not in before)  # inserted at its role's place
    assert added.spec.layer == "生态保护红线补充" and added.spec.role == "ecological_redline"  # guessed
    assert added.display is not None and added.error is None
    w.zoom_to_layer(added.key)
    x0, y0, x1, y1 = w.canvas.view.extent()
    assert x0 <= build.X0 + 5000 and x1 >= build.X0 + 5010 and (x1 - x0) < 100
    w.ops.remove_layer(added.key)
    assert added.key not in w.model.keys


def test_recent_projects_and_language_are_kept_between_runs(window, town, wait_idle):
    from greenplan.gui.gui_settings import GuiSettings

    window.ops.open_project(town, ask=False)
    wait_idle(window)
    assert [e.spec.role for e in window.model.entries if e.display is None] == []
    window.set_language("en")
    again = GuiSettings.load()
    assert again.recent_projects[0] == str(Path(town).absolute())
    assert again.language == "en" and again.schema_version == 1
    window.set_language("zh")


def test_identify_shows_raster_values_under_the_point(qtbot, window, town_data, build, tmp_path, wait_idle):
    """A visible NDVI raster: its value is listed with the feature clicked, and alone where
    no feature is; a nodata pixel says so."""
    import numpy as np
    import rasterio
    from affine import Affine

    folder = tmp_path / "栅格 项目"
    folder.mkdir()
    ndvi = np.full((40, 40), 0.25, dtype="float32")
    ndvi[:, :10] = 0.75  # x 0..1000 m: the park side
    ndvi[0, 39] = -9999.0  # nodata, top right pixel
    tif = folder / "植被 指数.tif"
    with rasterio.open(tif, "w", driver="GTiff", width=40, height=40, count=1, dtype="float32", crs="EPSG:4544",
                       transform=Affine(100.0, 0, build.X0, 0, -100.0, build.Y0 + 4000), nodata=-9999.0) as ds:
        ds.write(ndvi, 1)
    layers = [{"name": "NDVI", "source": str(tif), "role": "vegetation_raster"},
              {"name": "绿地", "source": str(town_data), "layer": "green_space", "role": "green_space"}]
    window.ops.open_project(build.write_project(folder, layers), ask=False)
    wait_idle(window)
    w = window
    w.actions["tool.identify"].trigger()

    def click(dx: float, dy: float) -> dict[str, str]:
        px, py = w.canvas.view.to_pixel(*at(build, dx, dy))
        qtbot.mouseClick(w.canvas, Qt.MouseButton.LeftButton, pos=QPoint(int(px), int(py)))
        return w.identify_panel.values()

    values = click(150, 500)  # in the park, NDVI 0.75
    assert values["name（名称）"] == "人民公园" and values["NDVI"] == "0.75"
    values = click(2500, 500)  # no feature: the raster alone
    assert values == {"NDVI": "0.25"} and "栅格值" in w.identify_panel.title.text()
    assert w.model.selection == {}
    assert click(3950, 3950) == {"NDVI": "（无数据）"}
    w.set_language("en")
    assert w.identify_panel.values() == {"NDVI": "(no data)"}
    w.set_language("zh")
