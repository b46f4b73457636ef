"""Select by location: the features of one layer that intersect, lie within or are disjoint
from the features of another layer (or of the current selection).

One STRtree query over the whole column (shapely 2): the tree is built over the layer
being selected (the many parcels), the reference geometries (a few red-line polygons)
are prepared once by the query and tested against it.

Rule, as in QGIS "Select by Location": *within* means within one reference feature; a
parcel that straddles two adjacent red-line polygons is within neither. (Planners' red
lines and township boundaries are drawn as separate areas, and a union of thousands of
reference polygons would cost more than the selection itself.)

Examples
--------
>>> import shapely
>>> parcels = np.array([shapely.box(0, 0, 1, 1), shapely.box(5, 5, 6, 6), shapely.box(1.5, 0, 3, 1)])
>>> zone = np.array([shapely.box(0, 0, 2, 2)])
>>> select_by_location(parcels, zone, "intersects").tolist(), select_by_location(parcels, zone, "within").tolist()
([0, 2], [0])
>>> combine_selection(np.array([0, 1]), np.array([1, 2]), "intersect").tolist()
[1]
"""

from __future__ import annotations

import numpy as np
import shapely

from greenplan.core.errors import GreenplanError

#: predicate id -> (Chinese, English) label, in the order the dialog lists them
PREDICATES = {
    "intersects": ("相交", "intersect"),
    "within": ("完全位于其内", "are within"),
    "disjoint": ("不相交", "are disjoint from"),
}

#: how a new selection combines with the current one: id -> (Chinese, English)
MODES = {
    "new": ("新建选择", "new selection"),
    "add": ("添加到当前选择", "add to the current selection"),
    "remove": ("从当前选择中移除", "remove from the current selection"),
    "intersect": ("在当前选择中选择", "select within the current selection"),
}


class SelectionError(GreenplanError):
    """A selection request that cannot be answered (unknown predicate or mode)."""


def select_by_location(
    geoms: np.ndarray,
    reference: np.ndarray,
    predicate: str = "intersects",
    *,
    tree: shapely.STRtree | None = None,
) -> np.ndarray:
    """Row numbers of ``geoms`` that satisfy ``predicate`` against any of ``reference``.

    Parameters
    ----------
    geoms : ndarray of geometries
        The layer to select from (working CRS).
    reference : ndarray of geometries
        The other layer's features, or the selected ones (same CRS). Missing geometries
        are ignored.
    predicate : {"intersects", "within", "disjoint"}
        ``within``: inside one reference feature (see the module docstring); ``disjoint``:
        intersecting none of them.
    tree : STRtree, optional
        A tree over ``geoms`` the caller already has (the canvas's prepared layer).

    Returns
    -------
    ndarray of int64
        Sorted row numbers.

    Raises
    ------
    SelectionError
        ``predicate`` is not one of :data:`PREDICATES`.
    """
    if predicate not in PREDICATES:
        raise SelectionError(f"unknown spatial predicate {predicate!r}", f"未知的空间关系 {predicate!r}",
                             hint_en="Use one of " + ", ".join(PREDICATES), hint_zh="可用：" + "、".join(PREDICATES))
    geoms = np.asarray(geoms, dtype=object)
    reference = np.asarray(reference, dtype=object).reshape(-1)
    reference = reference[~shapely.is_missing(reference)] if len(reference) else reference
    if len(geoms) == 0:
        return np.zeros(0, dtype=np.int64)
    if len(reference) == 0:
        return np.arange(len(geoms), dtype=np.int64) if predicate == "disjoint" else np.zeros(0, dtype=np.int64)
    tree = tree if tree is not None else shapely.STRtree(geoms)
    # query(g, p) tests p(reference, tree geometry): "target within reference" is "reference contains target"
    query = "contains" if predicate == "within" else "intersects"
    try:
        _, hit = tree.query(reference, predicate=query)
    except shapely.errors.GEOSException:  # an invalid reference polygon (a bowtie): repair, ask again
        _, hit = tree.query(shapely.make_valid(reference), predicate=query)
    hit = np.unique(hit).astype(np.int64)
    if predicate == "disjoint":
        mask = np.ones(len(geoms), dtype=bool)
        mask[hit] = False
        mask &= ~shapely.is_missing(geoms)
        return np.flatnonzero(mask).astype(np.int64)
    return hit


def select_in_polygon(geoms: np.ndarray, polygon: shapely.Geometry, *, tree: shapely.STRtree | None = None) -> np.ndarray:
    """Row numbers of ``geoms`` that intersect ``polygon`` (the canvas's rectangle and polygon
    select tools: as in QGIS, a touch is enough). A self-crossing polygon is repaired."""
    if polygon is None or polygon.is_empty:
        return np.zeros(0, dtype=np.int64)
    if not polygon.is_valid:
        polygon = shapely.make_valid(polygon)
    return select_by_location(geoms, np.array([polygon], dtype=object), "intersects", tree=tree)


def combine_selection(current: np.ndarray | None, new: np.ndarray, mode: str = "new") -> np.ndarray:
    """The selection after applying ``new`` to ``current`` with ``mode`` (see :data:`MODES`)."""
    if mode not in MODES:
        raise SelectionError(f"unknown selection mode {mode!r}", f"未知的选择方式 {mode!r}")
    cur = np.zeros(0, dtype=np.int64) if current is None else np.asarray(current, dtype=np.int64)
    new = np.asarray(new, dtype=np.int64)
    if mode == "add":
        return np.union1d(cur, new)
    if mode == "remove":
        return np.setdiff1d(cur, new)
    if mode == "intersect":
        return np.intersect1d(cur, new)
    return np.unique(new)
