"""The values of a layer's class column and the mapping being edited (the class-mapping dialog's model).

Fixtures are modelled on real data: OpenStreetMap land use (Geofabrik's ``fclass`` words, a
value in two spellings, a null class), 二调 codes stored as integers in a DBF (leading zero
lost), green space with OSM classes. Counts and areas are checked against plain geopandas.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest

from greenplan.core.project import read_project
from greenplan.core.settings import AnalysisSettings
from greenplan.io.class_mapping import resolve_mapping
from greenplan.jobs.class_values import (
    class_values,
    code_name,
    load_class_values,
    remap_classes,
    target_categories,
    target_choices,
)

#: OSM land use: fclass, x, width (all 1000 m tall, side by side: areas are width × 1000 m²)
OSM = [("forest", 0, 300), ("Forest", 300, 100), ("park", 400, 100), ("residential", 500, 250),
       ("nature_reserve", 750, 50), ("bus_depot", 800, 120), (None, 920, 30), ("0301", 950, 50)]


def _project(build, folder: Path, parcels, *, field: str = "fclass", classes=None, layer: str = "land_use",
             role: str = "land_use", **top) -> Path:
    gpkg = folder / "osm 地类.gpkg"
    build.write(build.frame([build.box(x, 0, w, 1000) for _, x, w in parcels], **{field: [c for c, _, _ in parcels]}),
                gpkg, layer)
    target = "DLBM" if role == "land_use" else "class"
    spec = {"name": "OSM 地类", "source": gpkg.name, "layer": layer, "role": role, "fields": {target: field}}
    if classes is not None:
        spec["classes"] = classes
    return build.write_project(folder, [spec], **top)


def _expected(path: Path, layer: str, field: str) -> pd.DataFrame:
    """Independent: plain geopandas, values case-folded, missing as ''."""
    gdf = gpd.read_file(path, layer=layer)
    key = gdf[field].astype("string").str.strip().str.casefold().fillna("")
    return pd.DataFrame({"key": key, "area": gdf.area}).groupby("key")["area"].agg(["size", "sum"])


def test_distinct_values_counts_and_areas_match_plain_geopandas(build, cn_dir: Path) -> None:
    project, _ = read_project(_project(build, cn_dir, OSM))
    cv = load_class_values(project, project.layers[0])
    expected = _expected(cn_dir / "osm 地类.gpkg", "land_use", "fclass")
    got = {r.key: (r.features, r.area_m2) for r in cv.rows}
    assert set(got) == set(expected.index)
    for key, (n, area) in got.items():
        assert n == expected.loc[key, "size"] and area == pytest.approx(expected.loc[key, "sum"])
    # Forest and forest are one value with one target, named by the spelling of the larger part
    forest = next(r for r in cv.rows if r.key == "forest")
    assert (forest.features, forest.area_m2) == (2, pytest.approx(400_000.0))
    # sorted by area, largest first; the empty value cannot be mapped
    assert [r.area_m2 for r in cv.rows] == sorted((r.area_m2 for r in cv.rows), reverse=True)
    empty = next(r for r in cv.rows if r.key == "")
    assert not empty.mappable and empty.features == 1 and "" not in cv.targets
    # by hand: only 0301 (50 × 1000 m²) is a 三调 code; 950 000 of 1 000 000 m² unknown
    assert cv.unknown_share() == pytest.approx(0.95)
    assert cv.suggested == "osm" and cv.column == "DLBM" and cv.total_area_m2 == pytest.approx(1_000_000.0)


def test_targets_under_the_osm_preset_and_what_is_saved(build, cn_dir: Path) -> None:
    project, _ = read_project(_project(build, cn_dir, OSM, classes="osm"))
    cv = load_class_values(project, project.layers[0])
    assert cv.targets == {"forest": "0301", "park": "0810", "residential": "0701", "nature_reserve": "ignore",
                          "bus_depot": None, "0301": None}
    assert not cv.changed and cv.to_classes() == "osm"
    # unknown: bus_depot (120 000 m², not in the preset) and the null class (30 000 m²)
    assert cv.unknown_share() == pytest.approx(0.15)
    assert [r.text for r in cv.unknown_rows()] == ["bus_depot", ""]
    cv.set_target("bus_depot", "1005")
    assert cv.changed and cv.unknown_share() == pytest.approx(0.03)
    saved = cv.to_classes()
    # not the preset any more: an inline table of this layer's values only, as written in the file
    assert saved == {"forest": "0301", "park": "0810", "residential": "0701", "nature_reserve": "ignore",
                     "bus_depot": "1005"}
    # the table maps both spellings of forest (the mapping compares case-folded)
    m = resolve_mapping(saved, "land_use", cn_dir)
    assert m.target("Forest") == "0301" and m.target("bus_depot") == "1005"
    cv.set_target("bus_depot", None)
    assert cv.to_classes() == "osm"
    for key in cv.targets:
        cv.set_target(key, None)
    assert cv.to_classes() is None


def test_the_share_shown_is_the_share_the_check_reports_after_saving(build, cn_dir: Path) -> None:
    from greenplan.io.loader import load_project
    from greenplan.jobs.class_check import unknown_table

    project, _ = read_project(_project(build, cn_dir, OSM))
    cv = load_class_values(project, project.layers[0])
    cv.apply_preset("osm")
    cv.set_target("residential", "nonsense")  # a target the code table does not know stays unknown
    project.layers[0].classes = cv.to_classes()
    loaded = load_project(project)
    _rows, share = unknown_table(loaded.layers[0].gdf, "land_use", project.settings)
    # residential 250 000 + bus_depot 120 000 + null 30 000 of 1 000 000 m²
    assert share == pytest.approx(0.40) and cv.unknown_share() == pytest.approx(share)


def test_the_loaded_copy_gives_the_same_values_as_the_file(build, cn_dir: Path) -> None:
    """The desktop app passes its loaded layer, mapped or not: the file's values are listed."""
    from greenplan.io.loader import load_project

    project, _ = read_project(_project(build, cn_dir, OSM, classes="osm"))
    loaded = load_project(project)
    mapped = loaded.layers[0].gdf
    assert "DLBM_source" in mapped.columns
    from_copy = load_class_values(project, project.layers[0], gdf=mapped)
    from_file = load_class_values(project, project.layers[0])
    assert [(r.key, r.features, r.area_m2) for r in from_copy.rows] == [(r.key, r.features, r.area_m2) for r in from_file.rows]
    assert from_copy.targets == from_file.targets


def test_erdiao_codes_stored_as_integers(build, cn_dir: Path) -> None:
    """A DBF number loses the leading zero: 031 is read as 31; the preset and a saved table still map it."""
    parcels = [(31, 0, 600), (111, 600, 300), (87, 900, 100)]
    project, _ = read_project(_project(build, cn_dir, parcels, field="DLBM2"))
    cv = load_class_values(project, project.layers[0])
    assert cv.numeric and [r.text for r in cv.rows] == ["31", "111", "87"]
    assert cv.unknown_share() == pytest.approx(1.0) and cv.suggested == "erdiao"
    assert cv.apply_preset("erdiao") == 3
    assert cv.targets == {"31": "0301", "111": "1101", "87": "0810"} and cv.unknown_share() == 0.0
    assert cv.to_classes() == "erdiao"
    cv.set_target("87", "0810A")
    table = cv.to_classes()
    assert table == {"31": "0301", "111": "1101", "87": "0810A"}
    mapped = remap_classes(gpd.GeoDataFrame({"DLBM": [31, 87]}, geometry=[None, None]), "land_use", table, cn_dir)
    assert list(mapped["DLBM"]) == ["0301", "0810A"] and list(mapped["DLBM_source"]) == [31, 87]


def test_green_space_with_osm_classes(build, cn_dir: Path) -> None:
    parcels = [("park", 0, 200), ("forest", 200, 500), ("pitch", 700, 100), ("G1", 800, 200)]
    project, _ = read_project(_project(build, cn_dir, parcels, layer="green_space", role="green_space"))
    cv = load_class_values(project, project.layers[0])
    assert cv.column == "class" and cv.suggested == "osm"
    assert cv.unknown_share() == pytest.approx(0.8)
    cv.apply_preset("osm")
    assert cv.targets == {"park": "G1", "forest": "EG", "pitch": "ignore", "g1": None}
    assert cv.unknown_share() == 0.0 and cv.to_classes() == "osm"


def test_a_csv_mapping_is_read_and_kept_when_nothing_changes(build, cn_dir: Path) -> None:
    (cn_dir / "映射 表.csv").write_text("source,target\nforest,0307\nbus_depot,1005\n", encoding="utf-8")
    project, _ = read_project(_project(build, cn_dir, OSM, classes="映射 表.csv"))
    cv = load_class_values(project, project.layers[0])
    assert cv.targets["forest"] == "0307" and cv.targets["bus_depot"] == "1005" and cv.targets["park"] is None
    assert not cv.changed


def test_choices_are_named_and_recognised_codes() -> None:
    from greenplan.jobs.class_check import unknown_mask

    for settings, role, must in ((AnalysisSettings(), "land_use", {"0301": "乔木林地", "0810": "公园与绿地", "05H1": "商业服务业设施用地"}),
                                 (AnalysisSettings(code_system="yongdi2023"), "land_use", {"1401": "公园绿地", "0303": "灌木林地"}),
                                 (AnalysisSettings(), "green_space", {"G1": "公园绿地", "EG12": "森林公园", "XG": "附属绿地"})):
        choices = target_choices(role, settings)
        by_code = {c.code: c for c in choices}
        for code, zh in must.items():
            assert by_code[code].zh == zh and code_name(code, role, settings) == zh
        unknown = unknown_mask(pd.Series([c.code for c in choices], dtype=object), role, settings)
        assert not unknown.any(), [c.code for c, u in zip(choices, unknown, strict=True) if u]
        assert all(c.categories for c in choices)
    # what they count as: 0301 vegetation; 0810 park green and green space; G1 park; EG the 20 % rule
    s = AnalysisSettings()
    assert target_categories("0301", "land_use", s) == ("vegetation",)
    assert target_categories("0810", "land_use", s) == ("vegetation", "park_green", "green_space")
    assert target_categories("EG", "green_space", s) == ("regional_green",)
    assert target_categories("bus_depot", "land_use", s) == ()


def test_class_values_of_a_frame_in_memory() -> None:
    """The lower-level entry: a frame, no project (used by the two above through the loader)."""
    import shapely

    gdf = gpd.GeoDataFrame({"DLBM": ["wood", "wood", "0701"]},
                           geometry=[shapely.box(0, 0, 10, 10), shapely.box(10, 0, 30, 10), shapely.box(0, 10, 10, 15)],
                           crs=4544)
    cv = class_values(gdf, "land_use", {"wood": "0307"}, AnalysisSettings())
    assert [(r.text, r.features, r.area_m2) for r in cv.rows] == [("wood", 2, 300.0), ("0701", 1, 50.0)]
    assert cv.targets == {"wood": "0307", "0701": None} and cv.unknown_share() == 0.0
    assert cv.to_classes() == {"wood": "0307"}
    # the same targets as a preset on this layer's values: saved as the preset's name
    cv.set_target("wood", "0301")
    assert cv.to_classes() == "osm"


def test_a_mapping_csv_that_is_gone_can_be_mapped_again(build, cn_dir: Path) -> None:
    from greenplan.core.errors import SettingError

    project, _ = read_project(_project(build, cn_dir, OSM, classes="不在 这里.csv"))
    cv = load_class_values(project, project.layers[0])
    assert cv.mapping_error is not None and "不在 这里.csv" in cv.mapping_error["zh"]
    assert all(t is None for t in cv.targets.values()) and cv.suggested == "osm"
    with pytest.raises(SettingError):
        class_values(None, "land_use", "不在 这里.csv", AnalysisSettings(), cn_dir)
