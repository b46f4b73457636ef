"""Translations (compiled .qm matches the .ts), language switching, errors shown plainly."""

from __future__ import annotations

import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox

from greenplan.core.errors import ProjectFileError
from greenplan.core.resources import resource_path

TS = resource_path("translations", "greenplan_zh_CN.ts")
QM = resource_path("translations", "greenplan_zh_CN.qm")


def lrelease() -> Path:
    exe = Path(sys.executable).with_name("pyside6-lrelease")
    assert exe.is_file(), "pyside6-lrelease comes with PySide6"
    return exe


def test_compiled_translation_matches_its_source(tmp_path):
    out = tmp_path / "again.qm"
    subprocess.run([str(lrelease()), str(TS), "-qm", str(out)], check=True, capture_output=True)
    assert out.read_bytes() == QM.read_bytes(), "run: pyside6-lrelease resources/translations/greenplan_zh_CN.ts"


def test_every_string_is_translated():
    root = ET.parse(TS).getroot()
    messages = list(root.iter("message"))
    assert len(messages) > 100
    unfinished = [m.findtext("source") for m in messages
                  if m.find("translation").get("type") in ("unfinished", "vanished", "obsolete")
                  or not (m.findtext("translation") or "").strip()]
    assert unfinished == []


def test_every_tr_string_in_the_code_is_in_the_translation_file(tmp_path):
    """lupdate over the gui package finds nothing new (no untranslated text on screen)."""
    copy = tmp_path / "check.ts"
    copy.write_bytes(TS.read_bytes())
    gui = Path(__file__).resolve().parents[2] / "greenplan" / "gui"
    exe = Path(sys.executable).with_name("pyside6-lupdate")
    res = subprocess.run([str(exe), *map(str, sorted(gui.rglob("*.py"))), "-ts", str(copy), "-locations", "none"],
                         check=True, capture_output=True, text=True)
    assert "0 new" in res.stdout, res.stdout


def test_switch_to_english_and_back(window):
    menu = window.menus["file"]
    assert menu.title() == "文件(&F)" and window.actions["file.open"].text() == "打开项目(&O)…"
    assert window.layers_dock.windowTitle() == "图层"
    window.set_language("en")
    assert menu.title() == "&File" and window.actions["file.open"].text() == "&Open Project…"
    assert window.layers_dock.windowTitle() == "Layers"
    assert window.actions["lang.en"].isChecked()
    assert window.indicators.run_button.text() == "Compute"
    window.set_language("zh")
    assert menu.title() == "文件(&F)" and window.indicators.run_button.text() == "计算"
    assert window.actions["lang.zh"].isChecked()


def test_missing_project_is_a_plain_message_and_a_log_entry(window, tmp_path, _gui_env):
    missing = tmp_path / "没有 这个.greenplan.toml"
    assert window.ops.open_project(missing, ask=False) is None
    (box,) = [b for b in window.findChildren(QMessageBox) if b.objectName() == "errorDialog"]
    assert "项目文件不存在" in box.text() and str(missing) in box.text()
    assert "Traceback" not in box.text() + box.detailedText()
    assert "The project file does not exist." in box.detailedText()  # the other language, expandable
    log = next((_gui_env / "logs").glob("greenplan-gui-*.log")).read_text(encoding="utf-8")
    assert "WARNING" in log and "ProjectFileError" in log and "Traceback" not in log  # handled: one line
    box.close()


def test_unexpected_errors_go_to_the_log_not_the_screen(window, _gui_env):
    from greenplan.gui.errors import install_excepthook

    old = sys.excepthook
    install_excepthook(lambda: window)
    try:
        try:
            {}["no such key"]
        except KeyError as exc:
            sys.excepthook(type(exc), exc, exc.__traceback__)
    finally:
        sys.excepthook = old
    box = next(b for b in window.findChildren(QMessageBox) if b.objectName() == "errorDialog")
    assert box.text() == "发生了意外错误。请将日志文件发送给技术支持。"
    assert "KeyError" in box.detailedText() and "Traceback" not in box.detailedText()
    log = next((_gui_env / "logs").glob("greenplan-gui-*.log")).read_text(encoding="utf-8")
    assert "Traceback" in log and "no such key" in log
    box.close()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_error_texts_follow_the_language(lang):
    from greenplan.gui.errors import error_texts
    from greenplan.gui.i18n import install_language

    install_language(lang)
    msg, details = error_texts(ProjectFileError("Bad key.", "配置项有误。", path="a.toml", key="layers[0].role"))
    assert ("配置项有误" in msg) == (lang == "zh") and ("Bad key." in details) == (lang == "zh")
    assert "layers[0].role" in msg
