"""GCJ-02 and BD-09: the shifted lon/lat of Chinese web maps, to and from WGS 84.

高德 (Amap), 腾讯 (Tencent) and Google's China maps publish GCJ-02 ("火星坐标"): WGS 84
lon/lat shifted by a published formula, typically 100-700 m. 百度 (Baidu) adds a second
shift on top of GCJ-02 (BD-09). PROJ does not know either, so GreenPlan converts such a
layer to WGS 84 itself, then on to the working CRS as usual.

The forward formulas are the ones in every open implementation (eviltransform,
coordTransform, PRCoords); outside China's box (:func:`out_of_china`) GCJ-02 equals
WGS 84. The inverses are solved by fixed-point iteration of the forward formula
(Caijun 2014, as in PRCoords' ``*_bored`` functions) to below a micro-degree fraction
(about 1 mm), so the back-converted coordinates are exact for any practical use. All
functions take and return whole numpy arrays: one million vertices convert in well
under a second (``benchmarks/bench_gcj02.py``).
"""

from __future__ import annotations

import re

import numpy as np

#: the datums this module converts, by canonical name
GCJ02 = "GCJ-02"
BD09 = "BD-09"
DATUMS = (GCJ02, BD09)

#: Krasovsky 1940 semi-major axis and first eccentricity squared, as the GCJ-02 formula uses them
_A = 6378245.0
_EE = 0.00669342162296594323
_X_PI = np.pi * 3000.0 / 180.0
#: iterations stop when the forward image is this close to the input (degrees, ~1 mm)
_TOL_DEG = 1e-9
_MAX_ITER = 30

_ALIASES = {
    "gcj02": GCJ02, "gcj": GCJ02, "mars": GCJ02, "火星坐标": GCJ02, "火星坐标系": GCJ02, "国测局坐标": GCJ02,
    "国测局坐标系": GCJ02, "高德": GCJ02, "高德坐标": GCJ02, "腾讯坐标": GCJ02,
    "bd09": BD09, "bd09ll": BD09, "baidu": BD09, "百度坐标": BD09, "百度坐标系": BD09, "百度": BD09,
}


def china_datum(text: str | None) -> str | None:
    """``GCJ-02`` or ``BD-09`` when ``text`` names one of them (case, hyphens, spaces ignored), else None.

    Examples
    --------
    >>> china_datum("gcj02"), china_datum(" BD-09 "), china_datum("火星坐标系"), china_datum("EPSG:4326")
    ('GCJ-02', 'BD-09', 'GCJ-02', None)
    """
    if not text:
        return None
    key = re.sub(r"[\s_\-]", "", str(text)).lower()
    return _ALIASES.get(key)


def out_of_china(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """True where the point is outside the box GCJ-02 shifts (the usual rule: 73.66-135.05°E, 3.86-53.55°N).

    Examples
    --------
    >>> out_of_china(np.array([116.4, 2.35]), np.array([39.9, 48.85])).tolist()
    [False, True]
    """
    lon, lat = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
    return ~((lon > 73.66) & (lon < 135.05) & (lat > 3.86) & (lat < 53.55))


def _shift(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The GCJ-02 offset (degrees of lon, lat) at WGS 84 ``lon``, ``lat`` (no China test)."""
    x, y = lon - 105.0, lat - 35.0
    sx = np.sqrt(np.abs(x))
    common = (20.0 * np.sin(6.0 * x * np.pi) + 20.0 * np.sin(2.0 * x * np.pi)) * 2.0 / 3.0
    dlat = (-100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * sx + common
            + (20.0 * np.sin(y * np.pi) + 40.0 * np.sin(y / 3.0 * np.pi)) * 2.0 / 3.0
            + (160.0 * np.sin(y / 12.0 * np.pi) + 320.0 * np.sin(y * np.pi / 30.0)) * 2.0 / 3.0)
    dlon = (300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * sx + common
            + (20.0 * np.sin(x * np.pi) + 40.0 * np.sin(x / 3.0 * np.pi)) * 2.0 / 3.0
            + (150.0 * np.sin(x / 12.0 * np.pi) + 300.0 * np.sin(x / 30.0 * np.pi)) * 2.0 / 3.0)
    rad = lat / 180.0 * np.pi
    magic = 1.0 - _EE * np.sin(rad) ** 2
    sqrt_magic = np.sqrt(magic)
    dlat = dlat * 180.0 / ((_A * (1.0 - _EE)) / (magic * sqrt_magic) * np.pi)
    dlon = dlon * 180.0 / (_A / sqrt_magic * np.cos(rad) * np.pi)
    return dlon, dlat


def _arrays(lon, lat) -> tuple[np.ndarray, np.ndarray]:
    return np.array(lon, dtype=float, copy=True), np.array(lat, dtype=float, copy=True)


def wgs84_to_gcj02(lon, lat) -> tuple[np.ndarray, np.ndarray]:
    """WGS 84 lon/lat (degrees) → GCJ-02 (unchanged outside China).

    Examples
    --------
    >>> lon, lat = wgs84_to_gcj02([116.397128], [39.916527])
    >>> round(float(lon[0]), 6), round(float(lat[0]), 6)
    (116.403372, 39.917931)
    """
    lon, lat = _arrays(lon, lat)
    inside = ~out_of_china(lon, lat)
    dlon, dlat = _shift(lon[inside], lat[inside])
    lon[inside] += dlon
    lat[inside] += dlat
    return lon, lat


def gcj02_to_wgs84(lon, lat) -> tuple[np.ndarray, np.ndarray]:
    """GCJ-02 lon/lat → WGS 84, exact to about 1 mm (fixed-point iteration of the forward shift).

    Examples
    --------
    >>> lon, lat = gcj02_to_wgs84(*wgs84_to_gcj02([106.27], [38.47]))
    >>> abs(float(lon[0]) - 106.27) < 1e-8, abs(float(lat[0]) - 38.47) < 1e-8
    (True, True)
    """
    glon, glat = _arrays(lon, lat)
    inside = ~out_of_china(glon, glat)
    tlon, tlat = glon[inside], glat[inside]
    wlon, wlat = tlon.copy(), tlat.copy()
    todo = np.arange(len(wlon))
    for _ in range(_MAX_ITER):
        dlon, dlat = _shift(wlon[todo], wlat[todo])
        elon = wlon[todo] + dlon - tlon[todo]
        elat = wlat[todo] + dlat - tlat[todo]
        wlon[todo] -= elon
        wlat[todo] -= elat
        todo = todo[(np.abs(elon) > _TOL_DEG) | (np.abs(elat) > _TOL_DEG)]
        if len(todo) == 0:
            break
    glon[inside], glat[inside] = wlon, wlat
    return glon, glat


def gcj02_to_bd09(lon, lat) -> tuple[np.ndarray, np.ndarray]:
    """GCJ-02 → BD-09 (Baidu's formula).

    Examples
    --------
    >>> lon, lat = gcj02_to_bd09([116.404], [39.915])
    >>> round(float(lon[0]), 6), round(float(lat[0]), 6)
    (116.410369, 39.921337)
    """
    x, y = _arrays(lon, lat)
    z = np.sqrt(x * x + y * y) + 0.00002 * np.sin(y * _X_PI)
    theta = np.arctan2(y, x) + 0.000003 * np.cos(x * _X_PI)
    return z * np.cos(theta) + 0.0065, z * np.sin(theta) + 0.006


def bd09_to_gcj02(lon, lat) -> tuple[np.ndarray, np.ndarray]:
    """BD-09 → GCJ-02, exact to about 1 mm (Baidu's closed-form inverse, refined by iteration)."""
    blon, blat = _arrays(lon, lat)
    x, y = blon - 0.0065, blat - 0.006
    z = np.sqrt(x * x + y * y) - 0.00002 * np.sin(y * _X_PI)
    theta = np.arctan2(y, x) - 0.000003 * np.cos(x * _X_PI)
    glon, glat = z * np.cos(theta), z * np.sin(theta)
    for _ in range(_MAX_ITER):
        flon, flat = gcj02_to_bd09(glon, glat)
        elon, elat = flon - blon, flat - blat
        glon, glat = glon - elon, glat - elat
        if np.all(np.abs(elon) <= _TOL_DEG) and np.all(np.abs(elat) <= _TOL_DEG):
            break
    return glon, glat


def wgs84_to_bd09(lon, lat) -> tuple[np.ndarray, np.ndarray]:
    """WGS 84 → BD-09 (through GCJ-02)."""
    return gcj02_to_bd09(*wgs84_to_gcj02(lon, lat))


def bd09_to_wgs84(lon, lat) -> tuple[np.ndarray, np.ndarray]:
    """BD-09 → WGS 84 (through GCJ-02), exact to about 1 mm."""
    return gcj02_to_wgs84(*bd09_to_gcj02(lon, lat))


def to_wgs84_xy(datum: str, xy: np.ndarray) -> np.ndarray:
    """An ``(N, 2)`` array of lon/lat in ``datum`` (``GCJ-02``/``BD-09``) as WGS 84.

    The signature :func:`shapely.transform` expects, so whole geometry arrays convert in one call.
    """
    xy = np.asarray(xy, dtype=float)
    if len(xy) == 0:
        return xy.copy()
    fn = gcj02_to_wgs84 if datum == GCJ02 else bd09_to_wgs84
    lon, lat = fn(xy[:, 0], xy[:, 1])
    return np.column_stack([lon, lat])


def geometries_to_wgs84(geoms: np.ndarray, datum: str) -> np.ndarray:
    """Shapely geometries in ``datum`` lon/lat → WGS 84 lon/lat (one vectorised pass; Z kept).

    Examples
    --------
    >>> import shapely
    >>> g = geometries_to_wgs84(np.array([shapely.Point(116.404, 39.915)]), "GCJ-02")
    >>> round(g[0].x, 4), round(g[0].y, 4)
    (116.3978, 39.9136)
    """
    import shapely

    if datum not in DATUMS:
        raise ValueError(f"unknown datum {datum!r}")
    return shapely.transform(np.asarray(geoms, dtype=object), lambda xy: to_wgs84_xy(datum, xy))
