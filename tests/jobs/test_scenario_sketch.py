"""A scenario's hand-drawn sketch: storage in the project's GeoPackage and its effect on a scenario.

The town (metres from (X0, Y0), EPSG:4544): built-up area B 1000 × 1000; an existing G1 park
100 × 100 at (800, 800); permanent farmland (0, 1200)–(1000, 1500); ecological red line
(1200, 0)–(1500, 300). Expected values are computed here with plain shapely.
"""

from __future__ import annotations

import geopandas as gpd
import pyogrio
import pytest
import shapely

from greenplan.core.errors import LayerSourceError
from greenplan.core.project import read_project
from greenplan.core.scenario import SketchRef, get_scenario
from greenplan.jobs.scenario import run_scenario
from greenplan.jobs.sketch import belt_polygon, read_sketch, sketch_path, write_sketch

REF = {"source": "测试 项目.sketch.gpkg", "layer": "手绘 方案"}


def town(build, folder, scenarios):
    gpkg = folder / "城区.gpkg"
    w, f = build.write, build.frame
    w(f([build.box(0, 0, 1000, 1000)]), gpkg, "built_up_area")
    w(f([build.box(800, 800, 100, 100)], **{"class": ["G1"]}), gpkg, "green_space")
    w(f([build.box(0, 1200, 1000, 300)]), gpkg, "permanent_farmland")
    w(f([build.box(1200, 0, 300, 300)]), gpkg, "ecological_redline")
    roles = ["built_up_area", "green_space", "permanent_farmland", "ecological_redline"]
    layers = [{"name": r, "source": gpkg.name, "layer": r, "role": r} for r in roles]
    return build.write_project(folder, layers, settings={"as_of": "2026-06-30"}, scenarios=scenarios)


def sketch(build, kinds, geoms):
    return build.frame(geoms, kind=kinds)


def test_sketched_pocket_park_adds_its_area_within_b(build, cn_dir, tmp_path) -> None:
    path = town(build, cn_dir, [{"name": "手绘 方案", "sketch": REF}])
    project, _ = read_project(path)
    park = build.box(850, 850, 200, 100)  # overlaps the existing park and reaches out of B
    write_sketch(project, SketchRef(**REF), sketch(build, ["pocket_park"], [park]))
    out = run_scenario(project, "手绘 方案", tmp_path / "情景")
    cov = out.document["indicators"]["green_coverage_vector"]
    b, g1 = build.box(0, 0, 1000, 1000), build.box(800, 800, 100, 100)
    before = shapely.intersection(g1, b).area / b.area
    after = shapely.intersection(shapely.union(g1, park), b).area / b.area
    assert (cov["before"], cov["after"]) == pytest.approx((before, after), rel=1e-9)
    assert cov["delta"] == pytest.approx(12_500 / 1e6, rel=1e-9)  # 150 x 100 in B minus 50 x 50 shared
    assert out.valid and out.document["selected"]["sketch"]["count"] == 1
    # the sketch reaches the output GeoPackage as class G1; the source data is untouched
    g = gpd.read_file(out.files["gpkg"], layer="scenario_greening")
    assert g["class"].tolist() == ["G1"] and g["kind"].tolist() == ["sketch_pocket_park"]
    assert out.document["scenario"]["sketch"] == REF


def test_sketch_on_permanent_farmland_makes_the_scenario_invalid(build, cn_dir, tmp_path) -> None:
    path = town(build, cn_dir, [{"name": "手绘 方案", "sketch": REF}])
    project, _ = read_project(path)
    green, built = build.box(0, 1400, 100, 200), build.box(500, 1450, 40, 100)
    write_sketch(project, SketchRef(**REF), sketch(build, ["green_space", "construction"], [green, built]))
    out = run_scenario(project, "手绘 方案", tmp_path / "情景")
    farmland = build.box(0, 1200, 1000, 300)
    expected = shapely.intersection(shapely.union(green, built), farmland).area
    assert expected == pytest.approx(10_000 + 2_000)
    assert out.document["checks"]["farmland_occupied_m2"] == pytest.approx(expected, rel=1e-9)
    assert out.document["checks"]["eco_redline_occupied_m2"] == 0
    assert not out.valid and out.document["checks"]["valid"] is False


def test_write_keeps_other_layers_and_belts_round_trip(build, cn_dir) -> None:
    path = town(build, cn_dir, [{"name": "手绘 方案", "sketch": REF}])
    project, _ = read_project(path)
    other = SketchRef(REF["source"], "远期")
    write_sketch(project, other, sketch(build, ["rooftop"], [build.box(0, 0, 10, 10)]))
    line = shapely.LineString([(build.X0, build.Y0 + 500), (build.X0 + 300, build.Y0 + 500)])
    belt = build.frame([belt_polygon(line, 20)], kind=["green_belt"], centre_wkt=[line.wkt], width_m=[20.0],
                       name=["滨河绿带"])
    write_sketch(project, SketchRef(**REF), belt)
    assert sorted(pyogrio.list_layers(sketch_path(project, other))[:, 0]) == ["手绘 方案", "远期"]
    back = read_sketch(project, get_scenario(project, "手绘 方案").sketch)
    assert back.loc[0, "kind"] == "green_belt" and back.loc[0, "class"] == "G2" and back.loc[0, "gs_share"] == 1.0
    assert back.loc[0, "width_m"] == 20.0 and back.loc[0, "name"] == "滨河绿带"
    assert shapely.equals(shapely.from_wkt(back.loc[0, "centre_wkt"]), line)
    assert back.geometry.area[0] == pytest.approx(300 * 20)
    roof = read_sketch(project, other)
    assert (roof.loc[0, "class"], roof.loc[0, "gs_share"]) == ("XG", 0.5)
    # no temporary files are left next to the project
    assert sorted(p.name for p in cn_dir.iterdir()) == ["城区.gpkg", "测试 项目.greenplan.toml", "测试 项目.sketch.gpkg"]


def test_missing_sketch_file_is_a_typed_error(build, cn_dir, tmp_path) -> None:
    project, _ = read_project(town(build, cn_dir, [{"name": "手绘 方案", "sketch": REF}]))
    with pytest.raises(LayerSourceError) as info:
        run_scenario(project, "手绘 方案", tmp_path / "o")
    assert "草图文件" in info.value.message("zh") and "sketch file" in info.value.message("en")


def test_an_unsaved_sketch_is_used_instead_of_the_file(build, cn_dir, tmp_path) -> None:
    # the desktop app runs a scenario with its edited, not yet saved sketch: no file needed
    project, _ = read_project(town(build, cn_dir, [{"name": "手绘 方案", "sketch": REF}]))
    park = build.box(100, 100, 50, 40)
    out = run_scenario(project, "手绘 方案", tmp_path / "o", sketch=sketch(build, ["pocket_park"], [park]))
    assert out.document["indicators"]["green_coverage_vector"]["delta"] == pytest.approx(2_000 / 1e6, rel=1e-9)
    assert not sketch_path(project, SketchRef(**REF)).exists()


def test_an_empty_sketch_round_trips_and_adds_nothing(build, cn_dir, tmp_path) -> None:
    from greenplan.jobs.sketch import empty_sketch

    project, _ = read_project(town(build, cn_dir, [{"name": "手绘 方案", "sketch": REF}]))
    write_sketch(project, SketchRef(**REF), empty_sketch(build.CRS))
    back = read_sketch(project, SketchRef(**REF))
    assert len(back) == 0 and back.crs == build.CRS and "gs_share" in back.columns
    out = run_scenario(project, "手绘 方案", tmp_path / "o")
    assert out.document["indicators"]["green_coverage_vector"]["delta"] == 0 and out.valid


def test_the_scenario_map_draws_the_sketch_and_counts_it_as_the_scenario_command_does(build, cn_dir, tmp_path) -> None:
    """``greenplan export`` / ``batch`` of the scenario theme: the sketched greening and
    construction are on the map, and the map's after-values equal ``greenplan scenario``'s."""
    from greenplan.jobs.export import load_map_data
    from greenplan.render.themes import get_theme

    path = town(build, cn_dir, [{"name": "手绘 方案", "sketch": REF}])
    project, _ = read_project(path)
    park, built = build.box(100, 100, 200, 100), build.box(500, 500, 100, 50)  # both inside B
    write_sketch(project, SketchRef(**REF), sketch(build, ["pocket_park", "construction"], [park, built]))
    data = load_map_data(project, [get_theme("scenario")])
    greening, construction = data.layers["scenario_greening"], data.layers["scenario_construction"]
    assert shapely.equals(shapely.union_all(greening.geometry.values), park)
    assert shapely.equals(shapely.union_all(construction.geometry.values), built)
    out = run_scenario(project, "手绘 方案", tmp_path / "情景")
    for key in ("green_coverage_vector", "green_space_ratio"):
        assert data.scenario_doc["indicators"][key]["value"] == pytest.approx(out.document["indicators"][key]["after"],
                                                                              rel=1e-12), key
    b = build.box(0, 0, 1000, 1000)
    cov = shapely.union(build.box(800, 800, 100, 100), park).intersection(b).area / b.area  # by hand
    assert data.scenario_doc["indicators"]["green_coverage_vector"]["value"] == pytest.approx(cov, rel=1e-9)
    # the scenario's GeoPackage keeps the construction too
    assert pyogrio.read_dataframe(out.files["gpkg"], layer="scenario_construction").geometry.area.sum() == \
        pytest.approx(built.area)
