from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from greenplan.app.overrides import parse_layer_arg, parse_set_args
from greenplan.cli.common import guarded, project_from_args
from greenplan.core.errors import SettingError, UnknownRoleError


def test_layer_suffix_only_after_an_existing_file(tmp_path: Path) -> None:
    f = tmp_path / "三调 数据.gpkg"
    f.write_bytes(b"")
    assert parse_layer_arg(f"land_use={f}:DLTB") == ("land_use", f, "DLTB")
    # no such file: the colon is part of the path (a Windows drive letter, say)
    assert parse_layer_arg("roads=D:\\数据\\道路.shp") == ("roads", Path("D:\\数据\\道路.shp"), None)
    with pytest.raises(UnknownRoleError):
        parse_layer_arg(f"parks={f}")
    with pytest.raises(SettingError):
        parse_layer_arg(str(f))


def test_set_args_split_settings_and_field_mapping() -> None:
    settings, layer_opts = parse_set_args(["ndvi_threshold=0.25", "land_use.DLBM=DLBM_2023", "idle_land.encoding=gbk"])
    assert settings == {"ndvi_threshold": "0.25"}
    assert layer_opts == {"land_use": {"DLBM": "DLBM_2023"}, "idle_land": {"encoding": "gbk"}}


@pytest.mark.parametrize(
    ("item", "fragment"),
    [
        ("admin_units.crs=EPSG:4326", "admin_units.source_crs"),  # a layer option, not a field mapping
        ("land_use.clases=osm", "land_use.classes"),
        ("ndvi_treshold=0.2", "ndvi_threshold"),
    ],
)
def test_unknown_set_keys_exit_2_with_the_closest_match(item: str, fragment: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SettingError) as info:
        parse_set_args([item])
    msg = info.value.message("en")
    assert f"Did you mean '{fragment}'" in msg and info.value.exit_code == 2
    assert fragment in info.value.message("zh")
    args = argparse.Namespace(project=None, layer=["land_use=x.gpkg"], set=[item])
    assert guarded(lambda a: project_from_args(a) and 0, args) == 2
    assert "Traceback" not in capsys.readouterr().err


def test_layer_options_from_set(tmp_path: Path) -> None:
    args = argparse.Namespace(project=None, layer=[f"land_use={tmp_path / 'a.gpkg'}", f"vegetation_raster={tmp_path / 'c.tif'}"],
                              set=["land_use.classes=osm", "land_use.where=fclass = 'park'", "land_use.source_crs=GCJ-02",
                                   "vegetation_raster.band=3"])
    project, _ = project_from_args(args)
    lu, veg = project.layers
    assert (lu.classes, lu.where, lu.source_crs, lu.fields) == ("osm", "fclass = 'park'", "GCJ-02", {})
    assert veg.band == 3
    with pytest.raises(SettingError):
        project_from_args(argparse.Namespace(project=None, layer=[f"vegetation_raster={tmp_path / 'c.tif'}"], set=["vegetation_raster.band=x"]))


def test_projectless_args_build_a_project(tmp_path: Path) -> None:
    args = argparse.Namespace(project=None, layer=[f"land_use={tmp_path / 'a.gpkg'}"], set=["land_use.DLBM=dlbm", "crs=EPSG:4545", "as_of=2026-01-01"])
    project, _ = project_from_args(args)
    assert project.crs == "EPSG:4545" and project.settings.as_of.isoformat() == "2026-01-01"
    assert project.layers[0].role == "land_use" and project.layers[0].fields == {"DLBM": "dlbm"}


def test_guarded_turns_errors_into_exit_codes(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("GREENPLAN_HOME", str(tmp_path / "用户 数据"))
    def bad_input(_):
        raise SettingError("Bad.", "错误。", key="x")

    def bug(_):
        raise ZeroDivisionError("boom")

    assert guarded(bad_input, argparse.Namespace()) == 2
    err = capsys.readouterr().err
    assert "错误。" in err and "Bad." in err and "Traceback" not in err
    assert guarded(bug, argparse.Namespace()) == 4
    err = capsys.readouterr().err
    assert "internal error" in err and "Traceback" not in err
    (log,) = (tmp_path / "用户 数据" / "logs").iterdir()
    assert "ZeroDivisionError: boom" in log.read_text(encoding="utf-8")  # the traceback goes to the log


def test_command_line_does_not_import_qt() -> None:
    """The CLI (every command registered) runs on machines without Qt libraries."""
    import subprocess
    import sys

    code = (
        "import sys; from greenplan.cli.main import build_parser; build_parser(); "
        "bad = [m for m in sys.modules if m.split('.')[0] in ('PySide6', 'shiboken6')]; "
        "print(bad); raise SystemExit(1 if bad else 0)"
    )
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert res.returncode == 0, res.stdout + res.stderr
