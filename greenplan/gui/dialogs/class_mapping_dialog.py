"""The class-mapping dialog: what each value of a land-use / green-space layer stands for.

Opens for one layer (from the layer's context menu, or from an ``unknown_codes`` finding of
the data check). A worker reads the distinct values of the class column with their feature
count and area (``jobs.class_values.load_class_values``); the table lists them by area, each
with its target, the target's category and whether it is recognised; the unknown share of
the layer's area is shown on top and follows every change. A target is picked from a
searchable list (code, Chinese or English name, category: type "林", "0301" or "park"), or
``ignore`` (no land use), or "not mapped". The presets fill every target at once; the
one that fits the unknown values is pre-selected.

OK writes the mapping into the project through ``ProjectModel.set_classes`` (the project is
then modified; the project has no undo stack): the preset name when the targets are exactly a
preset's, else an inline table of this layer's values. Cancel changes nothing. The widgets
only bind: the values and the targets live in the Qt-free :class:`ClassValues`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QEvent,
    QModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QCompleter,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QStyledItemDelegate,
    QTableView,
    QVBoxLayout,
)

from greenplan.gui.i18n import current_language
from greenplan.gui.project_model import ProjectModel
from greenplan.gui.workers import Worker
from greenplan.jobs.class_values import (
    ClassValues,
    TargetChoice,
    ValueRow,
    category_label,
    code_name,
    format_area,
    load_class_values,
    target_categories,
)

# the roles whose classes can be mapped
CLASS_ROLES = ("land_use", "green_space")
CODE_ROLE = Qt.ItemDataRole.UserRole
SEARCH_ROLE = Qt.ItemDataRole.UserRole + 1
NOT_MAPPED = "__not_mapped__"
UNKNOWN_FG = QColor(180, 0, 0)
UNKNOWN_BG = QColor(253, 226, 224)
IGNORED_FG = QColor(110, 110, 110)
OK_FG = QColor(20, 120, 40)
COL_VALUE, COL_FEATURES, COL_AREA, COL_SHARE, COL_TARGET, COL_CATEGORY, COL_STATUS = range(7)


def _ignore_label(role: str) -> str:
    from PySide6.QtCore import QCoreApplication

    return (QCoreApplication.translate("ClassMappingDialog", "ignore (not green space)") if role == "green_space"
            else QCoreApplication.translate("ClassMappingDialog", "ignore (not a land use)"))


def _not_mapped_label() -> str:
    from PySide6.QtCore import QCoreApplication

    return QCoreApplication.translate("ClassMappingDialog", "(not mapped)")


def _percent(share: float, spec: str = ".1f") -> str:
    """A share as the interface writes it: 17.5% in Chinese, 17.5 % in English."""
    return f"{100 * share:{spec}}" + ("%" if current_language() == "zh" else " %")


def _categories_text(cats: tuple[str, ...], lang: str) -> str:
    return ("、" if lang == "zh" else ", ").join(category_label(c, lang) for c in cats)


# ---------------------------------------------------------------------------- the picker
class TargetPicker(QComboBox):
    """A searchable list of targets: (not mapped), ignore, then the codes.

    Typing filters the list on the code, both names and the category ("林", "0301",
    "park", "水域"); Enter or a click picks. :meth:`target` is the picked code (``ignore``;
    None for "not mapped").

    Signals
    -------
    target_chosen(object)
        A target was picked (code, ``ignore`` or None).
    """

    target_chosen = Signal(object)

    def __init__(self, choices: list[TargetChoice], role: str, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("targetPicker")
        self.role = role
        self.choices = choices
        # AnalysisSettings: lets a typed code that is not listed (070101, 0301K) be taken
        self.settings: Any = None
        self.setEditable(True)
        self.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.setMaxVisibleItems(16)
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.setMinimumContentsLength(24)
        self.items = QStandardItemModel(self)
        self.setModel(self.items)
        self.filtered = QSortFilterProxyModel(self)
        self.filtered.setSourceModel(self.items)
        self.filtered.setFilterRole(SEARCH_ROLE)
        self.filtered.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.completer_ = QCompleter(self.filtered, self)
        self.completer_.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        self.completer_.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.completer_.setMaxVisibleItems(16)
        self.setCompleter(self.completer_)
        self.lineEdit().textEdited.connect(self._filter)
        self.lineEdit().returnPressed.connect(self._typed)
        self.completer_.activated[str].connect(self._picked_text)
        self.activated.connect(lambda i: self.target_chosen.emit(self.target()))
        self.fill()

    def fill(self) -> None:
        """(Re)build the items in the interface language, keeping the choice."""
        keep = self.target() if self.items.rowCount() else None
        lang = current_language()
        self.items.clear()
        rows = [(NOT_MAPPED, _not_mapped_label(), ""), ("ignore", _ignore_label(self.role), "ignore 忽略")]
        for c in self.choices:
            name = c.zh if lang == "zh" else c.en
            cats = _categories_text(c.categories, lang)
            label = f"{c.code}  {name}" + (f" — {cats}" if cats else "")
            search = " ".join([c.code, c.zh, c.en, _categories_text(c.categories, "zh"), _categories_text(c.categories, "en")])
            rows.append((c.code, label, search))
        for code, label, search in rows:
            item = QStandardItem(label)
            item.setData(code, CODE_ROLE)
            item.setData(f"{label} {search}", SEARCH_ROLE)
            self.items.appendRow(item)
        self.set_target(keep)

    # ------------------------------------------------------------------ value
    def row_of(self, target: str | None) -> int:
        code = NOT_MAPPED if target is None else str(target).strip().upper()
        for i in range(self.items.rowCount()):
            c = str(self.items.item(i).data(CODE_ROLE))
            if c.upper() == code.upper():
                return i
        return -1

    def set_target(self, target: str | None) -> None:
        """Show ``target`` (a code not in the list is shown as typed)."""
        i = self.row_of(target)
        if i >= 0:
            self.setCurrentIndex(i)
            self.setEditText(self.itemText(i))
        else:
            self.setCurrentIndex(-1)
            self.setEditText(str(target))

    def target(self) -> str | None:
        """The picked target: a code, ``ignore`` or None (not mapped)."""
        text = self.currentText().strip()
        i = self.currentIndex()
        if i >= 0 and self.itemText(i) == text:
            code = self.itemData(i, CODE_ROLE)
            return None if code == NOT_MAPPED else str(code)
        return self.resolve(text)

    def resolve(self, text: str) -> str | None:
        """The target a typed text stands for: a listed code, the one item it filters to, else
        the text itself when it is a recognised code (``070101``, ``0301K``); None if nothing."""
        from greenplan.jobs.class_values import target_categories as cats_of

        text = text.strip()
        if not text:
            return None
        i = self.row_of(text.split()[0])
        if i >= 0:
            code = self.itemData(i, CODE_ROLE)
            return None if code == NOT_MAPPED else str(code)
        self.filtered.setFilterFixedString(text)
        if self.filtered.rowCount() == 1:
            code = self.filtered.index(0, 0).data(CODE_ROLE)
            return None if code == NOT_MAPPED else str(code)
        if self.settings is not None and cats_of(text, self.role, self.settings):
            return text.upper()
        return None

    # ------------------------------------------------------------------ typing
    def _filter(self, text: str) -> None:
        self.filtered.setFilterFixedString(text.strip())
        if text.strip():
            self.completer_.complete()

    def _picked_text(self, label: str) -> None:
        i = self.findText(label, Qt.MatchFlag.MatchExactly)
        if i >= 0:
            self.setCurrentIndex(i)
            self.setEditText(label)
        self.target_chosen.emit(self.target())

    def _typed(self) -> None:
        if self.completer_.popup().isVisible():
            return  # the popup's own activation picks
        t = self.resolve(self.currentText())
        self.set_target(t)
        self.target_chosen.emit(self.target())


# ---------------------------------------------------------------------------- the table
class ValueTableModel(QAbstractTableModel):
    """The distinct values of a :class:`ClassValues`, its targets editable."""

    targets_changed = Signal()

    def __init__(self, values: ClassValues | None = None, parent=None) -> None:
        super().__init__(parent)
        self.values = values

    def set_values(self, values: ClassValues | None) -> None:
        self.beginResetModel()
        self.values = values
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() or self.values is None else len(self.values.rows)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802, B008
        return 7

    def row(self, i: int) -> ValueRow:
        assert self.values is not None
        return self.values.rows[i]

    def effective(self, r: ValueRow) -> str | None:
        """The code the row's features are read as (its target, else the value if recognised)."""
        assert self.values is not None
        t = self.values.targets.get(r.key) if r.mappable else None
        return t if t is not None else (r.text if r.raw_known else None)

    def headerData(self, section: int, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802 - Qt
        if role != Qt.ItemDataRole.DisplayRole or orientation != Qt.Orientation.Horizontal:
            return None
        return [self.tr("Value"), self.tr("Features"), self.tr("Area"), self.tr("Share"), self.tr("Target"),
                self.tr("Counted as"), self.tr("Status")][section]

    def flags(self, index):
        f = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.column() == COL_TARGET and self.values is not None and self.row(index.row()).mappable:
            f |= Qt.ItemFlag.ItemIsEditable
        return f

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or self.values is None:
            return None
        v = self.values
        r = self.row(index.row())
        col = index.column()
        known = v.known(r)
        target = v.targets.get(r.key) if r.mappable else None
        lang = current_language()
        if role == Qt.ItemDataRole.DisplayRole:
            if col == COL_VALUE:
                return r.text if r.mappable else self.tr("(empty)")
            if col == COL_FEATURES:
                return f"{r.features:,}"
            if col == COL_AREA:
                return format_area(r.area_m2, lang)
            if col == COL_SHARE:
                total = v.total_area_m2
                return f"{100 * r.area_m2 / total:.1f}%" if total > 0 else "—"
            if col == COL_TARGET:
                if not r.mappable:
                    return self.tr("(cannot be mapped)")
                if target is None:
                    return _not_mapped_label()
                if target == "ignore":
                    return _ignore_label(v.role)
                name = code_name(target, v.role, v.settings, lang)
                return f"{target}  {name}".strip()
            if col == COL_CATEGORY:
                code = self.effective(r)
                if code is None or not known:
                    return category_label("unknown", lang)
                return _categories_text(target_categories(code, v.role, v.settings), lang)
            if col == COL_STATUS:
                if not known:
                    return "⚠ " + self.tr("unknown")
                return "— " + self.tr("ignored") if target == "ignore" else "✓ " + self.tr("recognised")
        if role == Qt.ItemDataRole.EditRole and col == COL_TARGET:
            return target
        if role == Qt.ItemDataRole.ForegroundRole:
            if not known:
                return QBrush(UNKNOWN_FG)
            if col == COL_STATUS:
                return QBrush(IGNORED_FG if target == "ignore" else OK_FG)
        if role == Qt.ItemDataRole.BackgroundRole and not known:
            return QBrush(UNKNOWN_BG)
        if role == Qt.ItemDataRole.TextAlignmentRole and col in (COL_FEATURES, COL_AREA, COL_SHARE):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole and col == COL_TARGET and r.mappable:
            return self.tr("Double-click to pick the target; type a code or a name to search.")
        return None

    def setData(self, index, value, role=Qt.ItemDataRole.EditRole) -> bool:  # noqa: N802 - Qt
        if role != Qt.ItemDataRole.EditRole or index.column() != COL_TARGET or self.values is None:
            return False
        r = self.row(index.row())
        if not r.mappable:
            return False
        self.set_targets([index.row()], value)
        return True

    def set_targets(self, rows: list[int], target: str | None) -> None:
        """Map the values of ``rows`` to ``target``."""
        assert self.values is not None
        done = []
        for i in rows:
            r = self.row(i)
            if r.mappable:
                self.values.set_target(r.key, target)
                done.append(i)
        if done:
            self.dataChanged.emit(self.index(min(done), 0), self.index(max(done), self.columnCount() - 1))
            self.targets_changed.emit()

    def refresh(self) -> None:
        """Every cell changed (a preset was applied, the language switched)."""
        if self.values is not None and self.values.rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self.values.rows) - 1, self.columnCount() - 1))
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, self.columnCount() - 1)
        self.targets_changed.emit()


class TargetDelegate(QStyledItemDelegate):
    """Edits a target cell with a :class:`TargetPicker`."""

    def __init__(self, dialog: ClassMappingDialog) -> None:
        super().__init__(dialog)
        self.dialog = dialog

    def createEditor(self, parent, option, index):  # noqa: N802 - Qt
        values = self.dialog.values
        if values is None:
            return None
        picker = TargetPicker(values.choices(), values.role, parent)
        picker.settings = values.settings
        picker.setObjectName("targetEditor")
        picker.target_chosen.connect(lambda _t, p=picker: self._commit(p))
        return picker

    def _commit(self, picker: TargetPicker) -> None:
        self.commitData.emit(picker)
        self.closeEditor.emit(picker, QStyledItemDelegate.EndEditHint.NoHint)

    def setEditorData(self, editor, index) -> None:  # noqa: N802 - Qt
        editor.set_target(index.data(Qt.ItemDataRole.EditRole))
        editor.lineEdit().selectAll()  # typing replaces the current target and searches

    def setModelData(self, editor, model, index) -> None:  # noqa: N802 - Qt
        model.setData(index, editor.target(), Qt.ItemDataRole.EditRole)


# ---------------------------------------------------------------------------- the dialog
Runner = Callable[..., Worker]


class ClassMappingDialog(QDialog):
    """Map the values of one layer's class column (see module docstring).

    Parameters
    ----------
    model : ProjectModel
    key : int
        The layer (a ``land_use`` or ``green_space`` layer).
    parent : QWidget, optional
    runner : callable, optional
        ``runner(fn, name, on_success, on_failure, on_cancel) -> Worker`` (the main window's
        ``start_worker``, which waits for its workers on close); default: a worker of the dialog.
    """

    def __init__(self, model: ProjectModel, key: int, parent=None, runner: Runner | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("classMappingDialog")
        self.project_model = model
        self.key = key
        self.spec = model.entry(key).spec
        self.settings = model.project.settings
        self.runner = runner
        self.values: ClassValues | None = None
        self.worker: Worker | None = None
        self.error: BaseException | None = None

        self.layer_label = QLabel(objectName="layerLabel")
        self.layer_label.setWordWrap(True)
        self.share_label = QLabel(objectName="unknownShare")
        self.share_label.setWordWrap(True)
        self.hint_label = QLabel(objectName="presetHint")
        self.hint_label.setWordWrap(True)
        self.preset_label = QLabel()
        self.preset_combo = QComboBox(objectName="presetCombo")
        self.preset_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.preset_button = QPushButton(objectName="applyPreset")
        self.preset_button.clicked.connect(self.apply_selected_preset)
        self.clear_button = QPushButton(objectName="clearTargets")
        self.clear_button.clicked.connect(self.clear_targets)

        self.table_model = ValueTableModel(None, self)
        self.table_model.targets_changed.connect(self._update_summary)
        self.table = QTableView(objectName="valueTable")
        self.table.setModel(self.table_model)
        self.table.setItemDelegateForColumn(COL_TARGET, TargetDelegate(self))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked | QAbstractItemView.EditTrigger.EditKeyPressed
                                   | QAbstractItemView.EditTrigger.SelectedClicked)
        self.table.verticalHeader().hide()
        self.table.setAlternatingRowColors(False)
        self.table.setWordWrap(False)
        hh = self.table.horizontalHeader()
        hh.setStretchLastSection(False)
        hh.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for col in (COL_FEATURES, COL_AREA, COL_SHARE, COL_STATUS):  # follow the values as targets change
            hh.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        hh.setSectionResizeMode(COL_CATEGORY, QHeaderView.ResizeMode.Stretch)
        self.table.selectionModel().selectionChanged.connect(lambda *_a: self._update_buttons())

        self.set_label = QLabel()
        self.picker = TargetPicker([], self.spec.role or "land_use", self)
        self.picker.target_chosen.connect(lambda _t: self._update_buttons())
        self.set_button = QPushButton(objectName="setTarget")
        self.set_button.clicked.connect(self.set_selected)

        self.progress = QProgressBar(objectName="valuesProgress")
        self.progress.setRange(0, 100)
        self.status = QLabel(objectName="valuesStatus")
        self.status.setWordWrap(True)
        self.cancel_load_button = QPushButton(objectName="cancelValues")
        self.cancel_load_button.clicked.connect(self.cancel_load)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        presets = QHBoxLayout()
        presets.addWidget(self.preset_label)
        presets.addWidget(self.preset_combo, 1)
        presets.addWidget(self.preset_button)
        presets.addWidget(self.clear_button)
        setter = QHBoxLayout()
        setter.addWidget(self.set_label)
        setter.addWidget(self.picker, 1)
        setter.addWidget(self.set_button)
        run = QHBoxLayout()
        run.addWidget(self.progress)
        run.addWidget(self.status, 1)
        run.addWidget(self.cancel_load_button)
        lay = QVBoxLayout(self)
        lay.addWidget(self.layer_label)
        lay.addWidget(self.share_label)
        lay.addWidget(self.hint_label)
        lay.addLayout(presets)
        lay.addWidget(self.table, 1)
        lay.addLayout(setter)
        lay.addLayout(run)
        lay.addWidget(self.buttons)
        self.resize(940, 620)
        self.retranslate()
        self._update_buttons()

    # ------------------------------------------------------------------ loading
    def load(self) -> Worker:
        """Read the distinct values in a worker (the layer's loaded copy, else its file)."""
        entry = self.project_model.entry(self.key)
        project = self.project_model.project
        spec = dataclasses.replace(self.spec)
        gdf = entry.gdf
        crs = self.project_model.crs

        def job(fb):
            return load_class_values(project, spec, gdf=gdf, crs=crs, feedback=fb)

        self.status.setText(self.tr("Reading the values of {0}…").format(self.spec.name))
        self.progress.setValue(0)
        self.progress.show()
        self.cancel_load_button.show()
        self.cancel_load_button.setEnabled(True)
        if self.runner is not None:
            w = self.runner(job, "class values", self._loaded, self._failed, self._canceled)
        else:
            w = Worker(job, "class values", self)
            w.succeeded.connect(self._loaded)
            w.failed.connect(self._failed)
            w.canceled.connect(self._canceled)
            w.start()
        w.progress.connect(lambda p: self.progress.setValue(int(p)))
        w.finished.connect(self._load_finished)
        self.worker = w
        return w

    def cancel_load(self) -> None:
        if self.worker is not None:
            self.worker.cancel()

    def _load_finished(self) -> None:
        self.worker = None
        self.cancel_load_button.setEnabled(False)

    def _loaded(self, values: ClassValues) -> None:
        self.values = values
        self.picker.choices = values.choices()
        self.picker.settings = values.settings
        self.picker.fill()
        self.table_model.set_values(values)
        self._fill_presets()
        self.progress.setValue(100)
        self.progress.hide()
        self.cancel_load_button.hide()
        self.status.setText("")
        self.retranslate()
        self._size_columns()
        if values.mapping_error:  # e.g. the mapping CSV was moved: say so, the values can be mapped again
            self.status.setText(values.mapping_error["zh" if current_language() == "zh" else "en"])

    def _failed(self, exc: BaseException) -> None:
        from greenplan.core.errors import GreenplanError
        from greenplan.gui.errors import show_error

        self.error = exc
        self.progress.hide()
        self.status.setText(self.tr("The values could not be read."))
        if isinstance(exc, GreenplanError):
            self.status.setText(exc.message("zh" if current_language() == "zh" else "en"))
        show_error(self, exc, "class values")

    def _canceled(self) -> None:
        self.progress.hide()
        self.status.setText(self.tr("Cancelled: the values were not read."))

    # ------------------------------------------------------------------ editing
    def _selected_rows(self) -> list[int]:
        return sorted({i.row() for i in self.table.selectionModel().selectedRows()})

    def set_selected(self) -> None:
        """Map the selected values to the picker's target."""
        rows = self._selected_rows()
        if self.values is not None and rows:
            self.table_model.set_targets(rows, self.picker.target())

    def set_target(self, value: str, target: str | None) -> None:
        """Map one value (as written in the file) to ``target``."""
        from greenplan.io.class_mapping import mapping_key

        assert self.values is not None
        key = mapping_key(value)
        i = next(i for i, r in enumerate(self.values.rows) if r.key == key)
        self.table_model.set_targets([i], target)

    def apply_preset(self, name: str) -> None:
        if self.values is None:
            return
        n = self.values.apply_preset(name)
        self.table_model.refresh()
        self.status.setText(self.tr("Preset {0} gives a target to {1} of {2} values.").format(
            name, n, sum(r.mappable for r in self.values.rows)))

    def apply_selected_preset(self) -> None:
        name = self.preset_combo.currentData()
        if name:
            self.apply_preset(str(name))

    def clear_targets(self) -> None:
        """Every value read as it is (no mapping)."""
        if self.values is None:
            return
        for k in self.values.targets:
            self.values.targets[k] = None
        self.table_model.refresh()

    # ------------------------------------------------------------------ saving
    def result_classes(self) -> str | dict[str, str] | None:
        """What OK writes into the layer's ``classes``."""
        if self.values is None or not self.values.changed:
            return self.spec.classes
        return self.values.to_classes()

    def accept(self) -> None:
        from greenplan.core.errors import GreenplanError
        from greenplan.gui.errors import show_error

        new = self.result_classes()
        if new != self.spec.classes:
            try:
                self.project_model.set_classes(self.key, new)
            except GreenplanError as exc:
                show_error(self, exc, "class mapping")
                return
        super().accept()

    def done(self, result: int) -> None:
        self.cancel_load()
        super().done(result)

    # ------------------------------------------------------------------ texts
    def _fill_presets(self) -> None:
        from greenplan.io.class_mapping import PRESET_LABELS

        self.preset_combo.clear()
        if self.values is None:
            return
        lang = current_language()
        current = self.values.classes if isinstance(self.values.classes, str) else None
        for name in self.values.presets():
            zh, en = PRESET_LABELS.get(name, (name, name))
            label = f"{name} — {zh if lang == 'zh' else en}"
            if name == self.values.suggested:
                label += " " + self.tr("(suggested)")
            self.preset_combo.addItem(label, name)
        pick = self.values.suggested if self.values.unknown_rows() else None
        pick = pick or (current if current in self.values.presets() else None)
        if pick is not None:
            self.preset_combo.setCurrentIndex(self.preset_combo.findData(pick))
        self.preset_combo.setEnabled(self.preset_combo.count() > 0)

    def _update_summary(self) -> None:
        v = self.values
        if v is None:
            self.share_label.setText(self.tr("Reading the values…"))
            self.hint_label.setText("")
            return
        share = v.unknown_share()
        unknown = v.unknown_rows()
        tol = float(self.settings.unknown_code_tolerance)
        if not v.rows:
            text, color = self.tr("The layer has no features."), "#555555"
        elif not unknown:
            text, color = self.tr("All values recognised: unknown share {0}.").format(_percent(0.0)), "#1a7f37"
        else:
            text = self.tr("Unknown: {0} of the layer's area (values: {1}, features: {2})").format(
                _percent(share), len(unknown), f"{sum(r.features for r in unknown):,}")
            if share > tol:
                text += self.tr(" — over the {0} tolerance: the indicators that read this layer are not graded.").format(
                    _percent(tol, "g"))
            color = "#b00000" if share > tol else "#b26a00"
        self.share_label.setText(f"<span style='font-size:11pt; font-weight:bold; color:{color}'>{text}</span>")
        hint = ""
        if v.suggested and unknown:
            from greenplan.io.class_mapping import PRESET_LABELS

            zh, en = PRESET_LABELS.get(v.suggested, (v.suggested, v.suggested))
            hint = self.tr("The unknown values look like {0}: apply the preset {1}, then check the rest.").format(
                (zh if current_language() == "zh" else en).split(" →")[0], v.suggested)
        self.hint_label.setText(hint)
        self.hint_label.setVisible(bool(hint))
        self._update_buttons()

    def _update_buttons(self) -> None:
        loaded = self.values is not None
        self.preset_button.setEnabled(loaded and self.preset_combo.count() > 0)
        self.clear_button.setEnabled(loaded)
        self.set_button.setEnabled(loaded and bool(self._selected_rows()))
        self.picker.setEnabled(loaded)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(loaded)

    def _size_columns(self) -> None:
        hh = self.table.horizontalHeader()
        self.table.resizeColumnToContents(COL_VALUE)
        hh.resizeSection(COL_VALUE, min(max(hh.sectionSize(COL_VALUE), 140), 260))
        # wide enough for the longer names (0810A 广场用地, 08H1 机关团体新闻出版用地)
        hh.resizeSection(COL_TARGET, max(self.fontMetrics().horizontalAdvance("08H1  机关团体新闻出版用地") + 24, 240))

    def retranslate(self) -> None:
        from greenplan.analysis.codes import load_code_table
        from greenplan.core.roles import ROLES
        from greenplan.io.class_mapping import CLASS_FIELD

        lang = current_language()
        role = self.spec.role or ""
        self.setWindowTitle(self.tr("Class mapping: {0}").format(self.spec.name))
        col = CLASS_FIELD.get(role, "")
        field = self.spec.source_field(col)
        if role == "green_space":
            system = self.tr("CJJ/T 85-2017 green-space classes")
        elif lang == "zh":
            system = load_code_table(self.settings.code_system, self.settings.code_tables).name
        elif self.settings.code_system == "yongdi2023":
            system = self.tr("land and sea use classification (2023)")
        else:
            system = self.tr("3rd land survey classification (GB/T 21010-2017)")
        r = ROLES.get(role)
        role_name = (r.zh if lang == "zh" else r.en) if r is not None else role
        self.layer_label.setText(self.tr("Layer <b>{0}</b> · {1} · field {2} · targets: {3}").format(
            self.spec.name, role_name, field if field == col else f"{field} → {col}", system))
        self.preset_label.setText(self.tr("Preset:"))
        self.preset_button.setText(self.tr("Apply preset"))
        self.preset_button.setToolTip(self.tr("Fill every target from the preset (values it does not list are not mapped)."))
        self.clear_button.setText(self.tr("Clear all"))
        self.set_label.setText(self.tr("Selected values →"))
        self.set_button.setText(self.tr("Set"))
        self.picker.setToolTip(self.tr("Type a code, a name or a category to search (e.g. 林, 0301, park)."))
        self.picker.lineEdit().setPlaceholderText(self.tr("Type to search: 林, 0301, park …"))
        self.cancel_load_button.setText(self.tr("Cancel"))
        self.picker.fill()
        if self.values is not None:
            current = self.preset_combo.currentData()
            self._fill_presets()
            if current is not None:
                self.preset_combo.setCurrentIndex(self.preset_combo.findData(current))
        if self.values is not None:
            self.status.setText("")  # a message of the other language
        self.table_model.refresh()
        self._update_summary()
        self.layout().activate()

    def changeEvent(self, event) -> None:  # noqa: N802
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)


def open_class_mapping(model: ProjectModel, key: int, parent=None, runner: Runner | None = None) -> ClassMappingDialog:
    """Open the dialog for layer ``key`` (not blocking) and start reading its values."""
    dialog = ClassMappingDialog(model, key, parent, runner)
    dialog.open()
    dialog.load()
    return dialog


def can_map(entry: Any) -> bool:
    """Whether a layer's classes can be mapped (a land-use or green-space layer)."""
    return getattr(getattr(entry, "spec", None), "role", None) in CLASS_ROLES
