"""Input that cannot carry an indicator, and messages that used to mislead.

Each fixture is written here and modelled on a case met with real data: a layer pointed
at a named pipe, a ``.dbf`` copied without its ``.shp``, polygons with broken rings (a
two-click sliver from a CAD conversion), a layer mixing points and lines into polygons,
a GeoJSON export without properties, a UTF-8 DBF without ``.cpg`` whose township names
are all null, garbled (mojibake) names, a damaged GeoJSON.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import geopandas as gpd
import pytest
import shapely

from greenplan.core.errors import LayerSourceError
from greenplan.core.project import LayerSpec, Project
from greenplan.io.loader import load_project_lenient
from greenplan.io.report import LayerReport
from greenplan.io.vector import read_vector
from greenplan.jobs.check import check_project

# Amap-style township outline near 120.1°E, 30.2°N (GCJ-02 offsets do not matter here)
RING = [[120.10, 30.20], [120.12, 30.20], [120.12, 30.22], [120.10, 30.22], [120.10, 30.20]]


def report_for(path: Path, role: str | None = None) -> LayerReport:
    return LayerReport(index=0, name=path.stem, role=role, source=path)


def issues(report: LayerReport) -> dict[str, object]:
    return {i.code: i for i in report.issues}


def geojson(path: Path, features: list[dict]) -> Path:
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False), encoding="utf-8")
    return path


def run_cli(*args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    """``python -m greenplan ARGS`` in a child process: a hang ends in TimeoutExpired, not a stuck suite."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONIOENCODING": "utf-8"}
    return subprocess.run([sys.executable, "-m", "greenplan", *args], capture_output=True, text=True,
                          encoding="utf-8", timeout=timeout, env=env)


# ------------------------------------------------------------------ not a regular file
@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_named_pipe_is_refused_at_once(cn_dir: Path) -> None:
    fifo = cn_dir / "三调 地类.gpkg"
    os.mkfifo(fifo)
    done = run_cli("check", "--layer", f"land_use={fifo}")  # before the fix: waited forever for a writer
    out = done.stdout + done.stderr
    assert done.returncode == 2, out
    assert "named pipe" in out and "Traceback" not in out
    done = run_cli("analyze", "--layer", f"land_use={fifo}", "--out", str(cn_dir / "out"))
    out = done.stdout + done.stderr
    assert done.returncode == 2 and "命名管道" in out and "named pipe" in out and "Traceback" not in out
    assert not any((cn_dir / "out").glob("*"))


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero")
def test_device_is_refused(tmp_path: Path) -> None:
    for role in ("land_use", "vegetation_raster"):
        lyr = load_project_lenient(Project(layers=[LayerSpec(Path("/dev/zero"), role=role)])).layers[0]
        assert lyr.gdf is None and lyr.raster is None
        err = next(i for i in lyr.report.issues if i.level == "error")
        assert err.code == "not_a_file" and "character device" in err.en and "字符设备" in err.zh
    with pytest.raises(LayerSourceError, match="character device"):
        read_vector(Path("/dev/zero"), report_for(Path("/dev/zero")))


# ------------------------------------------------------------------ .dbf without .shp
def township_shapefile(build, folder: Path, n: int = 50) -> Path:
    path = folder / "乡镇 界线.shp"
    geoms = [build.box(200 * i, 0, 150, 150).buffer(20, quad_segs=8) for i in range(n)]  # records longer than DBF rows
    build.write(build.frame(geoms, XZQDM=[f"5101230{i:02d}" for i in range(n)], XZQMC=[f"第{i}镇" for i in range(n)]), path)
    return path


def test_dbf_without_shp_says_the_shp_is_missing(cn_dir: Path, build) -> None:
    shp = township_shapefile(build, cn_dir)
    shp.unlink()  # copied without the .shp: .dbf, .shx, .prj remain
    dbf = shp.with_suffix(".dbf")
    rep = report_for(dbf, "admin_units")
    gdf = read_vector(dbf, rep)
    found = issues(rep)
    assert "shp_missing" in found and "truncated" not in found and "no_geometry" not in found
    assert ".shp file is missing" in found["shp_missing"].en and "缺少 .shp 文件" in found["shp_missing"].zh
    assert len(gdf) == 50 and gdf.geometry.isna().all()  # the attributes are all there
    with pytest.raises(LayerSourceError) as exc:  # the project names the .shp itself
        read_vector(shp, report_for(shp))
    assert ".shp file is missing" in exc.value.message("en") and "乡镇 界线.dbf" in exc.value.message("en")
    assert "does not exist" not in exc.value.message("en")


# ------------------------------------------------------------------ broken rings, TIN
def test_broken_rings_are_not_called_tin(cn_dir: Path) -> None:
    path = geojson(cn_dir / "地块.geojson", [
        {"type": "Feature", "properties": {"DLBM": "0101"}, "geometry": {"type": "Polygon", "coordinates": [RING[:2]]}},
        {"type": "Feature", "properties": {"DLBM": "0301"}, "geometry": {"type": "Polygon", "coordinates": [RING]}},
        {"type": "Feature", "properties": {"DLBM": "0701"},
         "geometry": {"type": "MultiPolygon", "coordinates": [[RING[:3]]]}},
    ])
    rep = report_for(path, "land_use")
    gdf = read_vector(path, rep)
    issue = issues(rep)["broken_rings"]
    assert issue.level == "problem" and "broken rings" in issue.en and "环" in issue.zh and "TIN" not in issue.en + issue.zh
    assert rep.unparseable == [0, 2] and "FID 0, 2" in issue.en
    assert "unparseable_geometry" not in issues(rep)
    assert gdf.geometry.isna().tolist() == [True, False, True]


def test_tin_is_still_a_type_greenplan_cannot_use(data_dir: Path) -> None:
    path = data_dir / "fiona" / "test_tin.shp"
    rep = report_for(path)
    read_vector(path, rep)
    assert "TIN" in issues(rep)["unparseable_geometry"].en and "broken_rings" not in issues(rep)


# ------------------------------------------------------------------ mixed geometry note
def test_mixed_geometry_note_counts_only_what_was_left_out(cn_dir: Path, build) -> None:
    path = cn_dir / "混合.gpkg"
    collection = shapely.GeometryCollection([build.box(600, 0, 100, 100), shapely.Point(build.X0, build.Y0),
                                             shapely.LineString([(build.X0, build.Y0), (build.X0 + 5, build.Y0)])])
    geoms = [build.box(0, 0, 100, 100), build.box(200, 0, 100, 100), build.box(400, 0, 100, 100),
             shapely.Point(build.X0 + 50, build.Y0 + 300), shapely.LineString([(build.X0, build.Y0 + 400), (build.X0 + 90, build.Y0 + 400)]),
             collection]
    build.write(build.frame(geoms, DLBM=["0101"] * 6), path, geometry_type="Unknown")
    lyr = load_project_lenient(Project(layers=[LayerSpec(path, role="land_use")])).layers[0]
    found = issues(lyr.report)
    note = found["geometry_type"]
    assert note.data["count"] == 2 and "(LineString 1, Point 1)" in note.en and "Polygon" not in note.en.split("(")[-1]
    assert "LineString 1, Point 1" in note.zh
    parts = found["collection_parts_left_out"]
    assert parts.data["parts"] == {"LineString": 1, "Point": 1}
    assert len(lyr.gdf) == 4 and lyr.gdf.area.sum() == pytest.approx(40_000.0)


# ------------------------------------------------------------------ GeoJSON without attributes
def test_geojson_without_attributes_says_so(cn_dir: Path) -> None:
    path = geojson(cn_dir / "行政区.geojson", [{"type": "Feature", "properties": {},
                                                "geometry": {"type": "Polygon", "coordinates": [RING]}}])
    lyr = load_project_lenient(Project(layers=[LayerSpec(path, role="admin_units")])).layers[0]
    found = issues(lyr.report)
    assert "missing_field" not in found
    issue = found["no_attributes"]
    assert issue.level == "problem" and "no attribute fields at all" in issue.en and "没有任何属性字段" in issue.zh
    assert "name" in issue.en and "code" in issue.en and "Map it" not in issue.en


# ------------------------------------------------------------------ hints
def test_non_shapefile_errors_get_no_shapefile_hint(cn_dir: Path) -> None:
    path = cn_dir / "坏.geojson"
    path.write_text('{"type": "FeatureCollection", "features": [', encoding="utf-8")
    with pytest.raises(LayerSourceError) as exc:
        read_vector(path, report_for(path))
    text = exc.value.message("en") + exc.value.message("zh")
    assert "cannot be read" in text and ".shx" not in text and "Shapefile" not in text
    shp = cn_dir / "坏.shp"
    shp.write_bytes(b"\x00" * 50)
    with pytest.raises(LayerSourceError) as exc:
        read_vector(shp, report_for(shp))
    assert ".shx" in exc.value.message("en")


# ------------------------------------------------------------------ null names, mojibake
def test_utf8_dbf_without_cpg_whose_names_are_all_null(cn_dir: Path, build) -> None:
    path = cn_dir / "乡镇.shp"
    units = build.frame([build.box(0, 0, 100, 100), build.box(100, 0, 100, 100), build.box(200, 0, 100, 100)],
                        XZQMC=[None, None, None], XZQDM=["510123001", "510123002", "510123003"])
    build.write(units, path, encoding="UTF-8")
    path.with_suffix(".cpg").unlink(missing_ok=True)
    spec = LayerSpec(path, role="admin_units", name="乡镇", fields={"name": "XZQMC", "code": "XZQDM"})
    report = check_project(Project(layers=[spec], crs="EPSG:4544"))
    issue = next(i for i in report.layers[0].issues if i.code == "blank_required_field")
    assert issue.level == "problem" and report.exit_code == 1
    assert issue.data["blank"] == 3 and issue.data["total"] == 3 and issue.data["field"] == "name"
    assert "'XZQMC'" in issue.en and "3 of 3" in issue.en and "（未命名）" in issue.zh
    assert not any(i.code == "blank_required_field" and i.data["field"] == "code" for i in report.layers[0].issues)


def test_a_few_null_names_are_not_a_problem(cn_dir: Path, build) -> None:
    path = cn_dir / "乡镇.gpkg"
    build.write(build.frame([build.box(100 * i, 0, 100, 100) for i in range(3)], name=["城关镇", None, "西街道"],
                            code=["1", "2", "3"]), path)
    report = check_project(Project(layers=[LayerSpec(path, role="admin_units")], crs="EPSG:4544"))
    assert "blank_required_field" not in {i.code for i in report.layers[0].issues}  # 1 of 3 ≤ half


def test_replacement_characters_and_mojibake_get_a_warning_with_the_share(cn_dir: Path, build) -> None:
    names = ["城关镇", "西\ufffd道", "锟斤拷镇", "绿地公园".encode().decode("latin-1"), "南山镇",
             "东风乡", "Café Rouge", None]
    path = cn_dir / "乱码.gpkg"
    build.write(build.frame([build.box(100 * i, 0, 100, 100) for i in range(8)], name=names,
                            code=[str(i) for i in range(8)]), path)
    report = check_project(Project(layers=[LayerSpec(path, role="admin_units")], crs="EPSG:4544"))
    issue = next(i for i in report.layers[0].issues if i.code == "garbled_text")
    assert issue.level == "warning" and issue.data["field"] == "name"
    assert (issue.data["garbled"], issue.data["total"]) == (3, 7)  # 7 text values, 3 garbled by hand count
    assert "3 of 7" in issue.en and "42.9 %" in issue.en and "乱码" in issue.zh


def test_clean_chinese_text_gets_no_garbled_warning(cn_dir: Path, build) -> None:
    path = cn_dir / "干净.gpkg"
    build.write(build.frame([build.box(100 * i, 0, 100, 100) for i in range(3)], name=["城关镇", "Zürich Straße", "贺兰山"],
                            code=["1", "2", "3"]), path)
    report = check_project(Project(layers=[LayerSpec(path, role="admin_units")], crs="EPSG:4544"))
    assert "garbled_text" not in {i.code for i in report.layers[0].issues}


def test_gbk_bytes_read_as_utf8_are_reported(cn_dir: Path, build) -> None:
    """A GBK shapefile with a wrong ``UTF-8`` .cpg: the bad bytes become U+FFFD, the check says how many values."""
    path = cn_dir / "错 cpg.shp"
    build.write(build.frame([build.box(0, 0, 100, 100), build.box(100, 0, 100, 100)], name=["城关镇", "abc"],
                            code=["1", "2"]), path, encoding="GBK")
    path.with_suffix(".cpg").write_text("UTF-8", encoding="ascii")
    report = check_project(Project(layers=[LayerSpec(path, role="admin_units")], crs="EPSG:4544"))
    found = {i.code: i for i in report.layers[0].issues}
    assert found["garbled_text"].data["garbled"] == 1 and found["garbled_text"].data["total"] == 2
    assert "encoding_replaced" in found


def test_output_layers_without_crs_get_the_shared_crs(tmp_path: Path, build, recwarn) -> None:
    from greenplan.io.writers import write_gpkg_layers

    full = build.frame([build.box(0, 0, 10, 10)], n=[1])
    empty = gpd.GeoDataFrame({"n": []}, geometry=gpd.GeoSeries([]))  # built without a CRS
    write_gpkg_layers(tmp_path / "out.gpkg", {"results": full, "nothing": empty})
    assert gpd.read_file(tmp_path / "out.gpkg", layer="nothing").crs == full.crs
    assert not [w for w in recwarn if "crs" in str(w.message)]
