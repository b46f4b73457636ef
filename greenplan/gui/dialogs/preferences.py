"""Preferences: interface language, how often a recovery copy is written, the recent list.

Applied when the dialog is accepted: the language switches at once, the recovery timer
takes the new interval, and the settings file is saved.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QSpinBox,
    QVBoxLayout,
)

from greenplan.gui.i18n import current_language

# the longest recovery interval offered, in minutes
MAX_AUTOSAVE_MIN = 120


class PreferencesDialog(QDialog):
    """Language, recovery-copy interval (minutes, 0 = off), clear the recent projects."""

    def __init__(self, settings, set_autosave_interval: Callable[[int], None], set_language: Callable[[str], None],
                 parent=None) -> None:
        super().__init__(parent)
        self.settings = settings
        self.set_autosave_interval = set_autosave_interval
        self.set_language = set_language
        self.setObjectName("preferencesDialog")
        self.language = QComboBox(objectName="prefLanguage")
        self.language.addItem("中文", "zh")
        self.language.addItem("English", "en")
        self.language.setCurrentIndex(max(0, self.language.findData(current_language())))
        self.autosave = QSpinBox(objectName="prefAutosave")
        self.autosave.setRange(0, MAX_AUTOSAVE_MIN)
        seconds = settings.autosave_s
        self.autosave.setValue(0 if seconds <= 0 else max(1, round(seconds / 60)))
        self.clear_recent = QCheckBox(objectName="prefClearRecent")
        self.hint = QLabel(objectName="prefHint")
        self.hint.setWordWrap(True)
        self.language_label, self.autosave_label = QLabel(), QLabel()
        self.form = QFormLayout()
        self.form.addRow(self.language_label, self.language)
        self.form.addRow(self.autosave_label, self.autosave)
        self.form.addRow(self.clear_recent)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addLayout(self.form)
        lay.addWidget(self.hint)
        lay.addWidget(buttons)
        self.retranslate()

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Preferences"))
        self.language_label.setText(self.tr("Interface language"))
        self.autosave_label.setText(self.tr("Recovery copy every"))
        self.autosave.setSuffix(self.tr(" min"))
        self.autosave.setSpecialValueText(self.tr("never"))
        n = len(self.settings.recent_projects)
        self.clear_recent.setText(self.tr("Clear the list of recent projects ({0})").format(n))
        self.clear_recent.setEnabled(n > 0)
        self.hint.setText(self.tr("While a project has unsaved changes, a copy is written at this interval; "
                                  "after a crash GreenPlan offers to restore it."))

    def changeEvent(self, event) -> None:  # noqa: N802
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def accept(self) -> None:
        s = self.settings
        s.autosave_s = int(self.autosave.value()) * 60
        self.set_autosave_interval(s.autosave_s)
        if self.clear_recent.isChecked():
            s.recent_projects = []
        lang = self.language.currentData()
        if lang != current_language():
            self.set_language(lang)  # also saves the settings
        else:
            s.save()
        super().accept()
