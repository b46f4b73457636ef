"""Green-belt proposals (防护绿带) along roads, railways and rivers, never on permanent farmland.

For each road (``roads`` role, by ``class``) and river (``rivers`` role) a band is drawn on
both sides (``indicators.md``, "Candidates and scenarios"; widths per class in
``resources/standards/candidates.toml`` ``[belts.widths_m]``, overridden by the setting
``belt_widths_m``):

- roads: from the road edge (centre line buffered by ``width_m / 2``) out to ``width_m / 2 +
  W``; rivers as lines: from the bank (``width_m / 2``) out by W; rivers as polygons: the
  polygon buffered by W minus itself. Round caps and joins, ``quad_segs`` segments per
  quarter circle;
- inside the study area only: the union of ``admin_units``, else of ``land_use`` (else no
  clip, noted); the part outside is ``outside_study_area_m2``;
- minus water: land_use parcels of the ``water`` category and the rivers' own water (polygon
  rivers, river lines buffered by ``width_m / 2``): ``water_m2``;
- minus every road carriageway, buildings and existing green (the ``green_space`` layer,
  land_use ``vegetation`` and ``green_space``);
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
from greenplan.core.settings import NOISE_M2, AnalysisSettings

REASONS = {"": "", "outside_study_area": "位于研究范围（行政区或土地利用范围）外",
           "fully_excluded": "扣除建筑、水域、现状绿地与农田后无剩余"}
#: the same reasons in English (printed summaries)
REASONS_EN = {"": "", "outside_study_area": "outside the study area (admin units, else land use)",
              "fully_excluded": "nothing left after buildings, water, existing green and farmland"}
#: layers whose union is the study area, in order of preference
STUDY_AREA_ROLES = ("admin_units", "land_use")


@dataclass
class BeltResult:
    """Belts (one row per source with a width), avoided farmland pieces, totals and notes."""

    frame: gpd.GeoDataFrame
    avoided: gpd.GeoDataFrame
    summary: dict[str, float]
    notes: list[str] = field(default_factory=list)
    #: role whose union is the study area (``admin_units`` / ``land_use``), None: not clipped
    study_area: str | None = None


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


def study_area_parts(layers: dict[str, gpd.GeoDataFrame | None]) -> tuple[np.ndarray | None, str | None]:
    """Polygons whose union is the study area, and the role they come from.

    The ``admin_units`` (the county's townships), else the ``land_use`` parcels; (None, None)
    when neither has a polygon.

    Examples
    --------
    >>> units = gpd.GeoDataFrame(geometry=[shapely.box(0, 0, 1, 1)])
    >>> parts, role = study_area_parts({"admin_units": units, "land_use": None})
    >>> len(parts), role
    (1, 'admin_units')
    >>> study_area_parts({"admin_units": units.iloc[:0]})
    (None, None)
    """
    for role in STUDY_AREA_ROLES:
        parts, _ = polygon_parts(_geoms(layers.get(role)))
        if len(parts):
            return parts, role
    return None, None


def _split(geoms: np.ndarray, mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(part of each geometry inside the union of ``mask``, part outside); None where empty.

    Only the ``mask`` polygons that meet a geometry are unioned, per geometry.
    """
    cut = _cutter(geoms, mask)
    has = ~shapely.is_missing(cut)
    inside = np.full(len(geoms), None, dtype=object)
    inside[has] = shapely.intersection(geoms[has], cut[has])
    return inside, _minus(geoms, cut)


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
        ``land_use``, ``permanent_farmland``, ``ecological_redline``, ``admin_units``.
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
        other farmland), ``avoided_redline_m2``, ``outside_study_area_m2`` (clipped off
        outside the study area), ``water_m2`` (removed as water), geometry. ``avoided``: the removed pieces
        (``kind`` permanent_farmland / farmland_cap / ecological_redline). ``summary``: union
        areas (m²) ``belt_m2``, ``avoided_farmland_m2`` (F and cap together),
        ``avoided_permanent_farmland_m2``, ``avoided_cap_m2``, ``avoided_redline_m2``,
        ``outside_study_area_m2``, ``water_m2``. ``study_area``: the role clipped to.
    """
    settings = settings or AnalysisSettings()
    tables = tables or candidate_tables()
    feedback = feedback or Feedback()
    notes: list[str] = []
    qs = settings.quad_segs
    widths = belt_widths(settings, tables)
    src_all = _sources(layers, widths, tables, notes)
    crs = next((g.crs for g in layers.values() if g is not None), None)
    base_all = _base(src_all, qs)
    src = src_all[src_all["belt_m"] > 0].reset_index(drop=True)
    base = _base(src, qs)
    g = src["geometry"].to_numpy(object)
    half, belt_m, cap_m = (src[c].to_numpy(float) for c in ("half_m", "belt_m", "cap_m"))
    feedback.step(0, 5, "绿带：缓冲 / belts: buffers")

    def band(width: np.ndarray) -> np.ndarray:
        poly = np.isin(shapely.get_type_id(g), (3, 6))
        outer = shapely.buffer(g, np.where(poly, 0.0, half) + width, quad_segs=qs)
        return _minus(outer, base)

    belts = band(belt_m)
    # the study area: nothing is proposed outside the county (admin units, else land use)
    study, study_role = study_area_parts(layers)
    outside = np.full(len(belts), None, dtype=object)
    if study is None:
        notes.append("no admin_units or land_use polygons: belts not clipped to a study area / "
                     "无行政区与土地利用图层，绿带未按研究范围裁剪")
    else:
        if study_role == "land_use":
            notes.append("no admin_units: belts clipped to the union of land_use parcels / 无行政区图层，绿带按土地利用图斑范围裁剪")
        belts, outside = _split(belts, study)
    # a belt with (next to) nothing inside is "outside", not "fully excluded"
    in_study = _area(_clean(belts)) >= settings.sliver_m2 if study is not None else np.ones(len(belts), dtype=bool)
    # water is never belt area: land_use water parcels and the rivers' own water
    lu = layers.get("land_use")
    lu_g = _geoms(lu)
    is_river = (src_all["source"] == "river").to_numpy()
    water = [base_all[is_river & ~shapely.is_missing(base_all)]]
    if lu is not None and len(lu):
        water.append(lu_g[land_use_mask(lu, "water", settings)])
    on_water, belts = _split(belts, polygon_parts(np.concatenate(water))[0])
    # obstacles: road carriageways, buildings, existing green
    not_green = [base_all[~is_river & ~shapely.is_missing(base_all)], _geoms(layers.get("buildings")),
                 _geoms(layers.get("green_space"))]
    if lu is not None and len(lu):
        m = land_use_mask(lu, "vegetation", settings) | land_use_mask(lu, "green_space", settings)
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
    outside, on_water = _clean(outside), _clean(on_water)
    area = _area(belts)
    ok = area >= settings.sliver_m2
    reason = np.where(ok, "", np.where(in_study, "fully_excluded", "outside_study_area")).astype(object)
    frame = gpd.GeoDataFrame({
        "candidate_id": [f"G{i:04d}" for i in range(1, len(src) + 1)],
        "candidate": ok,
        "reason": reason.astype(str),
        "reason_zh": [REASONS[r] for r in reason],
        "source": src["source"].to_numpy(object), "source_row": src["source_row"].to_numpy(int),
        "class": src["class"].to_numpy(object), "name": src["name"].to_numpy(object),
        "belt_m": belt_m, "cap_m": cap_m, "area_m2": area,
        "avoided_farmland_m2": _area(on_f), "avoided_cap_m2": _area(over_cap), "avoided_redline_m2": _area(in_e),
        "outside_study_area_m2": _area(outside), "water_m2": _area(on_water),
    }, geometry=gpd.GeoSeries(belts, crs=crs), crs=crs)
    av_parts = [(on_f, "permanent_farmland", "永久基本农田"), (over_cap, "farmland_cap", "一般耕地超宽部分"),
                (in_e, "ecological_redline", "生态保护红线")]
    rows = []
    for geoms, kind, zh in av_parts:
        keep = _area(geoms) >= NOISE_M2  # not the rounding noise of coinciding boundaries
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
        "outside_study_area_m2": PieceSet.union_of(outside[~shapely.is_missing(outside)]).area,
        "water_m2": PieceSet.union_of(on_water[~shapely.is_missing(on_water)]).area,
    }
    if study_role is not None:
        label = {"admin_units": ("admin units", "行政区"), "land_use": ("land use", "土地利用图斑")}[study_role]
        notes.append(f"{summary['outside_study_area_m2']:,.0f} m2 outside the study area ({label[0]}) and "
                     f"{summary['water_m2']:,.0f} m2 on water removed / 扣除研究范围（{label[1]}）外 "
                     f"{summary['outside_study_area_m2']:,.0f} ㎡、水域 {summary['water_m2']:,.0f} ㎡")
    else:
        notes.append(f"{summary['water_m2']:,.0f} m2 on water removed / 扣除水域 {summary['water_m2']:,.0f} ㎡")
    feedback.step(5, 5)
    return BeltResult(frame=frame, avoided=avoided, summary=summary, notes=notes, study_area=study_role)


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
