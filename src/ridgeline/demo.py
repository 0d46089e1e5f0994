"""``ridgeline demo``: write a realistic demo logdir.

Runs: a baseline and a small hyperparameter sweep (learning rate x width), each with noisy
``train/``/``val/`` loss and accuracy, a warm-up + cosine learning-rate schedule, and one run
whose loss spikes once (so the spike-preserving downsampling has something to keep).
"""

from __future__ import annotations

import math
import os

import numpy as np

from ridgeline.writer import SummaryWriter


def _run(logdir: str, name: str, lr: float, width: int, steps: int, seed: int, spike: bool) -> None:
    rng = np.random.default_rng(seed)
    capacity = math.log2(width) / 8
    floor = 0.15 + 0.4 / (1 + 40 * lr) - 0.1 * capacity
    with SummaryWriter(os.path.join(logdir, name), flush_secs=5) as w:
        t0 = 1.7e9 + seed * 3600
        for step in range(steps):
            progress = step / steps
            warm = min(1.0, step / (0.05 * steps))
            sched = lr * warm * 0.5 * (1 + math.cos(math.pi * progress))
            loss = floor + (2.3 - floor) * math.exp(-lr * 60 * progress * 5) + rng.normal(0, 0.05)
            if spike and step == steps // 3:
                loss += 4.0
            acc = max(0.0, min(1.0, 1 - loss / 2.5 + rng.normal(0, 0.01)))
            wall = t0 + step * (0.2 + 0.02 * width / 64)
            w.add_scalar("train/loss", loss, step, walltime=wall)
            w.add_scalar("train/accuracy", acc, step, walltime=wall)
            w.add_scalar("train/learning_rate", sched, step, walltime=wall)
            if step % 50 == 0:
                vloss = loss + 0.05 + 0.1 * progress + rng.normal(0, 0.02)
                w.add_scalar("val/loss", vloss, step, walltime=wall)
                w.add_scalar("val/accuracy", max(0.0, acc - 0.03 - 0.05 * progress), step, walltime=wall)
            if step % 10 == 0:
                w.add_scalar(
                    "system/throughput_samples_per_s", 950 + rng.normal(0, 25) - width, step, walltime=wall
                )


def write_demo(logdir: str, steps: int = 2000) -> str:
    """Write the demo runs under ``logdir`` (replacing an earlier demo there)."""
    os.makedirs(logdir, exist_ok=True)
    _run(logdir, "baseline", 0.01, 64, steps, 0, spike=True)
    seed = 1
    for lr in (0.003, 0.03):
        for width in (32, 128):
            _run(logdir, f"sweep/lr={lr},width={width}", lr, width, steps, seed, spike=False)
            seed += 1
    return logdir
