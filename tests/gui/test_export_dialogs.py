"""The map export and batch export dialogs: preview, options, files written, summary, cancel.

The town of ``conftest.py`` (one township 城关街道 510123001) keeps each map small; maps
are drawn at 50-60 dpi.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import shapely
from PySide6.QtCore import Qt, QTimer


@pytest.fixture
def export_dialog(qtbot, opened):
    dialog = opened.show_export_dialog()
    qtbot.waitUntil(lambda: dialog.preview_image is not None and not dialog.busy(), timeout=60_000)
    yield dialog
    dialog.reject()


def test_preview_follows_the_paper_and_orientation(qtbot, export_dialog):
    from greenplan.app.export_view import PREVIEW_PX as PX

    d = export_dialog
    first = d.preview_image
    # A3 landscape is 420 x 297 mm: the preview is PX wide and as high as the sheet's ratio
    assert first.width() == PX and abs(first.height() - PX * 297 / 420) <= 1
    assert not d.preview.pixmap().isNull()
    assert [d.area.itemText(i) for i in range(d.area.count())] == ["全县", "当前地图视图", "乡镇：城关街道 (510123001)"]
    d.orientation.setCurrentIndex(d.orientation.findData("portrait"))  # debounced re-render
    qtbot.waitUntil(lambda: d.preview_image is not first and not d.busy(), timeout=60_000)
    assert d.preview_image.width() == PX and abs(d.preview_image.height() - PX * 420 / 297) <= 1
    assert d.preview_status.text() == f"整幅图面预览（{PX} × {d.preview_image.height()} 像素）。"
    # the picture on screen is the preview scaled into the label, sheet proportions kept
    pix = d.preview.pixmap()
    assert pix.height() <= d.preview.height() and abs(pix.width() / pix.height() - 297 / 420) < 0.01


def test_export_a_township_map_through_the_dialog(qtbot, export_dialog, tmp_path):
    from PIL import Image

    d = export_dialog
    out_dir = tmp_path / "导出 地图"
    out_dir.mkdir()
    d.fmt.setCurrentIndex(d.fmt.findData("png"))
    d.paper.setCurrentText("A4")
    d.dpi.setValue(60)
    d.title.setText("城关街道 绿化现状图")
    d.area.setCurrentIndex(d.area.findData("510123001"))
    assert Path(d.path.text()).name == "测试 县城关街道三条控制线图.png"  # until a name is typed
    d.path.setText(str(out_dir / "城关 地图"))  # no suffix: the format's is added
    ticks: list[int] = []
    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(1))
    timer.start(5)
    worker = d.export()
    assert worker is not None and not d.export_button.isEnabled()
    qtbot.waitUntil(lambda: d.export_worker is None, timeout=60_000)
    timer.stop()
    assert ticks  # the dialog stayed live while the map was drawn
    target = out_dir / "城关 地图.png"
    assert d.written == target and d.status.text() == f"已写出：{target}"
    assert (out_dir / "城关 地图.pgw").is_file()  # georeferenced
    with Image.open(target) as img:  # A4 landscape, 297 x 210 mm at 60 dpi
        assert abs(img.width - 297 / 25.4 * 60) <= 1 and abs(img.height - 210 / 25.4 * 60) <= 1
    assert d.open_button.isEnabled()


def test_export_options_reach_export_map(qtbot, export_dialog, monkeypatch, tmp_path):
    import greenplan.jobs.export as job

    seen = {}

    def fake(project, out, **kw):
        seen.update(kw, out=Path(out))
        Path(out).write_bytes(b"%PDF-1.4")
        return Path(out)

    monkeypatch.setattr(job, "export_map", fake)
    d = export_dialog
    w = d.parentWidget()
    view = w.canvas.view.extent()
    d.theme.setCurrentIndex(d.theme.findData("conflicts"))
    d.area.setCurrentIndex(d.area.findData("@view"))
    d.orientation.setCurrentIndex(d.orientation.findData("portrait"))
    d.dpi.setValue(150)
    assert d.path.text().endswith("测试 县空间冲突分析图.pdf")  # the file name follows the theme
    d.path.setText(str(tmp_path / "冲突.pdf"))
    d.export()
    qtbot.waitUntil(lambda: d.export_worker is None, timeout=60_000)
    assert seen["theme"] == "conflicts" and seen["orientation"] == "portrait" and seen["dpi"] == 150
    assert seen["extent"] == pytest.approx(tuple(view)) and seen["unit"] is None and seen["fmt"] == "pdf"
    assert seen["title"] is None and seen["paper"] == "A3"
    # the indicators and the result layers computed for the preview are passed on, not recomputed
    assert seen["doc"] is d.data.doc and "control_line_overlaps" in seen["extra_layers"]


@pytest.fixture
def batch_dialog(qtbot, opened):
    dialog = opened.show_batch_dialog()
    qtbot.waitUntil(lambda: dialog.units.count() > 0, timeout=60_000)
    yield dialog
    dialog.reject()


def test_batch_export_writes_every_map_and_lists_them(qtbot, batch_dialog, tmp_path):
    d = batch_dialog
    assert d.units.item(0).text() == "城关街道 (510123001)"
    out = tmp_path / "批量 成果"
    d.out.setText(str(out))
    d.formats["png"].setChecked(False)
    d.dpi.setValue(50)
    d.jobs.setValue(1)
    ticks: list[int] = []
    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(1))
    timer.start(5)
    assert d.isVisible() and d.windowModality() == Qt.WindowModality.NonModal  # the window stays usable
    worker = d.start()
    assert worker is not None and d.cancel_button.isEnabled() and not d.start_button.isEnabled()
    early: list[tuple[int, object]] = []  # (rows listed, result) when each map finished
    worker.partial.connect(lambda _res: early.append((d.table.rowCount(), d.result)))
    qtbot.waitUntil(lambda: d.worker is None, timeout=120_000)
    timer.stop()
    assert len(ticks) >= 3
    # the map was listed as soon as it was drawn, before the run (combined PDF, index) ended
    assert early == [(1, None)]
    assert (out / "control_lines" / "510123001_城关街道.pdf").read_bytes()[:5] == b"%PDF-"
    assert (out / "乡镇专题图集.pdf").is_file() and (out / "index.xlsx").is_file()
    assert d.status.text() == f"写出 2 个文件，跳过 0 个（已是最新），失败 0 个。输出文件夹：{out}"
    rows = [[d.table.item(r, c).text() for c in range(5)] for r in range(d.table.rowCount())]
    assert rows[0] == ["城关街道 510123001", "三条控制线图", "PDF", "已写出", "control_lines/510123001_城关街道.pdf"]
    assert d.progress.value() == 100
    # again: everything is up to date
    d.start()
    qtbot.waitUntil(lambda: d.worker is None, timeout=120_000)
    assert d.status.text().startswith("写出 0 个文件，跳过 2 个（已是最新）")


def test_batch_reports_a_township_that_cannot_be_drawn(qtbot, window, town_data, build, tmp_path, wait_idle):
    folder = tmp_path / "项目"
    folder.mkdir()
    flat = shapely.Polygon([(build.X0 + 5000, build.Y0), (build.X0 + 5010, build.Y0), (build.X0 + 5020, build.Y0)])
    admin = build.write(build.frame([build.box(-500, -500, 4000, 3000), flat], name=["城关街道", "无界镇"],
                                    code=["510123001", "510123099"], population=[10000, 10]), folder / "乡镇.gpkg")
    layers = [{"name": "乡镇", "source": str(admin), "role": "admin_units"},
              {"name": "建成区", "source": str(town_data), "layer": "built_up_area", "role": "built_up_area"}]
    window.ops.open_project(build.write_project(folder, layers), ask=False)
    wait_idle(window)
    d = window.show_batch_dialog()
    qtbot.waitUntil(lambda: d.units.count() == 2, timeout=60_000)
    d.out.setText(str(tmp_path / "out"))
    d.formats["png"].setChecked(False)
    d.dpi.setValue(50)
    d.jobs.setValue(1)
    d.start()
    qtbot.waitUntil(lambda: d.worker is None, timeout=120_000)
    assert d.status.text().startswith("写出 2 个文件，跳过 0 个（已是最新），失败 1 个。")
    failed = [r for r in range(d.table.rowCount()) if d.table.item(r, 3).text() == "失败"]
    assert len(failed) == 1
    assert d.table.item(failed[0], 0).text() == "无界镇 510123099"
    assert "边界几何为空或无效" in d.table.item(failed[0], 4).text()
    d.reject()


def test_batch_can_be_cancelled_and_asks_for_a_choice(qtbot, batch_dialog, tmp_path):
    d = batch_dialog
    d.out.setText(str(tmp_path / "out"))
    d.jobs.setValue(1)
    d.units.item(0).setCheckState(Qt.CheckState.Unchecked)
    assert d.start() is None and d.status.text() == "请至少选择一个乡镇。"
    d.all_units.click()
    worker = d.start()
    d.cancel_button.click()
    qtbot.waitUntil(worker.isFinished, timeout=60_000)  # a cancelled run can end before a signal wait starts
    qtbot.waitUntil(lambda: d.worker is None)
    assert d.status.text() == "已取消。取消前已完成的地图保存在输出文件夹中。"
    assert d.start_button.isEnabled() and d.result is None


def test_closing_the_window_stops_the_dialogs_workers(qtbot, opened):
    w = opened
    d = w.show_export_dialog()
    b = w.show_batch_dialog()
    assert d.busy() and b.busy()  # loading the map data and the townships
    w.wait_workers()  # what closing the window does
    assert not d.busy() and not b.busy()
