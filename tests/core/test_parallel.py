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
