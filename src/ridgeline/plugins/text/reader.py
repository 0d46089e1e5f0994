"""Text, read side: a summary value -> the strings and their shape.

Rendering (markdown, sanitizing) happens in the browser; this side only decodes UTF-8 and
reduces tensors of rank > 2 to their first 2-D slice, as TensorBoard does, saying so.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ridgeline.proto import summary_pb2
from ridgeline.tensor_util import to_numpy

# Cells sent per logged text: a response is bounded by the steps a client asks for, never by
# the shape a file declares.
MAX_CELLS = 10_000


@dataclass(frozen=True, slots=True)
class Text:
    shape: list[int]
    strings: list[str]  # row-major
    warning: str


def read_text(value: summary_pb2.Summary.Value) -> Text:
    arr = to_numpy(value.tensor)
    warning = ""
    if arr.ndim > 2:
        warning = f"This text tensor has shape {list(arr.shape)}; showing its first 2-D slice."
        arr = arr[(0,) * (arr.ndim - 2)]
    flat = np.asarray(arr).reshape(-1)
    if flat.size > MAX_CELLS:
        warning = (warning + " " if warning else "") + (
            f"This text has {flat.size:,} cells; showing the first {MAX_CELLS:,}."
        )
        flat = flat[:MAX_CELLS]
    strings = [v.decode("utf-8", "replace") if isinstance(v, bytes) else str(v) for v in flat.tolist()]
    return Text([int(d) for d in arr.shape], strings, warning)
