"""Checks of an installation made by the GreenPlan installer under Wine (``wine_installer_test.sh``).

    python packaging/wine_checks.py installed BUNDLE INSTALL_DIR PREFIX      # after setup
    python packaging/wine_checks.py uninstalled INSTALL_DIR PREFIX           # after the uninstaller

Each check prints ``[ok]`` or ``[FAIL]`` and one line of detail; the exit code is the number
of failures. Registry values are read with ``wine reg export`` and parsed by
:func:`parse_reg_export`; files are looked at through the prefix's ``drive_c``.

Build-time tool (never bundled); needs Wine only to run, not to be imported (the tests
parse recorded ``reg export`` output).
"""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

APP_ID = "{10699965-1651-4CCD-8A0A-07AC8F9F3D8F}"
PROG_ID = "GreenPlan.Project"
APP_TITLE = "GreenPlan 绿化规划"
GUI_EXE = "greenplan-gui.exe"
UNINSTALL_KEY = rf"HKCU\Software\Microsoft\Windows\CurrentVersion\Uninstall\{APP_ID}_is1"
#: registry keys of the "Open with" association of project files (*.greenplan.toml)
ASSOCIATION_KEYS = (
    rf"HKCU\Software\Classes\{PROG_ID}\shell\open\command",
    r"HKCU\Software\Classes\.toml\OpenWithProgids",
    rf"HKCU\Software\Classes\Applications\{GUI_EXE}\shell\open\command",
    r"HKCU\Software\Classes\SystemFileAssociations\.toml\shell\GreenPlan\command",
)
#: files Inno Setup adds to the installation folder
INSTALLER_FILES = ("unins000.exe", "unins000.dat")
#: the Start-menu shortcuts of a Chinese installation (/LANG=zh): the names of the last two come
#: from the script's and installer/ChineseSimplified.isl's messages (CliShortcut, UninstallProgram)
START_MENU_ZH = frozenset({f"{APP_TITLE}.lnk", "GreenPlan 命令行.lnk", "卸载 GreenPlan.lnk"})


@dataclass(frozen=True)
class RegValue:
    key: str
    name: str  # "" for the key's default value
    kind: str
    data: str


_ROOTS = {"HKCU": "HKEY_CURRENT_USER", "HKLM": "HKEY_LOCAL_MACHINE", "HKCR": "HKEY_CLASSES_ROOT"}


def full_key(key: str) -> str:
    """``HKCU\\X`` -> ``HKEY_CURRENT_USER\\X`` (as ``reg export`` writes it)."""
    root, _, rest = key.partition("\\")
    return _ROOTS.get(root.upper(), root) + ("\\" + rest if rest else "")


def _unescape(quoted: str) -> str:
    """The text of a ``.reg`` string ``"..."`` (``\\\\`` and ``\\"`` escaped)."""
    return re.sub(r'\\(.)', r"\1", quoted[1:-1])


def _hex_bytes(text: str) -> bytes:
    return bytes(int(h, 16) for h in re.findall(r"[0-9a-fA-F]{2}", text))


def parse_reg_export(text: str) -> list[RegValue]:
    """The values in a ``.reg`` file as ``reg export`` writes it (Windows' and Wine's ``reg.exe``).

    ``reg export`` is used rather than ``reg query`` because Wine prints ``reg query``'s output
    in the console code page (437 in an English prefix), which turns Chinese into ``?``; the
    exported file is UTF-16 and keeps every character.

    Examples
    --------
    >>> out = 'Windows Registry Editor Version 5.00\\r\\n\\r\\n[HKEY_CURRENT_USER\\\\X]\\r\\n@="a \\\\"b\\\\""\\r\\n"N"=dword:0000000a\\r\\n'
    >>> [(v.name, v.kind, v.data) for v in parse_reg_export(out)]
    [('', 'REG_SZ', 'a "b"'), ('N', 'REG_DWORD', '10')]
    """
    values: list[RegValue] = []
    key = ""
    logical: list[str] = []
    for raw in text.replace("\r\n", "\n").split("\n"):
        # a hex value may continue over several lines ending in a backslash
        if logical and logical[-1].endswith("\\") and re.match(r"^\s+[0-9a-fA-F]", raw):
            logical[-1] = logical[-1][:-1] + raw.strip()
        else:
            logical.append(raw)
    for line in logical:
        if line.startswith("[") and line.rstrip().endswith("]"):
            key = line.strip()[1:-1]
            continue
        m = re.match(r'^(@|"(?:[^"\\]|\\.)*")=(.*)$', line)
        if not m or not key:
            continue
        name = "" if m.group(1) == "@" else _unescape(m.group(1))
        raw_value = m.group(2).strip()
        if raw_value.startswith('"'):
            kind, data = "REG_SZ", _unescape(raw_value)
        elif raw_value.startswith("dword:"):
            kind, data = "REG_DWORD", str(int(raw_value[6:], 16))
        elif raw_value.startswith(("hex(2):", "hex(7):")):
            blob = _hex_bytes(raw_value[7:]).decode("utf-16-le").rstrip("\0")
            kind, data = ("REG_EXPAND_SZ", blob) if raw_value.startswith("hex(2)") else ("REG_MULTI_SZ", blob.replace("\0", "\n"))
        else:
            kind, data = "REG_BINARY", _hex_bytes(raw_value.split(":", 1)[1]).hex()
        values.append(RegValue(key, name, kind, data))
    return values


def reg_values(key: str) -> list[RegValue] | None:
    """The values of ``key`` itself (``wine reg export``), or None when the key does not exist.

    With ``GREENPLAN_REG_LOG`` set, each export is appended to that file (UTF-8).
    """
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "key.reg"
        proc = subprocess.run(["wine", "reg", "export", key, subprocess_path(out), "/y"], capture_output=True)
        if proc.returncode != 0 or not out.is_file():
            return None
        text = out.read_bytes().decode("utf-16")
    log = os.environ.get("GREENPLAN_REG_LOG")
    if log:
        with open(log, "a", encoding="utf-8", newline="") as fh:
            fh.write(f"; wine reg export {key}\n{text.lstrip(chr(0xFEFF))}")
    want = full_key(key).lower()
    return [v for v in parse_reg_export(text) if v.key.lower() == want]


def subprocess_path(path: Path) -> str:
    """A Unix path as Wine's programs take it (``Z:\\tmp\\...``)."""
    return "Z:" + str(path).replace("/", "\\")


def tree_digest(root: Path, skip: tuple[str, ...] = ()) -> dict[str, tuple[int, str]]:
    """Relative path (lower case, ``/``) -> (size, sha256) of every file below ``root``.

    Links are followed (an installer stores the file a link points to); Windows file names
    are case-insensitive, hence the lower case.
    """
    out = {}
    for p in sorted(root.rglob("*")):
        if p.is_file():
            rel = p.relative_to(root).as_posix()
            if rel in skip:
                continue
            with open(p, "rb") as fh:
                digest = hashlib.file_digest(fh, "sha256").hexdigest()
            out[rel.lower()] = (p.stat().st_size, digest)
    return out


def compare_trees(bundle: Path, installed: Path) -> str | None:
    """None when ``installed`` holds exactly the bundle's files (plus the uninstaller)."""
    want = tree_digest(bundle)
    have = tree_digest(installed, skip=INSTALLER_FILES)
    missing = sorted(set(want) - set(have))
    extra = sorted(set(have) - set(want))
    differ = sorted(k for k in set(want) & set(have) if want[k] != have[k])
    if missing or extra or differ:
        return f"missing {missing[:3]} ({len(missing)}), extra {extra[:3]} ({len(extra)}), differing {differ[:3]} ({len(differ)})"
    return None


class Checks:
    def __init__(self) -> None:
        self.failed = 0
        self.passed = 0

    def check(self, name: str, ok: bool, detail: str) -> None:
        print(f"[{'ok' if ok else 'FAIL'}] {name}: {detail}", flush=True)
        if ok:
            self.passed += 1
        else:
            self.failed += 1


def user_dir(prefix: Path) -> Path:
    return prefix / "drive_c" / "users" / os.environ.get("USER", "root")


def start_menu(prefix: Path) -> Path:
    return user_dir(prefix) / "AppData" / "Roaming" / "Microsoft" / "Windows" / "Start Menu" / "Programs" / APP_TITLE


def desktop_link(prefix: Path) -> Path:
    return user_dir(prefix) / "Desktop" / f"{APP_TITLE}.lnk"


def value(values: list[RegValue] | None, name: str) -> str | None:
    for v in values or []:
        if v.name == name:
            return v.data
    return None


def check_installed(bundle: Path, install_dir: Path, prefix: Path, win_dir: str) -> Checks:
    c = Checks()
    diff = compare_trees(bundle, install_dir)
    n = len(tree_digest(bundle)) if diff is None else 0
    c.check("files", diff is None, f"{n} files identical to the bundle (size and SHA-256), plus {', '.join(INSTALLER_FILES)}"
            if diff is None else diff)
    links = sorted(p.name for p in start_menu(prefix).glob("*.lnk")) if start_menu(prefix).is_dir() else []
    c.check("start-menu", set(links) == START_MENU_ZH, f"{start_menu(prefix).relative_to(prefix)}: {links}")
    c.check("desktop", desktop_link(prefix).is_file(), f"{desktop_link(prefix).relative_to(prefix)}")
    command = value(reg_values(ASSOCIATION_KEYS[0]), "")
    c.check("progid", command is not None and GUI_EXE in command and win_dir.lower() in command.lower(),
            f"{ASSOCIATION_KEYS[0]} = {command!r}")
    openwith = reg_values(ASSOCIATION_KEYS[1])
    c.check("open-with", value(openwith, PROG_ID) is not None, f"{ASSOCIATION_KEYS[1]} has {PROG_ID}: {value(openwith, PROG_ID) is not None}")
    verb = value(reg_values(ASSOCIATION_KEYS[3]), "")
    c.check("context-verb", verb is not None and GUI_EXE in verb, f"{ASSOCIATION_KEYS[3]} = {verb!r}")
    uninst = reg_values(UNINSTALL_KEY)
    us = value(uninst, "UninstallString")
    c.check("uninstaller", us is not None and "unins000.exe" in us and value(uninst, "DisplayName") is not None,
            f"{UNINSTALL_KEY}: DisplayName {value(uninst, 'DisplayName')!r}, DisplayVersion {value(uninst, 'DisplayVersion')!r}, "
            f"UninstallString {us!r}")
    return c


def check_uninstalled(install_dir: Path, prefix: Path, kept: list[Path]) -> Checks:
    c = Checks()
    left = sorted(p.relative_to(install_dir).as_posix() for p in install_dir.rglob("*")) if install_dir.exists() else []
    c.check("removed-files", not install_dir.exists(), f"{install_dir.name} removed" if not left else f"left: {left[:5]}")
    c.check("removed-shortcuts", not start_menu(prefix).exists() and not desktop_link(prefix).exists(),
            "Start-menu folder and desktop shortcut removed")
    still = [k for k in (*ASSOCIATION_KEYS[:1], rf"HKCU\Software\Classes\{PROG_ID}", ASSOCIATION_KEYS[3])
             if reg_values(k) is not None]
    openwith = value(reg_values(ASSOCIATION_KEYS[1]), PROG_ID)
    c.check("removed-association", not still and openwith is None,
            "ProgID, context verb and Open-with entry removed" if not still and openwith is None else f"left: {still}, open-with {openwith!r}")
    c.check("removed-uninstaller", reg_values(UNINSTALL_KEY) is None, f"{UNINSTALL_KEY} removed")
    missing = [str(p.relative_to(prefix)) for p in kept if not p.is_file()]
    c.check("kept-user-files", not missing, "kept: " + ", ".join(p.name for p in kept) if not missing else f"deleted: {missing}")
    return c


def main(argv: list[str]) -> int:
    if argv[:1] == ["installed"] and len(argv) == 5:
        bundle, install_dir, prefix, win_dir = Path(argv[1]), Path(argv[2]), Path(argv[3]), argv[4]
        return check_installed(bundle, install_dir, prefix, win_dir).failed
    if argv[:1] == ["uninstalled"] and len(argv) >= 3:
        install_dir, prefix = Path(argv[1]), Path(argv[2])
        return check_uninstalled(install_dir, prefix, [Path(p) for p in argv[3:]]).failed
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
