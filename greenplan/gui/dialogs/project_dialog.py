"""Project properties: name, map-footer metadata, working CRS, threshold scheme, as-of date, code system.

Also shown by File → New project. The dialog only binds: it fills its fields from
:class:`greenplan.app.project_props.ProjectProps` and hands the edited values back to
:func:`~greenplan.app.project_props.apply_props`, which checks them and applies them as one
undoable command. A bad value (unknown EPSG code, a date that is not a date) is shown in
the dialog, which stays open.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QCompleter,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QRadioButton,
    QVBoxLayout,
)

from greenplan.app.project_props import (
    CODE_SYSTEMS,
    METADATA_KEYS,
    ProjectProps,
    apply_props,
    automatic_crs,
    crs_choices,
    scheme_choices,
)
from greenplan.core.errors import GreenplanError
from greenplan.gui.i18n import current_language


class ProjectDialog(QDialog):
    """Edit the open project's properties (``state``: the :class:`ProjectState` or its Qt model)."""

    def __init__(self, state, parent=None) -> None:
        super().__init__(parent)
        self.state = state
        self.setObjectName("projectDialog")
        props = ProjectProps.from_project(state.project)
        self.name = QLineEdit(props.name, objectName="projectName")
        self.meta: dict[str, QLineEdit] = {}
        for key in METADATA_KEYS:
            self.meta[key] = QLineEdit(props.metadata.get(key, ""), objectName=f"meta_{key}")
        self.meta["date"].setPlaceholderText("2026-06-30")

        # working CRS: automatic (with the zone it picks and why) or one from the list / typed
        self.crs_auto = QRadioButton(objectName="crsAuto")
        self.crs_fixed = QRadioButton(objectName="crsFixed")
        group = QButtonGroup(self)
        group.addButton(self.crs_auto)
        group.addButton(self.crs_fixed)
        self.crs_auto_note = QLabel(objectName="crsAutoNote")
        self.crs_auto_note.setWordWrap(True)
        self.crs_auto_note.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.crs_combo = QComboBox(objectName="crsCombo")
        self.crs_combo.setEditable(True)
        self.crs_combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        completer = self.crs_combo.completer()
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.crs_combo.setMinimumContentsLength(40)
        self._auto_label, self._auto_note = automatic_crs(state.project)
        if props.crs:
            self.crs_fixed.setChecked(True)
        else:
            self.crs_auto.setChecked(True)
        self._fill_crs(props.crs or self._auto_label or "EPSG:4544")
        self.crs_auto.toggled.connect(self._crs_mode)
        self._crs_mode()

        self.scheme = QComboBox(objectName="scheme")
        for sid, name in scheme_choices(current_language()):
            self.scheme.addItem(name, sid)
        if self.scheme.findData(props.scheme) < 0:
            self.scheme.addItem(props.scheme, props.scheme)
        self.scheme.setCurrentIndex(self.scheme.findData(props.scheme))
        self.as_of = QLineEdit(props.as_of, objectName="asOf")
        self.code_system = QComboBox(objectName="codeSystem")
        for cid in CODE_SYSTEMS:
            self.code_system.addItem("", cid)
        self.code_system.setCurrentIndex(max(0, self.code_system.findData(props.code_system)))

        self.error = QLabel(objectName="projectError")
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #c00000")
        self.error.hide()

        self.labels: dict[str, QLabel] = {}
        self.basic = QGroupBox()
        f1 = QFormLayout(self.basic)
        f1.addRow(self._label("name"), self.name)
        for key in METADATA_KEYS:
            f1.addRow(self._label(key), self.meta[key])
        self.crs_box = QGroupBox()
        f2 = QVBoxLayout(self.crs_box)
        f2.addWidget(self.crs_auto)
        f2.addWidget(self.crs_auto_note)
        f2.addWidget(self.crs_fixed)
        f2.addWidget(self.crs_combo)
        self.analysis_box = QGroupBox()
        f3 = QFormLayout(self.analysis_box)
        f3.addRow(self._label("scheme"), self.scheme)
        f3.addRow(self._label("as_of"), self.as_of)
        f3.addRow(self._label("code_system"), self.code_system)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        for w in (self.basic, self.crs_box, self.analysis_box, self.error, self.buttons):
            lay.addWidget(w)
        self.retranslate()

    def _label(self, key: str) -> QLabel:
        self.labels[key] = QLabel()
        return self.labels[key]

    def _fill_crs(self, current: str) -> None:
        zh = current_language() == "zh"
        self.crs_combo.clear()
        for code, en, cn in crs_choices():
            self.crs_combo.addItem(f"{code}  {cn if zh else en}", code)
        i = self.crs_combo.findData(current)
        if i >= 0:
            self.crs_combo.setCurrentIndex(i)
        else:
            self.crs_combo.setEditText(current)

    def _crs_mode(self) -> None:
        self.crs_combo.setEnabled(self.crs_fixed.isChecked())

    def crs_text(self) -> str | None:
        """What the CRS field holds: None for automatic, else the code (a listed zone or typed text)."""
        if self.crs_auto.isChecked():
            return None
        text = self.crs_combo.currentText().strip()
        i = self.crs_combo.findText(text)
        if i >= 0:
            return self.crs_combo.itemData(i)
        return text.split()[0] if text else ""

    def props(self) -> ProjectProps:
        return ProjectProps(
            name=self.name.text(),
            metadata={k: w.text() for k, w in self.meta.items()},
            crs=self.crs_text(),
            scheme=self.scheme.currentData(),
            as_of=self.as_of.text(),
            code_system=self.code_system.currentData(),
        )

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Project properties"))
        self.basic.setTitle(self.tr("Project and map footer"))
        self.crs_box.setTitle(self.tr("Working coordinate system"))
        self.analysis_box.setTitle(self.tr("Evaluation"))
        texts = {
            "name": self.tr("Project name"),
            "organisation": self.tr("Organisation"),
            "data_source": self.tr("Data source"),
            "coordinate_system": self.tr("Coordinate system note"),
            "height_datum": self.tr("Height datum"),
            "date": self.tr("Date"),
            "note": self.tr("Note"),
            "scheme": self.tr("Threshold scheme"),
            "as_of": self.tr("Status as of"),
            "code_system": self.tr("Land-use codes"),
        }
        for key, label in self.labels.items():
            label.setText(texts[key])
        self.meta["coordinate_system"].setPlaceholderText(self.tr("Blank: the working CRS's name"))
        self.as_of.setPlaceholderText(self.tr("Blank: today (YYYY-MM-DD)"))
        zh = current_language() == "zh"
        auto = self._auto_label or "—"
        self.crs_auto.setText(self.tr("Automatic: {0}").format(auto))
        note = self._auto_note
        if " / " in note:  # the loader's notes are "English / 中文"
            en, _, cn = note.partition(" / ")
            note = cn if zh else en
        self.crs_auto_note.setText(note)
        self.crs_fixed.setText(self.tr("Chosen (EPSG code or CGCS2000 zone; type to search):"))
        for i in range(self.code_system.count()):
            en, cn = CODE_SYSTEMS[self.code_system.itemData(i)]
            self.code_system.setItemText(i, cn if zh else en)
        if self.crs_combo.count():
            self._fill_crs(self.crs_text() or self.crs_combo.itemData(self.crs_combo.currentIndex()) or "")

    def changeEvent(self, event) -> None:  # noqa: N802
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def accept(self) -> None:
        """Apply as one undoable change; on a bad value say what is wrong and stay open."""
        try:
            apply_props(self.state, self.props())
        except GreenplanError as exc:
            self.error.setText(exc.message(current_language()))
            self.error.show()
            return
        self.error.hide()
        super().accept()
