"""``analyze``: a project in, the indicator outputs out.

Writes into ``out_dir``:

- ``indicators.json``: the document of ``shared/indicators.md`` (schema ``greenplan.indicators/1``);
- ``indicators.csv`` and ``indicators.xlsx``: the same numbers as tables (Chinese headers);
- ``results.gpkg``: the explaining features (red line occupation, control-line overlaps,
  farmland conflicts, idle land with its computed class), GeoPackage 1.2;
- ``conflicts.csv`` and ``conflicts.xlsx``: the conflict register, one row per numbered
  patch (``patch_id`` as in results.gpkg; :mod:`greenplan.analysis.conflicts`).

Every file is written atomically; a failure leaves earlier outputs as they were.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
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
#: field an analysis cannot do without -> (Chinese, English) words for it in messages
GAP_FIELD_WORDS = {"DLBM": ("地类编码字段", "code field"), "class": ("绿地分类字段", "class field")}
#: the words that end a :meth:`FieldGap.note` (how a note is recognised in a document read back)
GAP_MARK = "依赖它的指标未计算"
#: how a user fixes a missing field, in the app and on the command line
FIX_HINT_ZH = "请在图层面板中右键该图层，选择“图层属性…”设置字段对应；命令行可用 --set {role}.{field}=字段名。"
FIX_HINT_EN = ("In the app, right-click the layer in the layer panel, choose Layer properties… and map the field; "
               "on the command line use --set {role}.{field}=NAME.")


@dataclass(frozen=True)
class FieldGap:
    """A loaded layer without a field the indicators need (``DLBM`` of land use, ``class`` of green space)."""

    name: str
    role: str
    field: str
    source: str

    def note(self) -> str:
        """Bilingual note for indicators documents, CLI output and map panels."""
        from greenplan.analysis.layers import ROLE_ZH

        zh_f, en_f = GAP_FIELD_WORDS.get(self.field, ("字段", "field"))
        en_role = ROLES[self.role].en if self.role in ROLES else self.role
        return (f"{ROLE_ZH.get(self.role, self.role)}图层“{self.name}”（{self.source}）缺少{zh_f}（{self.field}），"
                f"{GAP_MARK} / {en_role} layer '{self.name}' ({self.source}) lacks the {en_f} "
                f"({self.field}): the indicators that need it are not computed")

    def error(self) -> Exception:
        """The :class:`~greenplan.core.errors.MissingFieldError` of ``analyze``, naming the layer."""
        from greenplan.analysis.layers import ROLE_ZH
        from greenplan.core.errors import MissingFieldError

        zh_f, en_f = GAP_FIELD_WORDS.get(self.field, ("字段", "field"))
        en_role = ROLES[self.role].en if self.role in ROLES else self.role
        return MissingFieldError(
            f"The {en_role.lower()} layer '{self.name}' ({self.source}) has no {en_f} '{self.field}'.",
            f"{ROLE_ZH.get(self.role, self.role)}图层“{self.name}”（{self.source}）缺少{zh_f}“{self.field}”。",
            layer=self.name, field=self.field,
            hint_en=FIX_HINT_EN.format(role=self.role, field=self.field),
            hint_zh=FIX_HINT_ZH.format(role=self.role, field=self.field),
        )


def field_gaps(loaded: Any) -> list[FieldGap]:
    """The loaded vector layers that lack a field the indicators cannot do without."""
    from greenplan.analysis.layers import REQUIRED_FIELDS

    gaps = []
    for lyr in loaded.layers:
        if lyr.gdf is None:
            continue
        for f in REQUIRED_FIELDS.get(lyr.spec.role or "", ()):
            if f not in lyr.gdf.columns:
                gaps.append(FieldGap(lyr.spec.name, lyr.spec.role, f, Path(str(lyr.spec.source)).name))
                break
    return gaps


def _mark_left_out(doc: dict[str, Any], gaps: list[FieldGap]) -> None:
    """Put each gap's note first on the null indicators whose notes name its role."""
    notes = {g.role: g.note() for g in gaps}

    def mark(rows: Any) -> None:
        for obj in (rows or {}).values():
            if not isinstance(obj, dict) or obj.get("value") is not None:
                continue
            said = " ".join(map(str, obj.get("notes") or ()))
            add = [n for r, n in notes.items() if r in said]
            if add:
                obj["notes"] = add + list(obj.get("notes") or ())

    mark(doc.get("indicators"))
    for unit in doc.get("by_unit") or ():
        mark(unit.get("indicators"))
    doc["notes"] = [g.note() for g in gaps] + list(doc.get("notes") or ())


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
    partial: bool = False,
) -> tuple[dict[str, Any], dict[str, Any], Any]:
    """Load ``project`` and compute every indicator.

    Parameters
    ----------
    loaded : LoadedProject, optional
        Layers already loaded (holding at least :data:`INDICATOR_ROLES`), e.g. by a map
        export that loads its own roles in the same call; default: load them here.
    partial : bool
        A layer without a field the indicators cannot do without (land use without
        ``DLBM``, green space without ``class``) is left out: the indicators that need it
        are null, with a note naming the layer (:func:`field_gaps`), first in the
        document's ``notes`` and in theirs. Default (``analyze``): raise
        :class:`~greenplan.core.errors.MissingFieldError` naming the layer.

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
    full = loaded
    gaps = field_gaps(loaded)
    if gaps and not partial:
        raise gaps[0].error()
    if gaps:
        gapped = {(g.name, g.role) for g in gaps}
        loaded = replace(loaded, layers=[lyr for lyr in loaded.layers if (lyr.spec.name, lyr.spec.role) not in gapped])
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
    if gaps:
        _mark_left_out(doc, gaps)
    return doc, dict(result.features), full


def run_analyze(project: Project, out_dir: Path, *, feedback: Feedback | None = None) -> AnalyzeOutputs:
    """Compute the indicators of ``project`` and write the outputs to ``out_dir`` (the
    conflict register only when a conflict check ran)."""
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
    from greenplan.analysis.conflicts import PREFIX, REGISTER_COLUMNS, register_rows
    from greenplan.io.writers import write_table_csv

    if any(features.get(k) is not None for k in PREFIX):  # a conflict check ran (maybe with none found)
        register = register_rows(features)
        files["conflicts_csv"] = write_table_csv(out_dir / "conflicts.csv", REGISTER_COLUMNS, register)
        files["conflicts_xlsx"] = write_register_xlsx(register, out_dir / "conflicts.xlsx")
    gpkg_layers = {k: v for k, v in features.items() if v is not None and "geometry" in getattr(v, "columns", [])}
    if gpkg_layers:
        write_gpkg_layers(files["gpkg"], gpkg_layers)
    else:  # nothing to explain (e.g. only township boundaries given): no empty GeoPackage
        del files["gpkg"]
    feedback.step(100, 100, "完成 / done")
    return AnalyzeOutputs(document=doc, files=files, features=features)


def write_register_xlsx(rows: list[dict[str, Any]], path: Path) -> Path:
    """The conflict register as a workbook (one sheet 冲突图斑登记表), written atomically."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    from greenplan.analysis.conflicts import REGISTER_COLUMNS
    from greenplan.core.atomic import atomic_path

    wb = Workbook()
    ws = wb.active
    ws.title = "冲突图斑登记表"
    ws.append([zh for _, zh in REGISTER_COLUMNS])
    for c in ws[1]:
        c.font = Font(bold=True)
        c.alignment = Alignment(horizontal="center")
    for r in rows:
        ws.append([r.get(k) for k, _ in REGISTER_COLUMNS])
    formats = {"area_m2": "#,##0.00", "area_mu": "#,##0.0000", "x": "0.000", "y": "0.000"}
    widths = {"patch_id": 10, "type": 20, "township": 14, "area_m2": 14, "area_mu": 12, "x": 14, "y": 14, "cause": 22, "rule": 60}
    for j, (k, _) in enumerate(REGISTER_COLUMNS, start=1):
        letter = ws.cell(row=1, column=j).column_letter
        ws.column_dimensions[letter].width = widths.get(k, 12)
        if k in formats:
            for (cell,) in ws.iter_rows(min_row=2, min_col=j, max_col=j):
                cell.number_format = formats[k]
    ws.freeze_panes = "A2"
    ws.print_title_rows = "1:1"
    ws.page_setup.orientation = "landscape"
    with atomic_path(path) as tmp:
        wb.save(tmp)
    return path
