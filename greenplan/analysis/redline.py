"""Ecological red line occupation and overlaps of the three control lines (三条控制线).

``eco_redline_occupation`` = area(E ∩ O) / area(E), O = construction land ∪ idle land ∪
scenario construction. The part where every occupying feature carries an
``activity_type`` (one of the limited human activities allowed in the red line,
自然资发〔2022〕142号) is ``approved_m2``; the rest is ``violation_m2``, which must be 0
(pieces under the sliver tolerance left out).

``redline_overlaps``: E ∩ F, E ∩ U and F ∩ U must all be empty (the three lines do not
cross, overlap or conflict; 厅字〔2019〕48号).
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd

from greenplan.analysis.common import need, skipped, sliver_counts, unit_zero_checks
from greenplan.analysis.context import AnalysisContext, text_test
from greenplan.analysis.geom import PieceSet, group_union
from greenplan.analysis.result import (
    NA_NO_REDLINE,
    Computed,
    not_applicable,
    ratio,
    zero_check,
)

KEY_OCC = "eco_redline_occupation"
KEY_OVL = "redline_overlaps"
METHOD_OCC = "area(E ∩ O) / area(E); O = construction ∪ idle_land ∪ scenario construction; violation = part without activity_type"
METHOD_OVL = "area(E ∩ F) + area(E ∩ U) + area(F ∩ U), pieces < 1 m² left out"

#: (cause, role, id field)
_CAUSES = (("construction", "land_use", "BSM"), ("idle_land", "idle_land", "parcel_id"), ("scenario_construction", "scenario_construction", "id"))


def _has_text(col: pd.Series | None, n: int) -> np.ndarray:
    """Rows with a non-empty ``activity_type``."""
    return text_test(col, lambda t: t not in ("", "NAN", "NONE", "<NA>"), n)


def _features(ctx: AnalysisContext, rows_pieces: list[dict]) -> gpd.GeoDataFrame:
    frames = []
    for d in rows_pieces:
        if not len(d["pieces"]):
            continue
        rows, geom, area = group_union(d["pieces"], d["rows"])
        f = d["frame"]
        frames.append(
            pd.DataFrame(
                {
                    "cause": d["cause"],
                    "source_id": f[d["id"]].iloc[rows].astype("string").to_numpy() if d["id"] in f else None,
                    "code": ctx.classes.codes[rows] if d["cause"] == "construction" else None,
                    "activity_type": f["activity_type"].iloc[rows].to_numpy() if "activity_type" in f else None,
                    "approved": d["approved"][rows],
                    "area_m2": area,
                    "geometry": geom,
                }
            )
        )
    cols = ["cause", "source_id", "code", "activity_type", "approved", "area_m2", "geometry"]
    return ctx.feature_frame(frames, cols, "redline_occupation")


def eco_redline_occupation(ctx: AnalysisContext) -> Computed:
    """Occupation of the ecological red line, with approved and violating parts.

    Parameters
    ----------
    ctx : AnalysisContext
        Prepared layers in the working metric CRS (areas in m²).

    Returns
    -------
    Computed
        Overall and per-unit :class:`~greenplan.analysis.result.Indicator`: ratio in [0, 1]; extras ``occupied_m2``, ``by_cause``, ``approved_m2``, ``violation_m2``, ``slivers``, ``sliver_m2``; feature layer ``redline_occupation``.
    """
    e = ctx.ps("E")
    if e is None:
        return skipped(ctx, KEY_OCC, "ratio", METHOD_OCC, need("生态保护红线", "ecological_redline"))
    present = [c for c in _CAUSES if c[1] in ctx.layer]
    if not present:
        return skipped(ctx, KEY_OCC, "ratio", METHOD_OCC, "缺少土地利用与闲置土地图层 / no land_use or idle_land layer")
    by_cause: dict[str, PieceSet] = {}
    unapproved: list[PieceSet] = []
    feats = []
    for cause, role, id_field in present:
        lyr = ctx.layer[role]
        rows = ctx.lu_rows("construction") if cause == "construction" else None
        pieces, part, whole = lyr.clip(rows, e)
        prow = lyr.part_row[part]
        approved = _has_text(lyr.column("activity_type"), len(lyr))
        by_cause[cause] = lyr.as_pieces(pieces, part, whole)
        bad = ~approved[prow]
        unapproved.append(lyr.as_pieces(pieces[bad], part[bad], whole[bad]))
        feats.append({"cause": cause, "pieces": pieces, "rows": prow, "frame": lyr.frame, "id": id_field, "approved": approved})
    occupied = ctx.union_all_of(list(by_cause.values()))
    violation = ctx.union_all_of(unapproved)
    kept, slivers = violation.split_slivers(ctx.tol)
    approved_m2 = max(0.0, occupied.area - violation.area)
    extra = {
        "redline_m2": e.area,
        "occupied_m2": occupied.area,
        "by_cause": {k: v.area for k, v in by_cause.items()},
        "approved_m2": approved_m2,
        "violation_m2": kept.area,
        "slivers": len(slivers),
        "sliver_m2": slivers.area,
    }
    ind = ratio(KEY_OCC, occupied.area, e.area, METHOD_OCC, **extra)
    ind.threshold, ind.passed = {"pass": 0}, kept.area == 0
    notes = ctx.notes_for("ecological_redline", "land_use", "idle_land", "scenario_construction")
    for _, role, _ in _CAUSES[:2]:
        if role not in ctx.layer:
            notes.append(f"缺少{'土地利用' if role == 'land_use' else '闲置土地'}图层，O 未含该部分 / no {role} layer: O without it")
    if len(slivers):
        notes.append(f"违规占用中 {len(slivers)} 个碎片（< {ctx.tol:g} m²）未计入 / {len(slivers)} violation sliver(s) left out")
    for n in notes:
        ind.note(n)
    by_unit = None
    if ctx.units is not None:
        u = ctx.units
        e_u, occ_u, viol_u = u.areas(e), u.areas(occupied), u.areas(violation)
        cause_u = {k: u.areas(v) for k, v in by_cause.items()}
        kept_u = u.areas(kept)
        n_u, s_u = sliver_counts(ctx, slivers)
        by_unit = []
        for i in range(u.n):
            extra_i = {
                "redline_m2": float(e_u[i]),
                "occupied_m2": float(occ_u[i]),
                "by_cause": {k: float(v[i]) for k, v in cause_u.items()},
                "approved_m2": max(0.0, float(occ_u[i] - viol_u[i])),
                "violation_m2": float(kept_u[i]),
                "slivers": int(n_u[i]),
                "sliver_m2": float(s_u[i]),
            }
            if not e_u[i] > 0:
                ui = not_applicable(KEY_OCC, "ratio", METHOD_OCC, NA_NO_REDLINE,
                                    "该行政区内无生态保护红线 / no red line in this unit", **extra_i)
            else:
                ui = ratio(KEY_OCC, float(occ_u[i]), float(e_u[i]), METHOD_OCC, **extra_i)
            ui.threshold, ui.passed = {"pass": 0}, bool(kept_u[i] == 0)
            by_unit.append(ui)
    return Computed(ind, by_unit, {"redline_occupation": _features(ctx, feats)})


def redline_overlaps(ctx: AnalysisContext) -> Computed:
    """Pairwise overlaps of red line (E), permanent farmland (F) and urban boundary (U).

    Parameters
    ----------
    ctx : AnalysisContext
        Prepared layers in the working metric CRS (areas in m²).

    Returns
    -------
    Computed
        Overall and per-unit :class:`~greenplan.analysis.result.Indicator`: m² (must be 0); extras per pair; feature layer ``control_line_overlaps``.
    """
    sets = {"E": ctx.ps("E"), "F": ctx.ps("F"), "U": ctx.ps("U")}
    pairs = {"eco_farmland_m2": ("E", "F"), "eco_urban_m2": ("E", "U"), "farmland_urban_m2": ("F", "U")}
    names = {"E": "ecological_redline", "F": "permanent_farmland", "U": "urban_boundary"}
    if sum(v is not None for v in sets.values()) < 2:
        return skipped(ctx, KEY_OVL, "m²", METHOD_OVL, "三条控制线图层不足两个 / fewer than two control-line layers")
    kept: dict[str, PieceSet | None] = {}
    slv: dict[str, PieceSet | None] = {}
    feats = []
    for key, (a, b) in pairs.items():
        if sets[a] is None or sets[b] is None:
            kept[key] = slv[key] = None
            continue
        big, small = (sets[a], sets[b]) if len(sets[a]) >= len(sets[b]) else (sets[b], sets[a])
        inter = big.clip(small, sparse=True)
        kept[key], slv[key] = inter.split_slivers(ctx.tol)
        for ps, is_sliver in ((kept[key], False), (slv[key], True)):
            if len(ps):
                feats.append(pd.DataFrame({"pair": f"{a}∩{b}", "area_m2": ps.areas, "is_sliver": is_sliver, "geometry": ps.geoms}))
    missing_roles = [names[k] for k, v in sets.items() if v is None]
    total = sum(v.area for v in kept.values() if v is not None)
    n_sl = sum(len(v) for v in slv.values() if v is not None)
    a_sl = sum(v.area for v in slv.values() if v is not None)
    extra = {k: (None if v is None else v.area) for k, v in kept.items()}
    ind = zero_check(KEY_OVL, total, n_sl, a_sl, METHOD_OVL, **extra)
    if missing_roles:
        ind.value, ind.passed = None, None
        ind.note("缺少图层：" + "、".join(missing_roles) + "，仅计算现有两线的重叠 / missing: " + ", ".join(missing_roles))
    for n in ctx.notes_for("ecological_redline", "permanent_farmland", "urban_boundary"):
        ind.note(n)
    by_unit = None
    if ctx.units is not None:
        u = ctx.units
        zero = np.zeros(u.n)
        ku = {k: (None if v is None else u.areas(v)) for k, v in kept.items()}
        counts = [sliver_counts(ctx, v) for v in slv.values() if v is not None]
        by_unit = unit_zero_checks(
            ctx,
            KEY_OVL,
            sum((v for v in ku.values() if v is not None), zero),
            sum((c[0] for c in counts), zero),
            sum((c[1] for c in counts), zero),
            METHOD_OVL,
            extra_u=ku,
            value_null=bool(missing_roles),
        )
    cols = ["pair", "area_m2", "is_sliver", "geometry"]
    return Computed(ind, by_unit, {"control_line_overlaps": ctx.feature_frame(feats, cols, "control_line_overlaps")})
