"""Projector, read side: tensors from a TensorFlow checkpoint, without TensorFlow.

A TF2 checkpoint ``<prefix>`` is an index file ``<prefix>.index`` — a LevelDB-format table
(sorted string keys, prefix-compressed blocks, a 48-byte footer) mapping each tensor name to a
``BundleEntryProto`` (dtype, shape, shard, offset, size) — and data shards
``<prefix>.data-<i>-of-<n>`` holding the raw little-endian bytes. This module reads the index
table and slices tensors out of the shards; the ``checkpoint`` file names the latest prefix.
"""

from __future__ import annotations

import os
import re
import struct
from dataclasses import dataclass

import numpy as np
from google.protobuf.message import DecodeError

from ridgeline.errors import BadData
from ridgeline.plugins.projector import tensor_bundle_pb2
from ridgeline.proto import types_pb2

_MAGIC = 0xDB4775248B80FB57
_FOOTER = 48
_DTYPES = {
    types_pb2.DT_FLOAT: "<f4",
    types_pb2.DT_DOUBLE: "<f8",
    types_pb2.DT_HALF: "<f2",
    types_pb2.DT_INT32: "<i4",
    types_pb2.DT_INT64: "<i8",
    types_pb2.DT_INT16: "<i2",
    types_pb2.DT_INT8: "i1",
    types_pb2.DT_UINT8: "u1",
    types_pb2.DT_BOOL: "?",
}


def _varint(buf: bytes, pos: int) -> tuple[int, int]:
    result = shift = 0
    while True:
        if pos >= len(buf):
            raise BadData("checkpoint index: a number runs past the end of its block")
        b = buf[pos]
        pos += 1
        result |= (b & 0x7F) << shift
        if not b & 0x80:
            return result, pos
        shift += 7


def _block(data: bytes, offset: int, size: int) -> list[tuple[bytes, bytes]]:
    """The (key, value) entries of the block at ``offset``."""
    if offset + size + 5 > len(data):
        raise BadData("checkpoint index: a block lies past the end of the file")
    block = data[offset : offset + size]
    if data[offset + size] != 0:
        raise BadData("checkpoint index: compressed blocks are not supported (TensorFlow writes none)")
    (restarts,) = struct.unpack_from("<I", block, len(block) - 4)
    end = len(block) - 4 - 4 * restarts
    entries: list[tuple[bytes, bytes]] = []
    key = b""
    pos = 0
    while pos < end:
        shared, pos = _varint(block, pos)
        unshared, pos = _varint(block, pos)
        vlen, pos = _varint(block, pos)
        key = key[:shared] + block[pos : pos + unshared]
        pos += unshared
        entries.append((key, block[pos : pos + vlen]))
        pos += vlen
    return entries


def _handle(buf: bytes, pos: int = 0) -> tuple[int, int, int]:
    offset, pos = _varint(buf, pos)
    size, pos = _varint(buf, pos)
    return offset, size, pos


def read_index(path: str) -> dict[str, tensor_bundle_pb2.BundleEntryProto]:
    """Tensor name -> where it lies, from a checkpoint's ``.index`` file."""
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < _FOOTER or struct.unpack_from("<Q", data, len(data) - 8)[0] != _MAGIC:
        raise BadData(f"{path} is not a TensorFlow checkpoint index (no table footer)")
    footer = data[-_FOOTER:]
    _, _, pos = _handle(footer)
    index_offset, index_size, _ = _handle(footer, pos)
    entries: dict[str, tensor_bundle_pb2.BundleEntryProto] = {}
    for _, handle in _block(data, index_offset, index_size):
        offset, size, _ = _handle(handle)
        for key, value in _block(data, offset, size):
            if not key:
                continue  # the bundle header
            try:
                entries[key.decode("utf-8", "replace")] = tensor_bundle_pb2.BundleEntryProto.FromString(value)
            except DecodeError as err:
                raise BadData(f"{path}: the entry of {key!r} is not a BundleEntryProto") from err
    return entries


@dataclass(frozen=True, slots=True)
class Checkpoint:
    prefix: str
    entries: dict[str, tensor_bundle_pb2.BundleEntryProto]

    def shape(self, name: str) -> list[int]:
        return [int(d.size) for d in self.entries[name].shape.dim]

    def matrices(self) -> list[str]:
        """Names of the 2-D numeric tensors (what the projector can show)."""
        return [
            n
            for n, e in sorted(self.entries.items())
            if len(e.shape.dim) == 2 and e.dtype in _DTYPES and e.dtype != types_pb2.DT_BOOL
        ]

    def tensor(self, name: str) -> np.ndarray:
        entry = self.entries.get(name)
        if entry is None:
            raise KeyError(name)
        dtype = _DTYPES.get(entry.dtype)
        if dtype is None:
            raise BadData(f"checkpoint tensor {name!r} has dtype {entry.dtype}, not a number")
        shards = sorted(
            f
            for f in os.listdir(os.path.dirname(self.prefix) or ".")
            if f.startswith(os.path.basename(self.prefix) + ".data-")
        )
        shard = next((f for f in shards if f".data-{entry.shard_id:05d}-of-" in f), None)
        if shard is None:
            raise BadData(f"checkpoint {self.prefix}: data shard {entry.shard_id} is missing")
        with open(os.path.join(os.path.dirname(self.prefix), shard), "rb") as f:
            f.seek(entry.offset)
            raw = f.read(entry.size)
        if len(raw) != entry.size:
            raise BadData(f"checkpoint {self.prefix}: tensor {name!r} runs past the end of its shard")
        shape = self.shape(name)
        array = np.frombuffer(raw, dtype=dtype)
        if array.size != int(np.prod(shape)):
            raise BadData(f"checkpoint tensor {name!r}: {array.size} values for shape {shape}")
        return array.reshape(shape)


def latest_checkpoint(folder: str) -> str | None:
    """The prefix the ``checkpoint`` file names (relative to ``folder``), or None."""
    path = os.path.join(folder, "checkpoint")
    try:
        with open(path, encoding="utf-8") as f:
            text = f.read()
    except OSError:
        return None
    m = re.search(r'^model_checkpoint_path:\s*"((?:[^"\\]|\\.)*)"', text, re.M)
    if not m:
        return None
    prefix = m.group(1).encode().decode("unicode_escape")
    return prefix if os.path.isabs(prefix) else os.path.join(folder, prefix)


def open_checkpoint(prefix: str) -> Checkpoint:
    return Checkpoint(prefix, read_index(prefix + ".index"))
