"""The shared index: PostgreSQL, for a team (``--db postgresql://user@host/db``).

Same tables and queries as the embedded SQLite index (:mod:`ridgeline.store.sql_store`):
scalar series in columnar chunks (``bytea``), non-scalar values by reference into their event
files. Several API servers and ingest workers use one database at once: runs are shared out
among workers by leases, every commit that changed data bumps ``meta.generation`` (what
servers poll to reload), and readers never hold a transaction open (autocommit; writes begin
one explicitly).

Point chunks are stored uncompressed (``STORAGE EXTERNAL``): float64 noise barely compresses,
and PostgreSQL's default compression made indexing four times slower.

Needs ``psycopg`` (``pip install 'ridgeline[postgres]'``). The schema is created on first use,
under an advisory lock so that several processes starting together do not race.
"""

from __future__ import annotations

import contextlib
import threading
import time
from typing import Any

from ridgeline.store.base import LeaseLost
from ridgeline.store.sql_store import SQLStore

SCHEMA_VERSION = 1
_SCHEMA_LOCK = 0x52494447  # advisory lock id ("RIDG") held while the schema is created

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS files(
    path TEXT PRIMARY KEY, run TEXT NOT NULL, "offset" BIGINT NOT NULL, size BIGINT NOT NULL,
    mtime DOUBLE PRECISION NOT NULL, records BIGINT NOT NULL, file_version TEXT,
    problems TEXT NOT NULL, dev BIGINT NOT NULL DEFAULT 0, ino BIGINT NOT NULL DEFAULT 0,
    head_len INTEGER NOT NULL DEFAULT 0, head TEXT NOT NULL DEFAULT '');
CREATE TABLE IF NOT EXISTS tags(
    id BIGSERIAL PRIMARY KEY, run TEXT NOT NULL, tag TEXT NOT NULL, plugin TEXT NOT NULL,
    data_class INTEGER NOT NULL, metadata BYTEA NOT NULL, count BIGINT NOT NULL DEFAULT 0,
    first_step BIGINT, last_step BIGINT, last_wall_time DOUBLE PRECISION, last_value BYTEA,
    chunks INTEGER NOT NULL DEFAULT 0, version BIGINT NOT NULL DEFAULT 0, UNIQUE(run, tag));
CREATE TABLE IF NOT EXISTS scalar_chunks(
    tag_id BIGINT NOT NULL, seq INTEGER NOT NULL, n INTEGER NOT NULL,
    steps BYTEA NOT NULL, wall_times BYTEA NOT NULL, vals BYTEA NOT NULL,
    PRIMARY KEY(tag_id, seq));
CREATE TABLE IF NOT EXISTS value_refs(
    id BIGSERIAL PRIMARY KEY, tag_id BIGINT NOT NULL, step BIGINT NOT NULL,
    wall_time DOUBLE PRECISION, path TEXT NOT NULL, "offset" BIGINT NOT NULL,
    length BIGINT NOT NULL, idx INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS value_refs_by_tag ON value_refs(tag_id, id);
CREATE TABLE IF NOT EXISTS run_meta(run TEXT PRIMARY KEY, data TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS leases(key TEXT PRIMARY KEY, owner TEXT NOT NULL, expires DOUBLE PRECISION NOT NULL);
CREATE TABLE IF NOT EXISTS tokens(
    id TEXT PRIMARY KEY, hash TEXT NOT NULL UNIQUE, name TEXT NOT NULL, read_only INTEGER NOT NULL,
    runs TEXT NOT NULL, tags TEXT NOT NULL, created DOUBLE PRECISION NOT NULL,
    revoked DOUBLE PRECISION);
"""


def is_postgres_url(db: str) -> bool:
    return db.startswith(("postgresql://", "postgres://"))


def _psycopg() -> Any:
    try:
        import psycopg
    except ImportError:
        raise RuntimeError("a PostgreSQL index needs psycopg: pip install 'ridgeline[postgres]'") from None
    return psycopg


class PostgresStore(SQLStore):
    """A :class:`~ridgeline.store.base.Store` in a PostgreSQL database."""

    placeholder = "%s"
    implicit_begin = True
    # Results in binary: a series' blobs arrive as they are stored, not as hex text to decode.
    execute_options: dict[str, Any] = {"binary": True}  # noqa: RUF012 - never mutated

    def __init__(self, url: str) -> None:
        super().__init__()
        self.url = url
        self.path = _redact(url)
        self._pg = _psycopg()
        self._local = threading.local()
        self._connections: list[Any] = []
        self._conns_lock = threading.Lock()
        self._open()

    def _open(self) -> None:
        conn = self._conn()
        with conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (_SCHEMA_LOCK,))
            conn.execute(_SCHEMA)
            row = conn.execute("SELECT value FROM meta WHERE key='schema'").fetchone()
            if row is None:
                conn.execute(
                    "ALTER TABLE scalar_chunks ALTER COLUMN steps SET STORAGE EXTERNAL,"
                    " ALTER COLUMN wall_times SET STORAGE EXTERNAL, ALTER COLUMN vals SET STORAGE EXTERNAL"
                )
                conn.execute("INSERT INTO meta VALUES('schema', %s)", (str(SCHEMA_VERSION),))
                conn.execute("INSERT INTO meta VALUES('generation', '0')")
                conn.execute("INSERT INTO meta VALUES('epoch', %s)", (str(time.time_ns() // 1000),))
            elif int(row[0]) != SCHEMA_VERSION:
                raise RuntimeError(
                    f"the index {self.path} has layout {row[0]}; this ridgeline uses {SCHEMA_VERSION} "
                    "(drop its tables to rebuild it from the logdir)"
                )

    def _conn(self) -> Any:
        conn = getattr(self._local, "conn", None)
        if conn is None or conn.closed:
            conn = self._pg.connect(self.url, autocommit=True)
            self._local.conn = conn
            with self._conns_lock:
                self._connections.append(conn)
        return conn

    def _in_transaction(self, conn: Any) -> bool:
        return bool(conn.info.transaction_status != self._pg.pq.TransactionStatus.IDLE)

    def _begin(self, conn: Any) -> None:
        conn.execute("BEGIN")

    def _commit_conn(self) -> None:
        conn = self._conn()
        if self._in_transaction(conn):
            conn.execute("COMMIT")

    def _rollback_conn(self) -> None:
        conn = self._conn()
        if self._in_transaction(conn):
            conn.execute("ROLLBACK")

    # ---- the index itself ---------------------------------------------------------------------

    def try_lock_writer(self) -> bool:
        """Any number of ingest workers write one PostgreSQL index (leases share the runs)."""
        return True

    def recover(self, reason: str) -> None:
        self.notes.append(f"the index reported a problem ({reason})")

    def classify(self, exc: BaseException) -> str | None:
        """A value the database refuses (a NUL in a name) is the record's fault: skipped.
        Everything else from the database (connection lost, deadlock, a lost lease) is
        retried at the next reload."""
        if isinstance(exc, LeaseLost):
            return "retry"
        errors = self._pg.errors
        if isinstance(exc, errors.DataError | errors.IntegrityError) and not isinstance(
            exc, errors.UniqueViolation
        ):
            return None
        if isinstance(exc, self._pg.Error):
            return "retry"
        return None

    def set_run_meta(self, updates: dict[str, dict[str, Any] | None], wait: float = 5.0) -> None:
        """Replace what is said about each run (None or {} forgets it) in one transaction."""
        with self._write_lock:
            conn = self._conn()
            self._rollback_conn()
            conn.execute("BEGIN")
            try:
                conn.execute(f"SET LOCAL lock_timeout = {max(1, int(wait * 1000))}")
                self._write_run_meta(updates)
                conn.execute("COMMIT")
            except BaseException:
                self._rollback_conn()
                raise

    def close(self) -> None:
        with self._conns_lock:
            for conn in self._connections:
                with contextlib.suppress(Exception):  # closing a broken connection
                    conn.close()
            self._connections.clear()
        self._local = threading.local()


def _redact(url: str) -> str:
    """The URL without its password, for messages."""
    head, sep, tail = url.partition("@")
    if not sep or ":" not in head.split("//", 1)[-1]:
        return url
    scheme, _, userpass = head.partition("//")
    return f"{scheme}//{userpass.split(':', 1)[0]}:***@{tail}"
