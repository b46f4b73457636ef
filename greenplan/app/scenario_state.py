"""The scenarios of the open project as the panels see them, without Qt (STYLE rule 5).

Scenarios live in ``project.scenarios`` (the ``[[scenarios]]`` tables of the project file);
every change here goes through :func:`greenplan.core.scenario.set_scenario` (which
validates it) and is one command on the project's undo stack, so the project becomes dirty,
an undo takes the edit back, and the normal save writes it. The widgets call these methods
and bind to :attr:`ScenarioState.events`.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from greenplan.app.events import EmitterGroup
from greenplan.app.project_state import ProjectState
from greenplan.app.undo import Command
from greenplan.core.errors import GreenplanError, ProjectFileError
from greenplan.core.project import Project
from greenplan.core.scenario import (
    Scenario,
    Selection,
    parse_rule,
    scenarios_from_project,
    set_scenario,
)


class ScenarioState:
    """Scenario list, the current one, and edits of it (see the module docstring).

    Events (``state.events``)
    -------------------------
    changed()
        A scenario was added, removed, renamed or edited (or an edit undone), or the
        project was replaced.
    current_changed(name)
        Another scenario is current (``""``: none).

    Examples
    --------
    >>> ps = ProjectState()
    >>> scenarios = ScenarioState(ps)
    >>> _ = scenarios.create("近期")
    >>> scenarios.add_ids("belt", ["b1", "b2", "b1"])
    2
    >>> ps.project.scenarios
    [{'name': '近期', 'selections': [{'kind': 'belt', 'ids': ['b1', 'b2']}]}]
    >>> ps.undo(); ps.project.scenarios[0]["selections"]
    []
    """

    def __init__(self, project_state: ProjectState) -> None:
        self.ps = project_state
        self.current_name = ""
        self.error: GreenplanError | None = None  # the project file's scenarios could not be read
        self.events = EmitterGroup(self, changed=(), current_changed=("name",))
        project_state.events.project_replaced.connect(self._on_project_replaced)

    @property
    def project(self) -> Project:
        return self.ps.project

    # ------------------------------------------------------------------ queries
    def scenarios(self) -> list[Scenario]:
        """Every scenario of the project (none when the file's scenarios are invalid: see ``error``)."""
        try:
            out = scenarios_from_project(self.project)
        except ProjectFileError as exc:
            self.error = exc
            return []
        self.error = None
        return out

    def names(self) -> list[str]:
        return [s.name for s in self.scenarios()]

    def current(self) -> Scenario | None:
        return next((s for s in self.scenarios() if s.name == self.current_name), None)

    # ------------------------------------------------------------------ setters
    def set_current(self, name: str) -> None:
        name = name if name in self.names() else ""
        if name != self.current_name:
            self.current_name = name
            self.events.current_changed(name=name)

    def create(self, name: str, description: str = "") -> Scenario:
        """A new, empty scenario named ``name`` (made current).

        Raises
        ------
        ProjectFileError
            The name is empty or taken.
        """
        name = name.strip()
        if not name or name in self.names():
            raise ProjectFileError(
                f"A scenario needs a new name; '{name}' is empty or taken.",
                f"情景名称不能为空，也不能与已有情景重名（“{name}”）。",
                key="scenarios", hint_en="Choose another name.", hint_zh="请另取一个名称。")
        sc = Scenario(name, description)

        def mutate() -> str:
            set_scenario(self.project, sc)
            return name

        self._edit("New scenario", "新建情景", mutate)
        return sc

    def remove(self, name: str) -> None:
        def mutate() -> str:
            self.project.scenarios[:] = [d for d in self.project.scenarios
                                         if not (isinstance(d, dict) and d.get("name") == name)]
            if self.current_name != name:
                return self.current_name
            names = self.names()
            return names[0] if names else ""

        self._edit("Remove scenario", "删除情景", mutate)

    def set_description(self, text: str) -> None:
        sc = self.current()
        if sc is not None and sc.description != text:
            sc.description = text
            self._edit("Edit scenario description", "修改情景说明", lambda: set_scenario(self.project, sc))

    def add_ids(self, kind: str, ids: list[str]) -> int:
        """Add candidate ``ids`` of ``kind`` to the current scenario; returns how many were new.

        They join the scenario's id list of that kind (a selection with ids and no rule),
        or start one.
        """
        sc = self.current()
        if sc is None or not ids:
            return 0
        sel = next((s for s in sc.selections if s.kind == kind and s.rule is None and s.top is None), None)
        if sel is None:
            sel = Selection(kind)
            sc.selections.append(sel)
        have = set(sel.ids)
        new = [str(i) for i in dict.fromkeys(ids) if str(i) not in have]
        if not new:
            return 0
        sel.ids.extend(new)
        self._edit("Add candidates to scenario", "向情景添加候选", lambda: set_scenario(self.project, sc))
        return len(new)

    def add_rule(self, kind: str, rule: str, top: int | None = None) -> None:
        """Add a rule selection (``score >= 60``, ``all``) to the current scenario.

        Raises
        ------
        ProjectFileError
            The rule cannot be read.
        """
        sc = self.current()
        if sc is None:
            return
        parse_rule(rule)
        sc.selections.append(Selection(kind, rule=rule.strip(), top=top))
        self._edit("Add scenario rule", "添加情景规则", lambda: set_scenario(self.project, sc))

    def remove_selection(self, index: int) -> None:
        sc = self.current()
        if sc is not None and 0 <= index < len(sc.selections):
            del sc.selections[index]
            self._edit("Remove scenario selection", "删除情景选择", lambda: set_scenario(self.project, sc))

    # ------------------------------------------------------------------ undo
    def _edit(self, text: str, text_zh: str, mutate: Callable[[], Any]) -> None:
        """Run ``mutate`` (it validates before changing ``project.scenarios``; a ``str`` it
        returns is the scenario to make current) as one command of the project's undo stack."""
        before = (copy.deepcopy(self.project.scenarios), self.current_name)
        current = mutate()
        after = (copy.deepcopy(self.project.scenarios), current if isinstance(current, str) else self.current_name)
        if after == before:
            return
        self.ps.undo_stack.push(Command(text, lambda: self._restore(after), lambda: self._restore(before), text_zh))

    def _restore(self, snapshot: tuple[list[dict[str, Any]], str]) -> None:
        scenarios, current = snapshot
        self.project.scenarios[:] = copy.deepcopy(scenarios)
        self.events.changed()
        if current != self.current_name:
            self.current_name = current
            self.events.current_changed(name=current)

    def _on_project_replaced(self, _event=None) -> None:
        names = self.names()
        self.current_name = names[0] if names else ""
        self.events.changed()
        self.events.current_changed(name=self.current_name)
