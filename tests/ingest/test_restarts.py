"""Restarts (``purge_step``, ``SessionLog.START``, steps going back in old files) read as
TensorBoard 2.21 shows them, checked against both of its loaders on every fixture and on
restart scenarios written by torch, tensorboardX, our writer and by hand:

* the Rust data server behind ``tensorboard --logdir`` (``--load_fast=true``, the default):
  what users see, and what we follow;
* the Python ``EventAccumulator`` (``--load_fast=false``): it ignores the first
  ``SessionLog.START`` of a run, so after a ``purge_step`` restart whose first file was written
  by a writer that logs START only on restarts (torch, tensorboardX, ours) it keeps the orphaned
  steps. The test pins down exactly where the two loaders disagree.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from records import event, frame, scalar_metadata, scalar_tensor
from tb_oracle import tensorboard_scalars

from ridgeline import SummaryWriter
from ridgeline.ingest.ingester import Ingester
from ridgeline.proto import event_pb2, summary_pb2
from ridgeline.store import SQLiteStore

Points = list[tuple[int, float]]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def legacy_file(path: Path, steps: list[int], version: str = "brain.Event:1") -> None:
    """A file as old TensorFlow wrote it: ``simple_value`` scalars, steps in the given order."""
    path.parent.mkdir(parents=True, exist_ok=True)
    head = frame(event_pb2.Event(wall_time=1.0, file_version=version).SerializeToString())
    body = b"".join(
        frame(
            event_pb2.Event(
                step=s,
                wall_time=10.0 + i,
                summary=summary_pb2.Summary(
                    value=[summary_pb2.Summary.Value(tag="x", simple_value=float(i))]
                ),
            ).SerializeToString()
        )
        for i, s in enumerate(steps)
    )
    path.write_bytes(head + body)


def session_start(step: int) -> bytes:
    return frame(
        event_pb2.Event(
            step=step, wall_time=50.0, session_log=event_pb2.SessionLog(status=event_pb2.SessionLog.START)
        ).SerializeToString()
    )


def scenarios(root: Path) -> None:
    # ours: purge_step restart into a second file
    with SummaryWriter(root / "ours_purge") as w:
        for s in range(100):
            w.add_scalar("loss", float(s), s)
    with SummaryWriter(root / "ours_purge", purge_step=60) as w:
        for s in range(60, 90):
            w.add_scalar("loss", 1000.0 + s, s)
    # ours: restarted twice
    for start, stop in ((0, 50), (30, 70), (10, 40)):
        with SummaryWriter(root / "ours_twice", purge_step=start or None) as w:
            for s in range(start, stop):
                w.add_scalar("loss", float(start * 1000 + s), s)
    torch_tb = pytest.importorskip("torch.utils.tensorboard")
    with torch_tb.SummaryWriter(str(root / "torch_purge")) as tw:
        for s in range(80):
            tw.add_scalar("loss", float(s), s)
    time.sleep(1.1)  # torch names files by the second
    with torch_tb.SummaryWriter(str(root / "torch_purge"), purge_step=40) as tw:
        for s in range(40, 70):
            tw.add_scalar("loss", 500.0 + s, s)
    # by hand: SessionLog.START inside one brain.Event:2 file (TensorFlow's restart)
    path = root / "start_mid_file" / "events.out.tfevents.1.x"
    path.parent.mkdir(parents=True)
    head = frame(event_pb2.Event(wall_time=1.0, file_version="brain.Event:2").SerializeToString())

    def pt(s: int, v: float) -> bytes:
        return event(
            s, summary_pb2.Summary.Value(tag="x", tensor=scalar_tensor(v), metadata=scalar_metadata())
        )

    path.write_bytes(
        head
        + b"".join(pt(s, float(s)) for s in range(20))
        + session_start(12)
        + b"".join(pt(s, 100.0 + s) for s in range(12, 25))
    )
    # by hand: old files (brain.Event:1) whose steps go back: out-of-order purge per tag
    legacy_file(root / "legacy_back" / "events.out.tfevents.1.x", [0, 1, 2, 3, 4, 5, 6, 7, 2, 3, 4])


def rust_loader(logdir: Path) -> dict[str, dict[str, Points]]:
    """Scalars as ``tensorboard --logdir`` (its Rust data server) serves them."""
    port = _free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tensorboard.main",
            "--logdir",
            str(logdir),
            "--port",
            str(port),
            "--load_fast=true",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/data/plugin/scalars"
    try:
        deadline = time.monotonic() + 120
        tags: dict[str, dict[str, object]] = {}
        stable = 0
        while time.monotonic() < deadline:
            try:
                now = json.loads(urllib.request.urlopen(url + "/tags", timeout=5).read())
            except OSError:
                now = {}
            stable = stable + 1 if now and now == tags else 0
            tags = now
            if stable >= 3:
                break
            time.sleep(1.0)
        out: dict[str, dict[str, Points]] = {}
        for run, run_tags in tags.items():
            for tag in run_tags:
                q = urllib.parse.urlencode({"run": run, "tag": tag})
                rows = json.loads(urllib.request.urlopen(f"{url}/scalars?{q}", timeout=10).read())
                out.setdefault(run, {})[tag] = [(int(step), float(value)) for _, step, value in rows]
        return out
    finally:
        proc.terminate()
        proc.wait(10)


def python_loader(logdir: Path) -> dict[str, dict[str, Points]]:
    out: dict[str, dict[str, Points]] = {}
    for run_dir in sorted({p.parent for p in logdir.rglob("*tfevents*")}):
        run = os.path.relpath(run_dir, logdir).replace(os.sep, "/")
        scalars = tensorboard_scalars(run_dir)
        if scalars:
            out[run] = {tag: [(s, v) for s, _, v in pts] for tag, pts in scalars.items()}
    return out


def ours(logdir: Path, db: Path) -> dict[str, dict[str, Points]]:
    store = SQLiteStore(db)
    Ingester(store, [("", str(logdir))]).reload()
    out: dict[str, dict[str, Points]] = {}
    for t in store.tags(summary_pb2.DATA_CLASS_SCALAR):
        series = store.read_scalars(t.run, t.tag)
        if series is not None and series.steps.size:
            out.setdefault(t.run, {})[t.tag] = list(
                zip(series.steps.tolist(), series.values.tolist(), strict=True)
            )
    return out


def test_restarts_match_tensorboards_default_loader_on_every_fixture(
    fixtures_dir: Path, tmp_path: Path
) -> None:
    logdir = tmp_path / "logs"
    shutil.copytree(fixtures_dir, logdir / "fixtures")
    scenarios(logdir / "restarts")
    rust = rust_loader(logdir)
    python = python_loader(logdir)
    mine = ours(logdir, tmp_path / "i.sqlite")
    assert len(rust) >= 25 and "restarts/torch_purge" in rust
    # What `tensorboard --logdir` shows, we show: every run, tag, step and value.
    assert mine == rust
    # Where TensorBoard's two loaders disagree: the Python accumulator keeps the steps a
    # purge_step restart orphaned (it ignores a run's first SessionLog.START). Nowhere else.
    differ = sorted(run for run in rust if python.get(run) != rust[run])
    assert differ == [
        "fixtures/torch/restarted",
        "restarts/ours_purge",
        "restarts/start_mid_file",
        "restarts/torch_purge",
    ]
    for run in differ:
        for tag, points in rust[run].items():
            assert set(points) < set(python[run][tag])  # the accumulator only adds orphans
    assert mine["restarts/ours_purge"]["loss"] == [(s, float(s)) for s in range(60)] + [
        (s, 1000.0 + s) for s in range(60, 90)
    ]
    assert mine["restarts/start_mid_file"]["x"] == [(s, float(s)) for s in range(12)] + [
        (s, 100.0 + s) for s in range(12, 25)
    ]
    assert mine["restarts/legacy_back"]["x"] == [(0, 0.0), (1, 1.0), (2, 8.0), (3, 9.0), (4, 10.0)]
