"""Console text that lines up with Chinese in it (CJK characters take two columns)."""

from __future__ import annotations

import unicodedata


def display_width(text: str) -> int:
    """Console columns of ``text``.

    Examples
    --------
    >>> display_width("绿地 G1")
    7
    """
    return sum(2 if unicodedata.east_asian_width(c) in ("W", "F") else 1 for c in text)


def fit(text: str, width: int, align: str = "left") -> str:
    """``text`` padded (or cut with an ellipsis) to exactly ``width`` columns.

    Examples
    --------
    >>> fit("红线", 6) + "|"
    '红线  |'
    >>> fit("12.5", 6, "right")
    '  12.5'
    """
    w = display_width(text)
    if w <= width:
        pad = " " * (width - w)
        return pad + text if align == "right" else text + pad
    out = ""
    for c in text:
        if display_width(out + c) > width - 1:
            break
        out += c
    return out + "…" + " " * (width - 1 - display_width(out))
