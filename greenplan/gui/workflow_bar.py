"""The workflow bar: the order of work (① 数据检查 … ⑤ 导出专题图), the next step marked.

A new user sees what to do first; each button runs the same action as the menu. The step
logic is Qt-free (:mod:`greenplan.app.workflow`); the window says which steps are done.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QToolBar, QToolButton

from greenplan.app.workflow import STEPS, next_step, step_label
from greenplan.gui.i18n import current_language

#: the next step's look: the app's green, bold
_NEXT_CSS = "QToolButton { font-weight: bold; color: #0b5d1e; border: 1px solid #2e8b57; border-radius: 3px;" \
            " background: #e3f4e8; padding: 2px 6px; }"


class WorkflowBar(QToolBar):
    """Steps in order; ``state()`` returns ``(has_project, {step id: done})``."""

    def __init__(self, actions: Mapping, state: Callable[[], tuple[bool, Mapping[str, bool]]], parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("workflowBar")
        self.state = state
        self.lead = QLabel(objectName="workflowLead")
        self.addWidget(self.lead)
        self.buttons: dict[str, QToolButton] = {}
        for i, step in enumerate(STEPS):
            if i:
                arrow = QLabel("→")
                arrow.setEnabled(False)
                self.addWidget(arrow)
            b = QToolButton(objectName=f"workflow.{step.id}")
            b.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
            b.setAutoRaise(True)
            b.clicked.connect(lambda _c=False, a=actions[step.action]: a.trigger())
            self.addWidget(b)
            self.buttons[step.id] = b
        self.next_id: str | None = None
        self.refresh()

    def refresh(self) -> None:
        """Texts in the interface language; done steps ticked; the next one marked."""
        lang = current_language()
        has_project, done = self.state()
        self.next_id = next_step(has_project, done)
        self.setWindowTitle(self.tr("Workflow"))
        self.lead.setText(self.tr("Order of work:") if has_project else self.tr("Open or create a project, then:"))
        for i, step in enumerate(STEPS):
            b = self.buttons[step.id]
            tick = " ✓" if done.get(step.id) else ""
            b.setText(step_label(i, step, lang) + tick)
            b.setEnabled(has_project)
            b.setStyleSheet(_NEXT_CSS if step.id == self.next_id else "")
            b.setToolTip(self.tr("Next step") if step.id == self.next_id else "")
