"""forest_coverage and forest_grass_coverage (spec v2.2): estimates from land-use codes,
informational, overall and per unit."""

from __future__ import annotations

import geopandas as gpd
import pytest
import shapely

from greenplan.analysis.codes import BASE_CATEGORIES, load_code_table
from greenplan.analysis.indicators import compute_indicators
from greenplan.core.resources import sample_dir
from greenplan.core.settings import AnalysisSettings

CRS = "EPSG:4544"
KEYS = ("forest_coverage", "forest_grass_coverage")


def _units() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({"code": ["1", "2"], "name": ["甲镇", "乙乡"]},
                            geometry=[shapely.box(0, 0, 100, 100), shapely.box(100, 0, 200, 100)], crs=CRS)


def _land_use() -> gpd.GeoDataFrame:
    parcels = [
        ("0301", (0, 0, 50, 100)),     # 乔木林地 5000 m² in 甲
        ("0303", (40, 0, 60, 50)),     # 红树林地 overlapping 0301 over 500 m²: adds 500 m²
        ("0305", (60, 0, 100, 100)),   # 灌木林地: woodland, not forest
        ("0304", (90, 50, 110, 100)),  # 森林沼泽 across the unit line: 500 m² in each unit
        ("0401", (100, 0, 150, 100)),  # 天然牧草地 in 乙
        ("0101", (150, 0, 200, 100)),  # 水田
        ("0301", (200, 0, 250, 100)),  # forest outside every unit
    ]
    return gpd.GeoDataFrame({"DLBM": [c for c, _ in parcels]},
                            geometry=[shapely.box(*b) for _, b in parcels], crs=CRS)


def test_hand_built_county_gives_the_hand_values() -> None:
    r = compute_indicators({"admin_units": _units(), "land_use": _land_use()}, None, AnalysisSettings(), keys=KEYS)
    fc, fgc = r.overall["forest_coverage"], r.overall["forest_grass_coverage"]
    # forest: 甲 5000 + 500 (0303 beyond 0301) + 500 (0304) = 6000, 乙 500 (0304); A = 20000
    assert fc.value == pytest.approx(6500 / 20000, abs=1e-12)
    assert fc.numerator_m2 == pytest.approx(6500) and fc.denominator_m2 == pytest.approx(20000)
    # woodland ∪ grass: 甲 9500 (0304 inside 0305), 乙 5000 (0304 inside 0401)
    assert fgc.value == pytest.approx(14500 / 20000, abs=1e-12)
    units = {u.name: u.indicators for u in r.by_unit}
    assert units["甲镇"]["forest_coverage"].value == pytest.approx(0.6, abs=1e-12)
    assert units["乙乡"]["forest_coverage"].value == pytest.approx(0.05, abs=1e-12)
    assert units["甲镇"]["forest_grass_coverage"].value == pytest.approx(0.95, abs=1e-12)
    assert units["乙乡"]["forest_grass_coverage"].value == pytest.approx(0.5, abs=1e-12)
    for ind in [fc, fgc, *(u.indicators[k] for u in r.by_unit for k in KEYS)]:
        d = ind.to_dict()
        assert d["grade"] is None and d["pass"] is None and d["threshold"] is None  # informational
        assert "按地类估算（不含国家特别规定灌木林地与四旁树） / estimate from land-use codes" in d["notes"]
        assert d["unit"] == "ratio" and d["unknown_share"] == 0.0


def test_without_units_a_is_the_union_of_the_land_use() -> None:
    r = compute_indicators({"land_use": _land_use()}, None, AnalysisSettings(), keys=KEYS)
    # A = [0, 250] × [0, 100] but the gap [50, 60] × [50, 100]; forest 6500 + 5000 (the parcel outside the units)
    assert r.overall["forest_coverage"].value == pytest.approx(11500 / 24500, abs=1e-12)
    assert r.overall["forest_coverage"].denominator_m2 == pytest.approx(24500)


def test_without_land_use_not_computed() -> None:
    r = compute_indicators({"admin_units": _units()}, None, AnalysisSettings(), keys=KEYS)
    assert r.overall["forest_coverage"].value is None and r.overall["forest_coverage"].notes
    assert [u.indicators["forest_coverage"].value for u in r.by_unit] == [None, None]


def test_unknown_codes_make_the_value_a_lower_bound() -> None:
    lu = _land_use()
    lu.loc[5, "DLBM"] = "9999"  # the farmland parcel of 乙: 5000 m² of 10000 unknown
    r = compute_indicators({"admin_units": _units(), "land_use": lu}, None, AnalysisSettings(), keys=KEYS)
    d = r.overall["forest_coverage"].to_dict()
    assert d["unknown_share"] == pytest.approx(0.25) and d["bound"] == "lower"
    units = {u.name: u.indicators["forest_coverage"].to_dict() for u in r.by_unit}
    assert units["甲镇"]["unknown_share"] == 0.0 and units["乙乡"]["unknown_share"] == pytest.approx(0.5)
    assert d["value"] == pytest.approx(6500 / 20000)  # the value is kept


@pytest.mark.parametrize("system", ["sandiao", "yongdi2023"])
def test_new_categories_change_no_known_or_unknown_code(system) -> None:
    from greenplan.jobs.class_values import code_names

    t = load_code_table(system)
    forest = {"sandiao": {"0301", "0302", "0303", "0304"}, "yongdi2023": {"0301", "0302"}}[system]
    for code in [*code_names(system), "9999", "03", "0399", "0405"]:
        base = t.categories_of(code)
        full = t.categories_of(code, sub=True)
        assert full[: len(base)] == base and set(full) - set(base) <= {"forest", "woodland", "grassland"}
        assert set(base) <= set(BASE_CATEGORIES)
        if set(full) - set(base):
            assert "vegetation" in base, code  # forest, woodland and grass are vegetation already
        assert ("forest" in full) == (code in forest), code
        assert ("woodland" in full) == code.startswith("03"), code
        unknown = t.classify([code]).unknown[0]
        assert unknown == (base == ()), code
    assert t.categories_of("0305", sub=True) == ("vegetation", "woodland")


def test_demo_county_forest_coverage_equals_a_plain_geopandas_computation() -> None:
    from greenplan.core.project import read_project
    from greenplan.io.loader import load_project

    project, _ = read_project(sample_dir() / "demo_county.greenplan.toml")
    loaded = load_project(project, roles=("land_use", "admin_units"), fields_only=True)
    layers = {r: loaded.vector(r) for r in ("land_use", "admin_units")}
    r = compute_indicators(layers, None, project.settings, keys=KEYS)

    gpkg = sample_dir() / "demo_county.gpkg"
    lu = gpd.read_file(gpkg, layer="land_use").to_crs(CRS)
    units = gpd.read_file(gpkg, layer="admin_units").to_crs(CRS)
    forest = lu[lu["DLBM"].astype(str).str[:4].isin(["0301", "0302", "0303", "0304"])]
    assert len(forest) > 100
    f = forest.geometry.make_valid().union_all()
    county = units.geometry.make_valid().union_all()
    assert r.overall["forest_coverage"].value == pytest.approx(f.intersection(county).area / county.area, abs=1e-9)
    by_name = {u.name: u.indicators["forest_coverage"].value for u in r.by_unit}
    assert len(by_name) == len(units) == 12
    for name, geom in zip(units["name"], units.geometry.make_valid(), strict=True):
        assert by_name[name] == pytest.approx(f.intersection(geom).area / geom.area, abs=1e-9), name
    assert r.overall["forest_grass_coverage"].value > r.overall["forest_coverage"].value
