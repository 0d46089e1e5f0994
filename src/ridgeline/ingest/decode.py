"""Stage 2 (ingest): decode a stretch of event-file bytes into scalar columns and events.

The compiled kernels (``kernels.py``) frame and decode the common scalar layouts; this module gathers their
floats column-wise, names the tags, and sends every other record through protobuf
(``events.parse_event``). The result keeps record order, which the run loader needs to apply
restarts at the right place.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

import numpy as np
from google.protobuf.message import DecodeError

from ridgeline.ingest.events import EventRecord, parse_event
from ridgeline.proto import summary_pb2

logger = logging.getLogger(__name__)


@dataclass(slots=True)
class DecodedChunk:
    """Scalars and events of consecutive records.

    Scalar points are in record order; ``order`` is a sort key (record index * 2**16 + value
    index) shared with ``events`` so the two can be interleaved. ``tensor`` marks points that
    came as tensors: they count as scalars only if their tag's metadata says so.
    ``record_offsets`` holds each record's file offset (for messages naming a bad record).
    """

    tags: list[str]
    tag_ids: np.ndarray
    order: np.ndarray
    steps: np.ndarray
    wall_times: np.ndarray
    values: np.ndarray
    tensor: np.ndarray
    first_metadata: dict[int, summary_pb2.SummaryMetadata]
    events: list[tuple[int, EventRecord]]
    end: int
    records: int
    problems: list[str] = field(default_factory=list)
    record_offsets: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))


def _gather(buf: np.ndarray, offsets: np.ndarray, width: int, dtype: str) -> np.ndarray:
    if offsets.size == 0:
        return np.empty(0, dtype=dtype)
    cols = buf[offsets[:, None] + np.arange(width)]
    return cols.view(dtype).reshape(-1)


def decode(buf: np.ndarray, start: int, base_offset: int = 0) -> DecodedChunk:
    """Decode the complete records in ``buf[start:]``.

    Args:
        buf: bytes as uint8, ``buf[0]`` being file offset ``base_offset``.
        start: index in ``buf`` of the first record.
    """
    # Imported here: loading (or, the first time, compiling) the kernels is paid only when
    # there is something to decode, so reopening an up-to-date index stays fast.
    from ridgeline.ingest import kernels

    starts, lengths, end, problems = _frame_all(buf, start, base_offset)
    (
        kind,
        wall_off,
        steps,
        value_off,
        value_width,
        tag_start,
        tag_len,
        meta_start,
        meta_len,
        tag_hash,
        meta_hash,
    ) = kernels.decode_scalars(buf, starts, lengths)

    # Metadata: parse each distinct blob once. A blob protobuf rejects sends its records down
    # the protobuf path, which skips them with a message (one bad value costs that value).
    parsed: dict[int, summary_pb2.SummaryMetadata] = {}
    with_meta = np.flatnonzero((kind != kernels.KIND_OTHER) & (meta_start >= 0))
    if with_meta.size:
        mh, mfirst = np.unique(meta_hash[with_meta], return_index=True)
        for h, rep in zip(mh.tolist(), with_meta[mfirst].tolist(), strict=True):
            s = int(meta_start[rep])
            try:
                parsed[h] = summary_pb2.SummaryMetadata.FromString(buf[s : s + int(meta_len[rep])].tobytes())
            except DecodeError:
                kind[with_meta[meta_hash[with_meta] == np.uint64(h)]] = kernels.KIND_OTHER

    fast = np.flatnonzero(kind != kernels.KIND_OTHER)
    # Tags: one string per distinct hash, checked by length against its representative.
    uniq_hash, first_idx, inverse = np.unique(tag_hash[fast], return_index=True, return_inverse=True)
    tags: list[str] = []
    for rep in fast[first_idx]:
        s = int(tag_start[rep])
        tags.append(buf[s : s + int(tag_len[rep])].tobytes().decode("utf-8", "replace"))
    if fast.size and np.any(tag_len[fast] != tag_len[fast[first_idx]][inverse]):
        raise AssertionError("tag hash collision")  # pragma: no cover - 64-bit FNV
    tag_ids = inverse.astype(np.int32)

    # The first metadata per tag (in record order) counts.
    first_metadata: dict[int, summary_pb2.SummaryMetadata] = {}
    meta_pos = np.flatnonzero(meta_start[fast] >= 0)
    if meta_pos.size:
        _, first_per_tag = np.unique(tag_ids[meta_pos], return_index=True)
        for pos in meta_pos[first_per_tag].tolist():
            first_metadata[int(tag_ids[pos])] = parsed[int(meta_hash[fast[pos]])]

    wall_times = np.zeros(fast.size, dtype=np.float64)
    has_wall = wall_off[fast] >= 0
    wall_times[has_wall] = _gather(buf, wall_off[fast][has_wall], 8, "<f8")
    values = np.empty(fast.size, dtype=np.float64)
    w4 = value_width[fast] == 4
    with np.errstate(invalid="ignore"):  # a signalling NaN is still a NaN: no warning per chunk
        values[w4] = _gather(buf, value_off[fast][w4], 4, "<f4")
    values[~w4] = _gather(buf, value_off[fast][~w4], 8, "<f8")

    events: list[tuple[int, EventRecord]] = []
    for i in np.flatnonzero(kind == kernels.KIND_OTHER).tolist():
        s = int(starts[i])
        try:
            record = parse_event(buf[s : s + int(lengths[i])].tobytes())
            record.offset = base_offset + s
            record.length = int(lengths[i])
            events.append((i, record))
        except (DecodeError, ValueError, RuntimeError) as exc:
            problems.append(f"skipped an unparsable event at byte {base_offset + s - 12}: {exc}")
    return DecodedChunk(
        tags=tags,
        tag_ids=tag_ids,
        order=fast.astype(np.int64) << 16,
        steps=steps[fast],
        wall_times=wall_times,
        values=values,
        tensor=kind[fast] == kernels.KIND_TENSOR,
        first_metadata=first_metadata,
        events=events,
        end=int(end),
        records=int(starts.size),
        problems=problems,
        record_offsets=starts.astype(np.int64) + (base_offset - 12),
    )


def _frame_all(
    buf: np.ndarray, start: int, base_offset: int
) -> tuple[np.ndarray, np.ndarray, int, list[str]]:
    """Frame every record of ``buf[start:]``, resynchronizing after a bad record header:
    garbage between records (a torn write, a bit flip in a length) costs only those bytes."""
    from ridgeline.ingest import kernels

    all_starts: list[np.ndarray] = []
    all_lengths: list[np.ndarray] = []
    problems: list[str] = []
    pos = start
    while True:
        starts, lengths, end, bad, stopped = kernels.frame(buf, pos)
        all_starts.append(starts)
        all_lengths.append(lengths)
        problems.extend(
            f"skipped a corrupt record at byte {base_offset + int(o)} (data checksum mismatch)" for o in bad
        )
        if stopped < 0:
            if end + 12 <= int(buf.shape[0]):
                # A record claims more bytes than are here. A writer appends in order, so if a
                # complete record follows, this one is not being written: its length lies.
                later = kernels.resync(buf, end + 1, complete_only=True)
                if later >= 0:
                    problems.append(
                        f"skipped a record at byte {base_offset + end} whose length runs past the "
                        f"records after it; read on from byte {base_offset + later}"
                    )
                    pos = later
                    continue
            break
        found = kernels.resync(buf, stopped + 1)
        at = base_offset + int(stopped)
        if bad.size and int(bad[-1]) == stopped:  # reported above; resume at the next record
            if found < 0:
                end = max(int(stopped) + 1, int(buf.shape[0]) - 11)
                break
            pos = found
            continue
        what = "not TFRecord data: is this an event file?" if at == 0 else "a bad record header"
        if found < 0:
            # Nothing readable in the rest of this buffer; keep its last 11 bytes, where the
            # next record's header may begin.
            end = max(int(stopped) + 1, int(buf.shape[0]) - 11)
            problems.append(f"skipped unreadable bytes from byte {at} ({what})")
            break
        problems.append(
            f"skipped {found - stopped} unreadable bytes at byte {at} ({what}); read on from byte "
            f"{base_offset + found}"
        )
        pos = found
    return np.concatenate(all_starts), np.concatenate(all_lengths), int(end), problems


def split_records(chunk: DecodedChunk) -> list[tuple[int, DecodedChunk]]:
    """``chunk`` as one chunk per record, with each record's file offset (to apply records one
    at a time when the whole chunk could not be applied)."""
    rec_of_point = chunk.order >> 16
    events: dict[int, list[tuple[int, EventRecord]]] = {}
    for rec, event in chunk.events:
        events.setdefault(rec, []).append((rec, event))
    out: list[tuple[int, DecodedChunk]] = []
    for rec in sorted(set(rec_of_point.tolist()) | set(events)):
        lo = int(np.searchsorted(rec_of_point, rec, side="left"))
        hi = int(np.searchsorted(rec_of_point, rec, side="right"))
        part = DecodedChunk(
            tags=chunk.tags,
            tag_ids=chunk.tag_ids[lo:hi],
            order=chunk.order[lo:hi],
            steps=chunk.steps[lo:hi],
            wall_times=chunk.wall_times[lo:hi],
            values=chunk.values[lo:hi],
            tensor=chunk.tensor[lo:hi],
            first_metadata=chunk.first_metadata,
            events=events.get(rec, []),
            end=chunk.end,
            records=1,
            record_offsets=chunk.record_offsets,
        )
        offset = int(chunk.record_offsets[rec]) if rec < chunk.record_offsets.size else -1
        out.append((offset, part))
    return out
