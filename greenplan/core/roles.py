"""The fixed vocabulary of layer roles (``shared/indicators.md``, "Layer roles").

A role says what a layer *is* for the analyses: its Chinese and English label, the
geometry it must have, and the fields it is read for (with the default field names of
the land survey; a project maps other names per layer). Layers without a role are
reference layers: drawn, never analysed.
"""

from __future__ import annotations

from dataclasses import dataclass

from greenplan.core.errors import UnknownRoleError

POLYGON = "polygon"
LINE = "line"
LINE_OR_POLYGON = "line_or_polygon"
RASTER = "raster"

#: geometry types (shapely ``geom_type``) accepted for each role geometry
ACCEPTED_GEOM_TYPES: dict[str, frozenset[str]] = {
    POLYGON: frozenset({"Polygon", "MultiPolygon"}),
    LINE: frozenset({"LineString", "MultiLineString"}),
    LINE_OR_POLYGON: frozenset({"LineString", "MultiLineString", "Polygon", "MultiPolygon"}),
}


@dataclass(frozen=True)
class FieldSpec:
    """A field a role is read for. ``name`` is the default (survey) field name."""

    name: str
    zh: str
    required: bool = False
    kind: str = "str"  # str, int, float, date, bool


@dataclass(frozen=True)
class Role:
    id: str
    zh: str
    en: str
    geometry: str
    fields: tuple[FieldSpec, ...] = ()

    @property
    def is_raster(self) -> bool:
        return self.geometry == RASTER

    def field(self, name: str) -> FieldSpec:
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(name)

    def label(self, lang: str = "zh") -> str:
        return self.zh if lang == "zh" else self.en


_ACTIVITY = FieldSpec("activity_type", "有限人为活动类型")

ROLES: dict[str, Role] = {
    r.id: r
    for r in (
        Role(
            "admin_units",
            "行政区（乡镇/街道）",
            "Administrative units (townships)",
            POLYGON,
            (
                FieldSpec("name", "名称", required=True),
                FieldSpec("code", "代码", required=True),
                FieldSpec("population", "人口", kind="int"),
            ),
        ),
        Role("built_up_area", "建成区", "Built-up area", POLYGON),
        # drawn only in the locator of county sheets (the county among its neighbours)
        Role("region_units", "上级行政区（地市/区县）", "Region (units around the county)", POLYGON,
             (FieldSpec("name", "名称"),)),
        Role(
            "ecological_redline",
            "生态保护红线",
            "Ecological protection red line",
            POLYGON,
            (FieldSpec("name", "名称"),),
        ),
        Role("permanent_farmland", "永久基本农田", "Permanent basic farmland", POLYGON),
        Role("urban_boundary", "城镇开发边界", "Urban development boundary", POLYGON),
        Role(
            "land_use",
            "土地利用现状/规划用地",
            "Land use (survey or plan)",
            POLYGON,
            (
                FieldSpec("DLBM", "地类编码", required=True),
                FieldSpec("BSM", "标识码"),
                FieldSpec("DLMC", "地类名称"),
                FieldSpec("CZCSXM", "城镇村属性码"),
                _ACTIVITY,
            ),
        ),
        Role(
            "green_space",
            "绿地",
            "Green space",
            POLYGON,
            (FieldSpec("class", "绿地分类", required=True), FieldSpec("name", "名称")),
        ),
        Role(
            "idle_land",
            "闲置土地",
            "Idle land",
            POLYGON,
            (
                FieldSpec("parcel_id", "地块编号"),
                FieldSpec("agreed_start", "约定动工日期", kind="date"),
                FieldSpec("actual_start", "实际动工日期", kind="date"),
                FieldSpec("developed_ratio", "已开发面积比例", kind="float"),
                FieldSpec("invested_ratio", "已投资比例", kind="float"),
                FieldSpec("halt_date", "停工日期", kind="date"),
                FieldSpec("status", "处置状态"),
                _ACTIVITY,
            ),
        ),
        Role(
            "buildings",
            "建筑",
            "Buildings",
            POLYGON,
            (
                FieldSpec("height_m", "高度（米）", kind="float"),
                FieldSpec("floors", "层数", kind="int"),
                FieldSpec("roof_type", "屋顶类型"),
                FieldSpec("structure", "结构"),
                FieldSpec("year_built", "建成年份", kind="int"),
                FieldSpec("underground", "地下建筑", kind="bool"),
            ),
        ),
        Role(
            "roads",
            "道路",
            "Roads",
            LINE,
            (FieldSpec("class", "道路等级", required=True), FieldSpec("width_m", "宽度（米）", kind="float")),
        ),
        Role(
            "rivers",
            "河流水系",
            "Rivers",
            LINE_OR_POLYGON,
            (FieldSpec("width_m", "宽度（米）", kind="float"),),
        ),
        Role("vegetation_raster", "植被指数/土地覆盖", "Vegetation index / land cover", RASTER),
        Role("dsm_raster", "数字表面模型", "Digital surface model", RASTER),
    )
}

#: the three control lines (三条控制线)
CONTROL_LINES = ("ecological_redline", "permanent_farmland", "urban_boundary")


def get_role(role_id: str, *, key: str | None = None) -> Role:
    """The role called ``role_id``.

    Raises
    ------
    UnknownRoleError
        ``role_id`` is not in the vocabulary; the message lists the valid ones.

    Examples
    --------
    >>> get_role("ecological_redline").zh
    '生态保护红线'
    """
    try:
        return ROLES[role_id]
    except KeyError:
        valid = ", ".join(ROLES)
        raise UnknownRoleError(
            f"Unknown layer role '{role_id}'. Valid roles: {valid}.",
            f"未知的图层角色“{role_id}”。可用角色：{valid}。",
            key=key,
            hint_en="Fix the role name, or remove the role to keep the layer as a reference layer.",
            hint_zh="请更正角色名称；若仅作参考底图，可删除角色设置。",
        ) from None
