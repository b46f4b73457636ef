"""``report``: a project in, the Word report a bureau submits out (评估报告, ``.docx``).

:func:`run_report` computes every result once (:mod:`.content`: the data check, the
``indicators.json`` document, the conflict register, the candidates and a scenario's
``scenario.json`` document), draws the maps of ``greenplan export`` at the page's width
(:mod:`.maps`), writes the sections (:mod:`.sections`) on the template
``resources/report/template.docx`` (:mod:`.docx_writer`) and saves the document atomically:
a failure or a cancel leaves no half-written file. Qt-free; the CLI and the desktop app
call this one function.
"""

from __future__ import annotations

import datetime as dt
import os
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from greenplan.core.errors import OutputError, SettingError
from greenplan.core.feedback import Feedback, SubFeedback
from greenplan.core.project import Project
from greenplan.jobs.report.maps import CHOROPLETH, CHOROPLETH_INDICATOR, REPORT_THEMES

#: every map a report can hold, in report order (``--themes`` picks among them)
MAP_IDS: tuple[str, ...] = ("greening", CHOROPLETH, "control_lines", "conflicts", "opportunities", "scenario")
#: report maps' resolution (dots per inch at their printed size)
REPORT_DPI = 200.0
LANGS = ("zh", "en")

__all__ = ["run_report", "ReportOutputs", "MAP_IDS", "REPORT_DPI", "check_output_path", "REPORT_THEMES"]


@dataclass
class ReportOutputs:
    """The written report: its path, the maps it holds and how long it took (seconds)."""

    path: Path
    maps: list[str] = field(default_factory=list)
    seconds: float = 0.0
    scenario: str | None = None


def check_output_path(out: str | os.PathLike) -> Path:
    """``out`` as a path a report can be written to.

    Raises
    ------
    OutputError
        Not a ``.docx`` name, the folder is missing or cannot be written to.
    """
    out = Path(out)
    if out.suffix.lower() != ".docx":
        raise OutputError(f"The report is a Word document: name it *.docx, not '{out.name}'.",
                          f"报告为 Word 文档，文件名应以 .docx 结尾，而不是“{out.name}”。", path=out,
                          hint_en="Give a file name ending in .docx.", hint_zh="请使用以 .docx 结尾的文件名。")
    if not out.parent.is_dir():
        raise OutputError("The output folder does not exist.", "输出文件夹不存在。", path=out.parent,
                          hint_en="Create the folder or choose another one.", hint_zh="请先创建该文件夹或另选输出位置。")
    if not os.access(out.parent, os.W_OK) or (out.exists() and not os.access(out, os.W_OK)):
        raise OutputError("The report cannot be written there (no permission).", "无权在该位置写入报告。", path=out,
                          hint_en="Choose a folder you can write to.", hint_zh="请选择有写入权限的文件夹。")
    return out


def _map_ids(themes: Sequence[str] | None) -> list[str]:
    if themes is None:
        return list(MAP_IDS)
    wanted = [t.strip() for t in themes if t and t.strip()]
    unknown = [t for t in wanted if t not in MAP_IDS]
    if unknown:
        raise SettingError(f"Unknown report map '{unknown[0]}'. Available: {', '.join(MAP_IDS)}.",
                           f"未知的报告地图“{unknown[0]}”。可用：{'、'.join(MAP_IDS)}。", key="--themes",
                           hint_en="Give map ids separated by commas (or none for no maps).",
                           hint_zh="请填写以逗号分隔的地图名称（留空则不附地图）。")
    return wanted


def run_report(project: Project, out: str | os.PathLike, *, scenario: str | None = None,
               themes: Sequence[str] | None = None, lang: str = "zh", dpi: float = REPORT_DPI,
               template: str | os.PathLike | None = None, today: dt.date | None = None,
               feedback: Feedback | None = None) -> ReportOutputs:
    """Write the planning report of ``project`` to ``out``.

    Parameters
    ----------
    project : Project
    out : path-like
        A ``.docx`` file; its folder must exist. Replaced atomically.
    scenario : str, optional
        A scenario of the project: adds chapter 6 (before/after/change, checks, map).
    themes : sequence of str, optional
        The maps to include, among :data:`MAP_IDS`; default all (the scenario map only
        with ``scenario``). An empty sequence: no maps.
    lang : {"zh", "en"}
        Language of the report.
    dpi : float
        Resolution of the maps at their printed size (page width).
    template : path-like, optional
        A Word template with the styles of ``resources/report/template.docx`` (default that one).
    today : date, optional
        The report's date on the cover (default today).
    feedback : Feedback, optional
        Progress 0-100 and cancel (checked between steps and maps).

    Returns
    -------
    ReportOutputs

    Raises
    ------
    OutputError
        ``out`` is not a .docx path, its folder is missing or not writable.
    ProjectFileError
        No scenario ``scenario``.
    SettingError
        Unknown map id or language.
    LayerSourceError, CRSError
        From loading.
    Canceled
        ``feedback`` was cancelled (nothing is written).
    """
    from greenplan.core.gcpause import paused_gc
    from greenplan.jobs.report import plan_sections as plan
    from greenplan.jobs.report import sections as sec
    from greenplan.jobs.report.content import compute_report_data
    from greenplan.jobs.report.docx_writer import DocBuilder
    from greenplan.jobs.report.maps import render_report_maps
    from greenplan.render.themes import get_theme

    t0 = time.perf_counter()
    feedback = feedback or Feedback()
    if lang not in LANGS:
        raise SettingError(f"Unknown report language '{lang}'; use zh or en.", f"未知的报告语言“{lang}”，应为 zh 或 en。",
                           key="--lang")
    out = check_output_path(out)
    ids = _map_ids(themes)
    if template is not None and not Path(template).is_file():
        raise OutputError("The report template does not exist.", "报告模板文件不存在。", path=template,
                          hint_en="Give a .docx made from resources/report/template.docx.",
                          hint_zh="请指定由 resources/report/template.docx 修改而来的 .docx 文件。")
    drawn = [get_theme(t, project.themes) for t in ids if t in REPORT_THEMES]
    with paused_gc():
        data = compute_report_data(project, scenario=scenario, themes=drawn, feedback=SubFeedback(feedback, 0, 60))
    feedback.check()
    b = DocBuilder(template=Path(template) if template else None, lang=lang)
    maps = render_report_maps(data.map_data, ids, width_mm=b.text_width_mm, dpi=dpi, lang=lang,
                              choropleth=CHOROPLETH_INDICATOR, feedback=SubFeedback(feedback, 60, 95))
    feedback.check()
    feedback.set_text("写出报告 / writing the report")
    sec.write_cover(b, data, today or dt.date.today())
    sec.write_contents(b)
    sec.write_overview(b, data)
    sec.write_indicators(b, data, maps)
    sec.write_townships(b, data, maps)
    plan.write_conflicts(b, data, maps)
    plan.write_candidates(b, data, maps)
    plan.write_scenario(b, data, maps)
    plan.write_appendix(b, data)
    _properties(b, data, lang)
    feedback.check()
    try:
        b.save(out)
    except OSError as exc:  # permission, disk full: the temporary file is gone, the old report stays
        raise OutputError(f"The report could not be written ({exc.strerror or exc}).",
                          f"报告无法写出（{exc.strerror or exc}）。", path=out,
                          hint_en="Check the folder and free space, then try again.",
                          hint_zh="请检查文件夹权限与磁盘空间后重试。") from None
    feedback.step(100, 100, "完成 / done")
    return ReportOutputs(path=out, maps=list(maps), seconds=time.perf_counter() - t0,
                         scenario=scenario)


def _properties(b: object, data: object, lang: str) -> None:
    from greenplan import __version__

    core = b.doc.core_properties  # type: ignore[attr-defined]
    project = data.project  # type: ignore[attr-defined]
    core.title = f"{project.name}" + ("绿化与国土空间管控评估报告" if lang == "zh" else " assessment report")
    core.author = str((project.metadata or {}).get("organisation") or "")
    core.comments = f"greenplan {__version__}"
    core.keywords = "GreenPlan"
