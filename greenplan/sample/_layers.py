"""Synthetic county, part 1: landscape, rivers, township seats, roads and corridors.

A port of ``shared/bench/make_county.py`` (the benchmark's proven generator). The steps
share one state object ``st`` (a :class:`types.SimpleNamespace`) and draw from one
seeded ``numpy.random.Generator`` (``st.rng``) in exactly the order of the original, so
sizes S, M and L give the benchmark's data bit for bit. The demo size adds features
(``st.extras``) that draw only from a second generator (``st.rx``) or none, and only
where ``st.extras`` is true. Everything is planar, in EPSG:4544 metres.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import shapely

EPSG = 4544
CX, CY = 520_000.0, 3_330_000.0  # ~105.2E, 30.1N: inside the CM-105E zone

#: size -> parameters; seed_share: Voronoi seeds per target parcel (corridors add pieces)
SIZES: dict[str, dict] = {
    "demo": dict(parcels=4_000, buildings=2_500, county_r=9_000, dsm_res=1.0, seed=20240,
                 seed_share=0.65, extras=True),
    "S": dict(parcels=10_000, buildings=5_000, county_r=10_000, dsm_res=1.0, seed=20241,
              seed_share=0.65, extras=False),
    "M": dict(parcels=100_000, buildings=50_000, county_r=20_000, dsm_res=1.0, seed=20242,
              seed_share=0.65, extras=False),
    "L": dict(parcels=400_000, buildings=200_000, county_r=40_000, dsm_res=2.0, seed=20243,
              seed_share=0.65, extras=False),
}

DLMC = {
    "0101": "水田", "0102": "水浇地", "0103": "旱地", "0201": "果园", "0204": "其他园地",
    "0301": "乔木林地", "0305": "灌木林地", "0307": "其他林地", "0401": "天然牧草地",
    "0404": "其他草地", "05H1": "商业服务业设施用地", "0508": "物流仓储用地",
    "0601": "工业用地", "0602": "采矿用地", "0701": "城镇住宅用地", "0702": "农村宅基地",
    "08H1": "机关团体新闻出版用地", "08H2": "科教文卫用地", "0809": "公用设施用地",
    "0810": "公园与绿地", "09": "特殊用地", "1001": "铁路用地", "1003": "公路用地",
    "1004": "城镇村道路用地", "1006": "农村道路", "1101": "河流水面", "1104": "坑塘水面",
    "1107": "沟渠", "1109": "水工建筑用地", "1201": "空闲地", "1202": "设施农用地",
    "1401": "公园绿地", "1402": "防护绿地",
}
#: category -> (codes, probabilities)
MIX = {
    "urban": (["0701", "05H1", "0601", "08H2", "08H1", "0809", "0810", "1401", "1402",
               "1201", "0404", "09", "0508"],
              [0.42, 0.12, 0.08, 0.07, 0.03, 0.03, 0.07, 0.04, 0.03, 0.04, 0.03, 0.01, 0.03]),
    "industrial": (["0601", "0508", "05H1", "1402", "1201", "0809"],
                   [0.62, 0.12, 0.06, 0.08, 0.08, 0.04]),
    "village": (["0702", "0101", "0103", "1006", "0201", "1104", "0404"],
                [0.50, 0.16, 0.14, 0.06, 0.06, 0.04, 0.04]),
    "hill": (["0301", "0305", "0307", "0404", "0201", "0401", "0602", "0702", "09"],
             [0.52, 0.16, 0.09, 0.09, 0.05, 0.04, 0.025, 0.02, 0.005]),
    "plain": (["0101", "0103", "0102", "0201", "1104", "0404", "0301", "1006", "1202",
               "0702", "0601", "1107", "0204"],
              [0.33, 0.22, 0.10, 0.06, 0.05, 0.04, 0.05, 0.04, 0.02, 0.04, 0.01, 0.02, 0.02]),
}
HILL_NAMES = ["青龙山", "白云山", "金鸡岭", "凤凰山", "龙门山"]
UNIT_NAMES = ["城关街道", "东城街道", "西城街道", "青龙镇", "白马镇", "石桥镇", "金山镇",
              "龙泉镇", "新华镇", "永丰镇", "太平镇", "花园乡"]
#: road width (m) per class; demo roads outside the town are county/township roads
ROAD_W = {"expressway": 28.0, "arterial": 24.0, "secondary": 14.0, "branch": 7.0,
          "county": 12.0, "township": 7.0, "railway": 16.0}


# ----------------------------------------------------------------------------- shapes
def blob(cx, cy, r, rng, n=360, amp=0.15, harmonics=(3, 5, 9)):
    """Irregular closed polygon around (cx, cy) with mean radius r (m)."""
    t = np.linspace(0, 2 * np.pi, n, endpoint=False)
    rr = np.ones_like(t)
    for k, h in enumerate(harmonics):
        rr += amp / (k + 1) * np.sin(h * t + rng.uniform(0, 2 * np.pi))
    rr *= r
    return shapely.Polygon(np.c_[cx + rr * np.cos(t), cy + rr * np.sin(t)])


def blobs(cx, cy, r, rng, n=24, amp=0.2):
    """Vectorised small blobs (parks, plazas): arrays in, polygon array out."""
    cx, cy, r = map(np.asarray, (cx, cy, r))
    t = np.linspace(0, 2 * np.pi, n, endpoint=False)[None, :]
    ph = rng.uniform(0, 2 * np.pi, (len(cx), 2))
    rr = r[:, None] * (1 + amp * np.sin(2 * t + ph[:, :1]) + amp / 2 * np.sin(3 * t + ph[:, 1:]))
    xy = np.stack([cx[:, None] + rr * np.cos(t), cy[:, None] + rr * np.sin(t)], -1)
    xy = np.concatenate([xy, xy[:, :1]], 1)
    return shapely.polygons(xy)


def rects(cx, cy, hw, hl, ang, lshape=None):
    """Rotated rectangles (and L shapes where ``lshape``), vectorised; half sizes in m."""
    n = len(cx)
    rect = np.array([[-1, -1], [1, -1], [1, 1], [-1, 1], [-1, -1]], float)
    lsh = np.array([[-1, -1], [1, -1], [1, 0.1], [0, 0.1], [0, 1], [-1, 1], [-1, -1]], float)
    out = np.empty(n, dtype=object)
    if lshape is None:
        lshape = np.zeros(n, bool)
    for mask, tpl in ((~lshape, rect), (lshape, lsh)):
        if not mask.any():
            continue
        loc = tpl[None, :, :] * np.stack([hl[mask], hw[mask]], -1)[:, None, :]
        c, s = np.cos(ang[mask])[:, None], np.sin(ang[mask])[:, None]
        x = cx[mask][:, None] + loc[..., 0] * c - loc[..., 1] * s
        y = cy[mask][:, None] + loc[..., 0] * s + loc[..., 1] * c
        out[mask] = shapely.polygons(np.stack([x, y], -1))
    return out


def wiggly_line(p0, p1, rng, amp, n=40, waves=2.0):
    """A line from p0 to p1 that meanders by up to ``amp`` metres."""
    t = np.linspace(0, 1, n)
    d = np.asarray(p1) - np.asarray(p0)
    length = np.hypot(*d)
    nrm = np.array([-d[1], d[0]]) / max(length, 1e-9)
    off = amp * np.sin(np.pi * t) * np.sin(2 * np.pi * waves * t + rng.uniform(0, 6.28))
    xy = np.asarray(p0)[None] + t[:, None] * d[None] + off[:, None] * nrm[None]
    return shapely.LineString(xy)


def choose(rng, cat, n):
    """``n`` land-use codes drawn from the mix of category ``cat``."""
    codes, p = MIX[cat]
    p = np.asarray(p) / np.sum(p)
    return np.asarray(codes, dtype=object)[rng.choice(len(codes), n, p=p)]


def hill_h(st, x, y):
    """Relative hill height (0 on the plain, ~1 on a summit) at x, y."""
    h = np.zeros_like(x, dtype=float)
    for hx, hy, s, a in st.hills:
        h += a * np.exp(-((x - hx) ** 2 + (y - hy) ** 2) / (2 * s * s))
    return h


# ----------------------------------------------------------------------------- steps
def make_landscape(st) -> None:
    """County outline, built-up area, urban boundary, hills, rivers, township seats."""
    rng, R = st.rng, st.R
    st.county = county = blob(CX, CY, R, rng, n=720, amp=0.12, harmonics=(3, 5, 11, 17))
    shapely.prepare(county)
    st.n_urban_b = int(st.NB * 0.7)
    st.r_b = r_b = np.sqrt(st.n_urban_b / 0.62 / 1200.0 / np.pi) * 1000.0  # built-up radius (m)
    st.a = a = rng.uniform(0, 2 * np.pi)
    st.TX, st.TY = TX, TY = CX + 0.12 * R * np.cos(a), CY + 0.12 * R * np.sin(a)
    st.main_bu = blob(TX, TY, r_b, rng, n=360, amp=0.10)
    ai = a + rng.uniform(0.5, 1.2)
    st.r_ip = 0.30 * r_b
    st.IX, st.IY = TX + 1.45 * r_b * np.cos(ai), TY + 1.45 * r_b * np.sin(ai)
    st.ip_bu = blob(st.IX, st.IY, st.r_ip, rng, n=180, amp=0.08)
    st.built_up = [st.main_bu, st.ip_bu]
    st.B = shapely.union_all(st.built_up)
    st.UB = shapely.simplify(shapely.buffer(st.B, 0.15 * r_b, quad_segs=8), 10.0)
    shapely.prepare(st.B)
    shapely.prepare(st.UB)

    hills = []
    while len(hills) < 5:
        ang, d = rng.uniform(0, 2 * np.pi), rng.uniform(0.45, 0.8) * R
        hx, hy = CX + d * np.cos(ang), CY + d * np.sin(ang)
        if np.hypot(hx - TX, hy - TY) < 3.0 * r_b + 0.2 * R:
            continue
        hills.append((hx, hy, rng.uniform(0.12, 0.2) * R, rng.uniform(0.9, 1.3)))
    st.hills = np.array(hills)

    # a main river through the south edge of the town, tributaries from the hills
    xs = np.linspace(CX - 1.3 * R, CX + 1.3 * R, 400)
    lam = 0.7 * R
    ys = (TY - 0.35 * r_b) + 0.08 * R * np.sin(2 * np.pi * (xs - TX) / lam) \
        + 0.03 * R * np.sin(2 * np.pi * (xs - TX) / (lam / 3.1))
    st.main_river = main_river = shapely.intersection(shapely.LineString(np.c_[xs, ys]), county)
    geoms, widths, names = [main_river], [max(40.0, 0.003 * R)], ["清水河"]
    for k, (hx, hy, _s, _a) in enumerate(st.hills[:3]):
        p = shapely.line_interpolate_point(main_river, shapely.line_locate_point(
            main_river, shapely.Point(hx, hy)))
        ln = wiggly_line((hx, hy), (p.x, p.y), rng, amp=0.05 * R, n=80, waves=1.5)
        geoms.append(shapely.intersection(ln, county))
        widths.append(float(rng.uniform(12, 25)))
        names.append(["白沙溪", "龙溪河", "桃花溪"][k])
    geoms = [shapely.line_merge(g) if g.geom_type == "MultiLineString" else g for g in geoms]
    st.river_w = widths
    st.rivers = gpd.GeoDataFrame(
        {"name": names, "width_m": widths, "class": ["main"] + ["tributary"] * (len(widths) - 1)},
        geometry=geoms, crs=EPSG).explode(ignore_index=True)
    st.river_corr = shapely.union_all(shapely.buffer(st.rivers.geometry.values,
                                                     st.rivers.width_m.values / 2, quad_segs=4))

    # township seeds: 3 streets around the centre, 9 towns spread over the county
    seeds, weights = [], []
    for k in range(3):
        ang = a + k * 2 * np.pi / 3
        seeds.append((TX + 0.55 * r_b * np.cos(ang), TY + 0.55 * r_b * np.sin(ang)))
        weights.append(0.35)
    while len(seeds) < 12:
        ang, d = rng.uniform(0, 2 * np.pi), np.sqrt(rng.uniform(0.1, 0.75)) * R
        x, y = CX + d * np.cos(ang), CY + d * np.sin(ang)
        if min(np.hypot(x - sx, y - sy) for sx, sy in seeds) < 0.32 * R:
            continue
        if not county.contains(shapely.Point(x, y)):
            continue
        seeds.append((x, y))
        weights.append(1.0)
    st.seeds, st.weights = np.array(seeds), np.array(weights)


def make_roads(st) -> None:
    """Expressway, roads to the township seats, urban grids, villages and their roads."""
    rng, R, TX, TY, r_b = st.rng, st.R, st.TX, st.TY, st.r_b
    seeds, county = st.seeds, st.county
    geoms, cls = [], []
    ang = rng.uniform(0, np.pi)
    d = np.array([np.cos(ang), np.sin(ang)])
    nrm = np.array([-d[1], d[0]])
    c0 = np.array([TX, TY]) + nrm * (r_b + 0.1 * R)
    geoms.append(wiggly_line(c0 - 1.4 * R * d, c0 + 1.4 * R * d, rng, 0.03 * R, 80, 1.5))
    cls.append("expressway")
    # roads from the town centre to every town seat, and a ring between neighbours
    out_a, out_b = ("county", "county") if st.extras else ("arterial", "secondary")
    for k in range(3, 12):
        geoms.append(wiggly_line((TX, TY), seeds[k], rng, 0.04 * R, 60, 1.0))
        cls.append(out_a if k < 7 else out_b)
    ang_s = np.arctan2(seeds[3:, 1] - CY, seeds[3:, 0] - CX)
    ring = seeds[3:][np.argsort(ang_s)]
    for k in range(len(ring)):
        geoms.append(wiggly_line(ring[k], ring[(k + 1) % len(ring)], rng, 0.03 * R, 50, 1.0))
        cls.append("township" if st.extras else "secondary")
    st.grids = [(TX, TY, 0.35, 220.0, 1.25 * r_b, st.main_bu),
                (st.IX, st.IY, -0.2, 260.0, 1.25 * st.r_ip, st.ip_bu)]
    for gx, gy, th, sp, ext, poly in st.grids:
        c, s = np.cos(th), np.sin(th)
        kmax = int(ext // sp) + 1
        for axis in (0, 1):
            for k in range(-kmax, kmax + 1):
                u = k * sp
                p = np.array([[u, -ext], [u, ext]]) if axis == 0 else np.array([[-ext, u], [ext, u]])
                x = gx + p[:, 0] * c - p[:, 1] * s
                y = gy + p[:, 0] * s + p[:, 1] * c
                ln = shapely.intersection(shapely.LineString(np.c_[x, y]),
                                          shapely.buffer(poly, sp * 0.6))
                if ln.is_empty:
                    continue
                geoms.append(ln)
                cls.append("arterial" if k % 4 == 0 else ("secondary" if k % 2 == 0 else "branch"))
    geoms = [shapely.intersection(g, county) for g in geoms]

    # villages on the plains (demo: the township seats are villages too)
    n_villages = max(8, (st.NB - st.n_urban_b) // 60)
    vx = rng.uniform(CX - R, CX + R, n_villages * 6)
    vy = rng.uniform(CY - R, CY + R, n_villages * 6)
    ok = shapely.contains_xy(county, vx, vy) & ~shapely.contains_xy(
        shapely.buffer(st.UB, 800), vx, vy) & (hill_h(st, vx, vy) < 0.45)
    ok &= ~shapely.contains_xy(shapely.buffer(st.river_corr, 150), vx, vy)
    vx, vy = vx[ok][:n_villages], vy[ok][:n_villages]
    if st.extras:
        vx, vy = np.r_[seeds[3:, 0], vx], np.r_[seeds[3:, 1], vy]
    st.vx, st.vy = vx, vy
    st.vr = np.full(len(vx), 140.0)
    main_net = shapely.union_all([g for g, c in zip(geoms, cls, strict=True) if c != "branch"])
    acc = shapely.shortest_line(shapely.points(vx, vy), main_net)
    geoms += list(acc)
    cls += ["township" if st.extras else "branch"] * len(acc)
    if st.extras:  # a railway across the county, north of the town
        rth = st.a + np.pi / 2 + st.rx.uniform(-0.3, 0.3)
        d = np.array([np.cos(rth), np.sin(rth)])
        nrm = np.array([-d[1], d[0]])
        c0 = np.array([TX, TY]) + nrm * (1.6 * r_b)
        rail = wiggly_line(c0 - 1.4 * R * d, c0 + 1.4 * R * d, st.rx, 0.02 * R, 60, 0.7)
        geoms.append(shapely.intersection(rail, county))
        cls.append("railway")
    st.road_geoms, st.road_cls = geoms, cls


def _road_names(cls: list[str]) -> list[str]:
    """Chinese road names for the demo: S10 示范高速, X101 县道, Y201 乡道 ..."""
    fmt = {"expressway": "S10示范高速", "railway": "示范铁路", "county": "X{n:03d}县道",
           "township": "Y{n:03d}乡道", "arterial": "城区主干路{n}号", "secondary": "城区次干路{n}号",
           "branch": "城区支路{n}号"}
    start = {"county": 101, "township": 201}
    seen: dict[str, int] = {}
    out = []
    for c in cls:
        n = seen.get(c, start.get(c, 1))
        seen[c] = n + 1
        out.append(fmt[c].format(n=n))
    return out


def make_corridors(st) -> None:
    """Road layer and the road/river corridors carved out of the parcels."""
    roads = gpd.GeoDataFrame({"class": st.road_cls}, geometry=st.road_geoms, crs=EPSG)
    roads = roads[~roads.geometry.is_empty].explode(ignore_index=True)
    roads = roads[roads.length > 1.0].reset_index(drop=True)
    roads["width_m"] = roads["class"].map(ROAD_W)
    if st.extras:
        roads["name"] = _road_names(list(roads["class"]))
    else:
        roads["name"] = [f"{c[:3].upper()}{i:05d}" for i, c in enumerate(roads["class"])]
    st.roads = roads
    corr = shapely.union_all(shapely.buffer(roads.geometry.values, roads.width_m.values / 2,
                                            quad_segs=4))
    st.road_corr = shapely.difference(corr, st.river_corr)
    rail = roads.geometry.values[roads["class"].values == "railway"]
    st.rail_corr = shapely.buffer(shapely.union_all(rail), ROAD_W["railway"] / 2 + 0.5)
