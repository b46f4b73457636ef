"""The data check (``greenplan check``): can every layer be read, and is it fit for its role?

Per layer: whether it opened, format, encoding, CRS (read or guessed), feature counts,
geometry type against the role, null/empty/invalid geometries, overlaps inside a polygon
layer, missing required fields, an extent far from the other layers. Across layers: the
mutual overlaps of the three control lines, which must be zero (pieces under
``sliver_m2`` reported apart as slivers). One bad layer never hides the others: failures
are recorded, not raised. JSON schema: ``docs/check-json.md``.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from greenplan import __version__
from greenplan.core.errors import EXIT_INPUT, EXIT_OK, EXIT_PROBLEMS, CRSError
from greenplan.core.feedback import Feedback, SubFeedback
from greenplan.core.project import Project
from greenplan.core.roles import POLYGON, ROLES
from greenplan.io.crs import crs_label
from greenplan.io.loader import LoadedProject, load_project_lenient
from greenplan.io.quality import control_line_overlap, far_extents, polygon_overlaps
from greenplan.io.raster import add_raster_kind_issues
from greenplan.io.report import Issue, LayerReport
from greenplan.jobs.class_check import add_unknown_code_issues
from greenplan.jobs.field_check import add_field_issues

SCHEMA = "greenplan.check/1"

#: the control-line pairs, keyed as in ``redline_overlaps`` (indicators.md)
CONTROL_PAIRS = (
    ("eco_farmland_m2", "ecological_redline", "permanent_farmland"),
    ("eco_urban_m2", "ecological_redline", "urban_boundary"),
    ("farmland_urban_m2", "permanent_farmland", "urban_boundary"),
)


@dataclass
class CheckReport:
    """The result of a data check; :meth:`to_dict` is the ``--json`` document."""

    project: str
    project_file: Path | None
    crs: str | None
    crs_how: str | None
    sliver_m2: float
    #: how the working CRS was chosen: the bilingual note, the layers whose extents placed it
    crs_note: str | None = None
    crs_basis: list[int] = field(default_factory=list)
    #: the CRS asked for (project file, --set crs) was refused (a ``bad_crs`` error); the layers
    #: were checked in the automatic one, which is not presented as the working CRS
    crs_rejected: bool = False
    layers: list[LayerReport] = field(default_factory=list)
    control_lines: list[dict[str, Any]] = field(default_factory=list)
    #: findings about the project as a whole (layer None)
    project_issues: list[Issue] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def issues(self) -> list[Issue]:
        """Every finding: the project's, then each layer's in order."""
        return self.project_issues + [i for lyr in self.layers for i in lyr.issues]

    def count(self, level: str) -> int:
        return sum(1 for i in self.issues if i.level == level)

    @property
    def exit_code(self) -> int:
        """2 when input is unusable, 1 when problems were found, else 0."""
        if self.count("error"):
            return EXIT_INPUT
        return EXIT_PROBLEMS if self.count("problem") else EXIT_OK

    @property
    def status(self) -> str:
        return {EXIT_OK: "ok", EXIT_PROBLEMS: "problems", EXIT_INPUT: "unusable"}[self.exit_code]

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema": SCHEMA,
            "generator": f"greenplan {__version__}",
            "project": self.project,
            "project_file": str(self.project_file) if self.project_file else None,
            "crs": self.crs,
            "crs_how": self.crs_how,
            "crs_note": self.crs_note,
            "crs_basis": list(self.crs_basis),
            "crs_rejected": self.crs_rejected,
            "sliver_m2": self.sliver_m2,
            "status": self.status,
            "exit_code": self.exit_code,
            "summary": {
                "layers": len(self.layers),
                "opened": sum(1 for lyr in self.layers if lyr.opened),
                **{f"{lv}s": self.count(lv) for lv in ("error", "problem", "warning", "info")},
            },
            "layers": [lyr.to_dict() for lyr in self.layers],
            "control_lines": [dict(c) for c in self.control_lines],
            "issues": [i.to_dict() for i in self.issues],
            "notes": list(self.notes),
        }


def error_document(exc: Any, project_file: Path | None = None) -> dict[str, Any]:
    """The ``--json`` document when the input as a whole is unusable (bad project file)."""
    return {
        "schema": SCHEMA,
        "generator": f"greenplan {__version__}",
        "project": None,
        "project_file": str(project_file) if project_file else None,
        "status": "unusable",
        "exit_code": getattr(exc, "exit_code", EXIT_INPUT),
        "error": exc.to_dict(),
        "layers": [],
        "control_lines": [],
        "issues": [],
        "notes": [],
    }


#: roles whose features must tile: an overlap double-counts land-use categories or population
TILING_ROLES = ("land_use", "admin_units")


def _overlap_issue(report: LayerReport, r: dict[str, Any]) -> None:
    fids = ", ".join(f"{a}/{b}" for a, b, _ in r["examples"][:5])
    if r["pairs"]:
        dup_en = f", {r['duplicates']} of them identical duplicates" if r["duplicates"] else ""
        dup_zh = f"，其中 {r['duplicates']} 对完全重复" if r["duplicates"] else ""
        tiling = report.role in TILING_ROLES
        report.add(
            "problem" if tiling else "warning",
            "overlaps",
            f"{r['pairs']} pairs of features overlap{dup_en}; shared area {r['area_m2']:,.1f} m² (sum over pairs). "
            f"E.g. FID {fids}."
            + ("" if tiling else " The analyses count overlapping areas once (the layer is unioned first)."),
            f"{r['pairs']} 对要素相互重叠{dup_zh}；重叠面积合计 {r['area_m2']:,.1f} 平方米（逐对相加）。例如 FID {fids}。"
            + ("" if tiling else "分析时先合并图层，重叠部分只计一次。"),
            **r,
        )
    elif r["sliver_pairs"]:
        report.add(
            "info",
            "overlap_slivers",
            f"{r['sliver_pairs']} pairs of features share slivers under the tolerance ({r['sliver_area_m2']:.3f} m² in all).",
            f"{r['sliver_pairs']} 对要素之间存在低于容差的细小重叠（合计 {r['sliver_area_m2']:.3f} 平方米）。",
            **r,
        )


def _control_lines(loaded: LoadedProject, sliver_m2: float, issues: list[Issue], feedback: Feedback) -> list[dict[str, Any]]:
    out = []
    for k, (key, ra, rb) in enumerate(CONTROL_PAIRS):
        feedback.step(k, len(CONTROL_PAIRS))
        entry: dict[str, Any] = {"key": key, "a": ra, "b": rb}
        ga, gb = loaded.vector(ra), loaded.vector(rb)
        if ga is None or gb is None:
            missing = [r for r, g in ((ra, ga), (rb, gb)) if g is None]
            entry.update(value=None, area_m2=None, pieces=None, slivers=None, sliver_m2=None, missing=missing)
            entry["pass"] = None
            out.append(entry)
            continue
        r = control_line_overlap(ga.geometry.values, gb.geometry.values, sliver_m2=sliver_m2)
        entry.update(value=r["area_m2"], missing=[], **r)
        out.append(entry)
        za, zb = ROLES[ra].zh, ROLES[rb].zh
        if not r["pass"]:
            issues.append(Issue(
                "problem", "control_line_overlap",
                f"{ra} and {rb} overlap: {r['area_m2']:,.1f} m² in {r['pieces']} pieces (must be 0).",
                f"{za}与{zb}相互重叠：{r['area_m2']:,.1f} 平方米，共 {r['pieces']} 处（应为 0）。",
                data={"key": key, **r},
            ))
        if r["slivers"]:
            issues.append(Issue(
                "info", "control_line_slivers",
                f"{ra} and {rb} share {r['slivers']} slivers under {sliver_m2:g} m² ({r['sliver_m2']:.3f} m²), "
                "left out of the check as digitising tolerance.",
                f"{za}与{zb}之间有 {r['slivers']} 处小于 {sliver_m2:g} 平方米的细碎重叠（{r['sliver_m2']:.3f} 平方米），"
                "按数字化容差不计入检查。",
                data={"key": key, "slivers": r["slivers"], "sliver_m2": r["sliver_m2"]},
            ))
    return out


def check_project(project: Project, *, feedback: Feedback | None = None) -> CheckReport:
    """Check every layer of ``project`` and the control lines against each other.

    Parameters
    ----------
    project : Project
        From a project file or built from ``--layer`` options.
    feedback : Feedback, optional
        Progress (loading 0–70 %, overlaps 70–100 %) and cancel.

    Returns
    -------
    CheckReport
        Never raises for bad data: missing and damaged files, a bad project CRS and so
        on are findings with level ``error`` (exit code 2).
    """
    feedback = feedback or Feedback()
    project_issues: list[Issue] = []
    rejected = False
    try:
        loaded = load_project_lenient(project, feedback=SubFeedback(feedback, 0, 70))
    except CRSError as exc:  # a bad working CRS: report it, check the layers in the automatic one
        rejected = True  # no working CRS is shown as chosen: the one asked for was refused
        project_issues.append(Issue("error", "bad_crs", exc.message("en"), exc.message("zh"), data={"key": exc.key}))
        bare = dataclasses.replace(project, crs=None, settings=dataclasses.replace(project.settings, crs=None))
        loaded = load_project_lenient(bare, feedback=SubFeedback(feedback, 0, 70))
    sliver = float(project.settings.sliver_m2)
    reports = [lyr.report for lyr in loaded.layers]
    if not project.layers:
        project_issues.append(Issue("problem", "no_layers", "The project has no layers.", "项目中没有图层。"))
    polygon_layers = [lyr for lyr in loaded.layers if lyr.gdf is not None and len(lyr.gdf)
                      and lyr.spec.role in ROLES and ROLES[lyr.spec.role].geometry == POLYGON]
    sub = SubFeedback(feedback, 70, 90)
    for k, lyr in enumerate(polygon_layers):
        sub.step(k, len(polygon_layers), lyr.spec.name)
        r = polygon_overlaps(lyr.gdf.geometry.values, lyr.gdf.index.to_numpy(), sliver_m2=sliver)
        lyr.report.checks["overlaps"] = r
        _overlap_issue(lyr.report, r)
    add_unknown_code_issues(loaded, project.settings)
    add_field_issues(loaded)  # empty required fields, garbled text
    add_raster_kind_issues(loaded, project.settings)  # what the vegetation raster is read as
    placed = {lyr.report.index: lyr.report.bounds_working for lyr in loaded.layers
              if (lyr.gdf is not None and len(lyr.gdf)) or (lyr.raster is not None and lyr.raster.crs is not None)}
    # layers the working-CRS choice already left out as far away carry their far_extent issue
    placed = {k: v for k, v in placed.items() if not any(i.code == "far_extent" for r in reports if r.index == k
                                                         for i in r.issues)}
    for idx, gap in far_extents(placed).items():
        rep = next(r for r in reports if r.index == idx)
        rep.checks["far_gap_m"] = gap if gap != float("inf") else None
        km = "∞" if gap == float("inf") else f"{gap / 1000:,.0f}"
        rep.add("problem", "far_extent",
                f"The layer lies {km} km away from the other layers: most likely a wrong CRS (.prj) or zone.",
                f"该图层距其他图层约 {km} 公里：很可能坐标系（.prj）或分带有误。", gap_m=rep.checks["far_gap_m"])
    control = _control_lines(loaded, sliver, project_issues, SubFeedback(feedback, 90, 100))
    feedback.set_progress(100.0)
    return CheckReport(
        project=project.name,
        project_file=project.path,
        crs=crs_label(loaded.crs),
        crs_how=loaded.crs_how,
        crs_rejected=rejected,
        crs_note=None if loaded.crs_choice is None else loaded.crs_choice.note,
        crs_basis=[] if loaded.crs_choice is None else list(loaded.crs_choice.basis),
        sliver_m2=sliver,
        layers=reports,
        control_lines=control,
        project_issues=project_issues,
        notes=list(loaded.notes),
    )


def format_check(report: CheckReport, lang: str = "en") -> str:
    """The report as a text table with the findings below it (``lang``: ``en`` or ``zh``)."""
    from greenplan.io.check_text import render_check

    return render_check(report.to_dict(), lang)
