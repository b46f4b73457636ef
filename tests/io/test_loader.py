"""load_project: working CRS, reprojection, repair, field mapping, CRS guesses, errors."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import rasterio
import shapely
from affine import Affine

from greenplan.core.errors import CRSError, GeometryTypeError, LayerSourceError
from greenplan.core.project import LayerSpec, Project, read_project
from greenplan.io.loader import load_project, load_project_lenient


def project(*layers: LayerSpec, crs: str | None = None) -> Project:
    return Project(name="测试", crs=crs, layers=list(layers))


def test_county_loads_into_the_nearest_gk_zone(county: Path) -> None:
    proj, _ = read_project(county)
    loaded = load_project(proj)
    assert loaded.crs.to_epsg() == 4544 and loaded.crs_how == "auto"  # data at 105°E
    e = loaded.vector("ecological_redline")
    assert shapely.area(e.geometry.values).tolist() == [1_000_000.0]
    assert e["name"].tolist() == ["贺兰山"]
    lu = loaded.vector("land_use")
    # FIDs kept as the index; the bow-tie (FID 3) repaired into two 2,500 m² triangles
    assert lu.index.tolist() == [1, 2, 3, 4]
    assert shapely.area(lu.geometry.values).tolist() == [10_000.0, 10_000.0, 5_000.0, 10_000.0]
    assert loaded.layers[3].report.invalid_geometries == 1 and loaded.layers[3].report.repaired == 1
    assert any("修复" in n and "repaired" in n for n in loaded.notes)
    assert loaded.has("urban_boundary") and not loaded.has("green_space") and loaded.vector("green_space") is None


def test_lonlat_layer_is_reprojected_to_metres(cn_dir: Path, build) -> None:
    gk = build.frame([build.box(0, 0, 1000, 1000)])
    build.write(gk.to_crs("EPSG:4490"), cn_dir / "红线 经纬度.geojson")
    build.write(build.frame([build.box(2000, 0, 100, 100)]), cn_dir / "农田.shp")
    loaded = load_project(project(
        LayerSpec(cn_dir / "红线 经纬度.geojson", role="ecological_redline"),
        LayerSpec(cn_dir / "农田.shp", role="permanent_farmland"),
    ))
    assert loaded.crs.to_epsg() == 4544
    e = loaded.layers[0]
    assert e.report.reprojected_from == "EPSG:4490"
    assert shapely.area(e.gdf.geometry.values)[0] == pytest.approx(1_000_000.0, abs=1e-3)
    assert e.gdf.crs.to_epsg() == 4544 and loaded.layers[1].report.reprojected_from is None


def test_project_crs_wins(cn_dir: Path, build) -> None:
    build.write(build.frame([build.box(0, 0, 10, 10)]), cn_dir / "a.gpkg")
    loaded = load_project(project(LayerSpec(cn_dir / "a.gpkg", role="built_up_area"), crs="EPSG:4545"))
    assert loaded.crs.to_epsg() == 4545 and loaded.crs_how == "project"
    assert loaded.layers[0].report.reprojected_from == "EPSG:4544"


def test_fields_are_renamed_to_canonical_names(cn_dir: Path, build) -> None:
    gdf = build.frame([build.box(0, 0, 10, 10)], 地类编码=["0301"], dlmc=["乔木林地"], DLBM=["旧"])
    build.write(gdf, cn_dir / "三调.gpkg")
    spec = LayerSpec(cn_dir / "三调.gpkg", role="land_use", fields={"DLBM": "地类编码"})
    lyr = load_project(project(spec)).layers[0]
    assert lyr.gdf["DLBM"].tolist() == ["0301"]  # mapped field
    assert lyr.gdf["DLMC"].tolist() == ["乔木林地"]  # case-insensitive match
    assert lyr.gdf["DLBM_orig"].tolist() == ["旧"]  # the unmapped same-named column kept aside
    assert lyr.report.renamed == {"地类编码": "DLBM", "dlmc": "DLMC"}
    assert lyr.report.missing_required == [] and "CZCSXM" in lyr.report.missing_optional


def test_missing_required_field_is_reported(cn_dir: Path, build) -> None:
    build.write(build.frame([build.box(0, 0, 10, 10)], 名称=["a"]), cn_dir / "绿地.gpkg")
    lyr = load_project(project(LayerSpec(cn_dir / "绿地.gpkg", role="green_space"))).layers[0]
    assert lyr.report.missing_required == ["class"]
    issue = next(i for i in lyr.report.issues if i.code == "missing_field")
    assert issue.level == "problem" and "名称" in issue.en and "green_space.class" in issue.zh


def test_vector_concatenates_layers_of_one_role(cn_dir: Path, build) -> None:
    build.write(build.frame([build.box(0, 0, 10, 10)], DLBM=["0101"]), cn_dir / "a.gpkg")
    build.write(build.frame([build.box(20, 0, 10, 10), build.box(40, 0, 10, 10)], DLBM=["0201", "0301"]), cn_dir / "b.shp")
    loaded = load_project(project(LayerSpec(cn_dir / "a.gpkg", role="land_use"), LayerSpec(cn_dir / "b.shp", role="land_use")))
    lu = loaded.vector("land_use")
    assert lu["DLBM"].tolist() == ["0101", "0201", "0301"] and lu.index.tolist() == [0, 1, 2]
    assert lu.crs.to_epsg() == 4544


def test_prefixed_gk_without_prj_is_guessed(cn_dir: Path, build) -> None:
    prefixed = build.frame([shapely.transform(build.box(0, 0, 100, 100), lambda xy: xy + [35_000_000.0, 0.0])])
    path = build.write(prefixed, cn_dir / "无坐标 35带.shp")
    path.with_suffix(".prj").unlink()
    loaded = load_project(project(LayerSpec(path, role="built_up_area")))
    lyr = loaded.layers[0]
    assert (lyr.report.crs.crs, lyr.report.crs.how) == ("EPSG:4523", "guessed")
    assert "35" in lyr.report.crs.reason_zh and any(i.code == "crs_guessed" for i in lyr.report.issues)
    # zone 35 = CM 105°E, so the working CRS is the same zone without prefix: a pure shift
    assert loaded.crs.to_epsg() == 4544
    assert lyr.gdf.total_bounds == pytest.approx([500_000.0, 4_250_000.0, 500_100.0, 4_250_100.0], abs=1e-6)


def test_no_prefix_without_prj_takes_a_companion_zone(cn_dir: Path, build) -> None:
    build.write(build.frame([build.box(0, 0, 1000, 1000)]), cn_dir / "有坐标.gpkg")
    bare = build.write(build.frame([build.box(100, 100, 10, 10)]), cn_dir / "无坐标.shp")
    bare.with_suffix(".prj").unlink()
    loaded = load_project(project(LayerSpec(cn_dir / "有坐标.gpkg", role="ecological_redline"), LayerSpec(bare, role="built_up_area")))
    crs = loaded.layers[1].report.crs
    assert (crs.crs, crs.how) == ("EPSG:4544", "guessed") and "other layers" in crs.reason_en


def test_unguessable_crs(cn_dir: Path, build) -> None:
    bare = build.write(build.frame([build.box(100, 100, 10, 10)]), cn_dir / "孤立.shp")
    bare.with_suffix(".prj").unlink()
    spec = LayerSpec(bare, role="built_up_area")
    with pytest.raises(CRSError) as exc:
        load_project(project(spec))
    assert str(bare) in exc.value.message("zh") and ".prj" in exc.value.message("en")
    lyr = load_project_lenient(project(spec)).layers[0]
    assert lyr.gdf is None and lyr.report.crs.how == "missing"
    assert [i.code for i in lyr.report.issues if i.level == "problem"] == ["crs_unknown"]


def test_point_layer_in_a_polygon_role(data_dir: Path) -> None:
    spec = LayerSpec(data_dir / "pyogrio" / "test_gpkg_nulls.gpkg", role="built_up_area")
    with pytest.raises(GeometryTypeError) as exc:
        load_project(project(spec))
    assert "建成区" in exc.value.message("zh")
    lyr = load_project_lenient(project(spec)).layers[0]
    assert lyr.report.wrong_type == 4 and len(lyr.gdf) == 0
    assert {"geometry_type", "empty_layer"} <= {i.code for i in lyr.report.issues}


def test_missing_file_raises_or_is_recorded(cn_dir: Path, build) -> None:
    build.write(build.frame([build.box(0, 0, 10, 10)]), cn_dir / "好.gpkg")
    specs = [LayerSpec(cn_dir / "缺失 文件.shp", role="urban_boundary"), LayerSpec(cn_dir / "好.gpkg", role="built_up_area")]
    with pytest.raises(LayerSourceError):
        load_project(project(*specs))
    loaded = load_project_lenient(project(*specs))
    bad, good = loaded.layers
    assert bad.gdf is None and bad.report.error["error"] == "LayerSourceError"
    assert [i.code for i in bad.report.issues] == ["file_missing"]
    assert len(good.gdf) == 1 and not loaded.has("urban_boundary")


def test_raster_given_for_a_vector_role(cn_dir: Path) -> None:
    path = cn_dir / "影像.tif"
    with rasterio.open(path, "w", driver="GTiff", width=2, height=2, count=1, dtype="uint8", crs="EPSG:4544",
                       transform=Affine(10, 0, 500_000, 0, -10, 4_250_000)) as ds:
        ds.write(np.ones((2, 2), dtype="uint8"), 1)
    lyr = load_project_lenient(project(LayerSpec(path, role="land_use"))).layers[0]
    assert [i.code for i in lyr.report.issues] == ["wrong_kind"]
    assert "raster" in lyr.report.issues[0].en and "栅格" in lyr.report.issues[0].zh


def test_raster_layer_and_roles_filter(cn_dir: Path, build) -> None:
    build.write(build.frame([build.box(0, 0, 100, 100)]), cn_dir / "建成区.gpkg")
    tif = cn_dir / "无坐标 dsm.tif"  # a raster without CRS, eastings with the zone-35 prefix
    with rasterio.open(tif, "w", driver="GTiff", width=4, height=4, count=1, dtype="float32",
                       transform=Affine(1, 0, 35_500_000, 0, -1, 4_250_100)) as ds:
        ds.write(np.zeros((4, 4), dtype="float32"), 1)
    proj = project(LayerSpec(cn_dir / "建成区.gpkg", role="built_up_area"), LayerSpec(tif, role="dsm_raster"))
    loaded = load_project(proj)
    src = loaded.raster("dsm_raster")
    assert src is not None and src.crs.to_epsg() == 4523 and loaded.layers[1].report.crs.how == "guessed"
    assert loaded.layers[1].report.bounds_working == pytest.approx((500_000.0, 4_250_096.0, 500_004.0, 4_250_100.0))
    only = load_project(proj, roles=["dsm_raster"])
    assert [lyr.spec.role for lyr in only.layers] == ["dsm_raster"] and only.crs == loaded.crs


def test_sources_are_never_written(cn_dir: Path, build, data_dir: Path) -> None:
    gbk = build.write(build.frame([build.box(0, 0, 10, 10).buffer(0)], name=["中文"]), cn_dir / "gbk.shp", encoding="GBK")
    gbk.with_suffix(".cpg").unlink()
    bow = build.write(build.frame([build.bowtie(0, 0, 10)]), cn_dir / "bow.gpkg")
    before = build.tree_digest(cn_dir)
    load_project(project(LayerSpec(gbk, role="built_up_area"), LayerSpec(bow, role="ecological_redline")))
    assert build.tree_digest(cn_dir) == before  # no .cpg added, no repair written back
    data_before = build.tree_digest(data_dir)
    load_project_lenient(project(LayerSpec(data_dir / "fiona" / "coutwildrnp.shp", role="ecological_redline")))
    assert build.tree_digest(data_dir) == data_before


def test_gml_without_crs_guessed_as_lonlat(data_dir: Path) -> None:
    loaded = load_project_lenient(project(LayerSpec(data_dir / "fiona" / "multicurve.gml", role="rivers")))
    lyr = loaded.layers[0]
    assert (lyr.report.crs.crs, lyr.report.crs.how) == ("EPSG:4326", "guessed")
    assert loaded.crs.to_epsg() == 32631 and "UTM" in loaded.notes[0]  # 0.9°W–2.7°E: outside China
    assert lyr.report.reprojected_from == "EPSG:4326" and lyr.gdf.length.iloc[0] > 100_000


def test_coordinates_that_do_not_fit_the_declared_crs(cn_dir: Path, build) -> None:
    # zone-prefixed eastings (35 500 000) in a file that says EPSG:4544 (no prefix)
    prefixed = build.frame([shapely.transform(build.box(0, 0, 100, 100), lambda xy: xy + [35_000_000.0, 0.0])])
    build.write(prefixed, cn_dir / "带号.gpkg")
    # Gauss-Kruger metres in a file that says CGCS2000 lon/lat
    build.write(build.frame([build.box(0, 0, 100, 100)], crs="EPSG:4490"), cn_dir / "经纬度.gpkg")
    spec = LayerSpec(cn_dir / "带号.gpkg", role="urban_boundary")
    with pytest.raises(CRSError) as exc:
        load_project(project(spec))
    assert "EPSG:4523" in exc.value.message("en") and "EPSG:4544" in exc.value.message("zh")
    loaded = load_project_lenient(project(spec, LayerSpec(cn_dir / "经纬度.gpkg", role="built_up_area")))
    for lyr in loaded.layers:
        assert lyr.gdf is None and lyr.report.opened and lyr.report.error["error"] == "CRSError"
        assert [i.code for i in lyr.report.issues] == ["crs_mismatch"] and lyr.report.issues[0].level == "problem"
    assert loaded.crs.to_epsg() == 4544  # the misplaced layers do not steer the working CRS
