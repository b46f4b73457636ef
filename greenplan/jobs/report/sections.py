"""The report's first sections: cover, contents, 1 概况, 2 指标总览, 3 分乡镇 (the rest:
:mod:`greenplan.jobs.report.plan_sections`), and the helpers both use.

Each ``write_*`` function takes the :class:`~greenplan.jobs.report.docx_writer.DocBuilder`,
the :class:`~greenplan.jobs.report.content.ReportData` and the maps, and writes its part.
Numbers are the result objects' own, written by :mod:`greenplan.analysis.wording` (values,
areas, grades, thresholds, changes) and :mod:`greenplan.jobs.report.texts` (sentences).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from greenplan.analysis.wording import (
    IndicatorView,
    format_count,
    format_value,
    grade_text,
    result_text,
    threshold_text,
    unit_label,
    value_text,
)
from greenplan.jobs.report.texts import explain, format_date, note_in, redline_detail, tr

#: the per-township table's columns (indicators.json keys)
TOWNSHIP_KEYS = ("green_coverage_vector", "green_space_ratio", "park_green_per_capita", "park_service_coverage",
                 "forest_coverage", "forest_grass_coverage")
#: the mark of a row measured on unknown codes (not graded)
UNGRADED_MARK = "※"
LEVEL_WORDS = {"zh": {"ok": "通过", "info": "提示", "warning": "警告", "problem": "问题", "error": "错误"},
               "en": {"ok": "ok", "info": "info", "warning": "warning", "problem": "problem", "error": "error"}}


def indicator_views(rows: dict[str, Any] | None) -> list[IndicatorView]:
    return [IndicatorView.from_dict(k, v) for k, v in (rows or {}).items()]


def method_notes() -> dict[str, Any]:
    from greenplan.core.resources import load_resource_toml

    return load_resource_toml("report", "methods.toml")


def scheme_name(doc: dict[str, Any]) -> str:
    from greenplan.core.resources import load_resource_toml

    scheme = doc.get("scheme") or ""
    return str(load_resource_toml("standards", "thresholds.toml").get("schemes", {}).get(scheme, {}).get("name") or scheme)


def chapter(b: Any, number: int, zh: str, en: str) -> None:
    nums = "一二三四五六七八九十"
    b.heading(tr(b.lang, f"{nums[number - 1]}、{zh}", f"{number} {en}"), 1)


def section(b: Any, number: int, zh: str, en: str) -> None:
    nums = "一二三四五六七八九十"
    b.heading(tr(b.lang, f"（{nums[number - 1]}）{zh}", f"{b.chapter_no}.{number} {en}"), 2)


def figure(b: Any, maps: dict[str, Any], theme: str) -> None:
    m = maps.get(theme)
    if m is not None:
        b.figure(m.png, m.width_mm, m.title)


# ---------------------------------------------------------------------------- cover, contents
def write_cover(b: Any, data: Any, today: dt.date) -> None:
    lang, p, doc = b.lang, data.project, data.indicators
    for _ in range(4):
        b.paragraph("", "GreenPlan 封面")
    b.paragraph(p.name, "Title")
    b.paragraph(tr(lang, "绿化与国土空间管控评估报告", "Greening and land-use control assessment report"), "Title")
    for _ in range(6):
        b.paragraph("", "GreenPlan 封面")
    org = (p.metadata or {}).get("organisation") or ""
    if org:
        b.paragraph(tr(lang, f"编制单位：{org}", f"Prepared by: {org}"), "GreenPlan 封面")
    b.paragraph(tr(lang, f"编制日期：{format_date(today, lang)}", f"Date: {format_date(today, lang)}"), "GreenPlan 封面")
    b.paragraph(tr(lang, f"数据截至：{format_date(doc.get('as_of'), lang)}", f"Data as of: {format_date(doc.get('as_of'), lang)}"),
                "GreenPlan 封面")
    b.page_break()


def write_contents(b: Any) -> None:
    b.toc_placeholder(tr(b.lang, "目　录", "Contents"))  # chapter 1 starts a page (Heading 1)


# ---------------------------------------------------------------------------- 1 概况
def write_overview(b: Any, data: Any) -> None:
    lang, doc, check, p = b.lang, data.indicators, data.check, data.project
    b.chapter_no = 1
    chapter(b, 1, "概况", "Overview")
    county = IndicatorView.from_dict("forest_coverage", doc["indicators"].get("forest_coverage"))
    built = IndicatorView.from_dict("green_coverage_vector", doc["indicators"].get("green_coverage_vector"))
    units = doc.get("by_unit") or []
    with_b = [u for u in units if (IndicatorView.from_dict("k", (u.get("indicators") or {}).get("green_coverage_vector")).denominator_m2 or 0) > 0]
    section(b, 1, "研究范围", "Study area")
    parts = [tr(lang, f"本报告评估范围为{p.name}", f"This report covers {p.name}")]
    if county.denominator_m2:
        parts.append(tr(lang, f"，行政区范围面积 {format_value(county.denominator_m2, 'm²', lang)}",
                        f", {format_value(county.denominator_m2, 'm²', lang)} within the township boundaries"))
    if units:
        parts.append(tr(lang, f"，共 {format_count(len(units))} 个乡镇（街道），其中 {format_count(len(with_b))} 个含建成区",
                        f", {format_count(len(units))} townships, {format_count(len(with_b))} of them with built-up area"))
    if built.denominator_m2:
        parts.append(tr(lang, f"；建成区面积 {format_value(built.denominator_m2, 'm²', lang)}",
                        f"; the built-up area covers {format_value(built.denominator_m2, 'm²', lang)}"))
    parts.append(tr(lang, f"。评估基准日为{format_date(doc.get('as_of'), lang)}，评价标准采用{scheme_name(doc)}。",
                    f". Reference date {format_date(doc.get('as_of'), lang)}; grades per {scheme_name(doc)}."))
    b.paragraph("".join(parts))

    if units:
        section(b, 2, "乡镇（街道）", "Townships")
        rows = []
        for i, u in enumerate(units, 1):
            inds = u.get("indicators") or {}
            area = IndicatorView.from_dict("forest_coverage", inds.get("forest_coverage")).denominator_m2
            bua = IndicatorView.from_dict("green_coverage_vector", inds.get("green_coverage_vector")).denominator_m2
            rows.append([str(i), u.get("code") or "", u.get("name") or "", format_value(area, "m²", lang),
                         format_value(bua, "m²", lang) if bua else tr(lang, "无", "none")])
        b.table([tr(lang, "序号", "No."), tr(lang, "代码", "Code"), tr(lang, "名称", "Name"),
                 tr(lang, "面积", "Area"), tr(lang, "建成区面积", "Built-up area")], rows,
                widths_mm=(14, 32, 36, 37, 37), align="cclrr", caption=tr(lang, "乡镇（街道）一览", "Townships"))

    section(b, 3, "数据来源与检查", "Data sources and check")
    s = check.get("summary") or {}
    b.paragraph(tr(lang,
                   f"项目共 {format_count(s.get('layers', 0))} 个图层，成功读取 {format_count(s.get('opened', 0))} 个。数据检查发现错误 "
                   f"{format_count(s.get('errors', 0))} 项、问题 {format_count(s.get('problems', 0))} 项、警告 "
                   f"{format_count(s.get('warnings', 0))} 项、提示 {format_count(s.get('infos', 0))} 项，详见附录B。",
                   f"The project has {format_count(s.get('layers', 0))} layers, {format_count(s.get('opened', 0))} of them read. "
                   f"The data check found {format_count(s.get('errors', 0))} errors, {format_count(s.get('problems', 0))} "
                   f"problems, {format_count(s.get('warnings', 0))} warnings and {format_count(s.get('infos', 0))} notes "
                   "(Appendix B)."))
    from pathlib import Path

    from greenplan.core.roles import ROLES

    rows = []
    for lyr in check.get("layers") or []:
        role = lyr.get("role")
        role_text = (ROLES[role].zh if lang == "zh" else ROLES[role].en) if role in ROLES else tr(lang, "参考图层", "reference")
        count = lyr.get("loaded_count")
        if count is None and lyr.get("raster"):
            r = lyr["raster"]
            count_text = f"{r.get('width')} × {r.get('height')}"
        else:
            count_text = format_count(count) if count is not None else "—"
        crs = (lyr.get("crs") or {}).get("crs") or "—"
        rows.append([lyr.get("name") or "", role_text, Path(str(lyr.get("source") or "")).name, count_text, crs,
                     LEVEL_WORDS["zh" if lang == "zh" else "en"].get(lyr.get("status") or "ok", lyr.get("status"))])
    b.table([tr(lang, "图层", "Layer"), tr(lang, "用途", "Role"), tr(lang, "来源文件", "Source"),
             tr(lang, "要素/像元", "Features"), tr(lang, "坐标系", "CRS"), tr(lang, "检查", "Check")], rows,
            widths_mm=(38, 24, 30, 18, 30, 16), align="llllcc", caption=tr(lang, "数据来源与检查状态", "Data sources"),
            emphasis=[[False] * 5 + [r[5] in ("问题", "错误", "problem", "error")] for r in rows])

    section(b, 4, "坐标系与高程基准", "Coordinate system and datum")
    md = p.metadata or {}
    text = tr(lang, f"工作坐标系为 {check.get('crs') or doc.get('crs') or '—'}", f"The working CRS is {check.get('crs') or doc.get('crs') or '—'}")
    if check.get("crs_note"):
        text += tr(lang, f"（{note_in(check['crs_note'], lang)}）", f" ({note_in(check['crs_note'], lang)})")
    if md.get("coordinate_system"):
        text += tr(lang, f"；平面坐标系：{md['coordinate_system']}", f"; coordinate system: {md['coordinate_system']}")
    if md.get("height_datum"):
        text += tr(lang, f"；高程基准：{md['height_datum']}", f"; height datum: {md['height_datum']}")
    b.paragraph(text + tr(lang, "。面积均在工作坐标系下按平面面积计算。", ". Areas are planar areas in the working CRS."))
    if md.get("data_source"):
        b.paragraph(tr(lang, f"数据来源：{md['data_source']}。", f"Data source: {md['data_source']}."))


# ---------------------------------------------------------------------------- 2 指标总览
def indicator_rows(doc: dict[str, Any], lang: str = "zh") -> list[list[str]]:
    """The overview table's rows: name, value, unit, standard, grade, result (the shared wording)."""
    rows = []
    for i, v in enumerate(indicator_views(doc.get("indicators")), 1):
        name = v.name(lang) + (UNGRADED_MARK if v.is_bound else "")
        rows.append([str(i), name, value_text(v, lang), unit_label(v.unit, v.key, lang),
                     threshold_text(v.threshold, v.unit, lang) or "—", grade_text(v, lang) or "—", result_text(v, lang)])
    return rows


def write_indicators(b: Any, data: Any, maps: dict[str, Any]) -> None:
    lang, doc = b.lang, data.indicators
    b.chapter_no = 2
    chapter(b, 2, "指标总览", "Indicators")
    views = indicator_views(doc.get("indicators"))
    graded = [v for v in views if v.grade and not v.ungraded]
    failed = [v for v in views if v.passed is False and not v.ungraded]
    b.paragraph(tr(lang,
                   f"按{scheme_name(doc)}评价，共计算 {format_count(len(views))} 项指标，其中 {format_count(len(graded))} 项达到分级标准，"
                   f"{format_count(len(failed))} 项不达标或不符合管控要求。",
                   f"Graded per {scheme_name(doc)}: {format_count(len(views))} indicators, {format_count(len(graded))} "
                   f"reach a grade, {format_count(len(failed))} fail a grade or a control rule."))
    rows = indicator_rows(doc, lang)
    b.table([tr(lang, "序号", "No."), tr(lang, "指标", "Indicator"), tr(lang, "数值", "Value"), tr(lang, "单位", "Unit"),
             tr(lang, "标准", "Standard"), tr(lang, "等级", "Grade"), tr(lang, "结论", "Result")], rows,
            widths_mm=(9, 42, 25, 12, 38, 14, 16), align="clrcccc", caption=tr(lang, "指标总表", "Indicators"),
            emphasis=[[False] * 6 + [v.passed is False and not v.ungraded] for v in views])
    if any(v.is_bound for v in views):
        b.note(tr(lang, f"{UNGRADED_MARK} 含未识别地类编码，数值为界限值，未评级；请在数据检查中补充地类映射后重新生成。",
                  f"{UNGRADED_MARK} measured on unknown codes: the value is a bound and is not graded; map the codes and run again."))
    section(b, 1, "指标说明", "Reading the indicators")
    for v in views:
        b.paragraph(explain(v, lang))
        if v.key == "eco_redline_occupation":
            detail = redline_detail(v, lang)
            if detail:
                b.paragraph(detail)
    if "greening" in maps:
        section(b, 2, "绿化现状", "Greening")
        figure(b, maps, "greening")


# ---------------------------------------------------------------------------- 3 分乡镇
def township_rows(doc: dict[str, Any], lang: str = "zh") -> list[list[str]]:
    rows = []
    for u in doc.get("by_unit") or []:
        inds = u.get("indicators") or {}
        rows.append([u.get("name") or u.get("code") or ""] +
                    [value_text(IndicatorView.from_dict(k, inds.get(k)), lang, compact=True) for k in TOWNSHIP_KEYS])
    return rows


def write_townships(b: Any, data: Any, maps: dict[str, Any]) -> None:
    from greenplan.analysis.wording import indicator_name

    lang, doc = b.lang, data.indicators
    units = doc.get("by_unit") or []
    b.chapter_no = 3
    chapter(b, 3, "分乡镇评估", "Townships")
    if not units:
        b.paragraph(tr(lang, "项目没有行政区（乡镇/街道）图层，未分乡镇计算。", "The project has no township layer."))
        return
    rural = [u for u in units if IndicatorView.from_dict("k", (u.get("indicators") or {}).get("green_coverage_vector")).value is None]
    b.paragraph(tr(lang,
                   f"全县 {format_count(len(units))} 个乡镇（街道）逐一计算。其中 {format_count(len(rural))} 个乡镇无建成区，"
                   "不计算建成区绿化指标，以森林覆盖率和林草覆盖率（按地类估算）反映其生态本底。",
                   f"Each of the {format_count(len(units))} townships is computed; {format_count(len(rural))} have no built-up "
                   "area and are described by their forest and forest-grass coverage (estimates from land-use codes)."))
    headers = [tr(lang, "乡镇（街道）", "Township")] + [indicator_name(k, lang, short=True) for k in TOWNSHIP_KEYS]
    b.table(headers, township_rows(doc, lang), widths_mm=(24, 22, 22, 24, 22, 21, 21), align="lrrrrrr",
            caption=tr(lang, "分乡镇指标", "Indicators by township"))
    b.note(tr(lang, "注：“不适用”表示该乡镇无建成区，不计算建成区指标；森林覆盖率、林草覆盖率为按地类估算值。",
              "Note: 'not applicable' marks a township without built-up area; forest figures are estimates from "
              "land-use codes."))
    figure(b, maps, "township_choropleth")
