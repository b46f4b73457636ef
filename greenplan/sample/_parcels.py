"""Synthetic county, part 2: parcels, townships, red line, farmland, the land-use table.

Continues :mod:`greenplan.sample._layers` on the same state ``st`` (see there):
Voronoi parcels with the road and river corridors carved out, townships as unions of
parcels, the ecological red line and permanent farmland, and the final land-use table
with real-data defects (bowties, duplicates, overlapping copies), ``CZCSXM`` and the
approved activities. Coordinates in EPSG:4544 metres.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from greenplan.sample._layers import (
    CX,
    CY,
    DLMC,
    EPSG,
    HILL_NAMES,
    UNIT_NAMES,
    blob,
    choose,
    hill_h,
)


def make_parcels(st) -> None:
    """Voronoi parcels, townships, corridor pieces and a land-use code for each parcel."""
    rng, R, NP = st.rng, st.R, st.NP
    county, B, UB = st.county, st.B, st.UB
    n_urb, n_vil = int(NP * 0.30), int(NP * 0.12)
    pts = []
    bxmin, bymin, bxmax, bymax = shapely.bounds(B)
    m = 0
    while m < n_urb:
        x = rng.uniform(bxmin, bxmax, n_urb * 2)
        y = rng.uniform(bymin, bymax, n_urb * 2)
        k = shapely.contains_xy(B, x, y)
        pts.append(np.c_[x[k], y[k]][: n_urb - m])
        m += min(k.sum(), n_urb - m)
    vi = rng.integers(0, len(st.vx), n_vil)
    rr = 1.6 * st.vr[vi] * np.sqrt(rng.uniform(0, 1, n_vil))
    th = rng.uniform(0, 2 * np.pi, n_vil)
    pts.append(np.c_[st.vx[vi] + rr * np.cos(th), st.vy[vi] + rr * np.sin(th)])
    n_rest = NP - n_urb - n_vil
    m = 0
    while m < n_rest:
        x = rng.uniform(CX - 1.3 * R, CX + 1.3 * R, n_rest * 3)
        y = rng.uniform(CY - 1.3 * R, CY + 1.3 * R, n_rest * 3)
        keep = shapely.contains_xy(county, x, y) & ~shapely.contains_xy(B, x, y)
        keep &= rng.uniform(0, 1, len(x)) < 1.0 / (1.0 + 3.0 * hill_h(st, x, y))
        pts.append(np.c_[x[keep], y[keep]][: n_rest - m])
        m += min(keep.sum(), n_rest - m)
    st.pts = pts = np.concatenate(pts)
    st.n_urb = n_urb
    env = shapely.box(CX - 1.4 * R, CY - 1.4 * R, CX + 1.4 * R, CY + 1.4 * R)
    cells = shapely.get_parts(shapely.voronoi_polygons(shapely.multipoints(pts), extend_to=env))
    inside = shapely.contains(county, cells)
    edge = ~inside & shapely.intersects(county, cells)
    cells = np.concatenate([cells[inside], shapely.intersection(cells[edge], county)])
    cells = shapely.get_parts(cells)
    cells = cells[shapely.area(cells) > 0.01]
    st.feedback.check()

    # townships: weighted nearest seed of each cell, coverage-union per unit
    cpt = shapely.point_on_surface(cells)
    px, py = shapely.get_x(cpt), shapely.get_y(cpt)
    seeds = st.seeds
    dist = np.hypot(px[:, None] - seeds[None, :, 0], py[:, None] - seeds[None, :, 1]) / st.weights[None]
    unit_of_cell = dist.argmin(1)
    unit_geoms = [shapely.coverage_union_all(cells[unit_of_cell == k]) for k in range(12)]
    codes = [f"5101{23:02d}{k + 1:03d}" for k in range(12)]
    pop = np.r_[rng.integers(45_000, 90_000, 3), rng.integers(12_000, 38_000, 9)] * (NP / 100_000) ** 0.5
    st.admin = gpd.GeoDataFrame({"name": UNIT_NAMES, "code": codes, "population": pop.astype(int)},
                                geometry=unit_geoms, crs=EPSG)
    st.unit_codes = codes

    # carve river and road corridors out of the cells, split at 1 km tiles
    tile = 1000.0
    tx = np.arange(CX - 1.3 * R, CX + 1.3 * R, tile)
    TXg, TYg = np.meshgrid(tx, np.arange(CY - 1.3 * R, CY + 1.3 * R, tile))
    st.tiles = tiles = shapely.box(TXg.ravel(), TYg.ravel(), TXg.ravel() + tile, TYg.ravel() + tile)
    pieces_all, pieces_code = [], []
    rest = cells.copy()
    for corr, kind in ((st.river_corr, "river"), (st.road_corr, "road")):
        st.feedback.check()
        ct = shapely.intersection(tiles, corr)
        ct = ct[~shapely.is_empty(ct)]
        ci, tj = shapely.STRtree(ct).query(cells, predicate="intersects")
        inter = shapely.intersection(cells[ci], ct[tj])
        good = shapely.area(inter) > 1.0
        if kind == "river":
            code = np.full(good.sum(), "1101", dtype=object)
        else:
            pxy = shapely.get_coordinates(shapely.point_on_surface(inter[good])).T
            code = np.where(shapely.contains_xy(UB, *pxy), "1004", "1003").astype(object)
            if st.extras:
                code[shapely.contains_xy(st.rail_corr, *pxy)] = "1001"
        pieces_all.append(inter[good])
        pieces_code.append(code)
        # rest = cell minus its corridor pieces (rounds: one tile piece per cell per round)
        order = np.lexsort((tj, ci))
        ci, tj = ci[order], tj[order]
        first = np.r_[True, ci[1:] != ci[:-1]]
        rank = np.arange(len(ci)) - np.maximum.accumulate(np.where(first, np.arange(len(ci)), 0))
        for r in range(rank.max() + 1 if len(rank) else 0):
            sel = rank == r
            rest[ci[sel]] = shapely.difference(rest[ci[sel]], ct[tj[sel]])
    pieces = np.concatenate(pieces_all)
    pcode = np.concatenate(pieces_code)
    rest_parts, rest_idx = shapely.get_parts(rest, return_index=True)
    keep = shapely.area(rest_parts) > 1.0
    rest_parts, rest_idx = rest_parts[keep], rest_idx[keep]

    # classify the rest parcels by where they lie
    ppt = shapely.point_on_surface(rest_parts)
    px, py = shapely.get_x(ppt), shapely.get_y(ppt)
    n = len(rest_parts)
    code = np.empty(n, dtype=object)
    in_main = shapely.contains_xy(st.main_bu, px, py)
    in_ip = shapely.contains_xy(st.ip_bu, px, py)
    in_ub = shapely.contains_xy(UB, px, py) & ~in_main & ~in_ip
    _, dv = shapely.STRtree(shapely.points(st.vx, st.vy)).query_nearest(
        ppt, return_distance=True, all_matches=False)
    in_vil = (dv < 1.3 * 140.0) & ~in_main & ~in_ip
    hill = (hill_h(st, px, py) > 0.35) & ~in_main & ~in_ip & ~in_vil
    plain = ~(in_main | in_ip | in_vil | hill)
    code[in_main] = choose(rng, "urban", in_main.sum())
    code[in_ip] = choose(rng, "industrial", in_ip.sum())
    code[in_vil] = choose(rng, "village", in_vil.sum())
    code[hill] = choose(rng, "hill", hill.sum())
    code[plain] = choose(rng, "plain", plain.sum())
    fr = in_ub & (rng.uniform(0, 1, n) < 0.5)  # fringe of the urban boundary: more construction
    code[fr] = choose(rng, "urban", fr.sum())
    st.lu_geom = np.concatenate([rest_parts, pieces])
    st.lu_code = np.concatenate([code, pcode])
    # unit of each parcel: its cell's unit; corridor pieces: the unit holding their inner point
    ai_, pi_ = shapely.STRtree(shapely.point_on_surface(pieces)).query(
        st.admin.geometry.values, predicate="contains")
    piece_unit = np.zeros(len(pieces), int)
    piece_unit[pi_] = ai_
    st.lu_unit = np.concatenate([unit_of_cell[rest_idx], piece_unit])


def make_redline_farmland(st) -> None:
    """Ecological red line (hills, river banks) and permanent farmland (minus the red line)."""
    rng, county, UB, r_b = st.rng, st.county, st.UB, st.r_b
    geoms, names, cats = [], [], []
    kinds = ["水源涵养", "生物多样性维护", "水土保持"]
    for k, (hx, hy, s, _a) in enumerate(st.hills):
        geoms.append(shapely.intersection(blob(hx, hy, 0.9 * s, rng, n=240, amp=0.18), county))
        names.append(f"{HILL_NAMES[k]}生态保护红线")
        cats.append(kinds[k % 3])
    rb = shapely.buffer(st.main_river, st.river_w[0] / 2 + 120, quad_segs=4)
    rb = shapely.difference(rb, shapely.buffer(UB, 0.5 * r_b + 1500))
    for g in shapely.get_parts(rb):
        if g.area > 1e5:
            geoms.append(shapely.intersection(g, county))
            names.append("清水河河湖岸线生态保护红线")
            cats.append("河湖岸线")
    if st.extras:
        # seeded conflict: a drinking-water source area drawn across the urban boundary
        cross = shapely.get_coordinates(shapely.intersection(
            st.main_river, shapely.boundary(UB)))
        p = cross[np.argmin(cross[:, 0])]
        geoms.append(shapely.intersection(blob(p[0], p[1], 300.0, st.rx, n=120, amp=0.1), county))
        names.append("清水河饮用水水源地生态保护红线")
        cats.append("水源涵养")
    eco = gpd.GeoDataFrame({"name": names, "category": cats}, geometry=geoms, crs=EPSG)
    st.eco = eco.explode(ignore_index=True)
    st.E = E = shapely.union_all(st.eco.geometry.values)
    shapely.prepare(E)

    # permanent farmland: 85 % of farmland parcels outside the urban boundary, minus red line
    lu_code, lu_geom = st.lu_code, st.lu_geom
    is_farm = np.isin(lu_code, ["0101", "0102", "0103"])
    cand = np.flatnonzero(is_farm & (rng.uniform(0, 1, len(lu_code)) < 0.85))
    cg = lu_geom[cand]
    cg_ok = ~shapely.intersects(shapely.buffer(UB, 200), cg)
    cand, cg = cand[cg_ok], cg[cg_ok]
    hitE = shapely.intersects(E, cg)
    orig = cg.copy()
    cg = cg.copy()
    cg[hitE] = shapely.difference(cg[hitE], E)
    if st.extras:
        # seeded conflict: two farmland parcels kept whole although they reach into the red line
        lap = shapely.area(shapely.intersection(orig, E))
        pick = np.flatnonzero(hitE & (lap > 2_000) & (lap < 40_000))[:2]
        cg[pick] = orig[pick]
    cg = shapely.make_valid(cg)
    keep = shapely.area(cg) > 10
    farm = gpd.GeoDataFrame({"jbnttbbh": [f"JB{i:07d}" for i in range(keep.sum())],
                             "DLBM": lu_code[cand][keep]}, geometry=cg[keep], crs=EPSG)
    farm = farm.explode(ignore_index=True)
    farm = farm[farm.geom_type == "Polygon"].reset_index(drop=True)
    if st.extras:
        farm = _farmland_sliver(st, farm)
    farm["area_m2"] = farm.area.round(2)
    st.farm = farm


def _farmland_sliver(st, farm):
    """Seeded conflict: one farmland polygon pokes < 1 m² into the red line."""
    g = farm.geometry.values
    E = st.E
    far = ~shapely.intersects(g, shapely.union_all(g[shapely.overlaps(g, E)]))
    touch = np.flatnonzero(far & shapely.touches(g, E) & (shapely.area(g) > 5_000))
    i = touch[0]
    p = shapely.get_coordinates(shapely.shortest_line(g[i], E))[0]
    bit = shapely.intersection(shapely.box(p[0] - 0.5, p[1] - 0.5, p[0] + 0.5, p[1] + 0.5), E)
    g = g.copy()
    g[i] = shapely.union(g[i], bit)
    return farm.set_geometry(g)


def make_land_use(st) -> None:
    """The land-use table with real-data defects, CZCSXM and approved activities."""
    rng = st.rng
    lu = gpd.GeoDataFrame({"DLBM": st.lu_code, "ZLDWDM": np.asarray(st.unit_codes, dtype=object)[st.lu_unit]},
                          geometry=st.lu_geom, crs=EPSG)
    lu = lu.iloc[rng.permutation(len(lu))].reset_index(drop=True)  # no spatial order
    # bowties: swap two vertices of ~0.2 % simple polygons
    n_bad = max(5, len(lu) // 500)
    gt = lu.geom_type.values
    nc = shapely.get_num_coordinates(lu.geometry.values)
    cand = np.flatnonzero((gt == "Polygon") & (nc >= 6)
                          & (shapely.get_num_interior_rings(lu.geometry.values) == 0))
    bad = rng.choice(cand, n_bad, replace=False)
    newg = lu.geometry.values.copy()
    for i in bad:  # one random draw per parcel, in the original order
        xy = shapely.get_coordinates(newg[i])[:-1]
        j = rng.integers(0, len(xy) - 2)
        xy[[j, j + 2]] = xy[[j + 2, j]]
        newg[i] = shapely.Polygon(xy)
    lu.geometry = newg
    # duplicates (exact copies) and overlaps (copies grown by 3 m, other code)
    n_dup = max(5, len(lu) // 1000)
    n_orig = len(lu)
    dup = lu.iloc[rng.choice(len(lu), n_dup, replace=False)].copy()
    ovl = lu.iloc[rng.choice(cand, n_dup, replace=False)].copy()
    ovl.geometry = ovl.buffer(3.0, quad_segs=2)
    ovl["DLBM"] = choose(rng, "plain", len(ovl))
    lu = pd.concat([lu, dup, ovl], ignore_index=True)
    lu["BSM"] = [f"5101232023{i:08d}" for i in range(len(lu))]
    lu["DLMC"] = lu["DLBM"].map(DLMC)
    lu["TBMJ"] = shapely.area(lu.geometry.values).round(2)
    pos = shapely.point_on_surface(shapely.make_valid(lu.geometry.values))
    lu["CZCSXM"] = czcsxm(st, lu["DLBM"].to_numpy(dtype=object), pos)
    act = np.full(len(lu), None, dtype=object)
    if st.extras:
        inE = shapely.contains_xy(st.E, shapely.get_x(pos), shapely.get_y(pos))
        inE[n_orig:] = False
        code = lu["DLBM"].to_numpy(dtype=object)
        for codes, name, k in ((("1001", "1003"), "线性基础设施", 3), (("0602",), "生态修复", 2),
                               (("0702",), "原住居民生产生活设施", 1)):
            act[np.flatnonzero(inE & np.isin(code, codes))[:k]] = name
    lu["activity_type"] = act
    st.seeded_lu = {"bowtie": int(n_bad), "duplicate": int(n_dup), "overlap": int(n_dup)}
    st.lu = lu[["BSM", "DLBM", "DLMC", "ZLDWDM", "TBMJ", "CZCSXM", "activity_type", "geometry"]]


def czcsxm(st, code: np.ndarray, pos: np.ndarray) -> np.ndarray:
    """城镇村属性码 of construction parcels by where their inner point ``pos`` lies.

    201 in the urban boundary (201A in the industrial park), 202 within 500 m of a
    township seat, 203 elsewhere (villages); 204 mining, 205 special use; roads,
    railways, water works and non-construction land get none.
    """
    c2 = np.array([c[:2] for c in code], dtype=object)
    constr = np.isin(c2, ["05", "06", "07", "09"]) | ((c2 == "08") & ~np.isin(code, ["0810", "0810A"]))
    constr |= np.isin(code, ["1004", "1201"])
    x, y = shapely.get_x(pos), shapely.get_y(pos)
    seat = np.hypot(x[:, None] - st.seeds[None, 3:, 0], y[:, None] - st.seeds[None, 3:, 1]).min(1) < 500
    out = np.where(shapely.contains_xy(st.UB, x, y),
                   np.where(shapely.contains_xy(st.ip_bu, x, y), "201A", "201"),
                   np.where(seat, "202", "203")).astype(object)
    out[code == "0602"] = "204"
    out[code == "09"] = "205"
    out[~constr] = None
    return out
