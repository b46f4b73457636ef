"""Class mapping (``shared/indicators.md`` v2.2 "Class mapping"): other classifications in.

A layer may carry ``classes``: a preset name, an inline table ``{source value: target}`` or a
two-column CSV file (source value, target). Each source value is replaced by its target
*before* the code lookup; values the mapping does not list pass unchanged. A target is a code
of the project's code system (land use) or a CJJ/T 85-2017 class (green space), or
``ignore``: the feature is then left out of every category (listed with its count and area,
never counted as unknown).

Presets ship in ``resources/standards/classes/``, one CSV per preset and role, every row
citing its source:

========  ================  =====================================================
preset    role              file
========  ================  =====================================================
erdiao    land_use          ``erdiao.csv``: 二调 (GB/T 21010-2007) → 三调 codes
osm       land_use          ``osm.csv``: OSM landuse/natural/leisure values → 三调
osm       green_space       ``osm_green.csv``: OSM values → CJJ/T 85-2017 classes
========  ================  =====================================================

The mapping is applied once per distinct value (a few dozen), so it costs nothing per parcel.
"""

from __future__ import annotations

import csv
import functools
import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from greenplan.core.errors import SettingError
from greenplan.core.resources import resource_path

#: the column each role's classes are read from
CLASS_FIELD = {"land_use": "DLBM", "green_space": "class"}
#: preset name -> role -> file in resources/standards/classes/
PRESETS: dict[str, dict[str, str]] = {
    "erdiao": {"land_use": "erdiao.csv"},
    "osm": {"land_use": "osm.csv", "green_space": "osm_green.csv"},
}
PRESET_LABELS = {
    "erdiao": ("二调编码（GB/T 21010-2007）→ 三调", "2nd survey codes (GB/T 21010-2007) → 3rd survey"),
    "osm": ("OpenStreetMap 地类 → 三调 / 绿地分类", "OpenStreetMap classes → 3rd survey / green-space classes"),
}
IGNORE = "ignore"
#: the column that keeps the value as it was in the file, beside the mapped one
SOURCE_SUFFIX = "_source"


@dataclass(frozen=True)
class ClassMapping:
    """A source value → target table.

    Attributes
    ----------
    name : str
        The preset name, ``table`` (inline) or the CSV file name.
    table : dict
        Normalised source value (see :func:`mapping_key`) → target (upper-cased code, or
        ``ignore``).
    notes : dict
        Normalised source value → the row's Chinese name and note (for the dialog and docs).
    """

    name: str
    table: dict[str, str]
    notes: dict[str, str] = field(default_factory=dict)

    def target(self, value: Any, *, numeric: bool = False) -> str | None:
        """The target of one source value, or None where the mapping does not list it.

        Examples
        --------
        >>> m = load_preset("erdiao", "land_use")
        >>> m.target("031"), m.target(31, numeric=True), m.target("0301")
        ('0301', '0301', None)
        >>> load_preset("osm", "land_use").target("Nature_Reserve")
        'ignore'
        """
        for key in _lookup_keys(value, numeric):
            hit = self.table.get(key)
            if hit is not None:
                return hit
        return None


def mapping_key(value: Any) -> str:
    """A source value as the mapping compares it: stripped text, case-folded."""
    return str(value).strip().casefold()


def _lookup_keys(value: Any, numeric: bool) -> list[str]:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return []
    if numeric or isinstance(value, (int, np.integer, float, np.floating)):
        f = float(value)
        if not f.is_integer():
            return [mapping_key(value)]
        # a number lost its leading zeros: 31 may be written "031" in the table
        digits = str(int(f))
        return [digits, digits.zfill(3), digits.zfill(4)]
    return [mapping_key(value)]


def _target(raw: str) -> str:
    t = raw.strip()
    return IGNORE if t.casefold() == IGNORE else t.upper()


def _bad(what_en: str, what_zh: str, key: str, path: Path | None = None) -> SettingError:
    return SettingError(
        what_en,
        what_zh,
        key=key,
        path=path,
        hint_en="Use a preset (" + ", ".join(PRESETS) + "), a table { value = \"target\" } or a CSV file "
        "with two columns: source value, target.",
        hint_zh="请使用预设（" + "、".join(PRESETS) + "）、映射表 { 原值 = \"目标\" }，或两列（原值、目标）的 CSV 文件。",
    )


def _read_csv(text: str, name: str, path: Path | None, key: str) -> ClassMapping:
    rows = [r for r in csv.reader(io.StringIO(text)) if r and not r[0].lstrip().startswith("#")]
    if rows and rows[0] and rows[0][0].strip().casefold() in ("source", "原值", "value"):
        rows = rows[1:]
    table: dict[str, str] = {}
    notes: dict[str, str] = {}
    for n, r in enumerate(rows, 1):
        if len(r) < 2 or not r[0].strip() or not r[1].strip():
            raise _bad(f"Class mapping {name}: row {n} needs a source value and a target.",
                       f"地类映射 {name}：第 {n} 行需要原值和目标两列。", key, path)
        k = mapping_key(r[0])
        table[k] = _target(r[1])
        notes[k] = "；".join(x.strip() for x in r[2:4] if x.strip())
    return ClassMapping(name=name, table=table, notes=notes)


@functools.cache
def load_preset(name: str, role: str) -> ClassMapping:
    """A shipped preset for ``role`` (cached).

    Raises
    ------
    SettingError
        No such preset, or none for this role.
    """
    files = PRESETS.get(name.strip().lower())
    if files is None or role not in files:
        have = [p for p, roles in PRESETS.items() if role in roles]
        raise _bad(
            f"No class-mapping preset '{name}' for role {role}; presets for it: {', '.join(have) or 'none'}.",
            f"角色 {role} 没有名为“{name}”的地类映射预设；可用预设：{'、'.join(have) or '无'}。",
            f"{role}.classes",
        )
    path = resource_path("standards", "classes", files[role])
    return _read_csv(path.read_text(encoding="utf-8"), name, path, f"{role}.classes")


def resolve_mapping(classes: str | dict[str, str] | None, role: str, folder: Path) -> ClassMapping | None:
    """The mapping a layer declares (``LayerSpec.classes``), or None.

    Parameters
    ----------
    classes : str, dict or None
        A preset name, a CSV path (relative to ``folder``) or an inline table.
    role : str
        ``land_use`` or ``green_space``.
    folder : Path
        The project's folder.

    Raises
    ------
    SettingError
        The role takes no classes, the preset is unknown, or the CSV is missing or malformed.
    """
    if classes is None or classes == "" or classes == {}:
        return None
    key = f"{role}.classes"
    if role not in CLASS_FIELD:
        raise _bad(f"Role {role} has no classes to map (only {', '.join(CLASS_FIELD)}).",
                   f"角色 {role} 没有可映射的地类（仅 {'、'.join(CLASS_FIELD)} 可设置 classes）。", key)
    if isinstance(classes, dict):
        return ClassMapping(name="table", table={mapping_key(k): _target(str(v)) for k, v in classes.items()})
    text = str(classes).strip()
    if text.lower() in PRESETS:
        return load_preset(text.lower(), role)
    if not text.lower().endswith((".csv", ".txt")):
        raise _bad(f"'{text}' is neither a class-mapping preset ({', '.join(PRESETS)}) nor a CSV file.",
                   f"“{text}”既不是地类映射预设（{'、'.join(PRESETS)}），也不是 CSV 文件。", key)
    path = Path(text) if Path(text).is_absolute() else folder / text
    try:
        raw = path.read_bytes()
    except OSError:
        raise _bad(f"The class-mapping file {path} cannot be read.", f"无法读取地类映射文件 {path}。", key, path) from None
    for enc in ("utf-8-sig", "gb18030"):  # Excel on Chinese Windows saves CSV as GBK
        try:
            return _read_csv(raw.decode(enc), path.name, path, key)
        except UnicodeDecodeError:
            continue
    raise _bad(f"The class-mapping file {path} is neither UTF-8 nor GBK text.", f"地类映射文件 {path} 既不是 UTF-8 也不是 GBK 文本。", key, path)  # pragma: no cover - gb18030 decodes any bytes


def apply_mapping(values: pd.Series, mapping: ClassMapping) -> tuple[pd.Series, dict[str, int]]:
    """``values`` with every listed source value replaced by its target.

    Returns
    -------
    (Series, dict)
        The mapped values (object dtype; unlisted values unchanged) and, per target, how many
        features were mapped to it.

    Examples
    --------
    >>> m = ClassMapping("t", {"park": "0810", "nature_reserve": "ignore"})
    >>> out, counts = apply_mapping(pd.Series(["park", "Park", "x", None]), m)
    >>> list(out), counts
    (['0810', '0810', 'x', None], {'0810': 2})
    """
    numeric = pd.api.types.is_numeric_dtype(values.dtype)
    inv, uniq = pd.factorize(values, use_na_sentinel=True)
    mapped = np.empty(len(uniq) + 1, dtype=object)
    counts: dict[str, int] = {}
    per_uniq = np.bincount(inv[inv >= 0], minlength=len(uniq)) if len(uniq) else np.empty(0, dtype=int)
    for i, v in enumerate(uniq):
        t = mapping.target(v, numeric=numeric)
        mapped[i] = v if t is None else t
        if t is not None:
            counts[t] = counts.get(t, 0) + int(per_uniq[i])
    mapped[-1] = None
    out = pd.Series(mapped[np.where(inv < 0, len(uniq), inv)], index=values.index, dtype=object)
    return out, counts


# ------------------------------------------------------------------ which system is it?
_TWO_THREE_DIGITS = re.compile(r"^\d{2,3}$")


def suggest_preset(unknown: dict[str, float], role: str) -> str | None:
    """The preset that would recognise most of the ``unknown`` values (value → area).

    Two- or three-digit codes are 二调 codes (``erdiao``); words that the OSM preset knows
    are OSM classes (``osm``). A preset is suggested when its values hold more than half
    the unknown area.

    Examples
    --------
    >>> suggest_preset({"011": 50.0, "031": 30.0, "X": 1.0}, "land_use")
    'erdiao'
    >>> suggest_preset({"forest": 5.0, "park": 2.0}, "green_space")
    'osm'
    >>> suggest_preset({"ABC": 5.0}, "land_use") is None
    True
    """
    total = sum(unknown.values())
    if total <= 0:
        return None
    scores: dict[str, float] = {}
    for name, roles in PRESETS.items():
        if role not in roles:
            continue
        m = load_preset(name, role)
        if name == "erdiao":
            hit = sum(a for v, a in unknown.items() if _TWO_THREE_DIGITS.match(str(v).strip()))
        else:
            hit = sum(a for v, a in unknown.items() if m.target(v) is not None)
        scores[name] = hit
    best = max(scores, key=lambda k: scores[k]) if scores else None
    return best if best is not None and scores[best] > total / 2 else None


def preset_hint(preset: str, role: str) -> tuple[str, str]:
    """How to declare ``preset`` (English, Chinese), for messages."""
    zh_name = {"erdiao": "二调编码", "osm": "OpenStreetMap 地类"}.get(preset, preset)
    return (
        f"they look like {PRESET_LABELS[preset][1].split(' →')[0]}: set classes = \"{preset}\" on the layer in the "
        f"project (or --set {role}.classes={preset})",
        f"看起来是{zh_name}：在项目中为该图层设置 classes = \"{preset}\"（或 --set {role}.classes={preset}）",
    )


def map_classes(spec: Any, report: Any, gdf: pd.DataFrame, folder: Path, strict: bool) -> pd.DataFrame:
    """Apply the layer's declared ``classes`` to its class column (after the field mapping).

    The file's own values stay in ``<field>_source`` (the attribute table and the notes show
    them). A bad mapping raises :class:`SettingError` (``strict``) or is recorded as an
    ``error`` issue of the layer, which is then loaded unmapped.
    """
    col = CLASS_FIELD.get(spec.role or "")
    try:
        mapping = resolve_mapping(spec.classes, spec.role or "", folder)
    except SettingError as exc:
        if strict:
            raise SettingError(exc.en, exc.zh, path=spec.source, layer=spec.layer or spec.role, key=exc.key,
                               hint_en=exc.hint_en, hint_zh=exc.hint_zh) from None
        report.add("error", "class_mapping", exc.message("en"), exc.message("zh"))
        return gdf
    if mapping is None or col is None or col not in gdf.columns:
        return gdf
    mapped, counts = apply_mapping(gdf[col], mapping)
    gdf = gdf.copy()
    gdf[f"{col}{SOURCE_SUFFIX}"] = gdf[col]
    gdf[col] = mapped
    n = sum(counts.values())
    ignored = counts.get(IGNORE, 0)
    report.checks["class_mapping"] = {"mapping": mapping.name, "mapped": n, "ignored": ignored}
    report.add("info", "class_mapping",
               f"Classes mapped with '{mapping.name}': {n} of {len(gdf)} features"
               + (f" ({ignored} marked ignore: not a land use)" if ignored else "") + ".",
               f"已按“{mapping.name}”映射地类：{len(gdf)} 个要素中 {n} 个"
               + (f"（其中 {ignored} 个标为 ignore：非地类）" if ignored else "") + "。",
               mapping=mapping.name, mapped=n, ignored=ignored)
    return gdf
