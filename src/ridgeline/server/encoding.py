"""Stage 4 (server): JSON bodies, and download file names.

JSON has no NaN or infinity; a diverged loss must still reach the chart. Non-finite values are
sent as the strings ``"NaN"``, ``"Infinity"`` and ``"-Infinity"`` (what ``Number()`` parses in
the browser), everything else as plain numbers. :class:`DataJSON`, every plugin route's
response class, applies that rule to whatever it is given (hparams values, histogram edges,
mesh vertices, wall times); :class:`JSONBody` sends columns already prepared.
"""

from __future__ import annotations

import math
import urllib.parse
from typing import Any

import numpy as np
import orjson
from fastapi.responses import JSONResponse

_NON_FINITE = {"nan": "NaN", "inf": "Infinity", "-inf": "-Infinity"}


def float_list(values: np.ndarray) -> list[Any]:
    out: list[Any] = values.tolist()
    bad = np.flatnonzero(~np.isfinite(values))
    for i in bad.tolist():
        out[i] = _NON_FINITE[repr(float(values[i]))]
    return out


def json_float(value: float | None) -> float | str | None:
    """One float for JSON: non-finite values as the strings :func:`float_list` uses."""
    if value is None or math.isfinite(value):
        return value
    return _NON_FINITE[repr(float(value))]


def float_column(values: np.ndarray) -> Any:
    """A float column for orjson: the array itself when it can be (no Python float per
    point), as float32 when that loses nothing (shortest repr: "0.1", not
    "0.10000000149011612"), and a list with string non-finites otherwise."""
    if not np.isfinite(values).all():
        return float_list(values)
    as32 = values.astype(np.float32)
    if np.array_equal(as32, values):
        return as32
    return np.ascontiguousarray(values, dtype=np.float64)


def points_json(steps: np.ndarray, wall_times: np.ndarray, values: np.ndarray) -> dict[str, Any]:
    return {
        "step": np.ascontiguousarray(steps, dtype=np.int64),
        "wall_time": float_column(wall_times),
        "value": float_column(values),
    }


def dumps(content: Any) -> bytes:
    return orjson.dumps(content, option=orjson.OPT_SERIALIZE_NUMPY)


class JSONBody(JSONResponse):
    """A JSON response (non-finite floats must already be strings: see :func:`float_list`)."""

    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        # orjson: ~7x faster than json for the float lists of a chart.
        return dumps(content)


def json_safe(content: Any) -> Any:
    """``content`` with every non-finite float (Python, numpy, in arrays) as its string."""
    if isinstance(content, float):
        return content if math.isfinite(content) else _NON_FINITE[repr(content)]
    if isinstance(content, dict):
        return {k: json_safe(v) for k, v in content.items()}
    if isinstance(content, list | tuple):
        return [json_safe(v) for v in content]
    if isinstance(content, np.ndarray):
        return float_column(content) if content.dtype.kind == "f" else content
    if isinstance(content, np.floating):
        return json_safe(float(content))
    return content


class DataJSON(JSONBody):
    """A JSON response that may hold non-finite floats anywhere (see :func:`json_safe`)."""

    def render(self, content: Any) -> bytes:
        return dumps(json_safe(content))


def content_disposition(disposition: str, filename: str) -> str:
    """A ``Content-Disposition`` value for any file name (RFC 6266): an ASCII ``filename``
    for old clients and the exact name, UTF-8 and percent-encoded, as ``filename*``."""
    ascii_name = "".join(c if c.isascii() and (c.isalnum() or c in "-_.") else "_" for c in filename)
    quoted = urllib.parse.quote(filename, safe="")
    return f"{disposition}; filename=\"{ascii_name}\"; filename*=UTF-8''{quoted}"
