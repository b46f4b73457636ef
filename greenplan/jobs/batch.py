"""``batch``: one map per township per theme, a combined PDF and an index of what was written.

Into ``out_dir``::

    <theme>/<code>_<name>.pdf|.png(+.pgw, .png.aux.xml)|.svg|.tif   one sheet per township and theme
    乡镇专题图集.pdf                                                all PDF maps, township order, bookmarks
    index.csv, index.xlsx                                          every output: written / skipped / failed
    manifest.json                                                  options hash per output (up-to-date check)

The parent loads the admin units, computes the indicators once (written with the result
layers into a cache folder) and sends each worker a plain-data task per township and theme
(:mod:`greenplan.jobs._batch_worker`); workers load the project and those files once per
process and draw each sheet as ``greenplan export --unit`` does
(:func:`greenplan.jobs.sheet.township_sheet`). Any :class:`concurrent.futures.Executor` runs the
tasks: by default a local process pool (``spawn``, as on Windows) of ``jobs`` workers,
``jobs=1`` runs them in this process. A township that fails is reported in the result,
the summary and the index; the others are still written. An output that is up to date
(see :mod:`greenplan.jobs._batch_outputs`) is skipped unless ``force``.
"""

from __future__ import annotations

import concurrent.futures as cf
import os
import shutil
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from greenplan.core.errors import (
    MissingLayerError,
    OutputError,
    SettingError,
)
from greenplan.core.feedback import Feedback, SubFeedback
from greenplan.core.project import Project, project_to_dict
from greenplan.jobs import _batch_outputs as bo
from greenplan.jobs._batch_worker import SerialExecutor, clear_cache, run_tasks
from greenplan.jobs.export import (
    RESULT_LAYERS,
    as_project,
    panel_gap_notes,
    scenario_document,
    theme_inputs,
)
from greenplan.jobs.sheet import UNIT_MARGIN, unit_label

__all__ = ["BatchResult", "SerialExecutor", "list_units", "normalize_formats", "run_batch"]

COMBINED_NAME = "乡镇专题图集.pdf"
FORMATS = ("pdf", "png", "svg", "tiff")
_CACHE_DIR = ".greenplan-batch"


@dataclass
class BatchResult:
    """What :func:`run_batch` did.

    Attributes
    ----------
    records : list of dict
        One per output file (and the combined PDF): ``unit_code``, ``unit_name``, ``theme``,
        ``theme_title``, ``format``, ``path`` (relative to ``out_dir``), ``status``
        (``written``/``skipped``/``failed``), ``status_zh``, ``error``.
    tasks : list of dict
        The workers' results (seconds, pid, peak_rss_mb per township and theme).
    timings : dict
        Wall seconds of ``plan``, ``indicators``, ``render`` and ``finish``.
    """

    out_dir: Path
    records: list[dict[str, Any]] = field(default_factory=list)
    tasks: list[dict[str, Any]] = field(default_factory=list)
    combined: Path | None = None
    index_csv: Path | None = None
    index_xlsx: Path | None = None
    manifest: Path | None = None
    timings: dict[str, float] = field(default_factory=dict)

    def count(self, status: str) -> int:
        return sum(r["status"] == status for r in self.records)

    @property
    def failed(self) -> list[dict[str, Any]]:
        return [r for r in self.records if r["status"] == "failed"]

    @property
    def exit_code(self) -> int:
        """0: everything written or up to date; 1: some outputs failed."""
        return 1 if self.failed else 0

    def summary(self) -> str:
        """Chinese and English lines: counts, then each failed township and theme with its error."""
        w, s, f = self.count("written"), self.count("skipped"), self.count("failed")
        lines = [f"批量制图：写出 {w} 个文件，跳过 {s} 个（已是最新），失败 {f} 个。输出文件夹：{self.out_dir}",
                 f"batch export: {w} written, {s} skipped (up to date), {f} failed. Output folder: {self.out_dir}"]
        groups: dict[tuple, list[dict[str, Any]]] = {}
        for r in self.failed:
            groups.setdefault((r["unit_code"], r["unit_name"], r["theme_title"], r["error"]), []).append(r)
        if groups:
            lines.append("失败 / failed:")
        for (code, name, theme, err), rows in groups.items():
            fmts = ", ".join(r["format"] for r in rows)
            lines.append(f"  {code or ''} {name or ''} · {theme} ({fmts}): {err}")
        return "\n".join(lines)


# ----------------------------------------------------------------------------- inputs
def _ids(values: str | Iterable[str]) -> list[str]:
    items = values.split(",") if isinstance(values, str) else list(values)
    return list(dict.fromkeys(v.strip() for v in items if v and v.strip()))


def normalize_formats(formats: str | Iterable[str]) -> list[str]:
    """``"pdf,PNG,.tif"`` -> ``["pdf", "png", "tiff"]``; raises :class:`SettingError` on others."""
    out = []
    for f in _ids(formats):
        f = f.lower().lstrip(".")
        f = {"tif": "tiff"}.get(f, f)
        if f not in FORMATS:
            raise SettingError(f"Unknown map format '{f}'; use pdf, png, svg or tiff.",
                               f"不支持的地图格式“{f}”，请使用 pdf、png、svg 或 tiff。", key="--formats")
        out.append(f)
    if not out:
        raise SettingError("No map format given.", "未指定地图格式。", key="--formats", hint_en="For example: --formats pdf,png",
                           hint_zh="例如：--formats pdf,png")
    return list(dict.fromkeys(out))


def list_units(project: Project) -> list[dict[str, Any]]:
    """The townships of the admin units layer, in layer order.

    Each is ``{"fid", "pos", "code", "name"}``: ``fid`` the feature id, ``pos`` the row in
    the loaded layer, or None for a township the loader dropped (its geometry was empty
    or collapsed to nothing when repaired: it cannot be drawn). Dropped ones are found
    only when one layer has the role.
    """
    from greenplan.io.loader import load_project

    loaded = load_project(project, roles=["admin_units"])
    admin = loaded.vector("admin_units")
    if admin is None:
        raise MissingLayerError("A batch by township needs the admin units layer.", "按乡镇批量制图需要行政区（乡镇/街道）图层。",
                                layer="admin_units", hint_en="Add the layer with role admin_units.",
                                hint_zh="请添加角色为 admin_units 的图层。")
    col = {c: admin[c].tolist() if c in admin.columns else [None] * len(admin) for c in ("code", "name")}
    units = [{"fid": int(fid), "pos": i, "code": unit_label(col["code"][i]), "name": unit_label(col["name"][i])}
             for i, fid in enumerate(admin.index)]
    specs = [lyr.spec for lyr in loaded.layers if lyr.spec.role == "admin_units" and lyr.gdf is not None]
    if len(specs) != 1:
        return units
    from greenplan.io.report import LayerReport
    from greenplan.io.vector import read_vector

    spec = specs[0]
    report = LayerReport(index=0, name=spec.name, role=spec.role, source=spec.source, layer=spec.layer)
    # the same filter as the loader, so townships the filter leaves out are not "dropped"
    raw = read_vector(spec.source, report, layer=spec.layer, encoding=spec.encoding, role=spec.role, where=spec.where)
    missing = raw.index.difference(admin.index)
    if not len(missing):
        return units
    folded = {str(c).lower(): c for c in raw.columns}
    cols = {f: folded.get(spec.source_field(f).lower()) for f in ("code", "name")}
    for fid in missing:
        units.append({"fid": int(fid), "pos": None,
                      **{f: unit_label(raw.at[fid, c]) if c is not None else None for f, c in cols.items()}})
    return sorted(units, key=lambda u: u["fid"])


def _select(units: list[dict[str, Any]], wanted: Sequence[str] | None) -> list[dict[str, Any]]:
    if not wanted:
        return units
    keys = set(wanted)
    known = {u["code"] for u in units} | {u["name"] for u in units}
    missing = [k for k in wanted if k not in known]
    if missing:
        raise SettingError(f"No township with code or name {', '.join(missing)}.",
                           f"没有代码或名称为 {'、'.join(missing)} 的乡镇（街道）。", key="--units")
    return [u for u in units if u["code"] in keys or u["name"] in keys]


def _dropped_error(u: dict[str, Any]) -> str:
    return (f"乡镇（街道）“{u['name'] or ''}”（{u['code'] or '?'}，要素号 {u['fid']}）的边界几何为空或无效且无法修复，"
            f"读取时已剔除，无法制图。处理办法：请在行政区图层中修正该边界面。 / Township {u['name'] or ''} "
            f"({u['code'] or '?'}, feature {u['fid']}) has an empty or invalid boundary that collapses when repaired; "
            "it was dropped on loading and cannot be mapped. What to do: fix its polygon in the admin units layer.")


# ----------------------------------------------------------------------------- the job
def run_batch(project: Project | str | os.PathLike, out_dir: str | os.PathLike, *, by: str = "admin_units",
              themes: str | Sequence[str] = ("control_lines",), formats: str | Sequence[str] = ("pdf", "png"),
              paper: str | tuple[float, float] = "A3", orientation: str = "landscape", dpi: float = 300,
              units: Sequence[str] | None = None, jobs: int | None = None, force: bool = False,
              executor: cf.Executor | None = None, precomputed: tuple[dict, Mapping[str, Any]] | None = None,
              feedback: Feedback | None = None) -> BatchResult:
    """Draw every township's map for each theme; write the combined PDF, the index and the manifest.

    Parameters
    ----------
    project : Project or path-like
    out_dir : path-like
        Created if missing.
    by : {"admin_units"}
        What one map covers: a township (乡镇/街道) of the admin units layer.
    themes : str or sequence of str
        Theme ids (``"control_lines,greening"`` or a list).
    formats : str or sequence of str
        ``pdf``, ``png``, ``svg``, ``tiff``; the combined PDF needs ``pdf``.
    paper, orientation, dpi
        As :func:`~greenplan.render.mapsheet.compose_map`.
    units : sequence of str, optional
        Only these townships (codes or names); default all.
    jobs : int, optional
        Worker processes of the default executor (default: CPU count, at most the task
        count); 1 runs the tasks in this process.
    force : bool
        Redraw outputs that are up to date.
    executor : concurrent.futures.Executor, optional
        Runs :func:`~greenplan.jobs._batch_worker.render_township` on plain-data tasks
        (a distributed executor needs the project and output folder on a shared disk).
        Not shut down here.
    precomputed : (document, features), optional
        Indicators already computed (``compute_project_indicators``), to reuse.
    feedback : Feedback, optional
        Progress per finished map; cancel stops the pending maps (raises :class:`Canceled`).

    Returns
    -------
    BatchResult
        ``exit_code`` 1 when some township failed (the others are written).

    Raises
    ------
    SettingError
        Unknown ``by``, theme, format, paper, orientation, township, or a bad ``dpi``.
    MissingLayerError
        No admin units layer.
    OutputError
        The output folder cannot be created, or the index cannot be written.
    LayerSourceError, CRSError
        A layer cannot be read or placed (checked in this process before any map).
    """
    from greenplan import __version__
    from greenplan.render.layout import paper_size_mm
    from greenplan.render.themes import get_theme

    t_start = time.perf_counter()
    feedback = feedback or Feedback()
    project = as_project(project)
    if by != "admin_units":
        raise SettingError(f"Unknown batch unit '{by}'; use admin_units.", f"未知的批量制图单元“{by}”，应为 admin_units。",
                           key="--by")
    theme_list = [get_theme(t, project.themes) for t in _ids(themes)]
    if not theme_list:
        raise SettingError("No map theme given.", "未指定专题。", key="--themes")
    fmts = normalize_formats(formats)
    paper_size_mm(paper, orientation)
    if not (isinstance(dpi, (int, float)) and 10 <= dpi <= 1200):
        raise SettingError(f"DPI must be between 10 and 1200, not {dpi!r}.", f"分辨率（DPI）应在 10 到 1200 之间，而不是 {dpi!r}。",
                           key="--dpi")
    out_dir = Path(out_dir)
    result = BatchResult(out_dir=out_dir)

    # plan ------------------------------------------------------------------------------
    feedback.step(0, 100, "读取乡镇 / reading townships")
    all_units = _select(list_units(project), units)
    project_file = project.path or (project.folder / "project.greenplan.toml")
    project_doc = project_to_dict(project, project_file.parent)
    newer_than = bo.inputs_mtime(project.path, [s.source for s in project.layers])
    manifest = bo.read_manifest(out_dir)
    base = {"version": __version__, "project": project_doc, "paper": paper, "orientation": orientation, "dpi": dpi,
            "margin": UNIT_MARGIN}
    tasks: list[dict[str, Any]] = []
    planned: list[tuple[dict[str, Any], Any, list[dict[str, Any]]]] = []  # (unit, theme, outputs)
    used: set[str] = set()
    for u in all_units:
        label = bo.safe_name("_".join(v for v in (u["code"], u["name"]) if v) or f"FID{u['fid']}")
        label = f"{label}_FID{u['fid']}" if label.lower() in used else label  # same code and name twice
        used.add(label.lower())
        for th in theme_list:
            outs = []
            for f in fmts:
                rel = f"{bo.safe_name(th.id)}/{label}{bo.EXTENSIONS[f]}"
                digest = bo.options_hash({**base, "theme": asdict(th), "format": f, "unit": u})
                status = "failed" if u["pos"] is None else (
                    "skipped" if not force and bo.is_up_to_date(out_dir / rel, f, digest, manifest, rel, newer_than) else "todo")
                outs.append({"format": f, "rel": rel, "hash": digest, "status": status,
                             "error": _dropped_error(u) if u["pos"] is None else ""})
            planned.append((u, th, outs))
    t_plan = time.perf_counter()
    result.timings["plan"] = t_plan - t_start

    # indicators and tasks --------------------------------------------------------------
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        for th in theme_list:
            (out_dir / bo.safe_name(th.id)).mkdir(exist_ok=True)
    except OSError as exc:
        raise OutputError(f"The output folder cannot be created ({exc.strerror}).", f"无法创建输出文件夹（{exc.strerror}）。",
                          path=out_dir, hint_en="Choose a folder you can write to.", hint_zh="请选择有写入权限的文件夹。") from None
    todo = [(u, th, outs) for u, th, outs in planned if any(o["status"] == "todo" for o in outs)]
    cache = out_dir / _CACHE_DIR
    try:
        if todo:
            docs_path, results_path = _indicators(project, theme_list, cache, precomputed, SubFeedback(feedback, 2, 20))
            context = {"project": project_doc, "project_file": str(project_file),
                       "themes": [th.id for th in theme_list], "results": results_path, "indicators": docs_path}
            # a new key per run: a long-lived worker reloads the project (its files may have changed)
            context["key"] = bo.options_hash({**context, "run": time.time()})
            for u, th, outs in todo:
                tasks.append({"context": context, "unit": u, "theme": th.id, "margin": UNIT_MARGIN,
                              "paper": list(paper) if isinstance(paper, tuple) else paper,
                              "orientation": orientation, "dpi": dpi,
                              "outputs": [{"format": o["format"], "path": str(out_dir / o["rel"])}
                                          for o in outs if o["status"] == "todo"]})
        t_ind = time.perf_counter()
        result.timings["indicators"] = t_ind - t_plan
        done = run_tasks(tasks, executor, jobs, SubFeedback(feedback, 20, 95)) if tasks else []
        result.timings["render"] = time.perf_counter() - t_ind
    finally:
        shutil.rmtree(cache, ignore_errors=True)
        clear_cache()  # what jobs=1 loaded in this process
    result.tasks = done

    # records, manifest, combined PDF, index -------------------------------------------------
    t_fin = time.perf_counter()
    outcome = {o["path"]: o for t in done for o in t["outputs"]}
    for u, th, outs in planned:
        for o in outs:
            if o["status"] == "todo":
                got = outcome.get(str(out_dir / o["rel"]), {"status": "failed", "error": "未运行 / not run"})
                o["status"], o["error"] = got["status"], got["error"]
            if o["status"] == "written":
                manifest[o["rel"]] = o["hash"]
            elif o["status"] == "failed":
                manifest.pop(o["rel"], None)
            result.records.append({"unit_code": u["code"], "unit_name": u["name"], "theme": th.id,
                                   "theme_title": th.title, "format": o["format"], "path": o["rel"],
                                   "status": o["status"], "status_zh": bo.STATUS_ZH[o["status"]], "error": o["error"]})
    if "pdf" in fmts:
        pages = [(" ".join(v for v in (u["code"], u["name"]) if v) or f"FID{u['fid']}", th.title, o)
                 for u, th, outs in planned for o in outs if o["format"] == "pdf"]
        from greenplan.render.atlas_pages import atlas_front

        record, result.combined = bo.combine_pdfs(out_dir, COMBINED_NAME, pages, manifest, force,
                                                  atlas_front(project, paper, orientation))
        result.records.append({**record, "theme": ",".join(th.id for th in theme_list)})
    result.manifest = bo.write_manifest(out_dir, manifest)
    result.index_csv = bo.write_index_csv(out_dir / "index.csv", result.records)
    result.index_xlsx = bo.write_index_xlsx(out_dir / "index.xlsx", result.records, f"{project.name} 批量制图成果清单")
    result.timings["finish"] = time.perf_counter() - t_fin
    feedback.step(100, 100, "完成 / done")
    return result


def scheduler_engine(address: str, project: Project, out_dir: str | os.PathLike) -> Any:
    """A Dask engine on the running scheduler at ``address`` whose workers can read every file of
    ``project`` and write ``out_dir`` (:mod:`greenplan.jobs.region.engine`; ``batch --scheduler``).

    Raises
    ------
    EngineError
        Dask missing, the scheduler unreachable, or a worker that cannot read a file (named).
    """
    from greenplan.jobs._batch_outputs import source_files
    from greenplan.jobs.region.engine import DaskEngine, check_workers

    out = Path(out_dir).absolute()
    out.mkdir(parents=True, exist_ok=True)
    paths = [str(p) for s in project.layers for p in source_files(Path(s.source)) if p.exists()]
    if project.path is not None:
        paths.append(str(project.path))
    engine = DaskEngine(scheduler=address)
    try:
        check_workers(engine.probe(paths, str(out)))
    except BaseException:
        engine.close()
        raise
    return engine


def _indicators(project: Project, themes: list, cache: Path, precomputed, feedback: Feedback):
    """Write what the workers read besides the project: the indicators documents (JSON: the
    current one and, for the scenario theme, the one with the scenario's greening) and the
    result layers (GeoPackage). Returns their paths (None for what no theme needs)."""
    from greenplan.core.atomic import write_text_atomic
    from greenplan.core.jsonio import dumps
    from greenplan.io.writers import write_gpkg_layers
    from greenplan.jobs.analyze import compute_project_indicators

    _, results = theme_inputs(themes)
    if not any(th.indicators for th in themes) and not results:
        return None, None
    if precomputed is not None:
        doc, features = precomputed
    else:
        doc, features, _ = compute_project_indicators(project, feedback=feedback, partial=True)
    for note in panel_gap_notes(doc, themes):  # what the sheets leave out (the CLI prints it)
        feedback.push_warning(note)
    after = scenario_document(project, feedback=feedback) if any(th.id == "scenario" for th in themes) else None
    cache.mkdir(exist_ok=True)
    docs_path = cache / "indicators.json"
    write_text_atomic(docs_path, dumps({"doc": doc, "scenario_doc": after}, indent=None))
    names = {RESULT_LAYERS[k] for k in results if k in RESULT_LAYERS}
    frames = {n: g for n, g in features.items() if n in names and g is not None and len(g) and "geometry" in g.columns}
    if not frames:
        return str(docs_path), None
    return str(docs_path), str(write_gpkg_layers(cache / "results.gpkg", frames))
