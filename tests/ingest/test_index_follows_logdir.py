"""The index follows the logdir: whatever happens to the files, what is served equals the disk.

Each case writes real event files, indexes them, changes the files the way users and tools do,
reloads, and compares the index with a fresh index of the same folder (what is on disk), also
after reopening the index as a restarted server would.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import numpy as np

from ridgeline import SummaryWriter
from ridgeline.ingest.ingester import Ingester
from ridgeline.store import SQLiteStore


def write_run(path: Path, steps: range, scale: float = 1.0, image: bool = False) -> None:
    with SummaryWriter(path) as w:
        for s in steps:
            w.add_scalar("loss", s * scale, s)
            if image and s % 10 == 0:
                w.add_image("img", np.full((3, 4, 4), (s % 250) / 255.0 * scale), s)


def snapshot(store: SQLiteStore) -> dict[tuple[str, str], list[tuple[int, float]]]:
    """Every scalar point and every value reference's step, per (run, tag)."""
    out: dict[tuple[str, str], list[tuple[int, float]]] = {}
    for info in store.tags():
        series = store.read_scalars(info.run, info.tag)
        if series is not None and series.steps.size:
            out[(info.run, info.tag)] = list(zip(series.steps.tolist(), series.values.tolist(), strict=True))
        refs = store.read_refs(info.run, info.tag)
        if refs:
            out[(info.run, info.tag)] = [(r.step, float(r.offset)) for r in refs]
    return out


def on_disk(logdir: Path, tmp: Path) -> dict[tuple[str, str], list[tuple[int, float]]]:
    """What a fresh index of ``logdir`` holds."""
    db = tmp / f"fresh-{len(list(tmp.glob('fresh-*')))}.sqlite"
    store = SQLiteStore(db)
    Ingester(store, [("", str(logdir))]).reload()
    snap = snapshot(store)
    store.close()
    return snap


class Indexed:
    """A served index: reload as the watcher does, reopen as a restart does."""

    def __init__(self, logdir: Path, db: Path) -> None:
        self.logdir, self.db = logdir, db
        self.store = SQLiteStore(db)
        self.ingester = Ingester(self.store, [("", str(logdir))])

    def reload(self) -> dict[tuple[str, str], list[tuple[int, float]]]:
        self.ingester.reload()
        return snapshot(self.store)

    def restart(self) -> dict[tuple[str, str], list[tuple[int, float]]]:
        self.store.close()
        self.store = SQLiteStore(self.db)
        self.ingester = Ingester(self.store, [("", str(self.logdir))])
        return self.reload()


def one_file_run(tmp: Path, steps: int) -> tuple[Path, Path, Indexed]:
    """A logdir with run ``r`` of one event file, indexed: (logdir, the file, the index)."""
    logdir = tmp / "runs"
    write_run(logdir / "r", range(steps))
    (f,) = (logdir / "r").glob("*tfevents*")
    idx = Indexed(logdir, tmp / "i.sqlite")
    idx.reload()
    return logdir, f, idx


def other_file(tmp: Path, steps: int, scale: float) -> Path:
    """An event file written elsewhere, to put in place of an indexed one."""
    write_run(tmp / "other", range(steps), scale=scale)
    (g,) = (tmp / "other").glob("*tfevents*")
    return g


def check(idx: Indexed, tmp: Path) -> None:
    expected = on_disk(idx.logdir, tmp)
    assert idx.reload() == expected
    assert idx.restart() == expected


def test_run_deleted_and_trained_again_shows_every_point_once(tmp_path: Path) -> None:
    logdir = tmp_path / "runs"
    write_run(logdir / "exp1", range(100), image=True)
    write_run(logdir / "exp2", range(50))
    idx = Indexed(logdir, tmp_path / "i.sqlite")
    idx.reload()
    shutil.rmtree(logdir / "exp1")  # rm -rf runs/exp1 && python train.py
    write_run(logdir / "exp1", range(60), scale=2.0, image=True)
    snap = idx.reload()
    assert snap[("exp1", "loss")] == [(s, s * 2.0) for s in range(60)]
    assert [s for s, _ in snap[("exp1", "img")]] == list(range(0, 60, 10))
    assert len(snap[("exp2", "loss")]) == 50
    check(idx, tmp_path)


def test_run_folder_removed_disappears(tmp_path: Path) -> None:
    logdir = tmp_path / "runs"
    write_run(logdir / "a", range(10))
    write_run(logdir / "b", range(10))
    idx = Indexed(logdir, tmp_path / "i.sqlite")
    idx.reload()
    shutil.rmtree(logdir / "a")
    idx.reload()
    assert idx.store.runs() == ["b"]
    check(idx, tmp_path)


def test_run_moved_is_renamed(tmp_path: Path) -> None:
    logdir = tmp_path / "runs"
    write_run(logdir / "old", range(20))
    idx = Indexed(logdir, tmp_path / "i.sqlite")
    idx.reload()
    os.rename(logdir / "old", logdir / "new")
    snap = idx.reload()
    assert list(snap) == [("new", "loss")] and len(snap[("new", "loss")]) == 20
    check(idx, tmp_path)


def test_event_file_deleted(tmp_path: Path) -> None:
    logdir = tmp_path / "runs"
    write_run(logdir / "r", range(10))
    write_run(logdir / "r", range(10, 20))  # a second file in the same run
    idx = Indexed(logdir, tmp_path / "i.sqlite")
    assert len(idx.reload()[("r", "loss")]) == 20
    first = sorted((logdir / "r").glob("*tfevents*"))[0]
    first.unlink()
    assert [s for s, _ in idx.reload()[("r", "loss")]] == list(range(10, 20))
    check(idx, tmp_path)


def test_file_replaced_by_larger_file_with_same_name(tmp_path: Path) -> None:
    _, f, idx = one_file_run(tmp_path, 10)
    os.replace(other_file(tmp_path, 100, 3.0), f)  # new inode, larger, same name
    assert idx.reload()[("r", "loss")] == [(s, s * 3.0) for s in range(100)]
    check(idx, tmp_path)


def test_file_truncated_and_rewritten_in_place(tmp_path: Path) -> None:
    """Same inode, same size or larger, other content: only the first bytes tell."""
    _, f, idx = one_file_run(tmp_path, 10)
    g = other_file(tmp_path, 30, 5.0)
    ino = f.stat().st_ino
    with open(f, "r+b") as out:  # truncate and rewrite through the same inode
        out.truncate(0)
        out.write(g.read_bytes())
    assert f.stat().st_ino == ino
    assert idx.reload()[("r", "loss")] == [(s, s * 5.0) for s in range(30)]
    check(idx, tmp_path)


def test_file_truncated_shorter(tmp_path: Path) -> None:
    _, f, idx = one_file_run(tmp_path, 100)
    data = f.read_bytes()
    f.write_bytes(data[: len(data) // 2])
    snap = idx.reload()
    assert 0 < len(snap[("r", "loss")]) < 100
    check(idx, tmp_path)


def test_file_renamed_within_run(tmp_path: Path) -> None:
    _, f, idx = one_file_run(tmp_path, 10)
    f.rename(f.with_name(f.name + ".renamed"))
    snap = idx.reload()
    assert len(snap[("r", "loss")]) == 10
    check(idx, tmp_path)


def test_logdir_replaced_wholesale(tmp_path: Path) -> None:
    logdir = tmp_path / "runs"
    write_run(logdir / "a", range(10))
    write_run(logdir / "b", range(10))
    idx = Indexed(logdir, tmp_path / "i.sqlite")
    idx.reload()
    staged = tmp_path / "staged"
    write_run(staged / "b", range(5), scale=7.0)
    write_run(staged / "c", range(3))
    shutil.rmtree(logdir)
    os.rename(staged, logdir)
    snap = idx.reload()
    assert sorted(idx.store.runs()) == ["b", "c"]
    assert snap[("b", "loss")] == [(s, s * 7.0) for s in range(5)]
    check(idx, tmp_path)


def test_changes_while_stopped_are_seen_at_restart(tmp_path: Path) -> None:
    logdir = tmp_path / "runs"
    write_run(logdir / "exp1", range(100))
    db = tmp_path / "i.sqlite"
    idx = Indexed(logdir, db)
    idx.reload()
    idx.store.close()
    shutil.rmtree(logdir / "exp1")
    write_run(logdir / "exp1", range(40))
    assert len(idx.restart()[("exp1", "loss")]) == 40
    check(idx, tmp_path)


def test_value_references_follow_a_replaced_file(tmp_path: Path) -> None:
    """Images are read from the file at serve time: after a rewrite they come from the new one."""
    from ridgeline.data.local_provider import LocalDataProvider

    logdir = tmp_path / "runs"
    write_run(logdir / "r", range(20), image=True)
    idx = Indexed(logdir, tmp_path / "i.sqlite")
    idx.reload()
    provider = LocalDataProvider(idx.store, idx.ingester)
    before = provider.read_values("r", "img", [1])
    assert before is not None
    old_png = before[0].value.tensor.string_val[2]
    shutil.rmtree(logdir / "r")
    write_run(logdir / "r", range(20), scale=0.5, image=True)
    idx.reload()
    after = provider.read_values("r", "img", [1])
    assert after is not None
    assert after[0].value.tensor.string_val[2] != old_png
