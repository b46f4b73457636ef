"""Synthetic county, part 3: green space, buildings and idle land.

Continues :mod:`greenplan.sample._parcels` on the same state ``st``: draws from
``st.rng`` in the original generator's order, and from ``st.rx`` for the attributes the
benchmark generator did not have (idle-land dates, CZCSXM, activity types) and for the
demo's extra features. Coordinates in EPSG:4544 metres.
"""

from __future__ import annotations

import datetime as dt

import geopandas as gpd
import numpy as np
import shapely

from greenplan.sample._layers import EPSG, HILL_NAMES, ROAD_W, blob, blobs, rects

IDLE_CLASSES = ("recover", "fee_20pct", "partial", "not_idle", "unknown")
PARK_NAMES = ["人民", "滨江", "中山", "文化", "体育", "湿地", "儿童", "植物", "东湖", "南山"]


def make_green_space(st) -> None:
    """Parks, plazas, river-bank belts and attached green in the town (+ demo extras)."""
    rng, B, NB = st.rng, st.B, st.NB
    bxmin, bymin, bxmax, bymax = shapely.bounds(B)
    pts, n_urb = st.pts, st.n_urb
    n_parks = max(8, NB // 500)
    gx = rng.uniform(bxmin, bxmax, n_parks * 4)
    gy = rng.uniform(bymin, bymax, n_parks * 4)
    k = shapely.contains_xy(B, gx, gy)
    gx, gy = gx[k][:n_parks], gy[k][:n_parks]
    st.parks = parks = blobs(gx, gy, rng.lognormal(np.log(90), 0.5, len(gx)).clip(35, 400), rng)
    n_pl = max(4, NB // 1500)
    k = rng.integers(0, n_urb, n_pl * 3)
    st.plazas = plazas = rects(pts[k, 0], pts[k, 1], rng.uniform(15, 45, len(k)),
                               rng.uniform(20, 60, len(k)), np.full(len(k), 0.35))[:n_pl]
    belt = shapely.difference(shapely.buffer(st.main_river, st.river_w[0] / 2 + 35),
                              shapely.buffer(st.main_river, st.river_w[0] / 2 + 3))
    belt = shapely.intersection(belt, st.UB)
    belt_parts = shapely.get_parts(shapely.intersection(st.tiles, belt))
    belt_parts = belt_parts[shapely.area(belt_parts) > 500]
    n_xg = max(10, NB // 40)
    k = rng.integers(0, n_urb, n_xg)
    xg = blobs(pts[k, 0], pts[k, 1], rng.uniform(10, 28, n_xg), rng, n=16, amp=0.25)
    geom = np.concatenate([parks, plazas, belt_parts, xg])
    cls = np.array(["G1"] * len(parks) + ["G3"] * len(plazas) + ["G2"] * len(belt_parts)
                   + ["XG"] * len(xg), dtype=object)
    names = np.array([f"{c}-{i:05d}" for i, c in enumerate(cls)], dtype=object)
    names[cls == "G1"] = [f"{n}公园" for n in np.array(PARK_NAMES)[
        np.arange((cls == "G1").sum()) % 10]]
    st.pocket = np.empty(0, dtype=object)
    if st.extras:
        geom, cls, names = _demo_green(st, geom, cls, names)
    st.green = gpd.GeoDataFrame({"name": names, "class": cls}, geometry=geom, crs=EPSG)


def _demo_green(st, geom, cls, names):
    """Park sub-classes, pocket parks (G14), regional green (EG) and belts on farmland."""
    rx = st.rx
    area = shapely.area(geom)
    park = cls == "G1"
    g11, g12 = park & (area >= 100_000), park & (area >= 10_000) & (area < 100_000)
    cls = cls.copy()
    cls[g11], cls[g12] = "G11", "G12"
    names = names.copy()
    names[g11] = [n.replace("公园", "综合公园") for n in names[g11]]
    names[g12] = [n.replace("公园", "社区公园") for n in names[g12]]
    plaza, belt, xg = cls == "G3", cls == "G2", cls == "XG"
    names[plaza] = [["市民广场", "文化广场", "站前广场", "体育广场"][i % 4] for i in range(plaza.sum())]
    names[belt] = [f"清水河滨河防护绿带{i + 1}段" for i in range(belt.sum())]
    names[xg] = [f"附属绿地{i + 1:03d}" for i in range(xg.sum())]
    # pocket parks at free points of the town
    k = rx.integers(0, st.n_urb, 8)
    st.pocket = blobs(st.pts[k, 0], st.pts[k, 1], rx.uniform(12, 25, 8), rx, n=20, amp=0.15)
    # EG: a wetland park where the river leaves the town, a forest park on the nearest hill
    cross = shapely.get_coordinates(shapely.intersection(st.main_river, shapely.boundary(st.UB)))
    p = cross[np.argmax(cross[:, 0])]
    wet = blob(p[0], p[1], 260.0, rx, n=120, amp=0.12)
    near = int(np.argmin(np.hypot(st.hills[:, 0] - st.TX, st.hills[:, 1] - st.TY)))
    hx, hy, s, _a = st.hills[near]
    forest = shapely.intersection(blob(hx, hy, 0.35 * s, rx, n=120, amp=0.15), st.county)
    # G2 belts 15 m per side along two county roads, out in the farmland (seeded violation)
    roads = st.roads[st.roads["class"] == "county"]
    ring = shapely.difference(shapely.buffer(st.UB, 1800), shapely.buffer(st.UB, 600))
    seg = shapely.intersection(roads.geometry.values, ring)
    half = ROAD_W["county"] / 2
    band = shapely.difference(shapely.buffer(seg, half + 15, cap_style="flat"),
                              shapely.buffer(seg, half, cap_style="flat"))
    F = shapely.union_all(st.farm.geometry.values)
    best = np.argsort(-shapely.area(shapely.intersection(band, F)), kind="stable")[:2]
    belts = band[best]
    geom = np.concatenate([geom, st.pocket, [wet, forest], belts])
    cls = np.concatenate([cls, ["G14"] * len(st.pocket), ["EG13", "EG12"], ["G2"] * len(belts)])
    names = np.concatenate([
        names, [f"{n}游园" for n in ["桂花", "银杏", "樱花", "紫薇", "海棠", "玉兰", "芙蓉", "翠竹"]],
        ["清水河湿地公园", f"{HILL_NAMES[near]}森林公园"],
        [f"{n}防护绿带" for n in roads["name"].values[best]]])
    return geom, cls.astype(object), names.astype(object)


def make_buildings(st) -> None:
    """Town buildings on a rotated grid, village houses, heights, roofs and structure."""
    rng, NB = st.rng, st.NB
    obstacle = shapely.union_all([shapely.buffer(st.river_corr, 12), shapely.buffer(st.road_corr, 10),
                                  shapely.union_all(st.parks), shapely.union_all(st.plazas)])
    if st.extras:
        obstacle = shapely.union_all([obstacle, shapely.union_all(st.pocket)])
    shapely.prepare(obstacle)
    bx_all, by_all, ang_all, cell_all = [], [], [], []
    for gx0, gy0, th, sp, ext, poly in st.grids:
        cs = 22.0
        kk = np.arange(-int(ext // cs) - 1, int(ext // cs) + 1) * cs + cs / 2
        U, V = np.meshgrid(kk, kk)
        U, V = U.ravel(), V.ravel()
        du = np.abs(((U + sp / 2) % sp) - sp / 2)
        dv_ = np.abs(((V + sp / 2) % sp) - sp / 2)
        ok = (du > 15) & (dv_ > 15)
        U, V = U[ok], V[ok]
        c, s = np.cos(th), np.sin(th)
        x, y = gx0 + U * c - V * s, gy0 + U * s + V * c
        ok = shapely.contains_xy(poly, x, y) & ~shapely.contains_xy(obstacle, x, y)
        bx_all.append(x[ok])
        by_all.append(y[ok])
        ang_all.append(np.full(ok.sum(), th))
        cell_all.append(np.full(ok.sum(), cs))
    ux, uy, uang, ucs = map(np.concatenate, (bx_all, by_all, ang_all, cell_all))
    take = rng.permutation(len(ux))[:st.n_urban_b]
    ux, uy, uang, ucs = ux[take], uy[take], uang[take], ucs[take]
    n_u = len(ux)
    n_v = NB - n_u
    vx, vy = st.vx, st.vy
    vth = rng.uniform(0, np.pi / 2, len(vx))
    cs = 20.0
    kk = np.arange(-8, 8) * cs + cs / 2
    U, V = np.meshgrid(kk, kk)
    U, V = U.ravel(), V.ravel()
    inr = np.hypot(U, V) < 150
    U, V = U[inr], V[inr]
    vi = np.repeat(np.arange(len(vx)), len(U))
    UU, VV = np.tile(U, len(vx)), np.tile(V, len(vx))
    c, s = np.cos(vth[vi]), np.sin(vth[vi])
    x, y = vx[vi] + UU * c - VV * s, vy[vi] + UU * s + VV * c
    ok = ~shapely.contains_xy(obstacle, x, y) & shapely.contains_xy(st.county, x, y)
    idx = np.flatnonzero(ok)
    idx = idx[rng.permutation(len(idx))[:n_v]]
    bx, by = np.r_[ux, x[idx]], np.r_[uy, y[idx]]
    bang = np.r_[uang, vth[vi[idx]]] + rng.normal(0, 0.02, len(bx))
    bcs = np.r_[ucs, np.full(len(idx), cs)]
    urban = np.r_[np.ones(n_u, bool), np.zeros(len(idx), bool)]
    nb = len(bx)
    hl = rng.uniform(0.33, 0.44, nb) * bcs  # half length
    hw = np.minimum(rng.uniform(0.20, 0.40, nb) * bcs, hl)
    lsh = urban & (rng.uniform(0, 1, nb) < 0.15)
    floors = np.where(urban, rng.choice([2, 3, 5, 6, 7, 9, 11, 16, 18, 26, 32], nb,
                                        p=[.10, .10, .12, .16, .12, .10, .08, .08, .06, .05, .03]),
                      rng.choice([1, 2, 3, 4], nb, p=[.3, .4, .25, .05]))
    pitched = np.where(urban, (floors <= 3) & (rng.uniform(0, 1, nb) < 0.6),
                       rng.uniform(0, 1, nb) < 0.75) & ~lsh
    height = floors * 3.0 + rng.uniform(0.3, 1.5, nb) + np.where(pitched, 2.5, 0)
    roof = np.where(pitched, "pitched", "flat").astype(object)
    # attribute errors: 6 % of flat-attributed rectangles have a pitched roof in the DSM
    dsm_pitched = pitched | ((roof == "flat") & ~lsh & (rng.uniform(0, 1, nb) < 0.06))
    structure = np.where(floors >= 7, "钢筋混凝土",
                         np.where(floors >= 4, rng.choice(["钢筋混凝土", "砖混"], nb),
                                  rng.choice(["砖混", "砖木", "钢结构", "轻钢"], nb,
                                             p=[.5, .3, .1, .1]))).astype(object)
    year = np.clip(np.where(urban, rng.normal(2005, 10, nb), rng.normal(1998, 12, nb)),
                   1960, 2024).astype(int)
    underground = np.zeros(nb, bool)
    parapet = np.zeros(nb, bool)
    unit = np.zeros(nb, bool)
    if st.extras:
        rx = st.rx
        # a few underground garages: roof slab 0.6 m above the ground
        cand = np.flatnonzero(urban & ~dsm_pitched & ~lsh & (floors <= 6))
        ug = rx.choice(cand, 6, replace=False)
        underground[ug] = True
        floors[ug], height[ug], year[ug] = 1, 0.6, rx.integers(2005, 2021, len(ug))
        structure[ug] = "钢筋混凝土"
        # flat roofs with a parapet (1-pixel rim, +0.9 m) or a rooftop unit (3 m box, +2.5 m)
        flat = np.flatnonzero(~dsm_pitched & ~underground & urban)
        draw = rx.uniform(0, 1, len(flat))
        parapet[flat[draw < 0.2]] = True
        unit[flat[(draw >= 0.2) & (draw < 0.3)]] = True
    st.b = dict(x=bx, y=by, ang=bang, height=height, dsm_pitched=dsm_pitched, parapet=parapet,
                unit=unit, underground=underground, lsh=lsh, roof=roof)
    st.bld = gpd.GeoDataFrame({
        "bid": [f"B{i:07d}" for i in range(nb)], "height_m": np.round(height, 1),
        "floors": floors.astype(int), "roof_type": roof, "structure": structure,
        "year_built": year, "underground": underground},
        geometry=rects(bx, by, hw, hl, bang, lsh), crs=EPSG)


def _sample_in(rng, poly, n):
    x0, y0, x1, y1 = shapely.bounds(poly)
    out = np.empty((0, 2))
    while len(out) < n:
        x, y = rng.uniform(x0, x1, 4 * n + 10), rng.uniform(y0, y1, 4 * n + 10)
        k = shapely.contains_xy(poly, x, y)
        out = np.r_[out, np.c_[x[k], y[k]]]
    return out[:n]


def make_idle_land(st) -> None:
    """Idle parcels: 70 % in the urban boundary, 15 % in the red line, 15 % on farmland."""
    rng, NB = st.rng, st.NB
    n_idle = max(30, NB // 80)
    n_in = [int(n_idle * 0.7), int(n_idle * 0.15)]
    n_in.append(n_idle - sum(n_in))
    F = shapely.union_all(st.farm.geometry.values)
    ip = np.r_[_sample_in(rng, st.UB, n_in[0]), _sample_in(rng, st.E, n_in[1]),
               _sample_in(rng, F, n_in[2])]
    side = np.sqrt(rng.lognormal(np.log(8000), 0.7, n_idle)).clip(40, 300)
    ig = rects(ip[:, 0], ip[:, 1], side / 2 * rng.uniform(0.6, 1.0, n_idle), side / 2,
               rng.uniform(0, np.pi, n_idle))
    ig = shapely.intersection(ig, st.county)
    # the benchmark generator's date, status and use draws (kept for the random sequence)
    rng.integers(0, 9 * 365, n_idle)
    rng.choice(4, n_idle, p=[.5, .2, .2, .1])
    use = np.array(["居住用地", "商业服务业用地", "工业用地", "公共管理与公共服务用地"], dtype=object)[
        rng.choice(4, n_idle, p=[.4, .25, .25, .1])]
    attrs = idle_attributes(st.rx, n_idle, st.as_of)
    act = np.full(n_idle, None, dtype=object)
    if st.extras:
        act[n_in[0]] = "生态修复"  # one parcel in the red line with an approved activity
    st.idle_planned = attrs.pop("planned_class")
    st.idle = gpd.GeoDataFrame({
        "parcel_id": [f"XZ{i + 1:05d}" for i in range(n_idle)], **attrs,
        "activity_type": act, "planned_use": use},
        geometry=ig, crs=EPSG)


def idle_attributes(rx, n: int, as_of: dt.date) -> dict[str, np.ndarray]:
    """Dates, ratios and status for ``n`` idle parcels, every idle class of indicators.md.

    The class is drawn first (each occurs at least once, the first two parcels sit on the
    exact 2-year and 1-year anniversaries) and the fields are made to fit it as of ``as_of``.
    """
    def back(years: int, month: int = 0) -> dt.date:
        y, m = as_of.year - years, as_of.month - month
        while m < 1:
            y, m = y - 1, m + 12
        return dt.date(y, m, min(as_of.day, 28) if m == 2 else as_of.day)

    cls = np.array(list(IDLE_CLASSES) + list(rx.choice(IDLE_CLASSES, n - 5, p=[.3, .2, .2, .2, .1])))
    cls = cls[np.r_[0, 1, 2 + rx.permutation(n - 2)]]
    a2, a1 = np.datetime64(back(2)), np.datetime64(back(1))
    day = np.timedelta64(1, "D")
    u = rx.uniform(0, 1, (n, 4))
    agreed = np.full(n, np.datetime64("NaT"), "datetime64[D]")
    actual, halt = agreed.copy(), agreed.copy()
    dev, inv = np.full(n, np.nan), np.full(n, np.nan)
    status = np.empty(n, dtype=object)
    variant = (u[:, 3] * 3).astype(int)
    m = cls == "recover"
    agreed[m] = a2 - (u[m, 0] * 6 * 365).astype(int) * day
    status[m] = np.where(u[m, 1] < 0.5, "闲置", "拟无偿收回")
    m = cls == "fee_20pct"
    agreed[m] = a1 - (u[m, 0] * 364).astype(int) * day
    status[m] = np.where(u[m, 1] < 0.5, "闲置", "已征收闲置费")
    m = cls == "partial"
    agreed[m] = a2 - (730 + u[m, 0] * 4 * 365).astype(int) * day
    actual[m] = agreed[m] + (60 + u[m, 1] * 480).astype(int) * day
    halt[m] = np.minimum(actual[m] + (90 + u[m, 2] * 600).astype(int) * day, a1)
    dev[m], inv[m] = 0.03 + 0.27 * u[m, 1], 0.05 + 0.55 * u[m, 2]
    status[m] = "部分开工后停工"
    m = cls == "not_idle"
    agreed[m] = np.where(variant[m] == 0, a1 + (1 + u[m, 0] * 330).astype(int) * day,
                         a2 - (u[m, 0] * 3 * 365).astype(int) * day)
    started = m & (variant > 0)
    actual[started] = agreed[started] + (30 + u[started, 1] * 200).astype(int) * day
    busy, stopped = m & (variant == 1), m & (variant == 2)
    dev[busy], inv[busy] = 0.4 + 0.6 * u[busy, 1], 0.3 + 0.7 * u[busy, 2]
    dev[stopped], inv[stopped] = 0.1 + 0.2 * u[stopped, 1], 0.1 + 0.1 * u[stopped, 2]
    halt[stopped] = a1 + (30 + u[stopped, 2] * 300).astype(int) * day
    status[m] = np.array(["已约定未到动工期", "正常建设", "停工未满一年"], dtype=object)[variant[m]]
    m = cls == "unknown"
    started = m & (variant > 0)  # either no agreed start at all, or started without ratios
    agreed[started] = a2 - (365 + u[started, 0] * 3 * 365).astype(int) * day
    actual[started] = agreed[started] + 200 * day
    halt[started] = actual[started] + 120 * day
    status[m] = "待核实"
    # the exact anniversaries: agreed start 2 years and 1 year before as_of
    agreed[0], agreed[1] = a2, a1

    def dates(a: np.ndarray) -> np.ndarray:
        return np.array([None if np.isnat(x) else x.item() for x in a], dtype=object)

    return {"agreed_start": dates(agreed), "actual_start": dates(actual),
            "developed_ratio": np.round(dev, 3), "invested_ratio": np.round(inv, 3),
            "halt_date": dates(halt), "status": status, "planned_class": cls.astype(object)}
