"""Write the benchmark logdir: RUNS runs x TAGS tags x STEPS steps of scalars.

Usage: python benchmarks/make_logdir.py OUT [--runs 50 --tags 20 --steps 10000]
Runs are written by parallel processes with ridgeline's SummaryWriter (the same modern scalar
layout TensorFlow 2 writes).
"""

from __future__ import annotations

import argparse
import os
from concurrent.futures import ProcessPoolExecutor

import numpy as np


def write_run(out: str, run: int, tags: int, steps: int) -> None:
    from ridgeline import SummaryWriter

    rng = np.random.default_rng(run)
    names = [f"{['train', 'val', 'sys'][t % 3]}/metric_{t:02d}" for t in range(tags)]
    curves = rng.normal(size=(tags, steps)).cumsum(axis=1) * 0.01
    with SummaryWriter(os.path.join(out, f"run_{run:03d}"), max_queue=1000) as w:
        for s in range(steps):
            for t in range(tags):
                w.add_scalar(names[t], float(curves[t, s]), s, walltime=1.7e9 + s)


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("out")
    p.add_argument("--runs", type=int, default=50)
    p.add_argument("--tags", type=int, default=20)
    p.add_argument("--steps", type=int, default=10_000)
    a = p.parse_args()
    with ProcessPoolExecutor(os.cpu_count()) as pool:
        list(pool.map(write_run, [a.out] * a.runs, range(a.runs), [a.tags] * a.runs, [a.steps] * a.runs))
    print(f"wrote {a.runs * a.tags * a.steps:,} points to {a.out}")


if __name__ == "__main__":
    main()
