"""All indicators of ``shared/indicators.md`` in one call: overall, per unit, explaining features.

:func:`compute_indicators` is the entry point the ``analyze`` job and the GUI call. It
takes plain GeoDataFrames in the working metric CRS (canonical field names, see
:mod:`greenplan.core.roles`), rasters as paths or loader ``RasterSource`` objects, and
the :class:`~greenplan.core.settings.AnalysisSettings`; it does no file output.

A missing optional input skips the indicators that need it (value null with a note).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from concurrent.futures import FIRST_COMPLETED, wait
from typing import Any

import geopandas as gpd
import pandas as pd

from greenplan.analysis.boundary import urban_boundary_utilization
from greenplan.analysis.context import TABLE_MIN, AnalysisContext
from greenplan.analysis.coverage import green_coverage_raster, green_coverage_vector
from greenplan.analysis.farmland import farmland_greening_conflict, farmland_nonfarm_use
from greenplan.analysis.forest import forest_coverage, forest_grass_coverage
from greenplan.analysis.green_space import (
    green_space_ratio,
    park_green_per_capita,
    park_service_coverage,
)
from greenplan.analysis.idle_land import idle_land
from greenplan.analysis.redline import eco_redline_occupation, redline_overlaps
from greenplan.analysis.result import KEYS, Computed, IndicatorsResult, UnitResult
from greenplan.analysis.unknown_share import apply_unknown_share
from greenplan.core.feedback import Feedback, SubFeedback
from greenplan.core.parallel import cores, thread_budget, thread_pool
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
    "forest_coverage": forest_coverage,
    "forest_grass_coverage": forest_grass_coverage,
}
assert tuple(INDICATORS) == KEYS


#: the order the pool starts the indicators: the slow ones first, the quick ones fill the gaps
START_ORDER = (
    "green_coverage_raster",
    "green_coverage_vector",
    "urban_boundary_utilization",
    "farmland_nonfarm_use",
    "park_service_coverage",
    "idle_land",
    "park_green_per_capita",
    "green_space_ratio",
    "eco_redline_occupation",
    "redline_overlaps",
    "farmland_greening_conflict",
    "forest_coverage",
    "forest_grass_coverage",
)
assert set(START_ORDER) == set(KEYS)


def worker_count() -> int:
    """Threads of one indicator run: one per core (at least 2, at most 4; 1 in a process
    held to one thread, such as a region worker).

    The work is mostly inside GEOS, which runs without the GIL; a thread waiting for a
    shared union another one is building leaves its core to the others.
    """
    return 1 if thread_budget() == 1 else max(2, cores())


def _shared_work(ctx: AnalysisContext) -> list[Callable[[], Any]]:
    """What most indicators wait for, started first on the pool: the land-use overlap
    search (which parcels need a union) and the land-use part → unit table."""
    lu = ctx.layer.get("land_use")
    if lu is None:
        return []
    jobs: list[Callable[[], Any]] = [lambda: lu.dirty]
    if ctx.units is not None and len(lu.parts) >= TABLE_MIN:
        jobs.append(lambda: ctx.units.table(lu))
    return jobs


def _run_pool(ctx: AnalysisContext, keys: tuple[str, ...], feedback: Feedback) -> dict[str, Computed]:
    """Every indicator of ``keys`` on a thread pool; results by key.

    The shared unions, clips and tables live in compute-once caches (see
    :mod:`greenplan.analysis.once`), so an indicator that needs one another thread is
    building waits for it instead of building it again. Cancel is checked while waiting;
    the first error (in key order) is raised once every started indicator has stopped.
    """
    ctx.ps("B")  # nearly every indicator clips to B: built once before the threads start
    if "land_use" in ctx.layer:
        _ = ctx.layer["land_use"].tree
    order = [k for k in START_ORDER if k in keys]
    pool = thread_pool(worker_count(), "greenplan-indicators")
    try:
        for job in _shared_work(ctx):
            pool.submit(job)
        futures = {k: pool.submit(INDICATORS[k], ctx) for k in order}
        pending = set(futures.values())
        while pending:
            feedback.check()
            _, pending = wait(pending, timeout=0.1, return_when=FIRST_COMPLETED)
            feedback.set_progress(30 + 70 * (len(order) - len(pending)) / max(1, len(order)))
    except BaseException:
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown(wait=True)
    return {k: futures[k].result() for k in keys}


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
    feedback.check()
    feedback.set_text("计算指标 / computing indicators")
    done = _run_pool(ctx, keys, feedback)
    for key in keys:
        apply_unknown_share(ctx, key, done[key])
        ctx.add_notes(done[key].notes)
        overall[key] = done[key].overall
        if done[key].by_unit is not None:
            per_unit[key] = done[key].by_unit
        features.update(done[key].features)
    if ctx.unknown_codes:
        features["unknown_codes"] = pd.DataFrame(ctx.unknown_codes, columns=["role", "code", "parcels", "area_m2"])
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
        unknown_code_tolerance=float(settings.unknown_code_tolerance),
    )
