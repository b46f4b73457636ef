"""A synthetic region: ``n`` distinct counties and a region file (``greenplan sample --region N``).

Each county is the synthetic county of :mod:`greenplan.sample.county` with its own seed,
name and six-digit code, moved onto its own place of a grid (so that a region overview map
shows the counties side by side, none on another): its townships are coded
``<county code><001..012>``. Layout of ``outdir``::

    <code>_<name>/<file of the size>.greenplan.toml   one folder per county (as ``greenplan sample``)
    <region>.greenplan-region.toml                    the region file, county paths relative to it

Every county is written into a temporary folder and moved into place (as
:func:`~greenplan.sample.county.generate_county` does), the region file last and
atomically, so a cancel leaves no half-written file.
"""

from __future__ import annotations

import concurrent.futures as cf
import math
import os
import shutil
import uuid
from pathlib import Path
from typing import Any

from greenplan.core.errors import OutputError, SettingError
from greenplan.core.feedback import Feedback, SubFeedback
from greenplan.sample.spec import check_size, file_names

#: county names of the sample region (fictitious), in order; more than these: 第N县
COUNTY_NAMES = ("青山县", "白水县", "金川县", "石门县", "龙泉县", "桃源县", "清河县", "永宁县",
                "安平县", "长乐县", "兴隆县", "平川县", "红星县", "东湖县", "西岭县", "南塘县")
#: the sample region's prefecture code (fictitious, 64 = 宁夏) and name
REGION_CODE = "6499"
REGION_NAME = "示范地区"
REGION_FILE = "示范地区.greenplan-region.toml"
#: seed of county ``i`` (0-based): the size's own seed would give identical counties
SEED_BASE = 700_000


def county_code(i: int) -> str:
    """The six-digit code of county ``i`` (0-based): ``649901``, ``649902`` ..."""
    return f"{REGION_CODE}{i + 1:02d}"


def county_name(i: int) -> str:
    return COUNTY_NAMES[i] if i < len(COUNTY_NAMES) else f"第{i + 1}县"


def county_folder(i: int) -> str:
    return f"{county_code(i)}_{county_name(i)}"


def _offset(i: int, n: int, spacing: float) -> tuple[float, float]:
    """Where county ``i`` of ``n`` goes: a grid of ``ceil(sqrt(n))`` columns around the origin."""
    cols = max(1, math.ceil(math.sqrt(n)))
    rows = math.ceil(n / cols)
    r, c = divmod(i, cols)
    return (c - (cols - 1) / 2) * spacing, ((rows - 1) / 2 - r) * spacing


def generate_region(n: int, outdir: str | os.PathLike, *, size: str = "demo",
                    feedback: Feedback | None = None, overwrite: bool = False,
                    executor: cf.Executor | None = None) -> dict[str, Any]:
    """Write ``n`` distinct synthetic counties and a region file listing them.

    Parameters
    ----------
    n : int
        Number of counties (1 to 99).
    outdir : path-like
        Folder to write into (created if missing).
    size : {"demo", "S", "M", "L"}
        Size of every county (:func:`~greenplan.sample.county.build_county_layers`).
    feedback : Feedback, optional
        Progress per county and cancel.
    overwrite : bool
        Replace existing county folders and region file.
    executor : concurrent.futures.Executor, optional
        Writes the counties in parallel (a process pool, a Dask client's executor); default:
        one after another in this process. Progress then counts finished counties.

    Returns
    -------
    dict
        ``region_file`` (path), ``counties`` (list of ``{"code", "name", "seed",
        "project"}``, project paths absolute), ``size``.

    Raises
    ------
    SettingError
        ``n`` out of range or unknown size.
    OutputError
        A county folder or the region file exists (without ``overwrite``), or cannot be written.
    Canceled
        The user cancelled (the counties already moved into place stay; no region file).
    """
    check_size(size)
    if not isinstance(n, int) or not 1 <= n <= 99:
        raise SettingError(f"--region must be between 1 and 99, not {n!r}.", f"--region 应在 1 到 99 之间，而不是 {n!r}。",
                           key="--region")
    feedback = feedback or Feedback()
    outdir = Path(outdir).absolute()
    region_file = outdir / REGION_FILE
    targets = [outdir / county_folder(i) for i in range(n)] + [region_file]
    existing = [p.name for p in targets if p.exists()]
    if existing and not overwrite:
        raise OutputError(f"The folder already holds sample counties ({', '.join(existing[:3])}); nothing was written.",
                          f"该文件夹中已有示例县数据（{'、'.join(existing[:3])}），未写出任何文件。", path=outdir,
                          hint_en="Choose an empty folder, or add --force to replace them.",
                          hint_zh="请选择空文件夹，或加上 --force 选项覆盖。")
    counties = []
    if executor is None:
        for i in range(n):
            sub = SubFeedback(feedback, 100 * i / n, 100 * (i + 1) / n)
            sub.set_text(f"{county_name(i)} ({i + 1}/{n})")
            counties.append(_write_county(i, n, outdir, size, sub, overwrite))
    else:
        futures = [executor.submit(_write_county, i, n, outdir, size, None, overwrite) for i in range(n)]
        try:
            for k, fut in enumerate(cf.as_completed(futures)):
                fut.result()
                feedback.step(k + 1, n, f"{k + 1}/{n}")
        except BaseException:
            for fut in futures:
                fut.cancel()
            raise
        counties = [f.result() for f in futures]
    from greenplan.core.atomic import write_text_atomic

    write_text_atomic(region_file, region_toml(REGION_NAME, f"{REGION_NAME}自然资源局",
                                               [(c["code"], c["name"], c["relative"]) for c in counties]))
    feedback.set_progress(100.0)
    return {"region_file": str(region_file), "size": size,
            "counties": [{k: c[k] for k in ("code", "name", "seed", "project")} for c in counties]}


def region_toml(name: str, organisation: str, counties: list[tuple[str, str, str]]) -> str:
    """The text of a region file (``*.greenplan-region.toml``); ``counties`` as (code, name, relative path)."""
    import tomli_w

    doc = {"schema_version": 1, "name": name, "organisation": organisation,
           "counties": [{"code": c, "name": nm, "project": rel} for c, nm, rel in counties]}
    return tomli_w.dumps(doc)


def _write_county(i: int, n: int, outdir: Path, size: str, feedback: Feedback | None, overwrite: bool) -> dict[str, Any]:
    from greenplan.sample import _layers as cl
    from greenplan.sample._output import write_all
    from greenplan.sample.county import build_county_layers

    feedback = feedback or Feedback()
    code, name, seed = county_code(i), county_name(i), SEED_BASE + i
    final = outdir / county_folder(i)
    names = file_names(size)
    tmp = outdir / f".{final.name}.{uuid.uuid4().hex[:12]}.tmp"
    try:
        tmp.mkdir(parents=True)
        county = build_county_layers(size, seed=seed, feedback=SubFeedback(feedback, 0, 50))
        dx, dy = _offset(i, n, 2.6 * float(cl.SIZES[size]["county_r"]))
        _recode(county, code, dx, dy)
        write_all(county, tmp, names, SubFeedback(feedback, 50, 95))
        for key in ("ndvi", "dsm"):
            _shift_raster(tmp / names[key], dx, dy)
        _rename_project(tmp / names["project"], name, code, seed, size)
        feedback.check()
        if final.exists():
            if not overwrite:
                raise OutputError("The county folder exists.", "县文件夹已存在。", path=final)
            shutil.rmtree(final)
        os.replace(tmp, final)
    except OSError as exc:
        raise OutputError(f"The sample county cannot be written ({exc.strerror or exc}).",
                          f"无法写出示例县数据（{exc.strerror or exc}）。", path=final) from exc
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return {"code": code, "name": name, "seed": seed, "project": str(final / names["project"]),
            "relative": f"{final.name}/{names['project']}"}


def _recode(county: Any, code: str, dx: float, dy: float) -> None:
    """Move every layer by (dx, dy) m and give the townships the county's code prefix."""
    layers = county.layers
    old = [str(c) for c in layers["admin_units"]["code"]]
    new = {o: f"{code}{k + 1:03d}" for k, o in enumerate(old)}
    for key, gdf in layers.items():
        moved = gdf.copy()
        moved.geometry = gdf.geometry.translate(dx, dy)
        for col in ("code", "ZLDWDM"):
            if col in moved.columns and key in ("admin_units", "land_use"):
                moved[col] = moved[col].map(lambda v: new.get(str(v), v))
        layers[key] = moved


def _shift_raster(path: Path, dx: float, dy: float) -> None:
    import rasterio
    from affine import Affine

    with rasterio.open(path, "r+") as ds:
        ds.transform = Affine.translation(dx, dy) @ ds.transform


def _rename_project(path: Path, name: str, code: str, seed: int, size: str) -> None:
    from greenplan.core.project import read_project, save_project

    project, _ = read_project(path)
    project.name = name
    project.metadata = {**project.metadata, "organisation": f"{name}自然资源局", "admin_code": code,
                        "data_source": f"GreenPlan 合成示例地区（随机生成，非真实数据）/ synthetic sample region, "
                                       f"greenplan sample --region (size {size}, seed {seed})"}
    save_project(project, path)
