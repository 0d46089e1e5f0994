"""Stage 1 (writer): turn user values (Python, numpy, torch, jax, tensorflow) into numbers.

No framework is imported here: a framework type is recognised only if the user's program has
already imported that framework (``sys.modules``). Values that may still live on an
accelerator (torch CUDA/MPS tensors, jax arrays, TF eager tensors) are not read on the caller's
thread — reading them would make the training loop wait for the device. They become a
:class:`Deferred`, which the writer's background thread resolves.
"""

from __future__ import annotations

import numbers
import sys
from collections.abc import Callable
from typing import Any

import numpy as np


class Deferred:
    """A scalar whose host value is read later, off the caller's thread."""

    __slots__ = ("_read", "_source")

    def __init__(self, source: Any, read: Callable[[Any], float]) -> None:
        self._source = source
        self._read = read

    def resolve(self) -> float:
        value = self._read(self._source)
        self._source = None
        return value


ScalarInput = float | Deferred


def _read_torch(t: Any) -> float:
    return float(t.item())


def _read_generic(x: Any) -> float:
    return float(np.asarray(x).reshape(()))


def _torch_scalar(x: Any) -> ScalarInput:
    t = x.detach()
    if t.numel() != 1:
        raise ValueError(f"scalar value must have exactly one element, got shape {tuple(t.shape)}")
    if t.device.type == "cpu":
        return float(t.item())
    # Copy on the device (an asynchronous kernel) so a later in-place update of the caller's
    # tensor cannot change what gets logged; the host read happens on the writer thread.
    return Deferred(t.clone(), _read_torch)


def _is_instance_of(x: Any, module: str, attr_path: tuple[str, ...]) -> bool:
    mod = sys.modules.get(module)
    if mod is None:
        return False
    obj: Any = mod
    for attr in attr_path:
        obj = getattr(obj, attr, None)
        if obj is None:
            return False
    return isinstance(x, obj)


def to_scalar(x: Any) -> ScalarInput:
    """Convert a user-supplied scalar to ``float`` now, or to a :class:`Deferred`.

    Raises:
        TypeError: ``x`` is not a number or a one-element array/tensor.
        ValueError: ``x`` has more than one element.
    """
    if isinstance(x, float):
        return x
    if isinstance(x, (bool, numbers.Real)) and not isinstance(x, np.ndarray):
        return float(x)
    if isinstance(x, (np.ndarray, np.generic)):
        arr = np.asarray(x)
        if arr.size != 1:
            raise ValueError(f"scalar value must have exactly one element, got shape {arr.shape}")
        return float(arr.reshape(()))
    if _is_instance_of(x, "torch", ("Tensor",)):
        return _torch_scalar(x)
    # jax arrays and TF eager tensors are immutable: keeping a reference is safe, and reading
    # them on the writer thread keeps the caller from waiting for the device.
    if _is_instance_of(x, "jax", ("Array",)) or _is_instance_of(x, "tensorflow", ("Tensor",)):
        return Deferred(x, _read_generic)
    if hasattr(x, "__array__") or hasattr(x, "item"):
        arr = np.asarray(x)
        if arr.size != 1:
            raise ValueError(f"scalar value must have exactly one element, got shape {arr.shape}")
        return float(arr.reshape(()))
    raise TypeError(f"cannot log {type(x).__name__!r} as a scalar; pass a number or a 1-element tensor")


def resolve(value: ScalarInput) -> float:
    """The host value of a possibly deferred scalar."""
    return value.resolve() if isinstance(value, Deferred) else value


def to_array(x: Any) -> np.ndarray:
    """Copy a user-supplied array (numpy, torch, jax, tensorflow, nested lists) to host numpy.

    Unlike scalars, arrays are read on the caller's thread: an image or histogram is logged
    rarely, and the copy frees the caller to change its tensor right after the call.
    """
    if isinstance(x, np.ndarray):
        return x.copy()
    if _is_instance_of(x, "torch", ("Tensor",)):
        t = x.detach()
        if t.dtype.is_floating_point and t.dtype.itemsize == 2:  # bfloat16/float16: no numpy twin for bf16
            t = t.float()
        return np.array(t.cpu().numpy(), copy=True)
    if hasattr(x, "numpy") and callable(x.numpy):  # tensorflow eager tensors
        return np.array(x.numpy(), copy=True)
    return np.array(x, copy=True)
