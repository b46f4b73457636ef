"""Drop DWARF debug information from the Linux binaries that carry it (build time only).

Several Linux wheels ship extension modules built with ``-g`` (rasterio's ``_io``: 7.1 MB,
0.9 MB without debug info; kiwisolver, fontTools, pyproj, pyogrio, Pillow). PyInstaller's
own ``strip=True`` runs a full ``strip`` on every binary, which corrupts libraries that
auditwheel rewrote with patchelf (numpy's OpenBLAS then fails with "ELF load command
address/offset not page-aligned"). This module instead copies only the files that have a
``.debug_info`` section into the build folder, runs ``strip --strip-debug`` on the copy
(symbols, relocations and the program headers stay as they are) and points the
PyInstaller TOC entry at it. Windows DLLs keep their debug data in ``.pdb`` files, so
there is nothing to do there.
"""

from __future__ import annotations

import hashlib
import shutil
import struct
import subprocess
from pathlib import Path

_ELF_MAGIC = b"\x7fELF"


def elf_section_names(path: Path) -> list[str]:
    """Section names of an ELF file ([] for anything else or a file that cannot be parsed)."""
    try:
        with open(path, "rb") as fh:
            ident = fh.read(16)
            if len(ident) < 16 or ident[:4] != _ELF_MAGIC:
                return []
            is64, endian = ident[4] == 2, "<" if ident[5] == 1 else ">"
            if is64:
                fh.seek(0x28)
                (shoff,) = struct.unpack(endian + "Q", fh.read(8))
                fh.seek(0x3A)
            else:
                fh.seek(0x20)
                (shoff,) = struct.unpack(endian + "I", fh.read(4))
                fh.seek(0x2E)
            shentsize, shnum, shstrndx = struct.unpack(endian + "HHH", fh.read(6))
            if not shoff or not shnum or shstrndx >= shnum:
                return []
            fh.seek(shoff)
            table = fh.read(shentsize * shnum)
            fmt = endian + ("IIQQQQIIQQ" if is64 else "IIIIIIIIII")
            size = struct.calcsize(fmt)
            headers = [struct.unpack(fmt, table[i * shentsize : i * shentsize + size]) for i in range(shnum)]
            str_off, str_size = headers[shstrndx][4], headers[shstrndx][5]
            fh.seek(str_off)
            strings = fh.read(str_size)
    except (OSError, struct.error):
        return []
    names = []
    for h in headers:
        end = strings.find(b"\0", h[0])
        names.append(strings[h[0] : end if end >= 0 else None].decode("ascii", "replace"))
    return names


def has_debug_info(path: Path) -> bool:
    return ".debug_info" in elf_section_names(path)


def strip_debug_toc(toc: list[tuple[str, str, str]], cache_dir: Path, strip: str = "strip") -> tuple[list[tuple[str, str, str]], int]:
    """``toc`` with each binary that has debug info replaced by a ``--strip-debug`` copy.

    Parameters
    ----------
    toc : list of (dest, source, typecode)
        PyInstaller's ``a.binaries``.
    cache_dir : Path
        Where the stripped copies go (in PyInstaller's work folder); reused while the
        source file is unchanged.
    strip : str
        The ``strip`` program (binutils).

    Returns
    -------
    (toc, saved_bytes)
        The new TOC, and how many bytes the stripping saved. A file ``strip`` fails on
        keeps its original entry.
    """
    out: list[tuple[str, str, str]] = []
    saved = 0
    if shutil.which(strip) is None:
        return list(toc), 0
    for dest, src, typecode in toc:
        path = Path(src)
        if typecode not in ("BINARY", "EXTENSION") or not path.is_file() or not has_debug_info(path):
            out.append((dest, src, typecode))
            continue
        stat = path.stat()
        key = hashlib.sha256(f"{path.resolve()}|{stat.st_size}|{stat.st_mtime_ns}".encode()).hexdigest()[:16]
        copy = cache_dir / key / path.name
        if not copy.is_file():
            copy.parent.mkdir(parents=True, exist_ok=True)
            tmp = copy.with_name(copy.name + ".tmp")
            shutil.copy2(path, tmp)
            proc = subprocess.run([strip, "--strip-debug", str(tmp)], capture_output=True, text=True)
            if proc.returncode != 0 or has_debug_info(tmp):
                tmp.unlink(missing_ok=True)
                out.append((dest, src, typecode))
                continue
            tmp.replace(copy)
        saved += stat.st_size - copy.stat().st_size
        out.append((dest, str(copy), typecode))
    return out, saved
