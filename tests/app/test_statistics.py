"""Statistics of a selection against plain geopandas (groupby, dissolve, overlay), and by hand."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import shapely

from greenplan.app.statistics import (
    compute_statistics,
    group_name,
    overlap_rows_of,
    split_by_township,
    table_rows,
    to_tsv,
)
from greenplan.core.errors import MissingFieldError

CRS = "EPSG:4544"
MU = 2000 / 3  # m² per 亩, by definition (1 亩 = 1/15 公顷)


@pytest.fixture
def parcels() -> gpd.GeoDataFrame:
    rng = np.random.default_rng(7)
    n = 60
    x, y = rng.uniform(0, 900, n), rng.uniform(0, 900, n)
    w, h = rng.uniform(10, 120, n), rng.uniform(10, 120, n)
    geoms = list(shapely.box(x, y, x + w, y + h))  # random boxes: many overlap each other
    geoms[5] = shapely.MultiPolygon([shapely.box(0, 0, 10, 10), shapely.box(20, 0, 30, 10)])
    geoms[6] = shapely.LineString([(0, 0), (50, 50)])  # counted, no area
    codes = rng.choice(["0101", "0301", "0702"], n).astype(object)
    codes[[3, 9]] = None
    return gpd.GeoDataFrame({"DLBM": codes, "BSM": np.arange(n)}, geometry=geoms, crs=CRS)


@pytest.fixture
def towns() -> gpd.GeoDataFrame:
    # two townships side by side covering x 0..600; x > 600 is outside both
    return gpd.GeoDataFrame({"name": ["城关镇", "新华乡"]}, geometry=[shapely.box(0, -10, 300, 1100),
                                                                      shapely.box(300, -10, 600, 1100)], crs=CRS)


def test_grouped_by_field_equals_geopandas_dissolve(parcels):
    ids = np.arange(0, 60, 3)  # a selection: every third row (rows 3 and 9 have no code)
    sel = parcels.iloc[ids]
    t = compute_statistics(parcels, ids, by_field="DLBM")
    polys = sel[sel.geom_type.isin(["Polygon", "MultiPolygon"])]
    area = polys.dissolve(by="DLBM").area  # union per group: overlaps once
    count = sel.groupby("DLBM").size()
    got = {r.group: r for r in t.rows}
    for code in count.index:
        assert got[code].count == count[code]
        assert got[code].area_m2 == pytest.approx(area.get(code, 0.0), rel=1e-9)
    nulls = sel["DLBM"].isna()
    null_row = [r for r in t.rows if group_name(t, r) == "（空值）"]
    assert null_row[0].count == nulls.sum()
    assert null_row[0].area_m2 == pytest.approx(shapely.union_all(sel[nulls].geometry.values).area)
    assert t.total.count == len(ids)
    assert t.total.area_m2 == pytest.approx(shapely.union_all(polys.geometry.values).area, rel=1e-9)
    # the random boxes overlap: the union is less than the plain sum
    assert t.total.area_m2 < polys.area.sum() - 1


def test_layer_wide_overlap_cache_gives_the_same_areas(parcels):
    ov = overlap_rows_of(parcels)
    assert ov.any() and not ov.all()
    ids = np.arange(1, 60, 3)
    a = compute_statistics(parcels, ids, by_field="DLBM")
    b = compute_statistics(parcels, ids, by_field="DLBM", overlap_rows=ov)
    assert [(r.group, r.count) for r in a.rows] == [(r.group, r.count) for r in b.rows]
    np.testing.assert_allclose([r.area_m2 for r in a.rows], [r.area_m2 for r in b.rows], rtol=1e-9)


def test_grouped_by_township_equals_geopandas_overlay(parcels, towns):
    t = compute_statistics(parcels, townships=towns)
    polys = parcels[parcels.geom_type.isin(["Polygon", "MultiPolygon"])]
    pieces = gpd.overlay(polys[["geometry"]], towns, how="intersection", keep_geom_type=True)
    expected = pieces.dissolve(by="name").area  # union inside each township
    rows = {group_name(t, r): r for r in t.rows}
    for name in towns["name"]:
        assert rows[name].area_m2 == pytest.approx(expected[name], rel=1e-9)
    union = shapely.union_all(polys.geometry.values)
    outside = union.difference(shapely.union_all(towns.geometry.values)).area
    assert rows["乡镇范围外"].area_m2 == pytest.approx(outside, rel=1e-6)
    # counts by point on surface
    pts = parcels.geometry.representative_point()
    assert rows["城关镇"].count == int(pts.within(towns.geometry[0]).sum())
    assert sum(r.count for r in t.rows) == len(parcels)
    # a cached split gives the same table
    cached = compute_statistics(parcels, split=split_by_township(parcels, towns))
    assert [(r.group, r.count) for r in cached.rows] == [(r.group, r.count) for r in t.rows]
    np.testing.assert_allclose([r.area_m2 for r in cached.rows], [r.area_m2 for r in t.rows], rtol=1e-9)


def test_units_and_the_copied_table_by_hand():
    g = gpd.GeoDataFrame({"类": ["耕地", "耕地", "林地"]},
                         geometry=[shapely.box(0, 0, 100, 100), shapely.box(100, 0, 200, 100), shapely.box(0, 0, 10, 10)],
                         crs=CRS)
    t = compute_statistics(g, by_field="类")
    rows = {r.group: r for r in t.rows}
    assert rows["耕地"].area_m2 == 20_000 and rows["耕地"].area_ha == 2.0
    assert rows["耕地"].area_mu == pytest.approx(20_000 / MU) == pytest.approx(30.0)
    assert t.total.area_m2 == 20_000  # the 林地 box lies inside the first 耕地 box: counted once
    text = to_tsv(t)
    lines = [line.split("\t") for line in text.splitlines()]
    assert lines[0] == ["类", "数量", "面积（m²）", "面积（公顷）", "面积（亩）"]
    assert lines[1] == ["林地", "1", "100.0", "0.0100", "0.15"]
    assert lines[2] == ["耕地", "2", "20000.0", "2.0000", "30.00"]
    assert lines[-1] == ["合计", "3", "20000.0", "2.0000", "30.00"]
    assert table_rows(t, "en")[-1][0] == "Total"
    assert table_rows(t)[2][2] == "20,000.0"


def test_missing_fields_are_typed(parcels, towns):
    with pytest.raises(MissingFieldError):
        compute_statistics(parcels, by_field="XZQDM")
    with pytest.raises(MissingFieldError):
        compute_statistics(parcels, townships=towns, township_field="XZQMC")


def test_empty_selection():
    g = gpd.GeoDataFrame({"a": [1]}, geometry=[shapely.box(0, 0, 1, 1)], crs=CRS)
    t = compute_statistics(g, np.array([], dtype=np.int64), by_field="a")
    assert t.rows == [] and t.total.count == 0 and t.total.area_m2 == 0


def test_cache_gives_the_tables_computed_directly(parcels, towns):
    from greenplan.app.statistics import StatsCache

    cache = StatsCache()
    for ids in (None, np.arange(0, 60, 2), np.array([1, 2, 5])):  # whole, large (layer-wide caches), small
        for kw in ({"by_field": "DLBM"}, {"townships": towns}):
            direct = compute_statistics(parcels, ids, **kw)
            cached = cache.statistics(parcels, ids, **kw)
            assert [(r.group, r.count) for r in cached.rows] == [(r.group, r.count) for r in direct.rows]
            np.testing.assert_allclose([r.area_m2 for r in cached.rows], [r.area_m2 for r in direct.rows], rtol=1e-9)
            assert cached.total.area_m2 == pytest.approx(direct.total.area_m2, rel=1e-12)
    assert cache.statistics(parcels, by_field="DLBM") is cache.statistics(parcels, by_field="DLBM")


def test_prepared_in_the_background_gives_the_same_tables_and_is_computed_once(parcels, towns, monkeypatch):
    """prepare() computes the layer-wide values in threads; a request made meanwhile waits
    for them instead of cutting the layer a second time."""
    import threading

    from greenplan.app import statistics as st

    calls, release = [], threading.Event()
    real_split = st.split_by_township

    def slow_split(*a, **k):
        calls.append(1)
        assert release.wait(10), "the test never released the cut"
        return real_split(*a, **k)

    monkeypatch.setattr(st, "split_by_township", slow_split)
    cache = st.StatsCache()
    ready = cache.prepare(parcels, towns)
    assert not ready.done()  # the cut is held back by the test
    out = {}
    waiter = threading.Thread(target=lambda: out.setdefault("t", cache.statistics(parcels, np.arange(0, 60, 2),
                                                                                   townships=towns)))
    waiter.start()
    waiter.join(0.2)
    assert waiter.is_alive()  # the request waits for the background cut ...
    release.set()
    waiter.join(10)
    assert ready.result(10) is None
    assert len(calls) == 1  # ... and did not cut the layer again
    direct = compute_statistics(parcels, np.arange(0, 60, 2), townships=towns)
    assert [(r.group, r.count) for r in out["t"].rows] == [(r.group, r.count) for r in direct.rows]
    np.testing.assert_allclose([r.area_m2 for r in out["t"].rows], [r.area_m2 for r in direct.rows], rtol=1e-9)
    cache.close()


def test_a_closed_cache_computes_what_it_had_not_started(parcels, towns, monkeypatch):
    from greenplan.app import statistics as st

    cache = st.StatsCache()
    cache.close()  # nothing running: harmless
    fut = cache._get("split", (parcels, towns), "name", lambda: 1 / 0, background=False)  # a failing value
    with pytest.raises(ZeroDivisionError):
        cache._value("split", (parcels, towns), "name", lambda: None)
    assert fut.exception() is not None
    # the failure was forgotten: the next request computes the real cut
    table = cache.statistics(parcels, townships=towns)
    assert table.total.count == len(parcels)
    # a pending future cancelled by close() is computed by the request itself
    from concurrent.futures import Future

    pending: Future = Future()
    cache._memo.append(("over", (parcels,), None, pending))
    cache.close()
    assert pending.cancelled()
    np.testing.assert_array_equal(cache.overlap_rows(parcels), overlap_rows_of(parcels))


def test_a_missing_township_field_reaches_the_request(parcels, towns):
    from greenplan.app.statistics import StatsCache

    cache = StatsCache()
    cache.prepare(parcels, towns, township_field="XZMC").result(10)
    with pytest.raises(MissingFieldError):
        cache.statistics(parcels, townships=towns, township_field="XZMC")
    cache.close()
