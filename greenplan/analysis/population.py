"""Population of the built-up area B, overall and per unit (``shared/indicators.md``, Common rules).

The setting ``built_up_population`` gives the population of B directly. Otherwise each
unit's ``population`` is spread over its residential land::

    pop(A) = Σ_units population × area(residential ∩ A ∩ unit) / area(residential ∩ unit)

(a unit without residential land spreads over its whole area). A unit without a
population that shares in A makes pop(A) null, with a note.

Per unit, pop(B ∩ unit) is the unit's own share; for a unit without population and a
set ``built_up_population``, that population is spread over the residential land of B
(over B's area when B has none).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from greenplan.analysis.context import AnalysisContext


@dataclass
class Population:
    """``total``: population of B (None: unknown); ``by_unit``: of B ∩ unit (NaN: unknown)."""

    total: float | None
    by_unit: np.ndarray | None
    notes: list[str] = field(default_factory=list)
    unit_notes: list[list[str]] = field(default_factory=list)


def population_of_b(ctx: AnalysisContext) -> Population:
    """Population of B and of B ∩ each unit.

    Examples
    --------
    See ``tests/analysis/test_population.py`` (hand-computed spreading).
    """
    s = ctx.settings
    b = ctx.ps("B")
    units = ctx.units
    notes: list[str] = []
    fixed = s.built_up_population
    if units is None:
        if fixed is not None:
            return Population(float(fixed), None, ["人口取自设置 built_up_population / population from the setting built_up_population"])
        return Population(None, None, ["缺少行政区人口且未设置 built_up_population / no unit population and no built_up_population"])
    n = units.n
    unit_notes: list[list[str]] = [[] for _ in range(n)]
    if b is None:
        return Population(float(fixed) if fixed is not None else None, np.full(n, np.nan), notes, unit_notes)
    b_u = units.areas(b)
    res_all = ctx.lu_pieces("residential")
    res_b = ctx.lu_pieces("residential", "B")
    if res_all is None:
        res_u = np.zeros(n)
        res_b_u = np.zeros(n)
        notes.append("缺少土地利用图层，人口按行政区面积分摊 / no land_use layer: population spread over unit area")
    else:
        res_u = units.areas(res_all)
        res_b_u = units.areas(res_b)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(res_u > 0, res_b_u / np.where(res_u > 0, res_u, 1), b_u / np.where(units.area > 0, units.area, 1))
    share = np.clip(share, 0.0, 1.0)
    pop_u = units.population * share
    lacking = np.isnan(units.population) & (share > 0)
    if fixed is not None:
        total: float | None = float(fixed)
        notes.append("建成区人口取自设置 built_up_population / population of B from the setting built_up_population")
        rb = float(res_b_u.sum())
        spread = res_b_u / rb if rb > 0 else b_u / max(b.area, 1e-300)
        fill = np.isnan(pop_u) & (share > 0)
        pop_u = np.where(fill, float(fixed) * spread, pop_u)
        for i in np.flatnonzero(fill):
            unit_notes[i].append("该行政区无人口，按居住用地分摊 built_up_population / unit has no population: share of built_up_population")
    elif lacking.any():
        total = None
        names = "、".join(units.label(i) for i in np.flatnonzero(lacking))
        notes.append(f"行政区缺少人口：{names}，无法计算建成区人口 / units without population: {names}")
    else:
        total = float(np.nansum(pop_u))
        notes.append("建成区人口按各行政区人口在居住用地上分摊 / population of B spread from unit populations over residential land")
    for i in np.flatnonzero(np.isnan(pop_u) & (share > 0)):
        unit_notes[i].append("该行政区缺少人口 / unit has no population")
    return Population(total, pop_u, notes, unit_notes)
