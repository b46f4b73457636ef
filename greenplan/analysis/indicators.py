"""All indicators of ``shared/indicators.md`` in one call: overall, per unit, explaining features.

:func:`compute_indicators` is the entry point the ``analyze`` job and the GUI call. It
takes plain GeoDataFrames in the working metric CRS (canonical field names, see
:mod:`greenplan.core.roles`), rasters as paths or loader ``RasterSource`` objects, and
the :class:`~greenplan.core.settings.AnalysisSettings`; it does no file output.

A missing optional input skips the indicators that need it (value null with a note).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

import geopandas as gpd
import pandas as pd

from greenplan.analysis.boundary import urban_boundary_utilization
from greenplan.analysis.context import TABLE_MIN, AnalysisContext
from greenplan.analysis.coverage import green_coverage_raster, green_coverage_vector
from greenplan.analysis.farmland import farmland_greening_conflict, farmland_nonfarm_use
from greenplan.analysis.green_space import (
    green_space_ratio,
    park_green_per_capita,
    park_service_coverage,
)
from greenplan.analysis.idle_land import idle_land
from greenplan.analysis.redline import eco_redline_occupation, redline_overlaps
from greenplan.analysis.result import KEYS, Computed, IndicatorsResult, UnitResult
from greenplan.core.feedback import Feedback, SubFeedback
from greenplan.core.settings import AnalysisSettings

#: indicator key → function of the context
INDICATORS: dict[str, Callable[[AnalysisContext], Computed]] = {
    "green_coverage_vector": green_coverage_vector,
    "green_coverage_raster": green_coverage_raster,
    "green_space_ratio": green_space_ratio,
    "park_green_per_capita": park_green_per_capita,
    "park_service_coverage": park_service_coverage,
    "eco_redline_occupation": eco_redline_occupation,
    "urban_boundary_utilization": urban_boundary_utilization,
    "redline_overlaps": redline_overlaps,
    "farmland_nonfarm_use": farmland_nonfarm_use,
    "farmland_greening_conflict": farmland_greening_conflict,
    "idle_land": idle_land,
}
assert tuple(INDICATORS) == KEYS


def _start_ahead(ctx: AnalysisContext, pool: ThreadPoolExecutor, keys: tuple[str, ...]) -> dict[str, Future]:
    """Work for the second core, started before the vector indicators.

    The part → unit table of the land-use layer and the raster coverage touch no prepared
    geometry the main thread uses (they work on their own copies), and shapely releases
    the GIL inside GEOS, so both run beside the land-use overlap search.
    """
    ahead: dict[str, Future] = {}
    lu = ctx.layer.get("land_use")
    ctx.ps("B")  # built and cached here, before any thread reads it
    if lu is not None:
        _ = lu.tree  # built once, read by both threads
    if ctx.units is not None and lu is not None and len(lu.parts) >= TABLE_MIN:
        pool.submit(ctx.units.table, lu)
    if "green_coverage_raster" in keys and ctx.rasters.get("vegetation_raster") is not None:
        ahead["green_coverage_raster"] = pool.submit(green_coverage_raster, ctx)
    return ahead


def compute_indicators(
    layers: Mapping[str, gpd.GeoDataFrame | None],
    rasters: Mapping[str, Any] | None,
    settings: AnalysisSettings,
    *,
    scenario_greening: gpd.GeoDataFrame | None = None,
    scenario_construction: gpd.GeoDataFrame | None = None,
    feedback: Feedback | None = None,
    keys: tuple[str, ...] = KEYS,
) -> IndicatorsResult:
    """Compute every indicator, overall and per administrative unit.

    Parameters
    ----------
    layers : mapping role → GeoDataFrame or None
        ``admin_units``, ``built_up_area``, ``ecological_redline``, ``permanent_farmland``,
        ``urban_boundary``, ``land_use``, ``green_space``, ``idle_land`` (any may be
        missing), all in one metric working CRS (metres), canonical field names.
    rasters : mapping role → path or RasterSource or None
        ``vegetation_raster`` (optional).
    settings : AnalysisSettings
    scenario_greening : GeoDataFrame, optional
        Scenario greening (``class`` G1/G2/XG, ``gs_share``), same CRS.
    scenario_construction : GeoDataFrame, optional
        Construction a scenario adds (optional ``activity_type``), same CRS.
    feedback : Feedback, optional
        Progress and cancel (checked between indicators and per unit).
    keys : tuple of str
        Indicators to compute (default all).

    Returns
    -------
    IndicatorsResult
        ``overall`` {key: Indicator}, ``by_unit`` [UnitResult], ``notes``, ``features``
        {name: GeoDataFrame}; ``to_dict(project=...)`` gives the ``indicators.json`` document
        (header ``schema``, ``generator``, ``crs``, ``as_of``, ``scheme`` filled in).

    Raises
    ------
    CRSError
        A layer in a geographic (degree) CRS or layers in different CRSs.
    MissingFieldError
        ``land_use`` without ``DLBM`` or ``green_space`` without ``class``.
    SettingError
        Unknown code system, threshold scheme or malformed override.
    Canceled
        ``feedback.cancel()`` was called.

    Examples
    --------
    >>> import shapely
    >>> b = gpd.GeoDataFrame(geometry=[shapely.box(0, 0, 100, 100)], crs="EPSG:4544")
    >>> g = gpd.GeoDataFrame({"class": ["G1"]}, geometry=[shapely.box(0, 0, 40, 100)], crs="EPSG:4544")
    >>> r = compute_indicators({"built_up_area": b, "green_space": g}, None, AnalysisSettings())
    >>> r.overall["green_coverage_vector"].value, r.overall["green_coverage_vector"].grade
    (0.4, 'I')
    """
    feedback = feedback or Feedback()
    ctx = AnalysisContext(
        layers,
        rasters,
        settings,
        scenario_greening=scenario_greening,
        scenario_construction=scenario_construction,
        feedback=SubFeedback(feedback, 0, 30),
    )
    overall = {}
    per_unit: dict[str, list] = {}
    features: dict[str, gpd.GeoDataFrame] = {}
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="greenplan-indicators") as pool:
        ahead = _start_ahead(ctx, pool, keys)
        for i, key in enumerate(keys):
            feedback.check()
            feedback.set_text(f"计算 {key}")
            feedback.set_progress(30 + 70 * i / len(keys))
            done = ahead[key].result() if key in ahead else INDICATORS[key](ctx)
            overall[key] = done.overall
            if done.by_unit is not None:
                per_unit[key] = done.by_unit
            features.update(done.features)
    if ctx.unknown_codes:
        features["unknown_codes"] = pd.DataFrame(ctx.unknown_codes, columns=["code", "parcels", "area_m2"])
    feedback.set_progress(100)
    by_unit: list[UnitResult] = []
    if ctx.units is not None:
        for i in range(ctx.units.n):
            by_unit.append(UnitResult(ctx.units.codes[i], ctx.units.names[i], {k: v[i] for k, v in per_unit.items()}))
    return IndicatorsResult(
        overall=overall,
        by_unit=by_unit,
        notes=list(ctx.notes),
        features=features,
        crs=ctx.crs,
        as_of=ctx.as_of,
        scheme=settings.scheme,
        unknown_codes=ctx.unknown_codes,
    )
