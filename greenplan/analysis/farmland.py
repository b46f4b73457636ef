"""Permanent basic farmland (永久基本农田) checks: non-farm use and greening conflicts.

``farmland_nonfarm_use``: area of F covered by land-use parcels outside category
``farmland``, in buckets vegetation, construction, water, other, unknown (a parcel in
several categories, and area shared by overlapping parcels, goes to the first bucket of
that order, so the buckets add up to the total). ``farmland_greening_conflict``: area of
F under the green_space layer (all classes) or scenario greening. Both must be 0, pieces
under the sliver tolerance left out (国办发明电〔2020〕24号: no greening on farmland).
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from greenplan.analysis.common import need, skipped, sliver_counts, unit_zero_checks
from greenplan.analysis.context import AnalysisContext
from greenplan.analysis.geom import PieceSet, group_union
from greenplan.analysis.result import Computed, zero_check

KEY_NF = "farmland_nonfarm_use"
KEY_GC = "farmland_greening_conflict"
BUCKETS = ("vegetation", "construction", "water", "other", "unknown")
METHOD_NF = "area(F ∩ land_use parcels not in farmland), by bucket vegetation > construction > water > other > unknown"
METHOD_GC = "area(F ∩ (green_space ∪ scenario greening))"


def _in_slivers(slivers: PieceSet, pieces: np.ndarray) -> np.ndarray:
    """Which pieces lie in a sliver piece of the merged set (tested at an interior point)."""
    out = np.zeros(len(pieces), dtype=bool)
    if len(slivers) == 0 or len(pieces) == 0:
        return out
    pts = shapely.point_on_surface(pieces)
    idx, _ = slivers.tree.query(pts, predicate="intersects")
    out[idx] = True
    return out


def twins(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Pairs (i, j) with ``a[i]`` and ``b[j]`` the same polygon (same vertices, any start/order).

    Farmland patches are often copied from the survey's parcels; such a patch overlaps
    no other parcel when its twin overlaps none, so it needs no overlay at all.
    """
    cols = ["x0", "y0", "x1", "y1", "n"]
    ka = pd.DataFrame(shapely.bounds(a), columns=cols[:4]).assign(n=shapely.get_num_coordinates(a), i=np.arange(len(a)))
    kb = pd.DataFrame(shapely.bounds(b), columns=cols[:4]).assign(n=shapely.get_num_coordinates(b), j=np.arange(len(b)))
    m = ka.merge(kb, on=cols)
    i, j = m["i"].to_numpy(dtype=np.intp), m["j"].to_numpy(dtype=np.intp)
    eq = shapely.equals_exact(a[i], b[j], tolerance=0.0)
    if not eq.all():
        eq[~eq] = shapely.equals_exact(a[i[~eq]], b[j[~eq]], tolerance=0.0, normalize=True)
    return i[eq], j[eq]


def _frame(ctx: AnalysisContext, data: dict, cols: list[str], layer: str | None = None) -> gpd.GeoDataFrame:
    return ctx.feature_frame([pd.DataFrame(data)] if len(data.get("geometry", [])) else [], cols, layer)


def farmland_nonfarm_use(ctx: AnalysisContext) -> Computed:
    """Non-farm use of permanent basic farmland, by bucket.

    Parameters
    ----------
    ctx : AnalysisContext
        Prepared layers in the working metric CRS (areas in m²).

    Returns
    -------
    Computed
        Overall and per-unit :class:`~greenplan.analysis.result.Indicator`: m² (must be 0); extra ``buckets``; feature layer ``farmland_nonfarm_use``.
    """
    f = ctx.ps("F")
    if f is None:
        return skipped(ctx, KEY_NF, "m²", METHOD_NF, need("永久基本农田", "permanent_farmland"))
    lu = ctx.layer.get("land_use")
    if lu is None:
        return skipped(ctx, KEY_NF, "m²", METHOD_NF, need("土地利用", "land_use"))
    assert ctx.classes is not None
    # parcels a class mapping marked "ignore" are no land use (a designation over the real one)
    nonfarm = ~ctx.lu_rows("farmland") & ~ctx.classes.ignored
    # patches identical to a parcel that overlaps no other parcel: no overlay needed
    fi, pi = twins(f.geoms, lu.parts)
    ok = ~lu.dirty[pi]
    fi, pi = fi[ok], pi[ok]
    rest = np.ones(len(f), dtype=bool)
    rest[fi] = False
    pieces, part, _ = lu.clip(nonfarm, PieceSet(f.geoms[rest], disjoint=False), sparse=True)
    same = nonfarm[lu.part_row[pi]]  # a patch on a non-farm parcel is all non-farm use
    pieces, part = np.concatenate([pieces, f.geoms[fi[same]]]), np.concatenate([part, pi[same]])
    rows = lu.part_row[part]
    bucket = ctx.classes.bucket()[rows]
    # F's patches may overlap each other, so every bucket is a union; area shared with an
    # earlier bucket (overlapping parcels, overlapping patches) stays in the earlier one
    final: dict[str, PieceSet] = {}
    before = PieceSet()
    for k in BUCKETS:
        final[k] = PieceSet.union_of(pieces[bucket == k]).minus(before)
        before = before.union(final[k])
    total = PieceSet(np.concatenate([final[k].geoms for k in BUCKETS]))
    kept, slivers = total.split_slivers(ctx.tol)
    bucket_kept = {k: ps.area - float(ps.areas[_in_slivers(slivers, ps.geoms)].sum()) for k, ps in final.items()}
    extra = {"buckets": bucket_kept}
    ind = zero_check(KEY_NF, kept.area, len(slivers), slivers.area, METHOD_NF, **extra)
    for n in ctx.notes_for("permanent_farmland", "land_use"):
        ind.note(n)
    by_unit = None
    if ctx.units is not None:
        u = ctx.units
        nu, su = sliver_counts(ctx, slivers)
        b_u = {}
        for k, ps in final.items():
            in_sl = _in_slivers(slivers, ps.geoms)
            b_u[k] = u.areas(PieceSet(ps.geoms[~in_sl]))
        by_unit = unit_zero_checks(ctx, KEY_NF, u.areas(kept), nu, su, METHOD_NF)
        for i, ind_u in enumerate(by_unit):
            ind_u.extra["buckets"] = {k: float(v[i]) for k, v in b_u.items()}
    # explaining features: each parcel's part on F
    keep = len(pieces) > 0
    feats: dict = {"geometry": []}
    if keep:
        r, geom, area = group_union(pieces, rows)
        inv = np.searchsorted(r, rows)
        sl = np.bincount(inv, weights=_in_slivers(slivers, pieces).astype(float)) == np.bincount(inv)
        bsm = lu.column("BSM")
        feats = {
            "source_id": bsm.iloc[r].astype("string").to_numpy() if bsm is not None else None,
            "code": ctx.classes.codes[r],
            "bucket": ctx.classes.bucket()[r],
            "area_m2": area,
            "is_sliver": sl,
            "geometry": geom,
        }
    cols = ["source_id", "code", "bucket", "area_m2", "is_sliver", "geometry"]
    return Computed(ind, by_unit, {"farmland_nonfarm_use": _frame(ctx, feats, cols, "farmland_nonfarm_use")})


def farmland_greening_conflict(ctx: AnalysisContext) -> Computed:
    """Green space (any class) and scenario greening on permanent basic farmland.

    Parameters
    ----------
    ctx : AnalysisContext
        Prepared layers in the working metric CRS (areas in m²).

    Returns
    -------
    Computed
        Overall and per-unit :class:`~greenplan.analysis.result.Indicator`: m² (must be 0); feature layer ``farmland_greening_conflict``.
    """
    f = ctx.ps("F")
    if f is None:
        return skipped(ctx, KEY_GC, "m²", METHOD_GC, need("永久基本农田", "permanent_farmland"))
    sources = [r for r in ("green_space", "scenario_greening") if r in ctx.layer]
    if not sources:
        return skipped(ctx, KEY_GC, "m²", METHOD_GC, need("绿地", "green_space"))
    collected = []
    for role in sources:
        lyr = ctx.layer[role]
        pieces, part, _ = lyr.clip(None, f, sparse=True)
        collected.append((role, lyr, pieces, lyr.part_row[part]))
    conflict = PieceSet.union_of(np.concatenate([c[2] for c in collected]))
    kept, slivers = conflict.split_slivers(ctx.tol)
    ind = zero_check(KEY_GC, kept.area, len(slivers), slivers.area, METHOD_GC)
    for n in ctx.notes_for("permanent_farmland", "green_space", "scenario_greening"):
        ind.note(n)
    by_unit = None
    if ctx.units is not None:
        u = ctx.units
        nu, su = sliver_counts(ctx, slivers)
        by_unit = unit_zero_checks(ctx, KEY_GC, u.areas(kept), nu, su, METHOD_GC)
    frames = []
    for role, lyr, pieces, rows in collected:
        if not len(pieces):
            continue
        r, geom, area = group_union(pieces, rows)
        inv = np.searchsorted(r, rows)
        sl = np.bincount(inv, weights=_in_slivers(slivers, pieces).astype(float)) == np.bincount(inv)
        cls, name = lyr.column("class"), lyr.column("name")
        frames.append(
            pd.DataFrame(
                {
                    "source": role,
                    "class": cls.iloc[r].astype("string").to_numpy() if cls is not None else None,
                    "name": name.iloc[r].astype("string").to_numpy() if name is not None else None,
                    "area_m2": area,
                    "is_sliver": sl,
                    "geometry": geom,
                }
            )
        )
    cols = ["source", "class", "name", "area_m2", "is_sliver", "geometry"]
    return Computed(ind, by_unit, {"farmland_greening_conflict": ctx.feature_frame(frames, cols, "farmland_greening_conflict")})
