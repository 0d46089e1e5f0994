"""Every scalar in the shared real-world logdirs reads as TensorBoard reads it."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
from tb_oracle import tensorboard_scalars

from ridgeline.ingest.ingester import Ingester
from ridgeline.store import SQLiteStore


def run_dirs(root: Path) -> list[Path]:
    return sorted({p.parent for p in root.rglob("*tfevents*") if not p.name.endswith(".profile-empty")})


def test_every_fixture_scalar_matches_tensorboard(fixtures_dir: Path, tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "index.sqlite")
    Ingester(store, [("", str(fixtures_dir))]).reload()
    compared = 0
    for run_dir in run_dirs(fixtures_dir):
        run = os.path.relpath(run_dir, fixtures_dir).replace(os.sep, "/")
        want = tensorboard_scalars(run_dir)
        ours = {t.tag for t in store.tags() if t.run == run and t.plugin == "scalars" and t.count}
        assert ours == set(want), run
        if "restarted" in run:
            continue  # restarts: checked against TensorBoard's default loader in test_restarts.py
        for tag, points in want.items():
            series = store.read_scalars(run, tag)
            assert series is not None
            assert series.steps.tolist() == [p[0] for p in points], (run, tag)
            assert series.wall_times.tolist() == [p[1] for p in points], (run, tag)
            np.testing.assert_array_equal(series.values, [p[2] for p in points])
            compared += len(points)
    assert compared > 100


def test_fixture_edge_cases_are_covered(fixtures_dir: Path, tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "index.sqlite")
    report = Ingester(store, [("", str(fixtures_dir))]).reload()
    runs = store.runs()
    assert "tf/edge/实验 一" in runs and "tf/edge/run with spaces" in runs
    # The restarted run keeps steps < 50 from the first file only.
    restarted = [t for t in store.tags() if t.run.startswith("torch/restarted") and t.count]
    assert restarted
    for t in restarted:
        s = store.read_scalars(t.run, t.tag)
        assert s is not None and len(set(s.steps.tolist())) == len(s.steps)
    # The truncated file is read up to its last whole record, without complaint.
    states = [s for s in store.file_states().values() if "truncated" in s.path]
    assert states and all(s.offset < s.size for s in states)
    assert not any("truncated" in p and "corrupt" in p for p in report.problems)
