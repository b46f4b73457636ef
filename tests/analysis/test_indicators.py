"""compute_indicators as a whole: document shape, missing inputs, CRS rules, features, cancel."""

from __future__ import annotations

import datetime as dt
import json

import geopandas as gpd
import pytest
import shapely

from greenplan.analysis.indicators import compute_indicators
from greenplan.analysis.result import KEYS
from greenplan.core.errors import Canceled, CRSError
from greenplan.core.feedback import Feedback
from greenplan.core.settings import AnalysisSettings

X0, Y0 = 520_000.0, 3_330_000.0
CRS = "EPSG:4544"
OBJECT_KEYS = {"value", "unit", "numerator_m2", "denominator_m2", "method", "threshold", "grade", "pass", "notes"}


def sq(x, y, w, h=None):
    h = w if h is None else h
    return shapely.box(X0 + x, Y0 + y, X0 + x + w, Y0 + y + h)


def gdf(geoms, crs=CRS, **cols):
    return gpd.GeoDataFrame(cols, geometry=gpd.GeoSeries(geoms, crs=crs), crs=crs)


@pytest.fixture
def county():
    return {
        "admin_units": gdf([sq(-50, -50, 100, 300), sq(50, -50, 300, 300)], code=["640101001", "640101002"], name=["城关街道", "青龙镇"], population=[100, 20]),
        "built_up_area": gdf([sq(0, 0, 100)]),
        "urban_boundary": gdf([sq(0, 0, 120, 100)]),
        "ecological_redline": gdf([sq(200, 0, 50)], name=["水源涵养"]),
        "permanent_farmland": gdf([sq(200, 100, 50)]),
        "land_use": gdf(
            [sq(0, 0, 50), sq(50, 0, 50), sq(0, 50, 100, 50), sq(200, 100, 50), sq(210, 10, 10)],
            DLBM=["0701", "0301", "0601", "0101", "0601"],
        ),
        "green_space": gdf([sq(60, 60, 20)], **{"class": ["G1"]}),
        "idle_land": gdf([sq(100, 0, 10)], parcel_id=["XZ-1"], agreed_start=["2020-01-01"]),
    }


def test_document_has_every_key_and_object_field(county):
    r = compute_indicators(county, {}, AnalysisSettings(as_of=dt.date(2026, 6, 30)))
    doc = r.to_dict(project="示范县")
    text = json.dumps(doc, ensure_ascii=False, allow_nan=False)  # strict JSON: no NaN anywhere
    assert "城关街道" in text
    assert (doc["schema"], doc["project"], doc["crs"], doc["as_of"], doc["scheme"]) == (
        "greenplan.indicators/1", "示范县", "EPSG:4544", "2026-06-30", "gbt50563",
    )
    assert doc["generator"].startswith("greenplan ")
    assert tuple(doc["indicators"]) == KEYS
    for key, obj in doc["indicators"].items():
        assert OBJECT_KEYS <= set(obj), key
    assert [u["code"] for u in doc["by_unit"]] == ["640101001", "640101002"]
    assert tuple(doc["by_unit"][0]["indicators"]) == KEYS
    ind = doc["indicators"]
    # B 10,000: vegetation = 0301 2,500 + G1 400 (over the 0601 parcel) = 2,900
    assert ind["green_coverage_vector"]["value"] == pytest.approx(0.29)
    # construction in U (12,000): 0701 2,500 + 0601 5,000 = 7,500
    assert ind["urban_boundary_utilization"]["value"] == pytest.approx(7500 / 12000)
    # the 0601 parcel inside the red line: 100 of 2,500
    assert ind["eco_redline_occupation"]["value"] == pytest.approx(100 / 2500)
    assert ind["idle_land"]["value"] == 1 and ind["idle_land"]["classes"]["recover"] == 1
    # no raster given: null with a note, no crash
    assert ind["green_coverage_raster"]["value"] is None and ind["green_coverage_raster"]["notes"]
    assert set(r.features) == {"redline_occupation", "control_line_overlaps", "farmland_nonfarm_use", "farmland_greening_conflict", "idle_land"}
    assert "unknown_codes" not in r.features  # every code known here


def test_only_land_use_skips_the_rest_with_notes(county):
    r = compute_indicators({"land_use": county["land_use"]}, None, AnalysisSettings())
    for key in ("green_coverage_vector", "green_space_ratio", "park_service_coverage", "eco_redline_occupation", "idle_land", "redline_overlaps"):
        assert r.overall[key].value is None, key
        assert r.overall[key].notes, key
    assert r.by_unit == []
    assert any("idle_land" in n for n in r.notes)


def test_reprojected_lonlat_layer_gives_the_same_areas(county):
    # a layer delivered in CGCS2000 lon/lat (EPSG:4490) is reprojected by the caller first
    lonlat = county["built_up_area"].to_crs("EPSG:4490")
    back = lonlat.to_crs(CRS)
    r = compute_indicators(dict(county, built_up_area=back), None, AnalysisSettings())
    assert r.overall["green_coverage_vector"].denominator_m2 == pytest.approx(10000.0, rel=1e-6)
    with pytest.raises(CRSError) as e:
        compute_indicators(dict(county, built_up_area=lonlat), None, AnalysisSettings())
    assert "built_up_area" in e.value.message("en") and "EPSG:4490" in e.value.message("zh")


def test_layers_in_different_crs_raise(county):
    other = county["green_space"].set_crs("EPSG:4545", allow_override=True)
    with pytest.raises(CRSError):
        compute_indicators(dict(county, green_space=other), None, AnalysisSettings())


def test_cancel_stops_the_run(county):
    fb = Feedback()
    fb.cancel()
    with pytest.raises(Canceled):
        compute_indicators(county, None, AnalysisSettings(), feedback=fb)


def test_scheme_eco_garden_city(county):
    r = compute_indicators(county, None, AnalysisSettings(scheme="eco_garden_city"))
    ind = r.overall["green_coverage_vector"]
    assert ind.threshold == {"pass": 0.43} and ind.passed is False
    assert r.to_dict()["scheme"] == "eco_garden_city"


def test_land_use_without_code_field_raises(county):
    from greenplan.core.errors import MissingFieldError

    with pytest.raises(MissingFieldError) as e:
        compute_indicators(dict(county, land_use=county["land_use"].rename(columns={"DLBM": "DLBM_2023"})), None, AnalysisSettings())
    assert e.value.field == "DLBM" and "土地利用" in e.value.message("zh")


def test_empty_and_numeric_unit_codes(county):
    units = county["admin_units"].assign(code=[640101001.0, 640101002.0])
    r = compute_indicators(dict(county, admin_units=units, idle_land=county["idle_land"].iloc[:0]), None, AnalysisSettings())
    assert [u.code for u in r.by_unit] == ["640101001", "640101002"]
    assert r.overall["idle_land"].value is None  # an empty layer counts as missing
