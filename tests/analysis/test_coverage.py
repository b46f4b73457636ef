"""Green coverage, vector and raster, on hand-built layers with areas and pixel counts known by hand.

Coordinates: EPSG:4544 metres from (E 520000, N 3330000).
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import rasterio
import shapely
from rasterio.transform import from_origin

from greenplan.analysis.context import AnalysisContext
from greenplan.analysis.coverage import centres_inside, green_coverage_raster, green_coverage_vector
from greenplan.analysis.indicators import compute_indicators
from greenplan.core.settings import AnalysisSettings

X0, Y0 = 520_000.0, 3_330_000.0
CRS = "EPSG:4544"


def sq(x, y, w, h=None):
    h = w if h is None else h
    return shapely.box(X0 + x, Y0 + y, X0 + x + w, Y0 + y + h)


def gdf(geoms, crs=CRS, **cols):
    return gpd.GeoDataFrame(cols, geometry=gpd.GeoSeries(geoms, crs=crs), crs=crs)


def bowtie(x, y, s):
    return shapely.Polygon([(X0 + x, Y0 + y), (X0 + x + s, Y0 + y + s), (X0 + x + s, Y0 + y), (X0 + x, Y0 + y + s)])


@pytest.fixture
def layers():
    outer = sq(0, 0, 100)
    hole = sq(40, 40, 20)
    b_main = shapely.Polygon(outer.exterior.coords, [hole.exterior.coords])  # 10,000 − 400 = 9,600
    built = gdf([b_main, sq(90, 0, 20, 10)])  # second feature adds x 100..110 × 0..10 = 100 → B = 9,700
    green = gdf(
        [
            sq(0, 0, 20),  # G1 400
            sq(10, 0, 20),  # G2 overlapping G1 by 10×20: union 0..30 × 0..20 = 600
            sq(50, 80, 20),  # G3 plaza: not vegetation
            shapely.MultiPolygon([sq(80, 80, 10), sq(0, 90, 10)]),  # XG 100 + 100
            sq(45, 45, 10),  # EG, inside the hole of B: 0
            bowtie(30, 60, 10),  # invalid: two triangles of 25 each = 50
            sq(200, 0, 10),  # outside B
        ],
        **{"class": ["G1", "g2", "G3", "XG", "EG1", "RG", "G1"]},
    )
    land_use = gdf(
        [sq(60, 0, 20), sq(80, 0, 20), sq(0, 50, 20, 10), sq(0, 10, 20)],
        DLBM=["0301K", "0701", "0810A", "1401"],  # vegetation, residential, plaza, park (vegetation)
    )
    units = gdf([sq(-10, -10, 60, 130), sq(50, -10, 70, 130), sq(500, 0, 100)], code=["W", "E", "F"], name=["西", "东", "远"])
    return {"built_up_area": built, "green_space": green, "land_use": land_use, "admin_units": units}


def test_vector_coverage_counts_every_area_once(layers):
    ctx = AnalysisContext(layers, None, AnalysisSettings())
    done = green_coverage_vector(ctx)
    ind = done.overall
    # V ∩ B = G1∪G2 600 + XG 200 + bowtie 50 + 0301 400 + 1401 outside G1∪G2 (0..20 × 20..30) 200
    assert ind.numerator_m2 == pytest.approx(1450.0)
    assert ind.denominator_m2 == pytest.approx(9700.0)
    assert ind.value == pytest.approx(1450 / 9700)
    assert ind.grade is None and ind.passed is False  # 14.9 % < 34 %
    assert any("make_valid" in n for n in ind.notes)
    west, east, far = done.by_unit
    # west (x < 50): B 5,000 − hole part 10×20 = 4,800; V = 600 + 100 + 50 + 200 = 950
    assert (west.numerator_m2, west.denominator_m2) == (pytest.approx(950.0), pytest.approx(4800.0))
    # east: B 5,000 − 200 + 100 = 4,900; V = XG 100 + 0301 400 = 500
    assert (east.numerator_m2, east.denominator_m2) == (pytest.approx(500.0), pytest.approx(4900.0))
    assert far.value is None and any("无建成区" in n for n in far.notes)


def test_b_falls_back_to_urban_boundary_with_note(layers):
    layers = dict(layers, urban_boundary=layers.pop("built_up_area"))
    ind = green_coverage_vector(AnalysisContext(layers, None, AnalysisSettings())).overall
    assert ind.value == pytest.approx(1450 / 9700)
    assert any("urban_boundary" in n for n in ind.notes)


def test_missing_inputs_give_null_with_note(layers):
    r = compute_indicators({"green_space": layers["green_space"]}, None, AnalysisSettings())
    ind = r.overall["green_coverage_vector"]
    assert ind.value is None and ind.notes
    assert r.overall["green_coverage_raster"].value is None


# ---------------------------------------------------------------------------- raster
def write_tif(path, data, *, x=0.0, y=100.0, res=10.0, crs=CRS, nodata=None):
    x_off = 35_000_000.0 if crs == "EPSG:4523" else 0.0  # same projection with the zone prefix
    with rasterio.open(
        path, "w", driver="GTiff", width=data.shape[1], height=data.shape[0], count=1, dtype=data.dtype,
        crs=crs, transform=from_origin(X0 + x + x_off, Y0 + y, res, res), nodata=nodata,
    ) as ds:
        ds.write(data, 1)
    return path


def ndvi_grid():
    """10 × 10 pixels of 10 m over 0..100 × 0..100; row 0 is the top (y 90..100)."""
    a = np.full((10, 10), 0.1, dtype="float32")
    a[2:, 0:2] = 0.5  # 8 rows × 2 columns = 16 vegetated pixels
    a[5, 2] = 0.3  # exactly the threshold: vegetated (≥)
    a[:, 4] = 0.9  # column 4 has its centres on x = 45, B's boundary: outside
    a[0, 0] = -9999  # nodata
    a[1, 1] = np.nan  # NaN: not counted
    return a


@pytest.fixture
def b_only():
    # B = x 0..45 × y 0..100: columns 0–3 (centres 5..35) inside, column 4 (centre 45) on the boundary
    return {"built_up_area": gdf([sq(0, 0, 45, 100)])}


def test_raster_pixel_centre_rule_nodata_and_nan(tmp_path, b_only):
    tif = write_tif(tmp_path / "植被 ndvi.tif", ndvi_grid(), nodata=-9999)
    ctx = AnalysisContext(b_only, {"vegetation_raster": tif}, AnalysisSettings())
    ind = green_coverage_raster(ctx).overall
    # 4 columns × 10 rows = 40 centres inside, minus nodata and NaN = 38 valid; 16 + 1 vegetated
    assert ind.extra["valid_pixels"] == 38
    assert ind.extra["vegetated_pixels"] == 17
    assert ind.value == pytest.approx(17 / 38)
    assert ind.extra["raster_kind"] == "ndvi"


def test_raster_in_other_crs_is_matched_by_reprojecting_b(tmp_path, b_only):
    tif = write_tif(tmp_path / "zone.tif", ndvi_grid(), nodata=-9999, crs="EPSG:4523")
    ind = green_coverage_raster(AnalysisContext(b_only, {"vegetation_raster": tif}, AnalysisSettings())).overall
    assert (ind.extra["vegetated_pixels"], ind.extra["valid_pixels"]) == (17, 38)


def test_ndvi_scale_and_landcover(tmp_path, b_only):
    scaled = np.round(np.nan_to_num(ndvi_grid(), nan=-0.5) * 10000).astype("int16")
    scaled[0, 0] = -32768  # nodata
    tif = write_tif(tmp_path / "scaled.tif", scaled, nodata=-32768)
    s = AnalysisSettings(vegetation_raster_kind="ndvi", ndvi_scale=10000)
    ind = green_coverage_raster(AnalysisContext(b_only, {"vegetation_raster": tif}, s)).overall
    # integers have no NaN: that pixel is −5000 here, valid and not vegetated → 39 valid
    assert (ind.extra["vegetated_pixels"], ind.extra["valid_pixels"]) == (17, 39)

    lc = np.full((10, 10), 50, dtype="uint8")  # built-up class
    lc[:, 0] = 10  # tree cover: 10 pixels
    lc[0:3, 1] = 95  # mangroves: 3
    lc[9, 3] = 0  # nodata
    tif2 = write_tif(tmp_path / "landcover.tif", lc, nodata=0)
    ind2 = green_coverage_raster(AnalysisContext(b_only, {"vegetation_raster": tif2}, AnalysisSettings())).overall
    assert ind2.extra["raster_kind"] == "landcover"  # auto: integer raster
    assert (ind2.extra["vegetated_pixels"], ind2.extra["valid_pixels"]) == (13, 39)


class RecordingSource:
    """A RasterSource stand-in that records the windows read."""

    def __init__(self, path):
        self.path, self.crs, self.windows = path, None, []

    def open(self):
        ds = rasterio.open(self.path)
        outer = self

        class Wrapped:
            def __getattr__(self, name):
                return getattr(ds, name)

            def __enter__(self):
                return self

            def __exit__(self, *exc):
                ds.close()

            def read(self, *args, window=None, **kw):
                outer.windows.append(window)
                return ds.read(*args, window=window, **kw)

        return Wrapped()


def test_raster_read_only_in_the_window_of_b(tmp_path):
    big = np.full((1000, 1000), 0.1, dtype="float32")  # 10 km × 10 km county at 10 m
    big[500:, :] = 0.8
    tif = write_tif(tmp_path / "county.tif", big, x=-5000, y=5000)
    src = RecordingSource(tif)
    b = {"built_up_area": gdf([sq(0, -50, 100, 100)])}  # straddles the 0.1 / 0.8 line at y = 0
    ind = green_coverage_raster(AnalysisContext(b, {"vegetation_raster": src}, AnalysisSettings())).overall
    (win,) = src.windows
    assert win.width <= 12 and win.height <= 12  # 10 × 10 pixels plus a margin, not 1000 × 1000
    assert (ind.extra["vegetated_pixels"], ind.extra["valid_pixels"]) == (50, 100)


def test_raster_per_unit(tmp_path, b_only):
    tif = write_tif(tmp_path / "u.tif", ndvi_grid(), nodata=-9999)
    layers = dict(b_only, admin_units=gdf([sq(0, 0, 20, 100), sq(20, 0, 80, 100)], code=["1", "2"]))
    done = green_coverage_raster(AnalysisContext(layers, {"vegetation_raster": tif}, AnalysisSettings()))
    u1, u2 = done.by_unit
    # unit 1 = columns 0–1 (20 centres − nodata − NaN = 18, vegetated 16); unit 2 = columns 2–3 (20, vegetated 1)
    assert (u1.extra["vegetated_pixels"], u1.extra["valid_pixels"]) == (16, 18)
    assert (u2.extra["vegetated_pixels"], u2.extra["valid_pixels"]) == (1, 20)


def test_centres_inside_excludes_boundary_centres():
    tr = from_origin(0, 30, 10, 10)  # 3 × 3 pixels, centres at 5, 15, 25
    poly = shapely.box(0, 0, 15, 30)  # x = 15 passes through the centres of column 1
    m = centres_inside(poly, tr, (3, 3))
    assert m[:, 0].all() and not m[:, 1:].any()


def test_pixel_centres_on_an_edge_between_two_b_features_count(tmp_path):
    # B as 100 strips 0.5 m wide (a partitioned layer, kept as separate pieces): the shared
    # edges x = 5, 15 ... 45 run through the pixel centres of columns 0–4
    b = {"built_up_area": gdf([sq(i * 0.5, 0, 0.5, 100) for i in range(100)])}
    tif = write_tif(tmp_path / "edge.tif", np.full((10, 10), 0.5, dtype="float32"))
    ind = green_coverage_raster(AnalysisContext(b, {"vegetation_raster": tif}, AnalysisSettings())).overall
    # B = x 0..50: columns 0–4 (centres 5..45) all strictly inside the union: 50 pixels
    assert ind.extra["valid_pixels"] == 50
