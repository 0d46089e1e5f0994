"""Integrated Gradients (Sundararajan et al. 2017): ``(x − b) · ∫₀¹ ∂F(b + α(x − b))/∂x dα``,
the integral approximated as Captum's ``IntegratedGradients`` does.

Unlike tf-explain (which averages path gradients and never multiplies by ``x − b``), the
attributions add up to ``F(x) − F(b)`` as the number of steps grows (completeness).
"""

from __future__ import annotations

import numpy as np
import torch

from ridgeline.explain._core import Target, batches, input_gradients, prepared, targets_for

METHODS = ("gausslegendre", "riemann_left", "riemann_right", "riemann_middle", "riemann_trapezoid")


def path_points(n_steps: int, method: str = "gausslegendre") -> tuple[list[float], list[float]]:
    """(alphas, weights) of the approximation: Gauss–Legendre nodes and weights scaled to
    [0, 1], or Riemann sums of step 1/n (the trapezoid's ends halved over ``linspace(0, 1, n)``,
    so its weights add up to 1 − 1/n, as in Captum)."""
    if method == "gausslegendre":
        if n_steps < 1:
            raise ValueError("n_steps must be at least 1")
        nodes, w = np.polynomial.legendre.leggauss(n_steps)
        return (0.5 * (1 + nodes)).tolist(), (0.5 * w).tolist()
    if method not in METHODS:
        raise ValueError(f"method must be one of {', '.join(METHODS)}, not {method!r}")
    if n_steps < 2:
        raise ValueError("Riemann methods need n_steps >= 2")
    n = n_steps
    weights = [1.0 / n] * n
    if method == "riemann_trapezoid":
        weights[0] /= 2
        weights[-1] /= 2
        alphas = torch.linspace(0, 1, n)
    elif method == "riemann_left":
        alphas = torch.linspace(0, 1 - 1 / n, n)
    elif method == "riemann_middle":
        alphas = torch.linspace(1 / (2 * n), 1 - 1 / (2 * n), n)
    else:
        alphas = torch.linspace(1 / n, 1, n)
    return alphas.tolist(), weights


def integrated_gradients(
    model: torch.nn.Module,
    inputs: torch.Tensor,
    target: Target = None,
    *,
    baselines: float | torch.Tensor | None = None,
    n_steps: int = 50,
    method: str = "gausslegendre",
    internal_batch_size: int | None = None,
) -> torch.Tensor:
    """Integrated Gradients, the inputs' shape.

    Args:
        baselines: None (zeros), a number, or a tensor of the inputs' shape (or one row that
            broadcasts).
        n_steps: points on the path.
        method: ``"gausslegendre"`` (default), ``"riemann_left"``, ``"riemann_right"``,
            ``"riemann_middle"`` or ``"riemann_trapezoid"``.
        internal_batch_size: at most this many path points (rows × steps) per forward pass,
            so memory stays bounded (default: one pass of ``N · n_steps`` rows).
    """
    x = inputs.detach()
    if baselines is None:
        base = torch.zeros_like(x)
    elif isinstance(baselines, torch.Tensor):
        base = baselines.detach().to(x.device, x.dtype).expand_as(x)
    else:
        base = torch.full_like(x, float(baselines))
    alphas, weights = path_points(n_steps, method)
    n = x.shape[0]
    a = torch.tensor(alphas, dtype=x.dtype, device=x.device)
    w = torch.tensor(weights, dtype=x.dtype, device=x.device)
    shape = (-1,) + (1,) * x.dim()
    delta = x - base
    total = torch.zeros_like(x)
    with prepared(model):
        targets = targets_for(model, x, target)
        # whole steps at a time (every row of a step in one pass), as many as fit in
        # internal_batch_size; a step's rows are split only when one step does not fit
        per_pass = n_steps if not internal_batch_size else max(1, internal_batch_size // n)
        for first in range(0, n_steps, per_pass):
            k = min(per_pass, n_steps - first)
            points = (base.unsqueeze(0) + a[first : first + k].reshape(shape) * delta.unsqueeze(0)).reshape(
                k * n, *x.shape[1:]
            )
            rows_targets = targets.repeat(k)
            grads = [
                input_gradients(model, points[s], rows_targets[s])[0]
                for s in batches(
                    k * n, internal_batch_size if internal_batch_size and internal_batch_size < n else None
                )
            ]
            grad = torch.cat(grads).reshape(k, n, *x.shape[1:])
            total += (grad * w[first : first + k].reshape(shape)).sum(dim=0)
    return delta * total
