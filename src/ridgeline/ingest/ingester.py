"""Stage 2 (ingest): bring the index up to date with the logdir(s), once or in a loop.

Each reload lists the event files and first makes the index agree with what is on disk: a run
whose folder is gone is removed; a run with a file that was deleted, renamed, truncated or
replaced (another device/inode, a smaller size, other first bytes) is forgotten and re-read.
Then, for each file, only the bytes past the offset the index remembers are read (a reopened
logdir costs one ``stat`` per file). New bytes are decoded on worker threads (the compiled
kernels release the GIL, so both cores work) and applied to the store in file order.

Failures stay small: a chunk that cannot be applied is undone and applied record by record,
and a record that still fails is skipped with one warning naming its file and offset; a file
that cannot be read is reported and the others go on; the index being full or locked is
reported and retried at the next reload. Only one process writes an index (the holder of its
lock); other servers on the same ``--db`` serve what it writes.
"""

from __future__ import annotations

import collections
import contextlib
import logging
import os
import queue
import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TypeVar, cast

import numpy as np

from ridgeline.diagnostics import LogdirStatus
from ridgeline.ingest.decode import DecodedChunk, decode, split_records
from ridgeline.ingest.diagnose import diagnose
from ridgeline.ingest.logdir import AssetRun, EventFile
from ridgeline.ingest.run_loader import RunState, _version_number, apply_chunk
from ridgeline.ingest.source import Logdir, LogdirError, head_hash, open_logdir
from ridgeline.store.base import FileState, Store

logger = logging.getLogger(__name__)

# Bytes decoded at a time. Small enough that the chunks in flight (a few per decoding thread)
# stay a few tens of MB; large enough that per-chunk overhead is noise (~30k records a chunk).
CHUNK_BYTES = 1 << 20
_QUEUED_CHUNKS = 1  # decoded chunks a thread may hold ahead of the writer, per file
_COMMIT_BYTES = 16 << 20
_BATCH_BYTES = 64 << 20  # new bytes claimed at a time (with ``_BATCH_RUNS``): workers interleave
_BATCH_RUNS = 16
_MAX_PROBLEMS = 20
_HEAD_BYTES = 1024  # a file's identity includes a hash of its first bytes


Progress = Callable[[int, int], None]
_Item = TypeVar("_Item", EventFile, FileState)


def _by_run(items: Iterable[_Item]) -> dict[str, list[_Item]]:
    """Event files (on disk or in the index) grouped by run, in their order."""
    out: dict[str, list[_Item]] = {}
    for item in items:
        out.setdefault(item.run, []).append(item)
    return out


@dataclass(slots=True)
class ReloadReport:
    """What one reload did."""

    files: int = 0
    bytes_read: int = 0
    records: int = 0
    problems: list[str] = field(default_factory=list)
    removed_runs: list[str] = field(default_factory=list)
    reread_runs: list[str] = field(default_factory=list)
    writer: bool = True  # False: another process writes this index; nothing was read


def _read_chunks(source: Logdir, path: str, offset: int) -> Iterator[tuple[int, DecodedChunk]]:
    """Decode ``path`` from ``offset`` on, in chunks ending at record boundaries (one ranged
    read each; a local file is reopened per chunk, so a FIFO swapped in is never waited on)."""
    size = source.chunk_bytes
    while True:
        data = source.read(path, offset, size)
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


def _stream_file(
    source: Logdir, path: str, offset: int, out: queue.Queue[object], stop: threading.Event
) -> None:
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
        for item in _read_chunks(source, path, offset):
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

    def __init__(
        self,
        store: Store,
        logdirs: list[tuple[str, str]],
        workers: int | None = None,
        owner: str | None = None,
        lease_ttl: float = 30.0,
    ) -> None:
        self.store = store
        # Several ingesters (processes, machines) may share one index: each claims a batch of
        # runs (a lease named after the run) before reading them, and renews the claims in the
        # transaction of every commit. A worker that dies leaves claims that expire after
        # ``lease_ttl`` seconds; the next worker resumes from the offsets committed.
        self.owner = owner or f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self.lease_ttl = lease_ttl
        self._held: list[str] = []
        self._left: dict[str, tuple[tuple[str, int], ...]] = {}  # what this worker left each run at
        self.logdirs = logdirs
        self.sources = [(name, open_logdir(path)) for name, path in logdirs]
        self.workers = workers or min(4, os.cpu_count() or 1)
        self._states: dict[str, RunState] = {}
        self._lock = threading.Lock()
        self._warned: set[str] = set()
        self._writer = False
        # What went wrong outside any one record: folders that cannot be listed, special
        # files, files that cannot be read, an index that cannot be written. Shown in status.
        self.walk_problems: list[str] = []
        self.file_problems: dict[str, str] = {}
        self.store_problem: str | None = None
        # Folders with plugin files that are not event files (projector configs), by run.
        self.asset_runs: dict[str, AssetRun] = {}

    def status(self) -> LogdirStatus:
        """What the logdirs hold and what went wrong: the files' own problems, this ingester's
        (folders, unreadable files, the index) and the index file's notes, each once."""
        status = diagnose(self.logdirs, self.store.file_states(), {s.root: s for _, s in self.sources})
        for problem in [*self.problems(), *self.store.notes]:
            if problem not in status.problems:
                status.problems.append(problem)
        return status

    def problems(self) -> list[str]:
        out = [*self.walk_problems, *self.file_problems.values()]
        if self.store_problem:
            out.append(self.store_problem)
        return out

    def discover(self) -> list[EventFile]:
        files: list[EventFile] = []
        problems: list[str] = []
        assets: dict[str, AssetRun] = {}
        for name, source in self.sources:
            try:
                there = source.remote or source.exists()  # a remote walk says itself what failed
            except LogdirError as exc:
                problems.append(str(exc))
                continue
            if there:
                found = source.walk(name)
                files.extend(found.files)
                problems.extend(found.problems)
                assets.update((a.run, a) for a in found.assets)
        self.asset_runs = assets
        for message in problems:
            self._warn(message)
        self.walk_problems = problems
        return files

    def _source(self, path: str) -> Logdir:
        """The logdir a file was found in (by its path or URL)."""
        for _, source in self.sources:
            if path.startswith(source.root):
                return source
        return open_logdir(path)

    def _warn(self, message: str) -> None:
        if message not in self._warned:
            self._warned.add(message)
            logger.warning("%s", message)

    def _run_state(self, run: str, known: dict[str, FileState]) -> RunState:
        state = self._states.get(run)
        if state is None:
            state = RunState()
            for info in self.store.tags(run=run):
                state.tag_classes[info.tag] = info.data_class
            versions = [
                _version_number(s.file_version) for s in known.values() if s.run == run and s.file_version
            ]
            state.file_version = max(versions, default=0.0)
            self._states[run] = state
        return state

    @contextlib.contextmanager
    def between_reloads(self, timeout: float) -> Iterator[bool]:
        """Run the block while no reload is writing (yields True), or yield False after
        ``timeout`` seconds. Other writes to the index (what users say about runs) go here:
        during a reload the ingester holds the index's write lock between its calls."""
        got = self._lock.acquire(timeout=max(0.0, timeout))
        try:
            yield got
        finally:
            if got:
                self._lock.release()

    def reload(self, progress: Progress | None = None) -> ReloadReport:
        """Read whatever is new; returns what was done."""
        with self._lock:
            if not self.store.try_lock_writer():
                # Another server writes the index; plugin files beside the event files are
                # not in it, so this one still looks for them itself.
                self.discover()
                return ReloadReport(writer=False)
            if not self._writer:
                # Just became the writer: another process may have written until now.
                self._writer = True
                self._states.clear()
                self.store.forget_cached_ids()
            report = ReloadReport()
            try:
                self._reload(report, progress)
                self.store_problem = None
            except Exception as exc:
                self._store_failed(exc, report)
            return report

    def _store_failed(self, exc: Exception, report: ReloadReport) -> None:
        """The index itself failed (full disk, locked, corrupt): undo, report, retry later."""
        self._states.clear()
        try:
            self.store.rollback()
        except Exception:  # noqa: BLE001 - the rollback of a broken index may fail too
            logger.debug("rollback failed", exc_info=True)
        kind = self.store.classify(exc)
        if kind == "corrupt":
            message = f"the index reported corruption ({exc}); rebuilding it from the logdir"
            self.store.recover(str(exc))
        elif kind == "retry":
            message = f"cannot write the index ({exc}); nothing is lost, retrying at the next reload"
        else:
            logger.exception("ingest failed")
            message = f"indexing failed ({type(exc).__name__}: {exc}); retrying at the next reload"
        self._warn(message)
        self.store_problem = message
        report.problems.append(message)

    def _reconcile(self, files: list[EventFile], known: dict[str, FileState], report: ReloadReport) -> None:
        """Make the index agree with the files on disk before reading anything new."""
        on_disk = _by_run(files)
        by_run = _by_run(known.values())
        paths = {ef.path: ef for ef in files}
        changed = False
        for run, states in by_run.items():
            if self._key(run) not in self._held:
                continue
            if run not in on_disk:
                logger.info("run %r is gone from the logdir; removing it from the index", run)
                report.removed_runs.append(run)
            else:
                why = next((w for st in states if (w := self._changed(st, paths.get(st.path)))), None)
                if why is None:
                    continue
                logger.info("run %r: %s; re-reading the run", run, why)
                report.reread_runs.append(run)
            self.store.reset_run(run)
            self._states.pop(run, None)
            for st in states:
                self.file_problems.pop(st.path, None)
            changed = True
        if changed:
            self._commit()

    @staticmethod
    def _changed(st: FileState, ef: EventFile | None) -> str | None:
        """Why the indexed file ``st`` no longer is what is on disk (None: it only grew)."""
        if ef is None:
            return f"{st.path} was deleted or renamed"
        if (ef.dev, ef.ino) != (st.dev, st.ino):
            return f"{ef.path} was replaced (another file now has its name)"
        if ef.size < st.offset:
            return f"{ef.path} shrank (truncated or rewritten)"
        grew = (ef.size, ef.mtime) != (st.size, st.mtime)
        if grew and st.head_len and head_hash(ef.path, st.head_len) != st.head:
            return f"{ef.path} was rewritten (its first bytes changed)"
        return None

    @staticmethod
    def _key(run: str) -> str:
        return f"run:{run}"

    def _commit(self) -> None:
        """Commit, with the claims on the runs being read renewed in the same transaction
        (raises LeaseLost, and commits nothing, if another worker took one over)."""
        if self._held:
            self.store.renew(self._held, self.owner, self.lease_ttl)
        self.store.commit()

    def _reload(self, report: ReloadReport, progress: Progress | None) -> None:
        files = self.discover()
        known = self.store.file_states()
        on_disk = _by_run(files)
        indexed = _by_run(known.values())

        def new_bytes(run: str) -> int:
            return sum(
                ef.size - (known[ef.path].offset if ef.path in known else 0) for ef in on_disk.get(run, [])
            )

        def needs_work(run: str) -> bool:
            if run not in on_disk:
                return True  # gone from the logdir
            states = {st.path: st for st in indexed.get(run, [])}
            paths = {ef.path for ef in on_disk[run]}
            if any(p not in paths for p in states):
                return True  # a file deleted or renamed
            return any(
                ef.path not in states
                or ef.size > states[ef.path].offset  # not read to the end (a worker died mid-file)
                or (ef.size, ef.mtime) != (states[ef.path].size, states[ef.path].mtime)
                for ef in on_disk[run]
            )

        work = [run for run in sorted(set(on_disk) | set(indexed)) if needs_work(run)]
        total = sum(max(0, new_bytes(run)) for run in work)
        if progress:
            progress(0, total)
        done = 0
        while work:
            batch = self._claim_batch(work, new_bytes, indexed)
            if not batch:
                break
            try:
                # The index as it is now for these runs (another worker may have read them).
                runs = sorted(batch)
                self._reconcile(files, self.store.file_states(runs), report)
                known = self.store.file_states(runs)
                todo = [
                    ef
                    for ef in files
                    if ef.run in batch and ef.size > (known[ef.path].offset if ef.path in known else -1)
                ]
                done = self._read_files(todo, known, report, progress, done, total)
                left: dict[str, list[tuple[str, int]]] = {}
                for st in self.store.file_states(runs).values():
                    left.setdefault(st.run, []).append((st.path, st.offset))
                for run in batch:
                    self._left[run] = tuple(sorted(left.get(run, [])))
            finally:
                held, self._held = self._held, []
                with contextlib.suppress(Exception):
                    self.store.release(held, self.owner)

    def _claim_batch(
        self,
        work: list[str],
        new_bytes: Callable[[str], int],
        indexed: dict[str, list[FileState]],
    ) -> set[str]:
        """Claim the next runs of ``work`` (removing them from it) until about 64 MB or 16
        runs are claimed; runs another worker holds are left to it."""
        batch: set[str] = set()
        size = 0
        while work and size < _BATCH_BYTES and len(batch) < _BATCH_RUNS:
            run = work.pop(0)
            if not self.store.claim(self._key(run), self.owner, self.lease_ttl):
                continue
            self._held.append(self._key(run))
            batch.add(run)
            size += max(0, new_bytes(run))
            left = tuple(sorted((st.path, st.offset) for st in indexed.get(run, [])))
            if run in self._states and self._left.get(run) != left:
                # Another worker read this run since this one did: what is remembered of it
                # (tag ids, restart state) may name rows it has replaced.
                self._states.pop(run, None)
                self.store.forget_cached_ids()
        return batch

    def _read_files(
        self,
        todo: list[EventFile],
        known: dict[str, FileState],
        report: ReloadReport,
        progress: Progress | None,
        done: int,
        total: int,
    ) -> int:
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
                    pool.submit(_stream_file, self._source(ef.path), ef.path, start, q, stop)
                    streams.append((ef, q))

            for _ in range(self.workers + 1):
                submit_next()
            try:
                return self._apply_streams(streams, submit_next, known, report, progress, done, total)
            finally:
                stop.set()  # an error here must not leave decoding threads blocked on a queue

    def _apply_streams(
        self,
        streams: collections.deque[tuple[EventFile, queue.Queue[object]]],
        submit_next: Callable[[], None],
        known: dict[str, FileState],
        report: ReloadReport,
        progress: Progress | None,
        done: int,
        total: int,
    ) -> int:
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
            since = time.monotonic()
            failed: str | None = None
            while (item := q.get()) is not _DONE:
                if failed is not None:
                    continue  # drain: the file is abandoned for this reload
                if isinstance(item, BaseException):
                    # The file cannot be read (gone, permissions, not a regular file): keep
                    # what was committed from it, report it, try again next reload.
                    failed = f"{ef.path}: cannot be read ({getattr(item, 'strerror', None) or item})"
                    continue
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
                chunk_problems = chunk.problems + self._apply(ef, state, chunk)
                offset = base + chunk.end
                records += chunk.records
                report.records += chunk.records
                for problem in chunk_problems:
                    message = f"{ef.path}: {problem}"
                    self._warn(message)
                    report.problems.append(message)
                problems = (problems + chunk_problems)[-_MAX_PROBLEMS:]
                # Commit every few MB (and at the end of the file): a crash loses at most
                # that much work, and small chunks do not pay a commit each.
                uncommitted += chunk.end
                # ... and often enough that the claims on the runs stay renewed.
                if uncommitted >= _COMMIT_BYTES or time.monotonic() - since > self.lease_ttl / 3:
                    self._save_state(ef, offset, records, file_version, problems)
                    uncommitted = 0
                    since = time.monotonic()
            if failed is not None:
                self._warn(failed)
                self.file_problems[ef.path] = failed
                report.problems.append(failed)
            else:
                self.file_problems.pop(ef.path, None)
            if uncommitted or (chunks == 0 and prev is None and failed is None):
                self._save_state(ef, offset, records, file_version, problems)
            report.files += 1
            report.bytes_read += offset - (prev.offset if prev else 0)
            done += ef.size - (prev.offset if prev else 0)
            if progress:
                progress(done, total)
        return done

    def _apply(self, ef: EventFile, state: RunState, chunk: DecodedChunk) -> list[str]:
        """Apply ``chunk``; if that fails, record by record, skipping (and naming) bad ones."""
        snapshot = state.copy()
        try:
            with self.store.savepoint():
                apply_chunk(self.store, ef.run, state, chunk, ef.path)
            return []
        except Exception as exc:
            if self._is_store_error(exc):
                raise
        state.restore(snapshot)
        skipped: list[str] = []
        for rec_offset, one in split_records(chunk):
            snapshot = state.copy()
            try:
                with self.store.savepoint():
                    apply_chunk(self.store, ef.run, state, one, ef.path)
            except Exception as exc:
                if self._is_store_error(exc):
                    raise
                state.restore(snapshot)
                skipped.append(f"skipped the record at byte {rec_offset}: {type(exc).__name__}: {exc}")
        return skipped

    def _is_store_error(self, exc: Exception) -> bool:
        return self.store.classify(exc) is not None

    def _save_state(
        self, ef: EventFile, offset: int, records: int, file_version: str | None, problems: list[str]
    ) -> None:
        """Record how far ``ef`` was read, in the same commit as the data read from it."""
        head_len = min(ef.size, _HEAD_BYTES)
        self.store.save_file_state(
            FileState(
                ef.path,
                ef.run,
                offset,
                ef.size,
                ef.mtime,
                records,
                file_version,
                tuple(problems),
                ef.dev,
                ef.ino,
                head_len,
                head_hash(ef.path, head_len),
            )
        )
        self._commit()


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
            except Exception:  # pragma: no cover - reload reports its own failures
                logger.exception("reload failed")
