"""Drawing layers into an Axes: artists, legend entries, rasterization, rasters."""

from __future__ import annotations

import numpy as np
import pytest
import shapely
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from greenplan.core.errors import LayerSourceError
from greenplan.render import draw
from greenplan.render.draw import draw_layer, legend_entries
from greenplan.render.raster import draw_raster
from greenplan.render.styles import resolve_style

X0, Y0 = 520_000.0, 3_330_000.0
VIEW = (X0, Y0, X0 + 10_000, Y0 + 8_000)


def axes():
    fig = Figure(figsize=(5, 4), dpi=100)
    FigureCanvasAgg(fig)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(VIEW[0], VIEW[2])
    ax.set_ylim(VIEW[1], VIEW[3])
    return ax


def test_land_use_draws_one_path_per_class_and_lists_only_classes_in_view(mini_layers) -> None:
    ax = axes()
    lu = mini_layers["land_use"]
    # the view ends at x = 1400 m: the parcels at 500..1500 m (0101, 0701) are in it, those at
    # 1500..2500 m (0301K, 1401) are not
    draw_layer(ax, lu, resolve_style("land_use"), extent=(X0, Y0, X0 + 1400, Y0 + 8000), pixel_size=20.0)
    assert [e.style.label for e in legend_entries(ax)] == ["耕地", "居住用地"]
    patches = [p for p in ax.patches if p.get_gid().startswith("land_use:")]
    assert sorted(p.get_gid() for p in patches) == ["land_use:farmland", "land_use:residential"]
    assert {e.group for e in legend_entries(ax)} == {"土地利用现状"}
    ax2 = axes()
    draw_layer(ax2, lu, resolve_style("land_use"), extent=(X0 + 2600, Y0, X0 + 9000, Y0 + 8000), pixel_size=20.0)
    assert legend_entries(ax2) == [] and len(ax2.patches) == 0


def test_unknown_codes_get_the_layer_fill_and_label() -> None:
    import geopandas as gpd

    gdf = gpd.GeoDataFrame({"DLBM": ["ZZ99", None]}, geometry=[shapely.box(X0, Y0, X0 + 100, Y0 + 100),
                                                             shapely.box(X0 + 200, Y0, X0 + 300, Y0 + 100)],
                           crs="EPSG:4544")
    ax = axes()
    draw_layer(ax, gdf, resolve_style("land_use"), extent=VIEW, pixel_size=20.0)
    (entry,) = legend_entries(ax)
    assert entry.style.label == "未识别地类" and entry.style.fill == "#e6e6e6"
    ax = axes()
    draw_layer(ax, gdf.drop(columns="DLBM"), resolve_style("land_use"), extent=VIEW, pixel_size=20.0)
    assert [e.style.label for e in legend_entries(ax)] == ["土地利用现状"]  # no code field: one symbol


def test_lines_get_casings_under_them_and_line_swatches(mini_layers) -> None:
    ax = axes()
    style = resolve_style("roads")
    draw_layer(ax, mini_layers["roads"], style, extent=VIEW, pixel_size=20.0)
    entries = legend_entries(ax)
    assert [(e.style.label, e.kind) for e in entries] == [("主干路", "line"), ("支路", "line")]
    road = [p for p in ax.patches if p.get_gid() == "roads:arterial"]
    casing, line = sorted(road, key=lambda p: p.get_zorder())
    assert casing.get_linewidth() == pytest.approx(1.6 + 2 * 0.5) and line.get_linewidth() == pytest.approx(1.6)
    assert not line.get_fill()


def test_polygon_fill_edge_alpha_hatch(mini_layers) -> None:
    ax = axes()
    draw_layer(ax, mini_layers["permanent_farmland"], resolve_style("permanent_farmland"), extent=VIEW, pixel_size=20.0)
    (p,) = ax.patches
    assert p.get_hatch() == "+"
    assert p.get_facecolor() == pytest.approx((0xf6 / 255, 0xe6 / 255, 0x82 / 255, 0.85))
    assert p.get_edgecolor() == pytest.approx((0xc8 / 255, 0xa8 / 255, 0, 1.0))


def test_outlines_are_dropped_for_features_below_edge_min_px(mini_layers) -> None:
    # buildings are 20 m: 1 px at 20 m/px, below the style's 8 px -> no outline
    ax = axes()
    draw_layer(ax, mini_layers["buildings"], resolve_style("buildings"), extent=VIEW, pixel_size=20.0)
    assert ax.patches[0].get_edgecolor()[3] == 0
    ax = axes()
    draw_layer(ax, mini_layers["buildings"], resolve_style("buildings"), extent=VIEW, pixel_size=1.0)
    assert ax.patches[0].get_edgecolor()[3] == 1


def test_dense_layers_are_rasterized_and_subpixel_swarms_binned(mini_layers, monkeypatch) -> None:
    monkeypatch.setattr(draw, "DENSE_VERTICES", 15)
    monkeypatch.setattr(draw, "TINY_BIN_MIN", 5)
    ax = axes()
    draw_layer(ax, mini_layers["buildings"], resolve_style("buildings"), extent=VIEW, pixel_size=50.0)
    (img,) = ax.images  # ten 20 m buildings at 50 m/px: binned into one image
    assert img.get_gid() == "buildings:subpixel"
    a = img.get_array()
    assert a.shape[0] == 1 and (a[..., 3] > 0).sum() >= 5
    assert [e.style.label for e in legend_entries(ax)] == ["建筑"]
    ax = axes()
    draw_layer(ax, mini_layers["land_use"], resolve_style("land_use"), extent=VIEW, pixel_size=20.0)
    assert all(p.get_rasterized() for p in ax.patches)  # 4 parcels x 5 vertices > 15
    ax = axes()
    draw_layer(ax, mini_layers["land_use"].iloc[:2], resolve_style("land_use"), extent=VIEW, pixel_size=20.0)
    assert not any(p.get_rasterized() for p in ax.patches)  # 10 vertices


def test_raster_window_is_read_at_output_resolution(ndvi_tif) -> None:
    ax = axes()
    style = resolve_style("vegetation_raster", {"cmap": "gray", "vmin": 0.0, "vmax": 1.0})
    # the western half, at 40 m per output pixel: 500 x 800 pixels of 10 m -> 125 x 200
    draw_raster(ax, ndvi_tif, (X0, Y0, X0 + 5000, Y0 + 8000), pixel_size=40.0, style=style)
    (im,) = ax.images
    a = im.get_array()
    assert a.shape == (200, 125, 4)
    assert im.get_extent() == [X0, X0 + 5000, Y0, Y0 + 8000]
    assert a[0, 0, 3] == 0 and a[2, 0, 3] == 255  # nodata rows (the top 80 m): transparent
    assert a[100, 50].tolist() == [204, 204, 204, 255]  # 0.8 through the grey ramp
    assert [e.style.label for e in legend_entries(ax)] == ["植被指数（NDVI）"]


def test_raster_outside_the_view_draws_nothing_and_bad_files_are_clear_errors(ndvi_tif, tmp_path) -> None:
    ax = axes()
    style = resolve_style("vegetation_raster")
    draw_raster(ax, ndvi_tif, (X0 + 50_000, Y0, X0 + 60_000, Y0 + 8000), pixel_size=40.0, style=style)
    assert len(ax.images) == 0 and legend_entries(ax) == []
    bad = tmp_path / "坏 文件.tif"
    bad.write_text("not a raster")
    with pytest.raises(LayerSourceError) as info:
        draw_raster(ax, bad, VIEW, pixel_size=40.0, style=style)
    assert info.value.path == bad and "栅格" in info.value.message("zh")


def test_raster_in_another_crs_is_warped(ndvi_tif) -> None:
    from pyproj import CRS

    ax = axes()
    style = resolve_style("vegetation_raster", {"cmap": "gray", "vmin": 0.0, "vmax": 1.0})
    # the same data seen in the with-zone-prefix CRS (EPSG:4523): eastings + 35,000,000
    draw_raster(ax, ndvi_tif, (X0 + 35e6, Y0, X0 + 35e6 + 10_000, Y0 + 8000), pixel_size=100.0, style=style,
                crs=CRS.from_epsg(4523))
    (im,) = ax.images
    left, right, _, _ = im.get_extent()
    assert left == pytest.approx(X0 + 35e6, abs=20) and right == pytest.approx(X0 + 35e6 + 10_000, abs=20)
    assert np.asarray(im.get_array())[40, 20, 0] == 204  # west half: 0.8
