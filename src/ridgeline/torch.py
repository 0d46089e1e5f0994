"""PyTorch helpers (writer side): ``watch`` a model's weights, gradients and activations.

    writer = ridgeline.SummaryWriter("runs/exp")
    ridgeline.torch.watch(model, writer, log="all", log_freq=100)
    ...train...
    ridgeline.torch.unwatch(model)

Every ``log_freq`` training batches (forward passes of ``model`` in training mode) it logs, per
parameter tensor (``layer.weight``, ``layer.bias``):

* ``parameters/<name>`` and ``gradients/<name>``: histograms (``log="parameters"``,
  ``"gradients"`` or ``"all"``);
* ``weight_norm/<name>``, ``grad_norm/<name>``: L2 norms, and ``update_ratio/<name>``:
  ‖W after the optimizer step − W before‖ / max(‖W before‖, ‖W after‖) for the logged batch
  (a weight that starts at zero, a fresh bias, reads 1 rather than infinity);
* ``activations/<module>/dead_fraction`` for ReLU-family modules (units that are zero for the
  whole batch) and ``activations/<module>/saturation`` for sigmoid/tanh modules (outputs within
  3 % of their bounds).

Statistics are computed on the device the tensors live on (bucket counts with ``bincount``, no
boolean indexing, no ``.item()``): the training thread never waits for the GPU, and only a few
numbers per tensor ever reach the host, read by the writer's thread. These tags are what
``ridgeline``'s training-health checks read (vanishing or exploding gradients, NaN, dead units).

torch is imported only when these functions are called.
"""

from __future__ import annotations

import logging
import time
import weakref
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np

from ridgeline.plugins.histograms.summary import histogram_raw_pb
from ridgeline.proto import summary_pb2

if TYPE_CHECKING:
    from ridgeline.writer.summary_writer import SummaryWriter

logger = logging.getLogger(__name__)

BINS = 64
_LOGS = ("gradients", "parameters", "all")
_RELU = ("ReLU", "ReLU6", "LeakyReLU", "ELU", "GELU", "SiLU", "Mish", "PReLU", "RReLU", "CELU", "SELU")
_SQUASH = {"Sigmoid": (0.0, 1.0), "Tanh": (-1.0, 1.0), "Hardtanh": (-1.0, 1.0), "Hardsigmoid": (0.0, 1.0)}
SATURATION_MARGIN = 0.03  # an output within 3 % of the range from a bound is saturated

_watched: weakref.WeakKeyDictionary[Any, Watch] = weakref.WeakKeyDictionary()


def _device_histogram(t: Any) -> Any:
    """One small tensor on ``t``'s device: [min, max, count per bucket (BINS), non-finite]."""
    import torch

    x = t.detach().reshape(-1).float()
    finite = torch.isfinite(x)
    lo = torch.where(finite, x, torch.full_like(x, float("inf"))).amin()
    hi = torch.where(finite, x, torch.full_like(x, float("-inf"))).amax()
    width = torch.clamp(hi - lo, min=1e-30)
    idx = ((x - lo) / width * BINS).floor().clamp(0, BINS - 1)
    idx = torch.where(finite, idx, torch.full_like(idx, BINS)).long()
    counts = torch.bincount(idx, minlength=BINS + 1).float()
    return torch.cat([lo.reshape(1), hi.reshape(1), counts])


def _histogram_summary(tag: str, packed: Any) -> summary_pb2.Summary:
    """Built on the writer thread: the only host copy is this small tensor."""
    arr = packed.cpu().numpy().astype(np.float64)
    lo, hi, counts = arr[0], arr[1], arr[2 : 2 + BINS]
    if not np.isfinite(lo) or not np.isfinite(hi):  # nothing finite: one empty bucket
        lo, hi, counts = 0.0, 0.0, np.zeros(1)
    limits = np.linspace(lo, hi, counts.size + 1)[1:] if hi > lo else np.array([hi])
    if hi <= lo:
        counts = np.array([counts.sum()])
    return histogram_raw_pb(tag, lo, hi, limits, counts)


def _units_alive(out: Any) -> Any:
    """Per unit (channels for conv maps and [N, C] outputs, the last dim for [N, T, F]): is it
    non-zero anywhere in the batch?"""
    if out.dim() <= 1:
        return (out != 0).reshape(-1)
    unit_dim = out.dim() - 1 if out.dim() == 3 else 1
    moved = out.detach().transpose(0, unit_dim).reshape(out.shape[unit_dim], -1)
    return (moved != 0).any(dim=1)


class Watch:
    """The hooks ``watch`` put on one model; :meth:`remove` takes every one of them off."""

    def __init__(self, model: Any, writer: SummaryWriter, log: str | None, log_freq: int) -> None:
        if log is not None and log not in _LOGS:
            raise ValueError(f"log must be one of {_LOGS} or None, not {log!r}")
        if log_freq < 1:
            raise ValueError("log_freq must be at least 1")
        self.model = model
        self.writer = writer
        self.log = log
        self.log_freq = log_freq
        self.step = -1  # training batches seen (forward passes in training mode), 0-based
        self._logging = False
        self._before: dict[str, Any] = {}  # weights at the logged batch, for update ratios
        self._before_step = -1
        self._handles: list[Any] = []
        self._params = [(n, p) for n, p in model.named_parameters() if p.requires_grad]
        self._handles.append(model.register_forward_pre_hook(self._on_batch))
        if log in ("gradients", "all"):
            for name, p in self._params:
                self._handles.append(p.register_post_accumulate_grad_hook(self._grad_hook(name)))
        for mod_name, module in model.named_modules():
            kind = type(module).__name__
            if kind in _RELU or kind in _SQUASH:
                self._handles.append(
                    module.register_forward_hook(self._activation_hook(mod_name or kind, kind))
                )

    # ---- hooks ------------------------------------------------------------------------------

    def _on_batch(self, module: Any, args: Any) -> None:
        if not module.training:
            self._logging = False
            return
        self.step += 1
        if self._before:  # the optimizer stepped since the logged batch: measure the update
            self._log_update_ratios()
        self._logging = self.step % self.log_freq == 0
        if self._logging and self.log in ("parameters", "all"):
            started = time.perf_counter()
            self._log_parameters()
            self._timed("parameters", started)

    def _grad_hook(self, name: str) -> Callable[[Any], None]:
        def hook(p: Any) -> None:
            if self._logging and p.grad is not None:
                started = time.perf_counter()
                self._emit(f"gradients/{name}", p.grad, f"grad_norm/{name}")
                self._timed(f"gradients/{name}", started)

        return hook

    def _activation_hook(self, name: str, kind: str) -> Callable[[Any, Any, Any], None]:
        import torch

        def hook(module: Any, args: Any, out: Any) -> None:
            if not self._logging or not isinstance(out, torch.Tensor) or out.numel() == 0:
                return
            if kind in _RELU:
                dead = 1.0 - _units_alive(out).float().mean()
                self.writer.add_scalar(f"activations/{name}/dead_fraction", dead, self.step)
            else:
                lo, hi = _SQUASH[kind]
                margin = SATURATION_MARGIN * (hi - lo)
                x = out.detach()
                sat = ((x <= lo + margin) | (x >= hi - margin)).float().mean()
                self.writer.add_scalar(f"activations/{name}/saturation", sat, self.step)

        return hook

    # ---- what gets logged -------------------------------------------------------------------

    def _emit(self, histogram_tag: str, t: Any, norm_tag: str) -> None:
        import torch

        packed = _device_histogram(t)
        self.writer._queue(lambda: _histogram_summary(histogram_tag, packed), self.step, None)
        self.writer.add_scalar(norm_tag, torch.linalg.vector_norm(t.detach().float()), self.step)

    def _log_parameters(self) -> None:
        for name, p in self._params:
            self._emit(f"parameters/{name}", p, f"weight_norm/{name}")
            self._before[name] = p.detach().clone()
        self._before_step = self.step

    def _log_update_ratios(self) -> None:
        import torch

        for name, p in self._params:
            before = self._before.get(name)
            if before is None:
                continue
            delta = torch.linalg.vector_norm((p.detach() - before).float())
            scale = torch.maximum(
                torch.linalg.vector_norm(before.float()), torch.linalg.vector_norm(p.detach().float())
            )
            ratio = delta / torch.clamp(scale, min=1e-30)
            self.writer.add_scalar(f"update_ratio/{name}", ratio, self._before_step)
        self._before = {}

    def _timed(self, what: str, started: float) -> None:
        if logger.isEnabledFor(logging.DEBUG):
            logger.debug(
                "ridgeline.watch: %s at step %d took %.3f ms",
                what,
                self.step,
                (time.perf_counter() - started) * 1e3,
            )

    def remove(self) -> None:
        for h in self._handles:
            h.remove()
        self._handles = []
        self._before = {}
        _watched.pop(self.model, None)


def watch(model: Any, writer: SummaryWriter, log: str | None = "gradients", log_freq: int = 100) -> Watch:
    """Log ``model``'s gradients and/or parameters every ``log_freq`` training batches.

    Args:
        model: a ``torch.nn.Module`` (a Keras 3 model on the torch backend is one).
        writer: where to log (a :class:`ridgeline.SummaryWriter`).
        log: ``"gradients"`` (default), ``"parameters"``, ``"all"``, or None (activations only).
        log_freq: log every this many training batches (forward passes in training mode).

    Returns the :class:`Watch`; ``unwatch(model)`` or ``.remove()`` takes every hook off. A
    model watched again is first unwatched.
    """
    unwatch(model)
    w = Watch(model, writer, log, log_freq)
    _watched[model] = w
    return w


def unwatch(model: Any) -> None:
    """Remove every hook ``watch`` put on ``model`` (nothing if it is not watched)."""
    w = _watched.pop(model, None)
    if w is not None:
        w.remove()
