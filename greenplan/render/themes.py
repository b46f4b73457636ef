"""Map themes: named map definitions (which layers, in which order and style; which indicators).

Five themes ship in ``resources/styles/themes.toml`` (:data:`THEME_IDS`); a project file
changes them, or adds its own, in its ``[themes]`` table. Keys: ``title``, ``title_en``,
``subtitle``, ``layers``, ``styles``, ``indicators``, ``frame`` (what a county sheet's map
shows) and ``frames`` (现状 | 方案 map frames). Plain Python: the desktop canvas
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

_THEME_KEYS = {"title", "title_en", "subtitle", "indicators", "layers", "styles", "frame", "frames"}

#: the map frames a sheet can show side by side (``frames = ["current", "scenario"]``): the
#: small title of each, and whether it draws the scenario's layers
FRAME_KINDS: dict[str, str] = {"current": "现状", "scenario": "方案"}
#: the layers only a ``scenario`` frame draws (a ``current`` frame leaves them out)
SCENARIO_LAYER_KEYS: tuple[str, ...] = ("scenario_greening", "scenario_construction")


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
    frame : tuple of str
        Layers of the theme whose extent a county sheet's map shows (the first with
        features); empty: the whole county. Township sheets show their township.
    frames : tuple of str
        ``("current", "scenario")``: two map frames side by side (现状 | 方案).
    """

    id: str
    title: str
    layers: tuple[ThemeLayer, ...]
    indicators: tuple[str, ...] = ()
    title_en: str = ""
    subtitle: str = ""
    #: layer keys whose extent the main map of a county sheet shows, the first one with
    #: features (``("built_up_area", "urban_boundary")``); empty: the whole county
    frame: tuple[str, ...] = ()
    #: map frames side by side, :data:`FRAME_KINDS` (``("current", "scenario")``); empty: one
    frames: tuple[str, ...] = ()

    @property
    def layer_keys(self) -> tuple[str, ...]:
        return tuple(lyr.key for lyr in self.layers)

    def frame_layers(self, kind: str = "") -> tuple[ThemeLayer, ...]:
        """The layers a map frame of ``kind`` draws: a ``current`` frame leaves out
        :data:`SCENARIO_LAYER_KEYS`; any other kind draws them all.

        Examples
        --------
        >>> t = get_theme("scenario")
        >>> "scenario_greening" in [lyr.key for lyr in t.frame_layers("current")]
        False
        >>> "scenario_greening" in [lyr.key for lyr in t.frame_layers("scenario")]
        True
        """
        if kind != "current":
            return self.layers
        return tuple(lyr for lyr in self.layers if lyr.key not in SCENARIO_LAYER_KEYS)

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
                 title_en=pick("title_en"), subtitle=pick("subtitle"), frame=_frame(theme_id, raw, base, layers),
                 frames=_frames(theme_id, raw, base))


def _keys(theme_id: str, key: str, value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, (list, tuple)) or not all(isinstance(k, str) and k for k in value):
        raise _err(theme_id, key, "Expected a layer key or a list of them.", "应为图层名称或图层名称列表。")
    return tuple(value)


def _frame(theme_id: str, raw: Mapping[str, Any], base: Theme | None, layers: tuple[ThemeLayer, ...]) -> tuple[str, ...]:
    """The ``frame`` keys: given ones must be layers of the theme (so that they are loaded);
    inherited ones are kept where the theme still draws them."""
    keys = {lyr.key for lyr in layers}
    if "frame" not in raw:
        return tuple(k for k in (base.frame if base else ()) if k in keys)
    frame = _keys(theme_id, "frame", raw["frame"])
    missing = [k for k in frame if k not in keys]
    if missing:
        raise _err(theme_id, "frame", f"'{missing[0]}' is not a layer of the theme; frame names the theme's layers "
                   f"({', '.join(sorted(keys))}).",
                   f"“{missing[0]}”不是该专题的图层；frame 应为该专题的图层（{'、'.join(sorted(keys))}）。")
    return frame


def _frames(theme_id: str, raw: Mapping[str, Any], base: Theme | None) -> tuple[str, ...]:
    if "frames" not in raw:
        return base.frames if base else ()
    frames = _keys(theme_id, "frames", raw["frames"]) if raw["frames"] else ()
    bad = [k for k in frames if k not in FRAME_KINDS]
    if bad or len(set(frames)) != len(frames) or len(frames) > 2:
        raise _err(theme_id, "frames", f"Expected at most two different map frames of {', '.join(FRAME_KINDS)}.",
                   f"应为至多两个不同的图框：{'、'.join(f'{k}（{v}）' for k, v in FRAME_KINDS.items())}。")
    return frames


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
