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


def closest(name: str, valid: list[str] | tuple[str, ...]) -> str | None:
    """The valid key a mistyped ``name`` most likely meant (None: no good match).

    Examples
    --------
    >>> closest("ndvi_treshold", ["ndvi_threshold", "as_of"]), closest("crs", ["name", "source_crs"])
    ('ndvi_threshold', 'source_crs')
    >>> closest("zzz", ["name"]) is None
    True
    """
    import difflib

    low = {v.lower(): v for v in valid}
    if name.lower() in low:
        return low[name.lower()]
    close = difflib.get_close_matches(name.lower(), list(low), n=1, cutoff=0.6)
    if close:
        return low[close[0]]
    # a key that is part of a valid one (crs → source_crs)
    within = [v for v in valid if len(name) >= 3 and name.lower() in v.lower()]
    return min(within, key=len) if within else None
