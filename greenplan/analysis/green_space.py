"""Green space ratio, park green per capita and park service coverage of the built-up area.

Notes
-----
- 建成区绿地率: G1 + G2 + G3 + XG (and its sub-classes) + land-use green space, plus
  区域绿地 (EG) that adjoins construction land, EG capped at 20 % of the green space
  (national garden-city guidance, ``shared/domain.md`` §1.1; CJJ/T 85-2017 classes).
- 人均公园绿地: G1 ∪ land-use park green inside B per person, graded in the band of
  per-capita construction land (GB/T 50563-2010, values 待核对).
- 公园绿地服务半径覆盖率: residential land within the service radius of a park, parks
  being the separate polygons of the union of all park green ("300 米见绿，500 米见园").
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from greenplan.analysis.common import NO_B, UNIT_NO_B, graded, need, skipped, unit_ratios
from greenplan.analysis.context import GS_PREFIXES, AnalysisContext
from greenplan.analysis.geom import PieceSet, buffer_union
from greenplan.analysis.population import population_of_b
from greenplan.analysis.result import (
    NA_NO_BUILT_UP,
    UNIT_PER_CAPITA,
    Computed,
    Indicator,
    not_applicable,
    ratio,
)
from greenplan.analysis.thresholds import BAND_LABELS, band_index, service_tiers

KEY_GS = "green_space_ratio"
KEY_PC = "park_green_per_capita"
KEY_SC = "park_service_coverage"
METHOD_GS = "area(GS ∩ B) / area(B); GS = G1/G2/G3/XG ∪ land_use green_space ∪ scenario (× gs_share) + EG (adjoining construction, ≤ 20 % of GS)"
METHOD_PC = "area((G1 ∪ land_use park_green) ∩ B) / population of B"
METHOD_SC = "area(R ∩ S) / area(R); R = residential ∩ B, S = park service radii"


def _scenario_shares(ctx: AnalysisContext) -> np.ndarray | None:
    sg = ctx.layer.get("scenario_greening")
    if sg is None:
        return None
    col = sg.column("gs_share")
    if col is None:
        return np.ones(len(sg))
    return pd.to_numeric(col, errors="coerce").fillna(1.0).clip(0.0, 1.0).to_numpy(dtype=float)


def _construction_touch(ctx: AnalysisContext, geoms: np.ndarray) -> np.ndarray:
    """Which of ``geoms`` touch or overlap construction land (land use or scenario)."""
    hit = np.zeros(len(geoms), dtype=bool)
    lu = ctx.layer.get("land_use")
    if lu is not None and len(geoms):
        gi, pi = lu.tree.query(geoms, predicate="intersects")
        cons = ctx.lu_rows("construction")[lu.part_row[pi]]
        hit[gi[cons]] = True
    sc = ctx.layer.get("scenario_construction")
    if sc is not None and len(geoms):
        gi, _ = sc.tree.query(geoms, predicate="intersects")
        hit[gi] = True
    return hit


def green_space_parts(ctx: AnalysisContext) -> tuple[PieceSet, list[tuple[float, PieceSet]], PieceSet]:
    """(full-share GS ∩ B, [(share, partial-share scenario pieces)], eligible EG ∩ B outside GS)."""
    b = ctx.ps("B")
    full = ctx.union_all_of(
        [
            ctx.lu_pieces("green_space", "B"),
            ctx.pieces_of("green_space", ctx.green_rows(GS_PREFIXES), b),
        ]
    )
    partial: list[tuple[float, PieceSet]] = []
    shares = _scenario_shares(ctx)
    if shares is not None:
        sg = ctx.layer["scenario_greening"]
        ones = sg.pieces(shares >= 1.0, b)
        full = ctx.union_all_of([full, ones])
        seen = full
        for s in sorted({float(x) for x in shares if 0 < x < 1}, reverse=True):
            ps = sg.pieces(shares == s, b).minus(seen)
            partial.append((s, ps))
            seen = seen.union(ps)
    eg = PieceSet()
    gs = ctx.layer.get("green_space")
    if gs is not None:
        rows = ctx.green_rows(("EG",))
        if rows.any():
            ok = np.zeros(len(gs), dtype=bool)
            ok[np.flatnonzero(rows)[_construction_touch(ctx, gs.geoms[rows])]] = True
            eg = gs.pieces(ok, b)
            for _, ps in [(1.0, full), *partial]:
                eg = eg.minus(ps)
    return full, partial, eg


def green_space_ratio(ctx: AnalysisContext) -> Computed:
    """建成区绿地率 with the EG rule (touches construction, capped), overall and per unit.

    Parameters
    ----------
    ctx : AnalysisContext
        Prepared layers in the working metric CRS (areas in m²).

    Returns
    -------
    Computed
        Overall and per-unit :class:`~greenplan.analysis.result.Indicator`: ratio in [0, 1]; extras ``gs_m2``, ``eg_candidate_m2``, ``eg_cap_m2``, ``eg_counted_m2`` (m²).
    """
    b = ctx.ps("B")
    if b is None:
        return skipped(ctx, KEY_GS, "ratio", METHOD_GS, NO_B)
    if "green_space" not in ctx.layer and "land_use" not in ctx.layer and "scenario_greening" not in ctx.layer:
        return skipped(ctx, KEY_GS, "ratio", METHOD_GS, "缺少绿地与土地利用图层 / no green_space or land_use layer")
    cap = float(ctx.rules.get("eg_cap_share", 0.2))
    full, partial, eg = green_space_parts(ctx)
    gs_m2 = full.area + sum(s * ps.area for s, ps in partial)
    eg_cap = cap * gs_m2
    eg_counted = min(eg.area, eg_cap)
    notes = ctx.notes_for("B", "built_up_area", "green_space", "land_use", "scenario_greening")
    if "land_use" not in ctx.layer:
        notes.append("缺少土地利用图层，无法判断 EG 是否邻接建设用地，EG 未计入 / no land_use: EG not counted")
    extra = {"gs_m2": gs_m2, "eg_candidate_m2": eg.area, "eg_cap_m2": eg_cap, "eg_counted_m2": eg_counted}
    ind = graded(ctx, ratio(KEY_GS, gs_m2 + eg_counted, b.area, METHOD_GS, **extra))
    for n in notes:
        ind.note(n)
    by_unit = None
    if ctx.units is not None:
        u = ctx.units
        gs_u = u.areas(full) + sum((s * u.areas(ps) for s, ps in partial), np.zeros(u.n))
        eg_u = u.areas(eg)
        cap_u = cap * gs_u
        counted_u = np.minimum(eg_u, cap_u)
        b_u = u.areas(b)
        extra_u = {"gs_m2": gs_u, "eg_candidate_m2": eg_u, "eg_cap_m2": cap_u, "eg_counted_m2": counted_u}
        by_unit = unit_ratios(ctx, KEY_GS, gs_u + counted_u, b_u, METHOD_GS, b_u=b_u, extra_u=extra_u)
    return Computed(ind, by_unit)


def parks_in_b(ctx: AnalysisContext) -> PieceSet:
    b = ctx.ps("B")
    return ctx.cached(
        "P∩B",
        lambda: ctx.union_all_of(
            [
                ctx.lu_pieces("park_green", "B"),
                ctx.pieces_of("green_space", ctx.green_rows(("G1",)), b),
                ctx.pieces_of("scenario_greening", ctx.scenario_rows("G1"), b),
            ]
        ),
    )


def _per_capita(ctx, park_m2, cons_m2, pop, notes):
    extra = {"park_m2": park_m2, "population": pop, "construction_per_capita_m2": None, "band": None}
    ind = Indicator(KEY_PC, None, UNIT_PER_CAPITA, method=METHOD_PC, extra=extra)
    band = None
    if pop is None or not np.isfinite(pop):
        ind.note("人口未知，无法计算 / population unknown: not computed")
        extra["population"] = None
    elif pop <= 0:
        ind.note("人口为 0，无法计算 / population is 0: not computed")
    else:
        ind.value = park_m2 / pop
        if cons_m2 is not None:
            per = cons_m2 / pop
            extra["construction_per_capita_m2"] = per
            band = band_index(per, ctx.scheme.band_edges(KEY_PC))
            extra["band"] = BAND_LABELS[band]
        elif ctx.scheme.is_banded(KEY_PC):
            ind.note("缺少土地利用图层，无法确定人均建设用地分档，未评级 / no land_use: band unknown, not graded")
    if ctx.scheme.is_banded(KEY_PC) and band is None:
        ind.threshold = None
    else:
        graded(ctx, ind, band)
    for n in notes:
        ind.note(n)
    return ind


def park_green_per_capita(ctx: AnalysisContext) -> Computed:
    """人均公园绿地 (m²/person), graded in the band of per-capita construction land.

    Parameters
    ----------
    ctx : AnalysisContext
        Prepared layers in the working metric CRS (areas in m²).

    Returns
    -------
    Computed
        Overall and per-unit :class:`~greenplan.analysis.result.Indicator`: m² per person; extras ``park_m2``, ``population``, ``construction_per_capita_m2``, ``band``.
    """
    b = ctx.ps("B")
    if b is None:
        return skipped(ctx, KEY_PC, UNIT_PER_CAPITA, METHOD_PC, NO_B)
    if "green_space" not in ctx.layer and "land_use" not in ctx.layer and "scenario_greening" not in ctx.layer:
        return skipped(ctx, KEY_PC, UNIT_PER_CAPITA, METHOD_PC, "缺少绿地与土地利用图层 / no green_space or land_use layer")
    parks = parks_in_b(ctx)
    cons = ctx.lu_pieces("construction", "B")
    pop = population_of_b(ctx)
    notes = ctx.notes_for("B", "built_up_area", "green_space", "land_use") + pop.notes
    ind = _per_capita(ctx, parks.area, cons.area if cons is not None else None, pop.total, notes)
    by_unit = None
    if ctx.units is not None:
        u = ctx.units
        p_u, b_u = u.areas(parks), u.areas(b)
        c_u = u.areas(cons) if cons is not None else None
        by_unit = []
        for i in range(u.n):
            if not b_u[i] > 0:
                by_unit.append(not_applicable(KEY_PC, UNIT_PER_CAPITA, METHOD_PC, NA_NO_BUILT_UP, UNIT_NO_B))
                continue
            pu = None if pop.by_unit is None or np.isnan(pop.by_unit[i]) else float(pop.by_unit[i])
            by_unit.append(_per_capita(ctx, float(p_u[i]), None if c_u is None else float(c_u[i]), pu, pop.unit_notes[i] if pop.unit_notes else []))
    return Computed(ind, by_unit)


def park_polygons(ctx: AnalysisContext) -> PieceSet:
    """Parks county-wide: the separate polygons of union(G1, land_use park_green, scenario G1).

    Pieces sharing an edge or overlapping are one park; corner-touching pieces stay two
    (the parts of a GEOS union).
    """
    sets = [
        ctx.lu_pieces("park_green"),
        ctx.pieces_of("green_space", ctx.green_rows(("G1",)), None),
        ctx.pieces_of("scenario_greening", ctx.scenario_rows("G1"), None),
    ]
    geoms = [s.geoms for s in sets if s is not None and len(s)]
    return PieceSet.union_of(np.concatenate(geoms)) if geoms else PieceSet(merged=True)


def park_service_coverage(ctx: AnalysisContext) -> Computed:
    """公园绿地服务半径覆盖率 of the residential land of B, overall and per unit.

    Parameters
    ----------
    ctx : AnalysisContext
        Prepared layers in the working metric CRS (areas in m²).

    Returns
    -------
    Computed
        Overall and per-unit :class:`~greenplan.analysis.result.Indicator`: ratio in [0, 1]; extras ``residential_m2``, ``served_m2`` and park counts per radius.
    """
    b = ctx.ps("B")
    if b is None:
        return skipped(ctx, KEY_SC, "ratio", METHOD_SC, NO_B)
    if "land_use" not in ctx.layer:
        return skipped(ctx, KEY_SC, "ratio", METHOD_SC, need("土地利用", "land_use") + "（需居住用地 / residential land needed）")
    parks = park_polygons(ctx)
    tiers = service_tiers(ctx.rules, ctx.settings.pocket_parks)
    radius = np.zeros(len(parks))
    for min_area, r in reversed(tiers):  # largest tier last, so it wins
        radius[parks.areas >= min_area] = r
    served = buffer_union(parks.geoms, radius, ctx.settings.quad_segs)
    res = ctx.lu_pieces("residential", "B")
    covered = res.clip(served)
    counts = {f"parks_{int(r)}m": int((radius == r).sum()) for r in sorted({t[1] for t in tiers}, reverse=True)}
    counts["parks_no_radius"] = int((radius == 0).sum())
    extra = {"residential_m2": res.area, "served_m2": covered.area, **counts}
    ind = graded(ctx, ratio(KEY_SC, covered.area, res.area, METHOD_SC, **extra))
    for n in ctx.notes_for("B", "built_up_area", "green_space", "land_use", "scenario_greening"):
        ind.note(n)
    if "green_space" not in ctx.layer:
        ind.note("缺少绿地图层，公园仅取自土地利用 / no green_space layer: parks from land_use only")
    by_unit = None
    if ctx.units is not None:
        u = ctx.units
        r_u, c_u = u.areas(res), u.areas(covered)
        by_unit = unit_ratios(ctx, KEY_SC, c_u, r_u, METHOD_SC, b_u=u.areas(b), extra_u={"residential_m2": r_u, "served_m2": c_u})
    return Computed(ind, by_unit)

