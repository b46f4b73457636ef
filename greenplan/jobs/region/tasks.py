"""The region's plain task functions: what a Dask worker (or this process) runs.

Like :func:`greenplan.jobs._batch_worker.render_township`, each takes plain data (a
``dict`` of strings, numbers and the project document) and returns plain data, so any
executor can run it; workers read their inputs from the paths in the task. No Qt, no
open file, no GeoDataFrame travels.

Task of :func:`analyze_county`::

    {"county": {"code", "name", "folder"}, "project": <project document>, "project_file",
     "out_dir": OUT, "stage_dir": OUT/.greenplan-region}

Result::

    {"county": {...}, "status": "done" | "failed", "document": <indicators.json> | None,
     "check": {"status", "summary"} | None, "files": [name, ...],
     "error": {"error", "exit_code", "message_en", "message_zh", ...} | None,
     "seconds", "pid", "host", "peak_rss_mb", "threads"}   # threads: the task's thread budget
"""

from __future__ import annotations

import copy
import os
import shutil
import socket
import time
import uuid
from pathlib import Path
from typing import Any

from greenplan.core.errors import EXIT_INTERNAL, GreenplanError

#: the files ``analyze`` may write into a county folder (others there are left alone)
ANALYZE_FILES = ("indicators.json", "indicators.csv", "indicators.xlsx", "results.gpkg",
                 "conflicts.csv", "conflicts.xlsx", "check.json")


def error_info(exc: BaseException) -> dict[str, Any]:
    """The error as plain data: the fields of :meth:`GreenplanError.to_dict` and its exit code."""
    if isinstance(exc, GreenplanError):
        return {**exc.to_dict(), "exit_code": exc.exit_code}
    text = f"{type(exc).__name__}: {exc}"
    return {"error": type(exc).__name__, "path": None, "layer": None, "field": None, "key": None,
            "exit_code": EXIT_INTERNAL, "message_en": f"internal error: {text}", "message_zh": f"内部错误：{text}"}


def _peak_rss_mb() -> float | None:
    try:
        import resource
    except ImportError:  # Windows
        return None
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def _readable(path: Path) -> str | None:
    """None when ``path`` can be read here, else why not."""
    try:
        if path.is_dir():
            os.listdir(path)
        else:
            with open(path, "rb") as fh:
                fh.read(1)
    except OSError as exc:
        return exc.strerror or str(exc)
    return None


def probe_paths(paths: list[str], out_dir: str | None = None) -> dict[str, Any]:
    """On a worker: which of ``paths`` it cannot read, and whether it can write ``out_dir``.

    Returns ``{"host", "pid", "unreadable": [[path, reason], ...], "unwritable": reason | None}``.
    """
    bad = [[p, why] for p in paths if (why := _readable(Path(p))) is not None]
    unwritable = None
    if out_dir is not None:
        probe = Path(out_dir) / f".probe-{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:6]}"
        try:
            probe.write_bytes(b"")
            probe.unlink()
        except OSError as exc:
            unwritable = exc.strerror or str(exc)
    return {"host": socket.gethostname(), "pid": os.getpid(), "unreadable": bad, "unwritable": unwritable}


def analyze_county(task: dict[str, Any]) -> dict[str, Any]:
    """Check and analyze one county (as ``greenplan check`` and ``greenplan analyze``); write its
    outputs into ``OUT/<code>_<name>/``.

    The outputs are written into a staging folder under ``stage_dir`` first and moved into
    the county folder only once all are written, so a worker lost or a run cancelled
    mid-county leaves no half-written file there. Never raises for unusable data: the
    result is ``failed`` with the error ``analyze`` would have given.
    """
    from greenplan.core.gcpause import paused_gc
    from greenplan.core.jsonio import dumps
    from greenplan.core.project import parse_project
    from greenplan.jobs._batch_worker import apply_thread_budget
    from greenplan.jobs.analyze import run_analyze
    from greenplan.jobs.check import check_project

    t0 = time.perf_counter()
    out: dict[str, Any] = {"county": task["county"], "status": "failed", "document": None, "check": None,
                           "files": [], "error": None}
    stage = Path(task["stage_dir"]) / f"{task['county']['folder']}.{uuid.uuid4().hex[:10]}"
    apply_thread_budget(task)
    try:
        project, _ = parse_project(copy.deepcopy(task["project"]), Path(task["project_file"]))
        stage.mkdir(parents=True)
        with paused_gc():
            report = check_project(project).to_dict()
            out["check"] = {"status": report["status"], "summary": report["summary"]}
            analysis = run_analyze(project, stage)
        from greenplan.core.atomic import write_text_atomic

        write_text_atomic(stage / "check.json", dumps(report) + "\n")
        final = Path(task["out_dir"]) / task["county"]["folder"]
        final.mkdir(parents=True, exist_ok=True)
        written = sorted(p.name for p in stage.iterdir() if p.is_file() and not p.name.startswith("."))
        for name in ANALYZE_FILES:  # a file of an earlier run that this run did not write
            if name not in written and (final / name).exists():
                (final / name).unlink()
        for name in written:
            os.replace(stage / name, final / name)
        out.update(status="done", document=analysis.document, files=written)
    except Exception as exc:  # noqa: BLE001 - reported as the county's failure, never raised to the scheduler
        out["error"] = error_info(exc)
    finally:
        shutil.rmtree(stage, ignore_errors=True)
    from greenplan.core.parallel import cores

    out.update(seconds=time.perf_counter() - t0, pid=os.getpid(), host=socket.gethostname(),
               peak_rss_mb=_peak_rss_mb(), threads=cores())
    return out
