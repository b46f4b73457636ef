"""The straightforward geopandas baseline for ``bench_analyze.py``.

What a competent analyst writes with geopandas / rasterio for the same numbers GreenPlan's
``analyze`` reports: read every layer, ``make_valid``, ``gpd.overlay`` / ``gpd.clip`` /
``dissolve`` per question, ``rasterio.mask`` for the raster coverage. Definitions follow
``shared/indicators.md`` (sandiao code system) so the values can be compared at 0.1 %.

usage: python baseline_gpd.py GPKG NDVI_TIF  -> prints one JSON object {values, times_s}
"""

from __future__ import annotations

import json
import sys
import time
from contextlib import contextmanager

import geopandas as gpd
import numpy as np
import pandas as pd
import rasterio
import rasterio.mask

LAYERS = ["admin_units", "built_up_area", "ecological_redline", "permanent_farmland",
          "urban_boundary", "land_use", "green_space", "idle_land"]
CONSTRUCTION_EXACT = {"1001", "1002", "1003", "1004", "1005", "1007", "1008", "1009", "1109", "1201"}


def _code(s: pd.Series) -> pd.Series:
    s = s.astype(str).str.strip()
    return s.where(~s.str.match(r"^\d{4}[A-Z]$") | (s == "0810A"), s.str[:4])


def is_construction(code: pd.Series) -> pd.Series:
    c2 = code.str[:2]
    c4 = code.str[:4]
    return (c2.isin(["05", "06", "07", "09"]) | ((c2 == "08") & ~c4.isin(["0810"]))
            | c4.isin(CONSTRUCTION_EXACT))


def is_vegetation(code: pd.Series) -> pd.Series:
    return code.str[:2].isin(["02", "03", "04"]) | code.str[:4].isin(["0810", "1401", "1402"])


def main(gpkg: str, ndvi: str) -> dict:
    times: dict[str, float] = {}
    values: dict[str, object] = {}

    @contextmanager
    def step(name):
        t0 = time.perf_counter()
        yield
        times[name] = round(time.perf_counter() - t0, 3)

    with step("load"):
        L = {n: gpd.read_file(gpkg, layer=n, engine="pyogrio") for n in LAYERS}
        for df in L.values():
            bad = ~df.is_valid
            if bad.any():
                df.loc[bad, "geometry"] = df.geometry[bad].make_valid()
        lu = L["land_use"]
        lu["code"] = _code(lu["DLBM"])

    with step("eco_redline_occupation"):
        E = L["ecological_redline"][["geometry"]].dissolve()
        cons = lu.loc[is_construction(lu["code"]), ["geometry"]]
        occ = pd.concat([cons, L["idle_land"][["geometry"]]], ignore_index=True)
        oi = gpd.overlay(occ, E, how="intersection", keep_geom_type=True)
        occupied = oi.union_all().area
        values["eco_occupied_m2"] = occupied
        values["eco_redline_m2"] = E.area.sum()
        values["eco_ratio"] = occupied / E.area.sum()

    with step("green_coverage_vector"):
        B = L["built_up_area"][["geometry"]].dissolve()
        gs = L["green_space"]
        V = pd.concat([lu.loc[is_vegetation(lu["code"]), ["geometry"]],
                       gs.loc[~gs["class"].astype(str).str.upper().str.startswith("G3"), ["geometry"]]],
                      ignore_index=True)
        VB = gpd.clip(V, B)
        values["coverage_green_m2"] = VB.union_all().area
        values["coverage_b_m2"] = B.area.sum()
        values["green_coverage_vector"] = values["coverage_green_m2"] / values["coverage_b_m2"]

    with step("green_coverage_raster"):
        with rasterio.open(ndvi) as src:
            Br = B.to_crs(src.crs) if src.crs is not None else B
            arr, _ = rasterio.mask.mask(src, Br.geometry.values, crop=True, filled=False)
        a = arr[0].astype("float64")
        valid = ~np.ma.getmaskarray(a) & np.isfinite(a.filled(np.nan))
        values["raster_pixels"] = int(valid.sum())
        values["green_coverage_raster"] = float(((a.filled(-1e9) >= 0.3) & valid).sum() / valid.sum())

    with step("by_unit_green_coverage"):
        admin = L["admin_units"][["code", "geometry"]]
        bu = gpd.overlay(admin, B, how="intersection", keep_geom_type=True)
        bu["b_m2"] = bu.area
        Vall = gpd.GeoDataFrame(geometry=[VB.union_all()], crs=VB.crs)
        gv = gpd.overlay(admin, Vall, how="intersection", keep_geom_type=True)
        gv["g_m2"] = gv.area
        per = bu[["code", "b_m2"]].merge(gv[["code", "g_m2"]], on="code", how="left").fillna({"g_m2": 0})
        values["by_unit_green_coverage"] = {r.code: r.g_m2 / r.b_m2 for r in per.itertuples()}

    with step("redline_overlaps"):
        F = L["permanent_farmland"][["geometry"]].dissolve()
        U = L["urban_boundary"][["geometry"]].dissolve()
        tot = 0.0
        for a_, b_ in ((E, F), (E, U), (F, U)):
            x = gpd.overlay(a_, b_, how="intersection", keep_geom_type=True)
            pieces = x.explode(ignore_index=True)
            tot += pieces.area[pieces.area >= 1.0].sum()
        values["redline_overlaps_m2"] = float(tot)

    with step("farmland_greening_conflict"):
        gi = gpd.overlay(L["green_space"][["geometry"]], F, how="intersection", keep_geom_type=True)
        values["farmland_greening_m2"] = gi.union_all().area if len(gi) else 0.0

    times["total"] = round(sum(times.values()), 3)
    return {"values": values, "times_s": times}


if __name__ == "__main__":
    out = main(sys.argv[1], sys.argv[2])
    print(json.dumps(out, default=float))
