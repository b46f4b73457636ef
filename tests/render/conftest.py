"""Small hand-built map layers for the render tests (EPSG:4544, metres).

A 10 x 8 km "county" of two townships; every layer is a few rectangles or lines at known
places, so pixel positions, legend entries and colours are known by construction. The
ecological red line lies where no other layer is, so its colour over white is exact.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import rasterio
import shapely
from affine import Affine

CRS = "EPSG:4544"
X0, Y0 = 520_000.0, 3_330_000.0

#: the red line square (m from the origin): nothing else is drawn there but the grid
REDLINE = (1000.0, 5000.0, 2000.0, 2000.0)


def box(x: float, y: float, w: float, h: float) -> shapely.Polygon:
    return shapely.box(X0 + x, Y0 + y, X0 + x + w, Y0 + y + h)


def line(*pts: tuple[float, float]) -> shapely.LineString:
    return shapely.LineString([(X0 + x, Y0 + y) for x, y in pts])


def frame(geoms, **cols) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(cols, geometry=gpd.GeoSeries(geoms, crs=CRS), crs=CRS)


@pytest.fixture(scope="session")
def mini_layers() -> dict[str, gpd.GeoDataFrame]:
    """Every vector role, a few features each."""
    return {
        "admin_units": frame([box(0, 0, 5000, 8000), box(5000, 0, 5000, 8000)], name=["东风镇", "西湖乡"],
                             code=["640101001", "640101002"]),
        "ecological_redline": frame([box(*REDLINE)], name=["贺兰山"]),
        "permanent_farmland": frame([box(6000, 1000, 3000, 2000), box(6000, 4000, 1000, 1000)]),
        "urban_boundary": frame([box(3000, 500, 2500, 3000)]),
        "built_up_area": frame([box(3500, 1000, 1500, 2000)]),
        "land_use": frame([box(500, 500, 1000, 1000), box(1500, 500, 1000, 1000), box(500, 1500, 1000, 1000),
                           box(1500, 1500, 1000, 1000)], DLBM=["0101", "0301K", "0701", "1401"]),
        "green_space": frame([box(3600, 1100, 300, 300), box(4000, 1100, 200, 200)], **{"class": ["G11", "RG"]}),
        "buildings": frame([box(3600 + 40 * i, 2000, 20, 20) for i in range(10)]),
        "idle_land": frame([box(4200, 2500, 300, 200)]),
        "roads": frame([line((0, 4000), (10000, 4000)), line((3000, 0), (3000, 8000))],
                       **{"class": ["arterial", "branch"]}),
        "rivers": frame([line((0, 7500), (10000, 7600))], **{"class": ["main"]}),
    }


@pytest.fixture(scope="session")
def ndvi_tif(tmp_path_factory) -> Path:
    """A 10 m NDVI over the county (1000 x 800 pixels): 0.8 west of x = 5000 m, 0.1 east; nodata
    in the top 8 rows (80 m)."""
    d = tmp_path_factory.mktemp("栅格 数据")
    path = d / "ndvi 10m.tif"
    data = np.full((800, 1000), 0.1, dtype="float32")
    data[:, :500] = 0.8
    data[:8, :] = -9999.0
    with rasterio.open(path, "w", driver="GTiff", width=1000, height=800, count=1, dtype="float32", crs=CRS,
                       transform=Affine(10, 0, X0, 0, -10, Y0 + 8000), nodata=-9999.0) as dst:
        dst.write(data, 1)
    return path


METADATA = {"organisation": "测试县自然资源局", "date": "2026-06-30", "data_source": "第三次全国国土调查",
            "project_name": "测试县"}
INDICATORS = {
    "indicators": {
        "redline_overlaps": {"value": 0.0, "unit": "m²", "grade": None, "pass": True},
        "eco_redline_occupation": {"value": 0.0431, "unit": "ratio", "grade": None, "pass": False},
        "green_coverage_vector": {"value": 0.3712, "unit": "ratio", "grade": "II", "pass": True,
                                  "baseline": 0.301},
    }
}
