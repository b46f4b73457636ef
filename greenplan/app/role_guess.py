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
#: specific words come before general ones ("永久基本农田" before "农田", "红线" before "线").
#: Chinese words match anywhere in the name; pinyin abbreviations of two letters only as a
#: whole word (``HL_2023``, ``dl``), of three letters at the start of a word (``xzqh``), longer
#: ones anywhere (``dltb2023``).
KEYWORDS: list[tuple[str, tuple[str, ...]]] = [
    ("ecological_redline", ("生态保护红线", "生态红线", "红线", "stbhhx", "sthx", "redline", "ecological")),
    ("permanent_farmland", ("永久基本农田", "基本农田", "yjjbnt", "jbnt", "farmland")),
    ("urban_boundary", ("城镇开发边界", "开发边界", "czkfbj", "kfbj", "urban_boundary", "urban boundary")),
    ("built_up_area", ("建成区", "jcq", "built_up", "builtup", "built-up")),
    ("admin_units", ("行政区", "乡镇", "镇界", "街道", "xzq", "admin", "township", "district", "county")),
    ("idle_land", ("闲置", "xztd", "xz", "idle")),
    ("green_space", ("绿地", "公园", "ld", "green_space", "greenspace", "green", "park")),
    ("land_use", ("地类", "土地利用", "用地", "三调", "dltb", "land_use", "landuse", "yddm", "tdly")),
    ("buildings", ("建筑", "房屋", "jzw", "fw", "building")),
    ("roads", ("道路", "公路", "路网", "road", "street", "dl", "osm_roads")),
    ("rivers", ("河流", "水系", "河道", "水域", "水体", "hl", "sx", "river", "stream", "water", "waterway")),
    ("vegetation_raster", ("ndvi", "植被", "landcover", "land_cover", "worldcover", "土地覆盖", "esa_wc")),
    ("dsm_raster", ("dsm", "数字表面")),
]

#: names of terrain rasters (a bare-earth elevation model is not a surface model): no role
TERRAIN_WORDS = ("dem", "dtm", "terrain", "srtm", "aster", "高程", "地形", "elevation")

#: field names (upper case) that say what a layer is, checked when the name says nothing
FIELD_HINTS: list[tuple[str, tuple[str, ...]]] = [
    ("land_use", ("DLBM", "地类编码", "DLMC", "地类名称")),
    ("admin_units", ("XZQDM", "XZQMC", "乡镇代码", "乡镇名称", "行政区代码")),
    ("buildings", ("HEIGHT_M", "FLOORS", "层数", "建筑高度", "JZGD", "CS", "HEIGHT", "BUILDING:LEVELS")),
]

_GREEN_CLASS = re.compile(r"^G[1-3]\d?$", re.IGNORECASE)


def _words(text: str) -> list[str]:
    """ASCII words of a name (``dltb_2023-v2`` -> ``['dltb', 'v']``)."""
    return [w for w in re.split(r"[^a-z]+", text) if w]


def _hit(text: str, words: list[str], kw: str) -> bool:
    if not kw.isascii():
        return kw in text
    if len(kw) <= 2:
        return kw in words
    if len(kw) == 3:
        return any(w.startswith(kw) for w in words)
    return kw in text


def _clean(name: str) -> str:
    text = re.split(r"[\\/]", name)[-1].lower()
    for suffix in (".greenplan.toml", ".shp", ".gpkg", ".geojson", ".json", ".kml", ".gdb", ".zip") + RASTER_SUFFIXES:
        if text.endswith(suffix):
            return text[: -len(suffix)]
    return text


def geometry_kind(geometry: str | None) -> str | None:
    """``polygon``, ``line``, ``point`` or None (unknown) for an OGR / shapely geometry type name.

    Examples
    --------
    >>> geometry_kind("MultiPolygon Z"), geometry_kind("LineString"), geometry_kind("Point")
    ('polygon', 'line', 'point')
    """
    if not geometry:
        return None
    g = geometry.lower()
    if "polygon" in g:
        return "polygon"
    if "line" in g:
        return "line"
    if "point" in g:
        return "point"
    return None


def role_fits(role: str, kind: str | None) -> bool:
    """Whether a layer of geometry ``kind`` (None: unknown) can have ``role`` (vector roles)."""
    if kind is None:
        return True
    geom = ROLES[role].geometry
    if geom == "polygon":
        return kind == "polygon"
    if geom == "line":
        return kind == "line"
    if geom == "line_or_polygon":
        return kind in ("line", "polygon")
    return False


def looks_like_terrain(extent_m: float | None, value_range: float | None, pixel_m: float | None = None) -> bool:
    """Whether a raster's extent and values look like terrain (a DEM), not a surface model.

    A surface model of a town is a few kilometres wide at a metre or so per pixel; a
    terrain model covers a county or more (a 0.2° tile is 20 km), coarse, with heights
    ranging over hundreds or thousands of metres.

    Examples
    --------
    >>> looks_like_terrain(22_000, 1500, 30)
    True
    >>> looks_like_terrain(3_000, 60, 0.5)
    False
    """
    if pixel_m is not None and pixel_m >= 10:
        return True
    return extent_m is not None and value_range is not None and extent_m >= 10_000 and value_range >= 200


def guess_role(name: str, *, raster: bool | None = None, geometry: str | None = None,
               fields: list[str] | tuple[str, ...] = (), class_values: list | tuple = (),
               terrain: bool = False) -> str | None:
    """The role a layer called ``name`` probably has, or None (a reference layer).

    Parameters
    ----------
    name : str
        File name (with or without folder and suffix) or layer name.
    raster : bool, optional
        Whether the layer is a raster; restricts the guess to raster or vector roles.
        Default: decided from the suffix.
    geometry : str, optional
        The vector layer's geometry type (``Polygon``, ``MultiLineString``, ``Point`` ...):
        a role needing another geometry is never guessed (a point file gets no role).
    fields : list of str, optional
        The layer's field names (``DLBM`` says land use, ``XZQDM`` townships, ``层数`` buildings).
    class_values : list, optional
        Some values of a ``class`` field (``G1``, ``G2`` ... say green space).
    terrain : bool
        The raster's values look like terrain (:func:`looks_like_terrain`): not a DSM.

    Examples
    --------
    >>> guess_role("D:/数据/永久基本农田保护图斑.shp")
    'permanent_farmland'
    >>> guess_role("DLTB")
    'land_use'
    >>> guess_role("ndvi_2024.tif")
    'vegetation_raster'
    >>> guess_role("dem_30m.tif") is None  # terrain, not a surface model
    True
    >>> guess_role("poi.shp", geometry="Point") is None
    True
    >>> guess_role("data.shp", geometry="Polygon", fields=["BSM", "DLBM"])
    'land_use'
    >>> guess_role("底图注记") is None
    True
    """
    text = re.split(r"[\\/]", name)[-1].lower()
    if raster is None:
        raster = text.endswith(RASTER_SUFFIXES)
    text = _clean(name)
    words = _words(text)
    kind = None if raster else geometry_kind(geometry)
    if raster and (terrain or any(_hit(text, words, w) for w in TERRAIN_WORDS)) and not _hit(text, words, "dsm"):
        return None
    for role, kws in KEYWORDS:
        if ROLES[role].is_raster != raster:
            continue
        if any(_hit(text, words, w) for w in kws):
            if role == "dsm_raster" and terrain:
                continue
            if raster or role_fits(role, kind):
                return role
    if raster:
        return None
    upper = {str(f).upper() for f in fields}
    for role, names in FIELD_HINTS:
        if upper & {n.upper() for n in names} and role_fits(role, kind):
            return role
    values = [str(v) for v in class_values if v is not None]
    if values and sum(bool(_GREEN_CLASS.match(v)) for v in values) >= max(1, len(values) // 2) and role_fits("green_space", kind):
        return "green_space"
    return None


#: suffixes of files without geometry: refused when added as a layer
NON_SPATIAL_SUFFIXES = (".txt", ".csv", ".xlsx", ".xls", ".doc", ".docx", ".pdf", ".ods", ".md", ".toml")


def non_spatial_reason(path: Path) -> tuple[str, str] | None:
    """``(en, zh)`` why ``path`` cannot be a map layer, or None when it may be one.

    Examples
    --------
    >>> non_spatial_reason(Path("人口.xlsx"))[1]
    '“人口.xlsx”是表格或文本文件，没有地理位置（几何），不能作为图层添加。请选择 Shapefile、GeoPackage、GeoJSON 或栅格（.tif）文件。'
    >>> non_spatial_reason(Path("乡镇.shp")) is None
    True
    """
    name = Path(path).name
    if name.lower().endswith(NON_SPATIAL_SUFFIXES):
        return (f"“{name}” is a table or text file without locations (geometry) and cannot be added as a layer. "
                "Choose a shapefile, GeoPackage, GeoJSON or raster (.tif) file.",
                f"“{name}”是表格或文本文件，没有地理位置（几何），不能作为图层添加。"
                "请选择 Shapefile、GeoPackage、GeoJSON 或栅格（.tif）文件。")
    return None


def _vector_hints(path: Path, layer: str | None) -> dict:
    """Geometry type, field names and some ``class`` values of a vector layer ({} if unreadable)."""
    import pyogrio

    try:
        info = pyogrio.read_info(path, layer=layer)
    except Exception:  # noqa: BLE001 - the loader reports an unreadable file with its own message
        return {}
    fields = [str(f) for f in info.get("fields", [])]
    hints: dict = {"geometry": info.get("geometry_type"), "fields": fields}
    cls = next((f for f in fields if f.lower() == "class"), None)
    if cls is not None:
        try:
            df = pyogrio.read_dataframe(path, layer=layer, columns=[cls], read_geometry=False, max_features=50)
            hints["class_values"] = list(df[cls])
        except Exception:  # noqa: BLE001 - a hint only
            pass
    return hints


def _raster_terrain(path: Path) -> bool:
    """Whether the raster's extent and values look like terrain (False if unreadable)."""
    try:
        import numpy as np
        import rasterio

        with rasterio.open(path) as ds:
            left, bottom, right, top = ds.bounds
            geographic = ds.crs is not None and ds.crs.is_geographic
            scale = 111_000.0 if geographic else 1.0
            extent = max(right - left, top - bottom) * scale
            pixel = abs(ds.transform.a) * scale
            step = max(1, max(ds.width, ds.height) // 256)
            data = ds.read(1, out_shape=(max(1, ds.height // step), max(1, ds.width // step)), masked=True)
            values = np.ma.compressed(data).astype(float)
        value_range = float(values.max() - values.min()) if values.size else None
    except Exception:  # noqa: BLE001 - a hint only
        return False
    return looks_like_terrain(extent, value_range, pixel)


def layer_specs_for(path: Path) -> list[LayerSpec]:
    """Layers to add for a file: each layer of a container, the role guessed from names."""
    path = Path(path)
    name = path.name
    if name.lower().endswith(RASTER_SUFFIXES):
        role = guess_role(name, raster=True)
        if role == "dsm_raster" and path.is_file() and _raster_terrain(path):
            role = None
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
        hints = _vector_hints(path, lyr) if path.exists() else {}
        role = guess_role(lyr, raster=False, **hints) if lyr else None
        role = role or guess_role(name, raster=False, **hints)
        out.append(LayerSpec(source=path, layer=lyr, name=lyr or path.stem, role=role))
    return out
