"""PR curves, write side: labels and predictions (or raw counts) in, Summary proto out.

Threshold i of n is i / (n - 1). A prediction p falls in bucket ``floor(p * (n - 1))``; the
counts at a threshold are those of the buckets at or above it (weights multiply each example).
Precision and recall divide by ``max(1e-7, denominator)``, so empty thresholds read 0.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ridgeline.plugins.pr_curves.metadata import create_summary_metadata
from ridgeline.proto import summary_pb2
from ridgeline.tensor_util import make_tensor

MINIMUM_COUNT = 1e-7


def pr_data(labels: Any, predictions: Any, num_thresholds: int, weights: Any = None) -> np.ndarray:
    """The ``[6, num_thresholds]`` curve (TP, FP, TN, FN, precision, recall)."""
    if num_thresholds < 2:
        raise ValueError(f"num_thresholds must be at least 2, got {num_thresholds}")
    lab = np.asarray(labels, dtype=np.float64).reshape(-1)
    pred = np.asarray(predictions, dtype=np.float64).reshape(-1)
    if lab.shape != pred.shape:
        raise ValueError(f"labels ({lab.size}) and predictions ({pred.size}) must have the same size")
    if pred.size and (np.nanmin(pred) < 0 or np.nanmax(pred) > 1):
        raise ValueError("predictions must lie in [0, 1]")
    w = (
        np.ones_like(pred)
        if weights is None
        else np.broadcast_to(np.asarray(weights, dtype=np.float64).reshape(-1), pred.shape)
    )
    lab = (lab > 0).astype(np.float64)
    idx = np.floor(np.nan_to_num(pred) * (num_thresholds - 1)).astype(np.int64)
    tp_b = np.bincount(idx, weights=lab * w, minlength=num_thresholds)
    fp_b = np.bincount(idx, weights=(1.0 - lab) * w, minlength=num_thresholds)
    tp = np.cumsum(tp_b[::-1])[::-1]
    fp = np.cumsum(fp_b[::-1])[::-1]
    return raw_data(tp, fp, fp[0] - fp, tp[0] - tp)


def raw_data(tp: Any, fp: Any, tn: Any, fn: Any, precision: Any = None, recall: Any = None) -> np.ndarray:
    tp, fp, tn, fn = (np.asarray(a, dtype=np.float64).reshape(-1) for a in (tp, fp, tn, fn))
    if precision is None:
        precision = tp / np.maximum(MINIMUM_COUNT, tp + fp)
    if recall is None:
        recall = tp / np.maximum(MINIMUM_COUNT, tp + fn)
    rows = [
        tp,
        fp,
        tn,
        fn,
        np.asarray(precision, dtype=np.float64).reshape(-1),
        np.asarray(recall, dtype=np.float64).reshape(-1),
    ]
    if len({r.size for r in rows}) != 1:
        raise ValueError(f"all six PR arrays need the same length, got {[r.size for r in rows]}")
    return np.stack(rows).astype(np.float32)


def pr_curve_pb(
    tag: str, data: np.ndarray, *, description: str = "", num_thresholds: int | None = None
) -> summary_pb2.Summary:
    """A Summary holding a ``[6, n]`` curve from :func:`pr_data` or :func:`raw_data`
    (``num_thresholds`` in the metadata: ``n`` unless given)."""
    value = summary_pb2.Summary.Value(
        tag=tag,
        metadata=create_summary_metadata(
            int(data.shape[1]) if num_thresholds is None else int(num_thresholds), "", description
        ),
        tensor=make_tensor(data),
    )
    return summary_pb2.Summary(value=[value])
