"""Windows version resource (file properties -> Details) from the package version.

``build.spec`` writes one file per executable with :func:`write_version_file` and passes it
to ``EXE(version=...)`` on Windows (elsewhere executables have no version resource). Run
as a script to print it (for inspection, or for ``pyinstaller --version-file``)::

    python packaging/winversion.py greenplan.exe "GreenPlan 命令行 / command line"

Build-time only (never bundled).
"""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COMPANY = "GreenPlan"
PRODUCT = "GreenPlan 绿化规划"
COPYRIGHT = "© GreenPlan contributors"


def read_version(init_py: Path = ROOT / "greenplan" / "__init__.py") -> str:
    """``__version__`` of ``greenplan/__init__.py``, read without importing the package."""
    tree = ast.parse(init_py.read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "__version__" for t in node.targets):
            value = node.value
            if isinstance(value, ast.Constant) and isinstance(value.value, str):
                return value.value
    raise ValueError(f"no __version__ = '...' in {init_py}")


def numeric_version(version: str) -> tuple[int, int, int, int]:
    """The four 16-bit numbers Windows shows for a PEP 440 version.

    Major, minor, micro and the post-release number; a pre-release or development tag
    (``rc1``, ``.dev3``) is not representable there and shows only in the FileVersion and
    ProductVersion strings, which carry the full version.

    Examples
    --------
    >>> numeric_version("0.1.0")
    (0, 1, 0, 0)
    >>> numeric_version("1.2rc1"), numeric_version("1.2.post3")
    ((1, 2, 0, 0), (1, 2, 0, 3))
    """
    m = re.match(
        r"^\s*v?(\d+(?:\.\d+)*)(?:[-_.]?(?:a|b|rc)\d+)?(?:[-_.]?post(\d+))?(?:[-_.]?dev\d+)?(?:\+.*)?\s*$",
        version,
        re.IGNORECASE,
    )
    if not m:
        raise ValueError(f"not a PEP 440 version: {version!r}")
    release = [int(p) for p in m.group(1).split(".")][:3]
    release += [0] * (3 - len(release))
    nums = (release[0], release[1], release[2], int(m.group(2) or 0))
    if any(n > 65535 for n in nums):
        raise ValueError(f"version part above 65535: {version!r}")
    return nums


def version_file_text(filename: str, description: str, version: str | None = None) -> str:
    """The version resource in PyInstaller's text form (``EXE(version=<file>)``).

    Parameters
    ----------
    filename : str
        The executable's file name (``greenplan.exe``): OriginalFilename and InternalName.
    description : str
        FileDescription (Explorer shows it in the task manager and the file properties).
    version : str, optional
        PEP 440 version; default: the package's ``__version__``.

    Notes
    -----
    Written as text (evaluated by PyInstaller on Windows only) rather than built with
    ``PyInstaller.utils.win32.versioninfo``, which needs ``pefile`` and so cannot be
    imported on the Linux build.
    """
    version = version or read_version()
    nums = numeric_version(version)
    strings = {
        "CompanyName": COMPANY,
        "FileDescription": description,
        "FileVersion": version,
        "InternalName": Path(filename).stem,
        "LegalCopyright": COPYRIGHT,
        "OriginalFilename": filename,
        "ProductName": PRODUCT,
        "ProductVersion": version,
    }
    structs = ",\n".join(f"          StringStruct({k!r}, {v!r})" for k, v in strings.items())
    # 0804 = zh-CN, 04B0 = code page 1200 (UTF-16): the strings hold Chinese
    return f"""# UTF-8
VSVersionInfo(
  ffi=FixedFileInfo(
    filevers={nums},
    prodvers={nums},
    mask=0x3f,
    flags=0x0,
    OS=0x40004,
    fileType=0x1,
    subtype=0x0,
    date=(0, 0)
  ),
  kids=[
    StringFileInfo([
      StringTable(
        '080404B0',
        [
{structs}
        ])
    ]),
    VarFileInfo([VarStruct('Translation', [0x0804, 1200])])
  ]
)
"""


def write_version_file(path: Path, filename: str, description: str, version: str | None = None) -> Path:
    """Write :func:`version_file_text` to ``path`` (UTF-8) and return ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(version_file_text(filename, description, version), encoding="utf-8")
    return path


if __name__ == "__main__":
    name = sys.argv[1] if len(sys.argv) > 1 else "greenplan.exe"
    desc = sys.argv[2] if len(sys.argv) > 2 else PRODUCT
    print(version_file_text(name, desc))
