"""Snapping a sketch's vertices to the vertices and segments of the visible layers (issue #15),
without Qt.

The canvas already holds an STRtree of every drawn layer's geometries
(:class:`~greenplan.app.render_cache.PreparedLayer`); a snap queries each tree with the
tolerance square around the mouse, takes the vertices of the few geometries hit and returns
the nearest one within the tolerance; when no vertex is that close, the nearest point on
their edges (polygon boundaries, lines), found by ``shapely.shortest_line`` on those few
geometries only. Between the two, where two edges cross within the tolerance (a road centre
line over a parcel boundary, two parcels' boundaries), the crossing: vertices win over
intersections, and intersections over edges, as in QGIS. No vertex or segment index is built,
so nothing waits when a layer is loaded.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import shapely


def snap_to_vertex(layers: Iterable[tuple[shapely.STRtree, np.ndarray]], x: float, y: float,
                   tolerance: float) -> tuple[float, float] | None:
    """The vertex nearest to (x, y) within ``tolerance`` (map units) over ``layers``, or None.

    Parameters
    ----------
    layers : iterable of (STRtree, geometries)
        A tree and the array of geometries it was built on, per layer.
    x, y : float
        The mouse position in map coordinates.
    tolerance : float
        The search radius in map units (the canvas passes a few pixels × its resolution).

    Examples
    --------
    >>> geoms = np.array([shapely.box(0, 0, 10, 10), shapely.box(20, 0, 30, 10)])
    >>> snap_to_vertex([(shapely.STRtree(geoms), geoms)], 19.2, 0.5, 1.0)
    (20.0, 0.0)
    >>> snap_to_vertex([(shapely.STRtree(geoms), geoms)], 15.0, 5.0, 1.0) is None
    True
    """
    box = shapely.box(x - tolerance, y - tolerance, x + tolerance, y + tolerance)
    best: tuple[float, float] | None = None
    best_d2 = tolerance * tolerance
    for tree, geoms in layers:
        hits = tree.query(box)
        if not len(hits):
            continue
        xy = shapely.get_coordinates(geoms[hits])
        if not len(xy):
            continue
        d2 = (xy[:, 0] - x) ** 2 + (xy[:, 1] - y) ** 2
        i = int(np.argmin(d2))
        if d2[i] <= best_d2:
            best_d2 = float(d2[i])
            best = (float(xy[i, 0]), float(xy[i, 1]))
    return best


#: more edges than this near the mouse (a dense coverage zoomed out): crossings are not looked for
MAX_CROSSING_EDGES = 40


def _nearest_crossing(edges: list, box, pt, tolerance: float) -> tuple[float, float] | None:
    """The nearest point within ``tolerance`` of ``pt`` where two of ``edges`` cross (lines
    sharing a stretch, such as neighbouring parcels' common boundary, do not count there)."""
    if len(edges) < 2 or len(edges) > MAX_CROSSING_EDGES:
        return None
    near = shapely.clip_by_rect(np.asarray(edges, dtype=object), *box.bounds)  # only what is near
    i, j = np.triu_indices(len(near), 1)
    parts = shapely.get_parts(shapely.intersection(near[i], near[j]))
    pts = parts[shapely.get_type_id(parts) == 0] if len(parts) else parts
    if not len(pts):
        return None
    xy = shapely.get_coordinates(pts)
    d = np.hypot(xy[:, 0] - pt.x, xy[:, 1] - pt.y)
    k = int(np.argmin(d))
    return (float(xy[k, 0]), float(xy[k, 1])) if d[k] <= tolerance else None


def snap_point(layers: Iterable[tuple[shapely.STRtree, np.ndarray]], x: float, y: float,
               tolerance: float) -> tuple[float, float, str] | None:
    """The point (x, y) snaps to within ``tolerance``: ``(sx, sy, "vertex")`` for the nearest
    vertex of ``layers``, else ``(sx, sy, "intersection")`` where two edges cross, else
    ``(sx, sy, "segment")`` for the nearest point on an edge, else None. See
    :func:`snap_to_vertex` for the parameters.

    Examples
    --------
    >>> geoms = np.array([shapely.box(0, 0, 10, 10), shapely.LineString([(20, 0), (30, 10)])])
    >>> layers = [(shapely.STRtree(geoms), geoms)]
    >>> snap_point(layers, 9.6, 0.3, 1.0)  # a corner within reach: the vertex
    (10.0, 0.0, 'vertex')
    >>> snap_point(layers, 5.0, 10.4, 1.0)  # the middle of the top edge
    (5.0, 10.0, 'segment')
    >>> snap_point(layers, 25.5, 4.5, 1.0)  # onto the line
    (25.0, 5.0, 'segment')
    >>> snap_point(layers, 5.0, 5.0, 1.0) is None  # inside, far from every edge
    True
    >>> road = np.array([shapely.LineString([(4, -5), (4, 15)])])  # a road across the square
    >>> snap_point([*layers, (shapely.STRtree(road), road)], 4.6, 9.5, 1.0)
    (4.0, 10.0, 'intersection')
    """
    layers = list(layers)
    vertex = snap_to_vertex(layers, x, y, tolerance)
    if vertex is not None:
        return (*vertex, "vertex")
    box = shapely.box(x - tolerance, y - tolerance, x + tolerance, y + tolerance)
    pt = shapely.Point(x, y)
    best: tuple[float, float] | None = None
    best_d = tolerance
    close: list = []  # every edge within reach, for the crossings
    for tree, geoms in layers:
        hits = tree.query(box)
        if not len(hits):
            continue
        g = geoms[hits]
        poly = np.isin(shapely.get_type_id(g), (3, 6))
        edges = np.where(poly, shapely.boundary(g), g)
        d = shapely.distance(edges, pt)
        d = np.where(np.isnan(d), np.inf, d)
        close.extend(edges[d <= tolerance])
        i = int(np.argmin(d))
        if d[i] <= best_d:
            sx, sy = shapely.get_coordinates(shapely.shortest_line(edges[i], pt))[0]
            best_d, best = float(d[i]), (float(sx), float(sy))
    crossing = _nearest_crossing(close, box, pt, tolerance) if best is not None else None
    if crossing is not None:
        return (*crossing, "intersection")
    return None if best is None else (*best, "segment")
