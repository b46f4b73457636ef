"""Shared state of one indicator run: prepared layers, cached unions, units, population.

Every union is computed once, named, and reused by every indicator and every unit
(``ctx.ps("B")``, ``ctx.lu_pieces("construction", "B")``); per-unit values intersect
these already-unioned piece sets with each unit (:class:`Units`).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from greenplan.analysis.codes import IGNORED, CodeClasses, load_code_table
from greenplan.analysis.geom import PieceSet, clip_pairs, polygon_parts
from greenplan.analysis.layers import ROLE_ZH, Layer, common_crs
from greenplan.analysis.once import OnceCache
from greenplan.analysis.partition import overlapping_mask
from greenplan.analysis.thresholds import load_rules, load_scheme
from greenplan.core.feedback import Feedback
from greenplan.core.settings import AnalysisSettings

POLYGON_ROLES = (
    "admin_units",
    "built_up_area",
    "ecological_redline",
    "permanent_farmland",
    "urban_boundary",
    "land_use",
    "green_space",
    "idle_land",
)

#: layers with at least this many parts get a part → unit table
TABLE_MIN = 5000

#: green_space classes (CJJ/T 85-2017) counted in the green space ratio, by prefix
GS_PREFIXES = ("G1", "G2", "G3", "XG", "RG", "AG", "BG", "MG", "WG", "SG", "UG")
#: every CJJ/T 85-2017 class GreenPlan recognises (区域绿地 EG counts with its own rule)
GS_KNOWN = (*GS_PREFIXES, "EG")


def text_test(values: pd.Series | None, test: Callable[[str], bool], n: int = 0) -> np.ndarray:
    """``test`` of each value as stripped upper-case text ("" when missing), per distinct value.

    Attribute columns hold a few distinct values (codes, classes); testing those and
    mapping back is much faster than string methods over 100,000 rows.
    """
    if values is None:
        return np.zeros(n, dtype=bool)
    codes, uniq = pd.factorize(values, use_na_sentinel=True)
    flags = np.array([bool(test(str(u).strip().upper())) for u in uniq] + [bool(test(""))], dtype=bool)
    return flags[np.where(codes < 0, len(uniq), codes)]


def class_prefix(values: pd.Series | None, prefixes: tuple[str, ...]) -> np.ndarray:
    """Rows whose class starts with one of ``prefixes`` (case-insensitive)."""
    return text_test(values, lambda t: t.startswith(prefixes))


def _drop_ignored(gdf: gpd.GeoDataFrame) -> tuple[gpd.GeoDataFrame, list[str]]:
    """Green-space features a class mapping marked ``ignore`` are no green space at all."""
    ign = text_test(gdf["class"], lambda t: t == IGNORED)
    if not ign.any():
        return gdf, []
    area = float(shapely.area(shapely.union_all(gdf.geometry.to_numpy()[ign])))
    note = (f"绿地：{int(ign.sum())} 个要素按地类映射标为 ignore（非绿地），{area:.1f} m²，未计入 / "
            f"green_space: {int(ign.sum())} features marked ignore by the class mapping (not green space), {area:.1f} m², left out")
    return gdf[~ign], [note]


def _label(v: Any) -> str | None:
    """A unit code as text: 510123001.0 read from a number column becomes "510123001"."""
    if v is None or (isinstance(v, float) and np.isnan(v)):
        return None
    if isinstance(v, (float, np.floating)) and float(v).is_integer():
        return str(int(v))
    return str(v)


class Units:
    """Administrative units (乡镇/街道) and per-unit areas of piece sets.

    Per-unit areas of pieces that are unchanged parts of a large layer (land use) come
    from a table computed once per layer (:meth:`table`); only the other pieces are cut
    along the unit boundaries.
    """

    def __init__(self, layer: Layer) -> None:
        f = layer.frame
        n = len(f)
        self.n = n
        self.codes = [_label(v) for v in f["code"]] if "code" in f else [str(i + 1) for i in range(n)]
        self.names = [None if pd.isna(v) else str(v) for v in f["name"]] if "name" in f else [None] * n
        pop = pd.to_numeric(f["population"], errors="coerce") if "population" in f else pd.Series(np.nan, index=f.index)
        self.population = pop.to_numpy(dtype=float)
        self.part_unit = layer.part_row
        overlap = overlapping_mask(layer.parts)
        self.mask = PieceSet(layer.parts, disjoint=not overlap.any())
        self.area = np.bincount(self.part_unit, weights=self.mask.areas, minlength=n)
        # per-unit clips by piece set and part tables by layer, keyed by identity (the
        # entries hold the object, so an id is not reused meanwhile); shared by threads
        self._once = OnceCache()

    def label(self, i: int) -> str:
        return self.names[i] or self.codes[i] or str(i + 1)

    def _cut(self, geoms: np.ndarray, tree=None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(piece areas, unit, source index) of ``geoms`` cut along the unit boundaries."""
        pieces, src, dst = clip_pairs(geoms, self.mask, tree=tree)
        return (shapely.area(pieces) if len(pieces) else np.empty(0)), self.part_unit[dst], src

    def table(self, layer: Layer) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(part, unit, area m²) rows for every polygon part of ``layer``.

        Parts away from every unit boundary lie in one unit (or none), found from one
        vertex; only parts touching a boundary are cut.
        """
        _, part, unit, area = self._once.get(("table", id(layer)), lambda: (layer, *self._table(layer)))
        return part, unit, area

    def _table(self, layer: Layer) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        mask = self.mask
        parts = layer.parts
        rings = shapely.get_rings(mask.geoms)
        xy, ring = shapely.get_coordinates(rings, return_index=True)
        same = ring[1:] == ring[:-1]
        segs = shapely.linestrings(np.stack([xy[:-1][same], xy[1:][same]], axis=1))
        _, touching = layer.tree.query(segs, predicate="intersects")
        near = np.zeros(len(parts), dtype=bool)
        near[touching] = True
        inner = np.flatnonzero(~near)
        xy, idx = shapely.get_coordinates(parts[inner], return_index=True)
        start = np.r_[0, np.flatnonzero(np.diff(idx)) + 1] if len(idx) else np.empty(0, dtype=np.intp)
        x, y = xy[start, 0], xy[start, 1]
        pi_l, mi_l = [], []
        for j, g in enumerate(mask.prepared()):  # a handful of unit polygons
            x0, y0, x1, y1 = shapely.bounds(g)
            cand = np.flatnonzero((x >= x0) & (x <= x1) & (y >= y0) & (y <= y1))
            hit = cand[shapely.contains_xy(g, x[cand], y[cand])]
            pi_l.append(hit)
            mi_l.append(np.full(len(hit), j, dtype=np.intp))
        pi = np.concatenate(pi_l) if pi_l else np.empty(0, dtype=np.intp)
        mi = np.concatenate(mi_l) if mi_l else np.empty(0, dtype=np.intp)
        area_all = shapely.area(parts)
        near_idx = np.flatnonzero(near)
        pieces, src, dst = clip_pairs(parts[near_idx], mask)
        return (
            np.concatenate([inner[pi], near_idx[src]]),
            np.concatenate([self.part_unit[mi], self.part_unit[dst]]),
            np.concatenate([area_all[inner[pi]], shapely.area(pieces) if len(pieces) else np.empty(0)]),
        )

    def clip(self, ps: PieceSet) -> tuple[np.ndarray, np.ndarray]:
        """(piece areas, unit index) of ``ps`` cut along the unit boundaries."""
        _, a, u = self._once.get(("clip", id(ps)), lambda: (ps, *self._clip(ps)))
        return a, u

    def _clip(self, ps: PieceSet) -> tuple[np.ndarray, np.ndarray]:
        known = np.zeros(len(ps), dtype=bool)
        a_parts, u_parts = [], []
        base = ps.base
        if isinstance(base, Layer) and len(base.parts) >= TABLE_MIN and ps.src is not None:
            known = ps.src >= 0
            part, unit, area = self.table(base)
            used = np.zeros(len(base.parts), dtype=bool)
            used[ps.src[known]] = True
            rows = used[part]
            a_parts.append(area[rows])
            u_parts.append(unit[rows])
        rest = ps.geoms[~known]
        if len(rest):
            a, u, _ = self._cut(rest, tree=ps.tree if known.sum() == 0 and len(ps) >= len(self.mask) else None)
            a_parts.append(a)
            u_parts.append(u)
        return (
            np.concatenate(a_parts) if a_parts else np.empty(0),
            np.concatenate(u_parts).astype(np.intp) if u_parts else np.empty(0, dtype=np.intp),
        )

    def areas(self, ps: PieceSet | None) -> np.ndarray:
        """Area of ``ps`` inside each unit (m²)."""
        if ps is None:
            return np.full(self.n, np.nan)
        a, u = self.clip(ps)
        return np.bincount(u, weights=a, minlength=self.n)


class AnalysisContext:
    """Prepared inputs of one run (see :func:`~greenplan.analysis.indicators.compute_indicators`).

    Parameters
    ----------
    layers : mapping role → GeoDataFrame or None
        Polygon layers in one metric working CRS with canonical field names.
    rasters : mapping role → path or RasterSource or None
    settings : AnalysisSettings
    scenario_greening, scenario_construction : GeoDataFrame, optional
        Scenario features (``class`` and ``gs_share`` for greening).
    feedback : Feedback, optional

    Raises
    ------
    CRSError
        A layer in a geographic CRS, or layers in different CRSs.
    """

    def __init__(
        self,
        layers: Mapping[str, gpd.GeoDataFrame | None],
        rasters: Mapping[str, Any] | None,
        settings: AnalysisSettings,
        *,
        scenario_greening: gpd.GeoDataFrame | None = None,
        scenario_construction: gpd.GeoDataFrame | None = None,
        feedback: Feedback | None = None,
    ) -> None:
        self.settings = settings
        self.as_of = settings.as_of_date()
        self.feedback = feedback or Feedback()
        self.tol = float(settings.sliver_m2)
        given = {r: layers.get(r) for r in POLYGON_ROLES}
        given["scenario_greening"] = scenario_greening
        given["scenario_construction"] = scenario_construction
        self.crs = common_crs(given)
        self.rasters = dict(rasters or {})
        self.scheme = load_scheme(settings.scheme, settings.thresholds)
        self.rules = load_rules(settings.thresholds)
        self.table = load_code_table(settings.code_system, settings.code_tables)
        self.notes: list[str] = []
        self._notes_lock = threading.Lock()
        self.layer: dict[str, Layer] = {}
        ignored_gs: list[str] = []
        for i, (role, gdf) in enumerate(given.items()):
            self.feedback.step(i, len(given) * 3, f"准备图层 {ROLE_ZH.get(role, role)}")
            if role == "green_space" and gdf is not None and "class" in gdf:
                gdf, ignored_gs = _drop_ignored(gdf)
            if gdf is not None and len(gdf):
                self.layer[role] = Layer(role, gdf)
        self.classes: CodeClasses | None = None
        #: unknown land-use codes and green-space classes: {role, code, parcels, area_m2}
        self.unknown_codes: list[dict[str, Any]] = []
        lu = self.layer.get("land_use")
        if lu is not None:
            self.classes = self.table.classify(lu.frame["DLBM"])
            self._report_codes(lu)
        gs = self.layer.get("green_space")
        #: green-space features whose class is none of CJJ/T 85-2017's
        self.gs_unknown = np.zeros(0, dtype=bool)
        if gs is not None:
            gs.notes.extend(ignored_gs)
            self.gs_unknown = ~class_prefix(gs.column("class"), GS_KNOWN) if gs.column("class") is not None else np.ones(len(gs), bool)
            self._report_unknown(gs, "green_space", pd.Series(gs.column("class") if gs.column("class") is not None else [None] * len(gs)), self.gs_unknown)
        for lyr in self.layer.values():
            self.add_notes(lyr.notes)
        self.units = Units(self.layer["admin_units"]) if "admin_units" in self.layer else None
        self._ps = OnceCache()  # named unions, shared by the indicator threads
        self._b_note: str | None = None

    # -- notes -------------------------------------------------------------------

    def feature_frame(self, parts: list[pd.DataFrame], cols: list[str], layer: str | None = None) -> gpd.GeoDataFrame:
        """An indicator's feature layer: ``parts`` joined, columns ``cols`` (one of them
        ``geometry``), in the working CRS; empty with those columns when there are no parts.

        A conflict ``layer`` (:data:`greenplan.analysis.conflicts.PREFIX`) is numbered: its
        patches get ``patch_id``, ``township``, ``area_mu``, ``x``, ``y``, ``cause`` and
        ``rule`` first (:func:`greenplan.analysis.conflicts.number_patches`).
        """
        from greenplan.analysis.conflicts import PATCH_COLUMNS, PREFIX, number_patches

        if layer in PREFIX:
            cols = PATCH_COLUMNS + [c for c in cols if c not in PATCH_COLUMNS]
        df = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame({c: [] for c in cols})
        if layer in PREFIX and parts:
            df = number_patches(df, layer, self.units)
        return gpd.GeoDataFrame(df[cols], geometry="geometry", crs=self.crs)

    def add_notes(self, notes: list[str]) -> None:
        with self._notes_lock:
            for n in notes:
                if n not in self.notes:
                    self.notes.append(n)

    def notes_for(self, *roles: str) -> list[str]:
        """Notes of the layers an indicator used (repairs, unknown codes, B fallback)."""
        out: list[str] = []
        for r in roles:
            if r == "B":
                if self._b_note:
                    out.append(self._b_note)
                continue
            lyr = self.layer.get(r)
            if lyr is not None:
                out.extend(lyr.notes)
        return out

    def _report_codes(self, lu: Layer) -> None:
        assert self.classes is not None
        if self.classes.padded:
            lu.notes.append("土地利用：数值型地类代码已补足前导 0（如 101 → 0101） / land_use: numeric codes zero-padded (101 → 0101)")
        ignored = self.classes.ignored
        if ignored.any():
            area = lu.pieces(ignored).area
            lu.notes.append(
                f"土地利用：{int(ignored.sum())} 个图斑按地类映射标为 ignore（非地类，如保护区范围），{area:.1f} m²，未计入任何类别 / "
                f"land_use: {int(ignored.sum())} parcels marked ignore by the class mapping (not a land use), {area:.1f} m², in no category"
            )
        # messages show the values as they are in the file (``forest``, not ``FOREST``)
        self._report_unknown(lu, "land_use", lu.frame["DLBM"].reset_index(drop=True), self.classes.unknown)

    def _report_unknown(self, lyr: Layer, role: str, codes: pd.Series, unknown: np.ndarray) -> None:
        """One note and one ``unknown_codes`` row per unknown code of ``lyr``."""
        if not unknown.any():
            return
        zh, en = ("地类代码", "code") if role == "land_use" else ("绿地分类", "class")
        text = codes[unknown].astype("string").str.strip().fillna("").reset_index(drop=True)
        for code, rows in text.groupby(text, sort=True).groups.items():
            sel = np.zeros(len(lyr), dtype=bool)
            sel[np.flatnonzero(unknown)[np.asarray(rows)]] = True
            # a few parcels: a plain union; many (a whole layer in another code system): the partition
            area = lyr.pieces(sel).area if sel.sum() > 1000 else PieceSet.union_of(lyr.geoms[sel]).area
            shown = code or "（空）"
            self.unknown_codes.append({"role": role, "code": code, "parcels": int(sel.sum()), "area_m2": area})
            lyr.notes.append(
                f"{ROLE_ZH.get(role, role)}：未识别{zh}“{shown}”，{int(sel.sum())} 个要素，{area:.1f} m²，未计入任何类别 / "
                f"{role}: unknown {en} '{code}': {int(sel.sum())} features, {area:.1f} m², in no category"
            )

    def unknown_in(self, roles: tuple[str, ...], mask: str) -> tuple[PieceSet | None, PieceSet | None]:
        """(features of ``roles`` with an unknown code or class ∩ the named mask, the mask).

        (None, None) when the mask's layer is missing; an empty piece set when every code is known.
        """
        m = self.ps(mask) if mask != "F" else self.cached("F∪", lambda: self._union("permanent_farmland"))
        if m is None:
            return None, None

        def build() -> PieceSet:
            sets: list[PieceSet | None] = []
            if "land_use" in roles and self.classes is not None and self.classes.unknown.any():
                sets.append(self.layer["land_use"].pieces(self.classes.unknown, m, key=("unknown", mask)))
            if "green_space" in roles and self.gs_unknown.any():
                sets.append(self.pieces_of("green_space", self.gs_unknown, m))
            return self.union_all_of(sets)

        return self.cached(f"unknown:{'+'.join(roles)}∩{mask}", build), m
    # -- land use ----------------------------------------------------------------
    def lu_rows(self, category: str) -> np.ndarray | None:
        """Land-use rows in ``category`` (None without a land_use layer)."""
        if self.classes is None:
            return None
        return self.classes.has(category)

    def lu_pieces(self, category: str, mask: str | None = None) -> PieceSet | None:
        """Union of the land-use parcels of ``category`` (∩ the named mask) as pieces."""
        lu = self.layer.get("land_use")
        if lu is None:
            return None
        m = self.ps(mask) if mask else None
        if mask and m is None:
            return None
        return lu.pieces(self.lu_rows(category), m, key=(category, mask))

    # -- named unions --------------------------------------------------------------
    def ps(self, name: str) -> PieceSet | None:
        """A cached named piece set (None when its layer is missing)."""
        return self._ps.get(name, lambda: self._build(name))

    def cached(self, name: str, build: Callable[[], PieceSet | None]) -> PieceSet | None:
        """The piece set called ``name``, built by ``build()`` the first time."""
        return self._ps.get(name, build)

    def _union(self, role: str, rows: np.ndarray | None = None) -> PieceSet | None:
        lyr = self.layer.get(role)
        if lyr is None:
            return None
        return lyr.pieces(rows)

    def green_rows(self, prefixes: tuple[str, ...] | None = None, *, exclude: tuple[str, ...] = ()) -> np.ndarray | None:
        gs = self.layer.get("green_space")
        if gs is None:
            return None
        cls = gs.column("class")
        rows = np.ones(len(gs), dtype=bool) if prefixes is None else class_prefix(cls, prefixes)
        if exclude:
            rows &= ~class_prefix(cls, exclude)
        return rows

    def _build(self, name: str) -> PieceSet | None:
        builders: dict[str, Callable[[], PieceSet | None]] = {
            "B": self._build_b,
            "E": lambda: self._union("ecological_redline"),
            # F is only used as a clip mask: its features, overlaps resolved in the results
            "F": lambda: self.layer["permanent_farmland"].features() if "permanent_farmland" in self.layer else None,
            "U": lambda: self._union("urban_boundary"),
            "idle": lambda: self._union("idle_land"),
            "scenario_greening": lambda: self._union("scenario_greening"),
            "scenario_construction": lambda: self._union("scenario_construction"),
            "green_all": lambda: self._union("green_space"),
        }
        return builders[name]()

    def _build_b(self) -> PieceSet | None:
        b = self._union("built_up_area")
        if b is not None and len(b):
            return b
        u = self._union("urban_boundary")
        if u is not None and len(u):
            self._b_note = "建成区图层缺失，以城镇开发边界代替 / built_up_area missing: B = urban_boundary"
            self.add_notes([self._b_note])
            return u
        return None

    def scenario_rows(self, prefix: str) -> np.ndarray | None:
        sg = self.layer.get("scenario_greening")
        if sg is None:
            return None
        return class_prefix(sg.column("class"), (prefix,)) if sg.column("class") is not None else np.zeros(len(sg), bool)

    # -- helpers -----------------------------------------------------------------
    def union_all_of(self, sets: list[PieceSet | None]) -> PieceSet:
        """Union of several piece sets (later ones win; none needs to be merged)."""
        out = PieceSet()
        for s in sets:
            if s is not None and len(s):
                out = out.union(s) if len(out) else s
        return out

    def pieces_of(self, role: str, rows: np.ndarray | None, mask: PieceSet | None) -> PieceSet | None:
        lyr = self.layer.get(role)
        if lyr is None:
            return None
        if rows is not None and not rows.any():
            return PieceSet()
        return lyr.pieces(rows, mask)

    def polygons(self, geoms: np.ndarray) -> np.ndarray:
        return polygon_parts(geoms)[0]
