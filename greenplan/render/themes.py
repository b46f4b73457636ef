"""Map themes: named map definitions (which layers, in which order and style; which indicators).

Five themes ship in ``resources/styles/themes.toml`` (:data:`THEME_IDS`); a project file
changes them, or adds its own, in its ``[themes]`` table. Plain Python: the desktop canvas
uses the same definitions.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from greenplan.core.errors import ProjectFileError, SettingError
from greenplan.core.resources import load_resource_toml
from greenplan.render.styles import LayerStyle, resolve_style

THEME_FILE = ("styles", "themes.toml")

#: the shipped themes, in menu order
THEME_IDS: tuple[str, ...] = ("control_lines", "greening", "opportunities", "scenario", "conflicts")

_THEME_KEYS = {"title", "title_en", "subtitle", "indicators", "layers", "styles"}


@dataclass(frozen=True)
class ThemeLayer:
    """One layer of a theme: a role, raster role or analysis-result key, and style overrides."""

    key: str
    style: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Theme:
    """A named map definition.

    Attributes
    ----------
    id : str
        ``control_lines``, ``greening``, ... or a project's own id.
    title : str
        Map name (图名) without the place, e.g. ``三条控制线图``; the sheet title is the
        project name followed by it.
    layers : tuple of ThemeLayer
        Drawn bottom to top.
    indicators : tuple of str
        ``indicators.json`` keys listed in the indicator panel, in this order.
    """

    id: str
    title: str
    layers: tuple[ThemeLayer, ...]
    indicators: tuple[str, ...] = ()
    title_en: str = ""
    subtitle: str = ""

    @property
    def layer_keys(self) -> tuple[str, ...]:
        return tuple(lyr.key for lyr in self.layers)

    def style_for(self, key: str, project_style: Mapping[str, Any] | None = None, *,
                  code_system: str = "sandiao") -> LayerStyle:
        """Resolved style of layer ``key``: default, then the project layer's, then the theme's.

        Examples
        --------
        >>> t = get_theme("control_lines")
        >>> t.style_for("land_use").alpha
        0.35
        >>> t.style_for("land_use", {"alpha": 0.8}).alpha   # the theme has the last word
        0.35
        """
        merged: dict[str, Any] = dict(project_style or {})
        for lyr in self.layers:
            if lyr.key == key:
                merged.update(lyr.style)
        return resolve_style(key, merged, code_system=code_system)


def indicator_labels() -> dict[str, str]:
    """Chinese names of the ``indicators.json`` keys, as every surface names them
    (:func:`greenplan.analysis.wording.indicator_name`)."""
    from greenplan.analysis.wording import indicator_labels as labels

    return {key: lab.zh for key, lab in labels().items()}


def _err(theme_id: str, key: str, en: str, zh: str) -> ProjectFileError:
    return ProjectFileError(
        en, zh, key=f"themes.{theme_id}.{key}",
        hint_en="Fix the theme in the project file's [themes] table.",
        hint_zh="请在项目文件的 [themes] 表中更正该专题设置。",
    )


def _layers(theme_id: str, raw: Any) -> tuple[ThemeLayer, ...]:
    if not isinstance(raw, list):
        raise _err(theme_id, "layers", "Expected a list of layers.", "应为图层列表。")
    out = []
    for i, item in enumerate(raw):
        if isinstance(item, str):
            item = {"key": item}
        if not isinstance(item, Mapping) or not isinstance(item.get("key"), str):
            raise _err(theme_id, f"layers[{i}]", "Expected a layer key or {key = ..., style = {...}}.",
                       "应为图层名称或 {key = ..., style = {...}}。")
        style = item.get("style", {})
        if not isinstance(style, Mapping):
            raise _err(theme_id, f"layers[{i}].style", "Expected a table.", "应为表。")
        out.append(ThemeLayer(item["key"], dict(style)))
    return tuple(out)


def _build(theme_id: str, raw: Mapping[str, Any], base: Theme | None) -> Theme:
    unknown = set(raw) - _THEME_KEYS
    if unknown:
        raise _err(theme_id, sorted(unknown)[0], f"Unknown theme key; valid keys: {', '.join(sorted(_THEME_KEYS))}.",
                   f"未知的专题设置项；可用项：{'、'.join(sorted(_THEME_KEYS))}。")
    if base is None and "layers" not in raw:
        raise _err(theme_id, "layers", "A new theme needs a list of layers.", "新专题需要列出图层（layers）。")
    layers = _layers(theme_id, raw["layers"]) if "layers" in raw else base.layers  # type: ignore[union-attr]
    styles = raw.get("styles", {})
    if not isinstance(styles, Mapping):
        raise _err(theme_id, "styles", "Expected a table {layer key: {style}}.", "应为表 {图层: {样式}}。")
    if styles:
        layers = tuple(ThemeLayer(lyr.key, {**lyr.style, **styles.get(lyr.key, {})}) for lyr in layers)
    indicators = raw.get("indicators", base.indicators if base else ())
    if not isinstance(indicators, (list, tuple)) or not all(isinstance(k, str) for k in indicators):
        raise _err(theme_id, "indicators", "Expected a list of indicator keys.", "应为指标名称列表。")

    def pick(k: str, d: str = "") -> str:
        return str(raw.get(k, getattr(base, k) if base else d))

    return Theme(id=theme_id, title=pick("title", theme_id), layers=layers, indicators=tuple(indicators),
                 title_en=pick("title_en"), subtitle=pick("subtitle"))


def get_theme(theme_id: str, project_themes: Mapping[str, Any] | None = None) -> Theme:
    """The theme ``theme_id``: the shipped definition, changed by the project's ``[themes]``.

    Parameters
    ----------
    theme_id : str
        One of :data:`THEME_IDS` or a theme the project defines.
    project_themes : mapping, optional
        The project file's ``[themes]`` table (``Project.themes``).

    Raises
    ------
    SettingError
        No such theme (the message lists the available ones).
    ProjectFileError
        The project's theme has a bad key or value.

    Examples
    --------
    >>> get_theme("control_lines").layer_keys[-1]
    'admin_units'
    >>> get_theme("greening", {"greening": {"title": "绿化图"}}).title
    '绿化图'
    """
    shipped = load_resource_toml(*THEME_FILE)["themes"]
    project_themes = project_themes or {}
    base = _build(theme_id, shipped[theme_id], None) if theme_id in shipped else None
    if theme_id in project_themes:
        raw = project_themes[theme_id]
        if not isinstance(raw, Mapping):
            raise _err(theme_id, "", "Expected a table.", "应为表。")
        return _build(theme_id, raw, base)
    if base is None:
        valid = list(dict.fromkeys([*THEME_IDS, *project_themes]))
        raise SettingError(
            f"Unknown map theme '{theme_id}'. Available: {', '.join(valid)}.",
            f"未知的专题图“{theme_id}”。可用专题：{'、'.join(valid)}。",
            key="theme",
            hint_en="Choose one of the available themes or define it in the project's [themes].",
            hint_zh="请选择可用的专题，或在项目文件的 [themes] 中定义该专题。",
        )
    return base
