"""Tables of the indicators document: ``indicators.csv`` and ``indicators.xlsx``.

Both are built from the ``indicators.json`` document (``shared/indicators.md``), so the
three outputs can never disagree. The workbook is formatted for printing on A4 landscape:
Chinese headers with units, percentages as percentages, pass/fail coloured, header rows
repeated on every page.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from greenplan.analysis.wording import (
    IndicatorView,
    excel_number_format,
    grade_word,
    indicator_name,
    not_applicable_text,
    result_text,
    status,
    threshold_text,
    ungraded_reason,
    unit_label,
)
from greenplan.core.atomic import atomic_path

CSV_COLUMNS = [
    ("scope", "范围"),
    ("unit_code", "行政区代码"),
    ("unit_name", "行政区名称"),
    ("key", "指标代码"),
    ("name_zh", "指标名称"),
    ("value", "数值"),
    ("unit", "单位"),
    ("numerator_m2", "分子面积（㎡）"),
    ("denominator_m2", "分母面积（㎡）"),
    ("grade", "等级"),
    ("pass", "是否达标"),
    ("notes", "备注"),
    ("unknown_share", "未识别地类占比"),
    ("ungraded", "未评级原因"),
]


def label(key: str, lang: str = "zh") -> str:
    """The indicator's name (:func:`greenplan.analysis.wording.indicator_name`)."""
    return indicator_name(key, lang)


def _rows(doc: Mapping[str, Any]) -> list[dict[str, Any]]:
    rows = []
    scopes = [("overall", "", doc.get("project") or "", doc.get("indicators", {}))]
    scopes += [("unit", u.get("code", ""), u.get("name", ""), u.get("indicators", {})) for u in doc.get("by_unit", [])]
    for scope, code, name, inds in scopes:
        for key, ind in inds.items():
            rows.append(
                {
                    "scope": scope,
                    "unit_code": code,
                    "unit_name": name,
                    "key": key,
                    "name_zh": label(key),
                    "value": ind.get("value"),
                    "unit": ind.get("unit"),
                    "numerator_m2": ind.get("numerator_m2"),
                    "denominator_m2": ind.get("denominator_m2"),
                    "grade": ind.get("grade"),
                    "pass": ind.get("pass"),
                    "notes": "；".join(str(n) for n in ind.get("notes", [])),
                    "unknown_share": ind.get("unknown_share"),
                    "ungraded": ungraded_reason(IndicatorView.from_dict(key, ind)),
                }
            )
    return rows


def write_indicators_csv(doc: Mapping[str, Any], path: Path) -> None:
    """One row per (scope, unit, indicator); UTF-8 with BOM so Excel shows the Chinese."""
    from greenplan.io.writers import write_table_csv

    write_table_csv(path, CSV_COLUMNS, _rows(doc))


# ------------------------------------------------------------------------------ xlsx
def write_indicators_xlsx(
    doc: Mapping[str, Any],
    path: Path,
    conflicts: Mapping[str, Any] | None = None,
) -> None:
    """Write the workbook: 汇总 (summary), 分乡镇 (per township), 冲突明细 (conflicts).

    Parameters
    ----------
    doc : mapping
        The ``indicators.json`` document.
    path : Path
        Output ``.xlsx``; written atomically.
    conflicts : mapping of str to DataFrame, optional
        Explaining features (red line occupation, overlaps, farmland conflicts) without
        geometry; each becomes a block of the conflicts sheet.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    thin = Side(style="thin", color="999999")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    head_font = Font(name="SimSun", bold=True)
    body_font = Font(name="SimSun")
    head_fill = PatternFill("solid", fgColor="D9E7D0")
    ok_fill = PatternFill("solid", fgColor="C6EFCE")
    bad_fill = PatternFill("solid", fgColor="FFC7CE")
    warn_fill = PatternFill("solid", fgColor="FFEB9C")
    wrap = Alignment(wrap_text=True, vertical="center")

    def setup(ws, title: str, headers: list[str], widths: list[int]) -> None:
        ws.append([title])
        ws["A1"].font = Font(name="SimHei", bold=True, size=14)
        ws.append([f"项目：{doc.get('project', '')}    坐标系：{doc.get('crs', '')}    统计日期：{doc.get('as_of', '')}    评价标准：{doc.get('scheme', '')}"])
        ws.append(headers)
        for c, w in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(c)].width = w
            cell = ws.cell(row=3, column=c)
            cell.font, cell.fill, cell.border, cell.alignment = head_font, head_fill, border, wrap
        ws.freeze_panes = "A4"
        ws.print_title_rows = "3:3"
        ws.page_setup.orientation = "landscape"
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True

    def body(ws, row: int, ncols: int) -> None:
        for c in range(1, ncols + 1):
            cell = ws.cell(row=row, column=c)
            cell.font, cell.border = body_font, border
            cell.alignment = Alignment(vertical="center", wrap_text=c == ncols)

    # summary -----------------------------------------------------------------
    ws = wb.active
    ws.title = "汇总"
    headers = ["指标", "数值", "单位", "分子面积（㎡）", "分母面积（㎡）", "等级", "是否达标", "标准值", "计算方法", "备注"]
    setup(ws, "绿化与国土空间指标汇总表", headers, [28, 14, 8, 16, 16, 8, 10, 26, 40, 50])
    fills = {"pass": ok_fill, "fail": bad_fill, "ungraded": warn_fill}
    for key, ind in doc.get("indicators", {}).items():
        v = IndicatorView.from_dict(key, ind)
        # the value cell keeps the number of indicators.json; its format writes the shared text
        ws.append([
            label(key), ind.get("value"), unit_label(v.unit, key), ind.get("numerator_m2"),
            ind.get("denominator_m2"), ungraded_reason(v) if v.is_bound else grade_word(v.grade), result_text(v),
            threshold_text(v.threshold, v.unit), ind.get("method") or "", "；".join(map(str, ind.get("notes", []))),
        ])
        r = ws.max_row
        body(ws, r, len(headers))
        ws.cell(row=r, column=2).number_format = excel_number_format(v)
        ws.cell(row=r, column=4).number_format = "#,##0.00"
        ws.cell(row=r, column=5).number_format = "#,##0.00"
        if status(v) in fills:
            ws.cell(row=r, column=7).fill = fills[status(v)]

    # per township --------------------------------------------------------------
    ws = wb.create_sheet("分乡镇")
    keys = list(doc.get("indicators", {}))
    units = {k: doc["indicators"][k].get("unit") for k in keys}
    headers = ["行政区代码", "行政区名称"] + [f"{label(k)}（{unit_label(units[k], k)}）" for k in keys]
    setup(ws, "分乡镇（街道）指标表", headers, [12, 12] + [14] * len(keys))
    for u in doc.get("by_unit", []):
        inds = u.get("indicators", {})
        # an indicator that does not apply in the unit says why (不适用（本乡镇无建成区）) in its cell
        ws.append([u.get("code"), u.get("name")] + [
            not_applicable_text(IndicatorView.from_dict(k, inds.get(k))) or inds.get(k, {}).get("value") for k in keys])
        r = ws.max_row
        body(ws, r, len(headers))
        for j, k in enumerate(keys, start=3):
            cell = ws.cell(row=r, column=j)
            v = IndicatorView.from_dict(k, {"unit": units[k], **inds.get(k, {})})
            cell.number_format = excel_number_format(v)
            if v.is_not_applicable:
                cell.alignment = wrap
            if status(v) in fills:
                cell.fill = fills[status(v)]
    ws.row_dimensions[3].height = 48

    # conflicts -----------------------------------------------------------------
    # detail rows can run to thousands: values only (styling every cell costs seconds)
    ws = wb.create_sheet("冲突明细")
    setup(ws, "冲突与占用明细", ["类别", "说明"], [30, 80])
    for name, frame in (conflicts or {}).items():
        ws.append([])
        ws.append([name])
        ws.cell(row=ws.max_row, column=1).font = head_font
        if frame is None or len(frame) == 0:
            ws.append(["（无）"])
            continue
        cols = [c for c in frame.columns if c != "geometry"]
        ws.append(cols)
        for c in range(1, len(cols) + 1):
            cell = ws.cell(row=ws.max_row, column=c)
            cell.font, cell.fill, cell.border = head_font, head_fill, border
        for rec in frame[cols].itertuples(index=False):
            ws.append([_cell(v) for v in rec])

    with atomic_path(path) as tmp:
        wb.save(tmp)


def _cell(v: Any) -> Any:
    import math

    import numpy as np
    import pandas as pd

    if v is None:
        return None
    if isinstance(v, float) and math.isnan(v):
        return None
    if isinstance(v, (np.integer,)):
        return int(v)
    if isinstance(v, (np.floating,)):
        return None if np.isnan(v) else float(v)
    if isinstance(v, (np.bool_, bool)):
        return "是" if v else "否"
    if isinstance(v, pd.Timestamp):
        return v.to_pydatetime()
    if v is pd.NaT:
        return None
    return v if isinstance(v, (int, float, str)) else str(v)
