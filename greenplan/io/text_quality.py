"""Attribute quality for the data check: empty required fields and garbled (mojibake) text.

Whole-column pandas string operations, no row loops. A value is *blank* when it is null
(None, NaN) or text of only spaces. A text value is *garbled* when it holds

- U+FFFD, the replacement character a decoder puts where bytes were not valid;
- ``锟斤拷``, what the UTF-8 bytes of two U+FFFD look like read as GBK (text that went
  UTF-8 → GBK → UTF-8 after an earlier bad decode);
- a run of three or more Latin-1 look-alikes (``Ã¦``, ``Ã§``, ``ç»¿åœ°`` ...): UTF-8 or GBK
  bytes of Chinese text read as Latin-1 / Windows-1252. Three in a row are one UTF-8
  Chinese character; ordinary Latin text rarely has more than two accented letters in a row.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

#: Windows-1252's letters and signs for bytes 0x80–0x9F (what those bytes look like)
_CP1252 = "\u20ac\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u017d\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u017e\u0178"
#: the pattern of a garbled value (see the module docstring)
MOJIBAKE = "\ufffd|锟斤拷|[\u0080-\u00ff" + _CP1252 + "]{3,}"


def blank_counts(frame: pd.DataFrame, fields: Iterable[str]) -> dict[str, tuple[int, int]]:
    """Per field of ``fields`` present in ``frame``: (blank values, all values).

    Examples
    --------
    >>> df = pd.DataFrame({"name": ["甲镇", None, "  ", float("nan")], "code": ["1", "2", "3", "4"]})
    >>> blank_counts(df, ["name", "code", "absent"])
    {'name': (3, 4), 'code': (0, 4)}
    """
    out: dict[str, tuple[int, int]] = {}
    for name in fields:
        if name not in frame.columns:
            continue
        col = frame[name]
        blank = col.isna()
        if col.dtype == object or pd.api.types.is_string_dtype(col.dtype):
            blank |= col.astype("string").str.strip().eq("").fillna(False).astype(bool)
        out[name] = (int(blank.sum()), len(col))
    return out


def garbled_counts(frame: pd.DataFrame) -> dict[str, tuple[int, int, str]]:
    """Per text column with garbled values: (garbled values, text values, an example).

    Examples
    --------
    >>> df = pd.DataFrame({"name": ["绿地", "ç»¿åœ°", "锟斤拷", "Caf\u00e9", "公\ufffd园", None], "n": [1, 2, 3, 4, 5, 6]})
    >>> garbled_counts(df)
    {'name': (3, 5, 'ç»¿åœ°')}
    """
    out: dict[str, tuple[int, int, str]] = {}
    for name in frame.columns:
        col = frame[name]
        if name == getattr(frame, "_geometry_column_name", None) or not (
                col.dtype == object or pd.api.types.is_string_dtype(col.dtype)):
            continue
        text = col.dropna().astype("string")
        if text.empty:
            continue
        bad = text.str.contains(MOJIBAKE, regex=True).fillna(False).astype(bool)
        if bad.any():
            out[str(name)] = (int(bad.sum()), len(text), str(text[bad].iloc[0]))
    return out
