"""The index file: corrupt or foreign files are moved aside and rebuilt, several servers share
one ``--db`` without duplicates, a crash mid-ingest loses nothing, and a logdir that grows by
thousands of files while it is read ends up indexed exactly once."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import threading
import time
import urllib.request
from pathlib import Path

import pytest
from serving import serve

from ridgeline import SummaryWriter
from ridgeline.ingest.ingester import Ingester
from ridgeline.store import SQLiteStore


def write_runs(logdir: Path, runs: int, steps: int) -> None:
    for r in range(runs):
        with SummaryWriter(logdir / f"run{r:03d}") as w:
            for s in range(steps):
                w.add_scalar("loss", float(s), s)
                w.add_scalar("acc", s / steps, s)


def counts(store: SQLiteStore) -> dict[tuple[str, str], list[int]]:
    out = {}
    for t in store.tags():
        series = store.read_scalars(t.run, t.tag)
        assert series is not None
        out[(t.run, t.tag)] = series.steps.tolist()
    return out


def expected(runs: int, steps: int) -> dict[tuple[str, str], list[int]]:
    return {(f"run{r:03d}", tag): list(range(steps)) for r in range(runs) for tag in ("acc", "loss")}


@pytest.mark.parametrize("damage", ["truncated", "bad header", "garbage inside", "not sqlite", "empty"])
def test_corrupt_index_is_moved_aside_and_rebuilt(tmp_path: Path, damage: str) -> None:
    logdir = tmp_path / "logs"
    write_runs(logdir, 20, 400)
    db = tmp_path / "i.sqlite"
    store = SQLiteStore(db)
    Ingester(store, [("", str(logdir))]).reload()
    store.close()
    data = bytearray(db.read_bytes())
    assert len(data) > 64 * 1024
    if damage == "truncated":
        data = data[: len(data) // 3 + 100]
    elif damage == "bad header":
        data[:100] = b"\x13" * 100
    elif damage == "garbage inside":
        mid = (len(data) // 2) // 4096 * 4096
        data[mid : mid + 4096] = os.urandom(4096)
    elif damage == "not sqlite":
        data = bytearray(b"this is not a database\n" * 1000)
    else:
        data = bytearray()
    db.write_bytes(bytes(data))
    store = SQLiteStore(db)
    ingester = Ingester(store, [("", str(logdir))])
    ingester.reload()
    assert counts(store) == expected(20, 400)
    if damage != "empty":  # an empty file is a new index, nothing to move
        (aside,) = tmp_path.glob("i.sqlite.corrupt-*")
        assert store.notes and str(aside) in store.notes[0] and str(db) in store.notes[0]


def test_two_servers_on_one_index(tmp_path: Path) -> None:
    """Both answer, neither reports "database is locked", every point is there once, across a
    restart of either."""
    logdir = tmp_path / "logs"
    write_runs(logdir, 30, 300)
    db = tmp_path / "shared.sqlite"
    args = ["--logdir", str(logdir), "--db", str(db), "--reload_interval", "0.3"]
    a_dir, b_dir = tmp_path / "a", tmp_path / "b"
    a_dir.mkdir()
    b_dir.mkdir()
    for a in serve(args, a_dir):
        for b in serve(args, b_dir):
            write_runs(logdir / "more", 5, 100)  # grows while both serve
            want = {f"run{r:03d}": 300 for r in range(30)} | {f"more/run{r:03d}": 100 for r in range(5)}
            for served in (a, b):
                deadline = time.monotonic() + 30
                while time.monotonic() < deadline:
                    tags = json.loads(urllib.request.urlopen(served.url + "/api/plugins/scalars/tags").read())
                    got = {run: t["loss"]["count"] for run, t in tags["runs"].items() if "loss" in t}
                    if got == want:
                        break
                    time.sleep(0.2)
                assert got == want
                status = json.loads(urllib.request.urlopen(served.url + "/api/status").read())
                assert not any("locked" in p for p in status["problems"]), status["problems"]
        # b stopped; a still serves the same, and after a restart too
    for again in serve(args, a_dir):
        tags = json.loads(urllib.request.urlopen(again.url + "/api/plugins/scalars/tags").read())
        assert {run: t["loss"]["count"] for run, t in tags["runs"].items()} == want
    store = SQLiteStore(db)
    assert all(steps == sorted(set(steps)) for steps in counts(store).values())


CRASHING_INGEST = textwrap.dedent(
    """
    import os, sys
    from ridgeline.ingest.ingester import Ingester
    from ridgeline.store import SQLiteStore
    logdir, db, after = sys.argv[1], sys.argv[2], int(sys.argv[3])
    store = SQLiteStore(db)
    real = store.append_scalars
    calls = [0]
    def dying(*args):
        calls[0] += 1
        if calls[0] == after:
            os._exit(9)  # the process dies mid-transaction: no cleanup, no commit
        real(*args)
    store.append_scalars = dying
    import ridgeline.ingest.ingester as ing
    ing._COMMIT_BYTES = 4096  # commit often, so some work is committed before the crash
    Ingester(store, [("", logdir)]).reload()
    """
)


@pytest.mark.parametrize("after", [1, 7, 15, 23])
def test_server_killed_mid_ingest_resumes_without_loss_or_duplicates(tmp_path: Path, after: int) -> None:
    logdir = tmp_path / "logs"
    write_runs(logdir, 12, 500)
    db = tmp_path / "i.sqlite"
    proc = subprocess.run(
        [sys.executable, "-c", CRASHING_INGEST, str(logdir), str(db), str(after)],
        capture_output=True,
        timeout=120,
    )
    assert proc.returncode == 9, proc.stderr
    store = SQLiteStore(db)
    Ingester(store, [("", str(logdir))]).reload()
    assert counts(store) == expected(12, 500)


def test_logdir_growing_by_thousands_of_files_while_read(tmp_path: Path) -> None:
    logdir = tmp_path / "logs"
    logdir.mkdir()
    store = SQLiteStore(tmp_path / "i.sqlite")
    ingester = Ingester(store, [("", str(logdir))])
    files = 2000
    done = threading.Event()

    def produce() -> None:
        for i in range(files):
            with SummaryWriter(logdir / f"r{i // 20:03d}" / f"s{i % 20:02d}") as w:
                w.add_scalar("loss", float(i), i)
        done.set()

    t = threading.Thread(target=produce)
    t.start()
    reloads = 0
    while not done.is_set():
        ingester.reload()
        reloads += 1
    t.join()
    ingester.reload()
    got = counts(store)
    assert len(got) == files and all(len(steps) == 1 for steps in got.values())
    assert reloads > 1
