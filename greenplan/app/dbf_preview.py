"""The first rows of a shapefile's attribute table decoded with a chosen encoding (Qt-free).

Used by the add-layer dialog when the encoding is uncertain: the same raw bytes decoded
as UTF-8, GBK and GB18030 side by side, undecodable bytes shown as ``�``, so the
planner sees which one gives readable Chinese. Reads the DBF directly (header, field
descriptors, N records), never through a decoder that would fail on the wrong guess.
"""

from __future__ import annotations

from pathlib import Path

CANDIDATES = ("UTF-8", "GBK", "GB18030")


def dbf_path(path: str | Path) -> Path | None:
    p = Path(path)
    for ext in (".dbf", ".DBF"):
        q = p.with_suffix(ext)
        if q.is_file():
            return q
    return None


def read_dbf_raw(path: str | Path, max_rows: int = 20) -> tuple[list[bytes], list[list[bytes]]]:
    """Raw field names and the raw values of the first ``max_rows`` records.

    Examples
    --------
    >>> read_dbf_raw("/no/such/file.dbf")
    ([], [])
    """
    dbf = dbf_path(path) if Path(path).suffix.lower() != ".dbf" else Path(path)
    if dbf is None or not dbf.is_file():
        return [], []
    with open(dbf, "rb") as fh:
        head = fh.read(32)
        if len(head) < 32:
            return [], []
        nrec = int.from_bytes(head[4:8], "little")
        header_len = int.from_bytes(head[8:10], "little")
        rec_len = int.from_bytes(head[10:12], "little")
        desc = fh.read(max(0, header_len - 32))
        names, fields = [], []
        offset = 1  # deletion flag
        for i in range(0, len(desc) - 31, 32):
            d = desc[i : i + 32]
            if d[0] == 0x0D:
                break
            names.append(d[:11].split(b"\x00", 1)[0])
            fields.append((offset, d[16]))
            offset += d[16]
        fh.seek(header_len)
        body = fh.read(rec_len * min(nrec, max_rows))
    rows = []
    for r in range(len(body) // rec_len if rec_len else 0):
        rec = body[r * rec_len : (r + 1) * rec_len]
        if rec[:1] == b"*":
            continue  # deleted record
        rows.append([rec[o : o + n].strip(b" \x00") for o, n in fields])
    return names, rows


def decode_preview(path: str | Path, encoding: str, max_rows: int = 20) -> tuple[list[str], list[list[str]], int]:
    """Field names, rows decoded with ``encoding`` (``�`` for bad bytes), and the bad-value count.

    Examples
    --------
    >>> decode_preview("/no/such/file.shp", "GBK")
    ([], [], 0)
    """
    names, rows = read_dbf_raw(path, max_rows)
    # columns with Chinese (non-ASCII) bytes first: they are the ones to compare
    order = sorted(range(len(names)), key=lambda c: not any(not row[c].isascii() for row in rows))
    names = [names[c] for c in order]
    rows = [[row[c] for c in order] for row in rows]
    bad = 0

    def dec(b: bytes) -> str:
        nonlocal bad
        try:
            return b.decode(encoding)
        except UnicodeDecodeError:
            bad += 1
            return b.decode(encoding, errors="replace")

    out_names = [dec(n) for n in names]
    out_rows = [[dec(v) for v in row] for row in rows]
    return out_names, out_rows, bad
