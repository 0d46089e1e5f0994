"""Explanations, read side: a logged value -> header, and per sample the input PNG, the
overlay PNG and the downsampled attribution map."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import numpy as np

from ridgeline.errors import BadData
from ridgeline.proto import summary_pb2
from ridgeline.tensor_util import to_numpy


@dataclass(frozen=True, slots=True)
class Sample:
    input_png: bytes
    overlay_png: bytes
    values: np.ndarray  # [h, w] float32


@dataclass(frozen=True, slots=True)
class Explanation:
    header: dict[str, Any]
    samples: list[Sample]


def read_explanation(value: summary_pb2.Summary.Value) -> Explanation:
    flat = [bytes(b) for b in to_numpy(value.tensor).reshape(-1).tolist()]
    if not flat:
        raise BadData("an explanation without its header")
    try:
        header = json.loads(flat[0])
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BadData(f"explanation header is not JSON: {exc}") from None
    if not isinstance(header, dict) or (len(flat) - 1) % 3:
        raise BadData(f"explanation has {len(flat) - 1} blobs after its header; expected 3 per sample")
    h, w = (int(v) for v in header.get("map_shape", [0, 0]))
    samples = []
    for i in range(1, len(flat), 3):
        values = np.frombuffer(flat[i + 2], dtype="<f4")
        if values.size != h * w:
            raise BadData(f"explanation map has {values.size} values, not {h}x{w}")
        samples.append(Sample(flat[i], flat[i + 1], values.reshape(h, w)))
    return Explanation(header, samples)
