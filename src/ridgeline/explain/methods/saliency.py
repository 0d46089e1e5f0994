"""Saliency (vanilla gradients, Simonyan et al. 2014): the gradient of each row's target score
with respect to its input, absolute by default — Captum's ``Saliency``."""

from __future__ import annotations

import torch

from ridgeline.explain._core import Target, input_gradients, prepared, targets_for


def saliency(
    model: torch.nn.Module, inputs: torch.Tensor, target: Target = None, *, abs: bool = True
) -> torch.Tensor:  # noqa: A002 - Captum's keyword
    """``|∂ score / ∂ x|`` (or signed with ``abs=False``), the inputs' shape.

    Args:
        model: a ``torch.nn.Module`` returning ``[N, classes]`` scores (logits).
        inputs: a batch, ``[N, ...]``.
        target: a class for every row (int), one per row (sequence or tensor), or None for each
            row's predicted class.
        abs: absolute values (Captum's default).
    """
    with prepared(model):
        grad, _ = input_gradients(model, inputs, targets_for(model, inputs, target))
    return grad.abs() if abs else grad
