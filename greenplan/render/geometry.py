"""Whole-column geometry preparation for drawing: cull, simplify, build paths, bin tiny features.

Why not ``GeoDataFrame.plot``: it makes one matplotlib patch per feature, and drawing the
benchmark county (100,000 parcels) took about 110 s. Here a layer becomes one compound
:class:`matplotlib.path.Path` per style class, built from the flat coordinate arrays of
shapely 2 (no Python loop over features); vertices closer than half an output pixel are
simplified away, and features smaller than a pixel are binned into a coverage raster.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import shapely

if TYPE_CHECKING:
    from matplotlib.path import Path

#: a compound path is split into pieces of at most this many vertices: Agg keeps every
#: crossed cell of one path in memory and fails on very large ones (A0 at 300 dpi)
MAX_PATH_VERTICES = 400_000

_POLY_TYPES = (3, 6)  # Polygon, MultiPolygon
_LINE_TYPES = (1, 2, 5)  # LineString, LinearRing, MultiLineString

_MOVETO, _LINETO, _CLOSEPOLY = 1, 2, 79


def in_view(geoms: np.ndarray, extent: tuple[float, float, float, float], sindex=None) -> np.ndarray:
    """Positions of the geometries whose bounding box meets ``extent``, in order.

    Parameters
    ----------
    geoms : ndarray of shapely geometries
    extent : (xmin, ymin, xmax, ymax)
        The view, in the geometries' CRS (metres).
    sindex : geopandas SpatialIndex, optional
        The layer's cached STRtree (``gdf.sindex``); used when the view is a part of the
        layer, so a canvas that pans re-uses it. Without it the bounds are compared.
    """
    n = len(geoms)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    b = shapely.bounds(geoms)
    ok = ~np.isnan(b[:, 0])
    x0, y0, x1, y1 = extent
    if ok.all() and b[:, 0].min() >= x0 and b[:, 1].min() >= y0 and b[:, 2].max() <= x1 and b[:, 3].max() <= y1:
        return np.arange(n)
    if sindex is not None:
        return np.sort(sindex.query(shapely.box(x0, y0, x1, y1)))
    hit = ok & (b[:, 2] >= x0) & (b[:, 0] <= x1) & (b[:, 3] >= y0) & (b[:, 1] <= y1)
    return np.flatnonzero(hit)


def kinds(geoms: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Masks (polygonal, lineal) of non-empty geometries."""
    t = shapely.get_type_id(geoms)
    live = ~shapely.is_empty(geoms) & (t >= 0)
    return live & np.isin(t, _POLY_TYPES), live & np.isin(t, _LINE_TYPES)


def explode_collections(geoms: np.ndarray) -> np.ndarray:
    """GeometryCollections (``make_valid`` can return them) as their polygonal part, or
    their lineal part when they have no polygon; other geometries unchanged."""
    t = shapely.get_type_id(geoms)
    coll = np.flatnonzero(t == 7)
    if len(coll) == 0:
        return geoms
    out = np.asarray(geoms, dtype=object).copy()
    parts, idx = shapely.get_parts(out[coll], return_index=True)
    pt = shapely.get_type_id(parts)
    poly = np.isin(pt, _POLY_TYPES[:1])
    line = np.isin(pt, (1, 2))
    repl = np.full(len(coll), shapely.GeometryCollection(), dtype=object)
    for sel, make in ((line, shapely.multilinestrings), (poly, shapely.multipolygons)):  # polygons win
        if sel.any():
            which, dense = np.unique(idx[sel], return_inverse=True)  # indices must run 0..k-1
            repl[which] = make(parts[sel], indices=dense)
    out[coll] = repl
    return out


def size_px(geoms: np.ndarray, pixel_size: float) -> np.ndarray:
    """Larger side of each bounding box, in output pixels."""
    b = shapely.bounds(geoms)
    return np.fmax(b[:, 2] - b[:, 0], b[:, 3] - b[:, 1]) / pixel_size


def simplify_for_output(geoms: np.ndarray, pixel_size: float) -> np.ndarray:
    """Drop vertices that cannot show at ``pixel_size`` (Douglas-Peucker, tolerance half a pixel).

    Only geometries with more vertices than pixels along their bounding-box perimeter are
    simplified (vertex-dense survey polygons); sparse ones are returned unchanged, which
    saves most of the cost on coarse data. Collapsed polygons come back empty.
    """
    out = np.asarray(geoms, dtype=object).copy()
    if len(out) == 0:
        return out
    b = shapely.bounds(out)
    perimeter_px = 2.0 * ((b[:, 2] - b[:, 0]) + (b[:, 3] - b[:, 1])) / pixel_size
    dense = shapely.get_num_coordinates(out) > np.fmax(perimeter_px, 8.0)
    if dense.any():
        out[dense] = shapely.simplify(out[dense], pixel_size / 2.0, preserve_topology=False)
    return out


def _codes(starts: np.ndarray, ends: np.ndarray | None, n: int) -> np.ndarray:
    codes = np.full(n, _LINETO, dtype=np.uint8)
    if ends is not None:
        codes[ends] = _CLOSEPOLY
    codes[starts] = _MOVETO
    return codes


def _ring_coords(geoms: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Vertices of every ring of ``geoms``: (xy, ring of each vertex, exterior flag per ring,
    geometry of each ring).

    Most survey polygons are one ring (single part, no hole). Those are found from the flat
    coordinate array alone: a geometry is one ring exactly when its sequence ends on its
    first vertex and that vertex occurs only twice (a hole or a further part ends on its own
    first vertex, so it either ends the sequence elsewhere or, starting on the first vertex,
    adds two more occurrences). Only the others are split with ``get_parts``/``get_rings``,
    which create a Python object per part and ring.
    """
    xy, gi = shapely.get_coordinates(geoms, return_index=True)
    n_geom = len(geoms)
    if len(xy) == 0:
        return xy, gi, np.zeros(0, dtype=bool), np.zeros(0, dtype=np.int64)
    counts = np.bincount(gi, minlength=n_geom)
    starts = np.r_[0, np.cumsum(counts)[:-1]]
    first = xy[starts[gi]]
    same = (xy[:, 0] == first[:, 0]) & (xy[:, 1] == first[:, 1])
    ends = starts + counts - 1
    closes = np.zeros(n_geom, dtype=bool)
    has = counts > 0
    closes[has] = same[ends[has]]
    single = ((np.bincount(gi, weights=same, minlength=n_geom) == 2) & closes) | ~has
    one = single & (counts > 0)
    ring_of_geom = np.cumsum(one) - 1
    k = int(one.sum())
    if single.all():
        return xy, ring_of_geom[gi], np.ones(k, dtype=bool), np.flatnonzero(one)
    keep = single[gi]
    complex_idx = np.flatnonzero(~single)
    parts, part_geom = shapely.get_parts(geoms[complex_idx], return_index=True)
    rings, ring_part = shapely.get_rings(parts, return_index=True)
    xy2, r2 = shapely.get_coordinates(rings, return_index=True)
    exterior2 = np.r_[True, ring_part[1:] != ring_part[:-1]] if len(rings) else np.zeros(0, dtype=bool)
    return (np.concatenate([xy[keep], xy2]), np.concatenate([ring_of_geom[gi[keep]], r2 + k]),
            np.concatenate([np.ones(k, dtype=bool), exterior2]),
            np.concatenate([np.flatnonzero(one), complex_idx[part_geom[ring_part]]]))


def _split(xy: np.ndarray, codes: np.ndarray, limit: int) -> list[Path]:
    from matplotlib.path import Path

    n = len(xy)
    if n == 0:
        return []
    if n <= limit:
        return [Path(xy, codes)]
    starts = np.flatnonzero(codes == _MOVETO)
    cuts = np.unique(starts[np.searchsorted(starts, np.arange(limit, n, limit), side="right") - 1])
    cuts = cuts[cuts > 0]
    return [Path(a, c) for a, c in zip(np.split(xy, cuts), np.split(codes, cuts), strict=True)]


def polygon_paths(geoms: np.ndarray, cls: np.ndarray | None = None,
                  limit: int = MAX_PATH_VERTICES) -> dict[int, list[Path]]:
    """Compound paths of (multi)polygons, per class, holes turning against their exteriors.

    Matplotlib fills with the non-zero winding rule, so holes must turn the other way
    than their exterior; shapely does not guarantee an orientation, so rings are turned
    here from their signed areas (vectorized shoelace, per-ring local origin so large
    Gauss-Kruger coordinates do not cancel). Overlapping features of a class are filled once.

    Parameters
    ----------
    geoms : ndarray of (multi)polygons
    cls : int array, optional
        Class of each geometry (default: all 0).
    limit : int
        Paths are split between rings: a piece holds the rings that start within one
        stretch of ``limit`` vertices (so at most ``limit`` plus one ring).

    Returns
    -------
    dict of class -> list of matplotlib Path (classes without vertices are absent)
    """
    if len(geoms) == 0:
        return {}
    xy, ridx, exterior, ring_geom = _ring_coords(np.asarray(geoms, dtype=object))
    n = len(xy)
    if n == 0:
        return {}
    first = np.r_[True, ridx[1:] != ridx[:-1]]
    last = np.r_[ridx[1:] != ridx[:-1], True]
    start = np.flatnonzero(first)
    end = np.flatnonzero(last)
    loc = xy - xy[start][ridx]
    same = ~last[:-1]
    cross = loc[:-1, 0] * loc[1:, 1] - loc[1:, 0] * loc[:-1, 1]
    area2 = np.bincount(ridx[:-1][same], weights=cross[same], minlength=len(exterior))
    # the non-zero rule needs holes to turn against their exterior and overlapping features
    # the same way; which way is free, so follow the majority of exteriors (fewest flips)
    ccw = (area2[exterior] > 0).sum() * 2 >= exterior.sum()
    flip = np.where(exterior, (area2 < 0) if ccw else (area2 > 0), (area2 > 0) if ccw else (area2 < 0))
    if flip.any():
        i = np.arange(n)
        xy = xy[np.where(flip[ridx], start[ridx] + end[ridx] - i, i)]
    codes = _codes(start, end, n)
    if cls is None:
        return {0: _split(xy, codes, limit)}
    vcls = np.asarray(cls)[ring_geom][ridx]
    return {int(c): _split(xy[vcls == c], codes[vcls == c], limit) for c in np.unique(vcls)}


def polygon_path(geoms: np.ndarray) -> Path | None:
    """One compound path of all (multi)polygons (see :func:`polygon_paths`)."""
    paths = polygon_paths(geoms, limit=np.iinfo(np.int64).max).get(0)
    return paths[0] if paths else None


def line_paths(geoms: np.ndarray, cls: np.ndarray | None = None,
               limit: int = MAX_PATH_VERTICES) -> dict[int, list[Path]]:
    """Compound paths of (multi)linestrings (one MOVETO per part), per class."""
    if len(geoms) == 0:
        return {}
    parts, part_geom = shapely.get_parts(np.asarray(geoms, dtype=object), return_index=True)
    xy, idx = shapely.get_coordinates(parts, return_index=True)
    if len(xy) == 0:
        return {}
    starts = np.flatnonzero(np.r_[True, idx[1:] != idx[:-1]])
    codes = _codes(starts, None, len(xy))
    if cls is None:
        return {0: _split(xy, codes, limit)}
    vcls = np.asarray(cls)[part_geom][idx]
    return {int(c): _split(xy[vcls == c], codes[vcls == c], limit) for c in np.unique(vcls)}



def coverage_image(geoms: np.ndarray, rgb: np.ndarray, alpha: np.ndarray,
                   extent: tuple[float, float, float, float], pixel_size: float
                   ) -> tuple[np.ndarray, tuple[float, float, float, float]] | None:
    """Sub-pixel features as an RGBA image on the output pixel grid.

    Each feature adds its area (as a fraction of a pixel, times its opacity) to the
    pixel holding its bounding-box centre, which is what anti-aliased drawing of a
    feature smaller than a pixel amounts to; colours mix by those weights.

    Parameters
    ----------
    geoms : ndarray of polygons, each smaller than a pixel
    rgb : (n, 3) float array, 0-1
        Fill colour of each feature.
    alpha : (n,) float array
        Fill opacity of each feature.
    extent : (xmin, ymin, xmax, ymax)
        The output view; the pixel grid starts at its upper-left corner.
    pixel_size : float
        Output pixel size in CRS units (metres).

    Returns
    -------
    (uint8 array (rows, cols, 4), (left, right, bottom, top)) or None
        The image cropped to the occupied pixels, and its extent for ``imshow``.
    """
    if len(geoms) == 0:
        return None
    x0, _, _, y1 = extent
    b = shapely.bounds(geoms)
    cx = (b[:, 0] + b[:, 2]) / 2.0
    cy = (b[:, 1] + b[:, 3]) / 2.0
    col = np.floor((cx - x0) / pixel_size).astype(np.int64)
    row = np.floor((y1 - cy) / pixel_size).astype(np.int64)
    nx = int(np.ceil((extent[2] - x0) / pixel_size))
    ny = int(np.ceil((y1 - extent[1]) / pixel_size))
    ok = (col >= 0) & (col < nx) & (row >= 0) & (row < ny)
    if not ok.any():
        return None
    col, row = col[ok], row[ok]
    w = np.clip(shapely.area(geoms[ok]) / pixel_size**2, 0.0, 1.0) * alpha[ok]
    r0, r1, c0, c1 = row.min(), row.max() + 1, col.min(), col.max() + 1
    flat = (row - r0) * (c1 - c0) + (col - c0)
    cells, inv = np.unique(flat, return_inverse=True)
    a = np.bincount(inv, weights=w)
    img = np.zeros(((r1 - r0) * (c1 - c0), 4), dtype=np.float64)
    safe = np.where(a > 0, a, 1.0)
    for ch in range(3):
        img[cells, ch] = np.bincount(inv, weights=w * rgb[ok, ch]) / safe
    img[cells, 3] = np.clip(a, 0.0, 1.0)
    img = np.round(img * 255).astype(np.uint8).reshape(r1 - r0, c1 - c0, 4)
    left = x0 + c0 * pixel_size
    top = y1 - r0 * pixel_size
    return img, (left, x0 + c1 * pixel_size, y1 - r1 * pixel_size, top)
