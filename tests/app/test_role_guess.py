"""Role guesses from file and layer names (Chinese, pinyin abbreviations, English), geometry
types, field names and values, without Qt."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from greenplan.app.role_guess import (
    guess_role,
    layer_specs_for,
    looks_like_terrain,
    non_spatial_reason,
)

P, L, PT = "MultiPolygon", "MultiLineString", "Point"

CASES = [
    # (name, geometry, fields, class values, expected role)
    ("行政区.shp", P, [], [], "admin_units"),
    ("XZQ_2023.shp", P, [], [], "admin_units"),
    ("xzqh.gpkg", P, [], [], "admin_units"),
    ("乡镇界线面.shp", P, [], [], "admin_units"),
    ("某县镇界.shp", P, [], [], "admin_units"),
    ("地类图斑.shp", P, [], [], "land_use"),
    ("DLTB.shp", P, [], [], "land_use"),
    ("土地利用现状.shp", P, [], [], "land_use"),
    ("水系.shp", L, [], [], "rivers"),
    ("HL.shp", L, [], [], "rivers"),
    ("河流面.shp", P, [], [], "rivers"),
    ("水域.geojson", P, [], [], "rivers"),
    ("gis_osm_water_a_free_1.shp", P, [], [], "rivers"),
    ("建筑物.shp", P, [], [], "buildings"),
    ("JZW.shp", P, [], [], "buildings"),
    ("房屋面.shp", P, [], [], "buildings"),
    ("buildings_osm.shp", P, [], [], "buildings"),
    ("道路中心线.shp", L, [], [], "roads"),
    ("DL.shp", L, [], [], "roads"),
    ("gis_osm_roads_free_1.shp", L, [], [], "roads"),
    ("永久基本农田保护图斑.shp", P, [], [], "permanent_farmland"),
    ("YJJBNT.shp", P, [], [], "permanent_farmland"),
    ("JBNTBHTB.shp", P, [], [], "permanent_farmland"),
    ("生态保护红线.shp", P, [], [], "ecological_redline"),
    ("STHX.shp", P, [], [], "ecological_redline"),
    ("STBHHX_2022.shp", P, [], [], "ecological_redline"),
    ("城镇开发边界.shp", P, [], [], "urban_boundary"),
    ("KFBJ.shp", P, [], [], "urban_boundary"),
    ("CZKFBJ.gpkg", P, [], [], "urban_boundary"),
    ("公园绿地.shp", P, [], [], "green_space"),
    ("LD.shp", P, [], [], "green_space"),
    ("green_spaces.geojson", P, [], [], "green_space"),
    ("闲置土地.shp", P, [], [], "idle_land"),
    ("XZ土地.shp", P, [], [], "idle_land"),
    ("建成区范围.shp", P, [], [], "built_up_area"),
    ("JCQ.shp", P, [], [], "built_up_area"),
    # geometry: a point or line file never gets a polygon role; roads are lines
    ("行政区驻地.shp", PT, [], [], None),
    ("建筑.shp", PT, [], [], None),
    ("道路.shp", P, [], [], None),
    ("乡镇界线.shp", L, [], [], None),
    ("poi.shp", PT, ["name", "DLBM"], [], None),
    # field names and values, when the name says nothing
    ("data.shp", P, ["BSM", "DLBM", "DLMC"], [], "land_use"),
    ("export1.shp", P, ["地类编码", "面积"], [], "land_use"),
    ("layer_a.shp", P, ["name", "class"], ["G1", "G2", "G1"], "green_space"),
    ("layer_b.shp", P, ["id", "height_m"], [], "buildings"),
    ("layer_c.shp", P, ["id", "层数"], [], "buildings"),
    ("layer_d.shp", P, ["XZQDM", "XZQMC"], [], "admin_units"),
    ("layer_e.shp", P, ["乡镇代码", "人口"], [], "admin_units"),
    ("layer_f.shp", P, ["name", "class"], ["primary", "secondary"], None),
    ("底图注记.shp", PT, ["text"], [], None),
]


@pytest.mark.parametrize(("name", "geometry", "fields", "values", "expected"), CASES,
                         ids=[c[0] for c in CASES])
def test_vector_guess(name, geometry, fields, values, expected) -> None:
    assert guess_role(name, geometry=geometry, fields=fields, class_values=values) == expected


RASTERS = [
    ("DSM_0.5m.tif", False, "dsm_raster"),
    ("数字表面模型.tif", False, "dsm_raster"),
    ("dem_30m.tif", False, None),
    ("DTM.tif", False, None),
    ("srtm_terrain.tif", False, None),
    ("高程.tif", False, None),
    ("dsm_county.tif", True, None),  # terrain-like values: not a surface model
    ("ndvi_2024.tif", False, "vegetation_raster"),
    ("植被覆盖.tif", False, "vegetation_raster"),
    ("ESA_WorldCover_10m.tif", False, "vegetation_raster"),
    ("landcover.tif", False, "vegetation_raster"),
    ("影像.tif", False, None),
]


@pytest.mark.parametrize(("name", "terrain", "expected"), RASTERS, ids=[c[0] for c in RASTERS])
def test_raster_guess(name, terrain, expected) -> None:
    assert guess_role(name, terrain=terrain) == expected


def test_vector_roles_are_not_guessed_for_rasters_and_back() -> None:
    assert guess_role("建筑.tif") is None
    assert guess_role("ndvi.shp", geometry=P) is None


def test_terrain_rule() -> None:
    assert looks_like_terrain(0.2 * 111_000, 1800.0)
    assert looks_like_terrain(5_000, 50.0, pixel_m=30.0)
    assert not looks_like_terrain(4_000, 80.0, pixel_m=0.5)


def test_a_terrain_grid_named_dsm_is_not_guessed_as_dsm(tmp_path: Path) -> None:
    import rasterio
    from rasterio.transform import from_origin

    def write(path: Path, size_deg: float, values: np.ndarray, crs: str) -> None:
        n = values.shape[0]
        with rasterio.open(path, "w", driver="GTiff", width=n, height=n, count=1, dtype="float32", crs=crs,
                           transform=from_origin(103.0 if crs == "EPSG:4326" else 500_000, 30.2 if crs == "EPSG:4326" else 3_300_000,
                                                 size_deg / n, size_deg / n)) as ds:
            ds.write(values.astype("float32"), 1)

    y, x = np.mgrid[0:100, 0:100]
    write(tmp_path / "dsm.tif", 0.2, 500 + 15 * (x + y), "EPSG:4326")  # 0.2° grid, 500-3500 m
    assert layer_specs_for(tmp_path / "dsm.tif")[0].role is None
    write(tmp_path / "dsm_town.tif", 50.0, 480 + (x % 7) * 4, "EPSG:4544")  # 50 m at 0.5 m, a town's roofs
    assert layer_specs_for(tmp_path / "dsm_town.tif")[0].role == "dsm_raster"


def test_layer_specs_read_geometry_and_fields(tmp_path: Path) -> None:
    import geopandas as gpd
    import shapely

    gdf = gpd.GeoDataFrame({"DLBM": ["0101"]}, geometry=[shapely.box(0, 0, 1, 1)], crs=4544)
    gdf.to_file(tmp_path / "导出.shp", encoding="utf-8")
    pts = gpd.GeoDataFrame({"name": ["a"]}, geometry=[shapely.Point(0, 0)], crs=4544)
    pts.to_file(tmp_path / "建筑.shp", encoding="utf-8")
    assert layer_specs_for(tmp_path / "导出.shp")[0].role == "land_use"
    assert layer_specs_for(tmp_path / "建筑.shp")[0].role is None  # points are no buildings


@pytest.mark.parametrize("name", ["说明.txt", "人口.csv", "统计表.xlsx", "notes.docx"])
def test_non_spatial_files_are_refused(name) -> None:
    en, zh = non_spatial_reason(Path(name))
    assert name in zh and "不能作为图层" in zh and "cannot be added" in en


def test_spatial_files_are_not_refused() -> None:
    for name in ("乡镇.shp", "数据.gpkg", "dsm.tif", "roads.geojson"):
        assert non_spatial_reason(Path(name)) is None
