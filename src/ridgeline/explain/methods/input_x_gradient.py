"""Input × gradient (Shrikumar et al. 2016): each input element times the gradient of the
target score with respect to it — Captum's ``InputXGradient``."""

from __future__ import annotations

import torch

from ridgeline.explain._core import Target, input_gradients, prepared, targets_for


def input_x_gradient(model: torch.nn.Module, inputs: torch.Tensor, target: Target = None) -> torch.Tensor:
    """``x · ∂ score / ∂ x``, the inputs' shape (``target`` as in :func:`saliency`)."""
    with prepared(model):
        grad, _ = input_gradients(model, inputs, targets_for(model, inputs, target))
    return inputs.detach() * grad
