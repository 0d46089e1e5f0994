"""Stage 1 of the data path: training process -> TensorBoard event files on disk.

Imports neither the reader, the index nor the server: a training job pays only for numpy,
protobuf and the CRC.
"""

from ridgeline.writer.global_writer import GlobalSummaryWriter
from ridgeline.writer.summary_writer import SummaryWriter

__all__ = ["GlobalSummaryWriter", "SummaryWriter"]
