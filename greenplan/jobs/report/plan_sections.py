"""The report's planning chapters: 4 三条控制线与冲突, 5 增绿潜力, 6 情景方案, and the appendices.

As :mod:`greenplan.jobs.report.sections`: numbers are the result objects' own, written by
:mod:`greenplan.analysis.wording` and :mod:`greenplan.jobs.report.texts`.
"""

from __future__ import annotations

from typing import Any

from greenplan.analysis.wording import (
    IndicatorView,
    format_count,
    format_delta,
    format_value,
    grade_word,
    scenario_checks_text,
    threshold_text,
    value_text,
)
from greenplan.jobs.report.sections import (
    LEVEL_WORDS,
    chapter,
    figure,
    indicator_views,
    method_notes,
    section,
)
from greenplan.jobs.report.texts import explain, format_coordinate, note_in, redline_detail, tr


# ---------------------------------------------------------------------------- 4 三条控制线与冲突
def write_conflicts(b: Any, data: Any, maps: dict[str, Any]) -> None:
    from collections import Counter

    lang, doc = b.lang, data.indicators
    inds = doc.get("indicators") or {}
    b.chapter_no = 4
    chapter(b, 4, "三条控制线与空间冲突", "Control lines and conflicts")
    section(b, 1, "三条控制线相互重叠", "Overlaps of the three control lines")
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
    figure(b, maps, "control_lines")

    section(b, 2, "生态保护红线占用", "Occupation of the ecological red line")
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

    section(b, 3, "永久基本农田与城镇开发边界", "Permanent farmland and urban boundary")
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

    section(b, 4, "冲突图斑登记表", "Conflict register")
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
    figure(b, maps, "conflicts")


# ---------------------------------------------------------------------------- 5 增绿潜力
KIND_WORDS = {"rooftop": ("屋顶绿化", "Rooftop gardens"), "pocket_park": ("口袋公园", "Pocket parks"),
              "belt": ("防护绿带", "Green belts"), "sketch": ("手绘草图", "Hand-drawn sketch")}


def write_candidates(b: Any, data: Any, maps: dict[str, Any]) -> None:
    lang = b.lang
    kinds = (data.candidates or {}).get("kinds") or {}
    b.chapter_no = 5
    chapter(b, 5, "增绿潜力", "Greening opportunities")
    section(b, 1, "候选汇总", "Candidates")
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
    section(b, 2, "重点候选", "Top candidates")
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
    figure(b, maps, "opportunities")


# ---------------------------------------------------------------------------- 6 情景方案
def scenario_rows(sdoc: dict[str, Any], lang: str = "zh") -> list[list[str]]:
    rows = []
    for v in indicator_views(sdoc.get("indicators")):
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
    chapter(b, 6, "情景方案", "Scenario")
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
    section(b, 1, "方案前后指标对比", "Indicators before and after")
    b.table([tr(lang, "指标", "Indicator"), tr(lang, "现状", "Before"), tr(lang, "方案", "After"), tr(lang, "变化", "Change"),
             tr(lang, "等级", "Grade")], scenario_rows(sdoc, lang), widths_mm=(42, 27, 27, 34, 26), align="lrrrc",
            caption=tr(lang, "情景方案前后指标对比", "Scenario: before, after, change"))
    section(b, 2, "合规检查", "Checks")
    b.paragraph(scenario_checks_text(sdoc.get("checks") or {}, lang) + tr(lang, "。", "."))
    figure(b, maps, "scenario")


# ---------------------------------------------------------------------------- appendices
def write_appendix(b: Any, data: Any) -> None:
    lang, doc, check = b.lang, data.indicators, data.check
    methods = method_notes()
    b.heading(tr(lang, "附录A 方法说明", "Appendix A Methods"), 1)
    common = methods.get("common") or {}
    if common:
        b.paragraph(common.get("zh" if lang == "zh" else "en", ""))
    for i, v in enumerate(indicator_views(doc.get("indicators")), 1):
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
