"""Ingest: tailing, corruption, restarts, resumable index."""

from __future__ import annotations

import logging
import os
from pathlib import Path

import numpy as np
import pytest

from ridgeline import SummaryWriter
from ridgeline.ingest.ingester import Ingester
from ridgeline.store import SQLiteStore


def make_run(path: Path, n: int = 100) -> Path:
    with SummaryWriter(path) as w:
        for s in range(n):
            w.add_scalar("loss", float(s), s, walltime=1000.0 + s)
    (f,) = path.glob("*tfevents*")
    return f


def test_partial_record_is_waited_for(tmp_path: Path) -> None:
    f = make_run(tmp_path / "run")
    data = f.read_bytes()
    f.write_bytes(data[:-7])  # the writer is mid-record
    store = SQLiteStore(tmp_path / "i.sqlite")
    ing = Ingester(store, [("", str(tmp_path))])
    report = ing.reload()
    assert report.problems == []
    assert store.read_scalars("run", "loss").steps.tolist() == list(range(99))  # type: ignore[union-attr]
    f.write_bytes(data)  # the record is completed
    ing.reload()
    assert store.read_scalars("run", "loss").steps.tolist() == list(range(100))  # type: ignore[union-attr]


def test_corrupt_record_is_skipped_with_one_warning(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    f = make_run(tmp_path / "run")
    data = bytearray(f.read_bytes())
    data[len(data) // 2] ^= 0xFF  # flip a byte inside some record's data
    f.write_bytes(bytes(data))
    store = SQLiteStore(tmp_path / "i.sqlite")
    with caplog.at_level(logging.WARNING):
        report = Ingester(store, [("", str(tmp_path))]).reload()
    assert len(report.problems) == 1 and "corrupt" in report.problems[0]
    assert sum("corrupt" in r.message for r in caplog.records) == 1
    assert len(store.read_scalars("run", "loss").steps) == 99  # type: ignore[union-attr]


def test_reopen_reads_only_new_bytes(tmp_path: Path) -> None:
    logdir = tmp_path / "logs"
    w = SummaryWriter(logdir / "run")
    for s in range(50):
        w.add_scalar("loss", s, s)
    w.flush()
    db = tmp_path / "i.sqlite"
    first = Ingester(SQLiteStore(db), [("", str(logdir))]).reload()
    assert first.records > 50
    reopened = Ingester(SQLiteStore(db), [("", str(logdir))]).reload()
    assert reopened.bytes_read == 0 and reopened.records == 0
    for s in range(50, 60):
        w.add_scalar("loss", s, s)
    w.close()
    store = SQLiteStore(db)
    later = Ingester(store, [("", str(logdir))]).reload()
    assert later.records == 10
    assert store.read_scalars("run", "loss").steps.tolist() == list(range(60))  # type: ignore[union-attr]


def test_restart_with_purge_step_drops_orphans(tmp_path: Path) -> None:
    import time

    make_run(tmp_path / "run", 100)
    time.sleep(1.1)
    with SummaryWriter(tmp_path / "run", purge_step=40) as w:
        for s in range(40, 45):
            w.add_scalar("loss", -s, s)
    store = SQLiteStore(tmp_path / "i.sqlite")
    Ingester(store, [("", str(tmp_path))]).reload()
    s = store.read_scalars("run", "loss")
    assert s is not None
    assert s.steps.tolist() == list(range(45))
    assert s.values.tolist()[40:] == [-40.0, -41.0, -42.0, -43.0, -44.0]


def test_runs_at_any_depth_and_unicode_paths(tmp_path: Path) -> None:
    make_run(tmp_path / "a" / "b c" / "实验", 3)
    make_run(tmp_path / "top", 3)
    store = SQLiteStore(tmp_path / "i.sqlite")
    Ingester(store, [("", str(tmp_path))]).reload()
    assert store.runs() == ["a/b c/实验", "top"]


def test_replaced_file_is_reread(tmp_path: Path) -> None:
    f = make_run(tmp_path / "run", 100)
    store = SQLiteStore(tmp_path / "i.sqlite")
    ing = Ingester(store, [("", str(tmp_path))])
    ing.reload()
    os.remove(f)
    make_run(tmp_path / "run", 10)
    g = next((tmp_path / "run").glob("*tfevents*"))
    os.rename(g, f)  # same name, shorter content
    ing.reload()
    assert store.read_scalars("run", "loss").steps.tolist() == list(range(10))  # type: ignore[union-attr]


def test_python_fallback_reads_the_same_as_the_compiled_kernels(
    fixtures_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ridgeline.ingest import kernels

    assert kernels.AVAILABLE  # the install (or first use) compiled them
    compiled = SQLiteStore(tmp_path / "c.sqlite")
    Ingester(compiled, [("", str(fixtures_dir))]).reload()
    monkeypatch.setattr(kernels, "_LIB", None)  # as on a machine without a C compiler
    fallback = SQLiteStore(tmp_path / "py.sqlite")
    Ingester(fallback, [("", str(fixtures_dir))]).reload()
    assert [(t.run, t.tag, t.count, t.last_step) for t in fallback.tags()] == [
        (t.run, t.tag, t.count, t.last_step) for t in compiled.tags()
    ]
    for t in compiled.tags(1):
        a, b = compiled.read_scalars(t.run, t.tag), fallback.read_scalars(t.run, t.tag)
        assert a is not None and b is not None
        np.testing.assert_array_equal(a.steps, b.steps)
        np.testing.assert_array_equal(a.values, b.values)


def test_an_index_from_an_older_version_is_rebuilt_not_an_error(tmp_path: Path) -> None:
    import sqlite3

    from ridgeline.store.sqlite_store import SCHEMA_VERSION

    db = tmp_path / "old.sqlite"
    conn = sqlite3.connect(db)
    conn.executescript(
        "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL); INSERT INTO meta VALUES('schema', '1');"
    )
    conn.commit()
    conn.close()
    logdir = tmp_path / "logs"
    with SummaryWriter(logdir / "r") as w:
        w.add_scalar("loss", 1.0, 0)
    store = SQLiteStore(db)
    Ingester(store, [("", str(logdir))]).reload()
    assert [(t.run, t.tag, t.count) for t in store.tags()] == [("r", "loss", 1)]
    row = sqlite3.connect(db).execute("SELECT value FROM meta WHERE key='schema'").fetchone()
    assert int(row[0]) == SCHEMA_VERSION


def test_a_folder_that_cannot_be_listed_is_reported_and_the_rest_indexed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """(Permissions do not stop root, who runs CI, so the refusal is simulated at the call.)"""
    from ridgeline.ingest import logdir as logdir_module

    make_run(tmp_path / "logs" / "open")
    make_run(tmp_path / "logs" / "locked")
    real = os.scandir

    def scandir(path: str) -> object:
        if str(path).endswith("locked"):
            raise PermissionError(13, "Permission denied", str(path))
        return real(path)

    monkeypatch.setattr(logdir_module.os, "scandir", scandir)
    store = SQLiteStore(tmp_path / "i.sqlite")
    ingester = Ingester(store, [("", str(tmp_path / "logs"))])
    ingester.reload()
    assert store.runs() == ["open"]
    assert ingester.problems() == [
        f"{tmp_path / 'logs' / 'locked'}: cannot list this folder (Permission denied); skipped"
    ]
