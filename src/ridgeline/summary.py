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

from ridgeline.writer import default as _default


def set_step(step: int | None) -> None:
    """Set the default step for calls in the current ``as_default`` block."""
    _default.set_step(step)


def get_step() -> int | None:
    """The default step of the current ``as_default`` block, or None."""
    current = _default.current()
    return current[1] if current else None


def _target(step: int | None) -> tuple[Any, int] | None:
    current = _default.current()
    if current is None:
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
