"""Real training processes killed with SIGKILL lose at most what was logged after their last
flush (nothing after ``close()``), and the file stays readable (a fixed-seed subset of
``benchmarks/crash_writer.py``)."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
import crash_writer  # noqa: E402


def test_sigkill_loses_nothing_that_was_flushed(tmp_path: Path) -> None:
    rng = np.random.default_rng(3)
    trials = [crash_writer.trial(tmp_path, rng) for _ in range(5)]
    for t in trials:
        assert t.promised > 0, t  # the child got far enough to flush
        assert crash_writer.ok(t), t
        assert t.found == t.tensorboard  # the same points TensorBoard's reader finds
    assert sum(t.closed for t in trials) >= 1  # seed 3 includes a close() before the kill
