"""Stage 1 (writer): masked CRC-32C, as TFRecord framing uses it.

The checksum is CRC-32C (Castagnoli), computed by the C implementation in ``google-crc32c``;
TFRecord stores it "masked": rotated right by 15 bits plus 0xA282EAD8, modulo 2**32
(tensorflow/core/lib/hash/crc32c.h, ``Mask``).
"""

from __future__ import annotations

import google_crc32c

_MASK_DELTA = 0xA282EAD8


def crc32c(data: bytes | memoryview) -> int:
    """Plain CRC-32C of ``data``."""
    return int(google_crc32c.value(data))


def mask(crc: int) -> int:
    """Mask a CRC the way TFRecord does."""
    return (((crc >> 15) | (crc << 17)) + _MASK_DELTA) & 0xFFFFFFFF


def masked_crc32c(data: bytes | memoryview) -> int:
    """Masked CRC-32C of ``data``."""
    return mask(int(google_crc32c.value(data)))
