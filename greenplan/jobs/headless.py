"""The main job without a display: what ``greenplan-gui`` runs on a headless machine.

It takes the project (default: the bundled demo county) through the pipeline a planner
runs, into ``./greenplan-output``:

1. the data check (``check.json``);
2. the indicators (``indicators/``: ``indicators.json``, ``.csv``, ``.xlsx``, ``results.gpkg``);
3. the township maps (``maps/``: one A3 sheet per township for the three control lines,
   greening and conflicts themes, PDF and PNG, the combined PDF and the index).
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

from greenplan.core.atomic import write_text_atomic
from greenplan.core.errors import EXIT_INPUT, EXIT_OK, EXIT_PROBLEMS, GreenplanError
from greenplan.core.feedback import ConsoleFeedback
from greenplan.core.jsonio import dumps
from greenplan.core.project import read_project
from greenplan.core.resources import sample_dir

#: the maps of the headless run
MAP_THEMES = ("control_lines", "greening", "conflicts")
MAP_FORMATS = ("pdf", "png")


def run_main_job(project_path: Path | None = None, out_dir: Path | None = None, *,
                 themes: Sequence[str] = MAP_THEMES, formats: Sequence[str] = MAP_FORMATS,
                 map_dpi: float = 150, jobs: int | None = None) -> int:
    """Check the project, compute the indicators, draw the township maps; return an exit code.

    Parameters
    ----------
    project_path : Path, optional
        Default: the bundled demo county.
    out_dir : Path, optional
        Default: ``./greenplan-output``.
    themes, formats, map_dpi, jobs
        Of the township maps (A3 landscape); ``jobs`` worker processes (default: CPU count).

    Returns
    -------
    int
        0 done (data problems the check finds are findings, not failures), 1 some map
        failed, 2 unusable input (see :mod:`greenplan.core.errors`).
    """
    from greenplan.jobs.analyze import run_analyze
    from greenplan.jobs.batch import run_batch
    from greenplan.jobs.check import check_project, format_check

    project_path = project_path or sample_dir() / "demo_county.greenplan.toml"
    out_dir = out_dir or Path.cwd() / "greenplan-output"
    print("无显示环境：运行批处理任务 / no display: running the batch job", file=sys.stderr)
    try:
        project, warnings = read_project(project_path)
        for w in warnings:
            print(f"warning / 警告: {w}", file=sys.stderr)
        fb = ConsoleFeedback()
        report = check_project(project, feedback=fb)
        fb.finish()
        print(format_check(report, "zh"))
        if report.exit_code == EXIT_INPUT:
            return EXIT_INPUT
        out_dir.mkdir(parents=True, exist_ok=True)
        write_text_atomic(out_dir / "check.json", dumps(report.to_dict()))
        print(f"已写出 / written: {out_dir / 'check.json'}", file=sys.stderr)

        print("计算指标 / computing the indicators", file=sys.stderr)
        fb = ConsoleFeedback()
        try:
            analysis = run_analyze(project, out_dir / "indicators", feedback=fb)
        finally:
            fb.finish()
        for path in analysis.files.values():
            print(f"已写出 / written: {path}", file=sys.stderr)

        print("按乡镇批量制图 / drawing the township maps", file=sys.stderr)
        fb = ConsoleFeedback()
        try:
            maps = run_batch(project, out_dir / "maps", themes=themes, formats=formats, paper="A3",
                             orientation="landscape", dpi=map_dpi, jobs=jobs, feedback=fb,
                             precomputed=(analysis.document, analysis.features))
        finally:
            fb.finish()
        print(maps.summary())
    except GreenplanError as exc:
        print(f"错误 / error: {exc.bilingual()}", file=sys.stderr)
        return exc.exit_code
    # data problems found by the check are findings for the planner, not a failure of the job
    return EXIT_PROBLEMS if maps.exit_code else EXIT_OK
