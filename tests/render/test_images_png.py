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
