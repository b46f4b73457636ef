"""Texts and rows of the candidates and scenario panels (Qt-free).

The candidate frames come from ``jobs.candidates.compute_candidates`` and the scenario
document from ``jobs.scenario.run_scenario``; nothing here computes a number, it only
picks columns, rounds them for reading and puts names on codes in both languages.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from greenplan.analysis import wording

#: candidate kinds in panel order (``greenplan.core.scenario.KINDS``)
KIND_ORDER = ("rooftop", "pocket_park", "belt")
KIND_LABELS = {"rooftop": ("屋顶绿化", "Rooftop gardens"), "pocket_park": ("口袋公园", "Pocket parks"),
               "belt": ("防护绿带", "Green belts"), "sketch": ("手绘草图", "Hand-drawn sketch")}

#: the columns shown per kind: (frame column, Chinese header, English header, decimals or None)
COLUMNS: dict[str, list[tuple[str, str, str, int | None]]] = {
    "rooftop": [
        ("candidate_id", "编号", "ID", None), ("candidate", "候选", "Candidate", None), ("reason", "未入选原因", "Reason", None),
        ("score", "评分", "Score", 1), ("area_m2", "屋顶面积（㎡）", "Roof area (m²)", 1),
        ("planted_m2", "种植面积（㎡）", "Planted (m²)", 1), ("green_space_m2", "折算绿地（㎡）", "Counted green space (m²)", 1),
        ("floors", "层数", "Floors", None), ("height_m", "高度（米）", "Height (m)", 1),
        ("structure", "结构", "Structure", None), ("year_built", "建成年份", "Built", None),
        ("flat_share", "平屋面比例", "Flat share", 2), ("mean_slope_deg", "平均坡度（°）", "Mean slope (°)", 1),
        ("underserved", "公园服务盲区", "Outside park service", None), ("bid", "建筑编号", "Building", None),
    ],
    "pocket_park": [
        ("candidate_id", "编号", "ID", None), ("candidate", "候选", "Candidate", None), ("reason", "未入选原因", "Reason", None),
        ("area_m2", "面积（㎡）", "Area (m²)", 1), ("gain_m2", "新增服务居住用地（㎡）", "Residential newly served (m²)", 1),
        ("parcel_id", "地块编号", "Parcel", None), ("status", "闲置状态", "Status", None),
        ("planned_use", "规划用途", "Planned use", None),
    ],
    "belt": [
        ("candidate_id", "编号", "ID", None), ("candidate", "候选", "Candidate", None), ("reason", "未入选原因", "Reason", None),
        ("name", "名称", "Name", None), ("class", "等级", "Class", None), ("source", "沿线", "Along", None),
        ("belt_m", "单侧宽度（米）", "Width per side (m)", 1), ("area_m2", "绿带面积（㎡）", "Belt area (m²)", 1),
        ("avoided_farmland_m2", "避让耕地（㎡）", "Farmland avoided (m²)", 1),
        ("avoided_redline_m2", "避让红线（㎡）", "Red line avoided (m²)", 1),
        ("outside_study_area_m2", "研究范围外扣除（㎡）", "Outside the study area (m²)", 1),
        ("water_m2", "水域扣除（㎡）", "On water (m²)", 1),
    ],
}

SOURCES = {"road": ("道路", "road"), "river": ("河流", "river")}


def belt_class_names() -> dict[str, tuple[str, str]]:
    """``class -> (中文名, English name)`` of the roads and rivers belts run along
    (``candidates.toml`` ``[belts.class_names]``)."""
    from greenplan.core.resources import load_resource_toml

    raw = load_resource_toml("standards", "candidates.toml").get("belts", {}).get("class_names", {})
    return {str(k): (str(v[0]), str(v[1])) for k, v in raw.items()}


def kind_label(kind: str, lang: str) -> str:
    zh, en = KIND_LABELS.get(kind, (kind, kind))
    return zh if lang == "zh" else en


def reason_texts(frame: pd.DataFrame, kind: str, lang: str) -> np.ndarray:
    """The reason of each row in ``lang`` (empty for candidates).

    The words are :func:`greenplan.jobs.candidates.reason_labels`, the ones the command
    line and the spreadsheets print. A code that has no label there shows the frame's
    ``reason_zh`` (Chinese) or the code itself, never an empty cell.

    Examples
    --------
    >>> f = pd.DataFrame({"reason": ["", "outside_study_area"]})
    >>> reason_texts(f, "belt", "en").tolist()
    ['', 'outside the study area (admin units, else land use)']
    """
    from greenplan.jobs.candidates import reason_labels

    n = len(frame)
    codes = frame["reason"].astype("string").fillna("").to_numpy(dtype=object) if "reason" in frame else np.full(n, "", dtype=object)
    fallback = codes
    if lang == "zh" and "reason_zh" in frame:
        fallback = frame["reason_zh"].astype("string").fillna("").to_numpy(dtype=object)
        fallback = np.where(fallback == "", codes, fallback)
    names = reason_labels(kind, "zh" if lang == "zh" else "en")
    out = pd.Series(codes, dtype=object).map(names).to_numpy(dtype=object)
    return np.where(pd.isna(out), fallback, np.where(codes == "", "", out))


def candidate_rows(frame: pd.DataFrame, kind: str, lang: str) -> pd.DataFrame:
    """The table of one kind: the :data:`COLUMNS` the frame has, headers in ``lang``.

    Numbers stay numbers (rounded) so the table sorts them as numbers; yes/no and the
    reason become text.

    Examples
    --------
    >>> f = pd.DataFrame({"candidate_id": ["P1", "P2"], "candidate": [True, False],
    ...                   "reason": ["", "too_small"], "area_m2": [2000.04, 150.0]})
    >>> candidate_rows(f, "pocket_park", "en").to_dict("list")
    {'ID': ['P1', 'P2'], 'Candidate': ['yes', 'no'], 'Reason': ['', 'smaller than a pocket park'], 'Area (m²)': [2000.0, 150.0]}
    """
    out: dict[str, Any] = {}
    for col, zh, en, decimals in COLUMNS[kind]:
        if col not in frame.columns:
            continue
        head = zh if lang == "zh" else en
        values = frame[col]
        if col == "candidate":
            yes, no = ("是", "否") if lang == "zh" else ("yes", "no")
            out[head] = np.where(values.to_numpy(dtype=bool), yes, no)
        elif col == "reason":
            out[head] = reason_texts(frame, kind, lang)
        elif col == "class" and kind == "belt":
            i = 0 if lang == "zh" else 1
            names = {k: v[i] for k, v in belt_class_names().items()}
            raw = values.astype("string")
            out[head] = raw.map(names).fillna(raw).to_numpy(dtype=object)
        elif col == "source":
            out[head] = values.astype("string").map(lambda s: SOURCES.get(s, (s, s))[0 if lang == "zh" else 1]).to_numpy(
                dtype=object)
        elif col == "underserved":
            yes, no = ("是", "否") if lang == "zh" else ("yes", "no")
            b = values.astype("boolean")
            out[head] = np.where(b.isna().to_numpy(), "", np.where(b.fillna(False).to_numpy(dtype=bool), yes, no))
        elif decimals is not None:
            out[head] = pd.to_numeric(values, errors="coerce").round(decimals).to_numpy()
        else:
            out[head] = values.to_numpy()
    return pd.DataFrame(out)


def numeric_columns(kind: str, frame: pd.DataFrame) -> set[int]:
    """Positions (in :func:`candidate_rows`) of the number columns, to right-align them."""
    present = [c for c in COLUMNS[kind] if c[0] in frame.columns]
    return {i for i, (col, *_rest) in enumerate(present)
            if col not in ("candidate", "reason", "source", "underserved") and pd.api.types.is_numeric_dtype(frame[col])}


# ------------------------------------------------------------------------------ scenario
#: a change with its sign; ratios in percentage points (the one formatter of the wording)
format_delta = wording.format_delta


def pass_text(passed: Any, lang: str) -> str:
    return wording.pass_word(None if passed is None else bool(passed), lang)


def _result(ind: wording.IndicatorView, which: str, lang: str) -> str:
    if ind.ungraded:
        return wording.result_text(ind, lang)
    return wording.pass_word(getattr(ind, f"pass_{which}"), lang)


def comparison_rows(indicators: Mapping[str, Mapping[str, Any]], lang: str) -> list[dict[str, Any]]:
    """One row per indicator of a scenario document: name, before, after, change, results (texts)."""
    rows = []
    for key, v in indicators.items():
        ind = wording.IndicatorView.from_dict(key, v)
        rows.append({
            "key": key, "name": ind.name(lang),
            "before": wording.value_text(ind, lang, "before"), "after": wording.value_text(ind, lang, "after"),
            "delta": wording.format_delta(ind.delta, ind.unit, lang, key),
            "result_before": _result(ind, "before", lang), "result_after": _result(ind, "after", lang),
            "pass_before": ind.pass_before, "pass_after": ind.pass_after,
            "status_before": wording.status(ind, "before"), "status_after": wording.status(ind, "after"),
            "changed": bool(ind.delta),
        })
    return rows


def unit_change_columns(by_unit: list[Mapping[str, Any]]) -> list[str]:
    """Indicator keys that change in some township (green coverage always first)."""
    keys: list[str] = ["green_coverage_vector"]
    for u in by_unit:
        for k, v in u.get("indicators", {}).items():
            d = v.get("delta")
            if k not in keys and isinstance(d, (int, float)) and d:
                keys.append(k)
    return keys


def before_after(v: Mapping[str, Any] | None, lang: str = "zh") -> str:
    """``30.00% → 32.42%`` of one indicator of one township."""
    if not v:
        return ""
    ind = wording.IndicatorView.from_dict("", v)
    if ind.is_not_applicable:  # the reason once, not on both sides of the arrow
        return wording.not_applicable_text(ind, lang)
    return f"{wording.value_text(ind, lang, 'before')} → {wording.value_text(ind, lang, 'after')}"


def selected_text(selected: Mapping[str, Mapping[str, Any]], lang: str) -> str:
    """Counts and areas of the selected greening per kind, one line."""
    parts = []
    for kind in (*KIND_ORDER, "sketch"):  # sketch: a scenario's hand-drawn greening (#15)
        s = selected.get(kind)
        if not s or not s.get("count"):
            continue
        parts.append(f"{kind_label(kind, lang)} {s['count']} ({wording.format_value(s.get('area_m2'), 'm²', lang)})")
    return ("、" if lang == "zh" else ", ").join(parts) or ("未选择任何候选" if lang == "zh" else "no candidate selected")


def checks_text(checks: Mapping[str, Any], lang: str) -> str:
    """The legality checks of a scenario, one line (:func:`greenplan.analysis.wording.scenario_checks_text`)."""
    return wording.scenario_checks_text(checks, lang)
