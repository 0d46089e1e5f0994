"""Training-health statistics for a Keras 3 model (torch, jax or tensorflow backend): gradient
and weight norms, update ratios and activation statistics on a fixed small batch, computed with
the backend's own autodiff, under the tags ``ridgeline.torch.watch`` uses (so the same health
rules read them). Used by ``ridgeline.keras.TensorBoard(health_data=...)``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import keras
import numpy as np
from keras import ops

if TYPE_CHECKING:
    from ridgeline.writer.summary_writer import SummaryWriter

_RELU = ("relu", "relu6", "leaky_relu", "elu", "gelu", "silu", "selu", "celu", "mish")
_SQUASH = {"sigmoid": (0.0, 1.0), "tanh": (-1.0, 1.0), "hard_sigmoid": (0.0, 1.0), "hard_tanh": (-1.0, 1.0)}
SATURATION_MARGIN = 0.03  # as ridgeline.torch: within 3 % of the range from a bound is saturated


class KerasHealth:
    """Gradient/weight norms, update ratios and activation statistics for a Keras model, on a
    fixed small batch, with the backend's own gradients (tf.GradientTape, torch.autograd,
    jax.grad). Tags and meanings are those of :mod:`ridgeline.torch`."""

    def __init__(self, model: Any, data: tuple[Any, Any]) -> None:
        self.model = model
        self.x, self.y = data
        self._before: list[Any] | None = None
        self._probe = _activation_probe(model)

    def _sync(self) -> None:
        sync = getattr(self.model, "jax_state_sync", None)  # jax keeps the state outside the model in fit
        if sync is not None:
            sync()

    def before_step(self) -> None:
        self._sync()
        self._before = [np.array(ops.convert_to_numpy(v)) for v in self.model.trainable_weights]

    def log(self, writer: SummaryWriter, step: int) -> None:
        self._sync()
        weights = self.model.trainable_weights
        values = [np.asarray(ops.convert_to_numpy(v), dtype=np.float64) for v in weights]
        grads = _gradients(self.model, self.x, self.y)
        for i, (w, value) in enumerate(zip(weights, values, strict=True)):
            name = w.path
            writer.add_scalar(f"weight_norm/{name}", float(np.linalg.norm(value)), step)
            grad = None if grads is None else grads[i]
            if grad is not None:
                writer.add_scalar(f"grad_norm/{name}", float(np.linalg.norm(grad)), step)
            if self._before is not None:
                before = self._before[i].astype(np.float64)
                # as ridgeline.torch: a weight that starts at zero (a fresh bias) reads 1
                scale = max(float(np.linalg.norm(before)), float(np.linalg.norm(value)), 1e-30)
                writer.add_scalar(f"update_ratio/{name}", float(np.linalg.norm(value - before)) / scale, step)
        self._before = None
        if self._probe is not None:
            probe, kinds = self._probe
            outputs = probe(self.x, training=False)
            outputs = outputs if isinstance(outputs, (list, tuple)) else [outputs]
            for (name, kind), out in zip(kinds, outputs, strict=True):
                arr = np.asarray(ops.convert_to_numpy(out), dtype=np.float32)
                if kind in _RELU:
                    units = arr.reshape(-1, arr.shape[-1]) if arr.ndim > 1 else arr.reshape(-1, 1)
                    dead = 1.0 - float((units != 0).any(axis=0).mean())
                    writer.add_scalar(f"activations/{name}/dead_fraction", dead, step)
                else:
                    lo, hi = _SQUASH[kind]
                    margin = SATURATION_MARGIN * (hi - lo)
                    sat = float(((arr <= lo + margin) | (arr >= hi - margin)).mean())
                    writer.add_scalar(f"activations/{name}/saturation", sat, step)


def _activation_kind(layer: Any) -> str | None:
    """ "relu"-like, "sigmoid"/"tanh"-like, or None, for a layer's output."""
    if isinstance(layer, (keras.layers.ReLU, keras.layers.LeakyReLU, keras.layers.ELU, keras.layers.PReLU)):
        return "relu"
    fn = getattr(layer, "activation", None)
    name = getattr(fn, "__name__", None)
    if name in _RELU or name in _SQUASH:
        return str(name)
    return None


def _activation_probe(model: Any) -> tuple[Any, list[tuple[str, str]]] | None:
    """A model from the inputs to every activation's output (Sequential and Functional models;
    a subclassed model has no graph to read them from)."""
    try:
        inputs = model.input  # the structure the model was built with
    except (AttributeError, ValueError):
        return None
    if inputs is None:
        return None
    kinds: list[tuple[str, str]] = []
    outputs = []
    for layer in model.layers:
        kind = _activation_kind(layer)
        if kind is None:
            continue
        try:
            outputs.append(layer.output)
        except (AttributeError, ValueError):
            continue
        kinds.append((layer.name, kind))
    if not outputs:
        return None
    return keras.Model(inputs=inputs, outputs=outputs), kinds


def _gradients(model: Any, x: Any, y: Any) -> list[np.ndarray | None] | None:
    """The loss gradient for each trainable weight on ``(x, y)``, as numpy, with the backend's
    own autodiff; None when the model has no compiled loss."""
    if getattr(model, "_compile_loss", None) is None and type(model).compute_loss is keras.Model.compute_loss:
        return None
    backend = keras.backend.backend()
    weights = model.trainable_weights
    if backend == "tensorflow":
        import tensorflow as tf

        with tf.GradientTape() as tape:
            y_pred = model(x, training=False)
            loss = model.compute_loss(x=x, y=y, y_pred=y_pred, training=False)
        grads = tape.gradient(loss, weights)
    elif backend == "torch":
        import torch

        y_pred = model(x, training=False)
        loss = model.compute_loss(x=x, y=y, y_pred=y_pred, training=False)
        grads = torch.autograd.grad(loss, [w.value for w in weights], allow_unused=True)
    elif backend == "jax":
        import jax

        state = (
            [v.value for v in model.trainable_variables],
            [v.value for v in model.non_trainable_variables],
            [v.value for v in model.metrics_variables],
        )
        grad_fn = jax.grad(model.compute_loss_and_updates, has_aux=True)
        grads = grad_fn(*state, x, y, None, training=False)[0]
    else:
        return None
    return [None if g is None else np.asarray(ops.convert_to_numpy(g), dtype=np.float64) for g in grads]
