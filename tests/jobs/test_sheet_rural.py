"""Townships without built-up area (#14 item 3): their sheets say why the built-up indicators
are missing and show forest cover instead; every greening sheet of the demo county says
something in every row.

Expected values come from outside the code under test: which townships have no built-up
area is measured with plain geopandas on ``demo_county.gpkg`` (the admin units against the
built-up area layer); the forest values are those of the ``indicators.json`` that
``greenplan analyze`` writes, read back from the file; the words are the issue's
(``不适用（本乡镇无建成区）``).
"""

from __future__ import annotations

import copy
import json
import shutil
import subprocess
from dataclasses import replace

import geopandas as gpd
import pytest

from greenplan.analysis.wording import format_value
from greenplan.core.project import read_project
from greenplan.core.resources import sample_dir
from greenplan.jobs.analyze import run_analyze
from greenplan.jobs.export import export_map, load_map_data
from greenplan.jobs.sheet import township_sheet, with_baseline
from greenplan.render import panels
from greenplan.render.themes import get_theme

DEMO = sample_dir() / "demo_county.greenplan.toml"
NA = "不适用（本乡镇无建成区）"
BUILT_UP = ("green_coverage_vector", "green_coverage_raster", "green_space_ratio", "park_green_per_capita",
            "park_service_coverage")
FOREST = ("forest_coverage", "forest_grass_coverage")
needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")


def without(layer: str) -> set[str]:
    """Names of the demo townships that ``layer`` does not reach, by plain geopandas."""
    gpkg = DEMO.parent / "demo_county.gpkg"
    admin = gpd.read_file(gpkg, layer="admin_units").to_crs("EPSG:4544")
    b = gpd.read_file(gpkg, layer=layer).to_crs("EPSG:4544").union_all()
    return {n for n, g in zip(admin["name"], admin.geometry, strict=True) if g.intersection(b).area == 0}


@pytest.fixture(scope="module")
def rural() -> set[str]:
    """Names of the demo townships with no built-up area."""
    return without("built_up_area")


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """(indicators.json as written by analyze, the output folder, map data for the greening sheets)."""
    out = tmp_path_factory.mktemp("rural") / "analysis"
    project, _ = read_project(DEMO)
    run_analyze(project, out)
    doc = json.loads((out / "indicators.json").read_text(encoding="utf-8"))
    return doc, out, load_map_data(project, [get_theme("greening")], doc=doc)


def drawn(spec) -> list[tuple[str, str, str]]:
    """(key, value text, evaluation text) of each row the sheet's table draws."""
    rows = panels.indicator_rows({"indicators": spec.indicators}, spec.theme.indicators)
    return [(k, *panels.format_indicator(obj, k)[:2]) for k, obj in rows]


def test_the_demo_county_has_eight_rural_townships(rural, demo) -> None:
    doc, _, _ = demo
    assert len(rural) == 8 and len(doc["by_unit"]) == 12
    for u in doc["by_unit"]:
        reasons = {u["indicators"][k].get("not_applicable") for k in BUILT_UP}
        assert reasons == ({"no_built_up"} if u["name"] in rural else {None}), u["name"]


@pytest.mark.parametrize(("key", "layer", "reason"), [("urban_boundary_utilization", "urban_boundary", "no_urban_boundary"),
                                                      ("eco_redline_occupation", "ecological_redline", "no_redline")])
def test_a_township_without_the_measured_layer_is_not_applicable(demo, key, layer, reason) -> None:
    doc, _, _ = demo
    none = without(layer)
    assert none  # the demo has such townships (东城街道 has no red line; rural townships no urban boundary)
    for u in doc["by_unit"]:
        ind = u["indicators"][key]
        assert ind.get("not_applicable") == (reason if u["name"] in none else None), u["name"]
        assert (ind["value"] is None) == (u["name"] in none)


def test_every_greening_sheet_says_something_in_every_row(rural, demo) -> None:
    doc, _, data = demo
    theme = get_theme("greening")
    assert set(FOREST) <= set(theme.indicators)
    for u in doc["by_unit"]:
        rows = drawn(township_sheet(data, theme, u["code"]))
        assert [k for k, _, _ in rows] == list(theme.indicators)
        assert all(value != "—" for _, value, _ in rows), (u["name"], rows)
        values = dict((k, v) for k, v, _ in rows)
        for key in FOREST:  # the file's value, in the shared formatter's words (a ratio: two decimals, %)
            v = u["indicators"][key]["value"]
            assert values[key] == format_value(v, "ratio") == f"{100 * v:.2f}%"
        if u["name"] in rural:
            assert [values[k] for k in BUILT_UP] == [NA] * 5
        else:
            assert NA not in values.values()


def test_a_document_without_the_reason_is_marked_from_the_built_up_layer(rural, demo) -> None:
    doc, _, data = demo
    old = copy.deepcopy(doc)  # as written before the analysis gave the reason
    for u in old["by_unit"]:
        for ind in u["indicators"].values():
            ind.pop("not_applicable", None)
    old_data = replace(data, doc=old)
    for u in old["by_unit"]:
        values = {k: v for k, v, _ in drawn(township_sheet(old_data, get_theme("greening"), u["code"]))}
        assert (values["green_space_ratio"] == NA) == (u["name"] in rural), u["name"]


def test_the_tables_say_the_same_words(demo) -> None:
    import openpyxl

    from greenplan.app.indicator_view import indicator_rows

    doc, out, _ = demo
    jin = next(u for u in doc["by_unit"] if u["name"] == "金山镇")
    ws = openpyxl.load_workbook(out / "indicators.xlsx")["分乡镇"]
    rows = {r[1]: r for r in ws.iter_rows(min_row=4, values_only=True)}
    keys = list(doc["indicators"])
    assert rows["金山镇"][2 + keys.index("green_coverage_vector")] == NA
    assert rows["金山镇"][2 + keys.index("forest_coverage")] == pytest.approx(jin["indicators"]["forest_coverage"]["value"])
    csv = (out / "indicators.csv").read_text(encoding="utf-8-sig")
    assert any(line.startswith("unit,510123007,金山镇,green_space_ratio,") and line.endswith(NA) for line in csv.splitlines())
    gui = {r["key"]: r["value"] for r in indicator_rows(jin["indicators"], "zh")}
    assert gui["park_green_per_capita"] == NA


def test_the_scenario_change_and_a_rural_townships_scenario_rows() -> None:
    before = {"green_space_ratio": {"value": None, "unit": "ratio", "not_applicable": "no_built_up"},
              "eco_redline_occupation": {"value": 0.4417, "unit": "ratio"},
              "park_green_per_capita": {"value": 22.79, "unit": "m²/person"}}
    after = {"green_space_ratio": {"value": None, "unit": "ratio"},
             "eco_redline_occupation": {"value": 0.4417, "unit": "ratio"},
             "park_green_per_capita": {"value": 24.24, "unit": "m²/person"}}
    rows = with_baseline(after, before)
    assert rows["green_space_ratio"]["not_applicable"] == "no_built_up"  # does not apply after either
    assert rows["eco_redline_occupation"]["delta"] == 0
    assert rows["park_green_per_capita"]["delta"] == pytest.approx(1.45)
    # the desktop app's scenario table of the townships says it once
    from greenplan.app.candidate_view import before_after

    assert before_after({"unit": "ratio", "before": None, "after": None, "not_applicable": "no_built_up"}) == NA


@needs_poppler
def test_a_rural_greening_pdf_prints_forest_cover_and_the_reason(demo, tmp_path) -> None:
    doc, _, _ = demo
    jin = next(u for u in doc["by_unit"] if u["name"] == "金山镇")
    pdf = tmp_path / "金山镇.pdf"
    export_map(DEMO, pdf, theme="greening", unit="金山镇", paper="A3", dpi=30)
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    lines = [line for line in text.splitlines() if "森林覆盖率" in line]
    value = f"{100 * jin['indicators']['forest_coverage']['value']:.2f}%"
    assert len(lines) == 1 and value in lines[0]
    assert text.count(NA) == 5
