"""Stage 1 (writer): one event file, fed by a queue and written by a background thread.

The caller's side (:meth:`EventFileWriter.add_scalar`, :meth:`add_event`,
:meth:`add_summary`) only appends to a deque: no serialization, no disk, no device
synchronisation. Summaries that are costly to build (PNG, GIF and WAV encoding, histograms)
are queued as a function the writer thread calls. The ``ridgeline-writer`` thread
resolves deferred device values, serializes, frames and writes records, and flushes the file

* about one second after the first event (so a new run shows up at once),
* every ``flush_secs`` after that,
* on :meth:`flush` and :meth:`close`, and at interpreter exit for writers still open.

``max_queue`` pending events wake the thread early to write them out (bounding what is held in
memory); a deque that grows past ``_BACKLOG_LIMIT`` makes callers wait for the thread, so a
producer faster than the disk cannot exhaust memory.

File name: ``events.out.tfevents.<10-digit secs>.<hostname>.<pid>.<n><suffix>``, as
``tensorboard.summary.writer.event_file_writer`` names it; the first record is
``Event(wall_time, file_version="brain.Event:2")``.
"""

from __future__ import annotations

import atexit
import collections
import itertools
import logging
import os
import socket
import struct
import threading
import time
import weakref
from collections.abc import Callable
from typing import BinaryIO

import google_crc32c

from ridgeline.proto import event_pb2, summary_pb2
from ridgeline.writer.record import frame, length_header
from ridgeline.writer.scalar_encoding import ScalarTemplate, header, step_field
from ridgeline.writer.values import ScalarInput, resolve

logger = logging.getLogger(__name__)

FILE_VERSION = "brain.Event:2"
_FIRST_FLUSH_DELAY = 1.0
_BACKLOG_LIMIT = 100_000
_CRC = struct.Struct("<I")
_WALL_TIME = struct.Struct("<d")
# Serialized ``step`` fields of the first 16,384 steps (the common case), built on first use so
# that ``import ridgeline`` stays cheap.
_SMALL_STEP_FIELDS: list[bytes] = []
_file_counter = itertools.count()
_open_writers: weakref.WeakSet[EventFileWriter] = weakref.WeakSet()


class _LazySummary:
    """A summary built on the writer thread (encoding images or audio off the caller's thread)."""

    __slots__ = ("build", "step", "wall_time")

    def __init__(self, build: Callable[[], summary_pb2.Summary], step: int, wall_time: float) -> None:
        self.build = build
        self.step = step
        self.wall_time = wall_time

    def serialize(self) -> bytes | None:
        try:
            summary = self.build()
        except Exception:  # a bad value loses only itself, never the queue behind it
            logger.exception("ridgeline: could not build a summary at step %d; it was not written", self.step)
            return None
        return event_pb2.Event(wall_time=self.wall_time, step=self.step, summary=summary).SerializeToString()


def event_file_name(suffix: str = "", secs: int | None = None) -> str:
    """A new event file name in TensorBoard's convention."""
    when = int(time.time()) if secs is None else secs
    return (
        f"events.out.tfevents.{when:010d}.{socket.gethostname()}.{os.getpid()}.{next(_file_counter)}{suffix}"
    )


def new_event_file_name(logdir: str, suffix: str = "") -> str:
    """A name that sorts after every event file already in ``logdir``.

    Readers (TensorBoard's too) read a run's files in name order, and a restart's
    ``purge_step`` only works if its file comes last. Within one second the counter decides,
    and ``.10`` sorts before ``.9``: then the time field is moved past the newest file's.
    """
    name = event_file_name(suffix)
    existing = [f for f in os.listdir(logdir) if ".tfevents." in f]
    newest = max(existing, default="")
    if name > newest:
        return name
    try:
        secs = int(newest.split(".tfevents.", 1)[1].split(".", 1)[0])
    except (IndexError, ValueError):
        secs = int(time.time())
    return event_file_name(suffix, secs + 1)


class _Channel:
    """One scalar series of this file: its tag, encoding and (once built) byte template."""

    __slots__ = ("double", "metadata", "tag", "template")

    def __init__(self, tag: str, double: bool, metadata: summary_pb2.SummaryMetadata | None) -> None:
        self.tag = tag
        self.double = double
        self.metadata = metadata
        self.template: ScalarTemplate | None = None


# A queued item: an Event proto, or a scalar (channel, value, step, wall_time).
_Scalar = tuple[_Channel, ScalarInput, int, float]


class EventFileWriter:
    """Writes Events to one new file in ``logdir`` from a background thread.

    Args:
        logdir: directory for the file (created if missing).
        max_queue: pending events that wake the writer thread early.
        flush_secs: the longest time an event waits in memory before reaching the file.
        filename_suffix: appended to the file name.
    """

    def __init__(
        self, logdir: str, max_queue: int = 10, flush_secs: float = 120, filename_suffix: str = ""
    ) -> None:
        os.makedirs(logdir, exist_ok=True)
        self.path = os.path.join(logdir, new_event_file_name(logdir, filename_suffix))
        self._file: BinaryIO = open(self.path, "wb")  # noqa: SIM115 (closed by close())
        self._max_queue = max(1, int(max_queue))
        self._flush_secs = float(flush_secs)
        self._pending: collections.deque[_Scalar | event_pb2.Event | _LazySummary] = collections.deque()
        # (tag, double, id(metadata)) -> channel; the channel keeps the metadata object alive so
        # its id cannot be reused. The last channel of each tag is also found by tag alone,
        # which is the common case (a tag is always logged the same way).
        self._channels: dict[tuple[str, bool, int], _Channel] = {}
        self._channel_by_tag: dict[str, _Channel] = {}
        self._wake = threading.Event()
        self._done = threading.Condition()
        self._flush_requests = 0
        self._flushes_done = 0
        self.closed = False  # a plain attribute: add_scalar reads it on every call
        self._error: BaseException | None = None
        self._first_flush_due: float | None = None
        self._file.write(
            frame(event_pb2.Event(wall_time=time.time(), file_version=FILE_VERSION).SerializeToString())
        )
        self._file.flush()
        self._thread = threading.Thread(target=self._run, name="ridgeline-writer", daemon=True)
        self._thread.start()
        _open_writers.add(self)

    # ---- caller side -------------------------------------------------------------------------

    def add_scalar(
        self,
        tag: str,
        value: ScalarInput,
        step: int,
        wall_time: float,
        double: bool = False,
        metadata: summary_pb2.SummaryMetadata | None = None,
    ) -> None:
        """Queue one scalar. ``metadata`` is written with the first value of a tag only."""
        # The hot path of every training loop: kept to one append and two comparisons.
        if self.closed:
            raise RuntimeError("event file writer is closed")
        channel = self._channel_by_tag.get(tag)
        if channel is None or channel.metadata is not metadata or channel.double is not double:
            channel = self._channel(tag, double, metadata)
        pending = self._pending
        pending.append((channel, value, step, wall_time))
        # Wake the writer when the queue *reaches* max_queue, not on every call past it: while
        # the writer waits for the GIL, waking it again only costs the caller a lock.
        n = len(pending)
        if n == self._max_queue or n > _BACKLOG_LIMIT or self._first_flush_due is None:
            self._after_enqueue()

    def _channel(self, tag: str, double: bool, metadata: summary_pb2.SummaryMetadata | None) -> _Channel:
        key = (tag, double, id(metadata))
        channel = self._channels.get(key)
        if channel is None:
            channel = self._channels[key] = _Channel(tag, double, metadata)
        self._channel_by_tag[tag] = channel
        return channel

    def add_event(self, event: event_pb2.Event) -> None:
        """Queue an Event proto (``wall_time`` is filled in if unset)."""
        if not event.wall_time:
            event.wall_time = time.time()
        self._enqueue(event)

    def add_summary(self, build: Callable[[], summary_pb2.Summary], step: int, wall_time: float) -> None:
        """Queue a summary that ``build()`` makes on the writer thread.

        ``build`` must not depend on anything the caller may change afterwards (pass copies).
        If it raises, the error is logged and only that summary is lost.
        """
        self._enqueue(_LazySummary(build, step, wall_time))

    def _enqueue(self, item: _Scalar | event_pb2.Event | _LazySummary) -> None:
        if self.closed:
            raise RuntimeError("event file writer is closed")
        self._pending.append(item)
        n = len(self._pending)
        if n == self._max_queue or n > _BACKLOG_LIMIT or self._first_flush_due is None:
            self._after_enqueue()

    def _after_enqueue(self) -> None:
        if self._first_flush_due is None:
            self._first_flush_due = time.monotonic() + _FIRST_FLUSH_DELAY
        self._wake.set()
        if len(self._pending) > _BACKLOG_LIMIT:
            self.flush()

    def flush(self) -> None:
        """Write everything queued so far and flush it to the operating system."""
        if self.closed:
            return
        with self._done:
            self._flush_requests += 1
            target = self._flush_requests
            self._wake.set()
            while self._flushes_done < target and self._thread.is_alive():
                self._done.wait(timeout=1.0)
        self._raise_pending_error()

    def close(self) -> None:
        """Flush, stop the thread and close the file. Calling it again does nothing."""
        if self.closed:
            return
        self.flush()
        self.closed = True
        self._wake.set()
        self._thread.join()
        self._file.close()
        _open_writers.discard(self)

    def _raise_pending_error(self) -> None:
        if self._error is not None:
            err, self._error = self._error, None
            raise RuntimeError(f"writing {self.path} failed: {err}") from err

    # ---- writer thread ----------------------------------------------------------------------

    def _run(self) -> None:
        next_flush = time.monotonic() + self._flush_secs
        while True:
            due = next_flush
            if self._first_flush_due is not None and self._first_flush_due > 0:
                due = min(due, self._first_flush_due)
            self._wake.wait(timeout=max(0.0, due - time.monotonic()))
            self._wake.clear()
            with self._done:
                requested = self._flush_requests
            try:
                self._drain()
                now = time.monotonic()
                first_due = self._first_flush_due is not None and 0 < self._first_flush_due <= now
                if requested > self._flushes_done or now >= next_flush or first_due or self.closed:
                    self._file.flush()
                    next_flush = now + self._flush_secs
                    if first_due:
                        self._first_flush_due = 0.0  # done; later flushes follow flush_secs
            except Exception as exc:  # disk full, device error: report on the caller's next flush
                if self._error is None:
                    logger.exception("ridgeline writer failed on %s", self.path)
                self._error = exc
                self._pending.clear()
            with self._done:
                self._flushes_done = max(self._flushes_done, requested)
                self._done.notify_all()
            if self.closed and not self._pending:
                return

    def _drain(self) -> None:
        # Locals and inlined framing: this loop runs once per logged value.
        pending = self._pending
        popleft = pending.popleft
        crc = google_crc32c.value
        pack_crc = _CRC.pack
        wall_pack = _WALL_TIME.pack
        steps = _SMALL_STEP_FIELDS
        if not steps:
            steps.extend(step_field(s) for s in range(1 << 14))
        n_small = len(steps)
        chunks: list[bytes] = []
        append = chunks.append
        join = b"".join
        while pending:
            item = popleft()
            if isinstance(item, tuple):
                channel, value, step, wall_time = item
                if type(value) is not float:
                    value = resolve(value)
                template = channel.template
                if template is None:
                    data = self._first_scalar(channel, value, step, wall_time)
                elif 0 <= step < n_small and wall_time != 0:
                    try:
                        packed = template.value_format.pack(value)
                    except OverflowError:
                        packed = template.pack_value(value)
                    data = join(
                        (b"\x09", wall_pack(wall_time), steps[step], template.before, packed, template.after)
                    )
                else:
                    data = join(
                        (header(wall_time, step), template.before, template.pack_value(value), template.after)
                    )
            elif isinstance(item, _LazySummary):
                built = item.serialize()
                if built is None:
                    continue
                data = built
            else:
                data = item.SerializeToString()
            # record.frame(), inlined: this loop runs once per logged value.
            c = crc(data)
            append(length_header(len(data)))
            append(data)
            append(pack_crc((((c >> 15) | (c << 17)) + 0xA282EAD8) & 0xFFFFFFFF))
            if len(chunks) >= 12288:
                self._file.write(b"".join(chunks))
                chunks.clear()
        if chunks:
            self._file.write(b"".join(chunks))

    def _first_scalar(self, channel: _Channel, value: float, step: int, wall_time: float) -> bytes:
        # The first value of a tag in a file carries the metadata; later ones need not
        # (TensorBoard keeps the first metadata seen per tag).
        first = ScalarTemplate.build(channel.tag, double=channel.double, metadata=channel.metadata)
        channel.template = ScalarTemplate.build(channel.tag, double=channel.double, metadata=None)
        return first.encode(wall_time, step, value)


def _close_all_at_exit() -> None:
    for writer in list(_open_writers):
        try:
            writer.close()
        except Exception:  # pragma: no cover - best effort at shutdown
            logger.exception("closing %s at exit failed", writer.path)


atexit.register(_close_all_at_exit)
