"""Vectorized geometry preparation: paths, orientation, culling, simplification, binning."""

from __future__ import annotations

import numpy as np
import shapely
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import PathPatch

from greenplan.render import geometry as geo

X0, Y0 = 520_000.0, 3_330_000.0


def sq(x, y, s, ccw=True):
    p = shapely.box(X0 + x, Y0 + y, X0 + x + s, Y0 + y + s, ccw=ccw)
    return p


def signed_area(path) -> float:
    """Sum of the rings' signed areas (shoelace per ring)."""
    xy, codes = path.vertices, path.codes
    starts = np.flatnonzero(codes == 1)
    total = 0.0
    for a, b in zip(starts, [*starts[1:], len(xy)], strict=True):
        r = xy[a:b] - xy[a]
        total += 0.5 * float(np.sum(r[:-1, 0] * r[1:, 1] - r[1:, 0] * r[:-1, 1]))
    return total


def test_rings_are_oriented_so_holes_stay_open_under_the_nonzero_rule() -> None:
    # exterior and hole both clockwise (shapely does not fix orientation), a multipolygon, and
    # a counter-clockwise square overlapping a clockwise one
    outer = shapely.Polygon(shapely.get_coordinates(sq(0, 0, 100, ccw=False)),
                            [shapely.get_coordinates(sq(25, 25, 50, ccw=False))])
    multi = shapely.MultiPolygon([sq(200, 0, 10), sq(220, 0, 10, ccw=False)])
    geoms = np.array([outer, multi, sq(300, 0, 40, ccw=False), sq(320, 0, 40, ccw=True)], dtype=object)
    path = geo.polygon_path(geoms)
    # every ring turned consistently: the signed areas add up to the areas (hole subtracted)
    assert abs(abs(signed_area(path)) - (10000 - 2500 + 200 + 1600 + 1600)) < 1e-6
    fig = Figure(figsize=(4, 1), dpi=100)
    FigureCanvasAgg(fig)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(X0, X0 + 400)
    ax.set_ylim(Y0 - 150, Y0 + 250)
    ax.add_artist(PathPatch(path, facecolor="black", edgecolor="none"))
    fig.canvas.draw()
    img = np.asarray(fig.canvas.buffer_rgba())

    def px(x, y):  # data offset -> pixel (row, col)
        return img[int(round((250 - y) / 400 * 100)), int(round(x / 400 * 400))]

    assert px(10, 10)[0] == 0  # inside the exterior
    assert px(50, 50)[0] == 255  # inside the hole: open
    assert px(340, 20)[0] == 0  # where the two opposite squares overlap: still filled


def test_single_ring_shortcut_agrees_with_the_split_rings() -> None:
    # a ring that touches its own first vertex is not "single"; the result must not depend on it
    touching = shapely.Polygon([(X0, Y0), (X0 + 10, Y0), (X0 + 5, Y0 + 5), (X0, Y0), (X0, Y0 + 10), (X0 - 5, Y0 + 5)])
    geoms = np.array([sq(0, 0, 10), touching, None, shapely.Polygon(), sq(50, 0, 5)], dtype=object)
    xy, ridx, exterior, ring_geom = geo._ring_coords(geoms)
    assert exterior.all() and sorted(ring_geom.tolist()) == [0, 1, 4]
    assert len(xy) == 5 + 7 + 5
    paths = geo.polygon_paths(geoms, np.array([0, 1, 0, 0, 2]))
    assert sorted(paths) == [0, 1, 2] and len(paths[1][0].vertices) == 7


def test_paths_are_split_between_rings_under_the_vertex_limit() -> None:
    geoms = np.array([sq(20 * i, 0, 10) for i in range(10)], dtype=object)
    parts = geo.polygon_paths(geoms, limit=12)[0]
    assert len(parts) > 1 and sum(len(p.vertices) for p in parts) == 50
    assert all(len(p.vertices) <= 12 + 5 for p in parts)  # the limit plus at most one ring
    assert all(p.codes[0] == 1 and p.codes[-1] == 79 for p in parts)


def test_lines_by_class() -> None:
    lines = np.array([shapely.LineString([(0, 0), (1, 1)]),
                      shapely.MultiLineString([[(5, 5), (6, 6)], [(7, 7), (8, 8), (9, 9)]])], dtype=object)
    paths = geo.line_paths(lines, np.array([3, 7]))
    assert [p.codes.tolist() for p in paths[7]] == [[1, 2, 1, 2, 2]]
    assert paths[3][0].vertices.tolist() == [[0, 0], [1, 1]]


def test_culling_with_and_without_an_index() -> None:
    import geopandas as gpd

    geoms = np.array([sq(0, 0, 10), sq(1000, 0, 10), None, sq(5, 5, 1000)], dtype=object)
    view = (X0 - 1, Y0 - 1, X0 + 100, Y0 + 100)
    assert geo.in_view(geoms, view).tolist() == [0, 3]
    gdf = gpd.GeoDataFrame(geometry=list(geoms))
    assert geo.in_view(geoms, view, gdf.sindex).tolist() == [0, 3]
    assert geo.in_view(geoms[[0, 1, 3]], (X0 - 1e6, Y0 - 1e6, X0 + 1e6, Y0 + 1e6)).tolist() == [0, 1, 2]


def test_only_vertex_dense_geometry_is_simplified_to_half_a_pixel() -> None:
    circle = shapely.Point(X0, Y0).buffer(100, quad_segs=256)  # 1025 vertices, ~630 px of outline
    square = sq(0, 0, 100)
    out = geo.simplify_for_output(np.array([circle, square], dtype=object), pixel_size=10.0)
    assert out[1] is square  # sparse: untouched
    n = shapely.get_num_coordinates(out[0])
    assert 8 < n < 100
    assert shapely.hausdorff_distance(out[0], circle) <= 5.0 + 1e-9  # within half a pixel


def test_coverage_image_bins_subpixel_features_by_area_and_colour() -> None:
    # pixel 10 m; extent starts at the origin; a 5 x 5 m red square -> a quarter-covered pixel,
    # two 5 x 10 m squares (red, blue) in one pixel -> full coverage, purple
    geoms = np.array([sq(12, 82, 5), shapely.box(X0 + 30, Y0 + 80, X0 + 35, Y0 + 90),
                      shapely.box(X0 + 35, Y0 + 80, X0 + 40, Y0 + 90)], dtype=object)
    rgb = np.array([[1, 0, 0], [1, 0, 0], [0, 0, 1]], dtype=float)
    img, ext = geo.coverage_image(geoms, rgb, np.ones(3), (X0, Y0, X0 + 100, Y0 + 100), 10.0)
    assert ext == (X0 + 10, X0 + 40, Y0 + 80, Y0 + 90)
    assert img.shape == (1, 3, 4)
    assert img[0, 0].tolist() == [255, 0, 0, 64]
    assert img[0, 1, 3] == 0
    assert img[0, 2].tolist() == [128, 0, 128, 255]


def test_collections_from_make_valid_are_drawn_by_their_polygons_or_lines() -> None:
    gc = shapely.GeometryCollection([sq(0, 0, 10), shapely.LineString([(X0, Y0), (X0 + 20, Y0 + 20)]), sq(20, 20, 10)])
    lines_only = shapely.GeometryCollection([shapely.LineString([(X0, Y0), (X0 + 5, Y0 + 5)])])
    out = geo.explode_collections(np.array([shapely.GeometryCollection(), lines_only, sq(0, 0, 1), gc], dtype=object))
    assert out[0].is_empty and out[1].geom_type == "MultiLineString" and out[2].geom_type == "Polygon"
    assert out[3].geom_type == "MultiPolygon" and out[3].area == 200
    poly, line = geo.kinds(out)
    assert poly.tolist() == [False, False, True, True] and line.tolist() == [False, True, False, False]
