"""The one place GreenPlan counts cores and creates thread and process pools.

:func:`cpu_count` is the machine's logical CPUs, :func:`cores` the threads used for CPU
work (at most 4); :func:`thread_pool` and :func:`process_pool` create every pool (process
pools start with ``spawn``, as on Windows, also on Linux).

Where the parallelism is already across processes (a batch export's worker processes, a
Dask worker running one county or one map per thread), each process keeps to a **thread
budget** (:func:`set_thread_budget`, or the ``GREENPLAN_THREADS`` environment variable):
a process of a pool with one worker per core that also spread its own work over every core
would compete with its siblings for them, which costs more than it gains.

One whole-column shapely call spread over the cores:
shapely releases the GIL inside GEOS, so an element-wise call on a large array (validity
of 100,000 parcels, a relate test of 50,000 pairs) runs on several threads by splitting the
array. :func:`split_map` does that for functions whose result is aligned with their input
(one value per element). Only plain GEOS calls belong here: prepared geometries must not
be shared between threads (see :mod:`greenplan.analysis.once`).

The chunks run on one small shared pool; a chunk never waits for anything, so callers on
any thread (the indicator pool's included) cannot deadlock it.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from concurrent.futures import Executor, ThreadPoolExecutor
from typing import Any

import numpy as np

#: arrays shorter than this are not split (thread hand-over costs more than it saves)
MIN_SPLIT = 8_000

_PREFIX = "greenplan-split"
_pool: ThreadPoolExecutor | None = None
_pool_lock = threading.Lock()


def cpu_count() -> int:
    """The machine's logical CPUs (1 when Python cannot tell)."""
    return os.cpu_count() or 1


#: the process's thread budget (None: the machine's cores); see set_thread_budget
_budget: int | None = None


def set_thread_budget(threads: int | None) -> None:
    """Limit this process's CPU threads to ``threads`` (None: no limit but the cores and
    ``GREENPLAN_THREADS``). Worker processes call it when they start a task of a pool that
    already has one worker per core.

    Examples
    --------
    >>> set_thread_budget(1); cores(), thread_budget()
    (1, 1)
    >>> set_thread_budget(None)
    """
    global _budget
    _budget = None if threads is None else max(1, int(threads))


def thread_budget() -> int | None:
    """The thread budget set for this process (:func:`set_thread_budget`, else the
    ``GREENPLAN_THREADS`` environment variable), or None."""
    if _budget is not None:
        return _budget
    env = os.environ.get("GREENPLAN_THREADS", "").strip()
    return max(1, int(env)) if env.isdigit() else None


def cores(most: int = 4) -> int:
    """Threads for CPU work: the machine's cores, at most ``most`` (default 4) and at most
    the process's :func:`thread_budget`.

    Examples
    --------
    >>> 1 <= cores() <= 4 and cores(1) == 1
    True
    """
    budget = thread_budget()
    return max(1, min(most, cpu_count(), budget if budget is not None else most))


def thread_pool(workers: int, name: str = "greenplan") -> ThreadPoolExecutor:
    """A thread pool of ``workers`` threads (at least 1) whose names start with ``name``.

    Examples
    --------
    >>> with thread_pool(2, "doc") as pool:
    ...     list(pool.map(abs, [-1, -2]))
    [1, 2]
    """
    return ThreadPoolExecutor(max_workers=max(1, int(workers)), thread_name_prefix=name)


def process_pool(workers: int, *, initializer: Callable[..., Any] | None = None,
                 initargs: tuple[Any, ...] = ()) -> Executor:
    """A pool of ``workers`` worker processes started with ``spawn`` (as on Windows)."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    return ProcessPoolExecutor(max_workers=max(1, int(workers)), mp_context=multiprocessing.get_context("spawn"),
                               initializer=initializer, initargs=initargs)


def _get_pool() -> ThreadPoolExecutor:
    global _pool
    with _pool_lock:
        if _pool is None:
            _pool = thread_pool(cores() - 1, _PREFIX)
        return _pool


def split_map(func: Callable[..., np.ndarray], *arrays: Any, min_size: int = MIN_SPLIT) -> np.ndarray:
    """``func(*arrays)`` computed in chunks on :func:`cores` threads, concatenated.

    ``func`` must be element-wise (``len(result) == len(arrays[0])``, element ``i`` from
    element ``i`` of each array) and must not itself call :func:`split_map`.

    Examples
    --------
    >>> import shapely
    >>> g = shapely.points(np.arange(10_000.0), 0.0)
    >>> bool((split_map(shapely.get_x, g) == np.arange(10_000.0)).all())
    True
    """
    n = len(arrays[0])
    k = cores()
    if k < 2 or n < min_size or threading.current_thread().name.startswith(_PREFIX):
        return func(*arrays)
    bounds = np.linspace(0, n, k + 1).astype(int)
    pool = _get_pool()
    rest = [pool.submit(func, *(a[b0:b1] for a in arrays)) for b0, b1 in zip(bounds[1:-1], bounds[2:], strict=True)]
    first = func(*(a[bounds[0]:bounds[1]] for a in arrays))
    return np.concatenate([first] + [f.result() for f in rest])
