"""Names and constants of the synthetic demo county, shared by its generator modules.

One module below :mod:`greenplan.sample.county` and :mod:`greenplan.sample._output`, so that
neither imports the other for a constant (the former ``_county_output`` ↔ ``sample_county``
cycle).
"""

from __future__ import annotations

import datetime as dt
import types
from dataclasses import dataclass, field
from typing import Any

from greenplan.core.errors import SettingError

SIZES = ("demo", "S", "M", "L")
#: the "as of" date the idle-land dates are made for (every idle class occurs then)
AS_OF = dt.date(2026, 6, 30)
CRS = "EPSG:4544"
#: vector layers, in the order they are written
LAYERS = ("admin_units", "built_up_area", "ecological_redline", "permanent_farmland",
          "urban_boundary", "land_use", "green_space", "idle_land", "buildings", "roads", "rivers")
GBK_DIR = "gbk_shapefile"
GBK_STEM = "闲置土地"
#: idle_land field -> field of the GBK shapefile (survey-style names, ≤ 10 characters)
GBK_FIELDS = {"parcel_id": "DKBH", "agreed_start": "YDDGRQ", "actual_start": "SJDGRQ",
              "developed_ratio": "KFBL", "invested_ratio": "TZBL", "halt_date": "TGRQ",
              "status": "CZZT", "activity_type": "YXHDLX", "planned_use": "YT"}


def file_names(size: str) -> dict[str, str]:
    """Relative file names written for ``size`` (keys gpkg, ndvi, dsm, project, shp)."""
    check_size(size)
    stem = "demo_county" if size == "demo" else "county"
    names = {"gpkg": f"{stem}.gpkg", "ndvi": "ndvi.tif", "dsm": "dsm.tif",
             "project": f"{stem}.greenplan.toml", "shp": f"{GBK_DIR}/{GBK_STEM}.shp"}
    if size == "demo":
        names.update(ndvi="ndvi_10m.tif", dsm="dsm_town.tif")
    return names


def output_files(size: str) -> list[str]:
    """Every file ``generate_county`` writes for ``size`` (relative, ``/``-separated)."""
    n = file_names(size)
    shp = [f"{GBK_DIR}/{GBK_STEM}.{ext}" for ext in ("shp", "shx", "dbf", "prj")]
    return [n["gpkg"], n["ndvi"], n["dsm"], *shp, n["project"]]


def check_size(size: str) -> None:
    if size not in SIZES:
        raise SettingError(
            f"Unknown sample size '{size}'; use one of {', '.join(SIZES)}.",
            f"未知的示例数据规模“{size}”，可选：{'、'.join(SIZES)}。",
            key="--size",
        )


@dataclass
class CountyLayers:
    """The vector layers of a synthetic county, before writing.

    ``layers`` maps a role name to a GeoDataFrame (EPSG:4544); ``seeded`` lists the data
    problems that were put in on purpose (counts and areas in m²).
    """

    size: str
    seed: int
    layers: dict[str, Any]
    seeded: dict[str, Any]
    state: types.SimpleNamespace = field(repr=False)
