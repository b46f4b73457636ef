"""Land-use code matching (shared/indicators.md, "Code systems"): hand-picked codes, expected categories by rule."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pytest
import shapely

from greenplan.analysis.codes import load_code_table, normalize_code
from greenplan.analysis.indicators import compute_indicators
from greenplan.core.errors import SettingError
from greenplan.core.settings import AnalysisSettings

X0, Y0 = 520_000.0, 3_330_000.0


def sq(x, y, w, h=None):
    h = w if h is None else h
    return shapely.box(X0 + x, Y0 + y, X0 + x + w, Y0 + y + h)


@pytest.fixture(scope="module")
def sandiao():
    return load_code_table("sandiao")


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("0301K", ("vegetation",)),  # suffix letter stripped: 0301 is in 03xx
        ("0701K", ("construction", "residential")),  # stripped to 0701
        ("070101", ("construction", "residential")),  # 07xx, and 0701 covers its 6-digit sub-codes
        ("081001", ("vegetation", "park_green", "green_space")),  # 0810 covers it; construction's except 0810 covers it too
        ("0810", ("vegetation", "park_green", "green_space")),
        ("0810A", ("green_space",)),  # listed suffixed code: not stripped, not 0810
        ("0810B", ("vegetation", "park_green", "green_space")),  # unlisted suffix: stripped to 0810
        ("05H1", ("construction",)),  # 05xx covers the survey's H codes
        ("08H2", ("construction",)),
        ("09", ("construction",)),  # bare 2-digit code matches 09xx
        ("1109", ("construction",)),  # water is 11xx except 1109
        ("1101", ("water",)),
        ("1006", ("other",)),
        ("0101", ("farmland",)),
        ("1401", ("vegetation", "park_green", "green_space")),
        ("1403", ("green_space",)),
        ("9999", ()),
        ("", ()),
        ("ABC", ()),
        ("0311", ("vegetation",)),  # any code starting 03
    ],
)
def test_sandiao_categories(sandiao, code, expected):
    assert sandiao.categories_of(code) == expected


def test_yongdi2023_categories():
    t = load_code_table("yongdi2023")
    assert t.categories_of("0504") == ("other",)
    assert t.categories_of("0501") == ("vegetation",)
    assert t.categories_of("16") == ("construction",)  # 留白用地 has no sub-codes: bare 16 matches 16xx
    assert t.categories_of("1701") == ("water",)
    assert t.categories_of("0703") == ("construction", "residential")
    assert t.categories_of("0702") == ("construction",)
    assert t.categories_of("1402") == ("vegetation", "green_space")
    assert t.categories_of("1801") == ()  # sea use: not in the table


def test_classify_maps_back_to_rows_and_pads_numbers(sandiao):
    c = sandiao.classify(pd.Series([101, 701, 301, 1101]))  # DBF numbers that lost the leading zero
    assert c.codes.tolist() == ["0101", "0701", "0301", "1101"]
    assert c.padded
    assert c.has("farmland").tolist() == [True, False, False, False]
    assert c.has("residential").tolist() == [False, True, False, False]
    assert c.unknown.tolist() == [False, False, False, False]
    text = sandiao.classify(pd.Series(["0301k ", None, "9999"]))
    assert text.codes.tolist() == ["0301K", "", "9999"]
    assert text.has("vegetation").tolist() == [True, False, False]
    assert text.unknown.tolist() == [False, True, True]
    assert not text.padded


def test_bucket_precedence(sandiao):
    c = sandiao.classify(pd.Series(["0810", "0701", "1101", "1006", "0810A", "9999", "0101"]))
    # 0810 is vegetation and green space: first bucket wins; 0810A is known but none of the three
    assert c.bucket().tolist() == ["vegetation", "construction", "water", "other", "other", "unknown", "other"]


def test_normalize_code():
    assert normalize_code(" 0301k ") == "0301K"
    assert normalize_code(70101, numeric=True) == "070101"
    assert normalize_code(9.0, numeric=True) == "09"
    assert normalize_code(float("nan")) == ""


def test_override_replaces_one_category():
    t = load_code_table("sandiao", {"sandiao": {"park_green": ["0810"], "water": {"codes": ["11xx"], "except": ["1109", "1107"]}}})
    assert t.categories_of("1401") == ("vegetation", "green_space")  # no longer park green
    assert t.categories_of("1107") == ()
    assert t.categories_of("1101") == ("water",)


def test_bad_system_and_category_raise_setting_error():
    with pytest.raises(SettingError) as e:
        load_code_table("gb2007")
    assert "gb2007" in e.value.message("zh") and "sandiao" in e.value.message("en")
    with pytest.raises(SettingError):
        load_code_table("sandiao", {"sandiao": {"parks": ["0810"]}})


def test_unknown_codes_reported_once_per_code_with_union_area():
    # two parcels with code 9999 overlapping by 10 × 10 m: union 100 + 100 − ... see below
    lu = gpd.GeoDataFrame(
        {"DLBM": ["9999", "9999", "XX01", "0701"]},
        geometry=[sq(0, 0, 20, 10), sq(10, 0, 20, 10), sq(100, 0, 5), sq(200, 0, 10)],
        crs="EPSG:4544",
    )
    r = compute_indicators({"land_use": lu}, None, AnalysisSettings())
    rep = {d["code"]: d for d in r.unknown_codes}
    # 9999: 20×10 and 20×10 overlapping in 10×10 → 200 + 200 − 100 = 300 m², 2 parcels
    assert rep["9999"]["parcels"] == 2
    assert rep["9999"]["area_m2"] == pytest.approx(300.0, abs=1e-6)
    assert rep["XX01"]["parcels"] == 1
    assert rep["XX01"]["area_m2"] == pytest.approx(25.0, abs=1e-6)
    assert "0701" not in rep
    assert sum("9999" in n for n in r.notes) == 1
    table = r.features["unknown_codes"].set_index("code")
    assert table.loc["9999", "parcels"] == 2 and table.loc["XX01", "area_m2"] == pytest.approx(25.0)


def test_numeric_second_survey_codes_are_unknown_not_read_as_third_survey() -> None:
    """A DBF number column of 二调 codes (011 → 11, 101 → 101) must not pass as 三调 water or paddy."""
    import pandas as pd

    from greenplan.analysis.codes import load_code_table

    t = load_code_table("sandiao")
    erdiao = t.classify(pd.Series([11, 31, 87, 101, 122], dtype="int64"))
    assert erdiao.unknown.all() and list(erdiao.codes) == ["011", "031", "087", "101", "122"]
    # a 三调 number column keeps its padding: 101 → 0101 paddy, 9 → 09 special land
    sandiao = t.classify(pd.Series([101, 301, 701, 9], dtype="int64"))
    assert not sandiao.unknown.any() and list(sandiao.codes) == ["0101", "0301", "0701", "09"]
