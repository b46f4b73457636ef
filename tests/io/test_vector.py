"""Reading vector files: containers, damaged files (fiona salvage), odd real-world files."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import numpy as np
import pytest
import shapely

from greenplan.core.errors import LayerSourceError
from greenplan.io.report import LayerReport
from greenplan.io.vector import read_vector

# A shapefile record of a rectangle: 8 header + 4 type + 32 box + 4 + 4 + 4 part index
# + 5 points × 16 = 136 bytes, after the 100-byte file header.
RECORD = 136


def report_for(path: Path, role: str | None = None) -> LayerReport:
    return LayerReport(index=0, name=path.stem, role=role, source=path)


def parcels(build, n: int):
    return build.frame([build.box(20 * i, 0, 10, 10) for i in range(n)], name=[f"地块{i}" for i in range(n)])


def test_missing_file_names_the_path(cn_dir: Path) -> None:
    path = cn_dir / "没有 这个.shp"
    with pytest.raises(LayerSourceError) as exc:
        read_vector(path, report_for(path))
    assert str(path) in exc.value.message("zh") and "不存在" in exc.value.message("zh")
    assert "does not exist" in exc.value.message("en") and exc.value.exit_code == 2


def test_not_a_geodata_file(cn_dir: Path) -> None:
    path = cn_dir / "坏 文件.gpkg"
    path.write_bytes(b"this is not a GeoPackage")
    with pytest.raises(LayerSourceError) as exc:
        read_vector(path, report_for(path))
    assert "cannot be read" in exc.value.message("en") and "无法读取" in exc.value.message("zh")


def test_gpkg_truncated_to_half_is_unreadable(cn_dir: Path, build) -> None:
    path = build.write(parcels(build, 50), cn_dir / "半个.gpkg", layer="parcels")
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(LayerSourceError):
        read_vector(path, report_for(path))


def test_multi_layer_container(cn_dir: Path, build) -> None:
    path = cn_dir / "多 图层.gpkg"
    build.write(parcels(build, 2), path, layer="roads_draft")
    build.write(parcels(build, 3), path, layer="land_use")
    build.write(parcels(build, 4), path, layer="DLTB")

    rep = report_for(path)
    assert len(read_vector(path, rep, layer="DLTB")) == 4 and rep.layer == "DLTB"
    assert rep.layers_in_file == ["roads_draft", "land_use", "DLTB"]
    rep = report_for(path)
    assert len(read_vector(path, rep, layer="dltb")) == 4  # case-insensitive when unambiguous
    rep = report_for(path, "land_use")
    assert len(read_vector(path, rep, role="land_use")) == 3 and rep.layer == "land_use"
    rep = report_for(path)
    assert len(read_vector(path, rep)) == 2 and rep.layer == "roads_draft"
    assert any(i.code == "layer_chosen" and i.level == "warning" for i in rep.issues)
    with pytest.raises(LayerSourceError) as exc:
        read_vector(path, report_for(path), layer="DLTB_2023")
    assert "roads_draft, land_use, DLTB" in exc.value.message("en")


def test_layer_added_to_the_file_is_seen_on_the_next_read(cn_dir: Path, build) -> None:
    """The layer listing is cached per file version: a layer added in QGIS between two
    loads must be found (and a listing must not be reused for a changed file)."""
    path = build.write(parcels(build, 2), cn_dir / "增 图层.gpkg", layer="first")
    rep = report_for(path)
    read_vector(path, rep)
    assert rep.layers_in_file == ["first"]
    build.write(parcels(build, 5), path, layer="second")
    rep = report_for(path)
    assert len(read_vector(path, rep, layer="second")) == 5
    assert rep.layers_in_file == ["first", "second"]


def test_index_is_the_fid(cn_dir: Path, build) -> None:
    rep = report_for(cn_dir / "a.gpkg")
    gdf = read_vector(build.write(parcels(build, 3), cn_dir / "a.gpkg"), rep)
    assert gdf.index.tolist() == [1, 2, 3]  # GeoPackage FIDs start at 1
    rep = report_for(cn_dir / "a.shp")
    gdf = read_vector(build.write(parcels(build, 3), cn_dir / "a.shp"), rep)
    assert gdf.index.tolist() == [0, 1, 2]


def test_truncated_shp_reports_the_lost_features(cn_dir: Path, build) -> None:
    path = build.write(parcels(build, 10), cn_dir / "截断 shp.shp")
    path.write_bytes(path.read_bytes()[: 100 + 6 * RECORD + 50])  # records 0-5 whole, 6 cut, 7-9 gone
    rep = report_for(path)
    gdf = read_vector(path, rep)
    assert rep.unreadable == [6, 7, 8, 9]
    assert gdf.index.tolist() == [0, 1, 2, 3, 4, 5]
    assert gdf["name"].tolist() == [f"地块{i}" for i in range(6)]
    issue = next(i for i in rep.issues if i.code == "truncated")
    assert issue.level == "problem" and "6, 7, 8, 9" in issue.en and ".shp" in issue.zh


def test_truncated_dbf_is_salvaged_with_fiona(cn_dir: Path, build) -> None:
    path = build.write(parcels(build, 10), cn_dir / "截断 dbf.shp")
    dbf = path.with_suffix(".dbf")
    raw = dbf.read_bytes()
    header_len, rec_len = int.from_bytes(raw[8:10], "little"), int.from_bytes(raw[10:12], "little")
    dbf.write_bytes(raw[: header_len + 7 * rec_len + 3])  # records 0-6 whole
    rep = report_for(path)
    gdf = read_vector(path, rep)
    assert rep.salvaged
    assert rep.unreadable == [7, 8, 9]
    assert gdf["name"].tolist() == [f"地块{i}" for i in range(7)]
    assert shapely.area(gdf.geometry.values).tolist() == [100.0] * 7
    assert {"salvaged", "truncated"} <= {i.code for i in rep.issues}


def test_damaged_gpkg_page_is_salvaged_feature_by_feature(cn_dir: Path, build) -> None:
    n = 300
    geoms = [build.box(20 * i, 0, 10, 10).buffer(2, quad_segs=16) for i in range(n)]  # ~1 KB rows
    names = [f"ROW-{fid:05d}-MARK" for fid in range(1, n + 1)]
    path = build.write(build.frame(geoms, name=names), cn_dir / "损坏.gpkg", layer="land_use")
    with sqlite3.connect(path) as con:
        page_size = con.execute("pragma page_size").fetchone()[0]
    data = bytearray(path.read_bytes())
    # wipe the database page that holds row 150; the rows stored on it are the ones lost
    page = data.index(names[149].encode()) // page_size
    lost = [fid for fid, name in enumerate(names, start=1) if data.index(name.encode()) // page_size == page]
    data[page * page_size : (page + 1) * page_size] = b"\xff" * page_size
    path.write_bytes(bytes(data))
    before = path.read_bytes()

    rep = report_for(path)
    gdf = read_vector(path, rep)
    assert rep.salvaged and 150 in lost and len(lost) < 10
    assert rep.unreadable == lost
    assert gdf.index.tolist() == [fid for fid in range(1, n + 1) if fid not in lost]
    # every kept feature is intact: its attribute matches its FID, its area the buffer's
    assert (gdf["name"] == [f"ROW-{fid:05d}-MARK" for fid in gdf.index]).all()
    assert np.allclose(shapely.area(gdf.geometry.values), geoms[0].area)
    assert path.read_bytes() == before  # the source was not touched
    issue = next(i for i in rep.issues if i.code == "salvaged")
    assert "malformed" in issue.en and f"{len(lost)} unreadable" in issue.en and "逐个要素读取" in issue.zh


def test_tin_reads_as_null_geometry(data_dir: Path) -> None:
    path = data_dir / "fiona" / "test_tin.shp"
    rep = report_for(path)
    gdf = read_vector(path, rep)
    assert len(gdf) == 1 and gdf.geometry.isna().all()
    assert rep.unparseable == [0]
    assert next(i for i in rep.issues if i.code == "unparseable_geometry").level == "problem"


def test_mixed_geometry_types_in_one_layer(data_dir: Path) -> None:
    rep = report_for(data_dir / "fiona" / "trio.geojson")
    gdf = read_vector(data_dir / "fiona" / "trio.geojson", rep)
    assert sorted(gdf.geom_type) == ["LineString", "Point", "Polygon"]
    assert rep.format == "GeoJSON" and rep.encoding.how == "format"


def test_zipped_filegdb_layers(data_dir: Path) -> None:
    path = data_dir / "fiona" / "testopenfilegdb.gdb.zip"
    rep = report_for(path)
    gdf = read_vector(path, rep, layer="polygon")
    assert rep.format == "OpenFileGDB" and len(rep.layers_in_file) == 37
    assert len(gdf) == 5 and set(gdf.geom_type) == {"MultiPolygon"}
    rep = report_for(path)
    assert read_vector(path, rep, layer="null_polygon").geometry.isna().all()


def test_curves_are_linearised(data_dir: Path) -> None:
    for name, kind in (("curvepolygon", "Polygon"), ("multisurface", "MultiPolygon")):
        rep = report_for(data_dir / "pyogrio" / f"{name}.gpkg")
        gdf = read_vector(data_dir / "pyogrio" / f"{name}.gpkg", rep)
        assert gdf.geom_type.tolist() == [kind] and shapely.area(gdf.geometry.values)[0] > 0
        assert rep.geometry_types == {} and rep.format == "GPKG"  # counts are filled by prepare_geometries


def test_nulls_in_every_column_type(data_dir: Path) -> None:
    rep = report_for(data_dir / "pyogrio" / "test_gpkg_nulls.gpkg")
    gdf = read_vector(data_dir / "pyogrio" / "test_gpkg_nulls.gpkg", rep)
    assert len(gdf) == 4 and rep.read_count == 4
    last = gdf.iloc[-1].drop("geometry")
    assert last.isna().all()


def test_gml_without_crs(data_dir: Path) -> None:
    rep = report_for(data_dir / "fiona" / "multicurve.gml")
    gdf = read_vector(data_dir / "fiona" / "multicurve.gml", rep)
    assert gdf.crs is None and rep.format == "GML" and gdf.geom_type.tolist() == ["MultiLineString"]


def test_real_polygon_shapefile_with_latin1_cpg(data_dir: Path) -> None:
    rep = report_for(data_dir / "fiona" / "coutwildrnp.shp")
    gdf = read_vector(data_dir / "fiona" / "coutwildrnp.shp", rep)
    assert len(gdf) == 67 == rep.feature_count and not rep.salvaged and not rep.unreadable
    assert rep.encoding.encoding == "ISO8859-1" and "Mount Naomi Wilderness" in set(gdf["NAME"])


def test_z_and_m_values(data_dir: Path) -> None:
    from greenplan.core.project import LayerSpec, Project
    from greenplan.io.loader import load_project

    loaded = load_project(Project(layers=[LayerSpec(data_dir / "pyogrio" / "line_zm.gpkg", role="roads")]))
    lyr = loaded.layers[0]
    assert lyr.report.has_z and not shapely.has_z(lyr.gdf.geometry.values).any()
    assert lyr.gdf.geom_type.tolist() == ["LineString"] and lyr.gdf.length.iloc[0] > 1_000_000  # ~2,000 km in UTM
    assert any(i.code == "z_dropped" for i in lyr.report.issues)
