"""One wording for the indicator results, on every surface.

The command line, the spreadsheets, the map panel and the desktop app all show an
``indicators.json`` (or ``scenario.json``) indicator object through this module: the typed
view :class:`IndicatorView`, the names of :func:`indicator_name` (one table,
``resources/standards/indicators.toml``) and one formatter per kind of value. It sits in
``analysis`` (beside :mod:`greenplan.analysis.result`, which writes the objects) so that
``render`` can use it as well as ``jobs``, ``app``, ``cli`` and ``gui``.

Rules, stated once
------------------
ratio
    A percentage with two decimals; Chinese writes the sign close (``24.06%``, as Excel's
    ``0.00%`` shows it), English with a space (``24.06 %``, ISO 80000-1).
area (m²)
    Below 1 公顷 (10,000 m²) in square metres with one decimal (``1,234.5 m²``); from
    1 公顷 up in 公顷 (English ``ha``) with two decimals (``7.32 公顷``). The spreadsheets
    keep the m² number in the cell (it equals ``indicators.json``) and show the same text
    through the cell's number format. 亩 (666.67 m²) only beside m² and ha where the desktop
    app's measuring tool shows an area (:func:`format_area_mu`).
per capita
    Two decimals and ``m²/人`` (English ``m²/person``).
count
    An integer with the indicator's count unit (``31 宗`` / ``31 parcels``).
grade, pass
    ``Ⅰ级`` / ``grade I``; ``达标`` / ``pass``, ``不达标`` / ``fail``; ``—`` where an
    indicator is neither graded nor checked.
not applicable
    A township without the area an indicator is measured on (no built-up area, no urban
    development boundary, no ecological red line: the object's ``not_applicable`` key) shows
    the reason instead of a value: ``不适用（本乡镇无建成区）`` / ``not applicable (no
    built-up area in this township)``; its evaluation is ``—``.
change
    A scenario's change (after − before) with its sign, ratios in percentage points:
    ``+0.22 个百分点`` / ``+0.22 pp``; others in the value's unit (``+1,500.0 m²``).
not graded
    A value measured on data with unknown codes is a bound: ``≥ 17.50%（含未识别地类）``
    and ``未评级`` / ``not graded``; a raster whose kind was not recognised gives
    ``未计算（栅格类型未识别）`` / ``not computed (raster kind unknown)``.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

#: beside a value measured on data with unknown codes (never graded)
UNKNOWN_MARK = {"zh": "（含未识别地类）", "en": " (incl. unknown codes)"}
UNGRADED_TEXT = {"zh": "未评级", "en": "not graded"}
NOT_COMPUTED_TEXT = {"zh": "未计算（栅格类型未识别）", "en": "not computed (raster kind unknown)"}
PASS_TEXT = {"zh": ("达标", "不达标"), "en": ("pass", "fail")}
NONE_TEXT = "—"
#: why a per-unit indicator does not apply (the object's ``not_applicable``,
#: ``greenplan.analysis.result.NA_*``); an unknown reason says only 不适用
NOT_APPLICABLE_TEXT = {
    "no_built_up": {"zh": "不适用（本乡镇无建成区）", "en": "not applicable (no built-up area in this township)"},
    "no_urban_boundary": {"zh": "不适用（本乡镇无城镇开发边界）",
                          "en": "not applicable (no urban development boundary in this township)"},
    "no_redline": {"zh": "不适用（本乡镇无生态保护红线）",
                   "en": "not applicable (no ecological red line in this township)"},
    "": {"zh": "不适用", "en": "not applicable"},
}
GRADE_SIGNS = {"I": "Ⅰ", "II": "Ⅱ", "III": "Ⅲ", "IV": "Ⅳ", "1": "Ⅰ", "2": "Ⅱ", "3": "Ⅲ", "4": "Ⅳ"}
BOUND_SIGNS = {"lower": "≥ ", "upper": "≤ "}
#: 1 公顷 in m²: areas from here up are written in 公顷
HECTARE_M2 = 10_000.0
#: 1 亩 in m²
MU_M2 = 10_000.0 / 15

_AREA_UNITS = ("m²", "m2", "m^2")
_PER_CAPITA_UNITS = ("m²/person", "m2/person")

#: status of an indicator, for colours: pass, fail, ungraded (unknown codes or raster kind), none
Status = str


def _lang(lang: str) -> str:
    return "zh" if lang == "zh" else "en"


# ----------------------------------------------------------------------------- names
@dataclass(frozen=True)
class IndicatorLabel:
    """Names of one indicator (``resources/standards/indicators.toml``)."""

    key: str
    zh: str
    en: str
    zh_short: str
    en_short: str
    count_zh: str = ""
    count_en: str = ""

    def name(self, lang: str = "zh", short: bool = False) -> str:
        if _lang(lang) == "zh":
            return self.zh_short if short else self.zh
        return self.en_short if short else self.en


@functools.cache
def indicator_labels() -> dict[str, IndicatorLabel]:
    """Every indicator's names, by ``indicators.json`` key."""
    from greenplan.core.resources import load_resource_toml

    raw = load_resource_toml("standards", "indicators.toml")
    out = {}
    for key, v in raw.items():
        if isinstance(v, Mapping):
            out[key] = IndicatorLabel(key, v["zh"], v["en"], v.get("zh_short", v["zh"]), v.get("en_short", v["en"]),
                                      v.get("count_zh", ""), v.get("count_en", ""))
    return out


def indicator_name(key: str, lang: str = "zh", short: bool = False) -> str:
    """The name of indicator ``key`` (the key itself for one the table does not know).

    Examples
    --------
    >>> indicator_name("farmland_greening_conflict"), indicator_name("green_space_ratio", "en")
    ('永久基本农田绿化冲突面积', 'Green space ratio')
    """
    lab = indicator_labels().get(key)
    return lab.name(lang, short) if lab else key


# ----------------------------------------------------------------------------- typed view
def _num(v: Any) -> float | int | None:
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        return None
    if isinstance(v, float) and not math.isfinite(v):
        return None
    return v


@dataclass(frozen=True)
class IndicatorView:
    """One indicator object of ``indicators.json`` or ``scenario.json``, typed.

    Built with :meth:`from_dict`; callers read attributes, not string keys. ``before``,
    ``after``, ``delta`` and their grades and results are set for a scenario comparison,
    ``baseline`` for a scenario map's 现状 column.
    """

    key: str
    value: float | int | None
    unit: str
    grade: str | None = None
    passed: bool | None = None
    threshold: Any = None
    #: ``unknown_codes`` (measured on unknown codes, a bound) or ``raster_kind`` (not measured)
    ungraded: str | None = None
    #: why the indicator does not apply in this unit (``no_built_up`` ...; see
    #: :data:`NOT_APPLICABLE_TEXT`), None where it applies
    not_applicable: str | None = None
    #: ``lower`` or ``upper``: which bound the value is when ``ungraded == "unknown_codes"``
    bound: str | None = None
    unknown_share: float | None = None
    numerator_m2: float | None = None
    denominator_m2: float | None = None
    method: str = ""
    notes: tuple[str, ...] = ()
    baseline: float | int | None = None
    before: float | int | None = None
    after: float | int | None = None
    delta: float | int | None = None
    grade_before: str | None = None
    grade_after: str | None = None
    pass_before: bool | None = None
    pass_after: bool | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def from_dict(cls, key: str, obj: Mapping[str, Any] | None) -> IndicatorView:
        """The view of ``obj`` (an indicator object; None or {} gives an empty one).

        Examples
        --------
        >>> v = IndicatorView.from_dict("green_space_ratio", {"value": 0.3, "unit": "ratio", "pass": True})
        >>> v.value, v.passed, v.is_bound
        (0.3, True, False)
        """
        obj = obj or {}
        known = {"value", "unit", "grade", "pass", "threshold", "ungraded", "not_applicable", "bound", "unknown_share", "numerator_m2",
                 "denominator_m2", "method", "notes", "baseline", "before", "after", "delta", "grade_before",
                 "grade_after", "pass_before", "pass_after"}

        def flag(k: str) -> bool | None:
            v = obj.get(k)
            return None if v is None else bool(v)

        return cls(
            key=key, value=_num(obj.get("value")), unit=str(obj.get("unit") or ""),
            grade=None if obj.get("grade") is None else str(obj["grade"]), passed=flag("pass"),
            threshold=obj.get("threshold"), ungraded=obj.get("ungraded") or None,
            not_applicable=None if obj.get("not_applicable") is None else str(obj["not_applicable"]),
            bound=obj.get("bound") or None,
            unknown_share=_num(obj.get("unknown_share")), numerator_m2=_num(obj.get("numerator_m2")),
            denominator_m2=_num(obj.get("denominator_m2")), method=str(obj.get("method") or ""),
            notes=tuple(str(n) for n in obj.get("notes") or ()), baseline=_num(obj.get("baseline")),
            before=_num(obj.get("before")), after=_num(obj.get("after")), delta=_num(obj.get("delta")),
            grade_before=obj.get("grade_before"), grade_after=obj.get("grade_after"),
            pass_before=flag("pass_before"), pass_after=flag("pass_after"),
            extra={k: v for k, v in obj.items() if k not in known},
        )

    @property
    def is_bound(self) -> bool:
        """Measured on data with unknown codes: the value is a bound and is not graded."""
        return self.ungraded == "unknown_codes"

    @property
    def not_computed(self) -> bool:
        """Left unmeasured because the vegetation raster's kind was not recognised."""
        return self.ungraded == "raster_kind"

    @property
    def is_not_applicable(self) -> bool:
        """The unit has no area to measure this indicator on (no built-up area ...)."""
        return self.not_applicable is not None

    def name(self, lang: str = "zh", short: bool = False) -> str:
        return indicator_name(self.key, lang, short)


def view(key: str, obj: Mapping[str, Any] | IndicatorView | None) -> IndicatorView:
    """``obj`` as an :class:`IndicatorView` (a view is returned as it is)."""
    return obj if isinstance(obj, IndicatorView) else IndicatorView.from_dict(key, obj)


# ----------------------------------------------------------------------------- values
def format_ratio(value: float, lang: str = "zh") -> str:
    """``24.06%`` (zh) or ``24.06 %`` (en)."""
    return f"{100.0 * float(value):.2f}" + ("%" if _lang(lang) == "zh" else " %")


def format_area(value_m2: float, lang: str = "zh") -> str:
    """m² below 1 公顷, 公顷 (ha) from 1 公顷 up.

    Examples
    --------
    >>> format_area(1234.54), format_area(73203.6), format_area(73203.6, "en"), format_area(0.0)
    ('1,234.5 m²', '7.32 公顷', '7.32 ha', '0.0 m²')
    """
    v = float(value_m2)
    if abs(v) >= HECTARE_M2:
        return f"{v / HECTARE_M2:,.2f}" + (" 公顷" if _lang(lang) == "zh" else " ha")
    return f"{v:,.1f} m²"


def format_area_mu(value_m2: float) -> str:
    """An area in m² with ha and 亩, for the desktop app's measuring tool.

    Examples
    --------
    >>> format_area_mu(20_000)
    '20,000.0 m² (2.00 ha, 30.00 亩)'
    """
    v = float(value_m2)
    return f"{v:,.1f} m² ({v / HECTARE_M2:.2f} ha, {v / MU_M2:.2f} 亩)"


def format_per_capita(value: float, lang: str = "zh") -> str:
    """``22.79 m²/人`` (zh) or ``22.79 m²/person`` (en)."""
    return f"{float(value):,.2f} " + ("m²/人" if _lang(lang) == "zh" else "m²/person")


def count_unit(key: str | None, lang: str = "zh") -> str:
    lab = indicator_labels().get(key or "")
    if lab is None:
        return ""
    return lab.count_zh if _lang(lang) == "zh" else lab.count_en


def format_count(value: float, key: str | None = None, lang: str = "zh") -> str:
    """``31 宗`` / ``31 parcels`` (the unit of indicator ``key``; none when it has none)."""
    unit = count_unit(key, lang)
    return f"{int(value):,}" + (f" {unit}" if unit else "")


def format_value(value: Any, unit: str | None, lang: str = "zh", key: str | None = None) -> str:
    """A value of unit ``unit`` (``ratio``, ``m²``, ``m²/person``, ``count``); ``—`` for none.

    Examples
    --------
    >>> format_value(0.24056, "ratio"), format_value(0.24056, "ratio", "en")
    ('24.06%', '24.06 %')
    >>> format_value(22.7912, "m²/person"), format_value(31, "count", key="idle_land"), format_value(None, "ratio")
    ('22.79 m²/人', '31 宗', '—')
    """
    v = _num(value)
    if v is None:
        return NONE_TEXT
    unit = str(unit or "")
    if unit == "ratio":
        return format_ratio(v, lang)
    if unit in _AREA_UNITS:
        return format_area(v, lang)
    if unit in _PER_CAPITA_UNITS:
        return format_per_capita(v, lang)
    if unit == "count":
        return format_count(v, key, lang)
    return f"{v:,.2f} {unit}".strip() if isinstance(v, float) else f"{v} {unit}".strip()


def mark_bound(text: str, ind: Mapping[str, Any] | IndicatorView | None, lang: str = "zh") -> str:
    """``text`` with the unknown-codes mark where the indicator was measured on unknown codes.

    Examples
    --------
    >>> mark_bound("17.50%", {"ungraded": "unknown_codes", "bound": "lower"})
    '≥ 17.50%（含未识别地类）'
    >>> mark_bound("17.50%", {"grade": "I"}), mark_bound("—", {"ungraded": "unknown_codes"}, "en")
    ('17.50%', '—')
    """
    if isinstance(ind, IndicatorView):
        bound, ungraded = ind.bound, ind.is_bound
    else:
        ungraded = isinstance(ind, Mapping) and ind.get("ungraded") == "unknown_codes"
        bound = ind.get("bound") if isinstance(ind, Mapping) else None
    if not ungraded or text in (NONE_TEXT, ""):
        return text
    return f"{BOUND_SIGNS.get(bound or '', '')}{text}{UNKNOWN_MARK[_lang(lang)]}"


def not_applicable_text(ind: IndicatorView, lang: str = "zh") -> str:
    """``不适用（本乡镇无建成区）`` for an indicator that does not apply in its unit; empty otherwise.

    Examples
    --------
    >>> v = IndicatorView.from_dict("green_space_ratio", {"value": None, "unit": "ratio",
    ...                             "not_applicable": "no_built_up"})
    >>> not_applicable_text(v), not_applicable_text(v, "en")
    ('不适用（本乡镇无建成区）', 'not applicable (no built-up area in this township)')
    """
    if not ind.is_not_applicable:
        return ""
    return NOT_APPLICABLE_TEXT.get(ind.not_applicable or "", NOT_APPLICABLE_TEXT[""])[_lang(lang)]


def value_text(ind: IndicatorView, lang: str = "zh", which: str = "value") -> str:
    """The shown value of ``ind`` (``which``: value, baseline, before or after), marked as a
    bound; the reason for an indicator that does not apply in its unit.

    Examples
    --------
    >>> v = IndicatorView.from_dict("green_space_ratio", {"value": 0.175, "unit": "ratio",
    ...                             "ungraded": "unknown_codes", "bound": "lower"})
    >>> value_text(v), value_text(v, "en")
    ('≥ 17.50%（含未识别地类）', '≥ 17.50 % (incl. unknown codes)')
    >>> value_text(IndicatorView.from_dict("green_space_ratio", {"unit": "ratio", "not_applicable": "no_built_up"}))
    '不适用（本乡镇无建成区）'
    """
    if ind.is_not_applicable:
        return not_applicable_text(ind, lang)
    return mark_bound(format_value(getattr(ind, which), ind.unit, lang, ind.key), ind, lang)


def format_delta(value: Any, unit: str | None, lang: str = "zh", key: str | None = None) -> str:
    """A change with its sign; ratios in percentage points.

    Examples
    --------
    >>> format_delta(0.0022, "ratio", "zh"), format_delta(0.0022, "ratio", "en")
    ('+0.22 个百分点', '+0.22 pp')
    >>> format_delta(-1500.0, "m²", "en"), format_delta(0.0, "ratio", "en"), format_delta(None, "ratio", "en")
    ('-1,500.0 m²', '0', '—')
    """
    v = _num(value)
    if v is None:
        return NONE_TEXT
    if v == 0:
        return "0"
    if unit == "ratio":
        return f"{100.0 * v:+.2f}" + (" 个百分点" if _lang(lang) == "zh" else " pp")
    return ("+" if v > 0 else "-") + format_value(abs(v), unit, lang, key)


def delta_text(ind: IndicatorView, lang: str = "zh") -> str:
    """The change column of a scenario comparison: ``delta`` by :func:`format_delta`; the
    reason for an indicator that does not apply in its unit.

    Examples
    --------
    >>> delta_text(IndicatorView.from_dict("green_space_ratio", {"unit": "ratio", "value": 0.35, "delta": 0.023}))
    '+2.30 个百分点'
    >>> delta_text(IndicatorView.from_dict("park_green_per_capita", {"unit": "m²/person", "delta": 1.5}), "en")
    '+1.50 m²/person'
    """
    if ind.is_not_applicable:
        return not_applicable_text(ind, lang)
    return format_delta(ind.delta, ind.unit, lang, ind.key)


# ----------------------------------------------------------------------------- grades
def grade_word(grade: Any, lang: str = "zh") -> str:
    """``Ⅰ级`` / ``grade I``; empty for no grade."""
    if grade is None or grade == "":
        return ""
    g = str(grade)
    sign = GRADE_SIGNS.get(g, g)
    if _lang(lang) == "zh":
        return f"{sign}级"
    return "grade " + {"1": "I", "2": "II", "3": "III", "4": "IV"}.get(g, g)


def pass_word(passed: bool | None, lang: str = "zh") -> str:
    """``达标``/``不达标``, ``pass``/``fail``; ``—`` when not checked."""
    if passed is None:
        return NONE_TEXT
    ok, bad = PASS_TEXT[_lang(lang)]
    return ok if passed else bad


def grade_text(ind: IndicatorView, lang: str = "zh") -> str:
    """The grade cell: the grade, ``未评级`` for a bound, empty otherwise."""
    if ind.is_not_applicable:
        return ""
    if ind.is_bound:
        return UNGRADED_TEXT[_lang(lang)]
    if ind.not_computed:
        return ""
    return grade_word(ind.grade, lang)


def result_text(ind: IndicatorView, lang: str = "zh") -> str:
    """The result cell: pass/fail, ``未评级`` for a bound, ``未计算（…）`` when not measured,
    ``—`` where the indicator does not apply (the value cell says why)."""
    if ind.is_not_applicable:
        return NONE_TEXT
    if ind.is_bound:
        return UNGRADED_TEXT[_lang(lang)]
    if ind.not_computed:
        return NOT_COMPUTED_TEXT[_lang(lang)]
    return pass_word(ind.passed, lang)


def evaluation(ind: IndicatorView, lang: str = "zh") -> str:
    """One evaluation word: the grade where one was reached, else the result.

    Examples
    --------
    >>> evaluation(IndicatorView.from_dict("green_space_ratio", {"unit": "ratio", "grade": "II", "pass": True}))
    'Ⅱ级'
    >>> evaluation(IndicatorView.from_dict("redline_overlaps", {"unit": "m²", "pass": False}), "en")
    'fail'
    """
    if ind.is_not_applicable:
        return NONE_TEXT
    if ind.grade and ind.passed is not False and not ind.ungraded:
        return grade_word(ind.grade, lang)
    return result_text(ind, lang)


def status(ind: IndicatorView, which: str = "") -> Status:
    """``pass``, ``fail``, ``ungraded`` or ``none`` (``which``: "", ``before`` or ``after``);
    ``none`` where the indicator does not apply."""
    if ind.is_not_applicable:
        return "none"
    if ind.ungraded:
        return "ungraded"
    passed = getattr(ind, f"pass_{which}") if which else ind.passed
    return "pass" if passed is True else "fail" if passed is False else "none"


def ungraded_reason(ind: IndicatorView, lang: str = "zh") -> str:
    """Why an indicator has no grade (or no value: it does not apply in its unit); empty
    when nothing is missing.

    Examples
    --------
    >>> ungraded_reason(IndicatorView.from_dict("k", {"ungraded": "unknown_codes", "bound": "lower"}))
    '含未识别地类，数值为下限'
    """
    zh = _lang(lang) == "zh"
    if ind.is_not_applicable:
        return not_applicable_text(ind, lang)
    if ind.is_bound:
        if zh:
            return "含未识别地类" + {"lower": "，数值为下限", "upper": "，数值为上限"}.get(ind.bound or "", "")
        return "incl. unknown codes" + {"lower": ", the value is a lower bound",
                                        "upper": ", the value is an upper bound"}.get(ind.bound or "", "")
    if ind.not_computed:
        return NOT_COMPUTED_TEXT["zh" if zh else "en"]
    return ""


def _short_number(value: Any, unit: str | None, lang: str) -> str:
    """A threshold without trailing zeros: ``40%``, ``9.5 m²/人``."""
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        return str(value)
    if unit == "ratio":
        return f"{100.0 * float(value):.1f}".rstrip("0").rstrip(".") + ("%" if _lang(lang) == "zh" else " %")
    text = f"{float(value):.2f}".rstrip("0").rstrip(".")
    if unit in _PER_CAPITA_UNITS:
        return text + (" m²/人" if _lang(lang) == "zh" else " m²/person")
    return text


def threshold_text(threshold: Any, unit: str | None, lang: str = "zh") -> str:
    """``Ⅰ ≥ 40%  Ⅱ ≥ 36%  Ⅲ ≥ 34%``, or ``= 0`` for must-be-zero checks; empty for none.

    Examples
    --------
    >>> threshold_text({"I": 0.4, "II": 0.36, "III": 0.345}, "ratio")
    'Ⅰ ≥ 40%  Ⅱ ≥ 36%  Ⅲ ≥ 34.5%'
    >>> threshold_text({"pass": 0}, "m²"), threshold_text(None, "ratio")
    ('= 0', '')
    """
    if not threshold:
        return ""
    if not isinstance(threshold, Mapping):
        return str(threshold)
    if set(threshold) == {"pass"}:
        return f"= {format_value(threshold['pass'], unit, lang)}" if threshold["pass"] else "= 0"
    parts = []
    for grade, value in threshold.items():
        g = GRADE_SIGNS.get(str(grade), str(grade))
        if isinstance(value, (Mapping, list, tuple)):
            parts.append(f"{g} {value}")
        else:
            parts.append(f"{g} ≥ {_short_number(value, unit, lang)}")
    return "  ".join(parts)


# ----------------------------------------------------------------------------- spreadsheets
def excel_number_format(ind: IndicatorView, which: str = "value") -> str:
    """The Excel number format that shows the cell's number as the Chinese text of this module.

    The cell keeps the number of ``indicators.json`` (m² for areas). An area from 1 公顷 up
    shows its m² and, after it, the 公顷 text (a number format cannot divide by 10,000).

    Examples
    --------
    >>> excel_number_format(IndicatorView.from_dict("k", {"value": 0.2, "unit": "ratio"}))
    '0.00%'
    >>> excel_number_format(IndicatorView.from_dict("redline_overlaps", {"value": 73203.6, "unit": "m²"}))
    '#,##0.0" m²（7.32 公顷）"'
    >>> excel_number_format(IndicatorView.from_dict("k", {"value": 0.2, "unit": "ratio",
    ...                     "ungraded": "unknown_codes", "bound": "lower"}))
    '"≥ "0.00%"（含未识别地类）"'
    """
    v = getattr(ind, which)
    fmt = _base_number_format(ind)
    if ind.unit in _AREA_UNITS and v is not None and abs(v) >= HECTARE_M2:
        fmt = f'#,##0.0" m²（{format_area(v, "zh")}）"'
    if not ind.is_bound:
        return fmt
    return f'"{BOUND_SIGNS.get(ind.bound or "", "")}"{fmt}"{UNKNOWN_MARK["zh"]}"'.replace('""', "")


def unit_label(unit: str | None, key: str | None = None, lang: str = "zh") -> str:
    """The unit a table's unit column or header shows: ``%``, ``m²``, ``m²/人``, ``宗``.

    Examples
    --------
    >>> unit_label("ratio"), unit_label("m²/person", lang="en"), unit_label("count", "idle_land")
    ('%', 'm²/person', '宗')
    """
    unit = str(unit or "")
    if unit == "ratio":
        return "%"
    if unit in _AREA_UNITS:
        return "m²"
    if unit in _PER_CAPITA_UNITS:
        return "m²/人" if _lang(lang) == "zh" else "m²/person"
    if unit == "count":
        return count_unit(key, lang)
    return unit


def scenario_checks_text(checks: Mapping[str, Any], lang: str = "zh") -> str:
    """The legality checks of a scenario (``scenario.json`` ``checks``), one line.

    Examples
    --------
    >>> scenario_checks_text({"farmland_occupied_m2": 0.0, "eco_redline_occupied_m2": 12500.0, "valid": False})
    '占用永久基本农田 0.0 m²，占用生态保护红线 1.25 公顷：不合规'
    """
    farm = format_value(checks.get("farmland_occupied_m2"), "m²", lang)
    red = format_value(checks.get("eco_redline_occupied_m2"), "m²", lang)
    if _lang(lang) == "zh":
        return f"占用永久基本农田 {farm}，占用生态保护红线 {red}：" + ("合规" if checks.get("valid") else "不合规")
    return f"permanent farmland occupied {farm}, ecological red line occupied {red}: " + (
        "valid" if checks.get("valid") else "NOT valid")


def signed_number_format(ind: IndicatorView) -> str:
    """The Excel number format of a change (``delta``): the value's format with its sign.

    Examples
    --------
    >>> signed_number_format(IndicatorView.from_dict("k", {"unit": "ratio"}))
    '+0.00%;-0.00%;0'
    """
    fmt = _base_number_format(ind)
    return f"+{fmt};-{fmt};0"


def _base_number_format(ind: IndicatorView) -> str:
    """The Excel number format of an indicator's unit (areas in m²)."""
    if ind.unit == "ratio":
        return "0.00%"
    if ind.unit in _AREA_UNITS:
        return '#,##0.0" m²"'
    if ind.unit in _PER_CAPITA_UNITS:
        return '#,##0.00" m²/人"'
    if ind.unit == "count":
        unit = count_unit(ind.key, "zh")
        return f'#,##0" {unit}"' if unit else "#,##0"
    return "#,##0.00"
