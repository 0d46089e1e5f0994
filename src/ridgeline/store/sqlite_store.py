"""The embedded index: one SQLite file, outside the logdir.

Scalar series are kept whole (no sampling), columnar: each ingest batch of a tag is one row of
``scalar_chunks`` holding three little-endian blobs (int64 steps, float64 wall times, float64
values), so reading a series is a few ``np.frombuffer`` calls, never a Python object per point.
Chunks of a tag are merged when they pile up (live tailing adds small ones).

Non-scalar values (images, audio, histograms, text, PR curves...) are not copied: ``value_refs``
holds, per value, its step, wall time and where its event record lies in its file.

``files`` remembers how far each event file was read, and which file it was (device, inode, a
hash of its first bytes); a reopened logdir resumes there.

Concurrency: WAL mode; the ingest thread writes through its own connection, readers use one
connection per thread. ``meta.generation`` increases with every commit that changed data, so
readers can cache by it; ``meta.epoch`` increases whenever data was taken away (a run re-read
or removed), so caches keyed by position must be dropped. Several processes may open one
index: only the holder of ``<index>.lock`` (:meth:`SQLiteStore.try_lock_writer`) writes.

The index is a cache. A file that is not an SQLite database, fails SQLite's ``quick_check`` at
open, or reports corruption later is moved aside (``<index>.corrupt-<time>``, named in the
log and in ``/api/status``) and rebuilt from the logdir.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import sqlite3
import struct
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from ridgeline.store.base import FileState, ScalarSeries, TagInfo, ValueRef
from ridgeline.store.run_meta import RunMetaMixin, user_rows

SCHEMA_VERSION = 4
_MERGE_AT = 32
# A tag's newest value, 8 bytes: SQLite would store a REAL NaN as NULL, and a diverged run's
# NaN must read back as NaN.
_F64 = struct.Struct("<d")


def _f64(value: float) -> bytes:
    return _F64.pack(float(value))


logger = logging.getLogger(__name__)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS files(
    path TEXT PRIMARY KEY, run TEXT NOT NULL, offset INTEGER NOT NULL, size INTEGER NOT NULL,
    mtime REAL NOT NULL, records INTEGER NOT NULL, file_version TEXT, problems TEXT NOT NULL,
    dev INTEGER NOT NULL DEFAULT 0, ino INTEGER NOT NULL DEFAULT 0,
    head_len INTEGER NOT NULL DEFAULT 0, head TEXT NOT NULL DEFAULT '');
CREATE TABLE IF NOT EXISTS tags(
    id INTEGER PRIMARY KEY, run TEXT NOT NULL, tag TEXT NOT NULL, plugin TEXT NOT NULL,
    data_class INTEGER NOT NULL, metadata BLOB NOT NULL, count INTEGER NOT NULL DEFAULT 0,
    first_step INTEGER, last_step INTEGER, last_wall_time REAL, last_value BLOB,
    chunks INTEGER NOT NULL DEFAULT 0,
    version INTEGER NOT NULL DEFAULT 0, UNIQUE(run, tag));
CREATE TABLE IF NOT EXISTS scalar_chunks(
    tag_id INTEGER NOT NULL, seq INTEGER NOT NULL, n INTEGER NOT NULL,
    steps BLOB NOT NULL, wall_times BLOB NOT NULL, vals BLOB NOT NULL,
    PRIMARY KEY(tag_id, seq)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS value_refs(
    tag_id INTEGER NOT NULL, step INTEGER NOT NULL, wall_time REAL, path TEXT NOT NULL,
    offset INTEGER NOT NULL, length INTEGER NOT NULL, idx INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS value_refs_by_tag ON value_refs(tag_id);
CREATE TABLE IF NOT EXISTS run_meta(run TEXT PRIMARY KEY, data TEXT NOT NULL);
"""


class IndexInUse(RuntimeError):
    """Another process holds the index's writer lock."""


def _lock(path: str) -> int | None:
    """Take ``<path>.lock`` without waiting: its descriptor, None if another process holds it,
    -1 where there are no advisory locks (Windows: one writer assumed)."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        return -1
    fd = os.open(path + ".lock", os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(fd)
        return None
    return fd


def remove_index(path: str | os.PathLike[str]) -> None:
    """Delete an index (it is a cache), unless a running server holds it (:class:`IndexInUse`)."""
    path = os.fspath(path)
    fd = _lock(path) if os.path.exists(path + ".lock") else -1
    if fd is None:
        raise IndexInUse(path)
    try:
        for suffix in ("", "-wal", "-shm"):
            with contextlib.suppress(FileNotFoundError):
                os.remove(path + suffix)
    finally:
        if fd >= 0:
            os.close(fd)


def default_db_path(logdir_key: str) -> Path:
    """Where the index of a logdir lives by default: the user's cache folder.

    ``RIDGELINE_CACHE_DIR`` overrides the folder (default ``$XDG_CACHE_HOME/ridgeline`` or
    ``~/.cache/ridgeline``).
    """
    base = os.environ.get("RIDGELINE_CACHE_DIR")
    if not base:
        xdg = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
        base = os.path.join(xdg, "ridgeline")
    digest = hashlib.sha256(logdir_key.encode("utf-8")).hexdigest()[:16]
    return Path(base) / f"index-{digest}.sqlite"


class SQLiteStore(RunMetaMixin):
    """A :class:`~ridgeline.store.base.Store` in one SQLite file."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = os.fspath(path)
        self.memory = self.path == ":memory:"
        if not self.memory:
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        self._local = threading.local()
        self._write_lock = threading.RLock()
        self._tag_ids: dict[tuple[str, str], int] = {}
        self._dirty = False
        self._opened = 0  # bumped when the file is replaced: thread connections reconnect
        self._lock_fd: int | None = None
        self._savepoints = 0
        self.notes: list[str] = []  # what happened to the index file itself (shown in status)
        self._open()

    def _open(self) -> None:
        """Open (creating or rebuilding as needed) the index file."""
        reason = None
        kept: dict[str, list[tuple[object, ...]]] = {}
        try:
            conn = self._conn()
            version = self._schema(conn)
            if version is not None and version != SCHEMA_VERSION:
                # The index is a cache of the logdir: an older layout is rebuilt, not migrated
                # (what users wrote, run names and colors, is kept).
                logger.info("index %s has an older layout; rebuilding it from the logdir", self.path)
                kept = user_rows(conn)
                self._discard(None)
            elif version is not None and not self.memory and self.try_lock_writer():
                row = conn.execute("PRAGMA quick_check").fetchone()
                if row is None or row[0] != "ok":
                    reason = str(row[0] if row else "no answer")
        except sqlite3.DatabaseError as exc:  # not a database, a bad header, a malformed page
            reason = str(exc)
        if reason is not None:
            self._discard(reason)
        conn = self._conn()
        conn.executescript(_SCHEMA)
        for table, rows in kept.items():
            conn.executemany(f"INSERT OR REPLACE INTO {table} VALUES(?, ?)", rows)
        if self._schema(conn) is None:
            conn.execute("INSERT INTO meta VALUES('schema', ?)", (str(SCHEMA_VERSION),))
            conn.execute("INSERT INTO meta VALUES('generation', '0')")
            # A new file's epoch differs from any earlier file's: caches keyed by it stay right.
            conn.execute("INSERT INTO meta VALUES('epoch', ?)", (str(time.time_ns() // 1000),))
            conn.commit()

    def _discard(self, reason: str | None) -> None:
        """Close the file and move it aside (corrupt: ``reason``) or delete it (old layout)."""
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            with contextlib.suppress(sqlite3.Error):
                conn.close()
            self._local.conn = None
        self._opened += 1
        self._tag_ids.clear()
        if self.memory:
            return
        if reason is not None:
            aside = f"{self.path}.corrupt-{time.strftime('%Y%m%d-%H%M%S')}"
            try:
                os.replace(self.path, aside)
                note = f"the index {self.path} was corrupt ({reason}); moved it to {aside} and rebuilt it"
            except OSError as exc:
                note = f"the index {self.path} was corrupt ({reason}) and could not be moved aside ({exc})"
            logger.warning("ridgeline: %s", note)
            self.notes.append(note)
        for suffix in ("", "-wal", "-shm"):
            with contextlib.suppress(FileNotFoundError):
                os.remove(self.path + suffix)

    def recover(self, reason: str) -> None:
        """The index reported corruption while in use: move it aside and start an empty one."""
        with self._write_lock:
            self._discard(reason)
            self._open()

    def try_lock_writer(self) -> bool:
        """Become the one process that writes this index (non-blocking); True if it is us.

        Two servers on one ``--db`` would otherwise index the same files twice."""
        if self.memory or self._lock_fd is not None:
            return True
        fd = _lock(self.path)
        if fd is None:
            return False
        self._lock_fd = fd if fd >= 0 else None
        return True

    def release_writer(self) -> None:
        if self._lock_fd is not None:
            os.close(self._lock_fd)
            self._lock_fd = None

    def forget_cached_ids(self) -> None:
        """Drop in-memory tag ids (another process may have rewritten the tables)."""
        self._tag_ids.clear()

    @staticmethod
    def _schema(conn: sqlite3.Connection) -> int | None:
        try:
            row = conn.execute("SELECT value FROM meta WHERE key='schema'").fetchone()
        except sqlite3.OperationalError:  # a new file: no meta table yet
            return None
        return None if row is None else int(row[0])

    def _conn(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is not None and getattr(self._local, "opened", 0) != self._opened:
            with contextlib.suppress(sqlite3.Error):
                conn.close()
            conn = None
        if conn is None:
            conn = sqlite3.connect(self.path, timeout=60, check_same_thread=False)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            self._local.conn = conn
            self._local.opened = self._opened
        return conn

    # ---- ingest side ------------------------------------------------------------------------

    def file_states(self) -> dict[str, FileState]:
        rows = (
            self._conn()
            .execute(
                "SELECT path, run, offset, size, mtime, records, file_version, problems,"
                " dev, ino, head_len, head FROM files"
            )
            .fetchall()
        )
        return {
            r[0]: FileState(
                r[0], r[1], r[2], r[3], r[4], r[5], r[6], tuple(json.loads(r[7])), r[8], r[9], r[10], r[11]
            )
            for r in rows
        }

    def save_file_state(self, state: FileState) -> None:
        with self._write_lock:
            self._conn().execute(
                "INSERT OR REPLACE INTO files VALUES(?,?,?,?,?,?,?,?,?,?,?,?)",
                (
                    state.path,
                    state.run,
                    state.offset,
                    state.size,
                    state.mtime,
                    state.records,
                    state.file_version,
                    json.dumps(list(state.problems)),
                    state.dev,
                    state.ino,
                    state.head_len,
                    state.head,
                ),
            )
            self._dirty = True

    def _tag_id(self, run: str, tag: str) -> int | None:
        key = (run, tag)
        tid = self._tag_ids.get(key)
        if tid is None:
            row = self._conn().execute("SELECT id FROM tags WHERE run=? AND tag=?", key).fetchone()
            if row is None:
                return None
            tid = int(row[0])
            self._tag_ids[key] = tid
        return tid

    def _registered_tag_id(self, run: str, tag: str) -> int:
        tid = self._tag_id(run, tag)
        if tid is None:
            raise KeyError(f"tag {tag!r} of run {run!r} is not registered")
        return tid

    def register_tag(self, run: str, tag: str, plugin: str, data_class: int, metadata: bytes) -> None:
        """Record a tag; the first registration wins (TensorBoard keeps the first metadata)."""
        with self._write_lock:
            if self._tag_id(run, tag) is not None:
                return
            cur = self._conn().execute(
                "INSERT INTO tags(run, tag, plugin, data_class, metadata) VALUES(?,?,?,?,?)",
                (run, tag, plugin, data_class, metadata),
            )
            assert cur.lastrowid is not None
            self._tag_ids[(run, tag)] = int(cur.lastrowid)
            self._dirty = True

    def append_scalars(
        self, run: str, tag: str, steps: np.ndarray, wall_times: np.ndarray, values: np.ndarray
    ) -> None:
        if steps.size == 0:
            return
        with self._write_lock:
            tid = self._registered_tag_id(run, tag)
            conn = self._conn()
            count, chunks = conn.execute("SELECT count, chunks FROM tags WHERE id=?", (tid,)).fetchone()
            conn.execute(
                "INSERT INTO scalar_chunks VALUES(?,?,?,?,?,?)",
                (
                    tid,
                    chunks,
                    int(steps.size),
                    np.ascontiguousarray(steps, dtype="<i8").tobytes(),
                    np.ascontiguousarray(wall_times, dtype="<f8").tobytes(),
                    np.ascontiguousarray(values, dtype="<f8").tobytes(),
                ),
            )
            conn.execute(
                "UPDATE tags SET count=count+?, chunks=chunks+1, version=version+1,"
                " first_step=COALESCE(first_step, ?), last_step=?, last_wall_time=?, last_value=? WHERE id=?",
                (
                    int(steps.size),
                    int(steps[0]),
                    int(steps[-1]),
                    float(wall_times[-1]),
                    _f64(values[-1]),
                    tid,
                ),
            )
            if chunks + 1 >= _MERGE_AT:
                self._merge_chunks(tid)
            self._dirty = True

    def append_refs(self, run: str, tag: str, refs: list[ValueRef]) -> None:
        if not refs:
            return
        with self._write_lock:
            tid = self._registered_tag_id(run, tag)
            conn = self._conn()
            conn.executemany(
                "INSERT INTO value_refs VALUES(?,?,?,?,?,?,?)",
                [(tid, r.step, r.wall_time, r.path, r.offset, r.length, r.index) for r in refs],
            )
            conn.execute(
                "UPDATE tags SET count=count+?, version=version+1, first_step=COALESCE(first_step, ?),"
                " last_step=?, last_wall_time=? WHERE id=?",
                (len(refs), refs[0].step, refs[-1].step, refs[-1].wall_time, tid),
            )
            self._dirty = True

    def _merge_chunks(self, tid: int) -> None:
        series = self._read_tag(tid)
        conn = self._conn()
        conn.execute("DELETE FROM scalar_chunks WHERE tag_id=?", (tid,))
        self._write_series(tid, series)

    def _write_series(self, tid: int, series: ScalarSeries) -> None:
        conn = self._conn()
        n = int(series.steps.size)
        if n:
            conn.execute(
                "INSERT INTO scalar_chunks VALUES(?,?,?,?,?,?)",
                (
                    tid,
                    0,
                    n,
                    series.steps.astype("<i8").tobytes(),
                    series.wall_times.astype("<f8").tobytes(),
                    series.values.astype("<f8").tobytes(),
                ),
            )
        conn.execute(
            "UPDATE tags SET count=?, chunks=?, version=version+1, first_step=?, last_step=?,"
            " last_wall_time=?, last_value=? WHERE id=?",
            (
                n,
                1 if n else 0,
                int(series.steps[0]) if n else None,
                int(series.steps[-1]) if n else None,
                float(series.wall_times[-1]) if n else None,
                _f64(series.values[-1]) if n else None,
                tid,
            ),
        )

    def purge(self, run: str, step: int, tags: list[str] | None = None) -> None:
        """Drop points with ``step >= step`` from the run's series (all, or only ``tags``)."""
        with self._write_lock:
            conn = self._conn()
            if tags is None:
                rows = conn.execute(
                    "SELECT id FROM tags WHERE run=? AND last_step IS NOT NULL", (run,)
                ).fetchall()
                ids = [int(r[0]) for r in rows]
            else:
                ids = [t for t in (self._tag_id(run, tag) for tag in tags) if t is not None]
            for tid in ids:
                gone = conn.execute("DELETE FROM value_refs WHERE tag_id=? AND step>=?", (tid, step)).rowcount
                if gone:
                    self._refresh_ref_tag(tid)
                    continue
                series = self._read_tag(tid)
                keep = series.steps < step
                if keep.all():
                    continue
                conn.execute("DELETE FROM scalar_chunks WHERE tag_id=?", (tid,))
                self._write_series(
                    tid, ScalarSeries(series.steps[keep], series.wall_times[keep], series.values[keep])
                )
            self._dirty = True

    def _refresh_ref_tag(self, tid: int) -> None:
        conn = self._conn()
        n, first, last = conn.execute(
            "SELECT COUNT(*), MIN(step), MAX(step) FROM value_refs WHERE tag_id=?", (tid,)
        ).fetchone()
        row = conn.execute(
            "SELECT wall_time FROM value_refs WHERE tag_id=? ORDER BY rowid DESC LIMIT 1", (tid,)
        ).fetchone()
        conn.execute(
            "UPDATE tags SET count=?, version=version+1, first_step=?, last_step=?, last_wall_time=? WHERE id=?",
            (n, first, last, row[0] if row else None, tid),
        )

    def reset_run(self, run: str) -> None:
        """Forget everything read from a run (its files were replaced or truncated)."""
        with self._write_lock:
            conn = self._conn()
            conn.execute(
                "DELETE FROM scalar_chunks WHERE tag_id IN (SELECT id FROM tags WHERE run=?)", (run,)
            )
            conn.execute("DELETE FROM value_refs WHERE tag_id IN (SELECT id FROM tags WHERE run=?)", (run,))
            conn.execute("DELETE FROM tags WHERE run=?", (run,))
            conn.execute("DELETE FROM files WHERE run=?", (run,))
            conn.execute("UPDATE meta SET value=CAST(value AS INTEGER)+1 WHERE key='epoch'")
            self._tag_ids = {k: v for k, v in self._tag_ids.items() if k[0] != run}
            self._dirty = True

    def commit(self) -> None:
        with self._write_lock:
            conn = self._conn()
            if self._dirty:
                conn.execute("UPDATE meta SET value=CAST(value AS INTEGER)+1 WHERE key='generation'")
                self._dirty = False
            conn.commit()

    def rollback(self) -> None:
        """Undo everything since the last commit (and forget ids it may have cached)."""
        with self._write_lock:
            self._conn().rollback()
            self._tag_ids.clear()
            self._savepoints = 0

    @contextlib.contextmanager
    def savepoint(self) -> Iterator[None]:
        """Everything written inside is undone if the block raises (the error propagates)."""
        with self._write_lock:
            conn = self._conn()
            if not conn.in_transaction:
                conn.execute("BEGIN")  # else releasing the outermost savepoint would commit
            name = f"sp{self._savepoints}"
            self._savepoints += 1
            conn.execute(f"SAVEPOINT {name}")
            try:
                yield
            except BaseException:
                with contextlib.suppress(sqlite3.Error):
                    conn.execute(f"ROLLBACK TO {name}")
                    conn.execute(f"RELEASE {name}")
                self._tag_ids.clear()
                raise
            finally:
                self._savepoints -= 1
            conn.execute(f"RELEASE {name}")

    def classify(self, exc: BaseException) -> str | None:
        """What an error says about the index: "corrupt" (rebuild it), "retry" (full, locked,
        I/O: try again later), or None (not the index's fault)."""
        if isinstance(exc, sqlite3.OperationalError):
            return "retry"
        if isinstance(exc, sqlite3.DatabaseError):
            text = str(exc).lower()
            return "corrupt" if "malformed" in text or "not a database" in text else "retry"
        if isinstance(exc, sqlite3.Error):
            return "retry"
        return None

    def epoch(self) -> int:
        """Increases whenever indexed data was taken away (a run re-read or removed)."""
        row = self._conn().execute("SELECT value FROM meta WHERE key='epoch'").fetchone()
        return int(row[0]) if row else 0

    # ---- provider side ----------------------------------------------------------------------

    def runs(self) -> list[str]:
        rows = (
            self._conn()
            .execute("SELECT DISTINCT run FROM files UNION SELECT DISTINCT run FROM tags ORDER BY 1")
            .fetchall()
        )
        return [r[0] for r in rows]

    def tags(self, data_class: int | None = None) -> list[TagInfo]:
        sql = (
            "SELECT run, tag, plugin, data_class, metadata, count, first_step, last_step,"
            " last_wall_time, version, last_value FROM tags"
        )
        args: tuple[int, ...] = ()
        if data_class is not None:
            sql += " WHERE data_class=?"
            args = (data_class,)
        rows = self._conn().execute(sql + " ORDER BY run, tag", args).fetchall()
        return [
            TagInfo(
                r[0],
                r[1],
                r[2],
                r[3],
                r[4],
                r[5],
                r[6],
                r[7],
                r[8],
                r[9],
                None if r[10] is None else _F64.unpack(r[10])[0],
            )
            for r in rows
        ]

    def _read_tag(self, tid: int) -> ScalarSeries:
        rows = (
            self._conn()
            .execute("SELECT steps, wall_times, vals FROM scalar_chunks WHERE tag_id=? ORDER BY seq", (tid,))
            .fetchall()
        )
        if len(rows) == 1:
            s, w, v = rows[0]
            return ScalarSeries(np.frombuffer(s, "<i8"), np.frombuffer(w, "<f8"), np.frombuffer(v, "<f8"))
        return ScalarSeries(
            np.concatenate([np.frombuffer(r[0], "<i8") for r in rows]) if rows else np.empty(0, "<i8"),
            np.concatenate([np.frombuffer(r[1], "<f8") for r in rows]) if rows else np.empty(0, "<f8"),
            np.concatenate([np.frombuffer(r[2], "<f8") for r in rows]) if rows else np.empty(0, "<f8"),
        )

    def read_scalars(self, run: str, tag: str) -> ScalarSeries | None:
        row = self._conn().execute("SELECT id FROM tags WHERE run=? AND tag=?", (run, tag)).fetchone()
        if row is None:
            return None
        return self._read_tag(int(row[0]))

    def read_refs(self, run: str, tag: str) -> list[ValueRef]:
        row = self._conn().execute("SELECT id FROM tags WHERE run=? AND tag=?", (run, tag)).fetchone()
        if row is None:
            return []
        rows = (
            self._conn()
            .execute(
                "SELECT step, wall_time, path, offset, length, idx FROM value_refs WHERE tag_id=? ORDER BY rowid",
                (int(row[0]),),
            )
            .fetchall()
        )
        nan = float("nan")
        return [ValueRef(r[0], nan if r[1] is None else r[1], r[2], r[3], r[4], r[5]) for r in rows]

    def generation(self) -> int:
        row = self._conn().execute("SELECT value FROM meta WHERE key='generation'").fetchone()
        return int(row[0])

    def __del__(self) -> None:
        with contextlib.suppress(Exception):
            self.release_writer()

    def close(self) -> None:
        """Close this thread's connection and give up the writer lock."""
        self.release_writer()
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            with contextlib.suppress(sqlite3.Error):
                conn.close()
            self._local.conn = None
