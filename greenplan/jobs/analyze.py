"""``analyze``: a project in, the indicator outputs out.

Writes into ``out_dir``:

- ``indicators.json``: the document of ``shared/indicators.md`` (schema ``greenplan.indicators/1``);
- ``indicators.csv`` and ``indicators.xlsx``: the same numbers as tables (Chinese headers);
- ``results.gpkg``: the explaining features (red line occupation, control-line overlaps,
  farmland conflicts, idle land with its computed class), GeoPackage 1.2.

Every file is written atomically; a failure leaves earlier outputs as they were.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from greenplan.core.atomic import ensure_output_folder, write_text_atomic
from greenplan.core.feedback import Feedback, SubFeedback
from greenplan.core.jsonio import dumps
from greenplan.core.project import Project
from greenplan.core.roles import ROLES
from greenplan.io.crs import crs_label  # noqa: F401 - also imported from here by jobs.export and jobs.scenario

#: results.gpkg layer name -> Chinese title in the conflicts sheet
FEATURE_TITLES = {
    "redline_occupation": "生态保护红线占用",
    "control_line_overlaps": "三条控制线相互重叠",
    "farmland_greening_conflict": "永久基本农田绿化冲突",
    "farmland_nonfarm_use": "永久基本农田非农化",
    "idle_land": "闲置土地",
    "unknown_codes": "未识别地类编码",
}


#: the roles the indicators read (buildings, roads, rivers and the DSM are for candidates)
INDICATOR_ROLES = (
    "admin_units", "built_up_area", "ecological_redline", "permanent_farmland", "urban_boundary",
    "land_use", "green_space", "idle_land", "vegetation_raster",
)
#: roles whose declared fields the indicators do not all read (land_use: not DLMC, the
#: class name, which only maps and the attribute table show; reading it costs ~0.07 s per
#: 100,000 parcels)
INDICATOR_FIELDS = {"land_use": ("DLBM", "BSM", "CZCSXM", "activity_type")}


@dataclass
class AnalyzeOutputs:
    document: dict[str, Any]
    files: dict[str, Path] = field(default_factory=dict)
    features: dict[str, Any] = field(default_factory=dict)


def compute_project_indicators(
    project: Project,
    *,
    feedback: Feedback | None = None,
    scenario_greening: Any = None,
    scenario_construction: Any = None,
    loaded: Any = None,
) -> tuple[dict[str, Any], dict[str, Any], Any]:
    """Load ``project`` and compute every indicator.

    Parameters
    ----------
    loaded : LoadedProject, optional
        Layers already loaded (holding at least :data:`INDICATOR_ROLES`), e.g. by a map
        export that loads its own roles in the same call; default: load them here.

    Returns
    -------
    (document, features, loaded)
        The ``indicators.json`` document, the explaining features by layer name, and the
        :class:`~greenplan.io.loader.LoadedProject` (for callers that go on to draw maps).
    """
    from greenplan.analysis.indicators import compute_indicators
    from greenplan.io.loader import load_project
    from greenplan.io.usable import require_usable_layers

    feedback = feedback or Feedback()
    if loaded is None:
        loaded = load_project(project, feedback=SubFeedback(feedback, 0, 35), roles=INDICATOR_ROLES, fields_only=INDICATOR_FIELDS)
        require_usable_layers(loaded, INDICATOR_ROLES)  # a layer with nothing usable: exit 2, no outputs
    layers = {r: loaded.vector(r) for r in INDICATOR_ROLES if not ROLES[r].is_raster}
    rasters = {r: loaded.raster(r) for r in INDICATOR_ROLES if ROLES[r].is_raster}
    settings = project.settings
    result = compute_indicators(
        layers,
        rasters,
        settings,
        scenario_greening=scenario_greening,
        scenario_construction=scenario_construction,
        feedback=SubFeedback(feedback, 35, 90),
    )
    doc = result.to_dict(project=project.name)
    doc["crs"] = doc["crs"] or crs_label(loaded.crs)
    doc["notes"] = list(loaded.notes) + doc["notes"]
    return doc, dict(result.features), loaded


def run_analyze(project: Project, out_dir: Path, *, feedback: Feedback | None = None) -> AnalyzeOutputs:
    """Compute the indicators of ``project`` and write the four outputs to ``out_dir``."""
    from greenplan.io.writers import write_gpkg_layers
    from greenplan.jobs.indicator_tables import write_indicators_csv, write_indicators_xlsx

    feedback = feedback or Feedback()
    out_dir = ensure_output_folder(out_dir)
    doc, features, _ = compute_project_indicators(project, feedback=feedback)
    feedback.step(90, 100, "写出结果 / writing outputs")
    files = {
        "json": out_dir / "indicators.json",
        "csv": out_dir / "indicators.csv",
        "xlsx": out_dir / "indicators.xlsx",
        "gpkg": out_dir / "results.gpkg",
    }
    write_text_atomic(files["json"], dumps(doc) + "\n")
    write_indicators_csv(doc, files["csv"])
    tables = {FEATURE_TITLES.get(k, k): v for k, v in features.items() if v is not None}
    write_indicators_xlsx(doc, files["xlsx"], conflicts=tables)
    gpkg_layers = {k: v for k, v in features.items() if v is not None and "geometry" in getattr(v, "columns", [])}
    if gpkg_layers:
        write_gpkg_layers(files["gpkg"], gpkg_layers)
    else:  # nothing to explain (e.g. only township boundaries given): no empty GeoPackage
        del files["gpkg"]
    feedback.step(100, 100, "完成 / done")
    return AnalyzeOutputs(document=doc, files=files, features=features)
