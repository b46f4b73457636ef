"""The project's own properties as the properties dialog edits them, without Qt.

:class:`ProjectProps` holds the editable values as text (what the dialog's fields show):
name, the map-footer metadata (``[metadata]``: organisation, data source ...), the working
CRS (``None``: automatic), the threshold scheme, ``as_of`` and the code system.
:func:`apply_props` checks them and applies every change as ONE undoable command on the
project's undo stack, so Edit → Undo reverts the whole dialog at once.

Examples
--------
>>> from greenplan.app.project_state import ProjectState
>>> state = ProjectState()
>>> props = ProjectProps.from_project(state.project)
>>> props.name, props.crs
('未命名项目', None)
>>> props.name = "示范县"; props.metadata["organisation"] = "示范县自然资源局"; props.crs = "4544"
>>> apply_props(state, props)
True
>>> state.project.name, state.project.crs, state.project.metadata["organisation"]
('示范县', 'EPSG:4544', '示范县自然资源局')
>>> state.undo()
>>> state.project.name, state.project.crs, state.project.metadata
('未命名项目', None, {})
"""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from greenplan.core.errors import GreenplanError, SettingError
from greenplan.core.project import Project

#: the ``[metadata]`` keys the dialog edits (the demo project's; map footers print them)
METADATA_KEYS = ("organisation", "data_source", "coordinate_system", "height_datum", "date", "note")

#: code systems of land-use codes (``settings.code_system``): id -> (English, Chinese)
CODE_SYSTEMS = {
    "sandiao": ("Third national land survey (Sandiao)", "第三次全国国土调查（三调）"),
    "yongdi2023": ("Land and sea use classification 2023", "国土空间调查、规划、用途管制用地用海分类（2023）"),
}


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return "；".join(str(v) for v in value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()[:10]
    return str(value)


def parse_date(text: str, key: str) -> dt.date | None:
    """``YYYY-MM-DD`` (blank: None).

    Raises
    ------
    SettingError
        Not a date; the message names the field.
    """
    text = text.strip()
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise SettingError(
            f"'{text}' is not a date.",
            f"“{text}”不是有效日期。",
            key=key,
            hint_en="Write the date as YYYY-MM-DD, e.g. 2026-06-30.",
            hint_zh="请按 年-月-日 填写，例如 2026-06-30。",
        ) from None


def normalize_crs(text: str | None) -> str | None:
    """The working CRS as stored (``EPSG:4544``); blank: None (automatic).

    Raises
    ------
    CRSError
        Unknown, or not a projected CRS in metres (:func:`greenplan.io.crs.parse_crs`).
    """
    from greenplan.io.crs import crs_label, parse_crs

    text = (text or "").strip()
    if not text:
        return None
    crs = parse_crs(text, key="crs")
    auth = crs.to_authority(min_confidence=90)
    return crs_label(crs) if auth else text


def crs_choices() -> list[tuple[str, str, str]]:
    """The working CRSs offered in the list: ``(code, English label, Chinese label)``.

    CGCS2000 3° Gauss-Kruger zones without zone prefix (EPSG:4534–4554) then with it
    (EPSG:4513–4533). The geographic CGCS2000 (EPSG:4490) is not offered: areas need metres.

    Examples
    --------
    >>> crs_choices()[10]
    ('EPSG:4544', 'CGCS2000 / 3-degree GK CM 105E', 'CGCS2000 3度带 中央经线 105°E')
    >>> len(crs_choices())
    42
    """
    out = []
    for i in range(21):
        cm = 75 + 3 * i
        out.append((f"EPSG:{4534 + i}", f"CGCS2000 / 3-degree GK CM {cm}E", f"CGCS2000 3度带 中央经线 {cm}°E"))
    for i in range(21):
        zone, cm = 25 + i, 75 + 3 * i
        out.append((f"EPSG:{4513 + i}", f"CGCS2000 / 3-degree GK zone {zone} (CM {cm}E)",
                    f"CGCS2000 3度带 带号 {zone}（中央经线 {cm}°E，坐标带带号前缀）"))
    return out


def crs_text(crs: Any, lang: str = "zh") -> str:
    """The working CRS as the status bar shows it: ``2000国家大地坐标系 高斯-克吕格投影 3度带
    中央经线105°E（EPSG:4544）`` in Chinese (the map footer's words), the pyproj name in English.

    Examples
    --------
    >>> crs_text("EPSG:4544", "en")
    'CGCS2000 / 3-degree Gauss-Kruger CM 105E (EPSG:4544)'
    >>> crs_text(None)
    ''
    """
    if crs is None:
        return ""
    from pyproj import CRS

    c = CRS.from_user_input(crs)
    from greenplan.render.mapsheet import describe_crs, proj_text

    if lang == "zh":
        return describe_crs(c)
    epsg = c.to_epsg()
    if c.name in ("", "unknown"):  # unnamed (a PROJ string, a bare .prj): custom, and what it equals
        return f"custom CRS (equivalent to EPSG:{epsg} {CRS.from_epsg(epsg).name})" if epsg else \
            f"custom CRS ({proj_text(c)})"
    return f"{c.name} (EPSG:{epsg})" if epsg else c.name


def scheme_choices(lang: str = "zh") -> list[tuple[str, str]]:
    """Threshold schemes of ``resources/standards/thresholds.toml``: ``(id, name in lang)``."""
    from greenplan.analysis.thresholds import scheme_name
    from greenplan.core.resources import load_resource_toml

    schemes = load_resource_toml("standards", "thresholds.toml").get("schemes", {})
    return [(sid, scheme_name(sid, lang)) for sid in schemes]


def automatic_crs(project: Project) -> tuple[str, str]:
    """The CRS "automatic" picks for ``project`` and why: ``(label, bilingual note)``.

    What :func:`greenplan.io.loader.working_crs` chooses with the project's own CRS unset
    (reads the layers' file headers: a few milliseconds a layer). On an error the label is
    empty and the note says what went wrong.
    """
    from greenplan.io.crs import crs_label
    from greenplan.io.loader import working_crs

    try:
        choice = working_crs(dataclasses.replace(project, crs=None, layers=list(project.layers)))
    except GreenplanError as exc:
        return "", exc.bilingual()
    return crs_label(choice.crs) or "", choice.note


@dataclass
class ProjectProps:
    """The editable project properties, as text (see the module docstring)."""

    name: str = ""
    metadata: dict[str, str] = field(default_factory=dict)
    #: None or blank: automatic (chosen from the layers)
    crs: str | None = None
    scheme: str = "gbt50563"
    as_of: str = ""
    code_system: str = "sandiao"

    @classmethod
    def from_project(cls, project: Project) -> ProjectProps:
        s = project.settings
        return cls(
            name=project.name,
            metadata={k: _text(project.metadata.get(k)) for k in METADATA_KEYS},
            crs=project.crs,
            scheme=s.scheme,
            as_of=_text(s.as_of),
            code_system=s.code_system,
        )


@dataclass
class _Values:
    name: str
    metadata: dict[str, Any]
    crs: str | None
    settings: Any


def _checked(project: Project, props: ProjectProps) -> _Values:
    """The project's new values, or the first error (bilingual, naming the field)."""
    from greenplan.analysis.thresholds import load_scheme
    from greenplan.core.settings import coerce_setting

    name = props.name.strip() or project.name
    metadata = copy.deepcopy(project.metadata)
    for key in METADATA_KEYS:
        text = (props.metadata.get(key) or "").strip()
        if text == _text(project.metadata.get(key)).strip():
            continue  # unchanged: keep the value as it was (a list, a date)
        if key == "date":
            value: Any = parse_date(text, "metadata.date")
        else:
            value = text or None
        if value is None:
            metadata.pop(key, None)
        else:
            metadata[key] = value
    crs = normalize_crs(props.crs)
    if crs is not None and project.crs is not None and crs == normalize_crs(project.crs):
        crs = project.crs  # the same CRS written another way: keep the file's spelling
    code_system = coerce_setting("code_system", props.code_system, source="settings")
    load_scheme(props.scheme, project.settings.thresholds)  # raises SettingError naming the scheme
    settings = dataclasses.replace(
        project.settings, scheme=props.scheme, code_system=code_system, as_of=parse_date(props.as_of, "settings.as_of")
    )
    return _Values(name, metadata, crs, settings)


def check_props(project: Project, props: ProjectProps) -> None:
    """Raise the first problem of ``props`` (a :class:`GreenplanError`), else nothing."""
    _checked(project, props)


def apply_props(state: Any, props: ProjectProps) -> bool:
    """Apply ``props`` to ``state.project`` as one command on ``state.undo_stack``.

    ``state`` is a :class:`~greenplan.app.project_state.ProjectState`. Events: ``name_changed``
    when the name changed (window titles), ``layers_changed`` when the working CRS changed
    (the views choose their CRS again, as after a layer change). Returns False (and pushes
    nothing) when nothing changed.

    Raises
    ------
    CRSError, SettingError
        A bad CRS, date, scheme or code system; nothing is changed.
    """
    project = state.project
    new = _checked(project, props)
    old = _Values(project.name, project.metadata, project.crs, project.settings)
    if (new.name, new.metadata, new.crs, new.settings) == (old.name, old.metadata, old.crs, old.settings):
        return False

    def put(v: _Values) -> None:
        renamed = project.name != v.name
        moved = project.crs != v.crs
        project.name = v.name
        project.metadata = v.metadata
        project.crs = v.crs
        project.settings = v.settings
        if renamed:
            state.events.name_changed(name=v.name)
        if moved:
            state.events.layers_changed()

    state.undo_stack.push(_command(lambda: put(new), lambda: put(old)))
    return True


def _command(redo, undo):
    from greenplan.app.undo import Command

    return Command("Project properties", redo, undo, "修改项目属性")
