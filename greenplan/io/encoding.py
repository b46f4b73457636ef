"""Attribute encoding of shapefiles: .cpg, DBF language byte, UTF-8 check, GB18030.

Chinese shapefiles come from ArcGIS, SuperMap, MapGIS, CAD converters and Excel joins,
so the attribute encoding is often not declared, or declared wrongly. The ladder:

1. an explicit override (``encoding = "gbk"`` in the project, ``--set ROLE.encoding=gbk``);
2. the ``.cpg`` file next to the ``.dbf``;
3. the DBF language-driver byte (LDID, header byte 29), mapped as GDAL does; 0 (none)
   and 87 ("ANSI", i.e. the code page of the PC that wrote it, 936 on Chinese Windows)
   say nothing and fall through;
4. the bytes of the text fields: UTF-8 if they decode as UTF-8, else GB18030.

The bytes are checked in every case, so a wrong ``.cpg`` is reported. The choice is
*uncertain* when both UTF-8 and GB18030 decode the bytes, when the chosen encoding leaves
undecodable bytes, or when neither candidate decodes cleanly; the report then gives the
undecodable byte count of each candidate.
"""

from __future__ import annotations

import codecs
import threading
from pathlib import Path

import numpy as np

from greenplan.io.report import EncodingInfo

#: undecodable bytes are counted in at most this many bytes (strict decoding covers all)
COUNT_LIMIT = 2_000_000

#: DBF language-driver id -> code page (GDAL ``ogrshapelayer.cpp``); 0 and 87 are absent
LDID_CODEPAGES: dict[int, str] = {
    1: "cp437", 2: "cp850", 3: "cp1252", 4: "mac_roman", 8: "cp865", 10: "cp850", 11: "cp437",
    13: "cp437", 14: "cp850", 15: "cp437", 16: "cp850", 17: "cp437", 18: "cp850", 19: "cp932",
    20: "cp850", 21: "cp437", 22: "cp850", 23: "cp865", 24: "cp437", 25: "cp437", 26: "cp850",
    27: "cp437", 28: "cp863", 29: "cp850", 31: "cp852", 34: "cp852", 35: "cp852", 36: "cp860",
    37: "cp850", 38: "cp866", 55: "cp850", 64: "cp852", 77: "gbk", 78: "cp949", 79: "cp950",
    80: "cp874", 88: "cp1252", 89: "cp1252", 100: "cp852", 101: "cp866", 102: "cp865",
    103: "cp861", 106: "cp737", 107: "cp857", 108: "cp863", 120: "cp950", 121: "cp949",
    122: "gbk", 123: "cp932", 124: "cp874", 134: "cp737", 135: "cp852", 136: "cp857",
    150: "mac_cyrillic", 151: "mac_latin2", 200: "cp1250", 201: "cp1251", 202: "cp1254",
    203: "cp1253", 204: "cp1257",
}

_CPG_ALIASES = {
    "utf8": "utf-8", "utf-8": "utf-8", "65001": "utf-8", "gbk": "gbk", "cp936": "gbk",
    "936": "gbk", "gb2312": "gbk", "gb18030": "gb18030", "54936": "gb18030", "big5": "big5",
    "950": "cp950", "ansi 1252": "cp1252", "1252": "cp1252", "latin1": "latin-1",
}

_counter = threading.local()


def _count_handler(exc: UnicodeError) -> tuple[str, int]:
    _counter.n += exc.end - exc.start  # type: ignore[attr-defined]
    return ("", exc.end)  # type: ignore[attr-defined]


codecs.register_error("greenplan-count", _count_handler)


def display_name(codec: str) -> str:
    """``gbk`` -> ``GBK``, ``utf-8`` -> ``UTF-8`` (how users know the names)."""
    name = codecs.lookup(codec).name
    return {"utf-8": "UTF-8", "gbk": "GBK", "gb18030": "GB18030", "big5": "Big5"}.get(name, name.upper())


def normalize_encoding(text: str) -> str | None:
    """A Python codec name for an encoding written by a user or in a .cpg, or None.

    Examples
    --------
    >>> normalize_encoding("936"), normalize_encoding("UTF8"), normalize_encoding("8859_1")
    ('gbk', 'utf-8', 'iso8859-1')
    >>> normalize_encoding("OEM") is None
    True
    """
    t = text.strip().strip("\x00").lower()
    if not t:
        return None
    if t in _CPG_ALIASES:
        return _CPG_ALIASES[t]
    candidates = [t]
    if t.startswith("8859"):
        candidates.append("iso" + t.replace("_", "-"))
        candidates.append("iso8859-" + t[4:].lstrip("_-"))
    if t.isdigit():
        candidates.append("cp" + t)
    if t.startswith("ansi "):
        candidates.append("cp" + t[5:])
    for c in candidates:
        try:
            return codecs.lookup(c).name
        except LookupError:
            continue
    return None


def count_undecodable(data: bytes, codec: str) -> int:
    """Number of bytes of ``data`` (at most :data:`COUNT_LIMIT`) that ``codec`` cannot decode.

    Examples
    --------
    >>> count_undecodable("中文".encode("gbk"), "utf-8")
    4
    >>> count_undecodable("绿地".encode("utf-8"), "utf-8")
    0
    """
    try:
        data.decode(codec)  # fast path: strict decoding runs in C
        return 0
    except UnicodeDecodeError:
        pass
    _counter.n = 0
    data[:COUNT_LIMIT].decode(codec, errors="greenplan-count")
    return max(int(_counter.n), 1)


def _sibling(path: Path, ext: str) -> Path | None:
    for e in (ext.lower(), ext.upper()):
        p = path.with_suffix(e)
        if p.is_file():
            return p
    return None


def dbf_text_bytes(dbf: Path) -> tuple[bytes, int | None]:
    """Bytes of the field names and all character fields of a DBF, and its LDID byte.

    Fields and records are separated by newlines, so no multi-byte sequence spans two
    values. A truncated file yields the records it holds. Never raises for a damaged
    file: it returns what it could read.
    """
    try:
        raw = np.fromfile(dbf, dtype=np.uint8)
    except OSError:
        return b"", None
    if raw.size < 32:
        return b"", None
    ldid = int(raw[29])
    nrec = int.from_bytes(raw[4:8].tobytes(), "little")
    header_len = int.from_bytes(raw[8:10].tobytes(), "little")
    rec_len = int.from_bytes(raw[10:12].tobytes(), "little")
    names: list[bytes] = []
    char_fields: list[tuple[int, int]] = []
    offset = 1  # the deletion flag
    pos = 32
    while pos + 32 <= min(header_len, raw.size) and raw[pos] != 0x0D:
        desc = raw[pos : pos + 32].tobytes()
        names.append(desc[:11].split(b"\x00", 1)[0])
        length = desc[16]
        if desc[11:12] in (b"C", b"c"):
            char_fields.append((offset, length))
        offset += length
        pos += 32
    parts = [b"\n".join(names)]
    if rec_len > 0 and char_fields and header_len < raw.size:
        body = raw[header_len:]
        n = min(nrec, body.size // rec_len)
        recs = body[: n * rec_len].reshape(n, rec_len)
        cols = []
        for off, length in char_fields:
            if off + length <= rec_len:
                cols.append(recs[:, off : off + length])
                cols.append(np.full((n, 1), 0x0A, dtype=np.uint8))
        if cols:
            parts.append(np.hstack(cols).tobytes())
    return b"\n".join(parts), ldid


def detect_shapefile_encoding(path: str | Path, override: str | None = None) -> EncodingInfo:
    """Choose the attribute encoding of a shapefile (or a lone .dbf).

    Parameters
    ----------
    path : path-like
        The ``.shp`` (or ``.dbf``) file.
    override : str, optional
        An encoding the user gave; used as is (after a check that Python knows it).

    Returns
    -------
    EncodingInfo
        ``encoding`` is a display name (``UTF-8``, ``GBK``, ``GB18030`` ...) that Python's
        codecs and pyogrio accept.

    Raises
    ------
    LookupError
        ``override`` is not an encoding Python knows.
    """
    path = Path(path)
    dbf = _sibling(path, ".dbf")
    text, ldid = dbf_text_bytes(dbf) if dbf else (b"", None)
    non_ascii = int(np.count_nonzero(np.frombuffer(text, dtype=np.uint8) > 0x7F)) if text else 0
    counts = {}
    if non_ascii:
        counts = {"UTF-8": count_undecodable(text, "utf-8"), "GB18030": count_undecodable(text, "gb18030")}
    cpg_path = _sibling(path, ".cpg")
    cpg = None
    if cpg_path is not None:
        cpg = cpg_path.read_bytes()[:64].decode("ascii", errors="replace").strip()

    def result(codec: str, how: str, *, uncertain: bool = False) -> EncodingInfo:
        name = display_name(codec)
        if non_ascii and name not in counts:
            counts[name] = count_undecodable(text, codec)
        bad_chosen = counts.get(name, 0)
        return EncodingInfo(
            encoding=name,
            how=how,
            uncertain=uncertain or bad_chosen > 0,
            undecodable_bytes=dict(counts),
            non_ascii_bytes=non_ascii,
            cpg=cpg,
            ldid=ldid,
        )

    if override:
        codec = normalize_encoding(override)
        if codec is None:
            raise LookupError(override)
        return result(codec, "override")
    if cpg:
        codec = normalize_encoding(cpg)
        if codec is not None:
            return result(codec, "cpg")
    if ldid and ldid in LDID_CODEPAGES:
        return result(LDID_CODEPAGES[ldid], "ldid")
    if not non_ascii:
        return result("utf-8", "ascii")
    if counts["UTF-8"] == 0:
        return result("utf-8", "utf8_check", uncertain=counts["GB18030"] == 0)
    return result("gb18030", "gb18030_fallback")
