"""Edit > Undo / Redo over the project's undo stack, and the title's modified mark."""

from __future__ import annotations

from PySide6.QtGui import QKeySequence


def key_of(w, role: str) -> int:
    return next(e.key for e in w.model.entries if e.spec.role == role)


def edit_menu_actions(w) -> dict[str, object]:
    menu = w.menus["edit"]
    menu.aboutToShow.emit()
    return {a.objectName(): a for a in menu.actions()}


def test_undo_and_redo_a_rename_from_the_edit_menu(opened):
    w = opened
    key = key_of(w, "roads")
    acts = edit_menu_actions(w)
    undo, redo = acts["edit.undo"], acts["edit.redo"]
    assert not undo.isEnabled() and not redo.isEnabled()
    assert undo.text() == "撤销(&U)" and w.menus["edit"].title() == "编辑(&E)"
    assert not w.isWindowModified() and " *" not in w.windowTitle()

    w.model.rename(key, "县道")
    item = w.layer_panel.item_for(key)
    assert item.text(0) == "县道"
    assert undo.isEnabled() and undo.text() == "撤销 重命名图层(&U)"
    assert w.isWindowModified() and "测试 县（测试 项目.greenplan.toml） *" in w.windowTitle()

    undo.trigger()  # the Edit menu's item
    assert w.model.entry(key).spec.name == "roads图层" and w.layer_panel.item_for(key).text(0) == "roads图层"
    assert not w.isWindowModified() and " *" not in w.windowTitle()  # back at the saved point
    assert not undo.isEnabled() and redo.isEnabled() and redo.text() == "重做 重命名图层(&R)"

    redo.trigger()
    assert w.model.entry(key).spec.name == "县道" and w.isWindowModified()

    w.set_language("en")
    assert undo.text() == "&Undo Rename layer" and w.menus["edit"].title() == "&Edit"
    w.set_language("zh")


def test_the_shortcuts_are_the_usual_ones(window):
    acts = edit_menu_actions(window)
    assert acts["edit.undo"].shortcut() == QKeySequence(QKeySequence.StandardKey.Undo)
    assert [s.toString() for s in acts["edit.redo"].shortcuts()] == ["Ctrl+Y", "Ctrl+Shift+Z"]


def test_undo_after_save_marks_the_project_modified_again(opened):
    w = opened
    key = key_of(w, "green_space")
    w.model.set_visible(key, False)
    assert w.isWindowModified()
    assert w.ops.save()
    assert not w.isWindowModified() and not w.model.dirty

    edit_menu_actions(w)["edit.undo"].trigger()  # away from what was saved
    assert w.model.entry(key).spec.visible and w.model.dirty and w.isWindowModified()
    assert w.layer_panel.item_for(key).checkState(0).name == "Checked"
    edit_menu_actions(w)["edit.redo"].trigger()  # back at it
    assert not w.model.entry(key).spec.visible and not w.model.dirty and not w.isWindowModified()


def test_a_new_project_forgets_the_edits(opened):
    w = opened
    w.model.rename(key_of(w, "roads"), "县道")
    w.ops.new_project()  # the scripted answer discards the change
    acts = edit_menu_actions(w)
    assert not acts["edit.undo"].isEnabled() and acts["edit.undo"].text() == "撤销(&U)"
    assert not w.isWindowModified()
