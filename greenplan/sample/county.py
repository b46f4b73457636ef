"""The synthetic demo county: deterministic layers, rasters and a project file.

``generate_county("demo", folder)`` writes what ``sample_layers/`` holds; sizes S, M and
L are the benchmark's counties (``shared/bench/make_county.py``, same data bit for bit,
plus the role fields GreenPlan reads). Everything comes from seeded random generators,
so a size and seed always give the same data. CRS: EPSG:4544 (CGCS2000 / 3-degree
Gauss-Kruger CM 105E), metres.

Files (``demo``; S/M/L use the benchmark's names ``county.gpkg``, ``ndvi.tif``,
``dsm.tif``, ``county.greenplan.toml``):

- ``demo_county.gpkg``: GeoPackage 1.2 with the layers of :data:`LAYERS`;
- ``ndvi_10m.tif``: NDVI, float32, 10 m, nodata -9999;
- ``dsm_town.tif``: DSM of the built-up area, float32, 1 m (2 m for L);
- ``gbk_shapefile/闲置土地.shp``: idle land again, as a GBK shapefile with survey field
  names, no ``.cpg`` and DBF language byte 0 (tests encoding detection);
- ``demo_county.greenplan.toml``: the project file (``greenplan.core.project``).
"""

from __future__ import annotations

import os
import shutil
import types
import uuid
from pathlib import Path
from typing import Any

from greenplan.core.errors import OutputError
from greenplan.core.feedback import Feedback, SubFeedback
from greenplan.sample.spec import (  # noqa: F401 - SIZES, LAYERS, output_files are read from here too
    AS_OF,
    CRS,
    LAYERS,
    SIZES,
    CountyLayers,
    check_size,
    file_names,
    output_files,
)


def build_county_layers(size: str, *, seed: int | None = None,
                        feedback: Feedback | None = None) -> CountyLayers:
    """Generate the vector layers of a synthetic county in memory.

    Parameters
    ----------
    size : {"demo", "S", "M", "L"}
        demo: ~4,000 parcels, 2,500 buildings, county radius 9 km; S/M/L as in the
        benchmark (10k/100k/400k parcels).
    seed : int, optional
        Seed of the random generators; default: the size's own seed.
    feedback : Feedback, optional
        Progress and cancel.

    Returns
    -------
    CountyLayers

    Raises
    ------
    SettingError
        Unknown size.
    Canceled
        The user cancelled.
    """
    import geopandas as gpd
    import numpy as np

    from greenplan.sample import _features as cf
    from greenplan.sample import _layers as cl
    from greenplan.sample import _parcels as cp
    from greenplan.sample._output import seeded_problems

    check_size(size)
    feedback = feedback or Feedback()
    cfg = cl.SIZES[size]
    seed = int(cfg["seed"] if seed is None else seed)
    st = types.SimpleNamespace(
        cfg=cfg, extras=bool(cfg["extras"]), rng=np.random.default_rng(seed),
        rx=np.random.default_rng([seed, 1]), R=float(cfg["county_r"]), NB=cfg["buildings"],
        NP=int(cfg["parcels"] * cfg["seed_share"]), as_of=AS_OF, feedback=feedback)
    steps = [(cl.make_landscape, "地形与河流 landscape"), (cl.make_roads, "道路 roads"),
             (cl.make_corridors, "道路廊道 corridors"), (cp.make_parcels, "地块 parcels"),
             (cp.make_redline_farmland, "红线与农田 red line, farmland"),
             (cf.make_green_space, "绿地 green space"), (cf.make_buildings, "建筑 buildings"),
             (cf.make_idle_land, "闲置土地 idle land"), (cp.make_land_use, "用地 land use")]
    for i, (func, text) in enumerate(steps):
        feedback.step(i, len(steps), text)
        func(st)
    feedback.step(len(steps), len(steps))
    bu = gpd.GeoDataFrame({"name": ["中心城区建成区", "工业园区建成区"], "year": [2023, 2023]},
                          geometry=list(st.built_up), crs=CRS)
    ub = gpd.GeoDataFrame({"name": ["城镇开发边界"], "zone": ["城镇集中建设区"]},
                          geometry=[st.UB], crs=CRS)
    layers = {"admin_units": st.admin, "built_up_area": bu, "ecological_redline": st.eco,
              "permanent_farmland": st.farm, "urban_boundary": ub, "land_use": st.lu,
              "green_space": st.green, "idle_land": st.idle, "buildings": st.bld,
              "roads": st.roads[["name", "class", "width_m", "geometry"]], "rivers": st.rivers}
    return CountyLayers(size, seed, layers, seeded_problems(st, layers), st)


def generate_county(size: str, outdir: str | os.PathLike, *, seed: int | None = None,
                    feedback: Feedback | None = None, overwrite: bool = False) -> dict[str, Any]:
    """Write a synthetic county (vector layers, rasters, GBK shapefile, project file).

    The files are written into a temporary folder beside ``outdir`` and then moved into
    place, so a failure or a cancel leaves no half-written file behind.

    Parameters
    ----------
    size : {"demo", "S", "M", "L"}
        See :func:`build_county_layers`.
    outdir : path-like
        Folder to write into (created if missing; other files in it are left alone).
    seed : int, optional
        Seed; default: the size's own (the committed ``sample_layers/`` use it).
    feedback : Feedback, optional
        Progress and cancel.
    overwrite : bool
        Replace files of the same names; without it an existing file is an error.

    Returns
    -------
    dict
        ``size``, ``seed``, ``crs``, ``as_of``, ``outdir``, ``layers`` (layer -> feature
        count), ``rasters`` (file -> width, height, res_m), ``files`` (relative name ->
        bytes) and ``seeded`` (the data problems put in on purpose).

    Raises
    ------
    OutputError
        ``outdir`` is a file, or holds files of the same names and ``overwrite`` is false,
        or the files cannot be written or moved.
    SettingError
        Unknown size.
    Canceled
        The user cancelled (nothing is written).
    """
    check_size(size)
    feedback = feedback or Feedback()
    outdir = Path(outdir).absolute()
    names = output_files(size)
    _check_target(outdir, names, overwrite)
    try:
        outdir.parent.mkdir(parents=True, exist_ok=True)
        # beside outdir (same volume, so the final move is a rename); mkdir, unlike
        # mkdtemp, gives the folder the user's normal permissions
        tmp = outdir.parent / f".{outdir.name}.{uuid.uuid4().hex[:12]}.tmp"
        tmp.mkdir()
    except OSError as exc:
        raise _write_error(outdir, exc) from exc
    try:
        county = build_county_layers(size, seed=seed, feedback=SubFeedback(feedback, 0, 50))
        from greenplan.sample._output import write_all

        summary = write_all(county, tmp, file_names(size), SubFeedback(feedback, 50, 98))
        feedback.check()
        _check_target(outdir, names, overwrite)
        _move_into_place(tmp, outdir)
    except OSError as exc:
        raise _write_error(outdir, exc) from exc
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    feedback.set_progress(100.0)
    summary["outdir"] = str(outdir)
    summary["files"] = {n: (outdir / n).stat().st_size for n in names}
    return summary


def _write_error(outdir: Path, exc: OSError) -> OutputError:
    from greenplan.io.writers import write_error

    return write_error(outdir, exc.strerror or exc, "The sample data", "示例数据")


def _check_target(outdir: Path, names: list[str], overwrite: bool) -> None:
    if outdir.exists() and not outdir.is_dir():
        raise OutputError(
            "The output path is a file, not a folder.",
            "输出路径是一个文件，而不是文件夹。",
            path=outdir,
            hint_en="Choose a folder.",
            hint_zh="请选择一个文件夹。",
        )
    existing = [n for n in names if (outdir / n).exists()]
    if existing and not overwrite:
        shown = ", ".join(existing[:4]) + (" ..." if len(existing) > 4 else "")
        raise OutputError(
            f"The folder already holds sample files ({shown}); nothing was written.",
            f"该文件夹中已有示例数据文件（{shown}），未写出任何文件。",
            path=outdir,
            hint_en="Choose an empty folder, or add --force to replace them.",
            hint_zh="请选择空文件夹，或加上 --force 选项覆盖这些文件。",
        )


def _move_into_place(tmp: Path, outdir: Path) -> None:
    if not outdir.exists():
        os.replace(tmp, outdir)  # the whole folder at once
        return
    for src in sorted(tmp.rglob("*")):
        if src.is_file():
            dst = outdir / src.relative_to(tmp)
            dst.parent.mkdir(parents=True, exist_ok=True)
            os.replace(src, dst)
