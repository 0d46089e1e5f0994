"""Stage 1 (writer): TFRecord framing of serialized Event protos.

Each record is, little-endian: ``uint64 length``, ``uint32 masked_crc32c(length bytes)``,
``data[length]``, ``uint32 masked_crc32c(data)`` (tensorflow/core/lib/io/record_writer.cc).
"""

from __future__ import annotations

import struct
from functools import lru_cache

import google_crc32c

from ridgeline.writer.crc32c import mask, masked_crc32c

_LENGTH = struct.Struct("<Q")
_CRC = struct.Struct("<I")
_crc_value = google_crc32c.value


@lru_cache(maxsize=4096)
def length_header(n: int) -> bytes:
    """The 12-byte header of a record of ``n`` bytes (scalar events repeat a few lengths)."""
    header = _LENGTH.pack(n)
    return header + _CRC.pack(masked_crc32c(header))


def frame(data: bytes) -> bytes:
    """Return ``data`` framed as one TFRecord."""
    return length_header(len(data)) + data + _CRC.pack(mask(_crc_value(data)))
