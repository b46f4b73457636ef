"""Where a scenario's results are written: a Windows-safe folder per scenario beside the project."""

from __future__ import annotations

from pathlib import Path


def folder_name(name: str) -> str:
    """``name`` usable as a Windows folder name.

    Examples
    --------
    >>> folder_name('近期/方案: "A"')
    '近期_方案_ _A_'
    """
    from greenplan.core.paths import safe_file_name

    return safe_file_name(name, fallback="scenario")


def default_output_base(project) -> Path:
    """Where scenario results go unless the planner chooses: beside the project file."""
    from greenplan.core.paths import user_data_dir

    if project.path is not None:
        return Path(project.path).parent / "情景分析成果"
    return user_data_dir() / "scenarios"
