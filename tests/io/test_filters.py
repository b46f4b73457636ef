"""Per-layer attribute filters (``where``) and OSM ``other_tags`` fields.

Fixtures are modelled on real data: an OSM land-use extract (``fclass`` words as in the
Geofabrik shapefiles), a GBK shapefile without ``.cpg``, an OSM XML extract whose node
ids are not sorted (GDAL asks for ``OSM_USE_CUSTOM_INDEXING=NO``), and buildings with an
``other_tags`` hstore column as GDAL's OSM driver writes it. Expected values come from
plain geopandas/pandas on the same data, never from the code under test.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import geopandas as gpd
import numpy as np
import pyogrio
import pytest
import shapely

from greenplan.cli.main import main
from greenplan.core.errors import LayerSourceError
from greenplan.core.project import LayerSpec, Project
from greenplan.io import vector
from greenplan.io.loader import load_project, load_project_lenient
from greenplan.io.report import LayerReport
from greenplan.io.vector import read_vector
from greenplan.io.where import filter_frame, screen_where

FCLASS = ["park", "forest", "residential", "farmland", "park", "industrial", "forest", "grass"]


def osm_landuse(build, path: Path, layer: str = "gis_osm_landuse_a_free_1") -> Path:
    """Eight 100 × 100 m parcels with OSM ``fclass`` words, 50 m apart."""
    geoms = [build.box(150 * i, 0, 100, 100) for i in range(len(FCLASS))]
    names = ["人民公园", "北山林场", None, "东坡农田", "滨河公园", "工业园", "南山", "草坪"]
    build.write(build.frame(geoms, osm_id=[str(1000 + i) for i in range(len(FCLASS))], fclass=FCLASS, name=names),
                path, layer=layer)
    return path


def report_for(path: Path, role: str | None = None) -> LayerReport:
    return LayerReport(index=0, name=path.stem, role=role, source=path)


def test_where_in_the_project_keeps_what_geopandas_keeps(cn_dir: Path, build) -> None:
    path = osm_landuse(build, cn_dir / "OSM 用地.gpkg")
    expr = "fclass IN ('park','forest')"
    spec = LayerSpec(path, role="green_space", name="公园与林地", where=expr)
    loaded = load_project(Project(layers=[spec], crs="EPSG:4544"))
    lyr = loaded.layers[0]
    truth = gpd.read_file(path)  # independent: every feature, filtered with pandas
    truth.index = truth.index + 1  # GeoPackage FIDs start at 1
    keep = truth[truth["fclass"].isin(["park", "forest"])]
    assert lyr.gdf.index.tolist() == keep.index.tolist() == [1, 2, 5, 7]
    assert lyr.gdf.area.sum() == pytest.approx(keep.area.sum()) == pytest.approx(40_000.0)
    issue = next(i for i in lyr.report.issues if i.code == "where_filter")
    assert issue.level == "info" and issue.data == {"expr": expr, "kept": 4, "total": 8}
    assert "kept 4 of 8" in issue.en and "保留了 4 个要素" in issue.zh


def test_where_on_a_gbk_shapefile_without_cpg_compares_chinese_text(cn_dir: Path, build) -> None:
    path = cn_dir / "乡镇 界线.shp"
    units = build.frame([build.box(0, 0, 100, 100), build.box(100, 0, 100, 100), build.box(200, 0, 100, 100)],
                        XZQMC=["城关镇", "西街道", "城关镇"], XZQDM=["001", "002", "003"])
    build.write(units, path, encoding="GBK")
    path.with_suffix(".cpg").unlink(missing_ok=True)
    rep = report_for(path)
    gdf = read_vector(path, rep, where="XZQMC = '城关镇'")
    assert gdf.index.tolist() == [0, 2] and gdf["XZQDM"].tolist() == ["001", "003"]
    assert rep.encoding.encoding == "GB18030"  # chosen from the bytes, not from a .cpg


def test_where_uses_the_files_own_field_names_not_the_role_names(cn_dir: Path, build) -> None:
    path = cn_dir / "三调.gpkg"
    build.write(build.frame([build.box(0, 0, 10, 10), build.box(20, 0, 10, 10)], 地类编码=["0301", "0101"]), path)
    ok = LayerSpec(path, role="land_use", fields={"DLBM": "地类编码"}, where="\"地类编码\" = '0301'")
    lyr = load_project(Project(layers=[ok], crs="EPSG:4544")).layers[0]
    assert lyr.gdf["DLBM"].tolist() == ["0301"]  # filtered on the file name, then mapped
    role_name = LayerSpec(path, role="land_use", fields={"DLBM": "地类编码"}, where="DLBM = '0301'")
    with pytest.raises(LayerSourceError) as exc:
        load_project(Project(layers=[role_name], crs="EPSG:4544"))
    assert exc.value.key == "where" and "DLBM" in exc.value.message("en") and "地类编码" in exc.value.message("zh")


def test_where_with_only_the_role_fields_read(cn_dir: Path, build) -> None:
    # analyze reads only the declared fields; the filter's field need not be one of them
    path = osm_landuse(build, cn_dir / "osm.gpkg")
    rep = report_for(path)
    gdf = read_vector(path, rep, columns=["name"], where="fclass = 'forest'")
    assert gdf.index.tolist() == [2, 7] and gdf.columns.tolist() == ["name", "geometry"]


@pytest.mark.parametrize(("expr", "reason"), [
    ("fclass = 'park' OR nosuch = 1", "nosuch"),
    ("fclass IN ('park'", "syntax error"),
    ("fclass = 3 +", "syntax error"),
])
def test_bad_expression_names_layer_and_expression(cn_dir: Path, build, expr: str, reason: str) -> None:
    path = osm_landuse(build, cn_dir / "osm.gpkg")
    with pytest.raises(LayerSourceError) as exc:
        read_vector(path, report_for(path), where=expr)
    err = exc.value
    assert err.exit_code == 2 and err.key == "where" and err.layer == "gis_osm_landuse_a_free_1"
    assert expr in err.message("en") and expr in err.message("zh") and reason in err.message("en")
    assert "fclass" in err.message("en")  # the layer's fields are listed


SECRET = "TOPSECRET-4711"


@pytest.mark.parametrize("template", [
    "1=1) UNION SELECT osm_id, fclass, name, geom FROM gis_osm_landuse_a_free_1 --",
    "load_extension('{secret}') IS NULL",
    "readfile('{secret}') IS NOT NULL",
    "fclass = readfile('{secret}')",
    "fclass IN (SELECT name FROM sqlite_master)",
    "fclass = 'park'; ATTACH DATABASE '{secret}' AS x",
    "fclass = 'park' /* comment */",
    "BlobFromFile('{secret}') IS NOT NULL",
])
def test_malicious_where_is_refused_before_the_file_is_read(cn_dir: Path, build, monkeypatch, template: str) -> None:
    path = osm_landuse(build, cn_dir / "osm.gpkg")
    secret = cn_dir / "secret.txt"
    secret.write_text(SECRET, encoding="utf-8")
    expr = template.format(secret=secret)
    reads: list[Path] = []
    real = vector._read
    monkeypatch.setattr(vector, "_read", lambda p, *a, **k: (reads.append(p), real(p, *a, **k))[1])
    with pytest.raises(LayerSourceError) as exc:
        read_vector(path, report_for(path), where=expr)
    assert exc.value.key == "where" and exc.value.exit_code == 2
    assert SECRET not in exc.value.message("en") + exc.value.message("zh")
    assert reads == []  # refused before any feature was read


def test_a_quoted_semicolon_or_paren_is_data_not_syntax(cn_dir: Path, build) -> None:
    path = cn_dir / "名称.gpkg"
    build.write(build.frame([build.box(0, 0, 10, 10), build.box(20, 0, 10, 10)], name=["a; b) --c", "d"]), path)
    gdf = read_vector(path, report_for(path), where="name = 'a; b) --c'")
    assert gdf.index.tolist() == [1]
    assert screen_where("name = 'it''s'") == "name = 'it''s'"


def test_filter_kept_nothing_is_a_problem_in_check(cn_dir: Path, build) -> None:
    path = osm_landuse(build, cn_dir / "osm.gpkg")
    lyr = load_project_lenient(Project(layers=[LayerSpec(path, role="green_space", where="fclass = 'Park'")],
                                       crs="EPSG:4544")).layers[0]
    assert len(lyr.gdf) == 0
    issue = next(i for i in lyr.report.issues if i.code == "where_filter")
    assert issue.level == "problem" and "none of the 8" in issue.en


def test_salvage_path_applies_the_same_filter(cn_dir: Path, build) -> None:
    """A GeoPackage with a wiped page is read feature by feature; the filter still applies."""
    n = 300
    geoms = [build.box(20 * i, 0, 10, 10).buffer(2, quad_segs=16) for i in range(n)]  # ~1 KB rows
    names = [f"ROW-{fid:05d}-MARK" for fid in range(1, n + 1)]
    fclass = ["park" if fid % 3 == 0 else "farmland" for fid in range(1, n + 1)]
    path = build.write(build.frame(geoms, name=names, fclass=fclass), cn_dir / "损坏.gpkg", layer="landuse")
    with sqlite3.connect(path) as con:
        page_size = con.execute("pragma page_size").fetchone()[0]
    data = bytearray(path.read_bytes())
    page = data.index(names[149].encode()) // page_size
    lost = {fid for fid, name in enumerate(names, start=1) if data.index(name.encode()) // page_size == page}
    data[page * page_size : (page + 1) * page_size] = b"\xff" * page_size
    path.write_bytes(bytes(data))

    rep = report_for(path)
    gdf = read_vector(path, rep, where="fclass = 'park'")
    assert rep.salvaged and lost
    expected = [fid for fid in range(1, n + 1) if fid % 3 == 0 and fid not in lost]
    assert gdf.index.tolist() == expected
    assert (gdf["fclass"] == "park").all()
    assert rep.checks["where"]["kept"] == len(expected)


def test_filter_frame_matches_pandas() -> None:
    rng = np.random.default_rng(7)
    g = gpd.GeoDataFrame({"fclass": rng.choice(FCLASS, 200), "area": rng.uniform(0, 100, 200)},
                         geometry=[shapely.Point(i, 0) for i in range(200)])
    got = filter_frame(g, "fclass IN ('park', 'grass') AND area >= 50")
    truth = g[g["fclass"].isin(["park", "grass"]) & (g["area"] >= 50)]
    assert got.index.tolist() == truth.index.tolist() and len(truth) > 0


def test_set_where_on_the_command_line(cn_dir: Path, build, capsys) -> None:
    path = osm_landuse(build, cn_dir / "osm.gpkg")
    code = main(["check", "--json", "--layer", f"green_space={path}", "--set", "green_space.where=fclass = 'forest'"])
    out = capsys.readouterr()
    assert "Traceback" not in out.out + out.err
    doc = json.loads(out.out)
    kept = [i for i in doc["issues"] if i["code"] == "where_filter"]
    assert [(i["level"], i["data"]["kept"], i["data"]["total"]) for i in kept] == [("info", 2, 8)]
    assert doc["layers"][0]["loaded_count"] == 2
    assert code == doc["exit_code"]
    code = main(["check", "--layer", f"green_space={path}", "--set", "green_space.where=fclass = = 'forest'"])
    out = capsys.readouterr()
    assert code == 2 and "fclass = = 'forest'" in out.out + out.err and "Traceback" not in out.out + out.err


def test_bad_where_in_analyze_exits_2_bilingual(cn_dir: Path, build, capsys, tmp_path: Path) -> None:
    path = osm_landuse(build, cn_dir / "osm.gpkg")
    project = build.write_project(cn_dir, [{"name": "公园", "source": path.name, "role": "green_space",
                                            "where": "fclass IN ('park', 'forest'"}], crs="EPSG:4544")
    code = main(["analyze", str(project), "--out", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert code == 2 and "Traceback" not in err
    assert "属性过滤条件（where）" in err and "attribute filter (where)" in err and "gis_osm_landuse_a_free_1" in err
    assert not any((tmp_path / "out").glob("*"))


# ---------------------------------------------------------------------------- OSM other_tags
OTHER_TAGS = [
    '"building:levels"=>"5","height"=>"18"',
    '"height"=>"24.5 m","roof:shape"=>"flat"',
    '"building:levels"=>"12","name:en"=>"Tower \\"A\\""',
    None,
    '"height"=>"60 ft","building:levels"=>"3"',
]


def osm_buildings(build, path: Path) -> Path:
    geoms = [build.box(50 * i, 0, 30, 20) for i in range(len(OTHER_TAGS))]
    build.write(build.frame(geoms, osm_way_id=[str(10 + i) for i in range(len(OTHER_TAGS))],
                            building=["yes", "apartments", "office", "yes", "house"], other_tags=OTHER_TAGS),
                path, layer="multipolygons")
    return path


def test_fields_from_other_tags(cn_dir: Path, build) -> None:
    path = osm_buildings(build, cn_dir / "OSM 建筑.gpkg")
    spec = LayerSpec(path, role="buildings", fields={"height_m": "other_tags:height", "floors": "other_tags:building:levels"})
    for fields_only in (False, True):
        lyr = load_project(Project(layers=[spec], crs="EPSG:4544"), fields_only=fields_only).layers[0]
        height = lyr.gdf["height_m"].to_numpy(dtype=float)
        floors = lyr.gdf["floors"].to_numpy(dtype=float)
        np.testing.assert_array_equal(height, [18.0, 24.5, np.nan, np.nan, np.nan])  # "60 ft" is not metres
        np.testing.assert_array_equal(floors, [5.0, np.nan, 12.0, np.nan, 3.0])
        warn = next(i for i in lyr.report.issues if i.code == "tag_not_a_number")
        assert warn.level == "warning" and "'60 ft'" in warn.en and warn.data["count"] == 1


def test_other_tags_from_an_unsorted_osm_xml_extract(cn_dir: Path) -> None:
    """GDAL's OSM driver refuses node ids out of order unless OSM_USE_CUSTOM_INDEXING=NO."""
    osm = cn_dir / "小区 extract.osm"
    osm.write_text("""<?xml version="1.0" encoding="UTF-8"?>
<osm version="0.6" generator="test">
  <node id="50" lat="30.0000" lon="120.0000"/>
  <node id="30" lat="30.0000" lon="120.0010"/>
  <node id="40" lat="30.0010" lon="120.0010"/>
  <node id="10" lat="30.0010" lon="120.0000"/>
  <way id="7">
    <nd ref="50"/><nd ref="30"/><nd ref="40"/><nd ref="10"/><nd ref="50"/>
    <tag k="building" v="residential"/><tag k="building:levels" v="6"/><tag k="height" v="19.5"/>
    <tag k="name" v="幸福小区1号楼"/>
  </way>
</osm>
""", encoding="utf-8")
    with pytest.raises(Exception, match="OSM_USE_CUSTOM_INDEXING"):  # what GDAL does on its own
        pyogrio.read_dataframe(osm, layer="multipolygons")
    spec = LayerSpec(osm, layer="multipolygons", role="buildings",
                     fields={"height_m": "other_tags:height", "floors": "other_tags:building:levels"})
    lyr = load_project(Project(layers=[spec])).layers[0]
    assert len(lyr.gdf) == 1 and lyr.gdf["name"].tolist() == ["幸福小区1号楼"]
    assert lyr.gdf["height_m"].tolist() == [19.5] and lyr.gdf["floors"].tolist() == [6.0]
    assert "osm_custom_indexing" in {i.code for i in lyr.report.issues}
    # ~96 m × ~111 m at 30°N: the area is measured in the working CRS
    assert lyr.gdf.area.iloc[0] == pytest.approx(96.3 * 110.9, rel=0.01)


def test_filter_on_chinese_field_names_of_a_gbk_shapefile_without_cpg(tmp_path) -> None:
    """A county's GBK shapefile without .cpg: the filter names the field as the user sees it (地类编码)."""
    import geopandas as gpd
    import pyogrio
    import shapely

    from greenplan.io.report import LayerReport
    from greenplan.io.vector import read_vector

    shp = tmp_path / "三调 地类.shp"
    gdf = gpd.GeoDataFrame({"地类编码": ["0701", "0301", "0701", "1101", "0103"]},
                           geometry=[shapely.box(i, 0, i + 1, 1) for i in range(5)], crs="EPSG:4544")
    pyogrio.write_dataframe(gdf, shp, encoding="GBK")
    shp.with_suffix(".cpg").unlink(missing_ok=True)
    report = LayerReport(index=0, name="地类", role="land_use", source=shp)
    # OGR SQL quotes a name that is not plain ASCII letters, as docs/project-file.md shows
    out = read_vector(shp, report, where="\"地类编码\" = '0701'")
    assert list(out["地类编码"]) == ["0701", "0701"]
