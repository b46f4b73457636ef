"""What a planning report says, computed once: the result objects every section reads.

:func:`compute_report_data` loads the project once and runs the same functions as the
other commands: the data check (:func:`greenplan.jobs.check.check_project`), the indicators
(:func:`greenplan.jobs.analyze.compute_project_indicators`, the ``indicators.json``
document), the conflict register (:func:`greenplan.analysis.conflicts.register_rows`, the
rows of ``conflicts.xlsx``), the candidates (:func:`greenplan.jobs.candidates.compute_candidates`
and :func:`~greenplan.jobs.candidates.summarize`) and a scenario
(:func:`greenplan.jobs.scenario.compute_scenario`, the ``scenario.json`` document). The map
data (:class:`~greenplan.jobs.sheet.MapData`) is built from the same loaded layers and
results, so the maps show the numbers the tables give. Nothing here formats a number.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from greenplan.core.feedback import Feedback, SubFeedback
from greenplan.core.project import Project
from greenplan.core.roles import ROLES


@dataclass
class ReportData:
    """The result objects of one report.

    Attributes
    ----------
    project : Project
    check : dict
        The data check document (``greenplan check --json``).
    indicators : dict
        The ``indicators.json`` document.
    register : list of dict
        The conflict register, the rows of ``conflicts.xlsx`` (patch numbers as on the map).
    candidates : dict
        The candidates summary (``candidates_summary.json``: ``kinds``, ``by_unit``).
    top_candidates : dict of kind -> DataFrame
        The best candidates of each kind (no geometry), best first.
    scenario : dict or None
        The ``scenario.json`` document, when a scenario was asked for.
    map_data : MapData
        What the maps draw (layers, rasters, the two documents).
    """

    project: Project
    check: dict[str, Any]
    indicators: dict[str, Any]
    register: list[dict[str, Any]]
    candidates: dict[str, Any]
    top_candidates: dict[str, Any]
    scenario: dict[str, Any] | None
    map_data: Any
    notes: list[str] = field(default_factory=list)


#: candidates listed per kind in the report
TOP_N = 10


def top_candidates(cands: Any, n: int = TOP_N) -> dict[str, Any]:
    """The ``n`` best candidates of each kind: rooftops by score, parks by the residential
    area newly served, belts by area (ties by area), without geometry."""
    import pandas as pd

    out = {}
    for kind in ("rooftop", "pocket_park", "belt"):
        frame = cands.frame(kind)
        if frame is None or not len(frame):
            out[kind] = pd.DataFrame()
            continue
        f = pd.DataFrame(frame.drop(columns=frame.geometry.name))
        f = f[f["candidate"].to_numpy(dtype=bool)]
        by = [c for c in {"rooftop": ("score", "area_m2"), "pocket_park": ("gain_m2", "area_m2"),
                          "belt": ("area_m2",)}[kind] if c in f.columns]
        out[kind] = f.sort_values(by, ascending=False, kind="mergesort").head(n).reset_index(drop=True)
    return out


def compute_report_data(project: Project, *, scenario: str | None = None, themes: list[Any] | None = None,
                        feedback: Feedback | None = None) -> ReportData:
    """Compute everything a report shows (see the module docstring).

    Parameters
    ----------
    project : Project
    scenario : str, optional
        A scenario of the project (``[[scenarios]]`` name).
    themes : list of Theme, optional
        The map themes the report draws (their notes on layers left out).
    feedback : Feedback, optional
        Progress 0-100 and cancel.

    Raises
    ------
    ProjectFileError
        No scenario ``scenario`` (raised before anything is loaded).
    LayerSourceError, CRSError, MissingFieldError
        From loading.
    """
    from greenplan.analysis.conflicts import register_rows
    from greenplan.core.scenario import get_scenario
    from greenplan.jobs.analyze import compute_project_indicators
    from greenplan.jobs.candidates import compute_candidates, load_layers, summarize
    from greenplan.jobs.check import check_project
    from greenplan.jobs.export import left_out_notes
    from greenplan.jobs.scenario import compute_scenario

    feedback = feedback or Feedback()
    if scenario is not None:
        get_scenario(project, scenario)  # an unknown name fails before minutes of work
    feedback.set_text("数据检查 / data check")
    check = check_project(project, feedback=SubFeedback(feedback, 0, 15)).to_dict()
    feedback.check()
    feedback.set_text("读取图层 / loading layers")
    loaded, layers, rasters = load_layers(project, SubFeedback(feedback, 15, 35))
    feedback.set_text("计算指标 / indicators")
    doc, features, _ = compute_project_indicators(project, loaded=loaded, partial=True,
                                                  feedback=SubFeedback(feedback, 35, 55))
    register = register_rows(features)
    feedback.set_text("增绿候选 / candidates")
    cands = compute_candidates(layers, rasters, project.settings, feedback=SubFeedback(feedback, 55, 75))
    summary = summarize(cands, layers.get("admin_units"))
    scenario_doc = after = greening = construction = None
    if scenario is not None:
        feedback.set_text("情景方案 / scenario")
        scenario_doc, greening, after, construction = compute_scenario(
            project, scenario, loaded, layers, rasters, cands=cands, before=doc, feedback=SubFeedback(feedback, 75, 100))
    feedback.set_progress(100.0)
    map_data = build_map_data(project, loaded, layers, rasters, doc, features, cands, greening, after, themes or [],
                              construction=construction)
    map_data.left_out = left_out_notes(loaded, set(layers), themes or [], doc)
    return ReportData(project=project, check=check, indicators=doc, register=register, candidates=summary,
                      top_candidates=top_candidates(cands), scenario=scenario_doc, map_data=map_data)


def build_map_data(project: Project, loaded: Any, layers: dict[str, Any], rasters: dict[str, Any],
                   doc: dict[str, Any], features: dict[str, Any], cands: Any, greening: Any,
                   after: dict[str, Any] | None, themes: list[Any], construction: Any = None) -> Any:
    """The :class:`~greenplan.jobs.sheet.MapData` of the report's maps, from results already
    computed (what :func:`greenplan.jobs.export.load_map_data` would compute again)."""
    from greenplan.jobs.export import (
        RESULT_LAYERS,
        SCENARIO_CONSTRUCTION,
        SCENARIO_LAYER,
        candidate_layers,
        result_layers,
    )
    from greenplan.jobs.sheet import MapData

    drawn = {k: v for k, v in layers.items() if v is not None and k in ROLES}
    drawn.update(result_layers(features, RESULT_LAYERS))
    drawn.update(candidate_layers(cands))
    if greening is not None and len(greening):
        drawn[SCENARIO_LAYER] = greening
    if construction is not None and len(construction):
        drawn[SCENARIO_CONSTRUCTION] = construction
    ras = {k: v for k, v in rasters.items() if v is not None}
    return MapData(project=project, crs=loaded.crs, layers=drawn, rasters=ras, doc=doc, scenario_doc=after)
