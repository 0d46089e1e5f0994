"""Text, write side: strings in, Summary proto out (no I/O).

A string tensor of any rank with ``text`` plugin metadata: rank 0 is one markdown document,
ranks 1 and 2 become a table in the dashboard.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ridgeline.plugins.text.metadata import create_summary_metadata
from ridgeline.proto import summary_pb2
from ridgeline.tensor_util import make_tensor


def text_pb(tag: str, data: Any, *, description: str = "") -> summary_pb2.Summary:
    arr = np.asarray(data, dtype=object)
    if arr.size and not all(isinstance(v, (str, bytes)) for v in arr.reshape(-1).tolist()):
        raise TypeError("text must be str or bytes (or an array of them)")
    value = summary_pb2.Summary.Value(
        tag=tag, metadata=create_summary_metadata("", description), tensor=make_tensor(arr)
    )
    return summary_pb2.Summary(value=[value])
