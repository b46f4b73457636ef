"""``greenplan region --scheduler`` and ``greenplan batch --scheduler`` against a Dask scheduler
and two workers started here on 127.0.0.1; a worker that cannot read a path stops the run
with a message naming the worker and the path."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from greenplan.cli.main import main


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def scheduler(tmp_path_factory: pytest.TempPathFactory):
    """``dask scheduler`` and two ``dask worker ADDRESS --nthreads 1`` processes."""
    port = _free_port()
    addr = f"tcp://127.0.0.1:{port}"
    work = tmp_path_factory.mktemp("dask")
    procs = [subprocess.Popen([sys.executable, "-m", "distributed.cli.dask_scheduler", "--host", "127.0.0.1",
                               "--port", str(port), "--no-dashboard"], cwd=work,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)]
    for i in range(2):
        procs.append(subprocess.Popen([sys.executable, "-m", "distributed.cli.dask_worker", addr, "--nthreads", "1",
                                       "--no-nanny", "--name", f"w{i}", "--local-directory", str(work)], cwd=work,
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
    try:
        from distributed import Client

        with Client(addr, timeout="60s") as client:
            client.wait_for_workers(2, timeout=90)
        yield addr
    finally:
        for p in procs:  # the test's own processes; a graceful close takes seconds
            p.kill()
        for p in procs:
            p.wait(timeout=30)


def test_region_and_batch_on_a_scheduler(scheduler: str, region_src: Path, tmp_path: Path,
                                         capsys: pytest.CaptureFixture) -> None:
    from greenplan.sample.region import REGION_FILE

    out = tmp_path / "out"
    rc = main(["region", str(region_src / REGION_FILE), "--out", str(out), "--scheduler", scheduler,
               "--theme", "none", "--quiet"])
    captured = capsys.readouterr()
    assert rc == 0, captured.err
    assert "2 个工作进程" in captured.err
    doc = json.loads((out / "region.json").read_text(encoding="utf-8"))
    assert doc["summary"]["done"] == 3 and doc["settings"]["engine"] == "scheduler"
    assert len({c["worker"]["pid"] for c in doc["counties"]}) == 2  # both workers took counties
    # the figures are those of analyze on the county alone
    first = doc["counties"][0]
    assert main(["analyze", first["project_file"], "--out", str(tmp_path / "alone"), "--quiet"]) in (0, 1)
    alone = json.loads((tmp_path / "alone" / "indicators.json").read_text(encoding="utf-8"))
    assert {k: v["value"] for k, v in first["indicators"].items()} == {k: v["value"] for k, v in alone["indicators"].items()}

    # one county's township maps on the same workers
    unit = alone["by_unit"][0]["code"]
    maps = tmp_path / "maps"
    rc = main(["batch", first["project_file"], "--scheduler", scheduler, "--units", unit, "--formats", "png",
               "--dpi", "30", "--out", str(maps), "--quiet"])
    assert rc == 0, capsys.readouterr().err
    pngs = list((maps / "control_lines").glob(f"{unit}_*.png"))
    assert len(pngs) == 1 and pngs[0].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_unreadable_path_names_worker_and_path(scheduler: str, tmp_path: Path) -> None:
    from greenplan.jobs.region.engine import DaskEngine, EngineError, check_workers

    missing = tmp_path / "只在客户端" / "county.gpkg"
    engine = DaskEngine(scheduler=scheduler)
    try:
        answers = engine.probe([str(missing)], str(tmp_path))
    finally:
        engine.close()
    assert len(answers) == 2
    with pytest.raises(EngineError) as info:
        check_workers(answers)
    text = info.value.bilingual()
    assert str(missing) in text
    assert any(addr in text for addr in answers)
