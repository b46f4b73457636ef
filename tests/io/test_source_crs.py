"""A layer's declared CRS (``source_crs``): PROJ CRSs, GCJ-02 and BD-09, custom .prj datums.

Fixtures are written here: township squares with a known WGS 84 truth, shifted to GCJ-02 /
BD-09 with PRCoords' forward formulas (an independent implementation, the data an Amap or
Baidu export holds), and shapefiles whose .prj names a datum without an EPSG code.
Expected coordinates and areas come from plain pyproj/geopandas on the truth.
"""

from __future__ import annotations

import math

import geopandas as gpd
import numpy as np
import prcoords  # test-only dependency (pyproject [test]: "prcoords>=1.0.2")
import pyproj
import pytest
import shapely

from greenplan.core.errors import EXIT_INPUT, CRSError
from greenplan.core.project import LayerSpec, Project
from greenplan.io import china_datums as cd
from greenplan.io.loader import load_project, load_project_lenient


def _townships(lon0: float = 105.3, lat0: float = 30.2) -> gpd.GeoDataFrame:
    """Four 1.5 km x 1.2 km townships with densified edges (WGS 84 truth)."""
    dx, dy = 0.015, 0.011
    boxes = [shapely.box(lon0 + i * dx, lat0 + j * dy, lon0 + (i + 1) * dx, lat0 + (j + 1) * dy)
             for i in range(2) for j in range(2)]
    geoms = shapely.segmentize(np.array(boxes), max_segment_length=0.001)
    return gpd.GeoDataFrame({"name": ["城关镇", "东关镇", None, "西街道"], "code": ["1", "2", "3", "4"]},
                            geometry=geoms, crs="EPSG:4326")


def _shift(gdf: gpd.GeoDataFrame, datum: str) -> gpd.GeoDataFrame:
    """The same features in GCJ-02/BD-09, shifted point by point with PRCoords."""
    fwd = prcoords.wgs_gcj if datum == "GCJ-02" else prcoords.wgs_bd

    def move(xy: np.ndarray) -> np.ndarray:
        out = [fwd((lat, lon), False) for lon, lat in xy]
        return np.array([[c.lon, c.lat] for c in out])

    return gdf.set_geometry(shapely.transform(gdf.geometry.values, move))


def _max_vertex_error_m(loaded: gpd.GeoDataFrame, truth: gpd.GeoDataFrame) -> float:
    """Largest distance between a loaded feature and its truth (Hausdorff: ring order and start may differ)."""
    a = loaded.geometry.to_numpy()
    b = truth.to_crs(loaded.crs).geometry.to_numpy()
    assert len(a) == len(b)
    return float(shapely.hausdorff_distance(a, b).max())


@pytest.mark.parametrize("datum, text", [("GCJ-02", "GCJ-02"), ("GCJ-02", "gcj02"), ("BD-09", "BD-09"), ("BD-09", "bd09")])
def test_web_map_datum_layer_lands_on_its_wgs84_truth(tmp_path, datum, text):
    truth = _townships()
    shifted = _shift(truth, datum)
    raw_gap = _max_vertex_error_m(shifted.set_crs("EPSG:4326", allow_override=True).to_crs("EPSG:4544"), truth)
    assert raw_gap > 100  # the shift is real: taken as WGS 84, the data would be off by > 100 m
    path = tmp_path / f"高德 行政区 {datum}.gpkg"
    shifted.to_file(path, engine="pyogrio")  # labelled WGS 84, as web-map exports are
    project = Project(layers=[LayerSpec(source=path, role="admin_units", name="乡镇", source_crs=text,
                                        fields={"name": "name", "code": "code"})])
    loaded = load_project(project)
    gdf = loaded.vector("admin_units")
    assert loaded.crs.to_epsg() == 4544
    assert _max_vertex_error_m(gdf, truth) < 0.5
    truth_area = truth.to_crs("EPSG:4544").area.to_numpy()
    np.testing.assert_allclose(gdf.area.to_numpy(), truth_area, rtol=1e-7)
    report = loaded.layers[0].report
    assert (report.crs.crs, report.crs.how) == (datum, "declared")
    assert "EPSG:4326" in report.crs.reason_en  # what the file said
    assert any(i.code == "crs_declared" and i.data["datum"] == datum for i in report.issues)
    assert report.bounds_lonlat[0] == pytest.approx(truth.total_bounds[0], abs=1e-6)


def test_gcj02_shapefile_without_prj(tmp_path):
    truth = _townships(116.30, 39.90)  # Beijing: zone 117°E (EPSG:4548)
    shp = tmp_path / "amap_boundaries.shp"
    _shift(truth, "GCJ-02").to_file(shp, engine="pyogrio")
    shp.with_suffix(".prj").unlink()
    project = Project(layers=[LayerSpec(source=shp, role="admin_units", name="乡镇", source_crs="GCJ-02")])
    loaded = load_project(project)
    assert loaded.crs.to_epsg() == 4548
    assert _max_vertex_error_m(loaded.vector("admin_units"), truth) < 0.5
    assert "file has no CRS" in loaded.layers[0].report.crs.reason_en


def test_inverse_matches_prcoords_on_thousands_of_points():
    rng = np.random.default_rng(7)
    lon, lat = rng.uniform(74.0, 134.5, 4000), rng.uniform(4.5, 53.0, 4000)
    glon, glat = cd.wgs84_to_gcj02(lon, lat)
    ref = np.array([prcoords.wgs_gcj((b, a), False)[::-1] for a, b in zip(lon, lat, strict=True)])
    np.testing.assert_allclose(np.column_stack([glon, glat]), ref, rtol=0, atol=1e-12)
    wlon, wlat = cd.gcj02_to_wgs84(glon, glat)
    ref_inv = np.array([prcoords.gcj_wgs_bored((b, a), False)[::-1] for a, b in zip(glon, glat, strict=True)])
    np.testing.assert_allclose(np.column_stack([wlon, wlat]), ref_inv, rtol=0, atol=1e-7)  # ~1 cm: PRCoords stops its iteration at 1e-5°
    # and the exact truth: 1e-8 degrees is about 1 mm
    assert np.abs(wlon - lon).max() < 1e-8 and np.abs(wlat - lat).max() < 1e-8
    blon, blat = cd.wgs84_to_bd09(lon, lat)
    ref_bd = np.array([prcoords.wgs_bd((b, a), False)[::-1] for a, b in zip(lon, lat, strict=True)])
    np.testing.assert_allclose(np.column_stack([blon, blat]), ref_bd, rtol=0, atol=1e-12)
    back = np.column_stack(cd.bd09_to_wgs84(blon, blat))
    assert np.abs(back - np.column_stack([lon, lat])).max() < 1e-8


def test_outside_china_gcj02_is_wgs84():
    lon, lat = np.array([2.35, -74.0, 139.7]), np.array([48.85, 40.7, 35.7])  # Paris, New York, Tokyo
    glon, glat = cd.wgs84_to_gcj02(lon, lat)
    assert glon.tolist() == lon.tolist() and glat.tolist() == lat.tolist()
    wlon, wlat = cd.gcj02_to_wgs84(lon, lat)
    assert wlon.tolist() == lon.tolist() and wlat.tolist() == lat.tolist()


def test_declared_epsg_overrides_a_wrong_prj_vector_and_raster(tmp_path):
    import rasterio
    from rasterio.transform import from_origin

    truth = _townships()
    gk = truth.to_crs("EPSG:4544")
    path = tmp_path / "wrong_prj.gpkg"
    gk.set_crs("EPSG:32648", allow_override=True).to_file(path, engine="pyogrio")  # UTM 48N label on GK metres
    tif = tmp_path / "ndvi.tif"
    with rasterio.open(tif, "w", driver="GTiff", width=4, height=4, count=1, dtype="float32", crs="EPSG:32648",
                       transform=from_origin(530_000, 3_345_000, 500, 500)) as ds:
        ds.write(np.full((1, 4, 4), 0.5, dtype="float32"))
    project = Project(layers=[
        LayerSpec(source=path, role="admin_units", name="乡镇", source_crs="EPSG:4544"),
        LayerSpec(source=tif, role="vegetation_raster", name="NDVI", source_crs="EPSG:4544"),
    ])
    loaded = load_project(project)
    assert float(shapely.hausdorff_distance(loaded.vector("admin_units").geometry.to_numpy(), gk.geometry.to_numpy()).max()) < 1e-6
    assert loaded.raster("vegetation_raster").crs.to_epsg() == 4544
    rep = loaded.layers[1].report
    assert (rep.crs.crs, rep.crs.how) == ("EPSG:4544", "declared") and "EPSG:32648" in rep.crs.reason_en


def test_bad_source_crs_names_layer_and_key(tmp_path):
    path = tmp_path / "a.gpkg"
    _townships().to_file(path, engine="pyogrio")
    project = Project(layers=[LayerSpec(source=path, role="admin_units", name="乡镇", source_crs="EPSG:99999")])
    with pytest.raises(CRSError) as info:
        load_project(project)
    assert info.value.exit_code == EXIT_INPUT
    assert info.value.key == "admin_units.source_crs" and "EPSG:99999" in info.value.message("en")
    assert "admin_units.source_crs" in info.value.message("zh")
    lenient = load_project_lenient(project)  # the data check: an error finding, no exception
    issues = lenient.layers[0].report.issues
    assert [i.code for i in issues if i.level == "error"] == ["bad_source_crs"]


def test_gcj02_raster_is_refused_clearly(tmp_path):
    import rasterio
    from rasterio.transform import from_origin

    tif = tmp_path / "amap_tile.tif"
    with rasterio.open(tif, "w", driver="GTiff", width=4, height=4, count=1, dtype="uint8", crs="EPSG:4326",
                       transform=from_origin(105.3, 30.3, 0.001, 0.001)) as ds:
        ds.write(np.ones((1, 4, 4), dtype="uint8"))
    project = Project(layers=[LayerSpec(source=tif, role="vegetation_raster", name="瓦片", source_crs="GCJ-02")])
    with pytest.raises(CRSError, match="cannot be placed exactly"):
        load_project(project)


def test_lonlat_in_china_without_prj_gets_the_web_map_hint(tmp_path):
    shp = tmp_path / "乡镇 边界.shp"
    _townships().to_file(shp, engine="pyogrio")
    shp.with_suffix(".prj").unlink()
    report = load_project_lenient(Project(layers=[LayerSpec(source=shp, role="admin_units", name="乡镇")])).layers[0].report
    hint = next(i for i in report.issues if i.code == "china_datum_hint")
    assert hint.level == "warning"
    assert 'source_crs = "GCJ-02"' in hint.en and "--set admin_units.source_crs=GCJ-02" in hint.en
    assert "高德" in hint.zh and "百度" in hint.zh and "BD-09" in hint.zh
    # declared: no hint
    declared = Project(layers=[LayerSpec(source=shp, role="admin_units", name="乡镇", source_crs="EPSG:4490")])
    assert not any(i.code == "china_datum_hint" for i in load_project_lenient(declared).layers[0].report.issues)


BEIJING54_CUSTOM = (
    'GEOGCS["GCS_Beijing_1954_county_custom",DATUM["D_Beijing_1954_custom",SPHEROID["Krasovsky_1940",6378245.0,298.3]],'
    'PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]]'
)
XIAN80_GK_CUSTOM = (
    'PROJCS["Xian_1980_3_Degree_GK_CM_105E_county",GEOGCS["GCS_Xian_1980_county",DATUM["D_Xian_1980_county",'
    'SPHEROID["IAG_1975",6378140.0,298.257]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],'
    'PROJECTION["Gauss_Kruger"],PARAMETER["False_Easting",500000.0],PARAMETER["False_Northing",0.0],'
    'PARAMETER["Central_Meridian",105.0],PARAMETER["Scale_Factor",1.0],PARAMETER["Latitude_Of_Origin",0.0],'
    'UNIT["Meter",1.0]]'
)


@pytest.mark.parametrize("wkt, name_part, source", [
    (BEIJING54_CUSTOM, "Beijing_1954_county_custom", "lonlat"),
    (XIAN80_GK_CUSTOM, "Xian_1980_3_Degree_GK_CM_105E_county", "gk"),
])
def test_prj_without_epsg_code_is_used_as_given(tmp_path, wkt, name_part, source):
    truth = _townships()
    crs = pyproj.CRS.from_wkt(wkt)
    assert crs.to_epsg(min_confidence=90) is None  # no EPSG code for this datum (as GreenPlan labels CRSs)
    if source == "lonlat":
        coords = truth  # Beijing 1954 lon/lat read as the same numbers
    else:
        t = pyproj.Transformer.from_crs("EPSG:4326", crs, always_xy=True)
        coords = truth.set_geometry(shapely.transform(truth.geometry.values, lambda xy: np.column_stack(t.transform(xy[:, 0], xy[:, 1]))))
    shp = tmp_path / "北京54 乡镇.shp"
    coords.set_crs(crs, allow_override=True).to_file(shp, engine="pyogrio")
    shp.with_suffix(".prj").write_text(wkt, encoding="ascii")
    loaded = load_project(Project(layers=[LayerSpec(source=shp, role="admin_units", name="乡镇")]))
    report = loaded.layers[0].report
    assert report.crs.how == "read" and name_part in report.crs.crs and name_part in report.crs.name
    assert loaded.crs.to_epsg() == 4544
    # placed as pyproj places the same points from that datum
    t = pyproj.Transformer.from_crs(crs, loaded.crs, always_xy=True)
    expected = shapely.transform(coords.geometry.to_numpy(), lambda xy: np.column_stack(t.transform(xy[:, 0], xy[:, 1])))
    assert float(shapely.hausdorff_distance(loaded.vector("admin_units").geometry.to_numpy(), expected).max()) < 1e-6
    assert math.isfinite(loaded.vector("admin_units").area.sum())
