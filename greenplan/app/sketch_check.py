"""Live legality check of one hand-drawn feature: permanent farmland and the ecological red line.

While a planner draws, every new or changed sketch feature is checked against the loaded
permanent farmland and ecological red line (``indicators.md``: scenario greening and
construction must occupy neither). The layers' polygons are indexed once in an STRtree; a
check queries the tree with the feature's envelope and intersects only the hits, so it stays
in the millisecond range for a county (``benchmarks/bench_sketch.py``).

The overlap is the area of the feature inside the union of the layer's polygons (overlapping
source polygons are not counted twice); pieces under ``sliver_m2`` are left out, as in the
scenario's ``checks`` (:func:`greenplan.jobs.scenario.check_scenario`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import shapely

from greenplan.analysis.wording import format_area

#: the rules checked, in order: role → (English, Chinese)
RULES: dict[str, tuple[str, str]] = {
    "permanent_farmland": ("occupies permanent farmland", "占用永久基本农田"),
    "ecological_redline": ("occupies the ecological red line", "占用生态保护红线"),
}


@dataclass(frozen=True)
class SketchConflict:
    """A rule a sketched feature breaks: the ``role`` of the layer and the overlap (m²)."""

    role: str
    overlap_m2: float

    def text(self, lang: str = "zh") -> str:
        """``占用永久基本农田 1,250.0 m²`` (the shared area formatter).

        Examples
        --------
        >>> SketchConflict("ecological_redline", 12500.0).text()
        '占用生态保护红线 1.25 公顷'
        """
        en, zh = RULES[self.role]
        return f"{zh if lang == 'zh' else en} {format_area(self.overlap_m2, lang)}"


def conflicts_text(conflicts: list[SketchConflict], lang: str = "zh") -> str:
    """All conflicts of one feature in one line (empty when there are none)."""
    return ("，" if lang == "zh" else "; ").join(c.text(lang) for c in conflicts)


class SketchChecker:
    """Permanent farmland and red line polygons in STRtrees; :meth:`check` one geometry.

    Parameters
    ----------
    layers : mapping role → GeoDataFrame, GeoSeries or array of geometries (or None)
        ``permanent_farmland`` and ``ecological_redline`` in the sketch's CRS (metres);
        other roles are ignored, a missing one is not checked.
    sliver_m2 : float
        Overlap pieces smaller than this are left out (``AnalysisSettings.sliver_m2``).

    Examples
    --------
    >>> c = SketchChecker({"permanent_farmland": [shapely.box(0, 0, 100, 100)]})
    >>> c.check(shapely.box(50, 50, 150, 150))
    [SketchConflict(role='permanent_farmland', overlap_m2=2500.0)]
    >>> c.check(shapely.box(200, 0, 300, 100))
    []
    """

    def __init__(self, layers: Mapping[str, Any], sliver_m2: float = 0.0) -> None:
        self.sliver_m2 = float(sliver_m2)
        self._trees: dict[str, tuple[shapely.STRtree, np.ndarray]] = {}
        for role in RULES:
            lay = layers.get(role)
            if lay is None:
                continue
            geoms = np.asarray(getattr(lay, "geometry", lay), dtype=object)
            geoms = geoms[~shapely.is_missing(geoms) & ~shapely.is_empty(geoms)] if len(geoms) else geoms
            geoms = shapely.make_valid(geoms) if len(geoms) else geoms
            shapely.prepare(geoms)
            self._trees[role] = (shapely.STRtree(geoms), geoms)

    @property
    def roles(self) -> list[str]:
        """The roles that are checked (their layer is loaded)."""
        return list(self._trees)

    def overlap_m2(self, role: str, geom: shapely.Geometry) -> float:
        """Area (m²) of ``geom`` inside the ``role`` layer, sliver pieces left out."""
        tree, geoms = self._trees[role]
        hits = tree.query(geom, predicate="intersects")
        if not len(hits):
            return 0.0
        parts = shapely.intersection(geoms[hits], geom)
        inside = parts[0] if len(parts) == 1 else shapely.union_all(parts)
        pieces = shapely.get_parts(inside)
        areas = shapely.area(pieces)
        return float(areas[areas >= self.sliver_m2].sum()) if self.sliver_m2 > 0 else float(areas.sum())

    def check(self, geom: shapely.Geometry | None) -> list[SketchConflict]:
        """The rules ``geom`` breaks, with the overlap area (an empty list: none)."""
        if geom is None or shapely.is_empty(geom):
            return []
        if not shapely.is_valid(geom):
            geom = shapely.make_valid(geom)
        out = []
        for role in self._trees:
            a = self.overlap_m2(role, geom)
            if a > 0:
                out.append(SketchConflict(role, a))
        return out
