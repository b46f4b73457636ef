"""File → 生成报告: the report runs in a worker with progress and writes the file; cancel writes nothing."""

from __future__ import annotations

import docx


def _dialog(window, folder):
    window.actions["file.report"].trigger()
    d = window.report_dialog
    d.dpi = 40
    d.path.setText(str(folder / "城关 报告"))  # no suffix: .docx is added
    return d


def test_report_action_writes_the_report_in_a_worker(qtbot, opened, tmp_path, wait_idle):
    assert opened.actions["file.report"].isEnabled()
    assert opened.actions["file.report"].text() == "生成报告(&G)…"
    d = _dialog(opened, tmp_path)
    assert d.scenario.currentData() is None and d.lang.currentData() == "zh"
    values: list[int] = []
    worker = d.generate()
    assert worker is not None and worker in opened.workers and worker.isRunning()
    worker.progress.connect(lambda v: values.append(int(v)))
    assert not d.run_button.isEnabled() and d.cancel_button.isEnabled()
    assert d.generate() is None  # one report at a time
    wait_idle(opened, timeout=120_000)
    qtbot.waitUntil(lambda: d.result is not None, timeout=10_000)
    out = tmp_path / "城关 报告.docx"
    assert d.result.path == out and out.is_file()
    assert values and max(values) == 100
    assert d.status.text().startswith("报告已写出：") and str(out) in d.status.text()
    assert d.run_button.isEnabled() and not d.cancel_button.isEnabled()
    doc = docx.Document(str(out))
    assert [p.text for p in doc.paragraphs if p.style.name == "Heading 1"][0] == "一、概况"
    d.reject()


def test_cancel_leaves_no_file(qtbot, opened, tmp_path, wait_idle):
    out_dir = tmp_path / "报告 输出"
    out_dir.mkdir()
    d = _dialog(opened, out_dir)
    canceled: list[bool] = []
    worker = d.generate()
    worker.canceled.connect(lambda: canceled.append(True))
    d.cancel_button.click()
    wait_idle(opened, timeout=120_000)
    qtbot.waitUntil(lambda: bool(canceled), timeout=10_000)
    assert d.result is None and d.status.text() == "已取消，未写出报告。"
    assert list(out_dir.iterdir()) == []  # no report, no temporary file
    d.reject()
