"""Rooftop-garden candidates (屋顶绿化): every building tested, candidates scored.

Criteria, in the order the first failure is reported (``indicators.md``, "Candidates and
scenarios"; defaults from settings ``rooftop_*`` and ``resources/standards/candidates.toml``):

1. ``roof_not_flat`` / ``roof_unknown``: over the footprint shrunk by ``rooftop_shrink_px``
   DSM pixels, at least ``rooftop_flat_share`` of the pixels whose centre lies strictly inside
   have a Horn slope ≤ ``rooftop_max_slope_deg``; with fewer than 2 such pixels, or no DSM, the
   ``roof_type`` attribute decides; no attribute either: ``roof_unknown`` when the setting
   ``rooftop_unknown_roof`` is ``exclude`` (default), taken as flat (``roof_source``
   ``assumed_flat``) when it is ``flat``;
2. ``too_small``: footprint area < ``rooftop_min_area_m2``;
3. ``too_tall`` / ``height_unknown``: ``height_m`` > ``rooftop_max_height_m``, or where the
   height is missing ``floors`` > ``rooftop_max_floors``;
4. ``excluded_structure``: ``structure`` in the exclusion list (a missing value passes);
5. ``too_old`` / ``year_unknown``: ``year_built`` < ``rooftop_min_year``;
6. ``in_redline``: the footprint overlaps the ecological red line by ≥ ``sliver_m2``;
7. ``on_farmland``: it overlaps permanent farmland by ≥ ``sliver_m2`` (such a building is a
   violation itself, and a garden on it would be reported as greening on farmland).

A criterion whose field is absent from the layer (or empty in every feature) is not applied,
and a note says so. Candidates get ``planted_m2 = area × rooftop_usable_share``, the share
counted toward the green space ratio by floors (``gs_share``) and a score (see
:func:`score_rooftops`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from greenplan.analysis.geom import PieceSet, union_rows
from greenplan.analysis.slope import zonal_slope_stats
from greenplan.core.errors import CRSError
from greenplan.core.feedback import Feedback, SubFeedback
from greenplan.core.parallel import split_map, thread_pool
from greenplan.core.resources import load_resource_toml
from greenplan.core.settings import AnalysisSettings

REASONS: dict[str, str] = {
    "": "",
    "roof_not_flat": "屋顶不平（平坦像元比例不足）",
    "roof_unknown": "屋顶形式未知（无DSM且无屋顶类型）",
    "too_small": "屋顶面积过小",
    "too_tall": "建筑过高（高度或层数超限）",
    "height_unknown": "高度与层数均未知",
    "excluded_structure": "结构不适宜（轻钢、木结构、瓦屋面、临时建筑等）",
    "too_old": "建成年代过早",
    "year_unknown": "建成年份未知",
    "in_redline": "位于生态保护红线内",
    "on_farmland": "位于永久基本农田上",
}
#: the same reasons in English (printed summaries)
REASONS_EN: dict[str, str] = {
    "": "",
    "roof_not_flat": "roof not flat (too few flat DSM pixels, or roof_type not flat)",
    "roof_unknown": "without roof type or DSM",
    "too_small": "roof too small",
    "too_tall": "too tall (height or floors)",
    "height_unknown": "height and floors unknown",
    "excluded_structure": "unsuitable structure (light steel, wood, tile, temporary)",
    "too_old": "built too early",
    "year_unknown": "year built unknown",
    "in_redline": "in the ecological red line",
    "on_farmland": "on permanent farmland",
}


def candidate_tables() -> dict[str, Any]:
    """The shipped ``resources/standards/candidates.toml`` (read-only)."""
    return load_resource_toml("standards", "candidates.toml")


def _norm_text(s: pd.Series) -> pd.Series:
    """Trimmed, lower case, ``_``/``-`` and runs of spaces as one space; NA stays NA.

    Normalises each distinct value once (a few dozen), not every row.
    """
    codes, uniq = pd.factorize(s, use_na_sentinel=True)
    norm = pd.Series(uniq, dtype="object").astype("string").str.strip().str.lower()
    norm = norm.str.replace(r"[_\-\s]+", " ", regex=True).to_numpy(dtype=object)
    out = np.where(codes >= 0, norm[np.maximum(codes, 0)] if len(norm) else None, None)
    return pd.Series(out, index=s.index, dtype="string")


def _has(df: pd.DataFrame, col: str) -> bool:
    return col in df.columns and df[col].notna().any()


def _num(df: pd.DataFrame, col: str) -> np.ndarray:
    if col not in df.columns:
        return np.full(len(df), np.nan)
    return pd.to_numeric(df[col], errors="coerce").to_numpy(dtype="float64")


def _bool(df: pd.DataFrame, col: str) -> np.ndarray:
    if col not in df.columns:
        return np.zeros(len(df), dtype=bool)
    s = df[col]
    if s.dtype == bool:
        return s.to_numpy()
    t = _norm_text(s)
    return t.isin(["1", "true", "yes", "y", "是", "t", "1.0"]).fillna(False).to_numpy(dtype=bool)


@dataclass
class RooftopResult:
    """One row per building (same order as the input) and notes on what was not applied."""

    frame: gpd.GeoDataFrame
    notes: list[str] = field(default_factory=list)


def floors_estimate(floors: np.ndarray, height_m: np.ndarray, storey_height_m: float) -> np.ndarray:
    """Floors where known, else ``ceil(height_m / storey_height_m)``, else NaN.

    Examples
    --------
    >>> floors_estimate(np.array([2.0, np.nan, np.nan]), np.array([30.0, 10.0, np.nan]), 3.0).tolist()
    [2.0, 4.0, nan]
    """
    est = np.ceil(np.round(height_m / storey_height_m, 9))
    return np.where(np.isnan(floors), est, floors)


def green_space_share(floors: np.ndarray, underground: np.ndarray, table: dict[str, Any]) -> np.ndarray:
    """Share of the planted area counted toward the green space ratio, by floors.

    Unknown floors get the lowest (most cautious) share of the table.

    Examples
    --------
    >>> t = candidate_tables()["rooftop"]["green_space_share"]
    >>> green_space_share(np.array([1.0, 3, 4, 6, 7, np.nan, 20]), np.array([0, 0, 0, 0, 0, 0, 1], bool), t).tolist()
    [0.5, 0.5, 0.4, 0.4, 0.1, 0.1, 1.0]
    """
    bands = sorted(table["bands"], key=lambda b: b["up_to_floors"])
    above = float(table["above"])
    out = np.full(len(floors), above)
    assigned = np.zeros(len(floors), dtype=bool)
    for b in bands:
        hit = ~assigned & (floors <= b["up_to_floors"])
        out[hit] = float(b["share"])
        assigned |= hit
    lowest = min([above] + [float(b["share"]) for b in bands])
    out[np.isnan(floors)] = lowest
    out[underground] = float(table["underground"])
    return out


def score_rooftops(
    planted_m2: np.ndarray,
    underserved: np.ndarray | None,
    height_m: np.ndarray,
    year_built: np.ndarray,
    settings: AnalysisSettings,
    weights: dict[str, float],
) -> np.ndarray:
    """Ranking score 0–100 (higher is better); formula in ``candidates.toml`` ``[rooftop.score]``.

    Parameters
    ----------
    planted_m2 : array
        Planted area (m²).
    underserved : bool array or None
        Outside the current park service area; None when unknown (counts 0.5).
    height_m : array
        Building height (m); NaN counts as half the cost score.
    year_built : array
        NaN counts as half the age score.

    Examples
    --------
    >>> w = candidate_tables()["rooftop"]["score"]
    >>> s = score_rooftops(np.array([1000.0]), np.array([True]), np.array([0.0]), np.array([2020.0]), AnalysisSettings(), w)
    >>> float(s[0])
    100.0
    """
    s_area = np.minimum(planted_m2 / float(weights["area_ref_m2"]), 1.0)
    s_serv = np.full(len(planted_m2), 0.5) if underserved is None else underserved.astype(float)
    s_h = 1.0 - np.minimum(height_m / settings.rooftop_max_height_m, 1.0)
    s_age = np.clip((year_built - settings.rooftop_min_year) / float(weights["age_span_years"]), 0.0, 1.0)
    s_cost = (np.where(np.isnan(s_h), 0.5, s_h) + np.where(np.isnan(s_age), 0.5, s_age)) / 2
    wa, ws, wc = (float(weights[k]) for k in ("weight_area", "weight_service", "weight_cost"))
    return np.round(100.0 * (wa * s_area + ws * s_serv + wc * s_cost) / (wa + ws + wc), 4)


def candidate_frame(base: pd.DataFrame, id_format: str, candidate: np.ndarray, reason: np.ndarray,
                    reasons: dict[str, str], area: np.ndarray) -> pd.DataFrame:
    """A copy of ``base`` with the columns every candidate layer starts with.

    ``candidate_id`` (``id_format`` of the row number from 1, first column), ``candidate``,
    ``reason`` and ``reason_zh`` (``reasons[reason]``; "" for a candidate) and ``area_m2``.

    Examples
    --------
    >>> f = candidate_frame(pd.DataFrame({"a": [1, 2]}), "P{:04d}", np.array([True, False]),
    ...                     np.array(["", "too_small"], dtype=object), {"": "", "too_small": "面积过小"}, np.array([5.0, 1.0]))
    >>> f.columns.tolist(), f["candidate_id"].tolist(), f["reason_zh"].tolist()
    (['candidate_id', 'a', 'candidate', 'reason', 'reason_zh', 'area_m2'], ['P0001', 'P0002'], ['', '面积过小'])
    """
    out = base.copy()
    out.insert(0, "candidate_id", [id_format.format(i) for i in range(1, len(base) + 1)])
    out["candidate"] = candidate
    out["reason"] = reason.astype(str)
    out["reason_zh"] = [reasons[r] for r in reason]
    out["area_m2"] = area
    return out


def overlap_m2(geoms: np.ndarray, other: gpd.GeoDataFrame | None, tree: shapely.STRtree | None = None) -> np.ndarray | None:
    """Area (m²) of each geometry inside the union of ``other`` (None without ``other``).

    Only the ``other`` polygons that meet a geometry are unioned, per geometry; ``tree``
    is an optional STRtree over ``geoms``.

    Examples
    --------
    >>> o = gpd.GeoDataFrame(geometry=[shapely.box(0, 0, 2, 2), shapely.box(1, 0, 3, 2)])
    >>> overlap_m2(np.array([shapely.box(0, 0, 4, 1), shapely.box(5, 5, 6, 6)]), o).tolist()
    [3.0, 0.0]
    """
    if other is None:
        return None
    out = np.zeros(len(geoms))
    if len(other) == 0 or len(geoms) == 0:
        return out
    tree = tree or shapely.STRtree(geoms)
    og = np.asarray(other.geometry.values, dtype=object)
    oi, gi = tree.query(og, predicate="intersects")
    if len(gi):
        cut = union_rows(gi, og[oi], len(geoms))
        has = np.flatnonzero(~shapely.is_missing(cut))
        out[has] = shapely.area(shapely.intersection(geoms[has], cut[has]))
    return out


def _buffer(geoms: np.ndarray, distance: float, quad_segs: int) -> np.ndarray:
    """``shapely.buffer`` on all cores for large arrays (GEOS releases the GIL)."""
    return split_map(lambda a: shapely.buffer(a, distance, quad_segs=quad_segs), geoms, min_size=20_000)


def _dsm_geoms(geoms: np.ndarray, crs: Any, dsm: Any) -> tuple[np.ndarray, float, Any]:
    """Footprints in the DSM's CRS, the DSM pixel size (m) and its CRS."""
    import pyproj

    dcrs = getattr(dsm, "crs", None)
    if dcrs is None or not hasattr(dsm, "transform"):
        import rasterio

        path = getattr(dsm, "path", dsm)
        with rasterio.open(path) as ds:
            t = ds.transform
            dcrs = dcrs or (pyproj.CRS.from_wkt(ds.crs.to_wkt()) if ds.crs else None)
    else:
        t = dsm.transform
    res = max(float(np.hypot(t.a, t.d)), float(np.hypot(t.b, t.e)))
    if dcrs is not None:
        dcrs = pyproj.CRS.from_user_input(dcrs)
        if dcrs.is_geographic:
            raise CRSError(
                "The DSM is in a geographic CRS (degrees); slopes need a projected CRS in metres.",
                "数字表面模型（DSM）使用地理坐标系（单位为度），坡度计算需要以米为单位的投影坐标系。",
                path=getattr(dsm, "path", None),
                layer="dsm_raster",
                hint_en="Reproject the DSM (e.g. gdalwarp -t_srs EPSG:4544) and add it again.",
                hint_zh="请先将DSM重投影（如 gdalwarp -t_srs EPSG:4544）后重新加入项目。",
            )
        if crs is not None and not pyproj.CRS.from_user_input(crs).equals(dcrs):
            geoms = gpd.GeoSeries(geoms, crs=crs).to_crs(dcrs).values
    return np.asarray(geoms, dtype=object), res, dcrs


def assess_rooftops(
    buildings: gpd.GeoDataFrame,
    dsm: Any = None,
    *,
    settings: AnalysisSettings | None = None,
    redline: gpd.GeoDataFrame | None = None,
    farmland: gpd.GeoDataFrame | None = None,
    service_area: PieceSet | None = None,
    tables: dict[str, Any] | None = None,
    feedback: Feedback | None = None,
) -> RooftopResult:
    """Test every building for a rooftop garden.

    Parameters
    ----------
    buildings : GeoDataFrame
        Role ``buildings`` in the working (metric) CRS with canonical field names.
    dsm : RasterSource, path or None
        Single-band DSM in metres; the footprints are reprojected to its CRS.
    settings : AnalysisSettings
        ``rooftop_*`` (``rooftop_unknown_roof``: a roof with neither DSM pixels nor a
        ``roof_type`` is excluded as ``roof_unknown``, or taken as flat), ``sliver_m2`` and
        ``quad_segs`` are used.
    redline, farmland : GeoDataFrame, optional
        Ecological red line and permanent farmland (working CRS).
    service_area : PieceSet, optional
        Current park service area (working CRS), for the score.
    tables : dict, optional
        Parsed ``candidates.toml`` (default: the shipped one).
    feedback : Feedback, optional

    Returns
    -------
    RooftopResult
        ``frame`` has the input columns plus ``candidate_id``, ``candidate``, ``reason``,
        ``reason_zh``, ``area_m2``, ``roof_source`` (dsm/attribute/none, or assumed_flat under
        ``rooftop_unknown_roof = "flat"``), ``dsm_pixels``,
        ``flat_share``, ``mean_slope_deg``, ``floors_est``, ``gs_share``, ``planted_m2``,
        ``green_space_m2``, ``underserved`` and ``score`` (NaN for non-candidates).
    """
    settings = settings or AnalysisSettings()
    tables = tables or candidate_tables()
    rt = tables["rooftop"]
    feedback = feedback or Feedback()
    notes: list[str] = []
    df = buildings
    n = len(df)
    geoms = np.asarray(df.geometry.values, dtype=object)
    area = shapely.area(geoms)

    # red line and farmland overlaps run beside the DSM statistics (shapely releases the GIL)
    side = thread_pool(1, "greenplan-rooftop")
    layers = (("in_redline", redline, "ecological_redline"), ("on_farmland", farmland, "permanent_farmland"))

    def overlap_job() -> list[np.ndarray | None]:
        tree = shapely.STRtree(geoms)
        return [overlap_m2(geoms, lay, tree) for _, lay, _ in layers]

    overlaps = side.submit(overlap_job)
    side.shutdown(wait=False)
    # 1. roof flatness: DSM share of flat pixels, else the roof_type attribute
    n_pix = np.zeros(n, dtype="int64")
    flat_share = np.full(n, np.nan)
    mean_slope = np.full(n, np.nan)
    if dsm is not None and n:
        g, res, _ = _dsm_geoms(geoms, df.crs, dsm)
        shrunk = _buffer(g, -settings.rooftop_shrink_px * res, settings.quad_segs)
        zs = zonal_slope_stats(shrunk, dsm, max_slope_deg=settings.rooftop_max_slope_deg,
                               feedback=SubFeedback(feedback, 0, 85))
        n_pix, flat_share, mean_slope = zs.n_pixels, zs.flat_share, zs.mean_slope_deg
    else:
        notes.append("no DSM: roof flatness from roof_type / 无DSM，屋顶是否平坦按屋顶类型字段判断")
    by_dsm = n_pix >= 2
    flat_types = list(_norm_text(pd.Series(rt["flat_roof_types"], dtype=object)))
    roof = _norm_text(df["roof_type"]) if "roof_type" in df.columns else pd.Series(pd.NA, index=df.index, dtype="string")
    roof_known = roof.notna().to_numpy()
    roof_flat = roof.isin(flat_types).fillna(False).to_numpy(dtype=bool)
    unknown = ~by_dsm & ~roof_known
    assume_flat = settings.rooftop_unknown_roof == "flat"
    flat = np.where(by_dsm, flat_share >= settings.rooftop_flat_share, roof_flat | (unknown & assume_flat))
    source = np.where(by_dsm, "dsm", np.where(roof_known, "attribute", "assumed_flat" if assume_flat else "none"))
    if unknown.any():
        k = int(unknown.sum())
        if assume_flat:
            notes.append(f"{k} buildings without roof type or DSM taken as flat (rooftop_unknown_roof = flat) / "
                         f"{k} 栋建筑无屋顶类型且无DSM，按平屋顶计（rooftop_unknown_roof = flat）")
        else:
            notes.append(f"{k} buildings without roof type or DSM excluded (roof_unknown); rooftop_unknown_roof = flat "
                         f"takes them as flat / {k} 栋建筑无屋顶类型且无DSM，未入选；设置 rooftop_unknown_roof = flat "
                         "可按平屋顶计")
    fails: list[tuple[str, np.ndarray]] = [
        ("roof_unknown", unknown if not assume_flat else np.zeros(n, dtype=bool)),
        ("roof_not_flat", ~flat),
        ("too_small", area < settings.rooftop_min_area_m2),
    ]
    # 3. height (or floors)
    height, floors = _num(df, "height_m"), _num(df, "floors")
    if _has(df, "height_m") or _has(df, "floors"):
        tall = np.where(~np.isnan(height), height > settings.rooftop_max_height_m,
                        floors > settings.rooftop_max_floors)
        fails += [("height_unknown", np.isnan(height) & np.isnan(floors)), ("too_tall", tall)]
    else:
        notes.append("buildings have no height_m or floors: height not tested / 建筑无高度和层数字段，未检查高度")
    # 4. structure
    if _has(df, "structure"):
        excluded = set(_norm_text(pd.Series(rt["excluded_structures"], dtype=object)))
        struct = _norm_text(df["structure"])
        fails.append(("excluded_structure", struct.isin(excluded).fillna(False).to_numpy(dtype=bool)))
    else:
        notes.append("buildings have no structure: structure not tested / 建筑无结构字段，未检查结构")
    # 5. year built
    year = _num(df, "year_built")
    if _has(df, "year_built"):
        fails += [("year_unknown", np.isnan(year)), ("too_old", year < settings.rooftop_min_year)]
    else:
        notes.append("buildings have no year_built: age not tested / 建筑无建成年份字段，未检查年代")
    # 6, 7. red line, permanent farmland
    feedback.step(86, 100, "屋顶绿化：红线与农田 / rooftops: red line and farmland")
    for (code, _, what), ov in zip(layers, overlaps.result(), strict=True):
        if ov is None:
            notes.append(f"no {what} layer: {code} not tested / 缺少图层 {what}，未检查")
        else:
            fails.append((code, ov >= settings.sliver_m2))

    reason = np.full(n, "", dtype=object)
    for code, bad in reversed(fails):
        reason[bad] = code
    candidate = reason == ""

    floors_est = floors_estimate(floors, height, float(rt["storey_height_m"]))
    underground = _bool(df, "underground")
    gs_share = green_space_share(floors_est, underground, rt["green_space_share"])
    planted = np.where(candidate, area * settings.rooftop_usable_share, 0.0)
    underserved = None
    if service_area is not None:
        pts = shapely.point_on_surface(geoms)
        served = np.zeros(n, dtype=bool)
        if len(service_area):
            _, hit = shapely.STRtree(pts).query(service_area.prepared(), predicate="intersects")
            served[hit] = True
        underserved = ~served
    else:
        notes.append("park service area unknown: service part of the score is 0.5 / 公园服务范围未知，评分中服务项取0.5")
    h_for_cost = np.where(np.isnan(height), floors_est * float(rt["storey_height_m"]), height)
    score = score_rooftops(planted, underserved, h_for_cost, year, settings, rt["score"])

    out = candidate_frame(df, "R{:06d}", candidate, reason, REASONS, area)
    out["roof_source"] = source
    out["dsm_pixels"] = n_pix
    out["flat_share"] = flat_share
    out["mean_slope_deg"] = mean_slope
    out["floors_est"] = floors_est
    out["gs_share"] = gs_share
    out["planted_m2"] = planted
    out["green_space_m2"] = planted * gs_share
    out["underserved"] = underserved if underserved is not None else pd.array([pd.NA] * n, dtype="boolean")
    out["score"] = np.where(candidate, score, np.nan)
    feedback.step(100, 100)
    return RooftopResult(frame=out, notes=notes)


def planted_footprints(geoms: np.ndarray, share: float, *, iterations: int = 48) -> np.ndarray:
    """Polygons inside each footprint with exactly ``share`` of its area (the planted part).

    The footprint scaled by ``sqrt(share)`` about its centroid where that stays inside it
    (any convex or star-shaped roof); otherwise the inward buffer whose area is ``share``
    of the footprint, found by bisection (L-shaped and courtyard roofs).

    Examples
    --------
    >>> g = planted_footprints(np.array([shapely.box(0, 0, 30, 20)]), 0.7)
    >>> round(float(shapely.area(g[0])), 9)
    420.0
    """
    geoms = np.asarray(geoms, dtype=object)
    if len(geoms) == 0:
        return geoms
    k = float(np.sqrt(share))
    c = shapely.centroid(geoms)
    cxy = np.c_[shapely.get_x(c), shapely.get_y(c)]
    xy, idx = shapely.get_coordinates(geoms, return_index=True)
    out = shapely.set_coordinates(np.array(geoms, copy=True), (xy - cxy[idx]) * k + cxy[idx])
    bad = ~shapely.covers(geoms, out)
    if bad.any():
        g = geoms[bad]
        target = shapely.area(g) * share
        lo = np.zeros(len(g))
        hi = np.sqrt(shapely.area(g))
        for _ in range(iterations):
            mid = (lo + hi) / 2
            too_big = shapely.area(shapely.buffer(g, -mid)) > target
            lo, hi = np.where(too_big, mid, lo), np.where(too_big, hi, mid)
        out[bad] = shapely.buffer(g, -(lo + hi) / 2)
    return out
