"""The layer panel built around a bare ProjectState, no main window (napari's widget tests)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt

from greenplan.app.project_state import ProjectState
from greenplan.core.project import LayerSpec
from greenplan.gui.panels.layer_panel import LayerPanel
from greenplan.gui.project_model import ProjectModel


def layer_texts(panel: LayerPanel) -> list[str]:
    out = []
    for i in range(panel.topLevelItemCount()):
        group = panel.topLevelItem(i)
        out += [group.child(j).text(0) for j in range(group.childCount())]
    return out


def test_the_panel_follows_the_state_and_edits_it(qtbot):
    state = ProjectState()
    panel = LayerPanel(ProjectModel(state=state))
    qtbot.addWidget(panel)
    assert panel.topLevelItemCount() == 0

    roads, park = state.add_specs([LayerSpec(source=Path("道路 图层.shp"), name="道路", role="roads"),
                                   LayerSpec(source=Path("公园.shp"), name="公园", role="green_space")])
    assert sorted(t.split(" ")[0] for t in layer_texts(panel)) == ["公园", "道路"]

    state.rename(roads, "县道")
    assert panel.item_for(roads).text(0).startswith("县道")

    # widget -> state: unticking the box hides the layer, one undo step
    panel.item_for(park).setCheckState(0, Qt.CheckState.Unchecked)
    assert state.entry(park).spec.visible is False
    assert state.undo_stack.next_undo.text == "Hide layer"

    # the panel's current row is the state's current layer
    panel.setCurrentItem(panel.item_for(park))
    assert state.current_key == park

    state.undo()  # shown again, and the box follows
    assert panel.item_for(park).checkState(0) == Qt.CheckState.Checked
    state.undo()  # the old name
    assert panel.item_for(roads).text(0).startswith("道路")
    state.undo()  # no layers
    assert layer_texts(panel) == [] and state.current_key == 0 and not state.dirty
