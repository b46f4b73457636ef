"""A small event system for the Qt-free models (napari ``utils/events`` in miniature).

A model owns an :class:`EmitterGroup` (``model.events``); each event is an
:class:`EventEmitter` that listeners ``connect`` to and the model calls with keyword
payload. A listener receives one :class:`Event` whose attributes are that payload
(``event.key``, ``event.dirty`` ...), plus ``event.type`` and ``event.source``.

Bound methods are held by weak reference, as napari does: a widget that is deleted stops
listening without disconnecting (a Qt signal does the same for a deleted ``QObject``).
Plain functions and lambdas are held strongly. A listener's exception propagates to the
caller of the edit, so a broken binder fails its test instead of being logged and skipped.

Examples
--------
>>> events = EmitterGroup(source=None, layer_changed=("key",))
>>> seen = []
>>> _ = events.layer_changed.connect(lambda e: seen.append((e.type, e.key)))
>>> events.layer_changed(key=3)
>>> seen
[('layer_changed', 3)]
>>> with events.layer_changed.blocker():
...     events.layer_changed(key=4)
>>> seen
[('layer_changed', 3)]
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import MethodType, SimpleNamespace
from typing import Any


class Event(SimpleNamespace):
    """What a listener receives: ``type`` (the event's name), ``source`` and the payload."""


class EventEmitter:
    """One event of a model: listeners connect to it; the model calls it with the payload.

    Parameters
    ----------
    name : str
        The event's name (``Event.type``).
    source : object
        The model that emits it (``Event.source``).
    fields : tuple of str
        The payload's names; an emit with other names raises ``TypeError`` (a typo in a
        model would otherwise reach the widgets as a missing attribute).
    """

    def __init__(self, name: str, source: Any = None, fields: tuple[str, ...] = ()) -> None:
        self.name = name
        self.source = source
        self.fields = tuple(fields)
        self._listeners: list[Callable[[], Callable[[Event], Any] | None]] = []
        self._blocked = 0

    def connect(self, callback: Callable[[Event], Any]) -> Callable[[Event], Any]:
        """Call ``callback(event)`` on each emit (bound methods are held weakly); returns it."""
        if isinstance(callback, MethodType):
            ref: Callable[[], Any] = weakref.WeakMethod(callback)
        else:
            ref = lambda cb=callback: cb  # noqa: E731 - a strong "reference" with the weakref call shape
        self._listeners.append(ref)
        return callback

    def disconnect(self, callback: Callable[[Event], Any] | None = None) -> None:
        """Stop calling ``callback`` (None: every listener)."""
        if callback is None:
            self._listeners.clear()
        else:
            self._listeners = [r for r in self._listeners if r() not in (None, callback)]

    @property
    def callbacks(self) -> list[Callable[[Event], Any]]:
        """The live listeners, in the order they connected."""
        return [cb for cb in (r() for r in self._listeners) if cb is not None]

    def __call__(self, **payload: Any) -> None:
        unknown = set(payload) - set(self.fields)
        missing = set(self.fields) - set(payload)
        if unknown or missing:
            raise TypeError(f"event {self.name!r} takes {self.fields}, got {tuple(payload)}")
        if self._blocked:
            return
        self._listeners = [r for r in self._listeners if r() is not None]
        event = Event(type=self.name, source=self.source, **payload)
        for cb in self.callbacks:
            cb(event)

    @contextmanager
    def blocker(self) -> Iterator[None]:
        """No emits inside the block (a binder setting a widget from the model, say)."""
        self._blocked += 1
        try:
            yield
        finally:
            self._blocked -= 1


class EmitterGroup:
    """A model's events, by name: ``EmitterGroup(source, dirty_changed=("dirty",), ...)``."""

    def __init__(self, source: Any = None, **events: tuple[str, ...]) -> None:
        self._emitters: dict[str, EventEmitter] = {}
        for name, fields in events.items():
            self._emitters[name] = EventEmitter(name, source, fields)
            setattr(self, name, self._emitters[name])

    def __iter__(self) -> Iterator[str]:
        return iter(self._emitters)

    def __getitem__(self, name: str) -> EventEmitter:
        return self._emitters[name]

    def connect(self, callback: Callable[[Event], Any]) -> None:
        """``callback`` hears every event of the group (``event.type`` tells which)."""
        for emitter in self._emitters.values():
            emitter.connect(callback)

    @contextmanager
    def blocker(self) -> Iterator[None]:
        """No event of the group is emitted inside the block."""
        for emitter in self._emitters.values():
            emitter._blocked += 1
        try:
            yield
        finally:
            for emitter in self._emitters.values():
                emitter._blocked -= 1
