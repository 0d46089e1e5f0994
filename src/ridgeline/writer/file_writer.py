"""Stage 1 (writer): ``SummaryWriter.file_writer`` as PyTorch and tensorboardX expose it — a
``FileWriter`` taking ready-made ``Summary``/``Event``/``GraphDef`` protos — and the writer that
``write_to_disk=False`` uses, which takes everything and writes nothing.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from ridgeline.proto import event_pb2, summary_pb2
from ridgeline.writer.event_file import EventFileWriter


class FileWriter:
    """One event file, fed protos directly (``torch.utils.tensorboard.FileWriter``'s methods).

    Accepts Ridgeline's protos or any protobuf message of the same type (TensorBoard's,
    tensorboardX's): messages are copied by their serialized bytes.
    """

    def __init__(self, writer: EventFileWriter, logdir: str) -> None:
        self.event_writer = writer
        self._logdir = logdir

    def get_logdir(self) -> str:
        return self._logdir

    def add_event(self, event: Any, step: int | None = None, walltime: float | None = None) -> None:
        ours = event_pb2.Event.FromString(event.SerializeToString())
        ours.wall_time = time.time() if walltime is None else float(walltime)
        if step is not None:
            ours.step = int(step)
        self.event_writer.add_event(ours)

    def add_summary(
        self, summary: Any, global_step: int | None = None, walltime: float | None = None
    ) -> None:
        ours = summary_pb2.Summary.FromString(summary.SerializeToString())
        self.add_event(event_pb2.Event(summary=ours), global_step, walltime)

    def add_graph(self, graph_profile: Any, walltime: float | None = None) -> None:
        """Log a ``GraphDef`` (or PyTorch's ``(GraphDef, RunMetadata)`` pair: the graph is kept)."""
        graph = graph_profile[0] if isinstance(graph_profile, (tuple, list)) else graph_profile
        self.add_event(event_pb2.Event(graph_def=graph.SerializeToString()), None, walltime)

    def add_onnx_graph(self, graph: Any, walltime: float | None = None) -> None:
        self.add_event(event_pb2.Event(graph_def=graph.SerializeToString()), None, walltime)

    def flush(self) -> None:
        self.event_writer.flush()

    def close(self) -> None:
        self.event_writer.close()


class NullEventFileWriter(EventFileWriter):
    """An event file writer that writes nothing (``SummaryWriter(write_to_disk=False)``)."""

    def __init__(self) -> None:  # no file, no thread
        self.closed = False
        self.path = ""

    def add_scalar(self, *args: Any, **kwargs: Any) -> None:
        return None

    def add_event(self, event: event_pb2.Event) -> None:
        return None

    def add_summary(self, build: Callable[[], summary_pb2.Summary], step: int, wall_time: float) -> None:
        return None

    def flush(self) -> None:
        return None

    def close(self) -> None:
        self.closed = True
