"""Write a map sheet to PDF, PNG, SVG or TIFF, atomically, with a world file for raster images.

World files (``.pgw`` for PNG, ``.tfw`` for TIFF) follow the ESRI convention: six lines,
pixel width, rotation, rotation, negative pixel height, and the map coordinates of the
*centre* of the image's upper-left pixel. They describe the map frame's coordinate
system extended over the whole image: the margins, title and legend get coordinates
too, so that the map frame's content lines up with the data when the image is loaded in
a GIS. A GDAL ``.aux.xml`` beside the image carries the CRS.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from greenplan.core.atomic import atomic_path, write_text_atomic
from greenplan.core.errors import OutputError
from greenplan.render.fonts import font_rc
from greenplan.render.layout import sheet_info

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

FORMATS = {".pdf": "pdf", ".png": "png", ".svg": "svg", ".tif": "tiff", ".tiff": "tiff"}
_WORLD_SUFFIX = {"png": ".pgw", "tiff": ".tfw"}


def map_axes(fig: Figure) -> Axes | None:
    """The map frame's Axes of a sheet (label ``map``), or None."""
    for ax in fig.axes:
        if ax.get_label() == "map":
            return ax
    return None


def world_file_params(fig: Figure, dpi: float | None = None) -> tuple[float, float, float, float, float, float]:
    """The six world-file values of ``fig`` saved at ``dpi``: A, D, B, E, C, F.

    A and E are the pixel size in map units (E negative); C and F the map coordinates of
    the centre of the image's upper-left pixel, extrapolated from the map frame, so pixel
    (col, row) of the whole image is at ``(C + col * A, F + row * E)``.

    Raises
    ------
    OutputError
        The figure has no map frame (not made by ``compose_map``/no Axes labelled ``map``).
    """
    ax = map_axes(fig)
    if ax is None:
        raise OutputError("The figure has no map frame, so no world file can be written.",
                          "该图没有地图图框，无法生成坐标文件（world file）。")
    dpi = float(dpi or fig.dpi)
    w_in, h_in = fig.get_size_inches()
    pos = ax.get_position()  # figure fraction
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    frame_w_px = pos.width * w_in * dpi
    frame_h_px = pos.height * h_in * dpi
    a = (x1 - x0) / frame_w_px
    e = -(y1 - y0) / frame_h_px
    left_px = pos.x0 * w_in * dpi
    top_px = (1.0 - pos.y1) * h_in * dpi
    c = x0 + (0.5 - left_px) * a
    f = y1 + (0.5 - top_px) * e
    return a, 0.0, 0.0, e, c, f


def _aux_xml(wkt: str) -> str:
    from xml.sax.saxutils import escape

    return f"<PAMDataset>\n  <SRS>{escape(wkt)}</SRS>\n</PAMDataset>\n"


def _write_png_fast(fig: Figure, path: Path, dpi: float, info) -> bool:
    """Render to an RGBA buffer at ``dpi`` and write it with :func:`greenplan.render.png.write_png`
    (about three times faster than Pillow's encoder on a map); False if the buffer size is
    not what was expected (then matplotlib writes the PNG)."""
    import io

    import numpy as np

    from greenplan.render.png import write_png

    buf = io.BytesIO()
    fig.savefig(buf, format="rgba", dpi=dpi, facecolor=fig.get_facecolor())
    w, h = int(fig.get_figwidth() * dpi), int(fig.get_figheight() * dpi)
    data = np.frombuffer(buf.getbuffer(), dtype=np.uint8)
    if data.size != w * h * 4:
        return False
    write_png(path, data.reshape(h, w, 4), dpi=dpi,
              text={"Title": info.title if info else "", "Software": "GreenPlan"})
    return True


def _png_stream(self, img):
    """Image data for a PDF stream with PNG predictors (what ``PdfFile._writePng`` returns:
    zlib data, bit depth, palette), made with the fast writer of :mod:`greenplan.render.png`:
    one "Sub" row filter in numpy and deflate in threads, instead of Pillow's encoder, which
    tries every filter on every row on one core (2 of the 3 s of writing a county sheet
    whose land use and farmland are images). Same pixels; other modes go to Pillow."""
    import numpy as np

    from greenplan.core.parallel import cores
    from greenplan.render.png import _deflate

    if img.mode not in ("RGB", "L", "P"):
        return _PILLOW_PNG[0](self, img)
    a = np.asarray(img)
    if a.ndim == 2:
        a = a[:, :, None]
    h, w, c = a.shape
    rows = np.empty((h, 1 + w * c), dtype=np.uint8)
    rows[:, 0] = 1  # filter type Sub, as in render.png.write_png
    body = rows[:, 1:].reshape(h, w, c)
    body[:, 0] = a[:, 0]
    np.subtract(a[:, 1:], a[:, :-1], out=body[:, 1:])
    palette = None
    if img.mode == "P":
        n = int(a.max()) + 1 if a.size else 1
        palette = bytes(img.getpalette()[:3 * n])
    return _deflate(rows.tobytes(), 6, cores(8)), 8, palette


_PILLOW_PNG: list = []


def _use_fast_pdf_images() -> None:
    """Let matplotlib's PDF writer encode images with :func:`_png_stream` (once per process;
    kept when matplotlib no longer has the method it replaces)."""
    from matplotlib.backends.backend_pdf import PdfFile

    orig = getattr(PdfFile, "_writePng", None)
    if orig is None or orig is _png_stream or _PILLOW_PNG:
        return
    _PILLOW_PNG.append(orig)
    PdfFile._writePng = _png_stream


def save_map(fig: Figure, path: str | os.PathLike, fmt: str | None = None, dpi: float | None = None,
             world_file: bool = True) -> Path:
    """Save a map sheet atomically.

    Parameters
    ----------
    fig : Figure
        From :func:`greenplan.render.mapsheet.compose_map` (any figure works; world files
        need a map Axes).
    path : path-like
        Output file; Chinese characters and spaces are fine.
    fmt : {"pdf", "png", "svg", "tiff"}, optional
        Default: from the suffix (``.tif``/``.tiff`` -> TIFF).
    dpi : float, optional
        Default: the figure's (the map's chosen DPI). In PDF and SVG it is the resolution
        of the rasterized dense layers.
    world_file : bool
        PNG and TIFF: also write ``.pgw``/``.tfw`` and ``<file>.aux.xml`` (CRS).

    Returns
    -------
    Path
        The written file.

    Raises
    ------
    OutputError
        Unknown format, folder missing, or the file is locked by another program.
    """
    import matplotlib

    path = Path(path)
    fmt = (fmt or FORMATS.get(path.suffix.lower(), "")).lower()
    fmt = {"tif": "tiff"}.get(fmt, fmt)
    if fmt not in ("pdf", "png", "svg", "tiff"):
        raise OutputError(f"Unknown map format '{path.suffix or fmt}'; use .pdf, .png, .svg or .tif.",
                          f"不支持的地图格式“{path.suffix or fmt}”，请使用 .pdf、.png、.svg 或 .tif。", path=path)
    dpi = float(dpi or fig.dpi)
    info = sheet_info(fig)
    kw: dict = {}
    if fmt == "pdf":
        _use_fast_pdf_images()
        kw["metadata"] = {"Title": info.title if info else "", "Author": info.author if info else "",
                          "Creator": "GreenPlan"}
    elif fmt == "svg":
        kw["metadata"] = {"Title": info.title if info else "", "Creator": "GreenPlan"}
    elif fmt == "png":
        kw["pil_kwargs"] = {"compress_level": 3}
        kw["metadata"] = {"Title": info.title if info else "", "Software": "GreenPlan"}
    else:
        kw["pil_kwargs"] = {"compression": "tiff_lzw"}
    with matplotlib.rc_context(font_rc()):
        with atomic_path(path) as tmp:
            if fmt != "png" or not _write_png_fast(fig, tmp, dpi, info):
                fig.savefig(tmp, format=fmt, dpi=dpi, facecolor=fig.get_facecolor(), **kw)
    if world_file and fmt in _WORLD_SUFFIX and map_axes(fig) is not None:
        values = world_file_params(fig, dpi)
        write_text_atomic(path.with_suffix(_WORLD_SUFFIX[fmt]), "".join(f"{v:.10f}\n" for v in values))
        if info is not None and info.crs_wkt:
            write_text_atomic(path.with_name(path.name + ".aux.xml"), _aux_xml(info.crs_wkt))
    return path
