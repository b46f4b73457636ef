"""Kinds of vegetation raster (spec v2.2 "Vegetation rasters"): each fixture is modelled on a
real product, written here with rasterio, and scored against a hand or plain-numpy count.

Grid: 10 × 10 pixels of 10 m over x 0..100, y 0..100 (EPSG:4544, from E 520000, N 3330000);
row 0 is the top. B = x 0..45: pixel columns 0–3 (centres 5..35) are inside, column 4
(centre 45, on the boundary) is outside, so "inside B" is ``[:, :4]``: 40 pixels.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import rasterio
import shapely
from rasterio.transform import from_origin

from greenplan.analysis.context import AnalysisContext
from greenplan.analysis.raster_coverage import green_coverage_raster
from greenplan.core.raster_kind import ValueSummary, VegetationOptions, decide_kind
from greenplan.core.settings import AnalysisSettings

X0, Y0 = 520_000.0, 3_330_000.0
CRS = "EPSG:4544"
INSIDE = (slice(None), slice(0, 4))
#: ESA WorldCover default vegetation (tree, shrub, grass, herbaceous wetland, mangroves, moss)
WC_VEG = [10, 20, 30, 90, 95, 100]
#: Copernicus LC100: closed and open forests, shrubs, herbaceous, herbaceous wetland, moss
LC100_VEG = [20, 30, 90, 100, 111, 112, 113, 114, 115, 116, 121, 122, 123, 124, 125, 126]


def write_tif(path, bands, *, nodata=None):
    bands = [bands] if bands.ndim == 2 else list(bands)
    with rasterio.open(path, "w", driver="GTiff", width=10, height=10, count=len(bands), dtype=bands[0].dtype,
                       crs=CRS, transform=from_origin(X0, Y0 + 100, 10, 10), nodata=nodata) as ds:
        for i, b in enumerate(bands, start=1):
            ds.write(b, i)
    return path


def layers(units=False):
    b = gpd.GeoDataFrame(geometry=[shapely.box(X0, Y0, X0 + 45, Y0 + 100)], crs=CRS)
    out = {"built_up_area": b}
    if units:  # west: columns 0–1, east: columns 2–3 of B
        out["admin_units"] = gpd.GeoDataFrame({"code": ["W", "E"]}, geometry=[
            shapely.box(X0, Y0, X0 + 20, Y0 + 100), shapely.box(X0 + 20, Y0, X0 + 100, Y0 + 100)], crs=CRS)
    return out


def coverage(tif, settings=None, units=False):
    return green_coverage_raster(AnalysisContext(layers(units), {"vegetation_raster": tif}, settings or AnalysisSettings()))


def test_canopy_percent_raster_is_a_fraction_not_worldcover(tmp_path):
    # a tree-canopy raster (Hansen-style, 0-100 %): 85 % canopy over B; outside B values that
    # happen to equal WorldCover codes (10, 20, 30, 90, 95, 100) and a 0 % column
    canopy = np.tile(np.array([85, 85, 85, 85, 10, 20, 30, 90, 95, 100], dtype="uint8"), (10, 1))
    canopy[:, 9] = 0
    canopy[0, 0] = 255  # nodata
    done = coverage(write_tif(tmp_path / "treecover 树冠.tif", canopy, nodata=255), units=True)
    ind = done.overall
    assert ind.extra["raster_kind"] == "fraction" and ind.extra["fraction_scale"] == 100.0
    assert ind.extra["landcover_product"] is None and ind.extra["raster_kind_auto"] is True
    assert ind.extra["valid_pixels"] == 39  # 40 centres inside B, one nodata
    assert ind.value == pytest.approx(0.85)  # the canopy share, not a share of "class" pixels
    assert ind.grade == "I"  # 85 % ≥ 40 %
    west, east = done.by_unit
    assert west.value == pytest.approx(0.85) and east.extra["raster_kind"] == "fraction"


def test_fraction_mean_is_the_plain_numpy_mean_over_pixel_centres_in_b(tmp_path):
    rng = np.random.default_rng(7)
    canopy = rng.integers(0, 101, size=(10, 10)).astype("uint8")
    ind = coverage(write_tif(tmp_path / "canopy.tif", canopy)).overall
    assert ind.extra["raster_kind"] == "fraction"
    assert ind.value == pytest.approx(canopy[INSIDE].mean() / 100.0)
    assert ind.extra["vegetated_pixels"] == pytest.approx(canopy[INSIDE].sum() / 100.0)


def test_worldcover_class_raster(tmp_path):
    wc = np.full((10, 10), 50, dtype="uint8")  # built-up
    wc[:, 0] = 10  # tree cover
    wc[0:4, 1] = 95  # mangroves
    wc[4:7, 2] = 40  # cropland: not vegetation
    wc[7:, 3] = 80  # water
    wc[9, 0] = 0  # no data
    ind = coverage(write_tif(tmp_path / "ESA_WorldCover_10m_2021.tif", wc, nodata=0)).overall
    inside = wc[INSIDE]
    valid = inside != 0
    expected = np.isin(inside[valid], WC_VEG).sum() / valid.sum()
    assert ind.extra["raster_kind"] == "landcover" and ind.extra["landcover_product"] == "worldcover"
    assert ind.extra["unknown_share"] == 0.0
    assert ind.value == pytest.approx(expected) == pytest.approx(13 / 39)


def test_worldcover_without_declared_nodata_leaves_its_code_0_out(tmp_path):
    wc = np.full((10, 10), 10, dtype="uint8")
    wc[:, 1] = 50
    wc[0:5, 0] = 0  # WorldCover's no-data code, the file declares none
    ind = coverage(write_tif(tmp_path / "wc_clip.tif", wc)).overall
    assert ind.extra["landcover_product"] == "worldcover"
    assert ind.extra["valid_pixels"] == 35  # 40 − 5 pixels of code 0
    assert ind.value == pytest.approx(25 / 35)
    assert any("0" in n and "no-data" in n for n in ind.notes)


def test_lc100_forest_raster_is_scored_with_lc100_classes(tmp_path):
    # a Copernicus LC100 discrete classification: B is all forest (111-126); around it
    # shrubs (20), cropland (40) and open sea (200)
    forest = np.array([111, 112, 113, 114, 115, 116, 121, 122, 123, 124, 125, 126], dtype="uint8")
    lc = np.resize(forest, (10, 10)).astype("uint8")
    lc[:, 4:7] = 40
    lc[:, 7] = 20
    lc[:, 8:] = 200
    ind = coverage(write_tif(tmp_path / "PROBAV_LC100_global_v3.0.1_2019.tif", lc)).overall
    assert ind.extra["raster_kind"] == "landcover" and ind.extra["landcover_product"] == "lc100"
    assert ind.value == pytest.approx(1.0)  # every pixel of B is forest
    assert ind.extra["vegetated_pixels"] == ind.extra["valid_pixels"] == 40


def test_lc100_mixed_uses_lc100_vegetation_classes(tmp_path):
    lc = np.full((10, 10), 50, dtype="uint8")  # urban
    lc[:, 0] = 114  # deciduous broadleaf forest
    lc[:5, 1] = 90  # herbaceous wetland
    lc[5:, 1] = 40  # cropland
    lc[:, 2] = 126  # open forest, unknown
    lc[:, 3] = 60  # bare
    ind = coverage(write_tif(tmp_path / "lc100.tif", lc)).overall
    expected = np.isin(lc[INSIDE], LC100_VEG).mean()
    assert ind.extra["landcover_product"] == "lc100"
    assert ind.value == pytest.approx(expected) == pytest.approx(25 / 40)


def test_ndvi_float_raster_unchanged(tmp_path):
    ndvi = np.full((10, 10), 0.1, dtype="float32")
    ndvi[:, :2] = 0.6
    ndvi[3, 2] = 0.3  # the threshold itself counts
    ind = coverage(write_tif(tmp_path / "ndvi.tif", ndvi)).overall
    assert ind.extra["raster_kind"] == "ndvi" and ind.extra["landcover_product"] is None
    assert "fraction_scale" not in ind.extra
    assert (ind.extra["vegetated_pixels"], ind.extra["valid_pixels"]) == (21, 40)
    assert ind.value == pytest.approx(21 / 40)


def test_raster_of_unknown_kind_is_null_with_a_note_and_no_grade(tmp_path):
    # e.g. a reflectance band or an NDVI × 10000 without ndvi_scale: integers 0-5000 that fit
    # no class list and are no 0-100 fraction
    data = (np.arange(100, dtype="int16").reshape(10, 10) * 50)
    done = coverage(write_tif(tmp_path / "band4.tif", data), units=True)
    ind = done.overall
    assert ind.value is None and ind.grade is None and ind.passed is None
    assert ind.extra["raster_kind"] is None
    assert any("vegetation_raster_kind" in n for n in ind.notes)
    assert all(u.value is None and u.grade is None for u in done.by_unit)
    assert any("vegetation_raster_kind" in n for n in done.notes)  # also in the document's notes


def test_setting_the_kind_reads_the_same_raster(tmp_path):
    data = (np.arange(100, dtype="int16").reshape(10, 10) * 50)  # 0 .. 4950
    s = AnalysisSettings(vegetation_raster_kind="ndvi", ndvi_scale=10000, ndvi_threshold=0.3)
    ind = coverage(write_tif(tmp_path / "ndvi_x10000.tif", data), s).overall
    assert ind.extra["raster_kind"] == "ndvi" and ind.extra["raster_kind_auto"] is False
    assert ind.value == pytest.approx((data[INSIDE] / 10000 >= 0.3).mean())


def test_only_class_like_values_take_worldcover_and_report_the_alternatives(tmp_path):
    data = np.resize(np.array([10, 20, 30, 40, 50, 60, 70, 80, 90, 100], dtype="uint8"), (10, 10))
    done = coverage(write_tif(tmp_path / "ambiguous.tif", data))
    ind = done.overall
    assert ind.extra["landcover_product"] == "worldcover"
    assert ind.extra["raster_kind_alternatives"] == ["landcover:esacci", "fraction"]
    assert any("fraction" in n for n in ind.notes) and done.notes


def test_product_setting_reports_values_that_are_no_class_and_stops_grading(tmp_path):
    lc = np.full((10, 10), 10, dtype="uint8")
    lc[:, 0] = 33  # no WorldCover class: 10 of 40 pixels inside B
    s = AnalysisSettings(landcover_product="worldcover")
    ind = coverage(write_tif(tmp_path / "wc.tif", lc), s).overall
    assert ind.extra["landcover_product"] == "worldcover"
    assert ind.extra["unknown_share"] == pytest.approx(0.25)
    assert ind.value == pytest.approx(0.75)  # the unknown class is not counted as vegetation
    assert ind.grade is None and ind.passed is None and ind.extra["ungraded"] == "unknown_codes"


def test_user_vegetation_classes_replace_the_product_defaults(tmp_path):
    wc = np.full((10, 10), 40, dtype="uint8")
    wc[:, 0] = 10
    wc[:, 1] = 30
    s = AnalysisSettings(vegetation_classes=[10])  # trees only
    ind = coverage(write_tif(tmp_path / "wc.tif", wc), s).overall
    assert ind.value == pytest.approx(10 / 40)


def test_fraction_with_scale_1_and_out_of_range_values(tmp_path):
    frac = np.full((10, 10), 0.5, dtype="float32")
    s = AnalysisSettings(vegetation_raster_kind="fraction", fraction_scale=1.0)
    assert coverage(write_tif(tmp_path / "f.tif", frac), s).overall.value == pytest.approx(0.5)
    frac[:, :4] = 50.0  # a 0-100 raster read with scale 1: most values out of range
    ind = coverage(write_tif(tmp_path / "g.tif", frac), s).overall
    assert ind.value is None and any("fraction_scale" in n for n in ind.notes)


def test_three_band_raster_reads_the_band_asked_for(tmp_path):
    from greenplan.core.project import LayerSpec, Project
    from greenplan.io.loader import load_project

    b1 = np.full((10, 10), 0.05, dtype="float32")
    b2 = np.full((10, 10), 0.1, dtype="float32")
    b2[:, 0] = 0.7
    b2[:6, 1] = 0.5
    b3 = np.full((10, 10), 0.9, dtype="float32")
    tif = write_tif(tmp_path / "sentinel 3 波段.tif", np.stack([b1, b2, b3]))
    b = tmp_path / "b.gpkg"
    layers()["built_up_area"].to_file(b)
    project = Project(layers=[LayerSpec(source=tif, role="vegetation_raster", band=2),
                              LayerSpec(source=b, role="built_up_area")], crs=CRS)
    loaded = load_project(project)
    src = loaded.raster("vegetation_raster")
    assert src.band == 2
    report = next(lyr.report for lyr in loaded.layers if lyr.spec.role == "vegetation_raster")
    warn = [i for i in report.issues if i.code == "raster_band"]
    assert warn and warn[0].level == "warning" and "band 2" in warn[0].en and "第 2 波段" in warn[0].zh
    ind = green_coverage_raster(AnalysisContext({"built_up_area": loaded.vector("built_up_area")},
                                                {"vegetation_raster": src}, AnalysisSettings())).overall
    assert ind.value == pytest.approx(16 / 40)  # band 2: column 0 (10) + 6 of column 1; band 1 would give 0
    assert ind.extra["band"] == 2


def test_decide_kind_rules():
    o = VegetationOptions()

    def kind(values, dtype):
        return decide_kind(ValueSummary.of(np.array(values, dtype=dtype)), o)

    assert kind([-1.0, 1.0], "float32").kind == "ndvi"
    assert kind([0.0, 1.5], "float32").kind is None  # floating-point, not NDVI
    assert kind([1, 2, 4, 9], "uint8").product == "clcd"
    assert kind([50, 130, 190, 210], "uint8").product == "esacci"
    assert kind([0, 47, 85], "uint8").kind == "fraction"  # 0-100 values that are no class list
    assert kind([0, 101, 150], "uint8").kind is None  # 150: no class of any product, above 100
    k = kind([10, 20, 30, 90, 95, 100], "uint8")
    assert (k.product, k.alternatives) == ("worldcover", ("fraction",))  # 95: WorldCover only


def test_no_grade_is_printed_or_written_for_an_unrecognised_raster(tmp_path, capsys):
    import csv

    from greenplan.cli.main import main

    tif = write_tif(tmp_path / "band4.tif", np.arange(100, dtype="int16").reshape(10, 10) * 50)
    b = tmp_path / "建成区.gpkg"
    layers()["built_up_area"].to_file(b)
    out = tmp_path / "out"
    code = main(["analyze", "--layer", f"vegetation_raster={tif}", "--layer", f"built_up_area={b}", "--out", str(out)])
    printed = capsys.readouterr()
    assert code == 1 and "Traceback" not in printed.err  # not measured: the exit code says so
    assert "Green coverage (raster) not computed" in printed.err and "vegetation_raster_kind" in printed.err
    line = next(ln for ln in printed.out.splitlines() if ln.startswith("Green coverage (raster)"))
    value_part = line[len("Green coverage (raster)"):]
    assert not any(g in value_part for g in ("I", "PASS", "FAIL", "Ⅰ", "Ⅱ", "Ⅲ", "达标", "%"))
    with open(out / "indicators.csv", encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    head = rows[1]
    row = next(r for r in rows[2:] if r[0] == "overall" and r[head.index("key")] == "green_coverage_raster")
    assert row[head.index("value")] == "" and row[head.index("grade")] == "" and row[head.index("pass")] == ""
    assert "vegetation_raster_kind" in row[head.index("notes")]


def test_check_reports_a_problem_for_an_unrecognised_raster(tmp_path, capsys):
    from greenplan.cli.main import main

    tif = write_tif(tmp_path / "band4.tif", np.arange(100, dtype="int16").reshape(10, 10) * 50)
    code = main(["check", "--layer", f"vegetation_raster={tif}"])
    out = capsys.readouterr().out
    assert code == 1
    assert "cannot be told" in out and "vegetation_raster_kind" in out
