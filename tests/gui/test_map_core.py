"""The Qt-free parts of the map: view arithmetic, prepared coordinates, tools, layer order."""

from __future__ import annotations

import numpy as np
import pytest
import shapely

from greenplan.app.layer_order import flatten, group_layers, move_group, move_layer
from greenplan.app.map_tools import identify, measure_area_m2, measure_length_m
from greenplan.app.map_view import MapView, fit_bounds
from greenplan.app.render_cache import PreparedLayer, gather_index, layer_elements, orient_rings
from greenplan.app.role_guess import guess_role


def test_wheel_zoom_keeps_the_point_under_the_cursor():
    v = MapView(520_000.0, 3_330_000.0, 10.0, 800, 600)
    before = v.to_map(123.0, 456.0)
    z = v.zoomed_at(123.0, 456.0, 1.25 ** 3)
    assert z.res == pytest.approx(10.0 / 1.953125)
    assert z.to_map(123.0, 456.0) == pytest.approx(before, abs=1e-6)


def test_pan_moves_content_with_the_mouse():
    v = MapView(1000.0, 1000.0, 2.0, 100, 100)
    p = v.panned(10, -5)  # dragged 10 px right, 5 px up: the map point under the cursor follows
    assert p.to_pixel(*v.to_map(50, 50)) == pytest.approx((60.0, 45.0))


def test_fit_bounds_shows_everything_and_the_preview_transform_is_consistent():
    v = fit_bounds((0.0, 0.0, 4000.0, 1000.0), 800, 400, margin=0.0)
    assert v.res == 5.0  # width decides: 4000 m over 800 px
    x0, y0, x1, y1 = v.extent()
    assert x0 <= 0 and y0 <= 0 and x1 >= 4000 and y1 >= 1000
    new = v.zoomed_at(200, 100, 2.0).panned(30, 12)
    s, dx, dy = new.transform_from(v)
    # a pixel of the old image lands where the new view shows the same map point
    assert (dx + s * 200, dy + s * 100) == pytest.approx(new.to_pixel(*v.to_map(200, 100)))
    assert s == 2.0


def test_rings_are_oriented_for_the_winding_rule():
    cw = np.array([[0, 0], [0, 1], [1, 1], [1, 0], [0, 0]], float)
    hole_ccw = np.array([[0.2, 0.2], [0.4, 0.2], [0.4, 0.4], [0.2, 0.4], [0.2, 0.2]])
    coords = np.vstack([cw, hole_ccw])
    out = orient_rings(coords, np.repeat([0, 1], 5), np.array([True, False]))
    assert shapely.LinearRing(out[:5]).is_ccw  # exterior counter-clockwise
    assert not shapely.LinearRing(out[5:]).is_ccw  # hole clockwise


def test_gather_index_takes_each_features_coordinates():
    assert gather_index(np.array([0, 3, 3, 7]), np.array([0, 1, 2])).tolist() == [0, 1, 2, 3, 4, 5, 6]
    assert gather_index(np.array([0, 3, 3, 7]), np.array([1])).tolist() == []


def test_layer_elements_cull_simplify_and_rasterise_small_features():
    big = shapely.Polygon([(0, 0)] + [(100 + 0.01 * i, 0.001 * i) for i in range(50)] + [(100, 100), (0, 100)])
    tiny = shapely.box(500, 500, 500.4, 500.4)  # under a pixel at 1 m/px
    far = shapely.box(10_000, 10_000, 10_100, 10_100)  # outside the view
    lyr = PreparedLayer([big, tiny, far])
    view = MapView(300.0, 300.0, 1.0, 800, 800)  # shows (-100, -100) .. (700, 700)
    (g,) = layer_elements(lyr, view)
    assert g.feature_count == 2  # the far square is culled by the index
    # the 50 vertices within half a metre of (100, 0) collapse to the pixels they touch
    assert len(g.fills) < 15
    assert g.fills.move.sum() == 1  # one ring drawn as a path
    col, row = view.to_pixel(500.2, 500.2)
    assert (g.dot_cols.tolist(), g.dot_rows.tolist()) == ([int(col)], [int(row)])


def test_chunks_start_at_a_ring():
    squares = [shapely.box(i * 10, 0, i * 10 + 5, 5) for i in range(100)]
    view = MapView(500.0, 2.5, 1.0, 1200, 100)
    (g,) = layer_elements(PreparedLayer(squares), view)
    chunks = g.fills.chunks(size=37)
    assert sum(sl.stop - sl.start for sl in chunks) == len(g.fills)
    assert all(g.fills.move[sl.start] for sl in chunks)


def test_grouping_and_moves():
    items = [(1, "land_use"), (2, "roads"), (3, "land_use"), (4, None)]
    groups = group_layers(items)
    assert groups == [("", [4]), ("land_use", [3, 1]), ("roads", [2])]
    assert flatten(groups) == [2, 1, 3, 4]
    assert move_layer(groups, 1, 3, below=False) == [("", [4]), ("land_use", [1, 3]), ("roads", [2])]
    assert move_layer(groups, 1, 2, below=False) is None  # not into another group
    assert flatten(move_group(groups, "roads", "", below=False)) == [1, 3, 4, 2]


@pytest.mark.parametrize(
    ("name", "role"),
    [("生态保护红线2024.shp", "ecological_redline"), ("JBNTBHTB", "permanent_farmland"), ("CZKFBJ.shp", "urban_boundary"),
     ("DLTB", "land_use"), ("县域道路.gpkg", "roads"), ("dsm_城区.tif", "dsm_raster"), ("河流水系", "rivers"),
     ("底图", None)],
)
def test_role_is_guessed_from_names(name, role):
    assert guess_role(name) == role


def test_identify_prefers_filled_polygons_and_outline_layers_by_their_edge():
    import geopandas as gpd

    zone = gpd.GeoDataFrame({"name": ["乡镇"]}, geometry=[shapely.box(0, 0, 100, 100)])
    parcel = gpd.GeoDataFrame({"name": ["地块"]}, geometry=[shapely.box(40, 40, 60, 60)])
    layers = [(1, PreparedLayer(zone.geometry.values), zone, False), (2, PreparedLayer(parcel.geometry.values), parcel)]
    assert identify(layers, 50, 50, 1.0).attributes["name"] == "地块"  # the unfilled zone is not hit inside
    hit = identify(layers, 99.5, 50, 1.0)
    assert (hit.key, hit.attributes["name"]) == (1, "乡镇")  # ... but on its outline
    assert identify(layers, 500, 500, 1.0) is None


def test_measures_are_planar_metres():
    assert measure_length_m([(0, 0), (300, 400), (300, 0)]) == 900.0
    assert measure_area_m2([(0, 0), (100, 0), (100, 50), (0, 50)]) == 5000.0
    # a bow-tie is repaired, not cancelled out: two 25 m² triangles
    assert measure_area_m2([(0, 0), (10, 10), (10, 0), (0, 10)]) == 50.0
