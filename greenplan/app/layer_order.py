"""Layers grouped by role, and moves within that grouping (Qt-free).

The layer panel shows the project's layers grouped by role; the project keeps one list,
drawn bottom first. A group sits where its topmost layer is. Dragging a layer moves it
inside its group; dragging a group moves the whole group. The new project order is the
flattened grouping, so after a move every group's layers are drawn together.
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
