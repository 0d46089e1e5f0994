"""Occlusion (Zeiler & Fergus 2014): how much each target score drops when a window of the
input is replaced by a baseline — Captum's ``Occlusion``.

Windows start at ``0, s, 2s, ...`` in each dimension (``ceil((D − w) / s) + 1`` of them; the
last one may hang over the edge and is cropped); each element's attribution is the mean of
``F(x) − F(x with the window occluded)`` over the windows covering it. Costs one forward pass
per window position per input, batched by ``internal_batch_size``.
"""

from __future__ import annotations

import itertools
import math

import torch

from ridgeline.explain._core import Target, batches, forward, prepared, resolve_targets, select


def occlusion(
    model: torch.nn.Module,
    inputs: torch.Tensor,
    target: Target = None,
    *,
    window: tuple[int, ...],
    strides: int | tuple[int, ...] | None = None,
    baseline: float | torch.Tensor = 0.0,
    internal_batch_size: int | None = 64,
) -> torch.Tensor:
    """Occlusion attributions, the inputs' shape.

    Args:
        window: the occluding window over every dimension after the batch (e.g. ``(3, 8, 8)``
            for RGB images: include the channels).
        strides: the step of the window per dimension (an int for all; default 1).
        baseline: the value put in the window (a number or a tensor broadcasting to one input).
        internal_batch_size: occluded copies per forward pass.
    """
    x = inputs.detach()
    dims = tuple(x.shape[1:])
    window = tuple(int(w) for w in window)
    if len(window) != len(dims):
        raise ValueError(f"window {window} must give one size per input dimension {dims}")
    step = (
        (1,) * len(dims)
        if strides is None
        else ((int(strides),) * len(dims) if isinstance(strides, int) else tuple(int(s) for s in strides))
    )
    if len(step) != len(dims):
        raise ValueError(f"strides {step} must give one step per input dimension {dims}")
    for d, w, s in zip(dims, window, step, strict=True):
        if w > d:
            raise ValueError(f"window {window} is larger than the input {dims}")
        if s < 1 or (w < d and s > w):
            raise ValueError(f"strides {step} must be >= 1 and no larger than the window {window}")
    starts = [
        [k * s for k in range(math.ceil((d - w) / s) + 1)] for d, w, s in zip(dims, window, step, strict=True)
    ]
    masks = []
    for corner in itertools.product(*starts):
        m = torch.zeros(dims, dtype=torch.bool, device=x.device)
        m[tuple(slice(c, c + w) for c, w in zip(corner, window, strict=True))] = True
        masks.append(m)
    mask = torch.stack(masks)  # [windows, *dims]
    base = torch.as_tensor(baseline, dtype=x.dtype, device=x.device)
    n, k = x.shape[0], mask.shape[0]
    with prepared(model), torch.no_grad():
        output = forward(model, x)
        targets = resolve_targets(target, output)
        full = select(output, targets)
        total = torch.zeros_like(x)
        # every (row, window) pair, in chunks
        for chunk in batches(n * k, internal_batch_size):
            idx = torch.arange(chunk.start, chunk.stop, device=x.device)
            rows, wins = idx // k, idx % k
            m = mask[wins]
            occluded = torch.where(m, base.expand_as(x[rows]), x[rows])
            drop = full[rows] - select(forward(model, occluded), targets[rows])
            contrib = m.to(x.dtype) * drop.reshape((-1,) + (1,) * len(dims))
            total.index_add_(0, rows, contrib)
        coverage = mask.to(x.dtype).sum(dim=0)
    return total / coverage.clamp(min=1)
