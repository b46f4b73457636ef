"""Which polygons of a large layer overlap another one: the only ones that need a union.

Land-use parcels (三调 图斑) and farmland patches are almost a polygonal coverage: the
area of the union of any subset is the sum of the areas, except around the few
duplicated, overlapping or self-crossing features. Unioning 40,000 parcels with GEOS
takes seconds; finding the few that overlap and unioning only those takes a fraction
of it. :func:`overlapping_mask` finds them exactly:

1. Every polygon is oriented (shells counter-clockwise, holes clockwise) and cut into
   directed edges. A polygon is *perfect* when each of its edges occurs exactly twice
   in the whole layer, once in each direction (shared with exactly one neighbour on
   the other side). Edges are matched by exact coordinates (a 64-bit hash, verified
   coordinate by coordinate).
2. Imperfect polygons (layer boundary, T-junctions, duplicates, overlaps, repaired
   bowties) are tested against every neighbour whose bounding box they touch with the
   DE-9IM pattern ``T********`` (interiors intersect). Polygons found overlapping are
   tested against their neighbours in turn, until no new one is found.

Why this is exact: take the perfect polygons never found overlapping (set C). Their
winding-number sum w can change only across edges whose partner lies outside C. If two
of them overlapped, a region with w ≥ 2 would be bounded by such an edge, and just
outside it the partner (imperfect or overlapping, so tested) would overlap a polygon of
C, which the test would have found.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import shapely

from greenplan.core.parallel import split_map

_M = (
    np.uint64(0x9E3779B97F4A7C15),
    np.uint64(0xC2B2AE3D27D4EB4F),
    np.uint64(0x165667B19E3779F9),
    np.uint64(0x27D4EB2F165667C5),
)


def _hash(seg: np.ndarray) -> np.ndarray:
    v = seg.view(np.uint64)
    with np.errstate(over="ignore"):
        h = v[:, 0] * _M[0]
        h ^= (v[:, 1] * _M[1]) >> np.uint64(7)
        h ^= v[:, 2] * _M[2]
        h ^= (v[:, 3] * _M[3]) << np.uint64(3)
        h ^= v[:, 1] ^ (v[:, 3] >> np.uint64(11))
    return h


def _ring_coords(polys: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(coords, ring id per coord, polygon id per ring, shell flag per ring)."""
    n_holes = shapely.get_num_interior_rings(polys)
    simple = np.flatnonzero(n_holes == 0)
    holed = np.flatnonzero(n_holes > 0)
    c1, r1 = shapely.get_coordinates(polys[simple], return_index=True)
    ring_poly = [simple]
    ring_shell = [np.ones(len(simple), dtype=bool)]
    coords, coord_ring = [c1], [r1]
    if len(holed):
        rings, rp = shapely.get_rings(polys[holed], return_index=True)
        shell = np.r_[True, rp[1:] != rp[:-1]]
        c2, r2 = shapely.get_coordinates(rings, return_index=True)
        coords.append(c2)
        coord_ring.append(r2 + len(simple))
        ring_poly.append(holed[rp])
        ring_shell.append(shell)
    return (
        np.concatenate(coords),
        np.concatenate(coord_ring),
        np.concatenate(ring_poly),
        np.concatenate(ring_shell),
    )


def imperfect_mask(polys: np.ndarray) -> np.ndarray:
    """True for polygons with an edge not shared with exactly one opposite neighbour edge.

    Parameters
    ----------
    polys : ndarray of valid Polygon

    Examples
    --------
    >>> a, b = shapely.box(0, 0, 1, 1), shapely.box(1, 0, 2, 1)
    >>> imperfect_mask(np.array([a, b, shapely.box(0, 1, 2, 2)], dtype=object)).tolist()
    [True, True, True]
    """
    n = len(polys)
    if n == 0:
        return np.zeros(0, dtype=bool)
    coords, coord_ring, ring_poly, ring_shell = _ring_coords(polys)
    same = coord_ring[1:] == coord_ring[:-1]
    start = np.flatnonzero(same)
    seg_ring = coord_ring[start]
    ax, ay = coords[start, 0], coords[start, 1]
    bx, by = coords[start + 1, 0], coords[start + 1, 1]
    # orientation of each ring from its shoelace sum: shells must run counter-clockwise
    area2 = np.bincount(seg_ring, weights=ax * by - bx * ay, minlength=len(ring_poly))
    flip = np.where(ring_shell, area2 < 0, area2 > 0)[seg_ring]
    # an edge as an undirected key (lower end first) plus its direction (+1 / -1)
    less = (ax < bx) | ((ax == bx) & (ay < by))
    key = np.empty((len(start), 4))
    key[:, 0] = np.where(less, ax, bx)
    key[:, 1] = np.where(less, ay, by)
    key[:, 2] = np.where(less, bx, ax)
    key[:, 3] = np.where(less, by, ay)
    direction = np.where(less != flip, 1.0, -1.0)
    codes, uniques = pd.factorize(_hash(key))
    counts = np.bincount(codes, minlength=len(uniques))
    net = np.bincount(codes, weights=direction, minlength=len(uniques))
    first = np.empty(len(uniques), dtype=np.intp)
    first[codes[::-1]] = np.arange(len(codes))[::-1]
    # perfect: the edge occurs twice, in opposite directions; a hash shared by different
    # edges (a collision) fails the coordinate check and makes the edge imperfect, never perfect
    ok = (counts[codes] == 2) & (net[codes] == 0) & (key == key[first[codes]]).all(axis=1)
    bad = np.zeros(n, dtype=bool)
    bad[ring_poly[seg_ring[~ok]]] = True
    return bad


def overlapping_mask(polys: np.ndarray, tree: shapely.STRtree | None = None) -> np.ndarray:
    """True for each polygon whose interior overlaps the interior of another one.

    Parameters
    ----------
    polys : ndarray of valid Polygon (not MultiPolygon: pass parts)
    tree : STRtree over ``polys``, optional

    Examples
    --------
    >>> ps = [shapely.box(0, 0, 1, 1), shapely.box(1, 0, 2, 1), shapely.box(1.5, 0, 2.5, 1)]
    >>> overlapping_mask(np.array(ps, dtype=object)).tolist()
    [False, True, True]
    """
    polys = np.asarray(polys, dtype=object)
    n = len(polys)
    over = np.zeros(n, dtype=bool)
    if n < 2:
        return over
    tree = tree or shapely.STRtree(polys)
    tested = np.zeros(n, dtype=bool)
    frontier = np.flatnonzero(imperfect_mask(polys))
    while len(frontier):
        tested[frontier] = True
        qi, ti = tree.query(polys[frontier], predicate="intersects")
        qi = frontier[qi]
        # each pair once: skip self pairs and pairs whose other member was tested before
        # or is tested now with a smaller index
        keep = (qi != ti) & ~(tested[ti] & ~np.isin(ti, frontier)) & ~(np.isin(ti, frontier) & (ti < qi))
        qi, ti = qi[keep], ti[keep]
        hit = split_map(lambda a, b: shapely.relate_pattern(a, b, "T********"), polys[qi], polys[ti])
        found = np.unique(np.r_[qi[hit], ti[hit]])
        over[found] = True
        frontier = found[~tested[found]]
    return over
