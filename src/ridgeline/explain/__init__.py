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
parameters. One module per method; pictures (overlays, grids, filters) in
:mod:`ridgeline.explain.pictures`.

Importing this package imports torch; ``import ridgeline`` does not.
"""

from ridgeline.explain.activations import activations
from ridgeline.explain.grad_cam import grad_cam, grad_cam_plus_plus
from ridgeline.explain.guided import deconvolution, guided_backprop
from ridgeline.explain.input_x_gradient import input_x_gradient
from ridgeline.explain.integrated_gradients import integrated_gradients
from ridgeline.explain.occlusion import occlusion
from ridgeline.explain.saliency import saliency
from ridgeline.explain.smoothgrad import smoothgrad

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
