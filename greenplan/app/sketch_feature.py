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

    def with_vertex_added(self, x: float, y: float) -> SketchFeature:
        """The feature with a vertex at the point of its nearest segment to (x, y) (a belt: of
        its centre line, buffered again).

        Examples
        --------
        >>> f = SketchFeature("pocket_park", shapely.box(0, 0, 10, 10)).with_vertex_added(5, -1)
        >>> len(f.vertices()), f.geometry.area
        (5, 100.0)
        """
        if self.centre_wkt:
            line = _insert_vertex(shapely.from_wkt(self.centre_wkt), x, y)
            return replace(self, geometry=belt_polygon(line, self.width_m or 0.0), centre_wkt=line.wkt)
        polys = list(shapely.get_parts(self.geometry))
        rings = [(i, j, r) for i, p in enumerate(polys) for j, r in enumerate(_rings(p))]
        pt = shapely.Point(x, y)
        i, j, ring = min(rings, key=lambda t: t[2].distance(pt))
        new_ring = _insert_vertex(ring, x, y)
        parts = list(_rings(polys[i]))
        parts[j] = new_ring
        polys[i] = shapely.Polygon(parts[0], parts[1:])
        geom = polys[0] if len(polys) == 1 else shapely.MultiPolygon(polys)
        return replace(self, geometry=geom)

    def with_vertex_deleted(self, vx: float, vy: float) -> SketchFeature | None:
        """The feature without its vertex at (vx, vy); None when that would leave a ring of
        fewer than 3 corners (or a belt's centre line of fewer than 2 points).

        Examples
        --------
        >>> f = SketchFeature("pocket_park", shapely.Polygon([(0, 0), (10, 0), (10, 10), (5, 12), (0, 10)]))
        >>> f.with_vertex_deleted(5, 12).geometry.area
        100.0
        >>> SketchFeature("pocket_park", shapely.Polygon([(0, 0), (1, 0), (0, 1)])).with_vertex_deleted(0, 0) is None
        True
        """
        def keep(c: np.ndarray) -> np.ndarray:
            return c[~((c[:, 0] == vx) & (c[:, 1] == vy))]

        if self.centre_wkt:
            c = keep(shapely.get_coordinates(shapely.from_wkt(self.centre_wkt)))
            if len(c) < 2:
                return None
            line = shapely.LineString(c)
            return replace(self, geometry=belt_polygon(line, self.width_m or 0.0), centre_wkt=line.wkt)
        polys = []
        for poly in shapely.get_parts(self.geometry):
            rings = []
            for ring in _rings(poly):
                c = keep(shapely.get_coordinates(ring)[:-1])
                if len(np.unique(c, axis=0)) < 3:
                    return None
                rings.append(np.vstack([c, c[:1]]))
            polys.append(shapely.Polygon(rings[0], rings[1:]))
        geom = polygonal(polys[0] if len(polys) == 1 else shapely.MultiPolygon(polys))
        return None if geom.is_empty or geom.area <= 0 else replace(self, geometry=geom)

    def split_by(self, line: Any) -> list[SketchFeature]:
        """The pieces of the feature cut by ``line`` (each with the feature's attributes), or
        ``[]`` when the line does not cut it in two. A split belt's pieces are plain
        ``green_belt`` polygons: its centre line no longer describes them.

        Examples
        --------
        >>> f = SketchFeature("pocket_park", shapely.box(0, 0, 10, 10), name="东园")
        >>> [(p.name, p.geometry.area) for p in f.split_by(shapely.LineString([(4, -1), (4, 11)]))]
        [('东园', 40.0), ('东园', 60.0)]
        """
        from shapely.ops import split

        pieces = []
        for poly in shapely.get_parts(self.geometry):
            pieces.extend(g for g in shapely.get_parts(split(poly, line)) if shapely.get_type_id(g) == 3 and g.area > 0)
        if len(pieces) < 2:
            return []
        pieces.sort(key=lambda g: (g.bounds[0], g.bounds[1]))
        return [replace(self, geometry=g, centre_wkt="", width_m=None) for g in pieces]

    def moved(self, dx: float, dy: float) -> SketchFeature:
        """The same feature shifted by (dx, dy) map units (its centre line too)."""
        centre = self.centre_wkt
        if centre:
            centre = shapely.transform(shapely.from_wkt(centre), lambda c: c + (dx, dy)).wkt
        return replace(self, geometry=shapely.transform(self.geometry, lambda c: c + (dx, dy)), centre_wkt=centre)


def _rings(poly: Any) -> list[Any]:
    """A polygon's exterior ring, then its holes."""
    return [poly.exterior, *poly.interiors]


def _insert_vertex(line: Any, x: float, y: float) -> Any:
    """``line`` (a LineString or LinearRing) with the point of it nearest to (x, y) inserted
    into the segment it lies on (nothing new when that point is already a vertex)."""
    c = shapely.get_coordinates(line)
    a, b = c[:-1], c[1:]
    ab = b - a
    den = (ab ** 2).sum(axis=1)
    t = np.clip(np.divide(((np.array([x, y]) - a) * ab).sum(axis=1), den, out=np.zeros(len(a)), where=den > 0), 0, 1)
    near = a + ab * t[:, None]
    k = int(np.argmin(((near - (x, y)) ** 2).sum(axis=1)))
    p = near[k]
    if (p == a[k]).all() or (p == b[k]).all():
        return line
    out = np.vstack([c[:k + 1], p, c[k + 1:]])
    return shapely.LinearRing(out) if isinstance(line, shapely.LinearRing) else shapely.LineString(out)


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
