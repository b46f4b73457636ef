"""Walk every visible text of the window and its dialogs in both languages.

In English no Chinese character may show, except in the user's own data (layer and township
names, paths, feature attributes) and the language menu's own name for Chinese (中文). In
Chinese, none of the raw ids a planner once met may show: scheme ids, ``key=value`` dumps,
theme ids, style-kind words and Python booleans.
"""

from __future__ import annotations

import re

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QComboBox,
    QDialog,
    QDockWidget,
    QGroupBox,
    QLabel,
    QListWidget,
    QMenu,
    QTableView,
    QTabWidget,
    QTreeView,
    QWidget,
)

CJK = re.compile(r"[\u3400-\u9fff]")
RAW_IDS = re.compile(r"gbt50563|eco_garden_city|\w+=\S|source_id|control_lines|opportunities|\bcategor(y|ized)\b"
                     r"|\bflat\b|\bFalse\b|\bTrue\b|\bNone\b|\bnan\b|belts:|minus buildings")
#: widgets whose texts are the user's data (names, paths, attribute values), by object name
DATA_WIDGETS = ("layerPanel", "unitTable", "scenarioUnits", "candidateView", "scenarioCombo", "exportArea",
                "batchUnits", "batchOut", "prefLanguage", "attributeTable", "styleClasses")


def _texts(root: QWidget) -> list[tuple[str, str, str]]:
    out: list[tuple[str, str, str]] = []

    def add(kind: str, text: object, wid) -> None:
        if text and str(text).strip():
            out.append((kind, str(text).strip(), wid.objectName() or type(wid).__name__))

    for wid in [root, *root.findChildren(QWidget)]:
        owner = wid.window()
        if owner is not root and isinstance(owner, QDialog):  # a dialog is walked while it is open
            continue
        if isinstance(wid, QLabel):
            add("label", wid.text(), wid)
        elif isinstance(wid, QAbstractButton):
            add("button", wid.text(), wid)
        elif isinstance(wid, QGroupBox):
            add("group", wid.title(), wid)
        elif isinstance(wid, QDockWidget):
            add("dock", wid.windowTitle(), wid)
        elif isinstance(wid, QComboBox):
            for i in range(wid.count()):
                add("combo", wid.itemText(i), wid)
        elif isinstance(wid, QTabWidget):
            for i in range(wid.count()):
                add("tab", wid.tabText(i), wid)
        elif isinstance(wid, QListWidget):
            for i in range(wid.count()):
                add("list", wid.item(i).text(), wid)
        if isinstance(wid, QTreeView | QTableView) and wid.model() is not None:
            m = wid.model()
            for c in range(m.columnCount()):
                add("header", m.headerData(c, Qt.Orientation.Horizontal), wid)
            for r in range(min(m.rowCount(QModelIndex()), 30)):
                for c in range(m.columnCount()):
                    add("cell", m.data(m.index(r, c)), wid)
        add("tooltip", wid.toolTip(), wid)
    for menu in root.findChildren(QMenu):
        add("menu", menu.title(), menu)
        for a in menu.actions():
            add("action", a.text().replace("&", ""), menu)
    return out


def _bad(texts, lang: str) -> list[tuple[str, str, str]]:
    bad = []
    for kind, text, name in texts:
        if name in DATA_WIDGETS or (kind == "action" and text == "中文"):
            continue
        if lang == "en" and CJK.search(text) and not _is_data(text):
            bad.append((kind, text, name))
        if lang == "zh" and RAW_IDS.search(text):
            bad.append((kind, text, name))
    return bad


def _is_data(text: str) -> bool:
    """A text that only shows the user's data: a path, a township, a project, layer or scenario
    name (手绘方案: the scenario a first sketch creates, a name in the project file)."""
    return bool(re.search(r"[/\\]|(镇|街道|乡)\b|（演示数据）|测试|图层|手绘方案", text))


def test_every_text_is_in_the_interface_language(qtbot, opened, wait_idle, build):
    import geopandas as gpd
    import shapely

    w = opened
    w.run_indicators()
    wait_idle(w)
    # a numbered red-line occupation, as analyze writes it (the town itself has none)
    occ = gpd.GeoDataFrame({"patch_id": ["HX-001"], "township": ["城关街道"], "cause": ["construction"],
                            "code": ["0701"], "source_id": ["5101232023"], "area_m2": [2000.0]},
                           geometry=[shapely.box(build.X0 + 2100, build.Y0 + 100, build.X0 + 2150, build.Y0 + 140)],
                           crs=4544)
    w.indicators.show_result(w.indicators.doc, {**(w.indicators.features or {}), "redline_occupation": occ})
    w.show_candidates()
    wait_idle(w)
    from greenplan.app.sketch_feature import SketchFeature

    # a sketch on farmland, its attribute table open: kinds, classes and the conflict in words
    w.sketch.state.add(SketchFeature("pocket_park", build.box(100, 1600, 50, 50)))
    w.sketch.open_table()
    land = next(e.key for e in w.model.entries if e.spec.role == "land_use")
    roads = next(e.key for e in w.model.entries if e.spec.role == "roads")
    found = {}
    for lang in ("en", "zh"):
        w.set_language(lang)
        texts = _texts(w)
        for make in (lambda: w.show_style_editor(land), lambda: w.show_style_editor(roads), w.show_project_properties,
                     w.show_preferences, w.show_batch_dialog):
            d = make()
            texts += _texts(d)
            d.close()
        found[lang] = _bad(texts, lang)
        assert len(texts) > 150  # the walk saw the window: menus, docks, tables, dialogs
    assert found == {"en": [], "zh": []}
