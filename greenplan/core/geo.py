"""Small geodesy helpers shared by io and analysis."""

from __future__ import annotations

import functools

import pyproj

#: ``GeoDataFrame.attrs`` key set to True by a loader once every geometry is valid, so
#: analyses skip their own validity pass
VALID_ATTR = "greenplan_valid_geometries"


@functools.lru_cache(maxsize=64)
def _transformer(src_wkt: str, dst_wkt: str) -> pyproj.Transformer:
    return pyproj.Transformer.from_crs(pyproj.CRS.from_wkt(src_wkt), pyproj.CRS.from_wkt(dst_wkt), always_xy=True)


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
    return _transformer(pyproj.CRS(src).to_wkt(), pyproj.CRS(dst).to_wkt())
