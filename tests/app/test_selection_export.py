"""Export of a selection: reopened with pyogrio (not with GreenPlan's reader), GBK read back."""

from __future__ import annotations

import os

import geopandas as gpd
import numpy as np
import pyogrio
import pytest
import shapely

from greenplan.app.selection_export import export_selection
from greenplan.core.errors import OutputError

CRS = "EPSG:4544"


@pytest.fixture
def layer() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"DLBM": ["0101", "0301", "0702", "1001"], "地类名称": ["水田", "乔木林地", "农村宅基地", "铁路用地"],
         "TBMJ": [100.0, 200.0, 300.0, 400.0]},
        geometry=[shapely.box(i * 10, 0, i * 10 + 10, 10) for i in range(4)], crs=CRS)


@pytest.mark.parametrize("name", ["所选 地块.gpkg", "所选地块.shp"])
def test_reopens_with_the_same_features(layer, tmp_path, name):
    ids = np.array([3, 1])
    out = export_selection(layer, ids, tmp_path / name)
    back = pyogrio.read_dataframe(out)
    assert back["DLBM"].tolist() == ["0301", "1001"]  # in row order
    assert back["地类名称" if name.endswith(".gpkg") else "地类名"].tolist() == ["乔木林地", "铁路用地"]
    assert back["TBMJ"].tolist() == [200.0, 400.0]
    assert shapely.equals(back.geometry.values, layer.geometry.values[[1, 3]]).all()
    assert back.crs.to_epsg() == 4544
    if name.endswith(".shp"):
        assert (tmp_path / "所选地块.cpg").read_text(encoding="ascii").strip() == "UTF-8"


def test_gbk_shapefile_reads_back(layer, tmp_path):
    out = export_selection(layer, np.array([0, 2]), tmp_path / "gbk.shp", shp_encoding="GBK")
    assert (tmp_path / "gbk.cpg").read_text(encoding="ascii").strip() == "GBK"
    raw = (tmp_path / "gbk.dbf").read_bytes()
    assert "农村宅基地".encode("gbk") in raw and "农村宅基地".encode() not in raw
    back = pyogrio.read_dataframe(out)  # GDAL reads the .cpg
    assert back["地类名称"].tolist() == ["水田", "农村宅基地"]
    forced = pyogrio.read_dataframe(out, encoding="GBK")
    assert forced["地类名称"].tolist() == ["水田", "农村宅基地"]


def test_text_outside_gbk_is_refused(layer, tmp_path):
    layer.loc[1, "地类名称"] = "林地 🌲"
    with pytest.raises(OutputError) as info:
        export_selection(layer, None, tmp_path / "x.shp", shp_encoding="GBK")
    assert info.value.field == "地类名称" and "GBK" in info.value.message("zh")
    assert not (tmp_path / "x.shp").exists()


def test_replacing_keeps_other_gpkg_layers_and_nothing_selected_is_refused(layer, tmp_path):
    target = tmp_path / "out.gpkg"
    export_selection(layer, np.array([0]), target, layer="a")
    export_selection(layer, np.array([1, 2]), target, layer="b")
    assert [n for n, _ in pyogrio.list_layers(target)] == ["a", "b"]
    with pytest.raises(OutputError) as info:
        export_selection(layer, np.array([], dtype=int), target)
    assert "没有选中" in info.value.message("zh")
    with pytest.raises(OutputError):
        export_selection(layer, None, tmp_path / "x.csv")


@pytest.mark.parametrize("name", ["a.gpkg", "a.shp"])
def test_locked_target_keeps_the_old_file_and_is_a_bilingual_error(layer, tmp_path, monkeypatch, name):
    target = tmp_path / name
    export_selection(layer, np.array([0]), target)
    before = target.read_bytes()

    def locked(src, dst):  # what Windows does while QGIS holds the file open
        raise PermissionError(13, "Permission denied", str(dst))

    monkeypatch.setattr(os, "replace", locked)
    with pytest.raises(OutputError) as info:
        export_selection(layer, np.array([1, 2]), target)
    monkeypatch.undo()
    assert "其他程序" in info.value.message("zh") and "another program" in info.value.message("en")
    assert target.read_bytes() == before
    assert len(pyogrio.read_dataframe(target)) == 1
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []  # no temporary left


def test_missing_folder_is_a_bilingual_error(layer, tmp_path):
    with pytest.raises(OutputError) as info:
        export_selection(layer, None, tmp_path / "nope" / "a.shp")
    assert "不存在" in info.value.message("zh")
