"""Geometry clean-up on load: counts, type filter per role, in-memory repair."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import shapely

from greenplan.io.geometry import extract_kind, prepare_geometries, repair
from greenplan.io.report import LayerReport


def rep() -> LayerReport:
    from pathlib import Path

    return LayerReport(index=0, name="t", role=None, source=Path("t.gpkg"))


def test_bowtie_repaired_to_two_triangles() -> None:
    bow = shapely.Polygon([(0, 0), (2, 2), (2, 0), (0, 2)])  # two triangles of 1 m² each
    fixed = repair(np.array([bow]), "polygon")[0]
    assert fixed.is_valid and fixed.geom_type == "MultiPolygon" and fixed.area == 2.0


def test_spike_and_collapsed_ring() -> None:
    spike = shapely.Polygon([(0, 0), (10, 0), (10, 10), (0, 10), (0, 5), (-5, 5), (0, 5)])
    flat = shapely.Polygon([(0, 0), (1, 0), (2, 0), (0, 0)])
    out = repair(np.array([spike, flat]), "polygon")
    assert out[0].geom_type == "Polygon" and out[0].area == 100.0
    assert out[1] is None  # collapsed to a line: nothing polygonal is left


def test_extract_kind_takes_nested_collections_apart() -> None:
    inner = shapely.GeometryCollection([shapely.box(0, 0, 1, 1), shapely.LineString([(0, 0), (5, 5)])])
    outer = shapely.GeometryCollection([inner, shapely.box(2, 0, 3, 1), shapely.Point(9, 9)])
    polys = extract_kind(np.array([outer, shapely.Point(0, 0)]), "polygon")
    assert polys[0].geom_type == "MultiPolygon" and polys[0].area == 2.0 and polys[1] is None
    lines = extract_kind(np.array([outer]), "line")
    assert lines[0].geom_type == "LineString" and lines[0].length == np.hypot(5, 5)


def test_prepare_counts_drops_and_repairs() -> None:
    geoms = [
        shapely.box(0, 0, 10, 10),  # fine: 100 m²
        None,  # null
        shapely.Polygon(),  # empty
        shapely.Polygon([(20, 0), (22, 2), (22, 0), (20, 2)]),  # bow-tie: 2 m² after repair
        shapely.Point(5, 5),  # wrong type for a polygon role
        shapely.GeometryCollection([shapely.box(30, 0, 31, 1), shapely.Point(0, 0)]),  # keeps its 1 m² polygon
        shapely.Polygon([(40, 0, 7), (41, 0, 7), (41, 1, 7), (40, 1, 7)]),  # Z: dropped to 2D
    ]
    gdf = gpd.GeoDataFrame({"k": list(range(7))}, geometry=geoms, crs="EPSG:4544")
    r = rep()
    out = prepare_geometries(gdf, "polygon", r)
    assert out["k"].tolist() == [0, 3, 5, 6]
    assert shapely.area(out.geometry.values).tolist() == [100.0, 2.0, 1.0, 1.0]
    assert not shapely.has_z(out.geometry.values).any() and r.has_z
    assert (r.null_geometries, r.empty_geometries, r.invalid_geometries, r.repaired, r.wrong_type) == (1, 1, 1, 1, 1)
    assert r.geometry_types == {"null": 1, "Polygon": 4, "Point": 1, "GeometryCollection": 1}


def test_reference_layer_keeps_every_type() -> None:
    gdf = gpd.GeoDataFrame(geometry=[shapely.Point(0, 0), shapely.LineString([(0, 0), (1, 1)])], crs="EPSG:4544")
    r = rep()
    assert len(prepare_geometries(gdf, None, r)) == 2 and r.wrong_type == 0


def test_line_or_polygon_role_accepts_both() -> None:
    gdf = gpd.GeoDataFrame(geometry=[shapely.box(0, 0, 1, 1), shapely.LineString([(0, 0), (1, 1)]), shapely.Point(3, 3)])
    r = rep()
    out = prepare_geometries(gdf, "line_or_polygon", r)
    assert out.geom_type.tolist() == ["Polygon", "LineString"] and r.wrong_type == 1


def test_repair_survives_geometries_geos_gives_up_on() -> None:
    inf = float("inf")
    broken = shapely.Polygon([(inf, inf), (inf, 0), (0, inf), (inf, inf)])
    bow = shapely.Polygon([(0, 0), (2, 2), (2, 0), (0, 2)])
    with np.errstate(all="ignore"):
        out = repair(np.array([bow, broken]), "polygon")
    assert out[0].area == 2.0 and out[1] is None


def test_repair_after_reprojection_drops_unprojectable() -> None:
    from greenplan.io.geometry import repair_after_reprojection

    inf = float("inf")
    gdf = gpd.GeoDataFrame(
        {"k": [1, 2, 3]},
        geometry=[shapely.box(0, 0, 1, 1), shapely.Polygon([(0, 0), (2, 2), (2, 0), (0, 2)]), shapely.box(0, 0, inf, 1)],
        crs="EPSG:4544",
    )
    with np.errstate(all="ignore"):
        out, fixed, lost = repair_after_reprojection(gdf, "polygon")
    assert (fixed, lost) == (1, 1) and out["k"].tolist() == [1, 2]
    assert shapely.area(out.geometry.values).tolist() == [1.0, 2.0]
