"""``greenplan report``: the Word report reopened with python-docx (issue 19).

The demo county's report is written once for the module (maps at a low resolution) and its
numbers are checked against the files the other commands write from their own runs:
``indicators.json`` and ``conflicts.xlsx`` (``run_analyze``) and ``scenario.json``
(``run_scenario``), formatted by the shared formatter.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import docx
import openpyxl
import pytest

from greenplan.analysis.wording import IndicatorView, format_delta, indicator_name, value_text
from greenplan.core.errors import Canceled, OutputError, ProjectFileError, SettingError
from greenplan.core.feedback import Feedback
from greenplan.core.project import read_project
from greenplan.core.resources import resource_path, sample_dir
from greenplan.jobs.report import run_report
from greenplan.jobs.report.sections import indicator_rows

HEADINGS_ZH = ["一、概况", "二、指标总览", "三、分乡镇评估", "四、三条控制线与空间冲突", "五、增绿潜力", "六、情景方案",
               "附录A 方法说明", "附录B 数据检查发现"]


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory):
    from greenplan.jobs.analyze import run_analyze
    from greenplan.jobs.scenario import run_scenario

    folder = tmp_path_factory.mktemp("报告 demo")
    project, _ = read_project(sample_dir() / "demo_county.greenplan.toml")
    out = run_report(project, folder / "评估报告.docx", scenario="demo", dpi=40)
    analyzed = run_analyze(project, folder / "analyze")
    scen = run_scenario(project, "demo", folder / "scenario")
    return {
        "out": out, "doc": docx.Document(str(out.path)),
        "indicators": json.loads(analyzed.files["json"].read_text(encoding="utf-8")),
        "conflicts": analyzed.files["conflicts_xlsx"],
        "scenario": json.loads(scen.files["json"].read_text(encoding="utf-8")),
    }


def _table_after(doc, caption: str):
    """The table that follows the caption paragraph containing ``caption``."""
    body = doc.element.body
    found = False
    for child in body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        text = "".join(t.text or "" for t in child.iter(docx.oxml.ns.qn("w:t"))) if tag == "p" else ""
        if text.startswith(("表 ", "Table ")) and caption in text:  # a table's caption
            found = True
        elif tag == "tbl" and found:
            return docx.table.Table(child, doc)
    raise AssertionError(f"no table after {caption!r}")


def _rows(table) -> list[list[str]]:
    return [[c.text for c in r.cells] for r in table.rows]


def test_headings_in_order(demo) -> None:
    doc = demo["doc"]
    h1 = [p.text for p in doc.paragraphs if p.style.name == "Heading 1"]
    assert h1 == HEADINGS_ZH
    h2 = [p.text for p in doc.paragraphs if p.style.name == "Heading 2"]
    assert h2[:4] == ["（一）研究范围", "（二）乡镇（街道）", "（三）数据来源与检查", "（四）坐标系与高程基准"]
    title = [p.text for p in doc.paragraphs if p.style.name == "Title"]
    assert title == ["示范县（演示数据）", "绿化与国土空间管控评估报告"]
    cover = " ".join(p.text for p in doc.paragraphs[:20])
    assert "编制单位：示范县自然资源局" in cover and "数据截至：2026年6月30日" in cover


def test_overview_values_are_indicators_json_through_the_shared_formatter(demo) -> None:
    rows = _rows(_table_after(demo["doc"], "指标总表"))
    assert rows[0] == ["序号", "指标", "数值", "单位", "标准", "等级", "结论"]
    expected = demo["indicators"]["indicators"]
    assert len(rows) - 1 == len(expected) == 13
    for row, (key, obj) in zip(rows[1:], expected.items(), strict=True):
        v = IndicatorView.from_dict(key, obj)
        assert row[1] == indicator_name(key)
        assert row[2] == value_text(v), key
    by_name = {r[1]: r for r in rows[1:]}
    assert by_name["建成区绿化覆盖率（矢量法）"][5:] == ["Ⅲ级", "达标"]
    assert by_name["三条控制线相互重叠面积"][6] == "不达标"
    # the sentence under the table: value, grade, gap to the next grade (36 % - 34.27 %)
    text = "\n".join(p.text for p in demo["doc"].paragraphs)
    assert "建成区绿化覆盖率（矢量法）为 34.27%，达到Ⅲ级标准，距Ⅱ级（36.00%）差 1.73 个百分点。" in text


def test_unknown_code_rows_are_marked_and_not_graded() -> None:
    doc = {"indicators": {
        "green_space_ratio": {"value": 0.175, "unit": "ratio", "grade": None, "pass": None, "ungraded": "unknown_codes",
                              "bound": "lower", "threshold": {"I": 0.35, "II": 0.31, "III": 0.29}},
        "park_service_coverage": {"value": 0.95, "unit": "ratio", "grade": "I", "pass": True,
                                  "threshold": {"I": 0.9, "II": 0.8, "III": 0.7}}}}
    rows = indicator_rows(doc)
    assert rows[0][1:3] == ["建成区绿地率※", "≥ 17.50%（含未识别地类）"]
    assert rows[0][5:] == ["未评级", "未评级"]
    assert rows[1][1:] == ["公园绿地服务半径覆盖率", "95.00%", "%", "Ⅰ ≥ 90%  Ⅱ ≥ 80%  Ⅲ ≥ 70%", "Ⅰ级", "达标"]


def test_township_table_has_one_row_per_township(demo) -> None:
    rows = _rows(_table_after(demo["doc"], "分乡镇指标"))
    units = demo["indicators"]["by_unit"]
    assert len(rows) - 1 == len(units) == 12
    for row, u in zip(rows[1:], units, strict=True):
        assert row[0] == u["name"]
        forest = IndicatorView.from_dict("forest_coverage", u["indicators"]["forest_coverage"])
        assert row[5] == value_text(forest, compact=True)
        if u["name"] == "青龙镇":  # a rural township: no built-up area
            assert row[1] == "不适用" and row[5] != "—"  # the note under the table says why


def test_conflict_register_numbers_match_conflicts_xlsx(demo) -> None:
    rows = _rows(_table_after(demo["doc"], "冲突图斑登记表"))
    ws = openpyxl.load_workbook(demo["conflicts"], read_only=True).active
    xlsx = [r for r in ws.iter_rows(min_row=2, values_only=True)]
    assert [r[0] for r in rows[1:]] == [r[0] for r in xlsx]
    assert [r[2] for r in rows[1:]] == [r[2] or "—" for r in xlsx]
    assert len(xlsx) > 100


def test_scenario_table_is_scenario_json(demo) -> None:
    rows = _rows(_table_after(demo["doc"], "情景方案前后指标对比"))
    sdoc = demo["scenario"]
    for row, (key, obj) in zip(rows[1:], sdoc["indicators"].items(), strict=True):
        v = IndicatorView.from_dict(key, obj)
        assert row[1:4] == [value_text(v, which="before"), value_text(v, which="after"),
                            format_delta(v.delta, v.unit, key=key)], key
    text = "\n".join(p.text for p in demo["doc"].paragraphs)
    assert "占用永久基本农田 0.0 m²，占用生态保护红线 0.0 m²：合规" in text


def test_images_and_numbered_captions(demo) -> None:
    doc = demo["doc"]
    assert len(doc.inline_shapes) == len(demo["out"].maps) >= 4
    caps = [p.text for p in doc.paragraphs if p.style.name == "Caption"]
    figures = [c for c in caps if c.startswith("图 ")]
    tables = [c for c in caps if c.startswith("表 ")]
    assert [c.split()[1] for c in figures] == [str(i) for i in range(1, len(figures) + 1)]
    assert [c.split()[1] for c in tables] == [str(i) for i in range(1, len(tables) + 1)]
    assert len(figures) == len(doc.inline_shapes)
    assert any("空间冲突分析图" in c for c in figures) and any("分乡镇森林覆盖率" in c for c in figures)


def test_document_structure_toc_page_numbers_repeated_headers(demo) -> None:
    with zipfile.ZipFile(demo["out"].path) as z:
        xml = z.read("word/document.xml").decode("utf-8")
        settings = z.read("word/settings.xml").decode("utf-8")
        footers = "".join(z.read(n).decode("utf-8") for n in z.namelist() if n.startswith("word/footer"))
    assert 'TOC \\o "1-2"' in xml and "PAGEREF _Toc_gp001" in xml
    assert xml.count("<w:tblHeader") == len(demo["doc"].tables)
    assert "updateFields" in settings
    assert " PAGE " in footers
    sec = demo["doc"].sections[0]
    assert (round(sec.page_width.mm), round(sec.page_height.mm)) == (210, 297)
    assert [round(v.mm) for v in (sec.top_margin, sec.bottom_margin, sec.left_margin, sec.right_margin)] == [37, 35, 28, 26]


def test_styles_come_from_the_template(tmp_path) -> None:
    """A bureau's restyled template is used as it is (styles are named, never set in code)."""
    t = docx.Document(str(resource_path("report", "template.docx")))
    t.styles["Heading 1"].font.size = docx.shared.Pt(20)
    t.save(str(tmp_path / "局模板.docx"))
    project = _small_project(tmp_path)
    out = run_report(project, tmp_path / "r.docx", themes=[], template=tmp_path / "局模板.docx")
    d = docx.Document(str(out.path))
    assert d.styles["Heading 1"].font.size.pt == 20
    assert d.styles["Normal"].element.rPr.rFonts.get(docx.oxml.ns.qn("w:eastAsia")) == "仿宋_GB2312"


def _small_project(folder: Path):
    from tests.conftest import box, frame, write, write_project

    gpkg = folder / "县.gpkg"
    write(frame([box(0, 0, 2000, 2000), box(2000, 0, 2000, 2000)], name=["甲镇", "乙镇"], code=["1", "2"],
                population=[1000, 1000]), gpkg, "admin_units")
    write(frame([box(0, 0, 4000, 1000)]), gpkg, "ecological_redline")
    write(frame([box(100, 100, 100, 50), box(0, 1500, 100, 100)], DLBM=["0701", "0301"], BSM=["a", "b"]),
          gpkg, "land_use")
    layers = [{"name": r, "source": gpkg.name, "layer": r, "role": r}
              for r in ("admin_units", "ecological_redline", "land_use")]
    return read_project(write_project(folder, layers))[0]


def test_bad_input_writes_nothing(tmp_path) -> None:
    project = _small_project(tmp_path)
    with pytest.raises(ProjectFileError):
        run_report(project, tmp_path / "a.docx", scenario="没有")
    with pytest.raises(OutputError):
        run_report(project, tmp_path / "缺少" / "a.docx")
    with pytest.raises(OutputError):
        run_report(project, tmp_path / "a.pdf")
    with pytest.raises(SettingError):
        run_report(project, tmp_path / "a.docx", themes=["nope"])
    fb = Feedback()
    fb.cancel()
    with pytest.raises(Canceled):
        run_report(project, tmp_path / "a.docx", themes=[], feedback=fb)
    assert not list(tmp_path.glob("*.docx")) and not list(tmp_path.glob(".*tmp*"))


def test_small_project_without_most_layers_still_reports(tmp_path) -> None:
    project = _small_project(tmp_path)
    out = run_report(project, tmp_path / "r.docx", themes=["township_choropleth", "conflicts"], dpi=40, lang="en")
    d = docx.Document(str(out.path))
    h1 = [p.text for p in d.paragraphs if p.style.name == "Heading 1"]
    assert h1[:5] == ["1 Overview", "2 Indicators", "3 Townships", "4 Control lines and conflicts",
                      "5 Greening opportunities"]
    assert out.maps == ["township_choropleth", "conflicts"] and len(d.inline_shapes) == 2
    rows = _rows(_table_after(d, "Indicators by township"))
    assert [r[0] for r in rows[1:]] == ["甲镇", "乙镇"]
