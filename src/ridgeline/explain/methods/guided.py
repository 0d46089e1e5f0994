"""Guided backpropagation (Springenberg et al. 2015) and deconvolution (Zeiler & Fergus 2014):
input gradients where every ReLU passes back only positive gradient — guided backprop also
only where its input was positive (the ordinary ReLU mask), the deconvnet regardless of it.

Captum hooks ``nn.ReLU`` modules; here every ReLU the forward pass calls is rerouted, through a
``TorchFunctionMode`` for the duration of the call: ``nn.ReLU`` (in place or not), ``F.relu``,
``torch.relu``, ``Tensor.relu`` — and so Keras layers with ``activation="relu"`` on the torch
backend. On models whose ReLUs are all ``nn.ReLU`` modules the results equal Captum's.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import torch
import torch.nn.functional as F
from torch.overrides import TorchFunctionMode

from ridgeline.explain._core import Target, input_gradients, prepared, targets_for


class _GuidedReLU(torch.autograd.Function):
    @staticmethod
    def forward(ctx: Any, x: torch.Tensor) -> torch.Tensor:
        ctx.save_for_backward(x)
        return x.clamp(min=0)

    @staticmethod
    def backward(ctx: Any, grad: torch.Tensor) -> torch.Tensor:
        (y,) = ctx.saved_tensors
        # ReLU's own backward (gradient where the output is positive) of the positive part
        passed: torch.Tensor = torch.ops.aten.threshold_backward(grad.clamp(min=0), y, 0)
        return passed


class _DeconvReLU(torch.autograd.Function):
    @staticmethod
    def forward(ctx: Any, x: torch.Tensor) -> torch.Tensor:
        return x.clamp(min=0)

    @staticmethod
    def backward(ctx: Any, grad: torch.Tensor) -> torch.Tensor:
        return grad.clamp(min=0)


_RELUS = {torch.relu, torch.relu_, F.relu, F.relu_, torch.Tensor.relu, torch.Tensor.relu_}


class _ReroutedReLU(TorchFunctionMode):
    def __init__(self, fn: Callable[[torch.Tensor], torch.Tensor]) -> None:
        super().__init__()
        self.fn = fn

    def __torch_function__(self, func: Any, types: Any, args: Any = (), kwargs: Any = None) -> Any:
        if func in _RELUS:
            # in-place variants become out-of-place: callers use the returned tensor
            return self.fn(args[0])
        return func(*args, **(kwargs or {}))


def _rerouted(
    fn: Callable[[torch.Tensor], torch.Tensor], model: torch.nn.Module, inputs: torch.Tensor, target: Target
) -> torch.Tensor:
    with prepared(model):
        targets = targets_for(model, inputs, target)
        with _ReroutedReLU(fn):
            grad, _ = input_gradients(model, inputs, targets)
    return grad


def guided_backprop(model: torch.nn.Module, inputs: torch.Tensor, target: Target = None) -> torch.Tensor:
    """Guided backpropagation attributions, the inputs' shape (signed)."""
    return _rerouted(_GuidedReLU.apply, model, inputs, target)


def deconvolution(model: torch.nn.Module, inputs: torch.Tensor, target: Target = None) -> torch.Tensor:
    """Deconvnet attributions, the inputs' shape (signed)."""
    return _rerouted(_DeconvReLU.apply, model, inputs, target)
