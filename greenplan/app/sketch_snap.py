"""Snapping a sketch's vertices to the vertices of the visible layers (issue #15), without Qt.

The canvas already holds an STRtree of every drawn layer's geometries
(:class:`~greenplan.app.render_cache.PreparedLayer`); a snap queries each tree with the
tolerance square around the mouse, takes the vertices of the few geometries hit and returns
the nearest one within the tolerance. No vertex index is built, so nothing waits when a layer
is loaded.
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
