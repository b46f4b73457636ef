"""Green coverage of the built-up area (建成区绿化覆盖率), from vectors and from a raster.

``green_coverage_vector`` = area(V ∩ B) / area(B), V = union of green_space features of
every class except G3* (plazas), land-use parcels in category ``vegetation`` and scenario
greening. ``green_coverage_raster`` (vegetated pixels / valid pixels whose centre lies
strictly inside B, by kind of raster) is in :mod:`greenplan.analysis.raster_coverage`.

Notes
-----
Coverage counts the vertical projection of all vegetation, rooftop plants included, each
area once (national garden-city guidance; ``shared/domain.md`` §1.1).
"""

from __future__ import annotations

from greenplan.analysis.common import NO_B, graded, skipped, unit_ratios
from greenplan.analysis.context import AnalysisContext
from greenplan.analysis.raster_coverage import (
    KEY_R,
    METHOD_R,
    centres_inside,
    green_coverage_raster,
)
from greenplan.analysis.result import Computed, ratio

KEY_V = "green_coverage_vector"
METHOD_V = "area(V ∩ B) / area(B); V = green_space (not G3) ∪ land_use vegetation ∪ scenario greening"


def green_coverage_vector(ctx: AnalysisContext) -> Computed:
    """Vector green coverage of B, overall and per unit.

    Parameters
    ----------
    ctx : AnalysisContext
        Prepared layers (working metric CRS).

    Returns
    -------
    Computed
        Ratio in [0, 1]; numerator/denominator in m².
    """
    b = ctx.ps("B")
    if b is None:
        return skipped(ctx, KEY_V, "ratio", METHOD_V, NO_B)
    if "green_space" not in ctx.layer and "land_use" not in ctx.layer and "scenario_greening" not in ctx.layer:
        return skipped(ctx, KEY_V, "ratio", METHOD_V, "缺少绿地与土地利用图层 / no green_space or land_use layer")
    v = vegetation_in_b(ctx)
    notes = ctx.notes_for("B", "green_space", "land_use", "built_up_area", "scenario_greening")
    for role, zh in (("green_space", "绿地"), ("land_use", "土地利用")):
        if role not in ctx.layer:
            notes.append(f"缺少{zh}图层，V 未含该部分 / no {role} layer: V without it")
    ind = graded(ctx, ratio(KEY_V, v.area, b.area, METHOD_V))
    for n in notes:
        ind.note(n)
    by_unit = None
    if ctx.units is not None:
        b_u = ctx.units.areas(b)
        by_unit = unit_ratios(ctx, KEY_V, ctx.units.areas(v), b_u, METHOD_V, b_u=b_u)
    return Computed(ind, by_unit)


def vegetation_in_b(ctx: AnalysisContext):
    """V ∩ B as pieces (cached in the context)."""
    b = ctx.ps("B")
    return ctx.cached(
        "V∩B",
        lambda: ctx.union_all_of(
            [
                ctx.lu_pieces("vegetation", "B"),
                ctx.pieces_of("green_space", ctx.green_rows(None, exclude=("G3",)), b),
                ctx.pieces_of("scenario_greening", None, b),
            ]
        ),
    )


# ---------------------------------------------------------------------------- raster
# in its own module (kinds of vegetation raster); imported above so that
# ``from greenplan.analysis.coverage import green_coverage_raster`` keeps working
__all__ = ["KEY_R", "KEY_V", "METHOD_R", "METHOD_V", "centres_inside", "green_coverage_raster", "green_coverage_vector",
           "vegetation_in_b"]
