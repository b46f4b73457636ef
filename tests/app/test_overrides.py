"""--set texts applied to an open project (what the desktop app can call, as the CLI does)."""

from __future__ import annotations

from pathlib import Path

import pytest

from greenplan.app.overrides import apply_overrides, project_from_inputs
from greenplan.core.errors import SettingError
from greenplan.core.project import LayerSpec, Project


def project() -> Project:
    return Project(crs="EPSG:4544", layers=[LayerSpec(source=Path("D:/数据/三调.gpkg"), role="land_use"),
                                            LayerSpec(source=Path("D:/数据/二调.gpkg"), role="land_use"),
                                            LayerSpec(source=Path("D:/数据/道路.shp"), role="roads")])


def test_overrides_reach_every_layer_of_the_role() -> None:
    p = project()
    apply_overrides(p, ["crs=EPSG:4545", "ndvi_threshold=0.25", "land_use.classes=erdiao", "land_use.DLBM=DLBM_2023"])
    assert p.crs == "EPSG:4545" and p.settings.ndvi_threshold == 0.25
    assert [(lyr.classes, lyr.fields) for lyr in p.layers] == [
        ("erdiao", {"DLBM": "DLBM_2023"}), ("erdiao", {"DLBM": "DLBM_2023"}), (None, {})]


@pytest.mark.parametrize("bad", ["land_use.clases=osm", "ndvi_threshold=abc", "nokey"])
def test_a_bad_text_leaves_the_project_as_it_was(bad: str) -> None:
    p = project()
    with pytest.raises(SettingError) as info:
        apply_overrides(p, ["crs=EPSG:4545", "land_use.classes=osm", bad])
    assert info.value.exit_code == 2 and info.value.en and info.value.zh
    assert p.crs == "EPSG:4544" and p.settings.ndvi_threshold == project().settings.ndvi_threshold
    assert [lyr.classes for lyr in p.layers] == [None, None, None]


def test_inputs_need_exactly_one_of_project_and_layers(tmp_path: Path) -> None:
    with pytest.raises(SettingError, match="not both"):
        project_from_inputs(tmp_path / "p.greenplan.toml", ["roads=a.shp"])
    with pytest.raises(SettingError, match="No input"):
        project_from_inputs(None, [], ["crs=EPSG:4545"])
    p, warnings = project_from_inputs(None, [f"roads={tmp_path / '道路 网.shp'}"], ["roads.where=fclass = 'primary'"])
    assert warnings == [] and p.layers[0].name == "道路（道路 网）" and p.layers[0].where == "fclass = 'primary'"
