"""Coordinate reference systems: labels, the working CRS, and guessing a missing CRS.

Chinese planning data is in CGCS2000 (EPSG:4490) lon/lat or 3-degree Gauss-Kruger
coordinates, with the zone number before the easting (``35xxxxxx.x``, EPSG:4513-4533)
or without it (``5xxxxx.x``, EPSG:4534-4554); see ``shared/domain.md`` §7.1. A layer
without a CRS is guessed from its coordinates and the guess is always reported.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import pyproj

from greenplan.core.errors import CRSError
from greenplan.core.geo import transformer

Bounds = tuple[float, float, float, float]

CGCS2000 = "EPSG:4490"
#: lon/lat box of China (with the southern islands), degrees
CHINA_LONLAT: Bounds = (73.0, 3.0, 136.0, 54.0)


@dataclass(frozen=True)
class CRSGuess:
    """A guessed CRS and why (one sentence per language)."""

    crs: pyproj.CRS
    en: str
    zh: str


def crs_label(crs: pyproj.CRS | None) -> str | None:
    """``EPSG:4544`` where the CRS has an EPSG code, else its name.

    Examples
    --------
    >>> crs_label(pyproj.CRS.from_epsg(4544))
    'EPSG:4544'
    """
    if crs is None:
        return None
    auth = crs.to_authority(min_confidence=90)
    return f"{auth[0]}:{auth[1]}" if auth else crs.name


def gk3_crs(lon: float) -> pyproj.CRS:
    """The CGCS2000 3-degree Gauss-Kruger CRS without zone prefix nearest to ``lon``.

    Parameters
    ----------
    lon : float
        Longitude in degrees east.

    Returns
    -------
    pyproj.CRS
        EPSG:4534 (central meridian 75°E) to EPSG:4554 (135°E).

    Examples
    --------
    >>> gk3_crs(106.2).to_epsg()  # Yinchuan
    4544
    >>> gk3_crs(106.6).to_epsg()  # Lingwu, east of 106.5°E
    4545
    """
    cm = min(135, max(75, 3 * math.floor(lon / 3.0 + 0.5)))
    return pyproj.CRS.from_epsg(4534 + (cm - 75) // 3)


def to_lonlat(bounds: Bounds, crs: pyproj.CRS) -> Bounds | None:
    """``bounds`` in ``crs`` as lon/lat degrees.

    None where they cannot be transformed or land outside ±180°/±90°: the coordinates do
    not belong to ``crs`` (GK metres labelled as lon/lat, zone-prefixed eastings labelled
    as a CRS without prefix).

    Examples
    --------
    >>> to_lonlat((500_000.0, 4_250_000.0, 501_000.0, 4_251_000.0), pyproj.CRS.from_epsg(4490)) is None
    True
    """
    if crs.is_geographic and not _inside(bounds, (-180.0, -90.0, 180.0, 90.0)):
        return None
    out = transform_bounds(bounds, crs, pyproj.CRS.from_epsg(4326))
    return out if out is not None and _inside(out, (-180.0, -90.0, 180.0, 90.0)) else None


def transform_bounds(bounds: Bounds, src: pyproj.CRS, dst: pyproj.CRS) -> Bounds | None:
    """``bounds`` from ``src`` to ``dst`` (None where not finite)."""
    try:
        t = transformer(src, dst)
        out = t.transform_bounds(*bounds, densify_pts=21)
    except (pyproj.exceptions.ProjError, ValueError):
        return None
    return tuple(float(v) for v in out) if all(math.isfinite(v) for v in out) else None  # type: ignore[return-value]


def _inside(b: Bounds, box: Bounds) -> bool:
    return b[0] >= box[0] and b[1] >= box[1] and b[2] <= box[2] and b[3] <= box[3]


def bbox_gap(a: Bounds, b: Bounds) -> float:
    """Distance between two boxes (0 where they touch or overlap), in their units."""
    dx = max(0.0, max(a[0], b[0]) - min(a[2], b[2]))
    dy = max(0.0, max(a[1], b[1]) - min(a[3], b[3]))
    return math.hypot(dx, dy)


#: approximate metres per degree of latitude, and of longitude at the equator
_M_PER_DEG_LAT = 110_574.0
_M_PER_DEG_LON = 111_320.0


def lonlat_gap_m(a: Bounds, b: Bounds) -> float:
    """Approximate ground distance (m) between two lon/lat boxes (0 where they touch or overlap).

    Longitude gaps are scaled by the cosine of the latitude between the boxes; good to a
    few per cent, which is all that deciding "near or far" needs.

    Examples
    --------
    >>> round(lonlat_gap_m((105.0, 30.0, 105.5, 30.5), (106.0, 30.0, 106.5, 30.5)) / 1000)
    48
    """
    dlon = max(0.0, max(a[0], b[0]) - min(a[2], b[2]))
    dlat = max(0.0, max(a[1], b[1]) - min(a[3], b[3]))
    lat = (max(a[1], b[1]) + min(a[3], b[3])) / 2
    return math.hypot(dlon * _M_PER_DEG_LON * math.cos(math.radians(max(-89.0, min(89.0, lat)))), dlat * _M_PER_DEG_LAT)


def lonlat_diagonal_m(b: Bounds) -> float:
    """Approximate diagonal (m) of a lon/lat box."""
    lat = (b[1] + b[3]) / 2
    return math.hypot((b[2] - b[0]) * _M_PER_DEG_LON * math.cos(math.radians(max(-89.0, min(89.0, lat)))),
                      (b[3] - b[1]) * _M_PER_DEG_LAT)


def group_extents(
    extents: Mapping[int, Bounds], weights: Mapping[int, float] | None = None, *, min_gap_m: float = 20_000.0
) -> tuple[list[int], dict[int, float]]:
    """The layers that lie together, and those far from them (lon/lat extents).

    Two layers belong together when the gap between their boxes is at most ``min_gap_m``
    or the larger box's diagonal (a village-sized layer 30 km outside a county still
    belongs to it). Groups are the connected sets of that relation; the main group is the
    one with the largest total ``weight`` (default 1 per layer; the loader weighs the
    study-area roles highest), ties going to the group with the first layer.

    Parameters
    ----------
    extents : mapping of layer index -> (minx, miny, maxx, maxy) in degrees
    weights : mapping of layer index -> weight, optional

    Returns
    -------
    (list of int, dict)
        The indexes of the main group (sorted), and for every other layer the gap in
        metres to the nearest layer of the main group.

    Examples
    --------
    >>> county = {0: (105.0, 30.0, 105.4, 30.3), 1: (105.1, 30.1, 105.2, 30.2), 2: (27.0, -26.0, 28.0, -25.0)}
    >>> main, far = group_extents(county)
    >>> main, sorted(far)
    ([0, 1], [2])
    """
    keys = [k for k, b in extents.items() if b is not None and all(math.isfinite(v) for v in b)]
    parent = {k: k for k in keys}

    def root(k: int) -> int:
        while parent[k] != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    for n, a in enumerate(keys):
        for b in keys[n + 1:]:
            ba, bb = extents[a], extents[b]
            if lonlat_gap_m(ba, bb) <= max(min_gap_m, lonlat_diagonal_m(ba), lonlat_diagonal_m(bb)):
                parent[root(b)] = root(a)
    groups: dict[int, list[int]] = {}
    for k in keys:
        groups.setdefault(root(k), []).append(k)
    if not groups:
        return [], {}
    w = weights or {}
    main = max(groups.values(), key=lambda g: (sum(w.get(k, 1.0) for k in g), -min(keys.index(k) for k in g)))
    far = {k: min(lonlat_gap_m(extents[k], extents[m]) for m in main) for k in keys if k not in main}
    return sorted(main), far


@dataclass(frozen=True)
class SourceCRS:
    """A layer's declared CRS (``source_crs``): a PROJ CRS, or a Chinese web-map datum.

    ``crs`` is the CRS the coordinates are in once the datum shift is undone: the declared
    CRS itself, or WGS 84 (EPSG:4326) for ``GCJ-02``/``BD-09``, whose coordinates the
    loader converts first (:mod:`greenplan.io.china_datums`).
    """

    text: str
    crs: pyproj.CRS
    datum: str | None = None

    @property
    def label(self) -> str:
        """``GCJ-02``, ``BD-09`` or the CRS label (``EPSG:4490``, or its name)."""
        return self.datum or crs_label(self.crs) or self.text

    @property
    def name(self) -> str:
        if self.datum:
            return f"{self.datum} lon/lat (Chinese web-map datum, converted to WGS 84)"
        return self.crs.name


def parse_source_crs(text: str, *, key: str = "source_crs", path: object = None, layer: str | None = None) -> SourceCRS:
    """A layer's ``source_crs``: anything pyproj reads (``EPSG:4326``, WKT, PROJ), or ``GCJ-02``/``BD-09``.

    Raises
    ------
    CRSError
        Unknown text, or a CRS that is neither geographic nor projected (e.g. geocentric).

    Examples
    --------
    >>> parse_source_crs("gcj02").label, parse_source_crs("4490").label, parse_source_crs("EPSG:4544").label
    ('GCJ-02', 'EPSG:4490', 'EPSG:4544')
    """
    from greenplan.io.china_datums import china_datum

    datum = china_datum(text)
    if datum is not None:
        return SourceCRS(text=str(text), crs=pyproj.CRS.from_epsg(4326), datum=datum)
    hint_en = ('Use an EPSG code ("EPSG:4490" CGCS2000 lon/lat, "EPSG:4326" WGS 84, "EPSG:4544" GK 105°E), '
               'WKT, or "GCJ-02" (高德/腾讯) / "BD-09" (百度).')
    hint_zh = ('请使用 EPSG 代码（"EPSG:4490" CGCS2000 经纬度、"EPSG:4326" WGS 84、"EPSG:4544" 高斯-克吕格 105°E）、'
               'WKT，或 "GCJ-02"（高德/腾讯）/ "BD-09"（百度）。')
    kw = {"key": key, "path": path, "layer": layer, "hint_en": hint_en, "hint_zh": hint_zh}
    try:
        crs = pyproj.CRS.from_user_input(int(text) if str(text).strip().isdigit() else str(text).strip())
    except (pyproj.exceptions.CRSError, TypeError, ValueError):
        raise CRSError(f"{key}: unknown coordinate reference system '{text}'.",
                       f"{key}：无法识别的坐标系“{text}”。", **kw) from None
    if not (crs.is_geographic or crs.is_projected):
        raise CRSError(f"{key}: '{text}' ({crs.name}) is neither a lon/lat nor a projected CRS.",
                       f"{key}：“{text}”（{crs.name}）既不是经纬度坐标系，也不是投影坐标系。", **kw)
    return SourceCRS(text=str(text), crs=crs)


def parse_crs(text: str, *, key: str = "crs") -> pyproj.CRS:
    """A user-given CRS (``EPSG:4544``, ``4544``, WKT, PROJ string) that must be metric.

    Raises
    ------
    CRSError
        Unknown, or not a projected CRS in metres (areas must be in m²).
    """
    try:
        crs = pyproj.CRS.from_user_input(int(text) if str(text).strip().isdigit() else text)
    except pyproj.exceptions.CRSError:
        raise CRSError(
            f"Unknown coordinate reference system '{text}'.",
            f"无法识别的坐标系“{text}”。",
            key=key,
            hint_en='Use an EPSG code such as "EPSG:4544" (CGCS2000 / 3-degree Gauss-Kruger CM 105E).',
            hint_zh="请使用 EPSG 代码，例如 \"EPSG:4544\"（CGCS2000 3度带高斯-克吕格，中央经线105°E）。",
        ) from None
    unit = crs.axis_info[0].unit_name if crs.axis_info else ""
    if not crs.is_projected or unit not in ("metre", "meter"):
        raise CRSError(
            f"The working CRS '{text}' is not a projected CRS in metres; areas would not be in m².",
            f"工作坐标系“{text}”不是以米为单位的投影坐标系，无法以平方米计算面积。",
            key=key,
            hint_en="Use a CGCS2000 Gauss-Kruger CRS, e.g. EPSG:4544.",
            hint_zh="请使用 CGCS2000 高斯-克吕格投影坐标系，例如 EPSG:4544。",
        )
    return crs


def choose_working_crs(
    project_crs: str | None, settings_crs: str | None, extents_lonlat: Iterable[Bounds]
) -> tuple[pyproj.CRS, str, str]:
    """The working CRS and where it came from (``project``, ``settings``, ``auto``).

    ``auto`` is the CGCS2000 3-degree GK zone (no prefix) whose central meridian is
    nearest the centre of the combined lon/lat extent; data outside China's zones get
    the WGS 84 UTM zone of that centre instead (said in the note). Returns
    ``(crs, how, note)`` with a bilingual note.
    """
    if project_crs:
        crs = parse_crs(project_crs)
        return crs, "project", f"working CRS {crs_label(crs)} (project) / 工作坐标系 {crs_label(crs)}（项目设置）"
    if settings_crs:
        crs = parse_crs(settings_crs, key="settings.crs")
        return crs, "settings", f"working CRS {crs_label(crs)} (settings) / 工作坐标系 {crs_label(crs)}（设置）"
    boxes = [b for b in extents_lonlat if b is not None]
    if not boxes:
        crs = pyproj.CRS.from_epsg(4544)
        return crs, "auto", "no layer has a usable extent; working CRS EPSG:4544 / 无可用范围，工作坐标系取 EPSG:4544"
    lon = (min(b[0] for b in boxes) + max(b[2] for b in boxes)) / 2
    lat = (min(b[1] for b in boxes) + max(b[3] for b in boxes)) / 2
    if CHINA_LONLAT[0] <= lon <= CHINA_LONLAT[2]:
        crs = gk3_crs(lon)
        return crs, "auto", (
            f"working CRS {crs_label(crs)}: CGCS2000 3-degree Gauss-Kruger zone nearest the data centre "
            f"({lon:.2f}°E) / 工作坐标系 {crs_label(crs)}：距数据中心（{lon:.2f}°E）最近的 CGCS2000 3度带"
        )
    zone = int((lon + 180) // 6) % 60 + 1
    crs = pyproj.CRS.from_epsg((32600 if lat >= 0 else 32700) + zone)
    return crs, "auto", (
        f"the data lie outside China's Gauss-Kruger zones ({lon:.2f}°); working CRS {crs_label(crs)} (UTM) / "
        f"数据不在中国高斯-克吕格分带范围内（{lon:.2f}°），工作坐标系取 {crs_label(crs)}（UTM）"
    )


def _no_prefix_candidate(crs: pyproj.CRS, bounds: Bounds) -> pyproj.CRS | None:
    """The no-prefix GK CRS a companion layer suggests (its own, or its zone's)."""
    if crs.is_projected and 0 < bounds[0] and bounds[2] < 1_000_000:
        return crs
    lonlat = to_lonlat(bounds, crs)
    if lonlat is None:
        return None
    return gk3_crs((lonlat[0] + lonlat[2]) / 2)


def guess_crs(
    bounds: Bounds,
    *,
    companions: Sequence[tuple[pyproj.CRS, Bounds]] = (),
    project_crs: pyproj.CRS | None = None,
) -> CRSGuess | None:
    """Guess the CRS of coordinates ``bounds`` (a layer without .prj).

    Parameters
    ----------
    bounds : (minx, miny, maxx, maxy)
        The layer's extent in its own (unknown) coordinates.
    companions : sequence of (CRS, bounds)
        Other layers of the project whose CRS was read, with their extents in that CRS.
    project_crs : pyproj.CRS, optional
        The project's working CRS, if the user set one.

    Returns
    -------
    CRSGuess or None
        None when the coordinates fit no rule.

    Examples
    --------
    >>> guess_crs((35_512_000.0, 4_260_000.0, 35_530_000.0, 4_280_000.0)).crs.to_epsg()
    4523
    >>> guess_crs((106.1, 38.4, 106.3, 38.6)).crs.to_epsg()
    4490
    """
    minx, miny, maxx, maxy = bounds
    if not all(math.isfinite(v) for v in bounds):
        return None
    if -180 <= minx and maxx <= 180 and -90 <= miny and maxy <= 90:
        if _inside(bounds, CHINA_LONLAT):
            return CRSGuess(
                pyproj.CRS.from_epsg(4490),
                "coordinates are longitudes/latitudes in China: CGCS2000 (EPSG:4490) assumed",
                "坐标为中国范围内的经纬度，按 CGCS2000 地理坐标系（EPSG:4490）处理",
            )
        return CRSGuess(
            pyproj.CRS.from_epsg(4326),
            "coordinates are longitudes/latitudes: WGS 84 (EPSG:4326) assumed",
            "坐标为经纬度，按 WGS 84（EPSG:4326）处理",
        )
    if not (0 <= miny and maxy <= 10_000_000):
        return None
    zone, zone_max = math.floor(minx / 1e6), math.floor(maxx / 1e6)
    # (zone width in degrees, first and last zone number, EPSG code of the first zone)
    for width, first, last, epsg0 in ((3, 25, 45, 4513), (6, 13, 23, 4491)):
        if zone == zone_max and first <= zone <= last:
            code = epsg0 + zone - first
            return CRSGuess(
                pyproj.CRS.from_epsg(code),
                f"eastings carry the {width}-degree zone number {zone}: CGCS2000 {width}-degree Gauss-Kruger "
                f"zone {zone} (EPSG:{code}) assumed",
                f"横坐标带有{width}度带带号 {zone}，按 CGCS2000 {width}度带高斯-克吕格第 {zone} 带（EPSG:{code}）处理",
            )
    if not (100_000 <= minx and maxx <= 900_000):
        return None
    tolerance = max(50_000.0, math.hypot(maxx - minx, maxy - miny))
    for crs, cbounds in companions:
        cand = _no_prefix_candidate(crs, cbounds)
        if cand is None:
            continue
        cb = cbounds if cand == crs else transform_bounds(cbounds, crs, cand)
        if cb is not None and bbox_gap(bounds, cb) <= tolerance:
            label = crs_label(cand)
            return CRSGuess(
                cand,
                f"Gauss-Kruger eastings without zone number; the zone of the other layers ({label}) assumed",
                f"高斯-克吕格横坐标不带带号，按其他图层所在分带（{label}）处理",
            )
    if project_crs is not None and project_crs.is_projected:
        lonlat = to_lonlat(bounds, project_crs)
        if lonlat is not None and _inside(lonlat, CHINA_LONLAT):
            label = crs_label(project_crs)
            return CRSGuess(
                project_crs,
                f"Gauss-Kruger eastings without zone number; the project CRS ({label}) assumed",
                f"高斯-克吕格横坐标不带带号，按项目坐标系（{label}）处理",
            )
    return None
