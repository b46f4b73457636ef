"""The bundle's pinned, hashed requirements (``packaging/requirements-bundle.txt``).

    python packaging/lock_bundle.py lock      # resolve again (needs uv and PyPI), rewrite the file
    python packaging/lock_bundle.py check     # does this environment match the pins? (exit 1 if not)

The file pins every distribution that goes into the bundle (GreenPlan's dependencies) and
the build tools that shape it (PyInstaller and its hooks), each with the SHA-256 of every
file PyPI has for that version, for Python 3.11 on x86-64 Linux (glibc 2.36, Debian 12) and
Windows. ``pip install --require-hashes -r packaging/requirements-bundle.txt`` installs
exactly these files on either; ``build.spec`` refuses to build from an environment whose
versions differ (:func:`require_pinned_environment`, overridden by
``GREENPLAN_UNPINNED_BUILD=1``), ``windows_size.py`` downloads the Windows wheels from it, and
``.github/workflows/windows.yml`` installs from it.

Resolution is uv's (``uv pip compile --generate-hashes``), once per platform; the two results
are merged, a distribution only one platform needs getting a ``sys_platform`` marker. The
two platforms must agree on every shared version, or :func:`merge` says which differ.

Build-time tool (never bundled).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOCK_FILE = ROOT / "packaging" / "requirements-bundle.txt"
PYTHON_VERSION = "3.11"
#: uv's platform name -> the ``sys_platform`` it stands for
PLATFORMS = {"x86_64-manylinux_2_36": "linux", "x86_64-pc-windows-msvc": "win32"}
#: the pyproject extras that belong to the bundle build (the test extra does not)
EXTRAS = ("build",)
OPT_OUT = "GREENPLAN_UNPINNED_BUILD"

_PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)\s*(?:;\s*([^\\]+?))?\s*\\?$")
_HASH = re.compile(r"--hash=(sha256:[0-9a-f]{64})")


class LockError(RuntimeError):
    """The lock file is malformed, the platforms disagree, or the environment differs."""


@dataclass
class Pin:
    """One pinned distribution: name (normalised), version, environment marker, hashes."""

    name: str
    version: str
    marker: str = ""
    hashes: list[str] = field(default_factory=list)

    def applies(self, platform: str = sys.platform) -> bool:
        """Whether the pin is for ``platform`` (only ``sys_platform == '...'`` markers are written)."""
        if not self.marker:
            return True
        m = re.fullmatch(r"sys_platform\s*==\s*['\"]([^'\"]+)['\"]", self.marker.strip())
        if not m:
            raise LockError(f"{self.name}: unsupported marker {self.marker!r}")
        return platform == m.group(1)


def normalise(name: str) -> str:
    """PEP 503 name: ``PySide6_Essentials`` -> ``pyside6-essentials``."""
    return re.sub(r"[-_.]+", "-", name).lower()


def parse(text: str) -> list[Pin]:
    """The pins of a requirements file as written by uv or by :func:`render`.

    Raises
    ------
    LockError
        A requirement without ``==`` or without a hash.
    """
    pins: list[Pin] = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("--hash="):
            if not pins:
                raise LockError(f"hash before any requirement: {line}")
            pins[-1].hashes += _HASH.findall(line)
            continue
        m = _PIN.match(line)
        if not m:
            raise LockError(f"not a pinned requirement: {line!r}")
        pins.append(Pin(normalise(m.group(1)), m.group(2), (m.group(3) or "").strip()))
    for pin in pins:
        if not pin.hashes:
            raise LockError(f"{pin.name}=={pin.version} has no hash")
    return pins


def merge(per_platform: dict[str, list[Pin]]) -> list[Pin]:
    """One list from per-platform resolutions; a pin one platform lacks gets its marker.

    Raises
    ------
    LockError
        Two platforms resolved one distribution to different versions.
    """
    by_name: dict[str, dict[str, Pin]] = {}
    for platform, pins in per_platform.items():
        for pin in pins:
            by_name.setdefault(pin.name, {})[platform] = pin
    out: list[Pin] = []
    for name in sorted(by_name):
        seen = by_name[name]
        versions = {p.version for p in seen.values()}
        if len(versions) > 1:
            raise LockError(f"{name}: platforms disagree ({', '.join(f'{k}: {v.version}' for k, v in sorted(seen.items()))}); "
                            "pin one version in pyproject.toml")
        hashes = sorted({h for p in seen.values() for h in p.hashes})
        marker = "" if len(seen) == len(per_platform) else " or ".join(f"sys_platform == '{k}'" for k in sorted(seen))
        out.append(Pin(name, versions.pop(), marker, hashes))
    return out


def render(pins: list[Pin]) -> str:
    """The lock file's text (header, then one pin with its hashes per entry)."""
    head = [
        "# GreenPlan bundle: every distribution in the PyInstaller bundle and the build tools, pinned",
        "# and hashed, for CPython 3.11 on x86-64 Linux (glibc 2.36) and Windows.",
        "# Written by packaging/lock_bundle.py (uv pip compile --generate-hashes, per platform, merged);",
        "# do not edit by hand: change pyproject.toml, then `python packaging/lock_bundle.py lock`.",
        "#   pip install --require-hashes -r packaging/requirements-bundle.txt",
    ]
    body = []
    for pin in pins:
        marker = f" ; {pin.marker}" if pin.marker else ""
        lines = [f"{pin.name}=={pin.version}{marker}"] + [f"    --hash={h}" for h in pin.hashes]
        body.append(" \\\n".join(lines))
    return "\n".join(head + body) + "\n"


def resolve(platform: str, uv: str, index_url: str | None = None) -> list[Pin]:
    """uv's resolution of pyproject's dependencies (+ build extra) for one platform."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "req.txt"
        cmd = [uv, "pip", "compile", str(ROOT / "pyproject.toml"), "--python-version", PYTHON_VERSION,
               "--python-platform", platform, "--generate-hashes", "--no-header", "--no-annotate", "-q", "-o", str(out)]
        cmd += [arg for extra in EXTRAS for arg in ("--extra", extra)]
        if index_url:
            cmd += ["--index-url", index_url]
        subprocess.run(cmd, check=True, cwd=ROOT)
        # the project itself is not a pin (it is built from this checkout)
        return [p for p in parse(out.read_text(encoding="utf-8")) if p.name != "greenplan"]


def lock(path: Path = LOCK_FILE, index_url: str | None = None) -> list[Pin]:
    uv = shutil.which("uv") or str(Path(sys.executable).parent / "uv")
    if not Path(uv).exists() and not shutil.which(uv):
        raise LockError("uv not found: pip install uv")
    pins = merge({sys_platform: resolve(platform, uv, index_url) for platform, sys_platform in PLATFORMS.items()})
    path.write_text(render(pins), encoding="utf-8", newline="\n")
    return pins


def read_lock(path: Path = LOCK_FILE) -> list[Pin]:
    return parse(path.read_text(encoding="utf-8"))


def installed_version(name: str) -> str | None:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def mismatches(pins: list[Pin], platform: str = sys.platform, version_of=installed_version) -> list[str]:
    """Pins for ``platform`` the environment does not satisfy, one line each ([] when it matches)."""
    out = []
    for pin in pins:
        if not pin.applies(platform):
            continue
        have = version_of(pin.name)
        if have is None:
            out.append(f"{pin.name}: not installed (pinned {pin.version})")
        elif normalise_version(have) != normalise_version(pin.version):
            out.append(f"{pin.name}: {have} installed, {pin.version} pinned")
    return out


def normalise_version(version: str) -> str:
    """Enough of PEP 440 normalisation for comparing pins: case, ``-``/``_`` separators."""
    return version.strip().lower().replace("_", ".").replace("-", ".")


def require_pinned_environment(path: Path = LOCK_FILE, env: dict[str, str] | None = None) -> list[str]:
    """Stop the build unless the environment matches the pins (``GREENPLAN_UNPINNED_BUILD=1``: warn).

    Returns
    -------
    list of str
        The differences (empty when the environment matches).

    Raises
    ------
    SystemExit
        The environment differs and the opt-out is not set.
    """
    env = os.environ if env is None else env
    diff = mismatches(read_lock(path))
    if diff and env.get(OPT_OUT) != "1":
        raise SystemExit(
            "GreenPlan: the build environment differs from packaging/requirements-bundle.txt:\n  "
            + "\n  ".join(diff)
            + "\nInstall the pins (pip install --require-hashes -r packaging/requirements-bundle.txt), "
            f"or set {OPT_OUT}=1 to build anyway (not for a release)."
        )
    if diff:
        print(f"GreenPlan: {OPT_OUT}=1: building from an unpinned environment ({len(diff)} differences)")
    return diff


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("command", choices=("lock", "check"))
    p.add_argument("--index-url", help="package index for `lock` (default: uv's, i.e. PyPI)")
    args = p.parse_args(argv)
    if args.command == "lock":
        pins = lock(index_url=args.index_url)
        print(f"{LOCK_FILE.relative_to(ROOT)}: {len(pins)} pins, {sum(len(p.hashes) for p in pins)} hashes")
        return 0
    diff = mismatches(read_lock())
    print("\n".join(diff) if diff else "environment matches packaging/requirements-bundle.txt")
    return 1 if diff else 0


if __name__ == "__main__":
    raise SystemExit(main())
