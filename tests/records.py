"""Build event files record by record, for tests that need content our writer never makes.

Framing (``frame``) is the fuzzer's: TFRecord as the format defines it, little-endian u64
length, masked CRC-32C of the length, the data, masked CRC-32C of the data.
"""

from __future__ import annotations

import sys
from pathlib import Path

from ridgeline.proto import event_pb2, summary_pb2, tensor_pb2, tensor_shape_pb2, types_pb2

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
from fuzz_reader import frame, masked_crc  # noqa: E402  (one framing helper for tests and fuzzer)

__all__ = ["event", "frame", "header", "masked_crc", "scalar_metadata", "scalar_tensor", "tensor", "write"]


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
