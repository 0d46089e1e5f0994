"""A layer's activations — Captum's ``LayerActivation`` — kept as the layer produced them
(an in-place ReLU after the layer does not change what is returned)."""

from __future__ import annotations

import torch

from ridgeline.explain._core import capture_output, find_layer, forward, prepared


def activations(
    model: torch.nn.Module, inputs: torch.Tensor, *, layer: torch.nn.Module | str
) -> torch.Tensor:
    """The output of ``layer`` (a module of ``model`` or its dotted name) on ``inputs``."""
    module = find_layer(model, layer)
    with prepared(model), torch.no_grad(), capture_output(module) as seen:
        forward(model, inputs.detach())
    if not seen:
        raise ValueError(f"layer {type(module).__name__} did not run in the forward pass")
    return seen[0].detach()
