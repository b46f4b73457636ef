"""Pause Python's cyclic garbage collector for the length of one bulk job.

Loading a county creates millions of short-lived container objects (attribute rows, numpy
object arrays of geometries, pandas blocks); every 700 of them the cyclic collector walks
the young ones, and now and then all of them. For ``greenplan analyze`` on the benchmark
county that was 0.2-0.35 s of pure overhead, spent holding the GIL while the indicator
threads wait. The job's objects are freed by reference counting as usual; only cycles wait
until the collector runs again after the job.

Not used around map rendering: matplotlib figures are full of cycles.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_depth = 0
_was_enabled = True


@contextmanager
def paused_gc() -> Iterator[None]:
    """Cyclic GC off inside the block (nested and concurrent blocks allowed).

    Examples
    --------
    >>> with paused_gc():
    ...     gc.isenabled()
    False
    >>> gc.isenabled()
    True
    """
    global _depth, _was_enabled
    with _lock:
        if _depth == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0 and _was_enabled:
                # the job's surviving objects all sit in the youngest generation: the first
                # collection after enable() would scan every one of them (0.2 s after an
                # analysis of county M). Moving them to the oldest generation (freeze,
                # then unfreeze) costs nothing; they are looked at in the next full
                # collection, as long-lived objects are.
                gc.freeze()
                gc.unfreeze()
                gc.enable()
