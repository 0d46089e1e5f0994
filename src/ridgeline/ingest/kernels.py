"""Stage 2 (ingest): the compiled loops over event-file bytes (``_kernels.c``), from Python.

``frame`` walks TFRecord framing and checks both masked CRC-32C checksums; ``decode_scalars``
recognises the records that hold exactly one scalar and returns the offsets of their fields
(details in ``_kernels.c``). The C file is compiled by ``pip install`` (the build hook) next
to this module; when that library is missing (a source checkout, no compiler at install) it is
compiled once into the cache folder with the system's C compiler. Calls go through ctypes,
which releases the GIL, so several files decode in parallel.

Without any C compiler, :data:`AVAILABLE` is False and both functions fall back to Python:
framing with ``google_crc32c``, and every record sent to the protobuf path (~2 µs a record
instead of ~0.1 µs).
"""

from __future__ import annotations

import ctypes
import hashlib
import logging
import os
import shutil
import struct
import subprocess
import sysconfig
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

logger = logging.getLogger(__name__)

KIND_OTHER = 0  # not a single scalar: parse with protobuf
KIND_SIMPLE = 1  # Summary.Value.simple_value
KIND_TENSOR = 2  # rank-0 DT_FLOAT / DT_DOUBLE tensor

_SOURCE = Path(__file__).with_name("_kernels.c")
LIBRARY_NAME = "_ridgeline_kernels" + (sysconfig.get_config_var("SHLIB_SUFFIX") or ".so")
_P = ctypes.c_void_p
_I64 = ctypes.c_int64


def compile_library(target: Path, source: Path = _SOURCE) -> Path:
    """Compile ``_kernels.c`` into a shared library at ``target`` (used by the build hook too)."""
    cc = os.environ.get("CC") or shutil.which("cc") or shutil.which("gcc") or shutil.which("clang")
    if cc is None:
        raise OSError("no C compiler (cc, gcc or clang) on PATH")
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.parent) as tmp:
        out = Path(tmp) / target.name
        subprocess.run(
            [cc, "-O3", "-shared", "-fPIC", "-o", str(out), str(source)], check=True, capture_output=True
        )
        os.replace(out, target)  # atomic: a concurrent process never loads half a file
    return target


def _cached_library() -> Path:
    digest = hashlib.sha256(_SOURCE.read_bytes()).hexdigest()[:16]
    base = os.environ.get("RIDGELINE_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache"), "ridgeline"
    )
    target = Path(base) / f"kernels-{digest}{Path(LIBRARY_NAME).suffix}"
    if not target.exists():
        compile_library(target)
    return target


def _load() -> ctypes.CDLL | None:
    try:
        built = Path(__file__).with_name(LIBRARY_NAME)
        # A library older than the source (an edited checkout) is rebuilt into the cache.
        fresh = built.exists() and (not _SOURCE.exists() or built.stat().st_mtime >= _SOURCE.stat().st_mtime)
        lib = ctypes.CDLL(str(built if fresh else _cached_library()))
    except (OSError, subprocess.CalledProcessError) as exc:
        logger.warning("ridgeline: compiled kernels unavailable (%s); decoding in Python, ~20x slower", exc)
        return None
    lib.rl_init.restype = None
    lib.rl_frame.restype = _I64
    lib.rl_frame.argtypes = [_P, _I64, _I64, _P, _P, _P, _I64, _P, _P, _P]
    lib.rl_resync.restype = _I64
    lib.rl_resync.argtypes = [_P, _I64, _I64, _I64]
    lib.rl_decode_scalars.restype = None
    lib.rl_decode_scalars.argtypes = [_P, _P, _P, _I64, *([_P] * 11)]
    lib.rl_init()
    return lib


_LIB = _load()
AVAILABLE = _LIB is not None


def _ptr(a: np.ndarray) -> int:
    return int(a.ctypes.data)


def frame(buf: np.ndarray, start: int) -> tuple[np.ndarray, np.ndarray, int, np.ndarray, int]:
    """Frame records from ``buf[start:]`` (uint8, contiguous).

    Returns (starts, lengths, end, bad_data_offsets, stopped_at): ``end`` is where the next
    read resumes (the first byte of a partial record, or the end of the data); ``stopped_at``
    is the offset of a record whose length or data checksum is wrong (framing stops there, the
    caller resynchronizes with :func:`resync`) or -1; a bad data checksum is also listed in
    ``bad_data_offsets``.
    """
    if _LIB is None:
        return _frame_py(buf, start)
    n = int(buf.shape[0])
    cap = (n - start) // 16 + 1
    starts = np.empty(cap, dtype=np.int64)
    lengths = np.empty(cap, dtype=np.int64)
    bad = np.empty(cap, dtype=np.int64)
    out = np.zeros(3, dtype=np.int64)  # nbad, end, stopped
    count = _LIB.rl_frame(
        _ptr(buf),
        n,
        start,
        _ptr(starts),
        _ptr(lengths),
        _ptr(bad),
        cap,
        _ptr(out),
        _ptr(out[1:]),
        _ptr(out[2:]),
    )
    return starts[:count], lengths[:count], int(out[1]), bad[: int(out[0])], int(out[2])


_MAX_RECORD = 1 << 31


def _masked_py(data: bytes) -> int:
    import google_crc32c

    c = int(google_crc32c.value(data))
    return (((c >> 15) | (c << 17)) + 0xA282EAD8) & 0xFFFFFFFF


def resync(buf: np.ndarray, start: int, complete_only: bool = False) -> int:
    """After a bad record header: the offset of the next header that checks at or after
    ``start`` (its data checksum too, when the record lies inside ``buf``; with
    ``complete_only``, only records that lie inside ``buf``), or -1."""
    n = int(buf.shape[0])
    if _LIB is not None:
        return int(_LIB.rl_resync(_ptr(buf), n, start, int(complete_only)))
    raw = buf.tobytes()
    for p in range(start, n - 11):
        (length,) = struct.unpack_from("<Q", raw, p)
        if length >= _MAX_RECORD or _masked_py(raw[p : p + 8]) != struct.unpack_from("<I", raw, p + 8)[0]:
            continue
        data = p + 12
        if data + length + 4 > n:
            if complete_only:
                continue
            return p
        if _masked_py(raw[data : data + length]) == struct.unpack_from("<I", raw, data + length)[0]:
            return p
    return -1


def decode_scalars(buf: np.ndarray, starts: np.ndarray, lengths: np.ndarray) -> tuple[Any, ...]:
    """Per record: kind (KIND_*), wall_off (-1 when absent), step, value_off, value_width (4:
    float32, 8: float64), tag_start, tag_len, meta_start, meta_len (-1 when absent), tag_hash
    and meta_hash (FNV-1a 64, to group without a string per record)."""
    n = int(starts.shape[0])
    cols = (
        np.zeros(n, dtype=np.int8),  # kind
        np.empty(n, dtype=np.int64),  # wall_off
        np.empty(n, dtype=np.int64),  # step
        np.empty(n, dtype=np.int64),  # value_off
        np.empty(n, dtype=np.int8),  # value_width
        np.empty(n, dtype=np.int64),  # tag_start
        np.empty(n, dtype=np.int64),  # tag_len
        np.empty(n, dtype=np.int64),  # meta_start
        np.empty(n, dtype=np.int64),  # meta_len
        np.empty(n, dtype=np.uint64),  # tag_hash
        np.empty(n, dtype=np.uint64),  # meta_hash
    )
    if _LIB is None or n == 0:
        return cols  # every record KIND_OTHER: the protobuf path reads them
    s = np.ascontiguousarray(starts, dtype=np.int64)
    ln = np.ascontiguousarray(lengths, dtype=np.int64)
    _LIB.rl_decode_scalars(_ptr(buf), _ptr(s), _ptr(ln), n, *(_ptr(c) for c in cols))
    return cols


def _frame_py(buf: np.ndarray, start: int) -> tuple[np.ndarray, np.ndarray, int, np.ndarray, int]:
    masked = _masked_py
    raw = buf.tobytes()
    n = len(raw)
    starts: list[int] = []
    lengths: list[int] = []
    bad: list[int] = []
    stopped = -1
    off = start
    while off + 12 <= n:
        (length,) = struct.unpack_from("<Q", raw, off)
        if length >= _MAX_RECORD or masked(raw[off : off + 8]) != struct.unpack_from("<I", raw, off + 8)[0]:
            stopped = off
            break
        data = off + 12
        if data + length + 4 > n:
            break
        if masked(raw[data : data + length]) == struct.unpack_from("<I", raw, data + length)[0]:
            starts.append(data)
            lengths.append(length)
        else:
            bad.append(off)
            stopped = off
            break
        off = data + length + 4
    return (
        np.array(starts, dtype=np.int64),
        np.array(lengths, dtype=np.int64),
        off,
        np.array(bad, dtype=np.int64),
        stopped,
    )
