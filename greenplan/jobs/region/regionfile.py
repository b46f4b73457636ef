"""The region: a ``*.greenplan-region.toml`` file, or every project file under a folder.

Region file::

    schema_version = 1
    name = "示范地区"
    organisation = "示范地区自然资源局"
    counties = [
        { code = "649901", name = "青山县", project = "649901_青山县/county.greenplan.toml" },
        ...
    ]

``project`` is relative to the region file (absolute paths and UNC paths work too);
``code`` and ``name`` are optional: default the project's ``metadata.admin_code`` and
name, else ``C01``, ``C02`` ... and the file's stem. Each county's outputs go to
``OUT/<code>_<name>/``.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from greenplan.core.errors import ProjectFileError, SettingError

REGION_SUFFIX = ".greenplan-region.toml"
PROJECT_SUFFIX = ".greenplan.toml"


@dataclass(frozen=True)
class CountyRef:
    """One county of a region: its project file and, when the region file says so, code and name."""

    project_file: Path
    code: str | None = None
    name: str | None = None


@dataclass
class Region:
    name: str
    organisation: str = ""
    source: Path | None = None
    counties: list[CountyRef] = field(default_factory=list)


def _bad(path: Path, key: str, en: str, zh: str) -> ProjectFileError:
    return ProjectFileError(en, zh, path=path, key=key, hint_en="See docs/region.md for the region file.",
                            hint_zh="区域文件格式见 docs/region.md。")


def load_region(path: str | os.PathLike) -> Region:
    """The region of a region file, or of every ``*.greenplan.toml`` under a folder (sorted).

    Raises
    ------
    ProjectFileError
        The region file cannot be read or is malformed; a folder holds no project file.
    """
    path = Path(path)
    if path.is_dir():
        files = sorted(p for p in path.rglob(f"*{PROJECT_SUFFIX}") if not any(s.startswith(".") for s in p.relative_to(path).parts))
        if not files:
            raise ProjectFileError("The folder holds no project file (*.greenplan.toml).",
                                   "该文件夹中没有项目文件（*.greenplan.toml）。", path=path,
                                   hint_en="Give a region file or a folder with county project files.",
                                   hint_zh="请指定区域文件，或包含各县项目文件的文件夹。")
        return Region(name=path.absolute().name, source=path, counties=[CountyRef(p.absolute()) for p in files])
    try:
        doc = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ProjectFileError("The region file does not exist.", "区域文件不存在。", path=path) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ProjectFileError(f"The region file cannot be read ({exc}).", f"无法读取区域文件（{exc}）。", path=path) from None
    except tomllib.TOMLDecodeError as exc:
        raise _bad(path, "", f"The region file is not valid TOML ({exc}).", f"区域文件不是有效的 TOML（{exc}）。") from None
    counties = doc.get("counties")
    if not isinstance(counties, list) or not counties:
        raise _bad(path, "counties", "The region file lists no county.", "区域文件中没有列出任何县（counties）。")
    refs = []
    for i, c in enumerate(counties):
        if isinstance(c, str):
            c = {"project": c}
        if not isinstance(c, dict) or not isinstance(c.get("project"), str):
            raise _bad(path, f"counties[{i}].project", "Each county needs a project file path.",
                       "每个县都需要项目文件路径（project）。")
        p = Path(c["project"])
        refs.append(CountyRef((p if p.is_absolute() else path.parent / p).absolute(),
                              str(c["code"]) if c.get("code") is not None else None,
                              str(c["name"]) if c.get("name") is not None else None))
    seen = set()
    for r in refs:
        if r.project_file in seen:
            raise _bad(path, "counties", f"The project {r.project_file} is listed twice.", f"项目 {r.project_file} 被重复列出。")
        seen.add(r.project_file)
    name = doc.get("name") or path.name.removesuffix(REGION_SUFFIX)
    if not isinstance(name, str):
        raise SettingError("The region name must be text.", "区域名称应为文本。", key="name")
    return Region(name=name, organisation=str(doc.get("organisation") or ""), source=path, counties=refs)
