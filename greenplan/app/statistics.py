"""Statistics of a selection or a layer: count and area (m², 公顷, 亩), grouped by a field
or by township.

Rules
-----
count
    Features (rows), whatever their shape. Grouped by township, a feature counts in the
    township that holds its ``point_on_surface`` (so the counts add up to the total);
    one outside every township counts under "乡镇范围外".
area
    A union question: overlapping polygons are counted once. Within a group the area is
    the area of the union of the group's polygons; the total row is the union of all of
    them (so where parcels of two groups overlap, the groups add up to more than the
    total: the total is the land covered). Only the polygons that really overlap are
    unioned (:func:`greenplan.analysis.partition.overlapping_mask`), the others are summed.
    Grouped by township, each polygon is cut by the townships (area-weighted: a parcel
    across a boundary gives each township its part); the area outside every township is
    its own row. Lines and points have no area.
units
    m² in the working CRS (planar, as every GreenPlan area); 公顷 = m² / 10,000
    (:data:`~greenplan.analysis.wording.HECTARE_M2`); 亩 = m² / 666.67
    (:data:`~greenplan.analysis.wording.MU_M2`, the one 亩 constant).

Examples
--------
>>> import geopandas as gpd, shapely
>>> g = gpd.GeoDataFrame({"DLBM": ["01", "01", "03"]},
...                      geometry=[shapely.box(0, 0, 100, 100), shapely.box(50, 0, 150, 100), shapely.box(0, 200, 10, 210)])
>>> t = compute_statistics(g, by_field="DLBM")
>>> [(r.group, r.count, r.area_m2) for r in t.rows], t.total.area_m2
([('01', 2, 15000.0), ('03', 1, 100.0)], 15100.0)
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import CancelledError, Future, ThreadPoolExecutor
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import shapely

from greenplan.analysis.geom import PieceSet, clip_pieces, group_union, polygon_parts, union_all
from greenplan.analysis.partition import overlapping_mask
from greenplan.analysis.wording import HECTARE_M2, MU_M2
from greenplan.core.errors import MissingFieldError
from greenplan.core.parallel import thread_pool

#: group names that are not values of the data
NULL_GROUP = {"zh": "（空值）", "en": "(null)"}
OUTSIDE_GROUP = {"zh": "乡镇范围外", "en": "outside every township"}
TOTAL_GROUP = {"zh": "合计", "en": "Total"}
TOWNSHIP_HEADER = {"zh": "乡镇", "en": "Township"}
#: column headers of the table (and of the copied TSV), in order
HEADERS = {
    "zh": ("数量", "面积（m²）", "面积（公顷）", "面积（亩）"),
    "en": ("Count", "Area (m²)", "Area (ha)", "Area (mu)"),
}


@dataclass(frozen=True)
class StatsRow:
    """One group: its name (a field value as text, a township name) or a marker key."""

    group: str
    count: int
    area_m2: float

    @property
    def area_ha(self) -> float:
        return self.area_m2 / HECTARE_M2

    @property
    def area_mu(self) -> float:
        return self.area_m2 / MU_M2


@dataclass
class StatsTable:
    """Rows in group order, the total, and what they are grouped by (None: not grouped).

    ``special`` maps a row's ``group`` to a marker (``null``, ``outside``) for the
    names that are not data values; :func:`table_rows` writes them in the right language.
    """

    rows: list[StatsRow]
    total: StatsRow
    by: str | None = None
    by_township: bool = False
    special: dict[str, str] = field(default_factory=dict)


def _union_area_by_group(geoms: np.ndarray, groups: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(groups, area of the union of each group's ``geoms``). A few groups (townships, land
    classes): one disjoint-subset union per group (about twice as fast as unioning a padded
    grid of all groups at once); many groups: the grid."""
    uniq = np.unique(groups)
    if len(uniq) > 64:
        uniq, _, area = group_union(geoms, groups)
        return uniq, area
    return uniq, np.array([shapely.area(union_all(geoms[groups == g])) for g in uniq], dtype=float)


def _union_areas(parts: np.ndarray, over: np.ndarray, groups: np.ndarray, n: int,
                 areas: np.ndarray | None = None) -> np.ndarray:
    """Area per group 0..n-1 of the union of ``parts`` (only the ``over`` ones unioned)."""
    if areas is None:
        areas = shapely.area(parts) if len(parts) else np.zeros(0)
    out = np.bincount(groups[~over], weights=areas[~over], minlength=n).astype(float)
    if over.any():
        uniq, union_area = _union_area_by_group(parts[over], groups[over])
        out[uniq] += union_area
    return out[:n]


def _overlaps(parts: np.ndarray, known: np.ndarray | None, part_row: np.ndarray) -> np.ndarray:
    if known is not None:
        # a layer-wide overlap mask (cached by the caller) is a superset for any subset of it:
        # unioning a polygon that overlaps nothing in the subset does not change the area
        return np.asarray(known, dtype=bool)[part_row]
    return overlapping_mask(parts) if len(parts) > 1 else np.zeros(len(parts), dtype=bool)


def compute_statistics(
    frame,
    ids: np.ndarray | None = None,
    *,
    by_field: str | None = None,
    townships=None,
    township_field: str = "name",
    overlap_rows: np.ndarray | None = None,
    split: TownshipSplit | None = None,
    layer_parts: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None,
) -> StatsTable:
    """Count and area of a layer (``ids`` None) or of its rows ``ids``, grouped.

    Parameters
    ----------
    frame : GeoDataFrame
        The layer, in the working CRS (metres).
    ids : ndarray of int, optional
        Row numbers (positions) of the selection.
    by_field : str, optional
        Group by this field's values (NULL is its own group).
    townships : GeoDataFrame, optional
        Group by township instead (the admin units layer, same CRS).
    township_field : str
        The townships' name field.
    overlap_rows : ndarray of bool, optional
        Per row of ``frame``: True where the row's polygons may overlap another row
        (:func:`overlap_rows_of`, cached per layer). Without it the overlaps of the rows
        counted are found now.
    split : TownshipSplit, optional
        ``split_by_township(frame, townships)``, cached per layer: group by township
        without cutting the polygons again.
    layer_parts : (parts, row, area), optional
        The layer's polygon parts, their rows and areas (:meth:`StatsCache.parts`).

    Returns
    -------
    StatsTable

    Raises
    ------
    MissingFieldError
        ``by_field`` or ``township_field`` is not a field.
    """
    geoms_all = np.asarray(frame.geometry.array, dtype=object)
    rows = np.arange(len(frame)) if ids is None else np.unique(np.asarray(ids, dtype=np.int64))
    geoms = geoms_all[rows]
    if layer_parts is not None:  # the layer's parts, cut once: keep those of the rows counted
        all_parts, all_row, all_area = layer_parts
        where = np.full(len(frame), -1, dtype=np.intp)
        where[rows] = np.arange(len(rows))
        keep = where[all_row] >= 0
        parts, part_feat, part_area = all_parts[keep], where[all_row[keep]], all_area[keep]
    else:
        parts, part_feat = polygon_parts(geoms)
        part_area = shapely.area(parts) if len(parts) else np.zeros(0)
    known = None if overlap_rows is None else np.asarray(overlap_rows, dtype=bool)[rows]
    over = _overlaps(parts, known, part_feat)
    total_area = float(_union_areas(parts, over, np.zeros(len(parts), dtype=np.intp), 1, part_area)[0])
    total = StatsRow("total", len(rows), total_area)
    if townships is not None or split is not None:
        split = split if split is not None else split_by_township(frame, townships, township_field)
        over_rows = np.zeros(len(frame), dtype=bool)
        over_rows[rows[part_feat[over]]] = True
        return _by_township(rows, split, over_rows, total, len(frame))
    if by_field is None:
        return StatsTable([], total)
    if by_field not in frame.columns:
        raise MissingFieldError(f"no field {by_field!r} to group by", f"没有用于分组的字段 {by_field!r}", field=by_field)
    values = frame[by_field].iloc[rows]
    codes, uniques = pd.factorize(values, sort=True, use_na_sentinel=True)
    n = len(uniques)
    null = codes < 0
    codes = np.where(null, n, codes)  # NULL: the last group
    counts = np.bincount(codes, minlength=n + 1)
    areas = _union_areas(parts, over, codes[part_feat], n + 1, part_area)
    names = [_text(v) for v in uniques] + ["\x00null"]
    out = [StatsRow(names[i], int(counts[i]), float(areas[i])) for i in range(n + 1) if counts[i]]
    return StatsTable(out, total, by=by_field, special={"\x00null": "null"})


@dataclass
class TownshipSplit:
    """A layer cut by the townships, once (a cache the caller keeps per loaded layer):
    per piece its row, township and area, whether its row may overlap another row, and
    per row the township holding its point on surface (``len(names)``: none)."""

    names: list[str]
    piece_geoms: np.ndarray
    piece_row: np.ndarray
    piece_zone: np.ndarray
    piece_area: np.ndarray
    row_zone: np.ndarray


def split_by_township(frame, townships, name_field: str = "name") -> TownshipSplit:
    """Cut every polygon of ``frame`` by ``townships`` (see :class:`TownshipSplit`).

    Raises
    ------
    MissingFieldError
        ``townships`` has no ``name_field``.
    """
    if name_field not in townships.columns:
        raise MissingFieldError(f"the townships have no field {name_field!r}", f"乡镇图层没有字段 {name_field!r}",
                                field=name_field, layer="admin_units")
    geoms = np.asarray(frame.geometry.array, dtype=object)
    zones = np.asarray(townships.geometry.array, dtype=object)
    names = [_text(v) for v in townships[name_field]]
    nz = len(zones)
    # counts: the township holding each feature's point on surface (the first if they overlap);
    # the tree is over the points so that the few township polygons are the prepared side
    row_zone = np.full(len(geoms), nz, dtype=np.intp)
    present = np.flatnonzero(~shapely.is_missing(geoms) & ~shapely.is_empty(geoms))
    if len(present) and nz:
        pts = shapely.point_on_surface(geoms[present])
        zi, pi = shapely.STRtree(pts).query(zones, predicate="contains")
        order = np.lexsort((zi, pi))
        pi, zi = pi[order], zi[order]
        first = np.unique(pi, return_index=True)[1]
        row_zone[present[pi[first]]] = zi[first]
    parts, part_row = polygon_parts(geoms)
    pieces, src, dst, _ = clip_pieces(parts, PieceSet(zones, disjoint=False))
    return TownshipSplit(names, pieces, part_row[src], dst, shapely.area(pieces) if len(pieces) else np.zeros(0),
                         row_zone)


def _by_township(rows: np.ndarray, split: TownshipSplit, over_rows: np.ndarray, total: StatsRow,
                 n_rows: int) -> StatsTable:
    nz = len(split.names)
    counts = np.bincount(split.row_zone[rows], minlength=nz + 1)
    take = np.zeros(n_rows, dtype=bool)
    take[rows] = True
    keep = take[split.piece_row]
    over = over_rows[split.piece_row[keep]]
    zone = split.piece_zone[keep]
    area = split.piece_area[keep]
    areas = np.bincount(zone[~over], weights=area[~over], minlength=nz).astype(float)
    if over.any():
        uniq, union_area = _union_area_by_group(split.piece_geoms[keep][over], zone[over])
        areas[uniq] += union_area
    outside = max(total.area_m2 - float(areas.sum()), 0.0)
    if outside < 1e-6 * max(total.area_m2, 1.0):
        outside = 0.0
    out = [StatsRow(split.names[i], int(counts[i]), float(areas[i])) for i in range(nz)]
    if counts[nz] or outside:
        out.append(StatsRow("\x00outside", int(counts[nz]), outside))
    return StatsTable(out, total, by_township=True, special={"\x00outside": "outside"})


def overlap_rows_of(frame) -> np.ndarray:
    """Per row: True where one of its polygons overlaps another row's (the rows a union
    must look at). Compute once per loaded layer and pass to :func:`compute_statistics`."""
    geoms = np.asarray(frame.geometry.array, dtype=object)
    parts, part_feat = polygon_parts(geoms)
    out = np.zeros(len(geoms), dtype=bool)
    if len(parts) > 1:
        out[part_feat[overlapping_mask(parts)]] = True
    return out


def _text(v) -> str:
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def group_name(table: StatsTable, row: StatsRow, lang: str = "zh") -> str:
    """The name shown for ``row`` (a value, or 空值 / 乡镇范围外 / 合计)."""
    if row is table.total:
        return TOTAL_GROUP[lang]
    mark = table.special.get(row.group)
    if mark == "null":
        return NULL_GROUP[lang]
    if mark == "outside":
        return OUTSIDE_GROUP[lang]
    return row.group


def format_row(row: StatsRow, *, plain: bool = False) -> list[str]:
    """Count, m², 公顷, 亩 as text: with thousands separators for the panel, ``plain`` (no
    separators) for the clipboard so that a spreadsheet reads numbers.

    Examples
    --------
    >>> format_row(StatsRow("x", 3, 20000.0))
    ['3', '20,000.0', '2.0000', '30.00']
    >>> format_row(StatsRow("x", 3, 20000.0), plain=True)
    ['3', '20000.0', '2.0000', '30.00']
    """
    sep = "" if plain else ","
    return [f"{row.count:{sep}d}", f"{row.area_m2:{sep}.1f}", f"{row.area_ha:{sep}.4f}", f"{row.area_mu:{sep}.2f}"]


def table_rows(table: StatsTable, lang: str = "zh", *, plain: bool = False) -> list[list[str]]:
    """The table as text: a header row, one row per group, the total last."""
    first = table.by if table.by else (TOWNSHIP_HEADER[lang] if table.by_township else "")
    out = [[first, *HEADERS[lang]]]
    for row in [*table.rows, table.total]:
        out.append([group_name(table, row, lang), *format_row(row, plain=plain)])
    return out


def to_tsv(table: StatsTable, lang: str = "zh") -> str:
    """Tab-separated text (what "copy as table" puts on the clipboard; Excel and WPS paste it as cells).

    Examples
    --------
    >>> t = StatsTable([], StatsRow("total", 2, 1500.0))
    >>> to_tsv(t).splitlines()[1].split("\\t")
    ['合计', '2', '1500.0', '0.1500', '2.25']
    """
    return "\n".join("\t".join(cell.replace("\t", " ").replace("\n", " ") for cell in r)
                     for r in table_rows(table, lang, plain=True))


class StatsCache:
    """What statistics reuse per loaded layer: its overlap rows, its polygon parts and its
    cut by the townships.

    These cost seconds on a county of 100,000 parcels and do not change while the layer
    stays loaded, so they are computed once, like the canvas's spatial index: either
    :meth:`prepare` starts them in background threads as soon as the layer is loaded (the
    desktop app does), or the first :meth:`statistics` call computes them. A request made
    while they are being prepared waits for that work instead of doing it again. The cache
    holds the frames it was computed for (a reloaded layer is a new frame) and forgets the
    oldest beyond a few layers. It is safe to use from several threads.

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> g = gpd.GeoDataFrame({"a": [1, 2]}, geometry=[shapely.box(0, 0, 2, 2), shapely.box(1, 1, 3, 3)])
    >>> cache = StatsCache()
    >>> cache.statistics(g).total.area_m2, cache.statistics(g, np.array([0])).total.area_m2
    (7.0, 4.0)
    >>> cache.prepare(g).result() is None  # the layer-wide values, computed in the background
    True
    >>> cache.statistics(g, np.array([1])).total.area_m2
    4.0
    """

    #: a selection below this share of the layer finds its own overlaps (cheaper than the layer's)
    SMALL_SHARE = 0.2

    def __init__(self, size: int = 4) -> None:
        self.size = size
        self._lock = threading.Lock()
        # (kind, objects the value was computed for, extra key, future of the value)
        self._memo: list[tuple[str, tuple, object, Future]] = []
        self._whole: list[tuple[tuple, tuple]] = []  # tables of whole layers (no selection)
        self._pool: ThreadPoolExecutor | None = None

    def _get(self, kind: str, objs: tuple, extra: object, compute: Callable[[], object],
             background: bool = False) -> Future:
        """The future of a memoised value: found, or computed now (``background``: in the pool)."""
        with self._lock:
            for k, o, e, fut in self._memo:
                if k == kind and e == extra and all(a is b for a, b in zip(o, objs, strict=True)):
                    return fut
            fut: Future = Future()
            same_kind = [m for m in self._memo if m[0] == kind]
            drop = same_kind[:-(self.size - 1)] if len(same_kind) >= self.size else []
            self._memo = [m for m in self._memo if m not in drop] + [(kind, objs, extra, fut)]
            if background:
                if self._pool is None:
                    self._pool = thread_pool(2, "greenplan-stats")
                self._pool.submit(_fill, fut, compute)
        if not background:
            _fill(fut, compute)
        return fut

    def _forget(self, fut: Future) -> None:
        with self._lock:
            self._memo = [m for m in self._memo if m[3] is not fut]

    def _value(self, kind: str, objs: tuple, extra: object, compute: Callable[[], object]):
        fut = self._get(kind, objs, extra, compute)
        try:
            return fut.result()
        except CancelledError:  # background work stopped by close(): compute it here
            self._forget(fut)
            return self._value(kind, objs, extra, compute)
        except BaseException:
            self._forget(fut)  # a failed computation is tried again next time, not remembered
            raise

    def overlap_rows(self, frame) -> np.ndarray:
        return self._value("over", (frame,), None, lambda: overlap_rows_of(frame))

    def parts(self, frame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The layer's polygon parts, the row of each and its area (m²)."""
        return self._value("parts", (frame,), None, lambda: _layer_parts(frame))

    def split(self, frame, townships, name_field: str = "name") -> TownshipSplit:
        return self._value("split", (frame, townships), name_field,
                           lambda: split_by_township(frame, townships, name_field))

    def prepare(self, frame, townships=None, township_field: str = "name") -> Future:
        """Start computing the layer-wide values of ``frame`` (and its cut by ``townships``)
        in background threads; returns a future that is done when all are (its result is
        None; a failure, such as a missing name field, is raised again by the request
        that needs the value). Shapely releases the GIL, so the cut and the overlaps run on
        two cores at once."""
        futs = [self._get("over", (frame,), None, lambda: overlap_rows_of(frame), True),
                self._get("parts", (frame,), None, lambda: _layer_parts(frame), True)]
        if townships is not None:
            futs.append(self._get("split", (frame, townships), township_field,
                                  lambda: split_by_township(frame, townships, township_field), True))
        done: Future = Future()
        left = [len(futs)]
        guard = threading.Lock()

        def one_done(_f) -> None:
            with guard:
                left[0] -= 1
                if left[0] == 0:
                    done.set_result(None)

        for f in futs:
            f.add_done_callback(one_done)
        return done

    def close(self) -> None:
        """Stop the background threads once their current work ends (a new project)."""
        with self._lock:
            pool, self._pool = self._pool, None
            for _k, _o, _e, fut in self._memo:
                fut.cancel()  # only those not started: a waiter computes them itself
            self._memo = [m for m in self._memo if not m[3].cancelled()]
        if pool is not None:
            pool.shutdown(wait=False, cancel_futures=True)

    def statistics(self, frame, ids: np.ndarray | None = None, *, by_field: str | None = None, townships=None,
                   township_field: str = "name") -> StatsTable:
        """:func:`compute_statistics` with this cache's layer-wide values where they pay off
        (a whole layer's table is kept: the layer does not change while it is loaded)."""
        if ids is None:
            memo = (id(frame), by_field, id(townships), township_field)
            with self._lock:
                for key, (f, t, table) in self._whole:
                    if key == memo and f is frame and t is townships:
                        return table
        small = ids is not None and len(ids) < self.SMALL_SHARE * max(len(frame), 1)
        over = None if small else self.overlap_rows(frame)
        split = None if townships is None else self.split(frame, townships, township_field)
        parts = None if small else self.parts(frame)
        table = compute_statistics(frame, ids, by_field=by_field, overlap_rows=over, split=split, layer_parts=parts)
        if ids is None:
            with self._lock:
                self._whole = [*self._whole[-(2 * self.size - 1):], (memo, (frame, townships, table))]
        return table


def _layer_parts(frame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    parts, row = polygon_parts(np.asarray(frame.geometry.array, dtype=object))
    return parts, row, shapely.area(parts) if len(parts) else np.zeros(0)


def _fill(fut: Future, compute: Callable[[], object]) -> None:
    """Run ``compute`` into ``fut`` (a cancelled background task leaves it cancelled)."""
    if not fut.set_running_or_notify_cancel():
        return
    try:
        fut.set_result(compute())
    except BaseException as exc:  # noqa: BLE001 - handed to whoever waits on the value
        fut.set_exception(exc)
