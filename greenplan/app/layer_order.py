"""Layers grouped by role, and moves within that grouping (Qt-free).

The layer panel shows the project's layers grouped by role; the project keeps one list,
drawn bottom first. A group sits where its topmost layer is. Dragging a layer moves it
inside its group; dragging a group moves the whole group. The new project order is the
flattened grouping, so after a move every group's layers are drawn together.

A new layer goes where its role conventionally is (:data:`CONVENTIONAL`, next to the
layers of the same role), without moving the layers already there.
"""

from __future__ import annotations

from collections.abc import Sequence

Groups = list[tuple[str, list[int]]]


def group_layers(items: Sequence[tuple[int, str | None]]) -> Groups:
    """``[(group, keys top first), ...]``, top group first, from (key, role) bottom first.

    Examples
    --------
    >>> group_layers([(1, "land_use"), (2, "roads"), (3, "land_use")])
    [('land_use', [3, 1]), ('roads', [2])]
    """
    top: dict[str, int] = {}
    members: dict[str, list[int]] = {}
    for i, (key, role) in enumerate(items):
        g = role or ""
        top[g] = i
        members.setdefault(g, []).append(key)
    order = sorted(top, key=lambda g: -top[g])
    return [(g, list(reversed(members[g]))) for g in order]


def flatten(groups: Groups) -> list[int]:
    """Keys bottom first (the project's order) from the grouping.

    Examples
    --------
    >>> flatten([('land_use', [3, 1]), ('roads', [2])])
    [2, 1, 3]
    """
    out: list[int] = []
    for _, keys in reversed(groups):
        out.extend(reversed(keys))
    return out


def move_layer(groups: Groups, key: int, target: int, below: bool) -> Groups | None:
    """Move layer ``key`` next to layer ``target`` of the same group (None if not allowed).

    ``below`` puts it under the target in the panel (drawn before it).

    Examples
    --------
    >>> move_layer([('land_use', [3, 1, 5])], 5, 3, below=False)
    [('land_use', [5, 3, 1])]
    """
    for g, keys in groups:
        if key in keys and target in keys:
            if key == target:
                return None
            rest = [k for k in keys if k != key]
            pos = rest.index(target) + (1 if below else 0)
            rest.insert(pos, key)
            return [(gg, rest if gg == g else list(kk)) for gg, kk in groups]
    return None


def move_group(groups: Groups, group: str, target: str, below: bool) -> Groups | None:
    """Move a whole group next to group ``target`` (None if not allowed).

    Examples
    --------
    >>> move_group([('a', [1]), ('b', [2]), ('c', [3])], 'c', 'a', below=False)
    [('c', [3]), ('a', [1]), ('b', [2])]
    """
    names = [g for g, _ in groups]
    if group == target or group not in names or target not in names:
        return None
    moving = groups[names.index(group)]
    rest = [x for x in groups if x[0] != group]
    pos = [g for g, _ in rest].index(target) + (1 if below else 0)
    rest.insert(pos, moving)
    return rest


#: the conventional drawing order of roles, bottom first: rasters under everything, areas,
#: then lines, then the boundaries (drawn as outlines) on top; ``"raster"`` and ``""`` are
#: rasters and vector layers without a role (reference layers)
CONVENTIONAL: tuple[str, ...] = (
    "raster", "vegetation_raster", "dsm_raster", "land_use", "permanent_farmland", "ecological_redline",
    "green_space", "idle_land", "rivers", "buildings", "roads", "built_up_area", "urban_boundary",
    "admin_units", "",
)


def _rank(role: str | None, raster: bool = False) -> int:
    key = role or ("raster" if raster else "")
    return CONVENTIONAL.index(key) if key in CONVENTIONAL else len(CONVENTIONAL)


def insert_index(existing: Sequence[tuple[str | None, bool]], role: str | None, raster: bool = False) -> int:
    """Where a new layer of ``role`` goes among ``existing`` ((role, is raster), bottom first).

    Just above the topmost layer of the same role, if there is one; otherwise just above the
    topmost layer that comes before it in :data:`CONVENTIONAL` (the bottom if none). The
    layers already there keep their order.

    Examples
    --------
    >>> insert_index([("land_use", False), ("roads", False), ("admin_units", False)], "land_use")
    1
    >>> insert_index([("land_use", False), ("roads", False), ("admin_units", False)], "buildings")
    1
    >>> insert_index([("land_use", False)], None, raster=True)
    0
    >>> insert_index([("land_use", False)], "admin_units")
    1
    """
    key = role or ("raster" if raster else "")
    same = [i for i, (r, ras) in enumerate(existing) if (r or ("raster" if ras else "")) == key]
    if same:
        return same[-1] + 1
    rank = _rank(role, raster)
    below = [i for i, (r, ras) in enumerate(existing) if _rank(r, ras) < rank]
    return below[-1] + 1 if below else 0


def add_in_place(state, specs: Sequence, is_raster=lambda spec: False) -> list[int]:
    """Add ``specs`` to ``state`` (a :class:`~greenplan.app.project_state.ProjectState`), each
    at its conventional place (:func:`insert_index`), as one undo step; their keys.

    ``state.add_specs`` puts new layers on top; they are then moved into place and the two
    commands are joined, so one Ctrl+Z removes them.
    """
    from greenplan.app.undo import Command

    stack = state.undo_stack
    before = stack.index
    keys = state.add_specs(list(specs))
    if not keys:
        return keys
    order = [k for k in state.keys if k not in keys]
    items = [(state.entry(k).spec.role, is_raster(state.entry(k).spec)) for k in order]
    for key, spec in zip(keys, specs, strict=True):
        i = insert_index(items, spec.role, is_raster(spec))
        order.insert(i, key)
        items.insert(i, (spec.role, is_raster(spec)))
    state.set_order(order)
    if stack.index == before + 2:  # join "Add layers" and "Reorder layers" into one step
        add, move = stack.commands[before], stack.commands[before + 1]

        def redo() -> None:
            add.redo()
            move.redo()

        def undo() -> None:
            move.undo()
            add.undo()

        del stack.commands[before:]
        stack.commands.append(Command(add.text, redo, undo, add.text_zh))
        stack.index = before + 1
        stack._changed()
    return keys
