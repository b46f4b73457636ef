"""Fixtures of the region tests: a sample region of three demo-size counties (written once
per session, on the cluster), a copy per test that changes it, and a Dask LocalCluster of two
single-threaded workers shared by the tests that do not kill a worker."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def region_src(tmp_path_factory: pytest.TempPathFactory, engine) -> Path:
    """Folder with three distinct demo counties and the region file (do not modify: copy),
    written on the cluster's two workers."""
    from greenplan.sample.region import REGION_FILE, generate_region

    folder = tmp_path_factory.mktemp("region src")
    generate_region(3, folder, size="demo", executor=engine.executor())
    assert (folder / REGION_FILE).is_file()
    return folder


@pytest.fixture
def region_copy(region_src: Path, tmp_path: Path) -> Path:
    """A copy of the sample region this test may change; returns its region file."""
    from greenplan.sample.region import REGION_FILE

    dst = tmp_path / "区域 数据"
    shutil.copytree(region_src, dst)
    return dst / REGION_FILE


@pytest.fixture(scope="session")
def engine():
    """A LocalCluster of 2 workers × 1 thread (closed at the end of the session)."""
    from greenplan.jobs.region.engine import DaskEngine

    eng = DaskEngine(workers=2)
    yield eng
    eng.close()
