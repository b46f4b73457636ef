"""The scenarios of the open project as the panels see them (STYLE rule 5).

Scenarios live in ``project.scenarios`` (the ``[[scenarios]]`` tables of the project file);
every change here goes through :func:`greenplan.core.scenario.set_scenario` (which
validates it) and marks the project changed, so the normal save writes it. The widgets
call these setters and listen to :attr:`ScenarioModel.changed`.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from greenplan.core.errors import GreenplanError, ProjectFileError
from greenplan.core.scenario import (
    Scenario,
    Selection,
    parse_rule,
    scenarios_from_project,
    set_scenario,
)


class ScenarioModel(QObject):
    """Scenario list, the current one, and edits of it (see module docstring).

    Signals
    -------
    changed()
        A scenario was added, removed, renamed or edited, or the project was replaced.
    current_changed(str)
        Another scenario is current (``""``: none).
    """

    changed = Signal()
    current_changed = Signal(str)

    def __init__(self, project_model, parent=None) -> None:
        super().__init__(parent)
        self.pm = project_model
        self.current_name = ""
        self.error: GreenplanError | None = None  # the project file's scenarios could not be read
        project_model.project_replaced.connect(self._on_project_replaced)

    @property
    def project(self):
        return self.pm.project

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
            self.current_changed.emit(name)

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
        self._store(sc)
        self.set_current(name)
        return sc

    def remove(self, name: str) -> None:
        before = len(self.project.scenarios)
        self.project.scenarios[:] = [d for d in self.project.scenarios if not (isinstance(d, dict) and d.get("name") == name)]
        if len(self.project.scenarios) != before:
            self.pm.set_dirty(True)
            if self.current_name == name:
                names = self.names()
                self.set_current(names[0] if names else "")
            self.changed.emit()

    def set_description(self, text: str) -> None:
        sc = self.current()
        if sc is not None and sc.description != text:
            sc.description = text
            self._store(sc)

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
        self._store(sc)
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
        self._store(sc)

    def remove_selection(self, index: int) -> None:
        sc = self.current()
        if sc is not None and 0 <= index < len(sc.selections):
            del sc.selections[index]
            self._store(sc)

    def _store(self, sc: Scenario) -> None:
        set_scenario(self.project, sc)
        self.pm.set_dirty(True)
        self.changed.emit()

    def _on_project_replaced(self) -> None:
        names = self.names()
        self.current_name = names[0] if names else ""
        self.changed.emit()
        self.current_changed.emit(self.current_name)
