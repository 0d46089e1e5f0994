"""``tf.summary``-style functions that write to the default writer.

Example::

    writer = ridgeline.SummaryWriter("runs/exp1")
    with writer.as_default(step=0):
        for step in range(100):
            ridgeline.summary.scalar("loss", loss, step=step)

Each function returns True when something was written and False when no default writer is
active (as ``tf.summary`` does).
"""

from __future__ import annotations

from typing import Any

from ridgeline.plugins.audio.summary import audio_pb
from ridgeline.plugins.histograms.summary import DEFAULT_BUCKET_COUNT, histogram_pb_from_buckets, tf_buckets
from ridgeline.plugins.images.summary import image_pb, to_nhwc
from ridgeline.plugins.text.summary import text_pb
from ridgeline.writer import default as _default
from ridgeline.writer.values import to_array


def set_step(step: int | None) -> None:
    """Set the default step for calls in the current ``as_default`` block."""
    _default.set_step(step)


def get_step() -> int | None:
    """The default step of the current ``as_default`` block, or None."""
    current = _default.current()
    return current[1] if current else None


def _target(step: int | None) -> tuple[Any, int] | None:
    current = _default.current()
    if current is None or current[0] is None:  # none, or recording switched off (see record_if)
        return None
    writer, default_step = current
    if step is None:
        step = default_step
    if step is None:
        raise ValueError("no step given and no default step set (pass step= or use as_default(step=...))")
    return writer, int(step)


def scalar(name: str, data: Any, step: int | None = None, description: str | None = None) -> bool:
    """Write a scalar to the default writer.

    Args:
        name: the tag.
        data: a number or one-element numpy/torch/jax/tensorflow value.
        step: the step; defaults to the one given to ``as_default``/``set_step``.
        description: markdown shown with the chart.
    """
    target = _target(step)
    if target is None:
        return False
    writer, s = target
    writer._write_scalar_summary(name, data, s, description)
    return True


def image(
    name: str, data: Any, step: int | None = None, max_outputs: int = 3, description: str | None = None
) -> bool:
    """Write images to the default writer.

    Args:
        data: [k, h, w, c] with c in {1, 3, 4}; floats in [0, 1] or uint8.
        max_outputs: how many of the k images to keep.
    """
    target = _target(step)
    if target is None:
        return False
    writer, s = target
    arr = to_nhwc(to_array(data), "NHWC")
    writer._queue(
        lambda: image_pb(name, arr, max_outputs=max_outputs, description=description or ""), s, None
    )
    return True


def audio(
    name: str,
    data: Any,
    sample_rate: int,
    step: int | None = None,
    max_outputs: int = 3,
    encoding: str | None = None,
    description: str | None = None,
) -> bool:
    """Write audio clips ([k, t, c] floats in [-1, 1]) to the default writer, as WAV."""
    if encoding not in (None, "wav"):
        raise ValueError(f"only 'wav' encoding is supported, got {encoding!r}")
    target = _target(step)
    if target is None:
        return False
    writer, s = target
    arr = to_array(data)
    writer._queue(
        lambda: audio_pb(name, arr, int(sample_rate), max_outputs=max_outputs, description=description or ""),
        s,
        None,
    )
    return True


def histogram(
    name: str, data: Any, step: int | None = None, buckets: int | None = None, description: str | None = None
) -> bool:
    """Write a histogram of ``data`` with ``buckets`` equal-width buckets (default 30), bucketed
    as ``tf.summary.histogram`` does."""
    target = _target(step)
    if target is None:
        return False
    writer, s = target
    arr = to_array(data)
    count = DEFAULT_BUCKET_COUNT if buckets is None else int(buckets)
    writer._queue(
        lambda: histogram_pb_from_buckets(name, tf_buckets(arr, count), description=description or ""),
        s,
        None,
    )
    return True


def text(name: str, data: Any, step: int | None = None, description: str | None = None) -> bool:
    """Write markdown text (a string, or an array of strings shown as a table)."""
    target = _target(step)
    if target is None:
        return False
    writer, s = target
    summary = text_pb(
        name, data if isinstance(data, (str, bytes)) else to_array(data), description=description or ""
    )
    writer._queue(lambda: summary, s, None)
    return True
