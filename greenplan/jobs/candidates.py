"""``candidates``: a project in, every greening candidate with its reason out.

Writes into ``out_dir``:

- ``candidates.gpkg`` (GeoPackage 1.2): ``rooftops`` (every building, candidate or not, with
  the first failed criterion), ``pocket_parks`` (every idle parcel), ``green_belts`` (one
  belt per road/river with a belt width) and ``avoided_farmland`` (the belt parts removed
  from farmland);
- ``candidates_summary.json``, ``candidates_summary.csv`` and ``candidates_summary.xlsx``:
  counts, areas and the count of every reason per kind (rooftops without roof type or DSM
  among them), the belt area clipped off outside the study area and on water, and candidates
  per township.

Every file is written atomically.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from greenplan import __version__
from greenplan.core.atomic import ensure_output_folder, write_text_atomic
from greenplan.core.feedback import Feedback, SubFeedback
from greenplan.core.jsonio import dumps
from greenplan.core.project import Project
from greenplan.core.roles import ROLES
from greenplan.core.scenario import KINDS
from greenplan.core.settings import AnalysisSettings

SUMMARY_SCHEMA = "greenplan.candidates/1"


@dataclass
class CandidateSet:
    """The three candidate frames (working CRS) and what the analyses noted."""

    rooftops: gpd.GeoDataFrame
    pocket_parks: gpd.GeoDataFrame
    belts: gpd.GeoDataFrame
    avoided: gpd.GeoDataFrame
    belt_summary: dict[str, float]
    notes: list[str] = field(default_factory=list)
    #: role the belts were clipped to (``admin_units`` / ``land_use``); None: not clipped
    belt_study_area: str | None = None

    def frame(self, kind: str) -> gpd.GeoDataFrame:
        return {"rooftop": self.rooftops, "pocket_park": self.pocket_parks, "belt": self.belts}[kind]


@dataclass
class CandidatesOutputs:
    summary: dict[str, Any]
    candidates: CandidateSet
    files: dict[str, Path] = field(default_factory=dict)


def compute_candidates(
    layers: dict[str, gpd.GeoDataFrame | None],
    rasters: dict[str, Any],
    settings: AnalysisSettings,
    *,
    kinds: set[str] | None = None,
    feedback: Feedback | None = None,
) -> CandidateSet:
    """Rooftop, pocket-park and green-belt candidates of loaded layers.

    Parameters
    ----------
    layers : dict of role -> GeoDataFrame or None
        Vector layers in the working (metric) CRS, canonical field names (``load_layers``).
    rasters : dict of role -> RasterSource or None
        ``dsm_raster`` is used for roof flatness.
    settings : AnalysisSettings
    kinds : set of str, optional
        Only some of ``rooftop``, ``pocket_park``, ``belt``; the others come back empty.
    feedback : Feedback, optional

    Returns
    -------
    CandidateSet
    """
    from greenplan.analysis.green_belts import propose_green_belts
    from greenplan.analysis.pocket_parks import assess_pocket_parks, park_pieces, service_area
    from greenplan.analysis.rooftop import assess_rooftops

    feedback = feedback or Feedback()
    kinds = set(KINDS) if kinds is None else set(kinds)
    crs = _crs(layers)
    notes: list[str] = []
    feedback.step(0, 100, "现状公园服务范围 / current park service area")
    service = service_area(park_pieces(layers, settings), settings) if kinds & {"rooftop", "pocket_park"} else None
    empty = gpd.GeoDataFrame({"candidate_id": [], "candidate": [], "reason": []}, geometry=[], crs=crs)
    roofs = parks = empty
    belts, avoided, belt_summary = empty, empty, {}
    belt_study: str | None = None
    if "rooftop" in kinds:
        bld = layers.get("buildings")
        if bld is None:
            notes.append("no buildings layer: no rooftop candidates / 缺少建筑图层，无屋顶绿化候选")
            bld = gpd.GeoDataFrame(geometry=[], crs=crs)
        feedback.set_text("屋顶绿化 / rooftops")
        r = assess_rooftops(
            bld, rasters.get("dsm_raster"), settings=settings, redline=layers.get("ecological_redline"),
            farmland=layers.get("permanent_farmland"), service_area=service, feedback=SubFeedback(feedback, 5, 60),
        )
        roofs = r.frame
        notes += [f"rooftops: {n}" for n in r.notes]
    if "pocket_park" in kinds:
        feedback.set_text("口袋公园 / pocket parks")
        p = assess_pocket_parks(layers, settings=settings, service=service, feedback=SubFeedback(feedback, 60, 70))
        parks = p.frame
        notes += [f"pocket parks: {n}" for n in p.notes]
    if "belt" in kinds:
        feedback.set_text("防护绿带 / green belts")
        b = propose_green_belts(layers, settings=settings, feedback=SubFeedback(feedback, 70, 100))
        belts, avoided, belt_summary, belt_study = b.frame, b.avoided, b.summary, b.study_area
        notes += [f"belts: {n}" for n in b.notes]
    return CandidateSet(roofs, parks, belts, avoided, belt_summary, notes, belt_study)


def _crs(layers: dict[str, Any]) -> Any:
    return next((g.crs for g in layers.values() if g is not None), None)


def load_layers(project: Project, feedback: Feedback) -> tuple[Any, dict[str, Any], dict[str, Any]]:
    """(loaded project, vector layers by role, rasters by role)."""
    from greenplan.io.loader import load_project
    from greenplan.io.usable import require_usable_layers

    loaded = load_project(project, feedback=feedback)
    require_usable_layers(loaded)  # a layer with nothing usable: exit 2, no outputs
    layers = {r: loaded.vector(r) for r, role in ROLES.items() if not role.is_raster}
    rasters = {r: loaded.raster(r) for r, role in ROLES.items() if role.is_raster}
    return loaded, layers, rasters


# ------------------------------------------------------------------------------ summary
def _reasons(frame: pd.DataFrame) -> dict[str, int]:
    """Count of every reason a feature is not a candidate, most frequent first."""
    r = frame.loc[~frame["candidate"], "reason"].value_counts()
    return {str(k): int(v) for k, v in r.items()}


def summarize(c: CandidateSet, units: gpd.GeoDataFrame | None) -> dict[str, Any]:
    """Counts and areas per kind, reasons, and candidates per township.

    Rooftops also count ``assumed_flat`` (no roof type or DSM, taken as flat under
    ``rooftop_unknown_roof = "flat"``); belts report ``outside_study_area_m2`` and
    ``water_m2`` (union areas removed) and the ``study_area`` role they were clipped to.
    """
    r, p, b = c.rooftops, c.pocket_parks, c.belts
    rc, pc, bc = r[r["candidate"]], p[p["candidate"]], b[b["candidate"]]
    bs = c.belt_summary
    assumed = int((r["roof_source"] == "assumed_flat").sum()) if "roof_source" in r.columns else 0
    kinds = {
        "rooftop": {"features": len(r), "candidates": len(rc), "area_m2": float(rc["area_m2"].sum()),
                    "planted_m2": float(rc["planted_m2"].sum()), "green_space_m2": float(rc["green_space_m2"].sum()),
                    "reasons": _reasons(r), "assumed_flat": assumed},
        "pocket_park": {"features": len(p), "candidates": len(pc), "area_m2": float(pc["area_m2"].sum()),
                        "gain_m2": float(pc["gain_m2"].sum()), "reasons": _reasons(p)},
        "belt": {"features": len(b), "candidates": len(bc), "area_m2": float(bs.get("belt_m2", 0.0)),
                 "avoided_farmland_m2": float(bs.get("avoided_farmland_m2", 0.0)),
                 "avoided_permanent_farmland_m2": float(bs.get("avoided_permanent_farmland_m2", 0.0)),
                 "avoided_cap_m2": float(bs.get("avoided_cap_m2", 0.0)),
                 "avoided_redline_m2": float(bs.get("avoided_redline_m2", 0.0)),
                 "outside_study_area_m2": float(bs.get("outside_study_area_m2", 0.0)),
                 "water_m2": float(bs.get("water_m2", 0.0)), "study_area": c.belt_study_area,
                 "reasons": _reasons(b)},
    }
    by_unit: list[dict[str, Any]] = []
    if units is not None and len(units):
        ug = np.asarray(units.geometry.values, dtype=object)
        tree = shapely.STRtree(ug)

        def unit_of(frame: pd.DataFrame) -> np.ndarray:
            out = np.full(len(frame), -1)
            if len(frame):
                pts = shapely.point_on_surface(np.asarray(frame.geometry.values, dtype=object))
                i, j = tree.query(pts, predicate="intersects")
                first = np.unique(i, return_index=True)[1]
                out[i[first]] = j[first]
            return out

        ur, up = unit_of(rc), unit_of(pc)
        from greenplan.analysis.geom import PieceSet, clip_pairs

        belt_union = PieceSet.union_of(np.asarray(bc.geometry.values, dtype=object))
        pieces, _, dst = clip_pairs(belt_union.geoms, PieceSet(ug))
        belt_m2 = np.bincount(dst, weights=shapely.area(pieces), minlength=len(ug)) if len(pieces) else np.zeros(len(ug))
        for k in range(len(units)):
            by_unit.append({
                "code": _text(units, "code", k), "name": _text(units, "name", k),
                "rooftop_candidates": int((ur == k).sum()),
                "rooftop_planted_m2": float(rc["planted_m2"].to_numpy()[ur == k].sum()),
                "pocket_park_candidates": int((up == k).sum()),
                "pocket_park_m2": float(pc["area_m2"].to_numpy()[up == k].sum()),
                "belt_m2": float(belt_m2[k]),
            })
    return {"kinds": kinds, "by_unit": by_unit}


def _text(df: pd.DataFrame, col: str, k: int) -> str | None:
    if col not in df.columns or pd.isna(df[col].iloc[k]):
        return None
    return str(df[col].iloc[k])


def reason_labels(kind: str, lang: str = "zh") -> dict[str, str]:
    """Label of every reason code of one kind, in Chinese (``zh``) or English (``en``).

    Per kind: ``too_small`` of a roof is not ``too_small`` of a pocket park. The one
    source of these words for the command line, the spreadsheets and the desktop app; a
    code without an English label would read as its words.

    Examples
    --------
    >>> reason_labels("rooftop", "en")["roof_unknown"], reason_labels("belt")["outside_study_area"][:6]
    ('without roof type or DSM', '位于研究范围')
    >>> reason_labels("pocket_park", "en")["too_small"]
    'smaller than a pocket park'
    """
    from greenplan.analysis import green_belts, pocket_parks, rooftop

    mod = {"rooftop": rooftop, "pocket_park": pocket_parks, "belt": green_belts}[kind]
    zh: dict[str, str] = mod.REASONS
    labels = zh if lang == "zh" else getattr(mod, "REASONS_EN", {})
    return {code: labels.get(code) or code.replace("_", " ") for code in zh if code}


SUMMARY_COLUMNS = [("kind", "类型"), ("kind_zh", "类型名称"), ("features", "要素数"), ("candidates", "候选数"),
                   ("area_m2", "候选面积（㎡）"), ("planted_m2", "种植面积（㎡）"), ("green_space_m2", "折算绿地面积（㎡）"),
                   ("gain_m2", "新增服务覆盖居住用地（㎡）"), ("avoided_farmland_m2", "避让耕地面积（㎡）"),
                   ("outside_study_area_m2", "研究范围外扣除面积（㎡）"), ("water_m2", "水域扣除面积（㎡）"),
                   ("reasons", "未入选原因及数量")]


def _reasons_text(kind: str, reasons: dict[str, int]) -> str:
    """``code: count (中文原因)`` of every reason, ``; `` between (one CSV cell)."""
    zh = reason_labels(kind, "zh")
    return "; ".join(f"{code}: {n} ({zh.get(code, code)})" for code, n in reasons.items())


def summary_rows(summary: dict[str, Any]) -> list[dict[str, Any]]:
    rows = []
    for kind, s in summary["kinds"].items():
        row = {"kind": kind, "kind_zh": KINDS[kind], **{k: s.get(k) for k, _ in SUMMARY_COLUMNS[2:]}}
        row["reasons"] = _reasons_text(kind, s.get("reasons", {}))
        rows.append(row)
    return rows


def write_summary_tables(summary: dict[str, Any], csv_path: Path, xlsx_path: Path) -> None:
    """CSV (UTF-8 with BOM, Chinese and English header rows) and a printable workbook."""

    from openpyxl import Workbook
    from openpyxl.styles import Font

    from greenplan.core.atomic import atomic_path
    from greenplan.io.writers import landscape_sheets, write_table_csv

    write_table_csv(csv_path, SUMMARY_COLUMNS, summary_rows(summary))

    wb = Workbook()
    ws = wb.active
    ws.title = "候选汇总"
    ws.append(["绿化候选汇总表"])
    ws["A1"].font = Font(name="SimHei", bold=True, size=14)
    ws.append([zh for _, zh in SUMMARY_COLUMNS])
    for row in summary_rows(summary):
        ws.append([row[k] for k, _ in SUMMARY_COLUMNS])
    ws2 = wb.create_sheet("未入选原因")
    ws2.append(["类型", "原因代码", "原因", "数量", "reason"])
    for kind, s in summary["kinds"].items():
        zh, en = reason_labels(kind, "zh"), reason_labels(kind, "en")
        for code, count in s["reasons"].items():
            ws2.append([KINDS[kind], code, zh.get(code, code), count, en.get(code, code)])
    ws3 = wb.create_sheet("分乡镇")
    ws3.append(["行政区代码", "行政区名称", "屋顶绿化候选数", "屋顶种植面积（㎡）", "口袋公园候选数", "口袋公园面积（㎡）", "防护绿带面积（㎡）"])
    for u in summary.get("by_unit", []):
        ws3.append([u["code"], u["name"], u["rooftop_candidates"], u["rooftop_planted_m2"], u["pocket_park_candidates"],
                    u["pocket_park_m2"], u["belt_m2"]])
    landscape_sheets((ws, ws2, ws3), 18)
    with atomic_path(xlsx_path) as tmp:
        wb.save(tmp)


def _for_gpkg(frame: gpd.GeoDataFrame, crs: Any = None) -> gpd.GeoDataFrame:
    out = frame.copy()
    if out.crs is None and crs is not None:  # an empty frame of a missing layer: the working CRS
        out = out.set_crs(crs)
    for col in out.columns:
        if col != out.geometry.name and out[col].dtype == object:
            out[col] = out[col].map(lambda v: v if v is None or isinstance(v, (str, int, float, bool)) else str(v))
    return out


def run_candidates(project: Project, out_dir: Path, *, feedback: Feedback | None = None) -> CandidatesOutputs:
    """Compute every candidate of ``project`` and write the outputs to ``out_dir``.

    Parameters
    ----------
    project : Project
    out_dir : Path
        Created if missing; the four files are written atomically.
    feedback : Feedback, optional

    Returns
    -------
    CandidatesOutputs
        The summary document, the candidate frames and the paths written.

    Raises
    ------
    GreenplanError
        From loading (missing or unreadable layers) or writing (``OutputError``).
    """
    from greenplan.io.crs import crs_label
    from greenplan.io.writers import write_gpkg_layers
    from greenplan.jobs.class_check import candidate_unknowns

    feedback = feedback or Feedback()
    out_dir = ensure_output_folder(out_dir)
    loaded, layers, rasters = load_layers(project, SubFeedback(feedback, 0, 30))
    cands = compute_candidates(layers, rasters, project.settings, feedback=SubFeedback(feedback, 30, 90))
    feedback.step(90, 100, "写出结果 / writing outputs")
    summary = summarize(cands, layers.get("admin_units"))
    doc = {"schema": SUMMARY_SCHEMA, "generator": f"greenplan {__version__}", "project": project.name,
           "crs": crs_label(loaded.crs), "notes": list(loaded.notes) + cands.notes, **summary,
           **candidate_unknowns(layers, project.settings)}
    files = {
        "gpkg": out_dir / "candidates.gpkg",
        "json": out_dir / "candidates_summary.json",
        "csv": out_dir / "candidates_summary.csv",
        "xlsx": out_dir / "candidates_summary.xlsx",
    }
    crs = _crs(layers)
    write_gpkg_layers(files["gpkg"], {
        "rooftops": _for_gpkg(cands.rooftops, crs), "pocket_parks": _for_gpkg(cands.pocket_parks, crs),
        "green_belts": _for_gpkg(cands.belts, crs), "avoided_farmland": _for_gpkg(cands.avoided, crs),
    })
    write_text_atomic(files["json"], dumps(doc) + "\n")
    write_summary_tables(doc, files["csv"], files["xlsx"])
    feedback.step(100, 100, "完成 / done")
    return CandidatesOutputs(summary=doc, candidates=cands, files=files)
