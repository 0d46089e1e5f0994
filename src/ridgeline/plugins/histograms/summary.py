"""Histograms, write side: values in, Summary proto out (no I/O).

Stored TensorBoard's modern way: a float64 tensor ``[k, 3]`` of (left edge, right edge, count)
with ``histograms`` plugin metadata. ``bins="tensorflow"`` (PyTorch's default) uses TensorFlow's
exponential bucket limits (±1e-12·1.1^n up to 1e20, and 0; a value v counts in the bucket
[limit_{i-1}, limit_i), as TensorFlow and PyTorch count it) and keeps the non-empty range, the
outer edges being the data's min and max, as TensorBoard shows legacy histograms. Any numpy
``bins`` (count, rule name or edges) also works; ``tf.summary.histogram``'s default is 30
equal-width buckets.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import numpy as np

from ridgeline.plugins.histograms.metadata import create_summary_metadata
from ridgeline.proto import summary_pb2
from ridgeline.tensor_util import make_tensor

DEFAULT_BUCKET_COUNT = 30


@lru_cache(maxsize=1)
def tensorflow_bucket_limits() -> np.ndarray:
    """TensorFlow's default histogram bucket limits (also PyTorch's ``bins="tensorflow"``)."""
    positive = []
    v = 1e-12
    while v < 1e20:
        positive.append(v)
        v *= 1.1
    pos = np.array(positive)
    return np.concatenate([[-np.finfo(np.float64).max], -pos[::-1], [0.0], pos, [np.finfo(np.float64).max]])


def buckets_from_limits(counts: np.ndarray, limits: np.ndarray, lo: float, hi: float) -> np.ndarray:
    """``[k, 3]`` buckets from counts whose right edges are ``limits``: empty ends dropped, the
    outer edges replaced by the data's ``lo``/``hi`` (what TensorBoard does with legacy data)."""
    nonzero = np.flatnonzero(counts > 0)
    if nonzero.size == 0:
        return np.zeros((0, 3), dtype=np.float64)
    start, end = int(nonzero[0]), int(nonzero[-1])
    inner = np.asarray(limits[start:end], dtype=np.float64)
    lefts = np.concatenate([[lo], inner])
    rights = np.concatenate([inner, [hi]])
    return np.stack([lefts, rights, np.asarray(counts[start : end + 1], dtype=np.float64)], axis=1)


def compute_buckets(values: Any, bins: Any = "tensorflow", max_bins: int | None = None) -> np.ndarray:
    """``[k, 3]`` buckets of the finite entries of ``values``.

    ``max_bins`` merges runs of ``n // max_bins`` neighbouring buckets (the last run padded),
    before empty ends are dropped — PyTorch's rule, so the result is the one it writes.
    """
    data = np.asarray(values, dtype=np.float64).reshape(-1)
    data = data[np.isfinite(data)]
    if isinstance(bins, str) and bins == "tensorflow":
        if data.size == 0:
            return np.zeros((0, 3), dtype=np.float64)
        edges = tensorflow_bucket_limits()
        counts = np.bincount(np.searchsorted(edges, data, side="right"), minlength=edges.size + 1)[
            : edges.size
        ]
        if max_bins is not None and counts.size - 3 > max_bins:
            # counts[i] holds [edges[i-1], edges[i]); PyTorch buckets between the finite limits
            # only (counts[2:-1]), the outer ones (values beyond +-1e20) stay as they are.
            inner, rights = _merge_runs(counts[2:-1], edges[2:-1], max_bins)
            counts = np.concatenate([counts[:2], inner, counts[-1:]])
            edges = np.concatenate([edges[:2], rights, edges[-1:]])
        return buckets_from_limits(counts, edges, float(data.min()), float(data.max()))
    if data.size == 0:
        n = bins if isinstance(bins, int) else DEFAULT_BUCKET_COUNT
        return np.zeros((max(0, n), 3), dtype=np.float64)
    lo, hi = float(data.min()), float(data.max())
    if lo == hi and not isinstance(bins, (list, tuple, np.ndarray)):
        lo, hi = lo - 0.5, hi + 0.5  # one value: buckets around it instead of width zero
    counts, edges = np.histogram(data, bins=bins, range=None if np.ndim(bins) else (lo, hi))
    rights = edges[1:]
    if max_bins is not None and counts.size > max_bins:
        counts, rights = _merge_runs(counts, rights, max_bins)
    lefts = np.concatenate([edges[:1], rights[:-1]])
    return np.stack([lefts, rights, counts.astype(np.float64)], axis=1)


def _merge_runs(counts: np.ndarray, rights: np.ndarray, max_bins: int) -> tuple[np.ndarray, np.ndarray]:
    """Sum runs of ``len // max_bins`` neighbouring buckets; ``rights`` are the buckets' right
    edges, and each run keeps its last bucket's (PyTorch's ``make_histogram`` grouping)."""
    n = counts.size
    run = max(1, n // max(1, int(max_bins)))
    groups = -(-n // run)
    padded = np.zeros(groups * run, dtype=counts.dtype)
    padded[:n] = counts
    merged = padded.reshape(groups, run).sum(axis=1)
    ends = np.minimum((np.arange(groups) + 1) * run, n) - 1
    return merged, np.asarray(rights)[ends]


def tf_buckets(values: Any, bucket_count: int = DEFAULT_BUCKET_COUNT) -> np.ndarray:
    """``[k, 3]`` buckets exactly as ``tf.summary.histogram`` makes them (float64):
    ``bucket_count`` equal-width buckets from the finite min to max, a value on an inner edge
    counted in the bucket to its right and the max in the last; one distinct value gives
    ``bucket_count`` zero-width buckets at it with every count in the last; no values give
    ``bucket_count`` zero rows."""
    count = max(0, int(bucket_count))
    data = np.asarray(values, dtype=np.float64).reshape(-1)
    data = data[np.isfinite(data)]
    if data.size == 0 or count == 0:
        return np.zeros((count, 3), dtype=np.float64)
    lo, hi = float(data.min()), float(data.max())
    if hi == lo:
        counts = np.zeros(count, dtype=np.float64)
        counts[-1] = data.size
        edge = np.full(count, hi)
        return np.stack([edge, edge, counts], axis=1)
    width = (hi - lo) / count
    index = np.minimum(np.floor((data - lo) / width).astype(np.int64), count - 1)
    counts = np.bincount(index, minlength=count).astype(np.float64)
    edges = np.linspace(lo, hi, count + 1)
    edges[-1] = hi
    return np.stack([edges[:-1], edges[1:], counts], axis=1)


def histogram_pb_from_buckets(tag: str, buckets: np.ndarray, *, description: str = "") -> summary_pb2.Summary:
    tensor = make_tensor(np.asarray(buckets, dtype=np.float64).reshape(-1, 3))
    value = summary_pb2.Summary.Value(
        tag=tag, metadata=create_summary_metadata("", description), tensor=tensor
    )
    return summary_pb2.Summary(value=[value])


def histogram_pb(
    tag: str, values: Any, *, bins: Any = "tensorflow", max_bins: int | None = None, description: str = ""
) -> summary_pb2.Summary:
    """A Summary holding the histogram of ``values``."""
    return histogram_pb_from_buckets(tag, compute_buckets(values, bins, max_bins), description=description)


def histogram_raw_pb(
    tag: str,
    min: float,  # noqa: A002 - PyTorch's argument names
    max: float,  # noqa: A002
    bucket_limits: Any,
    bucket_counts: Any,
    *,
    description: str = "",
) -> summary_pb2.Summary:
    """A Summary from precomputed buckets (``bucket_limits[i]`` is bucket i's right edge)."""
    limits = np.asarray(bucket_limits, dtype=np.float64).reshape(-1)
    counts = np.asarray(bucket_counts, dtype=np.float64).reshape(-1)
    if limits.size != counts.size:
        raise ValueError(f"bucket_limits ({limits.size}) and bucket_counts ({counts.size}) differ in length")
    return histogram_pb_from_buckets(
        tag, buckets_from_limits(counts, limits, float(min), float(max)), description=description
    )
