"""Text and rows of the indicators dock, from the ``indicators.json`` document (Qt-free).

The dock shows what ``compute_project_indicators`` returned, formatted: no number in the
dock is computed here except the area of a conflict piece when its frame has no area
column (planar, working CRS).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from greenplan.analysis.wording import (
    IndicatorView,
    format_area,
    format_value,
    grade_text,
    grade_word,
    indicator_name,
    pass_word,
    result_text,
    status,
    threshold_text,
    value_text,
)

#: explaining-feature layers (``features`` of compute_project_indicators) -> indicator key
FEATURE_INDICATOR = {
    "redline_occupation": "eco_redline_occupation",
    "control_line_overlaps": "redline_overlaps",
    "farmland_greening_conflict": "farmland_greening_conflict",
    "farmland_nonfarm_use": "farmland_nonfarm_use",
    "idle_land": "idle_land",
}
FEATURE_LABELS = {
    "redline_occupation": ("生态保护红线占用", "Red line occupation"),
    "control_line_overlaps": ("三条控制线重叠", "Control-line overlap"),
    "farmland_greening_conflict": ("永久基本农田绿化冲突", "Greening on farmland"),
    "farmland_nonfarm_use": ("永久基本农田非农化", "Non-farm use of farmland"),
    "idle_land": ("闲置土地", "Idle land"),
}
#: cell background by status (:func:`greenplan.analysis.wording.status`), as ``#rrggbb``
STATUS_BG = {"pass": "#d4edd4", "fail": "#f8d7d5", "none": "#ebebeb", "ungraded": "#ffebb4"}


def indicator_label(key: str, lang: str) -> str:
    """The indicator's name (:func:`greenplan.analysis.wording.indicator_name`)."""
    return indicator_name(key, lang)


def status_of(passed: Any, ungraded: bool = False) -> str:
    """``pass``, ``fail``, ``none`` or ``ungraded`` of a cell (keys of :data:`STATUS_BG`)."""
    if ungraded:
        return "ungraded"
    return "pass" if passed is True else "fail" if passed is False else "none"


def format_number(value: Any, unit: str | None, lang: str = "zh", key: str | None = None) -> str:
    """An indicator value with its unit (:func:`greenplan.analysis.wording.format_value`).

    Examples
    --------
    >>> format_number(0.3, "ratio"), format_number(1234.5, "m²"), format_number(3, "count", key="idle_land")
    ('30.00%', '1,234.5 m²', '3 宗')
    >>> format_number(None, "ratio")
    '—'
    """
    return format_value(value, unit, lang, key)


def format_threshold(threshold: Any, unit: str | None, lang: str = "zh") -> str:
    """``Ⅰ ≥ 40%  Ⅱ ≥ 36%  Ⅲ ≥ 34%``, or ``= 0`` (:func:`greenplan.analysis.wording.threshold_text`).

    Examples
    --------
    >>> format_threshold({"I": 0.4, "II": 0.36, "III": 0.345}, "ratio")
    'Ⅰ ≥ 40%  Ⅱ ≥ 36%  Ⅲ ≥ 34.5%'
    >>> format_threshold({"pass": 0}, "m²")
    '= 0'
    """
    return threshold_text(threshold, unit, lang)


def format_grade(grade: Any, lang: str) -> str:
    return grade_word(grade, lang)


def format_pass(passed: Any, lang: str) -> str:
    return pass_word(None if passed is None else bool(passed), lang)


def indicator_rows(indicators: Mapping[str, Mapping[str, Any]], lang: str) -> list[dict[str, Any]]:
    """One row per indicator: key, name, value, threshold, grade, result, notes (texts), and
    pass, ungraded and status (for the cell colour, :data:`STATUS_BG`)."""
    rows = []
    for key, obj in indicators.items():
        ind = IndicatorView.from_dict(key, obj)
        rows.append({
            "key": key,
            "name": ind.name(lang),
            "value": value_text(ind, lang),
            "threshold": threshold_text(ind.threshold, ind.unit, lang),
            "grade": grade_text(ind, lang),
            "pass": ind.passed,
            "ungraded": bool(ind.ungraded),
            "status": status(ind),
            "result": result_text(ind, lang),
            "notes": "\n".join(ind.notes),
        })
    return rows


def conflict_table(features: Mapping[str, Any], lang: str):
    """All explaining features in one table: (DataFrame of texts, geometries, layer names).

    Columns: patch_id (the conflict number, ``HX-001``, as in ``conflicts.csv`` and
    ``results.gpkg``; empty for layers that are not numbered, e.g. idle land), kind,
    details (the first attribute columns), area. Whole-column: one frame per feature
    layer, concatenated.
    """
    import pandas as pd
    import shapely

    frames, geoms, layers = [], [], []
    for name in FEATURE_LABELS:
        gdf = features.get(name)
        if gdf is None or len(gdf) == 0 or "geometry" not in getattr(gdf, "columns", ()):
            continue
        zh, en = FEATURE_LABELS[name]
        g = np.asarray(gdf.geometry.array)
        areas = gdf["area_m2"].to_numpy(dtype=float) if "area_m2" in gdf.columns else shapely.area(g)
        details = conflict_details(gdf, lang)
        ids = gdf["patch_id"].astype("string").fillna("").to_numpy() if "patch_id" in gdf.columns else [""] * len(gdf)
        frames.append(pd.DataFrame({
            "patch_id": ids,
            "kind": zh if lang == "zh" else en,
            "details": details.to_numpy(),
            "area": [format_area(a, lang) for a in areas.tolist()],
        }))
        geoms.append(g)
        layers += [name] * len(gdf)
    if not frames:
        return pd.DataFrame({"patch_id": [], "kind": [], "details": [], "area": []}), np.zeros(0, dtype=object), []
    return pd.concat(frames, ignore_index=True), np.concatenate(geoms), layers


#: the attributes a conflict's details name, in this order: (column, Chinese, English label)
DETAIL_FIELDS = (("township", "", ""), ("cause", "", ""), ("code", "地类", "code"), ("class", "绿地类", "class"),
                 ("name", "名称", "name"), ("source_id", "图斑号", "parcel"), ("parcel_id", "编号", "id"),
                 ("status", "状态", "status"), ("idle_class", "闲置类型", "idle type"))


def conflict_details(gdf, lang: str):
    """One readable line per feature: township · cause name · 地类 code name · parcel number.

    Cause codes are named by :func:`greenplan.analysis.causes.cause_name` and land-use codes by
    ``code_names.toml``; raw ids (``cause=construction``) are never shown. Whole-column.
    """
    import pandas as pd

    from greenplan.analysis.causes import cause_name, idle_class_name
    from greenplan.jobs.class_values import code_names

    n = len(gdf)
    parts: list[pd.Series] = []
    names = None
    for col, zh, en in DETAIL_FIELDS:
        if col not in gdf.columns:
            continue
        raw = gdf[col].astype("string").reset_index(drop=True)
        if col == "cause":
            text = raw.map(lambda c: cause_name(c, lang), na_action="ignore")
        elif col == "idle_class":
            text = raw.map(lambda c: idle_class_name(c, lang), na_action="ignore")
        elif col == "code":
            i = 0 if lang == "zh" else 1
            names = names or {k: f"{k} {v[i]}" for k, v in code_names("sandiao").items()}
            text = raw.map(names).fillna(raw)
        else:
            text = raw
        label = zh if lang == "zh" else en
        text = text.where(text.fillna("").str.strip() != "")
        parts.append((label + ("：" if lang == "zh" else ": ") + text) if label else text)
    out = pd.Series([""] * n, dtype="string")
    for part in parts:  # a few columns, each whole: join the non-empty ones with " · "
        text = part.fillna("")
        joined = (out + " · " + text).where(out != "", text)
        out = joined.where(text != "", out)
    return out


def unit_columns(by_unit: list[Mapping[str, Any]]) -> list[str]:
    """Indicator keys shown per township (those with a value in some unit)."""
    keys: list[str] = []
    for u in by_unit:
        for k in u.get("indicators", {}):
            if k not in keys:
                keys.append(k)
    return keys
