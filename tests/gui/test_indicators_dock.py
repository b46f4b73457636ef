"""The indicators dock: analysis in a worker, values read back from the table, responsiveness."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer


def table_values(dock) -> dict[str, tuple[str, str, str]]:
    """Indicator name -> (value, grade, result) as shown in the overview table."""
    t = dock.overview
    return {t.item(r, 0).text(): (t.item(r, 1).text(), t.item(r, 2).text(), t.item(r, 3).text())
            for r in range(t.rowCount())}


def test_indicators_run_in_a_worker_and_show_in_the_dock(qtbot, opened, wait_idle):
    w = opened
    ticks = []
    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(w.indicators.worker is not None))
    timer.start(5)
    worker = w.indicators.run()
    assert worker is not None and w.busy()
    assert not w.actions["analysis.indicators"].isEnabled()  # enabled-when: no work running
    with qtbot.waitSignal(worker.finished, timeout=120_000):
        pass
    timer.stop()
    # the event loop kept running while the analysis ran in its thread
    assert sum(ticks) >= 3
    wait_idle(w)
    values = table_values(w.indicators)
    # by hand: a 300 x 1000 m park in a 1000 x 1000 m built-up area; 10,000 people live there
    assert values["建成区绿化覆盖率（矢量法）"][0] == "30.00%"
    assert values["建成区绿地率"][0] == "30.00%"
    assert values["人均公园绿地面积"][0] == "30.00 m²/人"
    assert values["生态保护红线占用率"] == ("0.00%", "", "达标")
    assert values["三条控制线相互重叠面积"][0] == "0.0 m²"
    # 30 % is over grade III of the green space ratio (29 %): pass, coloured green
    row = [w.indicators.overview.item(r, 0).text() for r in range(w.indicators.overview.rowCount())].index("建成区绿地率")
    assert w.indicators.overview.item(row, 3).text() == "达标"
    assert w.indicators.overview.item(row, 3).background().color().name() == "#d4edd4"
    assert w.indicators.overview.item(row, 4).text().startswith("Ⅰ ≥ ")
    assert w.indicators.units.rowCount() == 1 and w.indicators.units.item(0, 0).text() == "城关街道 (510123001)"
    assert w.actions["analysis.indicators"].isEnabled()


def test_indicators_can_be_cancelled(qtbot, opened, wait_idle):
    w = opened
    worker = w.indicators.run()
    w.indicators.cancel_button.click()
    # the cancelled run may be over before a signal wait could start listening: poll instead
    qtbot.waitUntil(worker.isFinished, timeout=120_000)
    wait_idle(w)
    assert w.indicators.status.text() == "已取消。"
    assert w.indicators.run_button.isEnabled() and w.indicators.overview.rowCount() == 0


def test_english_labels_after_switching(qtbot, opened, wait_idle):
    w = opened
    worker = w.indicators.run()
    with qtbot.waitSignal(worker.finished, timeout=120_000):
        pass
    wait_idle(w)
    w.set_language("en")
    values = table_values(w.indicators)
    assert values["Green space ratio"][2] == "pass"
    assert w.indicators.tabs.tabText(1) == "By township"
    w.set_language("zh")
    assert "建成区绿地率" in table_values(w.indicators)


def test_clicking_an_occupation_row_zooms_and_highlights(qtbot, opened, build):
    import geopandas as gpd
    import shapely

    w = opened
    piece = shapely.box(build.X0 + 2100, build.Y0 + 100, build.X0 + 2150, build.Y0 + 140)  # 2,000 m²
    occ = gpd.GeoDataFrame({"cause": ["construction"]}, geometry=[piece], crs=4544)
    doc = {"project": "t", "crs": "EPSG:4544", "as_of": "2026-06-30", "scheme": "gbt50563",
           "indicators": {"eco_redline_occupation": {"value": 0.002, "unit": "ratio", "pass": False,
                                                     "threshold": {"pass": 0}, "grade": None, "notes": []}},
           "by_unit": []}
    w.indicators.show_result(doc, {"redline_occupation": occ})
    assert w.indicators.conflict_model.rowCount() == 1
    assert w.indicators.conflict_model.data(w.indicators.conflict_model.index(0, 3)) == "2,000.0 m²"
    assert w.indicators.conflict_model.data(w.indicators.conflict_model.index(0, 0)) == ""  # not numbered (no patch_id)
    w.indicators._overview_clicked(0, 0)  # the red-line occupation indicator row
    assert len(w.model.highlight) == 1 and w.model.highlight[0].equals(piece)
    x0, y0, x1, y1 = w.canvas.view.extent()
    assert x0 < piece.bounds[0] and x1 > piece.bounds[2] and (x1 - x0) < 2000
    assert w.indicators.overview.item(0, 3).background().color().name() == "#f8d7d5"  # fail colour
    assert w.indicators.overview.item(0, 3).text() == "不达标" and w.indicators.overview.item(0, 4).text() == "= 0"
    assert w.canvas._highlight_path is not None and w.canvas.highlight_purpose == "conflict"
    assert Qt.AlignmentFlag.AlignRight & w.indicators.overview.item(0, 1).textAlignment()


def _pixel_at(canvas, x: float, y: float):
    px, py = canvas.view.to_pixel(x, y)
    canvas.repaint()
    return canvas.grab().toImage().pixelColor(round(px), round(py))


def test_highlights_have_a_colour_per_purpose_and_esc_clears_them(qtbot, opened, build):
    """Selection cyan, conflict red, proposed greening green (hatched): never one orange-red for all."""
    import numpy as np
    import shapely

    w = opened
    x, y = build.X0 + 2125, build.Y0 + 120
    piece = shapely.box(x - 400, y - 400, x + 400, y + 400)
    w.canvas.set_view(w.canvas.view.zoom_box(*w.canvas.view.to_pixel(x - 2000, y + 2000),
                                             *w.canvas.view.to_pixel(x + 2000, y - 2000)))
    wait_for = qtbot.waitUntil
    w.model.set_highlight(np.array([piece]), "冲突", "conflict")
    wait_for(lambda: w.canvas.highlight_purpose == "conflict")
    red = _pixel_at(w.canvas, x - 400, y)  # on the outline
    assert red.red() > 150 and red.green() < 80 and red.blue() < 80
    w.model.set_highlight(np.array([piece]), "方案绿化", "greening")
    green = _pixel_at(w.canvas, x - 400, y)
    assert green.green() > green.red() + 60 and green.green() > green.blue() + 40
    # Esc on the map clears the highlight and the selection
    key = next(e.key for e in w.model.entries if e.gdf is not None and len(e.gdf))
    w.model.set_selection(key, np.array([0]))
    assert len(w.model.selected_geometries()) == 1
    qtbot.keyClick(w.canvas, Qt.Key.Key_Escape)
    assert w.model.highlight is None and len(w.model.selected_geometries()) == 0
    assert w.canvas._highlight_path is None and w.canvas._selection_path is None
