"""Small helpers shared by the indicator modules: grading, per-unit ratios, skipped indicators."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from greenplan.analysis.context import AnalysisContext
from greenplan.analysis.result import (
    NA_NO_BUILT_UP,
    Computed,
    Indicator,
    missing,
    not_applicable,
    ratio,
    zero_check,
)

NO_B = "缺少建成区与城镇开发边界图层，无法计算 / no built_up_area or urban_boundary layer: not computed"
UNIT_NO_B = "该行政区内无建成区 / no built-up area in this unit"


def need(role_zh: str, role: str) -> str:
    return f"缺少{role_zh}图层，未计算 / no {role} layer: not computed"


def graded(ctx: AnalysisContext, ind: Indicator, band: int | None = None) -> Indicator:
    """Fill ``threshold``, ``grade`` and ``pass`` from the scheme (when graded there)."""
    grade, passed, th = ctx.scheme.grade(ind.key, ind.value if isinstance(ind.value, (int, float)) else None, band)
    ind.threshold, ind.grade, ind.passed = th, grade, passed
    return ind


def skipped(ctx: AnalysisContext, key: str, unit: str, method: str, note: str, **extra: Any) -> Computed:
    """An indicator whose inputs are missing: null overall and in every unit (and a note
    for the document)."""
    by_unit = None
    if ctx.units is not None:
        by_unit = [missing(key, unit, method, note, **extra) for _ in range(ctx.units.n)]
    return Computed(missing(key, unit, method, note, **extra), by_unit, notes=[f"{key}: {note}"])


def unit_ratios(
    ctx: AnalysisContext,
    key: str,
    num_u: np.ndarray,
    den_u: np.ndarray,
    method: str,
    *,
    b_u: np.ndarray | None = None,
    notes: Sequence[str] = (),
    extra_u: dict[str, np.ndarray] | None = None,
    grade: bool = True,
    empty: tuple[str, str] | None = None,
) -> list[Indicator] | None:
    """Per-unit area ratios; a unit without B (``b_u`` == 0) gets null, ``not_applicable``
    ``no_built_up``, with a note; with ``empty`` = (reason, note), a unit whose denominator
    area is 0 gets null, ``not_applicable`` = reason, with the note."""
    if ctx.units is None:
        return None
    out = []
    for i in range(ctx.units.n):
        extra = {k: float(v[i]) for k, v in (extra_u or {}).items()}
        if b_u is not None and not b_u[i] > 0:
            ind = not_applicable(key, "ratio", method, NA_NO_BUILT_UP, UNIT_NO_B, **extra)
        elif empty is not None and not den_u[i] > 0:
            ind = not_applicable(key, "ratio", method, *empty, **extra)
        else:
            ind = ratio(key, float(num_u[i]), float(den_u[i]), method, **extra)
            if grade:
                graded(ctx, ind)
        for n in notes:
            ind.note(n)
        out.append(ind)
    return out


def unit_zero_checks(
    ctx: AnalysisContext,
    key: str,
    kept_u: np.ndarray,
    count_u: np.ndarray,
    sliver_u: np.ndarray,
    method: str,
    *,
    extra_u: dict[str, np.ndarray] | None = None,
    value_null: bool = False,
    notes: Sequence[str] = (),
) -> list[Indicator] | None:
    """Per-unit "must be zero" checks (slivers decided on the merged overall pieces)."""
    if ctx.units is None:
        return None
    out = []
    for i in range(ctx.units.n):
        extra = {k: (None if v is None else float(v[i])) for k, v in (extra_u or {}).items()}
        ind = zero_check(key, float(kept_u[i]), int(count_u[i]), float(sliver_u[i]), method, **extra)
        if value_null:
            ind.value, ind.passed = None, None
        for n in notes:
            ind.note(n)
        out.append(ind)
    return out


def sliver_counts(ctx: AnalysisContext, slivers) -> tuple[np.ndarray, np.ndarray]:
    """Per unit: number and area of the overall sliver pieces falling in it."""
    assert ctx.units is not None
    a, u = ctx.units.clip(slivers)
    return np.bincount(u, minlength=ctx.units.n), np.bincount(u, weights=a, minlength=ctx.units.n)
