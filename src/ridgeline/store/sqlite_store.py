"""The embedded index: one SQLite file, outside the logdir.

The tables and queries are :mod:`ridgeline.store.sql_store`'s (shared with PostgreSQL); this
module owns the file. Concurrency: WAL mode; the ingest thread writes through its own
connection, readers use one connection per thread. Several processes may open one index: only
the holder of ``<index>.lock`` (:meth:`SQLiteStore.try_lock_writer`) writes.

The index is a cache. A file that is not an SQLite database, fails SQLite's ``quick_check`` at
open, or reports corruption later is moved aside (``<index>.corrupt-<time>``, named in the
log and in ``/api/status``) and rebuilt from the logdir.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import sqlite3
import threading
import time
from pathlib import Path

from ridgeline.store.base import LeaseLost
from ridgeline.store.run_meta import RunMetaMixin, user_rows

SCHEMA_VERSION = 5

logger = logging.getLogger(__name__)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS files(
    path TEXT PRIMARY KEY, run TEXT NOT NULL, "offset" INTEGER NOT NULL, size INTEGER NOT NULL,
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
    id INTEGER PRIMARY KEY, tag_id INTEGER NOT NULL, step INTEGER NOT NULL, wall_time REAL,
    path TEXT NOT NULL, "offset" INTEGER NOT NULL, length INTEGER NOT NULL, idx INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS value_refs_by_tag ON value_refs(tag_id);
CREATE TABLE IF NOT EXISTS run_meta(run TEXT PRIMARY KEY, data TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS leases(key TEXT PRIMARY KEY, owner TEXT NOT NULL, expires REAL NOT NULL);
CREATE TABLE IF NOT EXISTS tokens(
    id TEXT PRIMARY KEY, hash TEXT NOT NULL UNIQUE, name TEXT NOT NULL, read_only INTEGER NOT NULL,
    runs TEXT NOT NULL, tags TEXT NOT NULL, created REAL NOT NULL, revoked REAL);
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
        super().__init__()
        self.path = os.fspath(path)
        self.memory = self.path == ":memory:"
        if not self.memory:
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        self._local = threading.local()
        self._opened = 0  # bumped when the file is replaced: thread connections reconnect
        self._lock_fd: int | None = None
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
        if self._lock_fd is not None:
            self._drop_stale_leases()
        for table, rows in kept.items():
            if rows:
                marks = ",".join("?" * len(rows[0]))
                conn.executemany(f"INSERT OR REPLACE INTO {table} VALUES({marks})", rows)
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
        self._drop_stale_leases()
        return True

    def _drop_stale_leases(self) -> None:
        """Holding the file's lock, this process is the only ingester: claims left in the
        index are a dead process's (a crash mid-ingest) and must not wait to expire."""
        with contextlib.suppress(sqlite3.Error):
            conn = self._conn()
            conn.execute("DELETE FROM leases")
            conn.commit()

    def release_writer(self) -> None:
        if self._lock_fd is not None:
            os.close(self._lock_fd)
            self._lock_fd = None

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

    def _in_transaction(self, conn: sqlite3.Connection) -> bool:
        return conn.in_transaction

    def _begin(self, conn: sqlite3.Connection) -> None:
        conn.execute("BEGIN")

    def classify(self, exc: BaseException) -> str | None:
        """What an error says about the index: "corrupt" (rebuild it), "retry" (full, locked,
        I/O: try again later), or None (not the index's fault)."""
        if isinstance(exc, LeaseLost):
            return "retry"
        if isinstance(exc, sqlite3.OperationalError):
            return "retry"
        if isinstance(exc, sqlite3.DatabaseError):
            text = str(exc).lower()
            return "corrupt" if "malformed" in text or "not a database" in text else "retry"
        if isinstance(exc, sqlite3.Error):
            return "retry"
        return None

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
