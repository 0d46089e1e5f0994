"""Stage 3 (data): downsampling that keeps extremes.

The series is cut into about ``n/4`` buckets of equal point count. From each bucket we keep
its first and last point, its minimum and maximum, and its first NaN, +inf and -inf: a single
spike (or a divergence to NaN) always survives, unlike TensorBoard's reservoir sampling. The
result is sorted, deterministic, and at most ~``n`` points plus the non-finite ones.
"""

from __future__ import annotations

import numpy as np


def extreme_indices(values: np.ndarray, n: int) -> np.ndarray:
    """Indices of the points kept when drawing ``values`` with about ``n`` points."""
    m = int(values.size)
    if n <= 0 or m <= n:
        return np.arange(m)
    buckets = max(1, n // 4)
    size = -(-m // buckets)
    buckets = -(-m // size)
    padded = np.full(buckets * size, np.nan)
    padded[:m] = values
    v = padded.reshape(buckets, size)
    col = np.arange(size)
    valid = (np.arange(buckets)[:, None] * size + col) < m
    finite = np.isfinite(v)
    imin = np.where(finite, v, np.inf).argmin(axis=1)
    imax = np.where(finite, v, -np.inf).argmax(axis=1)
    last = np.minimum(size, m - np.arange(buckets) * size) - 1
    picks = [np.zeros(buckets, dtype=np.int64), imin, imax, last]
    for special in (np.isnan(v), np.isposinf(v), np.isneginf(v)):
        special &= valid
        has = special.any(axis=1)
        if has.any():
            picks.append(np.where(has, special.argmax(axis=1), 0))
    offsets = np.arange(buckets)[:, None] * size
    idx = (np.stack(picks, axis=1) + offsets).ravel()
    return np.unique(idx[idx < m])
