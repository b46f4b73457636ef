"""Unknown land-use codes and green-space classes: in the data check, and on screen after a run.

The data check lists, per ``land_use`` / ``green_space`` layer, every code or class the
project's code system does not know, with its feature count and area share (the top 10 by
area), as a ``problem``; when the unknown values look like another classification it names
the class-mapping preset that would read them (``erdiao``, ``osm``).

After ``analyze``, ``scenario`` and ``candidates``, :func:`unknown_warning` gives the warning
block printed on screen (and shown by the desktop app): which indicators are not graded
because of unknown codes, the codes, and the preset to use.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import shapely

from greenplan.core.settings import AnalysisSettings

#: how many unknown codes a message lists (by area)
TOP = 10


def unknown_mask(values: pd.Series | None, role: str, settings: AnalysisSettings) -> np.ndarray:
    """Which features of a ``land_use`` / ``green_space`` layer have an unknown code or class."""
    from greenplan.analysis.codes import load_code_table
    from greenplan.analysis.context import GS_KNOWN, class_prefix

    if values is None:
        return np.zeros(0, dtype=bool)
    if role == "land_use":
        return load_code_table(settings.code_system, settings.code_tables).classify(values).unknown
    ignore = values.astype("string").str.strip().str.upper().eq("IGNORE").fillna(False).to_numpy(dtype=bool)
    return ~class_prefix(values, GS_KNOWN) & ~ignore


def unknown_table(gdf: Any, role: str, settings: AnalysisSettings) -> tuple[list[dict[str, Any]], float]:
    """(rows {code, features, area_m2, share} by area, descending; share of the layer's area unknown).

    Areas are the plain sum of feature areas (working CRS, m²): quick, and exact for a layer
    without overlaps (the check reports overlaps separately).
    """
    from greenplan.io.class_mapping import CLASS_FIELD

    col = CLASS_FIELD[role]
    if gdf is None or len(gdf) == 0 or col not in gdf.columns:
        return [], 0.0
    values = gdf[col]
    unknown = unknown_mask(values, role, settings)
    if not unknown.any():
        return [], 0.0
    areas = shapely.area(gdf.geometry.to_numpy())
    total = float(areas.sum()) or 1.0
    text = values[unknown].astype("string").str.strip().fillna("")
    df = pd.DataFrame({"code": text.to_numpy(), "area": areas[unknown]})
    g = df.groupby("code", sort=False)["area"].agg(["size", "sum"]).sort_values("sum", ascending=False)
    rows = [{"code": str(c), "features": int(n), "area_m2": float(a), "share": float(a) / total} for c, (n, a) in g.iterrows()]
    return rows, float(areas[unknown].sum()) / total


def _codes_text(rows: list[dict[str, Any]], lang: str) -> str:
    shown = rows[:TOP]
    parts = []
    for r in shown:
        code = r["code"] or ("（空）" if lang == "zh" else "(empty)")
        parts.append(f"“{code}” {r['features']} 个要素 {100 * r['share']:.1f}%" if lang == "zh"
                     else f"'{code}' {r['features']} features {100 * r['share']:.1f} %")
    more = len(rows) - len(shown)
    if more:
        parts.append(f"另有 {more} 种" if lang == "zh" else f"{more} more")
    return ("、" if lang == "zh" else ", ").join(parts)


def _hint(rows: list[dict[str, Any]], role: str) -> tuple[str, str]:
    from greenplan.io.class_mapping import preset_hint, suggest_preset

    preset = suggest_preset({r["code"]: r["area_m2"] for r in rows}, role)
    if preset is None:
        return ("Map them to codes of the project's code system with the layer's classes (a table or CSV), "
                "or fix the codes.",
                "请用图层的 classes（映射表或 CSV）将其映射为项目代码体系的代码，或更正代码。")
    en, zh = preset_hint(preset, role)
    return en[0].upper() + en[1:] + ".", zh + "。"


def add_unknown_code_issues(loaded: Any, settings: AnalysisSettings) -> None:
    """Add an ``unknown_codes`` finding to each land-use / green-space layer that has unknown codes.

    A share over ``unknown_code_tolerance`` is a ``problem`` (the indicators reading the
    layer are then not graded); a smaller one a ``warning``.
    """
    for lyr in loaded.layers:
        role = lyr.spec.role
        if role not in ("land_use", "green_space") or lyr.gdf is None:
            continue
        rows, share = unknown_table(lyr.gdf, role, settings)
        if not rows:
            continue
        what_en, what_zh = ("land-use codes", "地类代码") if role == "land_use" else ("green-space classes", "绿地分类")
        hint_en, hint_zh = _hint(rows, role)
        over = share > settings.unknown_code_tolerance
        lyr.report.checks["unknown_codes"] = {"share": share, "codes": rows[:TOP], "count": len(rows)}
        lyr.report.add(
            "problem" if over else "warning",
            "unknown_codes",
            f"{len(rows)} unknown {what_en} cover {100 * share:.1f} % of the layer's area"
            + (" (over the tolerance: the indicators that read them are not graded)" if over else "")
            + f": {_codes_text(rows, 'en')}. {hint_en}",
            f"{len(rows)} 种未识别的{what_zh}占图层面积 {100 * share:.1f}%"
            + ("（超过容差：读取它们的指标不予评级）" if over else "")
            + f"：{_codes_text(rows, 'zh')}。{hint_zh}",
            share=share, codes=rows[:TOP], count=len(rows),
        )


#: candidate kinds whose selection reads land-use codes (pocket parks: residential land served;
#: belts: farmland caps and water), with their labels
CANDIDATE_KINDS_READING_CODES = {"pocket_park": ("口袋公园（居住用地服务增量）", "pocket parks (residential land served)"),
                                 "belt": ("防护绿带（耕地、水域避让）", "green belts (farmland and water avoided)")}


def candidate_unknowns(layers: dict[str, Any], settings: AnalysisSettings) -> dict[str, Any]:
    """What unknown land-use codes do to the candidates: keys for the candidates summary.

    Returns ``{}`` when the land-use codes are all known (or there is no land use);
    otherwise ``unknown_code_tolerance``, ``unknown_codes`` (as in ``indicators.json``) and,
    over the tolerance, ``unknown_affects`` (the candidate kinds whose selection is unsure).
    """
    rows, share = unknown_table(layers.get("land_use"), "land_use", settings)
    if not rows:
        return {}
    out: dict[str, Any] = {
        "unknown_code_tolerance": float(settings.unknown_code_tolerance),
        "unknown_share": share,
        "unknown_codes": [{"role": "land_use", "code": r["code"], "parcels": r["features"], "area_m2": r["area_m2"]}
                          for r in rows],
    }
    if share > settings.unknown_code_tolerance:
        out["unknown_affects"] = list(CANDIDATE_KINDS_READING_CODES)
    return out


def ungraded(indicators: dict[str, Any], reason: str = "unknown_codes") -> list[str]:
    """Keys of the indicators not graded for ``reason`` (``unknown_codes``: measured on data
    with unknown codes; ``raster_kind``: the vegetation raster's kind could not be told)."""
    return [k for k, ind in indicators.items() if isinstance(ind, dict) and ind.get("ungraded") == reason]


def unknown_warning(doc: dict[str, Any], lang: str = "en") -> list[str]:
    """The warning block for a run's document (``indicators.json`` or ``scenario.json``).

    Empty when every indicator that reads classes was graded.
    """
    from greenplan.analysis.wording import indicator_name as label

    raster = _raster_warning(doc, lang)
    keys = ungraded(doc.get("indicators", {}))
    affects = doc.get("unknown_affects") or []
    if not keys and not affects:
        return raster
    tol = doc.get("unknown_code_tolerance")
    tol_txt = f"{100 * tol:g}%" if isinstance(tol, (int, float)) else "1%"
    if keys:
        lines = ["警告：以下指标含未识别地类（超过容差 " + tol_txt + "），未评级，数值不可作为评价结论：" if lang == "zh"
                 else f"WARNING: these indicators read unknown codes (over the {tol_txt} tolerance) and are NOT graded:"]
    else:
        share = doc.get("unknown_share")
        s_txt = f"{100 * share:.1f}" if isinstance(share, (int, float)) else "?"
        lines = [f"警告：土地利用图层未识别地类占 {s_txt}%（超过容差 {tol_txt}），以下候选的筛选不可靠：" if lang == "zh"
                 else f"WARNING: {s_txt} % of the land use has unknown codes (over the {tol_txt} tolerance); "
                 "these candidates were chosen on unsure land use:"]
    for k in keys:
        share = doc["indicators"][k].get("unknown_share")
        s = f"{100 * share:.1f}" if isinstance(share, (int, float)) else "?"
        lines.append(f"  {label(k, lang)}: " + (f"未识别地类占 {s}%" if lang == "zh" else f"{s} % unknown"))
    for kind in affects:
        zh, en = CANDIDATE_KINDS_READING_CODES.get(kind, (kind, kind))
        lines.append(f"  {zh if lang == 'zh' else en}")
    for role in ("land_use", "green_space"):
        rows = [r for r in doc.get("unknown_codes", []) if r.get("role") == role]
        if not rows:
            continue
        total = sum(r["area_m2"] for r in rows) or 1.0
        rows = sorted(({"code": r["code"], "features": r["parcels"], "area_m2": r["area_m2"],
                        "share": r["area_m2"] / total} for r in rows), key=lambda r: -r["area_m2"])
        what = ("未识别地类代码" if role == "land_use" else "未识别绿地分类") if lang == "zh" else (
            "unknown land-use codes" if role == "land_use" else "unknown green-space classes")
        lines.append(f"  {what}（按未识别面积）：{_codes_text(rows, lang)}" if lang == "zh"
                     else f"  {what} (share of the unknown area): {_codes_text(rows, lang)}")
        hint_en, hint_zh = _hint(rows, role)
        lines.append("  " + (hint_zh if lang == "zh" else hint_en))
    return lines + raster


def _raster_warning(doc: dict[str, Any], lang: str) -> list[str]:
    """Lines for indicators left unmeasured because the vegetation raster was not recognised."""
    from greenplan.analysis.wording import indicator_name as label

    out = []
    for k in ungraded(doc.get("indicators", {}), "raster_kind"):
        notes = [n for n in doc["indicators"][k].get("notes", []) if " / " in n]
        zh, _, en = (notes[0] if notes else " / ").partition(" / ")
        out.append(f"警告：{label(k, lang)}未计算：{zh}" if lang == "zh" else f"WARNING: {label(k, lang)} not computed: {en}")
        out.append("  在项目的 [settings] 中设置 vegetation_raster_kind（ndvi、landcover 或 fraction），或 --set vegetation_raster_kind=…"
                   if lang == "zh" else
                   "  Set vegetation_raster_kind (ndvi, landcover or fraction) in the project's [settings], or --set vegetation_raster_kind=…")
    return out
