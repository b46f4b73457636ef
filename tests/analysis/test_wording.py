"""The one wording of the indicator results (greenplan.analysis.wording).

Expected texts are written out by hand from the rules in the module docstring.
"""

from __future__ import annotations

import pytest

from greenplan.analysis.result import KEYS
from greenplan.analysis.wording import (
    IndicatorView,
    evaluation,
    excel_number_format,
    format_area,
    format_delta,
    format_value,
    grade_text,
    indicator_labels,
    indicator_name,
    result_text,
    status,
    threshold_text,
    ungraded_reason,
    value_text,
)


def test_every_indicator_key_has_one_name_in_both_languages() -> None:
    labels = indicator_labels()
    assert set(KEYS) <= set(labels)
    for key in KEYS:
        lab = labels[key]
        assert all("\u4e00" <= ch <= "\u9fff" for ch in lab.zh[:2]) and lab.en.isascii()
        assert lab.zh_short and lab.en_short and len(lab.zh_short) <= len(lab.zh)
    # the map used to say 绿化占用永久基本农田面积: one name now
    assert indicator_name("farmland_greening_conflict") == "永久基本农田绿化冲突面积"
    assert indicator_name("no_such_key", "en") == "no_such_key"


@pytest.mark.parametrize(("value", "unit", "lang", "text"), [
    (0.24056, "ratio", "zh", "24.06%"),
    (0.24056, "ratio", "en", "24.06 %"),
    (0.0, "ratio", "zh", "0.00%"),
    (9_999.94, "m²", "zh", "9,999.9 m²"),   # below 1 公顷: m², one decimal
    (10_000.0, "m²", "zh", "1.00 公顷"),     # from 1 公顷 up
    (166_623.556, "m²", "en", "16.66 ha"),
    (0.0, "m²", "en", "0.0 m²"),
    (22.7912, "m²/person", "zh", "22.79 m²/人"),
    (22.7912, "m²/person", "en", "22.79 m²/person"),
    (None, "ratio", "zh", "—"),
    (float("nan"), "m²", "zh", "—"),
])
def test_one_formatter_per_kind(value, unit, lang, text) -> None:
    assert format_value(value, unit, lang) == text


def test_count_takes_the_unit_of_its_indicator() -> None:
    assert format_value(31, "count", "zh", "idle_land") == "31 宗"
    assert format_value(1234, "count", "en", "idle_land") == "1,234 parcels"
    assert format_value(3, "count", "zh", "unknown_count") == "3"


def test_area_rule_and_delta() -> None:
    assert format_area(-12_500.0) == "-1.25 公顷"
    assert format_delta(0.0022, "ratio", "zh") == "+0.22 个百分点"
    assert format_delta(-25_000.0, "m²", "zh") == "-2.50 公顷"
    assert format_delta(2, "count", "zh", "idle_land") == "+2 宗"


def test_grades_results_and_the_unknown_codes_bound() -> None:
    graded = IndicatorView.from_dict("green_space_ratio", {"value": 0.32, "unit": "ratio", "grade": "II", "pass": True})
    assert (grade_text(graded), result_text(graded), evaluation(graded)) == ("Ⅱ级", "达标", "Ⅱ级")
    assert (grade_text(graded, "en"), result_text(graded, "en")) == ("grade II", "pass")
    failed = IndicatorView.from_dict("redline_overlaps", {"value": 5.0, "unit": "m²", "pass": False,
                                                          "threshold": {"pass": 0}})
    assert (evaluation(failed), evaluation(failed, "en"), status(failed)) == ("不达标", "fail", "fail")
    assert threshold_text(failed.threshold, failed.unit) == "= 0"
    bound = IndicatorView.from_dict("green_coverage_vector", {
        "value": 0.175, "unit": "ratio", "grade": None, "pass": None, "ungraded": "unknown_codes",
        "bound": "upper", "unknown_share": 0.2})
    assert value_text(bound) == "≤ 17.50%（含未识别地类）"
    assert value_text(bound, "en") == "≤ 17.50 % (incl. unknown codes)"
    assert (grade_text(bound), result_text(bound), status(bound)) == ("未评级", "未评级", "ungraded")
    assert ungraded_reason(bound) == "含未识别地类，数值为上限"
    raster = IndicatorView.from_dict("green_coverage_raster", {"value": None, "unit": "ratio",
                                                               "ungraded": "raster_kind"})
    assert (value_text(raster), evaluation(raster), evaluation(raster, "en")) == (
        "—", "未计算（栅格类型未识别）", "not computed (raster kind unknown)")
    na = IndicatorView.from_dict("urban_boundary_utilization", {"value": 0.67, "unit": "ratio", "pass": None})
    assert (evaluation(na), status(na), threshold_text(None, "ratio")) == ("—", "none", "")


def test_threshold_text() -> None:
    assert threshold_text({"I": 0.4, "II": 0.36, "III": 0.34}, "ratio") == "Ⅰ ≥ 40%  Ⅱ ≥ 36%  Ⅲ ≥ 34%"
    assert threshold_text({"I": 0.4, "II": 0.36}, "ratio", "en") == "Ⅰ ≥ 40 %  Ⅱ ≥ 36 %"
    assert threshold_text({"I": 10.0, "II": 8.0, "III": 7.5}, "m²/person") == "Ⅰ ≥ 10 m²/人  Ⅱ ≥ 8 m²/人  Ⅲ ≥ 7.5 m²/人"


def test_excel_formats_keep_the_number_and_show_the_text() -> None:
    v = IndicatorView.from_dict("farmland_greening_conflict", {"value": 73_203.6, "unit": "m²"})
    assert excel_number_format(v) == '#,##0.0" m²（7.32 公顷）"'
    small = IndicatorView.from_dict("farmland_greening_conflict", {"value": 12.0, "unit": "m²"})
    assert excel_number_format(small) == '#,##0.0" m²"'
    assert excel_number_format(IndicatorView.from_dict("idle_land", {"value": 3, "unit": "count"})) == '#,##0" 宗"'
