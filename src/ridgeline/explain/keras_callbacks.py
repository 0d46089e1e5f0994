"""tf-explain's callbacks for Keras 3, with tf-explain's names, arguments and tags, computed by
``ridgeline.explain`` (Captum's definitions) on the torch backend.

Each callback writes, every ``every_n_epochs`` epochs (default every epoch, as tf-explain), to
its own run under ``output_dir`` (``output_dir/<date-time>``, as tf-explain): the overlays as
one grid image under tf-explain's tag, and the explanation (inputs, overlays, values) under
``explanations/<tag>`` for the explanations dashboard.

What differs from tf-explain, on purpose (its known bugs; see ``../shared/design``): scores are
the model's logits — a final softmax/sigmoid activation of the last layer is bypassed while
explaining, so gradients are not squashed by it; Integrated Gradients is multiplied by
``x − baseline``; occlusion maps are the drop of the class score over windows that cover all
channels (baseline 0), never transposed; gradient maps are normalized per image and clipped,
not wrapped around in uint8; SmoothGrad averages absolute gradients of the score (Captum's
``NoiseTunnel(Saliency)``).
"""

from __future__ import annotations

import contextlib
import datetime
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import keras
import numpy as np

from ridgeline.callbacks import _every
from ridgeline.explain.callbacks import STYLES, log_activations, log_explanation
from ridgeline.writer.summary_writer import SummaryWriter

_SQUASHING = ("softmax", "sigmoid")


@contextlib.contextmanager
def logits(model: Any) -> Iterator[None]:
    """While explaining, the model's last layer without its softmax/sigmoid activation."""
    last = model.layers[-1] if getattr(model, "layers", None) else None
    fn = getattr(last, "activation", None)
    if last is None or getattr(fn, "__name__", None) not in _SQUASHING:
        yield
        return
    last.activation = keras.activations.linear
    try:
        yield
    finally:
        last.activation = fn


class _ExplainCallback(keras.callbacks.Callback):  # type: ignore[misc]
    tag = ""
    method = ""

    def __init__(
        self, validation_data: tuple[Any, Any], output_dir: str | os.PathLike[str], every_n_epochs: int = 1
    ) -> None:
        super().__init__()
        if keras.backend.backend() != "torch":
            raise RuntimeError(
                f"{type(self).__name__} explains with PyTorch: run Keras on the torch backend "
                f"(KERAS_BACKEND=torch), not {keras.backend.backend()}"
            )
        self.validation_data = validation_data
        self.output_dir = Path(output_dir) / datetime.datetime.now().strftime("%Y%m%d-%H%M%S.%f")
        self.writer = SummaryWriter(self.output_dir)
        self._call = _every(every_n_epochs, "epoch", True)(self._explain)

    def _inputs(self) -> Any:
        import torch

        x = self.validation_data[0]
        return torch.as_tensor(np.asarray(x), dtype=torch.float32)

    def attributions(self, x: Any) -> Any:
        raise NotImplementedError

    def on_epoch_end(self, epoch: int, logs: Any = None) -> None:
        self._call(epoch)

    def on_train_end(self, logs: Any = None) -> None:
        self.writer.close()

    def _explain(self, epoch: int) -> None:
        x = self._inputs()
        with logits(self.model):
            attr = self.attributions(x)
        self.log(x, attr, epoch)
        self.writer.flush()

    def log(self, x: Any, attr: Any, epoch: int) -> None:
        class_index = int(getattr(self, "class_index", 0))
        log_explanation(
            self.writer,
            self.tag,
            x,
            attr,
            epoch,
            method=self.method,
            targets=[class_index] * int(x.shape[0]),
            style=STYLES.get(self.method, "captum"),
            channel_axis=-1,
        )


class GradCAMCallback(_ExplainCallback):
    """Grad-CAM of ``layer_name`` (default: the last layer with a 4-D output) for
    ``class_index``, upsampled to the input, shown over it (tag ``Grad CAM``)."""

    tag, method = "Grad CAM", "grad_cam"

    def __init__(
        self,
        validation_data: tuple[Any, Any],
        class_index: int,
        layer_name: str | None = None,
        output_dir: str | os.PathLike[str] = Path("./logs/grad_cam"),
        use_guided_grads: bool = True,
        every_n_epochs: int = 1,
    ) -> None:
        super().__init__(validation_data, output_dir, every_n_epochs)
        self.class_index = class_index
        self.layer_name = layer_name
        self.use_guided_grads = use_guided_grads

    def _layer(self) -> str:
        if self.layer_name is not None:
            return self.layer_name
        for layer in reversed(self.model.layers):
            try:
                if len(layer.output.shape) == 4:
                    return str(layer.name)
            except (AttributeError, ValueError):
                continue
        raise ValueError("Grad-CAM needs a layer with a 4-D output (a conv layer); give layer_name")

    def attributions(self, x: Any) -> Any:
        from ridgeline.explain import grad_cam

        return grad_cam(
            self.model,
            x,
            self.class_index,
            layer=self._layer(),
            upsample="bilinear",
            guided_grads=self.use_guided_grads,
        )


class VanillaGradientsCallback(_ExplainCallback):
    """|∂ score / ∂ x| for ``class_index`` (tag ``VanillaGradients``)."""

    tag, method = "VanillaGradients", "saliency"

    def __init__(
        self,
        validation_data: tuple[Any, Any],
        class_index: int,
        output_dir: str | os.PathLike[str] = Path("./logs/vanilla_gradients"),
        every_n_epochs: int = 1,
    ) -> None:
        super().__init__(validation_data, output_dir, every_n_epochs)
        self.class_index = class_index

    def attributions(self, x: Any) -> Any:
        from ridgeline.explain import saliency

        return saliency(self.model, x, self.class_index)


class GradientsInputsCallback(VanillaGradientsCallback):
    """x · ∂ score / ∂ x for ``class_index`` (tag ``GradientsInputs``)."""

    tag, method = "GradientsInputs", "input_x_gradient"

    def __init__(
        self,
        validation_data: tuple[Any, Any],
        class_index: int,
        output_dir: str | os.PathLike[str] = Path("./logs/gradients_inputs"),
        every_n_epochs: int = 1,
    ) -> None:
        super().__init__(validation_data, class_index, output_dir, every_n_epochs)

    def attributions(self, x: Any) -> Any:
        from ridgeline.explain import input_x_gradient

        return input_x_gradient(self.model, x, self.class_index)


class SmoothGradCallback(_ExplainCallback):
    """SmoothGrad over ``num_samples`` copies with Gaussian noise of standard deviation
    ``noise`` in input units (tag ``SmoothGrad``)."""

    tag, method = "SmoothGrad", "smoothgrad"

    def __init__(
        self,
        validation_data: tuple[Any, Any],
        class_index: int,
        num_samples: int = 5,
        noise: float = 1.0,
        output_dir: str | os.PathLike[str] = Path("./logs/smoothgrad"),
        every_n_epochs: int = 1,
    ) -> None:
        super().__init__(validation_data, output_dir, every_n_epochs)
        self.class_index, self.num_samples, self.noise = class_index, num_samples, noise

    def attributions(self, x: Any) -> Any:
        from ridgeline.explain import smoothgrad

        return smoothgrad(self.model, x, self.class_index, nt_samples=self.num_samples, stdevs=self.noise)


class IntegratedGradientsCallback(_ExplainCallback):
    """Integrated Gradients from a zero baseline in ``n_steps`` (tag ``IntegratedGradients``)."""

    tag, method = "IntegratedGradients", "integrated_gradients"

    def __init__(
        self,
        validation_data: tuple[Any, Any],
        class_index: int,
        n_steps: int = 5,
        output_dir: str | os.PathLike[str] = Path("./logs/integrated_gradients"),
        every_n_epochs: int = 1,
    ) -> None:
        super().__init__(validation_data, output_dir, every_n_epochs)
        self.class_index, self.n_steps = class_index, n_steps

    def attributions(self, x: Any) -> Any:
        from ridgeline.explain import integrated_gradients

        return integrated_gradients(self.model, x, self.class_index, n_steps=self.n_steps)


class OcclusionSensitivityCallback(_ExplainCallback):
    """The class score's drop when ``patch_size``-square patches (all channels, stride =
    patch) are set to 0 (tag ``Occlusion Sensitivity``)."""

    tag, method = "Occlusion Sensitivity", "occlusion"

    def __init__(
        self,
        validation_data: tuple[Any, Any],
        class_index: int,
        patch_size: int,
        output_dir: str | os.PathLike[str] = Path("./logs/occlusion_sensitivity"),
        every_n_epochs: int = 1,
    ) -> None:
        super().__init__(validation_data, output_dir, every_n_epochs)
        self.class_index, self.patch_size = class_index, patch_size

    def attributions(self, x: Any) -> Any:
        from ridgeline.explain import occlusion

        p = self.patch_size
        window = (p, p, int(x.shape[-1]))  # NHWC: a square of every channel
        return occlusion(self.model, x, self.class_index, window=window, strides=window)


class ActivationsVisualizationCallback(_ExplainCallback):
    """The feature maps of ``layers_name`` (a name or a list; the first is shown) for each
    input, on one scale (tag ``Activations Visualization``)."""

    tag, method = "Activations Visualization", "activations"

    def __init__(
        self,
        validation_data: tuple[Any, Any],
        layers_name: str | list[str],
        output_dir: str | os.PathLike[str] = Path("./logs/activations_visualizations"),
        every_n_epochs: int = 1,
    ) -> None:
        super().__init__(validation_data, output_dir, every_n_epochs)
        self.layers_name = [layers_name] if isinstance(layers_name, str) else list(layers_name)

    def attributions(self, x: Any) -> Any:
        from ridgeline.explain import activations

        return activations(self.model, x, layer=self.layers_name[0])

    def log(self, x: Any, attr: Any, epoch: int) -> None:
        log_activations(self.writer, self.tag, attr, epoch, channel_axis=-1)
