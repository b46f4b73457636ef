"""Raster sources: described lazily, read by window; odd rasters from rasterio's test suite."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import rasterio
from affine import Affine

from greenplan.core.errors import LayerSourceError
from greenplan.io.raster import open_raster, sample_at
from greenplan.io.report import LayerReport


def rep(path: Path) -> LayerReport:
    return LayerReport(index=0, name=path.stem, role="vegetation_raster", source=path)


def tiny_tif(path: Path, data: np.ndarray, *, crs: str | None = "EPSG:4544", nodata: float | None = None,
             transform: Affine | None = None) -> Path:
    transform = transform or Affine(10.0, 0, 500_000.0, 0, -10.0, 4_250_100.0)
    with rasterio.open(path, "w", driver="GTiff", width=data.shape[1], height=data.shape[0], count=1,
                       dtype=data.dtype, crs=crs, transform=transform, nodata=nodata, tiled=True,
                       blockxsize=16, blockysize=16) as ds:
        ds.write(data, 1)
    return path


def test_source_is_described_and_read_by_window(cn_dir: Path) -> None:
    data = np.arange(32 * 48, dtype="float32").reshape(32, 48) / 1000.0
    path = tiny_tif(cn_dir / "植被 指数.tif", data, nodata=-1.0)
    r = rep(path)
    src = open_raster(path, r)
    assert (src.width, src.height, src.dtype, src.nodata, src.count) == (48, 32, "float32", -1.0, 1)
    assert src.crs.to_epsg() == 4544 and src.res == (10.0, 10.0)
    assert src.bounds == (500_000.0, 4_249_780.0, 500_480.0, 4_250_100.0)
    with src.open() as ds:
        block = ds.read(1, window=((30, 32), (46, 48)))
    np.testing.assert_allclose(block, [[1.486, 1.487], [1.534, 1.535]], rtol=1e-6)
    assert r.format == "GTiff" and r.raster["rotated"] is False and r.raster["crs_units"] == "metre"


def test_all_nodata_found_by_a_block_scan(cn_dir: Path, data_dir: Path) -> None:
    r = rep(data_dir / "rasterio" / "all-nodata.tif")
    open_raster(data_dir / "rasterio" / "all-nodata.tif", r, scan_nodata=True)
    assert r.raster["all_nodata"] is True
    assert any(i.code == "raster_all_nodata" and i.level == "problem" for i in r.issues)
    data = np.full((40, 40), 255, dtype="uint8")
    data[39, 39] = 7  # one valid pixel, in the last block
    r = rep(cn_dir / "one.tif")
    open_raster(tiny_tif(cn_dir / "one.tif", data, nodata=255), r, scan_nodata=True)
    assert r.raster["all_nodata"] is False and not r.issues


def test_nan_pixels_count_as_nodata(cn_dir: Path) -> None:
    r = rep(cn_dir / "nan.tif")
    open_raster(tiny_tif(cn_dir / "nan.tif", np.full((8, 8), np.nan, dtype="float32")), r, scan_nodata=True)
    assert r.raster["all_nodata"] is True


def test_rotated_raster_without_crs(data_dir: Path) -> None:
    r = rep(data_dir / "rasterio" / "rotated.tif")
    src = open_raster(data_dir / "rasterio" / "rotated.tif", r)
    assert src.crs is None and r.raster["rotated"] is True
    assert src.transform.b != 0 and (src.width, src.height) == (10, 15)
    # corners of the rotated grid (transform 17.32, 5, 100 / 10, -8.66, 200): x 100 … 348.2, y 70.1 … 300
    assert src.bounds == pytest.approx((100.0, 70.0961894, 348.2050808, 300.0))
    assert any(i.code == "raster_rotated" for i in r.issues)


def test_raster_with_a_non_epsg_crs(data_dir: Path) -> None:
    r = rep(data_dir / "rasterio" / "float_raster_with_nodata.tif")
    src = open_raster(data_dir / "rasterio" / "float_raster_with_nodata.tif", r)
    assert src.crs is not None and src.crs.to_epsg() is None and src.crs.is_projected
    assert src.nodata == pytest.approx(-3.4e38, rel=1e-6) and src.dtype == "float32"


def test_missing_and_damaged_rasters(cn_dir: Path) -> None:
    with pytest.raises(LayerSourceError) as exc:
        open_raster(cn_dir / "没有.tif", rep(cn_dir / "没有.tif"))
    assert "不存在" in exc.value.message("zh")
    bad = cn_dir / "坏.tif"
    bad.write_bytes(b"II*\x00" + b"\x00" * 20)
    with pytest.raises(LayerSourceError) as exc:
        open_raster(bad, rep(bad))
    assert "cannot be read" in exc.value.message("en")


def test_value_under_a_map_point(cn_dir: Path) -> None:
    data = np.arange(32 * 48, dtype="float32").reshape(32, 48) / 1000.0
    data[5, 7] = -1.0  # nodata
    data[6, 7] = np.nan
    src = open_raster(tiny_tif(cn_dir / "植被 指数.tif", data, nodata=-1.0), rep(cn_dir / "x.tif"))
    import pyproj

    work = pyproj.CRS.from_epsg(4544)
    # pixel (row 2, col 3) spans x 500030..500040, y 4250080..4250070
    s = sample_at(src, 500_035.0, 4_250_075.0, work)
    assert (s.row, s.col) == (2, 3) and s.values == (pytest.approx(data[2, 3]),)
    assert sample_at(src, 500_075.0, 4_250_045.0, work).values == (None,)  # nodata value
    assert sample_at(src, 500_075.0, 4_250_035.0, work).values == (None,)  # NaN
    assert sample_at(src, 499_999.0, 4_250_075.0, work) is None  # west of the raster
    assert sample_at(src, 500_035.0, 4_250_101.0, work) is None  # north of it


def test_value_under_a_point_in_another_crs(cn_dir: Path) -> None:
    """A lon/lat raster sampled at a point of the GK working CRS."""
    import pyproj

    data = np.arange(100, dtype="uint8").reshape(10, 10)
    tr = Affine(0.001, 0, 105.0, 0, -0.001, 30.01)  # 0.001° pixels from 105°E, 30.01°N down
    src = open_raster(tiny_tif(cn_dir / "lonlat.tif", data, crs="EPSG:4490", transform=tr), rep(cn_dir / "l.tif"))
    gk = pyproj.CRS.from_epsg(4544)
    x, y = pyproj.Transformer.from_crs(4490, 4544, always_xy=True).transform(105.0045, 30.0065)
    s = sample_at(src, x, y, gk)
    assert (s.row, s.col) == (3, 4) and s.values == (34.0,)


# ---------------------------------------------------------------------------- vegetation kinds, bands
def multi_band_tif(path: Path, bands: list[np.ndarray], nodata: float | None = None) -> Path:
    with rasterio.open(path, "w", driver="GTiff", width=bands[0].shape[1], height=bands[0].shape[0], count=len(bands),
                       dtype=bands[0].dtype, crs="EPSG:4544", transform=Affine(10.0, 0, 500_000.0, 0, -10.0, 4_250_100.0),
                       nodata=nodata) as ds:
        for i, b in enumerate(bands, start=1):
            ds.write(b, i)
    return path


def test_band_option_is_described_and_a_multi_band_vegetation_raster_warns(cn_dir: Path) -> None:
    from greenplan.core.raster_kind import VegetationOptions

    b1 = np.zeros((8, 8), dtype="uint16")
    b2 = np.full((8, 8), 3, dtype="float32").astype("uint16")
    path = multi_band_tif(cn_dir / "三波段.tif", [b1, b2, b1])
    r = rep(path)
    src = open_raster(path, r, band=2, vegetation=VegetationOptions())
    assert (src.band, src.count, r.raster["band"], r.raster["bands"]) == (2, 3, 2, 3)
    (warn,) = [i for i in r.issues if i.code == "raster_band"]
    assert warn.level == "warning" and "band 2" in warn.en and warn.data == {"band": 2, "bands": 3}
    r2 = LayerReport(index=1, name="dsm", role="dsm_raster", source=path)
    open_raster(path, r2)  # not a vegetation raster: no warning (band 1 read)
    assert not r2.issues


def test_band_that_does_not_exist_is_a_clear_error(cn_dir: Path) -> None:
    path = multi_band_tif(cn_dir / "两波段.tif", [np.zeros((4, 4), "uint8")] * 2)
    with pytest.raises(LayerSourceError) as info:
        open_raster(path, rep(path), band=3)
    err = info.value
    assert err.path == path and err.key == "band" and "2" in err.message("en") and "第 3 波段" in err.message("zh")


def test_summary_reads_the_whole_band_decimated_and_once(cn_dir: Path) -> None:
    from greenplan.io.raster import SUMMARY_SIDE, raster_summary

    data = np.full((1200, 900), 10, dtype="uint8")
    data[::2, ::2] = 85  # every other pixel: a decimated read still sees both values
    path = tiny_tif(cn_dir / "big.tif", data, nodata=0)
    src = open_raster(path, rep(path))
    s = raster_summary(src)
    assert s.values == frozenset({10, 85}) and not s.floating
    assert s.count <= SUMMARY_SIDE * SUMMARY_SIDE
    assert raster_summary(src) is s  # cached on the source


def test_check_finding_names_the_kind_or_a_problem(cn_dir: Path) -> None:
    from greenplan.core.raster_kind import VegetationOptions
    from greenplan.io.raster import report_vegetation_kind

    lc = np.resize(np.array([111, 112, 20, 40, 200], dtype="uint8"), (20, 20))
    path = tiny_tif(cn_dir / "lc100.tif", lc)
    r = rep(path)
    kind = report_vegetation_kind(open_raster(path, r), r, VegetationOptions())
    assert (kind.kind, kind.product) == ("landcover", "lc100")
    (info,) = r.issues
    assert info.level == "info" and info.code == "raster_kind" and "LC100" in info.en
    assert info.data["landcover_product"] == "lc100" and r.raster["kind"] == "landcover"

    path = tiny_tif(cn_dir / "refl.tif", (np.arange(400, dtype="int16") * 13).reshape(20, 20))
    r = rep(path)
    assert report_vegetation_kind(open_raster(path, r), r, VegetationOptions()).kind is None
    (problem,) = r.issues
    assert problem.level == "problem" and problem.code == "raster_kind_unknown"
    assert "vegetation_raster_kind" in problem.en and "vegetation_raster_kind" in problem.zh

    r = rep(path)  # the same raster with the kind set: an info, no problem
    kind = report_vegetation_kind(open_raster(path, r), r, VegetationOptions(kind="ndvi", ndvi_scale=10000))
    assert kind.kind == "ndvi" and [i.level for i in r.issues] == ["info"]
