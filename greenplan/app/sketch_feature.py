"""One hand-drawn scenario feature (issue #15) and its conversions, without Qt.

:class:`SketchFeature` is immutable: every edit makes a new one (moved, a vertex moved,
attributes replaced), which is what the undo commands of
:class:`~greenplan.app.sketch_state.SketchState` keep. The columns are those of
:mod:`greenplan.jobs.sketch`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import geopandas as gpd
import numpy as np
import shapely

from greenplan.jobs.sketch import (
    DEFAULT_CLASS,
    DEFAULT_GS_SHARE,
    SKETCH_KINDS,
    belt_polygon,
    empty_sketch,
)


def polygonal(geom: Any) -> Any:
    """``geom`` made valid, its polygon parts only (a self-crossing ring drawn by hand gives
    a polygon, not a collection with lines); an empty polygon when there are none.

    Examples
    --------
    >>> polygonal(shapely.Polygon([(0, 0), (10, 10), (10, 0), (0, 10)])).area  # a bow tie
    50.0
    """
    if shapely.is_valid(geom) and shapely.get_type_id(geom) in (3, 6):
        return geom
    parts = [p for p in shapely.get_parts(shapely.make_valid(geom)) if shapely.get_type_id(p) in (3, 6)]
    if not parts:
        return shapely.Polygon()
    return parts[0] if len(parts) == 1 else shapely.union_all(parts)


@dataclass(frozen=True)
class SketchFeature:
    """One hand-drawn feature (the columns of :mod:`greenplan.jobs.sketch`)."""

    kind: str
    geometry: Any
    cls: str = ""
    gs_share: float | None = None
    name: str = ""
    note: str = ""
    centre_wkt: str = ""
    width_m: float | None = None

    def __post_init__(self) -> None:
        if self.kind not in SKETCH_KINDS:
            raise ValueError(f"unknown sketch kind {self.kind!r}")
        if not self.cls:
            object.__setattr__(self, "cls", DEFAULT_CLASS[self.kind])
        if self.gs_share is None:
            object.__setattr__(self, "gs_share", DEFAULT_GS_SHARE[self.kind])

    @classmethod
    def belt(cls, centre: list[tuple[float, float]] | shapely.LineString, width_m: float, **kw: Any) -> SketchFeature:
        """A ``green_belt`` along ``centre``, ``width_m`` wide (stored as the buffered polygon)."""
        line = centre if isinstance(centre, shapely.LineString) else shapely.LineString(centre)
        return cls("green_belt", belt_polygon(line, width_m), centre_wkt=line.wkt, width_m=float(width_m), **kw)

    def vertices(self):
        """The vertices one can drag: a belt's centre line, else the polygon's (rings' closing
        points once), as an (n, 2) array."""
        if self.centre_wkt:
            return shapely.get_coordinates(shapely.from_wkt(self.centre_wkt))
        rings = [shapely.get_exterior_ring(p) for p in shapely.get_parts(self.geometry)]
        rings += [shapely.get_interior_ring(p, i) for p in shapely.get_parts(self.geometry)
                  for i in range(shapely.get_num_interior_rings(p))]
        return np.concatenate([shapely.get_coordinates(r)[:-1] for r in rings]) if rings else np.zeros((0, 2))

    def with_vertex_moved(self, vx: float, vy: float, x: float, y: float) -> SketchFeature:
        """The feature with every vertex at (vx, vy) moved to (x, y) (a belt: its centre line,
        buffered again with its width).

        Examples
        --------
        >>> f = SketchFeature("pocket_park", shapely.box(0, 0, 10, 10)).with_vertex_moved(10, 10, 20, 10)
        >>> f.geometry.area
        150.0
        """
        def put(c):
            c = c.copy()
            c[(c[:, 0] == vx) & (c[:, 1] == vy)] = (x, y)
            return c

        if self.centre_wkt:
            line = shapely.transform(shapely.from_wkt(self.centre_wkt), put)
            return replace(self, geometry=belt_polygon(line, self.width_m or 0.0), centre_wkt=line.wkt)
        return replace(self, geometry=polygonal(shapely.transform(self.geometry, put)))

    def moved(self, dx: float, dy: float) -> SketchFeature:
        """The same feature shifted by (dx, dy) map units (its centre line too)."""
        centre = self.centre_wkt
        if centre:
            centre = shapely.transform(shapely.from_wkt(centre), lambda c: c + (dx, dy)).wkt
        return replace(self, geometry=shapely.transform(self.geometry, lambda c: c + (dx, dy)), centre_wkt=centre)


def features_from_geometries(geoms: Any, kind: str, width_m: float) -> list[SketchFeature]:
    """Sketch features copied from layer geometries: polygons as ``kind``; lines as green belts
    ``width_m`` wide (centre line kept); points and empty geometries are left out.

    Examples
    --------
    >>> fs = features_from_geometries([shapely.box(0, 0, 10, 10), shapely.LineString([(0, 0), (100, 0)]),
    ...                                shapely.Point(1, 1)], "green_space", 20)
    >>> [(f.kind, f.geometry.area) for f in fs]
    [('green_space', 100.0), ('green_belt', 2000.0)]
    """
    out = []
    for g in geoms:
        if g is None or shapely.is_empty(g):
            continue
        t = shapely.get_type_id(g)
        if t in (3, 6):  # Polygon, MultiPolygon
            out.append(SketchFeature(kind, g))
        elif t in (1, 2, 5):  # LineString, LinearRing, MultiLineString: one belt per part
            for part in shapely.get_parts(g):
                line = shapely.LineString(part.coords)
                if line.length > 0:
                    out.append(SketchFeature.belt(line, width_m))
    return out


def features_frame(features: list[SketchFeature], crs: Any = None) -> gpd.GeoDataFrame:
    """The features as a sketch GeoDataFrame (:func:`greenplan.jobs.sketch.normalize_sketch` columns)."""
    if not features:
        return empty_sketch(crs)
    return gpd.GeoDataFrame({
        "kind": [f.kind for f in features], "class": [f.cls for f in features],
        "gs_share": [float(f.gs_share) for f in features], "name": [f.name for f in features],
        "note": [f.note for f in features], "centre_wkt": [f.centre_wkt for f in features],
        "width_m": [float("nan") if f.width_m is None else float(f.width_m) for f in features],
    }, geometry=gpd.GeoSeries([f.geometry for f in features], crs=crs), crs=crs)


def frame_features(frame: gpd.GeoDataFrame) -> list[SketchFeature]:
    """The rows of a (normalized) sketch frame as features."""
    out = []
    for rec, geom in zip(frame.drop(columns="geometry").to_dict("records"), frame.geometry.values, strict=True):
        width = rec.get("width_m")
        out.append(SketchFeature(rec["kind"], geom, rec.get("class") or "", float(rec["gs_share"]), rec.get("name") or "",
                                 rec.get("note") or "", rec.get("centre_wkt") or "",
                                 None if width is None or width != width else float(width)))
    return out
