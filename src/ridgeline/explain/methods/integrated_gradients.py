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
    with prepared(model):
        targets = targets_for(model, x, target)
        # every (step, row) pair, step-major as Captum lays them out
        a = torch.tensor(alphas, dtype=x.dtype, device=x.device)
        w = torch.tensor(weights, dtype=x.dtype, device=x.device)
        step_of = torch.arange(n_steps, device=x.device).repeat_interleave(n)
        row_of = torch.arange(n, device=x.device).repeat(n_steps)
        total = torch.zeros_like(x)
        for s in batches(n_steps * n, internal_batch_size):
            rows, steps = row_of[s], step_of[s]
            shape = (-1,) + (1,) * (x.dim() - 1)
            points = base[rows] + a[steps].reshape(shape) * (x[rows] - base[rows])
            grad, _ = input_gradients(model, points, targets[rows])
            total.index_add_(0, rows, grad * w[steps].reshape(shape))
    return (x - base) * total
