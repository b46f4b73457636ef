"""The region's summary files: ``region_indicators.xlsx``/``.csv``, ``region.json`` and
``manifest.json``.

Every number comes from the counties' own ``indicators.json`` documents (as the analysis
wrote them), so the region summary and each county's ``greenplan analyze`` outputs cannot
disagree; names, grades and the unknown-codes mark come from
:mod:`greenplan.analysis.wording`. Ranks: 1 is the best; an indicator with graded
thresholds (Ⅰ级 above Ⅱ级) ranks the highest value first, one that must be 0 (``pass``
threshold: occupation, overlaps, conflicts) and the idle-land count rank the lowest first;
ties share a rank; a county without a value has none.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from greenplan.jobs._batch_outputs import options_hash  # noqa: F401 - the region's settings hash

SCHEMA = "greenplan.region/1"
MANIFEST_SCHEMA = "greenplan.region-manifest/1"
MANIFEST = "manifest.json"
#: indicators without a graded threshold where less is better
LOWER_IS_BETTER = {"idle_land"}

CSV_COLUMNS = [
    ("scope", "范围"),
    ("county_code", "县代码"),
    ("county_name", "县名称"),
    ("unit_code", "乡镇代码"),
    ("unit_name", "乡镇名称"),
    ("key", "指标代码"),
    ("name_zh", "指标名称"),
    ("value", "数值"),
    ("unit", "单位"),
    ("grade", "等级"),
    ("pass", "是否达标"),
    ("unknown_share", "未识别地类占比"),
    ("unknown_mark", "未识别地类标记"),
    ("rank", "排名"),
]


def lower_is_better(key: str, threshold: Any) -> bool:
    """Whether a smaller value ranks first (a ``pass`` threshold, or :data:`LOWER_IS_BETTER`)."""
    if isinstance(threshold, Mapping) and set(threshold) == {"pass"}:
        return True
    return key in LOWER_IS_BETTER


def ranks(values: Sequence[float | None], lower_first: bool) -> list[int | None]:
    """Competition ranks (1 = best, ties share the smaller rank); None stays unranked.

    Examples
    --------
    >>> ranks([0.3, None, 0.5, 0.3], lower_first=False)
    [2, None, 1, 2]
    >>> ranks([0, 10, 0], lower_first=True)
    [1, 3, 1]
    """
    have = [v for v in values if v is not None]
    out: list[int | None] = []
    for v in values:
        if v is None:
            out.append(None)
        else:
            better = sum(1 for w in have if (w < v if lower_first else w > v))
            out.append(better + 1)
    return out


def _keys(docs: Sequence[Mapping[str, Any]]) -> list[str]:
    keys: dict[str, None] = {}
    for d in docs:
        keys.update(dict.fromkeys(d.get("indicators", {})))
    return list(keys)


def rank_rows(rows: list[dict[str, Any]], keys: list[str]) -> None:
    """Add ``ranks`` (key -> rank) to rows that carry ``indicators`` (key -> indicator object)."""
    for key in keys:
        objs = [r["indicators"].get(key) or {} for r in rows]
        thr = next((o.get("threshold") for o in objs if o.get("threshold") is not None), None)
        vals = [o.get("value") if isinstance(o.get("value"), (int, float)) else None for o in objs]
        for r, rk in zip(rows, ranks(vals, lower_is_better(key, thr)), strict=True):
            r.setdefault("ranks", {})[key] = rk


def summary_rows(counties: Sequence[Mapping[str, Any]]) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[str]]:
    """(county rows, township rows, indicator keys) of the finished counties, ranked."""
    done = [c for c in counties if c.get("document")]
    keys = _keys([c["document"] for c in done])
    county_rows = [{"county_code": c["code"], "county_name": c["name"], "status": c["status"],
                    "indicators": c["document"].get("indicators", {})} for c in done]
    unit_rows = [{"county_code": c["code"], "county_name": c["name"], "unit_code": u.get("code"),
                  "unit_name": u.get("name"), "indicators": u.get("indicators", {})}
                 for c in done for u in c["document"].get("by_unit", [])]
    rank_rows(county_rows, keys)
    rank_rows(unit_rows, keys)
    return county_rows, unit_rows, keys


def _cells(key: str, obj: Mapping[str, Any] | None) -> dict[str, Any]:
    from greenplan.analysis.wording import (
        IndicatorView,
        grade_word,
        mark_bound,
        ungraded_reason,
        value_text,
    )

    v = IndicatorView.from_dict(key, obj)
    return {"value": v.value, "unit": v.unit, "grade": ungraded_reason(v) if v.ungraded else grade_word(v.grade),
            "pass": v.passed, "unknown_share": v.unknown_share,
            "unknown_mark": mark_bound(value_text(v), v) if v.is_bound else "", "view": v}


def write_region_csv(path: Path, county_rows: list[dict[str, Any]], unit_rows: list[dict[str, Any]],
                     keys: list[str]) -> Path:
    """One row per (county or township, indicator); UTF-8 with BOM (Excel)."""
    from greenplan.analysis.wording import indicator_name
    from greenplan.io.writers import write_table_csv

    rows = []
    for scope, group in (("county", county_rows), ("unit", unit_rows)):
        for r in group:
            for k in keys:
                cells = _cells(k, r["indicators"].get(k))
                cells.pop("view")
                rows.append({"scope": scope, "county_code": r["county_code"], "county_name": r["county_name"],
                             "unit_code": r.get("unit_code"), "unit_name": r.get("unit_name"), "key": k,
                             "name_zh": indicator_name(k), **cells, "rank": r["ranks"].get(k)})
    return write_table_csv(path, CSV_COLUMNS, rows)


def write_region_xlsx(path: Path, region: Mapping[str, Any], county_rows: list[dict[str, Any]],
                      unit_rows: list[dict[str, Any]], keys: list[str], failed: Sequence[Mapping[str, Any]]) -> Path:
    """Sheets 各县 (counties), 各乡镇 (townships) and 未完成 (failed counties), written atomically.

    Per indicator four columns: value (number, the shared number format), grade, unknown-codes
    mark, rank.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    from greenplan.analysis.wording import excel_number_format, indicator_name, status, unit_label
    from greenplan.core.atomic import atomic_path

    wb = Workbook()
    head = Font(name="SimSun", bold=True)
    fills = {"pass": PatternFill("solid", fgColor="C6EFCE"), "fail": PatternFill("solid", fgColor="FFC7CE"),
             "ungraded": PatternFill("solid", fgColor="FFEB9C")}
    note = ("排名：1 为最好；有分级标准的指标数值越高越好，须为 0 的指标（占用、重叠、冲突）与闲置土地宗数越低越好；"
            "并列同名次；无数值不排名。")

    def sheet(ws, title: str, ids: list[tuple[str, str]], rows: list[dict[str, Any]]) -> None:
        ws.append([title])
        ws["A1"].font = Font(name="SimHei", bold=True, size=14)
        ws.append([f"区域：{region.get('name', '')}    单位：{region.get('organisation', '')}    {note}"])
        units = {}
        for r in rows:
            for k in keys:
                units.setdefault(k, (r["indicators"].get(k) or {}).get("unit"))
        header = [zh for _, zh in ids]
        for k in keys:
            name = f"{indicator_name(k)}（{unit_label(units.get(k), k)}）"
            header += [name, f"{indicator_name(k)} 等级", f"{indicator_name(k)} 未识别地类", f"{indicator_name(k)} 排名"]
        ws.append(header)
        for c in ws[3]:
            c.font, c.alignment = head, Alignment(wrap_text=True, vertical="center")
        for r in rows:
            line: list[Any] = [r.get(k) for k, _ in ids]
            views = []
            for k in keys:
                cells = _cells(k, r["indicators"].get(k))
                views.append(cells["view"])
                line += [cells["value"], cells["grade"], cells["unknown_mark"], r["ranks"].get(k)]
            ws.append(line)
            row = ws.max_row
            for j, v in enumerate(views):
                col = len(ids) + 1 + 4 * j
                ws.cell(row=row, column=col).number_format = excel_number_format(v)
                if status(v) in fills:
                    ws.cell(row=row, column=col + 1).fill = fills[status(v)]
        for c in range(1, len(header) + 1):
            ws.column_dimensions[get_column_letter(c)].width = 12 if c <= len(ids) else 11
        ws.freeze_panes = ws.cell(row=4, column=len(ids) + 1)
        ws.row_dimensions[3].height = 60
        ws.page_setup.orientation = "landscape"

    ws = wb.active
    ws.title = "各县"
    sheet(ws, f"{region.get('name', '')} 各县指标汇总与排名", [("county_code", "县代码"), ("county_name", "县名称")], county_rows)
    sheet(wb.create_sheet("各乡镇"), f"{region.get('name', '')} 各乡镇（街道）指标汇总与排名",
          [("county_code", "县代码"), ("county_name", "县名称"), ("unit_code", "乡镇代码"), ("unit_name", "乡镇名称")],
          unit_rows)
    ws = wb.create_sheet("未完成")
    ws.append(["县代码", "县名称", "项目文件", "错误代码", "错误"])
    for c in ws[1]:
        c.font = head
    for f in failed:
        err = f.get("error") or {}
        ws.append([f.get("code"), f.get("name"), f.get("project_file"), err.get("exit_code"),
                   f"{err.get('message_zh', '')} / {err.get('message_en', '')}"])
    for letter, w in zip("ABCDE", (10, 12, 50, 10, 100), strict=True):
        ws.column_dimensions[letter].width = w
    with atomic_path(path) as tmp:
        wb.save(tmp)
    return path


def region_document(region: Mapping[str, Any], counties: Sequence[Mapping[str, Any]], county_rows: list[dict[str, Any]],
                    unit_rows: list[dict[str, Any]], settings: Mapping[str, Any]) -> dict[str, Any]:
    """The ``region.json`` document (schema ``greenplan.region/1``)."""
    from greenplan import __version__

    ranks_of = {r["county_code"]: r["ranks"] for r in county_rows}
    unit_ranks = {(r["county_code"], r["unit_code"]): r["ranks"] for r in unit_rows}
    out = []
    for c in counties:
        doc = c.get("document") or {}
        by_unit = [{**u, "ranks": unit_ranks.get((c["code"], u.get("code")), {})} for u in doc.get("by_unit", [])]
        out.append({"code": c["code"], "name": c["name"], "folder": c["folder"], "project_file": c["project_file"],
                    "status": c["status"], "skipped": bool(c.get("skipped")), "error": c.get("error"),
                    "check": c.get("check"), "seconds": c.get("seconds"), "worker": c.get("worker"),
                    "crs": doc.get("crs"), "as_of": doc.get("as_of"), "indicators": doc.get("indicators"),
                    "ranks": ranks_of.get(c["code"], {}), "by_unit": by_unit, "maps": c.get("maps")})
    n_failed = sum(c["status"] == "failed" for c in counties)
    return {"schema": SCHEMA, "generator": f"greenplan {__version__}",
            "created": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
            "region": dict(region), "settings": dict(settings),
            "summary": {"counties": len(counties), "done": len(counties) - n_failed, "failed": n_failed,
                        "skipped": sum(bool(c.get("skipped")) for c in counties)},
            "counties": out}


# ----------------------------------------------------------------------------- manifest
def file_hash(path: Path) -> str:
    """SHA-256 of a file's bytes (hex)."""
    with open(path, "rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


def input_hashes(paths: Sequence[Path]) -> dict[str, str]:
    """Path -> SHA-256 of each existing file (a missing one -> ``missing``)."""
    out = {}
    for p in paths:
        try:
            out[str(p)] = file_hash(p)
        except OSError:
            out[str(p)] = "missing"
    return out


def read_manifest(out_dir: Path) -> dict[str, Any]:
    """The counties of ``OUT/manifest.json`` (folder -> entry); {} when missing or unreadable."""
    try:
        doc = json.loads((out_dir / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(doc, dict) or doc.get("schema") != MANIFEST_SCHEMA:
        return {}
    return dict(doc.get("counties") or {})


def write_manifest(out_dir: Path, counties: Mapping[str, Any]) -> Path:
    from greenplan import __version__
    from greenplan.core.atomic import write_text_atomic
    from greenplan.core.jsonio import dumps

    path = out_dir / MANIFEST
    write_text_atomic(path, dumps({"schema": MANIFEST_SCHEMA, "generator": f"greenplan {__version__}",
                                   "counties": dict(counties)}) + "\n")
    return path
