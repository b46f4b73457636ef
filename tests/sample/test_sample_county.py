"""The synthetic county generator and the committed demo data in ``sample_layers/``.

Expectations are derived independently of the generator: geometry relations (townships
tile the county), the idle-land rules of ``shared/indicators.md`` re-implemented here,
raw DBF bytes, raster metadata, and the benchmark README's published counts for size S.
"""

from __future__ import annotations

import datetime as dt
import sqlite3

import numpy as np
import pandas as pd
import pyogrio
import pytest
import rasterio
import shapely
from rasterio.features import rasterize

from greenplan.core.errors import Canceled, OutputError, SettingError
from greenplan.core.feedback import Feedback
from greenplan.core.project import project_to_dict, read_project, save_project
from greenplan.core.resources import sample_dir
from greenplan.sample.county import LAYERS, build_county_layers, generate_county

SAMPLE = sample_dir()
GPKG = SAMPLE / "demo_county.gpkg"
PROJECT = SAMPLE / "demo_county.greenplan.toml"
SHP = SAMPLE / "gbk_shapefile" / "闲置土地.shp"
CLASSES = {"recover", "fee_20pct", "partial", "not_idle", "unknown"}


@pytest.fixture(scope="module")
def demo():
    """The demo county built in memory (no files)."""
    return build_county_layers("demo")


@pytest.fixture(scope="module")
def committed():
    """The committed demo layers, read back from the GeoPackage."""
    return {name: pyogrio.read_dataframe(GPKG, layer=name) for name in LAYERS}


def _values(s: pd.Series) -> list:
    """Comparable cell values: dates as ISO text, missing as None, floats rounded."""
    out = []
    for v in s.to_numpy(dtype=object):
        if v is None or (isinstance(v, float) and np.isnan(v)) or v is pd.NaT:
            out.append(None)
        elif isinstance(v, (dt.date, pd.Timestamp, np.datetime64)):
            out.append(pd.Timestamp(v).date().isoformat())
        elif isinstance(v, (float, np.floating)):
            out.append(round(float(v), 6))
        else:
            out.append(v.item() if isinstance(v, np.generic) else v)
    return out


def _multi(geoms: np.ndarray) -> np.ndarray:
    """Every geometry as a multi-geometry (the GeoPackage writer promotes mixed layers)."""
    parts, idx = shapely.get_parts(geoms, return_index=True)
    if shapely.get_type_id(parts[:1])[0] == 1:
        return shapely.multilinestrings(parts, indices=idx)
    return shapely.multipolygons(parts, indices=idx)


def test_committed_layers_are_what_the_generator_makes(demo, committed):
    assert pyogrio.list_layers(GPKG)[:, 0].tolist() == list(LAYERS)
    with sqlite3.connect(GPKG) as con:  # GeoPackage 1.2 for QGIS 3.22
        assert con.execute("PRAGMA user_version").fetchone()[0] == 10200
    for name in LAYERS:
        new, old = demo.layers[name], committed[name]
        assert len(new) == len(old), name
        new_g, old_g = _multi(new.geometry.values), _multi(old.geometry.values)
        assert shapely.equals_exact(new_g, old_g, tolerance=0).all(), name
        assert list(new.columns.drop("geometry")) == list(old.columns.drop(old.geometry.name)), name
        for col in new.columns.drop("geometry"):
            assert _values(new[col]) == _values(old[col]), (name, col)


def test_townships_tile_the_county_and_parcels_cover_it(committed):
    units = committed["admin_units"]
    county = shapely.union_all(units.geometry.values)
    assert len(units) == 12
    assert units.area.sum() == pytest.approx(county.area, rel=1e-9)  # no overlaps
    assert units["code"].str.fullmatch(r"\d{9}").all() and units["code"].is_unique
    assert units["name"].str.contains("街道|镇|乡").all()
    assert (units["population"] > 0).all()
    # the NDVI raster's valid 10 m pixels cover the same county (edge pixels: ±0.5 %)
    with rasterio.open(SAMPLE / "ndvi_10m.tif") as src:
        valid_m2 = float((src.read(1) != src.nodata).sum()) * 100.0
    assert valid_m2 == pytest.approx(county.area, rel=0.005)
    # land use leaves no gap over 1 m² (bowties count with their convex hull: the original
    # cell before two vertices were swapped; the corridor carving drops bits under 1 m²)
    lu = committed["land_use"]
    g = lu.geometry.values
    g = np.where(shapely.is_valid(g), g, shapely.convex_hull(g))
    gaps = shapely.get_parts(shapely.difference(county, shapely.union_all(g)))
    assert shapely.area(gaps).max() < 1.0 and shapely.area(gaps).sum() < 100.0
    # each parcel's ZLDWDM names the township holding it (the 15 seeded bowties and grown
    # copies may lean over a boundary)
    pts = shapely.point_on_surface(shapely.make_valid(lu.geometry.values))
    ui, pi = shapely.STRtree(pts).query(units.geometry.values, predicate="contains")
    holder = np.full(len(lu), None, dtype=object)
    holder[pi] = units["code"].to_numpy()[ui]
    assert (holder != lu["ZLDWDM"].to_numpy()).sum() <= 15


def _anniversary(d: dt.date, years: int) -> dt.date:
    try:
        return d.replace(year=d.year + years)
    except ValueError:  # 29 February
        return d.replace(year=d.year + years, day=28)


def _idle_class(agreed, actual, dev, inv, halt, as_of: dt.date) -> str:
    """indicators.md, idle_land, written out independently of the generator."""
    if agreed is None:
        return "unknown"
    if actual is None or actual > as_of:
        if as_of >= _anniversary(agreed, 2):
            return "recover"
        return "fee_20pct" if as_of >= _anniversary(agreed, 1) else "not_idle"
    if dev is None and inv is None:
        return "unknown"
    low = (dev is not None and dev < 1 / 3) or (inv is not None and inv < 0.25)
    if not low:
        return "not_idle"
    if halt is None:
        return "unknown"
    return "partial" if halt <= _anniversary(as_of, -1) else "not_idle"


def test_every_idle_class_occurs_as_of_the_project_date(committed):
    as_of = read_project(PROJECT)[0].settings.as_of
    assert as_of == dt.date(2026, 6, 30)
    info = pyogrio.read_info(GPKG, layer="idle_land")
    types = dict(zip(info["fields"], info["ogr_types"], strict=True))
    assert [types[f] for f in ("agreed_start", "actual_start", "halt_date")] == ["OFTDate"] * 3
    idle = committed["idle_land"]
    cols = [_values(idle[c]) for c in ("agreed_start", "actual_start", "developed_ratio", "invested_ratio", "halt_date")]
    date = lambda v: None if v is None else dt.date.fromisoformat(v)  # noqa: E731
    classes = [
        _idle_class(date(a), date(b), d, i, date(h), as_of) for a, b, d, i, h in zip(*cols, strict=True)
    ]
    assert set(classes) == CLASSES
    by_id = dict(zip(idle["parcel_id"], classes, strict=True))
    assert by_id["XZ00001"] == "recover"  # agreed start exactly 2 years before as_of
    assert by_id["XZ00002"] == "fee_20pct"  # exactly 1 year before
    ratios = idle[["developed_ratio", "invested_ratio"]].to_numpy()
    assert np.nanmin(ratios) >= 0 and np.nanmax(ratios) <= 1 and np.isnan(ratios).any()
    assert idle["status"].str.contains(r"[\u4e00-\u9fff]").all()


def test_gbk_shapefile_decodes_with_gb18030_to_the_gpkg_values(committed):
    assert not SHP.with_suffix(".cpg").exists()
    dbf = SHP.with_suffix(".dbf").read_bytes()
    assert dbf[29] == 0  # no language driver id
    assert "闲置".encode("gbk") in dbf and "闲置".encode() not in dbf
    spec = next(lyr for lyr in read_project(PROJECT)[0].layers if lyr.source == SHP)
    assert spec.role is None and spec.visible is False and spec.encoding is None
    shp = pyogrio.read_dataframe(SHP, encoding="gb18030")
    idle = committed["idle_land"]
    assert len(shp) == len(idle)
    for role_field, shp_field in spec.fields.items():
        assert _values(shp[shp_field]) == _values(idle[role_field]), role_field
    assert shp["ZL"].str.contains("镇|街道|乡").all()


def test_rasters_have_the_documented_crs_resolution_and_nodata(committed):
    county = shapely.union_all(committed["admin_units"].geometry.values)
    with rasterio.open(SAMPLE / "ndvi_10m.tif") as src:
        assert (src.crs.to_epsg(), src.res, src.nodata, src.dtypes[0]) == (4544, (10.0, 10.0), -9999.0, "float32")
        assert src.compression.name == "deflate"
        assert shapely.box(*src.bounds).contains(county)
        ndvi = src.read(1)
        parks = committed["green_space"][committed["green_space"]["class"].str.match(r"G1\d")]
        park_px = rasterize(parks.geometry.values, out_shape=ndvi.shape, transform=src.transform)
    valid = ndvi[ndvi != -9999.0]
    assert valid.min() >= -0.3 and valid.max() <= 0.95
    assert np.median(ndvi[park_px == 1]) > 0.5  # parks are green
    built = shapely.union_all(committed["built_up_area"].geometry.values)
    with rasterio.open(SAMPLE / "dsm_town.tif") as src:
        assert (src.crs.to_epsg(), src.res, src.nodata, src.dtypes[0]) == (4544, (1.0, 1.0), -9999.0, "float32")
        assert src.compression.name == "deflate" and "PREDICTOR" not in src.tags(ns="IMAGE_STRUCTURE")  # documented: plain deflate
        assert shapely.box(*src.bounds).contains(shapely.buffer(built, 79))
        dsm, tr = src.read(1), src.transform
    assert np.abs(dsm * 100 - np.round(dsm * 100)).max() < 0.01  # rounded to 0.01 m
    # roofs stand height_m above the surrounding ground (median over the footprint vs a
    # ring of ground pixels 3-8 m out); 6 % of flat-attributed roofs are pitched on purpose
    b = committed["buildings"]
    b = b[shapely.within(b.geometry.values, shapely.box(*src.bounds))].reset_index(drop=True)
    lab = np.arange(1, len(b) + 1)
    foot = rasterize(zip(b.geometry.values, lab, strict=True), out_shape=dsm.shape, transform=tr)
    rings = shapely.difference(shapely.buffer(b.geometry.values, 8), shapely.buffer(b.geometry.values, 3))
    ring = rasterize(zip(rings, lab, strict=True), out_shape=dsm.shape, transform=tr)
    roof = pd.Series(dsm[foot > 0]).groupby(foot[foot > 0]).median()
    gmask = (ring > 0) & (foot == 0)
    ground = pd.Series(dsm[gmask]).groupby(ring[gmask]).median()
    rise = (roof - ground).reindex(lab).to_numpy()
    flat = (b["roof_type"] == "flat").to_numpy() & ~np.isnan(rise)
    ok = np.abs(rise[flat] - b["height_m"].to_numpy()[flat]) < 0.3
    assert ok.mean() > 0.9
    spread = pd.Series(dsm[foot > 0]).groupby(foot[foot > 0]).agg(lambda v: v.max() - v.min())
    pitched = spread.reindex(lab).to_numpy()[(b["roof_type"] == "pitched").to_numpy()]
    assert np.nanmedian(pitched) > 2.0  # ridge to eaves


def test_project_file_has_every_layer_bottom_to_top_and_round_trips(tmp_path):
    project, warnings = read_project(PROJECT)
    assert warnings == []
    assert (project.name, project.crs) == ("示范县（演示数据）", "EPSG:4544")
    assert project.metadata["organisation"] == "示范县自然资源局"
    roles = [lyr.role for lyr in project.layers]
    assert roles[:2] == ["vegetation_raster", "dsm_raster"] and roles[-1] == "admin_units"
    assert set(roles) - {None} == set(LAYERS) | {"vegetation_raster", "dsm_raster"}
    assert roles.index("land_use") < roles.index("permanent_farmland") < roles.index("urban_boundary")
    in_gpkg = set(pyogrio.list_layers(GPKG)[:, 0])
    allowed = {"fill", "edge", "width", "alpha", "linestyle", "hatch", "cmap", "vmin", "vmax"}
    for lyr in project.layers:
        assert lyr.source.is_file(), lyr.name
        assert lyr.layer is None or lyr.layer in in_gpkg
        assert any("\u4e00" <= ch <= "\u9fff" for ch in lyr.name)
        assert lyr.style and set(lyr.style) <= allowed
    redline = project.layers_with_role("urban_boundary")[0]
    assert redline.style["linestyle"] == "--" and redline.style["fill"] == "none"
    copy = save_project(project, tmp_path / "副本 项目.greenplan.toml")
    again, w2 = read_project(copy)
    assert w2 == [] and project_to_dict(again, SAMPLE) == project_to_dict(project, SAMPLE)


def test_seeded_problems_are_in_the_files_and_in_the_summary(demo, committed):
    E = shapely.union_all(committed["ecological_redline"].geometry.values)
    F = shapely.union_all(committed["permanent_farmland"].geometry.values)
    U = shapely.union_all(committed["urban_boundary"].geometry.values)

    def pieces(a, b):
        parts = shapely.get_parts(shapely.intersection(a, b))
        return np.sort(shapely.area(parts[shapely.get_type_id(parts) == 3]))

    fe, ue = pieces(F, E), pieces(U, E)
    assert (fe >= 1).sum() == 2 and ((fe > 0) & (fe < 1)).sum() == 1  # two overlaps, a sliver
    assert (ue >= 1).sum() == 1 and shapely.intersection(F, U).area == 0
    seeded = demo.seeded
    assert seeded["farmland_redline"]["pieces"] == 2 and seeded["farmland_redline"]["slivers"] == 1
    assert seeded["farmland_redline"]["m2"] == pytest.approx(fe[fe >= 1].sum(), abs=0.01)
    assert seeded["urban_redline"]["m2"] == pytest.approx(ue.sum(), abs=0.01)
    g = committed["green_space"]
    on_farm = shapely.area(shapely.intersection(g.geometry.values, F)) >= 1
    assert set(g["class"][on_farm]) == {"G2"} and g["name"][on_farm].str.endswith("县道防护绿带").all()
    assert seeded["green_on_farmland"]["features"] == on_farm.sum()
    idle = committed["idle_land"].geometry.values
    assert seeded["idle_in_redline"] == (shapely.area(shapely.intersection(idle, E)) >= 1).sum() >= 2
    assert seeded["idle_on_farmland"] == (shapely.area(shapely.intersection(idle, F)) >= 1).sum() >= 2
    lu = committed["land_use"]
    geoms = lu.geometry.values
    assert (~shapely.is_valid(geoms)).sum() == seeded["land_use_invalid"] >= 5
    assert pd.Series(shapely.to_wkb(geoms)).duplicated().sum() == seeded["land_use_duplicates"]
    approved = lu[lu["activity_type"].notna()]
    pos = shapely.point_on_surface(approved.geometry.values)
    assert len(approved) == seeded["land_use_approved_activity"] >= 3
    assert shapely.contains_xy(E, shapely.get_x(pos), shapely.get_y(pos)).all()
    assert "线性基础设施" in set(approved["activity_type"])
    b = committed["buildings"]
    assert b["underground"].sum() == seeded["buildings_underground"] >= 1
    assert {"轻钢", "砖木"} <= set(b["structure"])
    roads = committed["roads"]
    assert {"railway", "county", "township", "expressway"} <= set(roads["class"])
    assert (roads["width_m"] > 0).all()


def test_same_seed_gives_the_same_layers(demo):
    a = build_county_layers("demo", seed=7)
    b = build_county_layers("demo", seed=7)
    for name in ("land_use", "idle_land", "buildings"):
        assert shapely.equals_exact(a.layers[name].geometry.values, b.layers[name].geometry.values, 0).all()
        assert a.layers[name].drop(columns="geometry").equals(b.layers[name].drop(columns="geometry"))
    assert a.seeded == b.seeded
    assert len(a.layers["land_use"]) != len(demo.layers["land_use"])  # another seed, other data


def test_size_s_reproduces_the_benchmark_generator():
    """Counts published in shared/bench/README.md for make_county.py S (not from this code)."""
    s = build_county_layers("S")
    n = {k: len(v) for k, v in s.layers.items()}
    assert (n["land_use"], n["permanent_farmland"], n["green_space"], n["idle_land"], n["buildings"]) == (
        11_346, 2_377, 150, 62, 5_000)
    assert s.seeded["land_use_invalid"] == 21
    assert s.seeded["idle_in_redline"] == 9  # a_violating_idle_parcels
    assert s.seeded["farmland_redline"]["m2"] == 0  # no seeded conflicts outside the demo


def test_existing_files_are_refused_and_left_alone(cn_dir, build):
    (cn_dir / "demo_county.gpkg").write_bytes(b"not mine")
    before = build.tree_digest(cn_dir.parent)
    with pytest.raises(OutputError) as err:
        generate_county("demo", cn_dir)
    assert "--force" in err.value.message("zh") and "demo_county.gpkg" in err.value.message("en")
    assert build.tree_digest(cn_dir.parent) == before
    assert sorted(p.name for p in cn_dir.parent.iterdir()) == [cn_dir.name]  # no temp folder


def test_cancel_leaves_nothing_behind(tmp_path):
    fb = Feedback()
    fb.cancel()
    with pytest.raises(Canceled):
        generate_county("demo", tmp_path / "新 文件夹", feedback=fb)
    assert list(tmp_path.iterdir()) == []


def test_bad_size_or_a_file_as_folder(tmp_path):
    with pytest.raises(SettingError):
        generate_county("XL", tmp_path / "out")
    (tmp_path / "a file").write_text("x")
    with pytest.raises(OutputError):
        generate_county("demo", tmp_path / "a file")
