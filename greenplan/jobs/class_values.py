"""The values of a layer's class column, and a class mapping being edited (the class-mapping dialog).

:func:`load_class_values` reads one ``land_use`` / ``green_space`` layer through the project's
loader (working CRS, the layer's filter and field mapping, *without* its class mapping) and
lists each distinct value of the class column (``DLBM`` / ``class``) with its feature count and
area in m². :class:`ClassValues` holds that list and the target of each value, starting from
the layer's current ``classes``; the dialog edits the targets, and :meth:`ClassValues.to_classes`
gives what the project saves: the preset name when the targets are exactly a preset's, else an
inline table of the listed values.

Known and unknown are decided as the data check and the indicators decide them
(:func:`greenplan.jobs.class_check.unknown_mask`), so the share the dialog shows is the share
``greenplan check`` reports after saving.

Values are grouped as the mapping compares them (stripped, case-folded: ``Park`` and ``park``
are one value, with one target). A missing or empty value cannot be mapped; it stays unknown.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from greenplan.core.feedback import Feedback
from greenplan.core.project import LayerSpec, Project
from greenplan.core.resources import load_resource_toml
from greenplan.core.settings import AnalysisSettings

#: the section of ``code_names.toml`` per code system / role
NAME_SECTIONS = {"sandiao": "sandiao", "yongdi2023": "yongdi2023", "green_space": "cjj85"}
#: English labels of the code-table categories (the Chinese ones are in code_tables.toml [labels.zh])
CATEGORY_EN = {"farmland": "farmland", "vegetation": "vegetation", "park_green": "park green",
               "green_space": "green space", "construction": "construction", "residential": "residential",
               "water": "water", "other": "other", "unknown": "unknown code",
               "regional_green": "regional green (20 % cap)", "ignored": "ignored"}
CATEGORY_ZH_EXTRA = {"regional_green": "区域绿地（限 20%）", "ignored": "忽略", "unknown": "未识别代码"}


@dataclass(frozen=True)
class TargetChoice:
    """One code a value can be mapped to.

    Attributes
    ----------
    code : str
        The code (``0301``, ``G1``) or ``ignore``.
    zh, en : str
        Its name in Chinese and English.
    categories : tuple of str
        What the analyses count it as (code-table categories; for green space
        ``park_green``, ``green_space`` or ``regional_green``); empty for ``ignore``.
    """

    code: str
    zh: str
    en: str
    categories: tuple[str, ...]


@dataclass
class ValueRow:
    """One distinct value of the class column.

    Attributes
    ----------
    key : str
        The value as the mapping compares it (:func:`~greenplan.io.class_mapping.mapping_key`);
        ``""`` for missing or empty values.
    text : str
        The value as written in the file (its most frequent spelling).
    raw : object
        One original value (a number stays a number: 二调 codes stored as integers).
    features : int
    area_m2 : float
        Sum of the feature areas in the working CRS.
    raw_known : bool
        Whether the value itself is a recognised code (without any mapping).
    """

    key: str
    text: str
    raw: Any
    features: int
    area_m2: float
    raw_known: bool

    @property
    def mappable(self) -> bool:
        return self.key != ""


@dataclass
class ClassValues:
    """The distinct values of one layer and the targets being edited.

    ``targets`` maps a row's key to its target code, ``ignore``, or None (not mapped: the
    value is read as it is).
    """

    role: str
    column: str
    rows: list[ValueRow]
    settings: AnalysisSettings
    numeric: bool = False
    classes: str | dict[str, str] | None = None
    targets: dict[str, str | None] = field(default_factory=dict)
    initial: dict[str, str | None] = field(default_factory=dict)
    #: the preset that would read most of the unknown values (None: none fits)
    suggested: str | None = None
    #: why the layer's own ``classes`` could not be read ({"en", "zh"}; the targets then start empty)
    mapping_error: dict[str, str] | None = None
    _known: dict[str, bool] = field(default_factory=dict, repr=False, compare=False)

    # ------------------------------------------------------------------ sums
    @property
    def total_area_m2(self) -> float:
        return float(sum(r.area_m2 for r in self.rows))

    @property
    def total_features(self) -> int:
        return int(sum(r.features for r in self.rows))

    def target_known(self, target: str) -> bool:
        """Whether a target code is recognised (``ignore`` is: it is left out, not unknown)."""
        from greenplan.jobs.class_check import unknown_mask

        hit = self._known.get(target)
        if hit is None:
            hit = not bool(unknown_mask(pd.Series([target], dtype=object), self.role, self.settings)[0])
            self._known[target] = hit
        return hit

    def known(self, row: ValueRow) -> bool:
        """Whether the row's features are recognised under the current targets."""
        t = self.targets.get(row.key) if row.mappable else None
        return row.raw_known if t is None else self.target_known(t)

    def unknown_rows(self) -> list[ValueRow]:
        return [r for r in self.rows if not self.known(r)]

    def unknown_share(self) -> float:
        """Share of the layer's area whose value is unknown under the current targets (0–1)."""
        total = self.total_area_m2
        return float(sum(r.area_m2 for r in self.unknown_rows())) / total if total > 0 else 0.0

    # ------------------------------------------------------------------ editing
    def set_target(self, key: str, target: str | None) -> None:
        """Map the value ``key`` to ``target`` (a code, ``ignore``, or None: not mapped)."""
        from greenplan.io.class_mapping import IGNORE

        if key not in self.targets:
            raise KeyError(key)
        t = None if target is None or not str(target).strip() else str(target).strip()
        if t is not None:
            t = IGNORE if t.casefold() == IGNORE else t.upper()
        self.targets[key] = t

    def preset_targets(self, name: str) -> dict[str, str | None]:
        """The target ``name`` gives each listed value (None where the preset does not list it)."""
        from greenplan.io.class_mapping import load_preset

        m = load_preset(name, self.role)
        return {r.key: m.target(r.raw, numeric=self.numeric) for r in self.rows if r.mappable}

    def apply_preset(self, name: str) -> int:
        """Set every value's target to the preset's; returns how many values the preset lists."""
        targets = self.preset_targets(name)
        self.targets.update(targets)
        return sum(t is not None for t in targets.values())

    def presets(self) -> list[str]:
        """The presets there are for this role."""
        from greenplan.io.class_mapping import PRESETS

        return [p for p, roles in PRESETS.items() if self.role in roles]

    def matching_preset(self) -> str | None:
        """The preset whose targets equal the current ones exactly (None: none does)."""
        if all(t is None for t in self.targets.values()):
            return None
        order = self.presets()
        first = [p for p in (self.classes if isinstance(self.classes, str) else None, self.suggested) if p in order]
        for name in dict.fromkeys(first + order):
            if self.preset_targets(name) == self.targets:
                return name
        return None

    def to_classes(self) -> str | dict[str, str] | None:
        """What the layer's ``classes`` becomes: a preset name, an inline table, or None (no mapping).

        The table lists only this layer's values that have a target, keyed by their spelling
        in the file.
        """
        preset = self.matching_preset()
        if preset is not None:
            return preset
        table = {r.text: t for r in self.rows if r.mappable and (t := self.targets.get(r.key)) is not None}
        return table or None

    @property
    def changed(self) -> bool:
        return self.targets != self.initial

    # ------------------------------------------------------------------ choices
    def choices(self) -> list[TargetChoice]:
        """The codes a value can be mapped to (see :func:`target_choices`)."""
        return target_choices(self.role, self.settings)


# ---------------------------------------------------------------------------- known / unknown
def target_categories(code: str, role: str, settings: AnalysisSettings) -> tuple[str, ...]:
    """What the analyses count a target as: code-table categories (land use), or for green space
    ``park_green``/``green_space`` (G1), ``green_space`` (G2, G3, XG …), ``regional_green`` (EG).

    Examples
    --------
    >>> s = AnalysisSettings()
    >>> target_categories("0301", "land_use", s), target_categories("G11", "green_space", s)
    (('vegetation',), ('park_green', 'green_space'))
    >>> target_categories("EG2", "green_space", s), target_categories("ignore", "land_use", s)
    (('regional_green',), ('ignored',))
    """
    from greenplan.analysis.codes import load_code_table, normalize_code
    from greenplan.analysis.context import GS_PREFIXES
    from greenplan.io.class_mapping import IGNORE

    c = str(code).strip()
    if c.casefold() == IGNORE:
        return ("ignored",)
    if role == "land_use":
        return load_code_table(settings.code_system, settings.code_tables).categories_of(normalize_code(c))
    u = c.upper()
    if u.startswith("G1"):
        return ("park_green", "green_space")
    if u.startswith(GS_PREFIXES):
        return ("green_space",)
    if u.startswith("EG"):
        return ("regional_green",)
    return ()


def category_label(category: str, lang: str = "zh") -> str:
    """A category in the interface language (Chinese labels from code_tables.toml [labels.zh])."""
    if lang != "zh":
        return CATEGORY_EN.get(category, category)
    labels = load_resource_toml("standards", "code_tables.toml").get("labels", {}).get("zh", {})
    return str(labels.get(category) or CATEGORY_ZH_EXTRA.get(category, category))


def code_names(section: str) -> dict[str, tuple[str, str]]:
    """``code -> (中文名, English name)`` of one section of ``code_names.toml``."""
    data = load_resource_toml("standards", "code_names.toml").get(section, {})
    return {str(k): (str(v[0]), str(v[1])) for k, v in data.items()}


def target_choices(role: str, settings: AnalysisSettings) -> list[TargetChoice]:
    """The codes a value of a ``role`` layer can be mapped to, in the standard's order.

    Land use: the named codes of the project's code system (``settings.code_system``) that its
    code table recognises; green space: the CJJ/T 85-2017 classes. ``ignore`` is not listed
    (the dialog offers it separately).
    """
    section = NAME_SECTIONS["green_space" if role == "green_space" else settings.code_system]
    out = []
    for code, (zh, en) in code_names(section).items():
        cats = target_categories(code, role, settings)
        if cats:
            out.append(TargetChoice(code, zh, en, cats))
    return out


def code_name(code: str, role: str, settings: AnalysisSettings, lang: str = "zh") -> str:
    """The name of a code in the interface language ("" when the code has no name here)."""
    section = NAME_SECTIONS["green_space" if role == "green_space" else settings.code_system]
    hit = code_names(section).get(str(code).strip().upper())
    return "" if hit is None else hit[0 if lang == "zh" else 1]


# ---------------------------------------------------------------------------- building
def _text(value: Any) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    if isinstance(value, (float, np.floating)) and float(value).is_integer():
        return str(int(value))
    return str(value).strip()


def class_values(gdf: Any, role: str, classes: str | dict[str, str] | None, settings: AnalysisSettings,
                 folder: Path | None = None, column: str | None = None, *, lenient: bool = False) -> ClassValues:
    """The distinct values of a loaded layer's class column and their targets under ``classes``.

    Parameters
    ----------
    gdf : GeoDataFrame
        The layer in a metric CRS, its class column *not* mapped (or mapped with the file's
        values kept in ``<column>_source``, as the loader does).
    role : str
        ``land_use`` or ``green_space``.
    classes : str, dict or None
        The layer's ``classes`` (preset name, inline table or CSV path).
    settings : AnalysisSettings
        Code system and code-table overrides.
    folder : Path, optional
        The project folder (a CSV path is relative to it).
    column : str, optional
        The class column (default: ``DLBM`` for land use, ``class`` for green space).
    lenient : bool
        A ``classes`` that cannot be read (a CSV moved away) gives empty targets and
        ``mapping_error`` instead of raising, so it can be mapped again.

    Raises
    ------
    SettingError
        ``classes`` names an unknown preset or an unreadable CSV (not ``lenient``).
    """
    import shapely

    from greenplan.io.class_mapping import (
        CLASS_FIELD,
        SOURCE_SUFFIX,
        mapping_key,
        resolve_mapping,
        suggest_preset,
    )
    from greenplan.jobs.class_check import unknown_mask

    col = column or CLASS_FIELD[role]
    src = f"{col}{SOURCE_SUFFIX}"
    if gdf is not None and src in gdf.columns:
        values = gdf[src]
    elif gdf is not None and col in gdf.columns:
        values = gdf[col]
    else:
        values = pd.Series([None] * (0 if gdf is None else len(gdf)), dtype=object)
    numeric = bool(pd.api.types.is_numeric_dtype(values.dtype))
    areas = shapely.area(gdf.geometry.to_numpy()) if gdf is not None and len(gdf) else np.zeros(0)
    unknown = unknown_mask(values, role, settings) if len(values) else np.zeros(0, dtype=bool)
    inv, uniq = pd.factorize(values, use_na_sentinel=True)
    n_uniq = len(uniq)
    idx = np.where(inv < 0, n_uniq, inv)  # the last slot: missing values
    counts = np.bincount(idx, minlength=n_uniq + 1)
    sums = np.bincount(idx, weights=areas, minlength=n_uniq + 1) if len(idx) else np.zeros(n_uniq + 1)
    unknown_n = np.bincount(idx, weights=unknown.astype(float), minlength=n_uniq + 1) if len(idx) else np.zeros(n_uniq + 1)
    groups: dict[str, dict[str, Any]] = {}
    for i in range(n_uniq + 1):
        if counts[i] == 0:
            continue
        raw = uniq[i] if i < n_uniq else None
        text = _text(raw)
        key = "" if not text else (text.casefold() if numeric else mapping_key(raw))
        g = groups.get(key)
        if g is None:
            groups[key] = g = {"text": text, "raw": raw, "n": 0, "best": -1, "area": 0.0, "unknown": 0.0}
        if counts[i] > g["best"]:  # the most frequent spelling names the group
            g["text"], g["raw"], g["best"] = text, raw, int(counts[i])
        g["n"] += int(counts[i])
        g["area"] += float(sums[i])
        g["unknown"] += float(unknown_n[i])
    rows = [ValueRow(key=k, text=g["text"], raw=g["raw"], features=g["n"], area_m2=g["area"], raw_known=g["unknown"] == 0)
            for k, g in groups.items()]
    rows.sort(key=lambda r: (-r.area_m2, -r.features, r.text))
    from greenplan.core.errors import SettingError

    mapping_error = None
    try:
        mapping = resolve_mapping(classes, role, folder or Path.cwd())
    except SettingError as exc:
        if not lenient:
            raise
        mapping, mapping_error = None, {"en": exc.message("en"), "zh": exc.message("zh")}
    targets: dict[str, str | None] = {}
    for r in rows:
        if r.mappable:
            targets[r.key] = None if mapping is None else mapping.target(r.raw, numeric=numeric)
    suggested = suggest_preset({r.text: r.area_m2 for r in rows if r.mappable and not r.raw_known}, role)
    return ClassValues(role=role, column=col, rows=rows, settings=settings, numeric=numeric, classes=classes,
                       targets=dict(targets), initial=dict(targets), suggested=suggested,
                       mapping_error=mapping_error)


def load_class_values(project: Project, spec: LayerSpec, *, gdf: Any = None, crs: Any = None,
                      feedback: Feedback | None = None) -> ClassValues:
    """:func:`class_values` of one project layer, read through the project's loader.

    Parameters
    ----------
    project : Project
        The project the layer belongs to (settings, folder, working CRS).
    spec : LayerSpec
        A ``land_use`` or ``green_space`` layer.
    gdf : GeoDataFrame, optional
        The layer as already loaded (the desktop app's copy, working CRS): used instead of
        reading the file again.
    crs : pyproj.CRS or str, optional
        The working CRS to read into (default: the project's, as every command chooses it).
    feedback : Feedback, optional
        Progress and cancel.

    Raises
    ------
    GreenplanError
        The layer cannot be read (missing file, no CRS …). A ``classes`` that cannot be
        read is reported in ``mapping_error``.
    """
    from greenplan.io.loader import load_project, working_crs

    feedback = feedback or Feedback()
    role = spec.role or ""
    if gdf is None:
        feedback.set_text(f"{spec.name}: 读取地类 / reading the classes")
        if crs is None:
            crs = working_crs(project).crs
        if not isinstance(crs, str):
            auth = crs.to_authority(min_confidence=90)
            crs = f"{auth[0]}:{auth[1]}" if auth else crs.to_wkt()
        bare = dataclasses.replace(spec, classes=None)  # the file's own values
        sub = Project(name=project.name, crs=crs, layers=[bare], settings=project.settings, path=project.path)
        # an attribute filter may name fields the role does not declare: then read them all
        loaded = load_project(sub, feedback=feedback, fields_only=not spec.where)
        gdf = loaded.layers[0].gdf
    feedback.check()
    out = class_values(gdf, role, spec.classes, project.settings, project.folder, lenient=True)
    feedback.set_progress(100.0)
    return out


def format_area(m2: float, lang: str = "zh") -> str:
    """An area for the value list: hectares from 1 ha, else m².

    Examples
    --------
    >>> format_area(35000.0), format_area(850.4, "en"), format_area(12_345.0, "en")
    ('3.50 公顷', '850 m²', '1.23 ha')
    """
    if abs(m2) >= 10_000:
        return f"{m2 / 10_000:,.2f} " + ("公顷" if lang == "zh" else "ha")
    return f"{m2:,.0f} m²"


def remap_classes(gdf: Any, role: str, classes: str | dict[str, str] | None, folder: Path | None = None) -> Any:
    """A loaded layer with its class column mapped again under ``classes`` (a new frame).

    The file's values are taken from ``<column>_source`` when the layer was loaded with a
    mapping, else from the column itself; they are kept in ``<column>_source`` as the
    loader does. With ``classes`` None the column gets the file's values back.

    Raises
    ------
    SettingError
        ``classes`` names an unknown preset or an unreadable CSV.
    """
    from greenplan.io.class_mapping import (
        CLASS_FIELD,
        SOURCE_SUFFIX,
        apply_mapping,
        resolve_mapping,
    )

    col = CLASS_FIELD.get(role)
    if gdf is None or col is None or col not in gdf.columns:
        return gdf
    src = f"{col}{SOURCE_SUFFIX}"
    raw = gdf[src] if src in gdf.columns else gdf[col]
    mapping = resolve_mapping(classes, role, folder or Path.cwd())
    out = gdf.copy()
    if mapping is None:
        out[col] = raw
        return out.drop(columns=[src]) if src in out.columns else out
    out[col] = apply_mapping(raw, mapping)[0]
    out[src] = raw
    return out
