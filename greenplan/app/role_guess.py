"""Guess a layer's role from its file or layer name (Qt-free).

County data arrive with names like ``生态保护红线.shp``, ``DLTB``, ``JBNTBHTB`` (永久基本农田
保护图斑) or ``CZKFBJ`` (城镇开发边界). The guess only pre-selects the role in the add-layer
dialog or for a dropped file; the planner can change it.
"""

from __future__ import annotations

import re
from pathlib import Path

from greenplan.core.project import LayerSpec
from greenplan.core.roles import ROLES
from greenplan.io.raster import RASTER_SUFFIXES

#: role -> keywords (lower case); the first role with a keyword in the name wins, so
#: specific words come before general ones ("永久基本农田" before "农田", "红线" before "线")
KEYWORDS: list[tuple[str, tuple[str, ...]]] = [
    ("ecological_redline", ("生态保护红线", "生态红线", "红线", "stbhhx", "redline", "ecological")),
    ("permanent_farmland", ("永久基本农田", "基本农田", "jbnt", "farmland")),
    ("urban_boundary", ("城镇开发边界", "开发边界", "czkfbj", "kfbj", "urban_boundary", "urban boundary")),
    ("built_up_area", ("建成区", "jcq", "built_up", "builtup", "built-up")),
    ("admin_units", ("行政区", "乡镇", "街道", "xzq", "admin", "township")),
    ("idle_land", ("闲置", "idle")),
    ("green_space", ("绿地", "公园", "green_space", "greenspace", "green", "park")),
    ("land_use", ("地类图斑", "土地利用", "用地", "三调", "dltb", "land_use", "landuse", "yddm")),
    ("buildings", ("建筑", "房屋", "jzw", "building")),
    ("roads", ("道路", "公路", "路网", "road", "street", "dl_")),
    ("rivers", ("河流", "水系", "河道", "river", "stream")),
    ("vegetation_raster", ("ndvi", "植被", "landcover", "land_cover", "worldcover", "土地覆盖")),
    ("dsm_raster", ("dsm", "数字表面", "高程", "dem")),
]



def guess_role(name: str, *, raster: bool | None = None) -> str | None:
    """The role a layer called ``name`` probably has, or None (a reference layer).

    Parameters
    ----------
    name : str
        File name (with or without folder and suffix) or layer name.
    raster : bool, optional
        Whether the layer is a raster; restricts the guess to raster or vector roles.
        Default: decided from the suffix.

    Examples
    --------
    >>> guess_role("D:/数据/永久基本农田保护图斑.shp")
    'permanent_farmland'
    >>> guess_role("DLTB")
    'land_use'
    >>> guess_role("ndvi_2024.tif")
    'vegetation_raster'
    >>> guess_role("底图注记") is None
    True
    """
    text = re.split(r"[\\/]", name)[-1].lower()
    if raster is None:
        raster = text.endswith(RASTER_SUFFIXES)
    for suffix in (".greenplan.toml", ".shp", ".gpkg", ".geojson", ".json", ".kml", ".gdb", ".zip") + RASTER_SUFFIXES:
        if text.endswith(suffix):
            text = text[: -len(suffix)]
            break
    for role, words in KEYWORDS:
        if ROLES[role].is_raster != raster:
            continue
        if any(w in text for w in words):
            return role
    return None


def layer_specs_for(path: Path) -> list[LayerSpec]:
    """Layers to add for a file: each layer of a container, the role guessed from names."""
    path = Path(path)
    name = path.name
    if name.lower().endswith(RASTER_SUFFIXES):
        role = guess_role(name, raster=True)
        return [LayerSpec(source=path, name=path.stem, role=role)]
    layers: list[str | None] = [None]
    if path.suffix.lower() in (".gpkg", ".gdb", ".sqlite") or path.is_dir():
        import pyogrio

        try:
            layers = [str(n) for n, _ in pyogrio.list_layers(path)]
        except Exception:  # noqa: BLE001 - the loader reports an unreadable file with its own message
            layers = [None]
    out = []
    for lyr in layers:
        role = guess_role(lyr, raster=False) if lyr else None
        role = role or guess_role(name, raster=False)
        out.append(LayerSpec(source=path, layer=lyr, name=lyr or path.stem, role=role))
    return out
