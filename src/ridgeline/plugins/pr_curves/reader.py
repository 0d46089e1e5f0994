"""PR curves, read side: a summary value -> the six rows of the curve, with thresholds."""

from __future__ import annotations

import numpy as np

from ridgeline.plugins.pr_curves.metadata import ROWS
from ridgeline.proto import summary_pb2
from ridgeline.tensor_util import to_numpy


def read_curve(value: summary_pb2.Summary.Value) -> dict[str, list[float]]:
    arr = to_numpy(value.tensor).astype(np.float64).reshape(len(ROWS), -1)
    n = arr.shape[1]
    out = {name: arr[i].tolist() for i, name in enumerate(ROWS)}
    out["thresholds"] = (np.arange(n) / max(1, n - 1)).tolist()
    return out
