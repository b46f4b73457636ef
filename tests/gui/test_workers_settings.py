"""Workers (Feedback as Qt signals, cancel, failure), settings between runs, the about box."""

from __future__ import annotations

import sys

from greenplan.core.errors import LayerSourceError


def test_worker_reports_progress_and_result(qtbot):
    from greenplan.gui.workers import Worker

    def job(fb):
        for i in range(5):
            fb.step(i + 1, 5, f"第 {i + 1} 步")
        return 42

    w = Worker(job, "job")
    progress, messages = [], []
    w.progress.connect(progress.append)
    w.message.connect(messages.append)
    with qtbot.waitSignal(w.succeeded, timeout=10_000) as got:
        w.start()
    w.wait()
    assert got.args == [42]
    assert progress[-1] == 100.0 and messages[-1] == "第 5 步"


def test_worker_cancel_stops_the_job_at_its_next_check(qtbot):
    import threading

    from greenplan.gui.workers import Worker

    started = threading.Event()

    def job(fb):
        started.set()
        while True:
            fb.check()

    w = Worker(job, "endless")
    outcomes = []
    w.succeeded.connect(lambda r: outcomes.append("succeeded"))
    w.failed.connect(lambda e: outcomes.append("failed"))
    with qtbot.waitSignal(w.canceled, timeout=10_000):
        w.start()
        assert started.wait(5)
        w.cancel()
    w.wait()
    assert outcomes == [] and w.feedback.is_canceled()


def test_worker_failure_is_handed_to_the_gui_with_its_traceback(qtbot):
    from greenplan.gui.workers import Worker

    def job(fb):
        raise LayerSourceError("Missing.", "文件不存在。", path="无.shp")

    w = Worker(job, "bad")
    with qtbot.waitSignal(w.failed, timeout=10_000) as got:
        w.start()
    w.wait()
    (exc,) = got.args
    assert isinstance(exc, LayerSourceError) and exc.__traceback__ is not None


def test_settings_round_trip_and_schema_version(_gui_env):
    from greenplan.gui.gui_settings import MAX_RECENT, GuiSettings, settings_path

    s = GuiSettings()
    for i in range(MAX_RECENT + 3):
        s.add_recent(f"D:/项目 {i}/县.greenplan.toml")
    s.add_recent("D:/项目 3/县.greenplan.toml")  # again: moves to the top, no duplicate
    s.language, s.autosave_s, s.geometry = "en", 30, b"\x01\x02"
    s.save()
    assert settings_path().parent == _gui_env
    again = GuiSettings.load()
    assert again.recent_projects[0].endswith("项目 3/县.greenplan.toml")
    assert len(again.recent_projects) == MAX_RECENT and len(set(again.recent_projects)) == MAX_RECENT
    assert (again.language, again.autosave_s, again.geometry, again.schema_version) == ("en", 30, b"\x01\x02", 1)


def test_bad_settings_values_fall_back_to_defaults(_gui_env):
    from greenplan.gui.gui_settings import GuiSettings, settings_path

    settings_path().write_text("[General]\nlanguage=fr\nautosave_s=often\nschema_version=1\n", encoding="utf-8")
    s = GuiSettings.load()
    assert (s.language, s.autosave_s) == ("zh", 60)


def test_about_box_lists_versions(qtbot, window):
    import shapely

    dialog = window.show_about()
    items = {dialog.table.topLevelItem(i).text(0): dialog.table.topLevelItem(i).text(1)
             for i in range(dialog.table.topLevelItemCount())}
    assert items["Python"] == ".".join(map(str, sys.version_info[:3]))
    assert items["GEOS"] == shapely.geos_version_string and "GDAL" in items and "Qt" in items
    assert dialog.windowTitle() == "关于 GreenPlan"
    dialog.close()


def test_many_void_qt_calls_do_not_exhaust_none(qapp):
    """20,000 void Qt calls leave None's reference count where it was.

    PySide6 6.12.0 on Python 3.11 dropped a reference to None on every void call (the
    interpreter aborts after a few thousand); pyproject.toml excludes that release and
    ``greenplan.gui`` guards an environment that has it anyway.
    """
    from PySide6.QtWidgets import QWidget

    w = QWidget()
    before = sys.getrefcount(None)
    for _ in range(20_000):
        w.setObjectName("x")
    assert sys.getrefcount(None) >= before - 100  # a leak would have dropped it by 20,000


def test_preferences_change_language_autosave_and_recent(qtbot, window):
    from greenplan.gui.gui_settings import GuiSettings

    window.settings.add_recent("D:/项目 1/县.greenplan.toml")
    from greenplan.gui.dialogs.preferences import PreferencesDialog

    window.actions["file.preferences"].trigger()  # the menu item opens it
    dialog = window.findChild(PreferencesDialog, "preferencesDialog")
    assert dialog.windowTitle() == "首选项" and dialog.autosave.value() == 1  # 60 s by default
    assert dialog.autosave.suffix() == " 分钟" and dialog.clear_recent.text().endswith("（1 个）")
    dialog.autosave.setValue(0)
    assert dialog.autosave.text() == "不保存"
    dialog.autosave.setValue(5)
    dialog.clear_recent.setChecked(True)
    dialog.language.setCurrentIndex(dialog.language.findData("en"))
    dialog.accept()
    assert window.settings.autosave_s == 300 and window.recovery.timer.interval() == 300_000
    assert window.recovery.timer.isActive()
    assert window.settings.recent_projects == []
    assert window.actions["file.open"].text() == "&Open Project…"  # switched at once
    again = GuiSettings.load()  # and remembered
    assert (again.language, again.autosave_s, again.recent_projects) == ("en", 300, [])
    dialog = window.show_preferences()
    assert dialog.windowTitle() == "Preferences" and not dialog.clear_recent.isEnabled()
    dialog.autosave.setValue(0)
    dialog.language.setCurrentIndex(dialog.language.findData("zh"))
    dialog.accept()
    assert not window.recovery.timer.isActive() and window.settings.autosave_s == 0
    assert window.actions["file.open"].text() == "打开项目(&O)…"
    dialog = window.show_preferences()
    dialog.autosave.setValue(30)
    dialog.reject()  # cancel changes nothing
    assert window.settings.autosave_s == 0
