"""Attribute filters of a layer (``where``): OGR SQL only, checked before any feature is read.

A project file may come from someone else, so its filter must not be able to run code or
read other files. Three guards, each enough on its own for the cases it covers:

1. :func:`screen_where` refuses anything that is not a plain condition: a ``;``, a
   comment, a parenthesis closed before it was opened (``1=1) UNION SELECT ...``), SQL
   statement words (``SELECT``, ``UNION``, ``ATTACH``, ``PRAGMA`` ...) and any function
   call other than the few OGR SQL has (``SUBSTR``, ``CONCAT``, ``HSTORE_GET_VALUE``,
   ``CAST``): ``load_extension('x')``, ``readfile('/etc/passwd')`` never get further.
2. :func:`validate_where` compiles the condition with GDAL's own OGR SQL parser against
   an empty in-memory copy of the layer's schema (FlatGeobuf in ``/vsimem``), so a
   syntax error or an unknown field is reported with the layer and the expression before
   the file is touched.
3. The file is then read through ``SELECT * FROM layer WHERE (condition)`` in the OGR SQL
   dialect (:func:`where_sql`), never the SQLite dialect: a GeoPackage receives only
   what GDAL re-writes from its parsed expression, never the user's text.

Damaged files read feature by feature (fiona) and text re-decoded after reading are
filtered afterwards with the same OGR SQL engine (:func:`filter_frame`).
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Sequence
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from greenplan.core.errors import LayerSourceError

#: words that may stand before "(": operators of OGR SQL and its scalar functions
ALLOWED_CALLS = frozenset({"in", "not", "and", "or", "like", "ilike", "between", "is", "escape",
                           "substr", "concat", "hstore_get_value", "cast"})
#: statement words that have no place in a condition
FORBIDDEN_WORDS = frozenset({"select", "from", "union", "intersect", "except", "join", "order", "limit",
                             "offset", "group", "having", "attach", "detach", "pragma", "insert", "update",
                             "delete", "drop", "create", "alter", "with", "into", "values", "vacuum"})
#: single-quoted strings and double-quoted identifiers ('' and "" escape a quote)
_QUOTED = re.compile(r"'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"")
_TOKEN = re.compile(r"'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"|[^\W\d][\w.]*|\d[\w.]*|\S")
_POS = "__gp_pos"
EXAMPLE = "fclass IN ('park','forest')"


def where_error(expr: str, path: Path | None, layer: str | None, en: str, zh: str) -> LayerSourceError:
    """The error for a filter that cannot be used (exit code 2), naming layer and expression."""
    return LayerSourceError(
        f"The attribute filter (where) “{expr}” cannot be used: {en}",
        f"属性过滤条件（where）“{expr}”无法使用：{zh}",
        path=path,
        layer=layer,
        key="where",
        hint_en=f"Write a condition on the file's own field names in OGR SQL, e.g. where = \"{EXAMPLE}\".",
        hint_zh=f"请用文件自身的字段名按 OGR SQL 写条件，例如 where = \"{EXAMPLE}\"。",
    )


def screen_where(expr: str, path: Path | None = None, layer: str | None = None) -> str:
    """Refuse a filter that is not a plain condition; return it stripped.

    Raises
    ------
    LayerSourceError
        Empty, a statement separator or comment, an unbalanced ``)``, a statement word,
        or a call of a function OGR SQL does not have.

    Examples
    --------
    >>> screen_where("  fclass IN ('park', 'forest') ")
    "fclass IN ('park', 'forest')"
    >>> screen_where("name = 'a; b -- (c'")
    "name = 'a; b -- (c'"
    >>> screen_where("load_extension('x') IS NULL")
    Traceback (most recent call last):
    ...
    greenplan.core.errors.LayerSourceError: key where: The attribute filter (where) “load_extension('x') IS NULL” cannot be used: the function 'load_extension' is not allowed (only SUBSTR, CONCAT, HSTORE_GET_VALUE and CAST). What to do: Write a condition on the file's own field names in OGR SQL, e.g. where = "fclass IN ('park','forest')".
    """
    text = expr.strip()
    if not text:
        raise where_error(expr, path, layer, "it is empty.", "条件为空。")
    bare = _QUOTED.sub("''", text)
    if ";" in bare or "--" in bare or "/*" in bare:
        raise where_error(text, path, layer, "a ';' or a comment ('--', '/*') is not allowed in a condition.",
                          "条件中不允许出现“;”或注释（“--”“/*”）。")
    tokens = _TOKEN.findall(text)
    depth = 0
    for k, tok in enumerate(tokens):
        if tok == "(":
            depth += 1
        elif tok == ")":
            depth -= 1
            if depth < 0:
                raise where_error(text, path, layer, "a ')' closes a parenthesis that was never opened.",
                                  "出现了没有对应“(”的“)”。")
        elif tok[0] not in "'\"" and (tok[0].isalpha() or tok[0] == "_"):
            word = tok.lower()
            if word in FORBIDDEN_WORDS:
                raise where_error(text, path, layer, f"'{tok}' is not allowed: only a condition on the layer's fields is.",
                                  f"不允许使用“{tok}”：只能写针对图层字段的条件。")
            if k + 1 < len(tokens) and tokens[k + 1] == "(" and word not in ALLOWED_CALLS:
                raise where_error(text, path, layer,
                                  f"the function '{tok}' is not allowed (only SUBSTR, CONCAT, HSTORE_GET_VALUE and CAST).",
                                  f"不允许调用函数“{tok}”（只能使用 SUBSTR、CONCAT、HSTORE_GET_VALUE、CAST）。")
    return text


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def where_sql(layer: str, expr: str, columns: Sequence[str] = ("*",)) -> str:
    """``SELECT ... FROM "layer" WHERE (expr)`` for the OGR SQL dialect.

    Examples
    --------
    >>> where_sql("土地 利用", "fclass = 'park'")
    'SELECT * FROM "土地 利用" WHERE (fclass = \\'park\\')'
    """
    cols = ", ".join(c if c == "*" else _quote(c) for c in columns)
    return f"SELECT {cols} FROM {_quote(layer)} WHERE ({expr})"


def gdal_reason(exc: Exception) -> str:
    """GDAL's message without the echo of the whole statement."""
    text = " ".join(str(exc).split())
    return text.split(" Occurred around")[0].strip().rstrip(".")


def _run_on_copy(frame: pd.DataFrame, expr: str) -> np.ndarray:
    """Positions of the rows of ``frame`` (attributes only) that OGR SQL's ``expr`` keeps."""
    import pyogrio

    geometry = getattr(frame, "_geometry_column_name", None)
    attrs = pd.DataFrame({str(c): frame[c].to_numpy() for c in frame.columns if c != geometry},
                         index=pd.RangeIndex(len(frame)))
    for col in attrs.columns:
        if attrs[col].dtype == object:  # values fiona gives as lists or dicts: compare as text
            attrs[col] = attrs[col].map(lambda v: v if v is None or isinstance(v, (str, int, float, bool)) else str(v))
    attrs[_POS] = np.arange(len(attrs), dtype=np.int64)
    name = f"gp_where_{uuid.uuid4().hex}"
    tmp = f"/vsimem/{name}.fgb"
    gdf = gpd.GeoDataFrame(attrs, geometry=gpd.GeoSeries([None] * len(attrs), index=attrs.index), crs="EPSG:4326")
    try:
        pyogrio.write_dataframe(gdf, tmp, driver="FlatGeobuf", geometry_type="Unknown", layer_options={"SPATIAL_INDEX": "NO"})
        kept = pyogrio.read_dataframe(tmp, sql=where_sql(name, expr, [_POS]), sql_dialect="OGRSQL", read_geometry=False)
    finally:
        try:
            pyogrio.vsi_unlink(tmp)
        except Exception:  # noqa: BLE001 - nothing written: nothing to remove
            pass
    return np.sort(kept[_POS].to_numpy(dtype=np.int64)) if len(kept) else np.zeros(0, dtype=np.int64)


def validate_where(expr: str, fields: Sequence[str], dtypes: Sequence[str], *, path: Path | None = None,
                   layer: str | None = None) -> str:
    """Screen ``expr`` and compile it with OGR SQL against the layer's (empty) schema.

    Parameters
    ----------
    expr : str
        The condition, on the file's own field names.
    fields, dtypes : sequence of str
        The layer's fields and their pandas dtypes (``pyogrio.read_info``).

    Returns
    -------
    str
        The stripped expression.

    Raises
    ------
    LayerSourceError
        Refused by :func:`screen_where`, or GDAL cannot parse it (syntax error, unknown
        field, type mismatch): the message has GDAL's reason.
    """
    text = screen_where(expr, path, layer)
    import warnings

    empty = pd.DataFrame({str(f): _empty(d) for f, d in zip(fields, dtypes, strict=False)})

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # e.g. a number compared with a word: GDAL's conversion warning
            _run_on_copy(empty, text)
    except Exception as exc:  # noqa: BLE001 - any GDAL failure here is about the expression
        reason = gdal_reason(exc)
        raise where_error(text, path, layer, f"{reason}. Fields of the layer: {', '.join(map(str, fields)) or '-'}.",
                          f"{reason}。图层字段：{'、'.join(map(str, fields)) or '-'}。") from None
    return text


def _empty(dtype: str) -> pd.Series:
    """An empty column of ``dtype`` (text for anything pandas does not know)."""
    try:
        return pd.Series([], dtype=dtype)
    except (TypeError, ValueError):
        return pd.Series([], dtype=object)


def filter_frame(gdf: gpd.GeoDataFrame, expr: str) -> gpd.GeoDataFrame:
    """The rows of ``gdf`` that the OGR SQL condition ``expr`` keeps (order and index kept).

    For frames already in memory (a damaged file read feature by feature, text re-decoded
    after reading): the same engine as the reader's filter, on a copy of the attributes.

    Examples
    --------
    >>> import shapely
    >>> g = gpd.GeoDataFrame({"fclass": ["park", "farmland", "forest"]}, geometry=[shapely.Point(0, 0)] * 3)
    >>> filter_frame(g, "fclass IN ('park', 'forest')").fclass.tolist()
    ['park', 'forest']
    """
    if len(gdf) == 0:
        return gdf
    return gdf.iloc[_run_on_copy(gdf, screen_where(expr))]
