"""Text and rows of the indicators dock, from the ``indicators.json`` document (Qt-free).

The dock shows what ``compute_project_indicators`` returned, formatted: no number in the
dock is computed here except the area of a conflict piece when its frame has no area
column (planar, working CRS).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np

from greenplan.analysis.result import UNGRADED_TEXT, is_ungraded, marked
from greenplan.jobs.indicator_tables import INDICATOR_LABELS

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
GRADE_NAMES = {"I": ("Ⅰ级", "grade I"), "II": ("Ⅱ级", "grade II"), "III": ("Ⅲ级", "grade III")}


def indicator_label(key: str, lang: str) -> str:
    zh, en = INDICATOR_LABELS.get(key, (key, key))
    return zh if lang == "zh" else en


def format_number(value: Any, unit: str | None) -> str:
    """An indicator value with its unit: ratios as percentages.

    Examples
    --------
    >>> format_number(0.3, "ratio"), format_number(1234.5, "m²"), format_number(3, "count")
    ('30.00%', '1,234.5 m²', '3')
    >>> format_number(None, "ratio")
    '—'
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    if unit == "ratio":
        return f"{100.0 * float(value):.2f}%"
    if unit in ("m2", "m²"):
        return f"{float(value):,.1f} m²"
    if unit in ("m²/person", "m2/person"):
        return f"{float(value):.2f} m²/人"
    if unit == "count":
        return f"{int(value)}"
    return f"{value}"


def format_threshold(threshold: Any, unit: str | None) -> str:
    """``Ⅰ ≥ 40%  Ⅱ ≥ 36%  Ⅲ ≥ 34%``, or ``= 0`` for must-be-zero checks.

    Examples
    --------
    >>> format_threshold({"I": 0.4, "II": 0.36, "III": 0.345}, "ratio")
    'Ⅰ ≥ 40%  Ⅱ ≥ 36%  Ⅲ ≥ 34.5%'
    >>> format_threshold({"pass": 0}, "m²")
    '= 0'
    """
    if not threshold:
        return ""
    if not isinstance(threshold, Mapping):
        return str(threshold)
    if set(threshold) == {"pass"}:
        return f"= {format_number(threshold['pass'], unit)}" if threshold["pass"] else "= 0"
    parts = []
    for grade, value in threshold.items():
        g = {"I": "Ⅰ", "II": "Ⅱ", "III": "Ⅲ"}.get(str(grade), str(grade))
        if isinstance(value, Mapping) or isinstance(value, (list, tuple)):
            parts.append(f"{g} {value}")
        else:
            parts.append(f"{g} ≥ {_short(value, unit)}")
    return "  ".join(parts)


def _short(value: Any, unit: str | None) -> str:
    """A threshold without trailing zeros: ``40%``, ``9.5 m²/人``."""
    if unit == "ratio":
        return f"{100.0 * float(value):.1f}".rstrip("0").rstrip(".") + "%"
    if isinstance(value, (int, float)):
        text = f"{float(value):.2f}".rstrip("0").rstrip(".")
        return text + (" m²/人" if unit in ("m²/person", "m2/person") else "")
    return str(value)


def format_grade(grade: Any, lang: str) -> str:
    if grade is None:
        return ""
    zh, en = GRADE_NAMES.get(str(grade), (str(grade), str(grade)))
    return zh if lang == "zh" else en


def format_pass(passed: Any, lang: str) -> str:
    if passed is None:
        return "—"
    if lang == "zh":
        return "达标" if passed else "不达标"
    return "pass" if passed else "fail"


def indicator_rows(indicators: Mapping[str, Mapping[str, Any]], lang: str) -> list[dict[str, Any]]:
    """One row per indicator: key, name, value, threshold, grade, pass, notes (texts)."""
    rows = []
    for key, ind in indicators.items():
        unit = ind.get("unit")
        ungraded = is_ungraded(ind)
        rows.append({
            "key": key,
            "name": indicator_label(key, lang),
            "value": marked(format_number(ind.get("value"), unit), ind, lang),
            "threshold": format_threshold(ind.get("threshold"), unit),
            "grade": UNGRADED_TEXT[lang if lang == "zh" else "en"] if ungraded else format_grade(ind.get("grade"), lang),
            "pass": ind.get("pass"),
            "ungraded": ungraded,
            "result": UNGRADED_TEXT[lang if lang == "zh" else "en"] if ungraded else format_pass(ind.get("pass"), lang),
            "notes": "\n".join(str(n) for n in ind.get("notes", []) or []),
        })
    return rows


def conflict_table(features: Mapping[str, Any], lang: str):
    """All explaining features in one table: (DataFrame of texts, geometries, layer names).

    Columns: kind, details (the first attribute columns), area. Whole-column: one frame
    per feature layer, concatenated.
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
        others = [c for c in gdf.columns if c not in (gdf.geometry.name, "area_m2")][:4]
        details = pd.Series([""] * len(gdf), dtype="string")
        for c in others:  # a few columns, each whole
            text = f"{c}=" + gdf[c].astype("string").fillna("").reset_index(drop=True)
            details = text if c == others[0] else details + "  " + text
        frames.append(pd.DataFrame({
            "kind": zh if lang == "zh" else en,
            "details": details.to_numpy(),
            "area": [f"{a:,.1f} m²" for a in areas.tolist()],
        }))
        geoms.append(g)
        layers += [name] * len(gdf)
    if not frames:
        return pd.DataFrame({"kind": [], "details": [], "area": []}), np.zeros(0, dtype=object), []
    return pd.concat(frames, ignore_index=True), np.concatenate(geoms), layers


def unit_columns(by_unit: list[Mapping[str, Any]]) -> list[str]:
    """Indicator keys shown per township (those with a value in some unit)."""
    keys: list[str] = []
    for u in by_unit:
        for k in u.get("indicators", {}):
            if k not in keys:
                keys.append(k)
    return keys
