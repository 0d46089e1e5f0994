"""What users say about runs (display names, colors, tags, notes), in the index's ``run_meta``
table. Not a cache of the logdir: ``SQLiteStore`` carries the table over when it rebuilds the
index for a newer layout."""

from __future__ import annotations

import json
import logging
import os
import sqlite3
from pathlib import Path
from typing import Any
from urllib.parse import quote

from ridgeline.store.sql_store import SQLStore

logger = logging.getLogger(__name__)

# Tables of what users said (not a cache of the logdir): kept when the index is rebuilt.
USER_TABLES = ("run_meta", "tokens")


def user_rows(conn: sqlite3.Connection) -> dict[str, list[tuple[object, ...]]]:
    """The rows of :data:`USER_TABLES` in an index about to be rebuilt."""
    kept: dict[str, list[tuple[object, ...]]] = {}
    for table in USER_TABLES:
        try:
            kept[table] = conn.execute(f"SELECT * FROM {table}").fetchall()
        except sqlite3.Error:  # a layout from before the table existed
            continue
    return kept


def read_run_meta(db: str | os.PathLike[str]) -> dict[str, dict[str, Any]]:
    """What users said about runs in the index ``db`` (an SQLite file or a PostgreSQL URL), read
    without writing to it (a server may be using it): ``{}`` if there is no such file or table."""
    from ridgeline.store.postgres_store import PostgresStore, is_postgres_url

    if is_postgres_url(str(db)):
        store = PostgresStore(str(db))
        try:
            return store.run_meta()
        finally:
            store.close()
    path = Path(db)
    if not path.is_file():
        return {}
    try:
        conn = sqlite3.connect(f"file:{quote(str(path.resolve()))}?mode=ro", uri=True, timeout=10)
        try:
            rows = conn.execute("SELECT run, data FROM run_meta").fetchall()
        finally:
            conn.close()
    except sqlite3.Error as exc:  # an index from before the table existed, or not an index
        logger.warning("could not read the run names and colors in %s (%s)", path, exc)
        return {}
    return {str(run): json.loads(data) for run, data in rows}


class RunMetaMixin(SQLStore):
    """``SQLiteStore``'s way of writing run meta beside a running ingester."""

    def set_run_meta(self, updates: dict[str, dict[str, Any] | None], wait: float = 5.0) -> None:
        """Replace what is said about each run (None or {} forgets it), in one short
        transaction; bumps the generation so every open dashboard reads it again.

        Waits at most ``wait`` seconds for the ingester's transaction to end (then raises
        ``sqlite3.OperationalError``). Not under ``_write_lock``: the ingester holds the file's
        write lock between its calls, so waiting for the file while holding ``_write_lock``
        would stop the ingester from ever committing."""
        conn = self._conn()
        conn.execute(f"PRAGMA busy_timeout={max(0, int(wait * 1000))}")
        try:
            # Take the write lock up front: a deferred transaction that reads first fails at
            # once (no waiting) if the ingester commits in between.
            conn.execute("BEGIN IMMEDIATE")
            try:
                self._write_run_meta(updates)
                conn.commit()
            except BaseException:
                conn.rollback()
                raise
        finally:
            conn.execute("PRAGMA busy_timeout=60000")
