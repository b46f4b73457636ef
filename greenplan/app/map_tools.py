"""What the map tools compute (Qt-free): identify a feature, measure length and area.

Coordinates are in the project's working CRS (projected, metres), so lengths and areas
are planar, as everywhere in GreenPlan.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import shapely


@dataclass
class Hit:
    """A feature under the cursor: layer key, row number in the loaded layer, attributes."""

    key: int
    row: int
    attributes: dict[str, Any]
    geometry: Any


def identify(layers: Iterable[tuple], x: float, y: float, tolerance: float) -> Hit | None:
    """The topmost feature at ``(x, y)``.

    Parameters
    ----------
    layers : iterable of (key, PreparedLayer, GeoDataFrame[, filled])
        Visible vector layers, **top first**. A polygon layer drawn without fill
        (``filled`` False: boundaries such as townships) is hit on its outline only.
    x, y : float
        Map coordinates (working CRS).
    tolerance : float
        Search distance in map units (a few pixels), for lines and small features.

    Returns
    -------
    Hit or None
        Polygons are hit when the point is inside; lines and points within ``tolerance``.
        Among several features of a layer, the smallest polygon wins (a parcel inside a
        larger zone), then the nearest line.

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> from greenplan.app.render_cache import PreparedLayer
    >>> g = gpd.GeoDataFrame({"name": ["a", "b"]}, geometry=[shapely.box(0, 0, 10, 10), shapely.box(2, 2, 4, 4)])
    >>> identify([(1, PreparedLayer(g.geometry.values), g)], 3, 3, 0.5).attributes["name"]
    'b'
    """
    pt = shapely.Point(x, y)
    probe = pt.buffer(tolerance, quad_segs=4) if tolerance > 0 else pt
    for key, prepared, gdf, *rest in layers:
        filled = rest[0] if rest else True
        if prepared is None or gdf is None or prepared.n == 0:
            continue
        ids = prepared.tree.query(probe, predicate="intersects")
        if len(ids) == 0:
            continue
        geoms = prepared.geoms[ids]
        dim = shapely.get_dimensions(geoms)
        if not filled:
            near_edge = shapely.distance(shapely.boundary(geoms), pt) <= tolerance
            ids, geoms, dim = ids[near_edge], geoms[near_edge], dim[near_edge]
            if len(ids) == 0:
                continue
        inside = (dim == 2) & shapely.contains_xy(geoms, x, y) if filled else np.zeros(len(ids), bool)
        if inside.any():
            cand = ids[inside]
            best = int(cand[np.argmin(shapely.area(prepared.geoms[cand]))])
        else:
            near = dim < 2
            if not near.any():
                cand = ids  # polygon edges within the tolerance
            else:
                cand = ids[near]
            best = int(cand[np.argmin(shapely.distance(prepared.geoms[cand], pt))])
        row = gdf.iloc[best]
        attrs = {str(k): row[k] for k in gdf.columns if k != gdf.geometry.name}
        return Hit(key, best, attrs, prepared.geoms[best])
    return None


@dataclass
class LayerHits:
    """What one visible layer has at the identify point: its features (smallest polygon
    first, then nearest), or, for a raster, the pixel's value per band (None: no data)."""

    key: int
    hits: list[Hit]
    raster_values: tuple | None = None


def _layer_hits(key, prepared, gdf, filled: bool, pt, x: float, y: float, tolerance: float, limit: int) -> list[Hit]:
    probe = pt.buffer(tolerance, quad_segs=4) if tolerance > 0 else pt
    ids = prepared.tree.query(probe, predicate="intersects")
    if len(ids) == 0:
        return []
    geoms = prepared.geoms[ids]
    dim = shapely.get_dimensions(geoms)
    if not filled:
        near_edge = shapely.distance(shapely.boundary(geoms), pt) <= tolerance
        ids, geoms, dim = ids[near_edge], geoms[near_edge], dim[near_edge]
    inside = (dim == 2) & shapely.contains_xy(geoms, x, y) if filled else np.zeros(len(ids), bool)
    # features containing the point (smallest first), then the others by distance
    rank = np.where(inside, 0, 1)
    size = np.where(inside, shapely.area(geoms), shapely.distance(geoms, pt))
    order = np.lexsort((size, rank))[:limit]
    cols = [c for c in gdf.columns if c != gdf.geometry.name]
    out = []
    for i in ids[order]:  # a handful of rows (capped by ``limit``), read for display
        row = gdf.iloc[int(i)]
        out.append(Hit(key, int(i), {str(k): row[k] for k in cols}, prepared.geoms[int(i)]))
    return out


def identify_all(layers: Iterable[tuple], x: float, y: float, tolerance: float, *, rasters: Iterable[tuple] = (),
                 crs: Any = None, limit: int = 50) -> list[LayerHits]:
    """Every visible layer's features at ``(x, y)``, and every visible raster's pixel there.

    Parameters
    ----------
    layers : iterable of (key, PreparedLayer, GeoDataFrame[, filled])
        Visible vector layers, as for :func:`identify`.
    x, y, tolerance : float
        Map point and search distance (working CRS, map units).
    rasters : iterable of (key, RasterSource)
        Visible raster layers; one pixel is read from each (:func:`greenplan.io.raster.sample_at`).
    crs : pyproj.CRS, optional
        The working CRS (rasters in another CRS are sampled at the transformed point).
    limit : int
        At most this many features per layer.

    Returns
    -------
    list of LayerHits
        The vector layers in the order given (pass top first), then the rasters in theirs;
        only the layers with something at the point.
        A raster that cannot be read is skipped (identify must not fail on one file).

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> from greenplan.app.render_cache import PreparedLayer
    >>> g = gpd.GeoDataFrame({"name": ["a", "b"]}, geometry=[shapely.box(0, 0, 10, 10), shapely.box(2, 2, 4, 4)])
    >>> [[h.attributes["name"] for h in lh.hits] for lh in identify_all([(1, PreparedLayer(g.geometry.values), g)], 3, 3, 0.5)]
    [['b', 'a']]
    """
    pt = shapely.Point(x, y)
    out: list[LayerHits] = []
    for key, prepared, gdf, *rest in layers:
        filled = rest[0] if rest else True
        if prepared is None or gdf is None or prepared.n == 0:
            continue
        hits = _layer_hits(key, prepared, gdf, filled, pt, x, y, tolerance, limit)
        if hits:
            out.append(LayerHits(key, hits))
    from greenplan.io.raster import sample_at

    for key, source in rasters:
        try:
            sample = sample_at(source, x, y, crs)
        except Exception:  # noqa: BLE001 - an unreadable pixel must not break identify
            continue
        if sample is not None:
            out.append(LayerHits(key, [], tuple(sample.values)))
    return out


def measure_length_m(points: Sequence[tuple[float, float]]) -> float:
    """Length of the polyline through ``points`` (metres in a projected CRS).

    Examples
    --------
    >>> measure_length_m([(0, 0), (3, 4), (3, 10)])
    11.0
    """
    if len(points) < 2:
        return 0.0
    a = np.asarray(points, dtype=float)
    return float(np.hypot(*np.diff(a, axis=0).T).sum())


def measure_area_m2(points: Sequence[tuple[float, float]]) -> float:
    """Area of the polygon through ``points`` (closed automatically; self-crossings repaired).

    Examples
    --------
    >>> measure_area_m2([(0, 0), (10, 0), (10, 5), (0, 5)])
    50.0
    """
    if len(points) < 3:
        return 0.0
    poly = shapely.Polygon(points)
    if not poly.is_valid:
        poly = shapely.make_valid(poly)
    return float(poly.area)


def format_length(m: float) -> str:
    """``850.0 m`` or ``12.35 km``."""
    return f"{m / 1000:.2f} km" if m >= 10_000 else f"{m:.1f} m"


def format_area(m2: float, lang: str = "zh") -> str:
    """Square metres, with hectares and mu (亩, 666.67 m²) for planners, in ``lang``.

    Examples
    --------
    >>> format_area(20000.0)
    '20,000.0 m²（2.00 公顷，30.00 亩）'
    >>> format_area(20000.0, "en")
    '20,000.0 m² (2.00 ha, 30.00 mu)'
    """
    from greenplan.analysis.wording import HECTARE_M2, MU_M2

    ha, mu = m2 / HECTARE_M2, m2 / MU_M2
    if lang == "en":
        return f"{m2:,.1f} m² ({ha:.2f} ha, {mu:.2f} mu)"
    return f"{m2:,.1f} m²（{ha:.2f} 公顷，{mu:.2f} 亩）"


def format_value(value) -> str:
    """Attribute value as text (empty for null)."""
    if value is None:
        return ""
    if isinstance(value, float) and math.isnan(value):
        return ""
    try:
        import pandas as pd

        if value is pd.NaT or (not isinstance(value, (list, tuple, dict)) and pd.isna(value)):
            return ""
    except (TypeError, ValueError):
        pass
    return str(value)


def column_decimals(values) -> int | None:
    """The fixed decimals an attribute table shows for a column: None for a column that is not
    numeric, 0 for integers and floats that are all whole, 3 for small fractions (shares,
    NDVI: every magnitude below 10), else 2 (areas, lengths). One choice per field, so the
    figures of a column line up.

    Examples
    --------
    >>> import numpy as np
    >>> column_decimals(np.array([1, 2])), column_decimals(np.array([1.0, np.nan])), column_decimals(np.array(["a"]))
    (0, 0, None)
    >>> column_decimals(np.array([0.35, 1.0])), column_decimals(np.array([1234.5, 2.25]))
    (3, 2)
    """
    import numpy as np

    arr = np.asarray(values)
    if arr.dtype.kind in "iu":
        return 0
    if arr.dtype.kind != "f":
        return None
    finite = arr[np.isfinite(arr)]
    if not len(finite) or (finite == np.round(finite)).all():
        return 0
    return 3 if np.abs(finite).max() < 10 else 2


def format_fixed(value, decimals: int | None) -> str:
    """``value`` with ``decimals`` fixed decimals (None: as :func:`format_value`); empty for
    null. No thousands separators: a table's figures are data (identifiers, codes stored as
    numbers) and paste into a spreadsheet as numbers.

    Examples
    --------
    >>> format_fixed(1234.5, 2), format_fixed(0.35, 3), format_fixed(7, 0), format_fixed(float("nan"), 2)
    ('1234.50', '0.350', '7', '')
    """
    text = format_value(value)
    if decimals is None or not text:
        return text
    try:
        return f"{float(value):.{decimals}f}"
    except (TypeError, ValueError):
        return text


def format_number(value: float) -> str:
    """A raster value: whole numbers without decimals, others to 3 decimals (NDVI 0.634,
    a DSM height 512.371).

    Examples
    --------
    >>> format_number(12.0), format_number(0.63449), format_number(-0.5)
    ('12', '0.634', '-0.5')
    """
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.3f}".rstrip("0").rstrip(".")
