"""``greenplan region`` on a LocalCluster of two workers: every county's figures equal those of
``greenplan analyze`` run on that county alone; the summary files reopen; the sample region's
counties are distinct and lie side by side."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pyogrio
import pytest
import shapely

from greenplan.cli.main import main


def test_sample_region_counties_are_distinct(region_src: Path) -> None:
    import tomllib

    from greenplan.sample.region import REGION_FILE

    doc = tomllib.loads((region_src / REGION_FILE).read_text(encoding="utf-8"))
    counties = doc["counties"]
    assert len(counties) == 3
    assert len({c["code"] for c in counties}) == len({c["name"] for c in counties}) == 3
    outlines = []
    for c in counties:
        project = region_src / c["project"]
        assert project.is_file()
        gpkg = project.parent / "demo_county.gpkg"
        admin = pyogrio.read_dataframe(gpkg, layer="admin_units")
        assert all(str(code).startswith(c["code"]) for code in admin["code"])
        assert c["name"] in project.read_text(encoding="utf-8")
        outlines.append(shapely.union_all(admin.geometry.values))
    # different seeds: different shapes, and each county on its own place
    assert outlines[0].area != outlines[1].area != outlines[2].area
    for i in range(3):
        for j in range(i + 1, 3):
            assert not outlines[i].intersects(outlines[j])


def test_region_figures_equal_analyze_alone(region_src: Path, engine, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    from greenplan.jobs.region.run import run_region
    from greenplan.sample.region import REGION_FILE

    out = tmp_path / "地区 成果"
    result = run_region(region_src / REGION_FILE, out, engine=engine)
    assert result.exit_code == 0, result.summary()
    assert result.workers == 2
    doc = json.loads((out / "region.json").read_text(encoding="utf-8"))
    assert doc["schema"] == "greenplan.region/1"
    assert doc["summary"] == {"counties": 3, "done": 3, "failed": 0, "skipped": 0}
    # one single-threaded worker per core: each county task kept to its one core
    assert [c["worker"]["threads"] for c in doc["counties"]] == [1, 1, 1]
    # greenplan analyze on each county alone, each in its own process (the cluster's workers)
    runs = {c["code"]: engine.executor().submit(main, ["analyze", c["project_file"], "--out",
                                                        str(tmp_path / "alone" / c["code"]), "--quiet"])
            for c in doc["counties"]}
    assert {code: f.result() for code, f in runs.items()} == {code: 0 for code in runs}
    alone = {code: json.loads((tmp_path / "alone" / code / "indicators.json").read_text(encoding="utf-8"))
             for code in runs}
    for c in doc["counties"]:
        ref = alone[c["code"]]
        assert c["indicators"].keys() == ref["indicators"].keys()
        for key, obj in ref["indicators"].items():
            assert c["indicators"][key]["value"] == obj["value"], (c["code"], key)
            assert c["indicators"][key].get("grade") == obj.get("grade")
        assert [u["code"] for u in c["by_unit"]] == [u["code"] for u in ref["by_unit"]]
        for u, ru in zip(c["by_unit"], ref["by_unit"], strict=True):
            for key, obj in ru["indicators"].items():
                assert u["indicators"][key]["value"] == obj["value"], (u["code"], key)
        # the county's own outputs, as analyze writes them
        folder = out / c["folder"]
        assert {"indicators.json", "indicators.xlsx", "results.gpkg", "check.json"} <= {p.name for p in folder.iterdir()}

    # the workbook: one row per county, the value and a rank computed here from analyze's values
    key = "green_coverage_vector"
    values = {code: ref["indicators"][key]["value"] for code, ref in alone.items()}
    expect_rank = {code: 1 + sum(w > v for w in values.values()) for code, v in values.items()}
    ws = load_workbook(out / "region_indicators.xlsx")["各县"]
    header = [c.value for c in ws[3]]
    col = next(i for i, h in enumerate(header) if h and h.startswith("建成区绿化覆盖率") and "等级" not in h
               and "排名" not in h and "未识别" not in h)
    rows = {r[0].value: r for r in ws.iter_rows(min_row=4) if r[0].value}
    assert set(rows) == set(values)
    for code, r in rows.items():
        assert r[col].value == pytest.approx(values[code], rel=1e-14)  # Excel keeps 15 digits
        assert r[col + 3].value == expect_rank[code]
    n_units = sum(len(ref["by_unit"]) for ref in alone.values())
    assert sum(1 for r in load_workbook(out / "region_indicators.xlsx")["各乡镇"].iter_rows(min_row=4) if r[0].value) == n_units
    csv_text = (out / "region_indicators.csv").read_text(encoding="utf-8-sig")
    assert csv_text.count("\ncounty,") == 3 * len(alone[next(iter(alone))]["indicators"])

    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert {e["status"] for e in manifest["counties"].values()} == {"done"}
    assert all(len(e["inputs"]) >= 2 for e in manifest["counties"].values())

    # the overview map: the counties and the class breaks in the legend
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", str(out / "region_overview.pdf"), "-"], capture_output=True, text=True).stdout
        assert "≥ 40.00%" in text and "34.00%–36.00%" in text
        for c in doc["counties"]:
            assert c["name"] in text


def test_without_dask_says_how_to_install(region_src: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                          capsys: pytest.CaptureFixture) -> None:
    import sys

    from greenplan.sample.region import REGION_FILE

    # Dask is imported only when a cluster is opened
    code = ("import sys, greenplan.cli.main, greenplan.jobs.region.run, greenplan.jobs.batch; "
            "print('distributed' in sys.modules, 'dask' in sys.modules)")
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout.split() == ["False", "False"]
    monkeypatch.setitem(sys.modules, "distributed", None)  # import distributed -> ImportError
    rc = main(["region", str(region_src / REGION_FILE), "--out", str(tmp_path / "out"), "--quiet"])
    err = capsys.readouterr().err
    assert rc == 2
    assert 'pip install "greenplan[region]"' in err and "dask.distributed" in err


def test_a_folder_is_a_region_of_its_project_files(region_src: Path) -> None:
    import tomllib

    from greenplan.jobs.region.regionfile import load_region
    from greenplan.sample.region import REGION_FILE

    listed = tomllib.loads((region_src / REGION_FILE).read_text(encoding="utf-8"))["counties"]
    from_file = load_region(region_src / REGION_FILE)
    from_dir = load_region(region_src)
    assert from_file.name == "示范地区" and [c.code for c in from_file.counties] == [c["code"] for c in listed]
    assert from_dir.name == region_src.name
    assert sorted(c.project_file for c in from_dir.counties) == sorted(c.project_file for c in from_file.counties)
    assert all(c.project_file.is_file() for c in from_dir.counties)
