"""Build event files record by record, for tests that need content our writer never makes.

TFRecord framing as the format defines it: little-endian u64 length, masked CRC-32C of the
length, the data, masked CRC-32C of the data.
"""

from __future__ import annotations

import struct
from pathlib import Path

import google_crc32c

from ridgeline.proto import event_pb2, summary_pb2, tensor_pb2, tensor_shape_pb2, types_pb2


def masked_crc(data: bytes) -> int:
    c = int(google_crc32c.value(data))
    return (((c >> 15) | (c << 17)) + 0xA282EAD8) & 0xFFFFFFFF


def frame(data: bytes) -> bytes:
    length = struct.pack("<Q", len(data))
    return length + struct.pack("<I", masked_crc(length)) + data + struct.pack("<I", masked_crc(data))


def header(wall_time: float = 1.0) -> bytes:
    return frame(event_pb2.Event(wall_time=wall_time, file_version="brain.Event:2").SerializeToString())


def scalar_metadata() -> summary_pb2.SummaryMetadata:
    meta = summary_pb2.SummaryMetadata(data_class=summary_pb2.DATA_CLASS_SCALAR)
    meta.plugin_data.plugin_name = "scalars"
    return meta


def scalar_tensor(value: float) -> tensor_pb2.TensorProto:
    return tensor_pb2.TensorProto(dtype=types_pb2.DT_FLOAT, float_val=[value])


def tensor(dtype: int, shape: list[int], **fields: object) -> tensor_pb2.TensorProto:
    dims = [tensor_shape_pb2.TensorShapeProto.Dim(size=d) for d in shape]
    return tensor_pb2.TensorProto(
        dtype=dtype, tensor_shape=tensor_shape_pb2.TensorShapeProto(dim=dims), **fields
    )


def event(step: int, *values: summary_pb2.Summary.Value, wall_time: float = 2.0) -> bytes:
    ev = event_pb2.Event(step=step, wall_time=wall_time, summary=summary_pb2.Summary(value=list(values)))
    return frame(ev.SerializeToString())


def write(path: Path, *records: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(header() + b"".join(records))
    return path
