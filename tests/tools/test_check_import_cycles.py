"""tools/check_import_cycles.py finds the cycles CI must refuse, and only those."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[2] / "tools" / "check_import_cycles.py"


def package(root: Path, name: str, files: dict[str, str]) -> None:
    (root / name).mkdir(parents=True)
    (root / name / "__init__.py").write_text("", encoding="utf-8")
    for rel, text in files.items():
        (root / name / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / name / rel).write_text(text, encoding="utf-8")


def run(root: Path, name: str) -> subprocess.CompletedProcess:
    env = {"PYTHONPATH": str(root), "PATH": "", "PYTHONIOENCODING": "utf-8"}
    return subprocess.run([sys.executable, str(SCRIPT), name], capture_output=True, text=True, env=env, cwd=root)


def test_a_cycle_through_a_lazy_import_fails(tmp_path: Path) -> None:
    # the shape of jobs/sample_county <-> jobs/_county_output: one side imports inside a function
    package(tmp_path, "cyc", {
        "sample/county.py": "from cyc.sample import _output\n",
        "sample/_output.py": "def write():\n    from cyc.sample.county import X\n    return X\n",
        "sample/__init__.py": "",
        "core.py": "A = 1\n",
    })
    res = run(tmp_path, "cyc")
    assert res.returncode == 1, res.stdout + res.stderr
    assert "import cycle / 导入循环: cyc.sample._output, cyc.sample.county" in res.stdout
    assert "cyc.sample._output -> cyc.sample.county (line 2)" in res.stdout
    assert "cyc.sample.county -> cyc.sample._output (line 1)" in res.stdout
    assert "cyc.core" not in res.stdout


def test_a_longer_cycle_is_one_finding(tmp_path: Path) -> None:
    package(tmp_path, "ring", {"a.py": "import ring.b\n", "b.py": "import ring.c\n", "c.py": "import ring.a\n"})
    res = run(tmp_path, "ring")
    assert res.returncode == 1
    assert res.stdout.count("import cycle / 导入循环") == 1 and "ring.a, ring.b, ring.c" in res.stdout


def test_layers_and_type_checking_imports_pass(tmp_path: Path) -> None:
    package(tmp_path, "flat", {
        "core.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from flat.app import State\n",
        "app.py": "from flat import core\nclass State: ...\n",
        "gui.py": "from flat import app, core\n",
    })
    res = run(tmp_path, "flat")
    assert res.returncode == 0, res.stdout + res.stderr
    assert "no import cycle in flat (4 modules)" in res.stdout
