"""The project file: a human-readable, schema-versioned TOML file (``*.greenplan.toml``).

Layout (every key but ``schema_version`` and ``[[layers]]`` ``source`` is optional)::

    schema_version = 1
    name = "示范县"
    crs = "EPSG:4544"                 # working CRS; default: nearest CGCS2000 3° GK zone

    [metadata]                        # map footers: organisation, data source ...
    organisation = "示范县自然资源局"

    [settings]                        # greenplan.core.settings.AnalysisSettings
    as_of = 2026-06-30

    [[layers]]                        # drawn bottom to top, in this order
    name = "生态保护红线"
    source = "demo_county.gpkg"       # relative to the project file
    layer = "ecological_redline"      # layer inside a container (GeoPackage, FileGDB)
    role = "ecological_redline"       # greenplan.core.roles; omit for a reference layer
    visible = true
    encoding = "gbk"                  # shapefile attribute encoding override
    fields = { name = "HXMC" }        # role field -> field in this file
    classes = "erdiao"                # class mapping: preset, {value = target} or a CSV path
    where = "fclass IN ('park')"      # OGR SQL attribute filter
    source_crs = "GCJ-02"             # overrides the file's CRS (also EPSG:…, BD-09)
    band = 1                          # raster band read (vegetation raster)
    unit_level = "township"           # admin_units: county | township | village (default: by code length)
    style = { fill = "#00b050", alpha = 0.4 }

    [[scenarios]]                     # kept as given (see the scenarios module)
    [themes]                          # map themes (see the render layer)

Unknown keys are errors in a file of this schema version or an older one (a typo must not
be silently ignored); in a file from a newer GreenPlan they give warnings and are kept, so a
round trip loses nothing. Saving is atomic.
"""

from __future__ import annotations

import copy
import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Any

from greenplan.core.atomic import write_text_atomic
from greenplan.core.errors import GreenplanError, ProjectFileError
from greenplan.core.roles import get_role
from greenplan.core.settings import AnalysisSettings

#: 2 added the layer options ``classes``, ``where``, ``source_crs`` and ``band``
SCHEMA_VERSION = 2
SUFFIX = ".greenplan.toml"

_TOP_KEYS = {"schema_version", "name", "crs", "metadata", "settings", "layers", "scenarios", "themes"}
#: layer options that are not role fields (``--set ROLE.KEY=VALUE`` accepts these too)
LAYER_OPTIONS = ("layer", "encoding", "classes", "where", "source_crs", "band", "unit_level")
#: what the units of an admin_units layer are (option ``unit_level``; without it the level
#: is guessed from the length of the codes: ``greenplan.jobs.sheet.unit_level``)
UNIT_LEVELS = ("county", "township", "village")
_LAYER_KEYS = {"name", "source", "role", "visible", "fields", "style", *LAYER_OPTIONS}


@dataclass
class LayerSpec:
    """One layer of a project: where it is and what it is."""

    source: Path
    name: str = ""
    layer: str | None = None
    role: str | None = None
    visible: bool = True
    encoding: str | None = None
    fields: dict[str, str] = field(default_factory=dict)
    style: dict[str, Any] = field(default_factory=dict)
    #: class mapping (indicators.md v2.2 "Class mapping"): a preset name (``erdiao``,
    #: ``osm``), a table ``{source value: target}`` or the path of a two-column CSV
    classes: str | dict[str, str] | None = None
    #: OGR SQL attribute filter passed to the reader (``fclass IN ('park','forest')``)
    where: str | None = None
    #: the layer's CRS, overriding the file's: ``EPSG:4326``, ``GCJ-02``, ``BD-09`` ...
    source_crs: str | None = None
    #: raster band read (1-based); None: band 1
    band: int | None = None
    #: admin_units: the units are counties, townships or villages (:data:`UNIT_LEVELS`);
    #: None: guessed from the code length
    unit_level: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.source = Path(self.source)
        if not self.name:
            self.name = self.layer or self.source.stem

    def source_field(self, role_field: str) -> str:
        """Name of the file's field that holds ``role_field`` (the mapping, else the default)."""
        return self.fields.get(role_field, role_field)

    @property
    def label(self) -> str:
        """``file.gpkg:layer`` as users see it in messages."""
        return f"{self.source.name}:{self.layer}" if self.layer else self.source.name


@dataclass
class Project:
    name: str = "未命名项目"
    crs: str | None = None
    layers: list[LayerSpec] = field(default_factory=list)
    settings: AnalysisSettings = field(default_factory=AnalysisSettings)
    metadata: dict[str, Any] = field(default_factory=dict)
    scenarios: list[dict[str, Any]] = field(default_factory=list)
    themes: dict[str, Any] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)
    #: the file it was read from / saved to (None: never saved)
    path: Path | None = None
    #: schema version of the file read (a newer one is kept on saving, with its unknown keys)
    schema_version: int = SCHEMA_VERSION

    def layers_with_role(self, role: str) -> list[LayerSpec]:
        return [lyr for lyr in self.layers if lyr.role == role]

    def roles(self) -> set[str]:
        return {lyr.role for lyr in self.layers if lyr.role}

    @property
    def folder(self) -> Path:
        return self.path.parent if self.path else Path.cwd()


# ---------------------------------------------------------------------------- reading
def _resolve_source(text: str, folder: Path) -> Path:
    # accept both separators whatever the OS: files are edited by hand on Windows
    p = Path(*PureWindowsPath(text).parts) if "\\" in text else Path(text)
    return p if p.is_absolute() else (folder / p)


def _err(path: Path, key: str, en: str, zh: str) -> ProjectFileError:
    return ProjectFileError(
        en, zh, path=path, key=key, hint_en="Edit the project file and fix this key.", hint_zh="请编辑项目文件并更正该项。"
    )


def unknown_key_error(path: Path | None, key: str, unknown: str, valid: list[str] | tuple[str, ...]) -> ProjectFileError:
    """An unknown key, with the valid keys and the closest match."""
    from greenplan.core.text import closest

    near = closest(unknown, list(valid))
    near_en = f" Did you mean '{near}'?" if near else ""
    near_zh = f"是否应为“{near}”？" if near else ""
    return ProjectFileError(
        f"Unknown key '{key}'.{near_en} Valid keys: {', '.join(valid)}.",
        f"未知配置项“{key}”。{near_zh}可用的配置项：{'、'.join(valid)}。",
        path=path,
        key=key,
        hint_en="Fix or remove the key (a file from a newer GreenPlan has a higher schema_version).",
        hint_zh="请更正或删除该项（更新版本 GreenPlan 保存的文件 schema_version 更高）。",
    )


def _expect(value: Any, typ: type | tuple[type, ...], path: Path, key: str, what_en: str, what_zh: str) -> Any:
    if not isinstance(value, typ):
        raise _err(path, key, f"Expected {what_en}, found {type(value).__name__} {value!r}.", f"应为{what_zh}，实际为 {value!r}。")
    return value


def check_unit_level(value: Any, path: Path | None = None, key: str = "unit_level") -> str:
    """``value`` if it is one of :data:`UNIT_LEVELS`, else a :class:`ProjectFileError` naming ``key``.

    Examples
    --------
    >>> check_unit_level("village")
    'village'
    >>> check_unit_level("乡镇")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    greenplan.core.errors.ProjectFileError: ...
    """
    if value in UNIT_LEVELS:
        return value
    raise ProjectFileError(
        f"unit_level must be one of {', '.join(UNIT_LEVELS)}, not {value!r}.",
        f"unit_level 应为 county（县）、township（乡镇/街道）或 village（村）之一，而不是 {value!r}。",
        path=path, key=key,
        hint_en="Say what the units of the admin units layer are, or leave the key out (guessed from the code length).",
        hint_zh="请写明行政区图层的单元级别，或删除该项（按代码位数推断）。")


def parse_project(data: dict[str, Any], path: Path) -> tuple[Project, list[str]]:
    """Build a :class:`Project` from parsed TOML; returns it and the warnings."""
    warnings: list[str] = []
    version = data.get("schema_version")
    if version is None:
        raise _err(path, "schema_version", "The project file has no schema_version.", "项目文件缺少 schema_version。")
    if not isinstance(version, int) or version < 1:
        raise _err(path, "schema_version", f"schema_version must be a positive integer, not {version!r}.", f"schema_version 应为正整数，而不是 {version!r}。")
    newer = version > SCHEMA_VERSION
    if newer:
        warnings.append(
            f"{path.name}: saved by a newer GreenPlan (schema {version}; this one reads {SCHEMA_VERSION}): "
            f"settings it does not know are kept but not used / 该项目由更新版本的 GreenPlan 保存（格式版本 {version}，"
            f"本程序为 {SCHEMA_VERSION}）：不认识的配置项将保留但不生效"
        )

    def unknown(key: str, name: str, valid: Any) -> None:
        # a typo in a file of this version must not be ignored; a newer file's keys are kept
        if not newer:
            raise unknown_key_error(path, key, name, sorted(valid))
        warnings.append(f"{path.name}: unknown key '{key}' kept / 未知配置项“{key}”，已保留")

    for k in data:
        if k not in _TOP_KEYS:
            unknown(k, k, _TOP_KEYS)
    folder = path.parent
    name = str(data.get("name", path.name.removesuffix(SUFFIX)))
    crs = data.get("crs")
    if crs is not None:
        _expect(crs, str, path, "crs", "a CRS such as \"EPSG:4544\"", "坐标系，例如 \"EPSG:4544\"")
    metadata = dict(_expect(data.get("metadata", {}), dict, path, "metadata", "a table", "表"))
    settings_raw = _expect(data.get("settings", {}), dict, path, "settings", "a table", "表")
    from greenplan.core.settings import SETTING_NAMES

    for k in settings_raw:
        if k not in SETTING_NAMES:
            unknown(f"settings.{k}", k, SETTING_NAMES)
    try:
        settings, w = AnalysisSettings.from_dict(settings_raw)
    except GreenplanError as exc:
        raise _err(path, exc.key or "settings", exc.en, exc.zh) from None
    warnings += [f"{path.name}: {x}" for x in w if not newer or "unknown setting" not in x]
    # a newer GreenPlan's settings are kept as written and saved back unchanged
    unknown_settings = {k: v for k, v in settings_raw.items() if k not in SETTING_NAMES}

    layers: list[LayerSpec] = []
    for i, raw in enumerate(_expect(data.get("layers", []), list, path, "layers", "an array of tables [[layers]]", "表数组 [[layers]]")):
        key = f"layers[{i}]"
        _expect(raw, dict, path, key, "a table", "表")
        if "source" not in raw:
            raise _err(path, f"{key}.source", "The layer has no source file.", "该图层缺少数据源文件（source）。")
        source = _expect(raw["source"], str, path, f"{key}.source", "a file path", "文件路径")
        role = raw.get("role")
        if role is not None:
            _expect(role, str, path, f"{key}.role", "a role name", "角色名称")
            get_role(role, key=f"{key}.role")  # raises UnknownRoleError naming the key
        fields = _expect(raw.get("fields", {}), dict, path, f"{key}.fields", "a table", "表")
        for fk, fv in fields.items():
            _expect(fv, str, path, f"{key}.fields.{fk}", "a field name", "字段名")
        style = _expect(raw.get("style", {}), dict, path, f"{key}.style", "a table", "表")
        visible = _expect(raw.get("visible", True), bool, path, f"{key}.visible", "true or false", "true 或 false")
        extra = {k: v for k, v in raw.items() if k not in _LAYER_KEYS}
        for k in extra:
            unknown(f"{key}.{k}", k, _LAYER_KEYS)
        classes = raw.get("classes")
        if classes is not None:
            _expect(classes, (str, dict), path, f"{key}.classes", "a preset name, a table or a CSV path", "预设名称、映射表或 CSV 文件路径")
            if isinstance(classes, dict):
                classes = {str(ck): str(cv) for ck, cv in classes.items()}
        where = raw.get("where")
        if where is not None:
            _expect(where, str, path, f"{key}.where", "an attribute filter such as \"fclass = 'park'\"", "属性过滤条件，例如 \"fclass = 'park'\"")
        source_crs = raw.get("source_crs")
        if source_crs is not None:
            _expect(source_crs, str, path, f"{key}.source_crs", "a CRS such as \"EPSG:4326\" or \"GCJ-02\"", "坐标系，例如 \"EPSG:4326\" 或 \"GCJ-02\"")
        band = raw.get("band")
        if band is not None and (isinstance(band, bool) or not isinstance(band, int) or band < 1):
            raise _err(path, f"{key}.band", f"band must be a band number from 1, not {band!r}.", f"band 应为从 1 开始的波段号，而不是 {band!r}。")
        unit_level = raw.get("unit_level")
        if unit_level is not None:
            check_unit_level(unit_level, path, f"{key}.unit_level")
        layers.append(
            LayerSpec(
                source=_resolve_source(source, folder),
                name=str(raw.get("name", "")),
                layer=raw.get("layer"),
                role=role,
                visible=visible,
                encoding=raw.get("encoding"),
                fields=dict(fields),
                style=dict(style),
                classes=classes,
                where=where,
                source_crs=source_crs,
                band=band,
                unit_level=unit_level,
                extra=extra,
            )
        )
    scenarios = _expect(data.get("scenarios", []), list, path, "scenarios", "an array of tables [[scenarios]]", "表数组 [[scenarios]]")
    themes = _expect(data.get("themes", {}), dict, path, "themes", "a table", "表")
    extra = {k: v for k, v in data.items() if k not in _TOP_KEYS}
    if unknown_settings:
        extra["settings"] = unknown_settings
    project = Project(
        name=name,
        crs=crs,
        layers=layers,
        settings=settings,
        metadata=metadata,
        scenarios=copy.deepcopy(scenarios),
        themes=copy.deepcopy(themes),
        extra=extra,
        path=path,
        schema_version=max(version, SCHEMA_VERSION),
    )
    return project, warnings


def read_project(path: str | os.PathLike) -> tuple[Project, list[str]]:
    """Read and validate a project file.

    Returns
    -------
    (Project, list of str)
        The project and the warnings (unknown keys, which are kept).

    Raises
    ------
    ProjectFileError
        The file is missing, not UTF-8, not TOML (the message has line and column), or a
        key has a bad value (the message names the key).
    UnknownRoleError
        A layer names a role that does not exist.
    """
    path = Path(path).absolute()
    if not path.is_file():
        raise ProjectFileError(
            "The project file does not exist.",
            "项目文件不存在。",
            path=path,
            hint_en="Check the path.",
            hint_zh="请检查路径是否正确。",
        )
    try:
        raw = path.read_bytes()
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ProjectFileError(
            "The project file is not UTF-8 text.",
            "项目文件不是 UTF-8 编码的文本。",
            path=path,
            hint_en="Save it as UTF-8 (e.g. in Notepad: Save As, Encoding UTF-8).",
            hint_zh="请以 UTF-8 编码另存（如记事本：另存为，编码选 UTF-8）。",
        ) from None
    except OSError as exc:
        raise ProjectFileError(f"The project file cannot be read ({exc.strerror}).", f"无法读取项目文件（{exc.strerror}）。", path=path) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ProjectFileError(
            f"The project file is not valid TOML: {exc}.",
            f"项目文件不是有效的 TOML 格式：{exc}。",
            path=path,
            hint_en="Fix the syntax at the given line and column.",
            hint_zh="请按提示的行号与列号修正语法。",
        ) from None
    return parse_project(data, path)


# ---------------------------------------------------------------------------- writing
def _relative(p: Path, folder: Path) -> str:
    try:
        rel = os.path.relpath(p, folder)
    except ValueError:  # another drive on Windows
        return p.as_posix()
    return PurePosixPath(*Path(rel).parts).as_posix()


def _drop_none(d: Any) -> Any:
    if isinstance(d, dict):
        return {k: _drop_none(v) for k, v in d.items() if v is not None}
    if isinstance(d, list):
        return [_drop_none(v) for v in d if v is not None]
    return d


def project_to_dict(project: Project, folder: Path) -> dict[str, Any]:
    """The TOML document for ``project`` with sources relative to ``folder``."""
    doc: dict[str, Any] = {"schema_version": max(SCHEMA_VERSION, project.schema_version), "name": project.name}
    if project.crs:
        doc["crs"] = project.crs
    if project.metadata:
        doc["metadata"] = project.metadata
    settings = {**dict(project.extra.get("settings", {})), **project.settings.to_dict()}
    if settings:
        doc["settings"] = settings
    layers = []
    for lyr in project.layers:
        d: dict[str, Any] = {"name": lyr.name, "source": _relative(lyr.source, folder)}
        if lyr.layer:
            d["layer"] = lyr.layer
        if lyr.role:
            d["role"] = lyr.role
        d["visible"] = lyr.visible
        if lyr.encoding:
            d["encoding"] = lyr.encoding
        if lyr.fields:
            d["fields"] = dict(lyr.fields)
        for opt in ("classes", "where", "source_crs", "band", "unit_level"):
            value = getattr(lyr, opt)
            if value is not None:
                d[opt] = dict(value) if isinstance(value, dict) else value
        if lyr.style:
            d["style"] = dict(lyr.style)
        d.update(lyr.extra)
        layers.append(d)
    if layers:
        doc["layers"] = layers
    if project.scenarios:
        doc["scenarios"] = project.scenarios
    if project.themes:
        doc["themes"] = project.themes
    doc.update({k: v for k, v in project.extra.items() if k != "settings"})
    return _drop_none(doc)


def save_project(project: Project, path: str | os.PathLike | None = None) -> Path:
    """Write ``project`` to ``path`` (default: where it came from), atomically.

    A failure while writing leaves the previous file untouched. Paths of layers are
    stored relative to the new location, so "Save as" into another folder keeps working.
    """
    import tomli_w

    target = Path(path).absolute() if path is not None else project.path
    if target is None:
        raise ProjectFileError("The project has no file name yet.", "项目尚未指定文件名。", hint_en="Use Save As.", hint_zh="请使用“另存为”。")
    doc = project_to_dict(project, target.parent)
    text = "# GreenPlan project file; format: docs/project-file.md\n" + tomli_w.dumps(doc)
    write_text_atomic(target, text)
    project.path = target
    return target
