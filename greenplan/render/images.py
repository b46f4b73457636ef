"""Ready-made RGBA images (rasters, binned sub-pixel features) drawn at the output resolution."""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from matplotlib.axes import Axes


@functools.cache
def _grid_image_type():
    from matplotlib.image import AxesImage
    from matplotlib.transforms import IdentityTransform

    class GridImage(AxesImage):
        """A ready RGBA image drawn by nearest-neighbour lookup straight onto the output grid.

        ``AxesImage`` resamples through masked float arrays (about 0.3 s for a 3000 x 2000 map);
        an image that is already coloured only needs, for each output pixel centre, the
        source pixel under it: one integer gather.
        """

        def make_image(self, renderer, magnification=1.0, unsampled=False):
            a = self._A
            x0, x1, y0, y1 = self.get_extent()
            (left, b), (r, t) = self.get_transform().transform([(x0, y0), (x1, y1)])
            clip = self.axes.bbox
            cl, cb = max(left, clip.x0), max(b, clip.y0)
            cr, ct = min(r, clip.x1), min(t, clip.y1)
            # whole output pixels (Agg blits at integer offsets), centres sampled
            m = magnification
            c0, c1 = int(np.floor(cl * m)), int(np.ceil(cr * m))
            r0, r1 = int(np.floor(cb * m)), int(np.ceil(ct * m))
            ncol, nrow = c1 - c0, r1 - r0
            if ncol <= 0 or nrow <= 0 or r <= left or t <= b:
                return None, 0, 0, None
            h, w = a.shape[:2]
            xc = (c0 + np.arange(ncol) + 0.5) / m
            yc = (r0 + np.arange(nrow) + 0.5) / m  # bottom row first: the order draw_image expects
            col = np.clip(((xc - left) * (w / (r - left))).astype(np.intp), 0, w - 1)
            row = np.clip(((t - yc) * (h / (t - b))).astype(np.intp), 0, h - 1)
            a32 = np.ascontiguousarray(a).view(np.uint32).reshape(h, w)
            out = a32[row[:, None], col[None, :]].view(np.uint8).reshape(nrow, ncol, 4)
            return out, c0 / m, r0 / m, IdentityTransform()

    return GridImage


def add_image(ax: Axes, rgba: np.ndarray, extent: tuple[float, float, float, float], *, zorder: float,
              gid: str):
    """Add an RGBA (uint8) image with ``extent`` (left, right, bottom, top) to ``ax``, drawn
    nearest-neighbour at the output resolution; returns the image artist."""
    im = _grid_image_type()(ax, interpolation="nearest", origin="upper", zorder=zorder)
    im.set_data(rgba)
    im.set_extent(extent)
    im.set_gid(gid)
    ax.add_image(im)
    return im
