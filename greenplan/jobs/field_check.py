"""Data-check findings on attribute values: empty required fields, garbled text.

Called by :func:`greenplan.jobs.check.check_project` after loading; the measures are in
:mod:`greenplan.io.text_quality`.
"""

from __future__ import annotations

from greenplan.core.roles import ROLES
from greenplan.io.loader import LoadedProject
from greenplan.io.text_quality import blank_counts, garbled_counts

#: a required field empty in more than this share of features is a problem
BLANK_SHARE = 0.5


def add_field_issues(loaded: LoadedProject) -> None:
    """Add ``blank_required_field`` problems and ``garbled_text`` warnings to the layers' reports."""
    for lyr in loaded.layers:
        gdf, report = lyr.gdf, lyr.report
        if gdf is None or len(gdf) == 0:
            continue
        role = ROLES.get(lyr.spec.role or "")
        if role is not None:
            required = [f.name for f in role.fields if f.required]
            for name, (blank, total) in blank_counts(gdf, required).items():
                if blank / total <= BLANK_SHARE:
                    continue
                src = lyr.spec.source_field(name)
                pct = 100.0 * blank / total
                report.add(
                    "problem",
                    "blank_required_field",
                    f"Required field '{src}' (role field {name}) is empty in {blank} of {total} features ({pct:.0f} %). "
                    "Results by it (per township, per class) cannot be told apart; maps label such features "
                    "“（未命名）”. Fill the field in, or map another field.",
                    f"必需字段“{src}”（角色字段 {name}）在 {total} 个要素中有 {blank} 个为空（{pct:.0f}%）。"
                    "按该字段分列的结果（分乡镇、分地类）无法区分；地图上标注为“（未命名）”。请补全该字段或映射其他字段。",
                    field=name, source_field=src, blank=blank, total=total, share=blank / total,
                )
        for name, (bad, total, example) in garbled_counts(gdf.drop(columns=gdf.geometry.name)).items():
            pct = 100.0 * bad / total
            report.add(
                "warning",
                "garbled_text",
                f"Text in field '{name}' looks garbled in {bad} of {total} values ({pct:.1f} %), e.g. “{example}”: "
                "replacement characters or Chinese read in the wrong encoding. Set the layer's encoding "
                "(encoding = \"gbk\" or \"utf-8\"), or get a correct copy of the file.",
                f"字段“{name}”的文本有 {bad} 个（共 {total} 个，{pct:.1f}%）疑似乱码，例如“{example}”："
                "含替换字符或以错误编码读取的中文。请为该图层指定编码（encoding = \"gbk\" 或 \"utf-8\"），或获取正确的文件。",
                field=name, garbled=bad, total=total, share=bad / total, example=example,
            )
