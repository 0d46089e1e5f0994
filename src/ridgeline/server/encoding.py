"""Stage 4 (server): JSON bodies for columnar series.

JSON has no NaN or infinity; a diverged loss must still reach the chart. Non-finite values are
sent as the strings ``"NaN"``, ``"Infinity"`` and ``"-Infinity"`` (what ``Number()`` parses in
the browser), everything else as plain numbers.
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np
from fastapi.responses import Response

_NON_FINITE = {"nan": "NaN", "inf": "Infinity", "-inf": "-Infinity"}


def float_list(values: np.ndarray) -> list[Any]:
    out: list[Any] = values.tolist()
    bad = np.flatnonzero(~np.isfinite(values))
    for i in bad.tolist():
        out[i] = _NON_FINITE[repr(float(values[i]))]
    return out


def points_json(steps: np.ndarray, wall_times: np.ndarray, values: np.ndarray) -> dict[str, Any]:
    return {
        "step": steps.tolist(),
        "wall_time": float_list(wall_times),
        "value": float_list(values),
    }


class JSONBody(Response):
    """A JSON response that refuses bare NaN (callers encode it with :func:`float_list`)."""

    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        return json.dumps(content, allow_nan=False, separators=(",", ":")).encode("utf-8")
