"""Output-grid images and the PNG writer agree with matplotlib's and Pillow's own."""

from __future__ import annotations

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image

from greenplan.render.images import add_image
from greenplan.render.png import write_png


def render(fast: bool, img: np.ndarray, extent, xlim, ylim) -> np.ndarray:
    fig = Figure(figsize=(4, 3), dpi=73)
    FigureCanvasAgg(fig)
    ax = fig.add_axes((0.1, 0.13, 0.77, 0.8))
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    ax.set_axis_off()
    if fast:
        add_image(ax, img, extent, zorder=1, gid="x")
    else:
        ax.imshow(img, extent=extent, origin="upper", interpolation="nearest", aspect="auto")
    fig.canvas.draw()
    return np.asarray(fig.canvas.buffer_rgba()).astype(int)


def test_grid_image_matches_imshow_nearest_up_to_its_edge_pixels() -> None:
    rng = np.random.default_rng(0)
    img = rng.integers(0, 256, (37, 53, 4), dtype=np.uint8)
    img[..., 3] = 255
    # inside the frame, and hanging over its left/top edges (clipped)
    for extent, xlim, ylim in (((10, 63, 5, 42), (0, 80), (0, 50)), ((-10, 63, 5, 70), (0, 40), (0, 50))):
        a, b = render(True, img, extent, xlim, ylim), render(False, img, extent, xlim, ylim)
        rows, cols = np.nonzero(np.abs(a - b).max(axis=2))
        assert 0 < len(rows) < 0.01 * a.shape[0] * a.shape[1]
        # the differences are the pixels the image's edge cuts: whole rows or columns of
        # differences at most twice each way (the partial edge row / column is painted whole)
        assert (np.bincount(rows) > 3).sum() <= 2 and (np.bincount(cols) > 3).sum() <= 2


def test_png_writer_round_trips_rgb_and_rgba_with_dpi_and_title(tmp_path) -> None:
    rng = np.random.default_rng(1)
    img = rng.integers(0, 256, (250, 3000, 4), dtype=np.uint8)  # 2.25 MB of RGB: deflated in 2 pieces
    img[..., 3] = 255
    out = write_png(tmp_path / "地图.png", img, dpi=300, text={"Title": "三条控制线图", "Software": "GreenPlan"},
                    workers=3)
    with Image.open(out) as im:
        assert im.mode == "RGB" and im.size == (3000, 250)
        assert np.array_equal(np.asarray(im), img[..., :3])
        assert round(im.info["dpi"][0]) == 300 and im.info["Title"] == "三条控制线图"
    img[5, 7, 3] = 10
    out = write_png(tmp_path / "透明.png", img)
    with Image.open(out) as im:
        assert im.mode == "RGBA" and np.array_equal(np.asarray(im), img)


def test_matplotlib_private_api_the_grid_image_relies_on() -> None:
    """``GridImage`` overrides ``AxesImage.make_image`` and reads the private ``_A``.

    Checked with matplotlib 3.11.2. If this fails after a matplotlib upgrade, the override in
    ``greenplan/render/images.py`` must be brought in line with the new ``make_image``
    (or dropped: ``add_image`` then uses a plain ``AxesImage``; benchmarks/bench_render.py
    measured that 30-45 % slower for the full-county map at size S).
    """
    import inspect

    from matplotlib.image import AxesImage, _ImageBase

    params = list(inspect.signature(AxesImage.make_image).parameters)
    assert params == ["self", "renderer", "magnification", "unsampled"], params
    # Agg calls make_image from _ImageBase.draw and unpacks four values
    assert "im, l, b, trans = self.make_image(" in inspect.getsource(_ImageBase.draw)
    fig = Figure()
    FigureCanvasAgg(fig)
    ax = fig.add_axes((0, 0, 1, 1))
    img = np.zeros((3, 5, 4), dtype=np.uint8)
    im = add_image(ax, img, (0, 5, 0, 3), zorder=1, gid="g")
    assert type(im).make_image is not AxesImage.make_image
    assert im._A is not None and im._A.shape == (3, 5, 4) and im._A.dtype == np.uint8


def test_fast_png_is_pixel_equal_to_matplotlibs_own_png(tmp_path) -> None:
    """``save_map`` writes PNGs with ``render.png.write_png``; matplotlib/Pillow's PNG of the
    same figure has exactly the same pixels (and dpi)."""
    from greenplan.render.export import save_map

    fig = Figure(figsize=(3, 2), dpi=100)
    FigureCanvasAgg(fig)
    ax = fig.add_axes((0, 0, 1, 1))
    rng = np.random.default_rng(2)
    ax.imshow(rng.random((20, 30)), cmap="viridis")
    ax.plot([0, 29], [0, 19], color="#c00000", lw=3)
    ax.text(5, 10, "绿地 test", fontsize=14)
    ours = save_map(fig, tmp_path / "ours.png", dpi=150, world_file=False)
    import matplotlib

    from greenplan.render.fonts import font_rc

    with matplotlib.rc_context(font_rc()):  # as save_map draws (the CJK font)
        fig.savefig(tmp_path / "plain.png", format="png", dpi=150, facecolor=fig.get_facecolor())
    with Image.open(ours) as a, Image.open(tmp_path / "plain.png") as b:
        assert a.size == b.size == (450, 300)
        assert np.array_equal(np.asarray(a.convert("RGBA")), np.asarray(b.convert("RGBA")))
        assert round(a.info["dpi"][0]) == round(b.info["dpi"][0]) == 150
