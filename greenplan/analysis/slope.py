"""Horn slope of a DSM and its zonal statistics over many polygons, block by block.

Two pieces:

- :func:`pixel_spans` turns polygons into the runs of pixels whose **centre lies strictly
  inside** them (a centre exactly on the boundary is outside, as in ``indicators.md``). It is
  a vectorised scan-line rasteriser (numpy over all edges at once), so no label raster of
  the whole DSM is ever allocated and the rule is exact, not GDAL's half-open convention.
- :func:`zonal_slope_stats` reads only the tile-aligned blocks of the DSM that hold those
  pixels (and the neighbours whose edge pixels a 3×3 window needs), each block once, computes
  Horn's slope only at the pixels and accumulates, per polygon, the number of pixels, the
  number with slope ≤ a threshold and the mean slope. Reader threads decompress blocks ahead
  (GDAL releases the GIL) while the main thread computes; blocks are dropped after their last
  use, and sums are accumulated in a fixed order, so results do not depend on thread timing.
  (Overlapping halo windows would make GDAL decode the shared tiles twice: measured 2×.)

Slope follows Horn (1981) as ``gdaldem slope`` and QGIS ``native:slope``: a pixel whose 3×3
window touches nodata, NaN or the raster edge has no slope (``gdaldem`` without
``-compute_edges``) and is not counted.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import shapely

from greenplan.core.feedback import Feedback
from greenplan.core.parallel import thread_pool

__all__ = ["PixelSpans", "ZonalSlope", "horn_slope_deg", "pixel_spans", "zonal_slope_stats"]


def horn_slope_deg(z: np.ndarray, res_x: float, res_y: float, nodata: float | None = None) -> np.ndarray:
    """Slope in degrees of a whole array, Horn's 3×3 kernel.

    Parameters
    ----------
    z : 2-D array
        Heights in metres (row 0 is the top of the raster).
    res_x, res_y : float
        Pixel width and height in metres (positive).
    nodata : float, optional
        Value marking missing heights.

    Returns
    -------
    float64 array, same shape
        Slope in degrees; NaN on the outer ring and wherever the 3×3 window holds nodata/NaN.

    Examples
    --------
    >>> z = np.add.outer(np.zeros(4), np.arange(4.0))  # rises 1 m per 1 m pixel eastwards
    >>> float(horn_slope_deg(z, 1.0, 1.0)[1, 1])
    45.0
    """
    z = np.asarray(z, dtype="float64")
    if nodata is not None and not np.isnan(nodata):
        z = np.where(z == nodata, np.nan, z)
    out = np.full(z.shape, np.nan)
    if z.shape[0] < 3 or z.shape[1] < 3:
        return out
    tl, t, tr = z[:-2, :-2], z[:-2, 1:-1], z[:-2, 2:]
    left, c, right = z[1:-1, :-2], z[1:-1, 1:-1], z[1:-1, 2:]
    bl, b, br = z[2:, :-2], z[2:, 1:-1], z[2:, 2:]
    out[1:-1, 1:-1] = _horn(tl, t, tr, left, c, right, bl, b, br, res_x, res_y)
    return out


def _horn(tl, t, tr, left, c, right, bl, b, br, res_x, res_y):  # noqa: ANN001, ANN202 - arrays
    dzdx = ((tr + 2 * right + br) - (tl + 2 * left + bl)) / (8 * res_x)
    dzdy = ((bl + 2 * b + br) - (tl + 2 * t + tr)) / (8 * res_y)
    s = np.degrees(np.arctan(np.hypot(dzdx, dzdy)))
    # the centre takes no part in the kernel, but a nodata centre has no slope (gdaldem)
    return s + 0.0 * c


# ------------------------------------------------------------------------ rasterising
@dataclass
class PixelSpans:
    """Runs of pixels per polygon: pixels ``row, c0 <= col < c1`` belong to polygon ``label``."""

    label: np.ndarray  # int64, index into the input array
    row: np.ndarray  # int64
    c0: np.ndarray  # int64
    c1: np.ndarray  # int64

    def __len__(self) -> int:
        return len(self.label)

    def pixel_count(self, n: int) -> np.ndarray:
        """Pixel-centre count per polygon (length ``n``)."""
        return np.bincount(self.label, weights=self.c1 - self.c0, minlength=n).astype("int64")

    def take(self, mask: np.ndarray) -> PixelSpans:
        return PixelSpans(self.label[mask], self.row[mask], self.c0[mask], self.c1[mask])


def _edges(geoms: np.ndarray, transform: Any) -> tuple[np.ndarray, ...]:
    """Edges of every ring in pixel coordinates: (label, col_a, row_a, col_b, row_b)."""
    parts, part_of = shapely.get_parts(geoms, return_index=True)
    poly = shapely.get_type_id(parts) == 3
    parts, part_of = parts[poly], part_of[poly]
    rings, ring_of = shapely.get_rings(parts, return_index=True)
    xy, ring_idx = shapely.get_coordinates(rings, return_index=True)
    inv = ~transform
    col = inv.a * xy[:, 0] + inv.b * xy[:, 1] + inv.c
    row = inv.d * xy[:, 0] + inv.e * xy[:, 1] + inv.f
    same = ring_idx[:-1] == ring_idx[1:]
    i = np.flatnonzero(same)
    label = part_of[ring_of[ring_idx[i]]].astype("int64")
    return label, col[i], row[i], col[i + 1], row[i + 1]


def _crossings(edges: tuple[np.ndarray, ...], height: int, upper: bool) -> tuple[np.ndarray, ...]:
    """Where each edge crosses the pixel-centre lines ``row + 0.5``.

    ``upper=False`` counts an edge on ``lo <= y < hi``, ``upper=True`` on ``lo < y <= hi``;
    both give the exact parity for a centre not on the boundary (symbolic perturbation).
    """
    label, ca, ra, cb, rb = edges
    lo, hi = np.minimum(ra, rb), np.maximum(ra, rb)
    if upper:
        first, last = np.floor(lo - 0.5) + 1, np.floor(hi - 0.5)
    else:
        first, last = np.ceil(lo - 0.5), np.ceil(hi - 0.5) - 1
    first = np.maximum(first, 0).astype("int64")
    last = np.minimum(last, height - 1).astype("int64")
    n = np.maximum(last - first + 1, 0)
    e = np.repeat(np.arange(len(n)), n)
    start = np.cumsum(n) - n
    r = first[e] + (np.arange(len(e)) - start[e])
    with np.errstate(divide="ignore", invalid="ignore"):
        x = ca[e] + (r + 0.5 - ra[e]) * ((cb[e] - ca[e]) / (rb[e] - ra[e]))
    return label[e], r, x


def _sort_crossings(label: np.ndarray, r: np.ndarray, x: np.ndarray) -> np.ndarray:
    """Order by (label, row, x). Crossings come per edge, so (label, row) groups are small:
    a stable sort on the group key, then x sorted inside groups (swaps for pairs)."""
    key = label * (int(r.max(initial=0)) + 1) + r
    order = np.argsort(key, kind="stable")
    key, x = key[order], x[order]
    n = len(key)
    starts = np.flatnonzero(np.r_[True, key[1:] != key[:-1]]) if n else np.empty(0, dtype=np.intp)
    sizes = np.diff(np.r_[starts, n])
    pair = starts[sizes == 2]
    swap = pair[x[pair] > x[pair + 1]]
    order[swap], order[swap + 1] = order[swap + 1], order[swap].copy()
    big = sizes > 2
    if big.any():
        idx = np.repeat(starts[big], sizes[big]) + (np.arange(int(sizes[big].sum())) - np.repeat(np.cumsum(sizes[big]) - sizes[big], sizes[big]))
        sub = np.lexsort((x[idx], key[idx]))
        order[idx] = order[idx][sub]
    return order


def _spans_from_crossings(label: np.ndarray, r: np.ndarray, x: np.ndarray, width: int) -> PixelSpans:
    order = _sort_crossings(label, r, x)
    label, r, x = label[order], r[order], x[order]
    if len(label) % 2 or np.any(label[0::2] != label[1::2]) or np.any(r[0::2] != r[1::2]):
        raise ValueError("polygon rings are not closed (repair the geometry first)")
    xl, xr = x[0::2], x[1::2]
    # centres c + 0.5 strictly between the two crossings
    c0 = np.maximum(np.floor(xl - 0.5) + 1, 0).astype("int64")
    c1 = np.minimum(np.ceil(xr - 0.5), width).astype("int64")
    keep = c1 > c0
    return PixelSpans(label[0::2][keep], r[0::2][keep], c0[keep], c1[keep])


def pixel_spans(geoms: Any, transform: Any, width: int, height: int) -> PixelSpans:
    """Pixels whose centre lies strictly inside each polygon, as runs along rows.

    Parameters
    ----------
    geoms : array of shapely (Multi)Polygons
        In the raster's CRS; empty or missing geometries get no pixels. Overlapping
        polygons each get their own pixels.
    transform : affine.Affine
        The raster's pixel → CRS transform (may be rotated).
    width, height : int
        Raster size; pixels outside it are dropped.

    Returns
    -------
    PixelSpans
        Sorted by label, row, column.

    Examples
    --------
    >>> from affine import Affine
    >>> sq = shapely.box(1, 1, 4, 3)  # 3 x 2 pixels on a 1 m grid with origin (0, 5)
    >>> s = pixel_spans(np.array([sq]), Affine(1, 0, 0, 0, -1, 5), 10, 10)
    >>> s.row.tolist(), s.c0.tolist(), s.c1.tolist()
    ([2, 3], [1, 1], [4, 4])
    """
    geoms = np.asarray(geoms, dtype=object)
    geoms = np.where(shapely.is_missing(geoms), shapely.Polygon(), geoms)
    edges = _edges(geoms, transform)
    label, r, x = _crossings(edges, height, upper=False)
    spans = _spans_from_crossings(label, r, x, width)
    # rows through a vertex can differ between the two conventions exactly when a centre
    # lies on the boundary; keep only the pixels both put inside (the strict-inside rule)
    _, ra, rb = edges[0], edges[2], edges[4]
    on_row = (np.modf(ra - 0.5)[0] == 0) | (np.modf(rb - 0.5)[0] == 0)
    if not on_row.any():
        return spans
    affected = np.unique(edges[0][on_row])
    sub = tuple(a[np.isin(edges[0], affected)] for a in edges)
    span_b = _spans_from_crossings(*_crossings(sub, height, upper=True), width)
    span_a = spans.take(np.isin(spans.label, affected))
    key_a, key_b = _pixel_keys(span_a, width, height), _pixel_keys(span_b, width, height)
    both = np.intersect1d(key_a, key_b, assume_unique=True)
    lab, rest = np.divmod(both, np.int64(width) * height)
    row, col = np.divmod(rest, width)
    kept = spans.take(~np.isin(spans.label, affected))
    out = PixelSpans(
        np.r_[kept.label, lab], np.r_[kept.row, row], np.r_[kept.c0, col], np.r_[kept.c1, col + 1]
    )
    order = np.lexsort((out.c0, out.row, out.label))
    return out.take(order)


def _pixel_keys(s: PixelSpans, width: int, height: int) -> np.ndarray:
    n = s.c1 - s.c0
    k = np.repeat(np.arange(len(n)), n)
    col = s.c0[k] + (np.arange(len(k)) - (np.cumsum(n) - n)[k])
    return (s.label[k] * height + s.row[k]) * width + col


# ------------------------------------------------------------------------ zonal stats
@dataclass
class ZonalSlope:
    """Per-polygon slope statistics (arrays aligned with the input polygons).

    Attributes
    ----------
    n_centres : int array
        Pixel centres strictly inside the polygon (inside the raster).
    n_pixels : int array
        Of those, pixels with a slope (3×3 window fully valid).
    n_flat : int array
        Pixels with slope ≤ ``max_slope_deg``.
    mean_slope_deg : float array
        Mean slope of the ``n_pixels`` pixels (NaN where there are none).
    """

    n_centres: np.ndarray
    n_pixels: np.ndarray
    n_flat: np.ndarray
    mean_slope_deg: np.ndarray

    @property
    def flat_share(self) -> np.ndarray:
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(self.n_pixels > 0, self.n_flat / np.maximum(self.n_pixels, 1), np.nan)


def _open(raster: Any):  # noqa: ANN202 - rasterio dataset
    import rasterio

    if isinstance(raster, (str, Path)):
        return rasterio.open(raster)
    return raster.open()


def _read_block(ds: Any, r0: int, r1: int, c0: int, c1: int, nodata: float | None) -> np.ndarray:
    """Rows r0..r1-1, cols c0..c1-1 (inside the raster) as floats, NaN at nodata."""
    from rasterio.windows import Window

    a = ds.read(1, window=Window(c0, r0, c1 - c0, r1 - r0))
    if a.dtype.kind != "f":
        a = a.astype("float64")
    if nodata is not None and not np.isnan(nodata):
        a[a == nodata] = np.nan
    return a


def _padded(blocks: dict[int, np.ndarray], b: int, nbr: int, nbc: int) -> np.ndarray:
    """Block ``b`` with a one-pixel halo taken from its 8 neighbours (NaN where there is none)."""
    core = blocks[b]
    h, w = core.shape
    out = np.full((h + 2, w + 2), np.nan, dtype=core.dtype)
    out[1:-1, 1:-1] = core
    br, bc = divmod(b, nbc)
    for dr, dc in ((-1, -1), (-1, 0), (-1, 1), (0, -1), (0, 1), (1, -1), (1, 0), (1, 1)):
        nb = (br + dr) * nbc + bc + dc
        if not (0 <= br + dr < nbr and 0 <= bc + dc < nbc) or nb not in blocks:
            continue
        src = blocks[nb]
        rs = slice(1, h + 1) if dr == 0 else (slice(0, 1) if dr < 0 else slice(h + 1, h + 2))
        cs = slice(1, w + 1) if dc == 0 else (slice(0, 1) if dc < 0 else slice(w + 1, w + 2))
        sr = slice(None) if dr == 0 else (slice(-1, None) if dr < 0 else slice(0, 1))
        sc = slice(None) if dc == 0 else (slice(-1, None) if dc < 0 else slice(0, 1))
        out[rs, cs] = src[sr, sc]
    return out


def zonal_slope_stats(
    geoms: Any,
    raster: Any,
    *,
    max_slope_deg: float = 5.0,
    block_size: int = 1024,
    threads: int = 2,
    feedback: Feedback | None = None,
) -> ZonalSlope:
    """Slope statistics of a DSM over each polygon, by pixel centres.

    Parameters
    ----------
    geoms : array of shapely (Multi)Polygons
        In the DSM's CRS (already shrunk by the caller where walls must be kept out).
    raster : path or object with ``.open()`` (``greenplan.io`` ``RasterSource``)
        Single-band DSM, heights in metres, projected CRS in metres.
    max_slope_deg : float
        A pixel with slope ≤ this (degrees) is flat.
    block_size : int
        Edge of the blocks read (pixels), rounded up to whole tiles of the file. Only
        blocks holding pixels, and neighbours whose edge pixels a 3×3 window needs, are
        read, each once; about two rows of blocks are held in memory.
    threads : int
        Threads reading (decompressing) blocks ahead of the computation.
    feedback : Feedback, optional
        Progress per block; cancel raises ``Canceled``.

    Returns
    -------
    ZonalSlope
    """
    feedback = feedback or Feedback()
    geoms = np.asarray(geoms, dtype=object)
    n = len(geoms)
    with _open(raster) as ds:
        transform, width, height, nodata = ds.transform, ds.width, ds.height, ds.nodata
        tile_h, tile_w = ds.block_shapes[0] if ds.block_shapes else (1, width)
    res_x = float(np.hypot(transform.a, transform.d))
    res_y = float(np.hypot(transform.b, transform.e))
    spans = pixel_spans(geoms, transform, width, height)
    n_centres = spans.pixel_count(n)
    # square blocks of whole tiles; spans cut at block columns, grouped by block
    bs = int(block_size)
    if tile_h < height and tile_w < width:
        bs = -(-bs // max(tile_h, tile_w)) * max(tile_h, tile_w)
    nbr, nbc = -(-height // bs), -(-width // bs)
    first_b, last_b = spans.c0 // bs, (spans.c1 - 1) // bs
    pieces = last_b - first_b + 1
    k = np.repeat(np.arange(len(spans)), pieces)
    cb = first_b[k] + (np.arange(len(k)) - (np.cumsum(pieces) - pieces)[k])
    c0 = np.maximum(spans.c0[k], cb * bs)
    c1 = np.minimum(spans.c1[k], (cb + 1) * bs)
    lab, row = spans.label[k], spans.row[k]
    win = (row // bs) * nbc + cb
    order = np.argsort(win, kind="stable")
    lab, row, c0, c1, win = lab[order], row[order], c0[order], c1[order], win[order]
    bounds = np.flatnonzero(np.r_[True, win[1:] != win[:-1], True]) if len(win) else np.zeros(1, dtype=np.intp)
    job_win = win[bounds[:-1]]
    # neighbour blocks each job needs for the halo of its edge pixels
    top, bottom = row % bs == 0, row % bs == bs - 1
    left, right = c0 % bs == 0, c1 % bs == 0
    need_job, need_blk = [np.arange(len(job_win))], [job_win]
    piece_job = np.repeat(np.arange(len(job_win)), np.diff(bounds))
    every = np.ones(len(win), dtype=bool)
    for dr, rmask in ((-1, top), (0, every), (1, bottom)):
        for dc, cmask in ((-1, left), (0, every), (1, right)):
            if dr == 0 and dc == 0:
                continue
            m = rmask & cmask
            br, bcol = win[m] // nbc + dr, win[m] % nbc + dc
            ok = (br >= 0) & (br < nbr) & (bcol >= 0) & (bcol < nbc)
            need_job.append(piece_job[m][ok])
            need_blk.append((br * nbc + bcol)[ok])
    pairs = np.unique(np.c_[np.concatenate(need_blk), np.concatenate(need_job)], axis=0)
    blocks_needed = np.unique(pairs[:, 0]) if len(pairs) else np.empty(0, dtype=np.int64)
    last_use = {int(b): int(j) for b, j in zip(pairs[:, 0], pairs[:, 1], strict=True)}  # pairs sorted: max j last
    needs_upto = np.zeros(len(job_win), dtype=np.int64)
    np.maximum.at(needs_upto, pairs[:, 1], pairs[:, 0])

    local = threading.local()
    handles: list[Any] = []
    lock = threading.Lock()

    def read(b: int) -> np.ndarray:
        """Block ``b`` (runs in a reader thread; GDAL releases the GIL while decoding)."""
        ds = getattr(local, "ds", None)
        if ds is None:
            ds = local.ds = _open(raster)
            with lock:
                handles.append(ds)
        br, bc = divmod(b, nbc)
        return _read_block(ds, br * bs, min(br * bs + bs, height), bc * bs, min(bc * bs + bs, width), nodata)

    def slope_at(j: int, z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Labels and Horn slope of job ``j``'s pixels, ``z`` its padded block."""
        a, b = bounds[j], bounds[j + 1]
        br, bc = divmod(int(job_win[j]), nbc)
        stride = z.shape[1]
        lens = c1[a:b] - c0[a:b]
        kk = np.repeat(np.arange(a, b), lens)
        col = c0[kk] + (np.arange(len(kk)) - (np.cumsum(lens) - lens)[kk - a])
        idx = (row[kk] - (br * bs - 1)) * stride + (col - (bc * bs - 1))
        zf = z.ravel()

        def at(i: np.ndarray) -> np.ndarray:
            return zf[i].astype("float64")

        up, dn = idx - stride, idx + stride
        s = _horn(at(up - 1), at(up), at(up + 1), at(idx - 1), at(idx), at(idx + 1),
                  at(dn - 1), at(dn), at(dn + 1), res_x, res_y)
        return lab[kk], s

    total = np.zeros(n)
    count = np.zeros(n, dtype="int64")
    flat = np.zeros(n, dtype="int64")
    ahead = 2 * max(1, threads)
    try:
        # blocks are read in raster order, ahead of the jobs that need them, and dropped
        # after their last job; sums are accumulated in job order (no timing dependence)
        with thread_pool(threads, "greenplan-slope") as pool:
            futures: dict[int, Any] = {}
            nxt = 0
            for j in range(len(job_win)):
                while nxt < len(blocks_needed) and (blocks_needed[nxt] <= needs_upto[j] or len(futures) < ahead):
                    futures[int(blocks_needed[nxt])] = pool.submit(read, int(blocks_needed[nxt]))
                    nxt += 1
                feedback.step(j, len(job_win))
                have = {b: f.result() for b, f in futures.items() if b <= needs_upto[j]}
                labels, s = slope_at(j, _padded(have, int(job_win[j]), nbr, nbc))
                for b in [b for b in futures if last_use.get(b, -1) <= j and b <= needs_upto[j]]:
                    del futures[b]
                ok = ~np.isnan(s)
                labels, s = labels[ok], s[ok]
                if len(labels) == 0:
                    continue
                lo = int(labels.min())
                m = int(labels.max()) - lo + 1
                rel = labels - lo
                total[lo : lo + m] += np.bincount(rel, weights=s, minlength=m)
                count[lo : lo + m] += np.bincount(rel, minlength=m)
                flat[lo : lo + m] += np.bincount(rel[s <= max_slope_deg], minlength=m)
    finally:
        for ds in handles:
            ds.close()
    feedback.step(len(job_win), len(job_win))
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(count > 0, total / np.maximum(count, 1), np.nan)
    return ZonalSlope(n_centres=n_centres, n_pixels=count, n_flat=flat, mean_slope_deg=mean)
