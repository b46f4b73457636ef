"""The project properties dialog (File → Project properties…, also after File → New project)."""

from __future__ import annotations

from pathlib import Path

from greenplan.core.project import read_project

SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def _fill(dialog, crs: str) -> None:
    dialog.name.setText("示范县")
    dialog.meta["organisation"].setText("示范县自然资源局")
    dialog.meta["data_source"].setText("第三次全国国土调查（2023 年）")
    dialog.meta["date"].setText("2026-06-30")
    dialog.crs_fixed.setChecked(True)
    i = dialog.crs_combo.findData(crs)
    if i >= 0:
        dialog.crs_combo.setCurrentIndex(i)
    else:
        dialog.crs_combo.setEditText(crs)


def test_new_project_dialog_sets_name_metadata_crs_and_undo(window, qtbot, tmp_path):
    from greenplan.app.project_props import ProjectProps
    from greenplan.render.decorations import footer_texts

    window.actions["file.new"].trigger()
    dialog = window.project_dialog
    qtbot.waitUntil(dialog.isVisible)
    assert dialog.windowTitle() == "项目属性"
    assert dialog.crs_auto.isChecked() and "EPSG:4544" in dialog.crs_auto.text()  # no layers: the default zone
    # the searchable list holds the CGCS2000 zones with their central meridians
    i = dialog.crs_combo.findData("EPSG:4545")
    assert i >= 0 and "108°E" in dialog.crs_combo.itemText(i)

    _fill(dialog, "EPSG:4544")
    dialog.resize(620, dialog.sizeHint().height())
    dialog.grab().save("/tmp/project_dialog.png")
    dialog.buttons.button(dialog.buttons.StandardButton.Ok).click()
    assert not dialog.isVisible()

    p = window.model.project
    assert "示范县" in window.windowTitle()
    assert (p.name, p.crs, p.metadata["organisation"]) == ("示范县", "EPSG:4544", "示范县自然资源局")
    # the map footer prints the organisation and the data source (jobs.sheet passes project.metadata)
    footer = footer_texts({**p.metadata, "project_name": p.name}, "CGCS2000")
    assert footer["org"] == "编制单位：示范县自然资源局" and "第三次全国国土调查" in footer["source"]
    assert footer["date"] == "编制日期：2026年6月"

    target = tmp_path / "示范县.greenplan.toml"
    assert window.ops.save_as(target)
    back, _ = read_project(target)
    assert (back.name, back.crs) == ("示范县", "EPSG:4544")
    assert back.metadata["organisation"] == "示范县自然资源局"
    assert back.metadata["data_source"] == "第三次全国国土调查（2023 年）"

    # Edit → Undo reverts the whole dialog in one step
    assert "撤销 修改项目属性" in window.actions["edit.undo"].text()
    window.actions["edit.undo"].trigger()
    assert (p.name, p.crs, p.metadata) == ("未命名项目", None, {})
    assert "未命名项目" in window.windowTitle() or target.name in window.windowTitle()
    assert ProjectProps.from_project(p).metadata["organisation"] == ""


def test_bad_epsg_keeps_dialog_open(window, qtbot):
    dialog = window.show_project_properties()
    qtbot.waitUntil(dialog.isVisible)
    _fill(dialog, "EPSG:99999")
    dialog.buttons.button(dialog.buttons.StandardButton.Ok).click()
    assert dialog.isVisible() and dialog.error.isVisible()
    assert "无法识别的坐标系" in dialog.error.text() and "EPSG:99999" in dialog.error.text()
    assert window.model.project.name != "示范县" and not window.model.undo_stack.can_undo
    dialog.meta["date"].setText("2026-02-30")
    dialog.crs_combo.setEditText("4546")  # a free EPSG entry
    dialog.buttons.button(dialog.buttons.StandardButton.Ok).click()
    assert dialog.isVisible() and "不是有效日期" in dialog.error.text()
    dialog.meta["date"].setText("")
    dialog.buttons.button(dialog.buttons.StandardButton.Ok).click()
    assert not dialog.isVisible() and window.model.project.crs == "EPSG:4546"


def test_crs_change_makes_canvas_choose_again(opened, qtbot, wait_idle):
    w = opened
    assert w.model.crs.to_epsg() == 4544
    dialog = w.show_project_properties()
    qtbot.waitUntil(dialog.isVisible)
    assert dialog.crs_auto.isChecked() and "EPSG:4544" in dialog.crs_auto.text()
    assert "3度带" in dialog.crs_auto_note.text()  # why this zone
    dialog.crs_fixed.setChecked(True)
    dialog.crs_combo.setCurrentIndex(dialog.crs_combo.findData("EPSG:4545"))
    dialog.buttons.button(dialog.buttons.StandardButton.Ok).click()
    qtbot.waitUntil(lambda: w.busy() or w.model.crs.to_epsg() == 4545)
    wait_idle(w)
    assert w.model.crs.to_epsg() == 4545
    w.actions["edit.undo"].trigger()
    qtbot.waitUntil(lambda: w.busy() or w.model.crs.to_epsg() == 4544)
    wait_idle(w)
    assert w.model.crs.to_epsg() == 4544 and w.model.project.crs is None


def test_screenshot_for_the_user_guide_exists():
    # taken by the first test's run (a test never writes into the source tree)
    assert (SHOTS / "project-properties.png").is_file()
