"""Keras 3 integration (writer side): ``TensorBoard``, a drop-in for
``keras.callbacks.TensorBoard`` that needs no TensorFlow, and frequency-aware callbacks.

    from ridgeline.keras import TensorBoard
    model.fit(x, y, validation_data=(xv, yv), callbacks=[TensorBoard("logs", histogram_freq=1)])

The same arguments, defaults and files as Keras' own callback, on the torch, jax and
tensorflow backends: ``train/`` and ``validation/`` runs; ``epoch_<metric>`` (and
``epoch_learning_rate``, ``epoch_steps_per_second``) per epoch; ``batch_<metric>`` every
``update_freq`` batches; ``evaluation_<metric>_vs_iterations`` after each validation;
``<weight path>/histogram`` (and ``/image`` with ``write_images``, by Keras' rules for which
weights are images) every ``histogram_freq`` epochs; the model's config under ``keras``
(``graph_keras_model``), and on the tensorflow backend the train function's graph.
Summaries written with ``ridgeline.summary.*`` during ``fit`` land in the run and at the step
Keras would put them (``update_freq`` gates them as ``tf.summary.record_if`` does).

Beyond Keras: ``health_data=(x, y)`` logs what ridgeline's training-health checks read every
``health_freq`` batches (per-weight ``grad_norm/``, ``weight_norm/``, ``update_ratio/``, and
``activations/<layer>/dead_fraction`` or ``/saturation``), computed on that small batch with the
backend's own gradient machinery; ``system_metrics=True`` samples CPU/GPU use into ``train/``.
``EveryNEpochs`` / ``EveryNBatches`` run a function every N epochs or batches, timed at DEBUG
level, and ``ImageGrid`` logs input | output | target grids of a few samples.

Importing this module imports Keras (and its backend); ``import ridgeline`` does not.
"""

from __future__ import annotations

import logging
import os
import sys
import time
import warnings
from collections.abc import Callable, Mapping
from typing import Any

import keras
import numpy as np
from keras import ops

from ridgeline.callbacks import _every, log_image_grid
from ridgeline.keras_health import KerasHealth
from ridgeline.plugins.histograms.summary import histogram_pb_from_buckets, tf_buckets
from ridgeline.plugins.images.summary import image_pb
from ridgeline.plugins.summary_metadata import plugin_metadata
from ridgeline.proto import event_pb2, summary_pb2
from ridgeline.tensor_util import make_tensor
from ridgeline.writer import default as _default
from ridgeline.writer.summary_writer import SummaryWriter

logger = logging.getLogger(__name__)

GRAPH_KERAS_MODEL = "graph_keras_model"


def keras_model_summary_pb(tag: str, model: Any) -> summary_pb2.Summary | None:
    """The model's JSON config as a ``graph_keras_model`` summary (what TensorBoard's graph
    dashboard draws as the conceptual graph), or None when the model does not serialize."""
    try:
        config = model.to_json()
    except Exception as exc:  # a model that cannot be serialized must not break training
        warnings.warn(f"Model failed to serialize as JSON. Ignoring... {exc}", stacklevel=2)
        return None
    value = summary_pb2.Summary.Value(
        tag=tag,
        metadata=plugin_metadata(GRAPH_KERAS_MODEL, b"1"),
        tensor=make_tensor(np.array(config.encode("utf-8"), dtype=object)),
    )
    return summary_pb2.Summary(value=[value])


def weight_image(weight: np.ndarray) -> np.ndarray | None:
    """A weight as ``[k, h, w, c]`` images by Keras' rules, or None when Keras shows none:
    biases as a 1×n strip, dense kernels as one image (wider than tall), 3-D kernels as one
    image per output channel; 4-D kernels only when their last dimension is 1, 3 or 4."""
    w = np.squeeze(weight)
    if w.ndim == 1:
        w = w.reshape(1, w.shape[0], 1, 1)
    elif w.ndim == 2:
        if w.shape[0] > w.shape[1]:
            w = w.T
        w = w.reshape(1, w.shape[0], w.shape[1], 1)
    elif w.ndim == 3:
        if keras.backend.image_data_format() == "channels_last":
            w = np.transpose(w, (2, 0, 1))
        w = w.reshape(w.shape[0], w.shape[1], w.shape[2], 1)
    if w.ndim == 4 and w.shape[-1] in (1, 3, 4):
        return w
    return None


def _tf_image_uint8(images: np.ndarray) -> np.ndarray:
    """Float images as ``tf.summary.image`` converts them: clipped to [0, 1], times 255.5,
    truncated (NaN as 0)."""
    x = np.nan_to_num(images.astype(np.float32), nan=0.0, posinf=1.0, neginf=0.0)
    scaled: np.ndarray = (np.clip(x, 0.0, 1.0) * np.float32(255.5)).astype(np.uint8)
    return scaled


def _to_float(value: Any) -> float:
    return float(np.asarray(ops.convert_to_numpy(value), dtype=np.float64).reshape(-1)[0])


class TensorBoard(keras.callbacks.Callback):  # type: ignore[misc]
    """Keras' ``TensorBoard`` callback, writing with ridgeline (no TensorFlow needed).

    Args:
        log_dir: where ``train/`` and ``validation/`` runs are written.
        histogram_freq: every this many epochs, a histogram of each weight (0: never).
        write_graph: the model's config (and on tensorflow the train graph).
        write_images: with ``histogram_freq``, also each weight as an image.
        write_steps_per_second: ``batch_steps_per_second`` and ``epoch_steps_per_second``.
        update_freq: ``"epoch"``, ``"batch"`` or N: ``batch_*`` scalars every N batches.
        profile_batch: batches to profile (``5`` or ``(10, 20)``), with the backend's profiler
            as Keras does it (tensorflow and jax; torch has none in Keras and is refused).
        embeddings_freq: every this many epochs, save the weights for the projector.
        embeddings_metadata: a metadata file for every ``Embedding`` layer, or a dict from
            layer name to file.
        health_data: ``(x, y)``, a small batch: also log gradient and weight norms, update
            ratios and activation statistics every ``health_freq`` batches (not in Keras).
        health_freq: how often, in training batches.
        system_metrics: also sample CPU, memory, I/O and GPU use into ``train/`` (True or an
            interval in seconds).
    """

    def __init__(
        self,
        log_dir: str | os.PathLike[str] = "logs",
        histogram_freq: int = 0,
        write_graph: bool = True,
        write_images: bool = False,
        write_steps_per_second: bool = False,
        update_freq: str | int = "epoch",
        profile_batch: int | str | tuple[int, int] | list[int] = 0,
        embeddings_freq: int = 0,
        embeddings_metadata: str | Mapping[str, str] | None = None,
        *,
        health_data: tuple[Any, Any] | None = None,
        health_freq: int = 100,
        system_metrics: bool | float = False,
    ) -> None:
        super().__init__()
        self.log_dir = os.fspath(log_dir)
        self.histogram_freq = histogram_freq
        self.write_graph = write_graph
        self.write_images = write_images
        self.write_steps_per_second = write_steps_per_second
        self.update_freq: str | int = 1 if update_freq == "batch" else update_freq
        self.embeddings_freq = embeddings_freq
        self.embeddings_metadata = (
            dict(embeddings_metadata) if isinstance(embeddings_metadata, Mapping) else embeddings_metadata
        )
        if health_freq < 1:
            raise ValueError("health_freq must be at least 1")
        self.health_data = health_data
        self.health_freq = health_freq
        self.system_metrics = system_metrics
        self._start_batch, self._stop_batch = _profile_range(profile_batch)
        if self._start_batch or self._stop_batch:
            backend = keras.backend.backend()
            if backend not in ("jax", "tensorflow"):
                raise ValueError(
                    f"Profiling is not available with the {backend} backend in Keras "
                    f"(profile_batch={profile_batch!r} must be 0); use torch.profiler directly."
                )
            if backend == "jax" and sys.version_info < (3, 12):
                warnings.warn("Profiling with the jax backend requires python >= 3.12.", stacklevel=2)
                self._start_batch = self._stop_batch = 0
        self._should_trace = bool(self._start_batch or self._stop_batch)
        self._profiler_started = False
        self._is_tracing = False
        self._batch_trace: Any = None
        self._global_train_batch = 0
        self._global_test_batch = 0
        self._previous_epoch_iterations = 0.0
        self._epoch_start_time = 0.0
        self._batch_start_time = 0.0
        self._writers: dict[str, SummaryWriter] = {}
        self._default_tokens: list[int] = []
        self._should_write_train_graph = False
        self._health: KerasHealth | None = None

    # ---- writers -----------------------------------------------------------------------------

    def set_model(self, model: Any) -> None:
        self._model = model
        self._train_dir = os.path.join(self.log_dir, "train")
        self._val_dir = os.path.join(self.log_dir, "validation")
        self._close_writers()
        self._should_write_train_graph = False
        if self.write_graph:
            if type(model).__name__ in ("Functional", "Sequential"):
                summary = keras_model_summary_pb("keras", model)
                if summary is not None:
                    self._train_writer._queue(lambda: summary, 0, None)
            self._should_write_train_graph = True
        if self.embeddings_freq:
            self._configure_embeddings()

    @property
    def _train_writer(self) -> SummaryWriter:
        if "train" not in self._writers:
            self._writers["train"] = SummaryWriter(
                self._train_dir, filename_suffix=".v2", system_metrics=self.system_metrics
            )
        return self._writers["train"]

    @property
    def _val_writer(self) -> SummaryWriter:
        if "val" not in self._writers:
            self._writers["val"] = SummaryWriter(self._val_dir, filename_suffix=".v2")
        return self._writers["val"]

    def _close_writers(self) -> None:
        for writer in self._writers.values():
            writer.close()
        self._writers = {}

    def _scalar(self, writer: SummaryWriter, tag: str, value: Any, step: int) -> None:
        writer._write_scalar_summary(tag, _to_float(value), int(step), None)

    # The default writer for ridgeline.summary calls made during fit (as Keras pushes
    # tf.summary's): the run's writer at the global batch, or nothing on batches that
    # update_freq does not record.
    def _push_writer(self, writer: SummaryWriter, step: int) -> None:
        if self.update_freq == "epoch":
            return
        recording = step % int(self.update_freq) == 0
        self._default_tokens.append(_default.push(writer if recording else None, step))

    def _pop_writer(self) -> None:
        if self.update_freq == "epoch" or not self._default_tokens:
            return
        _default.pop(self._default_tokens.pop())

    def _recording(self) -> bool:
        current = _default.current()
        return current is not None and current[0] is not None

    # ---- Keras' hooks ------------------------------------------------------------------------

    def on_train_begin(self, logs: Mapping[str, Any] | None = None) -> None:
        self._global_train_batch = 0
        self._previous_epoch_iterations = 0.0
        self._push_writer(self._train_writer, self._global_train_batch)
        if self.health_data is not None:
            self._health = KerasHealth(self.model, self.health_data)

    def on_train_end(self, logs: Mapping[str, Any] | None = None) -> None:
        self._pop_writer()
        if self._is_tracing:
            self._stop_trace()
        self._close_writers()

    def on_test_begin(self, logs: Mapping[str, Any] | None = None) -> None:
        self._push_writer(self._val_writer, self._global_test_batch)

    def on_test_end(self, logs: Mapping[str, Any] | None = None) -> None:
        optimizer = getattr(self.model, "optimizer", None)
        if optimizer is not None and hasattr(optimizer, "iterations") and logs:
            iterations = int(_to_float(optimizer.iterations))
            for name, value in logs.items():
                self._scalar(self._val_writer, f"evaluation_{name}_vs_iterations", value, iterations)
        self._pop_writer()

    def on_train_batch_begin(self, batch: int, logs: Mapping[str, Any] | None = None) -> None:
        self._global_train_batch += 1
        if self.update_freq != "epoch":
            self._pop_writer()
            self._push_writer(self._train_writer, self._global_train_batch)
        if self.write_steps_per_second:
            self._batch_start_time = time.time()
        if self._health is not None and self._due_health():
            self._health.before_step()
        if not self._should_trace:
            return
        if self._global_train_batch == self._start_batch:
            self._start_trace()
        if self._profiler_started:
            self._batch_trace = keras.src.backend.tensorboard.start_batch_trace(batch)

    def on_train_batch_end(self, batch: int, logs: Mapping[str, Any] | None = None) -> None:
        if self._should_write_train_graph:
            self._write_train_graph()
            self._should_write_train_graph = False
        step = self._global_train_batch
        if self.write_steps_per_second and self._recording():
            elapsed = time.time() - self._batch_start_time
            if elapsed > 0:
                self._scalar(self._train_writer, "batch_steps_per_second", 1.0 / elapsed, step)
        if isinstance(logs, Mapping) and self._recording():
            for name, value in logs.items():
                self._scalar(self._train_writer, f"batch_{name}", value, step)
        if self._health is not None and self._due_health():
            started = time.perf_counter()
            self._health.log(self._train_writer, step)
            logger.debug(
                "ridgeline.keras: health statistics at batch %d took %.1f ms",
                step,
                (time.perf_counter() - started) * 1e3,
            )
        if not self._should_trace or not self._is_tracing:
            return
        if self._profiler_started and self._batch_trace is not None:
            keras.src.backend.tensorboard.stop_batch_trace(self._batch_trace)
            self._batch_trace = None
        if self._global_train_batch >= self._stop_batch:
            self._stop_trace()

    def on_test_batch_begin(self, batch: int, logs: Mapping[str, Any] | None = None) -> None:
        self._global_test_batch += 1
        if self.update_freq != "epoch":
            self._pop_writer()
            self._push_writer(self._val_writer, self._global_test_batch)

    def on_epoch_begin(self, epoch: int, logs: Mapping[str, Any] | None = None) -> None:
        if self.write_steps_per_second:
            self._previous_epoch_iterations = _to_float(self.model.optimizer.iterations)
            self._epoch_start_time = time.time()

    def on_epoch_end(self, epoch: int, logs: Mapping[str, Any] | None = None) -> None:
        started = time.perf_counter()
        self._log_epoch_metrics(epoch, dict(logs or {}))
        if self.histogram_freq and epoch % self.histogram_freq == 0:
            self._log_weights(epoch)
        if self.embeddings_freq and epoch % self.embeddings_freq == 0:
            self._log_embeddings(epoch)
        logger.debug(
            "ridgeline.keras: epoch %d summaries took %.1f ms", epoch, (time.perf_counter() - started) * 1e3
        )

    def _due_health(self) -> bool:
        return (self._global_train_batch - 1) % self.health_freq == 0

    # ---- what gets logged --------------------------------------------------------------------

    def _learning_rates(self) -> dict[str, float]:
        optimizer = self.model.optimizer
        optimizer = getattr(optimizer, "inner_optimizer", optimizer)  # LossScaleOptimizer
        if hasattr(optimizer, "optimizers"):
            return {f"learning_rate_{o.name}": _to_float(o.learning_rate) for o in optimizer.optimizers}
        if isinstance(optimizer, keras.optimizers.Optimizer):
            return {"learning_rate": _to_float(optimizer.learning_rate)}
        return {}

    def _log_epoch_metrics(self, epoch: int, logs: dict[str, Any]) -> None:
        if not logs:
            return
        train = {k: v for k, v in logs.items() if not k.startswith("val_")}
        val = {k[4:]: v for k, v in logs.items() if k.startswith("val_")}
        train.update(self._learning_rates())
        if self.write_steps_per_second:
            elapsed = time.time() - self._epoch_start_time
            done = _to_float(self.model.optimizer.iterations) - self._previous_epoch_iterations
            train["steps_per_second"] = done / elapsed if elapsed > 0 else float("nan")
        for name, value in train.items():
            self._scalar(self._train_writer, f"epoch_{name}", value, epoch)
        for name, value in val.items():
            self._scalar(self._val_writer, f"epoch_{name}", value, epoch)

    def _log_weights(self, epoch: int) -> None:
        writer = self._train_writer
        for layer in self.model.layers:
            for weight in layer.weights:
                name = weight.path.replace(":", "_")
                values = np.asarray(ops.convert_to_numpy(weight))
                writer._queue(_histogram_builder(f"{name}/histogram", values), epoch, None)
                if self.write_images:
                    image = weight_image(values)
                    if image is not None:
                        writer._queue(_image_builder(f"{name}/image", _tf_image_uint8(image)), epoch, None)
        writer.flush()

    def _write_train_graph(self) -> None:
        """The train function's graph, where it is a ``tf.function`` (the tensorflow backend)."""
        train_fn = getattr(self.model, "train_function", None)
        if train_fn is None or not hasattr(train_fn, "function_spec"):
            return
        concrete = getattr(train_fn, "_concrete_stateful_fn", None) or getattr(
            train_fn, "_concrete_variable_creation_fn", None
        )
        if concrete is None:
            return
        graph_def = concrete.graph.as_graph_def().SerializeToString()
        self._train_writer._get_file_writer().add_event(
            event_pb2.Event(wall_time=time.time(), step=0, graph_def=graph_def)
        )

    def _configure_embeddings(self) -> None:
        """``projector_config.pbtxt`` in ``log_dir``, one entry per ``Embedding`` layer, as
        Keras writes it; each entry also names a TSV of the layer's vectors (rewritten every
        ``embeddings_freq`` epochs), which the projector reads without a TensorFlow checkpoint."""
        metadata = self.embeddings_metadata
        entries = []
        for layer in self.model.layers:
            if not isinstance(layer, keras.layers.Embedding):
                continue
            entry = {
                "tensor_name": "layer_with_weights-0/embeddings/.ATTRIBUTES/VARIABLE_VALUE",
                "tensor_path": os.path.join("train", "embeddings", f"{layer.name}.tsv"),
            }
            if isinstance(metadata, str):
                entry["metadata_path"] = metadata
            elif isinstance(metadata, dict) and layer.name in metadata:
                entry["metadata_path"] = metadata.pop(layer.name)
            entries.append(entry)
        if isinstance(metadata, dict) and metadata:
            raise ValueError(
                "Unrecognized `Embedding` layer names passed to `keras.callbacks.TensorBoard` "
                f"`embeddings_metadata` argument: {metadata.keys()}"
            )
        text = "".join(
            "embeddings {\n" + "".join(f'  {k}: "{_pbtxt_escape(v)}"\n' for k, v in e.items()) + "}\n"
            for e in entries
        )
        os.makedirs(self.log_dir, exist_ok=True)
        with open(os.path.join(self.log_dir, "projector_config.pbtxt"), "w", encoding="utf-8") as f:
            f.write(text)

    def _log_embeddings(self, epoch: int) -> None:
        os.makedirs(self._train_dir, exist_ok=True)
        self.model.save_weights(os.path.join(self._train_dir, f"keras_embedding.ckpt-{epoch}.weights.h5"))
        folder = os.path.join(self._train_dir, "embeddings")
        os.makedirs(folder, exist_ok=True)
        for layer in self.model.layers:
            if isinstance(layer, keras.layers.Embedding):
                vectors = np.asarray(ops.convert_to_numpy(layer.embeddings), dtype=np.float32)
                path = os.path.join(folder, f"{layer.name}.tsv")
                np.savetxt(path + ".tmp", vectors, delimiter="\t", fmt="%.7g")
                os.replace(path + ".tmp", path)

    # ---- profiling (the backend's profiler, as Keras runs it) --------------------------------

    def _start_trace(self) -> None:
        try:
            keras.src.backend.tensorboard.start_trace(self._train_dir)
            self._profiler_started = True
        except Exception as exc:  # profiler errors are not fatal, as in Keras
            logger.error("Failed to start profiler: %s", exc)
        self._is_tracing = True

    def _stop_trace(self) -> None:
        if self._profiler_started:
            try:
                keras.src.backend.tensorboard.stop_trace(save=True)
            except Exception as exc:
                logger.error("Failed to stop profiler: %s", exc)
            self._profiler_started = False
        self._is_tracing = False


def _histogram_builder(tag: str, values: np.ndarray) -> Callable[[], summary_pb2.Summary]:
    return lambda: histogram_pb_from_buckets(tag, tf_buckets(values))


def _image_builder(tag: str, pixels: np.ndarray) -> Callable[[], summary_pb2.Summary]:
    return lambda: image_pb(tag, pixels)


def _pbtxt_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def _profile_range(profile_batch: int | str | tuple[int, int] | list[int]) -> tuple[int, int]:
    message = (
        "profile_batch must be a non-negative integer or 2-tuple of positive integers. A pair of "
        f"positive integers signifies a range of batches to profile. Found: {profile_batch}"
    )
    value: Any = profile_batch
    if isinstance(value, str):
        value = [int(p) for p in value.split(",")]
    if isinstance(value, int) and not isinstance(value, bool):
        start, stop = value, value
    elif isinstance(value, (tuple, list)) and len(value) == 2:
        start, stop = int(value[0]), int(value[1])
    else:
        raise ValueError(message)
    if start < 0 or stop < start:
        raise ValueError(message)
    return start, stop


# ---- frequency-aware callbacks --------------------------------------------------------------------


class EveryNEpochs(keras.callbacks.Callback):  # type: ignore[misc]
    """Call ``fn(epoch, logs)`` at the end of every ``n``-th epoch (epochs 0, n, 2n... or, with
    ``first=False``, n-1, 2n-1...), timed at DEBUG level on ``ridgeline.callbacks``.

        model.fit(..., callbacks=[EveryNEpochs(5, lambda epoch, logs: log_samples(epoch))])
    """

    def __init__(self, n: int, fn: Callable[[int, Mapping[str, Any]], Any], first: bool = True) -> None:
        super().__init__()
        self._call = _every(n, "epoch", first)(fn)

    def on_epoch_end(self, epoch: int, logs: Mapping[str, Any] | None = None) -> None:
        self._call(epoch, logs or {})


class EveryNBatches(keras.callbacks.Callback):  # type: ignore[misc]
    """Call ``fn(batch, logs)`` after every ``n``-th training batch, counted over the whole fit
    (0, n, 2n...), timed at DEBUG level on ``ridgeline.callbacks``."""

    def __init__(self, n: int, fn: Callable[[int, Mapping[str, Any]], Any], first: bool = True) -> None:
        super().__init__()
        self._call = _every(n, "batch", first)(fn)
        self._batch = -1

    def on_train_begin(self, logs: Mapping[str, Any] | None = None) -> None:
        self._batch = -1

    def on_train_batch_end(self, batch: int, logs: Mapping[str, Any] | None = None) -> None:
        self._batch += 1
        self._call(self._batch, logs or {})


class ImageGrid(EveryNEpochs):
    """Every ``every_n_epochs`` epochs, log the model's outputs on a few samples as an input |
    output | target grid under ``<prefix>/input_output_target``.

    Args:
        writer: a :class:`ridgeline.SummaryWriter`, or a directory to open one in.
        data: ``(inputs, targets)`` (targets may be None) — a handful of samples, NHWC as Keras
            image models take them.
        prefix: ``"train"`` or ``"val"`` (the dashboard groups tags by it).
        transform: maps the model's outputs to images (e.g. reshape a flat decoder output).
    """

    def __init__(
        self,
        writer: SummaryWriter | str | os.PathLike[str],
        data: tuple[Any, Any | None],
        every_n_epochs: int = 1,
        prefix: str = "val",
        max_samples: int = 8,
        transform: Callable[[Any], Any] | None = None,
        first: bool = True,
    ) -> None:
        self.writer = writer if isinstance(writer, SummaryWriter) else SummaryWriter(os.fspath(writer))
        self.inputs, self.targets = data
        self.prefix = prefix
        self.max_samples = max_samples
        self.transform = transform
        super().__init__(every_n_epochs, self._log, first)

    def _log(self, epoch: int, logs: Mapping[str, Any]) -> None:
        outputs = self.model.predict(self.inputs[: self.max_samples], verbose=0)
        if self.transform is not None:
            outputs = self.transform(outputs)
        log_image_grid(
            self.writer,
            self.prefix,
            self.inputs[: self.max_samples],
            outputs,
            None if self.targets is None else self.targets[: self.max_samples],
            epoch,
            dataformats="NHWC",
            max_samples=self.max_samples,
        )
        self.writer.flush()


# tf-explain's callbacks (torch backend), importable from here as tf-explain users expect
from ridgeline.explain.keras_callbacks import (  # noqa: E402
    ActivationsVisualizationCallback,
    GradCAMCallback,
    GradientsInputsCallback,
    IntegratedGradientsCallback,
    OcclusionSensitivityCallback,
    SmoothGradCallback,
    VanillaGradientsCallback,
)

__all__ = [
    "ActivationsVisualizationCallback",
    "EveryNBatches",
    "EveryNEpochs",
    "GradCAMCallback",
    "GradientsInputsCallback",
    "ImageGrid",
    "IntegratedGradientsCallback",
    "OcclusionSensitivityCallback",
    "SmoothGradCallback",
    "TensorBoard",
    "VanillaGradientsCallback",
]
