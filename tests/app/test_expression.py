"""Select by expression: the grammar, SQL NULL logic, typed errors with positions, and
that nothing in an expression reaches Python evaluation.

Expected selections are worked out by hand from the six rows below.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import shapely

from greenplan.app.expression import FUNCTIONS, ExpressionError, parse, select_ids
from greenplan.core.errors import GreenplanError


@pytest.fixture
def parcels() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {
            "DLBM": ["0101", "0103", "0301", "0702", None, "1001"],
            "地类名称": ["水田", "旱地", "乔木林地", "农村宅基地", None, "铁路用地"],
            "TBMJ": [1200.0, 80.0, 5000.0, np.nan, 300.0, 40.0],
            "n": [1, 2, 3, 4, 5, 6],
        },
        geometry=[shapely.box(0, 0, 10, 10), shapely.box(0, 0, 20, 20), shapely.box(0, 0, 1, 1),
                  shapely.box(0, 0, 30, 10), shapely.box(0, 0, 5, 5), shapely.LineString([(0, 0), (3, 4)])],
        crs="EPSG:4544",
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("DLBM = '0101'", [0]),
        ("DLBM LIKE '01%'", [0, 1]),
        ("DLBM NOT LIKE '01%'", [2, 3, 5]),  # NULL is neither like nor not like
        ("dlbm ilike '07%'", [3]),  # field names fold case (shapefile fields), ILIKE ignores case
        ("DLBM LIKE '010_'", [0, 1]),
        ("地类名称 LIKE '%用地'", [5]),
        ("地类名称 LIKE '%地'", [1, 2, 3, 5]),
        ("DLBM LIKE '0101'", [0]),
        ("DLBM LIKE '%'", [0, 1, 2, 3, 5]),
        ("地类名称 = '旱地' OR 地类名称 LIKE '%林%'", [1, 2]),
        ("\"地类名称\" IN ('水田', '铁路用地')", [0, 5]),
        ("DLBM NOT IN ('0101', '0103')", [2, 3, 5]),
        ("TBMJ > 100 AND TBMJ <= 1200", [0, 4]),
        ("TBMJ BETWEEN 80 AND 300", [1, 4]),
        ("NOT TBMJ > 100", [1, 5]),  # NOT NULL is NULL: row 3 is not selected
        ("TBMJ IS NULL", [3]),
        ("TBMJ IS NOT NULL AND DLBM IS NULL", [4]),
        ("TBMJ > 100 OR DLBM = '0702'", [0, 2, 3, 4]),  # NULL OR TRUE is TRUE
        ("TBMJ > 100 AND NULL", []),
        ("TBMJ / 0 > 1 OR n = 2", [1]),  # division by zero is NULL
        ("(TBMJ + 20) * 2 = 200", [1]),
        ("-TBMJ < -1000", [0, 2]),
        ("n % 2 = 0 AND n <> 4", [1, 5]),
        ("DLBM = 101", [0]),  # a text field compared with a number is read as a number
        ("upper(lower(DLBM)) = '0301' AND length(地类名称) = 4", [2]),
        ("substr(DLBM, 1, 2) = '07'", [3]),
        ("starts_with(DLBM, '10')", [5]),
        ("coalesce(TBMJ, 0) = 0", [3]),
        ("round(TBMJ / 7) = 11 OR abs(n - 10) = 4", [1, 5]),
        ("trim(' ' || DLBM || ' ') = '0103'", [1]),
        ("to_real(DLBM) > 700", [3, 5]),
        ("$area = 100", [0]),
        ("area($geometry) >= 300 AND length($geometry) > 0", [1, 3]),
        ("$length = 5", [5]),
        ("TRUE", [0, 1, 2, 3, 4, 5]),
        ("FALSE OR n == 3", [2]),
        ("地类名称 = 'it''s'", []),
    ],
)
def test_selects_the_rows_worked_out_by_hand(parcels, text, expected):
    assert select_ids(parcels, text).tolist() == expected


def test_keywords_and_functions_are_case_insensitive(parcels):
    assert select_ids(parcels, "dlbm like '01%' and NOT Upper(DLBM) = '0103'").tolist() == [0]


@pytest.mark.parametrize(
    ("text", "position"),
    [
        ("__import__('os')", 1),
        ("DLBM.upper() = '0101'", 5),
        ("n.__class__", 2),
        ("DLBM = '0101' AND x__ = 1 AND __dict__ = 1", 31),
        ("eval('1') = 1", 1),
        ("exec('import os')", 1),
        ("open('/etc/passwd')", 1),
        ("n[0] = 1", 2),
        ("lambda: 1", 7),
        ("n = 1; n = 2", 6),
        ("@n", 1),
    ],
)
def test_code_is_never_executed(parcels, text, position):
    with pytest.raises(ExpressionError) as info:
        select_ids(parcels, text)
    assert info.value.position == position


def test_a_call_with_side_effects_does_not_run(parcels, tmp_path):
    target = tmp_path / "written.txt"
    for text in (f"open('{target}', 'w')", f"__import__('pathlib').Path('{target}').touch()"):
        with pytest.raises(ExpressionError):
            select_ids(parcels, text)
    assert not target.exists()


@pytest.mark.parametrize(
    ("text", "position", "zh_part"),
    [
        ("DLBM = '0101", 8, "引号"),
        ("DLBMX = '0101'", 1, "没有名为 'DLBMX' 的字段"),
        ("TBMJ > 1 AND", 13, "不完整"),
        ("(TBMJ > 1", 10, "')'"),
        ("TBMJ > 1 TBMJ", 10, "多余"),
        ("TBMJ + 1", 6, "条件"),
        ("DLBM LIKE 01", 11, "LIKE"),
        ("DLBM IN (n)", 10, "IN"),
        ("foo(DLBM) = 1", 1, "未知函数"),
        ("substr(DLBM) = 1", 1, "参数"),
        ("$volume > 1", 1, "未知变量"),
        ("upper($geometry) = 'x'", 1, "$geometry"),
        ("", 0, "为空"),
    ],
)
def test_errors_are_typed_bilingual_and_name_the_position(parcels, text, position, zh_part):
    with pytest.raises(ExpressionError) as info:
        select_ids(parcels, text)
    err = info.value
    assert isinstance(err, GreenplanError)
    assert err.position == position
    zh, en = err.message("zh"), err.message("en")
    assert zh_part in zh
    if position:
        assert f"第 {position} 个字符" in zh and f"character {position}" in en


def test_unknown_field_suggests_the_close_one(parcels):
    with pytest.raises(ExpressionError) as info:
        select_ids(parcels, "TBJM > 1")
    assert info.value.field == "TBJM"
    assert "TBMJ" in info.value.message("zh")


def test_whitelist_is_closed():
    assert set(FUNCTIONS) == {"upper", "lower", "trim", "length", "substr", "starts_with", "abs", "round",
                              "coalesce", "to_real", "area"}
    assert parse("n IN (1, -2, 'a')").value == (1.0, -2.0, "a")


def test_whole_column_on_many_rows():
    n = 20_000
    frame = gpd.GeoDataFrame({"DLBM": np.where(np.arange(n) % 3 == 0, "0101", "0301"), "v": np.arange(n, dtype=float)},
                             geometry=shapely.points(np.arange(n), np.zeros(n)))
    ids = select_ids(frame, "DLBM LIKE '01%' AND v >= 100")
    expected = np.flatnonzero((np.arange(n) % 3 == 0) & (np.arange(n) >= 100))
    np.testing.assert_array_equal(ids, expected)
