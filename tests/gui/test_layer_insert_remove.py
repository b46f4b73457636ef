"""Adding a layer in the window puts it at its role's place; removing asks nothing and Ctrl+Z brings it back."""

from __future__ import annotations

from greenplan.core.project import LayerSpec

from .conftest import ROLES


def test_add_goes_to_the_role_group_and_remove_is_undone_without_a_question(opened, town_data, wait_idle) -> None:
    w = opened
    before = w.model.keys
    w.ops.add_specs([LayerSpec(source=town_data, layer="land_use", name="第二个地类", role="land_use")])
    wait_idle(w)
    roles = [e.spec.role for e in w.model.entries]
    assert roles == [ROLES[0], *ROLES]  # next to the other land use, at the bottom, nothing else moved
    assert [k for k in w.model.keys if k not in before] == [w.model.keys[1]]
    assert w.model.entries[1].display is not None and w.model.entries[1].error is None

    roads = next(e.key for e in w.model.entries if e.spec.role == "roads")
    w.ops.remove_layer(roads)
    assert roads not in w.model.keys and w.prompt.asked == []
    w.actions["edit.undo"].trigger()
    assert roads in w.model.keys and [e.spec.role for e in w.model.entries] == [ROLES[0], *ROLES]
    w.model.undo()  # the add, in one step
    assert w.model.keys == before
