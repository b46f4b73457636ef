from __future__ import annotations

import io
from pathlib import Path

import pytest

from greenplan.core.atomic import atomic_path, write_text_atomic
from greenplan.core.errors import Canceled, GeometryTypeError, OutputError
from greenplan.core.feedback import ConsoleFeedback, Feedback, SubFeedback
from greenplan.core.roles import CONTROL_LINES, ROLES, get_role


def test_atomic_write_replaces_only_on_success(tmp_path: Path) -> None:
    target = tmp_path / "结果 文件.json"
    write_text_atomic(target, "old")
    with pytest.raises(RuntimeError):
        with atomic_path(target) as tmp:
            tmp.write_text("half")
            raise RuntimeError("crash while writing")
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["结果 文件.json"]


def test_atomic_write_into_missing_folder_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(OutputError) as info:
        write_text_atomic(tmp_path / "没有" / "a.txt", "x")
    assert "输出文件夹不存在" in info.value.message("zh")


def test_feedback_cancel_and_substeps() -> None:
    parent = Feedback()
    child = SubFeedback(parent, 50, 100)
    child.set_progress(50)
    assert parent.progress == 75.0
    parent.cancel()
    assert child.is_canceled()
    with pytest.raises(Canceled) as info:
        child.step(1, 10)
    assert info.value.exit_code == 3


def test_console_feedback_draws_a_bar() -> None:
    buf = io.StringIO()
    assert not ConsoleFeedback(stream=buf).enabled  # not a terminal: no bar in logs
    fb = ConsoleFeedback(stream=buf, width=10, force=True)
    fb.step(1, 2, "计算绿化覆盖率")
    fb.finish()
    out = buf.getvalue()
    assert "[#####-----]" in out and "50.0%" in out and "计算绿化覆盖率" in out


def test_roles_cover_the_vocabulary() -> None:
    assert set(ROLES) == {
        "admin_units", "built_up_area", "ecological_redline", "permanent_farmland", "urban_boundary",
        "land_use", "green_space", "idle_land", "buildings", "roads", "rivers", "vegetation_raster", "dsm_raster",
        "region_units",
    }
    assert all(r in ROLES for r in CONTROL_LINES)
    assert get_role("land_use").field("DLBM").required
    assert get_role("dsm_raster").is_raster and not get_role("roads").is_raster


def test_errors_carry_location_in_both_languages() -> None:
    err = GeometryTypeError("Points in a polygon role.", "面图层中出现点要素。", path=Path("a.shp"), layer="红线", field=None)
    assert err.message("en").startswith("file a.shp, layer 红线: Points")
    assert err.message("zh").startswith("文件 a.shp，图层 红线：面图层")
    assert err.to_dict()["layer"] == "红线" and err.exit_code == 2
