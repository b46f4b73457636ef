"""Small leaks (#13 item 7): Qt's own dialogs in Chinese, progress reset after a failure, a
folder that cannot be opened shown by its path, handled errors logged as one line."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication


def test_qt_base_translations_are_installed_in_chinese() -> None:
    from greenplan.gui.i18n import _state, install_language

    assert install_language("zh")
    assert len(_state["translators"]) == 2  # Qt's own (qtbase_zh_CN) and GreenPlan's
    assert QCoreApplication.translate("QFileDialog", "Look in:") == "查找范围："
    assert QCoreApplication.translate("QFileDialog", "Files of type:") == "文件类型："
    install_language("en")
    assert QCoreApplication.translate("QFileDialog", "Look in:") == "Look in:"
    install_language("zh")


def test_log_folder_without_a_launcher_shows_its_path(window, monkeypatch) -> None:
    import greenplan.gui.errors as errors
    from greenplan.core.paths import log_dir

    monkeypatch.setattr(errors, "_open_url", lambda url: False)
    box = window.open_log_folder()
    assert box is not None and box.objectName() == "folderDialog"
    assert str(log_dir()) in box.text() and "没有找到" in box.text()
    box.close()
    monkeypatch.setattr(errors, "_open_url", lambda url: True)
    assert window.open_log_folder() is None


def test_handled_errors_are_one_warning_line_and_bugs_carry_a_traceback(_gui_env) -> None:
    from greenplan.core.errors import ProjectFileError
    from greenplan.gui.errors import log_exception

    path = log_exception(ProjectFileError("Bad key.", "配置项错误。", path="a.toml", key="layers[1].role"), "open")
    try:
        raise ValueError("boom")
    except ValueError as exc:
        log_exception(exc, "render")
    lines = path.read_text(encoding="utf-8").splitlines()
    warn = [ln for ln in lines if "ProjectFileError" in ln]
    assert len(warn) == 1 and " WARNING " in warn[0] and "Bad key." in warn[0] and "a.toml" in warn[0]
    assert "layers[1].role" in warn[0]
    text = "\n".join(lines)
    assert " ERROR " in text and "Traceback" in text and "boom" in text
    assert text.index("Traceback") > text.index("ProjectFileError")


def test_failed_run_resets_the_progress(qtbot) -> None:
    from PySide6.QtWidgets import QLabel, QProgressBar, QPushButton, QWidget

    from greenplan.core.errors import GreenplanError
    from greenplan.gui.workers import RunControls

    class Panel(QWidget, RunControls):
        def __init__(self) -> None:
            super().__init__()
            self.run_button, self.cancel_button = QPushButton(self), QPushButton(self)
            self.progress, self.status, self.worker = QProgressBar(self), QLabel(self), None
            self.failures: list = []

        def start_worker(self, fn, name, on_success, on_failure=None, on_cancel=None):
            from greenplan.gui.workers import Worker

            w = Worker(fn, name, self)
            w.succeeded.connect(on_success)
            w.failed.connect(on_failure)
            w.canceled.connect(on_cancel)
            w.start()
            return w

    panel = Panel()
    qtbot.addWidget(panel)

    def job(fb):
        fb.set_progress(37)
        raise GreenplanError("Failed.", "失败。")

    w = panel.start_run(job, "indicators", lambda r: None, busy_text="…", failed_text="失败", canceled_text="取消")
    qtbot.waitUntil(lambda: panel.worker is None, timeout=10_000)
    w.wait()
    QCoreApplication.processEvents()
    assert panel.progress.value() == 0 and panel.status.text() == "失败"
    for box in panel.findChildren(QWidget, "errorDialog"):
        box.close()
