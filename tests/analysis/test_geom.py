"""Geometry helpers: exact union areas without a union, clipping, repair, CRS check.

Expected areas are hand-computed from the squares (EPSG:4544 metres, near E 520000 N 3330000).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import shapely

from greenplan.analysis.geom import (
    PieceSet,
    buffer_union,
    check_metric_crs,
    clip_pieces,
    polygon_parts,
    repair_polygons,
    union_rows,
)
from greenplan.analysis.partition import imperfect_mask, overlapping_mask
from greenplan.core.errors import CRSError

X0, Y0 = 520_000.0, 3_330_000.0


def sq(x, y, w, h=None):
    h = w if h is None else h
    return shapely.box(X0 + x, Y0 + y, X0 + x + w, Y0 + y + h)


def arr(*g):
    return np.array(g, dtype=object)


def bowtie(x, y, s):
    return shapely.Polygon([(X0 + x, Y0 + y), (X0 + x + s, Y0 + y + s), (X0 + x + s, Y0 + y), (X0 + x, Y0 + y + s)])


def test_union_of_counts_overlap_once():
    # 10×10 and 10×10 shifted by 5 in x: 100 + 100 − 5×10 = 150
    ps = PieceSet.union_of(arr(sq(0, 0, 10), sq(5, 0, 10)))
    assert ps.area == pytest.approx(150.0)
    assert ps.merged and len(ps) == 1


def test_clip_and_minus():
    a = PieceSet.union_of(arr(sq(0, 0, 10), sq(20, 0, 10)))  # two separate 100 m² squares
    m = PieceSet.union_of(arr(sq(5, 0, 20, 5)))  # 20 × 5 strip from x 5 to 25
    # ∩: 5×5 from the first + 5×5 from the second = 50
    assert a.clip(m).area == pytest.approx(50.0)
    # −: 200 − 50 = 150
    assert a.minus(m).area == pytest.approx(150.0)
    # ∪: 200 + 100 − 50 = 250
    assert a.union(m).area == pytest.approx(250.0)


def test_clip_keeps_inside_pieces_whole_and_drops_touching_pairs():
    mask = PieceSet(arr(sq(0, 0, 10), sq(10, 0, 10)))  # two disjoint mask squares sharing an edge
    geoms = arr(sq(1, 1, 2), sq(8, 0, 2), sq(9, 0, 2, 1))  # inside, covered touching the shared edge, crossing it
    pieces, src, dst, whole = clip_pieces(geoms, mask)
    assert whole[src == 0].all() and whole[src == 1].all()
    # the covered square touches the second mask square along an edge: no zero-area piece from it
    assert (src == 1).sum() == 1
    # the crossing 2×1 rectangle is cut in two 1×1 pieces
    assert sorted(shapely.area(pieces[src == 2]).tolist()) == [1.0, 1.0]
    assert not whole[src == 2].any()


def test_repair_bowtie_and_drop_lines():
    g, n = repair_polygons(arr(bowtie(0, 0, 10), shapely.LineString([(X0, Y0), (X0 + 1, Y0)]), None, sq(0, 0, 3)))
    assert n == 1
    # the bowtie becomes two triangles of 10²/4 = 25 m² each
    assert shapely.area(g[0]) == pytest.approx(50.0)
    assert g[1] is None and g[2] is None
    assert shapely.area(g[3]) == pytest.approx(9.0)


def test_polygon_parts_of_multipolygon_and_collection():
    mp = shapely.MultiPolygon([sq(0, 0, 1), sq(5, 0, 2)])
    gc = shapely.GeometryCollection([sq(10, 0, 3), shapely.Point(X0, Y0)])
    parts, idx = polygon_parts(arr(mp, gc, sq(20, 0, 1)))
    assert idx.tolist() == [0, 0, 1, 2]
    assert shapely.area(parts).tolist() == [1.0, 4.0, 9.0, 1.0]


def test_union_rows_groups():
    out = union_rows(np.array([2, 0, 2]), arr(sq(0, 0, 10), sq(0, 0, 1), sq(5, 0, 10)), 3)
    assert shapely.area(out[0]) == 1.0
    assert out[1] is None
    assert shapely.area(out[2]) == pytest.approx(150.0)


def test_buffer_union_uses_quad_segs():
    # a 10 m square buffered 5 m with 16 segments per quarter: 10² + 4·10·5 + 4·16 triangles
    # of (5²/2)·sin(90°/16) each
    ps = buffer_union(arr(sq(0, 0, 10), sq(500, 0, 1)), np.array([5.0, 0.0]), 16)
    expected = 100 + 200 + 4 * 16 * 0.5 * 25 * math.sin(math.pi / 2 / 16)
    assert ps.area == pytest.approx(expected, rel=1e-9)  # coordinates near 5e5: 1e-12 is below their rounding


def test_geographic_crs_raises():
    with pytest.raises(CRSError) as e:
        check_metric_crs("EPSG:4490", "land_use")
    assert "land_use" in e.value.message("zh") and "地理坐标系" in e.value.message("zh")
    check_metric_crs("EPSG:4544", "land_use")  # metric: fine
    check_metric_crs(None, "land_use")


# ---------------------------------------------------------------------------- partition
def grid(nx, ny, size, x=0.0, y=0.0):
    return [sq(x + i * size, y + j * size, size) for i in range(nx) for j in range(ny)]


def test_coverage_has_no_overlaps():
    g = arr(*grid(3, 3, 10))
    im = imperfect_mask(g)
    assert not im[4]  # the centre square shares every edge with exactly one neighbour
    assert im.sum() == 8  # the others have an edge on the outer boundary
    assert not overlapping_mask(g).any()


def test_duplicates_and_grown_copy_found():
    base = grid(3, 3, 10)
    dup = shapely.Polygon(list(base[4].exterior.coords)[::-1])  # same square, opposite orientation
    grown = sq(-1, 19, 12)  # covers the corner square (0..10, 20..30) partly
    g = arr(*base, dup, grown)
    over = overlapping_mask(g)
    assert over[4] and over[9]  # centre and its reversed duplicate
    assert over[10]
    assert over[2] and over[1]  # grown copy spans y 19..31 over squares at y 10..20 and 20..30
    assert not over[8]
    # area of the union: 9 × 100, plus the grown copy outside the grid: 12×12 − overlap with the grid
    # grid part inside grown: x 0..11 → 0..10 (x ≥ 0 only up to 11: squares x 0..10 and 10..11)
    # grown spans x −1..11, y 19..31: inside the grid x 0..11 and y 19..30 = 11 × 11 = 121
    expected = 900 + 144 - 121
    clean = PieceSet.disjoint_union(g, over)
    assert clean.area == pytest.approx(expected)


def test_t_junction_is_not_an_overlap():
    g = arr(sq(0, 0, 20, 10), sq(0, 10, 10), sq(10, 10, 10))  # the long edge meets two short ones
    assert imperfect_mask(g).all()
    assert not overlapping_mask(g).any()
    assert PieceSet.disjoint_union(g, overlapping_mask(g)).area == pytest.approx(400.0)


def test_stacked_tilings_are_counted_once():
    # two complete tilings of the same 60 × 60 m area (5×5 of 12 m and 4×4 of 15 m):
    # the inner tiles of each are perfect, yet every tile overlaps the other tiling
    g = arr(*grid(5, 5, 12), *grid(4, 4, 15))
    over = overlapping_mask(g)
    assert over.all()
    assert PieceSet.disjoint_union(g, over).area == pytest.approx(3600.0)


def test_random_parcels_match_geos_union():
    rng = np.random.default_rng(7)
    tiles = grid(12, 12, 10)
    extra = [sq(*rng.uniform(0, 110, 2), *rng.uniform(1, 15, 2)) for _ in range(6)]
    g = arr(*tiles, *tiles[:3], *extra)  # 3 exact duplicates and 6 random overlapping rectangles
    over = overlapping_mask(g)
    reference = shapely.union_all(g).area  # independent: GEOS overlay union
    assert PieceSet.disjoint_union(g, over).area == pytest.approx(reference, rel=1e-12)
    assert over[:3].all()


def test_loader_flag_skips_the_validity_test():
    import geopandas as gpd

    from greenplan.analysis.layers import VALID_ATTR, Layer

    g = gpd.GeoDataFrame(geometry=[bowtie(0, 0, 10)], crs="EPSG:4544")
    assert "make_valid" in Layer("land_use_like", g).notes[0]
    g.attrs[VALID_ATTR] = True  # a loader promises validity: the (here false) promise is trusted
    assert Layer("land_use_like", g).notes == []
