"""Atomic vector output: GeoPackage 1.2, several layers at once, shapefiles with a UTF-8 .cpg."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
import pytest
import shapely

from greenplan.core.errors import OutputError
from greenplan.io.writers import write_gpkg_layers, write_vector


def test_gpkg_is_version_1_2_and_reopens(cn_dir: Path, build) -> None:
    gdf = build.frame([build.box(0, 0, 10, 20)], 名称=["口袋公园"])
    path = write_vector(gdf, cn_dir / "结果 输出.gpkg", layer="公园")
    with sqlite3.connect(path) as con:
        assert con.execute("pragma application_id").fetchone()[0] == 0x47504B47  # "GPKG"
        assert con.execute("pragma user_version").fetchone()[0] == 10200  # GeoPackage 1.2.0
    back = pyogrio.read_dataframe(path, layer="公园")
    assert back["名称"].tolist() == ["口袋公园"] and back.geometry.area.tolist() == [200.0]
    assert back.crs.to_epsg() == 4544


def test_several_layers_in_one_step_and_append(cn_dir: Path, build) -> None:
    a = build.frame([build.box(0, 0, 1, 1)])
    path = write_gpkg_layers(cn_dir / "r.gpkg", {"a": a, "b": a, "表": pd.DataFrame({"面积": [1.5]})})
    assert sorted(pyogrio.list_layers(path)[:, 0]) == ["a", "b", "表"]
    write_gpkg_layers(path, {"c": a})  # replace: the file holds exactly the new layers
    assert pyogrio.list_layers(path)[:, 0].tolist() == ["c"]
    write_gpkg_layers(path, {"d": a, "c": build.frame([build.box(0, 0, 2, 2)])}, append=True)
    assert sorted(pyogrio.list_layers(path)[:, 0]) == ["c", "d"]
    assert pyogrio.read_dataframe(path, layer="c").geometry.area.tolist() == [4.0]


def test_failed_write_keeps_the_old_file(cn_dir: Path, build) -> None:
    path = write_gpkg_layers(cn_dir / "旧.gpkg", {"a": build.frame([build.box(0, 0, 1, 1)])})
    before = path.read_bytes()
    with pytest.raises(OutputError) as exc:
        write_gpkg_layers(path, {"ok": build.frame([build.box(0, 0, 1, 1)]), "bad": "not a frame"})  # type: ignore[dict-item]
    assert str(path) in exc.value.message("zh")
    assert path.read_bytes() == before
    assert sorted(p.name for p in cn_dir.iterdir()) == ["旧.gpkg"]  # no temporary file left


def test_shapefile_gets_a_utf8_cpg_and_replaces_stale_parts(cn_dir: Path, build) -> None:
    target = cn_dir / "绿带 方案.shp"
    (cn_dir / "绿带 方案.qix").write_bytes(b"stale index of an older file")
    write_vector(build.frame([build.box(0, 0, 5, 4)], 类型=["防护绿地"]), target)
    assert target.with_suffix(".cpg").read_text(encoding="ascii").strip() == "UTF-8"
    assert not (cn_dir / "绿带 方案.qix").exists()
    assert {p.suffix for p in cn_dir.iterdir()} == {".shp", ".shx", ".dbf", ".prj", ".cpg"}
    back = pyogrio.read_dataframe(target)
    assert back["类型"].tolist() == ["防护绿地"] and back.geometry.area.tolist() == [20.0]
    assert not [p for p in cn_dir.iterdir() if p.name.startswith(".")]  # temporary folder removed


def test_geojson_and_bad_targets(cn_dir: Path, build) -> None:
    gdf = build.frame([build.box(0, 0, 1, 1)])
    path = write_vector(gdf, cn_dir / "a.geojson")
    assert len(gpd.read_file(path)) == 1
    with pytest.raises(OutputError):
        write_vector(gdf, cn_dir / "a.xyz")
    with pytest.raises(OutputError) as exc:
        write_vector(gdf, cn_dir / "没有 这个 文件夹" / "a.shp")
    assert "不存在" in exc.value.message("zh")
    with pytest.raises(OutputError):
        write_vector(gdf, cn_dir / "没有 这个 文件夹" / "a.gpkg")


def test_empty_and_mixed_layers(cn_dir: Path, build) -> None:
    empty = build.frame([])
    mixed = build.frame([build.box(0, 0, 1, 1), shapely.MultiPolygon([build.box(5, 5, 1, 1)])])
    path = write_gpkg_layers(cn_dir / "m.gpkg", {"empty": empty, "mixed": mixed})
    assert len(pyogrio.read_dataframe(path, layer="empty")) == 0
    assert pyogrio.read_dataframe(path, layer="mixed").geometry.area.tolist() == [1.0, 1.0]
