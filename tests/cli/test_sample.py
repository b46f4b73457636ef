"""``greenplan sample``: writes the demo county into a folder with Chinese characters and
spaces, refuses to overwrite without ``--force``, replaces only its own files with it."""

from __future__ import annotations

import contextlib
import io
from pathlib import Path

import pyogrio
import pytest
import rasterio

from greenplan.cli.main import main
from greenplan.core.errors import EXIT_INPUT, EXIT_OK
from greenplan.core.project import read_project
from greenplan.sample.county import LAYERS, output_files

FILES = output_files("demo")


@pytest.fixture(scope="module")
def written(tmp_path_factory) -> tuple[Path, int, str]:
    """One run of ``greenplan sample`` into a new folder (its parent does not exist yet)."""
    out = tmp_path_factory.mktemp("cli") / "示范 县 数据" / "演示 输出"
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        code = main(["sample", str(out), "--quiet"])
    return out, code, buf.getvalue()


def test_sample_writes_every_file_into_a_chinese_folder_with_spaces(written):
    out, code, text = written
    assert code == EXIT_OK
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()) == sorted(FILES)
    assert "demo_county.gpkg" in text and "land_use" in text and "已写出" in text
    assert [p.name for p in out.parent.iterdir()] == [out.name]  # no temporary folder left
    assert pyogrio.list_layers(out / "demo_county.gpkg")[:, 0].tolist() == list(LAYERS)
    with rasterio.open(out / "dsm_town.tif") as src:
        assert src.crs.to_epsg() == 4544
    project, warnings = read_project(out / "demo_county.greenplan.toml")
    assert warnings == [] and all(lyr.source.is_file() for lyr in project.layers)


def test_sample_refuses_existing_files_without_force(written, capsys):
    out, _, _ = written
    before = {n: (out / n).stat().st_mtime_ns for n in FILES}
    code = main(["sample", str(out), "--quiet"])
    err = capsys.readouterr().err
    assert code == EXIT_INPUT
    assert "--force" in err and "覆盖" in err and "already holds" in err
    assert {n: (out / n).stat().st_mtime_ns for n in FILES} == before


def test_sample_force_replaces_its_own_files_only(tmp_path, capsys):
    out = tmp_path / "已有 文件夹"
    out.mkdir()
    (out / "demo_county.gpkg").write_bytes(b"old")
    (out / "我的笔记.txt").write_text("keep me", encoding="utf-8")
    assert main(["sample", str(out)]) == EXIT_INPUT
    assert (out / "demo_county.gpkg").read_bytes() == b"old"
    assert main(["sample", str(out), "--force", "--quiet"]) == EXIT_OK
    assert (out / "我的笔记.txt").read_text(encoding="utf-8") == "keep me"
    assert len(pyogrio.read_dataframe(out / "demo_county.gpkg", layer="admin_units")) == 12
    assert sorted(p.name for p in tmp_path.iterdir()) == [out.name]


def test_sample_rejects_an_unknown_size(tmp_path, capsys):
    with pytest.raises(SystemExit) as exc:
        main(["sample", str(tmp_path / "x"), "--size", "XL"])
    assert exc.value.code == 2
    assert not (tmp_path / "x").exists()
