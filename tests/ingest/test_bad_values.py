"""One bad value costs one value: every good record next to a bad one is indexed and served.

Each bad record is one a buggy or hostile writer can make inside valid framing; the run that
holds it sorts before a good run, so a failure that stopped the whole logdir would show.
"""

from __future__ import annotations

import math
import sqlite3
from pathlib import Path

import numpy as np
import pytest
from records import event, scalar_metadata, scalar_tensor, tensor, write

from ridgeline import SummaryWriter
from ridgeline.ingest.ingester import Ingester
from ridgeline.proto import event_pb2, summary_pb2, types_pb2
from ridgeline.store import SQLiteStore


def _varint(n: int) -> bytes:
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        out.append(b | (0x80 if n else 0))
        if not n:
            return bytes(out)


def scalar_with_garbage_metadata(tag: str, step: int) -> bytes:
    """A rank-0 float tensor value whose metadata field is not a protobuf message."""
    from records import frame

    value = summary_pb2.Summary.Value(tag=tag, tensor=scalar_tensor(1.0)).SerializeToString()
    garbage = b"\xff\xff\xff\xff"
    value += b"\x4a" + _varint(len(garbage)) + garbage  # field 9 (metadata), bytes
    summary = b"\x0a" + _varint(len(value)) + value
    head = event_pb2.Event(step=step, wall_time=3.0).SerializeToString()
    return frame(head + b"\x2a" + _varint(len(summary)) + summary)  # field 5 (summary)


def good_run(path: Path) -> None:
    with SummaryWriter(path) as w:
        for s in range(10):
            w.add_scalar("loss", float(s), s)


def test_bad_values_cost_only_themselves(tmp_path: Path) -> None:
    logdir = tmp_path / "logs"
    loss = [
        event(
            s,
            summary_pb2.Summary.Value(tag="loss", tensor=scalar_tensor(float(s)), metadata=scalar_metadata()),
        )
        for s in range(5)
    ]
    bad_content = tensor(types_pb2.DT_FLOAT, [], tensor_content=b"\x00\x00\x80")  # 3 bytes for a float
    write(
        logdir / "a_bad" / "events.out.tfevents.1.x",
        loss[0],
        scalar_with_garbage_metadata("garbled", 1),
        loss[1],
        event(2, summary_pb2.Summary.Value(tag="short", tensor=bad_content, metadata=scalar_metadata())),
        loss[2],
        event(3, summary_pb2.Summary.Value(tag="loss", tensor=scalar_tensor(3.0)), wall_time=math.nan),
        loss[4],
    )
    with SummaryWriter(logdir / "a_nan") as w:  # our own writer, a NaN wall time
        w.add_image("img", np.zeros((3, 2, 2)), 1, walltime=float("nan"))
        w.add_scalar("after", 1.0, 2)
    good_run(logdir / "b_good")
    store = SQLiteStore(tmp_path / "i.sqlite")
    report = Ingester(store, [("", str(logdir))]).reload()
    steps = store.read_scalars("a_bad", "loss")
    assert steps is not None and steps.steps.tolist() == [0, 1, 2, 3, 4]
    assert math.isnan(float(steps.wall_times[3]))
    assert store.read_refs("a_nan", "img")[0].step == 1
    assert store.read_scalars("a_nan", "after") is not None
    assert store.read_scalars("b_good", "loss").steps.tolist() == list(range(10))  # type: ignore[union-attr]
    # the garbled record is skipped with a message naming the file and its offset
    assert any("a_bad" in p and "byte" in p for p in report.problems), report.problems
    assert "garbled" not in {t.tag for t in store.tags()}


def test_record_that_cannot_be_stored_is_skipped_and_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    logdir = tmp_path / "logs"
    with SummaryWriter(logdir / "a") as w:
        for s in range(5):
            w.add_text("note", f"step {s}", s)
            w.add_scalar("loss", float(s), s)
    good_run(logdir / "b")
    store = SQLiteStore(tmp_path / "i.sqlite")
    real = store.append_refs

    def flaky(run: str, tag: str, refs: list) -> None:  # type: ignore[type-arg]
        if any(r.step == 2 for r in refs):
            raise ValueError("cannot store this value")
        real(run, tag, refs)

    monkeypatch.setattr(store, "append_refs", flaky)
    report = Ingester(store, [("", str(logdir))]).reload()
    assert [r.step for r in store.read_refs("a", "note/text_summary")] == [0, 1, 3, 4]
    assert store.read_scalars("a", "loss").steps.tolist() == list(range(5))  # type: ignore[union-attr]
    assert store.read_scalars("b", "loss").steps.tolist() == list(range(10))  # type: ignore[union-attr]
    (skipped,) = [p for p in report.problems if "skipped the record" in p]
    assert "at byte" in skipped and "cannot store this value" in skipped


def test_full_index_is_reported_and_retried_without_duplicates(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    logdir = tmp_path / "logs"
    good_run(logdir / "a")
    good_run(logdir / "b")
    store = SQLiteStore(tmp_path / "i.sqlite")
    ingester = Ingester(store, [("", str(logdir))])
    real = store.append_scalars
    calls = {"n": 0}

    def full(*args: object) -> None:
        calls["n"] += 1
        if calls["n"] == 2:
            raise sqlite3.OperationalError("database or disk is full")
        real(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(store, "append_scalars", full)
    report = ingester.reload()
    assert any("disk is full" in p and "retrying" in p for p in report.problems)
    assert ingester.problems(), "the failure is shown in /api/status until it is fixed"
    ingester.reload()
    for run in ("a", "b"):
        assert store.read_scalars(run, "loss").steps.tolist() == list(range(10))  # type: ignore[union-attr]
    assert ingester.problems() == []


def test_scalar_whose_metadata_comes_in_a_multi_value_event(tmp_path: Path) -> None:
    """The first value of a tag (with its metadata) in an event with other values; later
    values without metadata: every point is a scalar, as TensorBoard shows it."""
    records = [
        event(
            0,
            summary_pb2.Summary.Value(tag="acc", tensor=scalar_tensor(0.5), metadata=scalar_metadata()),
            summary_pb2.Summary.Value(tag="loss", tensor=scalar_tensor(0.0), metadata=scalar_metadata()),
        )
    ]
    records += [
        event(s, summary_pb2.Summary.Value(tag="loss", tensor=scalar_tensor(float(s)))) for s in range(1, 10)
    ]
    logdir = tmp_path / "logs"
    write(logdir / "r" / "events.out.tfevents.1.x", *records)
    store = SQLiteStore(tmp_path / "i.sqlite")
    Ingester(store, [("", str(logdir))]).reload()
    series = store.read_scalars("r", "loss")
    assert series is not None and series.steps.tolist() == list(range(10))
    assert series.values.tolist() == [float(s) for s in range(10)]
    from tb_oracle import tensorboard_scalars

    oracle = tensorboard_scalars(logdir / "r")["loss"]
    assert [(s, v) for s, _, v in oracle] == list(
        zip(series.steps.tolist(), series.values.tolist(), strict=True)
    )
