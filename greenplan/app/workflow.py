"""The order of work a planner follows, and which step comes next (Qt-free).

数据检查 → 计算指标 → 增绿候选 → 情景方案 → 导出专题图. The desktop app shows the steps in
this order on its workflow bar and marks the next one; a new user sees what to do first.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Step:
    """One step: its id, the action that runs it, its Chinese and English names."""

    id: str
    action: str
    zh: str
    en: str


STEPS = (
    Step("check", "analysis.check", "数据检查", "Check data"),
    Step("indicators", "analysis.indicators", "计算指标", "Compute indicators"),
    Step("candidates", "analysis.candidates", "增绿候选", "Greening candidates"),
    Step("scenario", "analysis.scenarios", "情景方案", "Scenario"),
    Step("export", "file.export_map", "导出专题图", "Export maps"),
)
#: circled numbers for the step labels
NUMBERS = "①②③④⑤⑥⑦⑧⑨"


def step_label(i: int, step: Step, lang: str = "zh") -> str:
    """``① 数据检查`` / ``1 Check data``."""
    return f"{NUMBERS[i]} {step.zh}" if lang == "zh" else f"{i + 1} {step.en}"


def next_step(has_project: bool, done: Mapping[str, bool]) -> str | None:
    """The first step not done yet (None without a project: open or create one first).

    Examples
    --------
    >>> next_step(True, {})
    'check'
    >>> next_step(True, {"check": True, "indicators": True})
    'candidates'
    >>> next_step(True, {s.id: True for s in STEPS})
    'export'
    >>> next_step(False, {}) is None
    True
    """
    if not has_project:
        return None
    for s in STEPS:
        if not done.get(s.id, False):
            return s.id
    return STEPS[-1].id
