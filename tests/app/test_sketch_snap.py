"""Snapping to the nearest vertex of the visible layers (STRtree, tolerance in map units)."""

from __future__ import annotations

import numpy as np
import pytest
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


def test_crossings_of_edges_between_vertices_and_segments() -> None:
    from greenplan.app.sketch_snap import snap_point

    parcels = layer(shapely.box(0, 0, 10, 10), shapely.box(10, 0, 20, 10))  # sharing the edge x = 10
    road = layer(shapely.LineString([(0, 2), (20, 6)]))  # y = 2 + x / 5: crosses x = 10 at y = 4
    # near (10, 4): the road crosses the shared boundary there (by hand), not a vertex of either
    x, y, kind = snap_point([parcels, road], 10.4, 4.3, 1.0)
    assert kind == "intersection" and (x, y) == pytest.approx((10.0, 4.0))
    # along the shared boundary alone (the two parcels' edges overlap, they do not cross): an edge point
    assert snap_point([parcels], 10.3, 7.0, 1.0) == (10.0, 7.0, "segment")
    # a vertex within reach still wins over a nearer crossing
    assert snap_point([parcels, road], 10.2, 9.4, 1.0) == (10.0, 10.0, "vertex")
    # two layers' lines: the crossing point of y = x and x + y = 10 is (5, 5)
    a = layer(shapely.LineString([(0, 0), (10, 10)]))
    b = layer(shapely.LineString([(0, 10), (10, 0)]))
    x, y, kind = snap_point([a, b], 5.5, 5.2, 1.0)
    assert kind == "intersection" and (x, y) == pytest.approx((5.0, 5.0))
    # too far from the crossing but near a line: the foot of the perpendicular on y = x
    x, y, kind = snap_point([a, b], 7.5, 7.9, 0.5)
    assert kind == "segment" and (x, y) == pytest.approx((7.7, 7.7))
