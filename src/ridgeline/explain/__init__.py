"""Explanations for PyTorch models (and Keras 3 models on the torch backend, which are torch
modules): why the model predicts what it does.

    from ridgeline import explain
    maps = explain.integrated_gradients(model, x, target=None)       # each row's predicted class
    cam = explain.grad_cam(model, x, 4, layer="features.6", upsample="bilinear")

Every method takes ``(model, inputs, target=None, ...)`` with Captum's keywords and
definitions (``score`` is the model's raw output for the class: pass logits, not
probabilities), works on a batch, and returns a tensor on the model's device; ``target`` is an
int for every row, one class per row, or None for each row's predicted class. The model's
mode, ``requires_grad`` flags and hooks are left as they were, and no gradient is left on its
parameters. One module per method (:mod:`ridgeline.explain.methods`); pictures (overlays, grids, filters) in
:mod:`ridgeline.explain.pictures`.

The methods import torch when first used; :mod:`ridgeline.explain.pictures` needs only numpy,
Pillow and matplotlib; ``import ridgeline`` imports none of them.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ridgeline.explain.methods.activations import activations
    from ridgeline.explain.methods.grad_cam import grad_cam, grad_cam_plus_plus
    from ridgeline.explain.methods.guided import deconvolution, guided_backprop
    from ridgeline.explain.methods.input_x_gradient import input_x_gradient
    from ridgeline.explain.methods.integrated_gradients import integrated_gradients
    from ridgeline.explain.methods.occlusion import occlusion
    from ridgeline.explain.methods.saliency import saliency
    from ridgeline.explain.methods.smoothgrad import smoothgrad

# name -> module: loaded on first use, so ridgeline.explain.pictures (numpy only) needs no torch
_METHODS = {
    "activations": "activations",
    "deconvolution": "guided",
    "grad_cam": "grad_cam",
    "grad_cam_plus_plus": "grad_cam",
    "guided_backprop": "guided",
    "input_x_gradient": "input_x_gradient",
    "integrated_gradients": "integrated_gradients",
    "occlusion": "occlusion",
    "saliency": "saliency",
    "smoothgrad": "smoothgrad",
}

__all__ = [
    "activations",
    "deconvolution",
    "grad_cam",
    "grad_cam_plus_plus",
    "guided_backprop",
    "input_x_gradient",
    "integrated_gradients",
    "occlusion",
    "saliency",
    "smoothgrad",
]


def __getattr__(name: str) -> Any:
    module = _METHODS.get(name)
    if module is None:
        raise AttributeError(f"module 'ridgeline.explain' has no attribute {name!r}")
    return getattr(importlib.import_module(f"ridgeline.explain.methods.{module}"), name)
