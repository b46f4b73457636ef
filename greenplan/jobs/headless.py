"""The main job without a display: what ``greenplan-gui`` runs on a headless machine.

It takes the project (default: the bundled demo county) through the pipeline a planner
runs: data check, then the outputs this version can produce, into ``./greenplan-output``.
"""

from __future__ import annotations

import sys
from pathlib import Path

from greenplan.core.atomic import write_text_atomic
from greenplan.core.errors import EXIT_INPUT, EXIT_OK, GreenplanError
from greenplan.core.feedback import ConsoleFeedback
from greenplan.core.jsonio import dumps
from greenplan.core.project import read_project
from greenplan.core.resources import sample_dir


def run_main_job(project_path: Path | None = None, out_dir: Path | None = None) -> int:
    """Check the project and write the outputs; return an exit code (see core.errors)."""
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
    except GreenplanError as exc:
        print(f"错误 / error: {exc.bilingual()}", file=sys.stderr)
        return exc.exit_code
    if report.exit_code == EXIT_INPUT:
        return EXIT_INPUT
    out_dir.mkdir(parents=True, exist_ok=True)
    write_text_atomic(out_dir / "check.json", dumps(report.to_dict()))
    print(f"已写出 / written: {out_dir / 'check.json'}", file=sys.stderr)
    # data problems found by the check are findings for the planner, not a failure of the job
    return EXIT_OK
