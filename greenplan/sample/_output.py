"""Synthetic county, part 5: what was seeded, and writing the files.

Writes the GeoPackage (version 1.2, for older QGIS), the rasters, the idle land again as
a GBK shapefile without ``.cpg`` and with DBF language byte 0, and the project file.
Areas are planar m² in EPSG:4544.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import shapely

from greenplan.core.feedback import Feedback
from greenplan.core.project import LayerSpec, Project, save_project
from greenplan.core.roles import get_role
from greenplan.core.settings import AnalysisSettings
from greenplan.sample._features import IDLE_CLASSES
from greenplan.sample._rasters import write_dsm, write_ndvi
from greenplan.sample.spec import AS_OF, CRS, GBK_FIELDS, LAYERS, CountyLayers

_DATE_FIELDS = ("agreed_start", "actual_start", "halt_date")


def _overlap(a, b) -> dict[str, Any]:
    """Pieces of a ∩ b: those ≥ 1 m² (count, m²) and the slivers below 1 m²."""
    parts = shapely.get_parts(shapely.intersection(a, b))
    area = shapely.area(parts[shapely.get_type_id(parts) == 3])
    big, small = area[area >= 1.0], area[(area > 0) & (area < 1.0)]
    return {"m2": round(float(big.sum()), 2), "pieces": int(len(big)),
            "slivers": int(len(small)), "sliver_m2": round(float(small.sum()), 4)}


def seeded_problems(st, layers: dict[str, Any]) -> dict[str, Any]:
    """Counts and areas of the data problems put in on purpose (checked, not assumed)."""
    E, U = st.E, st.UB
    F = shapely.union_all(layers["permanent_farmland"].geometry.values)
    lu = layers["land_use"]
    idle = layers["idle_land"].geometry.values
    green = layers["green_space"].geometry.values
    b = st.b
    on_farm = shapely.area(shapely.intersection(green, F)) >= 1.0
    classes = {c: int((st.idle_planned == c).sum()) for c in IDLE_CLASSES}
    return {
        "land_use_invalid": int((~shapely.is_valid(lu.geometry.values)).sum()),
        "land_use_duplicates": st.seeded_lu["duplicate"],
        "land_use_overlapping_copies": st.seeded_lu["overlap"],
        "land_use_approved_activity": int(lu["activity_type"].notna().sum()),
        "idle_in_redline": int((shapely.area(shapely.intersection(idle, E)) >= 1.0).sum()),
        "idle_on_farmland": int((shapely.area(shapely.intersection(idle, F)) >= 1.0).sum()),
        "idle_approved_activity": int(layers["idle_land"]["activity_type"].notna().sum()),
        "idle_classes": classes,
        "farmland_redline": _overlap(F, E),
        "urban_redline": _overlap(U, E),
        "farmland_urban": _overlap(F, U),
        "green_on_farmland": {"features": int(on_farm.sum()),
                              "m2": round(float(shapely.area(shapely.intersection(
                                  shapely.union_all(green[on_farm]), F))), 2)},
        "buildings_underground": int(b["underground"].sum()),
        "roofs_with_parapet": int(b["parapet"].sum()),
        "roofs_with_unit": int(b["unit"].sum()),
        "flat_attribute_pitched_dsm": int(((b["roof"] == "flat") & b["dsm_pitched"]).sum()),
    }


def _write_layer(df, path: Path, name: str, first: bool) -> None:
    if name == "idle_land":  # fiona writes real DATE columns (pyogrio would write DATETIME)
        from geopandas.io.file import infer_schema

        schema = infer_schema(df)
        for f in _DATE_FIELDS:
            schema["properties"][f] = "date"
        df.to_file(path, layer=name, driver="GPKG", engine="fiona", schema=schema)
        return
    # GeoPackage 1.2 so that older GDALs (QGIS 3.22) read it without warnings
    extra = {"dataset_options": {"VERSION": "1.2"}} if first else {}
    df.to_file(path, layer=name, driver="GPKG", engine="pyogrio", **extra)


def write_gbk_shapefile(idle, admin, path: Path) -> None:
    """Idle land as a GBK shapefile with survey field names, no .cpg, DBF byte 29 = 0."""
    import geopandas as gpd

    pos = shapely.point_on_surface(idle.geometry.values)
    ui, pi = shapely.STRtree(pos).query(admin.geometry.values, predicate="contains")
    zl = np.full(len(idle), None, dtype=object)
    zl[pi] = admin["name"].to_numpy(dtype=object)[ui]
    df = gpd.GeoDataFrame({GBK_FIELDS[k]: idle[k].to_numpy(dtype=object) for k in GBK_FIELDS},
                          geometry=idle.geometry.values, crs=idle.crs)
    df["ZL"] = zl
    props = {"DKBH": "str:20", "YDDGRQ": "date", "SJDGRQ": "date", "KFBL": "float:8.3",
             "TZBL": "float:8.3", "TGRQ": "date", "CZZT": "str:40", "YXHDLX": "str:40",
             "YT": "str:40", "ZL": "str:20"}
    schema = {"geometry": "Polygon", "properties": props}
    path.parent.mkdir(parents=True, exist_ok=True)
    df.to_file(path, driver="ESRI Shapefile", engine="fiona", schema=schema, encoding="gbk")
    path.with_suffix(".cpg").unlink(missing_ok=True)
    with open(path.with_suffix(".dbf"), "r+b") as fh:  # language driver id: none
        fh.seek(29)
        fh.write(b"\x00")


#: categorized layers (land_use by code, green_space by class, roads by class, rivers) take
#: their colours from resources/styles/default_styles.toml; a layer-level fill/edge here
#: would override the class colours, so they carry only what applies to every class
_STYLE = {
    "land_use": {"alpha": 1.0},
    "permanent_farmland": {"fill": "#f6e682", "edge": "#c8b400", "width": 0.3, "alpha": 0.7,
                           "hatch": "+"},
    "ecological_redline": {"fill": "#00b050", "edge": "#006400", "alpha": 0.4},  # width, hatch: the map style
    "green_space": {"alpha": 0.9},
    "idle_land": {"fill": "#ff66cc", "edge": "#c00080", "width": 0.8, "alpha": 0.6,
                  "hatch": "//"},
    "buildings": {"fill": "#a0a0a0", "edge": "#606060", "width": 0.2, "alpha": 1.0},
    "rivers": {"alpha": 1.0},
    "roads": {"alpha": 1.0},
    "urban_boundary": {"fill": "none", "edge": "#ff00ff", "width": 1.5, "linestyle": "--"},
    "built_up_area": {"fill": "none", "edge": "#e04000", "width": 1.2, "linestyle": "-."},
    "admin_units": {"fill": "none", "edge": "#404040", "width": 1.0, "linestyle": "-."},
}
#: drawing order, bottom to top (after the rasters; the GBK shapefile after idle_land)
_ORDER = ("land_use", "permanent_farmland", "ecological_redline", "green_space", "idle_land",
          "buildings", "rivers", "roads", "urban_boundary", "built_up_area", "admin_units")


def write_project(county: CountyLayers, folder: Path, names: dict[str, str]) -> Path:
    """The project file: every layer with its role, a Chinese name and a style."""
    demo = county.size == "demo"
    src = folder / names["gpkg"]
    layers = [
        LayerSpec(folder / names["ndvi"], name="NDVI 植被指数（10米）", role="vegetation_raster",
                  visible=False, style={"cmap": "RdYlGn", "vmin": -0.2, "vmax": 0.9, "alpha": 1.0}),
        LayerSpec(folder / names["dsm"], name="数字表面模型（城区）", role="dsm_raster",
                  visible=False, style={"cmap": "terrain", "alpha": 1.0}),
    ]
    for role in _ORDER:
        zh = "土地利用现状（三调）" if role == "land_use" else get_role(role).zh
        layers.append(LayerSpec(src, name=zh, layer=role, role=role, visible=True,
                                style=dict(_STYLE[role])))
        if role == "idle_land":
            layers.append(LayerSpec(
                folder / names["shp"], name="闲置土地（GBK编码Shapefile，参考）", visible=False,
                fields={k: v for k, v in GBK_FIELDS.items() if k != "planned_use"},
                style={"fill": "none", "edge": "#c00080", "width": 1.0, "linestyle": ":"}))
    project = Project(
        name="示范县（演示数据）" if demo else f"合成县（{county.size}，基准测试数据）",
        crs=CRS,
        layers=layers,
        settings=AnalysisSettings(as_of=AS_OF),
        metadata={
            "organisation": "示范县自然资源局",
            "data_source": "GreenPlan 合成演示数据（随机生成，非真实数据）/ synthetic demo data, "
                           f"greenplan sample --size {county.size} (seed {county.seed})",
            "coordinate_system": "2000国家大地坐标系 3度带 中央经线105°E（EPSG:4544）",
            "height_datum": "1985国家高程基准",
            "date": AS_OF,
            "note": "虚构县域，所有地名、编码与数值均为虚构 / a fictitious county",
        },
    )
    if demo:
        from greenplan.core.scenario import set_scenario

        set_scenario(project, demo_scenario())
    return save_project(project, folder / names["project"])


def demo_scenario() -> Any:
    """The scenario ``demo`` shipped with the demo county (``sample_layers``)."""
    from greenplan.core.scenario import Scenario, Selection

    return Scenario(
        "demo",
        "演示情景：评分≥20的屋顶绿化、全部口袋公园候选、全部防护绿带 / "
        "demo: rooftops with score >= 20, every pocket park and green belt candidate",
        [Selection("rooftop", rule="score >= 20"), Selection("pocket_park", rule="all"), Selection("belt", rule="all")],
    )


def write_all(county: CountyLayers, folder: Path, names: dict[str, str],
              feedback: Feedback) -> dict[str, Any]:
    """Write every file of ``county`` into ``folder``; returns the summary."""
    st = county.state
    n = len(LAYERS) + 3
    for i, name in enumerate(LAYERS):
        feedback.step(i, n, f"写出 writing {name}")
        _write_layer(county.layers[name], folder / names["gpkg"], name, first=i == 0)
    feedback.step(len(LAYERS), n, "NDVI")
    rasters = {names["ndvi"]: write_ndvi(st, folder / names["ndvi"])}
    feedback.step(len(LAYERS) + 1, n, "DSM")
    rasters[names["dsm"]] = write_dsm(st, folder / names["dsm"])
    feedback.step(len(LAYERS) + 2, n, "Shapefile (GBK)")
    write_gbk_shapefile(county.layers["idle_land"], county.layers["admin_units"],
                        folder / names["shp"])
    write_project(county, folder, names)
    feedback.step(n, n)
    return {"size": county.size, "seed": county.seed, "crs": CRS, "as_of": AS_OF.isoformat(),
            "layers": {k: len(v) for k, v in county.layers.items()}, "rasters": rasters,
            "seeded": county.seeded}
