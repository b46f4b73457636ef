"""Role fields: find each field a role reads in a layer and give it its canonical name.

A project maps role fields to the file's names (``fields = { DLBM = "地类编码" }``); without
a mapping the default (survey) name is looked up, case-insensitively, since shapefile
field names are often upper-cased by the tool that wrote them.

OpenStreetMap layers read with GDAL's OSM driver keep the tags that have no column of
their own in ``other_tags``, an hstore text (``"building:levels"=>"5","height"=>"18"``).
A mapping may name such a tag as ``COLUMN:TAG``: ``fields = { height_m = "other_tags:height",
floors = "other_tags:building:levels" }``.
"""

from __future__ import annotations

import re
from pathlib import Path

import geopandas as gpd
import pandas as pd

from greenplan.core.project import LayerSpec
from greenplan.core.roles import FieldSpec, Role
from greenplan.io.report import LayerReport

#: a number with an optional metre unit: "18", "18.5", "18 m", "18米" (OSM height, levels)
_NUMBER = r"^\s*([-+]?\d+(?:\.\d+)?)\s*(?:m|米|metres|meters)?\s*$"


def hstore_tag(values: pd.Series, tag: str) -> pd.Series:
    """The value of ``tag`` in each hstore text of ``values`` (GDAL OSM ``other_tags``), else None.

    Whole-column: one regular expression over the Series. Quotes and backslashes inside
    keys and values are escaped with a backslash, as GDAL writes them.

    Examples
    --------
    >>> s = pd.Series(['"building:levels"=>"5","height"=>"18"', '"name:en"=>"A \\\\"B\\\\""', None])
    >>> hstore_tag(s, "building:levels").tolist()
    ['5', None, None]
    >>> hstore_tag(s, "name:en").tolist()
    [None, 'A "B"', None]
    """
    key = re.escape(tag.replace("\\", "\\\\").replace('"', '\\"'))
    pattern = r'(?:^|,\s*)"' + key + r'"\s*=>\s*"((?:[^"\\]|\\.)*)"'
    if len(values) == 0:
        return pd.Series([], index=values.index, dtype=object)
    found = values.astype("string").str.extract(pattern, expand=False)
    found = found.str.replace(r"\\(.)", r"\1", regex=True)
    return found.astype(object).where(found.notna(), None)


def _tag_field(gdf: gpd.GeoDataFrame, column: str, tag: str, f: FieldSpec, src: str,
               report: LayerReport) -> pd.Series:
    """A role field read from one OSM tag; numbers parsed (``18 m``), others reported."""
    raw = hstore_tag(gdf[column], tag)
    if f.kind not in ("int", "float"):
        return raw
    text = raw.astype("string")
    number = pd.to_numeric(text.str.extract(_NUMBER, expand=False), errors="coerce")
    bad = raw.notna().to_numpy() & number.isna().to_numpy()
    if bad.any():
        examples = ", ".join(f"'{v}'" for v in pd.unique(raw[bad])[:5])
        report.add(
            "warning",
            "tag_not_a_number",
            f"{int(bad.sum())} values of tag {src} are not plain numbers (e.g. {examples}) and are read as unknown "
            f"for {f.name}.",
            f"标签 {src} 有 {int(bad.sum())} 个值不是单纯的数值（如 {examples}），{f.name} 按未知处理。",
            field=f.name,
            count=int(bad.sum()),
        )
    return number.astype("float64")


def map_fields(gdf: gpd.GeoDataFrame, spec: LayerSpec, role: Role, report: LayerReport) -> gpd.GeoDataFrame:
    """Rename mapped/case-variant source fields to the role's canonical names.

    A column that already has a canonical name but is not the mapped source is kept as
    ``NAME_orig``. A source ``COLUMN:TAG`` (no such field, but a field ``COLUMN``) reads
    the tag from the hstore text of ``COLUMN`` (OSM ``other_tags``); int/float fields get
    the tag's leading number. Missing fields are listed in ``report.missing_required`` /
    ``missing_optional``; each missing required one adds a ``missing_field`` problem (a
    layer without any attribute says so once: ``no_attributes``).

    Returns
    -------
    GeoDataFrame
        ``gdf`` with renamed (and tag) columns (the same object when nothing changes).
    """
    cols = [c for c in gdf.columns if c != gdf.geometry.name]
    folded = {str(c).lower(): c for c in cols}
    rename: dict[str, str] = {}
    tags: dict[str, pd.Series] = {}
    for f in role.fields:
        src = spec.source_field(f.name)
        actual = src if src in cols else folded.get(src.lower())
        if actual is None and ":" in src:
            column, _, tag = src.partition(":")
            holder = column if column in cols else folded.get(column.lower())
            if holder is not None and tag:
                tags[f.name] = _tag_field(gdf, holder, tag, f, src, report)
                continue
        if actual is None:
            (report.missing_required if f.required else report.missing_optional).append(f.name)
            continue
        if actual != f.name:
            rename[actual] = f.name
    aside = {c: f"{c}_orig" for c in [*rename.values(), *tags] if c in cols and c not in rename}
    report.renamed = dict(rename) | {f"{spec.source_field(k)}": k for k in tags}
    _missing_issues(cols, spec, role, report)
    if not rename and not tags:
        return gdf
    out = gdf.rename(columns={**aside, **rename})
    for name, values in tags.items():
        out[name] = values  # same index as the layer
    return out


def _missing_issues(cols: list, spec: LayerSpec, role: Role, report: LayerReport) -> None:
    if not report.missing_required:
        return
    if not cols:  # e.g. a GeoJSON whose features have empty "properties": nothing to map
        need = ", ".join(report.missing_required)
        report.add(
            "problem",
            "no_attributes",
            f"The layer has no attribute fields at all (only geometry), so the required fields ({need}) cannot be "
            "mapped. Use a file that carries the attributes, or join them to this one in QGIS.",
            f"该图层没有任何属性字段（只有几何），无法映射必需字段（{need}）。"
            "请使用带属性的文件，或在 QGIS 中为其连接属性。",
            fields=list(report.missing_required),
        )
        return
    have = ", ".join(map(str, cols[:30]))
    for name in report.missing_required:
        src = spec.source_field(name)
        report.add(
            "problem",
            "missing_field",
            f"Layer '{spec.name}' ({Path(str(spec.source)).name}) has no required field '{src}' (role field {name}). "
            f"Fields: {have}. In the app, right-click the layer, choose Layer properties… and map the field; "
            f"on the command line use --set {role.id}.{name}=FIELD (or fields = {{ {name} = \"...\" }} in the project).",
            f"图层“{spec.name}”（{Path(str(spec.source)).name}）缺少必需字段“{src}”（角色字段 {name}）。现有字段：{have}。"
            f"请在图层面板中右键该图层，选择“图层属性…”设置字段对应；命令行可用 --set {role.id}.{name}=字段名"
            f"（或在项目中写 fields = {{ {name} = \"...\" }}）。",
            field=name,
        )
