"""Candidates and scenarios in the desktop application, driven like a planner would.

The town (metres from (X0, Y0), EPSG:4544; the town of ``tests/jobs/test_scenario.py``
plus one tall building and one idle parcel outside the built-up area): built-up area B
1000 × 1000 = 1,000,000 m²; townships 东街道 (x 0–500, 1,000 people) and 西镇 (x 500–1000,
2,000 people); forest 0301 100 × 100 in 东街道 and a G1 park 100 × 100 in 西镇, so green
coverage is 20,000 / 1,000,000 = 2 % before; flat 30 × 20 roofs R000001 (3 floors, x 100)
and R000002 (8 floors, x 600), planted 0.7 × 600 = 420 m² each; R000003 is 80 m tall (not a
candidate); idle parcel P0001 50 × 40 = 2,000 m² inside B (x 400), P0002 outside B.
"""

from __future__ import annotations

import doctest
from pathlib import Path

import pytest
import shapely
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QMessageBox

from greenplan.core.project import read_project


def greening_town(build, folder: Path) -> Path:
    gpkg = folder / "城区 数据.gpkg"
    w, f, X0, Y0 = build.write, build.frame, build.X0, build.Y0
    w(f([build.box(0, 0, 500, 1000), build.box(500, 0, 500, 1000)], name=["东街道", "西镇"], code=["001", "002"],
        population=[1000, 2000]), gpkg, "admin_units")
    w(f([build.box(0, 0, 1000, 1000)]), gpkg, "built_up_area")
    w(f([build.box(0, 0, 1000, 200), build.box(0, 800, 100, 100)], DLBM=["0701", "0301"]), gpkg, "land_use")
    w(f([build.box(800, 800, 100, 100)], **{"class": ["G1"]}), gpkg, "green_space")
    w(f([build.box(0, 1200, 1000, 300)]), gpkg, "permanent_farmland")
    w(f([build.box(1200, 0, 300, 300)]), gpkg, "ecological_redline")
    w(f([build.box(100, 300, 30, 20), build.box(600, 300, 30, 20), build.box(300, 300, 30, 20)],
        height_m=[10.0, 25.0, 80.0], floors=[3, 8, 25], roof_type=["flat"] * 3, structure=["钢筋混凝土", "砖混", "钢筋混凝土"],
        year_built=[2005, 2010, 2015]), gpkg, "buildings")
    w(f([build.box(400, 500, 50, 40), build.box(0, 1100, 50, 50)], parcel_id=["XZ-1", "XZ-2"]), gpkg, "idle_land")
    w(f([shapely.LineString([(X0, Y0 + 600), (X0 + 1000, Y0 + 600)])], **{"class": ["arterial"], "width_m": [20.0]}),
      gpkg, "roads")
    roles = ["admin_units", "built_up_area", "land_use", "green_space", "permanent_farmland", "ecological_redline",
             "buildings", "idle_land", "roads"]
    layers = [{"name": r, "source": gpkg.name, "layer": r, "role": r} for r in roles]
    return build.write_project(folder, layers, settings={"as_of": "2026-06-30"})


@pytest.fixture
def town_window(window, build, cn_dir, wait_idle):
    """The window with the greening town open (no scenario yet)."""
    window.ops.open_project(greening_town(build, cn_dir), ask=False)
    wait_idle(window)
    return window


def find(qtbot, w):
    worker = w.show_candidates()
    assert worker is not None and w.candidates_dock.isVisible()
    qtbot.waitUntil(lambda: w.candidates.worker is None, timeout=60_000)
    assert w.candidates.result is not None
    return w.candidates


def column(page, header: str) -> list[str]:
    m = page.model
    c = m.columns.index(header)
    return [m.data(m.index(r, c)) for r in range(m.rowCount())]


def test_candidates_are_listed_with_reasons_sorted_and_filtered(qtbot, town_window):
    panel = find(qtbot, town_window)
    assert [panel.tabs.tabText(i) for i in range(3)] == ["屋顶绿化 (2)", "口袋公园 (1)", "防护绿带 (1)"]
    roofs = panel.pages["rooftop"]
    assert column(roofs, "编号") == ["R000001", "R000002"]  # candidates only, by default
    roofs.only.setChecked(False)
    assert column(roofs, "编号") == ["R000001", "R000002", "R000003"]
    assert column(roofs, "未入选原因") == ["", "", "建筑过高（高度或层数超限）"]
    assert column(roofs, "种植面积（㎡）") == ["420", "420", "0"]  # 0.7 x 30 x 20 (whole: no decimals)
    roofs.view.sortByColumn(roofs.model.columns.index("层数"), Qt.SortOrder.DescendingOrder)
    assert column(roofs, "层数") == ["25", "8", "3"]
    roofs.filter_edit.setText("R000002")
    roofs.apply_filter()
    assert column(roofs, "编号") == ["R000002"] and roofs.count.text().startswith("显示 1 条")
    parks = panel.pages["pocket_park"]
    parks.only.setChecked(False)
    assert dict(zip(column(parks, "编号"), column(parks, "未入选原因"), strict=True)) == {"P0001": "", "P0002": "不在建成区内"}
    assert column(parks, "面积（㎡）")[0] == "2000"  # whole areas: no decimals


def test_selected_rows_are_highlighted_and_added_to_the_scenario(qtbot, town_window):
    w = town_window
    panel = find(qtbot, w)
    assert not panel.add_button.isEnabled() and panel.target.text() == "请先在“情景方案”面板中新建情景。"
    assert w.scenario_panel.create("近期 方案")
    panel.tabs.setCurrentIndex(1)
    parks = panel.pages["pocket_park"]
    parks.only.setChecked(False)
    parks.view.selectAll()
    # the two parcels are highlighted on the map, and can be added
    assert len(w.model.highlight) == 2 and panel.add_button.isEnabled()
    assert panel.add_selected_to_scenario() == 1  # P0002 is not a candidate
    assert "1 行不是候选" in panel.status.text()
    assert w.model.dirty
    sc = w.scenarios.current()
    assert [(s.kind, s.ids) for s in sc.selections] == [("pocket_park", ["P0001"])]
    assert w.scenario_panel.selections.item(0, 1).text() == "1 个编号：P0001"
    # adding the same again adds nothing
    assert panel.add_selected_to_scenario() == 0


def test_scenario_before_and_after_shows_the_coverage_change(qtbot, town_window, tmp_path):
    w = town_window
    panel = find(qtbot, w)
    w.scenario_panel.create("近期 方案")
    panel.pages["pocket_park"].select_ids(["P0001"])
    panel.tabs.setCurrentIndex(1)
    assert panel.add_selected_to_scenario() == 1
    panel.tabs.setCurrentIndex(0)
    panel.pages["rooftop"].view.selectAll()
    assert panel.add_selected_to_scenario() == 2
    sp = w.scenario_panel
    sp.out_edit.setText(str(tmp_path / "情景 输出"))
    ticks: list[int] = []
    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(1))
    timer.start(5)
    worker = sp.run()
    assert worker is not None and not sp.run_button.isEnabled()
    qtbot.waitUntil(lambda: sp.worker is None, timeout=60_000)
    timer.stop()
    assert len(ticks) >= 3  # the event loop ran while the scenario was computed in its thread
    rows = {sp.compare.item(r, 0).text(): [sp.compare.item(r, c).text() for c in (1, 2, 3)]
            for r in range(sp.compare.rowCount())}
    # by hand: (10,000 forest + 10,000 park + 2,000 pocket park + 2 x 420 planted roofs) / 1,000,000
    assert rows["建成区绿化覆盖率（矢量法）"] == ["2.00%", "2.28%", "+0.28 个百分点"]
    # green space ratio: the park counts whole, roofs 0.5 (3 floors) and 0.1 (8 floors) of 420
    assert rows["建成区绿地率"] == ["1.00%", "1.23%", "+0.23 个百分点"]
    # park area per person: 10,000 / 3,000 -> 12,000 / 3,000
    assert rows["人均公园绿地面积"] == ["3.33 m²/人", "4.00 m²/人", "+0.67 m²/人"]
    units = {sp.units.item(r, 0).text(): sp.units.item(r, 1).text() for r in range(sp.units.rowCount())}
    # 东街道 500,000 m²: 10,000 forest + 2,000 park + 420 roof; 西镇: 10,000 park + 420 roof
    assert units == {"东街道 (001)": "2.00% → 2.48%", "西镇 (002)": "2.00% → 2.08%"}
    assert sp.checks.text() == "占用永久基本农田 0.0 m²，占用生态保护红线 0.0 m²：合规"
    assert sp.selected.text() == "已选：屋顶绿化 2 (840.0 m²)、口袋公园 1 (2,000.0 m²)"
    assert (tmp_path / "情景 输出" / "近期 方案" / "scenario.xlsx").is_file()
    sp.show_on_map()
    assert len(w.model.highlight) == 3
    # a change makes the result stale
    w.scenarios.set_description("改")
    assert "情景已修改，请重新计算" in sp.status.text()


def test_scenario_is_saved_in_the_project_file(qtbot, town_window, tmp_path):
    w = town_window
    sp = w.scenario_panel
    assert sp.create("远期")
    assert not sp.create("远期")  # the name is taken: a plain message
    box = next(b for b in w.findChildren(QMessageBox) if b.objectName() == "errorDialog")
    assert "重名" in box.text()
    box.close()
    dialog = sp.ask_rule()
    dialog.kind.setCurrentIndex(2)  # green belts
    dialog.rule.setText("class == 'arterial'")
    dialog.top.setValue(1)
    dialog.accept()
    assert sp.add_rule("rooftop", "score >= 很高", None) is False  # cannot be read: nothing added
    next(b for b in w.findChildren(QMessageBox) if b.objectName() == "errorDialog" and b.isVisible()).close()
    sp.description.setText("主干路绿带")
    sp.description.editingFinished.emit()
    assert [sp.selections.item(0, c).text() for c in range(3)] == ["防护绿带", "规则：class == 'arterial'", "前 1 个"]
    assert w.model.dirty
    target = tmp_path / "另存 项目.greenplan.toml"
    assert w.ops.save_as(target)
    project, _ = read_project(target)
    assert project.scenarios == [{"name": "远期", "description": "主干路绿带",
                                  "selections": [{"kind": "belt", "rule": "class == 'arterial'", "top": 1}]}]
    # deleting asks first, then removes it from the project
    box = sp.ask_delete()
    box.button(QMessageBox.StandardButton.Yes).click()
    assert w.scenarios.names() == [] and sp.combo.count() == 0 and w.model.dirty


def test_demo_scenario_is_listed_and_can_be_cancelled(qtbot, window, demo_project, wait_idle, tmp_path):
    window.ops.open_project(demo_project, ask=False)
    wait_idle(window)
    sp = window.scenario_panel
    assert window.scenarios.names() == ["demo"] and sp.combo.currentText() == "demo"
    assert [sp.selections.item(r, 1).text() for r in range(3)] == ["规则：score >= 20", "规则：all", "规则：all"]
    sp.out_edit.setText(str(tmp_path))
    worker = sp.run()
    sp.cancel_button.click()
    qtbot.waitUntil(worker.isFinished, timeout=60_000)  # a cancelled run can end before a signal wait starts
    qtbot.waitUntil(lambda: sp.worker is None)
    assert sp.status.text() == "已取消。" and sp.outputs is None and sp.run_button.isEnabled()


def test_english_headers_and_reasons(qtbot, town_window):
    w = town_window
    panel = find(qtbot, w)
    parks = panel.pages["pocket_park"]
    parks.only.setChecked(False)
    w.set_language("en")
    assert column(parks, "Reason") == ["", "outside the built-up area"]
    assert panel.tabs.tabText(1) == "Pocket parks (1)" and panel.run_button.text() == "Find candidates"
    assert w.candidates_dock.windowTitle() == "Greening candidates" and w.scenario_dock.windowTitle() == "Scenarios"
    w.set_language("zh")
    assert column(parks, "未入选原因") == ["", "不在建成区内"]


def test_the_text_helpers_examples():
    from greenplan.app import candidate_view, scenario_paths

    for module in (candidate_view, scenario_paths):
        result = doctest.testmod(module)
        assert result.attempted > 0 and result.failed == 0
