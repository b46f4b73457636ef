"""Data-quality measures for the data check: overlaps, control-line conflicts, odd extents.

Whole-column shapely 2: candidate pairs come from an STRtree query, intersections and
areas are computed for all pairs at once. Areas are in m² (inputs in the metric working
CRS). A "piece" is one polygon of a merged intersection; pieces under ``sliver_m2``
(1 m² by default, ``shared/indicators.md`` "Tolerance") are reported apart as slivers.
Pieces under :data:`NOISE_M2` (one square millimetre) are floating-point noise along
boundaries that coincide in the data (a farmland edge digitised onto the red-line edge);
they are counted as ``noise_pieces`` and otherwise ignored.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import shapely

from greenplan.core.settings import NOISE_M2
from greenplan.io.crs import Bounds, bbox_gap
from greenplan.io.geometry import extract_kind


def polygon_overlaps(geoms: np.ndarray, ids: Sequence[Any] | None = None, *, sliver_m2: float = 1.0,
                     max_examples: int = 20) -> dict[str, Any]:
    """Overlaps between the polygons of one layer (touching edges do not count).

    Parameters
    ----------
    geoms : array of shapely geometries
        Valid polygons in a metric CRS.
    ids : sequence, optional
        Feature ids for the examples (default: positions).
    sliver_m2 : float
        Pairs whose shared area is below this are slivers, not overlaps.
    max_examples : int
        How many of the largest overlapping pairs to list.

    Returns
    -------
    dict
        ``pairs`` (overlapping pairs ≥ ``sliver_m2``), ``area_m2`` (sum of their shared
        areas; a spot covered three times counts in three pairs), ``duplicates`` (pairs of
        identical polygons), ``sliver_pairs``, ``sliver_area_m2``, ``examples``
        (``[id_a, id_b, area_m2]``, largest first).

    Examples
    --------
    >>> a, b, c = shapely.box(0, 0, 10, 10), shapely.box(5, 0, 15, 10), shapely.box(15, 0, 20, 10)
    >>> r = polygon_overlaps(np.array([a, b, c]))
    >>> r["pairs"], r["area_m2"]
    (1, 50.0)
    """
    geoms = np.asarray(geoms, dtype=object)
    ids = np.arange(len(geoms)) if ids is None else np.asarray(ids)
    tree = shapely.STRtree(geoms)
    left, right = tree.query(geoms, predicate="intersects")
    keep = left < right
    left, right = left[keep], right[keep]
    touching = shapely.touches(geoms[left], geoms[right])
    left, right = left[~touching], right[~touching]
    areas = shapely.area(shapely.intersection(geoms[left], geoms[right])) if len(left) else np.zeros(0)
    big = areas >= sliver_m2
    small = (areas >= NOISE_M2) & ~big
    own_a, own_b = shapely.area(geoms[left]), shapely.area(geoms[right])
    dup = big & np.isclose(areas, own_a, rtol=1e-9) & np.isclose(areas, own_b, rtol=1e-9)
    order = np.argsort(-areas[big])[:max_examples]
    bl, br, ba = left[big][order], right[big][order], areas[big][order]
    return {
        "pairs": int(big.sum()),
        "area_m2": float(areas[big].sum()),
        "duplicates": int(dup.sum()),
        "sliver_pairs": int(small.sum()),
        "sliver_area_m2": float(areas[small].sum()),
        "examples": [[_plain(ids[i]), _plain(ids[j]), float(a)] for i, j, a in zip(bl, br, ba, strict=True)],
    }


def _plain(v: Any) -> Any:
    return v.item() if hasattr(v, "item") else v


def intersection_pieces(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Areas (m²) of the polygons of (union a) ∩ (union b), without unioning whole layers.

    (∪a) ∩ (∪b) = ∪ (a_i ∩ b_j) over the pairs an STRtree finds, so only the shared
    parts are merged.

    Examples
    --------
    >>> a = np.array([shapely.box(0, 0, 10, 10), shapely.box(0, 0, 10, 10)])
    >>> b = np.array([shapely.box(9, 0, 20, 10), shapely.box(0, 20, 1, 21)])
    >>> intersection_pieces(a, b).tolist()
    [10.0]
    """
    a, b = np.asarray(a, dtype=object), np.asarray(b, dtype=object)
    if len(a) == 0 or len(b) == 0:
        return np.zeros(0)
    ia, ib = shapely.STRtree(b).query(a, predicate="intersects")
    if len(ia) == 0:
        return np.zeros(0)
    polys = extract_kind(shapely.intersection(a[ia], b[ib]), "polygon")
    polys = polys[~shapely.is_missing(polys)]
    if len(polys) == 0:
        return np.zeros(0)
    pieces = shapely.get_parts(shapely.union_all(polys))
    pieces = pieces[shapely.get_type_id(pieces) == shapely.GeometryType.POLYGON]
    return np.sort(shapely.area(pieces))[::-1]


def control_line_overlap(a: np.ndarray, b: np.ndarray, *, sliver_m2: float = 1.0) -> dict[str, Any]:
    """The overlap of two control lines, with the sliver tolerance.

    Returns
    -------
    dict
        ``area_m2`` (pieces ≥ ``sliver_m2``), ``pieces``, ``slivers`` (count),
        ``sliver_m2`` (their area), ``noise_pieces`` (pieces under :data:`NOISE_M2`,
        left out), ``pass`` (no piece ≥ ``sliver_m2``).
    """
    areas = intersection_pieces(a, b)
    big = areas >= sliver_m2
    small = (areas >= NOISE_M2) & ~big
    return {
        "area_m2": float(areas[big].sum()),
        "pieces": int(big.sum()),
        "slivers": int(small.sum()),
        "sliver_m2": float(areas[small].sum()),
        "noise_pieces": int((areas < NOISE_M2).sum()),
        "pass": not bool(big.any()),
    }


def far_extents(extents: Mapping[int, Bounds | None], *, min_gap_m: float = 20_000.0) -> dict[int, float]:
    """Layers whose extent lies far from all the others (a likely CRS mistake).

    A layer is far when the gap between its box and the box around all other layers is
    larger than ``min_gap_m`` and larger than that box's diagonal. A layer whose extent
    could not be transformed (None, not finite) counts as far when others exist.

    Parameters
    ----------
    extents : mapping of layer index -> (minx, miny, maxx, maxy) in metres, or None

    Returns
    -------
    dict
        Layer index -> gap in metres (``inf`` for an untransformable extent).

    Examples
    --------
    >>> far_extents({0: (0, 0, 1e4, 1e4), 1: (5e3, 5e3, 2e4, 2e4), 2: (6e5, 0, 6.1e5, 1e4)})
    {2: 580000.0}
    """
    good = {k: b for k, b in extents.items() if b is not None and all(math.isfinite(v) for v in b)}
    out: dict[int, float] = {}
    if len(extents) < 2:
        return out
    for k, b in extents.items():
        others = [v for j, v in good.items() if j != k]
        if not others:
            continue
        if k not in good:
            out[k] = math.inf
            continue
        box = (min(o[0] for o in others), min(o[1] for o in others), max(o[2] for o in others), max(o[3] for o in others))
        gap = bbox_gap(b, box)
        if gap > max(min_gap_m, math.hypot(box[2] - box[0], box[3] - box[1])):
            out[k] = gap
    return out
