"""Green-belt proposals (防护绿带) along roads, railways and rivers, never on permanent farmland.

For each road (``roads`` role, by ``class``) and river (``rivers`` role) a band is drawn on
both sides (``indicators.md``, "Candidates and scenarios"; widths per class in
``resources/standards/candidates.toml`` ``[belts.widths_m]``, overridden by the setting
``belt_widths_m``):

- roads: from the road edge (centre line buffered by ``width_m / 2``) out to ``width_m / 2 +
  W``; rivers as lines: from the bank (``width_m / 2``) out by W; rivers as polygons: the
  polygon buffered by W minus itself. Round caps and joins, ``quad_segs`` segments per
  quarter circle;
- minus every road carriageway, water (rivers, land_use ``water``), buildings and existing
  green (the ``green_space`` layer, land_use ``vegetation`` and ``green_space``);
- minus permanent farmland F: the removed part is ``avoided_farmland_m2`` (never proposed);
- minus the ecological red line (a scenario must not occupy it): ``avoided_redline_m2``;
- on other farmland (land_use category ``farmland``) at most ``[belts.farmland_cap_m]`` per
  side (5 m; 3 m along county and township roads, 国办发明电〔2020〕24号): the part beyond the
  cap is removed and reported as ``avoided_cap_m2``.

Each belt is one feature per source line or polygon (ids ``G0001`` …); belts of crossing
roads overlap, so totals are areas of the union.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from greenplan.analysis.geom import PieceSet, polygon_parts, union_rows
from greenplan.analysis.pocket_parks import land_use_mask
from greenplan.analysis.rooftop import candidate_tables
from greenplan.core.feedback import Feedback
from greenplan.core.settings import AnalysisSettings

REASONS = {"": "", "fully_excluded": "扣除建筑、水域、现状绿地与农田后无剩余"}


@dataclass
class BeltResult:
    """Belts (one row per source with a width), avoided farmland pieces, totals and notes."""

    frame: gpd.GeoDataFrame
    avoided: gpd.GeoDataFrame
    summary: dict[str, float]
    notes: list[str] = field(default_factory=list)


def belt_widths(settings: AnalysisSettings, tables: dict[str, Any] | None = None) -> dict[str, float]:
    """Belt width per side (m) by class: ``candidates.toml`` with ``belt_widths_m`` applied.

    Examples
    --------
    >>> belt_widths(AnalysisSettings(belt_widths_m={"branch": 5}))["branch"]
    5.0
    """
    tables = tables or candidate_tables()
    w = {str(k).lower(): float(v) for k, v in tables["belts"]["widths_m"].items()}
    w.update({str(k).strip().lower(): float(v) for k, v in (settings.belt_widths_m or {}).items()})
    return w


def _geoms(gdf: gpd.GeoDataFrame | None, rows: np.ndarray | None = None) -> np.ndarray:
    if gdf is None or len(gdf) == 0:
        return np.empty(0, dtype=object)
    g = np.asarray(gdf.geometry.values, dtype=object)
    return g if rows is None else g[rows]


def _cutter(geoms: np.ndarray, others: np.ndarray) -> np.ndarray:
    """Per geometry, the union of the ``others`` that meet it (None where none do)."""
    if len(geoms) == 0 or len(others) == 0:
        return np.full(len(geoms), None, dtype=object)
    gi, oi = shapely.STRtree(others).query(geoms, predicate="intersects")
    return union_rows(gi, others[oi], len(geoms))


def _minus(geoms: np.ndarray, cut: np.ndarray) -> np.ndarray:
    out = geoms.copy()
    has = ~shapely.is_missing(cut)
    out[has] = shapely.difference(geoms[has], cut[has])
    return out


def _area(g: np.ndarray) -> np.ndarray:
    return np.where(shapely.is_missing(g), 0.0, shapely.area(np.where(shapely.is_missing(g), shapely.Polygon(), g)))


def _sources(layers: dict[str, gpd.GeoDataFrame | None], widths: dict[str, float], tables: dict[str, Any],
             notes: list[str]) -> pd.DataFrame:
    """One row per road and river: geometry, class, half width of the carriageway/river, W, cap."""
    bt = tables["belts"]
    caps = {str(k).lower(): float(v) for k, v in bt["farmland_cap_m"].items()}
    road_w = {str(k).lower(): float(v) for k, v in bt["road_width_m"].items()}
    frames = []
    roads = layers.get("roads")
    if roads is not None and len(roads):
        cls = roads["class"].astype("string").str.strip().str.lower().fillna("") if "class" in roads.columns else pd.Series("", index=roads.index)
        wm = pd.to_numeric(roads["width_m"], errors="coerce") if "width_m" in roads.columns else pd.Series(np.nan, index=roads.index)
        default = cls.map(road_w).astype("float64")
        if (wm.isna() & default.notna()).any():
            notes.append(f"{int((wm.isna() & default.notna()).sum())} roads without width_m: class default used / 条道路缺少宽度，按等级默认宽度")
        wm = wm.fillna(default).fillna(0.0)
        unknown = sorted(set(cls) - set(widths))
        if unknown:
            notes.append(f"road classes without a belt width: {', '.join(unknown)} / 以下道路等级无绿带宽度：{'、'.join(unknown)}")
        frames.append(pd.DataFrame({
            "source": "road", "source_row": np.arange(len(roads)), "class": cls.to_numpy(object),
            "name": roads["name"].to_numpy(object) if "name" in roads.columns else None,
            "geometry": _geoms(roads), "half_m": wm.to_numpy(float) / 2,
            "belt_m": cls.map(widths).fillna(0.0).to_numpy(float),
            "cap_m": cls.map(caps).fillna(caps.get("default", 5.0)).to_numpy(float),
        }))
    rivers = layers.get("rivers")
    if rivers is not None and len(rivers):
        g = _geoms(rivers)
        line = np.isin(shapely.get_type_id(g), (1, 5))
        wm = pd.to_numeric(rivers["width_m"], errors="coerce").to_numpy(float) if "width_m" in rivers.columns else np.full(len(g), np.nan)
        if (line & np.isnan(wm)).any():
            notes.append(f"{int((line & np.isnan(wm)).sum())} river lines without width_m: bank = centre line / 条河流中心线缺少宽度，按中心线计")
        frames.append(pd.DataFrame({
            "source": "river", "source_row": np.arange(len(g)), "class": "river",
            "name": rivers["name"].to_numpy(object) if "name" in rivers.columns else None,
            "geometry": g, "half_m": np.where(line, np.nan_to_num(wm) / 2, 0.0),
            "belt_m": widths.get("river", 0.0), "cap_m": caps.get("river", caps.get("default", 5.0)),
        }))
    if not frames:
        return pd.DataFrame(columns=["source", "source_row", "class", "name", "geometry", "half_m", "belt_m", "cap_m"])
    return pd.concat(frames, ignore_index=True)


def _base(src: pd.DataFrame, quad_segs: int) -> np.ndarray:
    """The road carriageway / river water of each source (its own footprint)."""
    g = src["geometry"].to_numpy(object)
    half = src["half_m"].to_numpy(float)
    poly = np.isin(shapely.get_type_id(g), (3, 6))
    out = np.where(poly, g, None)
    lines = ~poly & (half > 0)
    out[lines] = shapely.buffer(g[lines], half[lines], quad_segs=quad_segs)
    return out


def propose_green_belts(
    layers: dict[str, gpd.GeoDataFrame | None],
    *,
    settings: AnalysisSettings | None = None,
    tables: dict[str, Any] | None = None,
    feedback: Feedback | None = None,
) -> BeltResult:
    """Belts along roads and rivers, clipped to where greening is allowed.

    Parameters
    ----------
    layers : dict of role -> GeoDataFrame or None
        Working (metric) CRS: ``roads``, ``rivers``, ``buildings``, ``green_space``,
        ``land_use``, ``permanent_farmland``, ``ecological_redline``.
    settings : AnalysisSettings
        ``belt_widths_m``, ``quad_segs``, ``sliver_m2``, code tables.
    tables : dict, optional
        Parsed ``candidates.toml``.

    Returns
    -------
    BeltResult
        ``frame`` columns: ``candidate_id``, ``candidate``, ``reason``, ``reason_zh``,
        ``source`` (road/river), ``source_row``, ``class``, ``name``, ``belt_m``, ``cap_m``,
        ``area_m2``, ``avoided_farmland_m2`` (on F), ``avoided_cap_m2`` (beyond the cap on
        other farmland), ``avoided_redline_m2``, geometry. ``avoided``: the removed pieces
        (``kind`` permanent_farmland / farmland_cap / ecological_redline). ``summary``: union
        areas (m²) ``belt_m2``, ``avoided_farmland_m2`` (F and cap together),
        ``avoided_permanent_farmland_m2``, ``avoided_cap_m2``, ``avoided_redline_m2``.
    """
    settings = settings or AnalysisSettings()
    tables = tables or candidate_tables()
    feedback = feedback or Feedback()
    notes: list[str] = []
    qs = settings.quad_segs
    widths = belt_widths(settings, tables)
    src = _sources(layers, widths, tables, notes)
    crs = next((g.crs for g in layers.values() if g is not None), None)
    base_all = _base(src, qs)
    src = src[src["belt_m"] > 0].reset_index(drop=True)
    base = _base(src, qs)
    g = src["geometry"].to_numpy(object)
    half, belt_m, cap_m = (src[c].to_numpy(float) for c in ("half_m", "belt_m", "cap_m"))
    feedback.step(0, 5, "绿带：缓冲 / belts: buffers")

    def band(width: np.ndarray) -> np.ndarray:
        poly = np.isin(shapely.get_type_id(g), (3, 6))
        outer = shapely.buffer(g, np.where(poly, 0.0, half) + width, quad_segs=qs)
        return _minus(outer, base)

    belts = band(belt_m)
    # obstacles: carriageways and water, buildings, existing green
    lu = layers.get("land_use")
    lu_g = _geoms(lu)
    not_green = [base_all[~shapely.is_missing(base_all)], _geoms(layers.get("buildings")), _geoms(layers.get("green_space"))]
    if lu is not None and len(lu):
        m = land_use_mask(lu, "water", settings) | land_use_mask(lu, "vegetation", settings) | land_use_mask(lu, "green_space", settings)
        not_green.append(lu_g[m])
    obstacles, _ = polygon_parts(np.concatenate(not_green))
    feedback.step(1, 5, "绿带：扣除建筑、水域与现状绿地 / belts: minus buildings, water, green")
    belts = _minus(belts, _cutter(belts, obstacles))
    # permanent farmland: removed, reported
    feedback.step(2, 5, "绿带：避让永久基本农田 / belts: avoid permanent farmland")
    f_parts, _ = polygon_parts(_geoms(layers.get("permanent_farmland")))
    f_cut = _cutter(belts, f_parts)
    on_f = np.full(len(belts), None, dtype=object)
    has = ~shapely.is_missing(f_cut)
    on_f[has] = shapely.intersection(belts[has], f_cut[has])
    belts = _minus(belts, f_cut)
    if layers.get("permanent_farmland") is None:
        notes.append("no permanent_farmland layer: farmland not avoided / 缺少永久基本农田图层，未避让")
    # ecological red line: a scenario must not occupy it either
    e_cut = _cutter(belts, polygon_parts(_geoms(layers.get("ecological_redline")))[0])
    in_e = np.full(len(belts), None, dtype=object)
    has = ~shapely.is_missing(e_cut)
    in_e[has] = shapely.intersection(belts[has], e_cut[has])
    belts = _minus(belts, e_cut)
    # other farmland: at most cap_m per side
    feedback.step(3, 5, "绿带：一般耕地限宽 / belts: width cap on farmland")
    over_cap = np.full(len(belts), None, dtype=object)
    wide = np.flatnonzero(belt_m > cap_m)
    if lu is not None and len(lu) and len(wide):
        farm, _ = polygon_parts(lu_g[land_use_mask(lu, "farmland", settings)])
        cut = _cutter(belts[wide], farm)
        ok = ~shapely.is_missing(cut)
        w = wide[ok]
        capped = _minus(shapely.buffer(g[w], np.where(np.isin(shapely.get_type_id(g[w]), (3, 6)), 0.0, half[w]) + cap_m[w], quad_segs=qs), base[w])
        over_cap[w] = shapely.difference(shapely.intersection(belts[w], cut[ok]), capped)
        belts[w] = shapely.difference(belts[w], over_cap[w])
    feedback.step(4, 5, "绿带：汇总 / belts: totals")
    belts = _clean(belts)
    on_f, over_cap, in_e = _clean(on_f), _clean(over_cap), _clean(in_e)
    area = _area(belts)
    ok = area >= settings.sliver_m2
    frame = gpd.GeoDataFrame({
        "candidate_id": [f"G{i:04d}" for i in range(1, len(src) + 1)],
        "candidate": ok,
        "reason": np.where(ok, "", "fully_excluded"),
        "reason_zh": np.where(ok, "", REASONS["fully_excluded"]),
        "source": src["source"].to_numpy(object), "source_row": src["source_row"].to_numpy(int),
        "class": src["class"].to_numpy(object), "name": src["name"].to_numpy(object),
        "belt_m": belt_m, "cap_m": cap_m, "area_m2": area,
        "avoided_farmland_m2": _area(on_f), "avoided_cap_m2": _area(over_cap), "avoided_redline_m2": _area(in_e),
    }, geometry=gpd.GeoSeries(belts, crs=crs), crs=crs)
    av_parts = [(on_f, "permanent_farmland", "永久基本农田"), (over_cap, "farmland_cap", "一般耕地超宽部分"),
                (in_e, "ecological_redline", "生态保护红线")]
    rows = []
    for geoms, kind, zh in av_parts:
        keep = ~shapely.is_missing(geoms)
        rows.append(pd.DataFrame({"candidate_id": frame["candidate_id"].to_numpy()[keep], "kind": kind,
                                  "kind_zh": zh, "area_m2": _area(geoms[keep]), "geometry": geoms[keep]}))
    av = pd.concat(rows, ignore_index=True)
    avoided = gpd.GeoDataFrame(av, geometry=gpd.GeoSeries(av["geometry"].to_numpy(object), crs=crs), crs=crs)
    u_f = PieceSet.union_of(on_f[~shapely.is_missing(on_f)]).area
    u_c = PieceSet.union_of(over_cap[~shapely.is_missing(over_cap)]).area
    summary = {
        "belt_m2": PieceSet.union_of(belts[ok]).area,
        "avoided_redline_m2": PieceSet.union_of(in_e[~shapely.is_missing(in_e)]).area,
        "avoided_permanent_farmland_m2": u_f,
        "avoided_cap_m2": u_c,
        "avoided_farmland_m2": PieceSet.union_of(np.r_[on_f[~shapely.is_missing(on_f)], over_cap[~shapely.is_missing(over_cap)]]).area,
    }
    feedback.step(5, 5)
    return BeltResult(frame=frame, avoided=avoided, summary=summary, notes=notes)


def _clean(geoms: np.ndarray) -> np.ndarray:
    """Polygonal part of each geometry (lines and points from overlay dropped); None if empty."""
    out = np.full(len(geoms), None, dtype=object)
    parts, idx = polygon_parts(np.where(shapely.is_missing(geoms), shapely.Polygon(), geoms))
    if len(parts):
        uniq, inv = np.unique(idx, return_inverse=True)
        out[uniq] = shapely.multipolygons(parts, indices=inv)
        single = np.bincount(inv) == 1
        out[uniq[single]] = shapely.get_geometry(out[uniq[single]], 0)
    return out
