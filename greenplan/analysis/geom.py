"""Geometry helpers of the indicators: repair, polygon parts, clipping, exact union areas.

Everything is whole-column shapely 2. The central object is :class:`PieceSet`, a set of
polygons whose interiors are pairwise disjoint, so that the area of their union is the
sum of their areas. A layer is "unioned before measuring" by turning it into a
:class:`PieceSet`; clipping a piece set with another gives pairwise intersections,
which are again disjoint (pieces of two disjoint sets), so no further union is needed.

Clipping (:func:`clip_pairs`) intersects only STRtree candidates, and keeps a candidate
that lies inside a clip polygon whole (``contains_properly`` on the prepared polygon)
instead of intersecting it. All areas are planar, in the units of the working CRS
(square metres).
"""

from __future__ import annotations

import threading
from collections.abc import Sequence

import numpy as np
import shapely

from greenplan.analysis.once import prepared_copy
from greenplan.core.errors import CRSError
from greenplan.core.settings import NOISE_M2

POLYGON_ID = int(shapely.GeometryType.POLYGON)
_COLLECTION_MIN = int(shapely.GeometryType.MULTIPOINT)

EMPTY = np.empty(0, dtype=object)


# ---------------------------------------------------------------------------- CRS
def check_metric_crs(crs, role: str) -> None:
    """Raise :class:`CRSError` unless ``crs`` is projected in metres (or None: assumed).

    Parameters
    ----------
    crs : pyproj.CRS, str or None
        The layer's CRS (``GeoDataFrame.crs``).
    role : str
        Layer role, named in the message.

    Raises
    ------
    CRSError
        Geographic (degrees) or non-metre CRS: areas would be wrong.
    """
    if crs is None:
        return
    import pyproj

    crs = pyproj.CRS.from_user_input(crs)
    label = crs.to_string()
    if crs.is_geographic:
        raise CRSError(
            f"Layer '{role}' is in a geographic CRS ({label}, degrees); areas need a metric CRS.",
            f"图层“{role}”使用地理坐标系（{label}，单位为度），无法计算面积，需要投影坐标系（米）。",
            layer=role,
            hint_en="Reproject the layer to the working CRS (e.g. CGCS2000 3-degree Gauss-Kruger, EPSG:4544) before the analysis.",
            hint_zh="请先将图层投影到工作坐标系（如 CGCS2000 3度带高斯-克吕格投影，EPSG:4544）再分析。",
        )
    units = {ax.unit_name.lower() for ax in crs.axis_info if ax.unit_name}
    if units and not units <= {"metre", "meter", "m"}:
        raise CRSError(
            f"Layer '{role}' uses a CRS in {', '.join(sorted(units))} ({label}); areas need metres.",
            f"图层“{role}”的坐标系单位为{'、'.join(sorted(units))}（{label}），面积计算需要以米为单位。",
            layer=role,
            hint_en="Reproject the layer to a metric CRS.",
            hint_zh="请将图层投影到以米为单位的坐标系。",
        )


# ---------------------------------------------------------------------------- parts
def polygon_parts(geoms: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every non-empty Polygon inside ``geoms`` (collections taken apart), with its row.

    Examples
    --------
    >>> gc = shapely.GeometryCollection([shapely.box(0, 0, 1, 1), shapely.LineString([(0, 0), (2, 2)])])
    >>> parts, idx = polygon_parts(np.array([gc, None], dtype=object))
    >>> [p.area for p in parts], idx.tolist()
    ([1.0], [0])
    """
    geoms = np.asarray(geoms, dtype=object)
    types = shapely.get_type_id(geoms) if len(geoms) else np.empty(0, dtype=int)
    simple = types == POLYGON_ID
    if simple.all():
        keep = ~shapely.is_empty(geoms)
        return geoms[keep], np.flatnonzero(keep)
    # only the others are taken apart (get_parts on every row costs as much as an overlay)
    other = np.flatnonzero(~simple & (types >= 0))
    parts, sub = shapely.get_parts(geoms[other], return_index=True)
    idx = other[sub]
    while len(parts):
        nested = shapely.get_type_id(parts) >= _COLLECTION_MIN
        if not nested.any():
            break
        sub_parts, sub_idx = shapely.get_parts(parts, return_index=True)
        parts, idx = sub_parts, idx[sub_idx]
    keep = (shapely.get_type_id(parts) == POLYGON_ID) & ~shapely.is_empty(parts)
    first = np.flatnonzero(simple)
    first = first[~shapely.is_empty(geoms[first])]
    all_idx = np.concatenate([first, idx[keep]])
    order = np.argsort(all_idx, kind="stable")
    all_parts = np.concatenate([geoms[first], parts[keep]])
    return np.asarray(all_parts[order], dtype=object), np.asarray(all_idx[order], dtype=np.intp)


def repair_polygons(geoms: np.ndarray, *, known_valid: bool = False) -> tuple[np.ndarray, int]:
    """Valid polygonal geometries: invalid ones through ``make_valid``, non-polygonal parts dropped.

    Parameters
    ----------
    geoms : ndarray of geometries
    known_valid : bool
        The caller (the loader) has already repaired them: skip the validity test.

    Returns
    -------
    geoms : ndarray of Polygon/MultiPolygon or None
        Same length; None where nothing polygonal is left.
    repaired : int
        How many geometries were invalid and repaired.
    """
    geoms = np.array(geoms, dtype=object)
    if len(geoms) == 0:
        return geoms, 0
    missing = shapely.is_missing(geoms)
    invalid = np.zeros(len(geoms), dtype=bool) if known_valid else ~missing & ~shapely.is_valid(geoms)
    types = shapely.get_type_id(geoms)
    odd = ~missing & ~invalid & ~np.isin(types, (POLYGON_ID, int(shapely.GeometryType.MULTIPOLYGON)))
    todo = invalid | odd
    if todo.any():
        fixed = geoms[todo]
        fixed = np.where(invalid[todo], shapely.make_valid(fixed), fixed)
        parts, idx = polygon_parts(fixed)
        out = np.full(len(fixed), None, dtype=object)
        if len(parts):
            uniq, inv = np.unique(idx, return_inverse=True)
            out[uniq] = shapely.multipolygons(parts, indices=inv)
            single = np.bincount(inv, minlength=len(uniq)) == 1
            out[uniq[single]] = shapely.get_geometry(out[uniq[single]], 0)
        geoms[todo] = out
    geoms[shapely.is_empty(geoms)] = None
    return geoms, int(invalid.sum())


def union_all(geoms: np.ndarray) -> shapely.Geometry:
    """Union of ``geoms``; disjoint groups are unioned separately (much faster for scattered features)."""
    dsu = getattr(shapely, "disjoint_subset_union_all", None)  # shapely >= 2.1 with GEOS >= 3.12
    return dsu(geoms) if dsu is not None else shapely.union_all(geoms)


# ---------------------------------------------------------------------------- clipping
def clip_pairs(
    geoms: np.ndarray,
    mask: PieceSet,
    *,
    tree: shapely.STRtree | None = None,
    sparse: bool = False,
    select: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(pieces, src, dst) of :func:`clip_pieces` (without the ``whole`` flags)."""
    pieces, src, dst, _ = clip_pieces(geoms, mask, tree=tree, sparse=sparse, select=select)
    return pieces, src, dst


def clip_pieces(
    geoms: np.ndarray,
    mask: PieceSet,
    *,
    tree: shapely.STRtree | None = None,
    sparse: bool = False,
    select: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Polygon pieces of ``geoms[i] ∩ mask.geoms[j]`` for every intersecting pair.

    A geometry inside a mask polygon (``contains_properly``, then ``covers``, both on the
    prepared mask polygon) is kept whole; only the others are intersected. When the mask
    pieces are disjoint, the other pairs of a geometry kept whole are dropped (their
    intersection has no area).

    Parameters
    ----------
    geoms : ndarray of polygonal geometries (working CRS)
    mask : PieceSet
        Clip polygons.
    tree : STRtree, optional
        A tree over ``geoms`` (reused when the caller has one); otherwise the mask's tree.
    sparse : bool
        Most candidate pairs are expected to only touch (adjacent layers, "must be zero"
        checks): test the interiors with ``relate`` before intersecting.
    select : ndarray of bool, optional
        Only these ``geoms`` (a category of a layer whose ``tree`` covers all of them).

    Returns
    -------
    pieces : ndarray of Polygon
    src : ndarray of int
        Index into ``geoms`` of each piece.
    dst : ndarray of int
        Index into ``mask.geoms`` of each piece.
    whole : ndarray of bool
        The piece is the unchanged input polygon.
    """
    geoms = np.asarray(geoms, dtype=object)
    none = (EMPTY, np.empty(0, dtype=np.intp), np.empty(0, dtype=np.intp), np.empty(0, dtype=bool))
    if len(geoms) == 0 or len(mask) == 0:
        return none
    prep = mask.prepared()
    if tree is None and len(geoms) >= len(mask):
        tree = shapely.STRtree(geoms)
    if tree is not None:
        # the few mask polygons are prepared once and tested against the many
        mi, gi = tree.query(prep, predicate="intersects")
    else:
        gi, mi = mask.tree.query(geoms, predicate="intersects")
    if select is not None:
        keep = select[gi]
        gi, mi = gi[keep], mi[keep]
    if len(gi) == 0:
        return none
    out = np.full(len(gi), None, dtype=object)
    whole = shapely.contains_properly(prep[mi], geoms[gi])
    rest = np.flatnonzero(~whole)
    overlap = None
    if len(rest) and sparse:
        # one DE-9IM matrix per pair: covered (no part of the geometry outside the mask)
        # and overlapping interiors; most pairs of adjacent layers only touch
        im = shapely.relate(mask.geoms[mi[rest]], geoms[gi[rest]]).astype("U9").view("U1").reshape(-1, 9)
        cov = (im[:, 6] == "F") & (im[:, 7] == "F")
        overlap = (im[:, 0] != "F")[~cov]
    elif len(rest):
        cov = shapely.covers(prep[mi[rest]], geoms[gi[rest]])
    if len(rest):
        whole[rest[cov]] = True
        rest = rest[~cov]
        if overlap is not None:
            rest = rest[overlap]
    if mask.disjoint and len(rest):
        done = np.zeros(len(geoms), dtype=bool)
        done[gi[whole]] = True
        rest = rest[~done[gi[rest]]]
    out[whole] = geoms[gi[whole]]
    if len(rest):
        out[rest] = shapely.intersection(geoms[gi[rest]], mask.geoms[mi[rest]])
    pieces, k = polygon_parts(out)
    # a whole input that is a MultiPolygon comes back as parts: still unchanged pieces
    return pieces, gi[k], mi[k], whole[k]


def union_rows(groups: np.ndarray, members: np.ndarray, n: int) -> np.ndarray:
    """Union of ``members`` grouped by ``groups`` (0..n-1); None for an empty group.

    Vectorized: the members are padded into a (n × k) array and unioned along rows.
    """
    out = np.full(n, None, dtype=object)
    if len(members) == 0:
        return out
    order = np.argsort(groups, kind="stable")
    groups, members = groups[order], members[order]
    counts = np.bincount(groups, minlength=n)
    single = counts[groups] == 1
    out[groups[single]] = members[single]
    multi = ~single
    if multi.any():
        g = groups[multi]
        starts = np.r_[0, np.flatnonzero(np.diff(g)) + 1]
        rank = np.arange(len(g)) - np.repeat(starts, np.diff(np.r_[starts, len(g)]))
        uniq = g[starts]
        col = np.searchsorted(uniq, g)
        grid = np.full((len(uniq), int(rank.max()) + 1), None, dtype=object)
        grid[col, rank] = members[multi]
        out[uniq] = shapely.union_all(grid, axis=1)
    return out


class PieceSet:
    """Polygons with pairwise disjoint interiors: the union's area is the sum of areas.

    Parameters
    ----------
    geoms : sequence of Polygon
        Pairwise interior-disjoint (the constructors below guarantee it), unless
        ``disjoint=False`` (a plain feature set used as a clip mask).
    merged : bool
        True when no two pieces share an edge (the parts of a union): then a piece is a
        "piece" in the sense of the sliver tolerance.
    src, base : optional
        For pieces that are unchanged polygon parts of a :class:`Layer` ``base``: the part
        index (−1 for the others). Lets per-unit areas reuse a precomputed table.

    Examples
    --------
    >>> a = PieceSet.union_of([shapely.box(0, 0, 2, 2), shapely.box(1, 1, 3, 3)])
    >>> a.area
    7.0
    >>> a.clip(PieceSet.union_of([shapely.box(0, 0, 1, 3)])).area
    2.0
    """

    __slots__ = ("geoms", "merged", "disjoint", "src", "base", "_area", "_areas", "_tree", "_prep")

    def __init__(
        self,
        geoms: Sequence | np.ndarray = (),
        *,
        merged: bool = False,
        disjoint: bool = True,
        src: np.ndarray | None = None,
        base: object = None,
    ) -> None:
        self.geoms = np.asarray(geoms, dtype=object).reshape(-1)
        self.merged = merged
        self.disjoint = disjoint
        self.src = None if src is None or base is None else np.asarray(src, dtype=np.intp)
        self.base = base if self.src is not None else None
        self._area: float | None = None
        self._areas: np.ndarray | None = None
        self._tree: shapely.STRtree | None = None
        self._prep: dict[int, np.ndarray] = {}

    # -- constructors ------------------------------------------------------
    @classmethod
    def union_of(cls, geoms: Sequence | np.ndarray) -> PieceSet:
        """The parts of ``union_all(geoms)`` (overlaps counted once)."""
        geoms = np.asarray(geoms, dtype=object)
        geoms = geoms[~shapely.is_missing(geoms)] if len(geoms) else geoms
        if len(geoms) == 0:
            return cls(merged=True)
        if len(geoms) == 1:
            parts, _ = polygon_parts(geoms)
        else:
            parts, _ = polygon_parts(np.array([union_all(geoms)], dtype=object))
        return cls(parts, merged=True)

    @classmethod
    def disjoint_union(cls, pieces: np.ndarray, dirty: np.ndarray, *, src: np.ndarray | None = None, base: object = None) -> PieceSet:
        """Clean pieces kept as they are, dirty ones unioned.

        ``pieces[~dirty]`` must be interior-disjoint from every other piece (see
        :mod:`greenplan.analysis.partition`); only ``pieces[dirty]`` may overlap.
        """
        pieces = np.asarray(pieces, dtype=object)
        if len(pieces) == 0:
            return cls()
        dirty = np.asarray(dirty, dtype=bool)
        clean = pieces[~dirty]
        csrc = None if src is None else np.asarray(src)[~dirty]
        if dirty.any():
            merged = cls.union_of(pieces[dirty])
            if csrc is not None:
                csrc = np.concatenate([csrc, np.full(len(merged), -1, dtype=np.intp)])
            return cls(np.concatenate([clean, merged.geoms]), src=csrc, base=base)
        return cls(clean, src=csrc, base=base)

    # -- properties ----------------------------------------------------------
    def __len__(self) -> int:
        return len(self.geoms)

    @property
    def areas(self) -> np.ndarray:
        """Area of each piece (m²)."""
        if self._areas is None:
            self._areas = shapely.area(self.geoms) if len(self.geoms) else np.empty(0)
        return self._areas

    @property
    def area(self) -> float:
        """Area of the union (m²)."""
        if self._area is None:
            self._area = float(self.areas.sum())
        return self._area

    @property
    def tree(self) -> shapely.STRtree:
        if self._tree is None:
            self._tree = shapely.STRtree(self.geoms)
        return self._tree

    def prepared(self) -> np.ndarray:
        """The pieces prepared for repeated predicates, private to the calling thread.

        GEOS prepared geometries are not thread-safe, and ``geoms`` are shared (with the
        layer they came from, with other piece sets): they are never prepared in place;
        each thread gets its own prepared copy (see :mod:`greenplan.analysis.once`).
        """
        tid = threading.get_ident()
        prep = self._prep.get(tid)
        if prep is None:
            prep = self._prep[tid] = prepared_copy(self.geoms)
        return prep

    def geometry(self) -> shapely.Geometry:
        """The union as one valid MultiPolygon (pieces sharing an edge merged first).

        Point-in-polygon tests need it: on an edge shared by two pieces a point would
        otherwise count as on the boundary.
        """
        m = self.merged_parts()
        return shapely.multipolygons(m.geoms) if len(m.geoms) else shapely.MultiPolygon()

    def _src_of(self, idx: np.ndarray, keep: np.ndarray) -> np.ndarray | None:
        if self.src is None:
            return None
        return np.where(keep, self.src[idx], -1)

    # -- set operations ------------------------------------------------------
    def clip(self, mask: PieceSet, *, sparse: bool = False) -> PieceSet:
        """``self ∩ mask`` as pieces (pairwise intersections of two disjoint sets)."""
        if len(self) == 0 or len(mask) == 0:
            return PieceSet()
        pieces, gi, _, whole = clip_pieces(self.geoms, mask, tree=self.tree if len(self) >= len(mask) else None, sparse=sparse)
        if not (mask.disjoint and self.disjoint):
            return PieceSet.union_of(pieces)
        return PieceSet(pieces, src=self._src_of(gi, whole), base=self.base)

    def minus(self, other: PieceSet) -> PieceSet:
        """``self − other`` as pieces."""
        if len(self) == 0 or len(other) == 0:
            return self
        if len(self) >= len(other):
            oi, si = self.tree.query(other.prepared(), predicate="intersects")
            order = np.argsort(si, kind="stable")
            si, oi = si[order], oi[order]
        else:
            si, oi = other.tree.query(self.geoms, predicate="intersects")
        if len(si) == 0:
            return self
        gone = np.zeros(len(self), dtype=bool)
        gone[si[shapely.covers(other.prepared()[oi], self.geoms[si])]] = True
        keep_pair = ~gone[si]
        si, oi = si[keep_pair], oi[keep_pair]
        cutters = union_rows(si, other.geoms[oi], len(self))
        touched = np.flatnonzero(~shapely.is_missing(cutters) & ~gone)
        result = self.geoms.copy()
        result[gone] = None
        if len(touched):
            result[touched] = shapely.difference(self.geoms[touched], cutters[touched])
        parts, idx = polygon_parts(result)
        unchanged = np.ones(len(self), dtype=bool)
        unchanged[touched] = False
        return PieceSet(parts, src=self._src_of(idx, unchanged[idx]), base=self.base)

    def union(self, other: PieceSet) -> PieceSet:
        """``self ∪ other`` as pieces (``other`` whole, ``self`` minus ``other``)."""
        if len(other) == 0:
            return self
        if len(self) == 0:
            return other
        rest = self.minus(other)
        return concat([rest, other])

    def merged_parts(self) -> PieceSet:
        """The same area as merged pieces (pieces sharing an edge become one)."""
        if self.merged:
            return self
        return PieceSet.union_of(self.geoms)

    def split_slivers(self, tolerance_m2: float) -> tuple[PieceSet, PieceSet]:
        """(pieces ≥ tolerance, pieces < tolerance) of the merged set.

        Pieces under :data:`~greenplan.core.settings.NOISE_M2` are rounding noise of
        coinciding boundaries and are in neither set.
        """
        m = self.merged_parts()
        small = m.areas < tolerance_m2
        noise = m.areas < NOISE_M2
        return PieceSet(m.geoms[~small], merged=True), PieceSet(m.geoms[small & ~noise], merged=True)


def concat(sets: Sequence[PieceSet]) -> PieceSet:
    """Pieces of several mutually disjoint piece sets (caller guarantees disjointness)."""
    sets = [s for s in sets if len(s)]
    if not sets:
        return PieceSet()
    if len(sets) == 1:
        return sets[0]
    base = sets[0].base
    src = None
    if base is not None and any(s.base is base for s in sets):
        src = np.concatenate([s.src if s.base is base else np.full(len(s), -1, dtype=np.intp) for s in sets])
    return PieceSet(np.concatenate([s.geoms for s in sets]), src=src, base=base)


def buffer_union(parts: np.ndarray, radii: np.ndarray, quad_segs: int) -> PieceSet:
    """Union of the buffers of ``parts`` by ``radii`` (m), arcs of ``quad_segs`` segments per quarter.

    Parts with radius 0 or less are left out.
    """
    parts = np.asarray(parts, dtype=object)
    radii = np.asarray(radii, dtype=float)
    keep = radii > 0
    if not keep.any():
        return PieceSet(merged=True)
    return PieceSet.union_of(shapely.buffer(parts[keep], radii[keep], quad_segs=quad_segs))


def group_union(pieces: np.ndarray, groups: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Union of ``pieces`` per group: (group ids, geometry per group, area per group in m²)."""
    uniq, inv = np.unique(groups, return_inverse=True)
    geoms = union_rows(inv, np.asarray(pieces, dtype=object), len(uniq))
    return uniq, geoms, shapely.area(geoms) if len(uniq) else np.empty(0)
