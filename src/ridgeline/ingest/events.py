"""Stage 2 (ingest): the protobuf path, for every record the fast scalar decoder passes over.

Turns an Event into what the run loader needs: file version, restarts (``SessionLog.START``),
and summary values in TensorBoard's canonical form (legacy ``simple_value`` becomes a scalar,
as ``tensorboard/data_compat.py`` migrates it; events that are not summaries become the values
a plugin's ingest hook makes of them, ``hooks.py``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ridgeline.ingest import hooks
from ridgeline.ingest.data_class import SCALARS_PLUGIN
from ridgeline.proto import event_pb2, summary_pb2, tensor_pb2, types_pb2

_FLOAT_DTYPES = {
    types_pb2.DT_FLOAT: (np.float32, "float_val"),
    types_pb2.DT_DOUBLE: (np.float64, "double_val"),
    types_pb2.DT_HALF: (np.float16, "half_val"),
    types_pb2.DT_INT32: (np.int32, "int_val"),
    types_pb2.DT_INT64: (np.int64, "int64_val"),
}


@dataclass(slots=True)
class ValueRecord:
    """One summary value from the protobuf path."""

    tag: str
    metadata: summary_pb2.SummaryMetadata | None
    scalar: float | None  # set when the value is a scalar (simple_value or rank-0 tensor)
    legacy_plugin: str | None  # plugin implied by a legacy field (simple_value -> scalars)
    index: int = 0  # position in Event.summary.value; -k-1: the k-th value hooks.migrate makes


@dataclass(slots=True)
class EventRecord:
    """What one Event means to the run loader."""

    step: int
    wall_time: float
    file_version: str | None
    session_start: bool
    values: list[ValueRecord]
    offset: int = 0  # where the serialized Event starts in its file (set by the decoder)
    length: int = 0


def tensor_scalar(proto: tensor_pb2.TensorProto) -> float | None:
    """The value of a one-element numeric TensorProto, or None."""
    dims = [d.size for d in proto.tensor_shape.dim]
    if any(d != 1 for d in dims):
        return None
    spec = _FLOAT_DTYPES.get(proto.dtype)
    if spec is None:
        return None
    dtype, field = spec
    if proto.tensor_content:
        if len(proto.tensor_content) != np.dtype(dtype).itemsize:
            return None  # not one element: not a scalar (or a tensor that lies about its shape)
        arr = np.frombuffer(proto.tensor_content, dtype=np.dtype(dtype).newbyteorder("<"))
        return float(arr[0])
    values = getattr(proto, field)
    if len(values) != 1:
        return None
    if field == "half_val":
        return float(np.array([values[0]], dtype=np.uint16).view(np.float16)[0])
    return float(values[0])


def parse_event(data: bytes) -> EventRecord:
    """Parse one serialized Event (raises ``google.protobuf.message.DecodeError``)."""
    event = event_pb2.Event.FromString(data)
    what = event.WhichOneof("what")
    values: list[ValueRecord] = []
    if what == "summary":
        for index, value in enumerate(event.summary.value):
            kind = value.WhichOneof("value")
            metadata = value.metadata if value.HasField("metadata") else None
            if kind == "simple_value":
                values.append(
                    ValueRecord(value.tag, metadata, float(value.simple_value), SCALARS_PLUGIN, index)
                )
            elif kind == "tensor":
                values.append(ValueRecord(value.tag, metadata, tensor_scalar(value.tensor), None, index))
            else:
                legacy = {"image": "images", "audio": "audio", "histo": "histograms"}.get(kind or "")
                values.append(ValueRecord(value.tag, metadata, None, legacy, index))
    elif what in hooks.event_fields():
        for k, value in enumerate(hooks.migrate(event)):
            values.append(ValueRecord(value.tag, value.metadata, None, None, -k - 1))
    return EventRecord(
        step=event.step,
        wall_time=event.wall_time,
        file_version=event.file_version if what == "file_version" else None,
        session_start=what == "session_log" and event.session_log.status == event_pb2.SessionLog.START,
        values=values,
    )
