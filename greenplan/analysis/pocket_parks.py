"""Pocket-park candidates (口袋公园) on idle land, and the park service area they would extend.

An idle parcel is a candidate when (``indicators.md``, "Candidates and scenarios"; the first
failed test is the ``reason``):

1. ``outside_built_up``: it lies inside B (less than ``sliver_m2`` of it outside; B is the
   built-up area, else the urban development boundary, as for the indicators);
2. ``touches_farmland``: it does not touch permanent farmland (not even along an edge);
3. ``in_redline``: it overlaps the ecological red line by less than ``sliver_m2``;
4. ``too_small`` / ``too_large``: its area is within ``pocket_park_min_m2`` – ``pocket_park_max_m2``.

Each candidate reports ``gain_m2``: the residential land in B (land_use category
``residential``) that lies within ``pocket_park_radius_m`` of it and outside the current park
service area (parks = green_space ``G1*`` ∪ land_use ``park_green``, radius by park size
from ``thresholds.toml`` ``[service_radius]``). Gains of different candidates may overlap;
the scenario recomputes coverage with all of them together.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import shapely

from greenplan.analysis.codes import load_code_table
from greenplan.analysis.geom import PieceSet, buffer_union, clip_pairs
from greenplan.analysis.rooftop import candidate_frame, overlap_m2
from greenplan.analysis.thresholds import load_rules, service_tiers
from greenplan.core.feedback import Feedback
from greenplan.core.settings import AnalysisSettings

REASONS: dict[str, str] = {
    "": "",
    "outside_built_up": "不在建成区内",
    "touches_farmland": "与永久基本农田相接或重叠",
    "in_redline": "位于生态保护红线内",
    "too_small": "面积小于口袋公园下限",
    "too_large": "面积大于口袋公园上限",
}
#: the same reasons in English (printed summaries, the desktop app)
REASONS_EN: dict[str, str] = {
    "": "",
    "outside_built_up": "outside the built-up area",
    "touches_farmland": "touches or overlaps permanent farmland",
    "in_redline": "in the ecological red line",
    "too_small": "smaller than a pocket park",
    "too_large": "larger than a pocket park",
}


def _union(gdf: gpd.GeoDataFrame | None, rows: np.ndarray | None = None) -> PieceSet:
    if gdf is None or len(gdf) == 0:
        return PieceSet()
    g = np.asarray(gdf.geometry.values, dtype=object)
    return PieceSet.union_of(g if rows is None else g[rows])


def land_use_mask(land_use: gpd.GeoDataFrame | None, category: str, settings: AnalysisSettings) -> np.ndarray:
    """Rows of ``land_use`` whose ``DLBM`` code is in ``category`` (codes.py tables)."""
    if land_use is None or len(land_use) == 0 or "DLBM" not in land_use.columns:
        return np.zeros(0 if land_use is None else len(land_use), dtype=bool)
    table = load_code_table(settings.code_system, settings.code_tables)
    return table.classify(land_use["DLBM"]).has(category)


def built_up(layers: dict[str, gpd.GeoDataFrame | None], notes: list[str]) -> PieceSet:
    """B: the built-up area, else the urban development boundary (noted)."""
    b = layers.get("built_up_area")
    if b is not None and len(b):
        return _union(b)
    u = layers.get("urban_boundary")
    if u is not None and len(u):
        notes.append("no built_up_area: urban_boundary used as B / 无建成区图层，以城镇开发边界代替")
        return _union(u)
    notes.append("no built_up_area or urban_boundary / 无建成区与城镇开发边界图层")
    return PieceSet()


def park_pieces(layers: dict[str, gpd.GeoDataFrame | None], settings: AnalysisSettings,
                extra: np.ndarray | None = None) -> PieceSet:
    """Parks as separate polygons: union(green_space G1*, land_use park_green[, extra])."""
    geoms = []
    gs = layers.get("green_space")
    if gs is not None and len(gs) and "class" in gs.columns:
        g1 = gs["class"].astype("string").str.strip().str.upper().str.startswith("G1").fillna(False).to_numpy(bool)
        geoms.append(np.asarray(gs.geometry.values, dtype=object)[g1])
    lu = layers.get("land_use")
    if lu is not None and len(lu):
        geoms.append(np.asarray(lu.geometry.values, dtype=object)[land_use_mask(lu, "park_green", settings)])
    if extra is not None:
        geoms.append(np.asarray(extra, dtype=object))
    return PieceSet.union_of(np.concatenate(geoms) if geoms else np.empty(0, dtype=object))


def service_area(parks: PieceSet, settings: AnalysisSettings) -> PieceSet:
    """Union of the parks' buffers, radius by park area (``thresholds.toml`` tiers).

    Examples
    --------
    >>> s = service_area(PieceSet.union_of([shapely.box(0, 0, 100, 100)]), AnalysisSettings(quad_segs=64))
    >>> round(s.area / (100 * 100 + 4 * 100 * 500 + np.pi * 500**2), 3)
    1.0
    """
    tiers = service_tiers(load_rules(), settings.pocket_parks)
    areas = parks.areas
    radii = np.zeros(len(areas))
    for min_area, radius in sorted(tiers):  # larger tiers overwrite smaller ones
        radii[areas >= min_area] = radius
    return buffer_union(parks.geoms, radii, settings.quad_segs)


@dataclass
class PocketParkResult:
    frame: gpd.GeoDataFrame
    notes: list[str] = field(default_factory=list)


def assess_pocket_parks(
    layers: dict[str, gpd.GeoDataFrame | None],
    *,
    settings: AnalysisSettings | None = None,
    service: PieceSet | None = None,
    feedback: Feedback | None = None,
) -> PocketParkResult:
    """Test every idle parcel for a pocket park and measure its service gain.

    Parameters
    ----------
    layers : dict of role -> GeoDataFrame or None
        Working (metric) CRS. Uses ``idle_land``, ``built_up_area`` (or ``urban_boundary``),
        ``permanent_farmland``, ``ecological_redline``, ``land_use`` and ``green_space``.
    settings : AnalysisSettings
        ``pocket_park_*``, ``sliver_m2``, ``quad_segs``, ``pocket_parks``, code tables.
    service : PieceSet, optional
        The current park service area, when the caller has it already.

    Returns
    -------
    PocketParkResult
        ``frame``: the idle parcels with ``candidate_id`` (``P`` + row number), ``candidate``,
        ``reason``, ``reason_zh``, ``area_m2``, ``gain_m2`` (m², NaN for non-candidates).
    """
    settings = settings or AnalysisSettings()
    feedback = feedback or Feedback()
    notes: list[str] = []
    idle = layers.get("idle_land")
    if idle is None:
        idle = gpd.GeoDataFrame(geometry=[], crs=None)
    n = len(idle)
    geoms = np.asarray(idle.geometry.values, dtype=object)
    area = shapely.area(geoms) if n else np.empty(0)
    feedback.step(0, 4, "口袋公园：约束条件 / pocket parks: constraints")
    B = built_up(layers, notes)
    inside_b = np.zeros(n)
    if n and len(B):
        pieces, src, _ = clip_pairs(geoms, B)
        inside_b = np.bincount(src, weights=shapely.area(pieces), minlength=n)
    fails = [("outside_built_up", area - inside_b >= settings.sliver_m2)]
    farm = layers.get("permanent_farmland")
    if farm is not None and len(farm) and n:
        _, hit = shapely.STRtree(geoms).query(np.asarray(farm.geometry.values, dtype=object), predicate="intersects")
        fails.append(("touches_farmland", np.isin(np.arange(n), hit)))
    elif farm is None:
        notes.append("no permanent_farmland layer: farmland not tested / 缺少永久基本农田图层，未检查")
    red = overlap_m2(geoms, layers.get("ecological_redline"))
    if red is None:
        notes.append("no ecological_redline layer: red line not tested / 缺少生态保护红线图层，未检查")
    else:
        fails.append(("in_redline", red >= settings.sliver_m2))
    fails += [("too_small", area < settings.pocket_park_min_m2), ("too_large", area > settings.pocket_park_max_m2)]
    reason = np.full(n, "", dtype=object)
    for code, bad in reversed(fails):
        reason[bad] = code
    candidate = reason == ""

    feedback.step(1, 4, "口袋公园：现状公园服务范围 / pocket parks: current park service")
    gain = np.full(n, np.nan)
    lu = layers.get("land_use")
    if lu is None or "DLBM" not in getattr(lu, "columns", []):
        notes.append("no land_use layer: residential gain not computed / 缺少土地利用图层，未计算新增覆盖居住用地")
    elif candidate.any():
        resid = _union(lu, land_use_mask(lu, "residential", settings)).clip(B)
        feedback.step(2, 4)
        if service is None:
            service = service_area(park_pieces(layers, settings), settings)
        gap = resid.minus(service)
        feedback.step(3, 4)
        idx = np.flatnonzero(candidate)
        reach = shapely.buffer(geoms[idx], settings.pocket_park_radius_m, quad_segs=settings.quad_segs)
        pieces, src, _ = clip_pairs(reach, gap)
        gain[idx] = np.bincount(src, weights=shapely.area(pieces), minlength=len(idx))
    out = candidate_frame(idle, "P{:04d}", candidate, reason, REASONS, area)
    out["gain_m2"] = gain
    feedback.step(4, 4)
    return PocketParkResult(frame=out, notes=notes)

