"""Stage 1 (writer): the default writer and step for ``ridgeline.summary`` functions.

A stack per thread, like ``tf.summary``'s default writer: ``with writer.as_default(step=..)``
pushes, leaving the block pops.
"""

from __future__ import annotations

import threading
from typing import Any

_state = threading.local()


def _stack() -> list[list[Any]]:
    stack: list[list[Any]] | None = getattr(_state, "stack", None)
    if stack is None:
        stack = []
        _state.stack = stack
    return stack


def push(writer: Any, step: int | None) -> int:
    stack = _stack()
    stack.append([writer, step])
    return len(stack)


def pop(token: int) -> None:
    del _stack()[token - 1 :]


def current() -> tuple[Any, int | None] | None:
    """The innermost default (writer, step), or None outside any ``as_default`` block."""
    stack = _stack()
    return (stack[-1][0], stack[-1][1]) if stack else None


def set_step(step: int | None) -> None:
    stack = _stack()
    if not stack:
        raise RuntimeError("set_step needs an active `with writer.as_default():` block")
    stack[-1][1] = step
