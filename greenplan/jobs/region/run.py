"""``greenplan region``: check, analyze and (optionally) map every county of a region.

Into ``out_dir``::

    <code>_<name>/                 each county's own outputs: indicators.*, results.gpkg,
                                   conflicts.*, check.json; with maps, maps/ as ``greenplan batch``
    region_indicators.xlsx, .csv   every county and township, indicator, grade, unknown mark, rank
    region.json                    the same as a document (schema greenplan.region/1)
    region_overview.pdf, .png      the counties coloured by one indicator, breaks in the legend
    manifest.json                  per county: input hashes, settings, status (for --resume)

The client (this process) reads the region and each county's project file, then sends
one plain task per county (:func:`~greenplan.jobs.region.tasks.analyze_county`) to the
engine (:mod:`greenplan.jobs.region.engine`); with maps, as soon as a county is analysed,
its township maps go to the same engine as one task per township and theme
(:func:`greenplan.jobs.batch.run_batch` with the engine's executor). Finished counties are
in their folders and in the manifest at once, so a lost worker or a cancel loses no
finished county; a county whose data is unusable is reported with ``analyze``'s error
and the others finish.
"""

from __future__ import annotations

import concurrent.futures as cf
import copy
import json
import os
import shutil
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from greenplan.core.errors import EXIT_OK, EXIT_PROBLEMS, Canceled, OutputError
from greenplan.core.feedback import Feedback
from greenplan.core.project import Project
from greenplan.jobs.region import outputs as ro
from greenplan.jobs.region.regionfile import Region, load_region

STAGE_DIR = ".greenplan-region"
DEFAULT_INDICATOR = "green_coverage_vector"


@dataclass
class RegionResult:
    """What :func:`run_region` did: one dict per county (``code``, ``name``, ``folder``,
    ``status`` done/failed, ``skipped``, ``error``, ``document``, ``seconds``, ``worker``,
    ``maps``), the files written, the engine's dashboard and the wall times."""

    out_dir: Path
    region: Region
    counties: list[dict[str, Any]] = field(default_factory=list)
    files: dict[str, Path] = field(default_factory=dict)
    dashboard: str | None = None
    workers: int = 0
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def failed(self) -> list[dict[str, Any]]:
        return [c for c in self.counties if c["status"] == "failed"]

    @property
    def maps_failed(self) -> int:
        return sum((c.get("maps") or {}).get("failed", 0) for c in self.counties)

    @property
    def exit_code(self) -> int:
        """0: every county (and map) done; 1: some county or map failed (the others are written)."""
        return EXIT_PROBLEMS if self.failed or self.maps_failed else EXIT_OK

    def summary(self) -> str:
        n, f = len(self.counties), len(self.failed)
        s = sum(bool(c.get("skipped")) for c in self.counties)
        lines = [f"区域运行：{n} 个县，完成 {n - f} 个（其中 {s} 个未变化、跳过），失败 {f} 个。输出文件夹：{self.out_dir}",
                 f"region: {n} counties, {n - f} done ({s} unchanged, skipped), {f} failed. Output folder: {self.out_dir}"]
        maps = [c["maps"] for c in self.counties if c.get("maps")]
        if maps:
            w, k, mf = (sum(m.get(x, 0) for m in maps) for x in ("written", "skipped", "failed"))
            lines.append(f"乡镇专题图：写出 {w} 个，跳过 {k} 个，失败 {mf} 个 / township maps: {w} written, {k} skipped, {mf} failed")
        if self.failed:
            lines.append("失败 / failed:")
        for c in self.failed:
            err = c.get("error") or {}
            lines.append(f"  {c['code']} {c['name']} (exit {err.get('exit_code')}): {err.get('message_zh', '')}")
            lines.append(f"      {err.get('message_en', '')}")
        for c in self.counties:
            if (c.get("maps") or {}).get("failed"):
                lines.append(f"  {c['code']} {c['name']}: {c['maps']['failed']} 幅图失败 / maps failed (见 / see "
                             f"{c['folder']}/maps/index.csv)")
        return "\n".join(lines)


class _MapCounter(Feedback):
    """A county's map progress; shares the run's cancel.

    :func:`~greenplan.jobs._batch_worker.run_tasks` names each finished map
    (``township · theme``) through ``set_text``: one call per map.
    """

    def __init__(self, parent: Feedback, on_step: Callable[[], None]) -> None:
        super().__init__()
        self._cancel = parent._cancel
        self.done = 0
        self._on_step = on_step

    def set_text(self, text: str) -> None:
        super().set_text(text)
        if " · " in text:
            self.done += 1
            self._on_step()


def _source_files(project: Project, project_file: Path) -> list[Path]:
    from greenplan.jobs._batch_outputs import source_files

    files = [project_file]
    for lyr in project.layers:
        files += [p for p in source_files(Path(lyr.source)) if p not in files]
    return files


def _plan(region: Region, loader: Callable[[Path], Project], sets: Sequence[str], options: dict[str, Any]) -> list[dict[str, Any]]:
    """One dict per county: code, name, folder, project document, inputs, settings hash (or error)."""
    from greenplan import __version__
    from greenplan.core.paths import safe_file_name
    from greenplan.core.project import project_to_dict
    from greenplan.jobs.region.tasks import error_info

    plan, used = [], set()
    for i, ref in enumerate(region.counties):
        c: dict[str, Any] = {"index": i, "project_file": str(ref.project_file), "status": "todo", "error": None,
                             "skipped": False, "document": None, "check": None, "maps": None}
        try:
            project = loader(ref.project_file)
            c["code"] = ref.code or str(project.metadata.get("admin_code") or "") or f"C{i + 1:02d}"
            c["name"] = ref.name or project.name or ref.project_file.name.removesuffix(".greenplan.toml")
            c["project"] = project_to_dict(project, ref.project_file.parent)
            c["inputs"] = ro.input_hashes(_source_files(project, ref.project_file))
            c["settings"] = {"version": __version__, "project": c["project"], "sets": list(sets)}
            c["settings_hash"] = ro.options_hash(c["settings"])
            c["maps_hash"] = ro.options_hash({**c["settings"], **options}) if options.get("maps") else None
        except Exception as exc:  # noqa: BLE001 - a county whose project cannot be read fails alone
            c.setdefault("code", ref.code or f"C{i + 1:02d}")
            c.setdefault("name", ref.name or ref.project_file.name.removesuffix(".greenplan.toml"))
            c.update(status="failed", error=error_info(exc))
        folder = safe_file_name(f"{c['code']}_{c['name']}")
        if folder.lower() in used:
            folder = f"{folder}_{i + 1}"
        used.add(folder.lower())
        c["folder"] = folder
        plan.append(c)
    return plan


def _resume(c: dict[str, Any], entry: dict[str, Any] | None, out_dir: Path, maps: bool) -> None:
    """Mark ``c`` skipped when the manifest says its inputs and settings are unchanged."""
    if not entry or c["status"] != "todo":
        return
    doc_path = out_dir / c["folder"] / "indicators.json"
    if entry.get("status") != "done" or entry.get("inputs") != c["inputs"] or \
            entry.get("settings_hash") != c["settings_hash"] or not doc_path.is_file():
        return
    try:
        c["document"] = json.loads(doc_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return
    c.update(status="done", skipped=True, check=entry.get("check"), seconds=0.0, worker=None)
    m = entry.get("maps") or {}
    if maps and m.get("hash") == c["maps_hash"] and not m.get("failed"):
        c["maps"] = {"hash": m["hash"], "written": 0, "skipped": m.get("written", 0) + m.get("skipped", 0), "failed": 0}


def _entry(c: dict[str, Any]) -> dict[str, Any]:
    return {"code": c["code"], "name": c["name"], "project_file": c["project_file"], "status": c["status"],
            "inputs": c.get("inputs"), "settings": c.get("settings"), "settings_hash": c.get("settings_hash"),
            "check": c.get("check"), "maps": c.get("maps"),
            "error": c.get("error")}


def run_region(region: Region | str | os.PathLike, out_dir: str | os.PathLike, *,
               loader: Callable[[Path], Project] | None = None, sets: Sequence[str] = (),
               workers: int | None = None, scheduler: str | None = None, engine: Any = None,
               maps: bool = False, themes: str | Sequence[str] = ("control_lines",),
               formats: str | Sequence[str] = ("pdf",), paper: str = "A3", dpi: float = 300,
               resume: bool = False, indicator: str = DEFAULT_INDICATOR, overview: bool = True,
               on_start: Callable[[Any], None] | None = None, feedback: Feedback | None = None) -> RegionResult:
    """Check and analyze every county of ``region`` (and draw its township maps) on an engine.

    Parameters
    ----------
    region : Region or path-like
        A region (:func:`~greenplan.jobs.region.regionfile.load_region`), a region file or a folder.
    out_dir : path-like
        Created if missing; every worker must be able to write to it (a shared drive).
    loader : callable, optional
        Path -> :class:`~greenplan.core.project.Project` (the CLI applies ``--set`` here);
        default: :func:`~greenplan.core.project.read_project`.
    sets : sequence of str
        The ``--set`` options (recorded in the manifest; a change recomputes).
    workers, scheduler
        A LocalCluster of ``workers`` single-threaded processes (default one per core), or the
        running Dask scheduler at ``scheduler``; ``workers=0``: this process. Ignored with ``engine``.
    engine : optional
        An open engine (:func:`~greenplan.jobs.region.engine.open_engine`), not closed here.
    maps, themes, formats, paper, dpi
        Draw every township's maps of ``themes`` (as ``greenplan batch``) into ``<county>/maps``.
    resume : bool
        Skip counties whose inputs and settings are unchanged since the manifest was written.
    indicator : str
        The indicator of the region overview map; ``overview`` False: no overview map.
    on_start : callable, optional
        Called with the engine once its workers can read every project (the CLI prints the dashboard).
    feedback : Feedback, optional
        Progress text ``counties done/failed, maps done/failed``; cancel stops the run.

    Returns
    -------
    RegionResult
        ``exit_code`` 1 when some county or map failed (the others are written).

    Raises
    ------
    ProjectFileError
        The region file is unusable.
    EngineError
        Dask missing, scheduler unreachable, or a worker cannot read a project (nothing is run).
    OutputError
        The output folder cannot be created or written.
    Canceled
        Cancel or Ctrl+C: pending tasks are cancelled; finished counties stay; no half-written file.
    """
    from greenplan.jobs.batch import normalize_formats

    t0 = time.perf_counter()
    feedback = feedback or Feedback()
    region = region if isinstance(region, Region) else load_region(region)
    out_dir = Path(out_dir).absolute()
    if loader is None:
        from greenplan.core.project import read_project

        def loader(p: Path) -> Project:
            return read_project(p)[0]
    fmts = normalize_formats(formats) if maps else []
    theme_ids = ([t.strip() for t in themes.split(",") if t.strip()] if isinstance(themes, str) else list(themes)) if maps else []
    options = {"maps": maps, "themes": theme_ids, "formats": fmts, "paper": paper, "dpi": dpi}
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"The output folder cannot be created ({exc.strerror}).", f"无法创建输出文件夹（{exc.strerror}）。",
                          path=out_dir) from None
    result = RegionResult(out_dir=out_dir, region=region)
    feedback.set_text("读取各县项目 / reading the counties")
    counties = _plan(region, loader, sets, options)
    result.counties = counties
    manifest = ro.read_manifest(out_dir)
    if resume:
        for c in counties:
            _resume(c, manifest.get(c["folder"]), out_dir, maps)
    todo = [c for c in counties if c["status"] == "todo"]
    map_todo = [c for c in counties if maps and c["status"] == "done" and not c.get("maps")]
    for c in counties:
        if c["status"] != "todo":
            manifest[c["folder"]] = _entry(c)
    result.timings["plan"] = time.perf_counter() - t0

    own = engine is None and bool(todo or map_todo)
    stage = out_dir / STAGE_DIR
    lock = threading.Lock()
    try:
        if todo or map_todo:
            if engine is None:
                from greenplan.jobs.region.engine import open_engine

                engine = open_engine(workers, scheduler)
            from greenplan.jobs.region.engine import check_workers

            # what this machine cannot read either is the county's own data problem (analyze reports it)
            paths = sorted({p for c in todo + map_todo for p, h in c["inputs"].items() if h != "missing"})
            check_workers(engine.probe(paths, str(out_dir)))
            result.dashboard, result.workers = engine.dashboard, engine.workers
            if on_start is not None:
                on_start(engine)
        t_run = time.perf_counter()
        result.timings["start"] = t_run - t0 - result.timings["plan"]
        if todo or map_todo:
            _execute(engine, todo, map_todo, counties, out_dir, stage, manifest, options, feedback, lock)
        result.timings["run"] = time.perf_counter() - t_run
    except BaseException:
        if own and engine is not None:
            engine.close(wait=False)
            engine = None
        elif engine is not None:  # a shared cluster: its running tasks end before the staging folder goes
            engine.wait_idle()
        raise
    finally:
        if own and engine is not None:
            engine.close()
        shutil.rmtree(stage, ignore_errors=True)
        if manifest:
            ro.write_manifest(out_dir, manifest)

    # the region's own outputs --------------------------------------------------------------
    t_fin = time.perf_counter()
    county_rows, unit_rows, keys = ro.summary_rows(counties)
    info = {"name": region.name, "organisation": region.organisation,
            "source": str(region.source) if region.source else None}
    settings = {"sets": list(sets), **options, "indicator": indicator, "resume": resume,
                "engine": "scheduler" if scheduler else ("serial" if workers == 0 else "local")}
    files = result.files
    files["xlsx"] = ro.write_region_xlsx(out_dir / "region_indicators.xlsx", info, county_rows, unit_rows, keys,
                                         result.failed)
    files["csv"] = ro.write_region_csv(out_dir / "region_indicators.csv", county_rows, unit_rows, keys)
    from greenplan.core.atomic import write_text_atomic
    from greenplan.core.jsonio import dumps

    files["json"] = out_dir / "region.json"
    write_text_atomic(files["json"], dumps(ro.region_document(info, counties, county_rows, unit_rows, settings)) + "\n")
    files["manifest"] = ro.write_manifest(out_dir, manifest)
    if overview and any(c.get("document") for c in counties):
        from greenplan.jobs.region.overview import write_overview

        try:
            files.update(write_overview(region, counties, out_dir, indicator, formats=fmts or ("pdf", "png")))
        except OutputError:
            raise
        except Exception as exc:  # noqa: BLE001 - the tables are written; the overview's failure is reported
            feedback.push_warning(f"区域总览图未能绘制 / region overview map not drawn: {exc}")
    result.timings["finish"] = time.perf_counter() - t_fin
    feedback.step(100, 100, "完成 / done")
    return result


def _execute(engine: Any, todo: list[dict[str, Any]], map_todo: list[dict[str, Any]], counties: list[dict[str, Any]],
             out_dir: Path, stage: Path, manifest: dict[str, Any], options: dict[str, Any], feedback: Feedback,
             lock: threading.Lock) -> None:
    """Submit the county tasks, then each county's maps as it finishes; collect until all are done."""
    from greenplan.core.parallel import thread_pool
    from greenplan.jobs.region.tasks import analyze_county

    executor = engine.executor()
    futures: dict[cf.Future, tuple[str, dict[str, Any]]] = {}
    for c in todo:
        task = {"county": {"code": c["code"], "name": c["name"], "folder": c["folder"]}, "project": c["project"],
                "project_file": c["project_file"], "out_dir": str(out_dir), "stage_dir": str(stage),
                # a Dask worker runs one county per thread: each keeps to one core
                "threads": getattr(engine, "task_threads", None)}
        futures[executor.submit(analyze_county, task)] = ("county", c)
    map_pool = thread_pool(4, "greenplan-region-maps") if options["maps"] else None
    counters: dict[str, _MapCounter] = {}
    n = len(counties)

    show_lock = threading.Lock()

    def show() -> None:
        with show_lock:  # map threads report too
            _show()

    def _show() -> None:
        done = sum(c["status"] == "done" for c in counties)
        failed = sum(c["status"] == "failed" for c in counties)
        text = f"县 counties {done}/{n} 失败 failed {failed}"
        if options["maps"]:
            md = sum(k.done for k in counters.values()) + sum((c.get("maps") or {}).get("written", 0) for c in counties
                                                               if c["folder"] not in counters)
            mf = sum((c.get("maps") or {}).get("failed", 0) for c in counties)
            text += f" · 图 maps {md} 失败 {mf}"
        feedback.set_text(text)
        finished = done + failed
        if options["maps"]:  # half for the counties, half for their maps
            finished = (finished + sum(1 for c in counties if c.get("maps") or c["status"] == "failed")) / 2
        feedback.set_progress(100.0 * finished / max(n, 1))

    def start_maps(c: dict[str, Any]) -> cf.Future:
        counter = _MapCounter(feedback, show)
        counters[c["folder"]] = counter
        fut = map_pool.submit(_county_maps, c, out_dir, options, executor, counter)
        futures[fut] = ("maps", c)
        return fut

    for c in map_todo:
        start_maps(c)
    pending = set(futures)
    try:
        show()
        while pending:
            feedback.check()
            done, pending = cf.wait(pending, timeout=0.25, return_when=cf.FIRST_COMPLETED)
            for fut in done:
                kind, c = futures[fut]
                if kind == "county":
                    try:
                        res = fut.result()
                    except Exception as exc:  # noqa: BLE001 - the engine lost the task for good (KilledWorker ...)
                        from greenplan.jobs.region.tasks import error_info

                        res = {"status": "failed", "error": error_info(exc)}
                    c.update(status=res["status"], error=res.get("error"), document=res.get("document"),
                             check=res.get("check"), seconds=res.get("seconds"),
                             worker={k: res.get(k) for k in ("host", "pid", "peak_rss_mb", "threads")})
                    if c["status"] == "done" and options["maps"]:
                        pending.add(start_maps(c))
                else:
                    try:
                        c["maps"] = fut.result()
                    except Canceled:
                        raise
                    except Exception as exc:  # noqa: BLE001 - e.g. no admin units layer: the county's maps fail
                        from greenplan.jobs._batch_worker import error_text

                        c["maps"] = {"hash": c.get("maps_hash"), "written": 0, "skipped": 0, "failed": 1,
                                     "error": error_text(exc)}
                with lock:
                    manifest[c["folder"]] = _entry(c)
                    ro.write_manifest(out_dir, manifest)
            show()
    except (Canceled, KeyboardInterrupt):
        feedback.cancel()  # the map threads stop their own tasks
        for fut in pending:
            fut.cancel()
        raise
    finally:
        if map_pool is not None:
            map_pool.shutdown(wait=True, cancel_futures=True)


def _county_maps(c: dict[str, Any], out_dir: Path, options: dict[str, Any], executor: cf.Executor,
                 feedback: Feedback) -> dict[str, Any]:
    """A county's township maps (``greenplan batch`` into ``<county>/maps``), one engine task each."""
    from greenplan.core.project import parse_project
    from greenplan.jobs._batch_worker import read_results
    from greenplan.jobs.batch import run_batch

    project, _ = parse_project(copy.deepcopy(c["project"]), Path(c["project_file"]))
    folder = out_dir / c["folder"]
    precomputed = (c["document"], read_results(folder / "results.gpkg"))
    res = run_batch(project, folder / "maps", themes=options["themes"], formats=options["formats"],
                    paper=options["paper"], dpi=options["dpi"], executor=executor, precomputed=precomputed,
                    feedback=feedback)
    return {"hash": c.get("maps_hash"), "written": res.count("written"), "skipped": res.count("skipped"),
            "failed": res.count("failed"), "tasks": len(res.tasks),
            "seconds": sum(t.get("seconds") or 0.0 for t in res.tasks)}
