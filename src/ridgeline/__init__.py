"""Ridgeline: a fast, TensorBoard-compatible visualization suite for training models.

``from ridgeline import SummaryWriter`` is a drop-in for ``torch.utils.tensorboard``'s writer;
``ridgeline.summary`` holds ``tf.summary``-style functions. Both are loaded on first use
(PEP 562), so ``ridgeline serve`` does not pay for the writer and everything else is reached by
module path (``ridgeline.server``, ``ridgeline.ingest``...).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ridgeline import summary
    from ridgeline.writer import GlobalSummaryWriter, SummaryWriter

__version__ = "0.1.0"

__all__ = ["GlobalSummaryWriter", "SummaryWriter", "__version__", "summary"]


def load_ipython_extension(ipython: Any) -> None:
    """``%load_ext ridgeline`` in Jupyter: adds the ``%ridgeline --logdir DIR`` magic."""
    from ridgeline.notebook import load_ipython_extension as load

    load(ipython)


def __getattr__(name: str) -> Any:
    if name == "SummaryWriter":
        return importlib.import_module("ridgeline.writer").SummaryWriter
    if name == "GlobalSummaryWriter":
        return importlib.import_module("ridgeline.writer").GlobalSummaryWriter
    if name == "summary":
        return importlib.import_module("ridgeline.summary")
    raise AttributeError(f"module 'ridgeline' has no attribute {name!r}")
