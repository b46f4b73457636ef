"""Every command of the application, declared once: id, title, callback, enabled-when.

Menus, the toolbar and the layer panel's context menu are built from this table
(napari ``_app_model/actions``). A callback takes the main window and calls one plain
function (a :class:`ProjectModel` method, a project operation, a canvas method). Titles
are English source strings marked for translation (``QT_TRANSLATE_NOOP``), translated
when the actions are built and again when the language changes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP
from PySide6.QtGui import QAction, QActionGroup, QKeySequence

from greenplan.gui.i18n import current_language, translate
from greenplan.gui.icons import icon

CTX = "Actions"


def _has_layer(w: Any) -> bool:
    return bool(w.model.current_key)


def _has_vector(w: Any) -> bool:
    key = w.model.current_key
    return bool(key) and w.model.entry(key).gdf is not None


def _has_drawable(w: Any) -> bool:
    key = w.model.current_key
    return bool(key) and w.model.entry(key).display is not None and w.model.layer_bounds(key) is not None


def _has_data(w: Any) -> bool:
    return w.model.full_bounds() is not None


def _idle(w: Any) -> bool:
    return not w.busy()


def _can_undo(w: Any) -> bool:
    return w.model.undo_stack.can_undo


def _can_redo(w: Any) -> bool:
    return w.model.undo_stack.can_redo


def _undo_title(w: Any) -> str:
    """"Undo Rename layer" / "撤销 重命名图层": the command's own text in the current language."""
    cmd = w.model.undo_stack.next_undo
    if cmd is None:
        return translate(CTX, UNDO)
    return translate(CTX, UNDO_WHAT).format(cmd.label(current_language()))


def _redo_title(w: Any) -> str:
    cmd = w.model.undo_stack.next_redo
    if cmd is None:
        return translate(CTX, REDO)
    return translate(CTX, REDO_WHAT).format(cmd.label(current_language()))


UNDO = QT_TRANSLATE_NOOP("Actions", "&Undo")
REDO = QT_TRANSLATE_NOOP("Actions", "&Redo")
UNDO_WHAT = QT_TRANSLATE_NOOP("Actions", "&Undo {0}")
REDO_WHAT = QT_TRANSLATE_NOOP("Actions", "&Redo {0}")


@dataclass(frozen=True)
class ActionSpec:
    """One command. ``menu``: menu id; ``toolbar``: shown on the toolbar; ``tool``: canvas tool."""

    id: str
    title: str
    callback: Callable[[Any], Any]
    menu: str
    shortcut: str | QKeySequence.StandardKey | tuple | None = None  # a tuple: several shortcuts
    icon: str | None = None
    toolbar: bool = False
    enabled_when: Callable[[Any], bool] | None = None
    tool: str | None = None
    tip: str | None = None
    title_when: Callable[[Any], str] | None = None  # a title that follows the state (Undo <what>)


MENUS = {
    "file": QT_TRANSLATE_NOOP("Actions", "&File"),
    "edit": QT_TRANSLATE_NOOP("Actions", "&Edit"),
    "view": QT_TRANSLATE_NOOP("Actions", "&View"),
    "layer": QT_TRANSLATE_NOOP("Actions", "&Layer"),
    "analysis": QT_TRANSLATE_NOOP("Actions", "&Analysis"),
    "help": QT_TRANSLATE_NOOP("Actions", "&Help"),
    "recent": QT_TRANSLATE_NOOP("Actions", "Recent Projects"),
    "language": QT_TRANSLATE_NOOP("Actions", "Language"),
}

K = QKeySequence.StandardKey
ACTIONS: list[ActionSpec] = [
    ActionSpec("file.new", QT_TRANSLATE_NOOP("Actions", "&New Project"), lambda w: w.new_project(), "file", K.New, "new"),
    ActionSpec("file.open", QT_TRANSLATE_NOOP("Actions", "&Open Project…"), lambda w: w.ops.open_dialog(), "file", K.Open,
               "open", toolbar=True),
    ActionSpec("file.save", QT_TRANSLATE_NOOP("Actions", "&Save"), lambda w: w.ops.save(), "file", K.Save, "save",
               toolbar=True),
    ActionSpec("file.save_as", QT_TRANSLATE_NOOP("Actions", "Save &As…"), lambda w: w.ops.save_as(), "file", "Ctrl+Shift+S"),
    ActionSpec("file.export_map", QT_TRANSLATE_NOOP("Actions", "&Export Map…"), lambda w: w.show_export_dialog(), "file",
               "Ctrl+E", enabled_when=_has_data),
    ActionSpec("file.batch_export", QT_TRANSLATE_NOOP("Actions", "&Batch Export by Township…"),
               lambda w: w.show_batch_dialog(), "file", "Ctrl+Shift+E", enabled_when=_has_data),
    ActionSpec("file.report", QT_TRANSLATE_NOOP("Actions", "&Generate Report…"), lambda w: w.show_report_dialog(),
               "file", "Ctrl+R", enabled_when=_has_data),
    ActionSpec("file.properties", QT_TRANSLATE_NOOP("Actions", "Project P&roperties…"),
               lambda w: w.show_project_properties(), "file"),
    ActionSpec("file.preferences", QT_TRANSLATE_NOOP("Actions", "&Preferences…"), lambda w: w.show_preferences(),
               "file", "Ctrl+,"),
    ActionSpec("file.quit", QT_TRANSLATE_NOOP("Actions", "&Quit"), lambda w: w.close(), "file", "Ctrl+Q"),
    ActionSpec("edit.undo", UNDO, lambda w: w.model.undo(), "edit", K.Undo, enabled_when=_can_undo,
               title_when=_undo_title),
    ActionSpec("edit.redo", REDO, lambda w: w.model.redo(), "edit", ("Ctrl+Y", "Ctrl+Shift+Z"),
               enabled_when=_can_redo, title_when=_redo_title),
    ActionSpec("layer.add", QT_TRANSLATE_NOOP("Actions", "&Add Layer…"), lambda w: w.ops.add_layer_dialog(), "layer",
               "Ctrl+L", "add_layer", toolbar=True),
    ActionSpec("layer.style", QT_TRANSLATE_NOOP("Actions", "Layer &Style…"), lambda w: w.show_style_editor(), "layer",
               None, "style", enabled_when=_has_drawable),
    ActionSpec("layer.table", QT_TRANSLATE_NOOP("Actions", "Attribute &Table"), lambda w: w.open_attribute_table(), "layer",
               "Ctrl+T", "table", enabled_when=_has_vector),
    ActionSpec("layer.zoom", QT_TRANSLATE_NOOP("Actions", "&Zoom to Layer"), lambda w: w.zoom_to_layer(), "layer", None,
               "zoom_layer", enabled_when=_has_drawable),
    ActionSpec("layer.role", QT_TRANSLATE_NOOP("Actions", "Set &Role…"), lambda w: w.ops.choose_role(), "layer", None,
               enabled_when=_has_layer),
    ActionSpec("layer.rename", QT_TRANSLATE_NOOP("Actions", "Re&name…"), lambda w: w.ops.rename_layer(), "layer", "F2",
               enabled_when=_has_layer),
    ActionSpec("layer.remove", QT_TRANSLATE_NOOP("Actions", "&Remove Layer"), lambda w: w.ops.remove_layer(), "layer",
               None, "remove", enabled_when=_has_layer),
    ActionSpec("view.full", QT_TRANSLATE_NOOP("Actions", "Zoom to &Full Extent"), lambda w: w.zoom_full(), "view",
               "Ctrl+0", "zoom_full", toolbar=True, enabled_when=_has_data),
    ActionSpec("view.zoom_in", QT_TRANSLATE_NOOP("Actions", "Zoom &In"), lambda w: w.canvas.zoom_by(2.0), "view",
               K.ZoomIn, "zoom_in", toolbar=True, enabled_when=_has_data),
    ActionSpec("view.zoom_out", QT_TRANSLATE_NOOP("Actions", "Zoom &Out"), lambda w: w.canvas.zoom_by(0.5), "view",
               K.ZoomOut, "zoom_out", toolbar=True, enabled_when=_has_data),
    ActionSpec("tool.pan", QT_TRANSLATE_NOOP("Actions", "&Pan"), lambda w: w.set_tool("pan"), "view", "P", "pan",
               toolbar=True, tool="pan"),
    ActionSpec("tool.zoom_box", QT_TRANSLATE_NOOP("Actions", "Zoom to &Rectangle"), lambda w: w.set_tool("zoom_box"),
               "view", "Z", "zoom_box", toolbar=True, tool="zoom_box"),
    ActionSpec("tool.identify", QT_TRANSLATE_NOOP("Actions", "&Identify Feature"), lambda w: w.set_tool("identify"),
               "view", "I", "identify", toolbar=True, tool="identify"),
    ActionSpec("tool.measure_distance", QT_TRANSLATE_NOOP("Actions", "Measure &Distance"),
               lambda w: w.set_tool("measure_distance"), "view", "M", "measure_distance", toolbar=True,
               tool="measure_distance"),
    ActionSpec("tool.measure_area", QT_TRANSLATE_NOOP("Actions", "Measure &Area"), lambda w: w.set_tool("measure_area"),
               "view", "Shift+M", "measure_area", toolbar=True, tool="measure_area"),
    ActionSpec("analysis.check", QT_TRANSLATE_NOOP("Actions", "&Check Data…"), lambda w: w.run_check(), "analysis",
               "F6", "check", toolbar=True, enabled_when=_idle),
    ActionSpec("analysis.indicators", QT_TRANSLATE_NOOP("Actions", "Compute &Indicators"), lambda w: w.run_indicators(),
               "analysis", "F5", "indicators", toolbar=True, enabled_when=_idle),
    ActionSpec("analysis.candidates", QT_TRANSLATE_NOOP("Actions", "Greening &Candidates"), lambda w: w.show_candidates(),
               "analysis", "F7"),
    ActionSpec("analysis.scenarios", QT_TRANSLATE_NOOP("Actions", "&Scenarios"), lambda w: w.show_scenarios(), "analysis",
               "F8"),
    ActionSpec("lang.zh", "中文", lambda w: w.set_language("zh"), "language"),
    ActionSpec("lang.en", "English", lambda w: w.set_language("en"), "language"),
    ActionSpec("help.log", QT_TRANSLATE_NOOP("Actions", "Open &Log Folder"), lambda w: w.open_log_folder(), "help"),
    ActionSpec("help.about", QT_TRANSLATE_NOOP("Actions", "&About GreenPlan"), lambda w: w.show_about(), "help", None,
               "about"),
]

#: menu contents in order (action ids, "-" separators, "@menu" submenus)
MENU_LAYOUT = {
    "file": ["file.new", "file.open", "@recent", "-", "file.save", "file.save_as", "-", "file.export_map",
             "file.batch_export", "file.report", "-", "file.properties", "file.preferences", "-", "file.quit"],
    "edit": ["edit.undo", "edit.redo"],
    "view": ["view.full", "view.zoom_in", "view.zoom_out", "-", "tool.pan", "tool.zoom_box", "tool.identify",
             "tool.measure_distance", "tool.measure_area", "-", "@docks", "@language"],
    "layer": ["layer.add", "-", "layer.style", "layer.table", "layer.zoom", "layer.role", "layer.rename", "-",
              "layer.remove"],
    "analysis": ["analysis.check", "analysis.indicators", "-", "analysis.candidates", "analysis.scenarios"],
    "help": ["help.log", "-", "help.about"],
}
TOOLBAR = ["file.open", "file.save", "layer.add", "-", "tool.pan", "tool.zoom_box", "tool.identify",
           "tool.measure_distance", "tool.measure_area", "-", "view.zoom_in", "view.zoom_out", "view.full", "-",
           "analysis.check", "analysis.indicators"]
CONTEXT = ["layer.zoom", "layer.style", "layer.table", None, "layer.role", "layer.rename", None, "layer.remove"]


# ---------------------------------------------------------------------------- Select menu (#16)
def _has_selection(w: Any) -> bool:
    return bool(w.model.selection)


MENUS = {**{k: v for k, v in MENUS.items() if k not in ("analysis", "help")},
         "select": QT_TRANSLATE_NOOP("Actions", "&Select"),
         **{k: v for k, v in MENUS.items() if k in ("analysis", "help")}}
ACTIONS += [
    ActionSpec("select.expression", QT_TRANSLATE_NOOP("Actions", "Select by &Expression…"),
               lambda w: w.select.by_expression(), "select", "Ctrl+F3", enabled_when=_has_data),
    ActionSpec("select.location", QT_TRANSLATE_NOOP("Actions", "Select by &Location…"),
               lambda w: w.select.by_location(), "select", None, enabled_when=_has_data),
    ActionSpec("tool.select_rect", QT_TRANSLATE_NOOP("Actions", "Select by &Rectangle"),
               lambda w: w.set_tool("select_rect"), "select", "S", "select_rect", toolbar=True, tool="select_rect"),
    ActionSpec("tool.select_polygon", QT_TRANSLATE_NOOP("Actions", "Select by &Polygon"),
               lambda w: w.set_tool("select_polygon"), "select", "Shift+S", "select_polygon", toolbar=True,
               tool="select_polygon"),
    ActionSpec("select.clear", QT_TRANSLATE_NOOP("Actions", "&Clear Selection"), lambda w: w.select.clear(), "select",
               "Ctrl+Shift+A", enabled_when=_has_selection),
    ActionSpec("select.statistics", QT_TRANSLATE_NOOP("Actions", "S&tatistics"), lambda w: w.show_statistics(),
               "select", "F9", "statistics"),
    ActionSpec("select.export", QT_TRANSLATE_NOOP("Actions", "E&xport Selected Features…"),
               lambda w: w.select.export_selected(), "select", None, enabled_when=_has_selection),
]
MENU_LAYOUT = {**{k: v for k, v in MENU_LAYOUT.items() if k not in ("analysis", "help")},
               "select": ["select.expression", "select.location", "-", "tool.select_rect", "tool.select_polygon",
                          "select.clear", "-", "select.statistics", "select.export"],
               **{k: v for k, v in MENU_LAYOUT.items() if k in ("analysis", "help")}}
TOOLBAR = [*TOOLBAR[:TOOLBAR.index("tool.measure_area") + 1], "tool.select_rect", "tool.select_polygon",
           *TOOLBAR[TOOLBAR.index("tool.measure_area") + 1:]]


# ---------------------------------------------------------------------------- Sketch menu (#15)
MENUS = {**{k: v for k, v in MENUS.items() if k not in ("analysis", "help")},
         "sketch": QT_TRANSLATE_NOOP("Actions", "S&ketch"),
         **{k: v for k, v in MENUS.items() if k in ("analysis", "help")}}
ACTIONS += [
    ActionSpec("tool.sketch_polygon", QT_TRANSLATE_NOOP("Actions", "Draw &Polygon"),
               lambda w: w.set_tool("sketch_polygon"), "sketch", "D", tool="sketch_polygon"),
    ActionSpec("tool.sketch_rect", QT_TRANSLATE_NOOP("Actions", "Draw &Rectangle"),
               lambda w: w.set_tool("sketch_rect"), "sketch", "Shift+D", tool="sketch_rect"),
    ActionSpec("tool.sketch_belt", QT_TRANSLATE_NOOP("Actions", "Draw Green &Belt"),
               lambda w: w.set_tool("sketch_belt"), "sketch", "B", tool="sketch_belt"),
    ActionSpec("tool.sketch_edit", QT_TRANSLATE_NOOP("Actions", "&Edit Sketch Features"),
               lambda w: w.set_tool("sketch_edit"), "sketch", "E", tool="sketch_edit"),
    ActionSpec("tool.sketch_split", QT_TRANSLATE_NOOP("Actions", "&Split Sketch Features"),
               lambda w: w.set_tool("sketch_split"), "sketch", "X", tool="sketch_split"),
    ActionSpec("sketch.merge", QT_TRANSLATE_NOOP("Actions", "&Merge Selected Sketch Features"),
               lambda w: w.sketch.merge(), "sketch", "Shift+M"),
    ActionSpec("sketch.table", QT_TRANSLATE_NOOP("Actions", "Sketch &Attribute Table"),
               lambda w: w.sketch.open_table(), "sketch", None),
    ActionSpec("sketch.copy_selected", QT_TRANSLATE_NOOP("Actions", "&Copy Selected Features into Sketch"),
               lambda w: w.sketch.copy_geometries(w.model.selected_geometries()), "sketch", None,
               enabled_when=_has_selection),
]
MENU_LAYOUT = {**{k: v for k, v in MENU_LAYOUT.items() if k not in ("analysis", "help")},
               "sketch": ["tool.sketch_polygon", "tool.sketch_rect", "tool.sketch_belt", "-", "tool.sketch_edit",
                          "tool.sketch_split", "sketch.merge", "-", "sketch.copy_selected", "sketch.table"],
               **{k: v for k, v in MENU_LAYOUT.items() if k in ("analysis", "help")}}

def spec(action_id: str) -> ActionSpec:
    for a in ACTIONS:
        if a.id == action_id:
            return a
    raise KeyError(action_id)


def build_actions(window: Any) -> dict[str, QAction]:
    """One ``QAction`` per :data:`ACTIONS` entry, parented to ``window``."""
    out: dict[str, QAction] = {}
    tools = QActionGroup(window)
    tools.setExclusive(True)
    langs = QActionGroup(window)
    langs.setExclusive(True)
    for a in ACTIONS:
        act = QAction(window)
        act.setObjectName(a.id)
        if a.icon:
            act.setIcon(icon(a.icon))
        if isinstance(a.shortcut, tuple):
            act.setShortcuts([QKeySequence(s) for s in a.shortcut])
        elif a.shortcut is not None:
            act.setShortcut(QKeySequence(a.shortcut))
        if a.tool:
            act.setCheckable(True)
            tools.addAction(act)
        if a.menu == "language":
            act.setCheckable(True)
            langs.addAction(act)
        act.triggered.connect(lambda _checked=False, cb=a.callback: cb(window))
        out[a.id] = act
    retranslate_actions(out)
    return out


def retranslate_actions(actions: dict[str, QAction]) -> None:
    for a in ACTIONS:
        act = actions.get(a.id)
        if act is None:
            continue
        text = a.title if a.menu == "language" else translate(CTX, a.title)
        act.setText(text)
        plain = text.replace("&", "").rstrip("…")
        tip = plain + (f" ({act.shortcut().toString()})" if not act.shortcut().isEmpty() else "")
        act.setToolTip(tip)
        act.setStatusTip(plain)


def update_enabled(actions: dict[str, QAction], window: Any) -> None:
    """Re-evaluate every ``enabled_when`` and ``title_when`` (after a selection, project or
    undo-stack change, and after the language changed)."""
    for a in ACTIONS:
        act = actions.get(a.id)
        if act is None:
            continue
        if a.enabled_when is not None:
            act.setEnabled(bool(a.enabled_when(window)))
        if a.title_when is not None:
            text = a.title_when(window)
            act.setText(text)
            act.setToolTip(text.replace("&", "") + (f" ({act.shortcut().toString()})" if not act.shortcut().isEmpty() else ""))
            act.setStatusTip(text.replace("&", ""))


def menu_title(menu_id: str) -> str:
    return translate(CTX, MENUS[menu_id])
