"""One indicators document, four surfaces, the same words (issue 12).

The document is rendered through the command-line table (``cli.analyze.format_summary``),
the workbook (``indicators.xlsx``, read back with openpyxl), the map panel (the indicator
table drawn by ``render.panels``) and the desktop model (``app.indicator_view.indicator_rows``,
Qt-free). Each must show the same name and the same value text for every indicator. The
expected texts are written out by hand from the rules of ``greenplan/analysis/wording.py``.
"""

from __future__ import annotations

import re

import pytest

#: key -> (object, Chinese name, value text, evaluation text)
CASES = {
    "green_space_ratio": (
        {"value": 0.24056, "unit": "ratio", "threshold": {"I": 0.35, "II": 0.31, "III": 0.29}, "grade": None,
         "pass": False, "notes": []},
        "建成区绿地率", "24.06%", "不达标"),
    "green_coverage_vector": (
        {"value": 0.3426, "unit": "ratio", "threshold": {"I": 0.4, "II": 0.36, "III": 0.34}, "grade": "III",
         "pass": True, "notes": []},
        "建成区绿化覆盖率（矢量法）", "34.26%", "Ⅲ级"),
    "park_service_coverage": (  # measured on unknown codes: a lower bound, not graded
        {"value": 0.175, "unit": "ratio", "threshold": {"I": 0.9}, "grade": None, "pass": None,
         "ungraded": "unknown_codes", "bound": "lower", "unknown_share": 0.12, "notes": []},
        "公园绿地服务半径覆盖率", "≥ 17.50%（含未识别地类）", "未评级"),
    "park_green_per_capita": (  # no population layer: no value
        {"value": None, "unit": "m²/person", "threshold": {"I": 10.0}, "grade": None, "pass": None,
         "notes": ["缺少人口数据 / no population"]},
        "人均公园绿地面积", "—", "—"),
    "farmland_greening_conflict": (  # 73,203.6 m² = 7.32 公顷
        {"value": 73_203.6, "unit": "m²", "threshold": {"pass": 0}, "grade": None, "pass": False, "notes": []},
        "永久基本农田绿化冲突面积", "7.32 公顷", "不达标"),
    "farmland_nonfarm_use": (
        {"value": 1234.54, "unit": "m²", "threshold": {"pass": 0}, "grade": None, "pass": False, "notes": []},
        "永久基本农田非农化面积", "1,234.5 m²", "不达标"),
    "idle_land": (
        {"value": 31, "unit": "count", "threshold": None, "grade": None, "pass": None, "notes": []},
        "闲置土地", "31 宗", "—"),
    "forest_coverage": (  # informational: an estimate from land-use codes, never graded
        {"value": 0.17384, "unit": "ratio", "threshold": None, "grade": None, "pass": None, "unknown_share": 0.0,
         "notes": ["按地类估算（不含国家特别规定灌木林地与四旁树） / estimate from land-use codes"]},
        "森林覆盖率（按地类估算）", "17.38%", "—"),
    "forest_grass_coverage": (
        {"value": 0.28652, "unit": "ratio", "threshold": None, "grade": None, "pass": None, "unknown_share": 0.0,
         "notes": ["按地类估算（不含国家特别规定灌木林地与四旁树） / estimate from land-use codes"]},
        "林草覆盖率（按地类估算）", "28.65%", "—"),
}

DOC = {
    "schema": "greenplan.indicators/1", "project": "测试县", "crs": "EPSG:4545", "as_of": "2024-12-31",
    "scheme": "national", "notes": [], "by_unit": [],
    "indicators": {k: obj for k, (obj, *_rest) in CASES.items()},
}


def excel_text(value, fmt: str) -> str:
    """What Excel shows for ``value`` under the number formats the workbook uses: quoted
    literals around one numeric code (``0.00%``, ``#,##0.0``, ``#,##0``)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    out = []
    for literal, code in re.findall(r'"([^"]*)"|([#0,.%]+)', fmt):
        if literal:
            out.append(literal)
            continue
        v = float(value) * (100 if "%" in code else 1)
        decimals = len(code.split(".")[1].rstrip("%")) if "." in code else 0
        out.append(f"{v:{',' if ',' in code else ''}.{decimals}f}" + ("%" if "%" in code else ""))
    return "".join(out)


@pytest.fixture(scope="module")
def surfaces(tmp_path_factory):
    """{surface: [text of each row]} for the four surfaces."""
    from matplotlib.figure import Figure
    from matplotlib.text import Text
    from openpyxl import load_workbook

    from greenplan.app.indicator_view import indicator_rows
    from greenplan.cli.analyze import format_summary
    from greenplan.jobs.indicator_tables import write_indicators_xlsx
    from greenplan.render import panels
    from greenplan.render.layout import Box
    from greenplan.render.themes import indicator_labels

    out = {"cli": format_summary(DOC, "zh").splitlines()}
    path = tmp_path_factory.mktemp("wording") / "指标 表.xlsx"
    write_indicators_xlsx(DOC, path)
    ws = load_workbook(path)["汇总"]
    out["xlsx"] = [" ".join(excel_text(c.value, c.number_format) for c in row[:7]) for row in ws.iter_rows(min_row=4)]
    fig = Figure(figsize=(4, 6))
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, 100)
    ax.set_ylim(0, 150)
    rows = panels.indicator_rows(DOC, list(CASES))
    panels.draw_indicator_table(ax, Box(0, 0, 100, 150), rows, indicator_labels(), 1.0)
    cols = {c: [t.get_text() for t in fig.findobj(Text) if t.get_gid() == f"indicator-{c}"] for c in range(3)}
    out["map"] = [" ".join(cells) for cells in zip(cols[0], cols[1], cols[2], strict=True)]
    out["gui"] = [f"{r['name']} {r['value']} {r['grade']} {r['result']}" for r in indicator_rows(DOC["indicators"], "zh")]
    return out


@pytest.mark.parametrize("surface", ["cli", "xlsx", "map", "gui"])
def test_every_surface_shows_the_same_name_and_value(surfaces, surface) -> None:
    lines = surfaces[surface]
    assert len(lines) == len(CASES)
    for line, (key, (_obj, name, value, evaluation)) in zip(lines, CASES.items(), strict=True):
        assert line.startswith(name), (surface, key, line)
        if surface == "xlsx" and value == "—":  # a spreadsheet leaves a null cell empty
            assert line.split(" ")[1] == "", line
        else:
            assert value in line, (surface, key, line)
        if evaluation != "—":
            assert evaluation in line, (surface, key, line)


def test_the_old_disagreements_are_gone(surfaces) -> None:
    text = "\n".join("\n".join(v) for v in surfaces.values())
    for old in ("绿化占用永久基本农田面积", "未达标", "24.1%", "24.06 %", "73,204 ㎡", "FAIL"):
        assert old not in text


def test_xlsx_cells_keep_the_numbers_of_the_document(tmp_path) -> None:
    from openpyxl import load_workbook

    from greenplan.jobs.indicator_tables import write_indicators_xlsx

    write_indicators_xlsx(DOC, tmp_path / "i.xlsx")
    ws = load_workbook(tmp_path / "i.xlsx")["汇总"]
    values = {r[0].value: r[1].value for r in ws.iter_rows(min_row=4)}
    assert values["永久基本农田绿化冲突面积"] == 73_203.6 and values["建成区绿地率"] == 0.24056
    assert values["人均公园绿地面积"] is None
