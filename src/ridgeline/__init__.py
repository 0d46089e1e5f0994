"""Ridgeline: a fast, TensorBoard-compatible visualization suite for training models.

``from ridgeline import SummaryWriter`` is a drop-in for ``torch.utils.tensorboard``'s writer;
``ridgeline.summary`` holds ``tf.summary``-style functions. Everything else is reached by module
path (``ridgeline.server``, ``ridgeline.ingest``...), so importing the package stays light.
"""

from ridgeline import summary
from ridgeline.writer import SummaryWriter

__version__ = "0.1.0"

__all__ = ["SummaryWriter", "__version__", "summary"]
