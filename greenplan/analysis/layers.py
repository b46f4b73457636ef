"""Input layers made ready for measuring: repaired, exploded into polygons, overlaps found.

:class:`Layer` holds one role's rows (those with a polygonal geometry left after
``make_valid``), their polygon parts and, for large layers, which parts overlap another
part (:mod:`greenplan.analysis.partition`). :meth:`Layer.pieces` then gives the union of
any selection of rows, clipped to a mask, as a :class:`~greenplan.analysis.geom.PieceSet`
without unioning the whole selection.
"""

from __future__ import annotations

from collections.abc import Mapping

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from greenplan.analysis.geom import (
    EMPTY,
    PieceSet,
    check_metric_crs,
    clip_pieces,
    polygon_parts,
    repair_polygons,
)
from greenplan.analysis.once import OnceCache
from greenplan.analysis.partition import overlapping_mask
from greenplan.core.errors import CRSError, MissingFieldError
from greenplan.core.geo import VALID_ATTR

#: layers above this many polygons are partitioned instead of unioned
PARTITION_MIN = 64


#: fields an analysis cannot do without (the loader checks them first)
REQUIRED_FIELDS = {"land_use": ("DLBM",), "green_space": ("class",)}

ROLE_ZH = {
    "admin_units": "行政区",
    "built_up_area": "建成区",
    "ecological_redline": "生态保护红线",
    "permanent_farmland": "永久基本农田",
    "urban_boundary": "城镇开发边界",
    "land_use": "土地利用",
    "green_space": "绿地",
    "idle_land": "闲置土地",
    "scenario_greening": "方案绿化",
    "scenario_construction": "方案建设",
}


def common_crs(layers: Mapping[str, gpd.GeoDataFrame | None]) -> str | None:
    """The one metric CRS of all layers (label such as ``EPSG:4544``), or None if none has one.

    Raises
    ------
    CRSError
        A layer in degrees or other non-metre units, or layers in different CRSs.
    """
    import pyproj

    seen: dict[str, pyproj.CRS] = {}
    for role, gdf in layers.items():
        if gdf is None or gdf.crs is None:
            continue
        check_metric_crs(gdf.crs, role)
        seen[role] = pyproj.CRS.from_user_input(gdf.crs)
    if not seen:
        return None
    first_role, first = next(iter(seen.items()))
    for role, crs in seen.items():
        if not crs.equals(first, ignore_axis_order=True):
            raise CRSError(
                f"Layers '{first_role}' ({first.to_string()}) and '{role}' ({crs.to_string()}) are in different CRSs.",
                f"图层“{first_role}”（{first.to_string()}）与“{role}”（{crs.to_string()}）的坐标系不同。",
                layer=role,
                hint_en="Reproject every layer to the working CRS before the analysis (the loader does this).",
                hint_zh="请先将所有图层投影到同一工作坐标系（加载项目时会自动完成）。",
            )
    epsg = first.to_epsg()
    return f"EPSG:{epsg}" if epsg else first.to_string()


class Layer:
    """One role's polygons, ready for measuring.

    Parameters
    ----------
    role : str
    gdf : GeoDataFrame in the working (metric) CRS
    partition : bool, optional
        Find overlapping parts (default: when the layer has more than
        :data:`PARTITION_MIN` parts); otherwise all parts count as overlapping and
        :meth:`pieces` unions them.

    Attributes
    ----------
    frame : DataFrame
        Attributes of the kept rows (rows without polygonal geometry are dropped).
    geoms : ndarray
        Repaired geometry of each kept row.
    parts, part_row : ndarray
        Polygon parts and the row (position in ``frame``) of each.
    dirty : ndarray of bool
        Part overlaps another part (needs a union).
    notes : list of str
    """

    def __init__(self, role: str, gdf: gpd.GeoDataFrame, *, partition: bool | None = None) -> None:
        self.role = role
        self.notes: list[str] = []
        zh = ROLE_ZH.get(role, role)
        for f in REQUIRED_FIELDS.get(role, ()):
            if f not in gdf.columns:
                raise MissingFieldError(
                    f"Layer '{role}' has no field '{f}'.",
                    f"{zh}图层缺少字段“{f}”。",
                    layer=role,
                    field=f,
                    hint_en="Map the field in the project (fields = {...}) or with --set ROLE.FIELD=NAME.",
                    hint_zh="请在项目文件中设置字段对应关系，或使用 --set 角色.字段=字段名。",
                )
        # the loader marks frames it has already repaired (attrs VALID_ATTR): no second test
        known_valid = bool(gdf.attrs.get(VALID_ATTR, False))
        geoms, repaired = repair_polygons(np.asarray(gdf.geometry.array, dtype=object), known_valid=known_valid)
        keep = ~shapely.is_missing(geoms)
        if repaired:
            self.notes.append(f"{zh}：{repaired} 个无效几何已修复（make_valid） / {role}: {repaired} invalid geometries repaired (make_valid)")
        dropped = int((~keep).sum())
        if dropped:
            self.notes.append(f"{zh}：{dropped} 个要素无面状几何，已忽略 / {role}: {dropped} features without polygon geometry ignored")
        self.frame = pd.DataFrame(gdf.drop(columns=gdf.geometry.name)).loc[keep].reset_index(drop=True)
        self.geoms = geoms[keep]
        self.parts, self.part_row = polygon_parts(self.geoms)
        self._tree: shapely.STRtree | None = None
        if partition is None:
            partition = len(self.parts) > PARTITION_MIN
        self.partitioned = partition
        self._once = OnceCache()  # overlap mask, pieces by key, clips by mask (shared by threads)

    def __len__(self) -> int:
        return len(self.frame)

    @property
    def dirty(self) -> np.ndarray:
        """Part overlaps another part (found on first use, see :mod:`.partition`)."""
        return self._once.get("dirty", self._find_dirty)

    def _find_dirty(self) -> np.ndarray:
        if self.partitioned:
            return overlapping_mask(self.parts, self.tree)
        return np.ones(len(self.parts), dtype=bool)

    @property
    def tree(self) -> shapely.STRtree:
        if self._tree is None:  # two threads may both build one: harmless, both are complete
            self._tree = shapely.STRtree(self.parts)
        return self._tree

    def column(self, name: str) -> pd.Series | None:
        return self.frame[name] if name in self.frame.columns else None

    def part_select(self, rows: np.ndarray | None) -> np.ndarray | None:
        return None if rows is None else np.asarray(rows, dtype=bool)[self.part_row]

    def clip(
        self, rows: np.ndarray | None, mask: PieceSet | None, *, sparse: bool = False, reuse: bool = False
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(pieces, part index, whole flag) of each selected part ∩ ``mask`` (None: the parts).

        ``reuse`` clips every part once per mask and selects from that (several categories
        clipped to the same mask, e.g. B).
        """
        sel = self.part_select(rows)
        if mask is None:
            idx = np.arange(len(self.parts)) if sel is None else np.flatnonzero(sel)
            return self.parts[idx], idx, np.ones(len(idx), dtype=bool)
        if len(mask) == 0 or len(self.parts) == 0:
            return EMPTY, np.empty(0, dtype=np.intp), np.empty(0, dtype=bool)
        if reuse and not sparse:
            # keyed by identity; the entry holds the mask, so the id is not reused meanwhile
            _, pieces, src, _, whole = self._once.get(
                ("clip", id(mask)), lambda: (mask, *clip_pieces(self.parts, mask, tree=self.tree))
            )
            if sel is None:
                return pieces, src, whole
            keep = sel[src]
            return pieces[keep], src[keep], whole[keep]
        pieces, src, _, whole = clip_pieces(self.parts, mask, tree=self.tree, sparse=sparse, select=sel)
        return pieces, src, whole

    def as_pieces(self, pieces: np.ndarray, part: np.ndarray, whole: np.ndarray, *, mask_disjoint: bool = True) -> PieceSet:
        """Disjoint union of clipped pieces (only overlapping parts, or all for an overlapping mask, unioned)."""
        dirty = self.dirty[part] if mask_disjoint else np.ones(len(part), dtype=bool)
        return PieceSet.disjoint_union(pieces, dirty, src=np.where(whole, part, -1), base=self)

    def pieces(self, rows: np.ndarray | None = None, mask: PieceSet | None = None, *, key: object = None) -> PieceSet:
        """Union of the selected rows (all: None), clipped to ``mask``, as disjoint pieces.

        ``key`` caches the result under that name.
        """
        def build() -> PieceSet:
            pieces, part, whole = self.clip(rows, mask, reuse=key is not None)
            return self.as_pieces(pieces, part, whole, mask_disjoint=mask is None or mask.disjoint)

        return build() if key is None else self._once.get(("pieces", key), build)

    def features(self) -> PieceSet:
        """The parts as a clip mask that may overlap (``disjoint=False``): no union needed."""
        return PieceSet(self.parts, disjoint=False)
