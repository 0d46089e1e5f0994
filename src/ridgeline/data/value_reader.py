"""Stage 3 (data): read a non-scalar summary value back from its event file by reference.

The index holds only where each value's event record lies (``ValueRef``); this module seeks
there, parses the one Event and hands back the value. Recently read events are cached, so a
dashboard stepping through a slider or redrawing does not reread the disk.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

from google.protobuf.message import DecodeError

from ridgeline.errors import NotFound
from ridgeline.ingest import hooks
from ridgeline.ingest.source import clear_cache, read_range
from ridgeline.proto import event_pb2, summary_pb2
from ridgeline.store.base import ValueRef

_CACHE_EVENTS = 1024
_CACHE_BYTES = 256 * 1024 * 1024


class ValueReader:
    """Reads ``Summary.Value`` objects at their references, with an LRU cache by bytes."""

    def __init__(self, max_events: int = _CACHE_EVENTS, max_bytes: int = _CACHE_BYTES) -> None:
        self._cache: OrderedDict[tuple[str, int], tuple[event_pb2.Event, int]] = OrderedDict()
        self._bytes = 0
        self._max_events = max_events
        self._max_bytes = max_bytes
        self._lock = threading.Lock()

    def clear(self) -> None:
        with self._lock:
            self._cache.clear()
            self._bytes = 0
        clear_cache()

    def read(self, ref: ValueRef) -> summary_pb2.Summary.Value:
        event = self._event(ref)
        if ref.index < 0:  # a value an ingest hook made of a non-summary event
            migrated = hooks.migrate(event)
            if -ref.index - 1 >= len(migrated):
                raise NotFound(f"{ref.path} changed since it was indexed (byte {ref.offset})")
            return migrated[-ref.index - 1]
        values = event.summary.value
        if ref.index >= len(values):
            raise NotFound(
                f"{ref.path} changed since it was indexed (no value {ref.index} at byte {ref.offset})"
            )
        return values[ref.index]

    def _event(self, ref: ValueRef) -> event_pb2.Event:
        key = (ref.path, ref.offset)
        with self._lock:
            hit = self._cache.get(key)
            if hit is not None:
                self._cache.move_to_end(key)
                return hit[0]
        try:
            data = read_range(ref.path, ref.offset, ref.length, cached=True)
        except OSError as exc:
            raise NotFound(f"cannot read {ref.path}: {exc.strerror or exc}") from exc
        if len(data) != ref.length:
            raise NotFound(f"{ref.path} is shorter than when it was indexed")
        try:
            event = event_pb2.Event.FromString(data)
        except DecodeError as exc:
            raise NotFound(
                f"{ref.path} changed since it was indexed (byte {ref.offset} is no event)"
            ) from exc
        with self._lock:
            if key not in self._cache:
                self._cache[key] = (event, ref.length)
                self._bytes += ref.length
            while self._cache and (len(self._cache) > self._max_events or self._bytes > self._max_bytes):
                _, (_, size) = self._cache.popitem(last=False)
                self._bytes -= size
        return event
