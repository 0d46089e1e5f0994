"""SmoothGrad (Smilkov et al. 2017) and its squared and variance forms: saliency averaged over
noisy copies of each input — Captum's ``NoiseTunnel(Saliency(model))``.

``stdevs`` is the noise's standard deviation in input units (as Captum; the paper's noise level
is σ / (x_max − x_min)). Copies of one input are adjacent, and the noise is one draw of shape
``(N · nt_samples, ...)``, so ``torch.manual_seed(s)`` before the call reproduces Captum's
draw; ``noise=`` takes the noise instead, shaped ``(N, nt_samples, *inputs.shape[1:])``.
"""

from __future__ import annotations

import torch

from ridgeline.explain._core import Target, batches, input_gradients, prepared, targets_for

NT_TYPES = ("smoothgrad", "smoothgrad_sq", "vargrad")


def smoothgrad(
    model: torch.nn.Module,
    inputs: torch.Tensor,
    target: Target = None,
    *,
    nt_samples: int = 5,
    stdevs: float = 1.0,
    nt_type: str = "smoothgrad",
    abs: bool = True,  # noqa: A002 - Captum's keyword
    noise: torch.Tensor | None = None,
    internal_batch_size: int | None = None,
) -> torch.Tensor:
    """Mean (``"smoothgrad"``), mean of squares (``"smoothgrad_sq"``) or variance
    (``"vargrad"``) of the saliency of ``nt_samples`` noisy copies of each input; ``abs`` as in
    :func:`ridgeline.explain.saliency` (applied per copy, as Captum does). The inputs' shape.

    Args:
        internal_batch_size: at most this many noisy copies per forward pass.
    """
    if nt_type not in NT_TYPES:
        raise ValueError(f"nt_type must be one of {', '.join(NT_TYPES)}, not {nt_type!r}")
    if nt_samples < 1:
        raise ValueError("nt_samples must be at least 1")
    x = inputs.detach()
    n = x.shape[0]
    expanded = x.repeat_interleave(nt_samples, dim=0)
    if noise is None:
        drawn = torch.normal(0.0, torch.full(expanded.shape, float(stdevs), dtype=x.dtype, device=x.device))
    else:
        if tuple(noise.shape) != (n, nt_samples, *x.shape[1:]):
            raise ValueError(
                f"noise must be shaped {(n, nt_samples, *x.shape[1:])}, got {tuple(noise.shape)}"
            )
        drawn = noise.detach().to(x.device, x.dtype).reshape(expanded.shape)
    noisy = expanded + drawn
    with prepared(model):
        targets = targets_for(model, x, target).repeat_interleave(nt_samples)
        grads = []
        for s in batches(noisy.shape[0], internal_batch_size):
            g, _ = input_gradients(model, noisy[s], targets[s])
            grads.append(g.abs() if abs else g)
    attr = torch.cat(grads).reshape(n, nt_samples, *x.shape[1:])
    if nt_type == "smoothgrad":
        return attr.mean(dim=1)
    mean_sq = (attr * attr).mean(dim=1)
    if nt_type == "smoothgrad_sq":
        return mean_sq
    mean = attr.mean(dim=1)
    return mean_sq - mean * mean
