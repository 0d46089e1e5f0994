"""Histograms, read side: a summary value -> ``[k, 3]`` buckets, and buckets -> percentiles.

Forms: the modern ``[k, 3]`` tensor (TF2, Keras, Ridgeline) and the legacy ``HistogramProto``
(TF1, PyTorch, tensorboardX), converted the way TensorBoard does (empty end buckets dropped,
outer edges set to the data's min and max). ``percentiles`` gives the distributions view its
bands: values at basis points 0, 668, 1587, 3085, 5000, 6915, 8413, 9332, 10000 (min, ±1.5σ,
±1σ, ±0.5σ of a normal, median, max), interpolating linearly inside a bucket.
"""

from __future__ import annotations

import numpy as np

from ridgeline.plugins.histograms.summary import buckets_from_limits
from ridgeline.proto import summary_pb2
from ridgeline.tensor_util import to_numpy

BASIS_POINTS = (0, 668, 1587, 3085, 5000, 6915, 8413, 9332, 10000)


def read_buckets(value: summary_pb2.Summary.Value) -> np.ndarray:
    if value.WhichOneof("value") == "histo":
        h = value.histo
        return buckets_from_limits(np.asarray(h.bucket), np.asarray(h.bucket_limit), h.min, h.max)
    arr = to_numpy(value.tensor).astype(np.float64)
    return arr.reshape(-1, 3) if arr.size else np.zeros((0, 3))


def percentiles(buckets: np.ndarray) -> list[float] | None:
    """Values at :data:`BASIS_POINTS` of the distribution (None when the histogram is empty)."""
    counts = buckets[:, 2]
    total = float(counts.sum())
    if buckets.shape[0] == 0 or total <= 0:
        return None
    cum = np.concatenate([[0.0], np.cumsum(counts)])
    out = []
    for bp in BASIS_POINTS:
        target = total * bp / 10000.0
        i = int(np.searchsorted(cum, target, side="left"))
        i = min(max(i, 1), buckets.shape[0])
        left, right, count = buckets[i - 1]
        frac = 0.0 if count <= 0 else (target - cum[i - 1]) / count
        out.append(float(left + (right - left) * min(max(frac, 0.0), 1.0)))
    return out
