"""Opt-in system metrics: sampled off the training thread under ``system/``, stopped by close."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
from tb_oracle import tensorboard_scalars

import ridgeline


def test_system_metrics_are_logged_in_the_background(tmp_path: Path) -> None:
    with ridgeline.SummaryWriter(tmp_path, system_metrics=0.2) as w:
        w.add_scalar("loss", 1.0, 0)
        time.sleep(1.3)
    assert not any(t.name == "ridgeline-system-metrics" for t in threading.enumerate())  # stopped by close
    scalars = tensorboard_scalars(tmp_path)
    for tag in (
        "cpu_percent",
        "memory_percent",
        "memory_used_gb",
        "process_rss_gb",
        "disk_read_mb_s",
        "net_recv_mb_s",
    ):
        assert f"system/{tag}" in scalars, tag
    cpu = scalars["system/cpu_percent"]
    assert len(cpu) >= 4 and all(0.0 <= v <= 100.0 * 64 for _, _, v in cpu)
    assert 0.0 < scalars["system/process_rss_gb"][-1][2] < 64
    steps = [s for s, _, _ in cpu]
    assert steps == sorted(steps) and steps[-1] <= 2  # whole seconds since the writer started


def test_system_metrics_are_off_by_default_and_checked(tmp_path: Path) -> None:
    with ridgeline.SummaryWriter(tmp_path / "a") as w:
        w.add_scalar("loss", 1.0, 0)
    assert set(tensorboard_scalars(tmp_path / "a")) == {"loss"}
    with pytest.raises(ValueError, match="positive"):
        ridgeline.SummaryWriter(tmp_path / "b", system_metrics=-1)
