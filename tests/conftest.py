"""Shared test fixtures: a folder with Chinese characters and spaces, small hand-built layers.

Coordinates are CGCS2000 / 3-degree Gauss-Kruger CM 105°E without zone prefix
(EPSG:4544, Yinchuan), so every area below is known exactly in m² by construction.
Input files are written with pyogrio directly (not with greenplan's writers), so the
readers are tested against files the code under test did not make.

The helpers reach the tests as the ``build`` fixture (``build.box(...)``), not by
importing this module, so the tests work under any pytest import mode.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import geopandas as gpd
import pyogrio
import pytest
import shapely
import tomli_w

DATA = Path(__file__).parent / "data"
CRS = "EPSG:4544"
#: origin of the hand-built layers (EPSG:4544 metres)
X0, Y0 = 500_000.0, 4_250_000.0


def box(x: float, y: float, w: float, h: float) -> shapely.Polygon:
    """A ``w`` × ``h`` m rectangle at (``x``, ``y``) m from the origin (area ``w*h`` m²)."""
    return shapely.box(X0 + x, Y0 + y, X0 + x + w, Y0 + y + h)


def bowtie(x: float, y: float, size: float) -> shapely.Polygon:
    """A self-intersecting square (invalid); make_valid gives two triangles of size²/4 each."""
    return shapely.Polygon([(X0 + x, Y0 + y), (X0 + x + size, Y0 + y + size), (X0 + x + size, Y0 + y), (X0 + x, Y0 + y + size)])


def frame(geoms: list[Any], crs: str | None = CRS, **columns: list[Any]) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(columns, geometry=gpd.GeoSeries(geoms, crs=crs), crs=crs)


def write(gdf: gpd.GeoDataFrame, path: Path, layer: str | None = None, **kwargs: Any) -> Path:
    """Write a test input with pyogrio (adds layers to an existing GeoPackage)."""
    pyogrio.write_dataframe(gdf, path, layer=layer, **kwargs)
    return path


def write_project(folder: Path, layers: list[dict[str, Any]], name: str = "测试 县", **top: Any) -> Path:
    """A ``*.greenplan.toml`` in ``folder`` with ``layers`` (sources relative to it)."""
    doc = {"schema_version": 1, "name": name, **top, "layers": layers}
    path = folder / "测试 项目.greenplan.toml"
    path.write_text(tomli_w.dumps(doc), encoding="utf-8")
    return path


def tree_digest(folder: Path) -> dict[str, str]:
    """SHA-256 of every file below ``folder`` (to prove sources are never written)."""
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.rglob("*")) if p.is_file()}


class Build:
    """The helpers above, as one object for the ``build`` fixture."""

    DATA = DATA
    CRS = CRS
    X0, Y0 = X0, Y0
    box = staticmethod(box)
    bowtie = staticmethod(bowtie)
    frame = staticmethod(frame)
    write = staticmethod(write)
    write_project = staticmethod(write_project)
    tree_digest = staticmethod(tree_digest)


@pytest.fixture
def build() -> type[Build]:
    """Helpers to build small layers and project files (see :class:`Build`)."""
    return Build


@pytest.fixture
def data_dir() -> Path:
    """``tests/data``: files copied from fiona, pyogrio and rasterio (with licences)."""
    return DATA


@pytest.fixture
def cn_dir(tmp_path: Path) -> Path:
    """An empty folder whose path has Chinese characters and spaces."""
    d = tmp_path / "示范 数据" / "三区 三线"
    d.mkdir(parents=True)
    return d


@pytest.fixture
def county(cn_dir: Path) -> Path:
    """A small county with known conflicts; returns the project file.

    - ecological_redline E: 1000 × 1000 m at (0, 0).
    - permanent_farmland F: 500 × 1000 m at (900, 0): E ∩ F = 100 × 1000 = 100,000 m².
    - urban_boundary U: 1000 × 1000 m at (3000, 0), plus a 1 × 0.5 m piece at (-0.5, 500)
      that overlaps E by 0.5 × 0.5 = 0.25 m² (a sliver); F ∩ U = 0.
    - land_use: parcels 100 × 100 m; two identical (a duplicate, overlap 10,000 m²), one
      bow-tie (invalid), one ordinary; DLBM codes.
    """
    gpkg = cn_dir / "县 数据.gpkg"
    write(frame([box(0, 0, 1000, 1000)], name=["贺兰山"]), gpkg, "ecological_redline")
    write(frame([box(900, 0, 500, 1000)]), gpkg, "permanent_farmland")
    write(frame([box(3000, 0, 1000, 1000), box(-0.5, 500, 1, 0.5)]), gpkg, "urban_boundary")
    write(
        frame(
            [box(2000, 2000, 100, 100), box(2000, 2000, 100, 100), bowtie(2200, 2000, 100), box(2400, 2000, 100, 100)],
            DLBM=["0301", "0301", "0701", "0810"],
            DLMC=["乔木林地", "乔木林地", "城镇住宅用地", "公园与绿地"],
        ),
        gpkg,
        "land_use",
    )
    layers = [
        {"name": "生态保护红线", "source": gpkg.name, "layer": "ecological_redline", "role": "ecological_redline"},
        {"name": "永久基本农田", "source": gpkg.name, "layer": "permanent_farmland", "role": "permanent_farmland"},
        {"name": "城镇开发边界", "source": gpkg.name, "layer": "urban_boundary", "role": "urban_boundary"},
        {"name": "三调地类", "source": gpkg.name, "layer": "land_use", "role": "land_use"},
    ]
    return write_project(cn_dir, layers)
