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


# TensorFlow's compact form repeats a tensor's last value to fill its shape. A hostile or
# buggy file can declare a huge shape in a few bytes: filling is refused past this many
# elements, so what a reader builds is bounded by what the file holds, not what it claims.
MAX_FILL = 1 << 22


def _size(proto: tensor_pb2.TensorProto) -> tuple[tuple[int, ...], int]:
    shape = tuple(int(d.size) for d in proto.tensor_shape.dim)
    if any(d < 0 for d in shape):
        raise ValueError(f"tensor shape {list(shape)} has an unknown (negative) dimension")
    size = 1
    for d in shape:
        size *= d
    return shape, size


def _filled(out: np.ndarray, size: int, shape: tuple[int, ...]) -> np.ndarray:
    if out.size == size:
        return out
    if out.size > size or out.size > 1 and out.size < size:
        raise ValueError(f"tensor shape {list(shape)} needs {size:,} values; it holds {out.size:,}")
    if size > MAX_FILL:
        raise ValueError(f"tensor shape {list(shape)} declares {size:,} elements from {out.size} value(s)")
    if out.size == 0:
        return np.zeros(size, dtype=out.dtype)
    return np.repeat(out[-1:], size)


def to_numpy(proto: tensor_pb2.TensorProto) -> np.ndarray:
    """The array a TensorProto holds (strings come back as an object array of ``bytes``).

    Raises ValueError when the content does not match the declared dtype and shape."""
    shape, size = _size(proto)
    if proto.dtype == types_pb2.DT_STRING:
        values: list[Any] = list(proto.string_val)
        arr = np.empty(len(values), dtype=object)
        arr[:] = values
        if arr.size == 0 and size:
            raise ValueError(f"string tensor of shape {list(shape)} holds no strings")
        return _filled(arr, size, shape).reshape(shape)
    spec = _NUMERIC.get(proto.dtype)
    if spec is None:
        raise ValueError(f"unsupported tensor dtype {proto.dtype}")
    dtype, field = spec
    if proto.tensor_content:
        itemsize = np.dtype(dtype).itemsize
        if len(proto.tensor_content) != size * itemsize:
            raise ValueError(
                f"tensor_content has {len(proto.tensor_content):,} bytes; shape {list(shape)} of "
                f"{np.dtype(dtype).name} needs {size * itemsize:,}"
            )
        return np.frombuffer(proto.tensor_content, dtype=dtype).reshape(shape)
    raw = list(getattr(proto, field)) if field else []
    if proto.dtype == types_pb2.DT_HALF:
        out = np.array(raw, dtype=np.uint16).view(np.float16)
    else:
        out = np.array(raw, dtype=dtype)
    return _filled(out, size, shape).reshape(shape)
