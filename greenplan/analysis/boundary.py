"""Urban development boundary utilization (城镇开发边界利用率).

value = area(U ∩ construction) / area(U); ``remaining_m2`` = area(U) − area(U ∩
(construction ∪ green_space layer ∪ land-use green space ∪ water)); where the land-use
layer has ``CZCSXM``, ``construction_outside_m2`` = area of construction parcels with
CZCSXM 201/202 (城市/建制镇, any suffix) outside U (``shared/domain.md`` §4.3).
"""

from __future__ import annotations

import numpy as np

from greenplan.analysis.common import need, skipped, unit_ratios
from greenplan.analysis.context import AnalysisContext, text_test
from greenplan.analysis.result import NA_NO_URBAN_BOUNDARY, Computed, ratio

KEY = "urban_boundary_utilization"
METHOD = "area(U ∩ construction) / area(U)"


def urban_boundary_utilization(ctx: AnalysisContext) -> Computed:
    """Construction share of the urban boundary, remaining space, urban construction outside.

    Parameters
    ----------
    ctx : AnalysisContext
        Prepared layers in the working metric CRS (areas in m²).

    Returns
    -------
    Computed
        Overall and per-unit :class:`~greenplan.analysis.result.Indicator`: ratio in [0, 1]; extras ``boundary_m2``, ``construction_m2``, ``remaining_m2``, ``construction_outside_m2``.
    """
    u_ps = ctx.ps("U")
    if u_ps is None:
        return skipped(ctx, KEY, "ratio", METHOD, need("城镇开发边界", "urban_boundary"))
    lu = ctx.layer.get("land_use")
    if lu is None:
        return skipped(ctx, KEY, "ratio", METHOD, need("土地利用", "land_use"))
    # one clip of every relevant parcel; construction is a subset of it
    rows = ctx.lu_rows("construction") | ctx.lu_rows("green_space") | ctx.lu_rows("water")
    pieces, part, whole = lu.clip(rows, u_ps)
    is_cons = ctx.lu_rows("construction")[lu.part_row[part]]
    cons = lu.as_pieces(pieces[is_cons], part[is_cons], whole[is_cons])
    used = lu.as_pieces(pieces, part, whole)
    # area(used ∪ green) = used + green − used ∩ green (no difference of big sets)
    green = ctx.pieces_of("green_space", None, u_ps)
    both = used.clip(green) if green is not None else None
    remaining = max(0.0, u_ps.area - used.area - (green.area - both.area if green is not None else 0.0))
    outside = None
    cz = lu.column("CZCSXM")
    notes = ctx.notes_for("urban_boundary", "land_use", "green_space")
    if cz is not None:
        urban = text_test(cz, lambda t: t.startswith(("201", "202"))) & ctx.lu_rows("construction")
        outside = lu.pieces(urban).minus(u_ps)
    else:
        notes.append("土地利用无 CZCSXM 字段，未计算开发边界外城镇建设 / no CZCSXM field: construction_outside_m2 not computed")
    extra = {
        "boundary_m2": u_ps.area,
        "construction_m2": cons.area,
        "remaining_m2": remaining,
        "construction_outside_m2": None if outside is None else outside.area,
    }
    ind = ratio(KEY, cons.area, u_ps.area, METHOD, **extra)
    for n in notes:
        ind.note(n)
    by_unit = None
    if ctx.units is not None:
        un = ctx.units
        bu, cu, usedu = un.areas(u_ps), un.areas(cons), un.areas(used)
        if green is not None:
            usedu = usedu + un.areas(green) - un.areas(both)
        extra_u = {
            "boundary_m2": bu,
            "construction_m2": cu,
            "remaining_m2": np.maximum(0.0, bu - usedu),
        }
        if outside is not None:
            extra_u["construction_outside_m2"] = un.areas(outside)
        by_unit = unit_ratios(ctx, KEY, cu, bu, METHOD, extra_u=extra_u, grade=False, empty=(
            NA_NO_URBAN_BOUNDARY, "该行政区内无城镇开发边界 / no urban development boundary in this unit"))
        if outside is None:
            for ind_u in by_unit:
                ind_u.extra["construction_outside_m2"] = None
    return Computed(ind, by_unit)
