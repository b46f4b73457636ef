"""Idle land (闲置土地) classes as of a date, and where idle parcels lie.

Classes (闲置土地处置办法, 国土资源部令第53号, Art. 2 and the handling rules):

- ``recover``: not started (no ``actual_start`` on or before as_of) and as_of ≥ agreed_start + 2 years;
- ``fee_20pct``: not started and as_of ≥ agreed_start + 1 year;
- ``partial``: started, ``developed_ratio`` < 1/3 or ``invested_ratio`` < 0.25, and as_of ≥ halt_date + 1 year;
- ``not_idle``: none of these, from complete fields;
- ``unknown``: the fields needed to decide are missing.

Years are calendar anniversaries: the anniversary of 29 February in a common year is
28 February (民法典第二百零二条: without a corresponding day the period ends on the
last day of the month).
"""

from __future__ import annotations

import datetime as dt

import geopandas as gpd
import numpy as np
import pandas as pd

from greenplan.analysis.common import need, skipped
from greenplan.analysis.context import AnalysisContext
from greenplan.analysis.geom import PieceSet, clip_pairs
from greenplan.analysis.result import UNIT_COUNT, Computed, Indicator

KEY = "idle_land"
CLASSES = ("recover", "fee_20pct", "partial", "not_idle", "unknown")
METHOD = "count of idle parcels; idle_class as of as_of (闲置土地处置办法)"


def to_dates(values: pd.Series | None, n: int) -> tuple[pd.Series, int]:
    """Dates (day precision) from dates, datetimes or text; (dates, unreadable count)."""
    if values is None:
        return pd.Series(pd.NaT, index=range(n), dtype="datetime64[ns]"), 0
    if pd.api.types.is_datetime64_any_dtype(values.dtype):
        out = pd.to_datetime(values).dt.tz_localize(None) if getattr(values.dt, "tz", None) else pd.to_datetime(values)
        return out.dt.normalize().reset_index(drop=True), 0
    text = values.astype("string").str.strip().replace("", pd.NA)
    out = pd.to_datetime(text, errors="coerce", format="mixed")
    bad = int((text.notna() & out.isna()).sum())
    return out.dt.normalize().reset_index(drop=True), bad


def anniversary(dates: pd.Series, years: np.ndarray | int) -> pd.Series:
    """``dates`` + ``years`` calendar years (29 Feb → 28 Feb in a common year).

    Examples
    --------
    >>> anniversary(pd.Series(pd.to_datetime(["2024-02-29", "2023-06-30"])), 1).dt.date.tolist()
    [datetime.date(2025, 2, 28), datetime.date(2024, 6, 30)]
    """
    y = dates.dt.year + years
    m, d = dates.dt.month, dates.dt.day
    leap = (y % 4 == 0) & ((y % 100 != 0) | (y % 400 == 0))
    d = d.where(~((m == 2) & (d == 29) & ~leap), 28)
    return pd.to_datetime(pd.DataFrame({"year": y, "month": m, "day": d}), errors="coerce")


def full_years(start: pd.Series, as_of: dt.date) -> pd.Series:
    """Completed calendar years from ``start`` to ``as_of`` (NaN where start is missing)."""
    ts = pd.Timestamp(as_of)
    k = ts.year - start.dt.year
    k = k.where(anniversary(start, k.fillna(0).astype(int)) <= ts, k - 1)
    return k.where(start.notna())


def classify_idle(frame: pd.DataFrame, as_of: dt.date, rules: dict) -> tuple[np.ndarray, pd.Series, list[str]]:
    """(idle_class per row, years idle per row, notes) — see the module docstring."""
    n = len(frame)
    notes: list[str] = []
    agreed, b1 = to_dates(frame.get("agreed_start"), n)
    actual, b2 = to_dates(frame.get("actual_start"), n)
    halt, b3 = to_dates(frame.get("halt_date"), n)
    if b1 + b2 + b3:
        notes.append(f"闲置土地：{b1 + b2 + b3} 个日期无法识别，按缺失处理 / idle_land: {b1 + b2 + b3} unreadable dates taken as missing")
    dev = pd.to_numeric(frame.get("developed_ratio", pd.Series(np.nan, index=frame.index)), errors="coerce").reset_index(drop=True)
    inv = pd.to_numeric(frame.get("invested_ratio", pd.Series(np.nan, index=frame.index)), errors="coerce").reset_index(drop=True)
    if (dev > 1).any() or (inv > 1).any():
        notes.append("闲置土地：开发/投资比例大于 1（应为 0–1 的小数，而非百分数） / idle_land: ratios above 1 (expected fractions 0–1)")
    ts = pd.Timestamp(as_of)
    started = (actual.notna() & (actual <= ts)).to_numpy()
    has_agreed = agreed.notna().to_numpy()
    recover = ~started & has_agreed & (anniversary(agreed, int(rules["idle_recover_years"])) <= ts).to_numpy()
    fee = ~started & has_agreed & ~recover & (anniversary(agreed, int(rules["idle_fee_years"])) <= ts).to_numpy()
    low = ((dev < float(rules["idle_partial_developed_below"])) | (inv < float(rules["idle_partial_invested_below"]))).to_numpy()
    high = ((dev >= float(rules["idle_partial_developed_below"])) & (inv >= float(rules["idle_partial_invested_below"]))).to_numpy()
    halted_long = (halt.notna() & (anniversary(halt, int(rules["idle_partial_halt_years"])) <= ts)).to_numpy()
    partial = started & low & halted_long
    not_idle = (~started & has_agreed & ~recover & ~fee) | (started & (high | (low & halt.notna().to_numpy() & ~halted_long)))
    cls = np.full(n, "unknown", dtype=object)
    cls[not_idle] = "not_idle"
    cls[partial] = "partial"
    cls[fee] = "fee_20pct"
    cls[recover] = "recover"
    years = pd.Series(np.nan, index=range(n))
    ny = full_years(agreed, as_of)
    hy = full_years(halt, as_of)
    years[recover | fee] = ny[recover | fee]
    years[partial] = hy[partial]
    if (cls == "unknown").any():
        notes.append(f"闲置土地：{int((cls == 'unknown').sum())} 宗缺少判定所需字段，类别为 unknown / idle_land: {int((cls == 'unknown').sum())} parcels lack the fields to decide (unknown)")
    return cls, years, notes


def idle_land(ctx: AnalysisContext) -> Computed:
    """Idle parcels: count, area, area inside E/F/U, classes; per unit with clipped areas.

    Parameters
    ----------
    ctx : AnalysisContext
        Prepared layers in the working metric CRS (areas in m²).

    Returns
    -------
    Computed
        Overall and per-unit :class:`~greenplan.analysis.result.Indicator`: count; extras ``area_m2``, ``in_redline_m2``, ``in_farmland_m2``, ``in_urban_boundary_m2``, ``classes``; feature layer ``idle_land``.
    """
    lyr = ctx.layer.get("idle_land")
    if lyr is None:
        return skipped(ctx, KEY, UNIT_COUNT, METHOD, need("闲置土地", "idle_land"))
    cls, years, notes = classify_idle(lyr.frame, ctx.as_of, ctx.rules)
    union = lyr.pieces(None)
    inside: dict[str, PieceSet | None] = {}
    flags: dict[str, np.ndarray] = {}
    for name, key in (("in_redline", "E"), ("in_farmland", "F"), ("in_urban_boundary", "U")):
        m = ctx.ps(key)
        if m is None:
            inside[name] = None
            flags[name] = np.zeros(len(lyr), dtype=bool)
            continue
        inside[name] = union.clip(m)
        pieces, part, _ = lyr.clip(None, m)
        a = np.bincount(lyr.part_row[part], weights=PieceSet(pieces).areas, minlength=len(lyr)) if len(pieces) else np.zeros(len(lyr))
        flags[name] = a > 0
    counts = {c: int((cls == c).sum()) for c in CLASSES}
    extra = {
        "area_m2": union.area,
        "in_redline_m2": None if inside["in_redline"] is None else inside["in_redline"].area,
        "in_farmland_m2": None if inside["in_farmland"] is None else inside["in_farmland"].area,
        "in_urban_boundary_m2": None if inside["in_urban_boundary"] is None else inside["in_urban_boundary"].area,
        "classes": counts,
    }
    all_notes = notes + ctx.notes_for("idle_land")
    ind = Indicator(KEY, len(lyr), UNIT_COUNT, method=METHOD, extra=extra, notes=list(dict.fromkeys(all_notes)))
    by_unit = None
    if ctx.units is not None:
        u = ctx.units
        pieces, src, dst = clip_pairs(lyr.parts, u.mask)
        area = PieceSet(pieces).areas if len(pieces) else np.empty(0)
        pairs = pd.DataFrame({"row": lyr.part_row[src], "unit": u.part_unit[dst], "a": area})
        pairs = pairs[pairs["a"] > 0].drop_duplicates(["row", "unit"])
        area_u = u.areas(union)
        ins_u = {k: (None if v is None else u.areas(v)) for k, v in inside.items()}
        by_unit = []
        for i in range(u.n):
            r = pairs.loc[pairs["unit"] == i, "row"].to_numpy()
            extra_i = {
                "area_m2": float(area_u[i]),
                "in_redline_m2": None if ins_u["in_redline"] is None else float(ins_u["in_redline"][i]),
                "in_farmland_m2": None if ins_u["in_farmland"] is None else float(ins_u["in_farmland"][i]),
                "in_urban_boundary_m2": None if ins_u["in_urban_boundary"] is None else float(ins_u["in_urban_boundary"][i]),
                "classes": {c: int((cls[r] == c).sum()) for c in CLASSES},
            }
            by_unit.append(Indicator(KEY, len(r), UNIT_COUNT, method=METHOD, extra=extra_i))
    frame = lyr.frame.copy()
    frame["idle_class"] = cls
    frame["years_idle"] = years.astype("Int64").to_numpy()
    for name, v in flags.items():
        frame[name] = v
    frame["area_m2"] = np.asarray(PieceSet(lyr.geoms).areas) if len(lyr) else []
    feats = gpd.GeoDataFrame(frame, geometry=gpd.GeoSeries(lyr.geoms, crs=ctx.crs).values, crs=ctx.crs)
    return Computed(ind, by_unit, {"idle_land": feats})
