"""Select by location against plain shapely predicates row by row (an independent answer)."""

from __future__ import annotations

import numpy as np
import pytest
import shapely

from greenplan.app.select_location import (
    SelectionError,
    combine_selection,
    select_by_location,
    select_in_polygon,
)


@pytest.fixture
def grid() -> np.ndarray:
    """A 10 × 10 grid of 10 m parcels, plus a line and a missing geometry."""
    xs, ys = np.meshgrid(np.arange(10) * 10.0, np.arange(10) * 10.0)
    boxes = shapely.box(xs.ravel(), ys.ravel(), xs.ravel() + 10, ys.ravel() + 10)
    return np.concatenate([boxes, [shapely.LineString([(-5, -5), (2, 2)]), None]]).astype(object)


RED_LINE = np.array([shapely.box(15, 15, 45, 45), shapely.Polygon([(60, 60), (100, 60), (100, 100)])], dtype=object)


def _by_loop(geoms, reference, predicate):
    """Row by row with shapely's scalar predicates: the independent answer."""
    out = []
    for i, g in enumerate(geoms):
        if g is None:
            continue
        if predicate == "intersects" and any(g.intersects(r) for r in reference):
            out.append(i)
        elif predicate == "within" and any(g.within(r) for r in reference):
            out.append(i)
        elif predicate == "disjoint" and not any(g.intersects(r) for r in reference):
            out.append(i)
    return out


@pytest.mark.parametrize("predicate", ["intersects", "within", "disjoint"])
def test_matches_the_row_by_row_answer(grid, predicate):
    got = select_by_location(grid, RED_LINE, predicate).tolist()
    assert got == _by_loop(grid, RED_LINE, predicate)


def test_known_counts(grid):
    # box 15..45: rows/cols 1..4 intersect (4 × 4 = 16), only 2..3 lie within (2 × 2 = 4); the
    # triangle 60..100 holds the boxes above its diagonal strictly: (6,7),(6,8),(6,9),(7,8),(7,9),(8,9)
    within = select_by_location(grid, RED_LINE, "within")
    assert len(within) == 4 + 6
    assert len(select_by_location(grid, RED_LINE[:1], "intersects")) == 16


def test_selection_as_reference_and_a_tree_reused(grid):
    tree = shapely.STRtree(grid)
    selected = grid[[0, 1]]  # two parcels of the current selection as the reference
    got = select_by_location(grid, selected, "intersects", tree=tree)
    assert got.tolist() == _by_loop(grid, selected, "intersects")


def test_invalid_reference_and_empty_inputs(grid):
    bowtie = shapely.Polygon([(0, 0), (30, 30), (30, 0), (0, 30)])
    assert len(select_by_location(grid, np.array([bowtie], dtype=object), "intersects")) > 0
    assert select_by_location(grid, np.array([], dtype=object), "intersects").tolist() == []
    assert len(select_by_location(grid, np.array([None], dtype=object), "disjoint")) == len(grid)
    with pytest.raises(SelectionError) as info:
        select_by_location(grid, RED_LINE, "touches")
    assert "未知的空间关系" in info.value.message("zh")


def test_rectangle_and_polygon_tools(grid):
    assert select_in_polygon(grid, shapely.box(1, 1, 9, 9)).tolist() == [0, 100]  # the line crosses it too
    poly = shapely.Polygon([(0, 0), (25, 0), (0, 25)])
    assert select_in_polygon(grid, poly).tolist() == _by_loop(grid, [poly], "intersects")


def test_combine_modes():
    cur = np.array([1, 2, 3])
    assert combine_selection(cur, np.array([3, 4]), "new").tolist() == [3, 4]
    assert combine_selection(cur, np.array([3, 4]), "add").tolist() == [1, 2, 3, 4]
    assert combine_selection(cur, np.array([3, 4]), "remove").tolist() == [1, 2]
    assert combine_selection(cur, np.array([3, 4]), "intersect").tolist() == [3]
    assert combine_selection(None, np.array([5]), "intersect").tolist() == []
