"""Select by expression (选择 → 按表达式选择…): a layer, its fields and values, an
expression checked as it is typed (the error names the character), and how the result
combines with the current selection. The expression language is
:mod:`greenplan.app.expression` (documented in the user guide)."""

from __future__ import annotations

import numpy as np
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
)

from greenplan.app.expression import ExpressionError, parse, select_ids
from greenplan.app.select_location import MODES, combine_selection
from greenplan.core.errors import GreenplanError
from greenplan.gui.i18n import current_language

#: operator buttons: what they insert
OPERATORS = ("=", "<>", "<", ">", "AND", "OR", "NOT", "IN ()", "LIKE '%'", "IS NULL")
#: at most this many distinct values are listed for a field
MAX_VALUES = 200


class SelectExpressionDialog(QDialog):
    """See module docstring. ``model``: the ProjectModel; ``key``: the layer chosen first."""

    def __init__(self, model, key: int = 0, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("selectExpressionDialog")
        self.model = model
        self.layer_combo = QComboBox(objectName="exprLayer")
        for e in reversed(model.entries):
            if e.gdf is not None:
                self.layer_combo.addItem(e.spec.name, e.key)
        i = self.layer_combo.findData(key or model.current_key)
        self.layer_combo.setCurrentIndex(max(i, 0))
        self.fields = QListWidget(objectName="exprFields")
        self.values = QListWidget(objectName="exprValues")
        self.edit = QPlainTextEdit(objectName="exprEdit")
        self.edit.setMaximumHeight(90)
        self.message = QLabel(objectName="exprMessage")
        self.message.setWordWrap(True)
        self.mode_combo = QComboBox(objectName="exprMode")
        zh = current_language() == "zh"
        for mode, (mzh, men) in MODES.items():
            self.mode_combo.addItem(mzh if zh else men, mode)
        ops = QHBoxLayout()
        for op in OPERATORS:
            b = QPushButton(op)
            b.setAutoDefault(False)
            b.clicked.connect(lambda _c=False, t=op: self._insert(f" {t} "))
            ops.addWidget(b)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.select_button = self.buttons.addButton(self.tr("Select"), QDialogButtonBox.ButtonRole.ApplyRole)
        self.select_button.setObjectName("exprSelect")
        lists = QHBoxLayout()
        left, right = QVBoxLayout(), QVBoxLayout()
        self.fields_label, self.values_label = QLabel(), QLabel()
        left.addWidget(self.fields_label)
        left.addWidget(self.fields)
        right.addWidget(self.values_label)
        right.addWidget(self.values)
        lists.addLayout(left)
        lists.addLayout(right)
        form = QFormLayout()
        self.layer_label, self.mode_label = QLabel(self.tr("Layer")), QLabel(self.tr("Selection"))
        form.addRow(self.layer_label, self.layer_combo)
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addLayout(lists, 1)
        lay.addLayout(ops)
        lay.addWidget(self.edit)
        lay.addWidget(self.message)
        form2 = QFormLayout()
        form2.addRow(self.mode_label, self.mode_combo)
        lay.addLayout(form2)
        lay.addWidget(self.buttons)
        self.setWindowTitle(self.tr("Select by Expression"))
        self.fields_label.setText(self.tr("Fields (double-click to insert)"))
        self.values_label.setText(self.tr("Values of the field"))
        self.edit.setPlaceholderText("DLBM LIKE '01%' AND TBMJ > 1000")
        self.layer_combo.currentIndexChanged.connect(lambda _i: self._fill_fields())
        self.fields.currentTextChanged.connect(self._fill_values)
        self.fields.itemDoubleClicked.connect(lambda it: self._insert(_quote_field(it.text())))
        self.values.itemDoubleClicked.connect(lambda it: self._insert(it.data(256)))
        self.edit.textChanged.connect(self.check)
        self.buttons.rejected.connect(self.reject)
        self.select_button.clicked.connect(self.apply)
        self.resize(620, 520)
        self._fill_fields()
        self.check()

    def current_key(self) -> int:
        return int(self.layer_combo.currentData() or 0)

    def _frame(self):
        key = self.current_key()
        return self.model.entry(key).gdf if key else None

    def _fill_fields(self) -> None:
        self.fields.clear()
        self.values.clear()
        gdf = self._frame()
        if gdf is not None:
            self.fields.addItems([str(c) for c in gdf.columns if c != gdf.geometry.name])
        self.check()

    def _fill_values(self, name: str) -> None:
        self.values.clear()
        gdf = self._frame()
        if gdf is None or name not in gdf.columns:
            return
        uniq = gdf[name].dropna().drop_duplicates()
        for v in sorted(uniq.head(MAX_VALUES).tolist(), key=str):
            text = str(int(v)) if isinstance(v, float) and v.is_integer() else str(v)
            self.values.addItem(text)
            literal = text if isinstance(v, (int, float, np.number)) else "'" + text.replace("'", "''") + "'"
            self.values.item(self.values.count() - 1).setData(256, literal)

    def _insert(self, text: str) -> None:
        self.edit.insertPlainText(text)
        self.edit.setFocus()

    def set_expression(self, text: str) -> None:
        self.edit.setPlainText(text)

    def check(self) -> bool:
        """Parse the expression now; show the error (with its character) or that it is fine."""
        text = self.edit.toPlainText()
        lang = current_language()
        if not text.strip():
            self.message.setText("")
            self.select_button.setEnabled(False)
            return False
        try:
            parse(text)
        except ExpressionError as exc:
            self.message.setText(f"<span style='color:#b00020'>{_html(exc.message(lang))}</span>")
            self.select_button.setEnabled(False)
            return False
        self.message.setText(self.tr("Expression is valid."))
        self.select_button.setEnabled(self.current_key() != 0)
        return True

    def apply(self) -> int | None:
        """Select the matching features; their number (None on an error, shown in the dialog)."""
        key = self.current_key()
        gdf = self._frame()
        if gdf is None:
            return None
        try:
            ids = select_ids(gdf, self.edit.toPlainText())
        except GreenplanError as exc:
            self.message.setText(f"<span style='color:#b00020'>{_html(exc.message(current_language()))}</span>")
            return None
        current = self.model.selection.get(key)
        ids = combine_selection(current, ids, self.mode_combo.currentData())
        self.model.set_selection(key, ids)
        self.message.setText(self.tr("{0} features selected.").format(f"{len(ids):,}"))
        return len(ids)


def _quote_field(name: str) -> str:
    """A field as the expression names it: bare when it is a plain name, else in double quotes."""
    plain = name.replace("_", "a").isalnum() and not name[:1].isdigit() and not name.startswith("__")
    return name if plain else f'"{name}"'


def _html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
