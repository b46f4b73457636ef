"""A layer a command needs that has no usable feature: exit 2, a message naming the layer and why, no outputs.

Before: ``analyze`` wrote a table of dashes and exited 0. The fixtures are written here:
a land-use GeoJSON whose every ring is broken (a CAD export of two-click slivers), a
shapefile whose ``.shp`` is cut off before the first record, and an OSM layer whose filter
matches nothing (``fclass`` values are lower case in OSM).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from greenplan.cli.main import main

SCENARIO = {"name": "近期", "selections": [{"kind": "rooftop", "rule": "all"}]}


def broken_land_use(folder: Path) -> Path:
    """Three parcels whose rings have two or three points: none can be read as a polygon."""
    rings = [[[120.10, 30.20], [120.11, 30.20]], [[120.12, 30.20], [120.13, 30.20], [120.13, 30.21]],
             [[120.14, 30.20], [120.15, 30.20]]]
    feats = [{"type": "Feature", "properties": {"DLBM": code}, "geometry": {"type": "Polygon", "coordinates": [r]}}
             for code, r in zip(["0101", "0301", "0701"], rings, strict=True)]
    path = folder / "三调 地类.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": feats}), encoding="utf-8")
    return path


def project_with(build, folder: Path, land_use: dict) -> Path:
    gpkg = folder / "城区.gpkg"
    w, f = build.write, build.frame
    w(f([build.box(0, 0, 1000, 1000)], name=["城关镇"], code=["001"], population=[1000]), gpkg, "admin_units")
    w(f([build.box(100, 100, 30, 20)], height_m=[12.0], floors=[4], roof_type=["flat"]), gpkg, "buildings")
    layers = [{"name": "乡镇", "source": gpkg.name, "layer": "admin_units", "role": "admin_units"},
              {"name": "建筑", "source": gpkg.name, "layer": "buildings", "role": "buildings"},
              {"name": "三调地类", "role": "land_use", **land_use}]
    return build.write_project(folder, layers, crs="EPSG:4544", scenarios=[SCENARIO])


@pytest.mark.parametrize("command", [["analyze"], ["candidates"], ["scenario", "--name", "近期"]])
def test_layer_with_every_feature_unusable_exits_2(build, cn_dir: Path, tmp_path: Path, capsys, command) -> None:
    src = broken_land_use(cn_dir)
    project = project_with(build, cn_dir, {"source": src.name})
    out = tmp_path / "输出 结果"
    code = main([command[0], str(project), "--out", str(out), *command[1:]])
    captured = capsys.readouterr()
    text = captured.out + captured.err
    assert code == 2, text
    assert "Traceback" not in text
    assert "三调地类" in text and "has no usable feature" in text and "没有可用的要素" in text
    assert "3 with a geometry that cannot be parsed" in text and "3 个几何无法解析" in text
    assert not any(out.glob("*"))  # nothing written, not even an empty table


def test_truncated_shapefile_with_no_record_left(build, cn_dir: Path, tmp_path: Path, capsys) -> None:
    shp = cn_dir / "地类 图斑.shp"
    build.write(build.frame([build.box(0, 0, 10, 10), build.box(20, 0, 10, 10)], DLBM=["0101", "0301"]), shp)
    shp.write_bytes(shp.read_bytes()[:100])  # the header only: both records cut off
    project = project_with(build, cn_dir, {"source": shp.name})
    code = main(["analyze", str(project), "--out", str(tmp_path / "out")])
    text = "".join(capsys.readouterr())
    assert code == 2 and "Traceback" not in text
    assert "2 unreadable (damaged file)" in text and "2 个无法读取" in text


def test_filter_that_keeps_nothing_exits_2_and_names_the_filter(build, cn_dir: Path, tmp_path: Path, capsys) -> None:
    gpkg = cn_dir / "osm.gpkg"
    build.write(build.frame([build.box(0, 0, 100, 100), build.box(200, 0, 100, 100)], fclass=["park", "forest"],
                            DLBM=["0810", "0301"]), gpkg, "landuse")
    project = project_with(build, cn_dir, {"source": gpkg.name, "layer": "landuse", "where": "fclass = 'Park'"})
    code = main(["analyze", str(project), "--out", str(tmp_path / "out")])
    text = "".join(capsys.readouterr())
    assert code == 2 and "Traceback" not in text
    assert "the attribute filter “fclass = 'Park'” kept 0 of 2" in text and "属性过滤条件“fclass = 'Park'”仅保留 0 个" in text


def test_usable_project_still_runs(build, cn_dir: Path, tmp_path: Path, capsys) -> None:
    gpkg = cn_dir / "好.gpkg"
    build.write(build.frame([build.box(0, 0, 1000, 1000)], DLBM=["0301"]), gpkg, "land_use")
    project = project_with(build, cn_dir, {"source": gpkg.name, "layer": "land_use"})
    code = main(["analyze", str(project), "--out", str(tmp_path / "out")])
    assert code in (0, 1), capsys.readouterr()
    assert (tmp_path / "out" / "indicators.json").is_file()
