"""Grad-CAM (Selvaraju et al. 2017) and Grad-CAM++ (Chattopadhay et al. 2018): a layer's
activations weighted by the gradient of the target score.

``grad_cam`` is Captum's ``LayerGradCam``: per channel, the gradient averaged over every
dimension after the channel dimension, times the activations, summed over channels →
``[N, 1, h, w]``; no ReLU (``relu=True`` applies one) and no normalization. ``upsample``
resizes the map to the input's size as Captum's ``LayerAttribution.interpolate``
(``F.interpolate``; bilinear without corner alignment). ``grad_cam_plus_plus`` weighs channels
as pytorch-grad-cam's ``GradCAMPlusPlus``.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

from ridgeline.explain._core import (
    Target,
    capture_output,
    channels_last,
    find_layer,
    forward,
    prepared,
    select,
    targets_for,
)


def _layer_and_grad(
    model: torch.nn.Module, inputs: torch.Tensor, target: Target, layer: torch.nn.Module | str
) -> tuple[torch.Tensor, torch.Tensor, bool]:
    """The layer's activations and their gradient, channels first, and whether the model is
    channels-last (a Keras layer's ``data_format``)."""
    module = find_layer(model, layer)
    x = inputs.detach()
    targets = targets_for(model, x, target)
    with capture_output(module) as seen:
        scores = select(forward(model, x), targets)
    if len(seen) != 1:
        raise ValueError(
            f"layer {type(module).__name__} ran {len(seen)} times in one forward pass; pick a layer used once"
        )
    acts = seen[0]
    (grad,) = torch.autograd.grad(scores.sum(), acts)
    last = channels_last(module)
    if last:
        return acts.detach().movedim(-1, 1), grad.movedim(-1, 1), True
    return acts.detach(), grad, False


def _finish(
    cam: torch.Tensor, inputs: torch.Tensor, relu: bool, upsample: str | None, last: bool
) -> torch.Tensor:
    if relu:
        cam = F.relu(cam)
    if upsample is not None:
        size = tuple(inputs.shape[1:-1] if last else inputs.shape[2:])
        if upsample == "bilinear":
            cam = F.interpolate(cam, size=size, mode="bilinear", align_corners=False)
        elif upsample == "nearest":
            cam = F.interpolate(cam, size=size, mode="nearest")
        else:
            raise ValueError(f"upsample must be None, 'bilinear' or 'nearest', not {upsample!r}")
    return cam.movedim(1, -1) if last else cam


def grad_cam(
    model: torch.nn.Module,
    inputs: torch.Tensor,
    target: Target = None,
    *,
    layer: torch.nn.Module | str,
    relu: bool = False,
    upsample: str | None = None,
    guided_grads: bool = False,
) -> torch.Tensor:
    """The Grad-CAM map of ``layer`` (a module of ``model``, its dotted name, or a Keras layer
    name), ``[N, 1, h, w]`` for a conv layer's ``[N, C, h, w]`` output (``[N, h, w, 1]`` for a
    channels-last Keras layer); ``upsample="bilinear"`` or ``"nearest"`` gives it at the
    inputs' size. ``guided_grads=True`` keeps only gradients where both the gradient and the
    activation are positive before averaging (tf-explain's default)."""
    with prepared(model):
        acts, grad, last = _layer_and_grad(model, inputs, target, layer)
    if guided_grads:
        grad = grad * (grad > 0) * (acts > 0)
    weights = grad.mean(dim=tuple(range(2, grad.dim())), keepdim=True)
    cam = (weights * acts).sum(dim=1, keepdim=True)
    return _finish(cam, inputs, relu, upsample, last)


def grad_cam_plus_plus(
    model: torch.nn.Module,
    inputs: torch.Tensor,
    target: Target = None,
    *,
    layer: torch.nn.Module | str,
    relu: bool = False,
    upsample: str | None = None,
) -> torch.Tensor:
    """Grad-CAM++: channel weights ``Σ relu(g)·α`` with ``α = g² / (2g² + ΣA·g³ + 1e-6)`` (zero where
    the gradient is), the closed form for an exponential score; otherwise as :func:`grad_cam`."""
    with prepared(model):
        acts, grad, last = _layer_and_grad(model, inputs, target, layer)
    spatial = tuple(range(2, grad.dim()))
    g2, g3 = grad.pow(2), grad.pow(3)
    sum_acts = acts.sum(dim=spatial, keepdim=True)
    alpha = g2 / (2 * g2 + sum_acts * g3 + 1e-6)
    alpha = torch.where(grad != 0, alpha, torch.zeros_like(alpha))
    weights = (F.relu(grad) * alpha).sum(dim=spatial, keepdim=True)
    cam = (weights * acts).sum(dim=1, keepdim=True)
    return _finish(cam, inputs, relu, upsample, last)
