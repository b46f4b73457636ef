"""Snapping to the nearest vertex of the visible layers (STRtree, tolerance in map units)."""

from __future__ import annotations

import numpy as np
import shapely

from greenplan.app.sketch_snap import snap_to_vertex


def layer(*geoms):
    g = np.array(geoms, dtype=object)
    return shapely.STRtree(g), g


def test_nearest_vertex_over_layers_within_the_tolerance() -> None:
    a = layer(shapely.box(0, 0, 100, 100))
    b = layer(shapely.LineString([(103, 98), (200, 98)]), shapely.Point(50, 50))
    # (101, 99): (100, 100) is √2 away, (103, 98) √5: the nearest wins across layers
    assert snap_to_vertex([a, b], 101, 99, 5) == (100.0, 100.0)
    assert snap_to_vertex([b, a], 102.6, 98.1, 5) == (103.0, 98.0)
    # a point of the edge is no vertex; beyond the tolerance nothing snaps
    assert snap_to_vertex([a], 50, 1, 5) is None
    assert snap_to_vertex([a, b], 50, 53, 2) is None and snap_to_vertex([a, b], 50, 51.5, 2) == (50.0, 50.0)
    assert snap_to_vertex([], 0, 0, 5) is None
    # holes and multiparts have vertices too
    ring = shapely.Polygon([(0, 0), (10, 0), (10, 10), (0, 10)], [[(4, 4), (6, 4), (6, 6), (4, 6)]])
    assert snap_to_vertex([layer(ring)], 4.2, 5.8, 0.5) == (4.0, 6.0)
