"""Forest and forest-grass coverage estimated from land-use codes (森林覆盖率、林草覆盖率（按地类估算）).

``forest_coverage`` = area(land_use category ``forest`` ∩ A) / area(A) and
``forest_grass_coverage`` = area((``woodland`` ∪ ``grassland``) ∩ A) / area(A); A is the unit,
or for the whole county the union of ``admin_units`` (without units: the union of the
land-use parcels). Both are informational (never graded) and computed for every unit, with
or without built-up area.

Notes
-----
The official 森林覆盖率 also counts 国家特别规定灌木林地 and 四旁/农田林网 trees, which survey
codes cannot show (``shared/domain.md`` §7.5): the values are estimates and say so in a note.
A project that knows its shrub land is 特别规定 adds 0305 to the category ``forest``
(setting ``code_tables``).
"""

from __future__ import annotations

import numpy as np

from greenplan.analysis.common import need, skipped
from greenplan.analysis.context import AnalysisContext
from greenplan.analysis.geom import PieceSet
from greenplan.analysis.result import Computed, ratio

KEY_FOREST = "forest_coverage"
KEY_FOREST_GRASS = "forest_grass_coverage"
METHOD_FOREST = "area(land_use forest ∩ A) / area(A); A = unit, county = union(admin_units) (else union(land_use))"
METHOD_FOREST_GRASS = "area(land_use (woodland ∪ grassland) ∩ A) / area(A); A = unit, county = union(admin_units) (else union(land_use))"
ESTIMATE = "按地类估算（不含国家特别规定灌木林地与四旁树） / estimate from land-use codes"
#: the named piece set of A (also the mask of their ``unknown_share``)
AREA = "A"


def county_area(ctx: AnalysisContext) -> PieceSet | None:
    """A of the whole county (cached as ``ctx.ps("A")``): the union of the administrative
    units, else the union of the land-use parcels (those a class mapping marked ``ignore``
    left out); None without either."""

    def build() -> PieceSet | None:
        if ctx.units is not None:
            if ctx.units.mask.disjoint:
                return ctx.units.mask
            return ctx.layer["admin_units"].pieces()
        lu = ctx.layer.get("land_use")
        if lu is None or ctx.classes is None:
            return None
        return lu.pieces(~ctx.classes.ignored)

    return ctx.cached(AREA, build)


def _coverage(ctx: AnalysisContext, key: str, method: str, categories: tuple[str, ...]) -> Computed:
    lu = ctx.layer.get("land_use")
    if lu is None or ctx.classes is None:
        return skipped(ctx, key, "ratio", method, need("土地利用", "land_use"))
    a = county_area(ctx)
    assert a is not None
    rows = np.zeros(len(lu), dtype=bool)
    for cat in categories:
        rows |= ctx.classes.has(cat)
    # the parcels unclipped (cached, shared by both keys): per unit they come from the
    # land-use part → unit table, overall they are clipped to A only where A may not hold them
    cover = lu.pieces(rows, key=("+".join(categories), None))
    notes = [ESTIMATE, *ctx.notes_for("land_use", "admin_units")]
    by_unit = None
    if ctx.units is not None:
        num_u = ctx.units.areas(cover)
        den_u = ctx.units.area
        by_unit = []
        for i in range(ctx.units.n):
            ind = ratio(key, float(num_u[i]), float(den_u[i]), method)
            for n in notes:
                ind.note(n)
            by_unit.append(ind)
        num = float(num_u.sum()) if ctx.units.mask.disjoint else cover.clip(a).area
    else:
        num = cover.area  # A = union(land_use) holds every parcel
    ind = ratio(key, num, a.area, method)
    for n in notes:
        ind.note(n)
    return Computed(ind, by_unit)


def forest_coverage(ctx: AnalysisContext) -> Computed:
    """森林覆盖率（按地类估算）, overall and per unit (informational: grade and pass null).

    Parameters
    ----------
    ctx : AnalysisContext

    Returns
    -------
    Computed
        Ratio in [0, 1]; numerator/denominator in m².
    """
    return _coverage(ctx, KEY_FOREST, METHOD_FOREST, ("forest",))


def forest_grass_coverage(ctx: AnalysisContext) -> Computed:
    """林草覆盖率（按地类估算）, overall and per unit (informational: grade and pass null)."""
    return _coverage(ctx, KEY_FOREST_GRASS, METHOD_FOREST_GRASS, ("woodland", "grassland"))
