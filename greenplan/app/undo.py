"""An undo stack of model edits, with a clean index that the dirty state follows.

The shape of Qt's ``QUndoStack`` without Qt: :meth:`UndoStack.push` runs a command's
``redo`` and keeps it; :meth:`undo` / :meth:`redo` walk the stack; :meth:`set_clean` marks
the current position as the saved one, and :attr:`is_clean` says whether the edits undone
and redone since then cancel out. Pushing after an undo drops the undone commands (and
the clean position, when it was among them: the saved state can no longer be reached).

Examples
--------
>>> box = {"name": "a"}
>>> stack = UndoStack()
>>> stack.push(Command("rename", lambda: box.update(name="b"), lambda: box.update(name="a")))
>>> box["name"], stack.is_clean
('b', False)
>>> stack.undo()
>>> box["name"], stack.is_clean
('a', True)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from greenplan.app.events import EmitterGroup


@dataclass
class Command:
    """One undoable edit: ``text`` / ``text_zh`` (what the Edit menu shows), ``redo``, ``undo``.

    ``redo`` is run by :meth:`UndoStack.push` first; when it raises, the command is not
    kept (the edit did not happen) and the exception reaches the caller.
    """

    text: str
    redo: Callable[[], Any]
    undo: Callable[[], Any]
    text_zh: str = ""

    def label(self, lang: str = "en") -> str:
        return self.text_zh if lang == "zh" and self.text_zh else self.text


class UndoStack:
    """Commands done and undone (see the module docstring).

    Events (``stack.events``)
    -------------------------
    changed(index, clean, can_undo, can_redo)
        After every push, undo, redo, clear and set_clean.
    """

    def __init__(self) -> None:
        self.commands: list[Command] = []
        self.index = 0  # commands[:index] are done
        self.clean_index: int | None = 0  # None: the saved state was dropped by a push
        self.events = EmitterGroup(self, changed=("index", "clean", "can_undo", "can_redo"))

    @property
    def is_clean(self) -> bool:
        return self.index == self.clean_index

    @property
    def can_undo(self) -> bool:
        return self.index > 0

    @property
    def can_redo(self) -> bool:
        return self.index < len(self.commands)

    @property
    def next_undo(self) -> Command | None:
        """The command :meth:`undo` would undo (its text names the Edit menu's item)."""
        return self.commands[self.index - 1] if self.can_undo else None

    @property
    def next_redo(self) -> Command | None:
        return self.commands[self.index] if self.can_redo else None

    def push(self, command: Command) -> None:
        """Do ``command`` and keep it (the commands undone before are dropped)."""
        command.redo()
        if self.clean_index is not None and self.clean_index > self.index:
            self.clean_index = None
        del self.commands[self.index:]
        self.commands.append(command)
        self.index += 1
        self._changed()

    def undo(self) -> None:
        if self.can_undo:
            self.commands[self.index - 1].undo()
            self.index -= 1
            self._changed()

    def redo(self) -> None:
        if self.can_redo:
            self.commands[self.index].redo()
            self.index += 1
            self._changed()

    def set_clean(self) -> None:
        """The current position is the saved state."""
        self.clean_index = self.index
        self._changed()

    def clear(self) -> None:
        """Forget every command (a new project); the empty stack is clean."""
        self.commands.clear()
        self.index = 0
        self.clean_index = 0
        self._changed()

    def _changed(self) -> None:
        self.events.changed(index=self.index, clean=self.is_clean, can_undo=self.can_undo, can_redo=self.can_redo)
