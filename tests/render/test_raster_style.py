"""Vegetation rasters on the exported maps: each kind drawn with its own look and legend
(land-cover palette and class names, NDVI and fraction colour bars with values), the band asked
for drawn. Rasters written here with rasterio; colours checked against the product's legend."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import rasterio
from affine import Affine
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.text import Text

from greenplan.core.raster_kind import VegetationOptions
from greenplan.io.raster import open_raster
from greenplan.io.report import LayerReport
from greenplan.render.draw import legend_entries
from greenplan.render.layout import Box
from greenplan.render.panels import draw_legend
from greenplan.render.raster import draw_raster
from greenplan.render.styles import resolve_style

X0, Y0 = 500_000.0, 4_250_000.0
VIEW = (X0, Y0, X0 + 200, Y0 + 100)


def axes():
    fig = Figure(figsize=(4, 2), dpi=100)
    FigureCanvasAgg(fig)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(VIEW[0], VIEW[2])
    ax.set_ylim(VIEW[1], VIEW[3])
    return ax


def source(path: Path, bands: list[np.ndarray], *, band: int = 1, nodata=None, **opts):
    with rasterio.open(path, "w", driver="GTiff", width=20, height=10, count=len(bands), dtype=bands[0].dtype,
                       crs="EPSG:4544", transform=Affine(10, 0, X0, 0, -10, Y0 + 100), nodata=nodata) as ds:
        for i, b in enumerate(bands, start=1):
            ds.write(b, i)
    rep = LayerReport(index=0, name=path.stem, role="vegetation_raster", source=path)
    return open_raster(path, rep, band=band, vegetation=VegetationOptions(**opts))


def hexrgb(pixel) -> str:
    return "#{:02x}{:02x}{:02x}".format(*(int(v) for v in pixel[:3]))


def test_worldcover_is_drawn_with_its_palette_and_class_legend(tmp_path):
    wc = np.full((10, 20), 50, dtype="uint8")  # built-up
    wc[:, :10] = 10  # tree cover on the west half
    wc[0, 19] = 0  # no data
    src = source(tmp_path / "worldcover.tif", [wc], nodata=0)
    ax = axes()
    draw_raster(ax, src, VIEW, pixel_size=10.0, style=resolve_style("vegetation_raster"))
    (im,) = ax.images
    a = np.asarray(im.get_array())
    assert hexrgb(a[5, 2]) == "#006400" and hexrgb(a[5, 15]) == "#fa0000"  # ESA WorldCover colours
    assert a[0, 19, 3] == 0  # no data: transparent
    entries = legend_entries(ax)
    assert [e.style.label for e in entries] == ["乔木林", "建设用地"]  # the classes present, in legend order
    assert {e.group for e in entries} == {"土地覆盖（ESA WorldCover）"}
    assert all(e.ramp is None and e.style.fill for e in entries)


def test_fraction_is_a_percent_ramp_with_values(tmp_path):
    canopy = np.tile(np.linspace(0, 100, 20).round().astype("uint8"), (10, 1))
    canopy[:, 3] = 47
    src = source(tmp_path / "canopy.tif", [canopy])
    ax = axes()
    # the project's NDVI style (RdYlGn, −0.2..0.9) must not stretch a 0-100 % raster
    draw_raster(ax, src, VIEW, pixel_size=10.0, style=resolve_style("vegetation_raster", {"vmin": -0.2, "vmax": 0.9}))
    (e,) = legend_entries(ax)
    assert e.kind == "raster" and e.style.label == e.group == "植被覆盖度（%）"
    cmap, ticks = e.ramp
    assert cmap == "YlGn" and [t for _, t in ticks] == ["0%", "25%", "50%", "75%", "100%"]
    assert [p for p, _ in ticks] == [0.0, 0.25, 0.5, 0.75, 1.0]
    import matplotlib

    top = matplotlib.colormaps["YlGn"](1.0)
    a = np.asarray(ax.images[0].get_array())
    assert tuple(a[5, 19, :3]) == tuple(round(255 * v) for v in top[:3])  # 100 % at the top of the ramp


def test_ndvi_legend_is_a_colour_bar_with_ndvi_values_and_the_band_is_the_one_asked_for(tmp_path):
    b1 = np.full((10, 20), -0.5, dtype="float32")
    b2 = np.full((10, 20), 0.9, dtype="float32")
    src = source(tmp_path / "three.tif", [b1, b2, b1], band=2)
    ax = axes()
    style = resolve_style("vegetation_raster", {"cmap": "gray", "vmin": 0.0, "vmax": 0.9})
    draw_raster(ax, src, VIEW, pixel_size=10.0, style=style)
    a = np.asarray(ax.images[0].get_array())
    assert tuple(a[5, 5, :3]) == (255, 255, 255)  # band 2 (0.9, the top); band 1 would be black
    (e,) = legend_entries(ax)
    assert e.style.label == "植被指数（NDVI）" and [t for _, t in e.ramp[1]] == ["0", "0.2", "0.4", "0.6", "0.8"]


def test_legend_panel_draws_the_title_the_bar_and_tick_values(tmp_path):
    canopy = np.tile(np.linspace(0, 100, 20).round().astype("uint8"), (10, 1))
    canopy[:, 3] = 47
    ax = axes()
    draw_raster(ax, source(tmp_path / "c.tif", [canopy]), VIEW, pixel_size=10.0, style=resolve_style("vegetation_raster"))
    fig = Figure(figsize=(4, 4))
    FigureCanvasAgg(fig)
    sheet = fig.add_axes((0, 0, 1, 1))
    sheet.set_xlim(0, 100)
    sheet.set_ylim(0, 100)
    draw_legend(sheet, Box(0, 0, 60, 60), legend_entries(ax), 1.0)
    texts = {t.get_gid(): [] for t in sheet.findobj(Text)}
    for t in sheet.findobj(Text):
        texts[t.get_gid()].append(t.get_text())
    assert "植被覆盖度（%）" in texts["legend-group"]
    assert texts["legend-tick"] == ["0%", "25%", "50%", "75%", "100%"]
    assert [im.get_gid() for im in sheet.images] == ["legend-colorbar"]
    assert "legend-label" not in texts  # the bar replaces the one-line swatch


def test_unrecognised_raster_says_so_in_the_legend(tmp_path):
    data = (np.arange(200, dtype="int16").reshape(10, 20) * 25)
    ax = axes()
    draw_raster(ax, source(tmp_path / "b4.tif", [data]), VIEW, pixel_size=10.0, style=resolve_style("vegetation_raster"))
    (e,) = legend_entries(ax)
    assert e.style.label == "植被栅格（类型未识别）" and e.ramp[0] == "Greys_r"
