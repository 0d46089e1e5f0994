"""Explanations while training: log them, and explain a fixed batch every N epochs from a plain
PyTorch loop (Lightning and Keras callbacks build on the same pieces).

    from ridgeline.explain.callbacks import Explainer
    explainer = Explainer(writer, x_val[:8], ["saliency", "integrated_gradients", "grad_cam"],
                          layer="features.6", every_n_epochs=5)
    for epoch in range(100):
        train_one_epoch()
        explainer(model, epoch)        # epochs 0, 5, 10...

Each method's attributions go to ``explanations/<title>`` (input, overlay and values per sample,
for the explanations dashboard) and the overlays as one grid to ``<title>`` in the images
dashboard. Titles are tf-explain's tags where tf-explain has the method (``"Grad CAM"``,
``"VanillaGradients"``, ``"GradientsInputs"``, ``"SmoothGrad"``, ``"IntegratedGradients"``,
``"Occlusion Sensitivity"``, ``"Activations Visualization"``). Every call is timed at DEBUG level
on ``ridgeline.callbacks``.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from ridgeline.callbacks import _every
from ridgeline.explain.pictures import Style, feature_map_grid, grid_rows, to_numpy
from ridgeline.plugins.explanations.summary import explanation_pb, explanation_tag
from ridgeline.plugins.images.summary import encoded_image_pb, png_bytes

if TYPE_CHECKING:
    from ridgeline.writer.summary_writer import SummaryWriter

logger = logging.getLogger("ridgeline.callbacks")

TITLES = {
    "grad_cam": "Grad CAM",
    "grad_cam_plus_plus": "Grad CAM++",
    "saliency": "VanillaGradients",
    "input_x_gradient": "GradientsInputs",
    "smoothgrad": "SmoothGrad",
    "integrated_gradients": "IntegratedGradients",
    "occlusion": "Occlusion Sensitivity",
    "guided_backprop": "Guided Backprop",
    "deconvolution": "Deconvolution",
    "activations": "Activations Visualization",
}

# how each method is shown by default: maps at a layer's resolution as heatmaps over the image,
# gradient maps as magnitudes with Captum's outlier clipping
STYLES = {
    "grad_cam": "tf_explain_heatmap",
    "grad_cam_plus_plus": "tf_explain_heatmap",
    "occlusion": "tf_explain_heatmap",
}

Method = Callable[[Any, Any, Any], Any]  # (model, inputs, target) -> attributions


def log_explanation(
    writer: SummaryWriter,
    title: str,
    inputs: Any,
    attributions: Any,
    step: int,
    *,
    method: str = "",
    targets: Sequence[int] | None = None,
    style: str | Style = "captum",
    channel_axis: int = 1,
) -> str:
    """Log one method's attributions for a batch; returns the explanations tag.

    ``inputs`` and ``attributions`` may be torch tensors (any device), numpy or jax arrays;
    they are copied to the host here and drawn on the writer's thread."""
    x, a = to_numpy(inputs), to_numpy(attributions)
    t = None if targets is None else [int(v) for v in np.asarray(to_numpy(targets)).reshape(-1)]
    tag = explanation_tag(title)
    writer._queue(
        lambda: explanation_pb(
            tag, x, a, method=method or title, title=title, targets=t, style=style, channel_axis=channel_axis
        ),
        step,
        None,
    )
    return tag


def log_activations(
    writer: SummaryWriter, title: str, activations: Any, step: int, channel_axis: int = 1
) -> str:
    """Log a layer's activations for a batch as one image under ``title``: a row of feature
    maps per input, all on one scale (as tf-explain shows them). Returns the tag."""
    acts = to_numpy(activations)
    if acts.ndim != 4:
        raise ValueError(f"activations must be [N, C, h, w] (or channels last), got shape {acts.shape}")
    acts = np.moveaxis(acts, channel_axis, 1)
    lo, hi = float(acts.min()), float(acts.max())
    scaled = (acts - lo) / (hi - lo) if hi > lo else np.zeros_like(acts)

    def build() -> Any:
        rows = [feature_map_grid(scaled[i] * (hi - lo) + lo, scale="global") for i in range(scaled.shape[0])]
        picture = grid_rows(rows)
        return encoded_image_pb(title, [png_bytes(picture)], picture.shape[1], picture.shape[0])

    writer._queue(build, step, None)
    return title


def named_method(name: str, layer: Any = None, occlusion_window: int = 4) -> Method:
    """A method of ``ridgeline.explain`` by name, bound to ``layer`` where it needs one."""
    from ridgeline import explain

    if name in ("grad_cam", "grad_cam_plus_plus"):
        if layer is None:
            raise ValueError(f"{name} needs layer=")
        fn = getattr(explain, name)
        return lambda m, x, t: fn(m, x, t, layer=layer)
    if name == "occlusion":

        def occlude(m: Any, x: Any, t: Any) -> Any:
            spatial = (occlusion_window,) * (x.dim() - 2)
            window = (x.shape[1], *spatial)
            return explain.occlusion(m, x, t, window=window, strides=window)

        return occlude
    if name not in TITLES or name == "activations":
        raise ValueError(f"unknown method {name!r}; known: {', '.join(sorted(TITLES))}")
    fn = getattr(explain, name)
    return lambda m, x, t: fn(m, x, t)


class Explainer:
    """Explain a fixed batch every ``every_n_epochs`` epochs and log each method.

    Args:
        writer: where to log.
        inputs: the batch to explain (a few samples; on any device).
        methods: names from ``TITLES`` (``"grad_cam"`` and ``"activations"`` use ``layer``), or
            a mapping title -> ``fn(model, inputs, target)``.
        target: a class for every row, one per row, or None (each row's predicted class).
        layer: the layer Grad-CAM and activations look at.
        every_n_epochs: how often (epochs 0, n, 2n...).
        channel_axis: 1 for NCHW (PyTorch), -1 for NHWC (Keras).
    """

    def __init__(
        self,
        writer: SummaryWriter,
        inputs: Any,
        methods: Sequence[str] | Mapping[str, Method],
        target: Any = None,
        layer: Any = None,
        every_n_epochs: int = 1,
        channel_axis: int = 1,
    ) -> None:
        self.writer = writer
        self.inputs = inputs
        self.target = target
        self.layer = layer
        self.channel_axis = channel_axis
        self.activations = False
        self.methods: dict[str, tuple[str, Method]] = {}
        if isinstance(methods, Mapping):
            self.methods = {title: (title, fn) for title, fn in methods.items()}
        else:
            for name in methods:
                if name == "activations":
                    if layer is None:
                        raise ValueError("activations needs layer=")
                    self.activations = True
                    continue
                self.methods[TITLES.get(name, name)] = (name, named_method(name, layer))
        self._call = _every(every_n_epochs, "epoch", True)(self.explain)

    def __call__(self, model: Any, epoch: int) -> None:
        self._call(epoch, model)

    def explain(self, epoch: int, model: Any) -> None:
        """Explain and log now, whatever the epoch."""
        from ridgeline.explain._core import prepared, targets_for

        device = next((p.device for p in model.parameters()), None)
        x = self.inputs.to(device) if device is not None and hasattr(self.inputs, "to") else self.inputs
        with prepared(model):  # eval mode: no dropout, batch-norm statistics left alone
            targets = targets_for(model, x, self.target)
        for title, (name, fn) in self.methods.items():
            started = time.perf_counter()
            attr = fn(model, x, targets)
            log_explanation(
                self.writer,
                title,
                x,
                attr,
                epoch,
                method=name,
                targets=targets.tolist(),
                style=STYLES.get(name, "captum"),
                channel_axis=self.channel_axis,
            )
            logger.debug(
                "explain %s at epoch %d took %.1f ms", title, epoch, (time.perf_counter() - started) * 1e3
            )
        if self.activations:
            from ridgeline import explain

            acts = explain.activations(model, x, layer=self.layer)
            log_activations(self.writer, TITLES["activations"], acts, epoch, self.channel_axis)
        self.writer.flush()
