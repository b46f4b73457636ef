"""The bundled CJK font: registered with matplotlib once, used for every map text.

Maps are read on Windows PCs and printed; a system font cannot be assumed (a PyInstaller
bundle carries no fonts and matplotlib's DejaVu Sans has no Chinese glyphs, which draws
empty boxes). So every text element of a map names the bundled 文泉驿微米黑
(``resources/fonts/WenQuanYiMicroHei.ttf``, TrueType outlines) explicitly, and PDFs embed
it as TrueType (``pdf.fonttype`` 42, see :mod:`greenplan.render.export`) so the text stays
selectable and searchable.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import TYPE_CHECKING

from greenplan.core.resources import resource_path

if TYPE_CHECKING:
    from matplotlib.font_manager import FontProperties

FONT_FILE = ("fonts", "WenQuanYiMicroHei.ttf")

#: characters that never need a glyph (layout only)
_LAYOUT = frozenset("\n\r\t\u200b")


def cjk_font_path() -> Path:
    """Path of the bundled CJK TrueType font."""
    return resource_path(*FONT_FILE)


@functools.cache
def _register() -> str:
    from matplotlib import font_manager

    path = cjk_font_path()
    font_manager.fontManager.addfont(str(path))
    return font_manager.FontProperties(fname=str(path)).get_name()


def cjk_font_name() -> str:
    """Family name of the bundled font as matplotlib knows it (registers it first)."""
    return _register()


def ensure_cjk_font() -> FontProperties:
    """Register the bundled CJK font with matplotlib's font manager; idempotent.

    Returns
    -------
    matplotlib.font_manager.FontProperties
        Properties naming the bundled family; pass them (or :func:`cjk_font_name`) to
        every text artist.

    Examples
    --------
    >>> ensure_cjk_font().get_family() == [cjk_font_name()]
    True
    """
    from matplotlib.font_manager import FontProperties

    return FontProperties(family=_register())


@functools.cache
def _charmap() -> frozenset[int]:
    from matplotlib.ft2font import FT2Font

    return frozenset(FT2Font(str(cjk_font_path())).get_charmap())


def missing_glyphs(text: str) -> set[str]:
    """Characters of ``text`` that the bundled font cannot draw.

    Parameters
    ----------
    text : str
        Any text a map will draw (titles, labels, place names from the data).

    Returns
    -------
    set of str
        The characters without a glyph in the font's character map (empty: all drawable).
        Spaces and line breaks are ignored.

    Examples
    --------
    >>> missing_glyphs("生态保护红线 1:50 000 m²")
    set()
    >>> missing_glyphs("a\\U0001F600")
    {'😀'}
    """
    cmap = _charmap()
    return {ch for ch in set(text) if ch not in _LAYOUT and not ch.isspace() and ord(ch) not in cmap}


def font_rc() -> dict[str, object]:
    """rcParams for building and saving a map figure with the bundled font.

    ``pdf.fonttype`` / ``ps.fonttype`` 42 embed TrueType (Type 42) so PDF text stays text;
    SVG text is converted to paths so the drawing looks the same without the font.
    Hinting is off so raster text takes the same glyph advances as the path-drawn outline
    copy under titles and labels (with hinting the two drift apart at low DPI and a title
    looks doubled).
    """
    return {
        "text.hinting": "no_hinting",
        "font.family": [cjk_font_name()],
        "font.sans-serif": [cjk_font_name(), "DejaVu Sans"],
        "axes.unicode_minus": False,
        "pdf.fonttype": 42,
        "ps.fonttype": 42,
        "svg.fonttype": "path",
        "mathtext.default": "regular",
    }
