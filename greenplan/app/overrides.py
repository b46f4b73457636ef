"""Overrides of a project from ``KEY=VALUE`` and ``ROLE=PATH[:LAYER]`` texts.

The command line's ``--set`` and ``--layer`` options (``greenplan analyze --set
land_use.classes=osm``) and anything else that takes the same texts (the desktop app)
build or change a :class:`~greenplan.core.project.Project` through these functions, so the
keys, their checks and their messages are the same everywhere.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from greenplan.core.errors import SettingError
from greenplan.core.project import LAYER_OPTIONS, LayerSpec, Project, read_project
from greenplan.core.roles import get_role
from greenplan.core.settings import SETTING_NAMES


def parse_layer_arg(text: str) -> tuple[str, Path, str | None]:
    """``ROLE=PATH[:LAYER]`` → (role, path, layer).

    A ``:LAYER`` suffix counts only where the text before the last colon is an
    existing file (or FileGDB folder), so Windows paths (``D:\\数据\\a.gpkg``) keep their drive colon.

    Examples
    --------
    >>> parse_layer_arg("roads=C:/no/such/file.shp")
    ('roads', PosixPath('C:/no/such/file.shp'), None)
    """
    if "=" not in text:
        raise SettingError(
            f"--layer expects ROLE=PATH[:LAYER], got '{text}'.",
            f"--layer 的格式应为 角色=路径[:图层]，实际为“{text}”。",
            key="--layer",
            hint_en="For example: --layer land_use=D:/data/三调.gpkg:DLTB",
            hint_zh="例如：--layer land_use=D:/数据/三调.gpkg:DLTB",
        )
    role, _, rest = text.partition("=")
    role = role.strip()
    get_role(role, key="--layer")
    path, layer = rest, None
    head, sep, tail = rest.rpartition(":")
    if sep and head and tail and Path(head).exists() and not Path(rest).exists():
        path, layer = head, tail
    return role, Path(path), layer


def parse_set_args(items: Sequence[str] | None) -> tuple[dict[str, str], dict[str, dict[str, str]]]:
    """``KEY=VALUE`` items → (settings, per-role layer options).

    ``ROLE.FIELD=NAME`` maps a role field to a file's field (``land_use.DLBM=DLBM_2023``);
    ``ROLE.OPTION=VALUE`` sets a layer option (:data:`~greenplan.core.project.LAYER_OPTIONS`:
    ``encoding``, ``classes``, ``where``, ``source_crs`` ...). Anything else is a setting.

    Raises
    ------
    SettingError
        A key that is neither a setting, nor a field of the role, nor a layer option; the
        message lists the valid keys and the closest match.

    Examples
    --------
    >>> parse_set_args(["as_of=2026-06-30", "land_use.classes=osm", "land_use.DLBM=CODE"])
    ({'as_of': '2026-06-30'}, {'land_use': {'classes': 'osm', 'DLBM': 'CODE'}})
    """
    settings: dict[str, str] = {}
    layer_opts: dict[str, dict[str, str]] = {}
    for item in items or []:
        if "=" not in item:
            raise SettingError(
                f"--set expects KEY=VALUE, got '{item}'.",
                f"--set 的格式应为 键=值，实际为“{item}”。",
                key="--set",
                hint_en="Valid keys: " + ", ".join(SETTING_NAMES) + ", or ROLE.FIELD=NAME.",
                hint_zh="可用键：" + "、".join(SETTING_NAMES) + "，或 角色.字段=字段名。",
            )
        key, _, value = item.partition("=")
        key = key.strip()
        if "." in key:
            role_id, _, sub = key.partition(".")
            role = get_role(role_id, key=f"--set {key}")
            valid = [f.name for f in role.fields] + list(LAYER_OPTIONS)
            if sub not in valid:
                raise _unknown_key(key, sub, valid, f"{role_id}.")
            layer_opts.setdefault(role_id, {})[sub] = value.strip()
        else:
            if key not in SETTING_NAMES:
                raise _unknown_key(key, key, list(SETTING_NAMES), "")
            settings[key] = value
    return settings, layer_opts


def _unknown_key(key: str, sub: str, valid: list[str], prefix: str) -> SettingError:
    from greenplan.core.text import closest

    near = closest(sub, valid)
    near_en = f" Did you mean '{prefix}{near}'?" if near else ""
    near_zh = f"是否应为“{prefix}{near}”？" if near else ""
    what_en = "a field of the role nor a layer option" if prefix else "a setting"
    what_zh = "该角色的字段，也不是图层选项" if prefix else "设置项"
    return SettingError(
        f"--set {key}: '{sub}' is neither {what_en}.{near_en} Valid: {', '.join(valid)}.",
        f"--set {key}：“{sub}”既不是{what_zh}。{near_zh}可用：{'、'.join(valid)}。",
        key=f"--set {key}",
        hint_en="Fix the key (see docs/cli.md).",
        hint_zh="请更正该键（参见 docs/cli.md）。",
    )


def project_from_inputs(
    project_path: Path | None,
    layers: Sequence[str] | None = None,
    sets: Sequence[str] | None = None,
) -> tuple[Project, list[str]]:
    """The project file ``project_path``, or one built from ``layers`` (``ROLE=PATH[:LAYER]``
    texts), with the ``sets`` (``KEY=VALUE`` texts) applied; plus the file's warnings.

    Raises
    ------
    SettingError
        Both or neither of a project file and layers; a ``--set``/``--layer`` text that
        cannot be read (see :func:`parse_set_args`, :func:`parse_layer_arg`).
    ProjectFileError
        The project file cannot be read.
    """
    settings, layer_opts = parse_set_args(sets)
    if project_path is not None and layers:
        raise SettingError(
            "Give either a project file or --layer options, not both.",
            "请只指定项目文件或 --layer 选项之一，不能同时使用。",
            key="--layer",
        )
    if project_path is not None:
        project, warnings = read_project(project_path)
    elif layers:
        specs = []
        for text in layers:
            role, path, layer = parse_layer_arg(text)
            name = f"{get_role(role).zh}（{layer or path.stem}）"
            specs.append(LayerSpec(source=path.absolute(), layer=layer, role=role, name=name))
        project, warnings = Project(name="命令行项目", layers=specs), []
    else:
        raise SettingError(
            "No input: give a project file or at least one --layer ROLE=PATH.",
            "未指定输入：请给出项目文件，或至少一个 --layer 角色=路径。",
            key="PROJECT",
        )
    _apply(project, settings, layer_opts)
    return project, warnings


def apply_overrides(project: Project, sets: Sequence[str] | None) -> None:
    """Apply ``KEY=VALUE`` texts to ``project`` in place (settings, ``crs``, layer options
    and field mappings of every layer of a role).

    Every text is read before anything changes, so a bad key leaves the project as it was.

    Raises
    ------
    SettingError
        As :func:`parse_set_args`, or a band that is not a number (then the layers before
        it are already changed).

    Examples
    --------
    >>> p = Project(layers=[LayerSpec(source=Path("三调.gpkg"), role="land_use")])
    >>> apply_overrides(p, ["crs=EPSG:4545", "land_use.classes=erdiao", "land_use.DLBM=DLBM_2023"])
    >>> p.crs, p.layers[0].classes, p.layers[0].fields
    ('EPSG:4545', 'erdiao', {'DLBM': 'DLBM_2023'})
    """
    _apply(project, *parse_set_args(sets))


def _apply(project: Project, settings: dict[str, str], layer_opts: dict[str, dict[str, str]]) -> None:
    project.settings = project.settings.with_overrides(settings)  # raises on a bad value
    if "crs" in settings:
        project.crs = settings["crs"]
    for role, opts in layer_opts.items():
        for lyr in project.layers_with_role(role):
            for sub, value in opts.items():
                apply_layer_option(lyr, sub, value)


def apply_layer_option(lyr: LayerSpec, key: str, value: str) -> None:
    """Set option or role field ``key`` of a layer from its command-line text."""
    if key == "band":
        try:
            band = int(value)
        except ValueError:
            band = 0
        if band < 1:
            raise SettingError(f"--set {lyr.role}.band: '{value}' is not a band number (1, 2 …).",
                               f"--set {lyr.role}.band：“{value}”不是波段号（1、2 …）。", key=f"--set {lyr.role}.band")
        lyr.band = band
    elif key in LAYER_OPTIONS:
        setattr(lyr, key, value or None)
    else:
        lyr.fields[key] = value
