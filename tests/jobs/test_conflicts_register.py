"""Numbered conflict patches and the register ``conflicts.csv`` / ``conflicts.xlsx`` (issue 14 item 5).

A hand-built county (two townships side by side, each 2000 × 2000 m):

- red line E: 4000 × 1000 m over both townships (y 0..1000);
- construction (0701) 100 × 50 m in 甲镇 (x 100) and 300 × 100 m in 乙镇 (x 2500), both in E:
  two red-line occupations of 5,000 m² and 30,000 m²;
- permanent farmland F: 1000 × 500 m in 乙镇 at (2500, 1400), outside E;
- green space 200 × 100 m at (2600, 1500), inside F: one greening conflict of 20,000 m².
"""

from __future__ import annotations

import csv
from pathlib import Path

import pyogrio
import pytest

from greenplan.analysis.conflicts import M2_PER_MU, register_rows
from greenplan.app.indicator_view import conflict_table
from greenplan.core.project import read_project
from greenplan.core.resources import sample_dir
from greenplan.jobs.analyze import run_analyze

HX_RULE = "生态保护红线内禁止开发性、生产性建设活动（自然资发〔2022〕142号）"
NT_RULE = "永久基本农田不得绿化造林（国办发明电〔2020〕24号）"


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory):
    from tests.conftest import box, frame, write, write_project

    folder = tmp_path_factory.mktemp("冲突 登记")
    gpkg = folder / "县.gpkg"
    write(frame([box(0, 0, 2000, 2000), box(2000, 0, 2000, 2000)], name=["甲镇", "乙镇"], code=["1", "2"],
                population=[1000, 1000]), gpkg, "admin_units")
    write(frame([box(0, 0, 4000, 1000)]), gpkg, "ecological_redline")
    write(frame([box(2500, 1400, 1000, 500)]), gpkg, "permanent_farmland")
    write(frame([box(100, 100, 100, 50), box(2500, 100, 300, 100), box(0, 1500, 100, 100)],
                DLBM=["0701", "0701", "0301"], BSM=["a", "b", "c"]), gpkg, "land_use")
    write(frame([box(2600, 1500, 200, 100)], **{"class": ["G1"]}, name=["北园"]), gpkg, "green_space")
    layers = [{"name": r, "source": gpkg.name, "layer": r, "role": r}
              for r in ("admin_units", "ecological_redline", "permanent_farmland", "land_use", "green_space")]
    project, _ = read_project(write_project(folder, layers))
    return run_analyze(project, folder / "结果")


def _csv(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    assert rows[0][:3] == ["图斑编号", "冲突类型", "所在乡镇"]
    return [dict(zip(rows[1], r, strict=True)) for r in rows[2:]]


def test_register_numbers_townships_areas_and_rules(small) -> None:
    rows = _csv(small.files["conflicts_csv"])
    hx = [r for r in rows if r["patch_id"].startswith("HX-")]
    nt = [r for r in rows if r["patch_id"].startswith("NT-")]
    # numbered by township (admin layer order), then area descending
    assert [(r["patch_id"], r["township"]) for r in hx] == [("HX-001", "甲镇"), ("HX-002", "乙镇")]
    assert [float(r["area_m2"]) for r in hx] == pytest.approx([5000.0, 30000.0])
    assert [float(r["area_mu"]) for r in hx] == pytest.approx([5000 / 666.6667, 30000 / 666.6667], abs=1e-3)
    assert float(hx[0]["area_mu"]) == pytest.approx(7.5) and float(hx[1]["area_mu"]) == pytest.approx(45.0)
    assert {r["rule"] for r in hx} == {HX_RULE} and {r["cause"] for r in hx} == {"construction"}
    assert [(r["patch_id"], r["township"], r["type"]) for r in nt] == [("NT-001", "乙镇", "永久基本农田绿化冲突")]
    assert float(nt[0]["area_m2"]) == pytest.approx(20000.0) and float(nt[0]["area_mu"]) == pytest.approx(30.0)
    assert nt[0]["rule"] == NT_RULE and nt[0]["cause"] == "greening_green_space"
    # the representative point lies in the patch (working CRS, EPSG:4544 metres)
    x, y = float(hx[0]["x"]), float(hx[0]["y"])
    assert 500_100 <= x <= 500_200 and 4_250_100 <= y <= 4_250_150
    assert M2_PER_MU == pytest.approx(666.6667, abs=1e-4)
    # the workbook: same rows
    from openpyxl import load_workbook

    ws = load_workbook(small.files["conflicts_xlsx"]).active
    xl = list(ws.iter_rows(min_row=2, values_only=True))
    assert [r[0] for r in xl] == [r["patch_id"] for r in rows]
    assert xl[0][2] == "甲镇" and xl[0][3] == pytest.approx(5000.0)


def test_numbers_match_results_gpkg_and_gui_table(small) -> None:
    rows = _csv(small.files["conflicts_csv"])
    gpkg_ids = []
    for layer in ("redline_occupation", "control_line_overlaps", "farmland_nonfarm_use", "farmland_greening_conflict"):
        if layer in {n for n, _ in pyogrio.list_layers(small.files["gpkg"])}:
            gpkg_ids += list(pyogrio.read_dataframe(small.files["gpkg"], layer=layer)["patch_id"])
    assert sorted(gpkg_ids) == sorted(r["patch_id"] for r in rows)
    df, geoms, layers = conflict_table(small.features, "zh")
    assert list(df.columns)[0] == "patch_id"
    numbered = [p for p in df["patch_id"] if p]
    assert sorted(numbered) == sorted(r["patch_id"] for r in rows)
    assert len(geoms) == len(df) == len(layers)


def test_demo_register_has_one_row_per_patch(tmp_path: Path) -> None:
    project, _ = read_project(sample_dir() / "demo_county.greenplan.toml")
    out = run_analyze(project, tmp_path / "演示")
    rows = _csv(out.files["conflicts_csv"])
    n = sum(len(out.features[k]) for k in register_layers() if out.features.get(k) is not None)
    assert n > 0 and len(rows) == n == len(register_rows(out.features))
    assert len({r["patch_id"] for r in rows}) == n  # unique numbers
    from openpyxl import load_workbook

    assert load_workbook(out.files["conflicts_xlsx"]).active.max_row == n + 1
    assert all(r["township"] for r in rows)  # the demo county has townships everywhere


def register_layers() -> tuple[str, ...]:
    from greenplan.analysis.conflicts import PREFIX

    return tuple(PREFIX)


def test_conflicts_map_labels_patches_with_their_numbers(small) -> None:
    """The conflicts map's styles label each patch wide enough for a label with its ``patch_id``."""
    from greenplan.render.draw import prepare_layer
    from greenplan.render.styles import resolve_style

    occ = small.features["redline_occupation"]
    extent = tuple(occ.total_bounds + [-100, -100, 100, 100])
    d = prepare_layer(occ, resolve_style("redline_occupation"), extent=extent, pixel_size=1.0, dpi=100.0)
    assert sorted(t for _, _, t, _ in d.labels) == ["HX-001", "HX-002"]
    gc = small.features["farmland_greening_conflict"]
    d = prepare_layer(gc, resolve_style("farmland_conflicts"), extent=tuple(gc.total_bounds + [-10, -10, 10, 10]),
                      pixel_size=1.0, dpi=100.0)
    assert [t for _, _, t, _ in d.labels] == ["NT-001"]
