"""numpy <-> ``TensorProto``, shared by the writer (summaries) and the reader (plugins).

Numeric arrays travel as little-endian ``tensor_content``; strings as ``string_val``. Reading
accepts every form TensorFlow, PyTorch and tensorboardX write, including the compact one where
a single repeated value fills the whole shape.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ridgeline.proto import tensor_pb2, tensor_shape_pb2, types_pb2

_NUMERIC: dict[Any, tuple[str, str | None]] = {
    types_pb2.DT_FLOAT: ("<f4", "float_val"),
    types_pb2.DT_DOUBLE: ("<f8", "double_val"),
    types_pb2.DT_HALF: ("<f2", "half_val"),
    types_pb2.DT_INT8: ("i1", "int_val"),
    types_pb2.DT_INT16: ("<i2", "int_val"),
    types_pb2.DT_INT32: ("<i4", "int_val"),
    types_pb2.DT_INT64: ("<i8", "int64_val"),
    types_pb2.DT_UINT8: ("u1", "int_val"),
    types_pb2.DT_UINT16: ("<u2", "int_val"),
    types_pb2.DT_UINT32: ("<u4", "uint32_val"),
    types_pb2.DT_UINT64: ("<u8", "uint64_val"),
    types_pb2.DT_BOOL: ("?", "bool_val"),
}
# numpy dtype name -> DataType, for writing (the inverse of the table above).
_DTYPE_OF: dict[str, Any] = {np.dtype(code).name: dtype for dtype, (code, _) in _NUMERIC.items()}


def _shape(shape: tuple[int, ...]) -> tensor_shape_pb2.TensorShapeProto:
    return tensor_shape_pb2.TensorShapeProto(
        dim=[tensor_shape_pb2.TensorShapeProto.Dim(size=d) for d in shape]
    )


def make_tensor(array: Any) -> tensor_pb2.TensorProto:
    """A TensorProto holding ``array`` (numeric, bool, or str/bytes elements)."""
    arr = np.asarray(array)
    if arr.dtype.kind in "OSU":
        flat = [v if isinstance(v, bytes) else str(v).encode("utf-8") for v in arr.reshape(-1).tolist()]
        return tensor_pb2.TensorProto(
            dtype=types_pb2.DT_STRING, tensor_shape=_shape(arr.shape), string_val=flat
        )
    dtype = _DTYPE_OF.get(arr.dtype.name)
    if dtype is None:
        raise TypeError(f"cannot store a {arr.dtype} array in a summary")
    little = arr.astype(arr.dtype.newbyteorder("<"), copy=False)
    return tensor_pb2.TensorProto(
        dtype=dtype, tensor_shape=_shape(arr.shape), tensor_content=np.ascontiguousarray(little).tobytes()
    )


def to_numpy(proto: tensor_pb2.TensorProto) -> np.ndarray:
    """The array a TensorProto holds (strings come back as an object array of ``bytes``)."""
    shape = tuple(d.size for d in proto.tensor_shape.dim)
    size = int(np.prod(shape)) if shape else 1
    if proto.dtype == types_pb2.DT_STRING:
        values: list[Any] = list(proto.string_val)
        arr = np.empty(len(values), dtype=object)
        arr[:] = values
        if arr.size != size and arr.size == 1:
            arr = np.repeat(arr, size)
        return arr.reshape(shape)
    spec = _NUMERIC.get(proto.dtype)
    if spec is None:
        raise ValueError(f"unsupported tensor dtype {proto.dtype}")
    dtype, field = spec
    if proto.tensor_content:
        return np.frombuffer(proto.tensor_content, dtype=dtype).reshape(shape)
    raw = list(getattr(proto, field)) if field else []
    if proto.dtype == types_pb2.DT_HALF:
        out = np.array(raw, dtype=np.uint16).view(np.float16)
    else:
        out = np.array(raw, dtype=dtype)
    if out.size != size:
        if out.size == 0:
            out = np.zeros(size, dtype=out.dtype)
        else:  # TensorFlow's compact form: the last value repeats to fill the shape
            out = np.concatenate([out, np.repeat(out[-1:], size - out.size)])
    return out.reshape(shape)
