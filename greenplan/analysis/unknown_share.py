"""Unknown codes are loud (``shared/indicators.md`` v2.2 "Unknown codes").

Every indicator that reads ``land_use`` codes or ``green_space`` classes reports
``unknown_share``: the area share of those layers whose code or class is unknown, within the
indicator's area (B, E, U or F). Above ``unknown_code_tolerance`` the indicator keeps its
value but gets ``grade`` and ``pass`` null, ``ungraded: "unknown_codes"``, the direction in
which the value may be off (``bound``: ``lower`` when unknown parcels can only add to the
value, ``upper`` when they can only take from it) and a note naming the unknown codes.
"""

from __future__ import annotations

import numpy as np

from greenplan.analysis.context import AnalysisContext
from greenplan.analysis.forest import AREA, county_area
from greenplan.analysis.result import Computed, Indicator

#: indicator key → (mask, {role whose classes it reads: bound of the value when some are unknown})
#: coverage counts green space of every class but G3, so an unknown class may be a plaza
#: (upper bound), while an unknown land-use code may be vegetation (lower bound)
CLASS_READERS: dict[str, tuple[str, dict[str, str | None]]] = {
    "green_coverage_vector": ("B", {"land_use": "lower", "green_space": "upper"}),
    "green_space_ratio": ("B", {"land_use": "lower", "green_space": "lower"}),
    "park_green_per_capita": ("B", {"land_use": None, "green_space": "lower"}),
    "park_service_coverage": ("B", {"land_use": None, "green_space": "lower"}),
    "eco_redline_occupation": ("E", {"land_use": "lower"}),
    "urban_boundary_utilization": ("U", {"land_use": "lower"}),
    "farmland_nonfarm_use": ("F", {"land_use": "upper"}),
    # A (the unit; the county: union of admin units) is the piece set forest.county_area caches;
    # an unknown code may be forest or grass land: the values are lower bounds
    "forest_coverage": ("A", {"land_use": "lower"}),
    "forest_grass_coverage": ("A", {"land_use": "lower"}),
}

UNGRADED = "unknown_codes"


def _unknown_roles(ctx: AnalysisContext) -> set[str]:
    out = set()
    if ctx.classes is not None and ctx.classes.unknown.any():
        out.add("land_use")
    if ctx.gs_unknown.any():
        out.add("green_space")
    return out


def _codes_note(ctx: AnalysisContext, roles: set[str]) -> tuple[str, str]:
    rows = sorted((r for r in ctx.unknown_codes if r["role"] in roles), key=lambda r: -r["area_m2"])
    total = sum(r["area_m2"] for r in rows) or 1.0
    shown = rows[:5]
    more = len(rows) - len(shown)
    zh = "、".join(f"“{r['code'] or '（空）'}” {100 * r['area_m2'] / total:.0f}%" for r in shown) + (f" 等 {len(rows)} 种" if more else "")
    en = ", ".join(f"'{r['code']}' {100 * r['area_m2'] / total:.0f}%" for r in shown) + (f" and {more} more" if more else "")
    return zh, en


def _mark(ind: Indicator, share: float | None, tol: float, bound: str | None, codes: tuple[str, str]) -> None:
    ind.extra["unknown_share"] = share
    if share is None or share <= tol or ind.value is None:
        return
    ind.grade, ind.passed = None, None
    ind.extra["ungraded"] = UNGRADED
    ind.extra["bound"] = bound
    zh_b = {"lower": "数值为下限", "upper": "数值为上限"}.get(bound or "", "数值仅供参考")
    en_b = {"lower": "the value is a lower bound", "upper": "the value is an upper bound"}.get(bound or "", "the value is indicative only")
    ind.note(
        f"未识别地类占 {100 * share:.1f}%（超过容差 {100 * tol:g}%），未评级，{zh_b}；未识别：{codes[0]}（按面积） / "
        f"unknown codes cover {100 * share:.1f} % (over the {100 * tol:g} % tolerance): not graded, {en_b}; unknown: {codes[1]} (by area)"
    )


def apply_unknown_share(ctx: AnalysisContext, key: str, computed: Computed) -> None:
    """Add ``unknown_share`` to an indicator that reads classes (overall and per unit), and
    take away its grade where the share is over the tolerance."""
    spec = CLASS_READERS.get(key)
    if spec is None:
        return
    mask, bounds = spec
    read = tuple(r for r in bounds if r in ctx.layer)
    if not read:
        return
    units = computed.by_unit or []
    tol = float(ctx.settings.unknown_code_tolerance)
    unknown = _unknown_roles(ctx) & set(read)
    if not unknown:  # every code known: nothing to measure
        for ind in [computed.overall, *units]:
            ind.extra["unknown_share"] = 0.0
        return
    if mask == AREA:
        county_area(ctx)  # named piece set "A": built (and cached) before unknown_in asks for it
    pieces, m = ctx.unknown_in(tuple(sorted(unknown)), mask)
    if m is None:
        return
    found = {bounds[r] for r in unknown}
    bound = found.pop() if len(found) == 1 else None
    codes = _codes_note(ctx, unknown)
    _mark(computed.overall, pieces.area / m.area if m.area > 0 else None, tol, bound, codes)
    if units and ctx.units is not None:
        num = ctx.units.areas(pieces) if len(pieces) else np.zeros(ctx.units.n)
        den = ctx.units.areas(m)
        for i, ind in enumerate(units):
            _mark(ind, float(num[i] / den[i]) if den[i] > 0 else None, tol, bound, codes)
