"""The indicator run on several threads: shared values built once, prepared geometries private
to a thread, and the same document whatever the number of threads."""

from __future__ import annotations

import json
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest
import shapely

from greenplan.analysis import indicators
from greenplan.analysis.geom import PieceSet
from greenplan.analysis.once import OnceCache, prepared_copy
from greenplan.core.project import read_project
from greenplan.core.resources import sample_dir
from greenplan.core.roles import ROLES
from greenplan.io.loader import load_project
from greenplan.jobs.analyze import INDICATOR_ROLES


def test_once_cache_builds_once_when_threads_ask_together() -> None:
    cache = OnceCache()
    calls = []
    start = threading.Barrier(6)

    def build():
        calls.append(1)
        time.sleep(0.05)  # long enough for every other thread to arrive meanwhile
        return object()

    def ask(_):
        start.wait()
        return cache.get("B", build)

    with ThreadPoolExecutor(6) as pool:
        got = list(pool.map(ask, range(6)))
    assert len(calls) == 1
    assert all(g is got[0] for g in got)


def test_once_cache_other_keys_do_not_wait() -> None:
    cache = OnceCache()
    inside = threading.Event()
    release = threading.Event()

    def slow():
        inside.set()
        release.wait(5)
        return "slow"

    with ThreadPoolExecutor(1) as pool:
        fut = pool.submit(cache.get, "a", slow)
        assert inside.wait(5)
        assert cache.get("b", lambda: "quick") == "quick"  # while "a" is still being built
        release.set()
        assert fut.result() == "slow"


def test_once_cache_failed_build_is_not_stored() -> None:
    cache = OnceCache()

    def fail():
        raise ValueError("no")

    with pytest.raises(ValueError):
        cache.get("k", fail)
    assert "k" not in cache
    assert cache.get("k", lambda: 3) == 3


def test_prepared_copies_are_private_to_a_thread() -> None:
    geoms = np.array([shapely.box(0, 0, 2, 2), shapely.box(2, 0, 4, 2)], dtype=object)
    ps = PieceSet(geoms)
    main = ps.prepared()
    assert main is ps.prepared()  # reused within a thread
    with ThreadPoolExecutor(1) as pool:
        other = pool.submit(ps.prepared).result()
    assert other is not main and all(a is not b for a, b in zip(main, other, strict=True))
    assert shapely.is_prepared(main).all() and shapely.is_prepared(other).all()
    assert shapely.equals_exact(main, geoms, tolerance=0).all()
    # the shared geometries themselves are never prepared, even after clipping with them
    assert ps.clip(PieceSet([shapely.box(1, 1, 3, 3)])).area == 2.0
    assert PieceSet([shapely.box(1, 1, 3, 3)]).clip(ps).area == 2.0
    assert PieceSet([shapely.box(1, 1, 5, 3)]).minus(ps).area == 5.0
    assert not shapely.is_prepared(ps.geoms).any()


def test_prepared_copy_keeps_coordinates() -> None:
    g = np.array([shapely.Polygon([(0.1, 0.2), (3.3, 0.2), (3.3, 4.7)], holes=[]), None], dtype=object)
    c = prepared_copy(g)
    assert c[1] is None and c[0] is not g[0]
    assert np.array_equal(shapely.get_coordinates(c[0]), shapely.get_coordinates(g[0]))


@pytest.fixture(scope="module")
def demo_inputs():
    project, _ = read_project(sample_dir() / "demo_county.greenplan.toml")
    loaded = load_project(project, roles=INDICATOR_ROLES, fields_only=True)
    layers = {r: loaded.vector(r) for r in INDICATOR_ROLES if not ROLES[r].is_raster}
    rasters = {r: loaded.raster(r) for r in INDICATOR_ROLES if ROLES[r].is_raster}
    return layers, rasters, project.settings


def _doc(result) -> str:
    return json.dumps(result.to_dict(), sort_keys=True, default=str)


def test_same_document_on_one_thread_and_on_many(demo_inputs, monkeypatch) -> None:
    layers, rasters, settings = demo_inputs
    monkeypatch.setattr(indicators, "worker_count", lambda: 1)
    one = indicators.compute_indicators(layers, rasters, settings)
    monkeypatch.setattr(indicators, "worker_count", lambda: 4)
    many = indicators.compute_indicators(layers, rasters, settings)
    assert _doc(one) == _doc(many)
    assert one.overall["green_coverage_vector"].value > 0.2  # a real run, not an empty one
    assert list(one.features) == list(many.features)
    for name, frame in one.features.items():
        assert len(frame) == len(many.features[name]), name


# rasterio 1.4 sometimes warns "Dataset has no geotransform" when two rasterize() calls
# overlap in time, though each is given its transform; the rasters are right (this test
# compares the raster coverage of both runs with a run alone)
@pytest.mark.filterwarnings("ignore:Dataset has no geotransform")
def test_two_runs_at_once_on_the_same_layers(demo_inputs) -> None:
    """The GUI may compute indicators while a scenario comparison runs: the inputs are shared."""
    layers, rasters, settings = demo_inputs
    alone = _doc(indicators.compute_indicators(layers, rasters, settings))
    with ThreadPoolExecutor(2) as pool:
        both = list(pool.map(lambda _: _doc(indicators.compute_indicators(layers, rasters, settings)), range(2)))
    assert both == [alone, alone]


def test_cancel_while_the_indicators_run(demo_inputs) -> None:
    """Cancel asked for once the indicators are queued stops the run; queued ones never start."""
    from greenplan.core.errors import Canceled
    from greenplan.core.feedback import Feedback

    layers, rasters, settings = demo_inputs

    class CancelWhenStarted(Feedback):
        def set_text(self, text: str) -> None:
            super().set_text(text)
            if text.startswith("计算指标"):  # the pool is about to start its indicators
                self.cancel()

    fb = CancelWhenStarted()
    t0 = time.perf_counter()
    with pytest.raises(Canceled):
        indicators.compute_indicators(layers, rasters, settings, feedback=fb)
    assert fb.is_canceled() and time.perf_counter() - t0 < 30
