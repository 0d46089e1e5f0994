"""What users say about runs (display names, colors, tags, notes), in the index's ``run_meta``
table. Not a cache of the logdir: ``SQLiteStore`` carries the table over when it rebuilds the
index for a newer layout."""

from __future__ import annotations

import sqlite3
from typing import Any

from ridgeline.store.sql_store import SQLStore

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
