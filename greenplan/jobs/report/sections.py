"""The report's sections, in order: cover, contents, 1 概况 ... 6 情景方案, appendices.

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
    format_delta,
    format_value,
    grade_text,
    grade_word,
    result_text,
    scenario_checks_text,
    threshold_text,
    unit_label,
    value_text,
)
from greenplan.jobs.report.texts import (
    explain,
    format_coordinate,
    format_date,
    note_in,
    redline_detail,
    tr,
)

#: the per-township table's columns (indicators.json keys)
TOWNSHIP_KEYS = ("green_coverage_vector", "green_space_ratio", "park_green_per_capita", "park_service_coverage",
                 "forest_coverage", "forest_grass_coverage")
#: the mark of a row measured on unknown codes (not graded)
UNGRADED_MARK = "※"
LEVEL_WORDS = {"zh": {"ok": "通过", "info": "提示", "warning": "警告", "problem": "问题", "error": "错误"},
               "en": {"ok": "ok", "info": "info", "warning": "warning", "problem": "problem", "error": "error"}}


def _views(rows: dict[str, Any] | None) -> list[IndicatorView]:
    return [IndicatorView.from_dict(k, v) for k, v in (rows or {}).items()]


def _methods() -> dict[str, Any]:
    from greenplan.core.resources import load_resource_toml

    return load_resource_toml("report", "methods.toml")


def _scheme_name(doc: dict[str, Any]) -> str:
    from greenplan.core.resources import load_resource_toml

    scheme = doc.get("scheme") or ""
    return str(load_resource_toml("standards", "thresholds.toml").get("schemes", {}).get(scheme, {}).get("name") or scheme)


def _chapter(b: Any, number: int, zh: str, en: str) -> None:
    nums = "一二三四五六七八九十"
    b.heading(tr(b.lang, f"{nums[number - 1]}、{zh}", f"{number} {en}"), 1)


def _section(b: Any, number: int, zh: str, en: str) -> None:
    nums = "一二三四五六七八九十"
    b.heading(tr(b.lang, f"（{nums[number - 1]}）{zh}", f"{b.chapter_no}.{number} {en}"), 2)


def _figure(b: Any, maps: dict[str, Any], theme: str) -> None:
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
    _chapter(b, 1, "概况", "Overview")
    county = IndicatorView.from_dict("forest_coverage", doc["indicators"].get("forest_coverage"))
    built = IndicatorView.from_dict("green_coverage_vector", doc["indicators"].get("green_coverage_vector"))
    units = doc.get("by_unit") or []
    with_b = [u for u in units if (IndicatorView.from_dict("k", (u.get("indicators") or {}).get("green_coverage_vector")).denominator_m2 or 0) > 0]
    _section(b, 1, "研究范围", "Study area")
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
    parts.append(tr(lang, f"。评估基准日为{format_date(doc.get('as_of'), lang)}，评价标准采用{_scheme_name(doc)}。",
                    f". Reference date {format_date(doc.get('as_of'), lang)}; grades per {_scheme_name(doc)}."))
    b.paragraph("".join(parts))

    if units:
        _section(b, 2, "乡镇（街道）", "Townships")
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

    _section(b, 3, "数据来源与检查", "Data sources and check")
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

    _section(b, 4, "坐标系与高程基准", "Coordinate system and datum")
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
    for i, v in enumerate(_views(doc.get("indicators")), 1):
        name = v.name(lang) + (UNGRADED_MARK if v.is_bound else "")
        rows.append([str(i), name, value_text(v, lang), unit_label(v.unit, v.key, lang),
                     threshold_text(v.threshold, v.unit, lang) or "—", grade_text(v, lang) or "—", result_text(v, lang)])
    return rows


def write_indicators(b: Any, data: Any, maps: dict[str, Any]) -> None:
    lang, doc = b.lang, data.indicators
    b.chapter_no = 2
    _chapter(b, 2, "指标总览", "Indicators")
    views = _views(doc.get("indicators"))
    graded = [v for v in views if v.grade and not v.ungraded]
    failed = [v for v in views if v.passed is False and not v.ungraded]
    b.paragraph(tr(lang,
                   f"按{_scheme_name(doc)}评价，共计算 {format_count(len(views))} 项指标，其中 {format_count(len(graded))} 项达到分级标准，"
                   f"{format_count(len(failed))} 项不达标或不符合管控要求。",
                   f"Graded per {_scheme_name(doc)}: {format_count(len(views))} indicators, {format_count(len(graded))} "
                   f"reach a grade, {format_count(len(failed))} fail a grade or a control rule."))
    rows = indicator_rows(doc, lang)
    b.table([tr(lang, "序号", "No."), tr(lang, "指标", "Indicator"), tr(lang, "数值", "Value"), tr(lang, "单位", "Unit"),
             tr(lang, "标准", "Standard"), tr(lang, "等级", "Grade"), tr(lang, "结论", "Result")], rows,
            widths_mm=(9, 42, 25, 12, 38, 14, 16), align="clrcccc", caption=tr(lang, "指标总表", "Indicators"),
            emphasis=[[False] * 6 + [v.passed is False and not v.ungraded] for v in views])
    if any(v.is_bound for v in views):
        b.note(tr(lang, f"{UNGRADED_MARK} 含未识别地类编码，数值为界限值，未评级；请在数据检查中补充地类映射后重新生成。",
                  f"{UNGRADED_MARK} measured on unknown codes: the value is a bound and is not graded; map the codes and run again."))
    _section(b, 1, "指标说明", "Reading the indicators")
    for v in views:
        b.paragraph(explain(v, lang))
        if v.key == "eco_redline_occupation":
            detail = redline_detail(v, lang)
            if detail:
                b.paragraph(detail)
    if "greening" in maps:
        _section(b, 2, "绿化现状", "Greening")
        _figure(b, maps, "greening")


# ---------------------------------------------------------------------------- 3 分乡镇
def township_rows(doc: dict[str, Any], lang: str = "zh") -> list[list[str]]:
    rows = []
    for u in doc.get("by_unit") or []:
        inds = u.get("indicators") or {}
        rows.append([u.get("name") or u.get("code") or ""] +
                    [value_text(IndicatorView.from_dict(k, inds.get(k)), lang) for k in TOWNSHIP_KEYS])
    return rows


def write_townships(b: Any, data: Any, maps: dict[str, Any]) -> None:
    from greenplan.analysis.wording import indicator_name

    lang, doc = b.lang, data.indicators
    units = doc.get("by_unit") or []
    b.chapter_no = 3
    _chapter(b, 3, "分乡镇评估", "Townships")
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
    b.note(tr(lang, "注：“—”表示该乡镇无建成区，建成区指标不适用；森林覆盖率、林草覆盖率为按地类估算值。",
              "Note: '—' marks a township without built-up area; forest figures are estimates from land-use codes."))
    _figure(b, maps, "township_choropleth")


# ---------------------------------------------------------------------------- 4 三条控制线与冲突
def write_conflicts(b: Any, data: Any, maps: dict[str, Any]) -> None:
    from collections import Counter

    lang, doc = b.lang, data.indicators
    inds = doc.get("indicators") or {}
    b.chapter_no = 4
    _chapter(b, 4, "三条控制线与空间冲突", "Control lines and conflicts")
    _section(b, 1, "三条控制线相互重叠", "Overlaps of the three control lines")
    ov = IndicatorView.from_dict("redline_overlaps", inds.get("redline_overlaps"))
    b.paragraph(explain(ov, lang))
    if ov.value is not None:
        pairs = (("eco_farmland_m2", "生态保护红线与永久基本农田", "Red line and permanent farmland"),
                 ("eco_urban_m2", "生态保护红线与城镇开发边界", "Red line and urban boundary"),
                 ("farmland_urban_m2", "永久基本农田与城镇开发边界", "Permanent farmland and urban boundary"))
        rows = [[tr(lang, zh, en), format_value(ov.extra.get(k), "m²", lang)] for k, zh, en in pairs]
        rows.append([tr(lang, "合计", "Total"), value_text(ov, lang)])
        b.table([tr(lang, "重叠类型", "Overlap"), tr(lang, "面积", "Area")], rows, widths_mm=(90, 50), align="lr",
                caption=tr(lang, "三条控制线相互重叠面积", "Control-line overlaps"))
    _figure(b, maps, "control_lines")

    _section(b, 2, "生态保护红线占用", "Occupation of the ecological red line")
    eco = IndicatorView.from_dict("eco_redline_occupation", inds.get("eco_redline_occupation"))
    b.paragraph(explain(eco, lang) + redline_detail(eco, lang))
    if eco.value is not None:
        x, by = eco.extra, eco.extra.get("by_cause") or {}
        rows = [[tr(lang, "生态保护红线面积", "Red line area"), format_value(x.get("redline_m2"), "m²", lang)],
                [tr(lang, "被占用面积", "Occupied"), format_value(x.get("occupied_m2"), "m²", lang)],
                [tr(lang, "　其中：建设用地", "  by construction land"), format_value(by.get("construction"), "m²", lang)],
                [tr(lang, "　　　　闲置土地", "  by idle land"), format_value(by.get("idle_land"), "m²", lang)],
                [tr(lang, "已列明准入活动类型", "Approved activities"), format_value(x.get("approved_m2"), "m²", lang)],
                [tr(lang, "违规占用", "Violation"), format_value(x.get("violation_m2"), "m²", lang)],
                [eco.name(lang), value_text(eco, lang)]]
        b.table([tr(lang, "项目", "Item"), tr(lang, "数值", "Value")], rows, widths_mm=(90, 50), align="lr",
                caption=tr(lang, "生态保护红线占用情况", "Red line occupation"))

    _section(b, 3, "永久基本农田与城镇开发边界", "Permanent farmland and urban boundary")
    for key in ("farmland_nonfarm_use", "farmland_greening_conflict", "urban_boundary_utilization", "idle_land"):
        if key in inds:
            v = IndicatorView.from_dict(key, inds[key])
            text = explain(v, lang)
            if key == "urban_boundary_utilization" and v.value is not None and v.extra.get("remaining_m2") is not None:
                text += tr(lang, f"边界内剩余可开发空间 {format_value(v.extra['remaining_m2'], 'm²', lang)}",
                           f" Remaining developable space: {format_value(v.extra['remaining_m2'], 'm²', lang)}")
                if v.extra.get("construction_outside_m2") is not None:
                    text += tr(lang, f"，边界外城镇建设用地 {format_value(v.extra['construction_outside_m2'], 'm²', lang)}",
                               f"; urban construction outside it: {format_value(v.extra['construction_outside_m2'], 'm²', lang)}")
                text += tr(lang, "。", ".")
            if key == "idle_land" and v.value is not None and v.extra.get("area_m2") is not None:
                text += tr(lang, f"闲置土地合计 {format_value(v.extra['area_m2'], 'm²', lang)}。",
                           f" Idle land covers {format_value(v.extra['area_m2'], 'm²', lang)}.")
            b.paragraph(text)

    _section(b, 4, "冲突图斑登记表", "Conflict register")
    reg = data.register
    if not reg:
        b.paragraph(tr(lang, "未发现冲突图斑。", "No conflict patches were found."))
    else:
        counts = Counter(r["type"] for r in reg)
        listed = "、".join(f"{t} {format_count(n)} 个" for t, n in counts.items())
        b.paragraph(tr(lang, f"共登记冲突图斑 {format_count(len(reg))} 个（{listed}），编号与空间冲突分析图上的标注一致，"
                             "与 conflicts.xlsx 相同。",
                       f"{format_count(len(reg))} conflict patches are registered; their numbers are those of the "
                       "conflicts map and of conflicts.xlsx."))
        rows = [[r["patch_id"], r["type"], r.get("township") or "—", format_value(r["area_m2"], "m²", lang),
                 format_coordinate(r.get("x")), format_coordinate(r.get("y"))] for r in reg]
        b.table([tr(lang, "图斑编号", "Patch"), tr(lang, "冲突类型", "Type"), tr(lang, "所在乡镇", "Township"),
                 tr(lang, "面积", "Area"), tr(lang, "X 坐标", "X"), tr(lang, "Y 坐标", "Y")], rows,
                widths_mm=(18, 34, 18, 26, 30, 30), align="cllrrr", caption=tr(lang, "冲突图斑登记表", "Conflict register"))
    _figure(b, maps, "conflicts")


# ---------------------------------------------------------------------------- 5 增绿潜力
KIND_WORDS = {"rooftop": ("屋顶绿化", "Rooftop gardens"), "pocket_park": ("口袋公园", "Pocket parks"),
              "belt": ("防护绿带", "Green belts")}


def write_candidates(b: Any, data: Any, maps: dict[str, Any]) -> None:
    lang = b.lang
    kinds = (data.candidates or {}).get("kinds") or {}
    b.chapter_no = 5
    _chapter(b, 5, "增绿潜力", "Greening opportunities")
    _section(b, 1, "候选汇总", "Candidates")
    rows = []
    for kind, s in kinds.items():
        zh, en = KIND_WORDS.get(kind, (kind, kind))
        if kind == "rooftop":
            extra = tr(lang, f"可种植 {format_value(s.get('planted_m2'), 'm²', lang)}，折算绿地 {format_value(s.get('green_space_m2'), 'm²', lang)}",
                       f"planted {format_value(s.get('planted_m2'), 'm²', lang)}, green space {format_value(s.get('green_space_m2'), 'm²', lang)}")
        elif kind == "pocket_park":
            extra = tr(lang, f"新增服务居住用地 {format_value(s.get('gain_m2'), 'm²', lang)}",
                       f"residential land newly served {format_value(s.get('gain_m2'), 'm²', lang)}")
        else:
            extra = tr(lang, f"避让耕地 {format_value(s.get('avoided_farmland_m2'), 'm²', lang)}",
                       f"farmland avoided {format_value(s.get('avoided_farmland_m2'), 'm²', lang)}")
        rows.append([tr(lang, zh, en), format_count(s.get("features", 0)), format_count(s.get("candidates", 0)),
                     format_value(s.get("area_m2"), "m²", lang), extra])
    b.paragraph(tr(lang, "按屋顶绿化、口袋公园（闲置土地改造）和道路河流防护绿带三类识别增绿潜力空间，均已避让永久基本农田和生态保护红线。",
                   "Three kinds of greening opportunity are found: rooftop gardens, pocket parks on idle land and "
                   "belts along roads and rivers, all kept off permanent farmland and the ecological red line."))
    b.table([tr(lang, "类型", "Kind"), tr(lang, "评估对象", "Assessed"), tr(lang, "候选", "Candidates"),
             tr(lang, "候选面积", "Area"), tr(lang, "说明", "Notes")], rows, widths_mm=(22, 20, 16, 26, 72),
            align="lrrrl", caption=tr(lang, "增绿候选汇总", "Candidates by kind"))
    _section(b, 2, "重点候选", "Top candidates")
    tops = data.top_candidates or {}
    for kind, frame in tops.items():
        if frame is None or not len(frame):
            continue
        zh, en = KIND_WORDS.get(kind, (kind, kind))
        if kind == "rooftop":
            headers = [tr(lang, "编号", "Id"), tr(lang, "屋顶面积", "Roof area"), tr(lang, "可种植面积", "Planted"),
                       tr(lang, "层数", "Floors"), tr(lang, "评分", "Score")]
            rows = [[str(r.candidate_id), format_value(r.area_m2, "m²", lang), format_value(r.planted_m2, "m²", lang),
                     format_count(r.floors_est) if r.floors_est == r.floors_est else "—", format_value(r.score, "", lang)]
                    for r in frame.itertuples()]
        elif kind == "pocket_park":
            headers = [tr(lang, "编号", "Id"), tr(lang, "地块编号", "Parcel"), tr(lang, "面积", "Area"),
                       tr(lang, "新增服务居住用地", "Newly served"), tr(lang, "", "")]
            rows = [[str(r.candidate_id), str(getattr(r, "parcel_id", "") or ""), format_value(r.area_m2, "m²", lang),
                     format_value(getattr(r, "gain_m2", None), "m²", lang), ""] for r in frame.itertuples()]
            headers, rows = headers[:4], [r[:4] for r in rows]
        else:
            headers = [tr(lang, "编号", "Id"), tr(lang, "沿线对象", "Along"), tr(lang, "单侧宽度", "Width per side"),
                       tr(lang, "面积", "Area")]
            rows = [[str(r.candidate_id), str(getattr(r, "name", "") or getattr(r, "source", "") or ""),
                     format_value(getattr(r, "belt_m", None), "m", lang), format_value(r.area_m2, "m²", lang)]
                    for r in frame.itertuples()]
        widths = {5: (30, 32, 32, 20, 20), 4: (34, 44, 34, 34)}[len(headers)]
        b.table(headers, rows, widths_mm=widths, align="c" + "r" * (len(headers) - 1) if kind != "belt" else "clrr",
                caption=tr(lang, f"{zh}重点候选（前 {format_count(len(rows))} 项）", f"Top {len(rows)} {en.lower()}"))
    _figure(b, maps, "opportunities")


# ---------------------------------------------------------------------------- 6 情景方案
def scenario_rows(sdoc: dict[str, Any], lang: str = "zh") -> list[list[str]]:
    rows = []
    for v in _views(sdoc.get("indicators")):
        grades = ""
        if v.grade_before or v.grade_after:
            grades = f"{grade_word(v.grade_before, lang) or '—'} → {grade_word(v.grade_after, lang) or '—'}"
        rows.append([v.name(lang), value_text(v, lang, "before"), value_text(v, lang, "after"),
                     format_delta(v.delta, v.unit, lang, v.key), grades or "—"])
    return rows


def write_scenario(b: Any, data: Any, maps: dict[str, Any]) -> None:
    lang, sdoc = b.lang, data.scenario
    if sdoc is None:
        return
    b.chapter_no = 6
    _chapter(b, 6, "情景方案", "Scenario")
    sc = sdoc.get("scenario") or {}
    desc = note_in(sc.get("description") or "", lang)
    b.paragraph(tr(lang, f"情景“{sc.get('name')}”" + (f"：{desc}" if desc else "") + "。",
                   f"Scenario '{sc.get('name')}'" + (f": {desc}" if desc else "") + "."))
    sel = sdoc.get("selected") or {}
    parts = []
    for kind, s in sel.items():
        zh, en = KIND_WORDS.get(kind, (kind, kind))
        parts.append(tr(lang, f"{zh} {format_count(s.get('count', 0))} 处、{format_value(s.get('area_m2'), 'm²', lang)}",
                        f"{en.lower()} {format_count(s.get('count', 0))} ({format_value(s.get('area_m2'), 'm²', lang)})"))
    if parts:
        b.paragraph(tr(lang, "方案选用：" + "；".join(parts) + "。", "Selected: " + "; ".join(parts) + "."))
    _section(b, 1, "方案前后指标对比", "Indicators before and after")
    b.table([tr(lang, "指标", "Indicator"), tr(lang, "现状", "Before"), tr(lang, "方案", "After"), tr(lang, "变化", "Change"),
             tr(lang, "等级", "Grade")], scenario_rows(sdoc, lang), widths_mm=(42, 27, 27, 34, 26), align="lrrrc",
            caption=tr(lang, "情景方案前后指标对比", "Scenario: before, after, change"))
    _section(b, 2, "合规检查", "Checks")
    b.paragraph(scenario_checks_text(sdoc.get("checks") or {}, lang) + tr(lang, "。", "."))
    _figure(b, maps, "scenario")


# ---------------------------------------------------------------------------- appendices
def write_appendix(b: Any, data: Any) -> None:
    lang, doc, check = b.lang, data.indicators, data.check
    methods = _methods()
    b.heading(tr(lang, "附录A 方法说明", "Appendix A Methods"), 1)
    common = methods.get("common") or {}
    if common:
        b.paragraph(common.get("zh" if lang == "zh" else "en", ""))
    for i, v in enumerate(_views(doc.get("indicators")), 1):
        m = methods.get(v.key) or {}
        b.heading(f"{i}. {v.name(lang)}", 3)
        b.paragraph(m.get("zh" if lang == "zh" else "en") or v.method)
        if m.get("standard"):
            b.paragraph(tr(lang, f"依据：{m['standard']}。", f"Standard: {m['standard']}."))
        thr = threshold_text(v.threshold, v.unit, lang)
        if thr:
            b.paragraph(tr(lang, f"阈值：{thr}。", f"Thresholds: {thr}."))
    b.heading(tr(lang, "附录B 数据检查发现", "Appendix B Data check findings"), 1)
    names = {lyr.get("index"): lyr.get("name") for lyr in check.get("layers") or []}
    issues = [i for i in check.get("issues") or [] if i.get("level") != "info"] + \
             [i for i in check.get("issues") or [] if i.get("level") == "info"]
    if not issues:
        b.paragraph(tr(lang, "数据检查未发现问题。", "The data check found nothing to report."))
    else:
        words = LEVEL_WORDS["zh" if lang == "zh" else "en"]
        rows = [[str(k), words.get(i.get("level"), i.get("level")),
                 names.get(i.get("layer"), tr(lang, "项目", "project")) if i.get("layer") is not None else tr(lang, "项目", "project"),
                 i.get("message_zh" if lang == "zh" else "message_en") or ""] for k, i in enumerate(issues, 1)]
        b.table([tr(lang, "序号", "No."), tr(lang, "级别", "Level"), tr(lang, "图层", "Layer"), tr(lang, "说明", "Finding")],
                rows, widths_mm=(12, 14, 34, 96), align="ccll", caption=tr(lang, "数据检查发现", "Data check findings"),
                emphasis=[[False, i.get("level") in ("problem", "error"), False, False] for i in issues])
    notes = [note_in(n, lang) for n in doc.get("notes") or []]
    if notes:
        b.paragraph(tr(lang, "计算说明：", "Notes: ") + tr(lang, "；", "; ").join(notes) + tr(lang, "。", "."))
