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
        skip = (gdf.geometry.name, "patch_id", "area_m2", "area_mu", "x", "y", "rule")
        others = [c for c in gdf.columns if c not in skip][:4]
        details = pd.Series([""] * len(gdf), dtype="string")
        for c in others:  # a few columns, each whole
            text = f"{c}=" + gdf[c].astype("string").fillna("").reset_index(drop=True)
            details = text if c == others[0] else details + "  " + text
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


def unit_columns(by_unit: list[Mapping[str, Any]]) -> list[str]:
    """Indicator keys shown per township (those with a value in some unit)."""
    keys: list[str] = []
    for u in by_unit:
        for k in u.get("indicators", {}):
            if k not in keys:
                keys.append(k)
    return keys
