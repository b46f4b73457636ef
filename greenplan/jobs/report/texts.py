"""Sentences of the report, written from the result objects through the shared formatter.

Every number in these sentences is an indicator object's own value, threshold or extra
key, written by :mod:`greenplan.analysis.wording`; the one number derived here is the gap to
the next grade (threshold minus value), written by :func:`~greenplan.analysis.wording.format_delta`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from greenplan.analysis.wording import (
    IndicatorView,
    format_delta,
    format_value,
    grade_word,
    ungraded_reason,
    value_text,
)


def tr(lang: str, zh: str, en: str) -> str:
    """``zh`` in a Chinese report, ``en`` in an English one."""
    return zh if lang == "zh" else en


def format_date(value: Any, lang: str = "zh") -> str:
    """``2026年6月30日`` / ``2026-06-30`` (a date, or its ISO text; other text as it is).

    Examples
    --------
    >>> format_date("2026-06-30"), format_date(dt.date(2026, 6, 30), "en")
    ('2026年6月30日', '2026-06-30')
    """
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value[:10])
        except ValueError:
            return value
    if isinstance(value, dt.datetime):
        value = value.date()
    if not isinstance(value, dt.date):
        return "" if value is None else str(value)
    return f"{value.year}年{value.month}月{value.day}日" if lang == "zh" else value.isoformat()


def format_coordinate(value: Any) -> str:
    """A coordinate of the working CRS in metres, as the register's spreadsheet shows it (``0.000``).

    Examples
    --------
    >>> format_coordinate(518044.2413)
    '518044.241'
    """
    return "—" if value is None else f"{float(value):.3f}"


def _cjk_share(text: str) -> float:
    return sum("\u4e00" <= ch <= "\u9fff" for ch in text) / max(len(text), 1)


def note_in(text: str, lang: str) -> str:
    """The half of a bilingual ``中文 / English`` note (either order) in the report's language.

    Examples
    --------
    >>> note_in("绿地: 10 invalid geometries repaired / 绿地：已修复 10 个无效几何", "zh")
    '绿地：已修复 10 个无效几何'
    >>> note_in("该行政区内无建成区 / no built-up area in this unit", "en"), note_in("plain", "zh")
    ('no built-up area in this unit', 'plain')
    """
    parts = str(text).split(" / ")
    if len(parts) != 2:
        return str(text)
    zh_first = _cjk_share(parts[0]) >= _cjk_share(parts[1])
    return parts[0 if zh_first == (lang == "zh") else 1]


def zh_note(text: str) -> str:
    """The Chinese half of a bilingual note."""
    return note_in(text, "zh")


def _grades(threshold: Any) -> list[tuple[str, float]]:
    """The numeric grade thresholds, best first (none for must-be-zero checks or banded tables)."""
    if not isinstance(threshold, Mapping) or set(threshold) == {"pass"}:
        return []
    return [(str(g), float(v)) for g, v in threshold.items() if isinstance(v, (int, float)) and not isinstance(v, bool)]


def _gap(a: float, b: float, ind: IndicatorView, lang: str) -> str:
    return format_delta(a - b, ind.unit, lang, ind.key).lstrip("+")


def explain(ind: IndicatorView, lang: str = "zh") -> str:
    """One sentence on an indicator: its value, the grade reached and the gap to the next.

    Examples
    --------
    >>> v = IndicatorView.from_dict("green_coverage_vector", {"value": 0.343, "unit": "ratio", "grade": "III",
    ...     "pass": True, "threshold": {"I": 0.4, "II": 0.36, "III": 0.34}})
    >>> explain(v)
    '建成区绿化覆盖率（矢量法）为 34.30%，达到Ⅲ级标准，距Ⅱ级（36.00%）差 1.70 个百分点。'
    >>> explain(IndicatorView.from_dict("redline_overlaps", {"value": 0.0, "unit": "m²", "pass": True,
    ...     "threshold": {"pass": 0}}), "en")
    'Control-line mutual overlaps: 0.0 m², as required (must be 0).'
    """
    name = ind.name(lang)
    if ind.value is None:
        why = note_in(ind.notes[0], lang) if ind.notes else ""
        return tr(lang, f"{name}未计算" + (f"（{why}）" if why else "") + "。",
                  f"{name}: not computed" + (f" ({why})" if why else "") + ".")
    val = value_text(ind, lang)
    if ind.ungraded:
        return tr(lang, f"{name}为 {val}，{ungraded_reason(ind, lang)}，未评级。",
                  f"{name}: {val}; {ungraded_reason(ind, lang)}, not graded.")
    thr = ind.threshold
    if isinstance(thr, Mapping) and set(thr) == {"pass"} and ind.key == "eco_redline_occupation":
        # the rule is on the violating part (occupation without an approved activity), not the share
        if ind.passed:
            return tr(lang, f"{name}为 {val}，无违规占用，符合要求。", f"{name}: {val}, no violation.")
        return tr(lang, f"{name}为 {val}，存在违规占用（应为 0），需整改。",
                  f"{name}: {val}, with occupation in violation (must be 0) to correct.")
    if isinstance(thr, Mapping) and set(thr) == {"pass"}:
        if ind.passed:
            return tr(lang, f"{name}为 {val}，符合“应为 0”的要求。", f"{name}: {val}, as required (must be 0).")
        return tr(lang, f"{name}为 {val}，不符合“应为 0”的要求，需整改。", f"{name}: {val}; it must be 0 and needs correcting.")
    grades = _grades(thr)
    if grades and ind.grade:
        names = [g for g, _ in grades]
        i = names.index(ind.grade) if ind.grade in names else -1
        reached = tr(lang, f"{name}为 {val}，达到{grade_word(ind.grade, lang)}标准", f"{name}: {val}, {grade_word(ind.grade, lang)}")
        if i > 0:
            g, v = grades[i - 1]
            gap = _gap(v, float(ind.value), ind, lang)
            return reached + tr(lang, f"，距{grade_word(g, lang)}（{format_value(v, ind.unit, lang, ind.key)}）差 {gap}。",
                                f"; {gap} short of {grade_word(g, lang)} ({format_value(v, ind.unit, lang, ind.key)}).")
        return reached + tr(lang, "（最高等级）。", " (the best grade).")
    if grades:
        g, v = grades[-1]
        gap = _gap(v, float(ind.value), ind, lang)
        return tr(lang, f"{name}为 {val}，未达到{grade_word(g, lang)}标准（{format_value(v, ind.unit, lang, ind.key)}），差 {gap}。",
                  f"{name}: {val}, below {grade_word(g, lang)} ({format_value(v, ind.unit, lang, ind.key)}) by {gap}.")
    return tr(lang, f"{name}为 {val}（不评级）。", f"{name}: {val} (not graded).")


def redline_detail(ind: IndicatorView, lang: str = "zh") -> str:
    """Occupied, approved and violating areas of ``eco_redline_occupation`` (its extra keys)."""
    x = ind.extra
    if ind.value is None or x.get("occupied_m2") is None:
        return ""
    occ = format_value(x.get("occupied_m2"), "m²", lang)
    ok = format_value(x.get("approved_m2"), "m²", lang)
    bad = format_value(x.get("violation_m2"), "m²", lang)
    return tr(lang, f"生态保护红线内被占用 {occ}，其中已列明准入活动类型 {ok}，违规占用 {bad}。",
              f"{occ} of the red line is occupied: {ok} by approved activities, {bad} in violation.")
