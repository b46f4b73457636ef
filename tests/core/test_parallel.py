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
