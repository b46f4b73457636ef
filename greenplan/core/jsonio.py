"""JSON output shared by every layer: numpy scalars, dates and paths as plain values."""

from __future__ import annotations

import datetime as dt
import json
import math
from pathlib import Path
from typing import Any


def json_default(o: Any) -> Any:
    """``json.dumps(default=...)`` for numpy scalars, dates and paths (NaN becomes null)."""
    import numpy as np

    if isinstance(o, np.integer):
        return int(o)
    if isinstance(o, np.floating):
        return None if np.isnan(o) else float(o)
    if isinstance(o, np.bool_):
        return bool(o)
    if isinstance(o, (dt.date, dt.datetime)):
        return o.isoformat()
    if isinstance(o, Path):
        return str(o)
    if isinstance(o, (set, frozenset, tuple)):
        return list(o)
    raise TypeError(f"not JSON serialisable: {type(o).__name__}")


def _clean(o: Any) -> Any:
    if isinstance(o, float) and not math.isfinite(o):
        return None
    if isinstance(o, dict):
        return {k: _clean(v) for k, v in o.items()}
    if isinstance(o, (list, tuple)):
        return [_clean(v) for v in o]
    return o


def dumps(obj: Any, indent: int | None = 1) -> str:
    """UTF-8 JSON text, Chinese kept readable, NaN/inf written as null (valid JSON)."""
    return json.dumps(_clean(obj), ensure_ascii=False, indent=indent, default=json_default, allow_nan=False)
