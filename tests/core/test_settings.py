from __future__ import annotations

import datetime as dt

import pytest

from greenplan.core.errors import SettingError
from greenplan.core.settings import AnalysisSettings


def test_defaults_follow_indicators_md() -> None:
    s = AnalysisSettings()
    assert (s.ndvi_threshold, s.sliver_m2, s.quad_segs, s.scheme, s.code_system) == (0.3, 1.0, 16, "gbt50563", "sandiao")
    assert s.vegetation_classes == [] and s.landcover_product == "auto"
    assert (s.rooftop_max_slope_deg, s.rooftop_flat_share, s.rooftop_shrink_px) == (5.0, 0.7, 1.5)


def test_string_overrides_are_converted() -> None:
    s = AnalysisSettings().with_overrides(
        {"ndvi_threshold": "0.25", "as_of": "2026-06-30", "built_up_population": "350000",
         "pocket_parks": "true", "vegetation_classes": "10,20", "code_system": "yongdi2023", "quad_segs": "8"}
    )
    assert s.ndvi_threshold == 0.25 and s.as_of == dt.date(2026, 6, 30)
    assert s.built_up_population == 350000.0 and s.pocket_parks is True
    assert s.vegetation_classes == [10, 20] and s.code_system == "yongdi2023" and s.quad_segs == 8
    assert AnalysisSettings().with_overrides({"built_up_population": "none"}).built_up_population is None


@pytest.mark.parametrize(
    ("key", "value", "fragment"),
    [
        ("ndvi_treshold", "0.2", "Unknown setting"),
        ("ndvi_threshold", "abc", "a number"),
        ("as_of", "2026/06/30", "YYYY-MM-DD"),
        ("code_system", "sandiao2", "one of sandiao, yongdi2023"),
        ("quad_segs", "2.5", "an integer"),
        ("pocket_parks", "maybe", "true/false"),
    ],
)
def test_bad_values_name_the_key(key: str, value: str, fragment: str) -> None:
    with pytest.raises(SettingError) as info:
        AnalysisSettings().with_overrides({key: value})
    assert info.value.key == key
    assert fragment in info.value.message("en")
    assert key in info.value.message("zh")


def test_to_dict_stores_only_changes() -> None:
    assert AnalysisSettings().to_dict() == {}
    assert AnalysisSettings().with_overrides({"sliver_m2": 2}).to_dict() == {"sliver_m2": 2.0}
