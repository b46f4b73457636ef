"""split_map: element-wise shapely calls in chunks on several threads, same result as one call."""

from __future__ import annotations

import threading

import numpy as np
import shapely

from greenplan.core import parallel
from greenplan.core.parallel import split_map


def test_split_result_equals_one_call(monkeypatch) -> None:
    monkeypatch.setattr(parallel, "cores", lambda: 3)
    rng = np.random.default_rng(7)
    a = shapely.buffer(shapely.points(rng.random((9_001, 2)) * 100), 1.0)
    b = shapely.buffer(shapely.points(rng.random((9_001, 2)) * 100), 1.0)
    one = shapely.relate_pattern(a, b, "T********")
    got = split_map(lambda x, y: shapely.relate_pattern(x, y, "T********"), a, b, min_size=100)
    assert got.dtype == one.dtype and np.array_equal(got, one)
    assert one.any() and not one.all()  # both outcomes occur, so an order mix-up would show


def test_chunks_run_on_other_threads(monkeypatch) -> None:
    monkeypatch.setattr(parallel, "cores", lambda: 2)
    seen = set()

    def where(x: np.ndarray) -> np.ndarray:
        seen.add(threading.get_ident())
        return x * 2

    assert np.array_equal(split_map(where, np.arange(10), min_size=1), np.arange(10) * 2)
    assert len(seen) == 2


def test_small_arrays_are_not_split(monkeypatch) -> None:
    monkeypatch.setattr(parallel, "cores", lambda: 4)
    seen = set()

    def where(x: np.ndarray) -> np.ndarray:
        seen.add(threading.get_ident())
        return x

    split_map(where, np.arange(100))
    assert seen == {threading.get_ident()}


def test_cores_and_cpu_count(monkeypatch):
    import greenplan.core.parallel as par

    monkeypatch.setattr(par.os, "cpu_count", lambda: 16)
    assert par.cpu_count() == 16 and par.cores() == 4 and par.cores(8) == 8
    monkeypatch.setattr(par.os, "cpu_count", lambda: None)  # Python cannot tell
    assert par.cpu_count() == 1 and par.cores() == 1


def test_thread_pool_names_its_threads_and_has_at_least_one():
    import threading

    from greenplan.core.parallel import thread_pool

    with thread_pool(0, "greenplan-test") as pool:
        names = list(pool.map(lambda _: threading.current_thread().name, range(3)))
    assert pool._max_workers == 1
    assert all(n.startswith("greenplan-test") for n in names)


def _pid_and_method(_):
    import multiprocessing
    import os

    return os.getpid(), multiprocessing.get_start_method()


def test_process_pool_spawns_workers_as_on_windows():
    import os

    from greenplan.core.parallel import process_pool

    with process_pool(1) as pool:
        pid, method = pool.submit(_pid_and_method, 0).result(timeout=120)
    assert pid != os.getpid() and method == "spawn"


def test_pools_are_created_only_in_core_parallel():
    """Every thread or process pool and core count comes from greenplan.core.parallel."""
    import re
    from pathlib import Path

    import greenplan

    root = Path(greenplan.__file__).parent
    pattern = re.compile(r"ThreadPoolExecutor\(|ProcessPoolExecutor\(|os\.cpu_count\(|multiprocessing\.Pool\(|get_context\(")
    found = sorted(str(p.relative_to(root)) for p in root.rglob("*.py")
                   if p.name != "parallel.py" and pattern.search(p.read_text(encoding="utf-8")))
    assert found == [], found


def test_thread_budget_caps_cores_and_the_indicator_threads(monkeypatch):
    import greenplan.core.parallel as par
    from greenplan.analysis.indicators import worker_count

    monkeypatch.setattr(par.os, "cpu_count", lambda: 8)
    monkeypatch.delenv("GREENPLAN_THREADS", raising=False)
    assert par.cores() == 4 and par.thread_budget() is None and worker_count() == 4
    monkeypatch.setenv("GREENPLAN_THREADS", "2")  # the environment variable ...
    assert par.cores() == 2 and worker_count() == 2
    try:
        par.set_thread_budget(1)  # ... and the process's own budget, which wins
        assert par.cores() == 1 and par.cores(8) == 1 and worker_count() == 1
        seen = set()

        def where(x):
            seen.add(threading.get_ident())
            return x

        split_map(where, np.arange(20_000), min_size=1)  # one thread: not split
        assert seen == {threading.get_ident()}
    finally:
        par.set_thread_budget(None)
    monkeypatch.setenv("GREENPLAN_THREADS", "many")  # not a number: ignored
    assert par.cores() == 4


def test_a_task_with_threads_holds_its_worker_process_to_them(monkeypatch):
    """Worker pools with one process per core pass ``threads`` in every task; a task run in
    the caller's own process has none and leaves the process unlimited."""
    import greenplan.core.parallel as par
    from greenplan.jobs._batch_worker import apply_thread_budget

    monkeypatch.delenv("GREENPLAN_THREADS", raising=False)
    try:
        apply_thread_budget({"unit": {}})
        assert par.thread_budget() is None
        apply_thread_budget({"threads": 1})
        assert par.thread_budget() == 1
    finally:
        par.set_thread_budget(None)


def _budget_in_worker(_):
    import greenplan.core.parallel as par

    return par.thread_budget()


def test_batch_worker_processes_share_the_cores(monkeypatch):
    """run_tasks' own pool of n processes gives each cpu_count // n threads (its initializer)."""
    import concurrent.futures as cf

    import greenplan.core.parallel as par
    from greenplan.jobs import _batch_worker as bw

    made = {}

    def fake_pool(n, initializer=None, initargs=()):
        made["n"], made["initargs"] = n, initargs
        return cf.ThreadPoolExecutor(1)

    monkeypatch.setattr(par, "process_pool", fake_pool)
    monkeypatch.setattr(par, "cpu_count", lambda: 4)
    monkeypatch.setattr(bw, "render_township", lambda t: {"unit": t["unit"], "theme": "x", "outputs": [],
                                                          "threads": t["threads"]})
    tasks = [{"unit": {"name": str(i)}, "context": {}, "outputs": []} for i in range(3)]

    class FB:
        def __getattr__(self, _name):
            return lambda *a, **k: None

    out = bw.run_tasks(tasks, None, 2, FB())
    assert made["n"] == 2 and made["initargs"][1] == 2  # 4 cores / 2 processes
    assert {r["threads"] for r in out} == {2}
    out = bw.run_tasks(tasks, cf.ThreadPoolExecutor(1), None, FB())  # an engine's workers: one each
    assert {r["threads"] for r in out} == {1}
