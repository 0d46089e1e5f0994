"""Stage 2 (ingest): bring the index up to date with the logdir(s), once or in a loop.

Each reload lists the event files, and for each file reads only the bytes past the offset the
index remembers (a reopened logdir costs one ``stat`` per file). New bytes are decoded on worker
threads (the compiled kernels release the GIL, so both cores work) and applied to the store in
file order, one commit per chunk. A file that shrank was replaced: its run is re-read from
scratch.
"""

from __future__ import annotations

import collections
import logging
import os
import queue
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import cast

import numpy as np

from ridgeline.ingest.decode import DecodedChunk, decode
from ridgeline.ingest.logdir import EventFile, discover
from ridgeline.ingest.run_loader import RunState, _version_number, apply_chunk
from ridgeline.store.base import FileState, Store

logger = logging.getLogger(__name__)

# Bytes decoded at a time. Small enough that the chunks in flight (a few per decoding thread)
# stay a few tens of MB; large enough that per-chunk overhead is noise (~30k records a chunk).
CHUNK_BYTES = 1 << 20
_QUEUED_CHUNKS = 1  # decoded chunks a thread may hold ahead of the writer, per file
_COMMIT_BYTES = 16 << 20
_MAX_PROBLEMS = 20

Progress = Callable[[int, int], None]


@dataclass(slots=True)
class ReloadReport:
    """What one reload did."""

    files: int = 0
    bytes_read: int = 0
    records: int = 0
    problems: list[str] = field(default_factory=list)


def _read_chunks(path: str, offset: int) -> Iterator[tuple[int, DecodedChunk]]:
    """Decode ``path`` from ``offset`` on, in chunks ending at record boundaries."""
    size = CHUNK_BYTES
    with open(path, "rb") as f:
        while True:
            f.seek(offset)
            data = f.read(size)
            if not data:
                return
            chunk = decode(np.frombuffer(data, dtype=np.uint8), 0, base_offset=offset)
            if chunk.end == 0 and len(data) == size:
                size *= 2  # one record larger than the chunk: read more at once
                continue
            yield offset, chunk
            if chunk.end == 0 or len(data) < size:
                return
            offset += chunk.end


_DONE = object()


def _stream_file(path: str, offset: int, out: queue.Queue[object], stop: threading.Event) -> None:
    """Decode ``path`` chunk by chunk into ``out`` (bounded: waits while the writer catches
    up), then put ``_DONE``. An error is put instead of raised; ``stop`` abandons the file."""

    def put(item: object) -> bool:
        while not stop.is_set():
            try:
                out.put(item, timeout=0.2)
                return True
            except queue.Full:
                continue
        return False

    try:
        for item in _read_chunks(path, offset):
            if not put(item):
                return
    except Exception as exc:  # reported by the writer thread, in file order
        put(exc)
    put(_DONE)


class Ingester:
    """Keeps a :class:`Store` in step with one or more logdirs.

    Args:
        store: where to write.
        logdirs: (name, path) pairs; a non-empty name prefixes that logdir's runs.
        workers: decoding threads.
    """

    def __init__(self, store: Store, logdirs: list[tuple[str, str]], workers: int | None = None) -> None:
        self.store = store
        self.logdirs = logdirs
        self.workers = workers or min(4, os.cpu_count() or 1)
        self._states: dict[str, RunState] = {}
        self._lock = threading.Lock()
        self._warned: set[str] = set()

    def discover(self) -> list[EventFile]:
        files: list[EventFile] = []
        for name, path in self.logdirs:
            if os.path.isdir(path):
                files.extend(discover(path, name))
        return files

    def _run_state(self, run: str, known: dict[str, FileState]) -> RunState:
        state = self._states.get(run)
        if state is None:
            state = RunState()
            for info in self.store.tags():
                if info.run == run:
                    state.tag_classes[info.tag] = info.data_class
            versions = [
                _version_number(s.file_version) for s in known.values() if s.run == run and s.file_version
            ]
            state.file_version = max(versions, default=0.0)
            self._states[run] = state
        return state

    def reload(self, progress: Progress | None = None) -> ReloadReport:
        """Read whatever is new; returns what was done."""
        with self._lock:
            return self._reload(progress)

    def _reload(self, progress: Progress | None) -> ReloadReport:
        report = ReloadReport()
        known = self.store.file_states()
        files = self.discover()
        # A file that shrank was rewritten: forget its run and read it again.
        for ef in files:
            prev = known.get(ef.path)
            if prev is not None and ef.size < prev.offset:
                logger.warning("%s shrank; re-reading run %r", ef.path, ef.run)
                self.store.reset_run(ef.run)
                self._states.pop(ef.run, None)
                self.store.commit()
                known = self.store.file_states()
        todo = [ef for ef in files if ef.size > (known[ef.path].offset if ef.path in known else -1)]
        total = sum(ef.size - (known[ef.path].offset if ef.path in known else 0) for ef in todo)
        if progress:
            progress(0, total)
        with ThreadPoolExecutor(self.workers, thread_name_prefix="ridgeline-decode") as pool:
            # Files are decoded in order on the worker threads, each streaming its chunks
            # through a small queue; the writer (this thread) applies them in file order. Memory
            # stays at a few chunks per thread however large the files are.
            pending = iter(todo)
            streams: collections.deque[tuple[EventFile, queue.Queue[object]]] = collections.deque()
            stop = threading.Event()

            def submit_next() -> None:
                ef = next(pending, None)
                if ef is not None:
                    start = known[ef.path].offset if ef.path in known else 0
                    q: queue.Queue[object] = queue.Queue(maxsize=_QUEUED_CHUNKS)
                    pool.submit(_stream_file, ef.path, start, q, stop)
                    streams.append((ef, q))

            for _ in range(self.workers + 1):
                submit_next()
            try:
                self._apply_streams(streams, submit_next, known, report, progress, total)
            finally:
                stop.set()  # an error here must not leave decoding threads blocked on a queue
        return report

    def _apply_streams(
        self,
        streams: collections.deque[tuple[EventFile, queue.Queue[object]]],
        submit_next: Callable[[], None],
        known: dict[str, FileState],
        report: ReloadReport,
        progress: Progress | None,
        total: int,
    ) -> None:
        done = 0
        while streams:
            ef, q = streams.popleft()
            submit_next()
            prev = known.get(ef.path)
            state = self._run_state(ef.run, known)
            offset = prev.offset if prev else 0
            records = prev.records if prev else 0
            problems = list(prev.problems) if prev else []
            file_version = prev.file_version if prev else None

            chunks = 0
            uncommitted = 0
            while (item := q.get()) is not _DONE:
                if isinstance(item, OSError):
                    problems.append(f"cannot read: {item}")
                    continue
                if isinstance(item, BaseException):
                    raise item
                base, chunk = cast(tuple[int, DecodedChunk], item)
                chunks += 1
                if file_version is None:
                    for _, ev in chunk.events:
                        if ev.file_version is not None:
                            file_version = ev.file_version
                            break
                # Each file starts a fresh version context (TensorBoard tracks it per file).
                if base == 0:
                    state.file_version = _version_number(file_version) if file_version else 0.0
                apply_chunk(self.store, ef.run, state, chunk, ef.path)
                offset = base + chunk.end
                records += chunk.records
                report.records += chunk.records
                for problem in chunk.problems:
                    message = f"{ef.path}: {problem}"
                    if message not in self._warned:
                        self._warned.add(message)
                        logger.warning("%s", message)
                    report.problems.append(message)
                problems = (problems + chunk.problems)[-_MAX_PROBLEMS:]
                # Commit every few MB (and at the end of the file): a crash loses at most
                # that much work, and small chunks do not pay a commit each.
                uncommitted += chunk.end
                if uncommitted >= _COMMIT_BYTES:
                    self._save_state(ef, offset, records, file_version, problems)
                    uncommitted = 0
            if uncommitted or (chunks == 0 and prev is None):
                self._save_state(ef, offset, records, file_version, problems)
            report.files += 1
            report.bytes_read += offset - (prev.offset if prev else 0)
            done += ef.size - (prev.offset if prev else 0)
            if progress:
                progress(done, total)

    def _save_state(
        self, ef: EventFile, offset: int, records: int, file_version: str | None, problems: list[str]
    ) -> None:
        """Record how far ``ef`` was read, in the same commit as the data read from it."""
        self.store.save_file_state(
            FileState(ef.path, ef.run, offset, ef.size, ef.mtime, records, file_version, tuple(problems))
        )
        self.store.commit()


class Watcher:
    """Calls :meth:`Ingester.reload` every ``interval`` seconds on a daemon thread."""

    def __init__(self, ingester: Ingester, interval: float = 2.0) -> None:
        self.ingester = ingester
        self.interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="ridgeline-watcher", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=10)

    def _loop(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                self.ingester.reload()
            except Exception:  # keep serving what we have; the next reload tries again
                logger.exception("reload failed")
