"""The canvas shows and measures in the working CRS the analyses use, also after layers change.

Modelled on a real case (issue 11, item 11): a project that first holds only a land-cover
tile from another continent (WorldCover-like classes, lon/lat, around 27.5°E 25.4°S) is
drawn in that tile's UTM zone (EPSG:32735). Then the county's admin units (lon/lat around
105.1°E 30.1°N) are added: the study area decides, so the working CRS of every command is
CGCS2000 / 3-degree GK CM 105°E (EPSG:4544), and the canvas must follow, not stay in UTM
35S. Expected values come from pyproj and geopandas directly, not from the code under test.
"""

from __future__ import annotations

import copy

import geopandas as gpd
import numpy as np
import pyproj
import pytest
import rasterio
import shapely
from affine import Affine

from greenplan.core.project import LayerSpec

TILE_W, TILE_N = 27.5, -25.4  # the land-cover tile's top-left corner (lon/lat)
COUNTY = (105.10, 30.10, 105.15, 30.14)  # the township (lon/lat)


@pytest.fixture
def far_tile(build, cn_dir):
    """A project holding only the far land-cover tile (classes 10 west half, 30 east half), and the admin units file."""
    classes = np.full((100, 100), 10, dtype="uint8")
    classes[:, 50:] = 30
    tif = cn_dir / "土地 覆盖 27E.tif"
    with rasterio.open(tif, "w", driver="GTiff", width=100, height=100, count=1, dtype="uint8", crs="EPSG:4326",
                       transform=Affine(0.001, 0, TILE_W, 0, -0.001, TILE_N)) as ds:
        ds.write(classes, 1)
    adm = cn_dir / "乡镇 边界.gpkg"
    build.write(build.frame([shapely.box(*COUNTY)], crs="EPSG:4326", name=["城关镇"], population=[10000]), adm, "admin_units")
    layers = [{"name": "土地覆盖", "source": tif.name, "role": "vegetation_raster"}]
    return build.write_project(cn_dir, layers), adm


def to_4544(lon: float, lat: float) -> tuple[float, float]:
    return pyproj.Transformer.from_crs(4326, 4544, always_xy=True).transform(lon, lat)


def test_adding_admin_units_moves_the_canvas_to_their_crs(qtbot, window, far_tile, wait_idle):
    from greenplan.io.loader import working_crs
    from greenplan.jobs.analyze import compute_project_indicators

    project_file, adm = far_tile
    w = window
    w.ops.open_project(project_file, ask=False)
    wait_idle(w)
    assert w.model.crs.to_epsg() == 32735  # UTM zone 35 south: int((27.55 + 180) / 6) + 1 = 35
    old_view = w.canvas.view
    old_centre = (old_view.cx, old_view.cy)

    w.ops.add_specs([LayerSpec(source=adm, layer="admin_units", name="乡镇", role="admin_units")])
    wait_idle(w)

    # one CRS: the canvas's, the one every command chooses, and the one analyze reports
    assert w.model.crs.to_epsg() == 4544
    assert working_crs(w.model.project).crs == w.model.crs
    doc, _features, _loaded = compute_project_indicators(copy.deepcopy(w.model.project))
    assert doc["crs"] == "EPSG:4544"
    assert "EPSG:4544" in w.crs_label.text()
    # every layer was loaded again in it
    tile, units = w.model.entries
    assert tile.display.raster.working_crs.to_epsg() == 4544 and units.gdf.crs.to_epsg() == 4544
    expected = gpd.GeoSeries([shapely.box(*COUNTY)], crs=4326).to_crs(4544).total_bounds
    assert np.allclose(w.model.layer_bounds(units.key), expected, atol=0.01)
    # the user is told, in the interface language
    message = w.statusBar().currentMessage()
    assert "EPSG:4544" in message and "EPSG:32735" in message and "工作坐标系" in message
    # the view stays on the same place: the old centre, in the new CRS, is still in view
    cx, cy = pyproj.Transformer.from_crs(32735, 4544, always_xy=True).transform(*old_centre)
    x0, y0, x1, y1 = w.canvas.view.extent()
    assert x0 <= cx <= x1 and y0 <= cy <= y1

    # identify: the township on its outline (drawn unfilled), the tile's class on the tile (EPSG:4544 coordinates)
    x, y = to_4544((COUNTY[0] + COUNTY[2]) / 2, COUNTY[1])
    w.identify_at(x, y - 2.0, 5.0)
    assert list(w.model.selection) == [units.key]
    assert w.identify_panel.values()["name（名称）"] == "城关镇"
    west = w._raster_values_at(*to_4544(TILE_W + 0.0205, TILE_N - 0.0505))  # pixel row 50, column 20
    east = w._raster_values_at(*to_4544(TILE_W + 0.0805, TILE_N - 0.0505))  # pixel row 50, column 80
    assert [(s.row, s.col, s.values) for _n, s in west] == [(50, 20, (10,))]
    assert [(s.row, s.col, s.values) for _n, s in east] == [(50, 80, (30,))]

    # measuring: the township's south edge, as long as on the ellipsoid (GK scale ~1 near 105°E)
    measured = []
    w.canvas.measured.connect(lambda kind, value, done: measured.append((kind, value)))
    w.set_tool("measure_distance")
    w.canvas.add_measure_point(*to_4544(COUNTY[0], COUNTY[1]))
    w.canvas.add_measure_point(*to_4544(COUNTY[2], COUNTY[1]))
    geodesic = pyproj.Geod(ellps="GRS80").line_length([COUNTY[0], COUNTY[2]], [COUNTY[1], COUNTY[1]])
    assert measured[-1][0] == "distance" and measured[-1][1] == pytest.approx(geodesic, rel=1e-3)


def test_removing_the_study_area_chooses_again(qtbot, window, far_tile, wait_idle):
    from greenplan.io.loader import working_crs

    project_file, adm = far_tile
    w = window
    w.ops.open_project(project_file, ask=False)
    wait_idle(w)
    w.ops.add_specs([LayerSpec(source=adm, layer="admin_units", name="乡镇", role="admin_units")])
    wait_idle(w)
    assert w.model.crs.to_epsg() == 4544
    w.ops.remove_layer(w.model.entries[1].key)
    wait_idle(w)
    assert w.model.crs.to_epsg() == 32735 == working_crs(w.model.project).crs.to_epsg()
    assert w.model.entries[0].display.raster.working_crs.to_epsg() == 32735
    # nothing that the choice depends on changed: no further load
    w.ops.check_crs()
    assert not w.busy()


def test_a_layer_added_near_the_study_area_keeps_the_crs(qtbot, window, far_tile, build, cn_dir, wait_idle):
    """Adding a layer that does not change the choice loads only that layer (no reload, no message)."""
    project_file, adm = far_tile
    w = window
    w.ops.open_project(project_file, ask=False)
    wait_idle(w)
    w.ops.add_specs([LayerSpec(source=adm, layer="admin_units", name="乡镇", role="admin_units")])
    wait_idle(w)
    tile_display = w.model.entries[0].display
    roads = cn_dir / "道路.gpkg"
    build.write(build.frame([shapely.LineString([(105.11, 30.12), (105.14, 30.12)])], crs="EPSG:4326",
                            **{"class": ["arterial"]}), roads, "roads")
    w.statusBar().clearMessage()
    w.ops.add_specs([LayerSpec(source=roads, layer="roads", name="道路", role="roads")])
    wait_idle(w)
    assert w.model.crs.to_epsg() == 4544 and w.model.entries[2].gdf.crs.to_epsg() == 4544
    assert w.model.entries[0].display is tile_display  # not loaded again
    assert "EPSG:4544" not in w.statusBar().currentMessage()


def test_giving_a_layer_the_admin_units_role_chooses_again(qtbot, window, build, cn_dir, wait_idle):
    """Two role-less layers, one at 27.5°E (listed first) and one at 105°E, weigh the same: the first
    one's zone is taken. Declaring the second one the admin units makes it the study area."""
    from greenplan.io.loader import working_crs

    far, near = cn_dir / "远处.gpkg", cn_dir / "乡镇.gpkg"
    build.write(build.frame([shapely.box(TILE_W, TILE_N - 0.1, TILE_W + 0.1, TILE_N)], crs="EPSG:4326", name=["远"]), far, "far")
    build.write(build.frame([shapely.box(*COUNTY)], crs="EPSG:4326", name=["城关镇"], population=[10000]), near, "units")
    layers = [{"name": "远处", "source": far.name, "layer": "far"}, {"name": "乡镇", "source": near.name, "layer": "units"}]
    w = window
    w.ops.open_project(build.write_project(cn_dir, layers), ask=False)
    wait_idle(w)
    assert w.model.crs.to_epsg() == 32735
    w.model.set_role(w.model.entries[1].key, "admin_units")
    wait_idle(w)
    assert w.model.crs.to_epsg() == 4544 == working_crs(w.model.project).crs.to_epsg()
    assert [e.gdf.crs.to_epsg() for e in w.model.entries] == [4544, 4544]
