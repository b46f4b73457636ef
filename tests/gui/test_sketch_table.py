"""The sketch attribute table (#15): typed editors, validation, undo; source tables stay
read-only and say so; numbers right-aligned with fixed decimals."""

from __future__ import annotations

import pandas as pd
import pytest
import shapely
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QDoubleSpinBox, QLineEdit

from greenplan.app.sketch_feature import SketchFeature


@pytest.fixture
def table(opened, build):
    w = opened
    st = w.sketch.state
    st.add(SketchFeature("pocket_park", build.box(400, 300, 300, 300)))
    st.add(SketchFeature.belt([(build.X0 + 100, build.Y0 + 1500), (build.X0 + 900, build.Y0 + 1500)], 20.0))
    return w.sketch.open_table()


def cell(t, row: int, key: str):
    from greenplan.gui.panels.sketch_table import COLUMNS

    return t.model.index(row, [k for k, _ in COLUMNS].index(key))


def edit(qtbot, t, index):
    """Open the cell's editor as a double-click does; returns it."""
    t.view.setCurrentIndex(index)
    t.view.edit(index)
    editor = t.view.indexWidget(index) or t.view.focusWidget()
    assert editor is not None
    return editor


def commit(t, editor) -> None:
    t.view.commitData(editor)
    t.view.closeEditor(editor, t.view.itemDelegate().EndEditHint.NoHint)


def test_rows_numbers_and_read_only_columns(qtbot, opened, table, build) -> None:
    t = table
    assert t.model.rowCount() == 2
    area = t.model.data(cell(t, 0, "area"))
    assert area == "90000.0"  # 300 m × 300 m, one fixed decimal
    assert t.model.data(cell(t, 1, "area")) == f"{800 * 20:.1f}"  # the belt: 800 m × 20 m
    assert t.model.data(cell(t, 1, "width_m")) == "20.0" and t.model.data(cell(t, 0, "width_m")) == ""
    right = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    assert t.model.data(cell(t, 0, "gs_share"), Qt.ItemDataRole.TextAlignmentRole) == right
    assert t.model.data(cell(t, 0, "name"), Qt.ItemDataRole.TextAlignmentRole) is None
    assert not t.model.flags(cell(t, 0, "area")) & Qt.ItemFlag.ItemIsEditable
    assert t.model.flags(cell(t, 0, "name")) & Qt.ItemFlag.ItemIsEditable
    assert t.model.data(cell(t, 0, "kind")) == "口袋公园" and t.model.data(cell(t, 0, "cls")) == "G1 公园绿地"
    # the conflict column: the belt along y = 1500 has its northern half on the farmland (y 1500..2000)
    assert t.model.data(cell(t, 0, "conflict")) == ""
    farmland = build.box(0, 1500, 1000, 500)
    belt = opened.sketch.state.features[1].geometry
    from greenplan.analysis.wording import format_area

    assert t.model.data(cell(t, 1, "conflict")) == f"占用永久基本农田 {format_area(belt.intersection(farmland).area)}"


def test_typed_editors_change_the_sketch_with_undo(qtbot, opened, table) -> None:
    w, t = opened, table
    # the name: a text editor
    editor = edit(qtbot, t, cell(t, 0, "name"))
    assert isinstance(editor, QLineEdit)
    editor.setText("街角 公园")
    commit(t, editor)
    assert w.sketch.state.features[0].name == "街角 公园"
    assert t.model.data(cell(t, 0, "name")) == "街角 公园"
    # the class: the standard's classes in a list
    editor = edit(qtbot, t, cell(t, 0, "cls"))
    assert isinstance(editor, QComboBox) and editor.findData("G14") >= 0 and editor.findData("XG") >= 0
    editor.setCurrentIndex(editor.findData("G14"))
    commit(t, editor)
    assert w.sketch.state.features[0].cls == "G14"
    # the share: a 0-1 spin box
    editor = edit(qtbot, t, cell(t, 0, "gs_share"))
    assert isinstance(editor, QDoubleSpinBox) and editor.maximum() == 1.0 and editor.minimum() == 0.0
    editor.setValue(0.75)
    commit(t, editor)
    assert w.sketch.state.features[0].gs_share == pytest.approx(0.75)
    assert t.model.data(cell(t, 0, "gs_share")) == "0.75"
    # the kind: a list; a new kind brings its default class
    editor = edit(qtbot, t, cell(t, 0, "kind"))
    assert isinstance(editor, QComboBox)
    editor.setCurrentIndex(editor.findData("rooftop"))
    commit(t, editor)
    f = w.sketch.state.features[0]
    assert (f.kind, f.cls) == ("rooftop", "XG")
    # each edit is one undo step, and the table follows undo and redo
    w.actions["edit.undo"].trigger()
    assert w.sketch.state.features[0].kind == "pocket_park" and t.model.data(cell(t, 0, "kind")) == "口袋公园"
    w.actions["edit.undo"].trigger()
    assert t.model.data(cell(t, 0, "gs_share")) == "1.00"
    w.actions["edit.undo"].trigger()
    w.actions["edit.undo"].trigger()
    assert w.sketch.state.features[0].name == "" and t.model.data(cell(t, 0, "name")) == ""
    w.actions["edit.redo"].trigger()
    assert t.model.data(cell(t, 0, "name")) == "街角 公园"


def test_invalid_values_are_refused_with_a_reason(qtbot, opened, table) -> None:
    w, t = opened, table
    undo_text = w.actions["edit.undo"].text()
    editor = edit(qtbot, t, cell(t, 0, "cls"))
    editor.setEditText("G99")  # typed: not a class of the standard
    commit(t, editor)
    assert w.sketch.state.features[0].cls == "G1"
    assert "G99" in t.last_refusal and "CJJ/T 85" in w.statusBar().currentMessage()
    assert not t.model.setData(cell(t, 0, "gs_share"), 1.5)  # outside 0-1 (a typed value, not the spin box)
    assert not t.model.setData(cell(t, 0, "gs_share"), "很多")
    assert w.sketch.state.features[0].gs_share == 1.0 and "0" in t.last_refusal
    assert not t.model.setData(cell(t, 0, "area"), 5.0)  # computed, not editable
    assert w.actions["edit.undo"].text() == undo_text  # nothing was pushed
    # a typed class code is accepted in any case
    assert t.model.setData(cell(t, 0, "cls"), "g13")
    assert w.sketch.state.features[0].cls == "G13"


def test_a_source_table_is_read_only_and_says_so(qtbot, opened) -> None:
    w = opened
    key = next(e.key for e in w.model.entries if e.spec.role == "land_use")
    table = w.open_attribute_table(key)
    m = table.table_model
    idx = m.index(0, 0)
    assert not m.flags(idx) & Qt.ItemFlag.ItemIsEditable
    assert not m.setData(idx, "x")
    assert table.readonly_label.text() == "只读：源数据不会被修改"
    gdf = w.model.entry(key).gdf
    # numbers: right-aligned, fixed decimals per field (independent: numpy's dtype)
    for c, name in enumerate(m.columns):
        align = m.data(m.index(0, c), Qt.ItemDataRole.TextAlignmentRole)
        numeric = pd.api.types.is_numeric_dtype(gdf[name].dtype)
        assert (align is not None) == numeric, name


def test_a_belts_width_is_edited_and_the_belt_drawn_again(qtbot, opened, table) -> None:
    w, t = opened, table
    assert not t.model.flags(cell(t, 0, "width_m")) & Qt.ItemFlag.ItemIsEditable  # a park has no width
    editor = edit(qtbot, t, cell(t, 1, "width_m"))
    assert isinstance(editor, QDoubleSpinBox) and editor.value() == 20.0
    editor.setValue(30.0)
    commit(t, editor)
    belt = w.sketch.state.features[1]
    centre = shapely.from_wkt(belt.centre_wkt)
    assert belt.width_m == 30.0 and centre.length == pytest.approx(800)
    assert belt.geometry.area == pytest.approx(800 * 30)  # independent: the centre line's length × width
    assert t.model.data(cell(t, 1, "area")) == "24000.0" and t.model.data(cell(t, 1, "width_m")) == "30.0"
    assert not t.model.setData(cell(t, 1, "width_m"), 0.2)  # too narrow: refused
    assert "1 到 500" in t.last_refusal
    w.actions["edit.undo"].trigger()
    assert w.sketch.state.features[1].geometry.area == pytest.approx(800 * 20)


def test_an_edit_of_several_selected_rows_applies_to_all_in_one_undo_step(qtbot, opened, table) -> None:
    w, t = opened, table
    w.sketch.state.add(w.sketch.state.features[0].moved(0, -400))  # a third feature: a second park
    assert t.model.rowCount() == 3
    # click row 0's name, Ctrl+click row 2's, then double-click row 2's class to edit it
    vp = t.view.viewport()
    qtbot.mouseClick(vp, Qt.MouseButton.LeftButton, pos=t.view.visualRect(cell(t, 0, "name")).center())
    qtbot.mouseClick(vp, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.ControlModifier,
                     pos=t.view.visualRect(cell(t, 2, "name")).center())
    assert t.selected_rows() == [0, 2]
    assert w.sketch.selection() == [0, 2]  # the map's sketch selection follows the table
    before = [f.cls for f in w.sketch.state.features]
    at = t.view.visualRect(cell(t, 2, "cls")).center()
    qtbot.mouseClick(vp, Qt.MouseButton.LeftButton, pos=at)  # a double-click: a click, then the double-click
    qtbot.mouseDClick(vp, Qt.MouseButton.LeftButton, pos=at)
    qtbot.wait(20)
    assert t.selected_rows() == [0, 2]  # the double-click kept the selection
    editor = t.view.indexWidget(cell(t, 2, "cls")) or t.view.focusWidget()
    assert isinstance(editor, QComboBox)
    editor.setEditText("G13")
    commit(t, editor)
    # rows 0 and 2 change; row 1 (the belt, not selected) keeps its class
    assert [f.cls for f in w.sketch.state.features] == ["G13", before[1], "G13"]
    assert "修改 2 个草图要素" in w.actions["edit.undo"].text()
    assert t.selected_rows() == [0, 2]  # still selected: the next edit applies to both again
    # the width applies to the belts among the selected rows only: none here, so nothing changes
    assert not t.model.setData(cell(t, 0, "width_m"), 30.0)
    w.actions["edit.undo"].trigger()
    assert [f.cls for f in w.sketch.state.features] == before
    # an edit of a row outside the selection changes that row only
    assert t.model.setData(cell(t, 1, "name"), "滨河绿带")
    assert [f.name for f in w.sketch.state.features] == ["", "滨河绿带", ""]
