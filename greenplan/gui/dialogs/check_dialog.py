"""Results of the data check (``greenplan check``) in a dialog: a list of findings and the text.

An ``unknown_codes`` finding of a land-use or green-space layer has a button that opens the
class-mapping dialog of that layer (given the project model: ``model``, else the parent's).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QColor, QFont, QFontDatabase
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QTabWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from greenplan.gui.i18n import current_language

LEVEL_COLORS = {"error": QColor(190, 0, 0), "problem": QColor(200, 100, 0), "warning": QColor(150, 120, 0),
                "info": QColor(90, 90, 90)}
LEVEL_NAMES = {"error": ("错误", "error"), "problem": ("问题", "problem"), "warning": ("警告", "warning"),
               "info": ("信息", "info")}


class CheckDialog(QDialog):
    """Shows a :class:`~greenplan.jobs.check.CheckReport` (findings by layer, then the text report)."""

    def __init__(self, report, parent=None, model=None) -> None:
        super().__init__(parent)
        self.setObjectName("checkDialog")
        self.project_model = model if model is not None else getattr(parent, "model", None)
        self.mapping_changed = False
        self.class_mapping_dialog = None
        self.report = report
        self.doc = report.to_dict()
        self.summary = QLabel(objectName="checkSummary")
        self.summary.setWordWrap(True)
        self.tree = QTreeWidget(objectName="checkTree")
        self.tree.setColumnCount(2)
        # a long finding (unknown codes with the preset to use) is shown whole below the tree
        self.detail = QLabel(objectName="checkDetail")
        self.detail.setWordWrap(True)
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.detail.setMinimumHeight(48)
        self.tree.currentItemChanged.connect(lambda item, _prev: self.detail.setText(item.toolTip(1) if item else ""))
        self.text = QPlainTextEdit(objectName="checkText")
        self.text.setReadOnly(True)
        self.text.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.tabs = QTabWidget()
        self.tabs.addTab(self.tree, "")
        self.tabs.addTab(self.text, "")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(self.summary)
        lay.addWidget(self.tabs)
        lay.addWidget(self.detail)
        lay.addWidget(buttons)
        self.resize(900, 600)
        self.retranslate()

    def retranslate(self) -> None:
        from greenplan.jobs.check import format_check

        lang = current_language()
        zh = lang == "zh"
        self.setWindowTitle(self.tr("Data check"))
        self.tabs.setTabText(0, self.tr("Findings"))
        self.tabs.setTabText(1, self.tr("Report"))
        self.tree.setHeaderLabels([self.tr("Layer / level"), self.tr("Finding")])
        s = self.doc["summary"]
        status = {"ok": self.tr("No problems found."), "problems": self.tr("Problems were found in the data."),
                  "unusable": self.tr("Some input cannot be used.")}[self.doc["status"]]
        self.summary.setText(f"<b>{status}</b> " + self.tr(
            "{0} layers, {1} errors, {2} problems, {3} warnings. Working CRS: {4}.").format(
            s["layers"], s["errors"], s["problems"], s["warnings"], self.doc.get("crs") or "—"))
        if self.mapping_changed:
            self.summary.setText(self.summary.text() + "<br>" + self.tr(
                "A class mapping was changed: check the data again to see its effect."))
        self.tree.clear()
        bold = QFont()
        bold.setBold(True)
        groups = [(self.tr("Project"), [i for i in self.report.project_issues], None)]
        groups += [(lyr.name, lyr.issues, lyr) for lyr in self.report.layers]
        for title, issues, layer_report in groups:
            top = QTreeWidgetItem([title, self.tr("{0} findings").format(len(issues)) if issues else self.tr("OK")])
            top.setFont(0, bold)
            self.tree.addTopLevelItem(top)
            for issue in issues:
                zh_level, en_level = LEVEL_NAMES.get(issue.level, (issue.level, issue.level))
                item = QTreeWidgetItem([zh_level if zh else en_level, issue.message(lang)])
                item.setForeground(0, LEVEL_COLORS.get(issue.level, QColor(0, 0, 0)))
                item.setToolTip(1, issue.message(lang))
                top.addChild(item)
                key = self.layer_key(layer_report) if issue.code == "unknown_codes" else None
                if key is not None:
                    self._mapping_button(item, key)
            top.setExpanded(any(i.level in ("error", "problem") for i in issues))
            if self.tree.currentItem() is None and top.childCount() and any(i.level in ("error", "problem") for i in issues):
                self.tree.setCurrentItem(top.child(0))  # the first serious finding, shown whole below
        self.tree.resizeColumnToContents(0)
        self.text.setPlainText(format_check(self.report, lang))

    def layer_key(self, layer_report) -> int | None:
        """The project-model key of a checked layer that can take a class mapping (None: none)."""
        from greenplan.gui.dialogs.class_mapping_dialog import can_map

        model = self.project_model
        if model is None or layer_report is None:
            return None

        def same(e) -> bool:
            return (e.spec.source == layer_report.source and e.spec.layer == layer_report.layer
                    and e.spec.role == layer_report.role)

        entries = model.entries
        hit = entries[layer_report.index] if 0 <= layer_report.index < len(entries) else None
        if hit is None or not same(hit):
            hit = next((e for e in entries if same(e)), None)
        return hit.key if hit is not None and can_map(hit) else None

    def _mapping_button(self, item: QTreeWidgetItem, key: int) -> None:
        row = QTreeWidgetItem(["", ""])
        item.addChild(row)
        box = QWidget()
        lay = QHBoxLayout(box)
        lay.setContentsMargins(0, 0, 0, 0)
        button = QPushButton(self.tr("Class mapping…"), objectName="classMappingButton")
        button.setToolTip(self.tr("Say what each value of this layer stands for (presets, codes, ignore)."))
        button.clicked.connect(lambda _c=False, k=key: self.open_class_mapping(k))
        lay.addWidget(button)
        lay.addStretch(1)
        self.tree.setItemWidget(row, 1, box)
        item.setExpanded(True)

    def open_class_mapping(self, key: int):
        """Open the class-mapping dialog of layer ``key`` over this dialog."""
        from greenplan.gui.dialogs.class_mapping_dialog import open_class_mapping

        dialog = open_class_mapping(self.project_model, key, self, getattr(self.parent(), "start_worker", None))
        dialog.accepted.connect(self._mapping_accepted)
        self.class_mapping_dialog = dialog
        return dialog

    def _mapping_accepted(self) -> None:
        self.mapping_changed = True
        self.retranslate()

    def changeEvent(self, event) -> None:  # noqa: N802
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
