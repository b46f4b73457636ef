"""Drawing-ready coordinates of a layer, and the pixel paths of a view (Qt-free).

Preparing a layer runs once (in the load worker): every polygon ring and line is laid
out in one coordinate array, sorted by feature, with a spatial index (STRtree) over the
features. Drawing a view then needs no shapely call per feature:

1. the index returns the features that intersect the view;
2. their coordinate ranges are gathered and moved to pixels in one numpy expression;
3. consecutive vertices that fall in the same pixel are dropped (simplification to
   the pixel size, done on the whole array at once);
4. features smaller than a pixel become a one-pixel square (rasterised, in effect).

The output is the element list of a ``QPainterPath`` (move-to flags and x, y pixels);
``map_renderer`` turns it into paths without a Python loop over features.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely

from greenplan.app.map_view import MapView

#: at most this many path elements per drawing call, so a render can be cancelled between
#: calls and the GUI thread gets the interpreter lock often
CHUNK = 40_000

#: shapely type ids
_POINT, _LINE, _RING, _POLY = 0, 1, 2, 3


@dataclass
class Block:
    """Coordinates of one kind of part (polygon rings, lines or points) of a layer.

    ``coords`` is (N, 2) in map units, ``starts`` marks the first vertex of each ring or
    line, ``offsets`` (n_features + 1) gives each feature's slice of ``coords``.
    """

    coords: np.ndarray
    starts: np.ndarray
    offsets: np.ndarray

    @property
    def empty(self) -> bool:
        return len(self.coords) == 0

    def counts(self) -> np.ndarray:
        return np.diff(self.offsets)


def _block(coords: np.ndarray, coord_feature: np.ndarray, starts: np.ndarray, n: int) -> Block:
    offsets = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(coord_feature, minlength=n), out=offsets[1:])
    return Block(coords, starts, offsets)


def _flatten_parts(geoms: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Single-part geometries and the index of the feature each came from."""
    parts, idx = shapely.get_parts(geoms, return_index=True)
    # a GeometryCollection may hold multi-part members: one more pass flattens them
    multi = shapely.get_type_id(parts) >= 4
    if multi.any():
        sub, sidx = shapely.get_parts(parts[multi], return_index=True)
        keep = ~multi
        parts = np.concatenate([parts[keep], sub])
        idx = np.concatenate([idx[keep], idx[multi][sidx]])
        order = np.argsort(idx, kind="stable")
        parts, idx = parts[order], idx[order]
    return parts, idx


class PreparedLayer:
    """A vector layer laid out for fast drawing.

    Parameters
    ----------
    geoms : array of shapely geometries
        In the working CRS (map units, metres). None and empty geometries are kept as
        features with no coordinates, so feature ``i`` is row ``i`` of the layer.
    classes : int array, optional
        Style class of each feature (index into the style's categories); 0 for all.

    Examples
    --------
    >>> import shapely
    >>> lyr = PreparedLayer([shapely.box(0, 0, 10, 10), shapely.box(20, 0, 30, 10)])
    >>> lyr.query((15, -1, 40, 1)).tolist()
    [1]
    """

    def __init__(self, geoms, classes: np.ndarray | None = None) -> None:
        geoms = np.asarray(geoms, dtype=object)
        n = len(geoms)
        self.n = n
        self.geoms = geoms
        self.classes = np.zeros(n, dtype=np.int32) if classes is None else np.asarray(classes, dtype=np.int32)
        self.bounds = shapely.bounds(geoms) if n else np.zeros((0, 4))
        with np.errstate(invalid="ignore"):
            self.size = np.fmax(self.bounds[:, 2] - self.bounds[:, 0], self.bounds[:, 3] - self.bounds[:, 1])
        self.size = np.nan_to_num(self.size, nan=0.0)
        #: median feature size (map units): outlines are left out when it is under a few pixels
        self.median_size = float(np.median(self.size)) if n else 0.0
        self.tree = shapely.STRtree(geoms)
        good = ~np.isnan(self.bounds).any(axis=1) if n else np.zeros(0, bool)
        self.total_bounds = (
            tuple(float(v) for v in (*self.bounds[good, :2].min(axis=0), *self.bounds[good, 2:].max(axis=0)))
            if good.any()
            else None
        )
        parts, pidx = _flatten_parts(geoms)
        ptype = shapely.get_type_id(parts)
        self.polys = self._rings(parts[ptype == _POLY], pidx[ptype == _POLY])
        is_line = (ptype == _LINE) | (ptype == _RING)
        self.lines = self._lines(parts[is_line], pidx[is_line])
        is_pt = ptype == _POINT
        pts = shapely.get_coordinates(parts[is_pt])
        self.points = _block(pts, pidx[is_pt][: len(pts)], np.ones(len(pts), bool), n)

    def _rings(self, polys: np.ndarray, pidx: np.ndarray) -> Block:
        rings, ridx = shapely.get_rings(polys, return_index=True)
        coords, cidx = shapely.get_coordinates(rings, return_index=True)
        if len(cidx):
            exterior = _starts(ridx)  # get_rings lists each polygon's exterior first
            coords = orient_rings(coords, cidx, exterior)
        return _block(coords, pidx[ridx][cidx] if len(cidx) else cidx, _starts(cidx), self.n)

    def _lines(self, lines: np.ndarray, pidx: np.ndarray) -> Block:
        coords, cidx = shapely.get_coordinates(lines, return_index=True)
        return _block(coords, pidx[cidx] if len(cidx) else cidx, _starts(cidx), self.n)

    @property
    def vertex_count(self) -> int:
        return len(self.polys.coords) + len(self.lines.coords) + len(self.points.coords)

    def query(self, extent: tuple[float, float, float, float]) -> np.ndarray:
        """Sorted indexes of the features whose bounding box meets ``extent``."""
        if self.n == 0:
            return np.zeros(0, dtype=np.int64)
        ids = self.tree.query(shapely.box(*extent))
        ids.sort()
        return ids


def orient_rings(coords: np.ndarray, ring_of: np.ndarray, exterior: np.ndarray) -> np.ndarray:
    """Coordinates with exteriors counter-clockwise and holes clockwise (whole-array).

    The non-zero (winding) fill rule then draws holes as holes and overlapping features
    (duplicates in survey data) filled, where the even-odd rule would cut them out.
    ``ring_of`` gives the ring of each coordinate (sorted), ``exterior`` flags each ring.

    Examples
    --------
    >>> cw = np.array([[0, 0], [0, 1], [1, 1], [1, 0], [0, 0]], float)
    >>> orient_rings(cw, np.zeros(5, int), np.array([True]))[:, 0].tolist()
    [0.0, 1.0, 1.0, 0.0, 0.0]
    """
    n = len(coords)
    first = np.flatnonzero(_starts(ring_of))
    lens = np.diff(np.append(first, n))
    x, y = coords[:, 0], coords[:, 1]
    # shoelace terms relative to each ring's first vertex (keeps precision at 3e6 m)
    x0 = np.repeat(x[first], lens)
    y0 = np.repeat(y[first], lens)
    dx, dy = x - x0, y - y0
    cross = np.zeros(n)
    cross[:-1] = dx[:-1] * dy[1:] - dx[1:] * dy[:-1]
    last = first + lens - 1
    cross[last] = 0.0  # no term from a ring's last vertex to the next ring
    area2 = np.add.reduceat(cross, first)
    flip = np.where(exterior, area2 < 0, area2 > 0)
    if not flip.any():
        return coords
    idx = np.arange(n)
    fl = np.repeat(flip, lens)
    start = np.repeat(first, lens)
    ln = np.repeat(lens, lens)
    idx[fl] = (2 * start + ln - 1 - idx)[fl]
    return coords[idx]


def _starts(cidx: np.ndarray) -> np.ndarray:
    starts = np.ones(len(cidx), dtype=bool)
    if len(cidx) > 1:
        np.not_equal(cidx[1:], cidx[:-1], out=starts[1:])
    return starts


def gather_index(offsets: np.ndarray, ids: np.ndarray) -> np.ndarray:
    """Indexes of the coordinates of features ``ids``, in order (no loop over features).

    Examples
    --------
    >>> gather_index(np.array([0, 2, 5, 6]), np.array([0, 2])).tolist()
    [0, 1, 5]
    """
    begin = offsets[ids]
    lens = offsets[ids + 1] - begin
    total = int(lens.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64)
    shift = np.repeat(begin - (np.cumsum(lens) - lens), lens)
    return shift + np.arange(total, dtype=np.int64)


@dataclass
class Elements:
    """Path elements in pixels: ``move[i]`` starts a new ring or line at ``(x[i], y[i])``."""

    x: np.ndarray
    y: np.ndarray
    move: np.ndarray

    def __len__(self) -> int:
        return len(self.x)

    def chunks(self, size: int = CHUNK) -> list[slice]:
        """Slices of at most about ``size`` elements, each starting at a move-to."""
        n = len(self.x)
        if n <= size:
            return [slice(0, n)] if n else []
        moves = np.flatnonzero(self.move)
        cuts = np.unique(moves[np.searchsorted(moves, np.arange(0, n, size), side="left").clip(0, len(moves) - 1)])
        cuts = np.append(cuts[cuts > 0], n)
        out, start = [], 0
        for c in cuts.tolist():
            if c > start:
                out.append(slice(start, c))
                start = c
        return out


def _empty() -> Elements:
    z = np.zeros(0)
    return Elements(z, z, np.zeros(0, dtype=bool))


def view_elements(block: Block, ids: np.ndarray, view: MapView, *, closed: bool, all_ids: bool = False) -> Elements:
    """Pixel path elements of features ``ids`` of ``block`` in ``view``, simplified to the pixel.

    Parameters
    ----------
    block : Block
        Rings (``closed=True``) or lines of a prepared layer.
    ids : int array
        Features to draw (sorted); ignored when ``all_ids`` (every feature, no gather).
    view : MapView
        The target view.
    """
    if block.empty:
        return _empty()
    if all_ids:
        sel = slice(None)
        xy, starts = block.coords, block.starts
    else:
        sel = gather_index(block.offsets, ids)
        if len(sel) == 0:
            return _empty()
        xy, starts = block.coords[sel], block.starts[sel]
    xmin, _, _, ymax = view.extent()
    inv = 1.0 / view.res
    px = (xy[:, 0] - xmin) * inv
    py = (ymax - xy[:, 1]) * inv
    # drop vertices in the same pixel as the one before (keep every first and last vertex)
    qx, qy = np.floor(px), np.floor(py)
    keep = starts.copy()
    keep[1:] |= (qx[1:] != qx[:-1]) | (qy[1:] != qy[:-1])
    keep[:-1] |= starts[1:]
    keep[-1] = True
    del sel
    return Elements(px[keep], py[keep], starts[keep])


def dot_pixels(bounds: np.ndarray, view: MapView) -> tuple[np.ndarray, np.ndarray]:
    """Integer pixel (column, row) of the centre of each of ``bounds``, inside the view only.

    Features smaller than a pixel are drawn as that one pixel, written straight into an
    image array (rasterised) rather than as paths.
    """
    if len(bounds) == 0:
        z = np.zeros(0, dtype=np.int64)
        return z, z
    xmin, _, _, ymax = view.extent()
    col = np.floor(((bounds[:, 0] + bounds[:, 2]) / 2.0 - xmin) / view.res).astype(np.int64)
    row = np.floor((ymax - (bounds[:, 1] + bounds[:, 3]) / 2.0) / view.res).astype(np.int64)
    ok = (col >= 0) & (col < view.width) & (row >= 0) & (row < view.height)
    return col[ok], row[ok]


def concat(parts: list[Elements]) -> Elements:
    parts = [p for p in parts if len(p)]
    if not parts:
        return _empty()
    if len(parts) == 1:
        return parts[0]
    return Elements(
        np.concatenate([p.x for p in parts]),
        np.concatenate([p.y for p in parts]),
        np.concatenate([p.move for p in parts]),
    )


@dataclass
class ClassElements:
    """Elements of one style class of a layer in a view."""

    cls: int
    fills: Elements  # polygon rings (filled, then outlined)
    lines: Elements  # lines (stroked only)
    dot_cols: np.ndarray  # features under a pixel: pixel columns ...
    dot_rows: np.ndarray  # ... and rows
    feature_count: int


def layer_elements(layer: PreparedLayer, view: MapView, min_px: float = 1.0) -> list[ClassElements]:
    """Everything of ``layer`` that meets ``view``, as pixel elements grouped by style class.

    Features whose bounding box is under ``min_px`` pixels come back as single pixels.
    """
    xmin, ymin, xmax, ymax = view.extent()
    lb = layer.total_bounds
    if lb is None or lb[2] < xmin or lb[0] > xmax or lb[3] < ymin or lb[1] > ymax:
        return []
    inside = lb[0] >= xmin and lb[2] <= xmax and lb[1] >= ymin and lb[3] <= ymax
    ids = np.arange(layer.n) if inside else layer.query((xmin, ymin, xmax, ymax))
    if len(ids) == 0:
        return []
    tiny = layer.size[ids] < min_px * view.res
    cls = layer.classes[ids]
    single = bool((cls == cls[0]).all())
    out = []
    for c in np.unique(cls).tolist():
        mask = np.ones(len(ids), bool) if single else (cls == c)
        big = ids[mask & ~tiny]
        small = ids[mask & tiny]
        whole = inside and single and len(small) == 0
        fills = view_elements(layer.polys, big, view, closed=True, all_ids=whole)
        lines = view_elements(layer.lines, big, view, closed=False, all_ids=whole)
        cols, rows = dot_pixels(layer.bounds[small], view)
        out.append(ClassElements(int(c), fills, lines, cols, rows, int(mask.sum())))
    return out
