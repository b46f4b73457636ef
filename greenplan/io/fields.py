"""Role fields: find each field a role reads in a layer and give it its canonical name.

A project maps role fields to the file's names (``fields = { DLBM = "地类编码" }``); without
a mapping the default (survey) name is looked up, case-insensitively, since shapefile
field names are often upper-cased by the tool that wrote them.
"""

from __future__ import annotations

import geopandas as gpd

from greenplan.core.project import LayerSpec
from greenplan.core.roles import Role
from greenplan.io.report import LayerReport


def map_fields(gdf: gpd.GeoDataFrame, spec: LayerSpec, role: Role, report: LayerReport) -> gpd.GeoDataFrame:
    """Rename mapped/case-variant source fields to the role's canonical names.

    A column that already has a canonical name but is not the mapped source is kept as
    ``NAME_orig``. Missing fields are listed in ``report.missing_required`` /
    ``missing_optional``; each missing required one adds a ``missing_field`` problem.

    Returns
    -------
    GeoDataFrame
        ``gdf`` with renamed columns (the same object when nothing is renamed).
    """
    cols = [c for c in gdf.columns if c != gdf.geometry.name]
    folded = {str(c).lower(): c for c in cols}
    rename: dict[str, str] = {}
    for f in role.fields:
        src = spec.source_field(f.name)
        actual = src if src in cols else folded.get(src.lower())
        if actual is None:
            (report.missing_required if f.required else report.missing_optional).append(f.name)
            continue
        if actual != f.name:
            rename[actual] = f.name
    aside = {c: f"{c}_orig" for c in rename.values() if c in cols and c not in rename}
    report.renamed = dict(rename)
    for name in report.missing_required:
        src = spec.source_field(name)
        have = ", ".join(map(str, cols[:30])) or "-"
        report.add(
            "problem",
            "missing_field",
            f"Required field '{src}' (role field {name}) is missing. Fields: {have}. "
            f"Map it in the project (fields = {{ {name} = \"...\" }}) or with --set {role.id}.{name}=FIELD.",
            f"缺少必需字段“{src}”（角色字段 {name}）。现有字段：{have}。"
            f"请在项目中映射（fields = {{ {name} = \"...\" }}）或使用 --set {role.id}.{name}=字段名。",
            field=name,
        )
    return gdf.rename(columns={**aside, **rename}) if rename else gdf
