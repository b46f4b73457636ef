"""CRS helpers: Gauss-Kruger zones, guessing a missing CRS, the working CRS (domain.md §7.1)."""

from __future__ import annotations

import pyproj
import pytest

from greenplan.core.errors import CRSError
from greenplan.io.crs import (
    bbox_gap,
    choose_working_crs,
    crs_label,
    gk3_crs,
    guess_crs,
    parse_crs,
    to_lonlat,
)

GK105 = pyproj.CRS.from_epsg(4544)


@pytest.mark.parametrize(
    ("lon", "epsg"),
    [(106.2, 4544), (106.6, 4545), (103.4, 4543), (103.6, 4544), (75.0, 4534), (135.0, 4554), (60.0, 4534), (150.0, 4554), (114.0, 4547)],
)
def test_gk3_zone_nearest_central_meridian(lon: float, epsg: int) -> None:
    assert gk3_crs(lon).to_epsg() == epsg


def test_gk3_codes_match_their_central_meridians() -> None:
    # verified pairs of domain.md §7.1: 4543 = 102°E, 4545 = 108°E, 4547 = 114°E
    for epsg, cm in ((4543, 102), (4545, 108), (4547, 114), (4534, 75), (4554, 135)):
        lon0 = next(p.value for p in pyproj.CRS.from_epsg(epsg).coordinate_operation.params if "longitude" in p.name.lower())
        assert lon0 == cm
        assert gk3_crs(cm).to_epsg() == epsg


@pytest.mark.parametrize(
    ("bounds", "epsg"),
    [
        ((35_512_000.0, 4_260_000.0, 35_530_000.0, 4_280_000.0), 4523),  # 3° zone 35, with prefix
        ((36_400_000.0, 4_200_000.0, 36_410_000.0, 4_210_000.0), 4524),  # zone 36
        ((25_500_000.0, 4_000_000.0, 25_510_000.0, 4_010_000.0), 4513),  # first 3° zone
        ((45_500_000.0, 5_000_000.0, 45_510_000.0, 5_010_000.0), 4533),  # last 3° zone
        ((18_500_000.0, 4_000_000.0, 18_510_000.0, 4_010_000.0), 4496),  # 6° zone 18, with prefix
        ((106.1, 38.4, 106.3, 38.6), 4490),  # lon/lat in China
        ((3.86, 43.61, 3.87, 43.62), 4326),  # lon/lat elsewhere
    ],
)
def test_guess_from_coordinates(bounds: tuple[float, float, float, float], epsg: int) -> None:
    guess = guess_crs(bounds)
    assert guess is not None and guess.crs.to_epsg() == epsg
    assert str(epsg) in guess.en and str(epsg) in guess.zh or epsg in (4490, 4326)


@pytest.mark.parametrize(
    "bounds",
    [
        (35_900_000.0, 4_260_000.0, 36_100_000.0, 4_280_000.0),  # straddles two prefixes
        (510_000.0, 4_260_000.0, 520_000.0, 4_270_000.0),  # no prefix, nothing to tell the zone
        (100.0, 70.0, 348.0, 300.0),  # pixel coordinates (rasterio rotated.tif)
        (510_000.0, -4_260_000.0, 520_000.0, -4_250_000.0),  # southern hemisphere northing
        (float("nan"), 0.0, 1.0, 1.0),
    ],
)
def test_no_guess(bounds: tuple[float, float, float, float]) -> None:
    assert guess_crs(bounds) is None


def test_no_prefix_takes_the_zone_of_a_companion_layer() -> None:
    mine = (510_000.0, 4_260_000.0, 520_000.0, 4_270_000.0)
    companion = (GK105, (505_000.0, 4_255_000.0, 530_000.0, 4_280_000.0))
    guess = guess_crs(mine, companions=[companion])
    assert guess is not None and guess.crs.to_epsg() == 4544
    assert "EPSG:4544" in guess.en


def test_no_prefix_derives_the_zone_from_a_lonlat_companion() -> None:
    ll = to_lonlat((505_000.0, 4_255_000.0, 530_000.0, 4_280_000.0), GK105)
    guess = guess_crs((510_000.0, 4_260_000.0, 520_000.0, 4_270_000.0), companions=[(pyproj.CRS.from_epsg(4490), ll)])
    assert guess is not None and guess.crs.to_epsg() == 4544


def test_no_prefix_ignores_a_companion_far_away() -> None:
    far = (GK105, (505_000.0, 3_000_000.0, 530_000.0, 3_020_000.0))  # 1,240 km south
    assert guess_crs((510_000.0, 4_260_000.0, 520_000.0, 4_270_000.0), companions=[far]) is None


def test_no_prefix_falls_back_to_the_project_crs() -> None:
    guess = guess_crs((510_000.0, 4_260_000.0, 520_000.0, 4_270_000.0), project_crs=pyproj.CRS.from_epsg(4545))
    assert guess is not None and guess.crs.to_epsg() == 4545 and "project" in guess.en


def test_working_crs_order_project_settings_auto() -> None:
    yinchuan = (106.0, 38.3, 106.4, 38.6)
    assert choose_working_crs("EPSG:4545", "EPSG:4543", [yinchuan])[0].to_epsg() == 4545
    assert choose_working_crs(None, "EPSG:4543", [yinchuan])[:2] == (pyproj.CRS.from_epsg(4543), "settings")
    crs, how, note = choose_working_crs(None, None, [yinchuan, (106.5, 38.0, 106.6, 38.1)])
    assert (crs.to_epsg(), how) == (4544, "auto")  # centre 106.3°E: CM 105°E
    assert "EPSG:4544" in note and "工作坐标系" in note


def test_working_crs_uses_the_centre_of_all_layers() -> None:
    # two layers at 107.5 and 109.5°E: centre 108.5°E, nearest CM 108°E (EPSG:4545)
    assert choose_working_crs(None, None, [(107.4, 38, 107.6, 38.1), (109.4, 38, 109.6, 38.1)])[0].to_epsg() == 4545


def test_working_crs_outside_china_is_utm() -> None:
    crs, how, note = choose_working_crs(None, None, [(3.86, 43.61, 3.87, 43.62)])
    assert crs.to_epsg() == 32631 and how == "auto" and "UTM" in note


@pytest.mark.parametrize("text", ["EPSG:4490", "EPSG:4326", "no such crs", "EPSG:999999"])
def test_bad_working_crs(text: str) -> None:
    with pytest.raises(CRSError) as exc:
        parse_crs(text)
    assert text in exc.value.message("en") and text in exc.value.message("zh")


def test_parse_crs_accepts_a_bare_code() -> None:
    assert parse_crs("4544").to_epsg() == 4544


def test_labels_and_boxes() -> None:
    assert crs_label(GK105) == "EPSG:4544" and crs_label(None) is None
    assert bbox_gap((0, 0, 1, 1), (4, 5, 6, 6)) == 5.0
    assert bbox_gap((0, 0, 2, 2), (1, 1, 3, 3)) == 0.0
    ll = to_lonlat((500_000.0, 4_250_000.0, 500_000.0, 4_250_000.0), GK105)
    assert ll is not None and ll[0] == pytest.approx(105.0) and 38.3 < ll[1] < 38.5
