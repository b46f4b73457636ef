"""The batch export's workers: the task function and the executors that run it.

:func:`render_township` draws one township's map of one theme in each format asked for
(the sheet decided by :func:`greenplan.jobs.sheet.township_sheet`, as ``greenplan export
--unit`` and the desktop preview do); it is what an executor runs. It takes a plain ``dict`` (picklable,
JSON-like) and returns one, so any :class:`concurrent.futures.Executor` (a local process
pool, a thread pool, a distributed executor) can run it. The project is loaded once per
worker process, from the project document the task carries, into a module-level cache
(:func:`init_worker` warms it when the pool starts), with the indicators documents and the
result layers the parent wrote (``indicators``: a JSON file ``{"doc", "scenario_doc"}``;
``results``: a GeoPackage); no GeoDataFrame travels with a task.

Task::

    {"context": {"key", "project", "project_file", "themes", "results", "indicators"},
     "unit": {"fid", "pos", "code", "name"}, "theme", "margin",
     "paper", "orientation", "dpi", "outputs": [{"format", "path"}, ...]}

Result::

    {"unit": {...}, "theme", "outputs": [{"format", "path", "status", "error"}, ...],
     "seconds", "pid", "peak_rss_mb"}

:func:`run_tasks` runs the tasks in a given executor, a ``spawn`` process pool, or this
process (:class:`SerialExecutor`), with progress and cancel.
"""

from __future__ import annotations

import concurrent.futures as cf
import copy
import os
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from greenplan.core.errors import Canceled, GreenplanError
from greenplan.core.feedback import Feedback

_CACHE: dict[str, Any] = {}
_LOCK = threading.Lock()


def error_text(exc: BaseException) -> str:
    """One line for the index and the summary: Chinese / English for our errors."""
    if isinstance(exc, GreenplanError):
        return f"{exc.message('zh')} / {exc.message('en')}"
    return f"{type(exc).__name__}: {exc}"


def read_results(path: str | os.PathLike | None) -> dict[str, Any]:
    """The analysis-result layers the parent wrote for the workers (name -> GeoDataFrame)."""
    if not path or not Path(path).exists():
        return {}
    import pyogrio

    return {name: pyogrio.read_dataframe(path, layer=name) for name, _ in pyogrio.list_layers(path)}


def read_documents(path: str | os.PathLike | None) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
    """The indicators documents the parent wrote for the workers: (current, with the scenario)."""
    if not path or not Path(path).exists():
        return None, None
    import json

    docs = json.loads(Path(path).read_text(encoding="utf-8"))
    return docs.get("doc"), docs.get("scenario_doc")


def map_data(context: dict[str, Any]) -> Any:
    """The :class:`~greenplan.jobs.sheet.MapData` of ``context``, loaded once per process."""
    from greenplan.core.project import parse_project
    from greenplan.jobs.export import load_map_data, panel_gap_notes
    from greenplan.render.themes import get_theme

    key = context["key"]
    with _LOCK:
        if key not in _CACHE:
            _CACHE.clear()  # one project per worker at a time
            project, _ = parse_project(copy.deepcopy(context["project"]), Path(context["project_file"]))
            themes = [get_theme(t, project.themes) for t in context["themes"]]
            data = load_map_data(project, themes, compute=False, features=read_results(context.get("results")))
            data.doc, data.scenario_doc = read_documents(context.get("indicators"))
            data.left_out += [n for n in panel_gap_notes(data.doc, themes) if n not in data.left_out]
            _CACHE[key] = data
        return _CACHE[key]


def clear_cache() -> None:
    """Forget the loaded project (frees its memory in this process)."""
    with _LOCK:
        _CACHE.clear()


def apply_thread_budget(task: dict[str, Any]) -> None:
    """Hold this worker process to the task's ``threads`` (set by whoever runs one worker per
    core: :func:`run_tasks`, ``greenplan region``); a task run in the caller's own process
    has none and leaves the process as it is."""
    if task.get("threads"):
        from greenplan.core.parallel import set_thread_budget

        set_thread_budget(task["threads"])


def init_worker(context: dict[str, Any], threads: int | None = None) -> None:
    """Pool initializer: load the project now. A failure is left for the tasks to report
    (an initializer that raises would break the whole pool). Ctrl+C is left to the parent,
    which cancels the maps not yet started."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    apply_thread_budget({"threads": threads})
    try:
        map_data(context)
    except Exception:  # noqa: BLE001 - each task retries and reports the error
        pass


def _peak_rss_mb() -> float | None:
    try:
        import resource
    except ImportError:  # Windows
        return None
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def task_sheet(task: dict[str, Any]) -> tuple[Any, Any]:
    """(:class:`~greenplan.jobs.sheet.MapData`, :class:`~greenplan.jobs.sheet.SheetSpec`) of a task's township and theme.

    Raises
    ------
    MissingLayerError
        The project has no admin units layer.
    GeometryTypeError
        The township's boundary was dropped on loading or is degenerate.
    """
    from greenplan.jobs.sheet import township_sheet
    from greenplan.render.themes import get_theme

    data = map_data(task["context"])
    theme = get_theme(task["theme"], data.project.themes)
    return data, township_sheet(data, theme, task["unit"], margin=task["margin"])


def render_township(task: dict[str, Any]) -> dict[str, Any]:
    """Draw one township's map of one theme and save it in every format of the task.

    Never raises for a township that cannot be drawn: its outputs come back ``failed``
    with the error, so the other townships are still written.
    """
    from greenplan.jobs.sheet import draw_sheet
    from greenplan.render.export import save_map

    t0 = time.perf_counter()
    apply_thread_budget(task)
    outputs = [{**o, "status": "failed", "error": ""} for o in task["outputs"]]
    unit = task["unit"]
    try:
        data, spec = task_sheet(task)
        paper = task["paper"] if isinstance(task["paper"], str) else tuple(task["paper"])
        fig = draw_sheet(data, spec, paper=paper, orientation=task["orientation"], dpi=task["dpi"])
        for out in outputs:
            try:
                save_map(fig, out["path"], fmt=out["format"])
                out["status"] = "written"
            except Exception as exc:  # noqa: BLE001 - one format failing does not stop the others
                out["error"] = error_text(exc)
    except Exception as exc:  # noqa: BLE001 - reported per township, never raised to the pool
        for out in outputs:
            out["error"] = error_text(exc)
    return {"unit": unit, "theme": task["theme"], "outputs": outputs, "seconds": time.perf_counter() - t0,
            "pid": os.getpid(), "peak_rss_mb": _peak_rss_mb()}


# ----------------------------------------------------------------------------- executors
class SerialExecutor(cf.Executor):
    """Runs tasks in this process, one at a time, as :func:`run_tasks` reaches them (``jobs=1``).

    Deferred rather than run at ``submit`` so that cancel is checked between tasks.
    """

    def __init__(self) -> None:
        self._shutdown = False

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> cf.Future:
        if self._shutdown:
            raise RuntimeError("cannot schedule new futures after shutdown")
        fut: cf.Future = cf.Future()
        fut._greenplan_call = (fn, args, kwargs)  # type: ignore[attr-defined]
        return fut

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        self._shutdown = True

    @staticmethod
    def run(fut: cf.Future) -> None:
        """Run a pending future's call (no-op once done or cancelled)."""
        if not fut.set_running_or_notify_cancel():
            return
        fn, args, kwargs = fut._greenplan_call  # type: ignore[attr-defined]
        try:
            fut.set_result(fn(*args, **kwargs))
        except BaseException as exc:  # noqa: BLE001 - handed to the caller through the future
            fut.set_exception(exc)


def _failed_result(task: dict[str, Any], exc: BaseException) -> dict[str, Any]:
    return {"unit": task["unit"], "theme": task["theme"], "seconds": 0.0, "pid": None, "peak_rss_mb": None,
            "outputs": [{**o, "status": "failed", "error": error_text(exc)} for o in task["outputs"]]}


def run_tasks(tasks: list[dict[str, Any]], executor: cf.Executor | None, jobs: int | None,
              feedback: Feedback) -> list[dict[str, Any]]:
    """Run ``render_township`` on every task; the results in completion order.

    ``executor`` None: a ``spawn`` process pool of ``jobs`` workers (default CPU count),
    or this process for one. A failure of the executor itself (a worker died, a task
    could not be sent) fails that task's outputs. Cancel (``feedback``) or Ctrl+C
    cancels the pending tasks and raises.
    """
    from greenplan.core.parallel import cpu_count, process_pool

    own = executor is None
    if executor is None:
        n = max(1, min(jobs or cpu_count(), len(tasks)))
        # each of n worker processes keeps to its share of the cores (one thread each when
        # there are as many workers as cores); a single worker is this process, unlimited
        threads = max(1, cpu_count() // n) if n > 1 else None
        tasks = [{**t, "threads": threads} for t in tasks]
        executor = SerialExecutor() if n == 1 else process_pool(n, initializer=init_worker,
                                                                 initargs=(tasks[0]["context"], threads))
    else:  # an engine's workers (Dask: one task per worker thread)
        tasks = [{**t, "threads": 1} for t in tasks]
    futures = {executor.submit(render_township, t): t for t in tasks}
    out: list[dict[str, Any]] = []

    def collect(fut: cf.Future) -> None:
        try:
            res = fut.result()
        except Exception as exc:  # noqa: BLE001 - reported as that township's failure
            res = _failed_result(futures[fut], exc)
        out.append(res)
        feedback.push_result(res)  # the GUI lists each map as it finishes
        u = res["unit"]
        feedback.set_text(f"{u.get('name') or u.get('code') or ''} · {res['theme']}")

    pending = set(futures)
    canceled = False
    try:
        if isinstance(executor, SerialExecutor):
            for fut in futures:
                feedback.check()
                SerialExecutor.run(fut)
                pending.discard(fut)
                collect(fut)
                feedback.step(len(out), len(tasks))
        while pending:
            done, pending = cf.wait(pending, timeout=0.25, return_when=cf.FIRST_COMPLETED)
            for fut in done:
                collect(fut)
            feedback.step(len(out), len(tasks))
    except (Canceled, KeyboardInterrupt):
        canceled = True
        for fut in pending:
            fut.cancel()
        raise
    finally:
        if own:
            executor.shutdown(wait=not canceled, cancel_futures=True)
    return out
