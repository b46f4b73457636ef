"""One working CRS, chosen from the layers that lie together (issue 11 item 11).

The case from the issue: a county near 105°E plus a land-cover raster from another
continent (around 27°E). The working CRS must be the county's Gauss-Kruger zone
(EPSG:4544), a roof's area the one plain geopandas gives in EPSG:4544, the far raster
reported; every way of loading (all layers, some roles, the data check) and the CLI header
agree, and ``--set ROLE.source_crs`` works for a run without a project file.
"""

from __future__ import annotations

import json
import subprocess
import sys

import geopandas as gpd
import numpy as np
import pytest
import rasterio
import shapely
from rasterio.transform import from_origin

from greenplan.cli.main import main
from greenplan.core.project import LayerSpec, Project
from greenplan.io.loader import load_project, load_project_lenient, working_crs
from greenplan.jobs.check import check_project

ROOF = shapely.Polygon([(105.2000, 30.1000), (105.2012, 30.1000), (105.2012, 30.1011), (105.2000, 30.1011)])


def _county(tmp_path):
    """Admin units, land use and buildings of a county near 105.2°E (WGS 84 GeoPackage)."""
    gpkg = tmp_path / "县 数据.gpkg"
    units = gpd.GeoDataFrame({"name": ["城关镇", "东关镇"], "code": ["01", "02"]},
                             geometry=[shapely.box(105.1, 30.0, 105.25, 30.2), shapely.box(105.25, 30.0, 105.4, 30.2)],
                             crs="EPSG:4326")
    units.to_file(gpkg, layer="admin_units", engine="pyogrio")
    lu = gpd.GeoDataFrame({"DLBM": ["0101", "0702"]}, geometry=list(units.geometry), crs="EPSG:4326")
    lu.to_file(gpkg, layer="land_use", engine="pyogrio")
    gpd.GeoDataFrame({"height_m": [12.0]}, geometry=[ROOF], crs="EPSG:4326").to_file(gpkg, layer="buildings", engine="pyogrio")
    return gpkg


def _far_raster(tmp_path):
    """A 30 m land-cover tile around 27°E, 26°S (another continent), WGS 84."""
    tif = tmp_path / "worldcover_S27E027.tif"
    with rasterio.open(tif, "w", driver="GTiff", width=50, height=50, count=1, dtype="uint8", crs="EPSG:4326",
                       transform=from_origin(27.0, -26.0, 0.0003, 0.0003), nodata=0) as ds:
        ds.write(np.full((1, 50, 50), 10, dtype="uint8"))
    return tif


def _project(tmp_path, raster_first: bool = True) -> Project:
    gpkg = _county(tmp_path)
    layers = [
        LayerSpec(source=gpkg, layer="admin_units", role="admin_units", name="乡镇", fields={"name": "name", "code": "code"}),
        LayerSpec(source=gpkg, layer="land_use", role="land_use", name="三调"),
        LayerSpec(source=gpkg, layer="buildings", role="buildings", name="建筑"),
    ]
    raster = LayerSpec(source=_far_raster(tmp_path), role="vegetation_raster", name="土地覆盖（外洲）")
    return Project(name="县", layers=[raster, *layers] if raster_first else [*layers, raster])


def test_far_raster_is_left_out_and_the_county_zone_is_used(tmp_path):
    project = _project(tmp_path)
    choice = working_crs(project)
    assert choice.crs.to_epsg() == 4544 and choice.how == "auto"
    assert set(choice.far) == {0} and choice.far[0] > 5_000_000  # thousands of km
    assert set(choice.basis) == {1, 2}  # the study-area layers (admin units, land use) placed it
    loaded = load_project(project)
    assert loaded.crs.to_epsg() == 4544
    roof = loaded.vector("buildings").area.iloc[0]
    expected = gpd.GeoSeries([ROOF], crs="EPSG:4326").to_crs("EPSG:4544").area.iloc[0]
    assert roof == pytest.approx(expected, rel=1e-9)
    assert 14_000 < expected < 14_200  # about 115.7 m x 121.9 m by hand
    far = [i for i in loaded.layers[0].report.issues if i.code == "far_extent"]
    assert len(far) == 1 and far[0].level == "problem" and "left out of the choice" in far[0].en


def test_every_way_of_loading_uses_the_same_crs(tmp_path):
    project = _project(tmp_path, raster_first=False)
    expected = working_crs(project).crs
    assert load_project_lenient(project, scan=False).crs == expected  # what the desktop canvas loads (all layers)
    assert load_project(project, roles=["admin_units"]).crs == expected  # batch
    assert load_project(project, roles=["buildings", "vegetation_raster"]).crs == expected  # far layer loaded, study area not
    report = check_project(project)
    assert report.crs == "EPSG:4544" and report.crs_basis == [0, 1]
    far = [i for i in report.issues if i.code == "far_extent"]
    assert [i.layer for i in far] == [3]  # reported once, on the far raster only
    assert report.exit_code == 1


def test_two_layers_far_apart_the_study_area_wins(tmp_path):
    project = _project(tmp_path)
    project.layers = [project.layers[0], project.layers[1]]  # the far raster, admin units
    assert working_crs(project).crs.to_epsg() == 4544


def test_cli_prints_the_working_crs_before_the_results(tmp_path, capsys):
    project = _project(tmp_path)
    args = [f"--layer=admin_units={project.layers[1].source}:admin_units",
            f"--layer=vegetation_raster={project.layers[0].source}"]
    code = main(["check", *args, "--json"])
    doc = json.loads(capsys.readouterr().out)
    assert code == 1 and doc["crs"] == "EPSG:4544" and doc["crs_rejected"] is False
    assert "far from the other layers" in doc["crs_note"]
    code = main(["check", *args, "--set", "crs=EPSG:4326"])
    out = capsys.readouterr()
    assert code == 2 and "Working CRS" not in out.out and "EPSG:4326" in out.out  # the error, no header
    code = main(["analyze", *args, "--set", "crs=EPSG:4326", "--out", str(tmp_path / "out")])
    out = capsys.readouterr()
    assert code == 2 and "Working CRS" not in out.out + out.err and "not a projected CRS" in out.err


def test_set_source_crs_takes_effect_without_a_project_file(tmp_path):
    """``--set admin_units.source_crs=EPSG:4326`` (the corrected form of ``admin_units.crs``)."""
    shp = tmp_path / "乡镇 边界.shp"
    gpd.GeoDataFrame({"name": ["城关镇"]}, geometry=[shapely.box(105.1, 30.0, 105.25, 30.2)], crs="EPSG:4326").to_file(shp)
    shp.with_suffix(".prj").unlink()
    base = [sys.executable, "-m", "greenplan", "check", "--layer", f"admin_units={shp}", "--json"]
    plain = subprocess.run(base, capture_output=True, text=True, encoding="utf-8", check=False)
    crs = json.loads(plain.stdout)["layers"][0]["crs"]
    assert (crs["crs"], crs["how"]) == ("EPSG:4490", "guessed")
    declared = subprocess.run([*base, "--set", "admin_units.source_crs=EPSG:4326"], capture_output=True, text=True,
                              encoding="utf-8", check=False)
    doc = json.loads(declared.stdout)
    crs = doc["layers"][0]["crs"]
    assert (crs["crs"], crs["how"]) == ("EPSG:4326", "declared") and "admin_units.source_crs" in crs["reason_en"]
    codes = [i["code"] for i in doc["issues"]]
    assert "crs_declared" in codes and "crs_guessed" not in codes and "china_datum_hint" not in codes
    assert not [i for i in doc["issues"] if "crs" in i["code"] and i["level"] in ("error", "problem")]
    assert declared.returncode == doc["exit_code"] < 2 and "Traceback" not in declared.stderr
    bad = subprocess.run([*base[:-1], "--set", "admin_units.source_crs=EPSG:99999"], capture_output=True, text=True,
                         encoding="utf-8", check=False)
    assert bad.returncode == 2 and "admin_units.source_crs" in bad.stdout and "Traceback" not in bad.stderr
