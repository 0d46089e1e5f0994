"""The index's tables and queries, shared by the SQLite and PostgreSQL stores.

Scalar series are kept whole (no sampling), columnar: each ingest batch of a tag is one row of
``scalar_chunks`` holding three little-endian blobs (int64 steps, float64 wall times, float64
values), so reading a series is a few ``np.frombuffer`` calls, never a Python object per point.
Chunks of a tag are merged when they pile up (live tailing adds small ones).

Non-scalar values (images, audio, histograms, text, PR curves...) are not copied: ``value_refs``
holds, per value, its step, wall time and where its event record lies in its file.

``files`` remembers how far each event file was read, and which file it was (device, inode, a
hash of its first bytes); a reopened logdir resumes there. ``meta.generation`` increases with
every commit that changed data, so readers can cache by it; ``meta.epoch`` increases whenever
data was taken away (a run re-read or removed), so caches keyed by position must be dropped.

``leases`` lets several ingest workers share one index: a worker claims a run before reading it,
renews the claim in the same transaction as the data it read (so a worker that lost its claim
commits nothing), and a dead worker's claim expires. ``tokens`` and ``run_meta`` hold what users
made, not a cache of the logdir.

SQL is written once, with ``?`` placeholders and the syntax both databases share (``ON CONFLICT
… DO UPDATE``, ``RETURNING``); a subclass supplies connections, the table definitions and how
its errors read.
"""

from __future__ import annotations

import contextlib
import json
import struct
import threading
import time
from collections.abc import Iterator
from typing import Any

import numpy as np

from ridgeline.store.base import FileState, LeaseLost, ScalarSeries, TagInfo, ValueRef
from ridgeline.tokens import TokenRecord

_MERGE_AT = 32
_WRITES = ("INSERT", "UPDATE", "DELETE")
# A tag's newest value, 8 bytes: SQLite would store a REAL NaN as NULL, and a diverged run's
# NaN must read back as NaN.
_F64 = struct.Struct("<d")


def _f64(value: float) -> bytes:
    return _F64.pack(float(value))


def _signed(n: int) -> int:
    """A 64-bit unsigned number (a device or inode) as the signed integer both databases hold."""
    return n - (1 << 64) if n >= 1 << 63 else n


def _unsigned(n: int) -> int:
    return n + (1 << 64) if n < 0 else n


def _blob(data: Any) -> bytes:
    return data if isinstance(data, bytes) else bytes(data)


class SQLStore:
    """Everything a :class:`~ridgeline.store.base.Store` does, over a DB-API connection."""

    placeholder = "?"
    # Begin a transaction before the first write (PostgreSQL connections run in autocommit, so
    # a reader never sits idle in a transaction; Python's sqlite3 does this itself).
    implicit_begin = False
    execute_options: dict[str, Any] = {}  # noqa: RUF012 - per dialect, never mutated

    def __init__(self) -> None:
        self._write_lock = threading.RLock()
        self._tag_ids: dict[tuple[str, str], int] = {}
        self._dirty = False
        self._savepoints = 0
        self._sql_cache: dict[str, str] = {}
        self.notes: list[str] = []  # what happened to the index itself (shown in status)

    # ---- what a subclass supplies ------------------------------------------------------------

    def _conn(self) -> Any:  # pragma: no cover - abstract
        raise NotImplementedError

    def _in_transaction(self, conn: Any) -> bool:  # pragma: no cover - abstract
        raise NotImplementedError

    def _begin(self, conn: Any) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    # ---- helpers -----------------------------------------------------------------------------

    def _q(self, sql: str) -> str:
        if self.placeholder == "?":
            return sql
        out = self._sql_cache.get(sql)
        if out is None:
            out = self._sql_cache[sql] = sql.replace("?", self.placeholder)
        return out

    def _x(self, sql: str, args: tuple[Any, ...] | list[Any] = ()) -> Any:
        conn = self._conn()
        if self.implicit_begin and sql[:6] in _WRITES and not self._in_transaction(conn):
            self._begin(conn)
        return conn.execute(self._q(sql), args, **self.execute_options)

    def _many(self, sql: str, rows: list[tuple[Any, ...]]) -> None:
        conn = self._conn()
        if self.implicit_begin and not self._in_transaction(conn):
            self._begin(conn)
        conn.cursor().executemany(self._q(sql), rows)

    def _commit_conn(self) -> None:
        self._conn().commit()

    def _rollback_conn(self) -> None:
        self._conn().rollback()

    def forget_cached_ids(self) -> None:
        """Drop in-memory tag ids (another process may have rewritten the tables)."""
        self._tag_ids.clear()

    # ---- ingest side ------------------------------------------------------------------------

    def file_states(self, runs: list[str] | None = None) -> dict[str, FileState]:
        """How far each event file was read (of ``runs`` only, when given)."""
        sql = (
            'SELECT path, run, "offset", size, mtime, records, file_version, problems,'
            " dev, ino, head_len, head FROM files"
        )
        if runs is None:
            rows = self._x(sql).fetchall()
        else:
            rows = []
            for i in range(0, len(runs), 500):
                part = runs[i : i + 500]
                rows += self._x(sql + f" WHERE run IN ({','.join('?' * len(part))})", part).fetchall()
        return {
            r[0]: FileState(
                r[0],
                r[1],
                r[2],
                r[3],
                r[4],
                r[5],
                r[6],
                tuple(json.loads(r[7])),
                _unsigned(r[8]),
                _unsigned(r[9]),
                r[10],
                r[11],
            )
            for r in rows
        }

    def save_file_state(self, state: FileState) -> None:
        with self._write_lock:
            self._x(
                "INSERT INTO files VALUES(?,?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT(path) DO UPDATE SET"
                ' run=excluded.run, "offset"=excluded."offset", size=excluded.size, mtime=excluded.mtime,'
                " records=excluded.records, file_version=excluded.file_version,"
                " problems=excluded.problems, dev=excluded.dev, ino=excluded.ino,"
                " head_len=excluded.head_len, head=excluded.head",
                (
                    state.path,
                    state.run,
                    state.offset,
                    state.size,
                    state.mtime,
                    state.records,
                    state.file_version,
                    json.dumps(list(state.problems)),
                    _signed(state.dev),
                    _signed(state.ino),
                    state.head_len,
                    state.head,
                ),
            )
            self._dirty = True

    def _tag_id(self, run: str, tag: str) -> int | None:
        key = (run, tag)
        tid = self._tag_ids.get(key)
        if tid is None:
            row = self._x("SELECT id FROM tags WHERE run=? AND tag=?", key).fetchone()
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
            row = self._x(
                "INSERT INTO tags(run, tag, plugin, data_class, metadata) VALUES(?,?,?,?,?) RETURNING id",
                (run, tag, plugin, data_class, metadata),
            ).fetchone()
            self._tag_ids[(run, tag)] = int(row[0])
            self._dirty = True

    def append_scalars(
        self, run: str, tag: str, steps: np.ndarray, wall_times: np.ndarray, values: np.ndarray
    ) -> None:
        if steps.size == 0:
            return
        with self._write_lock:
            tid = self._registered_tag_id(run, tag)
            count, chunks = self._x("SELECT count, chunks FROM tags WHERE id=?", (tid,)).fetchone()
            self._x(
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
            self._x(
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
            self._many(
                'INSERT INTO value_refs(tag_id, step, wall_time, path, "offset", length, idx)'
                " VALUES(?,?,?,?,?,?,?)",
                [(tid, r.step, r.wall_time, r.path, r.offset, r.length, r.index) for r in refs],
            )
            self._x(
                "UPDATE tags SET count=count+?, version=version+1, first_step=COALESCE(first_step, ?),"
                " last_step=?, last_wall_time=? WHERE id=?",
                (len(refs), refs[0].step, refs[-1].step, refs[-1].wall_time, tid),
            )
            self._dirty = True

    def _merge_chunks(self, tid: int) -> None:
        series = self._read_tag(tid)
        self._x("DELETE FROM scalar_chunks WHERE tag_id=?", (tid,))
        self._write_series(tid, series)

    def _write_series(self, tid: int, series: ScalarSeries) -> None:
        n = int(series.steps.size)
        if n:
            self._x(
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
        self._x(
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
            if tags is None:
                rows = self._x("SELECT id FROM tags WHERE run=? AND last_step IS NOT NULL", (run,)).fetchall()
                ids = [int(r[0]) for r in rows]
            else:
                ids = [t for t in (self._tag_id(run, tag) for tag in tags) if t is not None]
            for tid in ids:
                gone = self._x("DELETE FROM value_refs WHERE tag_id=? AND step>=?", (tid, step)).rowcount
                if gone:
                    self._refresh_ref_tag(tid)
                    continue
                series = self._read_tag(tid)
                keep = series.steps < step
                if keep.all():
                    continue
                self._x("DELETE FROM scalar_chunks WHERE tag_id=?", (tid,))
                self._write_series(
                    tid, ScalarSeries(series.steps[keep], series.wall_times[keep], series.values[keep])
                )
            self._dirty = True

    def _refresh_ref_tag(self, tid: int) -> None:
        n, first, last = self._x(
            "SELECT COUNT(*), MIN(step), MAX(step) FROM value_refs WHERE tag_id=?", (tid,)
        ).fetchone()
        row = self._x(
            "SELECT wall_time FROM value_refs WHERE tag_id=? ORDER BY id DESC LIMIT 1", (tid,)
        ).fetchone()
        self._x(
            "UPDATE tags SET count=?, version=version+1, first_step=?, last_step=?, last_wall_time=? WHERE id=?",
            (n, first, last, row[0] if row else None, tid),
        )

    def reset_run(self, run: str) -> None:
        """Forget everything read from a run (its files were replaced or truncated)."""
        with self._write_lock:
            self._x("DELETE FROM scalar_chunks WHERE tag_id IN (SELECT id FROM tags WHERE run=?)", (run,))
            self._x("DELETE FROM value_refs WHERE tag_id IN (SELECT id FROM tags WHERE run=?)", (run,))
            self._x("DELETE FROM tags WHERE run=?", (run,))
            self._x("DELETE FROM files WHERE run=?", (run,))
            self._x("UPDATE meta SET value=CAST(value AS BIGINT)+1 WHERE key='epoch'")
            self._tag_ids = {k: v for k, v in self._tag_ids.items() if k[0] != run}
            self._dirty = True

    def commit(self) -> None:
        with self._write_lock:
            if self._dirty:
                self._x("UPDATE meta SET value=CAST(value AS BIGINT)+1 WHERE key='generation'")
                self._dirty = False
            self._commit_conn()

    def rollback(self) -> None:
        """Undo everything since the last commit (and forget ids it may have cached)."""
        with self._write_lock:
            self._rollback_conn()
            self._tag_ids.clear()
            self._savepoints = 0
            self._dirty = False

    @contextlib.contextmanager
    def savepoint(self) -> Iterator[None]:
        """Everything written inside is undone if the block raises (the error propagates)."""
        with self._write_lock:
            conn = self._conn()
            if not self._in_transaction(conn):
                self._begin(conn)  # else releasing the outermost savepoint would commit
            name = f"sp{self._savepoints}"
            self._savepoints += 1
            conn.execute(f"SAVEPOINT {name}")
            try:
                yield
            except BaseException:
                with contextlib.suppress(Exception):
                    conn.execute(f"ROLLBACK TO SAVEPOINT {name}")
                    conn.execute(f"RELEASE SAVEPOINT {name}")
                self._tag_ids.clear()
                raise
            finally:
                self._savepoints -= 1
            conn.execute(f"RELEASE SAVEPOINT {name}")

    def epoch(self) -> int:
        """Increases whenever indexed data was taken away (a run re-read or removed)."""
        row = self._x("SELECT value FROM meta WHERE key='epoch'").fetchone()
        return int(row[0]) if row else 0

    # ---- leases: several ingest workers on one index ----------------------------------------

    def claim(self, key: str, owner: str, ttl: float) -> bool:
        """Take (or keep) the lease ``key`` for ``ttl`` seconds unless another owner holds an
        unexpired one. Commits: call it outside an ingest transaction."""
        now = time.time()
        with self._write_lock:
            self._x(
                "INSERT INTO leases VALUES(?,?,?) ON CONFLICT(key) DO UPDATE SET owner=excluded.owner,"
                " expires=excluded.expires WHERE leases.expires < ? OR leases.owner = excluded.owner",
                (key, owner, now + ttl, now),
            )
            row = self._x("SELECT owner FROM leases WHERE key=?", (key,)).fetchone()
            self._commit_conn()
        return row is not None and row[0] == owner

    def renew(self, keys: list[str], owner: str, ttl: float) -> None:
        """Extend ``owner``'s leases, inside the current transaction (so the data committed
        with it is committed only by the lease's holder); raises LeaseLost if one was taken."""
        expires = time.time() + ttl
        with self._write_lock:
            for key in keys:
                if (
                    self._x(
                        "UPDATE leases SET expires=? WHERE key=? AND owner=?", (expires, key, owner)
                    ).rowcount
                    != 1
                ):
                    raise LeaseLost(f"the lease on {key!r} expired and was taken by another worker")

    def release(self, keys: list[str], owner: str) -> None:
        with self._write_lock:
            for key in keys:
                self._x("DELETE FROM leases WHERE key=? AND owner=?", (key, owner))
            self._commit_conn()

    def leases(self) -> dict[str, tuple[str, float]]:
        rows = self._x("SELECT key, owner, expires FROM leases").fetchall()
        return {r[0]: (r[1], r[2]) for r in rows}

    # ---- provider side ----------------------------------------------------------------------

    def runs(self) -> list[str]:
        rows = self._x(
            "SELECT DISTINCT run FROM files UNION SELECT DISTINCT run FROM tags ORDER BY 1"
        ).fetchall()
        return [r[0] for r in rows]

    def tags(self, data_class: int | None = None, run: str | None = None) -> list[TagInfo]:
        sql = (
            "SELECT run, tag, plugin, data_class, metadata, count, first_step, last_step,"
            " last_wall_time, version, last_value FROM tags"
        )
        where: list[str] = []
        args: list[object] = []
        if data_class is not None:
            where.append("data_class=?")
            args.append(data_class)
        if run is not None:
            where.append("run=?")
            args.append(run)
        if where:
            sql += " WHERE " + " AND ".join(where)
        rows = self._x(sql + " ORDER BY run, tag", args).fetchall()
        return [
            TagInfo(
                r[0],
                r[1],
                r[2],
                r[3],
                _blob(r[4]),
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
        rows = self._x(
            "SELECT steps, wall_times, vals FROM scalar_chunks WHERE tag_id=? ORDER BY seq", (tid,)
        ).fetchall()
        if len(rows) == 1:
            s, w, v = rows[0]
            return ScalarSeries(np.frombuffer(s, "<i8"), np.frombuffer(w, "<f8"), np.frombuffer(v, "<f8"))
        return ScalarSeries(
            np.concatenate([np.frombuffer(r[0], "<i8") for r in rows]) if rows else np.empty(0, "<i8"),
            np.concatenate([np.frombuffer(r[1], "<f8") for r in rows]) if rows else np.empty(0, "<f8"),
            np.concatenate([np.frombuffer(r[2], "<f8") for r in rows]) if rows else np.empty(0, "<f8"),
        )

    def read_scalars(self, run: str, tag: str) -> ScalarSeries | None:
        row = self._x("SELECT id FROM tags WHERE run=? AND tag=?", (run, tag)).fetchone()
        series = None if row is None else self._read_tag(int(row[0]))
        return series

    def read_refs(self, run: str, tag: str) -> list[ValueRef]:
        rows = self._x(
            'SELECT step, wall_time, path, "offset", length, idx FROM value_refs'
            " WHERE tag_id=(SELECT id FROM tags WHERE run=? AND tag=?) ORDER BY id",
            (run, tag),
        ).fetchall()
        nan = float("nan")
        return [ValueRef(r[0], nan if r[1] is None else r[1], r[2], r[3], r[4], r[5]) for r in rows]

    def generation(self) -> int:
        row = self._x("SELECT value FROM meta WHERE key='generation'").fetchone()
        return int(row[0])

    # ---- what users say about runs, and who may read (kept across rebuilds) ------------------

    def run_meta(self) -> dict[str, dict[str, Any]]:
        rows = self._x("SELECT run, data FROM run_meta").fetchall()
        return {r[0]: json.loads(r[1]) for r in rows}

    def _write_run_meta(self, updates: dict[str, dict[str, Any] | None]) -> None:
        for run, data in updates.items():
            if data:
                self._x(
                    "INSERT INTO run_meta VALUES(?, ?) ON CONFLICT(run) DO UPDATE SET data=excluded.data",
                    (run, json.dumps(data)),
                )
            else:
                self._x("DELETE FROM run_meta WHERE run=?", (run,))
        self._x("UPDATE meta SET value=CAST(value AS BIGINT)+1 WHERE key='generation'")

    def add_token(self, token: TokenRecord, secret_hash: str) -> None:
        with self._write_lock:
            self._x(
                "INSERT INTO tokens VALUES(?,?,?,?,?,?,?,?)",
                (
                    token.id,
                    secret_hash,
                    token.name,
                    1 if token.read_only else 0,
                    token.runs,
                    token.tags,
                    token.created,
                    token.revoked,
                ),
            )
            self._commit_conn()

    def _token_rows(self, where: str = "", args: tuple[Any, ...] = ()) -> list[TokenRecord]:
        rows = self._x(
            "SELECT id, name, read_only, runs, tags, created, revoked FROM tokens"
            + where
            + " ORDER BY created",
            args,
        ).fetchall()
        return [TokenRecord(r[0], r[1], bool(r[2]), r[3], r[4], r[5], r[6]) for r in rows]

    def tokens(self) -> list[TokenRecord]:
        return self._token_rows()

    def token_by_hash(self, secret_hash: str) -> TokenRecord | None:
        found = self._token_rows(" WHERE hash=?", (secret_hash,))
        return found[0] if found else None

    def revoke_token(self, token_id: str) -> bool:
        with self._write_lock:
            n = self._x(
                "UPDATE tokens SET revoked=? WHERE id=? AND revoked IS NULL", (time.time(), token_id)
            ).rowcount
            self._commit_conn()
        return bool(n)
