"""Project file: round trip, relative paths, validation messages, atomic save."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest

from greenplan.core.errors import ProjectFileError, UnknownRoleError
from greenplan.core.project import LayerSpec, Project, read_project, save_project


@pytest.fixture
def cn_dir(tmp_path: Path) -> Path:
    d = tmp_path / "项目 数据" / "示范 县"
    d.mkdir(parents=True)
    return d


def _project(folder: Path) -> Project:
    p = Project(
        name="示范县绿化规划",
        crs="EPSG:4544",
        layers=[
            LayerSpec(source=folder / "数据" / "三调.gpkg", layer="DLTB", role="land_use", fields={"DLBM": "地类编码"}),
            LayerSpec(source=folder / "红线.shp", role="ecological_redline", encoding="gbk", visible=False,
                      style={"fill": "#00b050", "alpha": 0.4}),
            LayerSpec(source=folder / "影像.tif", name="参考影像"),
        ],
        metadata={"organisation": "示范县自然资源局"},
        scenarios=[{"name": "demo", "rooftops": ["B0000001", "B0000002"]}],
        themes={"control_lines": {"title": "三条控制线"}},
    )
    p.settings = p.settings.with_overrides({"as_of": "2026-06-30", "ndvi_threshold": 0.25})
    return p


def test_round_trip_keeps_everything(cn_dir: Path) -> None:
    p = _project(cn_dir)
    path = save_project(p, cn_dir / "示范县.greenplan.toml")
    q, warnings = read_project(path)
    assert warnings == []
    assert q.name == p.name and q.crs == "EPSG:4544"
    assert [lyr.source for lyr in q.layers] == [lyr.source for lyr in p.layers]
    assert [lyr.role for lyr in q.layers] == ["land_use", "ecological_redline", None]
    assert q.layers[0].layer == "DLTB" and q.layers[0].fields == {"DLBM": "地类编码"}
    assert q.layers[1].encoding == "gbk" and q.layers[1].visible is False
    assert q.layers[1].style == {"fill": "#00b050", "alpha": 0.4}
    assert q.layers[2].name == "参考影像"
    assert q.settings.as_of == dt.date(2026, 6, 30) and q.settings.ndvi_threshold == 0.25
    assert q.metadata == p.metadata and q.scenarios == p.scenarios and q.themes == p.themes
    # saving the re-read project gives the same text: nothing lost, nothing reordered
    text1 = path.read_text(encoding="utf-8")
    save_project(q)
    assert path.read_text(encoding="utf-8") == text1


def test_sources_are_stored_relative(cn_dir: Path) -> None:
    path = save_project(_project(cn_dir), cn_dir / "a.greenplan.toml")
    text = path.read_text(encoding="utf-8")
    assert 'source = "数据/三调.gpkg"' in text
    assert str(cn_dir) not in text


def test_save_as_elsewhere_rebases_paths(cn_dir: Path, tmp_path: Path) -> None:
    p = _project(cn_dir)
    other = tmp_path / "另存"
    other.mkdir()
    save_project(p, other / "b.greenplan.toml")
    q, _ = read_project(other / "b.greenplan.toml")
    assert q.layers[0].source.resolve() == (cn_dir / "数据" / "三调.gpkg").resolve()


def test_windows_separators_and_crlf_are_read(cn_dir: Path) -> None:
    text = 'schema_version = 1\r\nname = "测试"\r\n[[layers]]\r\nsource = "数据\\\\三调.gpkg"\r\nrole = "land_use"\r\n'
    path = cn_dir / "w.greenplan.toml"
    path.write_bytes(text.encode("utf-8"))
    q, _ = read_project(path)
    assert q.layers[0].source == cn_dir / "数据" / "三调.gpkg"


def test_unknown_keys_of_a_newer_schema_warn_and_survive_round_trip(cn_dir: Path) -> None:
    path = cn_dir / "u.greenplan.toml"
    path.write_text(
        'schema_version = 99\nfuture_key = 3\n[[layers]]\nsource = "a.gpkg"\nlabel_field = "name"\n'
        "[settings]\nnot_a_setting = 1\n",
        encoding="utf-8",
    )
    q, warnings = read_project(path)
    joined = "\n".join(warnings)
    assert "newer GreenPlan" in joined
    assert "future_key" in joined and "layers[0].label_field" in joined and "not_a_setting" in joined
    save_project(q)
    r, _ = read_project(path)
    assert r.extra == {"future_key": 3, "settings": {"not_a_setting": 1}} and r.layers[0].extra == {"label_field": "name"}
    assert "not_a_setting = 1" in path.read_text(encoding="utf-8")  # a newer version's setting survives a save


@pytest.mark.parametrize(
    ("text", "key", "near"),
    [
        ('schema_version = 1\nnmae = "x"\n', "nmae", "name"),
        ('schema_version = 2\n[[layers]]\nsource = "a.gpkg"\nsource_CRS = "GCJ-02"\n', "layers[0].source_CRS", "source_crs"),
        ('schema_version = 2\n[settings]\nndvi_treshold = 0.2\n', "settings.ndvi_treshold", "ndvi_threshold"),
    ],
)
def test_unknown_keys_of_this_schema_are_errors_with_the_closest_match(cn_dir: Path, text: str, key: str, near: str) -> None:
    path = cn_dir / "typo.greenplan.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ProjectFileError) as info:
        read_project(path)
    assert info.value.key == key
    assert f"Did you mean '{near}'" in info.value.message("en") and near in info.value.message("zh")
    assert info.value.exit_code == 2


def test_layer_options_round_trip(cn_dir: Path) -> None:
    path = cn_dir / "opts.greenplan.toml"
    path.write_text(
        'schema_version = 2\n[[layers]]\nsource = "a.shp"\nrole = "land_use"\nclasses = "osm"\n'
        "where = \"fclass IN ('park','forest')\"\nsource_crs = \"GCJ-02\"\n"
        '[[layers]]\nsource = "b.tif"\nrole = "vegetation_raster"\nband = 2\n'
        '[[layers]]\nsource = "c.shp"\nrole = "green_space"\nclasses = { park = "G1", forest = "ignore" }\n',
        encoding="utf-8",
    )
    q, warnings = read_project(path)
    assert warnings == []
    save_project(q)
    r, _ = read_project(path)
    a, b, c = r.layers
    assert (a.classes, a.where, a.source_crs, b.band) == ("osm", "fclass IN ('park','forest')", "GCJ-02", 2)
    assert c.classes == {"park": "G1", "forest": "ignore"}


@pytest.mark.parametrize(
    ("text", "key", "fragment"),
    [
        ('schema_version = 1\nname = "x\n', None, "line 2"),
        ('name = "x"\n', "schema_version", "schema_version"),
        ('schema_version = 2\n[[layers]]\nsource = "a.tif"\nband = 0\n', "layers[0].band", "band number"),
        ('schema_version = 1\n[[layers]]\nrole = "land_use"\n', "layers[0].source", "source"),
        ('schema_version = 1\n[[layers]]\nsource = "a.shp"\nvisible = "yes"\n', "layers[0].visible", "true or false"),
        ('schema_version = 1\n[settings]\nndvi_threshold = "high"\n', "settings.ndvi_threshold", "number"),
    ],
)
def test_bad_project_files_name_the_key(cn_dir: Path, text: str, key: str | None, fragment: str) -> None:
    path = cn_dir / "bad.greenplan.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ProjectFileError) as info:
        read_project(path)
    err = info.value
    assert err.path == path
    assert err.key == key
    assert fragment in err.message("en")
    assert err.message("zh") != err.message("en") and "文件" in err.message("zh")


def test_unknown_role_lists_valid_roles(cn_dir: Path) -> None:
    path = cn_dir / "r.greenplan.toml"
    path.write_text('schema_version = 1\n[[layers]]\nsource = "a.shp"\nrole = "parks"\n', encoding="utf-8")
    with pytest.raises(UnknownRoleError) as info:
        read_project(path)
    assert info.value.key == "layers[0].role"
    assert "ecological_redline" in info.value.message("en")
    assert "未知的图层角色" in info.value.message("zh")


def test_missing_and_non_utf8_project_files(cn_dir: Path) -> None:
    with pytest.raises(ProjectFileError, match="does not exist"):
        read_project(cn_dir / "nope.greenplan.toml")
    path = cn_dir / "gbk.greenplan.toml"
    path.write_bytes('schema_version = 1\nname = "示范县"\n'.encode("gbk"))
    with pytest.raises(ProjectFileError, match="not UTF-8"):
        read_project(path)


def test_failed_save_leaves_old_file_intact(cn_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    p = _project(cn_dir)
    path = save_project(p, cn_dir / "keep.greenplan.toml")
    before = path.read_bytes()

    def boom(src, dst):
        raise OSError("disk full")

    p.name = "改过的名称"
    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(OSError, match="disk full"):
        save_project(p)
    monkeypatch.undo()
    assert path.read_bytes() == before
    assert sorted(x.name for x in cn_dir.iterdir()) == ["keep.greenplan.toml"]  # no temp file left
