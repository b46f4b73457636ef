"""A new layer goes to its role's conventional place without moving the layers already there;
the add (and a removal) is one undo step. Qt-free."""

from __future__ import annotations

from pathlib import Path

from greenplan.app.layer_order import add_in_place, group_layers, insert_index
from greenplan.app.project_state import ProjectState
from greenplan.core.project import LayerSpec


def _state(roles):
    state = ProjectState()
    state.add_specs([LayerSpec(source=Path(f"{r or 'ref'}{i}.shp"), role=r) for i, r in enumerate(roles)])
    state.set_dirty(False)
    return state


def _is_raster(spec) -> bool:
    return spec.source.suffix == ".tif"


def test_new_layer_joins_its_role_group_without_moving_it() -> None:
    # the demo county's order, bottom first: land use at the bottom, townships on top
    state = _state(["land_use", "permanent_farmland", "roads", "admin_units"])
    before = state.keys
    groups_before = [g for g, _ in group_layers([(e.key, e.spec.role) for e in state.entries])]
    (key,) = add_in_place(state, [LayerSpec(source=Path("DLTB2.shp"), role="land_use")], _is_raster)
    assert [e.spec.role for e in state.entries] == ["land_use", "land_use", "permanent_farmland", "roads", "admin_units"]
    assert state.keys[1] == key and [k for k in state.keys if k != key] == before
    assert [g for g, _ in group_layers([(e.key, e.spec.role) for e in state.entries])] == groups_before


def test_new_role_goes_to_its_conventional_place() -> None:
    state = _state(["land_use", "roads", "admin_units"])
    add_in_place(state, [LayerSpec(source=Path("jzw.shp"), role="buildings"),
                         LayerSpec(source=Path("dsm.tif"), role="dsm_raster"),
                         LayerSpec(source=Path("poi.shp"))], _is_raster)
    assert [e.spec.role for e in state.entries] == ["dsm_raster", "land_use", "buildings", "roads", "admin_units", None]


def test_add_is_one_undo_step_and_redo_restores_the_place() -> None:
    state = _state(["land_use", "admin_units"])
    before = state.keys
    add_in_place(state, [LayerSpec(source=Path("hl.shp"), role="rivers")], _is_raster)
    after = state.keys
    assert state.dirty and len(state.undo_stack.commands) == 2
    assert state.undo_stack.next_undo.label("zh") == "添加图层"
    state.undo()
    assert state.keys == before and not state.dirty
    state.redo()
    assert state.keys == after and state.entries[1].spec.role == "rivers"


def test_removal_is_undone_in_place() -> None:
    state = _state(["land_use", "roads", "admin_units"])
    before = state.keys
    state.remove(before[1])
    assert [e.spec.role for e in state.entries] == ["land_use", "admin_units"]
    state.undo()
    assert state.keys == before and [s.role for s in state.project.layers] == ["land_use", "roads", "admin_units"]


def test_insert_index_on_an_empty_project() -> None:
    assert insert_index([], "roads") == 0
