"""Small geodesy helpers shared by io and analysis."""

from __future__ import annotations

import functools

import pyproj

#: ``GeoDataFrame.attrs`` key set to True by a loader once every geometry is valid, so
#: analyses skip their own validity pass
VALID_ATTR = "greenplan_valid_geometries"


@functools.lru_cache(maxsize=64)
def _transformer(src: str, dst: str) -> pyproj.Transformer:
    return pyproj.Transformer.from_crs(pyproj.CRS.from_user_input(src), pyproj.CRS.from_user_input(dst), always_xy=True)


def _key(crs: pyproj.CRS) -> str:
    # the same CRS arrives as different WKT (GeoPackage vs GeoTIFF): key on the EPSG code
    # where it is exact, so both share one transformer
    epsg = crs.to_epsg(min_confidence=100)
    return f"EPSG:{epsg}" if epsg else crs.to_wkt()


def transformer(src: pyproj.CRS, dst: pyproj.CRS) -> pyproj.Transformer:
    """A cached ``Transformer`` from ``src`` to ``dst`` (x = easting/longitude first).

    Building a transformer searches PROJ's database (about 0.1 s each); a project reuses a
    handful of CRS pairs, so they are built once per process.

    Examples
    --------
    >>> t = transformer(pyproj.CRS.from_epsg(4490), pyproj.CRS.from_epsg(4544))
    >>> x, y = t.transform(105.0, 30.0)
    >>> round(x), round(y)
    (500000, 3320113)
    """
    return _transformer(_key(pyproj.CRS(src)), _key(pyproj.CRS(dst)))
