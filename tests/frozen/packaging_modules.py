"""The scripts of ``packaging/``, loaded by path for the packaging tests: ``packaging/`` is not
importable as a package ("packaging" is a PyPI name)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def load(name: str):
    """``packaging/<name>.py`` as a module (loaded once)."""
    key = f"greenplan_packaging_{name}"
    if key not in sys.modules:
        spec = importlib.util.spec_from_file_location(key, ROOT / "packaging" / f"{name}.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules[key] = module
        spec.loader.exec_module(module)
    return sys.modules[key]
