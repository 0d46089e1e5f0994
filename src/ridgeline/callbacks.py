"""Writer-side helpers for custom logging in any training loop: run something every N epochs or
batches, time it, and lay out input | output | target image grids.

    import ridgeline
    from ridgeline.callbacks import every_n_epochs, log_image_grid

    @every_n_epochs(5)
    def log_samples(epoch):
        log_image_grid(writer, "val", x_val[:8], model(x_val[:8]), y_val[:8], epoch)

    for epoch in range(100):
        train_one_epoch()
        log_samples(epoch)          # runs at epochs 0, 5, 10, ...

Every call that runs is timed and reported at DEBUG level on the ``ridgeline.callbacks``
logger (``logging.getLogger("ridgeline.callbacks").setLevel(logging.DEBUG)``), so the cost of a
logging callback is visible, not guessed. No framework is imported: arrays may be numpy,
torch, jax or TensorFlow.
"""

from __future__ import annotations

import functools
import logging
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar

import numpy as np

from ridgeline.plugins.images.summary import to_nhwc
from ridgeline.writer.values import to_array

if TYPE_CHECKING:
    from ridgeline.writer.summary_writer import SummaryWriter

logger = logging.getLogger(__name__)

P = ParamSpec("P")
R = TypeVar("R")


def _every(n: int, unit: str, first: bool) -> Callable[[Callable[P, R]], Callable[P, R | None]]:
    if n < 1:
        raise ValueError(f"every_n_{unit}s needs n >= 1, not {n}")

    def decorate(fn: Callable[P, R]) -> Callable[P, R | None]:
        name = getattr(fn, "__qualname__", repr(fn))

        @functools.wraps(fn)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> R | None:
            index = int(args[0]) if args else int(kwargs[unit])  # type: ignore[call-overload]
            due = index % n == 0 if first else (index + 1) % n == 0
            if not due:
                return None
            started = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                logger.debug(
                    "%s at %s %d took %.1f ms", name, unit, index, (time.perf_counter() - started) * 1e3
                )

        return wrapper

    return decorate


def every_n_epochs(n: int, first: bool = True) -> Callable[[Callable[P, R]], Callable[P, R | None]]:
    """Decorate ``fn(epoch, ...)`` to run only every ``n`` epochs (returns None otherwise).

    Args:
        n: how often.
        first: run at epochs 0, n, 2n... (default); False runs at n-1, 2n-1... (the end of each
            block of ``n`` epochs, as Keras' ``epoch + 1`` counting does).
    """
    return _every(n, "epoch", first)


def every_n_batches(n: int, first: bool = True) -> Callable[[Callable[P, R]], Callable[P, R | None]]:
    """Decorate ``fn(batch, ...)`` to run only every ``n`` batches (see :func:`every_n_epochs`)."""
    return _every(n, "batch", first)


def _hwc(images: Any, dataformats: str) -> np.ndarray:
    """A batch as float NHWC RGB in [0, 1]: integers are 0..255; floats already in [0, 1] are
    kept, other floats (standardized inputs, logits) are min-max scaled over the batch."""
    raw = to_nhwc(to_array(images), dataformats)
    arr = np.nan_to_num(raw.astype(np.float32))
    if raw.dtype.kind in "iu":
        arr = arr / 255.0
    elif arr.size and (arr.min() < 0.0 or arr.max() > 1.0):
        lo, hi = float(arr.min()), float(arr.max())
        arr = (arr - lo) / (hi - lo) if hi > lo else np.zeros_like(arr)
    if arr.shape[-1] == 1:
        arr = np.repeat(arr, 3, axis=-1)
    return np.clip(arr, 0.0, 1.0)


def image_grid(
    inputs: Any,
    outputs: Any,
    targets: Any | None = None,
    *,
    dataformats: str = "NCHW",
    max_samples: int = 8,
    pad: int = 2,
) -> np.ndarray:
    """One HWC image in [0, 1]: a row per sample (at most ``max_samples``), columns input |
    output | target, separated by ``pad`` white pixels.

    Arrays are batches laid out as ``dataformats`` (``"NCHW"`` as PyTorch, ``"NHWC"`` as Keras)
    of the same height and width: floats in [0, 1] as they are, other floats min-max scaled
    over the batch, integers as 0..255; one channel is shown as gray.
    """
    columns = [_hwc(inputs, dataformats), _hwc(outputs, dataformats)]
    if targets is not None:
        columns.append(_hwc(targets, dataformats))
    n = min(max_samples, *(c.shape[0] for c in columns))
    if n == 0:
        raise ValueError("image_grid got an empty batch")
    h, w = columns[0].shape[1:3]
    for c in columns[1:]:
        if c.shape[1:3] != (h, w):
            raise ValueError(f"every column must be {h}x{w} like the inputs, got {c.shape[1]}x{c.shape[2]}")
    k = len(columns)
    grid = np.ones((n * h + (n + 1) * pad, k * w + (k + 1) * pad, 3), dtype=np.float32)
    for i in range(n):
        for j, col in enumerate(columns):
            y, x = pad + i * (h + pad), pad + j * (w + pad)
            grid[y : y + h, x : x + w] = col[i]
    return grid


def log_image_grid(
    writer: SummaryWriter,
    prefix: str,
    inputs: Any,
    outputs: Any,
    targets: Any | None,
    step: int,
    *,
    dataformats: str = "NCHW",
    max_samples: int = 8,
) -> str:
    """Log :func:`image_grid` under ``<prefix>/input_output_target`` (``prefix`` like ``"train"``
    or ``"val"``, so the dashboard groups them); returns the tag."""
    tag = (
        f"{prefix.rstrip('/')}/input_output_target"
        if targets is not None
        else f"{prefix.rstrip('/')}/input_output"
    )
    grid = image_grid(inputs, outputs, targets, dataformats=dataformats, max_samples=max_samples)
    writer.add_image(tag, grid, step, dataformats="HWC")
    return tag
