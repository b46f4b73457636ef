"""Faults of ``greenplan region``: a county with a broken layer is reported with the error
``greenplan analyze`` gives while the others finish; resume skips unchanged counties and
recomputes a changed one (the repaired county: its layer file's hash changed); a worker process killed mid-run still ends with every county done."""

from __future__ import annotations

import json
import os
import shutil
import signal
from pathlib import Path

import pytest

from greenplan.cli.main import main
from greenplan.core.feedback import Feedback
from greenplan.jobs.region.run import run_region


def test_broken_county_reported_then_resume(region_copy: Path, region_src: Path, engine, tmp_path: Path,
                                            capsys: pytest.CaptureFixture) -> None:
    import tomllib

    counties = tomllib.loads(region_copy.read_text(encoding="utf-8"))["counties"]
    broken = region_copy.parent / counties[1]["project"]
    gpkg = broken.parent / "demo_county.gpkg"
    gpkg.write_bytes(b"this is not a GeoPackage" * 100)

    # what analyze says about that county alone
    rc_alone = main(["analyze", str(broken), "--out", str(tmp_path / "alone"), "--quiet"])
    err_alone = capsys.readouterr().err
    assert rc_alone == 2

    out = tmp_path / "out"
    first = run_region(region_copy, out, engine=engine, overview=False)
    assert first.exit_code == 1
    status = {c["code"]: c["status"] for c in first.counties}
    assert status == {counties[0]["code"]: "done", counties[1]["code"]: "failed", counties[2]["code"]: "done"}
    failed = first.failed[0]
    assert failed["error"]["exit_code"] == rc_alone
    assert failed["error"]["message_zh"] in err_alone and failed["error"]["message_en"] in err_alone
    assert failed["error"]["message_zh"] in first.summary()
    for c in first.counties:
        assert (out / c["folder"] / "indicators.json").is_file() == (c["status"] == "done")
    doc = json.loads((out / "region.json").read_text(encoding="utf-8"))
    assert doc["summary"]["failed"] == 1 and doc["counties"][1]["error"]["exit_code"] == 2
    assert not list(out.rglob("*.tmp*")) and not (out / ".greenplan-region").exists()

    # fix the broken county: resume recomputes it alone
    shutil.copy2(region_src / counties[1]["project"].split("/")[0] / "demo_county.gpkg", gpkg)
    stamps = {c["folder"]: (out / c["folder"] / "indicators.json").stat().st_mtime_ns
              for c in first.counties if c["status"] == "done"}
    second = run_region(region_copy, out, engine=engine, overview=False, resume=True)
    assert second.exit_code == 0
    assert [c["skipped"] for c in second.counties] == [True, False, True]
    assert [c["status"] for c in second.counties] == ["done"] * 3
    for folder, ns in stamps.items():
        assert (out / folder / "indicators.json").stat().st_mtime_ns == ns  # not rewritten
    assert second.counties[0]["document"] == first.counties[0]["document"]


class _KillOnFirst(Feedback):
    """Kills the process of a busy worker when the first county has finished."""

    def __init__(self, engine) -> None:
        super().__init__()
        self.engine = engine
        self.killed: int | None = None

    def set_progress(self, percent: float) -> None:
        super().set_progress(percent)
        if percent > 0 and self.killed is None:
            pids = self.engine.worker_pids()
            busy = [addr for addr, keys in self.engine.client.processing().items() if keys]
            addr = busy[0] if busy else next(iter(pids))
            self.killed = pids[addr]
            os.kill(self.killed, getattr(signal, "SIGKILL", signal.SIGTERM))  # Windows: TerminateProcess


def test_worker_killed_mid_run(region_src: Path, engine, tmp_path: Path) -> None:
    from greenplan.sample.region import REGION_FILE

    before = set(engine.worker_pids().values())
    fb = _KillOnFirst(engine)
    result = run_region(region_src / REGION_FILE, tmp_path / "out", engine=engine, overview=False, feedback=fb)
    assert fb.killed in before
    import psutil  # a dependency of distributed

    assert not psutil.pid_exists(fb.killed) or psutil.Process(fb.killed).status() == psutil.STATUS_ZOMBIE
    assert result.exit_code == 0
    assert [c["status"] for c in result.counties] == ["done"] * 3
    for c in result.counties:
        assert json.loads((tmp_path / "out" / c["folder"] / "indicators.json").read_text(encoding="utf-8"))["indicators"]
    engine.client.wait_for_workers(2, timeout=60)  # the nanny restarted the killed worker: the cluster is whole again
    assert len(set(engine.worker_pids().values()) - before) == 1


class _CancelOnFirst(Feedback):
    """Cancels the run (as Ctrl+C does) once the first county has finished."""

    def set_progress(self, percent: float) -> None:
        super().set_progress(percent)
        if percent > 0:
            self.cancel()


def test_cancel_keeps_finished_counties_and_no_partial_files(region_src: Path, engine, tmp_path: Path) -> None:
    from greenplan.core.errors import Canceled
    from greenplan.sample.region import REGION_FILE

    out = tmp_path / "out"
    with pytest.raises(Canceled):
        run_region(region_src / REGION_FILE, out, engine=engine, overview=False, feedback=_CancelOnFirst())
    assert not (out / ".greenplan-region").exists()
    assert not (out / "region.json").exists()  # the summary is written only by a finished run
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["counties"]
    assert 1 <= len(manifest) < 3 and {e["status"] for e in manifest.values()} == {"done"}
    for folder in manifest:  # every finished county complete
        doc = json.loads((out / folder / "indicators.json").read_text(encoding="utf-8"))
        assert doc["indicators"] and (out / folder / "indicators.xlsx").stat().st_size > 0
