"""Drop DWARF debug information and symbol tables from the Linux binaries (build time only).

Several Linux wheels ship extension modules built with ``-g`` (rasterio's ``_io``: 7.1 MB,
0.9 MB without debug info; kiwisolver, fontTools, pyproj, pyogrio, Pillow). PyInstaller's
own ``strip=True`` runs a full ``strip`` on every binary, which corrupts libraries that
auditwheel rewrote with patchelf (numpy's OpenBLAS then fails with "ELF load command
address/offset not page-aligned"). This module instead copies only the files that have a
``.debug_info`` section into the build folder, runs ``strip --strip-debug`` on the copy
(symbols, relocations and the program headers stay as they are) and points the
PyInstaller TOC entry at it. Windows DLLs keep their debug data in ``.pdb`` files, so
there is nothing to do there.

With ``symbols=True`` the copy is made with ``strip --strip-unneeded`` instead, which also
drops the static symbol table (``.symtab``/``.strtab``: 7.5 MB in pyogrio's GDAL alone; the
dynamic symbols the loader uses stay). Because that is the rewrite that broke patchelf'd
libraries, the copy is kept only when its loadable segments are those of the original
(:func:`load_segments`); otherwise the ``--strip-debug`` copy is used.
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


def has_symbol_table(path: Path) -> bool:
    names = elf_section_names(path)
    return ".debug_info" in names or ".symtab" in names


PT_LOAD = 1


def load_segments(path: Path) -> list[tuple[int, int, int, int, int, int]]:
    """The ``PT_LOAD`` program headers of a 64-bit ELF file: (offset, vaddr, filesz, memsz, flags, align)."""
    try:
        with open(path, "rb") as fh:
            ident = fh.read(16)
            if ident[:4] != _ELF_MAGIC or ident[4] != 2:
                return []
            endian = "<" if ident[5] == 1 else ">"
            fh.seek(0x20)
            (phoff,) = struct.unpack(endian + "Q", fh.read(8))
            fh.seek(0x36)
            phentsize, phnum = struct.unpack(endian + "HH", fh.read(4))
            fh.seek(phoff)
            table = fh.read(phentsize * phnum)
    except (OSError, struct.error):
        return []
    out = []
    for i in range(phnum):
        p_type, flags, offset, vaddr, _paddr, filesz, memsz, align = struct.unpack_from(endian + "IIQQQQQQ", table, i * phentsize)
        if p_type == PT_LOAD:
            out.append((offset, vaddr, filesz, memsz, flags, align))
    return out


def same_loadable_image(original: Path, stripped: Path) -> bool:
    """True when ``stripped`` maps its segments where ``original`` does, each correctly aligned.

    ``strip`` may move segments in files whose layout patchelf rewrote; the loader then fails
    ("ELF load command address/offset not page-aligned"). Allowed: a segment getting shorter
    (``strip`` drops unused bytes patchelf left in the segment it added); not allowed: another
    number of segments, another address, protection or alignment, or a file offset that is
    not congruent to the address modulo the alignment.
    """
    a, b = load_segments(original), load_segments(stripped)
    if not a or len(a) != len(b):
        return False
    for (_, va, _fa, ma, fla, ala), (ob, vb, fb, mb, flb, alb) in zip(a, b, strict=True):
        if (va, fla, ala) != (vb, flb, alb) or mb > ma or fb > mb:
            return False
        if alb > 1 and ob % alb != vb % alb:
            return False
    return True


def _stripped_copy(path: Path, copy: Path, strip: str, symbols: bool) -> bool:
    """Write ``copy``: ``path`` without symbols (when safe) or without debug info; False on failure."""
    copy.parent.mkdir(parents=True, exist_ok=True)
    tmp = copy.with_name(copy.name + ".tmp")
    modes = (["--strip-unneeded"], ["--strip-debug"]) if symbols else (["--strip-debug"],)
    for mode in modes:
        shutil.copy2(path, tmp)
        proc = subprocess.run([strip, *mode, str(tmp)], capture_output=True, text=True)
        if proc.returncode == 0 and not has_debug_info(tmp) and same_loadable_image(path, tmp):
            tmp.replace(copy)
            return True
    tmp.unlink(missing_ok=True)
    return False


def strip_debug_toc(toc: list[tuple[str, str, str]], cache_dir: Path, strip: str = "strip",
                    symbols: bool = False) -> tuple[list[tuple[str, str, str]], int]:
    """``toc`` with each binary that has debug info (or symbols) replaced by a stripped copy.

    Parameters
    ----------
    toc : list of (dest, source, typecode)
        PyInstaller's ``a.binaries``.
    cache_dir : Path
        Where the stripped copies go (in PyInstaller's work folder); reused while the
        source file is unchanged.
    strip : str
        The ``strip`` program (binutils).
    symbols : bool
        Also drop the static symbol tables (``--strip-unneeded``), where the loadable
        segments stay as they are.

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
    wanted = has_symbol_table if symbols else has_debug_info
    for dest, src, typecode in toc:
        path = Path(src)
        if typecode not in ("BINARY", "EXTENSION") or not path.is_file() or not wanted(path):
            out.append((dest, src, typecode))
            continue
        stat = path.stat()
        key = hashlib.sha256(f"{path.resolve()}|{stat.st_size}|{stat.st_mtime_ns}|{symbols}".encode()).hexdigest()[:16]
        copy = cache_dir / key / path.name
        if not copy.is_file() and not _stripped_copy(path, copy, strip, symbols):
            out.append((dest, src, typecode))
            continue
        saved += stat.st_size - copy.stat().st_size
        out.append((dest, str(copy), typecode))
    return out, saved
