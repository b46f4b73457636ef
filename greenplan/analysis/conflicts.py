"""Numbered conflict patches (图斑编号) and the conflict register (冲突图斑登记表).

Every patch of the four conflict feature layers gets a stable number, a prefix per layer:

=====  ============================  ==========================================
HX     ``redline_occupation``        生态保护红线占用 (红线)
CX     ``control_line_overlaps``     三条控制线相互重叠 (冲突)
NF     ``farmland_nonfarm_use``      永久基本农田非农化 (非农)
NT     ``farmland_greening_conflict`` 永久基本农田绿化冲突 (农田绿化)
=====  ============================  ==========================================

e.g. ``HX-001``, ``NT-014`` (three digits, more when a layer has 1,000 patches or more).

Order (deterministic for the same inputs): by township in the order of the
``admin_units`` layer (patches in no township last), then area descending, then the
representative point from north to south (y descending), then west to east (x ascending).

Columns added to each layer (:data:`PATCH_COLUMNS`): ``patch_id``; ``township`` (name of
the admin unit holding the patch's representative point, else the unit holding its
largest share; None without admin units or outside every unit); ``area_m2``; ``area_mu``
(亩 = m² / :data:`M2_PER_MU`); ``x``, ``y`` (``shapely.point_on_surface``, working CRS);
``cause`` (a cause code, :data:`CAUSE_OF`); ``rule`` (the rule cited, :data:`RULES`).
Sliver pieces (``is_sliver``) are numbered too: the register lists every patch drawn.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
import shapely

from greenplan.analysis.wording import MU_M2
from greenplan.core.settings import NOISE_M2

#: feature layer -> number prefix
PREFIX = {
    "redline_occupation": "HX",
    "control_line_overlaps": "CX",
    "farmland_nonfarm_use": "NF",
    "farmland_greening_conflict": "NT",
}
#: feature layer -> Chinese type name in the register
TYPE_ZH = {
    "redline_occupation": "生态保护红线占用",
    "control_line_overlaps": "三条控制线相互重叠",
    "farmland_nonfarm_use": "永久基本农田非农化",
    "farmland_greening_conflict": "永久基本农田绿化冲突",
}
#: feature layer -> the rule cited (domain.md §3.1, §4)
RULES = {
    "redline_occupation": "生态保护红线内禁止开发性、生产性建设活动（自然资发〔2022〕142号）",
    "control_line_overlaps": "三条控制线不交叉、不重叠、不冲突（厅字〔2019〕48号）",
    "farmland_nonfarm_use": "严禁违规占用耕地从事非农建设（国办发明电〔2020〕24号）",
    "farmland_greening_conflict": "永久基本农田不得绿化造林（国办发明电〔2020〕24号）",
}
#: control-line pair -> cause code
PAIR_CAUSE = {"E∩F": "redline_farmland", "E∩U": "redline_urban", "F∩U": "farmland_urban"}
#: m² per 亩: the one constant of every 亩 figure (:data:`greenplan.analysis.wording.MU_M2`)
M2_PER_MU = MU_M2
PATCH_COLUMNS = ["patch_id", "township", "area_m2", "area_mu", "x", "y", "cause", "rule"]
#: register columns: (key, Chinese header)
REGISTER_COLUMNS = [
    ("patch_id", "图斑编号"),
    ("type", "冲突类型"),
    ("township", "所在乡镇"),
    ("area_m2", "面积（㎡）"),
    ("area_mu", "面积（亩）"),
    ("x", "X 坐标"),
    ("y", "Y 坐标"),
    ("cause", "原因代码"),
    ("rule", "依据"),
]


def _cause(layer: str, df: pd.DataFrame) -> np.ndarray:
    n = len(df)
    if layer == "redline_occupation" and "cause" in df:
        return df["cause"].astype(object).to_numpy()
    if layer == "control_line_overlaps" and "pair" in df:
        return np.array([PAIR_CAUSE.get(str(p), str(p)) for p in df["pair"]], dtype=object)
    if layer == "farmland_nonfarm_use" and "bucket" in df:
        return np.array([f"nonfarm_{b}" for b in df["bucket"]], dtype=object)
    if layer == "farmland_greening_conflict" and "source" in df:
        return np.array([f"greening_{s}" for s in df["source"]], dtype=object)
    return np.full(n, layer, dtype=object)


def _townships(geoms: np.ndarray, points: np.ndarray, units: Any) -> np.ndarray:
    """Unit index of each patch (-1: none): the unit holding its point, else its largest share."""
    out = np.full(len(geoms), -1, dtype=np.intp)
    if units is None or not len(geoms):
        return out
    parts = units.mask.geoms
    owner = np.asarray(units.part_unit)
    tree = shapely.STRtree(parts)
    src, dst = tree.query(points, predicate="intersects")
    if len(src):
        best = pd.DataFrame({"s": src, "u": owner[dst]}).groupby("s")["u"].min()
        out[best.index.to_numpy()] = best.to_numpy()
    rest = np.flatnonzero(out < 0)
    if len(rest):
        src, dst = tree.query(geoms[rest], predicate="intersects")
        if len(src):
            a = shapely.area(shapely.intersection(geoms[rest][src], parts[dst]))
            share = pd.DataFrame({"s": src, "u": owner[dst], "a": a}).groupby(["s", "u"])["a"].sum().reset_index()
            share = share[share["a"] > 0].sort_values(["s", "a", "u"], ascending=[True, False, True])
            first = share.drop_duplicates("s")
            out[rest[first["s"].to_numpy()]] = first["u"].to_numpy()
    return out


def number_patches(df: pd.DataFrame, layer: str, units: Any = None) -> pd.DataFrame:
    """``df`` (a conflict feature layer, column ``geometry``) with :data:`PATCH_COLUMNS`,
    sorted in numbering order (see the module docstring) and numbered.

    ``units`` is :class:`~greenplan.analysis.context.Units` (or None: no townships).
    """
    geoms = np.asarray(df["geometry"].array if hasattr(df["geometry"], "array") else df["geometry"], dtype=object)
    area = df["area_m2"].to_numpy(dtype=float) if "area_m2" in df else shapely.area(geoms)
    # pieces under a square millimetre are floating-point noise where boundaries coincide: never listed
    real = ~(area < NOISE_M2)
    if not real.all():
        df, geoms, area = df[real], geoms[real], area[real]
    n = len(df)
    pts = shapely.point_on_surface(geoms) if n else np.empty(0, dtype=object)
    x = shapely.get_x(pts) if n else np.empty(0)
    y = shapely.get_y(pts) if n else np.empty(0)
    unit = _townships(geoms, pts, units)
    out = df.reset_index(drop=True).copy()
    out["area_m2"] = area
    out["area_mu"] = area / M2_PER_MU
    out["x"], out["y"] = x, y
    out["cause"] = _cause(layer, out)
    out["rule"] = RULES.get(layer, "")
    out["township"] = [units.label(int(u)) if u >= 0 else None for u in unit] if units is not None else [None] * n
    key = np.where(unit >= 0, unit, np.iinfo(np.intp).max)
    order = np.lexsort((x, -y, -area, key))  # last key is primary
    out = out.iloc[order].reset_index(drop=True)
    width = max(3, len(str(n)))
    prefix = PREFIX.get(layer, "CF")
    out["patch_id"] = [f"{prefix}-{i + 1:0{width}d}" for i in range(n)]
    first = [c for c in PATCH_COLUMNS if c in out]
    rest = [c for c in out.columns if c not in first and c != "geometry"]
    return out[first + rest + ["geometry"]]


def register_rows(features: Mapping[str, Any]) -> list[dict[str, Any]]:
    """One row per numbered patch (keys of :data:`REGISTER_COLUMNS`), layer by layer in
    the order HX, CX, NF, NT, each in its numbering order."""
    rows: list[dict[str, Any]] = []
    for layer in PREFIX:
        gdf = features.get(layer)
        if gdf is None or not len(gdf) or "patch_id" not in getattr(gdf, "columns", ()):
            continue
        for r in gdf[[c for c in PATCH_COLUMNS]].itertuples(index=False):
            d = r._asdict()
            rows.append({
                "patch_id": d["patch_id"], "type": TYPE_ZH[layer], "township": d["township"],
                "area_m2": round(float(d["area_m2"]), 2), "area_mu": round(float(d["area_mu"]), 4),
                "x": round(float(d["x"]), 3), "y": round(float(d["y"]), 3),
                "cause": d["cause"], "rule": d["rule"],
            })
    return rows
