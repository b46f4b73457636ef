"""Thread-safe building blocks of the indicator run: compute-once caches, private prepared
geometries, STRtrees ready for concurrent queries.

The indicators share unions, clips and overlap masks, and run on several threads (shapely
releases the GIL inside GEOS). Three GEOS facts decide what is safe:

- A *prepared* geometry builds its indexes lazily and is not thread-safe
  (libgeos/geos#825). Shared geometries are therefore never prepared in place:
  :func:`prepared_copy` gives each thread its own prepared copy.
- shapely builds an ``STRtree``'s index when the tree is made (a dummy query in its
  constructor), so a tree, once made, may be queried from any thread.
- Plain (unprepared) operations only read their inputs and are safe to run at once.

Everything else shared is a Python value built once: :class:`OnceCache` lets the first
caller build it while later callers of the same key wait for that value.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

import numpy as np
import shapely

T = TypeVar("T")


class OnceCache:
    """Values built once per key, also when several threads ask at the same time.

    The first caller of a key runs ``build()``; callers of the same key meanwhile wait for
    it and get the same object; callers of other keys are not held up. A build that raises
    stores nothing (the next caller tries again). Builds must not depend on themselves.

    Examples
    --------
    >>> c = OnceCache()
    >>> c.get("a", lambda: [1])
    [1]
    >>> c.get("a", lambda: [2])
    [1]
    >>> "a" in c, len(c)
    (True, 1)
    """

    __slots__ = ("_values", "_locks", "_guard")

    def __init__(self) -> None:
        self._values: dict[Hashable, Any] = {}
        self._locks: dict[Hashable, threading.Lock] = {}
        self._guard = threading.Lock()

    def __contains__(self, key: Hashable) -> bool:
        return key in self._values

    def __len__(self) -> int:
        return len(self._values)

    def get(self, key: Hashable, build: Callable[[], T]) -> T:
        try:
            return self._values[key]
        except KeyError:
            pass
        with self._guard:
            lock = self._locks.setdefault(key, threading.Lock())
        with lock:
            if key not in self._values:
                self._values[key] = build()
            return self._values[key]


def prepared_copy(geoms: np.ndarray) -> np.ndarray:
    """Copies of ``geoms`` (same coordinates, new GEOS objects), prepared.

    ``force_2d`` returns new geometries with the same x/y coordinates (GreenPlan's layers
    are 2D after loading), which is ~2x faster than a WKB round trip.
    """
    out = shapely.force_2d(np.asarray(geoms, dtype=object))
    shapely.prepare(out)
    return out

