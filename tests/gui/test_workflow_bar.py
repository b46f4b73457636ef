"""The workflow bar shows the order of work and marks the next step; its buttons run the steps."""

from __future__ import annotations

from PySide6.QtCore import Qt


def test_a_new_user_sees_what_to_do_first(qtbot, window):
    bar = window.workflow
    assert [b.text() for b in bar.buttons.values()] == ["① 数据检查", "② 计算指标", "③ 增绿候选", "④ 情景方案",
                                                        "⑤ 导出专题图"]
    assert not any(b.isEnabled() for b in bar.buttons.values()) and bar.next_id is None
    assert bar.lead.text() == "请先打开或新建项目，然后："


def test_the_next_step_moves_on_as_steps_are_done(qtbot, opened, wait_idle):
    w = opened
    bar = w.workflow
    assert bar.next_id == "check" and "bold" in bar.buttons["check"].styleSheet()
    qtbot.mouseClick(bar.buttons["check"], Qt.MouseButton.LeftButton)  # runs the data check
    wait_idle(w)
    qtbot.waitUntil(lambda: getattr(w, "check_dialog", None) is not None, timeout=60_000)
    w.check_dialog.close()
    assert bar.next_id == "indicators" and bar.buttons["check"].text() == "① 数据检查 ✓"
    assert bar.buttons["check"].styleSheet() == "" and "bold" in bar.buttons["indicators"].styleSheet()
    qtbot.mouseClick(bar.buttons["indicators"], Qt.MouseButton.LeftButton)
    wait_idle(w)
    assert w.indicators.doc is not None and bar.next_id == "candidates"
    w.set_language("en")
    assert bar.buttons["candidates"].text() == "3 Greening candidates" and bar.lead.text() == "Order of work:"
