"""Grade selection, pass, bands and overrides of the threshold schemes (values from indicators.md)."""

from __future__ import annotations

import pytest

from greenplan.analysis.thresholds import band_index, load_rules, load_scheme, service_tiers
from greenplan.core.errors import SettingError


def test_gbt50563_grades():
    s = load_scheme("gbt50563")
    assert s.grade("green_coverage_vector", 0.40) == ("I", True, {"I": 0.40, "II": 0.36, "III": 0.34})
    assert s.grade("green_coverage_raster", 0.3999)[:2] == ("II", True)
    assert s.grade("green_space_ratio", 0.29)[:2] == ("III", True)
    assert s.grade("green_space_ratio", 0.2899)[:2] == (None, False)
    assert s.grade("park_service_coverage", 0.85)[:2] == ("II", True)
    # computed 0.4 may be 0.39999999999999997: still grade I
    assert s.grade("green_coverage_vector", 0.1 * 4 - 1e-16)[0] == "I"
    assert s.grade("urban_boundary_utilization", 0.5) == (None, None, None)  # not graded
    assert s.grade("green_space_ratio", None)[:2] == (None, None)


@pytest.mark.parametrize(
    ("per_capita_land", "value", "grade"),
    [
        (70.0, 9.5, "I"),  # < 80: 9.5 / 7.5 / 6.5
        (70.0, 6.4, None),
        (80.0, 9.9, "II"),  # 80–100 (80 included): 10 / 8 / 7
        (100.0, 7.0, "III"),  # 100 still in the middle band
        (100.5, 10.9, "II"),  # > 100: 11 / 9 / 7.5
    ],
)
def test_park_green_per_capita_bands(per_capita_land, value, grade):
    s = load_scheme("gbt50563")
    band = band_index(per_capita_land, s.band_edges("park_green_per_capita"))
    assert s.grade("park_green_per_capita", value, band)[0] == grade
    assert s.thresholds("park_green_per_capita") is None  # no band: cannot grade


def test_eco_garden_city():
    s = load_scheme("eco_garden_city")
    assert s.grade("green_coverage_vector", 0.43) == ("pass", True, {"pass": 0.43})
    assert s.grade("green_coverage_vector", 0.42)[:2] == (None, False)
    assert s.grade("park_green_per_capita", 14.8, None)[:2] == ("pass", True)  # not banded
    assert s.grade("green_space_ratio", 0.9) == (None, None, None)  # "—" in the table


def test_overrides_and_unknown_scheme():
    s = load_scheme("gbt50563", {"gbt50563": {"green_coverage": {"I": 0.45}}})
    assert s.thresholds("green_coverage_vector") == {"I": 0.45, "II": 0.36, "III": 0.34}
    with pytest.raises(SettingError) as e:
        load_scheme("garden2016")
    assert "gbt50563" in e.value.message("en")


def test_rules_and_tiers():
    r = load_rules()
    assert r["eg_cap_share"] == 0.2
    assert r["idle_partial_developed_below"] == 1 / 3
    assert service_tiers(r, pocket_parks=False) == [(5000.0, 500.0), (2000.0, 300.0)]
    r2 = load_rules({"service_radius": {"tiers": [{"min_area_m2": 1000.0, "radius_m": 300.0}]}})
    assert service_tiers(r2, pocket_parks=False) == [(1000.0, 300.0)]
