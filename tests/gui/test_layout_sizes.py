"""The window fits the screens county offices have (1366 × 768 and up) with its docks readable."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize("size", [(1366, 768), (1920, 1080)])
def test_window_fits_the_screen_with_every_dock_open(qtbot, opened, wait_idle, size):
    w = opened
    w.resize(*size)
    qtbot.waitUntil(lambda: w.width() == size[0] and w.height() == size[1])
    w.run_indicators()
    wait_idle(w)
    w.show_candidates()
    wait_idle(w)
    w.scenario_dock.show()
    hint = w.minimumSizeHint()
    assert hint.width() <= size[0] and hint.height() <= size[1] - 40  # 40 px: the Windows taskbar
    # the candidates table gets room for rows, not two lines under its controls
    assert w.candidates_dock.height() >= 0.3 * size[1]
    # every column of the indicator overview is inside the dock, 标准值 included
    table = w.indicators.overview
    header = table.horizontalHeader()
    right = header.sectionViewportPosition(4) + header.sectionSize(4)
    assert right <= table.viewport().width() + 1 and header.sectionSize(4) >= 60
    assert "≥" in table.item(0, 4).toolTip() or table.item(0, 4).text() in table.item(0, 4).toolTip()
