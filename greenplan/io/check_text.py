"""The data check as text: one table row per layer, the control lines, the findings.

Works on the ``greenplan.check/1`` document (``CheckReport.to_dict()``), so whatever
shows a check (CLI, GUI log, a saved JSON) renders it the same way. Columns are padded
by display width, so Chinese names (two columns per character) line up in a console.
"""

from __future__ import annotations

from typing import Any

from greenplan.core.roles import ROLES
from greenplan.core.text import display_width, fit

_T = {
    "title": ("GreenPlan data check", "GreenPlan 数据检查"),
    "file": ("Project file", "项目文件"),
    "crs": ("Working CRS", "工作坐标系"),
    "head": (("#", "Layer", "Role", "Status", "Format", "Encoding", "CRS", "Features", "Geometry"),
             ("#", "图层", "角色", "状态", "格式", "编码", "坐标系", "要素数", "几何类型")),
    "control": ("Control lines (overlap must be 0 m²; pieces under {s:g} m² are slivers):",
                "三条控制线（相互重叠面积应为 0；小于 {s:g} 平方米的碎片按容差不计）："),
    "findings": ("Findings:", "检查发现："),
    "none": ("No problems found.", "未发现问题。"),
    "result": ("Result: {e} errors, {p} problems, {w} warnings (exit code {x}).",
               "结果：{e} 个错误，{p} 个问题，{w} 个警告（退出码 {x}）。"),
    "project": ("project", "项目"),
    "guessed": (" (guessed)", "（推测）"),
    "nocrs": ("none", "无"),
    "error": ("Error", "错误"),
}
_STATUS = {
    "en": {"ok": "ok", "info": "ok", "warning": "warning", "problem": "PROBLEM", "error": "ERROR"},
    "zh": {"ok": "正常", "info": "正常", "warning": "警告", "problem": "有问题", "error": "错误"},
}
_HOW = {
    "en": {"project": "project", "settings": "settings", "auto": "automatic", "cpg": ".cpg", "ldid": "DBF byte",
           "utf8_check": "detected", "gb18030_fallback": "detected", "override": "set", "ascii": "ASCII", "format": ""},
    "zh": {"project": "项目设置", "settings": "设置", "auto": "自动", "cpg": ".cpg", "ldid": "DBF标记",
           "utf8_check": "检测", "gb18030_fallback": "检测", "override": "指定", "ascii": "ASCII", "format": ""},
}


def _t(key: str, lang: str) -> Any:
    return _T[key][1 if lang == "zh" else 0]


_fit = fit


def _table(rows: list[list[str]], limits: list[int]) -> list[str]:
    widths = [min(lim, max(display_width(r[i]) for r in rows)) for i, lim in enumerate(limits)]
    return ["  ".join(_fit(cell, w) for cell, w in zip(r, widths, strict=True)).rstrip() for r in rows]


def _cells(lyr: dict[str, Any], lang: str) -> list[str]:
    role = lyr["role"] or "-"
    if lang == "zh" and lyr["role"] in ROLES:
        role = ROLES[lyr["role"]].zh
    enc = lyr.get("encoding")
    enc_text = "-"
    if enc:
        how = _HOW[lang].get(enc["how"], enc["how"])
        enc_text = enc["encoding"] + ("?" if enc["uncertain"] else "") + (f" ({how})" if how else "")
    crs = lyr.get("crs") or {}
    crs_text = crs.get("crs") or _t("nocrs", lang)
    if crs.get("how") == "guessed":
        crs_text += _t("guessed", lang)
    raster = lyr.get("raster")
    if raster:
        count = f"{raster['width']}×{raster['height']} px"
        geom = f"{raster['bands']}×{raster['dtype']}"
    else:
        total, loaded = lyr.get("feature_count"), lyr.get("loaded_count")
        count = "-" if total is None and loaded is None else (
            f"{loaded}/{total}" if loaded is not None and total is not None and loaded != total else str(total if total is not None else loaded))
        types = sorted(lyr.get("geometry_types", {}).items(), key=lambda kv: -kv[1])
        geom = "/".join(k for k, _ in types[:2]) + ("…" if len(types) > 2 else "") or "-"
    status = _STATUS[lang][lyr["status"]]
    return [str(lyr["index"]), lyr["name"], role, status, lyr.get("format") or "-", enc_text, crs_text, count, geom]


def _control_line(c: dict[str, Any], lang: str, sliver: float) -> str:
    zh = lang == "zh"
    a, b = (ROLES[c["a"]].zh, ROLES[c["b"]].zh) if zh else (c["a"], c["b"])
    head = f"  {a} ∩ {b}" + ("：" if zh else ": ")
    if c.get("pass") is None:
        missing = c.get("missing") or []
        names = "、".join(ROLES[r].zh for r in missing) if zh else " / ".join(missing)
        return head + (f"未检查（缺少{names}图层）" if zh else f"not checked (no {names} layer)")
    if zh:
        text = f"{c['area_m2']:,.1f} 平方米，{c['pieces']} 处 — " + ("通过" if c["pass"] else "不通过")
        if c["slivers"]:
            text += f"（另有 {c['slivers']} 处小于 {sliver:g} 平方米的细碎重叠，共 {c['sliver_m2']:.3f} 平方米）"
    else:
        text = f"{c['area_m2']:,.1f} m² in {c['pieces']} pieces — " + ("pass" if c["pass"] else "FAIL")
        if c["slivers"]:
            text += f" (+{c['slivers']} slivers under {sliver:g} m², {c['sliver_m2']:.3f} m² in all)"
    return head + text


#: info findings the text lists too (what a raster is read as is a decision the user must see)
SHOWN_INFO = ("raster_kind",)


def render_check(doc: dict[str, Any], lang: str = "en") -> str:
    """Text for a ``greenplan.check/1`` document, in English (``en``) or Chinese (``zh``)."""
    zh = lang == "zh"
    colon = "：" if zh else ": "
    if doc.get("error"):
        err = doc["error"]
        return f"{_t('error', lang)}{colon}{err['message_zh'] if zh else err['message_en']}"
    lines = [f"{_t('title', lang)}{colon}{doc['project']}"]
    if doc.get("project_file"):
        lines.append(f"{_t('file', lang)}{colon}{doc['project_file']}")
    how = _HOW[lang].get(doc.get("crs_how") or "", doc.get("crs_how") or "")
    crs = f"{doc['crs']}（{how}）" if zh and how else (f"{doc['crs']} ({how})" if how else str(doc["crs"]))
    if not doc.get("crs_rejected"):  # the CRS asked for was refused: an error below, no header
        lines.append(f"{_t('crs', lang)}{colon}{crs}")
    lines.append("")
    if doc["layers"]:
        rows = [list(_t("head", lang))] + [_cells(lyr, lang) for lyr in doc["layers"]]
        lines += _table(rows, [3, 24, 22, 8, 14, 20, 24, 13, 24])
        lines.append("")
    lines.append(_t("control", lang).format(s=doc["sliver_m2"]))
    lines += [_control_line(c, lang, doc["sliver_m2"]) for c in doc["control_lines"]]
    lines.append("")
    names = {lyr["index"]: lyr["name"] for lyr in doc["layers"]}
    shown = [i for i in doc["issues"] if i["level"] in ("error", "problem", "warning") or i["code"] in SHOWN_INFO]
    if shown:
        lines.append(_t("findings", lang))
        for i in shown:
            where = f"#{i['layer']} {names.get(i['layer'], '')}" if i["layer"] is not None else _t("project", lang)
            text = i["message_zh"] if zh else i["message_en"]
            level = ("信息" if zh else "info") if i["level"] == "info" else _STATUS[lang][i["level"]]
            lines.append(f"  [{where}] {level}{colon}{text}")
    else:
        lines.append(_t("none", lang))
    s = doc["summary"]
    lines.append("")
    lines.append(_t("result", lang).format(e=s["errors"], p=s["problems"], w=s["warnings"], x=doc["exit_code"]))
    return "\n".join(lines)
