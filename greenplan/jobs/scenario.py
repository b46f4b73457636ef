"""``scenario``: every indicator before and after a saved scenario, and its legality checks.

The scenario's selected candidates become *scenario greening* (``indicators.md``): rooftops
as class ``XG`` over their planted part (``area × rooftop_usable_share`` inside the footprint)
with the floor-banded ``gs_share``, pocket parks as ``G1`` and belts as ``G2`` (``gs_share``
1). Every indicator is computed without and with it, overall and per township. The
scenario's hand-drawn sketch (:mod:`greenplan.jobs.sketch`) adds its greening (with the
features' own ``class`` and ``gs_share``) and its construction.

Writes into ``out_dir``: ``scenario.json`` (schema ``greenplan.scenario/1``: ``before``,
``after``, ``delta`` per indicator, overall and ``by_unit``, and ``checks``),
``scenario.csv``, ``scenario.xlsx`` and ``scenario.gpkg`` (the greening features).
``checks``: ``farmland_occupied_m2`` and ``eco_redline_occupied_m2``, the area of scenario
greening (and sketched construction) on permanent farmland and in the ecological red line, pieces under ``sliver_m2``
left out; a scenario is ``valid`` when both are 0 (a check whose layer is missing is null,
with a note, and does not count).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from greenplan import __version__
from greenplan.core.atomic import atomic_path, ensure_output_folder, write_text_atomic
from greenplan.core.errors import ProjectFileError
from greenplan.core.feedback import Feedback, SubFeedback
from greenplan.core.jsonio import dumps
from greenplan.core.project import Project
from greenplan.core.scenario import KINDS, Scenario, Selection, get_scenario
from greenplan.jobs.candidates import CandidateSet, compute_candidates, load_layers

SCHEMA = "greenplan.scenario/1"
CLASS_OF = {"rooftop": "XG", "pocket_park": "G1", "belt": "G2"}
_OPS = {">=": np.greater_equal, "<=": np.less_equal, ">": np.greater, "<": np.less, "==": np.equal, "!=": np.not_equal}


@dataclass
class ScenarioOutputs:
    document: dict[str, Any]
    greening: gpd.GeoDataFrame
    files: dict[str, Path] = field(default_factory=dict)
    #: the sketched construction (None: none), drawn on the scenario map with the greening
    construction: gpd.GeoDataFrame | None = None

    @property
    def valid(self) -> bool:
        return bool(self.document["checks"]["valid"])


def select_candidates(frame: pd.DataFrame, sel: Selection, *, key: str = "selection") -> tuple[np.ndarray, list[str]]:
    """Rows of ``frame`` chosen by ``sel`` (only candidates), and notes on ids not usable.

    Raises
    ------
    ProjectFileError
        The rule names a field the candidates do not have.
    """
    notes: list[str] = []
    cand = frame["candidate"].to_numpy(dtype=bool) if len(frame) else np.zeros(0, dtype=bool)
    chosen = np.zeros(len(frame), dtype=bool)
    if sel.ids:
        ids = frame["candidate_id"].astype(str)
        chosen |= ids.isin(sel.ids).to_numpy(dtype=bool)
        missing = sorted(set(sel.ids) - set(ids))
        if missing:
            notes.append(f"{sel.kind}: ids not found: {', '.join(missing[:20])} / 未找到的编号")
        not_cand = ids[chosen & ~cand].tolist()
        if not_cand:
            notes.append(f"{sel.kind}: not candidates, skipped: {', '.join(not_cand[:20])} / 非候选项，已跳过")
    if sel.rule is not None:
        ok = np.ones(len(frame), dtype=bool)
        for c in sel.conditions:
            if c.field not in frame.columns:
                fields = ", ".join(k for k in frame.columns if k != "geometry")
                raise ProjectFileError(
                    f"The rule '{sel.rule}' uses field '{c.field}', which {sel.kind} candidates do not have. Fields: {fields}.",
                    f"筛选规则“{sel.rule}”中的字段“{c.field}”在{KINDS[sel.kind]}候选中不存在。可用字段：{fields}。",
                    key=f"{key}.rule",
                    hint_en="Use one of the listed fields.",
                    hint_zh="请改用所列字段之一。",
                )
            col = frame[c.field]
            if isinstance(c.value, str):
                vals = col.astype("string").to_numpy(dtype=object)
                has = pd.notna(vals)
                res = np.zeros(len(frame), dtype=bool)
                res[has] = _OPS[c.op](vals[has].astype(str), c.value)
            else:
                num = pd.to_numeric(col, errors="coerce").to_numpy(dtype="float64")
                with np.errstate(invalid="ignore"):
                    res = _OPS[c.op](num, float(c.value)) & ~np.isnan(num)
            ok &= res
        chosen |= ok
    chosen &= cand
    if sel.top is not None and chosen.sum() > sel.top:
        by = "score" if "score" in frame.columns and sel.kind == "rooftop" else "area_m2"
        rank = pd.Series(np.where(chosen, frame[by].to_numpy(dtype=float), -np.inf)).rank(method="first", ascending=False)
        chosen &= rank.to_numpy() <= sel.top
    return chosen, notes


def scenario_greening(scenario: Scenario, cands: CandidateSet, settings: Any) -> tuple[gpd.GeoDataFrame, list[str]]:
    """The scenario's greening features: ``kind``, ``candidate_id``, ``class``, ``gs_share``, ``area_m2``."""
    from greenplan.analysis.rooftop import planted_footprints

    notes: list[str] = []
    frames = []
    for i, sel in enumerate(scenario.selections):
        f = cands.frame(sel.kind)
        m, n = select_candidates(f, sel, key=f"scenario {scenario.name}.selections[{i}]")
        notes += n
        if not m.any():
            continue
        geoms = np.asarray(f.geometry.values, dtype=object)[m]
        if sel.kind == "rooftop":
            geoms = planted_footprints(geoms, settings.rooftop_usable_share)
            gs = f["gs_share"].to_numpy(dtype=float)[m]
        else:
            gs = np.ones(int(m.sum()))
        frames.append(pd.DataFrame({"kind": sel.kind, "candidate_id": f["candidate_id"].to_numpy()[m],
                                    "class": CLASS_OF[sel.kind], "gs_share": gs, "geometry": geoms}))
    crs = next((f.crs for f in (cands.rooftops, cands.pocket_parks, cands.belts) if f.crs is not None), None)
    if frames:
        df = pd.concat(frames, ignore_index=True).drop_duplicates(subset=["kind", "candidate_id"]).reset_index(drop=True)
    else:
        df = pd.DataFrame({"kind": [], "candidate_id": [], "class": [], "gs_share": [], "geometry": []})
    g = gpd.GeoDataFrame(df.drop(columns="geometry"), geometry=gpd.GeoSeries(df["geometry"].to_numpy(object), crs=crs), crs=crs)
    g["area_m2"] = g.geometry.area
    return g, notes


def add_sketch(project: Project, scenario: Scenario, greening: gpd.GeoDataFrame, crs: Any,
               sketch: gpd.GeoDataFrame | None = None) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame | None]:
    """``greening`` with the scenario's sketched greening added, and its sketched construction.

    ``sketch``: the features as edited in the desktop app and not saved yet (used instead of
    the scenario's sketch GeoPackage); default: read from the GeoPackage.

    Raises
    ------
    LayerSourceError
        The scenario names a sketch GeoPackage or layer that cannot be read.
    """
    from greenplan.jobs.sketch import normalize_sketch, scenario_sketch, sketch_layers

    if sketch is None:
        sketch = scenario_sketch(project, scenario, crs)
    else:
        sketch = normalize_sketch(sketch)
        if crs is not None and sketch.crs is not None and len(sketch):
            sketch = sketch.to_crs(crs)
    if sketch is None or not len(sketch):
        return greening, None
    sg, sc = sketch_layers(sketch)
    if greening.crs is None:
        greening = greening.set_crs(sg.crs)
    both = gpd.GeoDataFrame(pd.concat([greening, sg], ignore_index=True), geometry="geometry", crs=sg.crs)
    return both, (sc if len(sc) else None)


def check_scenario(greening: gpd.GeoDataFrame, layers: dict[str, Any], sliver_m2: float) -> dict[str, Any]:
    """Area of scenario greening on permanent farmland and in the red line (slivers apart)."""
    from greenplan.analysis.geom import PieceSet

    g = PieceSet.union_of(np.asarray(greening.geometry.values, dtype=object))
    out: dict[str, Any] = {}
    for key, role in (("farmland_occupied", "permanent_farmland"), ("eco_redline_occupied", "ecological_redline")):
        lay = layers.get(role)
        if lay is None:
            out[f"{key}_m2"] = None
            out.setdefault("notes", []).append(f"no {role} layer: not checked / 缺少图层，未检查")
            continue
        big, small = g.clip(PieceSet.union_of(np.asarray(lay.geometry.values, dtype=object))).split_slivers(sliver_m2)
        out[f"{key}_m2"] = big.area
        out[f"{key}_slivers"] = len(small)
        out[f"{key}_sliver_m2"] = small.area
    # a check whose layer is missing is null (noted), as for the indicators; it does not fail
    out["valid"] = all(out.get(f"{k}_m2") in (0, 0.0, None) for k in ("farmland_occupied", "eco_redline_occupied"))
    return out


def _compare(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    out = {}
    for key, b in before.items():
        a = after.get(key, {})
        vb, va = b.get("value"), a.get("value")
        numeric = isinstance(vb, (int, float)) and isinstance(va, (int, float)) and not isinstance(vb, bool)
        out[key] = {
            "unit": b.get("unit"), "before": vb, "after": va, "delta": (va - vb) if numeric else None,
            "numerator_m2_before": b.get("numerator_m2"), "numerator_m2_after": a.get("numerator_m2"),
            "grade_before": b.get("grade"), "grade_after": a.get("grade"),
            "pass_before": b.get("pass"), "pass_after": a.get("pass"),
        }
        for k in ("unknown_share", "ungraded", "bound", "not_applicable"):  # the same before and after
            if k in a or k in b:
                out[key][k] = a.get(k, b.get(k))
    return out


def compare_documents(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """(overall, by_unit) before/after/delta of two indicator bodies (``indicators``, ``by_unit``)."""
    overall = _compare(before["indicators"], after["indicators"])
    after_units = {(u.get("code"), u.get("name")): u for u in after.get("by_unit", [])}
    units = []
    for u in before.get("by_unit", []):
        a = after_units.get((u.get("code"), u.get("name")), {"indicators": {}})
        units.append({"code": u.get("code"), "name": u.get("name"), "indicators": _compare(u["indicators"], a["indicators"])})
    return overall, units


def _selected_summary(g: gpd.GeoDataFrame) -> dict[str, Any]:
    """Count, area of the union (m²) and green-space area (m²) of the selected greening per kind."""
    from greenplan.analysis.geom import PieceSet

    out = {}
    for kind in KINDS:
        k = g[g["kind"] == kind]
        union = PieceSet.union_of(np.asarray(k.geometry.values, dtype=object)).area
        gs = float((k["area_m2"] * k["gs_share"]).sum()) if kind == "rooftop" else union
        out[kind] = {"count": len(k), "area_m2": union, "green_space_m2": gs}
    k = g[g["kind"].astype(str).str.startswith("sketch_")]
    if len(k):
        union = PieceSet.union_of(np.asarray(k.geometry.values, dtype=object)).area
        out["sketch"] = {"count": len(k), "area_m2": union, "green_space_m2": float((k["area_m2"] * k["gs_share"]).sum())}
    return out


def compute_scenario(project: Project, name: str, loaded: Any, layers: dict[str, Any], rasters: dict[str, Any], *,
                     cands: CandidateSet | None = None, before: dict[str, Any] | None = None,
                     sketch: gpd.GeoDataFrame | None = None, feedback: Feedback | None = None,
                     ) -> tuple[dict[str, Any], gpd.GeoDataFrame, dict[str, Any], gpd.GeoDataFrame | None]:
    """The ``scenario.json`` document of scenario ``name``, without writing anything.

    Parameters
    ----------
    loaded, layers, rasters
        The loaded project and its layers by role (:func:`~greenplan.jobs.candidates.load_layers`).
    cands : CandidateSet, optional
        Candidates already computed (every kind the scenario selects); default: computed here.
    before : dict, optional
        The indicators document without the scenario (``indicators``, ``by_unit``), when
        already computed from the same layers; default: computed here.
    sketch : GeoDataFrame, optional
        The scenario's hand-drawn features as edited and not saved yet (the desktop app);
        default: read from the scenario's sketch GeoPackage (:mod:`greenplan.jobs.sketch`).

    Returns
    -------
    (document, greening, after, construction)
        ``scenario.json``, the greening features, the indicators document with them, and the
        sketched construction (None: none).

    Raises
    ------
    ProjectFileError
        No scenario of that name, or a bad selection.
    """
    from greenplan.analysis.indicators import compute_indicators
    from greenplan.jobs.analyze import crs_label

    feedback = feedback or Feedback()
    scenario = get_scenario(project, name)
    settings = project.settings
    if cands is None:
        kinds = {s.kind for s in scenario.selections}
        cands = compute_candidates(layers, rasters, settings, kinds=kinds, feedback=SubFeedback(feedback, 0, 40))
    greening, notes = scenario_greening(scenario, cands, settings)
    greening, construction = add_sketch(project, scenario, greening, loaded.crs, sketch)
    if before is None:
        feedback.set_text("现状指标 / indicators before")
        before = compute_indicators(layers, rasters, settings, feedback=SubFeedback(feedback, 40, 70)).to_dict()
    feedback.set_text("方案指标 / indicators after")
    after = compute_indicators(layers, rasters, settings, scenario_greening=greening,
                               scenario_construction=construction, feedback=SubFeedback(feedback, 70, 100)).to_dict()
    occupied = greening if construction is None else pd.concat(
        [greening[["geometry"]], construction[["geometry"]]], ignore_index=True)
    checks = check_scenario(occupied, layers, settings.sliver_m2)
    overall, by_unit = compare_documents(before, after)
    doc = {
        "schema": SCHEMA, "generator": f"greenplan {__version__}", "project": project.name,
        "scenario": scenario.to_dict(), "crs": crs_label(loaded.crs), "as_of": settings.as_of_date().isoformat(),
        "scheme": settings.scheme, "selected": _selected_summary(greening), "checks": checks,
        "indicators": overall, "by_unit": by_unit,
        "notes": list(loaded.notes) + cands.notes + notes + list(after.get("notes", [])),
    }
    for k in ("unknown_code_tolerance", "unknown_codes"):
        if k in after:
            doc[k] = after[k]
    return doc, greening, after, construction


def run_scenario(project: Project, name: str, out_dir: Path, *, sketch: gpd.GeoDataFrame | None = None,
                 feedback: Feedback | None = None) -> ScenarioOutputs:
    """Compute scenario ``name`` of ``project`` and write its outputs to ``out_dir``.

    ``sketch``: the scenario's hand-drawn features not saved yet (see :func:`compute_scenario`).

    Raises
    ------
    ProjectFileError
        No scenario of that name, or a bad selection.
    """
    from greenplan.io.writers import write_gpkg_layers

    feedback = feedback or Feedback()
    get_scenario(project, name)  # an unknown name fails before the layers are read
    out_dir = ensure_output_folder(out_dir)
    loaded, layers, rasters = load_layers(project, SubFeedback(feedback, 0, 20))
    doc, greening, _, construction = compute_scenario(project, name, loaded, layers, rasters, sketch=sketch,
                                                      feedback=SubFeedback(feedback, 20, 95))
    feedback.step(95, 100, "写出结果 / writing outputs")
    files = {"json": out_dir / "scenario.json", "csv": out_dir / "scenario.csv",
             "xlsx": out_dir / "scenario.xlsx", "gpkg": out_dir / "scenario.gpkg"}
    write_text_atomic(files["json"], dumps(doc) + "\n")
    write_scenario_tables(doc, greening, files["csv"], files["xlsx"])
    gpkg_layers = {"scenario_greening": greening}
    if construction is not None and len(construction):
        gpkg_layers["scenario_construction"] = construction
    write_gpkg_layers(files["gpkg"], gpkg_layers, crs=loaded.crs)
    feedback.step(100, 100, "完成 / done")
    return ScenarioOutputs(document=doc, greening=greening, files=files, construction=construction)


def _kind_label(kind: str) -> str:
    from greenplan.jobs.sketch import SKETCH_KINDS

    if kind.startswith("sketch_"):
        return f"草图·{SKETCH_KINDS.get(kind[7:], kind[7:])}"
    return KINDS.get(kind, kind)


CSV_COLUMNS = [("scope", "范围"), ("unit_code", "行政区代码"), ("unit_name", "行政区名称"), ("key", "指标代码"),
               ("name_zh", "指标名称"), ("unit", "单位"), ("before", "方案前"), ("after", "方案后"), ("delta", "变化"),
               ("grade_before", "方案前等级"), ("grade_after", "方案后等级")]


def _rows(doc: dict[str, Any]) -> list[dict[str, Any]]:
    from greenplan.jobs.indicator_tables import label

    scopes = [("overall", "", doc.get("project") or "", doc["indicators"])]
    scopes += [("unit", u.get("code") or "", u.get("name") or "", u["indicators"]) for u in doc["by_unit"]]
    rows = []
    for scope, code, uname, inds in scopes:
        for key, v in inds.items():
            rows.append({"scope": scope, "unit_code": code, "unit_name": uname, "key": key, "name_zh": label(key),
                         **{k: v.get(k) for k in ("unit", "before", "after", "delta", "grade_before", "grade_after")},
                         "object": v})
    return rows


def write_scenario_tables(doc: dict[str, Any], greening: gpd.GeoDataFrame, csv_path: Path, xlsx_path: Path) -> None:
    """``scenario.csv`` (UTF-8 with BOM) and ``scenario.xlsx`` (对比, 选中项目, 合规检查)."""

    from openpyxl import Workbook
    from openpyxl.styles import Font

    from greenplan.analysis.wording import (
        IndicatorView,
        excel_number_format,
        grade_word,
        signed_number_format,
        unit_label,
    )
    from greenplan.io.writers import landscape_sheets, write_table_csv

    rows = _rows(doc)
    write_table_csv(csv_path, CSV_COLUMNS, rows)

    wb = Workbook()
    ws = wb.active
    ws.title = "方案前后对比"
    ws.append([f"情景“{doc['scenario']['name']}”指标对比表"])
    ws["A1"].font = Font(name="SimHei", bold=True, size=14)
    ws.append([zh for _, zh in CSV_COLUMNS])
    for r in rows:
        # numbers stay numbers (as in scenario.csv); units, grades and formats are the shared wording
        v = IndicatorView.from_dict(r["key"], r["object"])
        shown = {"unit": unit_label(v.unit, v.key), "grade_before": grade_word(v.grade_before),
                 "grade_after": grade_word(v.grade_after)}
        ws.append([shown.get(k, r[k]) for k, _ in CSV_COLUMNS])
        for col, which in ((7, "before"), (8, "after")):
            ws.cell(row=ws.max_row, column=col).number_format = excel_number_format(v, which)
        ws.cell(row=ws.max_row, column=9).number_format = signed_number_format(v)
    ws2 = wb.create_sheet("选中项目")
    ws2.append(["类型", "候选编号", "绿地分类", "绿化面积（㎡）", "计入绿地率比例"])
    for rec in greening[["kind", "candidate_id", "class", "area_m2", "gs_share"]].itertuples(index=False):
        ws2.append([_kind_label(rec.kind), rec.candidate_id, rec[2], float(rec.area_m2), float(rec.gs_share)])
    ws3 = wb.create_sheet("合规检查")
    ck = doc["checks"]
    ws3.append(["检查项", "面积（㎡）"])
    ws3.append(["占用永久基本农田", ck.get("farmland_occupied_m2")])
    ws3.append(["占用生态保护红线", ck.get("eco_redline_occupied_m2")])
    ws3.append(["结论", "合规" if ck["valid"] else "不合规"])
    landscape_sheets((ws, ws2, ws3), 16, "ABCDEFGHIJK")
    with atomic_path(xlsx_path) as tmp:
        wb.save(tmp)

