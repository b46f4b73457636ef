"""Geometry clean-up on load: counts, 2D, type filter per role, in-memory repair.

All whole-column shapely 2 operations; nothing is written back to the source.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import shapely

from greenplan.core.parallel import split_map
from greenplan.core.roles import ACCEPTED_GEOM_TYPES, LINE, LINE_OR_POLYGON, POLYGON
from greenplan.io.report import LayerReport

_POLYGON_IDS = (shapely.GeometryType.POLYGON,)
_LINE_IDS = (shapely.GeometryType.LINESTRING, shapely.GeometryType.LINEARRING)


def extract_kind(geoms: np.ndarray, kind: str) -> np.ndarray:
    """The polygonal (``kind="polygon"``) or linear parts of each geometry.

    Collections (also nested) are taken apart; a row with one part gets that part, a row
    with several a Multi* geometry, a row with none ``None``.

    Examples
    --------
    >>> gc = shapely.GeometryCollection([shapely.Point(0, 0), shapely.box(0, 0, 1, 1)])
    >>> extract_kind(np.array([gc]), "polygon")[0].wkt
    'POLYGON ((1 0, 1 1, 0 1, 0 0, 1 0))'
    """
    n = len(geoms)
    parts, idx = shapely.get_parts(geoms, return_index=True)
    for _ in range(2):  # collections inside collections
        nested = shapely.get_type_id(parts) >= shapely.GeometryType.MULTIPOINT
        if not nested.any():
            break
        sub, sub_idx = shapely.get_parts(parts, return_index=True)
        idx, parts = idx[sub_idx], sub
    wanted = _POLYGON_IDS if kind == POLYGON else _LINE_IDS
    keep = np.isin(shapely.get_type_id(parts), wanted) & ~shapely.is_empty(parts)
    parts, idx = parts[keep], idx[keep]
    out = np.full(n, None, dtype=object)
    if len(parts) == 0:
        return out
    counts = np.bincount(idx, minlength=n)
    single = counts[idx] == 1
    out[idx[single]] = parts[single]
    multi = ~single
    if multi.any():
        build = shapely.multipolygons if kind == POLYGON else shapely.multilinestrings
        uniq, inv = np.unique(idx[multi], return_inverse=True)
        out[uniq] = build(parts[multi], indices=inv)
    return out


def _kind_of(types: np.ndarray, role_geometry: str) -> np.ndarray:
    """For a line-or-polygon role: per row, which kind its geometry is meant as."""
    if role_geometry != LINE_OR_POLYGON:
        return np.full(len(types), role_geometry, dtype=object)
    return np.where(np.isin(types, ["LineString", "MultiLineString"]), LINE, POLYGON).astype(object)


def prepare_geometries(gdf: gpd.GeoDataFrame, role_geometry: str | None, report: LayerReport) -> gpd.GeoDataFrame:
    """Count, filter and repair the geometries of a layer read from a file.

    Drops null and empty geometries and, for a role, those of a type the role cannot use
    (geometry collections keep their fitting parts); repairs invalid ones with
    ``make_valid`` (polygons: ``method="structure"``, so a bow-tie becomes two triangles
    and collapsed rings vanish); drops Z/M. Fills the counts of ``report``.

    Parameters
    ----------
    gdf : GeoDataFrame
        As read, any CRS.
    role_geometry : str or None
        ``polygon``, ``line``, ``line_or_polygon`` (:mod:`greenplan.core.roles`), or None
        for a reference layer (nothing dropped for its type).
    report : LayerReport

    Returns
    -------
    GeoDataFrame
        The kept rows (index of the file order kept), same CRS.
    """
    geoms = np.asarray(gdf.geometry.values, dtype=object)
    missing = shapely.is_missing(geoms)
    empty = ~missing & shapely.is_empty(geoms)
    types = np.asarray(gdf.geometry.geom_type, dtype=object)
    types = np.where(missing, "null", types)
    names, counts = np.unique(types.astype(str), return_counts=True)
    report.geometry_types = {str(k): int(v) for k, v in zip(names, counts, strict=True)}
    report.null_geometries = int(missing.sum()) - len(report.unparseable)
    report.empty_geometries = int(empty.sum())
    usable = ~missing & ~empty
    if shapely.has_z(geoms[usable]).any():
        report.has_z = True
        geoms = geoms.copy()
        geoms[usable] = shapely.force_2d(geoms[usable])
    wrong = np.zeros(len(geoms), dtype=bool)
    if role_geometry is not None:
        accepted = ACCEPTED_GEOM_TYPES[role_geometry]
        kinds = _kind_of(types, role_geometry)
        ok = np.isin(types, list(accepted))
        coll = usable & (types == "GeometryCollection")
        if coll.any():
            before = geoms[coll]
            geoms = geoms.copy()
            for kind in (POLYGON, LINE):
                sel = coll & (kinds == kind)
                if sel.any():
                    geoms[sel] = extract_kind(geoms[sel], kind)
            ok |= coll & ~shapely.is_missing(geoms)
            _note_parts_left_out(before, geoms[coll], ok[coll], report)
        wrong = usable & ~ok
        report.checks["left_out_types"] = _type_counts(types[wrong])
    report.wrong_type = int(wrong.sum())
    keep = usable & ~wrong
    invalid = keep & ~split_map(shapely.is_valid, geoms)
    report.invalid_geometries = int(invalid.sum())
    if invalid.any():
        geoms = geoms.copy()
        geoms[invalid] = repair(geoms[invalid], role_geometry)
        report.repaired = int(invalid.sum())
        collapsed = invalid & (shapely.is_missing(geoms) | shapely.is_empty(geoms))
        keep &= ~collapsed
        report.checks["collapsed_by_repair"] = int(collapsed.sum())
    out = gdf.loc[keep].copy()
    out = out.set_geometry(gpd.GeoSeries(geoms[keep], index=out.index, crs=gdf.crs), crs=gdf.crs)
    return out


def _type_counts(types: np.ndarray) -> dict[str, int]:
    names, counts = np.unique(np.asarray(types).astype(str), return_counts=True)
    return {str(k): int(v) for k, v in zip(names, counts, strict=True)}


def _leaf_parts(geoms: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Single-part pieces of ``geoms`` (collections and multi-geometries taken apart), with row index."""
    parts, idx = shapely.get_parts(geoms, return_index=True)
    for _ in range(3):
        nested = shapely.get_type_id(parts) >= shapely.GeometryType.MULTIPOINT
        if not nested.any():
            break
        sub, sub_idx = shapely.get_parts(parts, return_index=True)
        parts, idx = sub, idx[sub_idx]
    return parts, idx


def _note_parts_left_out(before: np.ndarray, after: np.ndarray, kept: np.ndarray, report: LayerReport) -> None:
    """Report the parts of kept geometry collections that were left out (a point in a collection of polygons)."""
    parts_before, _ = _leaf_parts(before[kept])
    parts_after, _ = _leaf_parts(np.asarray([g for g in after[kept] if g is not None], dtype=object))
    kinds_before = _type_counts(shapely.get_type_id(parts_before).astype(int))
    kinds_after = _type_counts(shapely.get_type_id(parts_after).astype(int))
    lost = {shapely.GeometryType(int(k)).name.title().replace("string", "String"): n - kinds_after.get(k, 0)
            for k, n in kinds_before.items() if n - kinds_after.get(k, 0) > 0}
    if not lost:
        return
    n = sum(lost.values())
    text = ", ".join(f"{k} {v}" for k, v in sorted(lost.items()))
    report.checks["parts_left_out"] = lost
    report.add("info", "collection_parts_left_out",
               f"{int(kept.sum())} geometry collections kept their usable parts; {n} other parts were left out ({text}).",
               f"{int(kept.sum())} 个几何集合保留了可用部分；其余 {n} 个部分已排除（{text}）。",
               parts=lost)


def left_out_text(report: LayerReport) -> str:
    """``Point 2, LineString 1``: the types of the features left out for their type."""
    counts = report.checks.get("left_out_types") or {}
    return ", ".join(f"{k} {v}" for k, v in counts.items())


def repair(geoms: np.ndarray, role_geometry: str | None) -> np.ndarray:
    """``make_valid`` keeping the kind a role needs (polygons stay polygons).

    Examples
    --------
    >>> bowtie = shapely.Polygon([(0, 0), (2, 2), (2, 0), (0, 2)])
    >>> fixed = repair(np.array([bowtie]), "polygon")[0]
    >>> fixed.geom_type, fixed.area
    ('MultiPolygon', 2.0)
    """
    tid = shapely.get_type_id(geoms)
    polygonal = np.isin(tid, [shapely.GeometryType.POLYGON, shapely.GeometryType.MULTIPOLYGON])
    out = np.empty(len(geoms), dtype=object)
    with np.errstate(all="ignore"):  # damaged coordinates (1e300) overflow inside GEOS: still repaired
        _repair_into(out, geoms, polygonal, role_geometry)
    return out


def _make_valid(geoms: np.ndarray, **kwargs: object) -> np.ndarray:
    """``shapely.make_valid`` for all; where GEOS gives up on one (coordinates of 1e300,
    a ring of repeated points), that one becomes None instead of failing the layer."""
    try:
        return shapely.make_valid(geoms, **kwargs)
    except shapely.errors.GEOSException:
        out = np.empty(len(geoms), dtype=object)
        for i, g in enumerate(geoms):  # only in this rare failure: find the culprits
            try:
                out[i] = shapely.make_valid(g, **kwargs)
            except shapely.errors.GEOSException:
                out[i] = None
        return out


def _repair_into(out: np.ndarray, geoms: np.ndarray, polygonal: np.ndarray, role_geometry: str | None) -> None:
    if polygonal.any():
        fixed = _make_valid(geoms[polygonal], method="structure", keep_collapsed=False)
        out[polygonal] = extract_kind(fixed, POLYGON)
    if (~polygonal).any():
        fixed = _make_valid(geoms[~polygonal])
        out[~polygonal] = extract_kind(fixed, LINE) if role_geometry in (LINE, LINE_OR_POLYGON) else fixed


def repair_after_reprojection(gdf: gpd.GeoDataFrame, role_geometry: str | None) -> tuple[gpd.GeoDataFrame, int, int]:
    """Repair geometries that became invalid through reprojection.

    Returns
    -------
    (GeoDataFrame, int, int)
        The frame without geometries that could not be projected (non-finite
        coordinates: far outside the source CRS's area), the number repaired, and the
        number dropped as unprojectable.
    """
    geoms = np.asarray(gdf.geometry.values, dtype=object)
    finite = np.isfinite(shapely.bounds(geoms)).all(axis=1) | shapely.is_empty(geoms)
    invalid = finite & ~shapely.is_valid(geoms) & ~shapely.is_missing(geoms)
    if not invalid.any() and finite.all():
        return gdf, 0, 0
    geoms = geoms.copy()
    if invalid.any():
        geoms[invalid] = repair(geoms[invalid], role_geometry)
    keep = finite & ~shapely.is_missing(geoms) & ~shapely.is_empty(geoms)
    out = gdf.set_geometry(gpd.GeoSeries(geoms, index=gdf.index, crs=gdf.crs), crs=gdf.crs)
    return out.loc[keep], int(invalid.sum()), int((~finite).sum())
